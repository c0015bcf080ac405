"""Speed of one training epoch: dlbasics against PyTorch and scikit-learn.

Trains a 784-128-64-10 ReLU MLP with softmax cross-entropy for one epoch of mini-batch SGD
with momentum 0.9 on 60,000 x 784 float32 inputs, at several batch sizes, and prints

* seconds per epoch (median of ``--repeats`` timed epochs, after one warm-up);
* the fraction of the machine's float32 GEMM peak the loop reaches, counting
  ``6 x parameters x samples`` FLOPs per epoch (2 forward, 4 backward), against a
  2048 x 2048 x 2048 float32 ``matmul`` timed in the same run with the same threads;
* the same epoch in PyTorch (CPU) and scikit-learn's ``MLPClassifier`` when they are
  installed, timed in the same run, interleaved with dlbasics, and the ratios.

All libraries use the same number of threads (``--threads``, default: every core). The
environment is reported, never changed: BLAS library, kernel (``OPENBLAS_CORETYPE`` and
friends), thread count, CPU model, load average. Timings on a busy machine are noisy: compare
the ratios measured in one run, not absolute times across runs. See ``benchmarks/README.md``.

Usage::

    python benchmarks/bench_mlp.py [--repeats 3] [--batch-sizes 32 128 512] [--threads N]
                                   [--data synthetic|mnist] [--lr 0.01]
                                   [--no-torch] [--no-sklearn] [--torch-flush-denormal]

PyTorch and scikit-learn are optional: a missing one is skipped, not an error.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout
sys.path.insert(0, str(Path(__file__).resolve().parent))  # the shared report helpers, from any cwd

from _report import cpu_model, import_threadpoolctl, load_str, n_cores  # noqa: E402

import dlbasics as dl  # noqa: E402

SIZES = [784, 128, 64, 10]
#: targets from the project's speed goals: (batch, column, upper bound on the ratio)
RATIO_TARGETS = [(32, "torch", 0.6), (128, "torch", 0.8), (128, "sklearn", 0.8)]
PEAK_TARGET = (128, 0.60)  # at batch 128, at least 60 % of GEMM peak
BLAS_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
            "MKL_NUM_THREADS")


# -- data ---------------------------------------------------------------------------------------
def synthetic_data(n: int = 60_000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Random float32 "images" in [0, 1) with labels from a random linear teacher (learnable)."""
    rng = np.random.default_rng(seed)
    X = rng.random((n, SIZES[0]), dtype=np.float32)  # (N, 784)
    teacher = rng.standard_normal((SIZES[0], SIZES[-1])).astype(np.float32)  # (784, 10)
    y = np.argmax((X - 0.5) @ teacher, axis=1).astype(np.int64)  # (N,)
    return X, y


def mnist_data() -> tuple[np.ndarray, np.ndarray]:
    """The 60,000 MNIST training digits as (N, 784) float32 in [0, 1]; no network access."""
    try:
        from dlbasics.mnist import load_mnist
    except ImportError as err:
        raise SystemExit(f"--data mnist needs dlbasics.mnist, which could not be imported: {err}") from err
    try:
        digits = load_mnist(download=False, fallback=False)
    except Exception as err:  # any failure to find the files ends the run
        raise SystemExit(
            f"--data mnist: the MNIST files were not found ({err}). Put the four .gz files in "
            "a folder and point DLBASICS_MNIST_DIR at it, or use --data synthetic."
        ) from err
    X, y = digits.flat()[:2]
    return np.ascontiguousarray(X, dtype=np.float32), np.asarray(y, dtype=np.int64)


# -- environment ----------------------------------------------------------------------------------
def describe_environment(threads: int, threadpoolctl: Any) -> list[str]:
    lines = [
        f"python {platform.python_version()}, numpy {np.__version__}, dlbasics {dl.__version__}",
        f"CPU: {cpu_model()}, {os.cpu_count()} logical cores; threads used: {threads}",
        "env: " + ", ".join(f"{k}={os.environ.get(k, '(unset)')}" for k in BLAS_ENV),
    ]
    if threadpoolctl is None:
        lines.append("BLAS: threadpoolctl not installed, cannot report or set BLAS threads")
    else:
        for info in threadpoolctl.threadpool_info():
            kernel = info.get("architecture") or info.get("corertype")
            lines.append(
                f"{info.get('user_api')}: {info.get('internal_api')} {info.get('version') or ''}"
                + (f", kernel {kernel}" if kernel else "")
                + f", {info.get('num_threads')} threads ({Path(info.get('filepath', '?')).name})"
            )
    lines.append(load_str())
    return lines


