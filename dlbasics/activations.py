"""Activation functions and their derivatives (notebook 02).

Each activation is a small pure function ``f(z)`` next to its derivative ``f'(z)`` and its
backward pass ``dZ = dA ⊙ f'(Z)`` (named as in notebook 05: ``dA`` is ``∂L/∂A`` arriving from
above, ``dZ`` is ``∂L/∂Z`` passed on), so the forward formula and the backward formula can be
read side by side. The layers of :mod:`dlbasics.layers` call these functions. All functions work
elementwise on arrays of any shape (softmax works along the last axis) and are numerically
stable: no overflow warning and no NaN even at ``|z| = 1000``.

========== =================================== ================ ===============================
name       formula                             range            derivative
========== =================================== ================ ===============================
identity   ``z``                               (-inf, inf)      ``1``
step       ``1 if z > 0 else 0``               {0, 1}           ``0`` (undefined at 0)
sigmoid    ``1 / (1 + exp(-z))``               (0, 1)           ``s (1 - s)``
tanh       ``(e^z - e^-z) / (e^z + e^-z)``     (-1, 1)          ``1 - tanh(z)^2``
relu       ``max(0, z)``                       [0, inf)         ``1 if z > 0 else 0``
leaky_relu ``z if z > 0 else alpha z``         (-inf, inf)      ``1 if z > 0 else alpha``
softmax    ``exp(z_k) / sum_j exp(z_j)``       (0, 1), sums 1   Jacobian ``diag(p) - p p^T``
========== =================================== ================ ===============================
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from numbers import Real
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dlbasics._typing import FloatArray

__all__ = [
    "Activation",
    "get_activation",
    "ACTIVATIONS",
    "identity",
    "identity_grad",
    "step",
    "step_grad",
    "sigmoid",
    "sigmoid_grad",
    "sigmoid_backward",
    "tanh",
    "tanh_grad",
    "tanh_backward",
    "relu",
    "relu_grad",
    "relu_backward",
    "leaky_relu",
    "leaky_relu_grad",
    "leaky_relu_backward",
    "softmax",
    "softmax_backward",
]

def _real_array(x: Any, who: str, what: str = "input") -> NDArray[Any]:
    """``np.asarray(x)``, refusing what is not an array of real numbers (booleans count).

    Shared by every module of the package so that the same mistake gets the same message,
    one that names the function (``who``) and the argument (``what``) instead of NumPy's.
    O(1) for an array that is already numeric.

    Raises
    ------
    TypeError
        Ragged nested lists, strings, complex numbers, objects.

    Examples
    --------
    >>> _real_array([[1, 2], [3]], "mse", "pred")
    Traceback (most recent call last):
    ...
    TypeError: mse: pred must be an array of real numbers, got nested lists of different lengths
    """
    try:
        arr = np.asarray(x)
    except ValueError:  # numpy's "inhomogeneous shape"
        raise TypeError(f"{who}: {what} must be an array of real numbers, got nested lists of "
                        "different lengths") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{who}: {what} must be an array of real numbers, got dtype {arr.dtype}"
                        + (" (complex)" if arr.dtype.kind == "c" else ""))
    return arr


def _real_number(value: Any, who: str, what: str) -> float:
    """``float(value)`` for a finite real number (not a bool), else a clear error.

    Raises
    ------
    TypeError
        Not a real number.
    ValueError
        NaN or infinite.
    """
    if isinstance(value, bool) or not isinstance(value, Real | np.floating | np.integer):
        raise TypeError(f"{who}: {what} must be a real number, got {value!r} "
                        f"({type(value).__name__})")
    if not math.isfinite(float(value)):
        raise ValueError(f"{who}: {what} must be a finite number, got {value!r}")
    return float(value)


def _backward_args(dA: ArrayLike, X: ArrayLike, who: str, what: str) -> tuple[FloatArray, FloatArray]:
    """``dA`` and the saved ``Z`` or ``A`` of a backward pass, checked: numeric, same shape.

    O(1) for arrays (what the layers pass), so it costs nothing in the training loop.
    """
    X = X if isinstance(X, np.ndarray) and X.dtype.kind == "f" else _asfloat(X, who)
    dA = dA if isinstance(dA, np.ndarray) and dA.dtype.kind in "biuf" else _real_array(dA, who, "dA")
    if dA.shape != X.shape:
        raise ValueError(f"{who}: dA must have the shape of {what} {X.shape}, got {dA.shape}")
    return dA, X


def _asfloat(z: ArrayLike, who: str = "activation") -> FloatArray:
    """Return ``z`` as a floating array, keeping float32/float64 as they are."""
    if isinstance(z, np.ndarray) and z.dtype.kind == "f":  # what the layers pass: O(1)
        return z
    z = _real_array(z, who, "z")
    if not np.issubdtype(z.dtype, np.floating):
        z = z.astype(np.float64)
    return z


def identity(z: ArrayLike) -> FloatArray:
    """Identity ``f(z) = z``: the output layer of a regression network.

    Examples
    --------
    >>> identity([-1.0, 2.0])
    array([-1.,  2.])
    """
    return _asfloat(z, "identity").copy()


def identity_grad(z: ArrayLike) -> FloatArray:
    """Derivative of :func:`identity`: ``f'(z) = 1``."""
    return np.ones_like(_asfloat(z, "identity_grad"))


