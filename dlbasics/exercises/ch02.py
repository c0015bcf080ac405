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

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from dlbasics._typing import FloatArray as Array
from dlbasics.activations import relu, relu_grad, sigmoid, sigmoid_grad, step
from dlbasics.exercises._build import run, use
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
from dlbasics.exercises._quiz import Choice, ask, questions

__all__ = ["EXERCISE_X", "EXERCISE_W", "EXERCISE_B", "SLOPE_AT", "batch_data", "check_weighted_sum",
           "check_batch_outputs", "check_sigmoid_slope", "check_and_gate", "check_weighted_sums",
           "check_sigmoid", "check_sigmoid_grad", "check_relu", "check_relu_grad", "check_question",
           "use", "hint"]


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
        ``"batch_outputs"``, ``"sigmoid_slope"``, ``"and_gate"``, the functions of one's own
        ``"weighted_sums"``, ``"sigmoid"``, ``"sigmoid_grad"``, ``"relu"``, ``"relu_grad"``, or
        ``"question"`` (the self-check questions).
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



# -- build it yourself: the weighted sum and two activations, as functions ---------------------------

#: the inputs the activation checks try: far out on both sides (stability) and around 0
_Z_WIDE = np.array([-1000.0, -30.0, -5.0, -1.0, -0.25, 0.0, 0.25, 1.0, 5.0, 30.0, 1000.0])
#: a batch: an activation works entry by entry and keeps the shape
_Z_BATCH = np.array([[-2.0, 0.5, 3.0], [4.0, -0.1, -6.0]])


def _sums_problems() -> list[tuple[Array, Array, float]]:
    """Two batches (X, w, b): exercise 2's and a second one of another size, in float32."""
    rng = np.random.default_rng(7)
    X2 = rng.normal(size=(7, 5)).astype(np.float32)
    w2 = rng.normal(size=5).astype(np.float32)
    return [(_BATCH_X.copy(), np.array(EXERCISE_W), EXERCISE_B), (X2, w2, -0.75)]


@hints("One sample is one row of X; its weighted sum is that row times w, added up, plus b. The @ "
       "operator does that for every row at once.",
       "X has shape (N, n) and w shape (n,): X @ w has shape (N,), one number per sample. Add b to it "
       "(broadcasting adds the one number to every entry).")
def check_weighted_sums(fn: Any) -> None:
    """Build it yourself: ``weighted_sums(X, w, b)`` → ``X @ w + b``, one number per sample.

    ``fn`` is called on two batches of different sizes (one in float32) and must return shape
    ``(N,)``; the usual slips are named (a forgotten or subtracted bias, ``X * w`` without the
    sum, a sum over the wrong axis, one number for the whole batch).
    """
    name = "weighted_sums"
    for X, w, b in _sums_problems():
        ok, out = run(name, fn, X.copy(), w.copy(), b)
        if not ok:
            return
        try:
            got = np.asarray(out, dtype=np.float64)
        except (TypeError, ValueError):
            wrong(name, f"expected an array of numbers, got {type(out).__name__}")
            return
        N, n = X.shape
        if got.shape != (N,):
            if got.shape == X.shape:
                why = "X * w multiplies entry by entry; each row's products still have to be added up: X @ w"
            elif got.shape == (n,):
                why = "you summed over the samples (axis 0); a weighted sum adds up one row, over the inputs"
            elif got.ndim == 0:
                why = "one number for the whole batch: keep one weighted sum per sample (row)"
            elif got.shape in ((N, 1), (1, N)):
                why = "w is a vector, so X @ w + b is already one-dimensional"
            else:
                why = "X @ w has one entry per row of X"
            wrong(name, f"for X of shape {X.shape} expected shape ({N},), one number per sample, got "
                        f"{got.shape}: {why}")
            return
        if not np.all(np.isfinite(got)):
            wrong(name, "the result contains NaN or inf")
            return
        Xd, wd = X.astype(np.float64), w.astype(np.float64)
        expected = Xd @ wd + b  # (N,)
        if np.allclose(got, expected, rtol=1e-5, atol=1e-6):
            continue
        slips = [(Xd @ wd, "the bias is missing: add b to every weighted sum"),
                 (Xd @ wd - b, "the bias is added, not subtracted"),
                 ((Xd @ wd) * b, "the bias is added to the weighted sum, not multiplied with it"),
                 (Xd.sum(axis=1) + b, "the inputs are added up without their weights")]
        for value, why in slips:
            if np.allclose(got, value, rtol=1e-5, atol=1e-6):
                wrong(name, why)
                return
        check_array(name, got, expected, rtol=1e-5, atol=1e-6,
                    pointer="sample i is row i of X: its weighted sum is X[i] @ w + b")
        return
    correct(name, "One product for the whole batch, whatever its size.")