#: BLAS threads for dlbasics (fit's own default is 1 thread up to batch 256); set from --threads
BLAS_THREADS: int | None = None


# -- the three training loops -------------------------------------------------------------------
#: (X, y, batch size, lr, seed) -> (wall seconds, CPU seconds of the process, mean training loss)
EpochFn = Callable[[np.ndarray, np.ndarray, int, float, int], tuple[float, float, float]]


def dlbasics_epoch(X: np.ndarray, y: np.ndarray, batch: int, lr: float,
                   seed: int) -> tuple[float, float, float]:
    """One ``dl.fit`` epoch; the model and optimizer are built untimed."""
    net = dl.mlp(SIZES, rng=seed)
    opt = dl.SGD(net.parameters(), lr=lr, momentum=0.9)
    gc.collect()
    t0, c0 = time.perf_counter(), time.process_time()
    hist = dl.fit(net, X, y, optimizer=opt, epochs=1, batch_size=batch, rng=seed,
                  blas_threads=BLAS_THREADS)
    return time.perf_counter() - t0, time.process_time() - c0, hist.loss[-1]


def make_torch_epoch(torch: Any, flush_denormal: bool = False) -> EpochFn:
    nn = torch.nn

    def torch_epoch(X: np.ndarray, y: np.ndarray, batch: int, lr: float,
                    seed: int) -> tuple[float, float, float]:
        """The idiomatic loop: random permutation, index gather, zero_grad/backward/step."""
        torch.manual_seed(seed)
        layers: list[Any] = []
        for i, (a, b) in enumerate(zip(SIZES[:-1], SIZES[1:], strict=True)):
            layers.append(nn.Linear(a, b))
            if i < len(SIZES) - 2:
                layers.append(nn.ReLU())
        model = nn.Sequential(*layers).float()
        opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
        loss_fn = nn.CrossEntropyLoss()
        Xt, yt = torch.from_numpy(X), torch.from_numpy(y)  # shares memory, no copy
        gen = torch.Generator().manual_seed(seed)
        n = Xt.shape[0]
        gc.collect()
        if flush_denormal:  # the CPU flag is per thread: set it only around this epoch
            torch.set_flush_denormal(True)
        t0, c0 = time.perf_counter(), time.process_time()
        order = torch.randperm(n, generator=gen)
        total = 0.0
        for start in range(0, n, batch):
            idx = order[start:start + batch]
            xb, yb = Xt[idx], yt[idx]  # (B, 784), (B,)
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            total += loss.item() * idx.shape[0]  # dl.fit records every step's loss too
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        torch.set_flush_denormal(False)
        return wall, cpu, total / n

    return torch_epoch


def make_sklearn_epoch(MLPClassifier: Any, ConvergenceWarning: type[Warning]) -> EpochFn:
    def sklearn_epoch(X: np.ndarray, y: np.ndarray, batch: int, lr: float,
                      seed: int) -> tuple[float, float, float]:
        """One ``MLPClassifier.fit`` with ``max_iter=1``: exactly one epoch of SGD."""
        clf = MLPClassifier(
            hidden_layer_sizes=tuple(SIZES[1:-1]), activation="relu", solver="sgd",
            momentum=0.9, nesterovs_momentum=False, batch_size=batch, max_iter=1,
            learning_rate_init=lr, alpha=0.0, shuffle=True, random_state=seed,
        )
        gc.collect()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            t0, c0 = time.perf_counter(), time.process_time()
            clf.fit(X, y)
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        return wall, cpu, float(clf.loss_)

    return sklearn_epoch


