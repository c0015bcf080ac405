"""Exercise checks for notebook 01, "A single neuron".

Each check prints one line: ⏳ (not done yet), ✅ (correct) or ❌ with what is off.

Examples
--------
>>> from dlbasics.exercises import ch01
>>> ch01.check_walk_kcal(4.2 * 50)
✅ walk kcal: correct.
>>> ch01.check_walk_kcal(...)
⏳ walk kcal: not done yet — replace the ... with your answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from dlbasics.exercises._common import as_number, check_number, correct, is_blank, not_done, wrong

__all__ = ["cycling_data", "check_walk_kcal", "check_cycling_weight", "check_sse_function"]

#: a brisk walk burns about 4.2 kcal per minute; exercise 1 asks for 50 minutes
WALK_KCAL_PER_MIN = 4.2
WALK_MINUTES = 50

_CYCLING_MINUTES = np.array([15.0, 20.0, 30.0, 45.0, 60.0, 75.0, 90.0, 120.0])
_CYCLING_KCAL = np.array([140.0, 170.0, 265.0, 390.0, 560.0, 640.0, 800.0, 1050.0])


def cycling_data() -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The cycling log of exercise 2: minutes ridden and kcal burned.

    Returns
    -------
    minutes, kcal : arrays, shape (8,)
        Fresh copies, so changing them does not change the check.
    """
    return _CYCLING_MINUTES.copy(), _CYCLING_KCAL.copy()


def check_walk_kcal(answer: Any) -> None:
    """Exercise 1: kcal burned by a 50-minute walk at 4.2 kcal per minute.

    Expected ``dl.Neuron(4.2)(50)``, i.e. 210 (any float close to it counts).
    """
    expected = WALK_KCAL_PER_MIN * WALK_MINUTES
    def divided(value: float) -> str:
        return (f"got {value:.4g}: the output is input × weight (minutes × kcal per minute), "
                "not a division")

    check_number("walk kcal", answer, expected, what="a number (kcal)",
                 mistakes=[(WALK_KCAL_PER_MIN / WALK_MINUTES, divided), (WALK_MINUTES / 4.2, divided)])


def check_cycling_weight(answer: Any) -> None:
    """Exercise 2: the single weight (kcal per minute) that best fits :func:`cycling_data`.

    "Best" means the least total squared error, ``w* = Σ x y / Σ x²``. A grid search with a
    step of 0.01 is accepted too (within 0.01 of ``w*``).
    """
    name = "cycling weight"
    value = as_number(name, answer, "one number (kcal per minute)")
    if value is None:
        return
    x, y = _CYCLING_MINUTES, _CYCLING_KCAL
    w_star = float(x @ y / (x @ x))
    if abs(value - w_star) <= 0.01:
        correct(name, f"w* = {w_star:.3f} kcal per minute.")
        return
    if np.isclose(value, y.sum() / x.sum()) or np.isclose(value, np.mean(y / x)):
        wrong(name, f"got {value:.3f}, an average of kcal-per-minute ratios; the "
                    "squared-error minimum is "
                    "Σ x·y / Σ x² (hint: minutes @ kcal / (minutes @ minutes))")
    else:
        wrong(name, f"expected about {w_star:.3f} kcal per minute, got {value:.3f} "
                    "(hint: set dE/dw = 2 Σ x (x w − y) to zero and solve for w)")


def _reference_sse(w: NDArray[np.float64], x: NDArray[np.float64], y: NDArray[np.float64]) -> Any:
    return ((w[:, None] * x - y) ** 2).sum(axis=1)  # (K,)


def check_sse_function(answer: Any) -> None:
    """Exercise 3: a vectorised ``sse(w, x, y)`` that returns one total squared error per weight.

    ``answer`` is the function itself. It is called with an array ``w`` of shape ``(K,)`` and
    data ``x, y`` of shape ``(N,)`` and must return shape ``(K,)`` with
    ``E_k = Σ_i (x_i w_k − y_i)²`` — without a Python loop (broadcast ``w[:, None] * x``).
    """
    name = "sse function"
    if is_blank(answer):
        not_done(name)
        return
    if not callable(answer):
        wrong(name, f"expected a function sse(w, x, y), got {type(answer).__name__}")
        return
    fn: Callable[..., Any] = answer
    x, y = _CYCLING_MINUTES, _CYCLING_KCAL
    w = np.array([0.0, 5.0, 8.5, 12.0])
    expected = _reference_sse(w, x, y)
    try:
        got = np.asarray(fn(w, x, y), dtype=np.float64)
    except Exception as exc:  # the learner's code: report, never raise
        wrong(name, f"calling sse(w, x, y) with w of shape {w.shape} and x, y of shape {x.shape} "
                    f"raised {type(exc).__name__}: {exc} (hint: w[:, None] * x has shape (K, N))")
        return
    if got.shape != expected.shape:
        hint = (" — it looks like you summed over every weight at once; sum over the data axis only "
                "(axis=1)" if got.ndim == 0 else " (hint: w[:, None] * x - y, then .sum(axis=1))")
        wrong(name, f"expected shape {expected.shape} (one error per weight), got {got.shape}{hint}")
        return
    close = np.isclose(got, expected, rtol=1e-9)
    if not close.all():
        k = int(np.argmax(~close))
        if np.isclose(got[k], expected[k] / x.size):
            hint = " — that is the mean; the exercise asks for the total (sum)"
        elif np.isclose(got[k], (w[k] * x - y).sum()):
            hint = " — square each residual before summing"
        else:
            hint = ""
        wrong(name, f"for w = {w[k]:g} expected E = {expected[k]:,.1f}, got {got[k]:,.1f}{hint}")
        return
    correct(name)