def _call_quietly(name: str, fn: Any, z: Array) -> tuple[bool, Any, bool]:
    """``run(name, fn, z)``, also reporting whether NumPy warned of an overflow or an invalid value."""
    with warnings.catch_warnings(record=True) as caught, \
            np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"):
        warnings.simplefilter("always")
        ok, out = run(name, fn, z)
    warned = any(issubclass(w.category, RuntimeWarning) for w in caught)
    return ok, out, warned


Slips = list[tuple[Callable[..., Any], str]]


def _elementwise(name: str, fn: Any, slips: Slips,
                 reference: Callable[[Array], Any], far: str) -> Array | None:
    """The checks every activation (or derivative) of one's own shares: shape and dtype kept,
    the input left alone, no overflow at z = ±1000, no NaN, the known ``slips``, then the values.
    Returns the output on :data:`_Z_WIDE` if all passed (nothing printed), else ``None``."""
    z32 = _Z_BATCH.astype(np.float32)
    z_in = z32.copy()
    ok, out, _ = _call_quietly(name, fn, z_in)
    if not ok:
        return None
    try:
        got = np.asarray(out)
        got64 = got.astype(np.float64)
    except (TypeError, ValueError):
        wrong(name, f"expected an array of numbers, got {type(out).__name__}")
        return None
    if got.shape != z32.shape:
        why = (": np.max reduces the whole array to one number; np.maximum compares entry by entry"
               if got.ndim == 0 else "")
        wrong(name, f"it works entry by entry, so a z of shape {z32.shape} gives an output of the same "
                    f"shape; got {got.shape}{why}")
        return None
    if not np.array_equal(z_in, z32):
        wrong(name, "it changed the z it was given (in place): compute a new array and leave z as it was "
                    "— the network still needs z afterwards")
        return None
    for slip, why in slips:
        with np.errstate(all="ignore"):
            value = np.asarray(slip(_Z_BATCH), dtype=np.float64)
        if np.allclose(got64, value, rtol=1e-5, atol=1e-6):
            wrong(name, why)
            return None
    expected = np.asarray(reference(_Z_BATCH), dtype=np.float64)
    if not np.allclose(got64, expected, rtol=1e-5, atol=1e-6):
        nonzero = np.abs(expected) > 1e-6
        ratio = got64[nonzero] / expected[nonzero]
        if ratio.size > 1 and np.allclose(ratio, ratio[0], rtol=1e-4) and np.all(got64[~nonzero] == 0):
            wrong(name, "every entry is off by the same factor: a constant is missing or extra")
        else:
            check_array(name, got64, expected, rtol=1e-5, atol=1e-6)
        return None
    if got.dtype != np.float32:
        wrong(name, f"the values are right, but a float32 z comes back as {got.dtype}: networks compute "
                    "in float32, so keep z's dtype (np.exp, np.maximum and np.where do, unless a float64 "
                    "array gets mixed in)")
        return None
    ok, out, warned = _call_quietly(name, fn, _Z_WIDE.copy())
    if not ok:
        return None
    wide = np.asarray(out, dtype=np.float64)
    if wide.shape != _Z_WIDE.shape:
        wrong(name, f"for z of shape {_Z_WIDE.shape} it returned shape {wide.shape}")
        return None
    bad = ~np.isfinite(wide)
    if bad.any():
        at = ", ".join(f"{v:g}" for v in _Z_WIDE[bad])
        wrong(name, f"NaN or inf for z = {at}: {far}")
        return None
    if warned:
        wrong(name, f"the values are fine, but NumPy warned of an overflow (or 0 / 0) on the way for "
                    f"z = ±1000: {far}")
        return None
    return wide


_EXP_FAR = ("np.exp(1000) is beyond what a float holds. Never take exp of a large positive number: with "
            "e = np.exp(-np.abs(z)), which stays between 0 and 1, σ(z) is 1 / (1 + e) for z ≥ 0 and "
            "e / (1 + e) for z < 0")


@hints("σ(z) = 1 / (1 + e^(−z)) with np.exp works entry by entry for an array z. Try it at z = 0 "
       "(one half) first.",
       "For z = −1000, e^(−z) = e^1000 overflows (NumPy warns). Compute e = np.exp(-np.abs(z)) "
       "instead — it is never larger than 1 — and write σ with it.",
       "For z ≥ 0, σ(z) = 1 / (1 + e); for z < 0, σ(z) = e / (1 + e) (multiply the top and the bottom "
       "by e^z). np.where(z >= 0, …, …) picks the one for each entry.")
