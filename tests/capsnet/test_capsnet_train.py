"""Training, checkpoints, exact resume and the two command-line tools, on tiny MNIST folders."""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from dataclasses import dataclass

import numpy as np
import pytest
import torch

from capsule_networks import evaluate as evaluate_module
from capsule_networks import train as train_module
from capsule_networks.checkpoint import (
    CheckpointError,
    load_checkpoint,
    restore_rng_states,
    rng_states,
    save_checkpoint,
    write_file_atomic,
)
from capsule_networks.data import load_mnist
from capsule_networks.model import CapsuleLoss, CapsuleNetwork
from capsule_networks.train import TrainConfig, Trainer, parse_args, train

# 8 training images in batches of 4: two optimiser steps per epoch
N_TRAIN, N_TEST, BATCH = 8, 4, 4


@pytest.fixture
def mnist_dir(tmp_path, write_mnist):
    return write_mnist(tmp_path / "mnist", n_train=N_TRAIN, n_test=N_TEST)


def _tiny(out, data_dir, **changes) -> TrainConfig:
    settings = dict(dataset="mnist", data_dir=str(data_dir), epochs=1, batch_size=BATCH,
                    out=str(out), figures=False, threads=None)
    settings.update(changes)
    return TrainConfig(**settings)


def _fake_checkpoint(**changes) -> dict:
    """The keys capsnet-train writes, with a tiny model state: enough for the loader."""
    state = {"epoch": 1, "config": {"dataset": "mnist"}, "model": {"w": torch.zeros(2)}}
    state.update(changes)
    return state