# -- GEMM rates ---------------------------------------------------------------------------------
def gemm_peak(n: int = 2048, repeats: int = 7) -> tuple[float, float]:
    """Best float32 GFLOP/s of ``A @ B``, ``A, B`` of shape (n, n): by wall and by CPU time."""
    rng = np.random.default_rng(0)
    A = rng.random((n, n), dtype=np.float32)
    B = rng.random((n, n), dtype=np.float32)
    C = np.empty((n, n), dtype=np.float32)
    np.matmul(A, B, out=C)  # warm-up
    wall, cpu = _best(lambda: np.matmul(A, B, out=C), repeats)
    return 2.0 * n**3 / wall / 1e9, 2.0 * n**3 / cpu / 1e9


def matmul_only_epoch(batch: int, n: int, steps: int = 50) -> tuple[float, float]:
    """Seconds per epoch (wall, CPU) of the loop's matmuls alone, at its layer shapes.

    Per step: ``X @ W`` for every layer, ``X.T @ dZ`` for every layer and ``dZ @ W.T`` for
    every layer but the first — the floor that the training loop's other work adds to.
    """
    rng = np.random.default_rng(0)
    W = [rng.random((a, b), dtype=np.float32) for a, b in zip(SIZES[:-1], SIZES[1:], strict=True)]
    A = [rng.random((batch, s), dtype=np.float32) for s in SIZES]  # layer inputs / outputs
    dW = [np.empty_like(w) for w in W]

    def step() -> None:
        for i, w in enumerate(W):
            np.matmul(A[i], w, out=A[i + 1])  # (B, n_in) @ (n_in, n_out)
        for i in reversed(range(len(W))):
            np.matmul(A[i].T, A[i + 1], out=dW[i])  # (n_in, B) @ (B, n_out)
            if i > 0:
                np.matmul(A[i + 1], W[i].T, out=A[i])  # (B, n_out) @ (n_out, n_in)

    def many() -> None:
        for _ in range(steps):
            step()

    many()  # warm-up
    wall, cpu = _best(many, 3)
    scale = -(-n // batch) / steps
    return wall * scale, cpu * scale


def _best(fn: Callable[[], Any], repeats: int) -> tuple[float, float]:
    """Shortest wall time and shortest CPU time of ``repeats`` calls of ``fn``."""
    walls, cpus = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return min(walls), min(cpus)


# -- report ---------------------------------------------------------------------------------------
Runs = dict[tuple[str, int], list[float]]  # (library, batch size) -> seconds, one per repeat


def paired_ratio(runs: Runs, name: str, batch: int) -> float:
    """Median over repeats of dlbasics' time / ``name``'s time in the same repeat.

    The two runs of a repeat are seconds apart, so a busy spell on the machine slows both;
    the median of these paired ratios is steadier than a ratio of medians.
    """
    return statistics.median(
        a / b for a, b in zip(runs[("dlbasics", batch)], runs[(name, batch)], strict=True)
    )


def print_table(title: str, runs: Runs, names: list[str], batches: list[int], n: int,
                flops: float, peak: float, floor: dict[int, float]) -> None:
    """One row per batch size: dlbasics seconds, µs per step, % of peak, the others and ratios."""
    print(f"\n== {title}; ratio = dlbasics / other, median of the repeats' paired ratios")
    head = f"{'batch':>5} {'steps':>5} {'matmuls':>8} {'dlbasics':>9} {'us/step':>8} {'%peak':>6}"
    for name in names[1:]:
        head += f" {name:>8} {'ratio':>6}"
    print(head)
    for batch in batches:
        steps = -(-n // batch)
        t = statistics.median(runs[("dlbasics", batch)])
        row = (f"{batch:>5} {steps:>5} {floor[batch]:>8.3f} {t:>9.3f} {t / steps * 1e6:>8.1f} "
               f"{100 * flops / t / 1e9 / peak:>5.1f}%")
        for name in names[1:]:
            row += (f" {statistics.median(runs[(name, batch)]):>8.3f}"
                    f" {paired_ratio(runs, name, batch):>6.2f}")
        print(row)


def print_targets(label: str, runs: Runs, flops: float, peak: float) -> None:
    batch, frac = PEAK_TARGET
    if ("dlbasics", batch) in runs:
        got = flops / statistics.median(runs[("dlbasics", batch)]) / 1e9 / peak
        print(f"  {'PASS' if got >= frac else 'MISS'}  {label}batch {batch}: {100 * got:.1f}% of "
              f"GEMM peak (target >= {100 * frac:.0f}%)")
    for batch, name, bound in RATIO_TARGETS:
        if (name, batch) in runs and ("dlbasics", batch) in runs:
            ratio = paired_ratio(runs, name, batch)
            print(f"  {'PASS' if ratio <= bound else 'MISS'}  {label}batch {batch}: dlbasics / "
                  f"{name} = {ratio:.2f} (target <= {bound})")


# -- main ---------------------------------------------------------------------------------------
def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="timed epochs per library and batch size")
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[32, 128, 512])
    parser.add_argument("--threads", type=int, default=None,
                        help="threads for every library (default: all cores)")
    parser.add_argument("--data", choices=["synthetic", "mnist"], default="synthetic")
    parser.add_argument("--lr", type=float, default=0.01, help="learning rate of every library")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-torch", action="store_true", help="skip PyTorch")
    parser.add_argument("--no-sklearn", action="store_true", help="skip scikit-learn")
    parser.add_argument("--torch-flush-denormal", action="store_true",
                        help="run PyTorch with torch.set_flush_denormal(True) (default: as installed)")
    return parser.parse_args(argv)


