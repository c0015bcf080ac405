"""Exercise checks for notebook 05, "Learning: loss functions and backpropagation".

Each check prints one line per part: ⏳ (not done yet), ✅ (correct) or ❌ with what is off — a
diagnosis, never the right answer. Stuck? ``ch05.hint("rmse")`` prints a hint for the exercise that
``ch05.check_rmse`` checks; call it again for the next one.

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
>>> ch05.check_dense_backward(X.T @ dZ, dZ.mean(axis=0), dZ @ W.T)
✅ dW: correct.
❌ db: not yet — that is the mean over the batch; the bias gets the sum over the batch (axis 0)
✅ dX: correct.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from dlbasics._typing import FloatArray as Array
from dlbasics.exercises._common import check_array, check_number, hints, is_blank, not_done, show_hint, wrong

__all__ = [
    "price_data",
    "check_rmse",
    "NEURON",
    "check_neuron_gradient",
    "dense_backward_data",
    "check_dense_backward",
    "hint",
]


# exercise 1: predicted and true house prices, in thousands
_PRICE_PRED = np.array([310.0, 255.0, 410.0, 198.0, 520.0])
_PRICE_TRUE = np.array([300.0, 270.0, 400.0, 210.0, 490.0])

#: exercise 2: one sigmoid neuron with squared error, L = (sigmoid(w x + b) - y)^2
NEURON = {"x": 2.0, "w": -0.5, "b": 0.5, "y": 0.0}


def hint(exercise: str | None = None, level: int | None = None) -> None:
    """Print the next hint for an exercise of notebook 05 (without one: list the exercises).

    Parameters
    ----------
    exercise : str, optional
        The exercise, named as its check without ``check_``: ``"rmse"``, ``"neuron_gradient"``
        or ``"dense_backward"``.
    level : int, optional
        Print this hint (1 is the first) again instead of the next one.

    Examples
    --------
    >>> from dlbasics.exercises import ch05
    >>> ch05.hint("rmse", level=1)  # doctest: +ELLIPSIS
    💡 hint 1 of 2 for check_rmse: ...
    """
    show_hint(__name__, exercise, level)


def price_data() -> tuple[Array, Array]:
    """Exercise 1: predicted and true prices (thousands), two arrays of shape (5,), fresh copies."""
    return _PRICE_PRED.copy(), _PRICE_TRUE.copy()


@hints("RMSE = sqrt(mean((pred − true)²)): the errors first, then their squares, then the mean of "
       "the squares, then the square root.",
       "With NumPy: subtract the two arrays, square with ** 2, average with .mean(), then np.sqrt.")
def check_rmse(answer: Any) -> None:
    """Exercise 1: the root mean squared error of :func:`price_data`, in thousands.

    ``RMSE = sqrt(mean((pred - true)^2))`` — in the same unit as the prices, which is why it
    is the number to report (the loss to train on is the MSE).
    """
    diff = _PRICE_PRED - _PRICE_TRUE
    n = diff.size
    mse = float(np.mean(diff**2))
    sse = float(np.sum(diff**2))
    rmse = math.sqrt(mse)
    check_number("RMSE", answer, rmse, what="one number", mistakes=[
        (mse, "that is the MSE (in squared thousands); take its square root"),
        (sse, "that is the sum of squared errors: take the mean, then the square root"),
        (math.sqrt(sse), "that is the root of the sum of squared errors: average the squares first"),
        (float(np.mean(np.abs(diff))), "that is the mean absolute error: square the errors first"),
        (float(np.mean(diff)), "that is the mean of the signed errors, where errors of opposite signs "
                               "cancel: square them first"),
        (float(abs(np.mean(diff))), "that is the mean of the signed errors, where errors of opposite signs "
                                    "cancel: square them first"),
        (math.sqrt(sse / (n - 1)), "you divided by N − 1: the mean divides by N, the number of houses"),
        (float(np.std(diff)), "that is the standard deviation of the errors, which subtracts their mean "
                              "first: the RMSE uses the errors as they are"),
        (rmse * 1000, "the prices are in thousands: give the RMSE in thousands too"),
        (lambda value: value < 0, "a root of a mean of squares is never negative"),
    ], pointer="square each error, average the squares over the houses, then take the square root")


def _neuron_grads() -> tuple[float, float, float]:
    x, w, b, y = NEURON["x"], NEURON["w"], NEURON["b"], NEURON["y"]
    a = 1.0 / (1.0 + math.exp(-(w * x + b)))
    dL_da = 2 * (a - y)
    dL_dz = dL_da * a * (1 - a)
    return dL_dz * x, dL_dz, dL_da


@hints("Chain rule: dL/dw = dL/da · da/dz · dz/dw. Run the forward pass first: z = w·x + b, "
       "a = sigmoid(z).",
       "For L = (a − y)², dL/da = 2 (a − y); for the sigmoid, da/dz = a (1 − a); and dz/dw = x, "
       "dz/db = 1.")
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
    x, w, b = NEURON["x"], NEURON["w"], NEURON["b"]
    z = w * x + b
    slips = [
        ([dL_da * x, dL_da], "you skipped the sigmoid: multiply by its derivative a (1 - a) as well"),
        ([-dw, -db], "right size, wrong sign: dL/da = 2 (a - y), prediction minus target"),
        ([db, dw], "the two numbers are swapped: give (dL/dw, dL/db)"),
        ([db, db], "dL/dw needs one more factor than dL/db: ∂z/∂w = x"),
        ([dw / 2, db / 2], "a factor 2 is missing: the derivative of (a − y)² is 2 (a − y)"),
        ([dL_da * z * (1 - z) * x, dL_da * z * (1 - z)],
         "the sigmoid's derivative is a (1 − a) with a = sigmoid(z), not z (1 − z)"),
    ]
    if not np.all(np.isfinite(got)):
        wrong(name, "the gradient contains NaN or inf")
        return
    if not np.allclose(got, [dw, db], rtol=1e-4):
        for value, why in slips:
            if np.allclose(got, value, rtol=1e-4):
                wrong(name, why)
                return
    check_array(name, got, np.array([dw, db]), rtol=1e-4, labels=["dL/dw", "dL/db"], gradient=True,
                pointer="chain rule: dL/da · da/dz · dz/dw, with da/dz = a (1 − a)")


_RNG_SEED = 5


def dense_backward_data() -> tuple[Array, Array, Array]:
    """Exercise 3: ``X`` (4, 3), ``W`` (3, 2) and the upstream gradient ``dZ`` (4, 2) of a
    Dense layer ``Z = X @ W + b``. Fresh arrays, the same every call."""
    g = np.random.default_rng(_RNG_SEED)
    X = np.round(g.normal(size=(4, 3)), 1)
    W = np.round(g.normal(size=(3, 2)), 1)
    dZ = np.round(g.normal(size=(4, 2)), 1)
    return X, W, dZ


@hints("Each gradient has the shape of what it is the gradient of: dW like W (3, 2), db like b (2,), "
       "dX like X (4, 3).",
       "Z = X @ W + b, so each of dW and dX is a product of dZ with the other factor of X @ W, "
       "transposed where needed: which of X, X.T, W, W.T times dZ (or dZ times it) has the right shape?",
       "b is added to every row of Z, so its gradient adds up dZ over the rows, the batch axis.")
def check_dense_backward(dW: Any, db: Any, dX: Any) -> None:
    """Exercise 3: the backward pass of a Dense layer for :func:`dense_backward_data`.

    ``dW = X.T @ dZ`` (W's shape), ``db = dZ.sum(axis=0)`` (b's shape), ``dX = dZ @ W.T``
    (X's shape). Each part is reported on its own line.
    """
    X, W, dZ = dense_backward_data()
    if all(is_blank(a) for a in (dW, db, dX)):
        not_done("dense backward")
        return
    n = X.shape[0]
    parts = {
        "dW": (dW, X.T @ dZ, "W"),
        "db": (db, dZ.sum(axis=0), "b"),
        "dX": (dX, dZ @ W.T, "X"),
    }
    shapes = {"X": X.shape, "W": W.shape, "b": (W.shape[1],)}
    for name, (got, expected, of) in parts.items():
        if is_blank(got):
            not_done(name)
            continue
        a = np.asarray(got)
        if a.shape != expected.shape and np.issubdtype(a.dtype, np.number):
            if name == "db" and a.shape == (n,):
                why = "summed over the outputs (axis 1); the bias gradient sums over the batch (axis 0)"
            elif name == "db" and a.size == expected.size:
                why = "keep db one-dimensional, like b"
            elif a.ndim == 2 and a.shape == expected.shape[::-1]:
                why = "transposed; the gradient of an array has that array's shape"
            else:
                why = (f"it must have the shape of {of}; of X {shapes['X']}, dZ {dZ.shape} and W "
                       f"{shapes['W']}, which product (transposing one of them) has that shape?")
            wrong(name, f"expected shape {expected.shape} (the shape of {of}), got {a.shape}: {why}")
            continue
        if name == "db" and a.shape == expected.shape and np.allclose(a, dZ.mean(axis=0)) and not np.allclose(
                a, expected):
            wrong(name, "that is the mean over the batch; the bias gets the sum over the batch (axis 0)")
            continue
        check_array(name, a, expected, gradient=True, batch=n)
