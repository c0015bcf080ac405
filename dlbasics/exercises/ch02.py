"""Exercise checks for notebook 02, "Weighted inputs, bias and activation".

Each check prints one line: ⏳ (not done yet), ✅ (correct) or ❌ with what is off.

Examples
--------
>>> from dlbasics.exercises import ch02
>>> ch02.check_weighted_sum(0.75)
✅ weighted sum: correct.
>>> ch02.check_and_gate(...)
⏳ AND gate: not done yet — replace the ... with your answer.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from dlbasics.activations import sigmoid, sigmoid_grad, step
from dlbasics.exercises._common import check_array, check_number, correct, is_blank, not_done, wrong

__all__ = ["EXERCISE_X", "EXERCISE_W", "EXERCISE_B", "SLOPE_AT", "batch_data", "check_weighted_sum",
           "check_batch_outputs", "check_sigmoid_slope", "check_and_gate"]

Array = NDArray[np.float64]

#: exercise 1: one sample with three inputs, its weights and bias
EXERCISE_X = (0.2, 0.9, 0.4)
EXERCISE_W = (1.5, -0.5, 2.0)
EXERCISE_B = 0.1
#: exercise 3: the point where the sigmoid's slope is asked for
SLOPE_AT = -1.0

_BATCH_X = np.array([[0.0, 0.0, 0.0],
                     [1.0, 2.0, 0.5],
                     [-1.0, 0.5, -0.5],
                     [0.3, -1.2, 0.8]])


def batch_data() -> tuple[Array, Array, float]:
    """The batch of exercise 2: ``X`` (4 samples × 3 inputs), the weights ``w`` and the bias ``b``.

    Returns
    -------
    X : array, shape (4, 3)
    w : array, shape (3,)
    b : float
    """
    return _BATCH_X.copy(), np.array(EXERCISE_W), EXERCISE_B


def check_weighted_sum(answer: Any) -> None:
    """Exercise 1: ``z = x · w + b`` for :data:`EXERCISE_X`, :data:`EXERCISE_W`, :data:`EXERCISE_B`.

    Expected 0.2·1.5 + 0.9·(−0.5) + 0.4·2.0 + 0.1 = 0.75.
    """
    x, w = np.array(EXERCISE_X), np.array(EXERCISE_W)
    expected = float(x @ w + EXERCISE_B)
    check_number("weighted sum", answer, expected, what="one number", mistakes=[
        (float(x @ w), lambda value: f"got {value:.4g}: that is x · w; now add the bias b = {EXERCISE_B}"),
    ])


def check_batch_outputs(answer: Any) -> None:
    """Exercise 2: the sigmoid neuron's outputs ``sigmoid(X @ w + b)`` on :func:`batch_data`.

    Expected shape ``(4,)``: one output per sample.
    """
    X, w, b = batch_data()
    Z = X @ w + b  # (4,)
    name = "batch outputs"
    if not is_blank(answer):
        a = np.asarray(answer)
        if a.shape == Z.shape and np.issubdtype(a.dtype, np.number) and np.allclose(a, Z):
            wrong(name, "these are the weighted sums X @ w + b; pass them through dl.sigmoid")
            return
        if a.shape == (3,) or a.shape == (4, 3):
            wrong(name, f"expected shape (4,) (one output per sample), got {a.shape} "
                        "(hint: X @ w multiplies each row by w and sums it)")
            return
    check_array(name, answer, sigmoid(Z))


def check_sigmoid_slope(answer: Any) -> None:
    """Exercise 3: the sigmoid's slope at ``z = −1``, ``s(−1) (1 − s(−1))`` ≈ 0.197."""
    def sigmoid_itself(value: float) -> str:
        return f"got {value:.4f} = sigmoid({SLOPE_AT:g}) itself; the slope is s (1 − s)"

    check_number("sigmoid slope", answer, float(sigmoid_grad(np.array([SLOPE_AT]))[0]), rtol=1e-4,
                 what="one number", mistakes=[(float(sigmoid(SLOPE_AT)), sigmoid_itself)])


_GATE_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
_AND = np.array([0.0, 0.0, 0.0, 1.0])


def _weights_and_bias(answer: Any) -> tuple[Array, float, str]:
    """Accept a ``dl.Neuron`` or a pair ``(weights, bias)``; returns ``(w, b, activation name)``."""
    if hasattr(answer, "w") and hasattr(answer, "b") and hasattr(answer, "activation"):
        return (np.asarray(answer.w, dtype=np.float64), float(answer.b),
                str(getattr(answer.activation, "name", answer.activation)))
    weights, bias = answer  # raises TypeError/ValueError for anything else
    return np.asarray(weights, dtype=np.float64).ravel(), float(bias), "step"


def check_and_gate(answer: Any) -> None:
    """Exercise 4: a step neuron with two inputs that computes AND (fires only for (1, 1)).

    ``answer`` is a ``dl.Neuron(weights, bias=..., activation="step")`` or a pair
    ``(weights, bias)``. Each wrong row of the truth table is reported.
    """
    name = "AND gate"
    if is_blank(answer):
        not_done(name)
        return
    try:
        w, b, act = _weights_and_bias(answer)
    except (TypeError, ValueError):
        wrong(name, "expected dl.Neuron([w1, w2], bias=b, activation='step') or a pair "
                    f"([w1, w2], b), got {type(answer).__name__}")
        return
    if act != "step":
        wrong(name, f"a logic gate answers 0 or 1: use activation='step', got {act!r}")
        return
    if w.shape != (2,):
        wrong(name, f"expected 2 weights (one per input), got shape {w.shape}")
        return
    out = step(_GATE_X @ w + b)  # (4,)
    bad = np.flatnonzero(out != _AND)
    if bad.size == 0:
        correct(name, f"One input alone (at most {w.max():g}) stays at or below the threshold "
                      f"−b = {-b:g}; both together ({w.sum():g}) get over it.")
        return
    rows = ", ".join(f"({int(_GATE_X[i, 0])}, {int(_GATE_X[i, 1])}) → {int(out[i])} "
                     f"(AND gives {int(_AND[i])})" for i in bad)
    wrong(name, f"{rows}. Hint: the neuron fires when w1·x1 + w2·x2 > −b; choose b so only "
                "both inputs together get over the threshold")
