"""Lint and type checks, so the test command also guards the public API's type hints."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_ruff_is_clean():
    if shutil.which("ruff", path=str(Path(sys.executable).parent)) is None and shutil.which("ruff") is None:
        pytest.skip("ruff is not installed")
    res = run(sys.executable, "-m", "ruff", "check", "dlbasics", "tests", "benchmarks", "tools")
    assert res.returncode == 0, res.stdout + res.stderr


def test_mypy_is_clean():
    pytest.importorskip("mypy")
    res = run(sys.executable, "-m", "mypy")  # files and options come from pyproject.toml
    assert res.returncode == 0, res.stdout + res.stderr
