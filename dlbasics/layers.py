"""Layers: a fully connected (dense) layer and activation layers (notebooks 04 and 05).

Every layer has the same small interface, in the spirit of ``out, cache = forward(x)`` /
``dx = backward(dout)``, with notebook 05's names:

* ``forward(X)`` computes the output and remembers what ``backward`` will need;
* ``backward(dZ)`` (Dense) or ``backward(dA)`` (activations) takes ``∂L/∂(output)``, stores the
  parameter gradients (``dW``, ``db``) and returns ``∂L/∂(input)`` (``dX`` or ``dZ``);
* ``parameters()`` lists ``(value, gradient)`` pairs of arrays that an optimizer updates in
  place.

Batch first: ``X`` is ``(N, n_in)``, ``W`` is ``(n_in, n_out)``, ``b`` is ``(n_out,)`` and
``Z = X @ W + b`` is ``(N, n_out)``. Column ``W[:, j]`` holds unit ``j``'s incoming weights.
(PyTorch's ``nn.Linear`` stores the transpose, ``weight`` of shape ``(n_out, n_in)``.)

Speed: while ``layer.reuse_buffers`` is true (:func:`dlbasics.training.fit` switches it on
with :meth:`dlbasics.network.Sequential.reusing_buffers` and off again when it returns) a layer
writes into buffers it keeps between calls instead of allocating new arrays every step. The
arrays it returns are then overwritten by the next call, which is why it is off by default.
The formulas are the same either way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from dlbasics._typing import Array, RngLike
from dlbasics._util import as_rng, positive_int
from dlbasics.activations import (
    _real_array,
    _real_number,
    get_activation,
    leaky_relu,
    leaky_relu_backward,
    relu,
    relu_backward,
    sigmoid_backward,
    softmax,
    softmax_backward,
    tanh_backward,
)

__all__ = [
    "Layer",
    "Dense",
    "Rescale",
    "ActivationLayer",
    "Identity",
    "Step",
    "Sigmoid",
    "Tanh",
    "ReLU",
    "LeakyReLU",
    "Softmax",
    "activation_layer",
    "init_weights",
    "INITIALIZERS",
]

# ``as_rng`` and ``positive_int`` live in dlbasics._util (still importable from here).


def float_dtype(dtype: DTypeLike, who: str) -> np.dtype[Any]:
    """``np.dtype(dtype)`` if it is float32 or float64 (what layers compute in).

    Raises
    ------
    TypeError
        Not a dtype, or another dtype (integers would truncate every weight to 0).

    Examples
    --------
    >>> float_dtype("float32", "Dense")
    dtype('float32')
    """
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{who}: dtype must be float32 or float64, got {dtype!r}") from None
    if dt not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise TypeError(f"{who}: dtype must be float32 or float64, got {dt}")
    return dt


def init_weights(
    n_in: int, n_out: int, scheme: str = "xavier", rng: RngLike = None, dtype: DTypeLike = np.float32
) -> Array:
    """Random initial weights of shape ``(n_in, n_out)``.

    ========= ============================================== ===============================
    scheme    distribution                                   suits
    ========= ============================================== ===============================
    uniform   ``U(-1, 1)``                                   first experiments (notebook 04)
    xavier    ``U(-a, a)``, ``a = sqrt(6 / (n_in + n_out))`` sigmoid, tanh (Glorot 2010)
    he        ``N(0, 2 / n_in)``                             ReLU (He et al. 2015)
    ========= ============================================== ===============================

    Xavier keeps the variance of activations and gradients roughly equal from layer to layer
    for symmetric activations; He doubles it to make up for ReLU zeroing half its inputs.

    Examples
    --------
    >>> init_weights(3, 4, "uniform", rng=0).shape
    (3, 4)

    Raises
    ------
    TypeError
        Sizes that are not ints, a scheme that is not a string, a dtype other than float32 or
        float64, an ``rng`` of the wrong kind.
    ValueError
        Sizes below 1, an unknown scheme (the message lists the known ones).
    """
    n_in = positive_int(n_in, "init_weights", "n_in")
    n_out = positive_int(n_out, "init_weights", "n_out")
    dt = float_dtype(dtype, "init_weights")
    if not isinstance(scheme, str):
        raise TypeError(f"init_weights: scheme must be a name such as 'he', got {scheme!r}")
    key = scheme.lower()
    if key not in INITIALIZERS:
        raise ValueError(f"init_weights: unknown initializer {scheme!r}; expected one of "
                         f"{sorted(INITIALIZERS)}")
    return INITIALIZERS[key](n_in, n_out, as_rng(rng, "init_weights")).astype(dt)


INITIALIZERS: dict[str, Callable[[int, int, np.random.Generator], Array]] = {
    "uniform": lambda i, o, r: r.uniform(-1.0, 1.0, size=(i, o)),
    "xavier": lambda i, o, r: r.uniform(-1.0, 1.0, size=(i, o)) * np.sqrt(6.0 / (i + o)),
    "glorot": lambda i, o, r: r.uniform(-1.0, 1.0, size=(i, o)) * np.sqrt(6.0 / (i + o)),
    "he": lambda i, o, r: r.standard_normal(size=(i, o)) * np.sqrt(2.0 / i),
    "kaiming": lambda i, o, r: r.standard_normal(size=(i, o)) * np.sqrt(2.0 / i),
}


class Layer:
    """Base class of every layer, the library's and a learner's own.

    A layer of one's own subclasses it and writes, as :class:`Dense` does:

    * ``forward(X)`` → the output for the batch ``X``, keeping what backward needs;
    * ``backward(dA)`` → ``dX = ∂L/∂X``, after filling its gradient arrays (``dW``, ``db``) in place;
    * ``named_parameters()`` → ``[("W", W, dW), ("b", b, db)]``: each value with its gradient, the
      arrays the optimizer updates in place (keep the same arrays: assign into them, ``dW[...] = …``);
    * ``n_in`` and ``n_out`` (ints), if it changes the width as a dense layer does.

    Such a layer goes into :class:`~dlbasics.network.Sequential` (or in place of one of
    ``dl.mlp``'s layers) and trains with :func:`~dlbasics.training.fit` like the library's own.
    """

    #: short name shown in summaries and error messages
    name: str = "layer"
    #: write results into buffers kept between calls (switched on by training, see the module)
    reuse_buffers: bool = False

    def __init__(self) -> None:
        self._buffers: dict[str, Array] = {}

    # -- the interface -------------------------------------------------------------------
    def forward(self, X: ArrayLike) -> Array:
        """Output of the layer for the batch ``X``; caches what backward needs."""
        raise NotImplementedError

    def backward(self, dout: Array, *, input_grad: bool = True) -> Array:
        """Given ``∂L/∂(output)``, store parameter gradients and return ``∂L/∂(input)``.

        ``input_grad=False`` skips computing ``∂L/∂(input)`` (the first layer of a network
        does not need it) and returns an empty array.
        """
        raise NotImplementedError

    def parameters(self) -> list[tuple[Array, Array]]:
        """``(value, gradient)`` pairs; the optimizer updates the values in place."""
        return [(p, g) for _, p, g in self.named_parameters()]

    def named_parameters(self) -> list[tuple[str, Array, Array]]:
        """``(name, value, gradient)`` triples, e.g. ``("W", W, dW)``."""
        return []

    def output_size(self, n_in: int) -> int:
        """Width of the output for an input of width ``n_in`` (``n_out``, if the layer has one)."""
        n_out = getattr(self, "n_out", None)
        return n_out if isinstance(n_out, int) and not isinstance(n_out, bool) else n_in

    def config(self) -> dict[str, Any]:
        """What is needed to rebuild the layer (saved next to the weights)."""
        return {"type": type(self).__name__}

    @property
    def n_params(self) -> int:
        """Number of trainable numbers in the layer."""
        return sum(p.size for _, p, _ in self.named_parameters())

    # -- helpers ---------------------------------------------------------------------------
    def _incoming_grad(self, grad: Any, name: str, shape: tuple[int, ...] | None) -> Array:
        """The gradient ``backward`` receives, checked: a forward pass came first (``shape`` is
        the last output's shape, ``None`` before any), it is numeric and of that shape."""
        if shape is None:
            raise RuntimeError(f"layer '{self.name}': call forward before backward")
        if not isinstance(grad, np.ndarray) or grad.dtype.kind not in "biuf":
            grad = _real_array(grad, f"layer '{self.name}' backward", name)
        if grad.shape != shape:
            raise ValueError(f"layer '{self.name}' backward expected {name} of shape {shape}, "
                             f"got {grad.shape}")
        return grad

    def _out(self, key: str, shape: tuple[int, ...], dtype: DTypeLike) -> Array:
        """Where to write a result: a buffer kept between calls while ``reuse_buffers``,
        otherwise a fresh array."""
        if not self.reuse_buffers:
            return np.empty(shape, dtype=dtype)
        buf = self._buffers.get(key)
        if buf is None or buf.shape != shape or buf.dtype != np.dtype(dtype):
            buf = np.empty(shape, dtype=dtype)
            self._buffers[key] = buf
        return buf

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.config().items() if k != "type")
        return f"{type(self).__name__}({args})"


class Dense(Layer):
    """Fully connected layer ``Z = X @ W + b``: every input feeds every unit.

    Parameters
    ----------
    n_in, n_out : int
        Input and output widths.
    init : str
        Weight initialisation: ``"uniform"``, ``"xavier"`` (default) or ``"he"``; see
        :func:`init_weights`. Biases start at zero.
    rng : numpy.random.Generator or int, optional
        Source of randomness for the initial weights.
    dtype : numpy dtype
        ``float32`` (default, fast) or ``float64`` (gradient checks).
    name : str, optional

    Attributes
    ----------
    W : array, shape (n_in, n_out)
        Weights; column ``W[:, j]`` feeds unit ``j``. PyTorch's ``Linear.weight`` is ``W.T``.
    b : array, shape (n_out,)
    dW, db : arrays of the same shapes
        Gradients ``dL/dW``, ``dL/db`` set by :meth:`backward` (overwritten, not accumulated).

    Shape
    -----
    ``(N, n_in) -> (N, n_out)``

    Examples
    --------
    >>> layer = Dense(3, 4, rng=0)
    >>> layer.forward(np.ones((100, 3))).shape
    (100, 4)

    Raises
    ------
    TypeError
        Sizes that are not ints (``2.5``, ``"3"``), a dtype other than float32/float64, a name
        that is not a string.
    ValueError
        Sizes below 1, an unknown ``init``.

    Taught in notebook 04 (forward) and 05 (backward).
    """

    name = "dense"

    def __init__(
        self,
        n_in: int,
        n_out: int,
        *,
        init: str = "xavier",
        rng: RngLike = None,
        dtype: DTypeLike = np.float32,
        name: str | None = None,
    ) -> None:
        super().__init__()
        for what, value in (("n_in", n_in), ("n_out", n_out)):
            if isinstance(value, int | np.integer) and not isinstance(value, bool) and value < 1:
                raise ValueError(f"Dense: sizes must be positive, got n_in={n_in}, n_out={n_out}")
            positive_int(value, "Dense", what)
        if name is not None and not isinstance(name, str):
            raise TypeError(f"Dense: name must be a string, got {name!r}")
        self.n_in, self.n_out, self.init = int(n_in), int(n_out), init
        if name is not None:
            self.name = name
        dt = float_dtype(dtype, f"Dense {self.n_in}->{self.n_out}")
        self.W = init_weights(self.n_in, self.n_out, init, rng, dt)  # (n_in, n_out)
        self.b = np.zeros(self.n_out, dtype=dt)  # (n_out,)
        self._init_grads()

    def _init_grads(self) -> None:
        self.dW = np.zeros_like(self.W)  # (n_in, n_out)
        self.db = np.zeros_like(self.b)  # (n_out,)
        self._X: Array | None = None

    @classmethod
    def from_arrays(cls, W: ArrayLike, b: ArrayLike | None = None, *, init: str = "xavier",
                    name: str | None = None) -> Dense:
        """A Dense layer holding copies of the given weights (no random weights are drawn).

        Parameters
        ----------
        W : array, shape (n_in, n_out), float32 or float64
        b : array, shape (n_out,), optional
            Zeros when omitted; converted to ``W``'s dtype.
        init : str
            Recorded in :meth:`config` (the scheme the weights were first drawn from).
        name : str, optional

        Raises
        ------
        TypeError
            ``W`` that is not float32/float64.
        ValueError
            ``W`` that is not 2-D or has a zero size, ``b`` of the wrong shape, NaN or inf.

        Examples
        --------
        >>> layer = Dense.from_arrays(np.eye(2), [1.0, -1.0])
        >>> layer.forward([[2.0, 3.0]])
        array([[3., 2.]])
        """
        W_arr = _real_array(W, "Dense.from_arrays", "W")
        if W_arr.dtype.kind != "f":
            W_arr = W_arr.astype(np.float64)
        dt = float_dtype(W_arr.dtype, "Dense.from_arrays")
        if W_arr.ndim != 2 or 0 in W_arr.shape:
            raise ValueError(f"Dense.from_arrays: W must have shape (n_in, n_out), both >= 1, "
                             f"got {W_arr.shape}")
        n_out = W_arr.shape[1]
        b_arr = np.zeros(n_out, dt) if b is None else _real_array(b, "Dense.from_arrays", "b")
        if b_arr.shape != (n_out,):
            raise ValueError(f"Dense.from_arrays: b must have shape ({n_out},) to match W "
                             f"{W_arr.shape}, got {b_arr.shape}")
        for what, arr in (("W", W_arr), ("b", b_arr)):
            if not np.all(np.isfinite(arr)):
                raise ValueError(f"Dense.from_arrays: {what} contains NaN or inf")
        if init.lower() not in INITIALIZERS:
            raise ValueError(f"Dense.from_arrays: unknown initializer {init!r}; expected one of "
                             f"{sorted(INITIALIZERS)}")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"Dense.from_arrays: name must be a string, got {name!r}")
        layer = cls.__new__(cls)
        Layer.__init__(layer)
        layer.n_in, layer.n_out, layer.init = W_arr.shape[0], n_out, init
        if name is not None:
            layer.name = name
        layer.W = np.array(W_arr, dtype=dt, order="C")  # a copy: the layer owns its weights
        layer.b = np.array(b_arr, dtype=dt)
        layer._init_grads()
        return layer

    def forward(self, X: ArrayLike) -> Array:
        """``Z = X @ W + b`` for a batch ``X`` of shape ``(N, n_in)`` (one sample ``(n_in,)``
        is taken as a batch of one).

        Raises
        ------
        ValueError
            ``X`` of another shape; the message names the layer.
        TypeError
            ``X`` that is not numeric.
        """
        X = X if isinstance(X, np.ndarray) else _real_array(X, f"layer '{self.name}'", "input")
        if X.ndim == 1 and self.n_in == X.shape[0]:
            X = X[None, :]
        if X.ndim != 2 or X.shape[1] != self.n_in:
            raise ValueError(
                f"layer '{self.name}' (Dense {self.n_in}->{self.n_out}) expected input of shape "
                f"(N, {self.n_in}), got {X.shape}"
            )
        if X.dtype != self.W.dtype:
            if X.dtype.kind not in "biuf":
                raise TypeError(f"layer '{self.name}' (Dense {self.n_in}->{self.n_out}) expected "
                                f"real numbers, got dtype {X.dtype}")
            X = X.astype(self.W.dtype)
        self._X = X  # (N, n_in), kept for backward
        Z = np.matmul(X, self.W, out=self._out("Z", (len(X), self.n_out), self.W.dtype))  # (N, n_out)
        Z += self.b  # Z = X @ W + b, b broadcast over the rows
        return Z

    def backward(self, dZ: Array, *, input_grad: bool = True) -> Array:
        """Set ``dW = Xᵀ dZ``, ``db = Σ_rows dZ`` and return ``dX = dZ Wᵀ`` (notebook 05).

        ``dZ`` is ``∂L/∂Z``, shape ``(N, n_out)``; ``dW`` and ``db`` are overwritten, not
        accumulated, so there is nothing to reset between steps.

        Raises
        ------
        RuntimeError
            Before any forward pass.
        ValueError
            ``dZ`` whose shape is not ``(N, n_out)`` for the last forward's ``N``.
        TypeError
            ``dZ`` that is not numeric.
        """
        X = self._X
        dZ = self._incoming_grad(dZ, "dZ", None if X is None else (X.shape[0], self.n_out))
        assert X is not None
        np.matmul(X.T, dZ, out=self.dW)  # (n_in, n_out)  dW = Xᵀ dZ
        dZ.sum(axis=0, out=self.db)  # (n_out,)  db = Σ_rows dZ
        if not input_grad:
            return np.empty((0,), dtype=self.W.dtype)
        dX = np.matmul(dZ, self.W.T, out=self._out("dX", X.shape, self.W.dtype))  # (N, n_in)
        return dX  # dX = dZ Wᵀ

    def named_parameters(self) -> list[tuple[str, Array, Array]]:
        return [("W", self.W, self.dW), ("b", self.b, self.db)]

    def output_size(self, n_in: int) -> int:
        if n_in != self.n_in:
            raise ValueError(
                f"layer '{self.name}' (Dense {self.n_in}->{self.n_out}) cannot follow a layer of "
                f"width {n_in}"
            )
        return self.n_out

    def config(self) -> dict[str, Any]:
        return {
            "type": "Dense",
            "n_in": self.n_in,
            "n_out": self.n_out,
            "init": self.init,
            "dtype": np.dtype(self.W.dtype).name,
            "name": self.name,
        }

    def __repr__(self) -> str:
        return f"Dense({self.n_in}, {self.n_out})"