def make_runners(args: argparse.Namespace, threads: int) -> tuple[dict[str, EpochFn], list[str], str]:
    """The libraries to time, the ones skipped (with how to install them), and torch's setup."""
    runners: dict[str, EpochFn] = {"dlbasics": dlbasics_epoch}
    missing, torch_line = [], ""
    if not args.no_torch:
        try:
            import torch

            torch.set_num_threads(threads)
            runners["torch"] = make_torch_epoch(torch, args.torch_flush_denormal)
            torch_line = (f"torch {torch.__version__}, {torch.get_num_threads()} threads, flush "
                          f"denormals: {args.torch_flush_denormal}")
        except (ImportError, OSError) as err:  # OSError: an installed torch whose libraries fail
            missing.append(f"torch (pip install torch): {type(err).__name__}: {err}")
    if not args.no_sklearn:
        try:
            from sklearn.exceptions import ConvergenceWarning
            from sklearn.neural_network import MLPClassifier

            runners["sklearn"] = make_sklearn_epoch(MLPClassifier, ConvergenceWarning)
        except (ImportError, OSError):
            missing.append("scikit-learn (pip install scikit-learn)")
    return runners, missing, torch_line


def time_runs(runners: dict[str, EpochFn], X: np.ndarray, y: np.ndarray,
              args: argparse.Namespace) -> tuple[Runs, Runs, dict[tuple[str, int], float]]:
    """Warm every library up, then time ``args.repeats`` epochs each, rotating the order."""
    warm = slice(0, min(4096, X.shape[0]))  # imports, BLAS buffers, allocator
    for batch in args.batch_sizes:
        for run in runners.values():
            run(X[warm], y[warm], batch, args.lr, args.seed)  # result not used
    walls: Runs = {}
    cpus: Runs = {}
    losses: dict[tuple[str, int], float] = {}
    names = list(runners)
    for r in range(args.repeats):
        for batch in args.batch_sizes:
            for name in names[r % len(names):] + names[:r % len(names)]:  # rotate the order
                wall, cpu, loss = runners[name](X, y, batch, args.lr, args.seed)
                walls.setdefault((name, batch), []).append(wall)
                cpus.setdefault((name, batch), []).append(cpu)
                losses[(name, batch)] = loss
        print(f"   repeat {r + 1}/{args.repeats} done, {load_str()}", flush=True)
    return walls, cpus, losses


