"""Networks: a sequential container of layers, an MLP builder, and safe save/load (notebook 04).

A multi-layer perceptron is nothing but layers applied one after the other::

    X -> Dense -> ReLU -> Dense -> ReLU -> Dense -> (logits or sigmoid) -> prediction

``forward`` runs them in order; ``backward`` runs their backward passes in reverse order,
which is the chain rule applied layer by layer (backpropagation, notebook 05).

What the output *means* is the network's **head**, chosen when it is built and saved with it:

================= ============================== ========================== ====================
head              last layer                     ``predict``                ``predict_proba``
================= ============================== ========================== ====================
``regression``    anything (usually Dense)       the values ``(N, k)``      an error
``logits``        Dense, K >= 2 scores           argmax: classes ``(N,)``   softmax ``(N, K)``
``binary_logits`` Dense, 1 score                 ``z > 0``: 0/1 ``(N,)``    sigmoid ``(N, 1)``
``sigmoid``       Sigmoid                        ``p > 0.5``: 0/1 ``(N,)``  ``p`` ``(N, 1)``
``softmax``       Softmax                        argmax: classes ``(N,)``   ``P`` ``(N, K)``
================= ============================== ========================== ====================

Logits heads leave the sigmoid or softmax to the loss (``binary_cross_entropy_with_logits``,
``cross_entropy``), which is more stable. A network built without a head gets the one its last
layer suggests: ``sigmoid``/``softmax`` after those layers, ``logits`` for several raw outputs,
``regression`` otherwise (so one raw output is read as a value: say ``head="binary_logits"``
for a binary classifier that outputs a score).
"""

from __future__ import annotations

import json
import math
import os
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import IO, Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from dlbasics._typing import Array, RngLike
from dlbasics._util import as_rng
from dlbasics.activations import ACTIVATIONS, _real_array, sigmoid, softmax
from dlbasics.layers import (
    INITIALIZERS,
    ActivationLayer,
    Dense,
    Identity,
    Layer,
    LeakyReLU,
    ReLU,
    Rescale,
    Sigmoid,
    Softmax,
    Step,
    Tanh,
    activation_layer,
    float_dtype,
)

__all__ = ["Sequential", "mlp", "save", "load", "HEADS"]

_FORMAT = "dlbasics-network"
_FORMAT_VERSION = 2  # 2: the head is saved (files of version 1 infer it, as before)

#: the heads a network can have, and what each one's output is
HEADS: dict[str, str] = {
    "regression": "values: predict returns the output itself",
    "logits": "one raw score per class (K >= 2): softmax in the loss, predict = argmax",
    "binary_logits": "one raw score for class 1: sigmoid in the loss, predict = score > 0",
    "sigmoid": "a Sigmoid layer: probability of class 1 (per output), predict = p > 0.5",
    "softmax": "a Softmax layer: class probabilities, predict = argmax",
}
#: the older names of the heads, as ``Sequential.output_kind`` gives them
_OUTPUT_KIND = {"regression": "linear", "logits": "logits", "binary_logits": "binary_logits",
                "sigmoid": "sigmoid", "softmax": "softmax"}


def _sets_width(layer: Layer) -> bool:
    """Dense, or a layer of one's own that says its widths (int ``n_in`` and ``n_out``)."""
    if isinstance(layer, Dense):
        return True
    n_in, n_out = getattr(layer, "n_in", None), getattr(layer, "n_out", None)
    return isinstance(n_in, int) and isinstance(n_out, int) and not isinstance(n_in, bool)


def _head_name(head: Any, who: str) -> str:
    """``head`` if it is one of :data:`HEADS`, else a TypeError or ValueError naming them."""
    if not isinstance(head, str):
        raise TypeError(f"{who}: head must be a name, one of {sorted(HEADS)}, got {head!r}")
    if head not in HEADS:
        raise ValueError(f"{who}: unknown head {head!r}; expected one of {sorted(HEADS)}")
    return head


def _infer_head(layers: Sequence[Layer], n_out: int) -> str:
    """The head a network without one gets: the one its last layer suggests."""
    last = layers[-1]
    if isinstance(last, Sigmoid):
        return "sigmoid"
    if isinstance(last, Softmax):
        return "softmax"
    if isinstance(last, ActivationLayer):
        return "regression"
    return "logits" if n_out > 1 else "regression"


def _check_head(head: str, layers: Sequence[Layer], n_out: int) -> None:
    """Refuse a head that the last layer cannot give (a sigmoid head without a Sigmoid ...)."""
    last = layers[-1]
    ends = f"the network ends in {type(last).__name__} '{last.name}' with {n_out} output(s)"
    needs = {"sigmoid": isinstance(last, Sigmoid), "softmax": isinstance(last, Softmax),
             "logits": isinstance(last, Dense) and n_out >= 2,
             "binary_logits": isinstance(last, Dense) and n_out == 1, "regression": True}
    if not needs[head]:
        hint = {"sigmoid": "end it in a Sigmoid layer (mlp(..., head='sigmoid'))",
                "softmax": "end it in a Softmax layer (mlp(..., head='softmax'))",
                "logits": "it needs a Dense layer with one output per class (at least 2); for one "
                          "output use head='binary_logits'",
                "binary_logits": "it needs a Dense layer with one output; for several classes use "
                                 "head='logits'"}[head]
        raise ValueError(f"Sequential: head={head!r} does not fit: {ends}; {hint}")