def step(z: ArrayLike) -> FloatArray:
    """Heaviside step ``f(z) = 1 if z > 0 else 0``: the perceptron's threshold.

    Examples
    --------
    >>> step([-0.5, 0.0, 0.17])
    array([0., 0., 1.])
    """
    z = _asfloat(z, "step")
    return (z > 0).astype(z.dtype)


def step_grad(z: ArrayLike) -> FloatArray:
    """Derivative of :func:`step`: zero everywhere it exists, which is why it cannot be
    trained by gradient descent."""
    return np.zeros_like(_asfloat(z, "step_grad"))


def sigmoid(z: ArrayLike) -> FloatArray:
    """Logistic sigmoid ``s(z) = 1 / (1 + exp(-z))``, squashing into (0, 1) — not (-1, 1).

    Computed as ``exp(-logaddexp(0, -z))`` so that ``z = -1000`` gives 0 without an overflow
    warning. The outputs 0 and 1 are reached only by rounding.

    Examples
    --------
    >>> sigmoid([-1000.0, 0.0, 1000.0])
    array([0. , 0.5, 1. ])
    """
    z = _asfloat(z, "sigmoid")
    return np.exp(-np.logaddexp(0, -z)).astype(z.dtype, copy=False)


def sigmoid_grad(z: ArrayLike) -> FloatArray:
    """Derivative of :func:`sigmoid`: ``s'(z) = s(z) (1 - s(z))``, at most 0.25 (at z = 0).

    Examples
    --------
    >>> sigmoid_grad([0.0])
    array([0.25])
    """
    s = sigmoid(z)
    return s * (1 - s)


def sigmoid_backward(dA: ArrayLike, A: ArrayLike, *, out: FloatArray | None = None) -> FloatArray:
    """Backward pass of ``A = sigmoid(Z)``: ``dZ = dA ⊙ A ⊙ (1 − A)``.

    The derivative is written with the *output* ``A``, which the forward pass kept:
    ``sigmoid'(Z) = A (1 − A)`` costs no ``exp``.

    Parameters
    ----------
    dA : array
        ``∂L/∂A``, the gradient arriving from the layer above.
    A : array, same shape
        The sigmoid's output from the forward pass.
    out : array, optional
        Receives ``dZ`` (a buffer reused between training steps).

    Raises
    ------
    ValueError
        ``dA`` and ``A`` of different shapes.
    TypeError
        Non-numeric input.

    Examples
    --------
    >>> sigmoid_backward([[1.0, 1.0]], [[0.5, 0.9]])   # A (1 - A): 0.25 at the centre
    array([[0.25, 0.09]])
    """
    dA, A = _backward_args(dA, A, "sigmoid_backward", "A")
    dZ = np.subtract(1, A, out=out)  # 1 − A
    dZ *= A  # A (1 − A) = sigmoid'(Z)
    dZ *= dA  # dA ⊙ sigmoid'(Z)
    return dZ


def tanh(z: ArrayLike) -> FloatArray:
    """Hyperbolic tangent, squashing into (-1, 1); zero-centred, unlike the sigmoid.

    Examples
    --------
    >>> tanh([0.0])
    array([0.])
    """
    return np.tanh(_asfloat(z, "tanh"))


def tanh_grad(z: ArrayLike) -> FloatArray:
    """Derivative of :func:`tanh`: ``1 - tanh(z)^2``."""
    t = np.tanh(_asfloat(z, "tanh_grad"))
    return 1 - t * t