def check_sigmoid(fn: Any) -> None:
    """Build it yourself: ``sigmoid(z)``, entry by entry, stable from z = −1000 to 1000.

    Checked on a float32 batch (shape and dtype kept, ``z`` left unchanged) and on
    ``z = −1000 … 1000``: no NaN, no overflow warning, the limits 0 and 1.
    """
    name = "sigmoid"
    slips: Slips = [
        (lambda z: 1 / (1 + np.exp(z)), "a sign slip: σ(z) = 1 / (1 + e^(−z)) rises with z (large z gives "
                                        "nearly 1)"),
        (np.tanh, "that is tanh, with the range (−1, 1); the sigmoid's range is (0, 1)"),
        (lambda z: sigmoid(z) * (1 - sigmoid(z)), "that is the sigmoid's slope σ(z)(1 − σ(z)), not σ(z)"),
        (lambda z: 1 / np.exp(-z), "the 1 + is missing in the denominator: 1 / (1 + e^(−z))"),
        (lambda z: 1 / (1 - np.exp(-z)), "1 + e^(−z) in the denominator, with a plus"),
        (step, "these are 0s and 1s, a step; the sigmoid is smooth"),
    ]
    wide = _elementwise(name, fn, slips, sigmoid, _EXP_FAR)
    if wide is None:
        return
    expected = sigmoid(_Z_WIDE)
    if not (np.all(wide >= 0) and np.all(wide <= 1)):
        wrong(name, "for some z far from 0 it leaves the range [0, 1]: check the branch for large |z|")
    elif not (np.isclose(wide[-1], 1.0) and abs(wide[0]) < 1e-12):
        wrong(name, "its limits are off: σ(1000) must be 1 and σ(−1000) must be 0 (up to rounding)")
    elif not np.allclose(wide, expected, rtol=1e-6, atol=1e-12):
        check_array(name, wide, expected, rtol=1e-6, atol=1e-12, labels=[f"z = {v:g}" for v in _Z_WIDE])
    else:
        correct(name, "Stable at z = ±1000, with no warning, and it keeps the shape and the float32 dtype.")


@hints("The sigmoid's slope is σ′(z) = σ(z) (1 − σ(z)): compute s = sigmoid(z) first (your own, or "
       "dl.sigmoid), then the product.",
       "Written that way it is stable wherever the sigmoid is: far out, s is 0 or 1 and the product is "
       "0. The formula e^(−z) / (1 + e^(−z))² overflows at z = −1000.")
def check_sigmoid_grad(fn: Any) -> None:
    """Build it yourself: ``sigmoid_grad(z)`` = σ(z)(1 − σ(z)), entry by entry, stable at z = ±1000."""
    name = "sigmoid_grad"
    slips: Slips = [
        (sigmoid, "that is σ(z) itself; its slope is σ(z) (1 − σ(z))"),
        (lambda z: sigmoid(z) * (1 + sigmoid(z)), "σ (1 + σ): the slope is σ (1 − σ), with a minus"),
        (lambda z: z * (1 - z), "z (1 − z) puts z itself into the formula; use s = σ(z): s (1 − s)"),
        (lambda z: 1 - sigmoid(z), "that is 1 − σ(z) alone; the slope multiplies it by σ(z)"),
        (lambda z: sigmoid(z) ** 2, "σ² is not the slope; it is σ (1 − σ)"),
        (lambda z: np.full_like(z, 0.25), "the same number everywhere: the slope depends on z (it is "
                                          "steepest at 0 and flattens out on both sides)"),
    ]
    wide = _elementwise(name, fn, slips, sigmoid_grad, "write it as s (1 − s) with a stable s = σ(z)")
    if wide is None:
        return
    expected = sigmoid_grad(_Z_WIDE)
    if not np.allclose(wide, wide[::-1], rtol=1e-6, atol=1e-12):
        wrong(name, "it is not symmetric: the sigmoid's slope is the same at z and −z")
    elif not (abs(wide[0]) < 1e-12 and abs(wide[-1]) < 1e-12):
        wrong(name, "far out (z = ±1000) the sigmoid is flat, so its slope must be 0 there")
    elif not np.allclose(wide, expected, rtol=1e-6, atol=1e-12):
        check_array(name, wide, expected, rtol=1e-6, atol=1e-12, labels=[f"z = {v:g}" for v in _Z_WIDE])
    else:
        correct(name, "Symmetric, peaked at z = 0 and flat far out: the saturation of section 3.")


@hints("ReLU keeps a positive z and replaces a negative one by 0: max(0, z), entry by entry.",
       "np.maximum(z, 0) compares every entry with 0 (np.max(z) would give the single largest entry of "
       "the whole array instead).")
