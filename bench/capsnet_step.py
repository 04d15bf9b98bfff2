"""Time one CapsNet training step (forward, backward, Adam) against labml-nn 0.5.1's modules.

Both models are the Sabour et al. MNIST network with 3 routing iterations and the 512-1024-784
decoder, at batch 64 on the CPU, with the same number of threads:

* ours: capsule_networks.model.CapsuleNetwork + CapsuleLoss (paper-faithful), with the
  optimizer capsnet-train uses (train.make_optimizer: fused Adam on the CPU);
* peer: labml_nn.capsule_networks.{Squash, Router, MarginLoss} with the conv layers, decoder
  and loss of labml_nn/capsule_networks/mnist.py (built here, because that file imports the
  labml experiment framework), with torch.optim.Adam and its default (foreach)
  implementation. That is faster than what labml's experiment would use (labml_nn's own
  Python Adam), so the peer is not handicapped here.

Timing: after warm-up steps, the steps alternate (ours, peer, convs, ours, ...) so that load
from other processes on the machine hits all alike; we report the median of each. "convs" is
the step of only the two convolutions both models share (Conv1 and PrimaryCaps' conv): no
model with these layers can be faster than that, so convs_ms / peer_ms is the lowest ratio
any implementation could reach here.

Peak memory: tracemalloc does not see PyTorch's allocations (they bypass Python's allocator),
so each model runs in a fresh subprocess. After building the model, optimizer and batch, the
child resets the kernel's peak-RSS mark (writing 5 to /proc/self/clear_refs), runs 3 training
steps and reads the peak (VmHWM in /proc/self/status). peak_mb is that peak minus the RSS
before the steps: the extra memory of a training step (activations kept for backward,
gradients, the Adam state created on the first step, temporaries). Where /proc is not
available the child falls back to resource.getrusage's ru_maxrss, which cannot be reset
(and which we saw carry the parent's peak into the child on Linux, hence the /proc way).

Needs the bench extra: pip install -c constraints.txt -e '.[bench]'.
The last line printed is one JSON object: {"ours_ms", "peer_ms", "ratio", "peak_mb", ...}.

Usage: python bench/capsnet_step.py [--steps 20] [--warmup 3] [--batch 64] [--threads N]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def build_ours():
    """Our model, loss and optimizer."""
    from capsule_networks.model import CapsuleLoss, CapsuleNetwork

    model = CapsuleNetwork(routing_iterations=3, reconstruction=True)
    loss_fn = CapsuleLoss()

    def step(images, labels):
        output = model(images, labels)
        return loss_fn(output, images, labels)

    return model, step


class PeerModel(nn.Module):
    """labml-nn 0.5.1's MNIST CapsNet, rebuilt from its modules as its mnist.py does."""

    def __init__(self):
        super().__init__()
        from labml_nn.capsule_networks import Router, Squash

        self.conv1 = nn.Conv2d(1, 256, kernel_size=9, stride=1)
        self.conv2 = nn.Conv2d(256, 32 * 8, kernel_size=9, stride=2, padding=0)
        self.squash = Squash()
        self.digit_capsules = Router(32 * 6 * 6, 10, 8, 16, 3)
        self.decoder = nn.Sequential(
            nn.Linear(16 * 10, 512), nn.ReLU(), nn.Linear(512, 1024), nn.ReLU(),
            nn.Linear(1024, 784), nn.Sigmoid())

    def forward(self, data):
        x = F.relu(self.conv1(data))
        x = self.conv2(x)
        caps = x.view(x.shape[0], 8, 32 * 6 * 6).permute(0, 2, 1)
        caps = self.squash(caps)
        caps = self.digit_capsules(caps)
        with torch.no_grad():
            pred = (caps ** 2).sum(-1).argmax(-1)
            mask = torch.eye(10, device=data.device)[pred]
        reconstructions = self.decoder((caps * mask[:, :, None]).view(x.shape[0], -1))
        return caps, reconstructions.view(-1, 1, 28, 28), pred


def build_peer():
    """The labml-nn model, its loss (margin + 0.0005 * MSE) and optimizer."""
    from labml_nn.capsule_networks import MarginLoss

    model = PeerModel()
    margin_loss = MarginLoss(n_labels=10)
    mse = nn.MSELoss()

    def step(images, labels):
        caps, reconstructions, _ = model(images)
        return margin_loss(caps, labels) + 0.0005 * mse(reconstructions, images)

    return model, step


