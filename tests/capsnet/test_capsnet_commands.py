"""What a learner types: a quick `--limit` run, `capsnet-eval` on a run folder or a file, and
the one-line messages for checkpoints that cannot be used (none of which is ever executed)."""

from __future__ import annotations

import io
import pickle
import random
import re
import zipfile

import numpy as np
import pytest
import torch
from PIL import Image

from capsule_networks import evaluate as evaluate_module
from capsule_networks import train as train_module
from capsule_networks.checkpoint import (
    CheckpointError,
    load_checkpoint,
    save_checkpoint,
)
from capsule_networks.figures import draw_dimensions, draw_reconstructions
from capsule_networks.train import TrainConfig, load_data, parse_args

N_TRAIN, N_TEST, BATCH = 8, 4, 4


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    """A run folder written by capsnet-train on a tiny MNIST folder (two steps, no figures)."""
    from .conftest import write_mnist

    root = tmp_path_factory.mktemp("tiny")
    data_dir = write_mnist(root / "mnist", n_train=N_TRAIN, n_test=N_TEST)
    out = root / "runs" / "capsnet"
    code = train_module.main(["--dataset", "mnist", "--data-dir", str(data_dir), "--epochs", "1",
                              "--batch-size", str(BATCH), "--out", str(out), "--no-figures"])
    assert code == 0
    return out


def _eval_error(argv: list[str], capsys) -> str:
    """Runs capsnet-eval, checks that it fails with one line and no traceback, returns it."""
    assert evaluate_module.main(argv) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    return captured.err.rstrip("\n")


# --limit


