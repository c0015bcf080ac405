"""Run each course notebook in a fresh kernel and print what it costs, as a markdown table.

For every notebook: the wall time of executing all its cells, the CPU time its kernel used
(user + system, all threads) and the kernel's peak resident memory. These are the numbers an
instructor sizes a JupyterHub with (``docs/teaching.md``).

How it measures: each notebook runs in its own runner process (``--one``), which starts the
kernel with nbclient as its only child and executes the notebook. Once the kernel has been
shut down and reaped, ``resource.getrusage(RUSAGE_CHILDREN)`` of the runner gives the kernel's
CPU time and its peak RSS (``ru_maxrss``), measured by the operating system from outside the
kernel. The wall time is taken around the execution of the cells (kernel start included).

Usage::

    python tools/measure_notebooks.py [NOTEBOOK ...] [--timeout 300]
    python tools/measure_notebooks.py --one NOTEBOOK [--timeout 300]   # one notebook, JSON

Without notebooks it measures every ``*.ipynb`` in ``course/``. The notebooks run with
``DLBASICS_OFFLINE=1``; ``DLBASICS_MNIST_DIR`` (the four original MNIST files) is passed
through, so notebook 07 trains on the full data set when it is set and on the sample shipped
with dlbasics otherwise. Exit status 1 if a notebook failed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
COURSE = REPO_ROOT / "course"
CELL_TIMEOUT_S = 300
NOTEBOOK_TIMEOUT_S = 1800


def run_one(path: Path, timeout: int) -> dict[str, Any]:
    """Execute the notebook at ``path`` in a new kernel; return its cost and any error.

    Call it in a process that has no other children: the CPU time and peak RSS are those
    of every child this process reaped, which is the kernel alone.

    Returns
    -------
    dict
        ``seconds`` (wall), ``cpu_seconds`` and ``peak_mb`` of the kernel, ``error`` (the
        failing cell's traceback, or None), ``kernel_dir`` and ``kernel_argv0`` (which kernel
        ran it).
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    kernel: dict[str, str] = {}

    def record_kernel(**_: object) -> None:
        km = client.km
        assert km is not None and km.kernel_spec is not None  # set before on_notebook_start
        kernel["dir"] = km.kernel_spec.resource_dir
        kernel["argv0"] = km.format_kernel_cmd()[0]

    client.on_notebook_start = record_kernel
    error = None
    start = time.perf_counter()
    try:
        client.execute()
    except CellExecutionError as exc:
        error = re.sub(r"\x1b\[[0-9;]*m", "", str(exc))[-4000:]
    except (CellTimeoutError, DeadKernelError) as exc:
        error = f"{type(exc).__name__} (a cell ran past {timeout} s, or the kernel died): {exc}"
    seconds = time.perf_counter() - start
    # The kernel is this process's child, reaped at shutdown: its rusage is ours for children.
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "seconds": seconds,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_mb": usage.ru_maxrss / 1024,  # ru_maxrss is in KiB on Linux
        "error": error,
        "kernel_dir": kernel.get("dir"),
        "kernel_argv0": kernel.get("argv0"),
    }


def measure(notebook: Path, timeout: int, python: str = sys.executable) -> dict[str, Any]:
    """Run ``notebook`` in a fresh runner process (``--one``) and return its JSON result.

    A runner that fails or outlives ``NOTEBOOK_TIMEOUT_S`` gives a result whose ``error``
    says so and whose numbers are NaN.
    """
    env = dict(os.environ, DLBASICS_OFFLINE="1")
    failed = {"seconds": float("nan"), "cpu_seconds": float("nan"), "peak_mb": float("nan")}
    try:
        proc = subprocess.run(
            [python, str(Path(__file__).resolve()), "--one", str(notebook), "--timeout", str(timeout)],
            cwd=notebook.parent,
            env=env,
            capture_output=True,
            text=True,
            timeout=NOTEBOOK_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired:
        return {**failed, "error": f"still running after {NOTEBOOK_TIMEOUT_S} s"}
    if proc.returncode != 0:
        return {**failed, "error": f"runner failed:\n{proc.stderr[-3000:]}"}
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def markdown_table(rows: list[tuple[str, dict[str, Any]]]) -> str:
    """The results as a markdown table with a total row."""
    lines = [
        "| notebook | wall time (s) | CPU time (s) | peak kernel memory (MB) | status |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for name, r in rows:
        status = "ok" if not r["error"] else "error"
        lines.append(
            f"| {name} | {r['seconds']:.1f} | {r['cpu_seconds']:.1f} | {r['peak_mb']:.0f} | {status} |"
        )
    ok = [r for _, r in rows if not r["error"]]
    total_wall = sum(r["seconds"] for r in ok)
    total_cpu = sum(r["cpu_seconds"] for r in ok)
    peak = max((r["peak_mb"] for r in ok), default=float("nan"))
    failed = f"{len(rows) - len(ok)} failed, not counted" if len(ok) < len(rows) else ""
    lines.append(f"| **all** | {total_wall:.1f} | {total_cpu:.1f} | {peak:.0f} (max) | {failed} |")
    return "\n".join(lines)


def describe_run() -> str:
    """One line saying what the numbers were measured on."""
    mnist = os.environ.get("DLBASICS_MNIST_DIR")
    data = "full MNIST (DLBASICS_MNIST_DIR set)" if mnist else "the MNIST sample shipped with dlbasics"
    return (
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs ({platform.machine()}), "
        f"notebook 07 on {data}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every notebook in course/")
    parser.add_argument("--timeout", type=int, default=CELL_TIMEOUT_S, help="seconds allowed per cell")
    parser.add_argument("--one", type=Path, help="run this one notebook and print its result as JSON")
    args = parser.parse_args(argv)

    if args.one is not None:
        print(json.dumps(run_one(args.one.resolve(), args.timeout)))
        return 0

    notebooks = [p.resolve() for p in args.notebooks] or sorted(COURSE.glob("*.ipynb"))
    if not notebooks:
        parser.error(f"no notebooks given and none in {COURSE}")
    rows = []
    for nb in notebooks:
        print(f"running {nb.name} ...", file=sys.stderr, flush=True)
        rows.append((nb.name, measure(nb, args.timeout)))
    print(describe_run())
    print()
    print(markdown_table(rows))
    errors = [(name, r["error"]) for name, r in rows if r["error"]]
    for name, error in errors:
        print(f"\n{name} failed:\n{error}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
