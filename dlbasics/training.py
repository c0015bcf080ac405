"""The training loop: full-batch, stochastic and mini-batch gradient descent (notebooks 05–07).

One loop covers all three flavours through ``batch_size``:

* ``batch_size=None`` — full batch: one step per epoch uses every sample (batch GD);
* ``batch_size=1`` — stochastic: one step per sample (the "stumbling" path);
* ``batch_size=B`` — mini-batch: ``ceil(N / B)`` steps per epoch.

Each step (:func:`train_step`) is: gather a batch → forward → loss and its gradient →
backward → optimizer step. :func:`fit` repeats it over the batches of every epoch
(:func:`batch_indices`), and at the end of each epoch records the history, validates, stops
early or reports divergence. The loop reuses its buffers between steps, keeps everything in the
model's dtype (float32 by default) and never loops over samples in Python.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
from numpy.typing import ArrayLike

from dlbasics._typing import Array, RngLike
from dlbasics._util import as_rng, progress_bar
from dlbasics.activations import _real_array
from dlbasics.layers import Rescale, Sigmoid, Softmax
from dlbasics.losses import (
    _bce_from_sigmoid,
    _ce_from_softmax,
    _check_distributions,
    _cross_entropy_labels,
    _cross_entropy_probs,
    class_labels,
    get_loss,
)
from dlbasics.network import Sequential
from dlbasics.optimizers import _OPTIMIZERS, Optimizer, _Scheduler, get_optimizer

__all__ = ["fit", "train_step", "batch_indices", "evaluate", "accuracy", "History", "TrainingState",
           "DivergenceError"]


class DivergenceError(FloatingPointError):
    """Training stopped because the loss became NaN or infinite.

    Attributes
    ----------
    history : History
        What was recorded up to the failure.

    Examples
    --------
    A far too large learning rate makes the loss explode; :func:`fit` stops and says what
    to try instead:

    >>> from dlbasics.network import mlp
    >>> from dlbasics.datasets import make_blobs
    >>> X, y = make_blobs(100, rng=0)
    >>> try:
    ...     fit(mlp([2, 8, 2], rng=0), X, y, lr=1e6, epochs=5, rng=0)
    ... except DivergenceError as err:
    ...     print(err)
    training diverged: the loss became ... (lr=1e+06). Try a smaller learning rate, e.g. lr=100000, ...
    """

    def __init__(self, message: str, history: History) -> None:
        super().__init__(message)
        self.history = history


@dataclass
class History:
    """What happened during :func:`fit`, epoch by epoch and step by step.

    Attributes
    ----------
    loss, accuracy : list of float
        Training loss / accuracy per epoch (mean over the epoch's steps; accuracy only for
        classifiers).
    val_loss, val_accuracy : list of float
        The same on the validation data, if given.
    step_loss : list of float
        Loss of every step (one mini-batch).
    lr : list of float
        Learning rate used in each epoch.
    stopped_early : bool
        Whether early stopping ended the run.
    best_epoch : int or None
        Epoch (1-based) with the lowest validation loss, when validation data was given.

    Examples
    --------
    100 samples in mini-batches of 25 make 4 steps per epoch:

    >>> from dlbasics.network import mlp
    >>> from dlbasics.datasets import make_blobs
    >>> X, y = make_blobs(100, rng=0)
    >>> hist = fit(mlp([2, 8, 2], rng=0), X, y, epochs=3, batch_size=25, rng=0)
    >>> hist.epochs, hist.steps, len(hist.loss), hist.lr
    (3, 12, 3, [0.1, 0.1, 0.1])
    >>> hist.loss[-1] < hist.loss[0]
    True
    """

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    step_loss: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    stopped_early: bool = False
    best_epoch: int | None = None

    @property
    def epochs(self) -> int:
        """Number of completed epochs."""
        return len(self.loss)

    @property
    def steps(self) -> int:
        """Number of optimizer steps taken."""
        return len(self.step_loss)


@dataclass
class TrainingState:
    """Passed to callbacks: enough to draw a live plot or stop training.

    ``event`` is ``"step"`` (every ``callback_every`` steps) or ``"epoch"`` (end of an epoch).
    Set ``stop = True`` (or return ``True`` from the callback) to end training.

    Examples
    --------
    A callback that records what it sees and stops after 6 steps (4 steps per epoch here):

    >>> from dlbasics.network import mlp
    >>> from dlbasics.datasets import make_blobs
    >>> X, y = make_blobs(100, rng=0)
    >>> seen = []
    >>> def stop_after_6(state):
    ...     seen.append((state.event, state.epoch, state.step))
    ...     return state.step >= 6
    >>> hist = fit(mlp([2, 8, 2], rng=0), X, y, epochs=5, batch_size=25, rng=0,
    ...            callbacks=[stop_after_6])
    >>> seen
    [('step', 1, 1), ('step', 1, 2), ('step', 1, 3), ('step', 1, 4), ('epoch', 1, 4),
     ('step', 2, 5), ('step', 2, 6)]
    >>> hist.steps, hist.stopped_early
    (6, True)
    """

    model: Sequential
    optimizer: Optimizer
    history: History
    epoch: int
    step: int
    loss: float
    event: str = "step"
    stop: bool = False


Callback = Callable[[TrainingState], Any]


def _check_model(model: Any, what: str) -> Sequential:
    if not isinstance(model, Sequential):
        raise TypeError(f"{what}: model must be a dlbasics Sequential, got {type(model).__name__}")
    return model


def _count(value: Any, what: str, name: str, none: str = "") -> int:
    """An int >= 1 (``none`` describes what None would mean, for the message)."""
    also = f" or None ({none})" if none else ""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{what}: {name} must be an int >= 1{also}, got {value!r} "
                        f"({type(value).__name__})")
    if value < 1:
        raise ValueError(f"{what}: {name} must be >= 1{also}, got {value}")
    return int(value)


_ALIASES = {"bce": "binary_cross_entropy", "bce_with_logits": "binary_cross_entropy_with_logits"}


def _loss_kind(model: Sequential, loss: str | Callable[..., Any],
               what: str = "fit") -> str | Callable[..., Any]:
    """The loss to use: ``"auto"`` resolved from the head, names checked against the output layer.

    A loss that cannot work with the network's last layer is refused here, once, instead of
    training silently on nonsense: probabilities for a loss that wants raw scores or the
    reverse, cross-entropy on one output.
    """
    if loss != "auto":
        if callable(loss):
            return loss
        get_loss(loss, what)  # a name, and a known one
        loss = _ALIASES.get(loss, loss)
        last = model.layers[-1]
        ends = f"the network ends in {type(last).__name__} '{last.name}'"
        if loss == "binary_cross_entropy" and not isinstance(last, Sigmoid | Softmax):
            raise ValueError(f"{what}: binary_cross_entropy needs probabilities, but {ends} (raw "
                             "scores); end the network in a sigmoid (mlp(..., output='sigmoid')) or "
                             "use loss='binary_cross_entropy_with_logits'")
        if loss in ("binary_cross_entropy_with_logits", "cross_entropy") \
                and isinstance(last, Sigmoid) or (loss == "binary_cross_entropy_with_logits"
                                                  and isinstance(last, Softmax)):
            raise ValueError(f"{what}: {loss} takes raw scores (logits), but {ends}, which already "
                             "gives probabilities; drop the output activation, or use "
                             f"loss='{'binary_cross_entropy' if loss != 'cross_entropy' else 'auto'}'")
        if loss == "cross_entropy" and model.n_out < 2:
            raise ValueError(f"{what}: cross_entropy needs one output per class (at least 2), this "
                             "network has 1; for labels 0/1 use one sigmoid output "
                             "(mlp(..., output='sigmoid')) with binary_cross_entropy")
        if loss == "kl_divergence" and not isinstance(last, Softmax):
            raise ValueError(f"{what}: kl_divergence compares probability distributions, but {ends}; "
                             "end the network in a softmax (mlp(..., output='softmax'))")
        return loss
    return _AUTO_LOSS.get(model.head, "mse")


#: the loss ``loss="auto"`` picks for each head
_AUTO_LOSS = {"sigmoid": "binary_cross_entropy", "logits": "cross_entropy", "softmax": "cross_entropy",
              "binary_logits": "binary_cross_entropy_with_logits", "regression": "mse"}


def _prepare_targets(model: Sequential, y: ArrayLike, n: int, loss: Any, what: str) -> Array:
    """Validate labels/targets against the model and the loss; return them ready to slice."""
    try:
        y = np.asarray(y)
    except ValueError:  # numpy's "inhomogeneous shape"
        raise TypeError(f"{what}: y must be an array, got nested lists of different lengths") from None
    if y.ndim == 0 or y.shape[0] != n:
        raise ValueError(f"{what}: got {n} samples but targets of shape {y.shape} (y needs one entry "
                         "per row of X)")
    k = model.n_out
    if loss == "cross_entropy":
        if y.ndim == 2 and y.shape[1] == k:
            Y = _real_array(y, what, "y").astype(model.dtype)
            _check_distributions(Y, what)
            return Y
        if y.ndim != 1:
            raise ValueError(
                f"{what}: cross_entropy expects integer labels of shape ({n},) or one-hot "
                f"({n}, {k}), got {y.shape}"
            )
        return class_labels(y, k, what)
    y = _real_array(y, what, "y")
    shape = y.shape
    if y.ndim == 1:
        y = y.reshape(-1, 1)
    if y.shape != (n, k):
        name = loss if isinstance(loss, str) else f"the loss {getattr(loss, '__name__', '')}".rstrip()
        hint = (f"; for class labels of a {k}-output classifier use loss='cross_entropy'"
                if y.shape == (n, 1) and k > 1 and loss == "mse" else "")
        raise ValueError(f"{what}: {name} expected targets of shape ({n}, {k}), got {shape}{hint}")
    if not np.all(np.isfinite(y)):
        raise ValueError(f"{what}: targets contain NaN or inf")
    if loss == "binary_cross_entropy" and not np.all((y == 0) | (y == 1)):
        raise ValueError(f"{what}: binary cross-entropy needs labels 0 or 1, got values "
                         f"{np.unique(y)[:5].tolist()}")
    if loss == "binary_cross_entropy_with_logits" and (y.min() < 0 or y.max() > 1):
        raise ValueError(f"{what}: binary_cross_entropy_with_logits needs labels 0 or 1 (or "
                         f"probabilities), got range [{y.min():g}, {y.max():g}]")
    if loss == "kl_divergence":
        _check_distributions(y.astype(np.float64), what)
    return y.astype(model.dtype)


def _loss_and_grad(model: Sequential, out: Array, yb: Array, loss: Any,
                   grad_out: Array | None = None) -> tuple[float, Array, int]:
    """Stage 2 of a step: the loss, its gradient with respect to the output of the last layer
    that backward must still go through, and how many trailing layers the gradient already
    includes (1 for a Sigmoid or Softmax layer fused with its cross-entropy, else 0).

    The formulas are in :mod:`dlbasics.losses`; this only picks one. ``grad_out``, an array of
    ``out``'s shape, receives the gradient where the loss can write it in place. The targets
    are trusted (checked once by :func:`_prepare_targets`).
    """
    last = model.layers[-1]
    if loss == "binary_cross_entropy" and isinstance(last, Sigmoid):
        return (*_bce_from_sigmoid(out, yb, grad_out), 1)  # dZ = (p - y) / n below the sigmoid
    if loss == "cross_entropy" and isinstance(last, Softmax):
        return (*_ce_from_softmax(out, yb, grad_out), 1)  # dZ = (P - Y) / N below the softmax
    if loss == "cross_entropy" and yb.ndim == 1:  # logits and labels: the common case, in place
        grad = np.empty_like(out) if grad_out is None else grad_out
        return _cross_entropy_labels(out, yb, out=grad), grad, 0  # dZ = (P - Y) / N
    if loss == "cross_entropy":  # logits and (N, K) targets
        return (*_cross_entropy_probs(out, yb), 0)
    result = get_loss(loss)(out, yb)
    if callable(loss):  # a user's loss function: check what it returns (O(1) per step)
        _check_loss_result(loss, result, out)
    value, grad = result
    return float(value), grad.astype(out.dtype, copy=False), 0


def _check_loss_result(loss: Callable[..., Any], result: Any, out: Array) -> None:
    if not (isinstance(result, tuple) and len(result) == 2
            and isinstance(result[1], np.ndarray) and result[1].shape == out.shape):
        got = (f"a gradient of shape {result[1].shape}" if isinstance(result, tuple) and len(result) == 2
               and isinstance(result[1], np.ndarray) else f"{type(result).__name__}")
        raise TypeError(f"loss function {getattr(loss, '__name__', loss)!r} must return (loss, grad) "
                        f"with grad of the output's shape {out.shape}, got {got}")


_CLASSIFICATION_LOSSES = ("cross_entropy", "binary_cross_entropy", "binary_cross_entropy_with_logits")


def _is_classifier(model: Sequential, loss: Any) -> bool:
    """Whether accuracy means something: a classifier head, or a classification loss."""
    return model.is_classifier or loss in _CLASSIFICATION_LOSSES


def _correct(out: Array, yb: Array, head: str) -> int:
    """How many rows of the batch the output classifies right (``yb`` as prepared for the loss)."""
    if yb.ndim == 1:
        return int(np.count_nonzero(out.argmax(axis=1) == yb))
    if head == "sigmoid" or out.shape[1] == 1:
        threshold = 0.5 if head == "sigmoid" else 0.0  # a probability, or a score (logit)
        return int(np.count_nonzero((out > threshold) == (yb > 0.5)))
    return int(np.count_nonzero(out.argmax(axis=1) == yb.argmax(axis=1)))


# -- one step ---------------------------------------------------------------------------------
def train_step(model: Sequential, X_batch: ArrayLike, y_batch: ArrayLike,
               loss: str | Callable[..., Any], optimizer: Optimizer) -> float:
    """One step of gradient descent on one batch; returns the batch's loss (before the step).

    The stages, as notebook 05 and 06 write them:

    1. forward: ``out = model.forward(X_batch)``, shape ``(B, n_out)``;
    2. the loss ``L`` and its gradient ``∂L/∂out`` (fused with a final Sigmoid or Softmax
       layer into ``dZ = (P − Y)/B``, see :mod:`dlbasics.losses`);
    3. backward: ``model.backward`` writes ``dW = Aᵀ dZ`` and ``db = Σ dZ`` into every layer;
    4. ``optimizer.step()``: ``W ← W − η dW`` for SGD (see :mod:`dlbasics.optimizers`).

    No ``zero_grad`` is needed (unlike PyTorch): backward *overwrites* each layer's ``dW`` and
    ``db`` instead of adding to them. A NaN or infinite loss takes no step (:func:`fit` turns it
    into a :class:`DivergenceError`).

    Parameters
    ----------
    model : Sequential
    X_batch : array, shape (B, n_in)
    y_batch : array
        Targets of the batch, as :func:`fit` takes them.
    loss : str or callable
        As in :func:`fit` (``"auto"`` picks the head's loss).
    optimizer : Optimizer
        Built on ``model.parameters()``.

    Raises
    ------
    ValueError, TypeError
        As :func:`fit`, checked at every call: :func:`fit` checks once and then runs the same
        stages without checking.

    Examples
    --------
    >>> from dlbasics.network import mlp
    >>> from dlbasics.optimizers import SGD
    >>> from dlbasics.datasets import make_blobs
    >>> X, y = make_blobs(64, rng=0)
    >>> net = mlp([2, 8, 2], rng=0)
    >>> opt = SGD(net.parameters(), lr=0.5)
    >>> losses = [train_step(net, X, y, "cross_entropy", opt) for _ in range(20)]
    >>> losses[-1] < losses[0]
    True
    """
    _check_model(model, "train_step")
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"train_step: optimizer must be an Optimizer such as SGD(model.parameters()), "
                        f"got {type(optimizer).__name__}")
    _check_optimizer(model, optimizer, "train_step")
    loss = _loss_kind(model, loss, "train_step")
    X = model.check_input(X_batch, "train_step")
    y = _prepare_targets(model, y_batch, X.shape[0], loss, "train_step")
    with np.errstate(over="ignore", invalid="ignore"):  # a NaN loss is the result, not a warning
        return _train_step(model, X, y, loss, optimizer)[0]


def _train_step(model: Sequential, X_batch: Array, y_batch: Array, loss: Any, optimizer: Optimizer,
                grad_out: Array | None = None) -> tuple[float, Array]:
    """The stages of :func:`train_step` on checked input; also returns the output (accuracy)."""
    out = model.forward(X_batch)  # 1. forward: (B, n_out)
    value, dout, fused = _loss_and_grad(model, out, y_batch, loss, grad_out)  # 2. L and ∂L/∂out
    if math.isfinite(value):  # a diverged loss takes no step
        model.backward(dout, input_grad=False, skip_last=fused)  # 3. every layer's dW, db
        optimizer.step()  # 4. W ← W − η dW, ...
    return value, out


# -- batches ----------------------------------------------------------------------------------
def batch_indices(n: int, batch_size: int, *, shuffle: bool = True,
                  rng: RngLike = None) -> Iterator[slice | Array]:
    """The samples of each step of one epoch: ``ceil(n / batch_size)`` index arrays.

    Shuffled (a fresh permutation of ``0 .. n-1`` cut into pieces) unless ``shuffle=False``
    or one batch holds everything; then consecutive slices, which need no copy.

    Examples
    --------
    >>> [idx.tolist() for idx in batch_indices(5, 2, rng=0)]
    [[2, 4], [3, 0], [1]]
    >>> list(batch_indices(5, 2, shuffle=False))
    [slice(0, 2, None), slice(2, 4, None), slice(4, 6, None)]
    """
    order = as_rng(rng, "batch_indices").permutation(n) if shuffle and batch_size < n else None
    for start in range(0, n, batch_size):
        yield slice(start, start + batch_size) if order is None else order[start:start + batch_size]


class _Batches:
    """Gathers the rows of each batch into buffers kept for the whole run.

    A fresh batch (400 KB at batch 128) could go back to the operating system after each step
    and be page-faulted in again at the next; the buffers avoid that.
    """

    def __init__(self, X: Array, y: Array, batch_size: int, n_out: int, dtype: np.dtype[Any]) -> None:
        self.X, self.y = X, y
        self.xbuf = np.empty((batch_size, X.shape[1]), dtype=X.dtype)  # (B, n_in)
        self.ybuf = np.empty((batch_size, *y.shape[1:]), dtype=y.dtype)  # (B,) or (B, n_out)
        self.gbuf = np.empty((batch_size, n_out), dtype=dtype)  # (B, n_out) ∂L/∂out

    def __call__(self, idx: slice | Array) -> tuple[Array, Array, Array]:
        """``(X_batch, y_batch, gradient buffer)`` for the rows ``idx``."""
        if isinstance(idx, slice):
            xb, yb = self.X[idx], self.y[idx]  # views, no copy
        else:
            # mode="clip" writes straight into the buffer ("raise" would go through a temporary
            # copy); the indices come from a permutation, so they are valid
            xb = np.take(self.X, idx, axis=0, out=self.xbuf[:idx.size], mode="clip")  # (B, n_in)
            yb = np.take(self.y, idx, axis=0, out=self.ybuf[:idx.size], mode="clip")
        return xb, yb, self.gbuf[:len(xb)]


def evaluate(model: Sequential, X: ArrayLike, y: ArrayLike, loss: str | Callable[..., Any] = "auto",
             batch_size: int = 8192) -> tuple[float, float | None]:
    """Loss and accuracy (``None`` for regression) of ``model`` on ``(X, y)``.

    ``X``, ``y`` and ``loss`` are checked as in :func:`fit`; ``batch_size`` only bounds the
    memory used.

    Raises
    ------
    ValueError
        As :func:`fit`: no samples, wrong shapes, bad labels, a loss that does not fit the
        output layer, ``batch_size`` below 1.
    TypeError
        ``model`` is not a :class:`Sequential`, non-numeric input.

    Examples
    --------
    >>> from dlbasics.network import mlp
    >>> net = mlp([2, 3], rng=0)
    >>> loss, acc = evaluate(net, np.zeros((4, 2)), [0, 1, 2, 0])
    >>> round(loss, 4), acc
    (1.0986, 0.5)
    """
    _check_model(model, "evaluate")
    batch_size = _count(batch_size, "evaluate", "batch_size")
    loss = _loss_kind(model, loss, "evaluate")
    X = model.check_input(X, "evaluate")
    n = X.shape[0]
    y = _prepare_targets(model, y, n, loss, "evaluate")
    total, correct = 0.0, 0
    for idx in batch_indices(n, batch_size, shuffle=False):
        out = model.forward(X[idx])
        value, _, _ = _loss_and_grad(model, out, y[idx], loss)
        total += value * out.shape[0]
        correct += _correct(out, y[idx], model.head)
    return total / n, (correct / n if _is_classifier(model, loss) else None)


def accuracy(model: Sequential, X: ArrayLike, y: ArrayLike) -> float:
    """Fraction of samples whose predicted class equals the label.

    Parameters
    ----------
    model : Sequential
        A classifier: any head but ``"regression"`` (see :mod:`dlbasics.network`).
    X : array, shape (N, n_in)
    y : array, shape (N,), (N, 1) or one-hot (N, K)
        Labels in ``[0, K)`` (``K = 2`` for one sigmoid output), checked by
        :func:`dlbasics.losses.class_labels` as in :func:`~dlbasics.losses.cross_entropy`:
        floats are accepted when they are whole numbers (``1.0``), ``0.5`` is refused.

    Raises
    ------
    ValueError
        No samples, X and y of different lengths, labels out of range or not whole numbers,
        a regression network (its predictions are numbers, not classes).
    TypeError
        ``model`` is not a :class:`Sequential`, non-numeric input.

    Examples
    --------
    >>> from dlbasics.network import mlp
    >>> accuracy(mlp([2, 2], rng=0), [[0.0, 0.0]], [0])
    1.0
    >>> accuracy(mlp([2, 2], rng=0), [[0.0, 0.0]], [2])
    Traceback (most recent call last):
    ...
    ValueError: accuracy: class labels must lie in [0, 1] for 2 classes, got range [2, 2]
    """
    _check_model(model, "accuracy")
    X = model.check_input(X, "accuracy")
    if not model.is_classifier:
        last = model.layers[-1]
        raise ValueError(f"accuracy needs a classifier, but the network ends in {type(last).__name__} "
                         f"'{last.name}' with {model.n_out} output(s), a regression output whose "
                         "predictions are numbers, not classes; build it with a classifier head "
                         "(mlp(..., head='binary_logits'), output='sigmoid') or give it one output "
                         "per class")
    n, k = X.shape[0], max(model.n_out, 2)
    try:
        y = np.asarray(y)
    except ValueError:  # numpy's "inhomogeneous shape"
        raise TypeError("accuracy: y must be an array of labels, got nested lists of different "
                        "lengths") from None
    if y.ndim == 2 and y.shape[1] == model.n_out > 1:
        Y = _real_array(y, "accuracy", "y")
        _check_distributions(Y.astype(np.float64), "accuracy")
        y = cast(Array, Y.argmax(axis=1))
    elif y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1 or y.shape[0] != n:
        onehot = f" or one-hot ({n}, {k})" if model.n_out > 1 else ""
        raise ValueError(f"accuracy: X has {n} samples, so y must be labels of shape ({n},){onehot}; "
                         f"got {y.shape}")
    labels = class_labels(y, k, "accuracy")
    pred = model.predict(X)
    return float(np.count_nonzero(pred == labels) / n)


def fit(
    model: Sequential,
    X: ArrayLike,
    y: ArrayLike,
    *,
    loss: str | Callable[..., Any] = "auto",
    optimizer: Optimizer | str = "sgd",
    lr: float | None = None,
    epochs: int = 10,
    batch_size: int | None = 32,
    shuffle: bool = True,
    rng: RngLike = None,
    validation_data: tuple[ArrayLike, ArrayLike] | None = None,
    scheduler: _Scheduler | None = None,
    callbacks: Sequence[Callback] = (),
    callback_every: int = 1,
    early_stopping: int | None = None,
    progress: bool = False,
    blas_threads: int | None = None,
) -> History:
    """Train ``model`` on ``(X, y)`` with mini-batch gradient descent.

    Every argument is checked once, up front. Then, for each epoch: for each batch of
    :func:`batch_indices`, one :func:`train_step` (forward, loss and gradient, backward,
    optimizer step); then the end of the epoch: record the history, evaluate
    ``validation_data``, keep the best weights for early stopping, refuse non-finite
    parameters, step the scheduler, call the callbacks.

    Parameters
    ----------
    model : Sequential
    X : array, shape (N, n_in)
    y : array
        Integer labels ``(N,)`` for ``cross_entropy``; 0/1 labels ``(N,)`` or ``(N, 1)`` for
        binary cross-entropy; targets ``(N, n_out)`` for ``mse``.
    loss : str or callable, default "auto"
        ``"auto"`` picks the loss of the network's head (:mod:`dlbasics.network`): binary
        cross-entropy for ``sigmoid``, ``binary_cross_entropy_with_logits`` for
        ``binary_logits``, cross-entropy for ``logits`` or ``softmax``, mean squared error for
        ``regression``. A network built without a head that ends in a Dense layer with several
        outputs counts as a classifier (logits, so cross-entropy): for regression with several
        outputs build it with ``head="regression"`` or pass ``loss="mse"``. A callable takes
        ``(output, y)`` and returns ``(loss, grad)``.
    optimizer : Optimizer or str, default "sgd"
        An optimizer built on ``model.parameters()``, or a name (``"sgd"``, ``"rmsprop"``,
        ``"adam"``) built with ``lr``. An optimizer built on part of the parameters
        (``SGD(model[-1].parameters())``) trains only that part: the others stay frozen, as in
        PyTorch. One that holds any array that is not this model's (built on another network,
        or on copies) is refused, since it would update arrays the model never reads.
    lr : float, optional
        Learning rate η when ``optimizer`` is a name. The defaults are 0.1 for ``"sgd"``, 0.001
        for ``"adam"``, 0.01 for ``"rmsprop"``. For SGD this is ten times ``SGD``'s own default
        (0.01, PyTorch's): ``fit``'s default is for the course's small, standardised problems,
        where 0.01 would need ten times the epochs; an ``SGD(...)`` you build keeps its own rate.
    epochs : int
        Passes over the data.
    batch_size : int or None, default 32
        ``None`` for full batch, ``1`` for stochastic, else the mini-batch size.
    shuffle : bool
        Reshuffle the samples at every epoch (with ``rng``).
    rng : Generator or int, optional
        Randomness for shuffling.
    validation_data : (X_val, y_val), optional
        Evaluated at the end of each epoch.
    scheduler : StepLR or CosineAnnealingLR, optional
        Stepped once per epoch; it must be built on ``optimizer``.
    callbacks : sequence of callables
        Each is called with a :class:`TrainingState` every ``callback_every`` steps
        (``event="step"``) and after each epoch (``event="epoch"``). Returning ``True`` stops.
    early_stopping : int, optional
        Patience: stop when the validation loss has not improved for this many epochs, and
        restore the weights of the best epoch. Needs ``validation_data``.
    progress : bool
        Show a progress bar (tqdm) over epochs.
    blas_threads : int, optional
        Threads the BLAS library may use while training (needs ``threadpoolctl``). By default
        one thread for batches of up to 256 samples, the library's own setting above: the
        matrix products of a small batch are too short to share between threads, and on a busy
        machine threads waiting for each other can make an epoch ten times slower.

    Returns
    -------
    History

    Raises
    ------
    DivergenceError
        When the loss becomes NaN or infinite; the model keeps its last finite parameters.
    ValueError
        Checked once, before the first step: no samples; X of the wrong width or with NaN or
        inf; y not matching X or the loss (wrong length or shape, labels out of range or not
        whole numbers, NaN); a loss that does not fit the output layer (``binary_cross_entropy``
        on raw scores, ``cross_entropy`` on one output ...); an unknown loss or optimizer name;
        an optimizer or scheduler built on something else; counts below 1.
    TypeError
        ``model`` not a :class:`Sequential`; counts that are not ints; ``validation_data`` not
        a pair; ``callbacks`` not a list of functions; flags that are not bools.

    Examples
    --------
    >>> from dlbasics.network import mlp
    >>> from dlbasics.datasets import make_blobs
    >>> X, y = make_blobs(200, rng=0)
    >>> net = mlp([2, 8, 2], rng=0)
    >>> hist = fit(net, X, y, epochs=5, rng=0)
    >>> hist.accuracy[-1] > 0.9
    True
    """
    run = _check_fit(model, X, y, loss=loss, optimizer=optimizer, lr=lr, epochs=epochs,
                     batch_size=batch_size, shuffle=shuffle, rng=rng, validation_data=validation_data,
                     scheduler=scheduler, callbacks=callbacks, callback_every=callback_every,
                     early_stopping=early_stopping, progress=progress, blas_threads=blas_threads)
    report = _Report(run, epochs if progress else 0)
    watch = _Watch(run, report.history)
    batches = _Batches(run.X, run.y, run.batch_size, model.n_out, model.dtype)
    step = 0
    with _fast_steps(model, run.batch_size, blas_threads), report:
        for epoch in range(1, epochs + 1):
            totals = _EpochTotals(run.classify, model.head)
            for idx in batch_indices(len(run.X), run.batch_size, shuffle=shuffle, rng=run.rng):
                xb, yb, grad_out = batches(idx)
                value, out = _train_step(model, xb, yb, run.loss, run.optimizer, grad_out)
                step += 1
                watch.check_loss(value, epoch, step)
                totals.add(value, out, yb)
                if report.after_step(epoch, step, value):
                    break
            report.end_epoch(totals)
            watch.end_epoch(epoch, step)  # validation, best weights, divergence
            report.update_bar()
            if run.scheduler is not None:
                run.scheduler.step()
            if report.history.stopped_early or report.after_epoch(epoch, step) or watch.patience_out():
                report.history.stopped_early = True
                break
    watch.restore_best()
    return report.history


# -- what fit checks, once ----------------------------------------------------------------------
@dataclass
class _Run:
    """Everything :func:`fit` checked before the first step; the loop trusts it."""

    model: Sequential
    X: Array  # (N, n_in), contiguous, the model's dtype (or as given, before a Rescale layer)
    y: Array  # prepared for the loss by _prepare_targets
    loss: Any
    optimizer: Optimizer
    batch_size: int  # at most N
    rng: np.random.Generator
    val: tuple[Array, Array] | None
    scheduler: _Scheduler | None
    callbacks: Sequence[Callback]
    callback_every: int
    early_stopping: int | None
    classify: bool


def _check_fit(model: Sequential, X: ArrayLike, y: ArrayLike, *, loss: Any, optimizer: Any,
               lr: float | None, epochs: int, batch_size: int | None, shuffle: bool, rng: RngLike,
               validation_data: Any, scheduler: Any, callbacks: Any, callback_every: int,
               early_stopping: int | None, progress: bool, blas_threads: int | None) -> _Run:
    """Check every argument of :func:`fit` (each error names what was expected and what came)."""
    _check_model(model, "fit")
    _count(epochs, "fit", "epochs")
    if batch_size is not None:
        batch_size = _count(batch_size, "fit", "batch_size", none="full batch")
    callback_every = _count(callback_every, "fit", "callback_every")
    if early_stopping is not None:
        early_stopping = _count(early_stopping, "fit", "early_stopping", none="no early stopping")
    if blas_threads is not None:
        _count(blas_threads, "fit", "blas_threads", none="the library's own setting")
    for flag, setting in (("shuffle", shuffle), ("progress", progress)):
        if not isinstance(setting, bool | np.bool_):
            raise TypeError(f"fit: {flag} must be True or False, got {setting!r}")
    _check_callbacks(callbacks)
    gen = as_rng(rng, "fit")
    loss = _loss_kind(model, loss, "fit")
    Xa = _training_input(model, model.check_input(X, "fit"))  # (N, n_in)
    n = Xa.shape[0]
    ya = _prepare_targets(model, y, n, loss, "fit")
    optimizer = _fit_optimizer(model, optimizer, lr)
    _check_scheduler(scheduler, optimizer)
    val = _check_validation(model, validation_data, loss)
    if early_stopping is not None and val is None:
        raise ValueError("fit: early_stopping needs validation_data")
    return _Run(model, Xa, ya, loss, optimizer, n if batch_size is None else min(batch_size, n), gen,
                val, scheduler, callbacks, callback_every, early_stopping, _is_classifier(model, loss))


def _training_input(model: Sequential, X: Array) -> Array:
    """``X`` contiguous in the model's dtype, converted once; a network that starts with a
    :class:`~dlbasics.layers.Rescale` layer keeps it as it is (``uint8`` images: the layer
    converts one batch at a time, and no float copy of the whole data set is made)."""
    dtype = X.dtype if isinstance(model.layers[0], Rescale) else model.dtype
    return np.ascontiguousarray(X, dtype=dtype)


def _check_callbacks(callbacks: Any) -> None:
    if callable(callbacks) or isinstance(callbacks, str) or not isinstance(callbacks, Sequence) \
            or not all(callable(cb) for cb in callbacks):
        got = (f"the function {getattr(callbacks, '__name__', callbacks)!r}; pass callbacks=[it]"
               if callable(callbacks) else repr(callbacks))
        raise TypeError(f"fit: callbacks must be a list of functions, got {got}")


#: fit's learning rate for an optimizer given by name (SGD's is ten times ``SGD``'s own default)
_DEFAULT_LR = {"sgd": 0.1, "adam": 0.001, "rmsprop": 0.01}


def _fit_optimizer(model: Sequential, optimizer: Any, lr: float | None) -> Optimizer:
    """The optimizer fit uses: built from a name with ``lr``, or checked against the model."""
    if isinstance(optimizer, str):
        if optimizer.lower() not in _OPTIMIZERS:
            raise ValueError(f"fit: unknown optimizer {optimizer!r}; expected one of "
                             f"{sorted(_OPTIMIZERS)} or an Optimizer built on model.parameters()")
        default_lr = _DEFAULT_LR.get(optimizer.lower(), 0.01)
        return get_optimizer(optimizer, model.parameters(), lr=default_lr if lr is None else lr)
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"fit: optimizer must be a name {sorted(_OPTIMIZERS)} or an Optimizer such "
                        f"as SGD(model.parameters()), got {type(optimizer).__name__}")
    if lr is not None:
        raise ValueError("fit: give lr to the optimizer you built, not to fit")
    _check_optimizer(model, optimizer)
    return optimizer


def _check_scheduler(scheduler: Any, optimizer: Optimizer) -> None:
    if scheduler is None:
        return
    if not isinstance(scheduler, _Scheduler):
        raise TypeError(f"fit: scheduler must be a StepLR or CosineAnnealingLR, got "
                        f"{type(scheduler).__name__}")
    if scheduler.optimizer is not optimizer:
        raise ValueError("fit: the scheduler was built on another optimizer than the one fit "
                         "uses, so it would change nothing; build the optimizer first, then "
                         "StepLR(opt, ...), and pass optimizer=opt, scheduler=...")


def _check_validation(model: Sequential, validation_data: Any, loss: Any) -> tuple[Array, Array] | None:
    if validation_data is None:
        return None
    if not isinstance(validation_data, tuple | list) or len(validation_data) != 2:
        raise TypeError(f"fit: validation_data must be a pair (X_val, y_val), got "
                        f"{type(validation_data).__name__}"
                        + (f" of length {len(validation_data)}"
                           if isinstance(validation_data, tuple | list) else ""))
    Xv = model.check_input(validation_data[0], "fit validation_data")
    return Xv, _prepare_targets(model, validation_data[1], Xv.shape[0], loss, "fit validation_data")


# -- the loop's pieces --------------------------------------------------------------------------
@contextlib.contextmanager
def _fast_steps(model: Sequential, batch_size: int, blas_threads: int | None) -> Iterator[None]:
    """Speed settings for the loop, undone when it ends: layers reuse their buffers; BLAS
    threads are limited for small batches; overflow is not warned about (a diverging run is
    reported by DivergenceError, not by numpy warnings)."""
    with contextlib.ExitStack() as stack:
        stack.enter_context(np.errstate(over="ignore", invalid="ignore"))
        if blas_threads is not None or batch_size <= 256:
            stack.enter_context(_limit_blas_threads(blas_threads or 1))
        stack.enter_context(model.reusing_buffers())
        yield


@dataclass
class _EpochTotals:
    """Running sums of one epoch: loss weighted by batch size, correct predictions, samples."""

    classify: bool
    head: str
    total: float = 0.0
    correct: int = 0
    seen: int = 0

    def add(self, value: float, out: Array, yb: Array) -> None:
        self.total += value * len(out)
        self.seen += len(out)
        if self.classify:
            self.correct += _correct(out, yb, self.head)


class _Watch:
    """The end-of-epoch checks: validation, early stopping with the best weights, divergence."""

    def __init__(self, run: _Run, history: History) -> None:
        self.run, self.history = run, history
        self.best_val, self.since_best = math.inf, 0
        self.best_weights: list[Array] | None = None
        self.snapshot = run.model.get_weights()  # the last finite parameters

    def check_loss(self, value: float, epoch: int, step: int) -> None:
        """Raise DivergenceError when a step's loss is NaN or infinite."""
        if not math.isfinite(value):
            self._diverged(epoch, step, f"the loss became {value}")

    def end_epoch(self, epoch: int, step: int) -> None:
        model, hist = self.run.model, self.history
        if self.run.val is not None:
            with model.reusing_buffers(False):  # fresh arrays: the loop's buffers stay as they are
                vloss, vacc = evaluate(model, *self.run.val, self.run.loss)
            hist.val_loss.append(vloss)
            if vacc is not None:
                hist.val_accuracy.append(vacc)
            if not math.isfinite(vloss):
                self._diverged(epoch, step, f"the loss became {vloss}")
            if vloss < self.best_val:
                self.best_val, self.since_best, hist.best_epoch = vloss, 0, epoch
                if self.run.early_stopping is not None:
                    self.best_weights = model.get_weights()
            else:
                self.since_best += 1
        if not all(np.isfinite(p).all() for p, _ in model.parameters()):
            self._diverged(epoch, step, "the parameters became infinite or NaN")
        self.snapshot = model.get_weights()

    def patience_out(self) -> bool:
        """Whether early stopping's patience has run out."""
        return self.run.early_stopping is not None and self.since_best >= self.run.early_stopping

    def restore_best(self) -> None:
        """Early stopping: put back the weights of the epoch with the lowest validation loss."""
        if self.run.early_stopping is not None and self.best_weights is not None:
            self.run.model.set_weights(self.best_weights)

    def _diverged(self, epoch: int, step: int, what: str) -> None:
        model = self.run.model
        if not all(np.all(np.isfinite(p)) for p, _ in model.parameters()):
            model.set_weights(self.snapshot)
            kept = "the parameters from the end of the previous epoch (the last finite ones)"
        else:
            kept = "its current parameters, which are still finite"
        lr = self.run.optimizer.lr
        raise DivergenceError(
            f"training diverged: {what} at epoch {epoch}, step {step} (lr={lr:g}). Try a smaller "
            f"learning rate, e.g. lr={lr / 10:g}, or standardise the inputs. The model keeps {kept}.",
            self.history,
        )


class _Report:
    """What fit tells the outside world: the history, the callbacks, the progress bar."""

    def __init__(self, run: _Run, bar_epochs: int) -> None:
        self.run, self.history = run, History()
        self.bar = progress_bar(bar_epochs, unit="epoch", leave=False) if bar_epochs else None

    def __enter__(self) -> _Report:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()

    def after_step(self, epoch: int, step: int, value: float) -> bool:
        """Record the step's loss, call the callbacks when due; whether to stop."""
        self.history.step_loss.append(value)
        if self.run.callbacks and step % self.run.callback_every == 0 \
                and self._call(TrainingState(self.run.model, self.run.optimizer, self.history, epoch,
                                             step, value)):
            self.history.stopped_early = True
            return True
        return False

    def end_epoch(self, totals: _EpochTotals) -> None:
        self.history.loss.append(totals.total / totals.seen)
        if totals.classify:
            self.history.accuracy.append(totals.correct / totals.seen)
        self.history.lr.append(self.run.optimizer.lr)

    def update_bar(self) -> None:
        if self.bar is not None:
            self.bar.set_postfix(loss=f"{self.history.loss[-1]:.4f}")
            self.bar.update(1)

    def after_epoch(self, epoch: int, step: int) -> bool:
        """Call the callbacks with ``event="epoch"``; whether to stop."""
        return bool(self.run.callbacks) and self._call(TrainingState(
            self.run.model, self.run.optimizer, self.history, epoch, step, self.history.loss[-1],
            event="epoch"))

    def _call(self, state: TrainingState) -> bool:
        """Every callback, with fresh arrays from the model (not the loop's buffers)."""
        stop = False
        with state.model.reusing_buffers(False):
            for cb in self.run.callbacks:
                if cb(state) is True:
                    stop = True
        return stop or state.stop


def _check_optimizer(model: Sequential, optimizer: Optimizer, what: str = "fit") -> None:
    """Refuse an optimizer that would update arrays other than this model's parameters.

    Compares identities (not values): an optimizer holds the very arrays it updates in place,
    and reads the very gradient arrays that backward writes. O(number of parameter arrays).
    """
    pairs = {id(p): id(g) for p, g in model.parameters()}
    held = [(p, g) for p, g in optimizer.params]
    foreign = sum(1 for p, _ in held if id(p) not in pairs)
    if foreign:
        raise ValueError(
            f"{what}: the optimizer holds {len(held)} arrays, {foreign} of which are not this model's "
            f"parameters ({len(pairs)} arrays): it was built on another network (or on copies), so "
            "training would change nothing here. Build it after the model: "
            f"optimizer={type(optimizer).__name__}(model.parameters(), ...)"
        )
    stale = sum(1 for p, g in held if pairs[id(p)] != id(g))
    if stale:
        raise ValueError(
            f"{what}: the optimizer pairs {stale} of this model's parameters with gradient arrays "
            "that backward never writes, so they would not train; build it with "
            f"{type(optimizer).__name__}(model.parameters(), ...)"
        )


def _limit_blas_threads(n: int) -> contextlib.AbstractContextManager[Any]:
    """Limit BLAS threads to ``n`` inside the block, if threadpoolctl is installed."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # optional: without it the BLAS keeps its own thread count
        return contextlib.nullcontext()
    return cast(contextlib.AbstractContextManager[Any], threadpool_limits(limits=n, user_api="blas"))
