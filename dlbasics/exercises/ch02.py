"""Exercise checks for notebook 02, "Weighted inputs, bias and activation".

Each check prints one line: ⏳ (not done yet), ✅ (correct) or ❌ with what is off — a diagnosis,
never the right answer. Stuck? ``ch02.hint("weighted_sum")`` prints a hint for the exercise that
``ch02.check_weighted_sum`` checks; call it again for the next one.

Examples
--------
>>> from dlbasics.exercises import ch02
>>> ch02.check_weighted_sum(0.75)
✅ weighted sum: correct.
>>> ch02.check_and_gate(...)
⏳ AND gate: not done yet — replace the ... with your answer.
>>> ch02.check_weighted_sum(0.65)
❌ weighted sum: not yet — that is x · w without the bias: add b
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlbasics._typing import FloatArray as Array
from dlbasics.activations import sigmoid, sigmoid_grad, step
from dlbasics.exercises._common import (
    as_array,
    check_array,
    check_number,
    correct,
    hints,
    is_blank,
    not_done,
    show_hint,
    wrong,
)

__all__ = ["EXERCISE_X", "EXERCISE_W", "EXERCISE_B", "SLOPE_AT", "batch_data", "check_weighted_sum",
           "check_batch_outputs", "check_sigmoid_slope", "check_and_gate", "hint"]


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


def hint(exercise: str | None = None, level: int | None = None) -> None:
    """Print the next hint for an exercise of notebook 02 (without one: list the exercises).

    Parameters
    ----------
    exercise : str, optional
        The exercise, named as its check without ``check_``: ``"weighted_sum"``,
        ``"batch_outputs"``, ``"sigmoid_slope"`` or ``"and_gate"``.
    level : int, optional
        Print this hint (1 is the first) again instead of the next one.

    Examples
    --------
    >>> from dlbasics.exercises import ch02
    >>> ch02.hint("and_gate", level=1)  # doctest: +ELLIPSIS
    💡 hint 1 of 3 for check_and_gate: ...
    """
    show_hint(__name__, exercise, level)


def batch_data() -> tuple[Array, Array, float]:
    """The batch of exercise 2: ``X`` (4 samples × 3 inputs), the weights ``w`` and the bias ``b``.

    Returns
    -------
    X : array, shape (4, 3)
    w : array, shape (3,)
    b : float
    """
    return _BATCH_X.copy(), np.array(EXERCISE_W), EXERCISE_B


@hints("z = x · w + b: multiply each input by its weight, add the products up, then add the bias.",
       "The @ operator (or np.dot) of two vectors multiplies them entry by entry and adds the products. "
       "The inputs are ch02.EXERCISE_X, the weights ch02.EXERCISE_W and the bias ch02.EXERCISE_B.")
def check_weighted_sum(answer: Any) -> None:
    """Exercise 1: ``z = x · w + b`` for :data:`EXERCISE_X`, :data:`EXERCISE_W`, :data:`EXERCISE_B`.

    Expected 0.2·1.5 + 0.9·(−0.5) + 0.4·2.0 + 0.1 = 0.75.
    """
    name = "weighted sum"
    x, w, b = np.array(EXERCISE_X), np.array(EXERCISE_W), EXERCISE_B
    if not is_blank(answer) and np.shape(answer) == x.shape:
        wrong(name, "three numbers: x * w multiplies entry by entry; z adds the products up (x @ w) "
                    "and then the bias")
        return
    check_number(name, answer, float(x @ w + b), what="one number", mistakes=[
        (float(x @ w), "that is x · w without the bias: add b"),
        (float(x @ w - b), "the bias is added, not subtracted"),
        (float((x @ w) * b), "the bias is added to the weighted sum, not multiplied with it"),
        (float(sigmoid(x @ w + b)), "that is after an activation (the sigmoid): z is the weighted sum "
                                    "before it"),
        (float(x.sum() + b), "the inputs are added up without their weights: multiply each by its weight "
                             "first"),
        (float(w.sum() + b), "the weights are added up without the inputs: multiply each by its input first"),
    ], pointer="multiply each input by its weight, add the three products, then add the bias")


@hints("One sample is one row of X. X @ w computes the weighted sum of every row at once, one number "
       "per sample: shape (4,).",
       "Add the bias to all four weighted sums at once (broadcasting does it), then pass the result "
       "through dl.sigmoid.")
def check_batch_outputs(answer: Any) -> None:
    """Exercise 2: the sigmoid neuron's outputs ``sigmoid(X @ w + b)`` on :func:`batch_data`.

    Expected shape ``(4,)``: one output per sample.
    """
    X, w, b = batch_data()
    Z = X @ w + b  # (4,)
    expected = sigmoid(Z)
    name = "batch outputs"
    if is_blank(answer):
        not_done(name)
        return
    a = as_array(name, answer, "an array of numbers, one per sample")
    if a is None:
        return
    if a.shape in ((3,), (4, 3)):
        wrong(name, f"expected shape (4,) (one output per sample), got {a.shape} "
                    "(hint: X @ w multiplies each row by w and sums it)")
        return
    if a.shape in ((4, 1), (1, 4)):
        wrong(name, f"expected shape (4,) (one output per sample), got {a.shape}: w is a vector, so "
                    "X @ w + b is already (4,)")
        return
    if a.shape == Z.shape and np.all(np.isfinite(a)) and not np.allclose(a, expected):
        slips = [
            (Z, "these are the weighted sums X @ w + b; pass them through dl.sigmoid"),
            (sigmoid(X @ w), "the bias is missing: add b before the sigmoid"),
            (sigmoid(-Z), "a sign slip in the sigmoid: it is 1 / (1 + exp(−z)), close to 1 for large z"),
            (step(Z), "these are 0s and 1s, a step activation: use dl.sigmoid"),
        ]
        for value, why in slips:
            if np.allclose(a, value):
                wrong(name, why)
                return
        outside = [str(i) for i in np.flatnonzero((a <= 0) | (a >= 1))]
        if outside:
            which = (f"the output for sample {outside[0]} does not" if len(outside) == 1 else
                     f"the outputs for samples {', '.join(outside[:-1])} and {outside[-1]} do not")
            wrong(name, f"a sigmoid's outputs lie strictly between 0 and 1, and {which}")
            return
    check_array(name, a, expected, labels=[f"sample {i}" for i in range(len(Z))],
                pointer="sample i is row i of X, and its output is sigmoid(X[i] @ w + b)")


@hints("The notebook writes the sigmoid's slope in terms of its own output: s′(z) = s(z) (1 − s(z)).",
       "First compute s = dl.sigmoid(-1.0), then put that s into the formula.")
def check_sigmoid_slope(answer: Any) -> None:
    """Exercise 3: the sigmoid's slope at ``z = −1``, ``s(−1) (1 − s(−1))`` ≈ 0.197."""
    s = float(sigmoid(SLOPE_AT))
    check_number("sigmoid slope", answer, float(sigmoid_grad(np.array([SLOPE_AT]))[0]), rtol=1e-4,
                 what="one number", mistakes=[
                     (s, f"that is sigmoid({SLOPE_AT:g}) itself; the slope is s (1 − s)"),
                     (1 - s, "that is 1 − s alone (which is also sigmoid(+1)); the slope multiplies it by s"),
                     (0.25, "that is the slope at z = 0, the steepest point; evaluate it at z = −1"),
                     (s * (1 + s), "s (1 + s): the slope is s (1 − s), with a minus"),
                     (SLOPE_AT * (1 - SLOPE_AT), "you put z itself into s (1 − s); use s = sigmoid(z)"),
                     (lambda value: value <= 0, "a sigmoid rises everywhere, so its slope is positive"),
                     (lambda value: value > 0.25, "steeper than a sigmoid ever gets: its slope is at most "
                                                  "1/4, at z = 0"),
                 ], pointer="the slope is s (1 − s) with s = sigmoid(z): check which z you used")