def build_convs():
    """Only Conv1 + ReLU + PrimaryCaps' convolution of our model: the part both models share.

    Its step time is a floor for either model, so conv_ms / peer_ms bounds the ratio from below.
    """
    from capsule_networks.model import CapsuleNetwork

    full = CapsuleNetwork()
    model = nn.Sequential(full.conv1, nn.ReLU(), full.primary_capsules.conv)

    def step(images, labels):
        return model(images).sum() * 1e-6

    return model, step


BUILDERS = {"ours": build_ours, "peer": build_peer}


def make_step(name: str):
    """A closure running one full training step of model `name` on a fixed batch."""
    torch.manual_seed(0)
    model, loss_of = {**BUILDERS, "convs": build_convs}[name]()
    model.train()
    if name == "peer":
        # torch's Adam with its default implementation
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    else:
        # Ours as capsnet-train builds it (fused Adam on the CPU)
        from capsule_networks.train import make_optimizer

        optimizer = make_optimizer(model, 1e-3, torch.device("cpu"))

    def step(images, labels):
        loss = loss_of(images, labels)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        return loss.item()

    return step


def batch(size: int):
    generator = torch.Generator().manual_seed(1)
    return (torch.rand(size, 1, 28, 28, generator=generator),
            torch.randint(0, 10, (size,), generator=generator))


def _status_mb(field: str) -> float | None:
    """A memory field of /proc/self/status (Linux), in MB, or None."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _reset_peak() -> bool:
    """Resets VmHWM to the current RSS (Linux >= 4.0); False where that is not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
        return True
    except OSError:
        return False


def memory_child(name: str, size: int, steps: int, threads: int) -> None:
    """Runs in a subprocess: prints the peak RSS growth of `steps` training steps."""
    torch.set_num_threads(threads)
    step = make_step(name)
    images, labels = batch(size)
    use_proc = _reset_peak() and _status_mb("VmHWM") is not None
    if use_proc:
        before = _status_mb("VmRSS")
    else:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for _ in range(steps):
        step(images, labels)
    peak = _status_mb("VmHWM") if use_proc else (
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps({"name": name, "before_mb": before, "peak_delta_mb": peak - before,
                      "method": "VmHWM" if use_proc else "ru_maxrss"}))


def measure_memory(name: str, size: int, threads: int) -> dict:
    command = [sys.executable, __file__, "--memory-child", name, "--batch", str(size),
               "--threads", str(threads)]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def time_steps(size: int, warmup: int, steps: int) -> dict[str, list[float]]:
    images, labels = batch(size)
    runners = {name: make_step(name) for name in (*BUILDERS, "convs")}
    for _ in range(warmup):
        for run in runners.values():
            run(images, labels)
    times: dict[str, list[float]] = {name: [] for name in runners}
    for _ in range(steps):
        for name, run in runners.items():
            started = time.perf_counter()
            run(images, labels)
            times[name].append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--memory-child", choices=sorted(BUILDERS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child, args.batch, 3, args.threads)
        return
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {args.threads} threads, batch {args.batch}, "
          f"{args.warmup} warm-up + {args.steps} timed steps each, alternating")
    times = time_steps(args.batch, args.warmup, args.steps)
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, values in times.items():
        print(f"{name:>5}: median {medians[name]:8.1f} ms  min {min(values):8.1f}  "
              f"max {max(values):8.1f}")
    memory = {name: measure_memory(name, args.batch, args.threads) for name in BUILDERS}
    for name, record in memory.items():
        print(f"{name:>5}: peak RSS growth over 3 steps {record['peak_delta_mb']:7.1f} MB "
              f"(after setup {record['before_mb']:.0f} MB)")
    ratio = medians["ours"] / medians["peer"]
    print(f"ratio ours/peer = {ratio:.3f}; the shared convolutions alone take "
          f"{medians['convs']:.0f} ms, so no model with these layers can go below "
          f"{medians['convs'] / medians['peer']:.2f}")
    print(json.dumps({"ours_ms": round(medians["ours"], 1), "peer_ms": round(medians["peer"], 1),
                      "ratio": round(ratio, 3),
                      "peak_mb": round(memory["ours"]["peak_delta_mb"], 1),
                      "peer_peak_mb": round(memory["peer"]["peak_delta_mb"], 1),
                      "convs_ms": round(medians["convs"], 1),
                      "batch": args.batch, "threads": args.threads}))


if __name__ == "__main__":
    main()