def tanh_backward(dA: ArrayLike, A: ArrayLike, *, out: FloatArray | None = None) -> FloatArray:
    """Backward pass of ``A = tanh(Z)``: ``dZ = dA ⊙ (1 − A²)`` (notebook 05's table).

    Parameters
    ----------
    dA : array
        ``∂L/∂A``.
    A : array, same shape
        The forward pass's output ``tanh(Z)``.
    out : array, optional
        Receives ``dZ``.

    Raises
    ------
    ValueError
        ``dA`` and ``A`` of different shapes.
    TypeError
        Non-numeric input.

    Examples
    --------
    >>> tanh_backward([[2.0, 2.0]], [[0.0, 0.5]])
    array([[2. , 1.5]])
    """
    dA, A = _backward_args(dA, A, "tanh_backward", "A")
    dZ = np.multiply(A, A, out=out)  # A²
    np.subtract(1, dZ, out=dZ)  # 1 − A² = tanh'(Z)
    dZ *= dA  # dA ⊙ tanh'(Z)
    return dZ


def relu(z: ArrayLike, *, out: FloatArray | None = None) -> FloatArray:
    """Rectified linear unit ``max(0, z)``: cheap, and does not saturate for z > 0.

    ``out``, an array of ``z``'s shape and dtype, receives the result (a buffer reused between
    training steps).

    Examples
    --------
    >>> relu([-2.0, 0.0, 3.0])
    array([0., 0., 3.])
    """
    z = _asfloat(z, "relu")
    return np.maximum(z, 0, dtype=z.dtype, out=out)


def relu_grad(z: ArrayLike) -> FloatArray:
    """Derivative of :func:`relu`: 1 where z > 0, else 0 (a unit stuck at 0 is "dead")."""
    z = _asfloat(z, "relu_grad")
    return (z > 0).astype(z.dtype)


def relu_backward(dA: ArrayLike, Z: ArrayLike, *, out: FloatArray | None = None) -> FloatArray:
    """Backward pass of ``A = relu(Z)``: ``dZ = dA ⊙ 1[Z > 0]``.

    The gradient flows back unchanged where the unit was active and is cut where it was not.

    Parameters
    ----------
    dA : array
        ``∂L/∂A``.
    Z : array, same shape
        The forward pass's input.
    out : array, optional
        Receives ``dZ``.

    Raises
    ------
    ValueError
        ``dA`` and ``Z`` of different shapes.
    TypeError
        Non-numeric input.

    Examples
    --------
    >>> relu_backward([[5.0, 5.0, 5.0]], [[-2.0, 0.0, 3.0]])
    array([[0., 0., 5.]])
    """
    dA, Z = _backward_args(dA, Z, "relu_backward", "Z")
    return np.multiply(dA, Z > 0, out=out)  # dA ⊙ 1[Z > 0]


def leaky_relu(z: ArrayLike, alpha: float = 0.01) -> FloatArray:
    """Leaky ReLU ``z if z > 0 else alpha z``: a small slope keeps units from dying.

    Examples
    --------
    >>> leaky_relu([-2.0, 3.0], alpha=0.1)
    array([-0.2,  3. ])

    Raises
    ------
    TypeError
        ``z`` is not numeric, or ``alpha`` is not a real number.
    ValueError
        ``alpha`` is NaN or infinite.
    """
    z = _asfloat(z, "leaky_relu")
    a = _real_number(alpha, "leaky_relu", "alpha")
    return np.where(z > 0, z, z * z.dtype.type(a))


def leaky_relu_grad(z: ArrayLike, alpha: float = 0.01) -> FloatArray:
    """Derivative of :func:`leaky_relu`: 1 where z > 0, else ``alpha``."""
    z = _asfloat(z, "leaky_relu_grad")
    a = _real_number(alpha, "leaky_relu_grad", "alpha")
    return np.where(z > 0, z.dtype.type(1), z.dtype.type(a))


def leaky_relu_backward(dA: ArrayLike, Z: ArrayLike, alpha: float = 0.01) -> FloatArray:
    """Backward pass of ``A = leaky_relu(Z)``: ``dZ = dA ⊙ (1 if Z > 0 else alpha)``.

    Raises
    ------
    ValueError
        ``dA`` and ``Z`` of different shapes, ``alpha`` NaN or infinite.
    TypeError
        Non-numeric input.

    Examples
    --------
    >>> leaky_relu_backward([[1.0, 1.0, 1.0]], [[-2.0, 0.0, 3.0]], alpha=0.1)
    array([[0.1, 0.1, 1. ]])
    """
    dA, Z = _backward_args(dA, Z, "leaky_relu_backward", "Z")
    return dA * leaky_relu_grad(Z, alpha).astype(np.result_type(dA, Z), copy=False)


