"""Exercise checks for notebook 04, "Multi-layer perceptron".

Each check prints one line: ⏳ (not done yet), ✅ (correct) or ❌ with what is off.

Examples
--------
>>> from dlbasics.exercises import ch04
>>> ch04.check_n_params(123)
✅ parameter count: correct.
>>> ch04.check_n_params(...)
⏳ parameter count: not done yet — replace the ... with your answer.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from dlbasics.exercises._common import as_array, check_array, check_number, correct, is_blank, not_done, wrong

__all__ = ["PARAMS_SIZES", "check_n_params", "forward_problem", "check_forward", "check_xor_network",
           "HE_N_IN", "check_he_std"]

Array = NDArray[np.float64]

#: exercise 1: count the parameters of ``dl.mlp([2, 8, 8, 3])``
PARAMS_SIZES = (2, 8, 8, 3)
#: exercise 4: the fan-in of the layer whose He standard deviation is asked for (an MNIST image)
HE_N_IN = 784

_X = np.array([[1.0, 2.0], [-1.0, 0.5]])  # (2 samples, 2 features)
_W1 = np.array([[0.5, -1.0, 0.25], [0.5, 0.5, -0.5]])  # (2, 3)
_B1 = np.array([0.0, 0.5, 0.25])  # (3,)
_W2 = np.array([[1.0], [-2.0], [0.5]])  # (3, 1)
_B2 = np.array([-0.5])  # (1,)


def check_n_params(answer: Any) -> None:
    """Exercise 1: the number of trainable numbers in ``dl.mlp([2, 8, 8, 3])``.

    A Dense layer ``n_in → n_out`` has ``n_in · n_out`` weights and ``n_out`` biases.
    """
    sizes = PARAMS_SIZES
    pairs = list(zip(sizes[:-1], sizes[1:], strict=True))
    expected = sum(a * b + b for a, b in pairs)  # 24 + 72 + 27 = 123
    weights = sum(a * b for a, b in pairs)
    check_number("parameter count", answer, expected, rtol=0, atol=0.5, what="a whole number", mistakes=[
        (lambda value: value == weights,
         lambda value: f"{value:.0f} counts the weights only: every unit also has a bias"),
        (lambda value: value == sum(sizes),
         lambda value: f"{value:.0f} counts the units; count the arrows (weights) and biases"),
    ])


def forward_problem() -> tuple[Array, Array, Array, Array, Array]:
    """The data of exercise 2: ``X (2, 2), W1 (2, 3), b1 (3,), W2 (3, 1), b2 (1,)``.

    Fresh copies each call, so editing them does not change the check.
    """
    return _X.copy(), _W1.copy(), _B1.copy(), _W2.copy(), _B2.copy()


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
    A1 = np.maximum(X @ W1 + b1, 0)  # (2, 3)
    expected = 1 / (1 + np.exp(-(A1 @ W2 + b2)))  # (2, 1)
    no_relu = 1 / (1 + np.exp(-((X @ W1 + b1) @ W2 + b2)))
    if a.shape == expected.shape and np.allclose(a, no_relu) and not np.allclose(a, expected):
        wrong(name, "this is the output without the ReLU: apply np.maximum(Z1, 0) to the hidden layer")
        return
    if a.shape == expected.shape and np.allclose(a, A1 @ W2 + b2):
        wrong(name, "this is the output layer's weighted sum; pass it through the sigmoid")
        return
    if a.shape == (2,):
        wrong(name, "expected shape (2, 1) — one row per sample, one column per output unit — "
                    "got (2,); keep the matrix shape (A1 @ W2 + b2 is already (2, 1))")
        return
    check_array(name, a, expected)


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
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0])
    H = (X @ W1 + b1 > 0).astype(np.float64)  # (4, h): which hidden units fire
    pred = (H @ W2 + b2 > 0).astype(int)[:, 0]
    if np.array_equal(pred, y):
        correct(name, "Each hidden unit draws one line; the output unit combines the two half-planes.")
        return
    i = int(np.flatnonzero(pred != y)[0])
    wrong(name, f"for input {X[i].astype(int).tolist()} the network gives {pred[i]}, expected {y[i]} "
                f"(hidden units firing: {H[i].astype(int).tolist()}). Hint: let one unit compute OR, "
                "another AND, and the output 'OR and not AND'")


def check_he_std(answer: Any) -> None:
    """Exercise 4: the standard deviation of He initialisation for a layer with 784 inputs.

    He draws ``W ~ N(0, 2 / n_in)``, so the standard deviation is ``sqrt(2 / n_in)``.
    """
    expected = float(np.sqrt(2.0 / HE_N_IN))
    check_number("He standard deviation", answer, expected, rtol=1e-3, mistakes=[
        (2.0 / HE_N_IN,
         lambda value: f"{value:.4g} is the variance 2 / n_in; the standard deviation is its square root"),
        (float(np.sqrt(1.0 / HE_N_IN)),
         lambda value: f"{value:.4g} is sqrt(1 / n_in); He doubles the variance for ReLU: sqrt(2 / n_in)"),
    ])