class Rescale(Layer):
    """Scale the input by a constant: ``A = X * scale``, computed in the network's dtype.

    The first layer of a network that takes 8-bit images directly (``scale=1/255`` maps the
    pixels 0..255 to [0, 1], like Keras's ``Rescaling``): training then converts one batch at
    a time instead of keeping a float copy of the whole data set (the 70,000 MNIST images take
    55 MB as ``uint8``, 219 MB as ``float32``). :func:`dlbasics.network.mlp` adds it with
    ``input_scale=``. It has no parameters; backward is ``dX = dA * scale``.

    Parameters
    ----------
    scale : float
        The factor, a finite non-zero number.
    dtype : numpy dtype
        ``float32`` (default) or ``float64``: what the output is, whatever the input's dtype.

    Shape
    -----
    Any shape, preserved: ``(N, n) -> (N, n)``.

    Raises
    ------
    TypeError
        ``scale`` not a real number, a dtype other than float32/float64.
    ValueError
        ``scale`` zero, NaN or infinite.

    Examples
    --------
    >>> layer = Rescale(1 / 255)
    >>> layer.forward(np.array([[0, 51, 255]], dtype=np.uint8)).round(4)
    array([[0. , 0.2, 1. ]], dtype=float32)
    >>> layer.backward(np.ones((1, 3), dtype=np.float32)).round(4)
    array([[0.0039, 0.0039, 0.0039]], dtype=float32)
    """

    name = "rescale"

    def __init__(self, scale: float, *, dtype: DTypeLike = np.float32) -> None:
        super().__init__()
        self.scale = _real_number(scale, "Rescale", "scale")
        if self.scale == 0:
            raise ValueError("Rescale: scale must be non-zero (it would erase the input), got 0")
        self.dtype = float_dtype(dtype, "Rescale")
        self._shape: tuple[int, ...] | None = None

    def forward(self, X: ArrayLike) -> Array:
        """``A = X * scale`` in the layer's dtype (``X`` may be integers, e.g. ``uint8``).

        Raises
        ------
        TypeError
            ``X`` that is not numeric.
        """
        X = X if isinstance(X, np.ndarray) and X.dtype.kind in "biuf" else _real_array(
            X, f"layer '{self.name}'", "input")
        self._shape = X.shape
        scale = self.dtype.type(self.scale)
        return np.multiply(X, scale, out=self._out("A", X.shape, self.dtype), dtype=self.dtype)

    def backward(self, dA: Array, *, input_grad: bool = True) -> Array:
        """``dX = dA * scale``.

        Raises
        ------
        RuntimeError
            Before any forward pass.
        ValueError
            ``dA`` of another shape than the last output.
        """
        dA = self._incoming_grad(dA, "dA", self._shape)
        if not input_grad:
            return np.empty((0,), dtype=self.dtype)
        return np.multiply(dA, self.dtype.type(self.scale), out=self._out("dX", dA.shape, self.dtype))

    def config(self) -> dict[str, Any]:
        return {"type": "Rescale", "scale": self.scale, "dtype": self.dtype.name}

    def __repr__(self) -> str:
        return f"Rescale(scale={self.scale!r})"