class Sequential:
    """Layers applied in order.

    Parameters
    ----------
    layers : sequence of Layer
        For example ``[Dense(2, 4), Tanh(), Dense(4, 1), Sigmoid()]``.
    head : str, optional
        What the output means, one of :data:`HEADS` (see the module docstring); by default
        the one the last layer suggests.

    Examples
    --------
    >>> from dlbasics.layers import Dense, ReLU
    >>> net = Sequential([Dense(3, 4, rng=0), ReLU(), Dense(4, 1, rng=1)])
    >>> net.forward(np.zeros((100, 3))).shape
    (100, 1)

    Raises
    ------
    TypeError
        Layers given one by one instead of as one list, an entry that is not a Layer, a head
        that is not a name.
    ValueError
        No layers, a Dense layer whose input width differs from the previous one's output, an
        unknown head or one the last layer cannot give.
    """

    def __init__(self, layers: Sequence[Layer], *more: Any, head: str | None = None) -> None:
        if more or isinstance(layers, Layer):
            got = ", ".join(type(a).__name__ for a in (layers, *more))
            raise TypeError(f"Sequential takes one list of layers, e.g. Sequential([Dense(2, 4), "
                            f"ReLU(), Dense(4, 1)]); got {got}")
        if isinstance(layers, str) or not isinstance(layers, Sequence | Iterator):
            raise TypeError(f"Sequential takes one list of layers, got {type(layers).__name__}")
        layers = list(layers)
        if not layers:
            raise ValueError("Sequential needs at least one layer")
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(f"layer {i} is a {type(layer).__name__}, not a dlbasics Layer")
        self.layers: list[Layer] = layers
        self._name_layers()
        self._check_widths()
        self._head = None if head is None else _head_name(head, "Sequential")
        if self._head is not None:
            _check_head(self._head, layers, self.n_out)

    def _name_layers(self) -> None:
        counts: dict[str, int] = {}
        for layer in self.layers:
            own = layer.name == Layer.name  # a layer of one's own that kept the base class's name
            if own:
                layer.name = type(layer).__name__.lower()
            base = layer.name.rstrip("0123456789") or "layer"
            counts[base] = counts.get(base, 0) + 1
            if own or layer.name == type(layer).name or layer.name == getattr(layer, "activation", None):
                layer.name = f"{base}{counts[base]}"

    def _check_widths(self) -> None:
        width: int | None = None
        for layer in self.layers:
            if isinstance(layer, Dense):
                if width is not None:
                    layer.output_size(width)
                width = layer.n_out

    # -- sizes -----------------------------------------------------------------------------
    def _no_dense(self, what: str) -> ValueError:
        return ValueError(f"Sequential: the network {self!r} has no Dense layer, so its {what} "
                          "is not defined; a network needs at least one Dense layer")

    def _sized_layers(self) -> list[Layer]:
        """The layers that set a width: Dense, and any layer of one's own with int ``n_in`` and
        ``n_out`` (a learner's dense layer stands in for the library's this way)."""
        return [layer for layer in self.layers if _sets_width(layer)]

    @property
    def n_in(self) -> int:
        """Input width expected by the first dense layer."""
        sized = self._sized_layers()
        if not sized:
            raise self._no_dense("input width")
        return int(sized[0].n_in)  # type: ignore[attr-defined]

    @property
    def n_out(self) -> int:
        """Output width of the last dense layer."""
        sized = self._sized_layers()
        if not sized:
            raise self._no_dense("output width")
        return int(sized[-1].n_out)  # type: ignore[attr-defined]

    @property
    def dense_layers(self) -> list[Dense]:
        """The Dense layers in order (their ``W`` and ``b`` are what the widgets draw)."""
        return [layer for layer in self.layers if isinstance(layer, Dense)]

    @property
    def dtype(self) -> np.dtype[Any]:
        """Floating dtype of the parameters."""
        params = self.parameters()
        if not params:
            raise self._no_dense("dtype")
        return params[0][0].dtype

    @property
    def n_params(self) -> int:
        """Total number of trainable numbers."""
        return sum(layer.n_params for layer in self.layers)

    def __len__(self) -> int:
        return len(self.layers)

    def __iter__(self) -> Iterator[Layer]:
        return iter(self.layers)

    def __getitem__(self, i: int) -> Layer:
        return self.layers[i]

    # -- passes ----------------------------------------------------------------------------
    def check_input(self, X: ArrayLike, what: str = "network input") -> Array:
        """Validate a batch: 2-D, the right width, at least one row, real and finite.

        A single sample of shape ``(n_in,)`` is taken as a batch of one. ``what`` names the
        caller in the messages (``"fit"``, ``"predict"`` ...). Returns ``X`` as an array.

        Raises
        ------
        ValueError
            Wrong shape (the message names the first layer, the expected and the received
            shape), no rows, NaN or inf.
        TypeError
            Not real numbers (strings, complex, objects, ragged lists).

        Examples
        --------
        >>> mlp([3, 2], rng=0).check_input(np.zeros((5, 4)), "predict")
        Traceback (most recent call last):
        ...
        ValueError: predict: expected shape (N, 3) — one row per sample, 3 features for the first
        layer 'dense1' (Dense 3->2) — got (5, 4)
        """
        try:
            X = np.asarray(X)
        except ValueError:  # numpy's "inhomogeneous shape"
            raise TypeError(f"{what}: expected an array of shape (N, {self.n_in}), got nested lists "
                            "of different lengths") from None
        if X.ndim == 1 and X.shape[0] == self.n_in:
            X = X[None, :]
        if X.ndim != 2 or X.shape[1] != self.n_in:
            first: Any = self._sized_layers()[0]
            raise ValueError(
                f"{what}: expected shape (N, {self.n_in}) — one row per sample, "
                f"{self.n_in} features for the first layer '{first.name}' "
                f"({type(first).__name__} {first.n_in}->{first.n_out}) — got {X.shape}"
            )
        if X.dtype.kind not in "biuf":
            raise TypeError(f"{what}: expected real numbers, got dtype {X.dtype}")
        if X.shape[0] == 0:
            raise ValueError(f"{what} needs at least one sample, got X with shape {X.shape}")
        # min and max propagate NaN and show inf, without a temporary the size of X
        if X.size and np.issubdtype(X.dtype, np.floating) and not (
            np.isfinite(X.min()) and np.isfinite(X.max())
        ):
            bad = np.argwhere(~np.isfinite(X))[0]
            raise ValueError(
                f"{what}: X contains NaN or inf (first at row {bad[0]}, column {bad[1]}); "
                "clean or impute the data before training"
            )
        return X

    def forward(self, X: ArrayLike, reuse: bool | None = None) -> Array:
        """Run every layer in order, ``A = layer.forward(A)``; returns the network's raw output.

        ``reuse`` is deprecated (since 0.2; removed in 0.3): use :meth:`reusing_buffers`.

        Raises
        ------
        ValueError, TypeError
            From the first layer that cannot take its input; the message names the layer.
        """
        if reuse is not None:
            _warn_reuse("forward")
            with self.reusing_buffers(bool(reuse)):
                return self.forward(X)
        A = np.asarray(X)
        for layer in self.layers:
            A = layer.forward(A)
        return A

    @contextmanager
    def reusing_buffers(self, on: bool = True) -> Iterator[Sequential]:
        """Inside the block, every layer writes into buffers kept between calls (``on=False``:
        into fresh arrays, whatever the setting outside).

        What :func:`dlbasics.training.fit` does for speed: no new arrays at each step. The
        arrays ``forward`` and ``backward`` return are then overwritten by the next call, so
        fit runs callbacks and validation with ``on=False``. On leaving, the layers' previous
        setting is restored, and a layer that no longer reuses frees its buffers.

        Examples
        --------
        >>> net = mlp([2, 3, 2], rng=0)
        >>> with net.reusing_buffers():
        ...     first = net.forward(np.ones((4, 2)))
        ...     second = net.forward(np.zeros((4, 2)))
        >>> first is second, net[0].reuse_buffers   # the same buffer, refilled
        (True, False)
        """
        before = [layer.reuse_buffers for layer in self.layers]
        for layer in self.layers:
            layer.reuse_buffers = on
        try:
            yield self
        finally:
            for layer, setting in zip(self.layers, before, strict=True):
                layer.reuse_buffers = setting
                if not setting:
                    layer._buffers.clear()

    def __call__(self, X: ArrayLike) -> Array:
        return self.forward(X)

    def backward(self, dout: Array, *, input_grad: bool = True, skip_last: int = 0,
                 reuse: bool | None = None) -> Array:
        """Backpropagate ``∂L/∂(output)`` through the layers in reverse order (the chain rule).

        Sets every layer's parameter gradients (overwriting, so nothing needs zeroing between
        steps) and returns ``∂L/∂X`` (unless ``input_grad=False``). ``skip_last=k`` starts below
        the last ``k`` layers, for a loss whose gradient already includes them (sigmoid +
        binary cross-entropy gives ``dZ = (p − y)/n`` for the sigmoid's input).

        Raises
        ------
        ValueError
            ``dout`` of the wrong shape (the message names the layer), ``skip_last`` outside
            ``[0, len(layers))``.
        RuntimeError
            Before any forward pass.

        ``reuse`` is deprecated (since 0.2; removed in 0.3): use :meth:`reusing_buffers`.
        """
        if reuse is not None:
            _warn_reuse("backward")
            with self.reusing_buffers(bool(reuse)):
                return self.backward(dout, input_grad=input_grad, skip_last=skip_last)
        if isinstance(skip_last, bool) or not isinstance(skip_last, int) \
                or not 0 <= skip_last < len(self.layers):
            raise ValueError(f"Sequential.backward: skip_last must be an int in [0, "
                             f"{len(self.layers) - 1}], got {skip_last!r}")
        # without dL/dX, the layers below the first one with parameters need no gradient
        first = 0
        while not input_grad and first < len(self.layers) - 1 and not self.layers[first].named_parameters():
            first += 1
        grad = dout
        for i in range(len(self.layers) - skip_last - 1, first - 1, -1):
            grad = self.layers[i].backward(grad, input_grad=input_grad or i > first)
        return grad if input_grad or first == 0 else np.empty((0,), dtype=grad.dtype)

    # -- prediction ------------------------------------------------------------------------
    @property
    def head(self) -> str:
        """What the output means, one of :data:`HEADS`: given when the network was built, or
        the one its last layer suggests (see the module docstring).

        Examples
        --------
        >>> mlp([2, 4, 1]).head, mlp([2, 4, 1], head="binary_logits").head, mlp([2, 4, 3]).head
        ('regression', 'binary_logits', 'logits')
        """
        if self._head is not None:
            return self._head
        return _infer_head(self.layers, self.n_out)

    @property
    def is_classifier(self) -> bool:
        """Whether the head gives classes (every head but ``"regression"``)."""
        return self.head != "regression"

    @property
    def output_kind(self) -> str:
        """The head under its older names: ``"sigmoid"``, ``"softmax"``, ``"logits"``,
        ``"binary_logits"`` or ``"linear"`` (the regression head)."""
        return _OUTPUT_KIND[self.head]

    def predict_proba(self, X: ArrayLike) -> Array:
        """Class probabilities, shape ``(N, K)`` (for one output: ``(N, 1)``, P(class 1)).

        ``softmax`` of the scores for a ``logits`` head, ``sigmoid`` of the score for
        ``binary_logits``, the output itself for ``sigmoid`` and ``softmax`` heads.

        Raises
        ------
        ValueError
            A regression head (its outputs are values, not scores of classes); and as
            :meth:`check_input`: wrong shape, no samples, NaN or inf.
        TypeError
            As :meth:`check_input`: not numbers.

        Examples
        --------
        >>> net = mlp([2, 3], rng=0)
        >>> net.predict_proba(np.zeros((1, 2))).round(3)
        array([[0.333, 0.333, 0.333]], dtype=float32)
        >>> mlp([2, 1], rng=0).predict_proba(np.zeros((1, 2)))
        Traceback (most recent call last):
        ...
        ValueError: predict_proba needs a classifier, but this network's head is 'regression' ...
        """
        head = self.head
        if head == "regression":
            raise ValueError(
                "predict_proba needs a classifier, but this network's head is 'regression' (its "
                f"{self.n_out} output(s) are values); build it with head='binary_logits' (one "
                "score), 'logits' (one score per class), 'sigmoid' or 'softmax'"
            )
        out = self.forward(self.check_input(X, "predict_proba"))
        if head == "logits":
            return softmax(out)  # (N, K)
        if head == "binary_logits":
            return sigmoid(out)  # (N, 1)
        return out  # a Sigmoid or Softmax layer already gives probabilities

    def predict(self, X: ArrayLike) -> Array:
        """Predicted classes ``(N,)`` for a classifier head, or values ``(N, n_out)`` for the
        regression head.

        One output is thresholded (``p > 0.5`` after a sigmoid, ``z > 0`` for a score);
        several outputs give the argmax.

        Raises
        ------
        ValueError, TypeError
            As :meth:`check_input`: wrong shape, no samples, NaN or inf, not numbers.

        Examples
        --------
        >>> net = mlp([2, 3], rng=0)
        >>> net.predict(np.zeros((4, 2))).shape
        (4,)
        >>> net.predict(np.zeros((0, 2)))
        Traceback (most recent call last):
        ...
        ValueError: predict needs at least one sample, got X with shape (0, 2)
        """
        head = self.head
        out = self.forward(self.check_input(X, "predict"))
        if head == "regression":
            return out
        if out.shape[1] == 1:
            threshold = 0.5 if head == "sigmoid" else 0.0
            return (out[:, 0] > threshold).astype(np.int64)
        return out.argmax(axis=1)

    # -- parameters ------------------------------------------------------------------------
    def parameters(self) -> list[tuple[Array, Array]]:
        """All ``(value, gradient)`` pairs, in layer order — what optimizers take."""
        return [pair for layer in self.layers for pair in layer.parameters()]

    def named_parameters(self) -> list[tuple[str, Array, Array]]:
        """``("dense1.W", W, dW)`` ... for every parameter."""
        return [
            (f"{layer.name}.{n}", p, g) for layer in self.layers for n, p, g in layer.named_parameters()
        ]

    def get_weights(self) -> list[Array]:
        """Copies of every parameter array (for snapshots and widgets)."""
        return [p.copy() for p, _ in self.parameters()]

    def set_weights(self, weights: Sequence[ArrayLike]) -> None:
        """Overwrite every parameter in place (shapes must match :meth:`get_weights`).

        Every array is checked before any is written, so a refused call changes nothing.

        Raises
        ------
        TypeError
            Not a list of arrays, or arrays that are not real numbers.
        ValueError
            The wrong number of arrays, a wrong shape, NaN or inf.
        """
        if isinstance(weights, np.ndarray) or not isinstance(weights, Sequence):
            raise TypeError(f"set_weights: expected a list of {len(self.parameters())} arrays (as "
                            f"get_weights returns), got {type(weights).__name__}")
        params = self.parameters()
        if len(weights) != len(params):
            raise ValueError(f"set_weights: expected {len(params)} arrays, got {len(weights)}")
        checked = []
        for (name, p, _), w in zip(self.named_parameters(), weights, strict=True):
            w = _real_array(w, "set_weights", f"parameter {name}")
            if w.shape != p.shape:
                raise ValueError(f"set_weights: parameter {name}: expected shape {p.shape}, got {w.shape}")
            if not np.all(np.isfinite(w)):
                raise ValueError(f"set_weights: parameter {name} contains NaN or inf")
            checked.append(w)
        for (p, _), w in zip(params, checked, strict=True):
            p[...] = w

    def summary(self) -> str:
        """A table of layers, output shapes and parameter counts.

        Examples
        --------
        >>> print(mlp([3, 4, 4, 1], output="sigmoid", rng=0).summary())
        layer      type      output    params
        ---------  --------  --------  ------
        dense1     Dense     (N, 4)        16
        relu1      ReLU      (N, 4)         0
        dense2     Dense     (N, 4)        20
        relu2      ReLU      (N, 4)         0
        dense3     Dense     (N, 1)         5
        sigmoid1   Sigmoid   (N, 1)         0
        ---------  --------  --------  ------
        total                              41
        """
        rows = []
        width = self.n_in
        for layer in self.layers:
            width = layer.output_size(width)
            rows.append((layer.name, type(layer).__name__, f"(N, {width})", layer.n_params))
        lines = [f"{'layer':<9}  {'type':<8}  {'output':<8}  {'params':>6}"]
        rule = f"{'-' * 9}  {'-' * 8}  {'-' * 8}  {'-' * 6}"
        lines.append(rule)
        lines += [f"{n:<9}  {t:<8}  {o:<8}  {p:>6,}" for n, t, o, p in rows]
        lines.append(rule)
        lines.append(f"{'total':<9}  {'':<8}  {'':<8}  {self.n_params:>6,}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        inner = ", ".join(repr(layer) for layer in self.layers)
        return f"Sequential([{inner}])"

    # -- persistence -----------------------------------------------------------------------
    def config(self) -> list[dict[str, Any]]:
        """The architecture as plain JSON-able data."""
        return [layer.config() for layer in self.layers]

    def save(self, path: str | os.PathLike[str]) -> None:
        """Save architecture and weights to one ``.npz`` file; see :func:`save`."""
        save(self, path)


def mlp(
    sizes: Sequence[int],
    activation: str = "relu",
    output: str | None = None,
    *extra: Any,
    head: str | None = None,
    input_scale: float | None = None,
    init: str | None = None,
    rng: RngLike = None,
    dtype: DTypeLike = np.float32,
) -> Sequential:
    """Build a multi-layer perceptron from its layer widths.

    Parameters
    ----------
    sizes : sequence of int
        ``[n_in, hidden_1, ..., n_out]``, e.g. ``[3, 4, 4, 1]`` (the seed network of notebook 04).
    activation : str
        Hidden activation: ``"relu"`` (default), ``"leaky_relu"``, ``"tanh"``, ``"sigmoid"``.
    output : str or None
        Output activation: ``None`` (raw scores: logits for ``cross_entropy``, values for
        ``mse``), ``"sigmoid"`` (binary probability) or ``"softmax"``.
    head : str, optional
        What the output means (see :mod:`dlbasics.network`): ``"regression"``, ``"logits"``,
        ``"binary_logits"``, ``"sigmoid"`` or ``"softmax"``. ``head="sigmoid"`` or
        ``"softmax"`` adds that output layer, so ``output`` is not needed. By default the head
        follows ``output`` and the number of outputs: ``"logits"`` for several raw outputs,
        ``"regression"`` for one (say ``head="binary_logits"`` for a binary classifier with
        one raw score, trained with ``binary_cross_entropy_with_logits``).
    input_scale : float, optional
        Start with a :class:`~dlbasics.layers.Rescale` layer ``A = X * input_scale``: with
        ``input_scale=1/255`` the network takes 8-bit images (``uint8``) directly, and
        training converts one batch at a time.
    init : str, optional
        Weight initialiser; default He for ReLU-like activations, Xavier otherwise.
    rng : Generator or int, optional
        Randomness for the initial weights.
    dtype : numpy dtype
        ``float32`` (default) or ``float64``.

    Raises
    ------
    TypeError
        Sizes not given as one list (``mlp(784, 128, 10)``), a size that is not an int, an
        activation, output or head that is not a name.
    ValueError
        Fewer than two sizes, a size below 1, an unknown activation, output, head or init (the
        message lists the known ones), ``output="softmax"`` with a single output, a head that
        does not fit the output (``head="logits"`` with one output ...).

    Examples
    --------
    >>> net = mlp([3, 4, 4, 1], output="sigmoid", rng=0)
    >>> net.forward(np.zeros((100, 3))).shape
    (100, 1)
    >>> scorer = mlp([2, 4, 1], head="binary_logits", rng=0)   # one raw score for class 1
    >>> scorer.predict([[1.0, 2.0]]), scorer.predict_proba([[1.0, 2.0]]).round(3)
    (array([0]), array([[0.13]], dtype=float32))
    >>> mlp(784, 128, 10)
    Traceback (most recent call last):
    ...
    TypeError: mlp takes one list of layer sizes, e.g. mlp([784, 128, 10]); got 784, 128, 10
    """
    sizes = _mlp_sizes(sizes, activation, output, extra)
    known = sorted(ACTIVATIONS)
    if not isinstance(activation, str):
        raise TypeError(f"mlp: activation must be a name, one of {known}, got {activation!r}")
    if output is not None and not isinstance(output, str):
        raise TypeError(f"mlp: output must be None or a name, one of {known}, got {output!r}")
    act = activation_layer(activation).activation  # validates the name early
    if head is not None:
        head = _head_name(head, "mlp")
        if output is None and head in ("sigmoid", "softmax"):
            output = head  # the head's output layer
    out_act = _output_layer(output, sizes)
    if init is None:
        init = "he" if act in ("relu", "leaky_relu") else "xavier"
    gen = as_rng(rng)
    layers: list[Layer] = [] if input_scale is None else [Rescale(input_scale, dtype=dtype)]
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(Dense(a, b, init=init, rng=gen, dtype=dtype))
        if i < len(sizes) - 2:
            layers.append(activation_layer(act))
    if out_act is not None:
        layers.append(out_act)
    try:
        return Sequential(layers, head=head)
    except ValueError as err:
        raise ValueError(f"mlp: {str(err).removeprefix('Sequential: ')} (sizes {sizes}, "
                         f"output={output!r})") from None


def _mlp_sizes(sizes: Any, activation: Any, output: Any, extra: tuple[Any, ...]) -> list[int]:
    """``mlp``'s layer widths, checked: one list of at least two positive ints."""
    if isinstance(sizes, int | np.integer) and not isinstance(sizes, bool):
        given = [sizes, *(a for a in (activation, output) if isinstance(a, int | np.integer)), *extra]
        listed = ", ".join(str(a) for a in given)
        raise TypeError(f"mlp takes one list of layer sizes, e.g. mlp([{listed}]); got {listed}")
    if extra:
        values = ", ".join(repr(a) for a in (sizes, activation, output, *extra))
        raise TypeError(f"mlp takes one list of layer sizes, then activation and output; got "
                        f"{3 + len(extra)} values: {values}")
    if isinstance(sizes, str | bytes) or not isinstance(sizes, Sequence | np.ndarray | Iterator):
        raise TypeError(f"mlp takes one list of layer sizes, e.g. mlp([784, 128, 10]); got "
                        f"{sizes!r} ({type(sizes).__name__})")
    sizes = list(sizes)
    for i, s in enumerate(sizes):
        if isinstance(s, bool) or not isinstance(s, int | np.integer):
            raise TypeError(f"mlp: layer sizes must be positive ints, got {sizes} ({s!r} at "
                            f"position {i} is a {type(s).__name__})")
    sizes = [int(s) for s in sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"mlp: sizes must be at least [n_in, n_out] of positive ints, got {sizes}")
    return sizes


def _output_layer(output: str | None, sizes: list[int]) -> ActivationLayer | None:
    """The output activation layer ``mlp`` ends with (``None``: raw scores or values)."""
    if output is None or output.lower() in ("identity", "linear", "none"):
        return None
    try:
        out_act = activation_layer(output)
    except ValueError:
        raise ValueError(f"mlp: unknown activation {output!r} for output; expected None or one "
                         f"of {sorted(ACTIVATIONS)}") from None
    if out_act.activation == "softmax" and sizes[-1] < 2:
        raise ValueError(f"mlp: output='softmax' needs at least 2 outputs (it always gives 1.0 "
                         f"for one), got sizes {sizes}; for two classes use output='sigmoid' "
                         "with one output, or 2 outputs")
    return out_act


# -- save / load -------------------------------------------------------------------------------
#: the layers load can rebuild, with the keys their saved config may have ("type" always)
_LOADABLE: dict[str, tuple[type[Layer], frozenset[str]]] = {
    "Dense": (Dense, frozenset({"type", "n_in", "n_out", "init", "dtype", "name"})),
    "LeakyReLU": (LeakyReLU, frozenset({"type", "alpha"})),
    "Rescale": (Rescale, frozenset({"type", "scale", "dtype"})),
    **{cls.__name__: (cls, frozenset({"type"})) for cls in (Identity, Step, Sigmoid, Tanh, ReLU, Softmax)},
}
_MAX_ARCHITECTURE_BYTES = 1 << 20  # the JSON record of a 10,000-layer network is ~1 MB
_DEFLATE_MAX_RATIO = 1100  # deflate never expands data more than ~1032-fold


def _check_path(path: Any, who: str) -> str:
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"{who}: path must be a str or os.PathLike, got {type(path).__name__}")
    return os.fspath(path)


