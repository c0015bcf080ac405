"""Networks: a sequential container of layers, an MLP builder, and safe save/load (notebook 04).

A multi-layer perceptron is nothing but layers applied one after the other::

    X -> Dense -> ReLU -> Dense -> ReLU -> Dense -> (logits or sigmoid) -> prediction

``forward`` runs them in order; ``backward`` runs their backward passes in reverse order,
which is the chain rule applied layer by layer (backpropagation, notebook 05).
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from dlbasics.activations import sigmoid, softmax
from dlbasics.layers import (
    ActivationLayer,
    Dense,
    Layer,
    LeakyReLU,
    Sigmoid,
    Softmax,
    activation_layer,
    as_rng,
)

__all__ = ["Sequential", "mlp", "save", "load"]

Array = NDArray[Any]

_FORMAT = "dlbasics-network"
_FORMAT_VERSION = 1


class Sequential:
    """Layers applied in order.

    Parameters
    ----------
    layers : sequence of Layer
        For example ``[Dense(2, 4), Tanh(), Dense(4, 1), Sigmoid()]``.

    Examples
    --------
    >>> from dlbasics.layers import Dense, ReLU
    >>> net = Sequential([Dense(3, 4, rng=0), ReLU(), Dense(4, 1, rng=1)])
    >>> net.forward(np.zeros((100, 3))).shape
    (100, 1)
    """

    def __init__(self, layers: Sequence[Layer]) -> None:
        layers = list(layers)
        if not layers:
            raise ValueError("Sequential needs at least one layer")
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(f"layer {i} is a {type(layer).__name__}, not a dlbasics Layer")
        self.layers: list[Layer] = layers
        self._name_layers()
        self._check_widths()

    def _name_layers(self) -> None:
        counts: dict[str, int] = {}
        for layer in self.layers:
            base = layer.name.rstrip("0123456789") or "layer"
            counts[base] = counts.get(base, 0) + 1
            if layer.name == type(layer).name or layer.name == getattr(layer, "activation", None):
                layer.name = f"{base}{counts[base]}"

    def _check_widths(self) -> None:
        width: int | None = None
        for layer in self.layers:
            if isinstance(layer, Dense):
                if width is not None:
                    layer.output_size(width)
                width = layer.n_out

    # -- sizes -----------------------------------------------------------------------------
    @property
    def n_in(self) -> int:
        """Input width expected by the first dense layer."""
        for layer in self.layers:
            if isinstance(layer, Dense):
                return layer.n_in
        raise ValueError("network has no Dense layer")

    @property
    def n_out(self) -> int:
        """Output width of the last dense layer."""
        for layer in reversed(self.layers):
            if isinstance(layer, Dense):
                return layer.n_out
        raise ValueError("network has no Dense layer")

    @property
    def dense_layers(self) -> list[Dense]:
        """The Dense layers in order (their ``W`` and ``b`` are what the widgets draw)."""
        return [layer for layer in self.layers if isinstance(layer, Dense)]

    @property
    def dtype(self) -> np.dtype[Any]:
        """Floating dtype of the parameters."""
        return self.dense_layers[0].W.dtype

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
    def check_input(self, X: ArrayLike) -> Array:
        """Validate a batch: 2-D, the right width, finite. Returns it as an array."""
        X = np.asarray(X)
        if X.ndim == 1 and X.shape[0] == self.n_in:
            X = X[None, :]
        if X.ndim != 2 or X.shape[1] != self.n_in:
            raise ValueError(
                f"network input: expected shape (N, {self.n_in}) — one row per sample, "
                f"{self.n_in} features — got {X.shape}"
            )
        if not np.issubdtype(X.dtype, np.number) or np.issubdtype(X.dtype, np.complexfloating):
            raise TypeError(f"network input: expected real numbers, got dtype {X.dtype}")
        # min and max propagate NaN and show inf, without a temporary the size of X
        if X.size and np.issubdtype(X.dtype, np.floating) and not (
            np.isfinite(X.min()) and np.isfinite(X.max())
        ):
            bad = np.argwhere(~np.isfinite(X))[0]
            raise ValueError(
                f"network input contains NaN or inf (first at row {bad[0]}, column {bad[1]}); "
                "clean or impute the data before training"
            )
        return X

    def forward(self, X: ArrayLike, *, reuse: bool = False) -> Array:
        """Run every layer in order; returns the network's raw output.

        ``reuse=True`` lets layers write into buffers kept between calls (fast; used by
        training). The returned array is then overwritten by the next call.
        """
        out = np.asarray(X)
        for layer in self.layers:
            out = layer.forward(out, reuse=reuse)
        return out

    def __call__(self, X: ArrayLike) -> Array:
        return self.forward(X)

    def backward(self, dout: Array, *, reuse: bool = False, input_grad: bool = True,
                 skip_last: int = 0) -> Array:
        """Backpropagate ``dL/d(output)`` through the layers in reverse order.

        Sets every layer's parameter gradients and returns ``dL/dX`` (unless
        ``input_grad=False``). ``skip_last=k`` starts below the last ``k`` layers, for a loss
        whose gradient already includes them (sigmoid + binary cross-entropy).
        """
        grad = dout
        stop = len(self.layers) - skip_last
        for i in range(stop - 1, -1, -1):
            grad = self.layers[i].backward(
                grad, reuse=reuse, input_grad=input_grad or i > 0
            )
        return grad

    # -- prediction ------------------------------------------------------------------------
    @property
    def output_kind(self) -> str:
        """``"sigmoid"``, ``"softmax"``, ``"logits"`` (ends in Dense, several outputs) or
        ``"linear"`` (ends in Dense, one output) — decides what ``predict`` returns."""
        last = self.layers[-1]
        if isinstance(last, Sigmoid):
            return "sigmoid"
        if isinstance(last, Softmax):
            return "softmax"
        if isinstance(last, ActivationLayer):
            return "linear"
        return "logits" if self.n_out > 1 else "linear"

    def predict_proba(self, X: ArrayLike) -> Array:
        """Class probabilities, shape ``(N, K)`` (for one sigmoid output: ``(N, 1)``, P(class 1))."""
        out = self.forward(self.check_input(X))
        kind = self.output_kind
        if kind == "logits":
            return softmax(out)
        if kind in ("sigmoid", "softmax"):
            return out
        if self.n_out == 1:
            return sigmoid(out)
        return softmax(out)

    def predict(self, X: ArrayLike) -> Array:
        """Predicted class labels ``(N,)`` for a classifier, or values ``(N, n_out)`` for a
        regression network (one that ends in a linear output with no sigmoid)."""
        kind = self.output_kind
        out = self.forward(self.check_input(X))
        if kind == "linear":
            return out
        if out.shape[1] == 1:
            threshold = 0.5 if kind == "sigmoid" else 0.0
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
        """Overwrite every parameter in place (shapes must match :meth:`get_weights`)."""
        params = self.parameters()
        if len(weights) != len(params):
            raise ValueError(f"expected {len(params)} arrays, got {len(weights)}")
        for (name, p, _), w in zip(self.named_parameters(), weights, strict=True):
            w = np.asarray(w)
            if w.shape != p.shape:
                raise ValueError(f"parameter {name}: expected shape {p.shape}, got {w.shape}")
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
    *,
    init: str | None = None,
    rng: np.random.Generator | int | None = None,
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
    init : str, optional
        Weight initialiser; default He for ReLU-like activations, Xavier otherwise.
    rng : Generator or int, optional
        Randomness for the initial weights.
    dtype : numpy dtype
        ``float32`` (default) or ``float64``.

    Examples
    --------
    >>> net = mlp([3, 4, 4, 1], output="sigmoid", rng=0)
    >>> net.forward(np.zeros((100, 3))).shape
    (100, 1)
    """
    sizes = [int(s) for s in sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"mlp: sizes must be at least [n_in, n_out] of positive ints, got {sizes}")
    act = activation_layer(activation).activation  # validates the name early
    if init is None:
        init = "he" if act in ("relu", "leaky_relu") else "xavier"
    gen = as_rng(rng)
    layers: list[Layer] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(Dense(a, b, init=init, rng=gen, dtype=dtype))
        if i < len(sizes) - 2:
            layers.append(activation_layer(act))
    if output is not None and output not in ("identity", "linear", "none"):
        layers.append(activation_layer(output))
    return Sequential(layers)


