"""Exercise checks for notebook 05, "Learning: loss functions and backpropagation".

Each check prints one line: ⏳ (not done yet), ✅ (correct) or ❌ with what is off.

Examples
--------
>>> from dlbasics.exercises import ch05
>>> ch05.check_neuron_gradient(...)
⏳ neuron gradient: not done yet — replace the ... with your answer.
>>> X, W, dZ = ch05.dense_backward_data()
>>> ch05.check_dense_backward(X.T @ dZ, dZ.sum(axis=0), dZ @ W.T)
✅ dW: correct.
✅ db: correct.
✅ dX: correct.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from dlbasics.exercises._common import check_array, check_number, correct, is_blank, not_done, wrong

__all__ = [
    "price_data",
    "check_rmse",
    "NEURON",
    "check_neuron_gradient",
    "dense_backward_data",
    "check_dense_backward",
]

Array = NDArray[np.float64]

# exercise 1: predicted and true house prices, in thousands
_PRICE_PRED = np.array([310.0, 255.0, 410.0, 198.0, 520.0])
_PRICE_TRUE = np.array([300.0, 270.0, 400.0, 210.0, 490.0])

#: exercise 2: one sigmoid neuron with squared error, L = (sigmoid(w x + b) - y)^2
NEURON = {"x": 2.0, "w": -0.5, "b": 0.5, "y": 0.0}


def price_data() -> tuple[Array, Array]:
    """Exercise 1: predicted and true prices (thousands), two arrays of shape (5,), fresh copies."""
    return _PRICE_PRED.copy(), _PRICE_TRUE.copy()


def check_rmse(answer: Any) -> None:
    """Exercise 1: the root mean squared error of :func:`price_data`, in thousands.

    ``RMSE = sqrt(mean((pred - true)^2))`` — in the same unit as the prices, which is why it
    is the number to report (the loss to train on is the MSE).
    """
    diff = _PRICE_PRED - _PRICE_TRUE
    mse = float(np.mean(diff**2))
    check_number("RMSE", answer, math.sqrt(mse), what="one number", mistakes=[
        (mse, lambda value: f"{value:.6g} is the MSE (squared thousands); take its square root"),
        (float(np.sum(diff**2)), "that is the sum of squared errors: take the mean, then the square root"),
        (float(np.mean(np.abs(diff))), "that is the mean absolute error: square the errors first"),
    ])


def _neuron_grads() -> tuple[float, float, float]:
    x, w, b, y = NEURON["x"], NEURON["w"], NEURON["b"], NEURON["y"]
    a = 1.0 / (1.0 + math.exp(-(w * x + b)))
    dL_da = 2 * (a - y)
    dL_dz = dL_da * a * (1 - a)
    return dL_dz * x, dL_dz, dL_da


def check_neuron_gradient(answer: Any) -> None:
    """Exercise 2: ``(dL/dw, dL/db)`` for the neuron :data:`NEURON`.

    ``z = w x + b``, ``a = sigmoid(z)``, ``L = (a - y)^2``; by the chain rule
    ``dL/dw = 2 (a - y) · a (1 - a) · x`` and ``dL/db = 2 (a - y) · a (1 - a)``.
    """
    name = "neuron gradient"
    if is_blank(answer):
        not_done(name)
        return
    try:
        got = np.asarray(answer, dtype=np.float64).ravel()
    except (TypeError, ValueError):
        wrong(name, "expected two numbers (dL/dw, dL/db)")
        return
    if got.shape != (2,):
        wrong(name, f"expected two numbers (dL/dw, dL/db), got {got.size}")
        return
    dw, db, dL_da = _neuron_grads()
    x = NEURON["x"]
    if np.allclose(got, [dL_da * x, dL_da], rtol=1e-4):
        wrong(name, "you skipped the sigmoid: multiply by its derivative a (1 - a) as well")
        return
    if np.allclose(got, [-dw, -db], rtol=1e-4):
        wrong(name, "right size, wrong sign: dL/da = 2 (a - y), prediction minus target")
        return
    if np.allclose(got, [db, dw], rtol=1e-4):
        wrong(name, "the two numbers are swapped: give (dL/dw, dL/db)")
        return
    check_array(name, got, np.array([dw, db]), rtol=1e-4)


_RNG_SEED = 5


def dense_backward_data() -> tuple[Array, Array, Array]:
    """Exercise 3: ``X`` (4, 3), ``W`` (3, 2) and the upstream gradient ``dZ`` (4, 2) of a
    Dense layer ``Z = X @ W + b``. Fresh arrays, the same every call."""
    g = np.random.default_rng(_RNG_SEED)
    X = np.round(g.normal(size=(4, 3)), 1)
    W = np.round(g.normal(size=(3, 2)), 1)
    dZ = np.round(g.normal(size=(4, 2)), 1)
    return X, W, dZ


def check_dense_backward(dW: Any, db: Any, dX: Any) -> None:
    """Exercise 3: the backward pass of a Dense layer for :func:`dense_backward_data`.

    ``dW = X.T @ dZ`` (W's shape), ``db = dZ.sum(axis=0)`` (b's shape), ``dX = dZ @ W.T``
    (X's shape).
    """
    X, W, dZ = dense_backward_data()
    if all(is_blank(a) for a in (dW, db, dX)):
        not_done("dense backward")
        return
    hints = {
        "dW": (dW, X.T @ dZ, W.shape, "X.T @ dZ"),
        "db": (db, dZ.sum(axis=0), (W.shape[1],), "dZ.sum(axis=0)"),
        "dX": (dX, dZ @ W.T, X.shape, "dZ @ W.T"),
    }
    for name, (got, expected, shape, formula) in hints.items():
        if is_blank(got):
            not_done(name)
            continue
        a = np.asarray(got)
        if a.shape != shape:
            extra = " (it must have the shape of what it is the gradient of)"
            if a.shape == shape[::-1] and len(shape) == 2:
                extra = " — transposed; the gradient of an array has that array's shape"
            wrong(name, f"expected shape {shape}, got {a.shape}{extra}; try {formula}")
            continue
        if name == "db" and np.allclose(a, dZ.mean(axis=0)):
            wrong(name, "that is the mean over the batch; the bias gets the sum, dZ.sum(axis=0)")
            continue
        if np.allclose(a, expected):
            correct(name)
        else:
            check_array(name, a, expected)
