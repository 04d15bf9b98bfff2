r"""
---
title: Evaluating CapsNet
order: 6
summary: Test accuracy and loss of a trained CapsNet checkpoint.
---

# Evaluating CapsNet

`capsnet-eval RUN` rebuilds the model from the settings stored in a checkpoint written by
[`capsnet-train`](train.html), loads its weights and prints the accuracy on the test split.
`RUN` is the run folder (`capsnet-train`'s `--out`, `runs/capsnet` when omitted), whose
`checkpoint.pt` is used, or a checkpoint file. `--limit N` tests on the first $N$ digits only.

```bash
capsnet-eval                                 # runs/capsnet/checkpoint.pt
capsnet-eval runs/capsnet --limit 500        # the first 500 test digits
capsnet-eval runs/old/checkpoint.pt          # a checkpoint file
```

A prediction is the digit whose capsule is the longest. In evaluation mode the decoder is
masked by that prediction, not by the label (Section 4.1), so the test loss includes the
reconstruction of what the network *thinks* it sees. The paper's Table 1 reports a test error
of $(0.25 \pm 0.005)\%$ on the full MNIST with 3 routing iterations and the reconstruction loss.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch

from capsule_networks.checkpoint import (
    RETRY,
    CheckpointError,
    find_checkpoint,
    load_checkpoint,
)
from capsule_networks.data import Split, batches, limit, load_dataset
from capsule_networks.model import CapsuleLoss, CapsuleNetwork


@torch.no_grad()
def evaluate(model: CapsuleNetwork, split: Split, *, device: torch.device | str = "cpu",
             batch_size: int = 256) -> tuple[float, float]:
    r"""
    Returns `(loss, accuracy)` of `model` on `split`, without shifts or shuffling.
    The model is put in evaluation mode (decoder masked by the prediction).
    """
    model.eval()
    loss_fn = CapsuleLoss()
    total_loss, correct = 0.0, 0
    for images, labels in batches(split, batch_size):
        images, labels = images.to(device), labels.to(device)
        output = model(images)
        total_loss += loss_fn(output, images, labels).item() * len(labels)
        correct += (output.predictions == labels).sum().item()
    n = len(split.labels)
    return total_loss / n, correct / n


def weights_mismatch(model: CapsuleNetwork, weights: dict) -> str | None:
    r"""
    How `weights` fails to fit `model`, in a few words, or `None` when every tensor
    has its place and its shape. `load_state_dict` would say the same in a long message.
    """
    expected = model.state_dict()
    problems = []
    for name, tensor in expected.items():
        saved = weights.get(name)
        if saved is None:
            problems.append(f"{name} is missing")
        elif not isinstance(saved, torch.Tensor) or saved.shape != tensor.shape:
            shape = list(saved.shape) if isinstance(saved, torch.Tensor) else type(saved).__name__
            problems.append(f"{name} is {shape} in the file, {list(tensor.shape)} in the model")
    problems += [f"{name} has no place in the model" for name in weights if name not in expected]
    if not problems:
        return None
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return problems[0] + more


def load_model(checkpoint: dict, device: torch.device | str = "cpu") -> CapsuleNetwork:
    r"""
    A `CapsuleNetwork` built from a checkpoint's settings, with its weights.
    Raises `ValueError` saying what does not fit.
    """
    config = checkpoint["config"]
    missing = [key for key in ("routing_iterations", "reconstruction") if key not in config]
    if missing:
        raise ValueError(f"its settings lack {', '.join(missing)}")
    model = CapsuleNetwork(config["routing_iterations"], config["reconstruction"])
    problem = weights_mismatch(model, checkpoint["model"])
    if problem:
        raise ValueError(f"its weights do not fit the model its settings describe: {problem}")
    model.load_state_dict(checkpoint["model"])
    return model.to(device).eval()


def open_model(path: Path, device: torch.device | str = "cpu") -> tuple[dict, CapsuleNetwork]:
    r"""
    The checkpoint of a run folder or file and the model it holds.
    Every problem is a `FileNotFoundError` or a `CheckpointError` naming the file.
    """
    checkpoint = load_checkpoint(path, device)
    try:
        return checkpoint, load_model(checkpoint, device)
    except ValueError as err:
        raise CheckpointError(find_checkpoint(path), f"{err}; {RETRY}") from err


def positive_int(text: str) -> int:
    r"""An argparse type for `--limit`: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    r"""The command line of `capsnet-eval`."""
    parser = argparse.ArgumentParser(prog="capsnet-eval",
                                     description="Test accuracy of a CapsNet checkpoint.")
    parser.add_argument("run", nargs="?", type=Path, default=Path("runs/capsnet"), metavar="RUN",
                        help="a run folder (the --out of capsnet-train), whose checkpoint.pt "
                             "is used, or a checkpoint file (default: %(default)s)")
    parser.add_argument("--dataset", choices=["embedded", "mnist"], default=None,
                        help="default: the dataset the checkpoint was trained on")
    parser.add_argument("--data-dir", default=None,
                        help="folder with the MNIST IDX files (default: the checkpoint's)")
    parser.add_argument("--device", default="cpu", help="cpu, cuda or mps (default: %(default)s)")
    parser.add_argument("--limit", type=positive_int, default=None, metavar="N",
                        help="test on the first N digits only (default: all)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    r"""The `capsnet-eval` command."""
    args = parse_args(argv)
    try:
        # The checkpoint holds the settings, tensors and RNG states written by capsnet-train
        checkpoint, model = open_model(args.run, args.device)
        config = checkpoint["config"]
        dataset = args.dataset or config.get("dataset", "embedded")
        data_dir = args.data_dir if args.data_dir is not None else config.get("data_dir")
        test = limit(load_dataset(dataset, data_dir).test, args.limit)
    except (OSError, ValueError) as err:
        print(f"capsnet-eval: error: {err}", file=sys.stderr)
        return 1
    loss, accuracy = evaluate(model, test, device=args.device)
    print(f"test accuracy {accuracy:.4f} ({round(accuracy * len(test.labels))}/"
          f"{len(test.labels)}), test error {100 * (1 - accuracy):.2f}%, loss {loss:.4f}")
    print(json.dumps({"checkpoint": str(find_checkpoint(args.run)), "dataset": dataset,
                      "epoch": checkpoint["epoch"], "test_accuracy": accuracy,
                      "test_loss": loss, "n_test": len(test.labels)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
