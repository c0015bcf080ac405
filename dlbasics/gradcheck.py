"""Finite-difference gradient checking (notebook 05).

Backpropagation is easy to get subtly wrong, and a wrong gradient still "trains" — just badly.
The cure is to compare every analytic derivative with a numerical one::

    df/dθ ≈ (f(θ + h) - f(θ - h)) / (2h)          (central difference, error O(h²))

and report the worst *relative* error ``|a - n| / max(|a| + |n|, tiny)``. In float64 with
``h = 1e-6`` a correct gradient typically gives 1e-10 or less; anything above 1e-6 deserves a look.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from dlbasics._typing import Array
from dlbasics._util import as_rng
from dlbasics.activations import _real_array, _real_number
from dlbasics.layers import Layer, Sigmoid, Softmax
from dlbasics.losses import (
    LossFn,
    binary_cross_entropy_from_sigmoid,
    cross_entropy_from_softmax,
    get_loss,
)
from dlbasics.network import Sequential

__all__ = [
    "GradCheckResult",
    "numerical_gradient",
    "compare_gradients",
    "check_layer",
    "check_loss",
    "check_model",
    "check_activation",
]

_H_MIN = 1e-12  # below this, f(x + h) - f(x - h) is mostly round-off even in float64


def _check_h(h: float, who: str) -> float:
    value = _real_number(h, who, "h (the finite-difference step)")
    if not value >= _H_MIN:
        raise ValueError(f"{who}: h (the finite-difference step) must be >= {_H_MIN:g}; smaller "
                         f"steps drown in round-off (1e-6 is a good choice), got {h!r}")
    return value


def _check_float64(model_or_layer: Layer | Sequential, who: str) -> None:
    for name, p, _ in model_or_layer.named_parameters():
        if p.dtype != np.float64:
            hint = ("mlp(..., dtype=np.float64)" if isinstance(model_or_layer, Sequential)
                    else "Dense(..., dtype=np.float64)")
            raise ValueError(f"{who}: parameter {name} is {p.dtype}; gradient checks need float64 "
                             f"(float32 keeps 7 digits, which h=1e-6 wipes out): build it with {hint}")


@dataclass(frozen=True)
class GradCheckResult:
    """Outcome of a gradient check.

    Attributes
    ----------
    max_rel_error : float
        Worst relative error over every checked entry.
    where : str
        Name of the array holding the worst entry (``"dense1.W"``, ``"X"`` ...).
    index : tuple of int
        Its index in that array.
    analytic, numeric : float
        The two derivative values at that entry.

    Examples
    --------
    >>> res = check_loss("cross_entropy", [[0.3, -0.2, 0.1]], [2])
    >>> res.ok(), res.where
    (True, 'pred')
    >>> print(res)
    max relative error ...e-... at pred[0, ...] (analytic ..., numeric ...)
    """

    max_rel_error: float
    where: str
    index: tuple[int, ...]
    analytic: float
    numeric: float

    def ok(self, tol: float = 1e-6) -> bool:
        """Whether the worst relative error is below ``tol``."""
        return self.max_rel_error < tol

    def __str__(self) -> str:
        return (f"max relative error {self.max_rel_error:.2e} at {self.where}{list(self.index)} "
                f"(analytic {self.analytic:.6g}, numeric {self.numeric:.6g})")


def numerical_gradient(f: Callable[[], float], x: Array, h: float = 1e-6) -> Array:
    """Central-difference gradient of the scalar ``f()`` with respect to the array ``x``.

    ``x`` is perturbed **in place**, one entry at a time, and restored afterwards; ``f``
    must read ``x`` when called.

    Examples
    --------
    >>> x = np.array([3.0])
    >>> numerical_gradient(lambda: float(x[0] ** 2), x).round(6)
    array([6.])

    Raises
    ------
    TypeError
        ``f`` not callable or not returning one real number; ``x`` not a NumPy array.
    ValueError
        ``x`` not float64 or read-only; ``h`` not a finite number >= 1e-12.
    """
    h = _check_h(h, "numerical_gradient")
    if not callable(f):
        raise TypeError(f"numerical_gradient: f must be a function of no arguments, got {type(f).__name__}")
    if not isinstance(x, np.ndarray):
        raise TypeError(f"numerical_gradient: x must be a NumPy array that f reads (it is perturbed "
                        f"in place), got {type(x).__name__}")
    if x.dtype != np.float64:
        raise ValueError(f"numerical_gradient: x must be float64, got {x.dtype} (an integer array "
                         "cannot hold x + h, float32 loses the difference to round-off)")
    if not x.flags.writeable:
        raise ValueError("numerical_gradient: x is read-only, but it is perturbed in place")
    grad = np.zeros(x.shape, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        f_plus = f()
        x[i] = old - h
        f_minus = f()
        x[i] = old
        for value in (f_plus, f_minus):
            if isinstance(value, bool) or np.ndim(value) != 0 or np.asarray(value).dtype.kind not in "iuf":
                raise TypeError(f"numerical_gradient: f must return one real number, got "
                                f"{type(value).__name__}")
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def compare_gradients(pairs: Sequence[tuple[str, ArrayLike, ArrayLike]]) -> GradCheckResult:
    """Worst relative error over ``(name, analytic, numeric)`` triples.

    A NaN or infinite entry counts as an infinite error (never as a pass).

    Raises
    ------
    TypeError
        Entries that are not ``(name, analytic, numeric)`` triples of numeric arrays.
    ValueError
        No entries at all, or an analytic and a numeric gradient of different shapes.

    Examples
    --------
    >>> print(compare_gradients([("w", [1.0, 2.0], [1.0, 2.2])]))
    max relative error 4.76e-02 at w[1] (analytic 2, numeric 2.2)
    >>> compare_gradients([("w", [np.nan], [1.0])]).ok()
    False
    """
    worst = GradCheckResult(0.0, "", (), 0.0, 0.0)
    pairs = list(pairs)
    if not pairs:
        raise ValueError("compare_gradients needs at least one (name, analytic, numeric) triple, got none")
    checked = 0
    for entry in pairs:
        if not isinstance(entry, tuple | list) or len(entry) != 3:
            raise TypeError(f"compare_gradients: each entry must be (name, analytic, numeric), got "
                            f"{type(entry).__name__}"
                            + (f" of length {len(entry)}" if isinstance(entry, tuple | list) else ""))
        name, a, n = entry
        a = _real_array(a, "compare_gradients", f"{name} (analytic)").astype(np.float64)
        n = _real_array(n, "compare_gradients", f"{name} (numeric)").astype(np.float64)
        if a.shape != n.shape:
            raise ValueError(f"{name}: analytic gradient has shape {a.shape}, numeric {n.shape}")
        if a.size == 0:
            continue
        checked += 1
        with np.errstate(invalid="ignore"):
            rel = np.abs(a - n) / np.maximum(np.abs(a) + np.abs(n), 1e-12)
        rel[~(np.isfinite(a) & np.isfinite(n))] = np.inf  # NaN must fail, not pass
        i = np.unravel_index(int(np.argmax(rel)), rel.shape)
        if rel[i] > worst.max_rel_error or not worst.where:
            worst = GradCheckResult(float(rel[i]), name, tuple(int(k) for k in i), float(a[i]), float(n[i]))
    if not checked:
        raise ValueError("compare_gradients: every array is empty, so nothing was compared")
    return worst


def check_layer(layer: Layer, X: ArrayLike, rng: np.random.Generator | int | None = None,
                h: float = 1e-6) -> GradCheckResult:
    """Check a layer's ``backward`` (parameters and input) against finite differences.

    Uses the scalar ``L = sum(forward(X) * R)`` for a fixed random ``R``, whose gradient with
    respect to the output is simply ``R``. Use float64 layers (``Dense(..., dtype=np.float64)``).

    Examples
    --------
    >>> from dlbasics.layers import Dense
    >>> layer = Dense(3, 2, rng=0, dtype=np.float64)
    >>> check_layer(layer, np.random.default_rng(1).normal(size=(4, 3)), rng=2).ok()
    True

    Raises
    ------
    TypeError
        ``layer`` is not a dlbasics Layer, ``X`` is not numeric.
    ValueError
        A float32 layer (the message says how to build a float64 one), ``X`` that is empty,
        not finite or of the wrong shape, a bad ``h``.
    """
    if not isinstance(layer, Layer):
        raise TypeError(f"check_layer: layer must be a dlbasics Layer, got {type(layer).__name__}")
    h = _check_h(h, "check_layer")
    _check_float64(layer, "check_layer")
    X = np.array(_real_array(X, "check_layer", "X"), dtype=np.float64)
    if X.size == 0 or not np.all(np.isfinite(X)):
        raise ValueError(f"check_layer: X must hold at least one finite number, got shape {X.shape}"
                         + ("" if X.size == 0 else " with NaN or inf"))
    R = as_rng(rng).normal(size=np.asarray(layer.forward(X)).shape)

    def f() -> float:
        return float(np.sum(layer.forward(X) * R))

    layer.forward(X)
    dX = np.array(layer.backward(R.copy()), dtype=np.float64)
    analytic = [(n, g.copy()) for n, _, g in layer.named_parameters()]
    pairs: list[tuple[str, Array, Array]] = [("X", dX, numerical_gradient(f, X, h))]
    for (name, p, _), (_, g) in zip(layer.named_parameters(), analytic, strict=True):
        pairs.append((f"{layer.name}.{name}", g, numerical_gradient(f, p, h)))
    return compare_gradients(pairs)


def check_activation(f: Callable[[Array], Array], df: Callable[[Array], Array], z: ArrayLike,
                     h: float = 1e-6) -> GradCheckResult:
    """Check an elementwise derivative ``df`` of ``f`` at the points ``z``.

    Raises
    ------
    TypeError
        ``f`` or ``df`` not callable, ``z`` not numeric.
    ValueError
        ``z`` empty, a bad ``h``, results of another shape than ``z``.

    Examples
    --------
    >>> from dlbasics.activations import tanh, tanh_grad
    >>> check_activation(tanh, tanh_grad, [-1.0, 0.0, 2.0]).ok()
    True
    """
    if not (callable(f) and callable(df)):
        raise TypeError("check_activation: f and df must be functions of z")
    h = _check_h(h, "check_activation")
    z = np.array(_real_array(z, "check_activation", "z"), dtype=np.float64)
    if z.size == 0:
        raise ValueError(f"check_activation needs at least one point, got z with shape {z.shape}")
    numeric = (f(z + h) - f(z - h)) / (2 * h)
    return compare_gradients([("z", df(z), numeric)])


def check_loss(loss: str | Callable[..., tuple[float, Array]], pred: ArrayLike, target: ArrayLike,
               h: float = 1e-6) -> GradCheckResult:
    """Check a loss's gradient with respect to the prediction.

    Parameters
    ----------
    loss : str or callable
        A name from :data:`dlbasics.losses.LOSSES`, or a function ``(pred, target) -> (loss, grad)``.
    pred : array
        Where to check; converted to float64.
    target : array
        Passed to the loss unchanged.
    h : float
        Finite-difference step.

    Returns
    -------
    GradCheckResult

    Raises
    ------
    ValueError, TypeError
        An unknown loss, a bad ``h``, and whatever the loss refuses (an empty or mismatched
        batch ...).

    Examples
    --------
    >>> check_loss("mse", [[0.3], [0.8]], [[0.0], [1.0]]).ok()
    True

    A mean squared error that forgets the factor 2 of ``d(e^2)/de = 2e`` is caught: its
    gradient is half the true one, a relative error of ``|g - 2g| / (|g| + |2g|) = 1/3``:

    >>> def mse_missing_2(pred, target):
    ...     diff = pred - np.asarray(target)
    ...     return float(np.mean(diff ** 2)), diff / diff.size
    >>> round(check_loss(mse_missing_2, [[0.3], [0.8]], [[0.0], [1.0]]).max_rel_error, 4)
    0.3333
    """
    fn = get_loss(loss, "check_loss")
    h = _check_h(h, "check_loss")
    pred = np.array(_real_array(pred, "check_loss", "pred"), dtype=np.float64)
    _, grad = fn(pred, target)
    numeric = numerical_gradient(lambda: fn(pred, target)[0], pred, h)
    return compare_gradients([("pred", grad, numeric)])


def check_model(model: Sequential, X: ArrayLike, y: ArrayLike, loss: str = "auto",
                h: float = 1e-6) -> GradCheckResult:
    """Check every parameter gradient (and the input gradient) of a whole network.

    The model should be float64 (``mlp(..., dtype=np.float64)``).

    Examples
    --------
    >>> from dlbasics.network import mlp
    >>> net = mlp([3, 5, 4, 2], activation="tanh", rng=0, dtype=np.float64)
    >>> X = np.random.default_rng(1).normal(size=(6, 3))
    >>> check_model(net, X, [0, 1, 1, 0, 1, 0]).max_rel_error < 1e-6
    True

    Raises
    ------
    TypeError
        ``model`` is not a :class:`Sequential`.
    ValueError
        A float32 model (the message says how to build a float64 one), a bad ``h``, and
        whatever :func:`dlbasics.training.fit` would refuse about ``X``, ``y`` and ``loss``.
    """
    from dlbasics.training import _check_model, _loss_kind, _prepare_targets

    _check_model(model, "check_model")
    h = _check_h(h, "check_model")
    _check_float64(model, "check_model")
    X = np.array(model.check_input(X, "check_model"), dtype=np.float64)
    kind = _loss_kind(model, loss, "check_model")
    y = _prepare_targets(model, y, X.shape[0], kind, "check_model")
    loss_fn, skip = _loss_of_output(model, kind)

    def f() -> float:
        return float(loss_fn(model.forward(X), y)[0])

    _, grad = loss_fn(model.forward(X), y)
    dX = np.array(model.backward(grad, skip_last=skip), dtype=np.float64)
    analytic = [(n, g.copy()) for n, _, g in model.named_parameters()]
    pairs: list[tuple[str, Array, Array]] = [("X", dX, numerical_gradient(f, X, h))]
    for (name, g), (_, p, _) in zip(analytic, model.named_parameters(), strict=True):
        pairs.append((name, g, numerical_gradient(f, p, h)))
    return compare_gradients(pairs)


def _loss_of_output(model: Sequential, loss: str | LossFn) -> tuple[LossFn, int]:
    """The loss as training computes it, and how many final layers its gradient includes.

    A Sigmoid or Softmax layer and its cross-entropy are differentiated together (the fused
    gradient ``(P − Y)/N`` of :mod:`dlbasics.losses`), so backward starts below that layer.
    """
    last = model.layers[-1]
    if loss == "binary_cross_entropy" and isinstance(last, Sigmoid):
        return binary_cross_entropy_from_sigmoid, 1
    if loss == "cross_entropy" and isinstance(last, Softmax):
        return cross_entropy_from_softmax, 1
    return get_loss(loss), 0
