"""Time to 97 % and 98 % MNIST test accuracy: dlbasics against a PyTorch CPU MLP.

Trains the "full run" of notebook 07 on the full MNIST data: a 784-256-128-10 ReLU MLP,
softmax cross-entropy on the logits, Adam (lr 1e-3) with cosine learning-rate decay over
15 epochs, mini-batches of 128, float32, on the 55,000 training images left after holding
out 5,000 for validation (the notebook's split). After every epoch the 10,000 test images
are evaluated (not timed), and the script prints

* the test accuracy and the cumulative training time after each epoch, for both libraries;
* the training time needed to first reach >= 97 % and >= 98 % test accuracy, and the ratio
  dlbasics / PyTorch; also each library's median seconds per epoch, and the time to each
  target at that median pace (robust when other jobs slow down some epochs);
* the environment: BLAS library and threads (threadpoolctl), CPU, load average.

Both libraries start from the same initial weights, see the mini-batches in the same order
and use the same number of threads (``--threads``, default: every core this process may
use). Their epochs are interleaved, so a change in the machine's load hits both alike.
PyTorch is optional: without it only the dlbasics half runs.

The full data is needed (set ``DLBASICS_MNIST_DIR`` to the folder holding the four
original ``.gz`` files, or let ``dlbasics.mnist.load_mnist`` download them once into its
cache); the script stops with a message if only the shipped sample is available.

Usage::

    DLBASICS_MNIST_DIR=path/to/mnist python benchmarks/bench_mnist.py [--epochs 15]
        [--threads N] [--seed 0] [--no-torch]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout
sys.path.insert(0, str(Path(__file__).resolve().parent))  # the shared report helpers, from any cwd

from _report import import_threadpoolctl, load_str, n_cores  # noqa: E402

import dlbasics as dl  # noqa: E402

#: the notebook's FULL_RUN setting
SIZES = [784, 256, 128, 10]
LR = 1e-3
BATCH_SIZE = 128
EPOCHS = 15
TARGETS = (0.97, 0.98)


# -- data and environment -----------------------------------------------------------------------
def load_full_mnist() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """The notebook's split: 55,000 training and 10,000 test images, (N, 784) float32 in [0, 1]."""
    from dlbasics.mnist import load_mnist

    try:
        digits = load_mnist(fallback=False)
    except OSError as err:
        raise SystemExit(
            f"bench_mnist needs the full MNIST data, which could not be found or downloaded ({err}).\n"
            "Put the four original .gz files in a folder and set DLBASICS_MNIST_DIR to it."
        ) from err
    if digits.source != "full":
        raise SystemExit("bench_mnist needs the full MNIST data; only the shipped sample was found.")
    X, y, X_test, y_test = digits.flat()
    (X_train, y_train), _, _ = dl.train_val_test_split(X, y, val=1 / 12, test=0.0, rng=0)
    return (np.ascontiguousarray(X_train), y_train), (X_test, y_test)


def blas_lines(threadpoolctl: Any) -> list[str]:
    if threadpoolctl is None:
        return ["BLAS: threadpoolctl is not installed, cannot report or set BLAS threads"]
    return [
        f"{info.get('user_api')}: {info.get('internal_api')} {info.get('version')}, "
        f"kernel {info.get('architecture') or '?'}, {info.get('num_threads')} threads"
        for info in threadpoolctl.threadpool_info()
    ]


# -- the two trainers: one epoch at a time ------------------------------------------------------
class DlbasicsRun:
    """dlbasics: ``dl.fit`` one epoch at a time, with one Adam and one schedule throughout."""

    name = "dlbasics"

    def __init__(self, seed: int, epochs: int, threads: int | None = None) -> None:
        self.threads = threads  # BLAS threads, the same as PyTorch's
        self.net = dl.mlp(SIZES, rng=seed)  # He initialisation, zero biases
        self.opt = dl.Adam(self.net.parameters(), lr=LR)
        self.sched = dl.CosineAnnealingLR(self.opt, T_max=epochs)
        self.rng = np.random.default_rng(seed)  # the order of the mini-batches

    def initial_weights(self) -> list[np.ndarray]:
        return self.net.get_weights()  # [W1 (784, 256), b1, W2, b2, W3, b3]

    def epoch(self, X: np.ndarray, y: np.ndarray) -> None:
        dl.fit(self.net, X, y, optimizer=self.opt, epochs=1, batch_size=BATCH_SIZE, rng=self.rng,
               scheduler=self.sched, blas_threads=self.threads)

    def test_accuracy(self, X: np.ndarray, y: np.ndarray) -> float:
        return dl.accuracy(self.net, X, y)