@pytest.mark.slow  # the full model on 64 embedded digits, the test pass and both figures
def test_limit_trains_and_tests_on_the_first_n_digits_of_the_embedded_split(tmp_path, capsys):
    out = tmp_path / "quick"
    assert train_module.main(["--limit", "64", "--epochs", "1", "--batch-size", "16",
                              "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "embedded: training on 64 digits, testing on 64" in printed
    state = load_checkpoint(out)
    assert state["epoch"] == 1 and state["config"]["limit"] == 64
    assert sorted(p.name for p in out.iterdir()) == ["checkpoint.pt", "dimensions.png",
                                                    "metrics.jsonl", "reconstructions.png"]
    # The quick run's checkpoint is an ordinary one: capsnet-eval takes its folder
    assert evaluate_module.main([str(out), "--limit", "32"]) == 0
    assert '"n_test": 32' in capsys.readouterr().out


def test_limit_keeps_the_first_n_digits_of_each_split(tmp_path, write_mnist):
    data_dir = write_mnist(tmp_path / "mnist", n_train=10, n_test=6)
    full = load_data(TrainConfig(dataset="mnist", data_dir=str(data_dir)))
    cut = load_data(TrainConfig(dataset="mnist", data_dir=str(data_dir), limit=3))
    assert torch.equal(cut.train.images, full.train.images[:3])
    assert torch.equal(cut.train.labels, full.train.labels[:3])
    assert torch.equal(cut.test.images, full.test.images[:3])
    assert torch.equal(cut.test.labels, full.test.labels[:3])


def test_train_help_shows_limit_as_a_quick_run(capsys):
    with pytest.raises(SystemExit):
        parse_args(["--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "--limit N train and test on the first N digits of each split" in help_text
    assert "--limit 500 --epochs 1" in help_text


@pytest.mark.parametrize("value", ["0", "-5", "many"])
def test_limit_below_one_is_a_usage_error(value, capsys):
    with pytest.raises(SystemExit) as exit_info:
        parse_args(["--limit", value])
    assert exit_info.value.code == 2
    assert "expected a whole number of at least 1" in capsys.readouterr().err


def test_resume_keeps_limit_from_the_command_line_and_drops_settings_it_no_longer_has():
    saved = {**TrainConfig(limit=100).__dict__, "limit_train": 10}
    merged = train_module.resume_config(TrainConfig(limit=5), saved)
    assert merged.limit == 5


# capsnet-eval on a folder or a file


def test_eval_on_the_run_folder_uses_its_checkpoint(tiny_run, capsys):
    assert evaluate_module.main([str(tiny_run)]) == 0
    result = capsys.readouterr().out.strip().splitlines()[-1]
    assert f'"checkpoint": "{tiny_run / "checkpoint.pt"}"' in result
    assert f'"n_test": {N_TEST}' in result


def test_eval_on_the_checkpoint_file(tiny_run, capsys):
    assert evaluate_module.main([str(tiny_run / "checkpoint.pt"), "--limit", "2"]) == 0
    assert '"n_test": 2' in capsys.readouterr().out


def test_eval_without_argument_reads_runs_capsnet(tiny_run, monkeypatch, capsys):
    monkeypatch.chdir(tiny_run.parent.parent)
    assert evaluate_module.main([]) == 0
    assert '"checkpoint": "runs/capsnet/checkpoint.pt"' in capsys.readouterr().out


def test_eval_on_a_folder_without_checkpoint_says_how_to_fill_it(tmp_path, capsys):
    err = _eval_error([str(tmp_path)], capsys)
    assert err == (f"capsnet-eval: error: {tmp_path}: this folder has no checkpoint.pt; train "
                   f"into it with capsnet-train --out {tmp_path}, or give a checkpoint file")


def test_eval_on_a_missing_path_names_what_to_give(tmp_path, capsys):
    err = _eval_error([str(tmp_path / "nothing")], capsys)
    assert err.startswith(f"capsnet-eval: error: {tmp_path / 'nothing'}: no such file or folder")
    assert "the --out of capsnet-train" in err


# Damaged checkpoints: one line of ours, never PyTorch's weights_only=False advice


def _flip_a_weight_bit(checkpoint: bytes) -> bytes:
    """The checkpoint with one bit of its first tensor's bytes flipped (PyTorch loads that)."""
    with zipfile.ZipFile(io.BytesIO(checkpoint)) as archive:
        header = archive.getinfo(next(n for n in archive.namelist() if n.endswith("/data/0")))
    start = header.header_offset
    # The local header: 30 bytes, then the name and an extra field whose lengths it gives
    name_length = int.from_bytes(checkpoint[start + 26:start + 28], "little")
    extra_length = int.from_bytes(checkpoint[start + 28:start + 30], "little")
    flipped = bytearray(checkpoint)
    flipped[start + 30 + name_length + extra_length + 5] ^= 0x10
    return bytes(flipped)


def _damaged_files(tmp_path, tiny_run, marker) -> dict:
    """Each kind of unusable checkpoint, written into tmp_path."""
    whole = (tiny_run / "checkpoint.pt").read_bytes()

    class Payload:
        """Unpickling this would create `marker`."""

        def __reduce__(self):
            return (open, (str(marker), "w"))

    other_zip = io.BytesIO()
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("notes.txt", "not a checkpoint")
    inside_checkpoint = io.BytesIO()
    torch.save({"epoch": 1, "config": Payload(), "model": {}}, inside_checkpoint)
    payloads = {
        "empty.pt": b"",
        "truncated.pt": whole[:len(whole) // 2],
        "random.pt": random.Random(0).randbytes(4096),
        "bare-pickle.pt": pickle.dumps(Payload()),
        "payload-in-checkpoint.pt": inside_checkpoint.getvalue(),
        "other-zip.pt": other_zip.getvalue(),
        "flipped-bit.pt": _flip_a_weight_bit(whole),
    }
    for name, payload in payloads.items():
        (tmp_path / name).write_bytes(payload)
    return {name: tmp_path / name for name in payloads}


EXPECTED_PROBLEMS = {
    "empty.pt": "is empty",
    "truncated.pt": "is cut short: the zip archive that torch.save writes ends early",
    "random.pt": "is not a checkpoint: torch.save writes a zip archive, and this file is "
                 "something else",
    "bare-pickle.pt": "is a bare pickle, not the zip archive that torch.save writes; "
                      "nothing in it was run",
    "payload-in-checkpoint.pt": "holds Python objects besides tensors and plain data "
                                "(io.open); they were not built, because building them "
                                "could run code hidden in the file",
    "other-zip.pt": "is a zip archive, but not one written by torch.save (it has no data.pkl)",
    "flipped-bit.pt": "is damaged: part archive/data/0 of its zip archive fails its checksum",
}


@pytest.mark.parametrize("name", sorted(EXPECTED_PROBLEMS))
def test_eval_on_a_damaged_checkpoint_prints_our_one_line_and_runs_nothing(
        name, tiny_run, tmp_path, capsys):
    marker = tmp_path / "payload-ran"
    path = _damaged_files(tmp_path, tiny_run, marker)[name]
    err = _eval_error([str(path)], capsys)
    assert err == (f"capsnet-eval: error: {path}: {EXPECTED_PROBLEMS[name]}; give the "
                   "checkpoint.pt that capsnet-train wrote, or train again with capsnet-train")
    assert "weights_only" not in err
    assert not marker.exists()


def test_a_payload_in_a_run_folder_is_refused_too(tiny_run, tmp_path, capsys):
    marker = tmp_path / "payload-ran"
    files = _damaged_files(tmp_path, tiny_run, marker)
    run = tmp_path / "run"
    run.mkdir()
    files["payload-in-checkpoint.pt"].rename(run / "checkpoint.pt")
    err = _eval_error([str(run)], capsys)
    assert err.startswith(f"capsnet-eval: error: {run / 'checkpoint.pt'}: holds Python objects")
    assert not marker.exists()


def test_train_resume_from_a_damaged_checkpoint_is_one_line(tiny_run, tmp_path, capsys):
    (tmp_path / "checkpoint.pt").write_bytes((tiny_run / "checkpoint.pt").read_bytes()[:100])
    assert train_module.main(["--resume", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is cut short" in err and "weights_only" not in err


def _with_model(state: dict, **changes) -> dict:
    return {**state, "model": {**state["model"], **changes}}


def test_eval_on_a_checkpoint_of_a_different_model_shape_names_the_tensor(tiny_run, tmp_path,
                                                                          capsys):
    state = load_checkpoint(tiny_run)
    path = tmp_path / "checkpoint.pt"
    save_checkpoint(path, _with_model(state, **{"digit_capsules.weight": torch.zeros(1152, 5,
                                                                                     16, 8)}))
    err = _eval_error([str(path)], capsys)
    assert err == (f"capsnet-eval: error: {path}: its weights do not fit the model its settings "
                   "describe: digit_capsules.weight is [1152, 5, 16, 8] in the file, "
                   "[1152, 10, 16, 8] in the model; give the checkpoint.pt that capsnet-train "
                   "wrote, or train again with capsnet-train")


def test_eval_on_weights_without_the_decoder_they_claim_counts_the_differences(
        tiny_run, tmp_path, capsys):
    state = load_checkpoint(tiny_run)
    weights = {k: v for k, v in state["model"].items() if not k.startswith("decoder.")}
    path = tmp_path / "checkpoint.pt"
    save_checkpoint(path, {**state, "model": weights})
    err = _eval_error([str(path)], capsys)
    assert re.search(r"decoder\.layers\.0\.weight is missing \(and 5 more\); give", err), err


def test_load_checkpoint_raises_checkpoint_error_naming_the_file(tmp_path):
    path = tmp_path / "c.pt"
    path.write_bytes(b"PK\x03\x04 and then nothing")
    with pytest.raises(CheckpointError, match=re.escape(f"{path}: is cut short")):
        load_checkpoint(path)


# Figures: a title and labelled axes around the pictures


def _has_ink(image: Image.Image, box: tuple[int, int, int, int]) -> bool:
    return bool((np.asarray(image.crop(box)) < 128).any())


def test_reconstruction_figure_has_a_title_and_labelled_axes():
    grid = np.full((58, 298), 0.5, np.float32)
    image = draw_reconstructions(grid, list(range(10)), scale=2)
    width, height = image.size
    assert width > 596 and height > 116
    left, top = image.width - 596 - 6, 6 + 18 + 6
    assert _has_ink(image, (0, 0, width, top - 2))  # title
    assert _has_ink(image, (0, top, left, top + 116))  # y axis: row names and label
    assert _has_ink(image, (left, top + 116 + 1, left + 596, height))  # x axis: digits, label


def test_figure_4_has_a_title_panel_headings_and_labelled_axes():
    panels = [np.zeros((478, 328), np.float32)] * 3
    image = draw_dimensions(panels, [0, 1, 2], np.round(np.linspace(-0.25, 0.25, 11), 2))
    array = np.asarray(image)
    # The picture is black; the page around it is white with black text in every margin
    rows_with_picture = np.flatnonzero((array == 0).sum(axis=1) > 300)
    top, bottom = rows_with_picture[0], rows_with_picture[-1]
    assert bottom - top + 1 == 478
    cols_with_picture = np.flatnonzero((array[top:bottom] == 0).sum(axis=0) > 400)
    left = cols_with_picture[0]
    assert _has_ink(image, (0, 0, image.width, top - 1))  # title and "digit N" headings
    assert _has_ink(image, (0, top, left - 1, bottom))  # dimensions 1..16 and the label
    assert _has_ink(image, (left, bottom + 2, image.width, image.height))  # steps and label
