"""Time one epoch of `capsnet-train` at its default settings, for the time the README states.

What is timed is what `capsnet-train` runs per epoch with no flags: the embedded 5,000 digits
split 4,000 / 1,000, batches of 64 with random shifts, the full model with the decoder,
3 routing iterations, fused Adam (train.Trainer.train_epoch), then the test pass
(evaluate.evaluate) over the 1,000 test digits. Loading the data and building the model are
not counted, as they happen once per run, not once per epoch.

`--fraction F` times only the first F of the training and test digits and divides by F,
for a quicker estimate; the default (1.0) times the whole epoch. The first steps of a run
are slower (memory is allocated, kernels chosen), so a small fraction overstates the epoch.

The figure depends on the machine and on what else it runs, so the script prints the machine
with it: the CPU model (/proc/cpuinfo), the cores this process may use, PyTorch's version and
thread count, and the load average before and after. It also prints the CPU time the process
used (all its threads): on a machine shared with other work the wall-clock time grows with
the load, the CPU time much less, so the two together say what an idle machine would take.
The last line printed is one JSON object:
{"epoch_s", "train_s", "test_s", "cpu_s", "fraction", "cpu", "cores", "threads", "torch", ...}.

Usage: python bench/capsnet_epoch.py [--fraction 1.0] [--threads N]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time

import torch

from capsule_networks.data import limit
from capsule_networks.evaluate import evaluate
from capsule_networks.train import TrainConfig, Trainer, load_data, pick_device


def cpu_model() -> str:
    """The CPU's name from /proc/cpuinfo (Linux), else what the platform module says."""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def usable_cores() -> int:
    """The cores this process may run on (its affinity), which a container may limit."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def time_epoch(fraction: float) -> dict:
    """Trains one epoch and tests once at the defaults, on `fraction` of the digits."""
    with tempfile.TemporaryDirectory() as out:
        config = TrainConfig(out=out, figures=False)
        data = load_data(config)
        n_train = max(1, round(fraction * len(data.train.labels)))
        n_test = max(1, round(fraction * len(data.test.labels)))
        device = pick_device(config.device)
        trainer = Trainer(config, device)
        cpu_started = time.process_time()
        started = time.perf_counter()
        trainer.train_epoch(limit(data.train, n_train))
        train_s = time.perf_counter() - started
        started = time.perf_counter()
        evaluate(trainer.model, limit(data.test, n_test), device=device)
        test_s = time.perf_counter() - started
        cpu_s = time.process_time() - cpu_started
    # Scaled by the digits actually used, which rounding makes differ slightly from fraction
    train_s *= len(data.train.labels) / n_train
    test_s *= len(data.test.labels) / n_test
    cpu_s *= len(data.train.labels) / n_train
    return {"train_s": train_s, "test_s": test_s, "epoch_s": train_s + test_s, "cpu_s": cpu_s,
            "n_train": len(data.train.labels), "n_test": len(data.test.labels),
            "batch_size": config.batch_size, "device": str(device)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fraction", type=float, default=1.0,
                        help="time this fraction of the epoch and extrapolate (default: 1.0)")
    parser.add_argument("--threads", type=int, default=None,
                        help="PyTorch CPU threads (default: PyTorch's own choice)")
    args = parser.parse_args()
    if not 0 < args.fraction <= 1:
        parser.error(f"--fraction must be in (0, 1], got {args.fraction}")
    if args.threads:
        torch.set_num_threads(args.threads)
    machine = {"cpu": cpu_model(), "cores": usable_cores(), "threads": torch.get_num_threads(),
               "torch": torch.__version__, "python": platform.python_version()}
    load_before = os.getloadavg()[0]
    result = time_epoch(args.fraction)
    load_after = os.getloadavg()[0]
    measured = ("the whole epoch" if args.fraction == 1
                else f"{args.fraction:.0%} of the epoch, divided by {args.fraction}")
    print(f"one epoch at the defaults ({result['n_train']:,} training digits in batches of "
          f"{result['batch_size']}, {result['n_test']:,} test digits; {measured}):")
    print(f"  {result['epoch_s']:.0f} s = training {result['train_s']:.0f} s "
          f"+ test {result['test_s']:.0f} s; CPU time {result['cpu_s']:.0f} s over "
          f"{machine['threads']} threads")
    print(f"machine: {machine['cpu']}, {machine['cores']} cores, PyTorch {machine['torch']} "
          f"with {machine['threads']} threads, Python {machine['python']}, on {result['device']};"
          f" load average {load_before:.1f} before, {load_after:.1f} after")
    # Seconds and loads to a tenth; the fraction as given
    record = {key: round(value, 1) if isinstance(value, float) else value
              for key, value in {**result, **machine, "load_before": load_before,
                                 "load_after": load_after}.items()}
    record["fraction"] = args.fraction
    print(json.dumps(record, sort_keys=True))


if __name__ == "__main__":
    main()