# -- save / load -------------------------------------------------------------------------------
def save(model: Sequential, path: str | os.PathLike[str]) -> None:
    """Save a network — architecture and weights — to a single ``.npz`` file.

    The architecture is stored as JSON text inside the archive, never as a pickle, so
    :func:`load` can read files from strangers without running their code.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> net = mlp([2, 3, 1], rng=0)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "net.npz"
    >>> save(net, path)
    >>> np.array_equal(load(path).predict([[1.0, 2.0]]), net.predict([[1.0, 2.0]]))
    True
    """
    meta = {"format": _FORMAT, "version": _FORMAT_VERSION, "layers": model.config()}
    arrays: dict[str, Any] = {"__architecture__": np.array(json.dumps(meta))}
    for i, layer in enumerate(model.layers):
        for name, p, _ in layer.named_parameters():
            arrays[f"layer{i}.{name}"] = p
    path = os.fspath(path)
    tmp = path + ".tmp"
    with open(tmp, "wb") as fh:
        np.savez(fh, **arrays)
    os.replace(tmp, path)


def _layer_from_config(cfg: dict[str, Any]) -> Layer:
    kind = cfg.get("type")
    if kind == "Dense":
        dtype = str(cfg.get("dtype", "float32"))
        if dtype not in ("float32", "float64"):
            raise ValueError(f"Dense layer dtype must be float32 or float64, got {dtype!r}")
        return Dense(int(cfg["n_in"]), int(cfg["n_out"]), init=str(cfg.get("init", "xavier")),
                     dtype=np.dtype(dtype), name=cfg.get("name"))
    if kind == "LeakyReLU":
        return LeakyReLU(float(cfg.get("alpha", 0.01)))
    names = {"Identity": "identity", "Step": "step", "Sigmoid": "sigmoid", "Tanh": "tanh",
             "ReLU": "relu", "Softmax": "softmax"}
    if kind in names:
        return activation_layer(names[kind])
    raise ValueError(f"unknown layer type {kind!r} in saved network")