class ActivationLayer(Layer):
    """Applies an activation function elementwise: ``A = f(Z)``, backward ``dZ = dA ⊙ f'(Z)``.

    ``f`` and ``f'`` come from :mod:`dlbasics.activations`, where each derivative sits next to
    its function.

    Use the named subclasses (:class:`ReLU`, :class:`Sigmoid` ...) or :func:`activation_layer`.
    """

    activation = "identity"

    def __init__(self) -> None:
        super().__init__()
        self._act = get_activation(self.activation)
        self.name = self.activation
        self._Z: Array | None = None
        self._A: Array | None = None

    def forward(self, X: ArrayLike) -> Array:
        """``A = f(Z)``, elementwise (softmax: along the last axis), for the input ``Z = X``.

        Raises
        ------
        TypeError
            ``X`` that is not numeric.
        """
        Z = X if isinstance(X, np.ndarray) and X.dtype.kind in "biuf" else _real_array(
            X, f"layer '{self.name}'", "input")
        self._Z = Z
        self._A = self._forward(Z)
        return self._A

    def _forward(self, Z: Array) -> Array:
        return self._act.f(Z)  # A = f(Z)

    def backward(self, dA: Array, *, input_grad: bool = True) -> Array:
        """``dZ = dA ⊙ f'(Z)`` for the ``Z`` of the last forward pass (``dA`` is ``∂L/∂A``).

        Raises
        ------
        RuntimeError
            Before any forward pass.
        ValueError
            ``dA`` of another shape than the last output.
        TypeError
            ``dA`` that is not numeric.
        """
        dA = self._incoming_grad(dA, "dA", None if self._A is None else self._A.shape)
        assert self._Z is not None and self._A is not None
        return self._backward(dA, self._Z, self._A)

    def _backward(self, dA: Array, Z: Array, A: Array) -> Array:
        return dA * self._act.df(Z)  # dZ = dA ⊙ f'(Z)

    def config(self) -> dict[str, Any]:
        return {"type": type(self).__name__}