class TorchRun:
    """PyTorch: the idiomatic loop (gather, zero_grad, backward, step) on the same batches."""

    name = "torch"

    def __init__(self, torch: Any, weights: list[np.ndarray], seed: int, epochs: int) -> None:
        nn = torch.nn
        self.torch = torch
        layers: list[Any] = []
        for i, (a, b) in enumerate(zip(SIZES[:-1], SIZES[1:], strict=True)):
            layers.append(nn.Linear(a, b))
            if i < len(SIZES) - 2:
                layers.append(nn.ReLU())
        self.model = nn.Sequential(*layers).float()
        linears = [m for m in self.model if isinstance(m, nn.Linear)]
        with torch.no_grad():  # same start as dlbasics; torch stores W transposed
            for lin, W, bias in zip(linears, weights[0::2], weights[1::2], strict=True):
                lin.weight.copy_(torch.from_numpy(np.ascontiguousarray(W.T)))
                lin.bias.copy_(torch.from_numpy(bias))
        self.opt = torch.optim.Adam(self.model.parameters(), lr=LR)
        self.sched = torch.optim.lr_scheduler.CosineAnnealingLR(self.opt, T_max=epochs)
        self.loss_fn = nn.CrossEntropyLoss()
        self.rng = np.random.default_rng(seed)  # the same batch order as dlbasics

    def epoch(self, X: Any, y: Any) -> None:
        torch = self.torch
        n = X.shape[0]
        order = torch.from_numpy(self.rng.permutation(n))
        self.model.train()
        for start in range(0, n, BATCH_SIZE):
            idx = order[start:start + BATCH_SIZE]
            xb, yb = X[idx], y[idx]  # (B, 784), (B,)
            self.opt.zero_grad(set_to_none=True)
            loss = self.loss_fn(self.model(xb), yb)
            loss.backward()
            self.opt.step()
        self.sched.step()

    def test_accuracy(self, X: Any, y: Any) -> float:
        with self.torch.no_grad():
            return float((self.model(X).argmax(dim=1) == y).float().mean())