def print_setup(args: argparse.Namespace, threads: int, threadpoolctl: Any, torch_line: str,
                missing: list[str], X: np.ndarray, y: np.ndarray, flops: float, peak: float) -> None:
    print("== environment")
    for line in describe_environment(threads, threadpoolctl):
        print("  " + line)
    if torch_line:
        print("  " + torch_line)
    for name in missing:
        print(f"  not installed, skipped: {name}")
    print(f"== data: {args.data}, X {X.shape} {X.dtype}, y {y.shape} {y.dtype}, "
          f"{len(np.unique(y))} classes")
    print(f"== model {'-'.join(map(str, SIZES))} ReLU, {dl.mlp(SIZES, rng=0).n_params:,} parameters; "
          f"SGD lr={args.lr} momentum=0.9; {flops / 1e9:.1f} GFLOP per epoch (6 x params x samples)")
    print(f"== float32 GEMM peak (2048 x 2048 x 2048 matmul, best of 7, {threads} threads): "
          f"{peak:.1f} GFLOP/s -> {flops / peak / 1e9:.3f} s/epoch at 100 % (measured again at "
          "the end; the higher value is used)")


def print_results(args: argparse.Namespace, threads: int, names: list[str], timings: tuple[Runs, Runs],
                  losses: dict[tuple[str, int], float], n: int, flops: float,
                  peaks: tuple[float, float], floor: dict[int, tuple[float, float]]) -> None:
    walls, cpus = timings
    peak, peak_cpu = peaks
    print_table(f"seconds per epoch (wall clock), median of {args.repeats} after one warm-up",
                walls, names, args.batch_sizes, n, flops, peak, {b: f[0] for b, f in floor.items()})
    print("\n== spread (min..max s); 'busy': CPU seconds per wall second, median (less than the "
          f"{threads} thread(s) means the run waited for a core); training loss of the epoch")
    busy = {key: statistics.median(c / w for c, w in zip(cpus[key], walls[key], strict=True))
            for key in walls}
    for batch in args.batch_sizes:
        print(f"{batch:>5} " + "  ".join(
            f"{name} {min(walls[(name, batch)]):.3f}..{max(walls[(name, batch)]):.3f} "
            f"busy {busy[(name, batch)]:.2f} loss {losses[(name, batch)]:.3f}" for name in names))
    if threads == 1:  # with one thread, CPU time is what the wall time would be on an idle core
        print_table("CPU seconds per epoch, median (one thread: what an idle core would take)",
                    cpus, names, args.batch_sizes, n, flops, peak_cpu,
                    {b: f[1] for b, f in floor.items()})
    print("\n== targets")
    print_targets("", walls, flops, peak)
    if threads == 1:
        print_targets("by CPU time, ", cpus, flops, peak_cpu)
    print(f"  {load_str()}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    threads = args.threads or n_cores()
    global BLAS_THREADS
    BLAS_THREADS = threads  # same threads as the other libraries

    threadpoolctl = import_threadpoolctl()
    runners, missing, torch_line = make_runners(args, threads)
    X, y = synthetic_data(seed=args.seed) if args.data == "synthetic" else mnist_data()
    n = X.shape[0]
    limiter = threadpoolctl.threadpool_limits(threads) if threadpoolctl is not None else None
    flops = 6.0 * dl.mlp(SIZES, rng=0).n_params * n
    peak, peak_cpu = gemm_peak()
    print_setup(args, threads, threadpoolctl, torch_line, missing, X, y, flops, peak)
    floor = {b: matmul_only_epoch(b, n) for b in args.batch_sizes}
    print("== 'matmuls': the loop's 8 matmuls per step alone, at the layer shapes, s/epoch: "
          + ", ".join(f"batch {b} {floor[b][0]:.3f}" for b in args.batch_sizes))
    walls, cpus, losses = time_runs(runners, X, y, args)
    peak_end, peak_cpu_end = gemm_peak()  # a busy spell may have spoilt the first measurement
    print(f"== float32 GEMM peak at the end: {peak_end:.1f} GFLOP/s")
    print_results(args, threads, list(runners), (walls, cpus), losses, n, flops,
                  (max(peak, peak_end), max(peak_cpu, peak_cpu_end)), floor)
    if limiter is not None:
        limiter.restore_original_limits()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