class Identity(ActivationLayer):
    """``A = Z`` (regression output); backward ``dZ = dA``.

    Shape
    -----
    Any shape, preserved: ``(N, n) -> (N, n)``.

    Examples
    --------
    >>> layer = Identity()
    >>> layer.forward(np.array([[-2.0, 3.0]]))
    array([[-2.,  3.]])
    >>> layer.backward(np.array([[0.5, 1.0]]))   # the gradient passes through unchanged
    array([[0.5, 1. ]])
    """

    activation = "identity"


class Step(ActivationLayer):
    """Heaviside step ``A = 1[Z > 0]``: the perceptron's activation; its gradient is zero.

    A zero gradient is why a network of step units cannot learn by backpropagation
    (notebook 03 trains the perceptron with its own rule instead).

    Shape
    -----
    Any shape, preserved: ``(N, n) -> (N, n)``.

    Examples
    --------
    >>> layer = Step()
    >>> layer.forward(np.array([[-2.0, 0.0, 3.0]]))
    array([[0., 0., 1.]])
    >>> layer.backward(np.ones((1, 3)))   # nothing flows back
    array([[0., 0., 0.]])
    """

    activation = "step"


class Sigmoid(ActivationLayer):
    """``A = 1 / (1 + exp(-Z))``; backward ``dZ = dA ⊙ A (1 − A)``.

    The slope ``A (1 - A)`` is at most 1/4 (at ``Z = 0``) and vanishes for large ``|Z|``.

    Shape
    -----
    Any shape, preserved: ``(N, n) -> (N, n)``.

    Examples
    --------
    >>> layer = Sigmoid()
    >>> layer.forward(np.array([[-20.0, 0.0, 20.0]])).round(4)
    array([[0. , 0.5, 1. ]])
    >>> layer.backward(np.ones((1, 3))).round(4)   # 1/4 at the centre, ~0 when saturated
    array([[0.  , 0.25, 0.  ]])
    """

    activation = "sigmoid"

    def _backward(self, dA: Array, Z: Array, A: Array) -> Array:
        return sigmoid_backward(dA, A, out=self._out("dZ", A.shape, A.dtype))  # dA ⊙ A (1 − A)