def load(path: str | os.PathLike[str]) -> Sequential:
    """Load a network saved by :func:`save`.

    The file is opened with ``allow_pickle=False``: a pickled or malformed file raises
    ``ValueError`` and nothing in it is executed.

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
    try:
        # Open the file here so it is closed even when numpy cannot parse it.
        with open(path, "rb") as fh, np.load(fh, allow_pickle=False) as data:
            if "__architecture__" not in data.files:
                raise ValueError("not a dlbasics network file (no architecture record)")
            meta = json.loads(str(data["__architecture__"]))
            if not isinstance(meta, dict) or meta.get("format") != _FORMAT:
                raise ValueError("not a dlbasics network file (wrong format tag)")
            if not isinstance(meta.get("layers"), list) or not all(
                isinstance(c, dict) for c in meta["layers"]
            ):
                raise ValueError("malformed architecture record (expected a list of layers)")
            if int(meta.get("version", 0)) > _FORMAT_VERSION:
                raise ValueError(f"file format version {meta['version']} is newer than this dlbasics")
            layers = [_layer_from_config(c) for c in meta["layers"]]
            model = Sequential(layers)
            for i, layer in enumerate(model.layers):
                for name, p, _ in layer.named_parameters():
                    key = f"layer{i}.{name}"
                    if key not in data.files:
                        raise ValueError(f"saved network is missing array {key}")
                    arr = data[key]
                    if arr.shape != p.shape:
                        raise ValueError(f"{key}: expected shape {p.shape}, file has {arr.shape}")
                    p[...] = arr
    except (zipfile.BadZipFile, OSError, EOFError, KeyError, TypeError, AttributeError,
            json.JSONDecodeError) as exc:
        raise ValueError(f"cannot load network from {os.fspath(path)!r}: {exc}") from exc
    except ValueError as exc:
        raise ValueError(f"cannot load network from {os.fspath(path)!r}: {exc}") from exc
    return model