def check_relu(fn: Any) -> None:
    """Build it yourself: ``relu(z)`` = max(0, z), entry by entry (shape and dtype kept)."""
    name = "relu"
    slips: Slips = [
        (lambda z: np.minimum(z, 0), "that keeps the negative part: ReLU keeps the positive one, max(0, z)"),
        (np.abs, "|z| turns negatives positive; ReLU sets them to 0"),
        (lambda z: (z > 0).astype(float), "0s and 1s: that is ReLU's derivative (its slope), not ReLU"),
        (lambda z: np.maximum(z, 0) + 0.01 * np.minimum(z, 0),
         "that is leaky ReLU: plain ReLU gives exactly 0 for z < 0"),
    ]
    wide = _elementwise(name, fn, slips, relu, "max(0, z) needs no exp")
    if wide is None:
        return
    if not np.allclose(wide, relu(_Z_WIDE)):
        check_array(name, wide, relu(_Z_WIDE), labels=[f"z = {v:g}" for v in _Z_WIDE])
    else:
        correct(name, "One comparison per entry: the cheapest activation there is.")


@hints("ReLU is flat (slope 0) for z < 0 and the line z (slope 1) for z > 0.",
       "(z > 0) is an array of True/False; .astype(z.dtype) turns it into 1s and 0s of z's dtype. At "
       "exactly z = 0 either 0 or 1 is accepted (the library uses 0).")
def check_relu_grad(fn: Any) -> None:
    """Build it yourself: ``relu_grad(z)``: 1 where z > 0, 0 where z < 0 (either at z = 0)."""
    name = "relu_grad"

    def reference_like(z: Array) -> Array:
        return relu_grad(z)  # 0 at z = 0; 1 there is accepted too (see below)

    slips: Slips = [
        (relu, "that is ReLU itself, max(0, z); its slope is 1 for z > 0 and 0 for z < 0"),
        (np.sign, "−1 for negative z: ReLU is flat there, so its slope is 0, not −1"),
        (np.ones_like, "1 everywhere: for z < 0 ReLU is flat (a dead unit gets no signal)"),
        (lambda z: (z < 0).astype(float), "1 for negative z and 0 for positive: the other way round"),
    ]
    if not is_blank(fn) and callable(fn):
        try:
            at0 = np.asarray(fn(np.zeros(3, dtype=np.float32)), dtype=np.float64)
        except Exception:  # run() below reports it
            at0 = np.zeros(0)
        if at0.shape == (3,) and np.all(at0 == 1):  # the other convention at z = 0: accepted
            def reference_like(z: Array) -> Array:
                return (z >= 0).astype(z.dtype)
    wide = _elementwise(name, fn, slips, reference_like, "a comparison needs no exp")
    if wide is None:
        return
    if not np.allclose(wide, reference_like(_Z_WIDE)):
        check_array(name, wide, reference_like(_Z_WIDE), labels=[f"z = {v:g}" for v in _Z_WIDE])
    else:
        correct(name, "1 where the unit is active, 0 where it is not: the gradient's on/off switch.")


# -- self-check questions ------------------------------------------------------------------------------

QUESTIONS = questions(
    __name__,
    sigmoid_range=Choice(
        "b",
        a="(−1, 1) is tanh's range; the sigmoid is never negative",
        b="σ(z) = 1 / (1 + e^(−z)) lies strictly between 0 and 1, which is why it reads as a probability",
        c="[0, ∞) is ReLU's range; the sigmoid never exceeds 1",
        d="{0, 1} are the step's only two values; the sigmoid passes smoothly through everything between",
    ),
    bias=Choice(
        "c",
        a="turning the line is what the weights do: the bias does not appear in the line's direction",
        b="the steepness of the edge grows when all weights and the bias are scaled together; the bias "
          "alone does not change it",
        c="the line is x · w + b = 0: changing b moves it parallel to itself, the threshold −b slides",
        d="the step compares x · w + b with 0, so b decides where it switches",
    ),
    batch_shape=Choice(
        "b",
        a="(5,) is the shape of w: one weight per feature, not one output per sample",
        b="(32, 5) @ (5,) gives one weighted sum per row: 32 samples, shape (32,)",
        c="(32, 5) is X itself; @ adds each row's products up",
        d="(5, 32) would be X transposed; nothing here transposes",
    ),
    dead_relu=Choice(
        "a",
        a="its output is 0 and its slope is 0 for every input, so no training signal can bring it back",
        b="a ReLU never outputs negative values: max(0, z) is at least 0",
        c="a ReLU's output is not capped at 1; and a negative z gives 0, not 1",
        d="nothing makes a ReLU leaky: leaky ReLU is a different activation, chosen on purpose",
    ),
)


@hints("Each question is answered from one section of the notebook: the activation table, the bias "
       "section, the batch section, the trade-offs.",
       "Read the feedback on a wrong letter: it says what that option overlooks.")
def check_question(name: Any, answer: Any) -> None:
    """Self-check question ``name`` ("sigmoid_range", "bias", "batch_shape", "dead_relu")."""
    ask(QUESTIONS, name, answer)