class Tanh(ActivationLayer):
    """``A = tanh(Z)``; backward ``dZ = dA ⊙ (1 − A²)``.

    Zero-centred, with slope 1 at ``Z = 0`` (four times the sigmoid's); it too saturates.

    Shape
    -----
    Any shape, preserved: ``(N, n) -> (N, n)``.

    Examples
    --------
    >>> layer = Tanh()
    >>> layer.forward(np.array([[-20.0, 0.0, 20.0]]))
    array([[-1.,  0.,  1.]])
    >>> layer.backward(np.ones((1, 3)))
    array([[0., 1., 0.]])
    """

    activation = "tanh"

    def _backward(self, dA: Array, Z: Array, A: Array) -> Array:
        return tanh_backward(dA, A, out=self._out("dZ", A.shape, A.dtype))  # dA ⊙ (1 − A²)


class ReLU(ActivationLayer):
    """``A = max(0, Z)``; backward ``dZ = dA ⊙ 1[Z > 0]``.

    Shape
    -----
    Any shape, preserved: ``(N, n) -> (N, n)``.

    Examples
    --------
    Negatives are zeroed, and the gradient flows back only where ``Z > 0``:

    >>> layer = ReLU()
    >>> layer.forward(np.array([[-2.0, 0.0, 3.0]]))
    array([[0., 0., 3.]])
    >>> layer.backward(np.array([[5.0, 5.0, 5.0]]))
    array([[0., 0., 5.]])
    """

    activation = "relu"

    def _forward(self, Z: Array) -> Array:
        dtype = Z.dtype if Z.dtype.kind == "f" else np.dtype(np.float64)  # as relu() gives
        return relu(Z, out=self._out("A", Z.shape, dtype))  # A = max(0, Z)

    def _backward(self, dA: Array, Z: Array, A: Array) -> Array:
        return relu_backward(dA, Z, out=self._out("dZ", Z.shape, dA.dtype))  # dA ⊙ 1[Z > 0]


