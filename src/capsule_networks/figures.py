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

Each picture has a title, and its axes are labelled: the digit of each column and what each
row shows, or the dimension of each row and the change of each column.
`capsnet-train` draws both after its last epoch;
`python -m capsule_networks.figures RUN --out DIR` draws them again from a run folder or a
checkpoint file.
"""

from __future__ import annotations

import argparse
import io
import math
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw, ImageFont

from capsule_networks.checkpoint import write_file_atomic
from capsule_networks.data import Split, load_dataset
from capsule_networks.evaluate import open_model
from capsule_networks.model import CapsuleNetwork

SIDE = 28
GAP = 2
# Text sizes in pixels: the title, the axis labels and the tick labels
TITLE_SIZE, LABEL_SIZE, TICK_SIZE = 18, 14, 12
# White margin around the text
PAD = 6


def _tile(images: np.ndarray, rows: int, cols: int, gap: int = GAP) -> np.ndarray:
    r"""Puts `rows * cols` images of `[28, 28]` into one grid with `gap` pixels between them."""
    grid = np.full((rows * (SIDE + gap) - gap, cols * (SIDE + gap) - gap), 0.5, np.float32)
    for index, image in enumerate(images[:rows * cols]):
        row, col = divmod(index, cols)
        top, left = row * (SIDE + gap), col * (SIDE + gap)
        grid[top:top + SIDE, left:left + SIDE] = image
    return grid


def _grey_image(grid: np.ndarray, scale: int, levels: int = 32) -> Image.Image:
    r"""
    A greyscale image of `grid` (values in $[0, 1]$), enlarged `scale` times.
    Rounding to `levels` shades of grey makes the file about half as large and looks the
    same for these blurry reconstructions.
    """
    shades = np.round(np.clip(grid, 0.0, 1.0) * (levels - 1)) / (levels - 1)
    pixels = (shades * 255).round().astype(np.uint8)
    image = Image.fromarray(pixels, mode="L")
    if scale > 1:
        image = image.resize((image.width * scale, image.height * scale), Image.Resampling.NEAREST)
    return image


def _png_bytes(image: Image.Image) -> bytes:
    r"""The PNG file of `image`."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    r"""The font that ships with Pillow, so the pictures look the same on every machine."""
    return ImageFont.load_default(size=size)


def _text_size(text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> tuple[int, int]:
    r"""Width and height of `text` in pixels."""
    left, top, right, bottom = font.getbbox(text)
    return math.ceil(right - left), math.ceil(bottom - top)


def _vertical_text(text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> Image.Image:
    r"""`text` written bottom to top, black on white, for the label of a vertical axis."""
    width, height = _text_size(text, font)
    strip = Image.new("L", (width + 2, height + 4), 255)
    ImageDraw.Draw(strip).text((0, 0), text, fill=0, font=font, anchor="lt")
    return strip.rotate(90, expand=True)


def annotate(picture: Image.Image, *, title: str, x_label: str, y_label: str,
             x_ticks: Sequence[tuple[int, str]], y_ticks: Sequence[tuple[int, str]],
             headings: Sequence[tuple[int, str]] = ()) -> Image.Image:
    r"""
    `picture` on a white page with a `title` on top, `headings` above it (the titles of
    its panels), tick labels on the left and below it, and the two axis labels.
    A tick is `(position, text)`: the pixel column (x) or row (y) of `picture` it names.
    """
    title_font, label_font, tick_font = _font(TITLE_SIZE), _font(LABEL_SIZE), _font(TICK_SIZE)
    y_axis = _vertical_text(y_label, label_font)
    tick_width = max((_text_size(text, tick_font)[0] for _, text in y_ticks), default=0)
    left = PAD + y_axis.width + PAD + tick_width + PAD
    top = PAD + TITLE_SIZE + PAD + (LABEL_SIZE + PAD if headings else 0)
    bottom = PAD + TICK_SIZE + PAD + LABEL_SIZE + PAD
    title_width = _text_size(title, title_font)[0]
    width = max(left + picture.width + PAD, title_width + 2 * PAD)
    page = Image.new("L", (width, top + picture.height + bottom), 255)
    page.paste(picture, (left, top))
    draw = ImageDraw.Draw(page)
    centre = left + picture.width // 2
    # Title centred over the picture, moved right when it would leave the page
    title_x = min(max(centre - title_width // 2, PAD), width - PAD - title_width)
    draw.text((title_x, PAD), title, fill=0, font=title_font, anchor="lt")
    for x, text in headings:
        draw.text((left + x, top - PAD), text, fill=0, font=label_font, anchor="mb")
    for x, text in x_ticks:
        draw.text((left + x, top + picture.height + PAD), text, fill=0, font=tick_font,
                  anchor="mt")
    for y, text in y_ticks:
        draw.text((left - PAD, top + y), text, fill=0, font=tick_font, anchor="rm")
    draw.text((centre, page.height - PAD), x_label, fill=0, font=label_font, anchor="mb")
    page.paste(y_axis, (PAD, top + picture.height // 2 - y_axis.height // 2))
    return page


def _centres(count: int, scale: int = 1) -> list[int]:
    r"""The pixel centre of each of `count` cells of a `_tile` grid, enlarged `scale` times."""
    return [scale * (index * (SIDE + GAP) + SIDE // 2) for index in range(count)]


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
    if model.decoder is None:
        raise ValueError("Figure 4 needs the decoder: pass a model built with reconstruction=True")
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


def draw_reconstructions(grid: np.ndarray, digits: list[int], scale: int = 2) -> Image.Image:
    r"""
    The picture of `reconstruction_grid`, titled and labelled: `digits` are the true
    labels of its columns.
    """
    picture = _grey_image(grid, scale)
    return annotate(
        picture, title="Test digits and what the decoder draws from their capsules",
        x_label="true digit of each test image", y_label="image",
        x_ticks=list(zip(_centres(len(digits), scale), map(str, digits), strict=True)),
        y_ticks=list(zip(_centres(2, scale), ["input", "decoded"], strict=True)))


def draw_dimensions(panels: list[np.ndarray], digits: list[int],
                    steps: np.ndarray) -> Image.Image:
    r"""
    Figure 4: the `perturbed_dimensions` grids of a few test images side by side, each
    headed by its digit, with the dimension of each row and the change of each column.
    """
    separator = 16
    gaps = [np.full((panels[0].shape[0], separator), 1.0, np.float32)] * len(panels)
    strips = [part for pair in zip(panels, gaps, strict=True) for part in pair][:-1]
    picture = _grey_image(np.concatenate(strips, axis=1), scale=1)
    panel_width = panels[0].shape[1] + separator
    columns = _centres(len(steps))
    # Three ticks per panel (first, middle, last step) leave room for the numbers
    shown = [0, len(steps) // 2, len(steps) - 1]
    x_ticks = [(k * panel_width + columns[i], f"{steps[i]:+.2f}".replace("+0.00", "0"))
               for k in range(len(panels)) for i in shown]
    headings = [(k * panel_width + panels[0].shape[1] // 2, f"digit {digit}")
                for k, digit in enumerate(digits)]
    return annotate(
        picture, title="Figure 4: one dimension of the predicted capsule changed at a time",
        x_label=f"change added to the dimension (steps of {steps[1] - steps[0]:.2f})",
        y_label="capsule dimension",
        x_ticks=x_ticks, y_ticks=list(zip(_centres(16), map(str, range(1, 17)), strict=True)),
        headings=headings)


def write_figures(model: CapsuleNetwork, test: Split, out: Path, *,
                  device: torch.device | str = "cpu", n_digits: int = 3) -> list[Path]:
    r"""Writes `reconstructions.png` and `dimensions.png` into `out`; returns their paths."""
    chosen = one_per_class(test)
    images = test.images[chosen].to(device)
    digits = test.labels[chosen].tolist()
    grid = reconstruction_grid(model, images)
    recon_path = out / "reconstructions.png"
    write_file_atomic(recon_path, _png_bytes(draw_reconstructions(grid, digits)))

    # $-0.25, -0.20, \dots, 0.25$: 11 steps of 0.05
    steps = np.round(np.linspace(-0.25, 0.25, 11), 2)
    panels = [_tile(perturbed_dimensions(model, image, steps), rows=16, cols=len(steps))
              for image in images[:n_digits]]
    dims_path = out / "dimensions.png"
    write_file_atomic(dims_path, _png_bytes(draw_dimensions(panels, digits[:n_digits], steps)))
    return [recon_path, dims_path]


def main(argv: list[str] | None = None) -> int:
    r"""`python -m capsule_networks.figures RUN --out DIR` draws the pictures again."""
    parser = argparse.ArgumentParser(prog="python -m capsule_networks.figures")
    parser.add_argument("run", type=Path,
                        help="a run folder (the --out of capsnet-train) or a checkpoint file")
    parser.add_argument("--out", type=Path, required=True, help="folder for the two pictures")
    args = parser.parse_args(argv)
    try:
        checkpoint, model = open_model(args.run)
        config = checkpoint["config"]
        test = load_dataset(config.get("dataset", "embedded"), config.get("data_dir")).test
    except (OSError, ValueError) as err:
        print(f"figures: error: {err}", file=sys.stderr)
        return 1
    if model.decoder is None:
        print(f"figures: error: {args.run}: trained with --no-reconstruction, so it has no "
              "decoder to draw with; give a run trained with the decoder", file=sys.stderr)
        return 1
    for path in write_figures(model, test, args.out):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