# -- main ---------------------------------------------------------------------------------------
def first_reached(accs: list[float], times: list[float], target: float) -> tuple[int, float] | None:
    """(epoch, cumulative seconds) when ``accs`` first reaches ``target``; None if never."""
    for epoch, (acc, t) in enumerate(zip(accs, times, strict=True), start=1):
        if acc >= target:
            return epoch, t
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--threads", type=int, default=None,
                        help="threads for both libraries (default: all cores)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-torch", action="store_true", help="skip PyTorch")
    args = parser.parse_args(argv)
    threads = args.threads or n_cores()

    (X_train, y_train), (X_test, y_test) = load_full_mnist()
    threadpoolctl = import_threadpoolctl()
    limiter = threadpoolctl.threadpool_limits(threads) if threadpoolctl is not None else None

    runs: list[Any] = [DlbasicsRun(args.seed, args.epochs, threads)]
    data: dict[str, tuple[Any, Any, Any, Any]] = {"dlbasics": (X_train, y_train, X_test, y_test)}
    torch_note = "torch: not installed, skipped (pip install torch)"
    if args.no_torch:
        torch_note = "torch: skipped (--no-torch)"
    else:
        torch: Any = None
        try:
            import torch
        except ImportError:
            pass
        if torch is not None:
            torch.set_num_threads(threads)
            torch_note = f"torch {torch.__version__}, {torch.get_num_threads()} threads"
            runs.append(TorchRun(torch, runs[0].initial_weights(), args.seed, args.epochs))
            Xtr_t, ytr_t, Xte_t, yte_t = (torch.from_numpy(a) for a in (X_train, y_train, X_test, y_test))
            data["torch"] = (Xtr_t, ytr_t, Xte_t, yte_t)

    print("== environment")
    print(f"  python {platform.python_version()}, numpy {np.__version__}, dlbasics {dl.__version__}")
    print(f"  {os.cpu_count()} logical cores, {threads} threads used")
    for line in blas_lines(threadpoolctl):
        print("  " + line)
    print("  " + torch_note)
    print("  " + load_str())
    print(f"== MNIST: train {X_train.shape} {X_train.dtype}, test {X_test.shape}; "
          f"model {'-'.join(map(str, SIZES))} ReLU, Adam lr={LR:g} cosine over {args.epochs} epochs, "
          f"batch {BATCH_SIZE}")

    accs: dict[str, list[float]] = {r.name: [] for r in runs}
    times: dict[str, list[float]] = {r.name: [] for r in runs}
    print(f"\n{'epoch':>5}" + "".join(f" {r.name + ' s':>11} {'test acc':>9}" for r in runs))
    for epoch in range(1, args.epochs + 1):
        for run in runs if epoch % 2 else runs[::-1]:  # alternate who goes first
            Xtr, ytr, Xte, yte = data[run.name]
            t0 = time.perf_counter()
            run.epoch(Xtr, ytr)
            seconds = time.perf_counter() - t0
            times[run.name].append((times[run.name] or [0.0])[-1] + seconds)
            accs[run.name].append(run.test_accuracy(Xte, yte))  # not timed
        print(f"{epoch:>5}" + "".join(
            f" {times[r.name][-1]:>11.2f} {accs[r.name][-1]:>9.4f}" for r in runs), flush=True)

    print("\n== training time to reach a test accuracy (evaluation not timed)")
    for target in TARGETS:
        found = {r.name: first_reached(accs[r.name], times[r.name], target) for r in runs}
        parts = [f"{name} " + (f"{hit[1]:.1f} s (epoch {hit[0]})" if hit else "not reached")
                 for name, hit in found.items()]
        line = f"  >= {target:.0%}: " + ", ".join(parts)
        mine, theirs = found.get("dlbasics"), found.get("torch")
        if mine is not None and theirs is not None:
            line += f"; ratio dlbasics / torch = {mine[1] / theirs[1]:.2f}"
        print(line)
    total = {r.name: times[r.name][-1] for r in runs}
    line = "  all epochs: " + ", ".join(f"{k} {v:.1f} s" for k, v in total.items())
    if len(runs) == 2:
        line += f"; ratio dlbasics / torch = {total['dlbasics'] / total['torch']:.2f}"
    print(line)
    print("  final test accuracy: " + ", ".join(f"{k} {v[-1]:.4f}" for k, v in accs.items()))
    # on a shared machine single epochs can be slowed down by other jobs: the median is robust
    per_epoch = {k: np.diff(v, prepend=0.0) for k, v in times.items()}
    med = {k: float(np.median(v)) for k, v in per_epoch.items()}
    print("\n== seconds per epoch (robust to load spikes): " + ", ".join(
        f"{k} median {med[k]:.2f} (min {v.min():.2f}, max {v.max():.2f})" for k, v in per_epoch.items()))
    for target in TARGETS:
        found = {r.name: first_reached(accs[r.name], times[r.name], target) for r in runs}
        line = f"  >= {target:.0%} at the median epoch time: " + ", ".join(
            f"{k} {hit[0]} x {med[k]:.2f} = {hit[0] * med[k]:.1f} s" if hit else f"{k} not reached"
            for k, hit in found.items())
        print(line)
    if len(runs) == 2:
        print(f"  ratio of median epoch times dlbasics / torch = {med['dlbasics'] / med['torch']:.2f}")
    print("  " + load_str())
    if limiter is not None:
        limiter.restore_original_limits()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
