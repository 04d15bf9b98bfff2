"""Fixtures of the capsule network's tests: tiny MNIST folders, so no test needs the real digits.

Without the `capsnet` extra (PyTorch and friends) these tests are not collected: the generator's
tests still run on a machine that installed only `.[test]`.
"""

from __future__ import annotations

import gzip
import importlib.util
import struct
from collections.abc import Callable
from pathlib import Path

import pytest

if importlib.util.find_spec("torch") is None:
    collect_ignore_glob = ["test_*.py"]
else:
    import numpy as np


def idx_bytes(array, magic: int) -> bytes:
    """An IDX file: big-endian magic number, one 32-bit size per axis, then the bytes."""
    header = struct.pack(">i", magic) + struct.pack(f">{array.ndim}i", *array.shape)
    return header + array.astype(np.uint8).tobytes()


def learnable_digits(n: int, seed: int) -> tuple:
    """`n` 28x28 images whose label `k` is a bright 6x6 square at a place of its own, plus noise.

    A network can learn these in a few steps, which is what the training tests need; real MNIST
    would only make them slower.
    """
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 10
    images = rng.integers(0, 40, (n, 28, 28))
    for image, label in zip(images, labels, strict=True):
        top, left = 3 + 6 * (label // 4), 3 + 6 * (label % 4)
        image[top:top + 6, left:left + 6] = 255
    return images, labels


def write_mnist(folder: Path, n_train: int = 6, n_test: int = 4, gz: bool = False) -> Path:
    """The four MNIST IDX files of a tiny dataset in `folder` (created); returns `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    train_images, train_labels = learnable_digits(n_train, seed=0)
    test_images, test_labels = learnable_digits(n_test, seed=1)
    files = {
        "train-images-idx3-ubyte": idx_bytes(train_images, 2051),
        "train-labels-idx1-ubyte": idx_bytes(train_labels, 2049),
        "t10k-images-idx3-ubyte": idx_bytes(test_images, 2051),
        "t10k-labels-idx1-ubyte": idx_bytes(test_labels, 2049),
    }
    for name, payload in files.items():
        if gz:
            (folder / f"{name}.gz").write_bytes(gzip.compress(payload))
        else:
            (folder / name).write_bytes(payload)
    return folder


@pytest.fixture(name="write_mnist")
def write_mnist_fixture() -> Callable[..., Path]:
    """The :func:`write_mnist` helper, as a fixture."""
    return write_mnist


@pytest.fixture(name="idx_bytes")
def idx_bytes_fixture() -> Callable[..., bytes]:
    """The :func:`idx_bytes` helper, as a fixture."""
    return idx_bytes
