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

The commands that read a checkpoint take either the run folder (`runs/capsnet`, the `--out` of
`capsnet-train`) or the file itself. A file that cannot be used gets one line of our own
that names the file, says what is wrong with it (empty, cut short, damaged, not a
checkpoint, or holding Python objects) and what to do. We never suggest loading it with
`weights_only=False`: that would run whatever code the file carries.
"""

from __future__ import annotations

import io
import os
import pickle
import random
import tempfile
import warnings
import zipfile
from pathlib import Path

import numpy as np
import torch

# The file name `capsnet-train` writes in its `--out` folder
CHECKPOINT_NAME = "checkpoint.pt"
# The keys `capsnet-train` always writes; a file without them is not one of its checkpoints
REQUIRED_KEYS = ("epoch", "config", "model")
# What to do about a file that is not a usable checkpoint
RETRY = "give the checkpoint.pt that capsnet-train wrote, or train again with capsnet-train"


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


def find_checkpoint(path: Path) -> Path:
    r"""
    The checkpoint file of `path`: the file itself, or `checkpoint.pt` in a run folder.
    Raises `FileNotFoundError` with a one-line message that says what to give instead.
    """
    path = Path(path)
    if path.is_dir():
        if (path / CHECKPOINT_NAME).is_file():
            return path / CHECKPOINT_NAME
        raise FileNotFoundError(f"{path}: this folder has no {CHECKPOINT_NAME}; train into it "
                                f"with capsnet-train --out {path}, or give a checkpoint file")
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file or folder; give a run folder (the --out "
                                f"of capsnet-train, runs/capsnet by default) or its "
                                f"{CHECKPOINT_NAME}")
    return path


def load_checkpoint(path: Path, device: torch.device | str = "cpu") -> dict:
    r"""
    Reads a checkpoint written by `save_checkpoint`, with the safe loader; `path` is the file
    or its run folder. A file that is empty, cut short, damaged, or holds anything but tensors
    and plain data raises `CheckpointError`, whose one-line message names the file, says
    what is wrong and what to do.
    """
    path = find_checkpoint(path)
    # PyTorch does not check the archive's checksums: a flipped bit would load as a wrong
    # weight, so we check them first (a fraction of a second for a full checkpoint)
    damaged = damaged_part(path) if zipfile.is_zipfile(path) else None
    if damaged:
        raise CheckpointError(path, f"is damaged: {damaged}; {RETRY}")
    try:
        # The safe loader warns about pickle details of foreign files before refusing them;
        # our one line says all the reader needs
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            state = torch.load(path, map_location=device, weights_only=True)
    except (pickle.UnpicklingError, RuntimeError, EOFError, ValueError, OSError) as err:
        # PyTorch's own message advises `weights_only=False`, which would run the file's
        # code, so we describe the file ourselves
        raise CheckpointError(path, f"{diagnose(path)}; {RETRY}") from err
    missing = [key for key in REQUIRED_KEYS if not isinstance(state, dict) or key not in state]
    if missing:
        raise CheckpointError(path, f"is not a capsnet-train checkpoint (no {', '.join(missing)});"
                                    f" {RETRY}")
    return state


def diagnose(path: Path) -> str:
    r"""
    What is wrong with a file the safe loader refused, read from the file alone.
    `torch.save` writes a zip archive whose `data.pkl` holds the pickled dictionary; we look
    at the archive and list the Python objects the pickle names, but build none of them.
    """
    with open(path, "rb") as f:
        head = f.read(4)
    if not head:
        return "is empty"
    if zipfile.is_zipfile(path):
        return _diagnose_archive(path)
    # A zip archive starts with "PK" and ends with its table of contents: without the end,
    # the file was cut short (an interrupted copy or run)
    if head.startswith(b"PK"):
        return "is cut short: the zip archive that torch.save writes ends early"
    # Protocol 2 and later pickles start with the PROTO opcode, 0x80
    if head.startswith(b"\x80"):
        return ("is a bare pickle, not the zip archive that torch.save writes; "
                "nothing in it was run")
    return "is not a checkpoint: torch.save writes a zip archive, and this file is something else"


def _diagnose_archive(path: Path) -> str:
    r"""The problem of a zip archive that the safe loader refused."""
    # PyTorch 2.5 and later list the objects a checkpoint names without building them
    list_unsafe = getattr(torch.serialization, "get_unsafe_globals_in_checkpoint", None)
    try:
        unsafe = list_unsafe(path) if list_unsafe else []
    except (RuntimeError, ValueError, OSError, pickle.UnpicklingError):
        # Not a PyTorch archive, or its pickle is damaged: the checks below tell which
        unsafe = []
    if unsafe:
        return (f"holds Python objects besides tensors and plain data ({', '.join(unsafe[:3])}); "
                "they were not built, because building them could run code hidden in the file")
    with zipfile.ZipFile(path) as archive:
        if not any(name.endswith("/data.pkl") for name in archive.namelist()):
            return "is a zip archive, but not one written by torch.save (it has no data.pkl)"
    damaged = damaged_part(path)
    if damaged:
        return f"is damaged: {damaged}"
    if list_unsafe is None:
        return ("holds something the safe loader refuses: Python objects besides tensors and "
                "plain data, or damaged data; nothing in it was run")
    return "is damaged: its zip archive is whole, but its contents cannot be read"


def damaged_part(path: Path) -> str | None:
    r"""
    What fails in the zip archive `path`: a part whose bytes do not match their checksum,
    or a part that cannot be read. `None` when every part is whole.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            bad = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError):
        return "parts of its zip archive cannot be read"
    return f"part {bad} of its zip archive fails its checksum" if bad else None


def rng_states(generator: torch.Generator) -> dict:
    r"""
    The states of every random number generator that training draws from: our own
    `generator` (batch order and shifts), PyTorch's global one, NumPy's and Python's.
    Each is a tensor or plain values, so the safe loader accepts them.
    """
    state = np.random.get_state(legacy=True)
    assert isinstance(state, tuple), "NumPy's global generator is its legacy MT19937"
    name, key, position, has_gauss, cached_gauss = state
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