def save(model: Sequential, path: str | os.PathLike[str]) -> None:
    """Save a network — architecture and weights — to a single ``.npz`` file.

    The architecture is stored as JSON text inside the archive, never as a pickle, so
    :func:`load` can read files from strangers without running their code.

    Raises
    ------
    TypeError
        ``model`` is not a :class:`Sequential`, ``path`` is not a path, or a layer is of a
        kind :func:`load` could not rebuild (a user-defined layer class).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> net = mlp([2, 3, 1], rng=0)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "net.npz"
    >>> save(net, path)
    >>> np.array_equal(load(path).predict([[1.0, 2.0]]), net.predict([[1.0, 2.0]]))
    True
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"save: model must be a dlbasics Sequential, got {type(model).__name__}")
    path = _check_path(path, "save")
    for i, layer in enumerate(model.layers):
        entry = _LOADABLE.get(type(layer).__name__)
        if entry is None or type(layer) is not entry[0]:
            raise TypeError(f"save: layer {i} ({type(layer).__name__}) cannot be saved: load "
                            f"rebuilds only {sorted(_LOADABLE)}")
    meta = {"format": _FORMAT, "version": _FORMAT_VERSION, "layers": model.config(),
            "head": model.head}
    arrays: dict[str, Any] = {"__architecture__": np.array(json.dumps(meta))}
    for i, layer in enumerate(model.layers):
        for name, p, _ in layer.named_parameters():
            arrays[f"layer{i}.{name}"] = p
    tmp = path + ".tmp"
    with open(tmp, "wb") as fh:
        np.savez(fh, **arrays)
    os.replace(tmp, path)


def _field(cfg: dict[str, Any], key: str, where: str, kind: str) -> Any:
    """``cfg[key]``, checked: ``kind`` is "size" (positive int), "name" (str) or "number"."""
    if key not in cfg:
        raise ValueError(f"{where}.{key}: missing")
    value = cfg[key]
    if kind == "size":
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{where}.{key}: expected a positive int, got {value!r}")
    elif kind == "name":
        if not isinstance(value, str):
            raise ValueError(f"{where}.{key}: expected a string, got {value!r}")
    elif isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{where}.{key}: expected a finite number, got {value!r}")
    return value


def _check_architecture(meta: Any) -> tuple[list[dict[str, Any]], str | None]:
    """Validate the whole architecture record; return the layer configs, defaults filled in,
    and the head (``None`` in files of version 1, which did not save it).

    Every field is checked (types, ranges, the widths of consecutive Dense layers) before
    anything is built, so a tampered record costs nothing but this check.
    """
    if not isinstance(meta, dict) or meta.get("format") != _FORMAT:
        raise ValueError("not a dlbasics network file (wrong format tag)")
    extra = sorted(set(meta) - {"format", "version", "layers", "head"})
    if extra:
        raise ValueError(f"architecture record: unknown fields {extra}; expected format, version, "
                         "layers, head")
    version = meta.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValueError(f"version: expected a positive int, got {version!r}")
    if version > _FORMAT_VERSION:
        raise ValueError(f"file format version {version} is newer than this dlbasics "
                         f"(which reads up to {_FORMAT_VERSION})")
    layers = meta.get("layers")
    if not isinstance(layers, list) or not all(isinstance(c, dict) for c in layers):
        raise ValueError("malformed architecture record (expected a list of layers)")
    if not layers:
        raise ValueError("malformed architecture record (the list of layers is empty)")
    checked: list[dict[str, Any]] = []
    width: int | None = None
    for i, cfg in enumerate(layers):
        out = _check_layer_record(cfg, f"layers[{i}]", width)
        width = out.get("n_out", width)
        checked.append(out)
    if width is None:
        raise ValueError("malformed architecture record (no Dense layer)")
    head = meta.get("head")
    if head is not None and (not isinstance(head, str) or head not in HEADS):
        raise ValueError(f"head: expected one of {sorted(HEADS)}, got {head!r}")
    return checked, head


def _check_layer_record(cfg: dict[str, Any], where: str, width: int | None) -> dict[str, Any]:
    """One layer's saved config, checked (``width``: the previous Dense layer's ``n_out``)."""
    kind = cfg.get("type")
    if not isinstance(kind, str) or kind not in _LOADABLE:
        raise ValueError(f"{where}.type: unknown layer type {kind!r} in saved network; "
                         f"expected one of {sorted(_LOADABLE)}")
    unknown = sorted(set(cfg) - _LOADABLE[kind][1])
    if unknown:
        raise ValueError(f"{where}: unknown fields {unknown} for a {kind} layer; expected "
                         f"{sorted(_LOADABLE[kind][1])}")
    out = dict(cfg)
    if kind in ("Dense", "Rescale"):
        out["dtype"] = cfg.get("dtype", "float32")
        if out["dtype"] not in ("float32", "float64"):
            raise ValueError(f"{where}.dtype: {kind} layer dtype must be float32 or float64, "
                             f"got {out['dtype']!r}")
    if kind == "Dense":
        n_in = _field(cfg, "n_in", where, "size")
        _field(cfg, "n_out", where, "size")
        if width is not None and n_in != width:
            raise ValueError(f"{where}.n_in: {n_in} does not match the previous Dense layer's "
                             f"n_out {width}")
        out["init"] = _field(cfg, "init", where, "name") if "init" in cfg else "xavier"
        if out["init"].lower() not in INITIALIZERS:
            raise ValueError(f"{where}.init: unknown initializer {out['init']!r}; expected one "
                             f"of {sorted(INITIALIZERS)}")
        out["name"] = _field(cfg, "name", where, "name") if cfg.get("name") is not None else None
    elif kind == "LeakyReLU":
        out["alpha"] = _field(cfg, "alpha", where, "number") if "alpha" in cfg else 0.01
    elif kind == "Rescale":
        out["scale"] = _field(cfg, "scale", where, "number")
        if out["scale"] == 0:
            raise ValueError(f"{where}.scale: expected a non-zero number, got 0")
    return out


def _member(zf: zipfile.ZipFile, key: str, archive_size: int) -> tuple[zipfile.ZipInfo, IO[bytes]]:
    """Open the archive member ``key.npy`` after checking that its size is plausible."""
    try:
        info = zf.getinfo(key + ".npy")
    except KeyError:
        raise ValueError(f"saved network is missing array {key}") from None
    if info.compress_size > archive_size or (
        info.compress_type == zipfile.ZIP_STORED and info.file_size != info.compress_size
    ) or info.file_size > _DEFLATE_MAX_RATIO * max(info.compress_size, 1):
        raise ValueError(f"{key}: the archive entry claims {info.file_size} bytes, which the "
                         f"{archive_size}-byte file cannot hold")
    return info, zf.open(info)


def _read_array(zf: zipfile.ZipFile, key: str, shape: tuple[int, ...] | None,
                dtype: np.dtype[Any] | None, archive_size: int) -> Array:
    """Read one ``.npy`` member, checking its header (shape, dtype) before reading the data.

    The data is read only when the header matches what the architecture says (``shape`` and
    ``dtype``; ``None`` accepts any) and the entry holds exactly that many bytes, so a
    tampered header can never make this allocate more than the entry really contains.
    """
    info, fh = _member(zf, key, archive_size)
    with fh:
        version = np.lib.format.read_magic(fh)
        if version == (1, 0):
            got_shape, fortran, got_dtype = np.lib.format.read_array_header_1_0(fh)
        elif version == (2, 0):
            got_shape, fortran, got_dtype = np.lib.format.read_array_header_2_0(fh)
        else:
            raise ValueError(f"{key}: unsupported .npy format version {version}")
        if got_dtype.hasobject or got_dtype.kind not in ("U" if dtype is None else "f"):
            raise ValueError(f"{key}: expected dtype {dtype or 'text'}, file has {got_dtype}"
                             + (" (a pickle, refused)" if got_dtype.hasobject else ""))
        if shape is not None and tuple(got_shape) != shape:
            raise ValueError(f"{key}: expected shape {shape}, file has {tuple(got_shape)}")
        if dtype is not None and got_dtype.itemsize != dtype.itemsize:
            raise ValueError(f"{key}: expected dtype {dtype}, file has {got_dtype}")
        nbytes = math.prod(got_shape) * got_dtype.itemsize
        if info.file_size - fh.tell() != nbytes:
            raise ValueError(f"{key}: the header announces {nbytes} bytes of data, the entry holds "
                             f"{info.file_size - fh.tell()}")
        data = fh.read(nbytes)
    if len(data) != nbytes:
        raise ValueError(f"{key}: truncated ({len(data)} of {nbytes} bytes)")
    arr = np.frombuffer(data, dtype=got_dtype).reshape(got_shape, order="F" if fortran else "C")
    return arr if dtype is None else arr.astype(dtype)  # native byte order, C order, writeable


def load(path: str | os.PathLike[str]) -> Sequential:
    """Load a network saved by :func:`save`.

    Nothing in the file is executed: pickles are refused. The whole architecture record is
    validated first (every field's type and range, the widths of consecutive layers), then
    the header of every stored array is compared with it (shape, dtype, size), and only then
    are the arrays read and the network built from them, without drawing random weights.
    A tampered file therefore costs at most what it really contains.

    Raises
    ------
    ValueError
        Anything wrong with the file; the message names the file and the bad field
        (``layers[1].n_in``, ``layer0.W`` ...).
    TypeError
        ``path`` is not a path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> net = mlp([2, 3, 1], rng=0)
    >>> save(net, folder / "net.npz")
    >>> same = load(folder / "net.npz")
    >>> same.config() == net.config(), np.array_equal(same.layers[0].W, net.layers[0].W)
    (True, True)

    Any other ``.npz`` file is refused with a message saying why:

    >>> np.savez(folder / "other.npz", W=np.zeros(3))
    >>> load(folder / "other.npz")
    Traceback (most recent call last):
        ...
    ValueError: cannot load network from '...other.npz': not a dlbasics network file (no architecture record)
    """
    name = _check_path(path, "load")
    try:
        with open(name, "rb") as fh, zipfile.ZipFile(fh) as zf:
            size = os.fstat(fh.fileno()).st_size
            if "__architecture__.npy" not in zf.namelist():
                raise ValueError("not a dlbasics network file (no architecture record)")
            info = zf.getinfo("__architecture__.npy")
            if info.file_size > _MAX_ARCHITECTURE_BYTES:
                raise ValueError(f"the architecture record has {info.file_size} bytes, more than "
                                 f"the {_MAX_ARCHITECTURE_BYTES} a network needs")
            try:
                record = _read_array(zf, "__architecture__", None, None, size)
            except ValueError as exc:
                raise ValueError(f"not a dlbasics network file ({exc})") from None
            if record.shape != ():
                raise ValueError("not a dlbasics network file (the architecture record is not text)")
            configs, head = _check_architecture(json.loads(str(record)))
            layers: list[Layer] = []
            for i, cfg in enumerate(configs):
                if cfg["type"] == "Dense":
                    dt = float_dtype(cfg["dtype"], f"layers[{i}]")
                    W = _read_array(zf, f"layer{i}.W", (cfg["n_in"], cfg["n_out"]), dt, size)
                    b = _read_array(zf, f"layer{i}.b", (cfg["n_out"],), dt, size)
                    for key, arr in ((f"layer{i}.W", W), (f"layer{i}.b", b)):
                        if not np.all(np.isfinite(arr)):
                            raise ValueError(f"{key} contains NaN or inf")
                    layers.append(Dense.from_arrays(W, b, init=cfg["init"], name=cfg["name"]))
                elif cfg["type"] == "LeakyReLU":
                    layers.append(LeakyReLU(cfg["alpha"]))
                elif cfg["type"] == "Rescale":
                    layers.append(Rescale(cfg["scale"], dtype=cfg["dtype"]))
                else:
                    layers.append(_LOADABLE[cfg["type"]][0]())
            model = Sequential(layers, head=head)
    except (zipfile.BadZipFile, OSError, EOFError, KeyError, TypeError, AttributeError,
            json.JSONDecodeError, zipfile.LargeZipFile, NotImplementedError, RuntimeError) as exc:
        raise ValueError(f"cannot load network from {name!r}: {exc}") from exc
    except ValueError as exc:
        raise ValueError(f"cannot load network from {name!r}: {exc}") from exc
    return model


def _warn_reuse(method: str) -> None:
    warnings.warn(f"Sequential.{method}(..., reuse=...) is deprecated and will be removed in dlbasics 0.3: "
                  "use `with model.reusing_buffers(): ...`", DeprecationWarning, stacklevel=3)