_GATE_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
_AND = np.array([0.0, 0.0, 0.0, 1.0])


def _weights_and_bias(answer: Any) -> tuple[Array, float, str]:
    """Accept a ``dl.Neuron`` or a pair ``(weights, bias)``; returns ``(w, b, activation name)``."""
    if hasattr(answer, "w") and hasattr(answer, "b") and hasattr(answer, "activation"):
        return (np.asarray(answer.w, dtype=np.float64), float(answer.b),
                str(getattr(answer.activation, "name", answer.activation)))
    weights, bias = answer  # raises TypeError/ValueError for anything else
    return np.asarray(weights, dtype=np.float64).ravel(), float(bias), "step"


@hints("The step neuron fires (outputs 1) when w1·x1 + w2·x2 + b > 0. Write that inequality down for "
       "each of the four inputs (0, 0), (0, 1), (1, 0) and (1, 1).",
       "For (0, 0) only b is left, so b must be at most 0. For (1, 1) both weights count: w1 + w2 + b "
       "must be above 0, while w1 + b and w2 + b must not be.",
       "Take w1 = w2 = 1: one input alone gives 1 + b, both together 2 + b. Which values of b keep the "
       "first at or below 0 and the second above it?")
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
    if not (np.all(np.isfinite(w)) and np.isfinite(b)):
        wrong(name, "the weights or the bias are NaN or inf")
        return
    out = step(_GATE_X @ w + b)  # (4,)
    bad = np.flatnonzero(out != _AND)
    if bad.size == 0:
        correct(name, f"One input alone (at most {w.max():g}) stays at or below the threshold "
                      f"−b = {-b:g}; both together ({w.sum():g}) get over it.")
        return
    fires = "the neuron fires when w1·x1 + w2·x2 + b > 0"
    if np.array_equal(out, 1 - _AND):
        why = "this is the opposite of AND (NAND): every output is flipped; flip the signs"
    elif out[0] == 1:
        why = f"it fires for (0, 0), where only the bias is left: {fires}, so b must be at most 0"
    elif not out.any():
        why = f"it never fires, not even for (1, 1): {fires}, and w1 + w2 + b is not above 0"
    elif np.array_equal(out, [0, 1, 1, 1]):
        why = f"this neuron computes OR (one input is enough): {fires}; raise the threshold −b"
    else:
        rows = ", ".join(f"({int(_GATE_X[i, 0])}, {int(_GATE_X[i, 1])}) → {int(out[i])} "
                         f"(AND gives {int(_AND[i])})" for i in bad)
        why = f"{rows}: {fires}"
    wrong(name, why)
