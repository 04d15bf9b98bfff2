r"""
---
title: Pictures of what the capsules encode
order: 7
summary: >
  Inputs beside their reconstructions, and the paper's Figure 4: what happens to the
  reconstruction when one dimension of a digit capsule is changed.
---

# Pictures of what the capsules encode

Two pictures, drawn with NumPy and Pillow only:

* `reconstructions.png`: test digits (top row) and what the decoder draws from the capsule
  of the *predicted* class (bottom row), as in Figure 3 of the paper;
* `dimensions.png`: Figure 4 of the paper. We take the predicted digit capsule of a few test
  images and change one of its 16 dimensions at a time by
  $-0.25, -0.20, \dots, 0.25$ (steps of $0.05$), and decode each result.
  Each row is one dimension and each column one step; the middle column is the unchanged
  capsule. Rows that change the picture show what that dimension encodes:
  stroke thickness, width, slant, the size of a loop.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from capsule_networks.checkpoint import load_checkpoint, write_file_atomic
from capsule_networks.data import Split, load_dataset
from capsule_networks.evaluate import load_model
from capsule_networks.model import CapsuleNetwork

SIDE = 28


def _tile(images: np.ndarray, rows: int, cols: int, gap: int = 2) -> np.ndarray:
    r"""Puts `rows * cols` images of `[28, 28]` into one grid with `gap` pixels between them."""
    grid = np.full((rows * (SIDE + gap) - gap, cols * (SIDE + gap) - gap), 0.5, np.float32)
    for index, image in enumerate(images[:rows * cols]):
        row, col = divmod(index, cols)
        top, left = row * (SIDE + gap), col * (SIDE + gap)
        grid[top:top + SIDE, left:left + SIDE] = image
    return grid


def _png_bytes(grid: np.ndarray, scale: int, levels: int = 32) -> bytes:
    r"""
    A greyscale PNG of `grid` (values in $[0, 1]$), enlarged `scale` times.
    Rounding to `levels` shades of grey makes the file about half as large and looks the
    same for these blurry reconstructions.
    """
    shades = np.round(np.clip(grid, 0.0, 1.0) * (levels - 1)) / (levels - 1)
    pixels = (shades * 255).round().astype(np.uint8)
    image = Image.fromarray(pixels, mode="L")
    if scale > 1:
        image = image.resize((image.width * scale, image.height * scale), Image.NEAREST)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def one_per_class(split: Split, per_class: int = 1) -> torch.Tensor:
    r"""Indices of the first `per_class` examples of each digit, in digit order."""
    labels = split.labels.numpy()
    picked = [np.flatnonzero(labels == digit)[:per_class] for digit in range(10)]
    # Round-robin over the digits, so that the first ten are 0 to 9 when all are present
    order = [index[k] for k in range(per_class) for index in picked if k < len(index)]
    return torch.as_tensor(order, dtype=torch.long)


@torch.no_grad()
def reconstruction_grid(model: CapsuleNetwork, images: torch.Tensor) -> np.ndarray:
    r"""Inputs (first row) above their reconstructions (second row), for `[n, 1, 28, 28]`."""
    model.eval()
    output = model(images)
    inputs = images.squeeze(1).cpu().numpy()
    remade = output.reconstructions.view(-1, SIDE, SIDE).cpu().numpy()
    return _tile(np.concatenate([inputs, remade]), rows=2, cols=len(images))


@torch.no_grad()
def perturbed_dimensions(model: CapsuleNetwork, image: torch.Tensor,
                         steps: np.ndarray) -> np.ndarray:
    r"""
    Figure 4 for one `[1, 28, 28]` image: a `[16 * len(steps), 28, 28]` stack, one row
    of `len(steps)` pictures per capsule dimension.
    """
    model.eval()
    output = model(image.unsqueeze(0))
    predicted = output.predictions[0]
    v = output.v[0]
    n_dims, n_steps = v.shape[-1], len(steps)
    # One copy of all 10 capsules for every (dimension, step) pair
    perturbed = v.expand(n_dims, n_steps, *v.shape).clone()
    deltas = torch.as_tensor(steps, dtype=v.dtype, device=v.device)
    # $\mathbf{v}_{\text{pred}, d} \leftarrow \mathbf{v}_{\text{pred}, d} + \Delta$
    for dim in range(n_dims):
        perturbed[dim, :, predicted, dim] += deltas
    keep = predicted.expand(n_dims * n_steps)
    remade = model.decoder(perturbed.view(n_dims * n_steps, *v.shape), keep)
    return remade.view(-1, SIDE, SIDE).cpu().numpy()


def write_figures(model: CapsuleNetwork, test: Split, out: Path, *,
                  device: torch.device | str = "cpu", n_digits: int = 3) -> list[Path]:
    r"""Writes `reconstructions.png` and `dimensions.png` into `out`; returns their paths."""
    chosen = one_per_class(test)
    images = test.images[chosen].to(device)
    grid = reconstruction_grid(model, images)
    recon_path = out / "reconstructions.png"
    write_file_atomic(recon_path, _png_bytes(grid, scale=2))

    # $-0.25, -0.20, \dots, 0.25$: 11 steps of 0.05
    steps = np.round(np.linspace(-0.25, 0.25, 11), 2)
    panels = []
    for image in images[:n_digits]:
        panel = _tile(perturbed_dimensions(model, image, steps), rows=16, cols=len(steps))
        panels.append(panel)
        panels.append(np.full((panel.shape[0], 8), 1.0, np.float32))
    dims_path = out / "dimensions.png"
    write_file_atomic(dims_path, _png_bytes(np.concatenate(panels[:-1], axis=1), scale=1))
    return [recon_path, dims_path]


def main(argv: list[str] | None = None) -> int:
    r"""`python -m capsule_networks.figures CHECKPOINT --out DIR` redraws the pictures."""
    parser = argparse.ArgumentParser(prog="python -m capsule_networks.figures")
    parser.add_argument("checkpoint", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    try:
        checkpoint = load_checkpoint(args.checkpoint)
        config = checkpoint["config"]
        test = load_dataset(config["dataset"], config.get("data_dir")).test
    except (OSError, ValueError, KeyError) as err:
        print(f"figures: error: {err}", file=sys.stderr)
        return 1
    for path in write_figures(load_model(checkpoint), test, args.out):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
