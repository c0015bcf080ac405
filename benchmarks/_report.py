"""What the benchmarks report about the machine they run on: CPU, cores, load and threadpoolctl.

Imported by the benchmark scripts, which put this folder on ``sys.path`` so that they run from
any working directory.
"""

from __future__ import annotations

import os
import platform
from pathlib import Path
from types import ModuleType


def cpu_model() -> str:
    """The CPU's model name (from ``/proc/cpuinfo`` where there is one)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def n_cores() -> int:
    """Cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def load_str() -> str:
    """The load average over 1, 5 and 15 minutes, as one line."""
    try:
        return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:
        return "load average unknown"


def import_threadpoolctl() -> ModuleType | None:
    """``threadpoolctl`` (to report and set the BLAS threads), or None where it is not installed."""
    try:
        import threadpoolctl  # type: ignore[import-untyped]
    except ImportError:
        return None
    return threadpoolctl