class LeakyReLU(ActivationLayer):
    """``A = Z if Z > 0 else alpha Z``; backward ``dZ = dA ⊙ (1 if Z > 0 else alpha)``.

    The small slope ``alpha`` for ``Z <= 0`` keeps a unit from "dying" (never receiving a
    gradient again), which can happen to a plain :class:`ReLU`.

    Parameters
    ----------
    alpha : float, default 0.01
        Slope for ``Z <= 0``.

    Shape
    -----
    Any shape, preserved: ``(N, n) -> (N, n)``.

    Examples
    --------
    >>> layer = LeakyReLU(alpha=0.1)
    >>> layer.forward(np.array([[-2.0, 0.0, 3.0]]))
    array([[-0.2,  0. ,  3. ]])
    >>> layer.backward(np.ones((1, 3)))   # unlike ReLU, some gradient gets through for Z <= 0
    array([[0.1, 0.1, 1. ]])
    """

    activation = "leaky_relu"

    def __init__(self, alpha: float = 0.01) -> None:
        super().__init__()
        self.alpha = _real_number(alpha, "LeakyReLU", "alpha")

    def _forward(self, Z: Array) -> Array:
        return leaky_relu(Z, self.alpha)  # A = Z if Z > 0 else alpha Z

    def _backward(self, dA: Array, Z: Array, A: Array) -> Array:
        return leaky_relu_backward(dA, Z, self.alpha)  # dA ⊙ (1 if Z > 0 else alpha)

    def config(self) -> dict[str, Any]:
        return {"type": "LeakyReLU", "alpha": self.alpha}


