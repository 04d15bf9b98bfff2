r"""
---
title: Checkpoints
order: 8
summary: >
  One file holds the whole training state. It is written atomically and read back with
  PyTorch's safe loader, which accepts only tensors and plain data.
---

# Checkpoints

[`capsnet-train`](train.html) writes `checkpoint.pt` after every epoch; `--resume`,
[`capsnet-eval`](evaluate.html) and the [figures](figures.html) read it. It is a dictionary of
tensors and plain Python values (numbers, strings, lists, tuples, dictionaries): the epoch, the
settings, the states of the model, the optimiser and the schedule, and the states of the random
number generators.

Because nothing in it is an arbitrary Python object, we load it with
`torch.load(..., weights_only=True)`. That loader builds only tensors and plain values, so
opening a checkpoint from somewhere else cannot run code hidden in it. This is also why the
settings are stored as a dictionary and NumPy's generator state as a tensor.
"""

from __future__ import annotations

import io
import os
import pickle
import random
import tempfile
from pathlib import Path

import numpy as np
import torch

# The keys `capsnet-train` always writes; a file without them is not one of its checkpoints
REQUIRED_KEYS = ("epoch", "config", "model")


class CheckpointError(ValueError):
    r"""A checkpoint that cannot be used: truncated, corrupt, or not written by `capsnet-train`."""

    def __init__(self, path: Path, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = path


def write_file_atomic(path: Path, payload: bytes) -> None:
    r"""
    Writes `payload` to a temporary file in the same folder, flushes it to disk, then renames
    it over `path`. A reader (or a resumed run) never sees half a file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(payload)
            tmp.flush()
            os.fsync(tmp.fileno())
        # mkstemp creates the file readable by its owner only; give it the usual mode
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def save_checkpoint(path: Path, state: dict) -> None:
    r"""`torch.save` into memory, then one atomic write."""
    buffer = io.BytesIO()
    torch.save(state, buffer)
    write_file_atomic(path, buffer.getvalue())


def load_checkpoint(path: Path, device: torch.device | str = "cpu") -> dict:
    r"""
    Reads a checkpoint written by `save_checkpoint`, with the safe loader.
    A file that is truncated, corrupt, or holds anything but tensors and plain data raises
    `CheckpointError`, whose one-line message names the file and what to do.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no checkpoint here; train first or check --out")
    retry = "train again with capsnet-train, or give the checkpoint.pt that it wrote"
    try:
        state = torch.load(path, map_location=device, weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, EOFError, ValueError, OSError) as err:
        reason = next(iter(str(err).strip().splitlines()), type(err).__name__)
        raise CheckpointError(path, f"cannot be read as a checkpoint ({reason}); the file is "
                                    f"truncated, corrupt or not from capsnet-train; {retry}") from err
    missing = [key for key in REQUIRED_KEYS if not isinstance(state, dict) or key not in state]
    if missing:
        raise CheckpointError(path, f"is not a capsnet-train checkpoint (no {', '.join(missing)});"
                                    f" {retry}")
    return state


def rng_states(generator: torch.Generator) -> dict:
    r"""
    The states of every random number generator that training draws from: our own
    `generator` (batch order and shifts), PyTorch's global one, NumPy's and Python's.
    Each is a tensor or plain values, so the safe loader accepts them.
    """
    name, key, position, has_gauss, cached_gauss = np.random.get_state()
    return {
        "generator": generator.get_state(),
        "torch": torch.get_rng_state(),
        # NumPy's state holds an array, which the safe loader refuses, so we store it as a tensor
        "numpy": (name, torch.from_numpy(key.astype(np.int64)), position, has_gauss,
                  cached_gauss),
        "python": random.getstate(),
    }


def restore_rng_states(states: dict, generator: torch.Generator) -> None:
    r"""The inverse of `rng_states`."""
    generator.set_state(states["generator"])
    torch.set_rng_state(states["torch"])
    name, key, position, has_gauss, cached_gauss = states["numpy"]
    np.random.set_state((name, key.numpy().astype(np.uint32), position, has_gauss, cached_gauss))
    random.setstate(states["python"])