@pytest.mark.slow  # four steps of the full model: several seconds on 2 cores
def test_a_few_steps_on_tiny_data_lower_the_loss(mnist_dir):
    torch.manual_seed(0)
    data = load_mnist(mnist_dir)
    images, labels = data.train.images, data.train.labels
    model = CapsuleNetwork()
    loss_fn = CapsuleLoss()
    # Below the training rate: at 1e-3 Adam's first step overshoots on 8 images
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)
    losses = []
    for _ in range(4):
        loss = loss_fn(model(images, labels), images, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses == sorted(losses, reverse=True) and losses[-1] < losses[0] * 0.7


@pytest.mark.slow  # three training runs
def test_resumed_training_equals_uninterrupted_training(tmp_path, mnist_dir):
    straight = tmp_path / "straight"
    train(_tiny(straight, mnist_dir, epochs=2))
    split = tmp_path / "split"
    train(_tiny(split, mnist_dir, epochs=1))
    train(_tiny(split, mnist_dir, epochs=2, resume=True))
    a, b = load_checkpoint(straight / "checkpoint.pt"), load_checkpoint(split / "checkpoint.pt")
    assert a["epoch"] == b["epoch"] == 2
    for name, tensor in a["model"].items():
        assert torch.equal(tensor, b["model"][name]), name
    assert a["scheduler"] == b["scheduler"]
    log = [json.loads(line) for line in (split / "metrics.jsonl").read_text().splitlines()]
    assert [record["epoch"] for record in log] == [1, 2]


# The one training run of the fast tier: two steps of 4 images, no figures
def test_checkpoint_holds_everything_for_resume_as_plain_data_and_no_temp_file(tmp_path,
                                                                               mnist_dir):
    out = tmp_path / "run"
    train(_tiny(out, mnist_dir))
    # The safe loader reads it as it is: no pickled objects beyond tensors and plain values
    state = torch.load(out / "checkpoint.pt", weights_only=True)
    assert set(state) == {"epoch", "config", "model", "optimizer", "scheduler", "rng"}
    assert set(state["rng"]) == {"generator", "torch", "numpy", "python"}
    assert state["config"]["batch_size"] == BATCH and state["epoch"] == 1
    assert sorted(p.name for p in out.iterdir()) == ["checkpoint.pt", "metrics.jsonl"]


@pytest.mark.slow  # a training run, the figures and an evaluation
def test_cli_trains_one_epoch_draws_the_figures_then_evaluates(tmp_path, mnist_dir, capsys):
    out = tmp_path / "run"
    code = train_module.main(["--dataset", "mnist", "--data-dir", str(mnist_dir), "--epochs", "1",
                              "--batch-size", str(BATCH), "--out", str(out)])
    assert code == 0
    records = [json.loads(line) for line in (out / "metrics.jsonl").read_text().splitlines()]
    assert len(records) == 1 and 0 <= records[0]["test_accuracy"] <= 1
    assert (out / "reconstructions.png").read_bytes().startswith(b"\x89PNG")
    assert (out / "dimensions.png").read_bytes().startswith(b"\x89PNG")
    capsys.readouterr()
    assert evaluate_module.main([str(out / "checkpoint.pt"), "--limit", "3"]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["n_test"] == 3 and result["epoch"] == 1 and result["dataset"] == "mnist"


def test_resume_keeps_the_checkpoint_settings():
    saved = TrainConfig(batch_size=16, lr=0.01).__dict__
    merged = train_module.resume_config(TrainConfig(epochs=5, batch_size=32), saved)
    assert (merged.epochs, merged.batch_size, merged.lr) == (5, 16, 0.01)


def test_command_line_fills_train_config():
    config = parse_args(["--epochs", "3", "--batch-size", "8", "--no-reconstruction",
                         "--routing-iterations", "2", "--limit", "10"])
    assert config == TrainConfig(epochs=3, batch_size=8, reconstruction=False,
                                 routing_iterations=2, limit=10)


def test_train_help_shows_the_defaults(capsys):
    with pytest.raises(SystemExit):
        parse_args(["--help"])
    options = capsys.readouterr().out.split("options:", 1)[1]
    # One entry per option: "  --lr LR  initial learning rate ... (default: 0.001)"
    entries = {entry.split()[0]: " ".join(entry.split())
               for entry in re.split(r"\n  (?=-)", options) if entry.strip()}
    for flag, default in [("--epochs", 30), ("--batch-size", 64), ("--lr", 0.001),
                          ("--lr-decay", 0.95), ("--routing-iterations", 3),
                          ("--max-shift", 2), ("--seed", 0), ("--out", "runs/capsnet")]:
        assert entries[flag].endswith(f"(default: {default})"), entries[flag]


def test_resume_without_checkpoint_is_a_clear_error(tmp_path, capsys):
    assert train_module.main(["--resume", "--out", str(tmp_path)]) == 1
    assert capsys.readouterr().err == (
        f"capsnet-train: error: {tmp_path / 'checkpoint.pt'}: no checkpoint to resume from; "
        "start without --resume, or give the run's folder with --out\n")


def test_eval_on_a_checkpoint_of_another_model_prints_one_line(tmp_path, mnist_dir, capsys):
    path = tmp_path / "checkpoint.pt"
    config = {"dataset": "mnist", "data_dir": str(mnist_dir), "routing_iterations": 3,
              "reconstruction": True}
    save_checkpoint(path, _fake_checkpoint(config=config))
    assert evaluate_module.main([str(path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"capsnet-eval: error: {path}: its weights do not fit the model")


@dataclass
class _NotPlainData:
    value: int = 1


def test_a_checkpoint_holding_a_python_object_is_refused(tmp_path):
    path = tmp_path / "checkpoint.pt"
    save_checkpoint(path, _fake_checkpoint(config=_NotPlainData()))
    with pytest.raises(CheckpointError, match=r"checkpoint\.pt: holds Python objects"):
        load_checkpoint(path)


def test_a_file_without_the_checkpoint_keys_is_not_a_checkpoint(tmp_path):
    path = tmp_path / "other.pt"
    save_checkpoint(path, {"weights": torch.zeros(1)})
    with pytest.raises(CheckpointError, match=r"not a capsnet-train checkpoint \(no epoch, config, model"):
        load_checkpoint(path)


def test_random_states_survive_the_safe_loader(tmp_path):
    generator = torch.Generator().manual_seed(5)
    save_checkpoint(tmp_path / "c.pt", _fake_checkpoint(rng=rng_states(generator)))
    expected = (torch.rand(3, generator=generator), torch.rand(3), np.random.rand(3),
                random.random())
    torch.rand(7, generator=generator), torch.rand(7), np.random.rand(7), random.random()
    restore_rng_states(load_checkpoint(tmp_path / "c.pt")["rng"], generator)
    again = (torch.rand(3, generator=generator), torch.rand(3), np.random.rand(3),
             random.random())
    assert torch.equal(expected[0], again[0]) and torch.equal(expected[1], again[1])
    assert np.array_equal(expected[2], again[2]) and expected[3] == again[3]


def test_atomic_write_leaves_only_the_file_readable_by_all(tmp_path):
    path = tmp_path / "sub" / "file.bin"
    write_file_atomic(path, b"abc")
    write_file_atomic(path, b"defg")
    assert path.read_bytes() == b"defg"
    assert [p.name for p in path.parent.iterdir()] == ["file.bin"]
    assert os.stat(path).st_mode & 0o777 == 0o644


def test_trainer_seed_fixes_the_initial_weights():
    a = Trainer(TrainConfig(seed=3), torch.device("cpu")).model.state_dict()
    b = Trainer(TrainConfig(seed=3), torch.device("cpu")).model.state_dict()
    assert all(torch.equal(a[name], b[name]) for name in a)


@pytest.mark.parametrize("command, function", [("capsnet-train", "train"),
                                               ("capsnet-eval", "evaluate")])
def test_commands_without_the_capsnet_extra_say_how_to_get_it(command, function):
    # sys.modules[name] = None makes `name` unimportable, as if it were not installed
    script = ("import sys; sys.modules['torch'] = None; import capsnet_launch; "
              f"sys.exit(capsnet_launch.{function}(['--help']))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (f"{command}: the capsule network needs the 'capsnet' extra "
                             "(missing: torch); install it with: "
                             "pip install 'annotated-site-builder[capsnet]'\n")


def test_commands_with_the_extra_run_the_tool(tmp_path, capsys):
    import capsnet_launch

    assert capsnet_launch.evaluate([str(tmp_path / "none.pt")]) == 1
    assert "none.pt: no such file or folder" in capsys.readouterr().err
