r"""
---
title: Evaluating CapsNet
order: 6
summary: Test accuracy and loss of a trained CapsNet checkpoint.
---

# Evaluating CapsNet

`capsnet-eval CHECKPOINT` rebuilds the model from the settings stored in a checkpoint
written by [`capsnet-train`](train.html), loads its weights and prints the accuracy on
the test split.

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

from capsule_networks.checkpoint import load_checkpoint
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


def load_model(checkpoint: dict, device: torch.device | str = "cpu") -> CapsuleNetwork:
    r"""A `CapsuleNetwork` built from a checkpoint's settings, with its weights."""
    config = checkpoint["config"]
    model = CapsuleNetwork(config["routing_iterations"], config["reconstruction"])
    model.load_state_dict(checkpoint["model"])
    return model.to(device).eval()


def main(argv: list[str] | None = None) -> int:
    r"""The `capsnet-eval` command."""
    parser = argparse.ArgumentParser(prog="capsnet-eval",
                                     description="Test accuracy of a CapsNet checkpoint.")
    parser.add_argument("checkpoint", type=Path)
    parser.add_argument("--dataset", choices=["embedded", "mnist"], default=None,
                        help="default: the dataset the checkpoint was trained on")
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--limit-test", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        # The checkpoint holds the settings, tensors and RNG states written by capsnet-train
        checkpoint = load_checkpoint(args.checkpoint, args.device)
        config = checkpoint["config"]
        dataset = args.dataset or config["dataset"]
        data_dir = args.data_dir if args.data_dir is not None else config.get("data_dir")
        test = limit(load_dataset(dataset, data_dir).test, args.limit_test)
    except (OSError, ValueError, KeyError) as err:
        print(f"capsnet-eval: error: {err}", file=sys.stderr)
        return 1
    try:
        model = load_model(checkpoint, args.device)
    except (KeyError, RuntimeError) as err:
        reason = next(iter(str(err).strip().splitlines()), type(err).__name__)
        print(f"capsnet-eval: error: {args.checkpoint}: its weights do not fit the model "
              f"({reason}); give a checkpoint written by capsnet-train", file=sys.stderr)
        return 1
    loss, accuracy = evaluate(model, test, device=args.device)
    print(f"test accuracy {accuracy:.4f} ({round(accuracy * len(test.labels))}/"
          f"{len(test.labels)}), test error {100 * (1 - accuracy):.2f}%, loss {loss:.4f}")
    print(json.dumps({"checkpoint": str(args.checkpoint), "dataset": dataset,
                      "epoch": checkpoint["epoch"], "test_accuracy": accuracy,
                      "test_loss": loss, "n_test": len(test.labels)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
