"""Shared helpers for the exercise checks: every check prints one clear line of feedback."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["not_done", "correct", "wrong", "check_close", "check_array", "is_blank"]


def is_blank(answer: Any) -> bool:
    """True for an answer the learner has not filled in yet (``...`` or ``None``)."""
    return answer is ... or answer is None


def not_done(name: str) -> bool:
    print(f"⏳ {name}: not done yet — replace the ... with your answer.")
    return False


def correct(name: str, extra: str = "") -> bool:
    print(f"✅ {name}: correct." + (f" {extra}" if extra else ""))
    return True


def wrong(name: str, why: str) -> bool:
    print(f"❌ {name}: not yet — {why}")
    return False


def check_close(name: str, answer: Any, expected: float, rtol: float = 1e-6, atol: float = 1e-9) -> None:
    """Check a single number."""
    if is_blank(answer):
        not_done(name)
        return
    try:
        value = float(answer)
    except (TypeError, ValueError):
        wrong(name, f"expected a number, got {type(answer).__name__}")
        return
    if np.isclose(value, expected, rtol=rtol, atol=atol):
        correct(name)
    else:
        wrong(name, f"expected about {expected:.6g}, got {value:.6g}")


def check_array(name: str, answer: Any, expected: Any, rtol: float = 1e-5, atol: float = 1e-8) -> None:
    """Check an array: its shape first, then the first entry that differs."""
    if is_blank(answer):
        not_done(name)
        return
    a = np.asarray(answer)
    e = np.asarray(expected)
    if a.shape != e.shape:
        wrong(name, f"expected shape {e.shape}, got {a.shape}")
        return
    if not np.issubdtype(a.dtype, np.number):
        wrong(name, f"expected numbers, got dtype {a.dtype}")
        return
    close = np.isclose(a, e, rtol=rtol, atol=atol)
    if close.all():
        correct(name)
        return
    i = tuple(int(k) for k in np.argwhere(~close)[0])
    wrong(name, f"first wrong value at index {list(i)}: expected {e[i]:.6g}, got {a[i]:.6g}")
