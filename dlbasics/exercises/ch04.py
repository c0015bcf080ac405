"""Exercise checks for notebook 04, "Multi-layer perceptron".

Each check prints one line: ⏳ (not done yet), ✅ (correct) or ❌ with what is off — a diagnosis,
never the right answer. Stuck? ``ch04.hint("n_params")`` prints a hint for the exercise that
``ch04.check_n_params`` checks; call it again for the next one.

Examples
--------
>>> from dlbasics.exercises import ch04
>>> ch04.check_n_params(123)
✅ parameter count: correct.
>>> ch04.check_n_params(...)
⏳ parameter count: not done yet — replace the ... with your answer.
>>> ch04.check_n_params(0)
❌ parameter count: not yet — far too small: for each Dense layer count n_in × n_out weights and
n_out biases, then add up the layers
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlbasics._typing import FloatArray as Array
from dlbasics.exercises._common import (
    as_array,
    check_array,
    check_number,
    check_param_count,
    correct,
    hints,
    is_blank,
    not_done,
    show_hint,
    wrong,
)

__all__ = ["PARAMS_SIZES", "check_n_params", "forward_problem", "check_forward", "check_xor_network",
           "HE_N_IN", "check_he_std", "hint"]


#: exercise 1: count the parameters of ``dl.mlp([2, 8, 8, 3])``
PARAMS_SIZES = (2, 8, 8, 3)
#: exercise 4: the fan-in of the layer whose He standard deviation is asked for (an MNIST image)
HE_N_IN = 784

_X = np.array([[1.0, 2.0], [-1.0, 0.5]])  # (2 samples, 2 features)
_W1 = np.array([[0.5, -1.0, 0.25], [0.5, 0.5, -0.5]])  # (2, 3)
_B1 = np.array([0.0, 0.5, 0.25])  # (3,)
_W2 = np.array([[1.0], [-2.0], [0.5]])  # (3, 1)
_B2 = np.array([-0.5])  # (1,)


def hint(exercise: str | None = None, level: int | None = None) -> None:
    """Print the next hint for an exercise of notebook 04 (without one: list the exercises).

    Parameters
    ----------
    exercise : str, optional
        The exercise, named as its check without ``check_``: ``"n_params"``, ``"forward"``,
        ``"xor_network"`` or ``"he_std"``.
    level : int, optional
        Print this hint (1 is the first) again instead of the next one.

    Examples
    --------
    >>> from dlbasics.exercises import ch04
    >>> ch04.hint("he_std", level=1)  # doctest: +ELLIPSIS
    💡 hint 1 of 2 for check_he_std: ...
    """
    show_hint(__name__, exercise, level)


@hints("Each Dense layer n_in → n_out connects every input to every unit of the layer: n_in × n_out "
       "weights.",
       "Each unit a layer computes also has one bias: n_out biases per layer. The input layer computes "
       "nothing, so it has none.",
       "The widths [2, 8, 8, 3] make three Dense layers: 2 → 8, 8 → 8 and 8 → 3. Count each layer's "
       "weights and biases, then add the three counts.")
def check_n_params(answer: Any) -> None:
    """Exercise 1: the number of trainable numbers in ``dl.mlp([2, 8, 8, 3])``.

    A Dense layer ``n_in → n_out`` has ``n_in · n_out`` weights and ``n_out`` biases
    (the same check as :func:`dlbasics.exercises.ch07.check_n_params`).
    """
    check_param_count("parameter count", answer, PARAMS_SIZES)


def forward_problem() -> tuple[Array, Array, Array, Array, Array]:
    """The data of exercise 2: ``X (2, 2), W1 (2, 3), b1 (3,), W2 (3, 1), b2 (1,)``.

    Fresh copies each call, so editing them does not change the check.
    """
    return _X.copy(), _W1.copy(), _B1.copy(), _W2.copy(), _B2.copy()


@hints("Work layer by layer and keep one row per sample: Z1 = X @ W1 + b1 has shape (2, 3).",
       "The hidden layer applies the ReLU, A1 = np.maximum(Z1, 0). The output layer computes "
       "A1 @ W2 + b2, shape (2, 1), and applies the sigmoid 1 / (1 + np.exp(-z)).")
def check_forward(answer: Any) -> None:
    """Exercise 2: the output of the 2 → 3 (ReLU) → 1 (sigmoid) network of :func:`forward_problem`.

    ``A1 = relu(X @ W1 + b1)`` has shape ``(2, 3)``; the output ``sigmoid(A1 @ W2 + b2)`` has
    shape ``(2, 1)``: one row per sample.
    """
    name = "forward pass"
    a = as_array(name, answer, "an array of shape (2, 1)")
    if a is None:
        return
    X, W1, b1, W2, b2 = forward_problem()
    Z1 = X @ W1 + b1  # (2, 3)
    A1 = np.maximum(Z1, 0)  # (2, 3)
    Z2 = A1 @ W2 + b2  # (2, 1)
    expected = _sigmoid(Z2)  # (2, 1)
    if a.shape == (2,):
        wrong(name, "expected shape (2, 1) — one row per sample, one column per output unit — "
                    "got (2,); keep the matrix shape (A1 @ W2 + b2 is already (2, 1))")
        return
    if a.shape == Z1.shape:
        wrong(name, "that has the hidden layer's shape (2, 3): carry on through W2, b2 and the sigmoid")
        return
    if a.shape == expected.shape and np.all(np.isfinite(a)) and not np.allclose(a, expected):
        slips = [
            (_sigmoid(Z1 @ W2 + b2), "this is the output without the ReLU: apply np.maximum(Z1, 0) to the "
                                     "hidden layer"),
            (Z2, "this is the output layer's weighted sum; pass it through the sigmoid"),
            (_sigmoid(np.maximum(X @ W1, 0) @ W2 + b2), "the hidden layer's bias b1 is missing"),
            (_sigmoid(A1 @ W2), "the output layer's bias b2 is missing"),
            (_sigmoid(-Z2), "a sign slip in the sigmoid: it is 1 / (1 + exp(−z))"),
            (np.maximum(Z2, 0), "the output layer uses the sigmoid, not the ReLU"),
            (_sigmoid(_sigmoid(Z1) @ W2 + b2), "the hidden layer uses the ReLU, not the sigmoid"),
            (np.ones_like(Z2), "every output is 1: a softmax over a single output unit always gives 1; "
                               "this output uses the sigmoid"),
        ]
        for value, why in slips:
            if np.allclose(a, value):
                wrong(name, why)
                return
    check_array(name, a, expected,
                pointer="row i is sample i, through relu(· @ W1 + b1), then sigmoid(· @ W2 + b2)")


def _sigmoid(z: Array) -> Array:
    return np.asarray(1 / (1 + np.exp(-z)), dtype=np.float64)


@hints("No single line separates XOR's 1s from its 0s, but two lines can: each hidden step unit draws "
       "one line and fires on one side of it.",
       "Let one hidden unit compute OR (it fires when at least one input is 1) and the other AND (it "
       "fires only when both are).",
       "XOR is 'OR and not AND': the output unit fires when the OR unit fires and the AND unit does "
       "not, so give the AND unit a strong negative weight.")
def check_xor_network(answer: Any) -> None:
    """Exercise 3: weights ``(W1, b1, W2, b2)`` of a step-activation network computing XOR.

    The network is ``ŷ = step(step(X @ W1 + b1) @ W2 + b2)`` with ``step(z) = 1 if z > 0``;
    on the four inputs (0, 0), (0, 1), (1, 0), (1, 1) it must give 0, 1, 1, 0.
    ``W1`` is ``(2, h)`` for any number of hidden units ``h`` (two suffice), ``b1`` is
    ``(h,)``, ``W2`` is ``(h, 1)`` and ``b2`` is ``(1,)``.
    """
    name = "XOR network"
    if is_blank(answer):
        not_done(name)
        return
    if not isinstance(answer, (tuple, list)) or len(answer) != 4:
        wrong(name, "expected a tuple of four arrays (W1, b1, W2, b2)")
        return
    try:
        W1, b1, W2, b2 = (np.asarray(a, dtype=np.float64) for a in answer)
    except (TypeError, ValueError):
        wrong(name, "expected four arrays of numbers (W1, b1, W2, b2)")
        return
    if W1.ndim != 2 or W1.shape[0] != 2:
        wrong(name, f"W1 must have shape (2, h): 2 inputs, h hidden units; got {W1.shape}")
        return
    h = W1.shape[1]
    for label, arr, shape in (("b1", b1, (h,)), ("W2", W2, (h, 1)), ("b2", b2, (1,))):
        if arr.shape != shape:
            wrong(name, f"{label} must have shape {shape} for {h} hidden unit(s), got {arr.shape}")
            return
    if not all(np.all(np.isfinite(arr)) for arr in (W1, b1, W2, b2)):
        wrong(name, "the weights or biases contain NaN or inf")
        return
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0])
    H = (X @ W1 + b1 > 0).astype(np.float64)  # (4, h): which hidden units fire
    pred = (H @ W2 + b2 > 0).astype(int)[:, 0]
    if np.array_equal(pred, y):
        correct(name, "Each hidden unit draws one line; the output unit combines the two half-planes.")
        return
    if (H == H[0]).all():
        wrong(name, "the hidden units fire the same way for all four inputs, so the output unit cannot "
                    "tell them apart: give each hidden unit a line (weights and bias) that splits the "
                    "corners")
        return
    i = int(np.flatnonzero(pred != y)[0])
    wrong(name, f"for input {X[i].astype(int).tolist()} the network gives {pred[i]}, XOR gives {y[i]} "
                f"(hidden units firing: {H[i].astype(int).tolist()}): each hidden unit draws one line, "
                "the output unit combines which side of each line the input is on")


@hints("He initialisation draws each weight from a normal distribution with mean 0 and variance "
       "2 / n_in, where n_in is the number of inputs of the layer.",
       "The standard deviation is the square root of the variance (np.sqrt).")
def check_he_std(answer: Any) -> None:
    """Exercise 4: the standard deviation of He initialisation for a layer with 784 inputs.

    He draws ``W ~ N(0, 2 / n_in)``, so the standard deviation is ``sqrt(2 / n_in)``.
    """
    n = HE_N_IN
    check_number("He standard deviation", answer, float(np.sqrt(2.0 / n)), rtol=1e-3, mistakes=[
        (2.0 / n, "that is the variance 2 / n_in; the standard deviation is its square root"),
        (float(np.sqrt(1.0 / n)), "that is sqrt(1 / n_in); He doubles the variance for ReLU: sqrt(2 / n_in)"),
        (1.0 / n, "1 / n_in is a variance (LeCun's); He's variance is 2 / n_in, and the standard deviation "
                  "is the square root of the variance"),
        (2.0 / np.sqrt(n), "the 2 belongs under the square root too"),
        (float(np.sqrt(2.0) / n), "n_in belongs under the square root too"),
        (float(np.sqrt(2.0 * n)), "n_in divides: the variance is 2 / n_in"),
        (float(np.sqrt(6.0 / n)), "sqrt(6 / n_in) is the limit a of He's uniform version U(−a, a); the "
                                  "normal version has variance 2 / n_in"),
        (lambda value: value <= 0, "a standard deviation is never zero or negative"),
    ], pointer="He's variance is 2 / n_in, and the standard deviation is the square root of the variance")