def softmax(z: ArrayLike, axis: int = -1) -> FloatArray:
    """Softmax ``p_k = exp(z_k) / sum_j exp(z_j)`` along ``axis``: turns scores into probabilities.

    Subtracting the row maximum first changes nothing mathematically but keeps ``exp`` from
    overflowing.

    Shape: ``(N, K) -> (N, K)``, each row sums to 1.

    Examples
    --------
    >>> softmax([[1000.0, 1000.0]])
    array([[0.5, 0.5]])

    Raises
    ------
    TypeError
        ``z`` is not numeric, or ``axis`` is not an int.
    ValueError
        ``axis`` does not exist in ``z``, or has length 0 (no scores to normalise).
    """
    z = _asfloat(z, "softmax")
    if isinstance(axis, bool) or not isinstance(axis, int | np.integer):
        raise TypeError(f"softmax: axis must be an int, got {axis!r}")
    if not -z.ndim <= axis < z.ndim:
        raise ValueError(f"softmax: axis must be in [{-z.ndim}, {z.ndim}) for an input of shape "
                         f"{z.shape}, got axis={axis}")
    if z.shape[axis] == 0:
        raise ValueError(f"softmax: needs at least one score along axis {axis}, got shape {z.shape}")
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def softmax_backward(p: ArrayLike, dp: ArrayLike) -> FloatArray:
    """Backward pass of softmax: ``dZ = p * (dP - sum(dP * p))`` row by row.

    This is the Jacobian ``diag(p) - p p^T`` applied to the upstream gradient ``dP`` without
    ever forming the ``(K, K)`` matrix.

    Parameters
    ----------
    p : array, shape (N, K)
        Softmax output.
    dp : array, shape (N, K)
        Gradient of the loss with respect to ``p``.

    Raises
    ------
    TypeError
        Non-numeric input.
    ValueError
        ``dp`` and ``p`` of different shapes.

    Examples
    --------
    >>> softmax_backward([[0.5, 0.5]], [[1.0, 0.0]])
    array([[ 0.25, -0.25]])
    """
    p = _asfloat(p, "softmax_backward")
    dp = _real_array(dp, "softmax_backward", "dp")
    if dp.shape != p.shape:
        raise ValueError(f"softmax_backward: dp must have the shape of p {p.shape}, got {dp.shape}")
    dp = dp.astype(p.dtype, copy=False)
    return p * (dp - (dp * p).sum(axis=-1, keepdims=True))


@dataclass(frozen=True)
class Activation:
    """An activation function together with its derivative.

    Attributes
    ----------
    name : str
        Registry name (``"relu"``, ``"sigmoid"`` ...).
    f : callable
        The function, ``A = f(Z)``.
    df : callable
        Its elementwise derivative ``f'(Z)``. For softmax, which is not elementwise, use
        :func:`softmax_backward` instead.
    """

    name: str
    f: Callable[[ArrayLike], FloatArray]
    df: Callable[[ArrayLike], FloatArray]

    def __call__(self, z: ArrayLike) -> FloatArray:
        return self.f(z)


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in [
        Activation("identity", identity, identity_grad),
        Activation("step", step, step_grad),
        Activation("sigmoid", sigmoid, sigmoid_grad),
        Activation("tanh", tanh, tanh_grad),
        Activation("relu", relu, relu_grad),
        Activation("leaky_relu", leaky_relu, leaky_relu_grad),
        Activation("softmax", softmax, lambda z: softmax(z) * (1 - softmax(z))),
    ]
}


def get_activation(name: str | Activation) -> Activation:
    """Look an activation up by name.

    Names are case-insensitive, ``-`` and spaces count as ``_``, and ``"linear"`` or
    ``"none"`` mean ``"identity"``.

    Raises
    ------
    TypeError
        For something that is not a name (a function such as ``dl.relu``, a number ...).
    ValueError
        For an unknown name; the message lists the known ones.

    Examples
    --------
    >>> get_activation("relu").f([-1.0, 2.0])
    array([0., 2.])
    >>> get_activation(relu)
    Traceback (most recent call last):
    ...
    TypeError: get_activation: an activation is given by its name, e.g. 'relu', got the function relu
    """
    if isinstance(name, Activation):
        return name
    if not isinstance(name, str):
        got = (f"the function {name.__name__}" if callable(name) and hasattr(name, "__name__")
               else f"{name!r} ({type(name).__name__})")
        raise TypeError(f"get_activation: an activation is given by its name, e.g. 'relu', got {got}")
    key = name.lower().replace("-", "_").replace(" ", "_")
    key = {"linear": "identity", "none": "identity", "leakyrelu": "leaky_relu"}.get(key, key)
    if key not in ACTIVATIONS:
        raise ValueError(
            f"get_activation: unknown activation {name!r}; expected one of {sorted(ACTIVATIONS)}"
        )
    return ACTIVATIONS[key]
