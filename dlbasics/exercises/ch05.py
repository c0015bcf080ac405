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
from numpy.typing import NDArray

from dlbasics import losses as dlosses
from dlbasics._typing import FloatArray as Array
from dlbasics.activations import softmax as dl_softmax
from dlbasics.exercises._build import check_output, fd_gradient, run, use
from dlbasics.exercises._common import (
    check_array,
    check_number,
    correct,
    hints,
    is_blank,
    not_done,
    show_hint,
    wrong,
)
from dlbasics.exercises._quiz import Choice, Number, ask, questions

__all__ = [
    "price_data",
    "check_rmse",
    "NEURON",
    "check_neuron_gradient",
    "dense_backward_data",
    "check_dense_backward",
    "check_mse",
    "check_cross_entropy",
    "check_dense_layer",
    "check_tanh_layer",
    "check_question",
    "use",
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
    rng = np.random.default_rng(_RNG_SEED)
    X = np.round(rng.normal(size=(4, 3)), 1)
    W = np.round(rng.normal(size=(3, 2)), 1)
    dZ = np.round(rng.normal(size=(4, 2)), 1)
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


# -- build it yourself: losses with their gradients ------------------------------------------------

def _loss_pair(name: str, out: Any) -> tuple[Any, Any] | None:
    """``(loss, grad)`` from what a learner's loss returned, or ``None`` after saying why not."""
    if not isinstance(out, tuple | list) or len(out) != 2:
        wrong(name, f"return a pair (loss, grad), got {type(out).__name__}"
                    + (f" of length {len(out)}" if isinstance(out, tuple | list) else ""))
        return None
    return out[0], out[1]


def _factor_slip(got: Any, expected: Array, slips: dict[float, str]) -> str:
    """The message of ``slips`` whose factor turns ``expected`` into ``got`` ("" if none does)."""
    try:
        a = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return ""
    if a.shape != expected.shape or not np.all(np.isfinite(a)):
        return ""
    for factor, why in slips.items():
        if np.allclose(a, factor * expected, rtol=1e-6, atol=1e-12):
            return why
    return ""


def _mse_data() -> tuple[Array, Array]:
    rng = np.random.default_rng(50)
    return rng.normal(size=(6, 2)), rng.normal(size=(6, 2))


@hints("The loss is the mean of (pred − target)² over every entry; its gradient has pred's shape.",
       "d/dpred of (pred − target)² is 2 (pred − target); the mean divides every term by the number "
       "of entries, pred.size, so the gradient does too.")
def check_mse(fn: Any) -> None:
    """Build it yourself: ``fn(pred, target) -> (loss, grad)``, the mean squared error over every
    entry and its gradient ``2 (pred − target) / pred.size`` — what :func:`dlbasics.mse` returns."""
    pred, target = _mse_data()
    ok, out = run("my_mse", fn, pred.copy(), target.copy())
    pair = _loss_pair("my_mse", out) if ok else None
    if pair is None:
        return
    loss, grad = pair
    ref_loss, ref_grad = dlosses.mse(pred, target)
    n, size = pred.shape[0], pred.size
    diff = pred - target
    check_number("MSE loss", loss, ref_loss, what="one number", mistakes=[
        (ref_loss * size, "that is the sum of the squared errors: the loss is their mean"),
        (ref_loss * size / n, f"you divided by N = {n}, the number of rows; the mean runs over every entry "
                              f"(pred.size = {size})"),
        (float(np.sqrt(ref_loss)), "that is the RMSE; the loss to train on is the mean of the squares, "
                                   "without the square root"),
        (float(np.mean(diff)), "square the errors before averaging them"),
        (float(np.mean(np.abs(diff))), "that is the mean absolute error: square the errors instead"),
        (ref_loss / 2, "a factor ½ crept in: the mean of (pred − target)² has none"),
    ], pointer="mean of (pred − target)² over every entry")
    why = _factor_slip(grad, ref_grad, {
        float(size): f"every entry is {size}× too large: the loss averages over all {size} entries, so "
                     "its gradient divides by pred.size too",
        float(size / n): f"you divided by N = {n}; the loss averages over every entry, so divide by "
                         f"pred.size = {size}",
        0.5: "every entry is half the size it should be: the derivative of a square brings a factor 2",
        -1.0: "every sign is wrong: the gradient is 2 (pred − target) / size, prediction minus target",
    })
    if why:
        wrong("MSE gradient", why)
        return
    check_array("MSE gradient", grad, ref_grad, rtol=1e-6, gradient=True,
                pointer="the gradient is 2 (pred − target) / pred.size, entry by entry")


def _ce_data() -> tuple[Array, NDArray[np.intp]]:
    rng = np.random.default_rng(51)
    return rng.normal(size=(5, 3)) * 2, np.array([0, 2, 1, 2, 0])


@hints("Softmax each row (subtract the row's max before np.exp: it changes nothing but stops the "
       "overflow), then take −log of the true class's probability, P[np.arange(N), y], and average.",
       "The gradient with respect to the logits is (P − Y) / N, Y the one-hot labels: "
       "P.copy(), subtract 1 at [np.arange(N), y], divide by N.")
def check_cross_entropy(fn: Any) -> None:
    """Build it yourself: ``fn(logits, y) -> (loss, dlogits)``, softmax cross-entropy from raw
    scores ``(N, K)`` and integer labels ``(N,)``, with the gradient ``(P − Y) / N`` — what
    :func:`dlbasics.cross_entropy` returns. Also run on logits of about 1000 (stable?)."""
    logits, y = _ce_data()
    ok, out = run("my_cross_entropy", fn, logits.copy(), y.copy())
    pair = _loss_pair("my_cross_entropy", out) if ok else None
    if pair is None:
        return
    loss, grad = pair
    n, k = logits.shape
    ref_loss, ref_grad = dlosses.cross_entropy(logits, y)
    e0 = np.exp(logits - logits.max(axis=0))
    P0 = e0 / e0.sum(axis=0)  # softmax down the columns: the wrong axis
    axis0 = float(-np.mean(np.log(P0[np.arange(n), y])))
    check_number("cross-entropy loss", loss, ref_loss, what="one number", mistakes=[
        (ref_loss * n, f"that is the sum over the {n} samples: the loss is their mean"),
        (-ref_loss, "the sign is wrong: the loss is −log of the true class's probability"),
        (ref_loss / k, f"you averaged over all N·K entries of −Y log P; average over the N = {n} samples "
                       "only (each row has one true class)"),
        (axis0, "softmax ran down the columns (axis 0): each sample's row must sum to 1, so use axis=1 "
                "(with keepdims=True)"),
    ], pointer="−mean over the samples of log P[i, y[i]], P = softmax of each row")
    P = dl_softmax(logits)
    e0g = (P0 - np.eye(k)[y]) / n
    why = _factor_slip(grad, ref_grad, {
        float(n): f"every entry is {n}× too large ({n} samples): the loss averages over the batch, so "
                  "divide P − Y by N",
        -1.0: "every sign is wrong: the gradient is (P − Y) / N, probabilities minus one-hot labels",
    })
    if not why and np.shape(grad) == ref_grad.shape and np.allclose(np.asarray(grad, dtype=float), e0g):
        why = "softmax ran down the columns (axis 0); each row of P must sum to 1"
    if not why and np.shape(grad) == ref_grad.shape and np.allclose(np.asarray(grad, dtype=float), P / n):
        why = "that is P / N: subtract the one-hot labels Y first, (P − Y) / N"
    if why:
        wrong("cross-entropy gradient", why)
        return
    if not check_output("cross-entropy gradient", grad, ref_grad, rtol=1e-6, gradient=True, batch=n,
                        pointer="(P − Y) / N, with Y the one-hot labels"):
        return
    big = logits * 500  # logits of about ±1000
    with np.errstate(all="ignore"):
        ok, out = run("my_cross_entropy", fn, big, y.copy())
    pair = _loss_pair("my_cross_entropy", out) if ok else None
    if pair is None:
        return
    with np.errstate(all="ignore"):
        finite = bool(np.all(np.isfinite(np.asarray(pair[0], dtype=float)))
                      and np.all(np.isfinite(np.asarray(pair[1], dtype=float))))
    if not finite:
        wrong("cross-entropy, large logits", "with logits of about ±1000 the loss or gradient is NaN or inf: "
                                             "np.exp overflows. Subtract each row's max before np.exp "
                                             "(softmax(z − c) = softmax(z)), and take log P as "
                                             "z − max − log Σ exp(z − max)")
        return
    correct("cross-entropy, large logits", "Stable even for logits of ±1000.")


# -- build it yourself: a Dense layer and an activation layer ------------------------------------

def _layer_class(name: str, cls: Any) -> bool:
    """Whether ``cls`` is a class deriving from dl.Layer (else say why not)."""
    from dlbasics.layers import Layer

    if is_blank(cls):
        not_done(name)
        return False
    if not isinstance(cls, type):
        wrong(name, f"expected a class (class {name}(dl.Layer): ...), got {type(cls).__name__}")
        return False
    if not issubclass(cls, Layer):
        wrong(name, f"{cls.__name__} must subclass dl.Layer, the base class of every layer "
                    f"(class {cls.__name__}(dl.Layer): ...)")
        return False
    return True


def _fd_of(forward: Any, x: NDArray[np.float64], upstream: Array) -> Array:
    """Finite-difference gradient of ``sum(forward() * upstream)`` with respect to ``x``."""
    return fd_gradient(lambda: float(np.sum(forward() * upstream)), x)


def _backward(name: str, layer: Any, grad: Array) -> tuple[bool, Any]:
    ok, out = run(f"{name}.backward", layer.backward, grad.copy())
    if ok and np.shape(out) == () and not isinstance(out, np.ndarray):
        wrong(f"{name}.backward", f"return the gradient for the layer below, got {type(out).__name__}")
        return False, None
    return ok, out


@hints("Each gradient has the shape of what it is the gradient of: dW like W, db like b, dX like X. "
       "forward kept X in self.X.",
       "dW = X.T @ dZ, db = dZ.sum(axis=0), dX = dZ @ W.T. Write them INTO the arrays the optimizer "
       "holds: self.dW[...] = …, not self.dW = ….")
def check_dense_layer(cls: Any) -> None:
    """Build it yourself: a Dense layer ``cls(n_in, n_out, rng=...)`` of the Layer protocol.

    Its forward is compared with ``X @ W + b``; its backward's ``dW``, ``db`` (read from the
    arrays ``named_parameters()`` hands the optimizer) and ``dX`` with finite differences of the
    learner's own forward pass (the worst entry named), and a second backward must not add to
    the first.
    """
    name = getattr(cls, "__name__", "MyDense")
    if not _layer_class("MyDense", cls):
        return
    ok, layer = run(f"{name}(4, 3, rng=0)", cls, 4, 3, rng=0)
    if not ok:
        return
    rng = np.random.default_rng(52)
    X, dZ = rng.normal(size=(5, 4)), rng.normal(size=(5, 3))
    layer.W, layer.b = rng.normal(size=(4, 3)), rng.normal(size=3)  # float64, for finite differences
    layer.dW, layer.db = np.zeros((4, 3)), np.zeros(3)
    ok, Z = run(f"{name}.forward", layer.forward, X.copy())
    if not ok:
        return
    if np.shape(Z) == (5, 3) and np.allclose(np.asarray(Z, dtype=float), X @ layer.W):
        wrong("forward", "that is X @ W without the bias: add self.b (it broadcasts over the rows)")
        return
    if not check_output("forward", Z, X @ layer.W + layer.b, pointer="Z = X @ W + b"):
        return
    params = {pname: (p, g) for pname, p, g in layer.named_parameters()}
    if set(params) != {"W", "b"} or params["W"][0] is not layer.W or params["b"][0] is not layer.b:
        wrong("named_parameters", 'return [("W", self.W, self.dW), ("b", self.b, self.db)]')
        return
    ok, dX = _backward(name, layer, dZ)
    if not ok:
        return
    dW, db = params["W"][1], params["b"][1]
    if not dW.any() and getattr(layer, "dW", dW) is not dW and np.any(layer.dW):
        wrong("backward", "self.dW is a new array now, and the optimizer still holds the old one (all "
                          "zeros): write into it, self.dW[...] = X.T @ dZ (the same for db)")
        return
    if not db.any() and getattr(layer, "db", db) is not db and np.any(layer.db):
        wrong("backward", "self.db is a new array now, and the optimizer still holds the old one: "
                          "write into it, self.db[...] = …")
        return
    W, b = layer.W, layer.b
    fd_W = _fd_of(lambda: layer.forward(X), W, dZ)
    fd_b = _fd_of(lambda: layer.forward(X), b, dZ)
    Xc = X.copy()
    fd_X = _fd_of(lambda: layer.forward(Xc), Xc, dZ)
    n = X.shape[0]
    passed = [check_output("dW", dW.copy(), fd_W, rtol=1e-6, atol=1e-8, gradient=True, batch=n,
                           pointer="compare with the finite differences: dW = X.T @ dZ"),
              _db_ok(db.copy(), fd_b, n),
              check_output("dX", dX, fd_X, rtol=1e-6, atol=1e-8, gradient=True,
                           pointer="the layer below needs dX = dZ @ W.T")]
    if not all(passed):
        return
    layer.forward(X)
    _backward(name, layer, dZ)
    if np.allclose(dW, 2 * fd_W):
        wrong("second backward", "dW doubled on the second backward pass: assign the gradient "
                                 "(self.dW[...] = …), don't add to it (+=)")
        return
    correct(f"{name} in the Layer protocol", "It can stand in for dl.Dense in dl.Sequential.")


def _db_ok(db: Array, expected: Array, n: int) -> bool:
    if db.shape == expected.shape and np.allclose(db, expected / n):
        wrong("db", "that is the mean over the batch; dZ already carries the loss's 1/N, so db sums "
                    "dZ over the batch (axis 0)")
        return False
    return check_output("db", db, expected, rtol=1e-6, atol=1e-8, gradient=True, batch=n,
                        pointer="b is added to every row of Z: db = dZ.sum(axis=0)")


@hints("backward gets dA = ∂L/∂A and returns dZ = ∂L/∂Z: the chain rule through one elementwise step, "
       "dZ = dA · dA/dZ, entry by entry.",
       "tanh'(z) = 1 − tanh(z)² = 1 − A², so backward returns dA * (1 − self.A ** 2): the upstream "
       "gradient times the local slope, entry by entry.")
def check_tanh_layer(cls: Any) -> None:
    """Build it yourself: a tanh activation layer ``cls()``: forward ``A = tanh(Z)``, backward
    ``dZ = dA ⊙ (1 − A²)``, checked against finite differences of its own forward pass."""
    name = getattr(cls, "__name__", "MyTanh")
    if not _layer_class("MyTanh", cls):
        return
    ok, layer = run(f"{name}()", cls)
    if not ok:
        return
    rng = np.random.default_rng(53)
    Z, dA = rng.normal(size=(5, 3)) * 1.5, rng.normal(size=(5, 3))
    ok, A = run(f"{name}.forward", layer.forward, Z.copy())
    if not ok or not check_output("forward", A, np.tanh(Z), pointer="A = np.tanh(Z)"):
        return
    ok, dZ = _backward(name, layer, dA)
    if not ok:
        return
    Zc = Z.copy()
    fd = _fd_of(lambda: layer.forward(Zc), Zc, dA)
    layer.forward(Z)
    got = np.asarray(dZ, dtype=np.float64) if np.shape(dZ) == Z.shape else dZ
    slips = [(dA * (1 - Z**2), "you used 1 − Z²: the slope of tanh is 1 − tanh(Z)² = 1 − A², A the output"),
             (1 - np.tanh(Z) ** 2, "that is tanh's slope alone: multiply it by the upstream gradient dA"),
             (dA * np.tanh(Z) * (1 - np.tanh(Z)), "A (1 − A) is the sigmoid's slope; tanh's is 1 − A²"),
             (dA, "that passes dA through unchanged: multiply by tanh's slope 1 − A²")]
    if isinstance(got, np.ndarray) and np.all(np.isfinite(got)) and not np.allclose(got, fd, rtol=1e-6):
        for value, why in slips:
            if np.allclose(got, value):
                wrong("dZ", why)
                return
    if check_output("dZ", dZ, fd, rtol=1e-6, atol=1e-8, gradient=True, pointer="dZ = dA * (1 − A²)"):
        correct(f"{name} in the Layer protocol", "It can stand in for dl.Tanh in dl.Sequential.")


# -- self-check questions --------------------------------------------------------------------------

QUESTIONS = questions(
    __name__,
    first_loss=Number(
        math.log(10),
        why="ln 10 ≈ 2.30: with outputs near 0 the softmax gives every class 1/10, and −ln(1/10) = ln 10.",
        mistakes=[(0.1, "that is the probability of each class; the loss is −log of it"),
                  (1 / 10 * math.log(10), "the loss is −log of the true class's probability: no extra 1/K"),
                  (math.log(3), "that is ln 3, the first loss of a 3-class net; this one has 10 classes"),
                  (math.log10(10), "cross-entropy uses the natural log, ln, not log₁₀")],
        pointer="every class gets probability 1/K; the loss is −log of the true class's"),
    multiply=Choice(
        "c",
        a="the local gradient of x·y with respect to x is y, not 1: a sum passes gradients through "
          "unchanged, a product does not",
        b="a product routes the gradient to both inputs, not only the larger one: that is max",
        c="∂(xy)/∂x = y and ∂(xy)/∂y = x: each input's gradient is the upstream gradient times the "
          "other input",
        d="the gradients keep the upstream sign times the other input: with x, y > 0 nothing flips"),
    rel_error=Choice(
        "b",
        a="1e-2 is far more than rounding: a correct float64 gradient agrees to 1e-7 or better",
        b="1e-2 means the two differ in the second digit: a bug (a missing factor, a wrong index); "
          "look at the worst entry the check names",
        c="the finite differences in float64 agree with a correct gradient to about 1e-8; a bigger h "
          "would not make a 1 % gap",
        d="float32 rounding is about 1e-7 per operation; 1e-2 is a slip in the formula"),
    kl=Choice(
        "a",
        a="cross-entropy = entropy of the targets + KL: with fixed targets the entropy is a constant, "
          "so the two have the same gradient and the same minimum",
        b="KL is not the squared error between the distributions; it is cross-entropy minus the "
          "targets' entropy",
        c="KL(p‖q) and KL(q‖p) differ; and with fixed targets the two losses differ only by a constant",
        d="the entropy of the targets does not depend on the network's weights, so it adds nothing "
          "to the gradient"),
)


@hints("Read the question again and rule out the options that contradict the notebook's sections "
       "on the chain rule, gradient checks and losses.",
       "Each wrong option's feedback says what it overlooks: try one and read why.")
def check_question(name: Any, answer: Any) -> None:
    """A self-check question of notebook 05: ``"first_loss"`` (a number), ``"multiply"``,
    ``"rel_error"`` or ``"kl"`` (a letter)."""
    if is_blank(name):
        not_done("question")
        return
    ask(QUESTIONS, name, answer)