class Softmax(ActivationLayer):
    """Row-wise softmax: scores to probabilities. Backward uses the Jacobian-vector product.

    ``A[i, k] = exp(Z[i, k]) / sum_j exp(Z[i, j])``, computed after subtracting each row's
    maximum so that ``exp`` cannot overflow.

    For training, prefer a network that ends in logits with the ``cross_entropy`` loss,
    which fuses the two and has the simple gradient ``P - Y``.

    Shape
    -----
    ``(N, K) -> (N, K)``; every row of the output sums to 1.

    Examples
    --------
    >>> layer = Softmax()
    >>> P = layer.forward(np.array([[1.0, 1.0], [0.0, np.log(3.0)]]))
    >>> P
    array([[0.5 , 0.5 ],
           [0.25, 0.75]])
    >>> P.sum(axis=1)
    array([1., 1.])

    Adding the same gradient to every score of a row changes nothing (the probabilities do
    not move when all scores shift together), so nothing flows back:

    >>> layer.backward(np.ones((2, 2)))
    array([[0., 0.],
           [0., 0.]])
    """

    activation = "softmax"

    def _forward(self, Z: Array) -> Array:
        return softmax(Z, axis=-1)  # A = exp(Z) / Σ_k exp(Z_k), row by row

    def _backward(self, dA: Array, Z: Array, A: Array) -> Array:
        return softmax_backward(A, dA)  # dZ = A ⊙ (dA − Σ_k dA_k A_k)


_ACTIVATION_LAYERS: dict[str, type[ActivationLayer]] = {
    cls.activation: cls for cls in (Identity, Step, Sigmoid, Tanh, ReLU, LeakyReLU, Softmax)
}


def activation_layer(name: str, **kwargs: Any) -> ActivationLayer:
    """Activation layer by name: ``activation_layer("relu")`` is ``ReLU()``.

    Raises
    ------
    ValueError
        For an unknown name.
    TypeError
        For a name that is not a string, or a keyword the layer does not take (only
        ``"leaky_relu"`` takes one, ``alpha``).

    Examples
    --------
    >>> activation_layer("leaky_relu", alpha=0.2)
    LeakyReLU(alpha=0.2)
    """
    key = get_activation(name).name  # validates and normalises the name
    allowed = {"alpha"} if key == "leaky_relu" else set()
    unknown = sorted(set(kwargs) - allowed)
    if unknown:
        raise TypeError(f"activation_layer: {key!r} takes {sorted(allowed) or 'no parameters'}, "
                        f"got {unknown}")
    return _ACTIVATION_LAYERS[key](**kwargs)
