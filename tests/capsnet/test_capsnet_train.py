"""Training, checkpoints, exact resume and the two command-line tools, on tiny subsets."""

from __future__ import annotations

import json

import pytest
import torch

from capsule_networks import evaluate as evaluate_module
from capsule_networks import train as train_module
from capsule_networks.data import load_embedded
from capsule_networks.model import CapsuleLoss, CapsuleNetwork
from capsule_networks.train import TrainConfig, Trainer, load_checkpoint, parse_args, train


def _tiny(out, **changes) -> TrainConfig:
    settings = dict(epochs=1, batch_size=16, limit_train=32, limit_test=16, out=str(out),
                    figures=False, threads=None)
    settings.update(changes)
    return TrainConfig(**settings)


@pytest.mark.slow
def test_a_few_steps_on_a_tiny_subset_lower_the_loss():
    torch.manual_seed(0)
    data = load_embedded()
    images, labels = data.train.images[:32], data.train.labels[:32]
    model = CapsuleNetwork()
    loss_fn = CapsuleLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    losses = []
    for _ in range(8):
        loss = loss_fn(model(images, labels), images, labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0] * 0.7


@pytest.mark.slow
def test_resumed_training_equals_uninterrupted_training(tmp_path):
    straight = tmp_path / "straight"
    train(_tiny(straight, epochs=2))
    split = tmp_path / "split"
    train(_tiny(split, epochs=1))
    train(_tiny(split, epochs=2, resume=True))
    a, b = load_checkpoint(straight / "checkpoint.pt"), load_checkpoint(split / "checkpoint.pt")
    assert a["epoch"] == b["epoch"] == 2
    for name, tensor in a["model"].items():
        assert torch.equal(tensor, b["model"][name]), name
    assert a["scheduler"] == b["scheduler"]
    log = [json.loads(line) for line in (split / "metrics.jsonl").read_text().splitlines()]
    assert [record["epoch"] for record in log] == [1, 2]


@pytest.mark.slow
def test_checkpoint_holds_everything_for_resume_and_no_temp_file_is_left(tmp_path):
    train(_tiny(tmp_path))
    state = load_checkpoint(tmp_path / "checkpoint.pt")
    assert set(state) == {"epoch", "config", "model", "optimizer", "scheduler", "rng"}
    assert set(state["rng"]) == {"generator", "torch", "numpy", "python"}
    assert state["config"]["batch_size"] == 16
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checkpoint.pt", "metrics.jsonl"]


def test_resume_keeps_the_checkpoint_settings():
    saved = TrainConfig(batch_size=16, lr=0.01).__dict__
    merged = train_module.resume_config(TrainConfig(epochs=5, batch_size=32), saved)
    assert (merged.epochs, merged.batch_size, merged.lr) == (5, 16, 0.01)


def test_command_line_fills_train_config():
    config = parse_args(["--epochs", "3", "--batch-size", "8", "--no-reconstruction",
                         "--routing-iterations", "2", "--limit-train", "10"])
    assert config == TrainConfig(epochs=3, batch_size=8, reconstruction=False,
                                 routing_iterations=2, limit_train=10)


def test_resume_without_checkpoint_is_a_clear_error(tmp_path, capsys):
    assert train_module.main(["--resume", "--out", str(tmp_path)]) == 1
    assert "no checkpoint" in capsys.readouterr().err


@pytest.mark.slow
def test_cli_trains_one_epoch_then_evaluates(tmp_path, capsys):
    code = train_module.main(["--epochs", "1", "--batch-size", "16", "--limit-train", "32",
                              "--limit-test", "16", "--out", str(tmp_path)])
    assert code == 0
    records = [json.loads(line) for line in (tmp_path / "metrics.jsonl").read_text().splitlines()]
    assert len(records) == 1 and 0 <= records[0]["test_accuracy"] <= 1
    assert (tmp_path / "reconstructions.png").stat().st_size > 0
    assert (tmp_path / "dimensions.png").stat().st_size > 0
    capsys.readouterr()
    assert evaluate_module.main([str(tmp_path / "checkpoint.pt"), "--limit-test", "16"]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["n_test"] == 16 and result["epoch"] == 1


def test_trainer_seed_fixes_the_initial_weights():
    a = Trainer(TrainConfig(seed=3), torch.device("cpu")).model.state_dict()
    b = Trainer(TrainConfig(seed=3), torch.device("cpu")).model.state_dict()
    assert all(torch.equal(a[name], b[name]) for name in a)
