"""Loss (cost) functions and their gradients (notebook 05).

A *loss* scores the whole network on a whole batch with one number; do not confuse it with an
*activation*, which is what one neuron outputs. Every function here returns ``(loss, grad)``:
the mean loss over the batch and its gradient with respect to the prediction, already divided
by the batch size, so ``grad`` can be fed straight into ``model.backward``.

All of them are safe at the edges: probabilities are clipped away from 0 and 1 (by ``eps``:
``1e-7`` in float32, ``1e-12`` in float64) before any ``log``, and the cross-entropy from logits
uses the log-sum-exp trick.

A cross-entropy after its sigmoid or softmax has the gradient ``dZ = (P − Y) / N`` with
respect to the scores ``Z`` (see :func:`cross_entropy`). It is written once, in
``_p_minus_y_over_n``, and used by every loss that has it: :func:`cross_entropy`,
:func:`binary_cross_entropy_with_logits` (from the scores), and
:func:`cross_entropy_from_softmax`, :func:`binary_cross_entropy_from_sigmoid` (from the
probabilities of a network that ends in a Softmax or Sigmoid layer).

Every loss refuses, with a ``ValueError`` or ``TypeError`` that names it, an empty batch,
targets of the wrong shape, and values that cannot be what they stand for (a probability
outside [0, 1], a class label outside [0, K)). A NaN in the prediction is not refused: it
gives a NaN loss, which is how :func:`dlbasics.training.fit` notices that training diverged.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dlbasics._typing import FloatArray
from dlbasics.activations import _real_array, sigmoid

__all__ = [
    "mse",
    "rmse",
    "class_labels",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "binary_cross_entropy_from_sigmoid",
    "cross_entropy",
    "cross_entropy_from_softmax",
    "kl_divergence",
    "get_loss",
    "LOSSES",
]

#: how far probabilities are kept from 0 and 1 before a log, by dtype (the one such constant)
EPS = {np.dtype(np.float32): 1e-7, np.dtype(np.float64): 1e-12}


def _eps(dtype: np.dtype[Any]) -> float:
    return EPS.get(np.dtype(dtype), 1e-12)


def _p_minus_y_over_n(P: FloatArray, y: NDArray[Any], n: int, out: FloatArray | None = None) -> FloatArray:
    """``dZ = (P − Y) / n``: the gradient of a cross-entropy with respect to the scores ``Z``
    below its softmax (``P = softmax(Z)``) or sigmoid (``p = sigmoid(Z)``).

    Why it is this simple: for the softmax, ``∂L/∂P = −Y / P / N`` and the softmax Jacobian is
    ``diag(P) − P Pᵀ``; their product is ``(−Y + P Σ_k Y_k) / N = (P − Y) / N`` because each
    row of ``Y`` sums to 1. For the sigmoid, ``∂L/∂p = (p − y) / (p (1 − p)) / n`` and
    ``sigmoid' = p (1 − p)``: the denominators cancel. ``n`` is the number of terms in the mean
    (``N`` rows for cross-entropy, every entry for binary cross-entropy).

    ``y`` is integer labels ``(N,)`` for ``(N, K)`` probabilities (``Y`` is never built:
    subtracting 1 at ``(i, y_i)`` is ``P − Y``) or an array of ``P``'s shape. ``out`` receives
    the result and may be ``P`` itself. Not checked: the callers have checked their inputs.
    (The training loop's most common case, logits with labels, computes the same
    ``P/N − Y/N`` in place inside :func:`_cross_entropy_labels`, dividing only once.)
    """
    if out is None:
        out = P.copy()
    elif out is not P:
        np.copyto(out, P)
    if P.ndim == 2 and y.ndim == 1:
        out[_row_index(P.shape[0]), y] -= 1  # (N, K) P − Y, one entry per row
    else:
        out -= y  # P − Y
    out /= n
    return out


def _pred(pred: ArrayLike, name: str, what: str = "pred") -> FloatArray:
    """The prediction as a float array with at least one entry (O(1) checks)."""
    pred = _real_array(pred, name, what)
    if not np.issubdtype(pred.dtype, np.floating):
        pred = pred.astype(np.float64)
    if pred.size == 0:
        raise ValueError(f"{name} needs at least one sample, got {what} with shape {pred.shape}")
    return pred


def _in_unit_interval(a: FloatArray, name: str, what: str, hint: str = "") -> None:
    """Refuse values outside [0, 1] (NaN passes: it means divergence, not a mistake)."""
    lo, hi = float(a.min()), float(a.max())
    if lo < 0 or hi > 1:
        raise ValueError(f"{name}: {what} must lie in [0, 1], got range [{lo:.4g}, {hi:.4g}]{hint}")


def _target_like(target: ArrayLike, pred: FloatArray, name: str) -> FloatArray:
    t = _real_array(target, name, "targets")
    if t.shape != pred.shape:
        if t.ndim == 1 and pred.ndim == 2 and pred.shape[1] == 1 and t.shape[0] == pred.shape[0]:
            t = t.reshape(-1, 1)
        else:
            raise ValueError(
                f"{name}: targets must have the prediction's shape {pred.shape}, got {t.shape}"
            )
    return t.astype(pred.dtype, copy=False)


def mse(pred: ArrayLike, target: ArrayLike) -> tuple[float, FloatArray]:
    """Mean squared error ``L = mean((pred - target)^2)`` over every element.

    Gradient: ``dL/dpred = 2 (pred - target) / pred.size``.

    Raises
    ------
    ValueError
        An empty batch, or targets whose shape differs from the prediction's (``(N,)`` is
        accepted for ``(N, 1)``).
    TypeError
        Non-numeric input.

    Examples
    --------
    >>> loss, grad = mse([[1.0], [3.0]], [[0.0], [0.0]])
    >>> float(loss), grad.ravel().tolist()
    (5.0, [1.0, 3.0])
    """
    pred = _pred(pred, "mse")
    diff = pred - _target_like(target, pred, "mse")
    return float(np.mean(diff * diff)), (2.0 / diff.size) * diff


def rmse(pred: ArrayLike, target: ArrayLike) -> float:
    """Root mean squared error, in the target's own units: for *reporting*, not training.

    Raises
    ------
    ValueError, TypeError
        As :func:`mse`.

    Examples
    --------
    >>> rmse([3.0, 5.0], [0.0, 1.0])
    3.5355339059327378
    """
    pred = _pred(pred, "rmse")
    diff = pred - _target_like(target, pred, "rmse")
    return float(np.sqrt(np.mean(diff * diff)))


def binary_cross_entropy(p: ArrayLike, y: ArrayLike) -> tuple[float, FloatArray]:
    """Binary cross-entropy ``L = -mean(y log p + (1 - y) log(1 - p))`` on probabilities.

    ``p`` is clipped to ``[eps, 1 - eps]`` so that ``log(0)`` never happens. Gradient:
    ``dL/dp = (p - y) / (p (1 - p)) / n``, with ``n = p.size`` the number of terms in the mean
    (``N`` for one output); after a sigmoid this collapses to ``(p - y) / n`` (see
    :func:`binary_cross_entropy_with_logits`).

    Parameters
    ----------
    p : array, shape (N,) or (N, 1)
        Predicted probability of class 1.
    y : array, same shape
        Labels 0 or 1.

    Returns
    -------
    loss : float
    dp : array, ``p``'s shape and dtype

    Raises
    ------
    ValueError
        An empty batch, a shape mismatch, ``p`` outside [0, 1] (raw scores belong in
        :func:`binary_cross_entropy_with_logits`) or ``y`` outside [0, 1].
    TypeError
        Non-numeric input.

    Examples
    --------
    >>> loss, dp = binary_cross_entropy([0.9, 0.2], [1, 0])
    >>> round(loss, 4), dp.round(4).tolist()
    (0.1643, [-0.5556, 0.625])

    A confident wrong answer costs a lot, but thanks to the clipping never ``inf``:

    >>> round(binary_cross_entropy([0.0], [1])[0], 2)   # -log(1e-12)
    27.63
    """
    p = _pred(p, "binary_cross_entropy", "p")
    y = _target_like(y, p, "binary_cross_entropy")
    _in_unit_interval(p, "binary_cross_entropy", "p (probabilities)",
                      "; for raw scores (logits) use binary_cross_entropy_with_logits")
    _in_unit_interval(y, "binary_cross_entropy", "y (labels 0 or 1, or probabilities)")
    return _binary_cross_entropy(p, y)


def _binary_cross_entropy(p: FloatArray, y: FloatArray) -> tuple[float, FloatArray]:
    """The work of :func:`binary_cross_entropy`, without checks (``y`` already has p's dtype)."""
    pc = np.clip(p, _eps(p.dtype), 1 - _eps(p.dtype))
    grad = (pc - y) / (pc * (1 - pc)) / p.size  # the loss is a mean over all p.size terms
    return _bce_value(pc, y), grad.astype(p.dtype, copy=False)


def _bce_value(p: FloatArray, y: FloatArray) -> float:
    """``-mean(y log p + (1 - y) log(1 - p))`` with ``p`` clipped to ``[eps, 1 - eps]``."""
    pc = np.clip(p, _eps(p.dtype), 1 - _eps(p.dtype))
    return float(-np.mean(y * np.log(pc) + (1 - y) * np.log1p(-pc)))


def binary_cross_entropy_from_sigmoid(p: ArrayLike, y: ArrayLike) -> tuple[float, FloatArray]:
    """Binary cross-entropy of the probabilities ``p = sigmoid(z)``, and its gradient with
    respect to the sigmoid's *input* ``z``: ``dZ = (p − y) / n``.

    For a network that ends in a Sigmoid layer: the loss and the sigmoid are differentiated
    together (the sigmoid's derivative cancels the loss's denominator), so backward starts
    below the Sigmoid layer (``model.backward(dZ, skip_last=1)``). ``n = p.size`` is the number
    of terms in the mean (``N`` for one output).

    Parameters
    ----------
    p : array, shape (N, 1), (N,) or (N, K) for K independent labels
        Probabilities, the Sigmoid layer's output.
    y : array, same shape (``(N,)`` is accepted for ``(N, 1)``)
        Labels 0 or 1 (or probabilities).

    Returns
    -------
    loss : float
        As :func:`binary_cross_entropy`.
    dZ : array, ``p``'s shape and dtype
        ``∂L/∂z``.

    Raises
    ------
    ValueError, TypeError
        As :func:`binary_cross_entropy`.

    Examples
    --------
    >>> loss, dZ = binary_cross_entropy_from_sigmoid([[0.9], [0.2]], [1, 0])
    >>> round(loss, 4), dZ.round(4).tolist()   # (p - y) / 2
    (0.1643, [[-0.05], [0.1]])
    """
    p = _pred(p, "binary_cross_entropy_from_sigmoid", "p")
    y = _target_like(y, p, "binary_cross_entropy_from_sigmoid")
    _in_unit_interval(p, "binary_cross_entropy_from_sigmoid", "p (probabilities)",
                      "; for raw scores (logits) use binary_cross_entropy_with_logits")
    _in_unit_interval(y, "binary_cross_entropy_from_sigmoid", "y (labels 0 or 1, or probabilities)")
    return _bce_from_sigmoid(p, y)


def _bce_from_sigmoid(p: FloatArray, y: FloatArray,
                      out: FloatArray | None = None) -> tuple[float, FloatArray]:
    """The work of :func:`binary_cross_entropy_from_sigmoid`, without checks."""
    return _bce_value(p, y), _p_minus_y_over_n(p, y, p.size, out)


def binary_cross_entropy_with_logits(z: ArrayLike, y: ArrayLike) -> tuple[float, FloatArray]:
    """Binary cross-entropy on the *logit* ``z`` (before the sigmoid), stable for any ``z``.

    ``L = mean(log(1 + exp(z)) - y z)`` and, because the sigmoid's derivative cancels the
    denominator of the log's, ``dL/dz = (sigmoid(z) - y) / n`` with ``n = z.size``.

    Parameters
    ----------
    z : array, shape (N,) or (N, 1)
        Logits: raw scores, any real number.
    y : array, same shape
        Labels 0 or 1.

    Returns
    -------
    loss : float
    dz : array, ``z``'s shape

    Raises
    ------
    ValueError
        An empty batch, a shape mismatch, or ``y`` outside [0, 1].
    TypeError
        Non-numeric input.

    Examples
    --------
    A huge logit is no problem: the loss of ``z = 1000`` for label 0 is 1000, where
    ``sigmoid(1000)`` rounds to 1 and ``log(1 - 1)`` would be ``-inf``:

    >>> loss, dz = binary_cross_entropy_with_logits([0.0, 1000.0], [1, 0])
    >>> round(loss, 4), dz.tolist()   # mean of log 2 and 1000; dz = (sigmoid(z) - y) / 2
    (500.3466, [-0.25, 0.5])
    """
    z = _pred(z, "binary_cross_entropy_with_logits", "z")
    y = _target_like(y, z, "binary_cross_entropy_with_logits")
    _in_unit_interval(y, "binary_cross_entropy_with_logits", "y (labels 0 or 1, or probabilities)")
    loss = np.mean(np.logaddexp(0, z) - y * z)
    return float(loss), _p_minus_y_over_n(sigmoid(z), y, z.size)  # (sigmoid(z) - y) / n


def cross_entropy(logits: ArrayLike, y: ArrayLike) -> tuple[float, FloatArray]:
    """Categorical cross-entropy of softmax(logits), fused with the softmax.

    ``L = -mean_i log softmax(z_i)[y_i]``, computed with log-sum-exp (never ``log(0)``).
    The gradient of softmax followed by cross-entropy is simply ``(P - Y) / N``: the softmax
    Jacobian ``diag(p) - p p^T`` times ``-y / p`` telescopes because each row of ``Y`` sums to
    one. That is why networks end in raw scores (logits) and leave the softmax to the loss.

    Parameters
    ----------
    logits : array, shape (N, K)
        Raw scores.
    y : array, shape (N,) of int in [0, K), or (N, K) one-hot / probabilities
        Integer labels are used directly (no one-hot matrix is built). Labels follow
        :func:`class_labels`: floats are accepted when they are whole numbers (``2.0``), as
        labels read from a CSV file are; ``0.5`` is refused. Rows of an ``(N, K)`` target
        must be probabilities: non-negative, summing to 1.

    Returns
    -------
    loss : float
    dlogits : array, shape (N, K), same dtype as ``logits``

    Raises
    ------
    ValueError
        Logits that are not 2-D or empty; labels out of [0, K), not whole numbers, or not one
        per logit row; target rows that are not probability distributions.
    TypeError
        Non-numeric input.

    Examples
    --------
    >>> loss, g = cross_entropy([[0.0, 0.0]], [1])
    >>> round(loss, 4), g.tolist()
    (0.6931, [[0.5, -0.5]])
    """
    z = _real_array(logits, "cross_entropy", "logits")
    if z.ndim != 2:
        raise ValueError(f"cross_entropy: logits must be 2-D (N, K), got shape {z.shape}")
    z = _pred(z, "cross_entropy", "logits")
    n, k = z.shape
    try:
        y = np.asarray(y)
    except ValueError:  # numpy's "inhomogeneous shape"
        raise TypeError("cross_entropy: y must be an array of labels or probabilities, got nested "
                        "lists of different lengths") from None
    if y.ndim == 1:
        if y.shape[0] != n:
            raise ValueError(f"cross_entropy: got {n} logit rows but {y.shape[0]} labels")
        y = class_labels(y, k, "cross_entropy")
        dlogits = np.empty_like(z)
        return _cross_entropy_labels(z, y, out=dlogits), dlogits
    Y = _target_like(y, z, "cross_entropy")
    _check_distributions(Y, "cross_entropy")
    return _cross_entropy_probs(z, Y)


def _check_distributions(Y: FloatArray, what: str) -> None:
    """Refuse target rows that are not probability distributions (non-negative, sum 1)."""
    if not np.all(np.isfinite(Y)):
        raise ValueError(f"{what}: targets contain NaN or inf")
    lo = float(Y.min())
    sums = Y.sum(axis=1)
    worst = int(np.argmax(np.abs(sums - 1)))
    if lo < 0 or abs(float(sums[worst]) - 1) > 1e-3:
        raise ValueError(
            f"{what}: each row of an (N, K) target must be a probability distribution "
            f"(entries >= 0 summing to 1, e.g. one-hot), got row {worst} summing to "
            f"{float(sums[worst]):.4g} and smallest entry {lo:.4g}"
        )


def _cross_entropy_probs(z: FloatArray, Y: FloatArray) -> tuple[float, FloatArray]:
    """The work of :func:`cross_entropy` for ``(N, K)`` targets, without checks."""
    n = z.shape[0]
    shifted = z - z.max(axis=1, keepdims=True)  # (N, K)
    log_norm = np.log(np.exp(shifted).sum(axis=1, keepdims=True))  # (N, 1)
    log_p = shifted - log_norm  # (N, K)
    loss = -(Y * log_p).sum() / n
    P = np.exp(log_p)  # (N, K) softmax(z)
    return float(loss), _p_minus_y_over_n(P, Y, n, out=P)  # (P - Y) / N


def cross_entropy_from_softmax(P: ArrayLike, y: ArrayLike) -> tuple[float, FloatArray]:
    """Cross-entropy of the probabilities ``P = softmax(Z)``, and its gradient with respect to
    the softmax's *input* ``Z``: ``dZ = (P − Y) / N``.

    For a network that ends in a Softmax layer: the loss and the softmax are differentiated
    together (see :func:`cross_entropy` for why the product is ``P − Y``), so backward starts
    below the Softmax layer (``model.backward(dZ, skip_last=1)``). ``P`` is clipped to
    ``eps`` before the log.

    Parameters
    ----------
    P : array, shape (N, K)
        Probabilities, the Softmax layer's output.
    y : array, shape (N,) of int in [0, K), or (N, K) one-hot / probabilities
        As in :func:`cross_entropy`.

    Returns
    -------
    loss : float
    dZ : array, shape (N, K), ``P``'s dtype

    Raises
    ------
    ValueError
        ``P`` not 2-D, empty or outside [0, 1]; labels or target rows as in
        :func:`cross_entropy`.
    TypeError
        Non-numeric input.

    Examples
    --------
    >>> loss, dZ = cross_entropy_from_softmax([[0.25, 0.75]], [1])
    >>> round(loss, 4), dZ.tolist()   # -log 0.75; P - Y
    (0.2877, [[0.25, -0.25]])
    """
    P = _pred(P, "cross_entropy_from_softmax", "P")
    if P.ndim != 2:
        raise ValueError(f"cross_entropy_from_softmax: P must be 2-D (N, K), got shape {P.shape}")
    _in_unit_interval(P, "cross_entropy_from_softmax", "P (probabilities)",
                      "; for raw scores (logits) use cross_entropy")
    n, k = P.shape
    y = np.asarray(y)
    if y.ndim == 1:
        if y.shape[0] != n:
            raise ValueError(f"cross_entropy_from_softmax: got {n} rows of P but {y.shape[0]} labels")
        return _ce_from_softmax(P, class_labels(y, k, "cross_entropy_from_softmax"))
    Y = _target_like(y, P, "cross_entropy_from_softmax")
    _check_distributions(Y, "cross_entropy_from_softmax")
    return _ce_from_softmax(P, Y)


def _ce_from_softmax(P: FloatArray, y: NDArray[Any],
                     out: FloatArray | None = None) -> tuple[float, FloatArray]:
    """The work of :func:`cross_entropy_from_softmax`, without checks."""
    n, eps = P.shape[0], _eps(P.dtype)
    if y.ndim == 1:  # labels: -mean_i log P[i, y_i]
        value = -float(np.mean(np.log(np.maximum(P[_row_index(n), y], eps))))
    else:  # (N, K) targets: -sum(Y log P) / N
        value = -float(np.sum(y * np.log(np.maximum(P, eps))) / n)
    return value, _p_minus_y_over_n(P, y, n, out)


def class_labels(y: ArrayLike, k: int | None, what: str = "class_labels") -> NDArray[np.intp]:
    """Check integer class labels and return them as an ``intp`` array of shape ``(N,)``.

    Used wherever labels come in (losses, ``fit``, ``one_hot``), so every caller gives the
    same message for the same mistake.

    Parameters
    ----------
    y : array-like, shape (N,)
        Labels. Integers and booleans are taken as they are; floats are accepted when they are
        whole numbers (``2.0``, as labels read from a text file are), anything else is refused
        (``0.5`` is not a class). Every function that takes labels (``cross_entropy``,
        ``accuracy``, ``fit``, ``evaluate``, ``one_hot``) follows this rule.
    k : int or None
        Number of classes: labels must lie in ``[0, k)``. ``None`` checks only ``>= 0``.
    what : str
        Who is asking, for the error message.

    Raises
    ------
    ValueError
        Labels that are not 1-D, not whole numbers, or out of range.
    TypeError
        ``k`` that is not a positive int.

    Examples
    --------
    >>> class_labels([0.0, 2.0], 3).tolist()
    [0, 2]
    >>> class_labels([0, 3], 3, "fit")
    Traceback (most recent call last):
    ...
    ValueError: fit: class labels must lie in [0, 2] for 3 classes, got range [0, 3]
    """
    if k is not None and (isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1):
        raise TypeError(f"{what}: the number of classes must be a positive int, got {k!r}")
    try:
        y = np.asarray(y)
    except ValueError:  # ragged nested lists
        raise ValueError(f"{what}: class labels must be a 1-D array of integers, got nested lists "
                         "of different lengths") from None
    if y.ndim != 1:
        raise ValueError(f"{what}: class labels must be 1-D, got shape {y.shape}")
    if y.dtype == np.bool_:
        y = y.astype(np.intp)
    if not np.issubdtype(y.dtype, np.integer):
        if not np.issubdtype(y.dtype, np.number) or not np.all(np.isfinite(y)) \
                or np.any(np.mod(y, 1) != 0):
            raise ValueError(f"{what}: class labels must be integers, got dtype {y.dtype}")
    y = y.astype(np.intp, copy=False)
    if y.size and (y.min() < 0 or (k is not None and y.max() >= k)):
        upper = "" if k is None else f"[0, {k - 1}] for {k} classes"
        raise ValueError(f"{what}: class labels must lie in {upper or '[0, K)'}, "
                         f"got range [{y.min()}, {y.max()}]")
    return y


def _cross_entropy_labels(z: FloatArray, y: NDArray[np.integer], out: FloatArray) -> float:
    """Cross-entropy for integer labels, writing the gradient ``(P - Y) / N`` into ``out``.

    The work of :func:`cross_entropy` for labels, without checking them and without allocating:
    the training loop checks the labels once and passes the same ``out`` buffer at every step.
    ``Y`` is never built; subtracting 1 at ``(i, y_i)`` is ``P - Y``.

    Parameters
    ----------
    z : array, shape (N, K)
        Logits, float32 or float64.
    y : int array, shape (N,)
        Labels in ``[0, K)`` (not checked).
    out : array, shape (N, K), z's dtype
        Receives ``dL/dz``.

    Returns
    -------
    float
        The mean loss.

    Examples
    --------
    >>> g = np.empty((1, 2))
    >>> round(_cross_entropy_labels(np.zeros((1, 2)), np.array([1]), out=g), 4), g.tolist()
    (0.6931, [[0.5, -0.5]])
    """
    n = z.shape[0]
    rows = _row_index(n)  # (N,) 0, 1, ..., N-1
    # row maxima, subtracted so that exp cannot overflow; z[rows, argmax] is 3x faster than
    # z.max(axis=1) when there are few classes
    zmax = z[rows, z.argmax(axis=1)]  # (N,)
    np.subtract(z, zmax[:, None], out=out)  # (N, K) z - max, every entry <= 0
    np.exp(out, out=out)  # (N, K) e^(z - max)
    norm = out.sum(axis=1, keepdims=True)  # (N, 1) sum_k e^(z_k - max), >= 1
    # -log softmax(z)[y] = log sum_k e^(z_k - max) - (z_y - max): log-sum-exp, never log(0)
    loss = (np.log(norm).sum() - (z[rows, y] - zmax).sum()) / n
    # (P - Y) / N as in _p_minus_y_over_n, written as P/N - Y/N to divide only once
    norm *= n  # (N, 1) so that one division gives P / N
    out /= norm  # (N, K) P / N
    out[rows, y] -= 1 / n  # (N, K) (P - Y) / N
    return float(loss)


@lru_cache(maxsize=16)
def _row_index(n: int) -> NDArray[np.intp]:
    """``np.arange(n)``, made once per batch size (read-only, shared between calls)."""
    rows = np.arange(n)
    rows.flags.writeable = False
    return rows


def kl_divergence(q: ArrayLike, p: ArrayLike) -> tuple[float, FloatArray]:
    """Kullback–Leibler divergence ``KL(p || q) = mean_i sum_k p log(p / q)``.

    ``q`` is the prediction and ``p`` the target distribution (rows sum to 1); like every loss
    here it takes the prediction first (as ``torch.nn.functional.kl_div`` does), although the
    formula names the target first. Terms with ``p = 0`` contribute 0; ``q`` is clipped away
    from 0. It equals cross-entropy minus the entropy of ``p``, so it is 0 exactly when
    ``q = p``. Gradient w.r.t. ``q``: ``-p / q / N``.

    Raises
    ------
    ValueError
        An empty batch, a shape mismatch, or a negative entry in ``q`` or ``p``.
    TypeError
        Non-numeric input.

    Examples
    --------
    >>> loss, _ = kl_divergence([[0.5, 0.5]], [[0.5, 0.5]])
    >>> loss
    0.0
    >>> round(kl_divergence([[0.25, 0.75]], [[0.5, 0.5]])[0], 4)   # KL(p || q), q predicted
    0.1438
    """
    q = _pred(q, "kl_divergence", "q")
    q_shape = q.shape
    if q.ndim == 1:
        q = q[None, :]
    p = _real_array(p, "kl_divergence", "p")
    p = _target_like(p[None, :] if p.ndim == 1 else p, q, "kl_divergence")
    for arr, what in ((q, "q (predicted probabilities)"), (p, "p (target probabilities)")):
        if float(arr.min()) < 0:
            raise ValueError(f"kl_divergence: {what} must be >= 0, got smallest entry "
                             f"{float(arr.min()):.4g}")
    qc = np.clip(q, _eps(q.dtype), None)
    safe_p = np.where(p > 0, p, 1)
    loss = np.sum(np.where(p > 0, p * (np.log(safe_p) - np.log(qc)), 0)) / q.shape[0]
    return float(loss), (-p / qc / q.shape[0]).astype(q.dtype, copy=False).reshape(q_shape)


LossFn = Callable[[ArrayLike, ArrayLike], tuple[float, FloatArray]]

LOSSES: dict[str, LossFn] = {
    "mse": mse,
    "binary_cross_entropy": binary_cross_entropy,
    "bce": binary_cross_entropy,
    "binary_cross_entropy_with_logits": binary_cross_entropy_with_logits,
    "bce_with_logits": binary_cross_entropy_with_logits,
    "cross_entropy": cross_entropy,
    "kl_divergence": kl_divergence,
}


def get_loss(name: str | LossFn, what: str = "get_loss") -> LossFn:
    """Look a loss up by name (or pass a callable through).

    Parameters
    ----------
    name : str or callable
        A key of :data:`LOSSES`, or a function ``(pred, target) -> (loss, grad)``.
    what : str
        Who is asking, for the error message.

    Raises
    ------
    TypeError
        For something that is neither a name nor a callable.
    ValueError
        For an unknown name; the message lists the known ones.

    Examples
    --------
    >>> get_loss("bce") is binary_cross_entropy
    True
    >>> get_loss("hinge")
    Traceback (most recent call last):
    ...
    ValueError: get_loss: unknown loss 'hinge'; expected one of ['bce', 'bce_with_logits', ...]
    """
    if callable(name):
        return name
    if not isinstance(name, str):
        raise TypeError(f"{what}: loss must be a name such as 'mse' or a function (pred, target) -> "
                        f"(loss, grad), got {name!r} ({type(name).__name__})")
    if name not in LOSSES:
        raise ValueError(f"{what}: unknown loss {name!r}; expected one of {sorted(LOSSES)}")
    return LOSSES[name]
