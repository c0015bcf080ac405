"""The training loop: full-batch, stochastic and mini-batch gradient descent (notebooks 05–07).

One loop covers all three flavours through ``batch_size``:

* ``batch_size=None`` — full batch: one step per epoch uses every sample (batch GD);
* ``batch_size=1`` — stochastic: one step per sample (the "stumbling" path);
* ``batch_size=B`` — mini-batch: ``ceil(N / B)`` steps per epoch.

Each step is: gather a batch → forward → loss and its gradient → backward → optimizer step.
The loop reuses its buffers between steps, keeps everything in the model's dtype (float32 by
default) and never loops over samples in Python.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dlbasics.activations import _real_array
from dlbasics.layers import Sigmoid, Softmax, as_rng
from dlbasics.losses import (
    _binary_cross_entropy,
    _check_distributions,
    _cross_entropy_labels,
    _cross_entropy_probs,
    class_labels,
    get_loss,
)
from dlbasics.network import Sequential
from dlbasics.optimizers import _OPTIMIZERS, Optimizer, _Scheduler, get_optimizer

__all__ = ["fit", "evaluate", "accuracy", "History", "TrainingState", "DivergenceError"]

Array = NDArray[Any]


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
    """The loss to use: ``"auto"`` resolved from the output layer, names checked against it.

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
    kind = model.output_kind
    if kind == "sigmoid":
        return "binary_cross_entropy"
    if kind in ("logits", "softmax"):
        return "cross_entropy"
    return "mse"


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
    """Loss value, gradient w.r.t. the output of the last layer not skipped, and how many
    trailing layers the gradient already includes (the fused sigmoid/softmax cases).

    ``grad_out``, an array of ``out``'s shape, receives the gradient where the loss can write
    it in place (logits with integer labels: the common case, done without allocating).
    """
    last = model.layers[-1]
    if loss == "binary_cross_entropy" and isinstance(last, Sigmoid):
        value, _ = _binary_cross_entropy(out, yb)  # targets checked by _prepare_targets
        return value, (out - yb) / out.size, 1  # sigmoid + BCE: dZ = (p - y) / n, n = out.size
    if loss == "cross_entropy" and isinstance(last, Softmax):
        n = out.shape[0]
        eps = 1e-7 if out.dtype == np.float32 else 1e-12
        grad = out.copy()
        if yb.ndim == 1:
            rows = np.arange(n)
            value = -float(np.mean(np.log(np.maximum(out[rows, yb], eps))))
            grad[rows, yb] -= 1
        else:
            value = -float(np.sum(yb * np.log(np.maximum(out, eps))) / n)
            grad -= yb
        grad /= n
        return value, grad, 1  # softmax + CE: dZ = (P - Y) / N
    if loss == "cross_entropy" and yb.ndim == 1:  # logits, labels checked by _prepare_targets
        grad = np.empty_like(out) if grad_out is None else grad_out
        return _cross_entropy_labels(out, yb, out=grad), grad, 0  # dZ = (P - Y) / N
    if loss == "cross_entropy":  # logits, (N, K) targets checked by _prepare_targets
        value, grad = _cross_entropy_probs(out, yb)
        return value, grad, 0
    fn = get_loss(loss)
    result = fn(out, yb)
    if not callable(loss):
        value, grad = result
        return value, grad.astype(out.dtype, copy=False), 0
    # a user's loss function: check what it returns (O(1) per step)
    if not (isinstance(result, tuple) and len(result) == 2
            and isinstance(result[1], np.ndarray) and result[1].shape == out.shape):
        got = (f"a gradient of shape {result[1].shape}" if isinstance(result, tuple) and len(result) == 2
               and isinstance(result[1], np.ndarray) else f"{type(result).__name__}")
        raise TypeError(f"loss function {getattr(loss, '__name__', loss)!r} must return (loss, grad) "
                        f"with grad of the output's shape {out.shape}, got {got}")
    value, grad = result
    return float(value), grad.astype(out.dtype, copy=False), 0


def _is_classifier(kind: str, loss: Any) -> bool:
    return loss in ("cross_entropy", "binary_cross_entropy") or kind in ("sigmoid", "softmax")


def _correct(out: Array, yb: Array, kind: str) -> int:
    if yb.ndim == 1:
        return int(np.count_nonzero(out.argmax(axis=1) == yb))
    if kind == "sigmoid" or out.shape[1] == 1:
        threshold = 0.5 if kind == "sigmoid" else 0.0
        return int(np.count_nonzero((out > threshold) == (yb > 0.5)))
    return int(np.count_nonzero(out.argmax(axis=1) == yb.argmax(axis=1)))


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
    kind = model.output_kind
    total, correct = 0.0, 0
    for start in range(0, n, batch_size):
        xb, yb = X[start:start + batch_size], y[start:start + batch_size]
        out = model.forward(xb)
        value, _, _ = _loss_and_grad(model, out, yb, loss)
        total += value * xb.shape[0]
        correct += _correct(out, yb, kind)
    return total / n, (correct / n if _is_classifier(kind, loss) else None)


def accuracy(model: Sequential, X: ArrayLike, y: ArrayLike) -> float:
    """Fraction of samples whose predicted class equals the label.

    Parameters
    ----------
    model : Sequential
        A classifier: one that ends in a sigmoid, a softmax, or a Dense layer with several
        outputs (logits).
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
    kind = model.output_kind
    if kind == "linear":
        last = model.layers[-1]
        raise ValueError(f"accuracy needs a classifier, but the network ends in {type(last).__name__} "
                         f"'{last.name}' with {model.n_out} output(s), a regression output whose "
                         "predictions are numbers, not classes; end it in output='sigmoid' or give "
                         "it one output per class")
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
    rng: np.random.Generator | int | None = None,
    validation_data: tuple[ArrayLike, ArrayLike] | None = None,
    scheduler: _Scheduler | None = None,
    callbacks: Sequence[Callback] = (),
    callback_every: int = 1,
    early_stopping: int | None = None,
    progress: bool = False,
    blas_threads: int | None = None,
) -> History:
    """Train ``model`` on ``(X, y)`` with mini-batch gradient descent.

    Parameters
    ----------
    model : Sequential
    X : array, shape (N, n_in)
    y : array
        Integer labels ``(N,)`` for ``cross_entropy``; 0/1 labels ``(N,)`` or ``(N, 1)`` for
        binary cross-entropy; targets ``(N, n_out)`` for ``mse``.
    loss : str or callable, default "auto"
        ``"auto"`` picks binary cross-entropy for a sigmoid output, cross-entropy for logits
        or softmax, mean squared error otherwise. A network ending in a Dense layer with several
        outputs counts as a classifier (logits, so cross-entropy): for regression with several
        outputs pass ``loss="mse"``. A callable takes ``(output, y)`` and returns ``(loss, grad)``.
    optimizer : Optimizer or str, default "sgd"
        An optimizer built on ``model.parameters()``, or a name (``"sgd"``, ``"rmsprop"``,
        ``"adam"``) built with ``lr``. An optimizer built on part of the parameters
        (``SGD(model[-1].parameters())``) trains only that part: the others stay frozen, as in
        PyTorch. One that holds any array that is not this model's (built on another network,
        or on copies) is refused, since it would update arrays the model never reads.
    lr : float, optional
        Learning rate when ``optimizer`` is a name (default: 0.1 for SGD, 0.001 for Adam, 0.01 for
        RMSprop).
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
    # Every argument is checked here, once: the loop below trusts them.
    _check_model(model, "fit")
    epochs = _count(epochs, "fit", "epochs")
    if batch_size is not None:
        batch_size = _count(batch_size, "fit", "batch_size", none="full batch")
    callback_every = _count(callback_every, "fit", "callback_every")
    if early_stopping is not None:
        early_stopping = _count(early_stopping, "fit", "early_stopping", none="no early stopping")
    if blas_threads is not None:
        blas_threads = _count(blas_threads, "fit", "blas_threads", none="the library's own setting")
    for flag, setting in (("shuffle", shuffle), ("progress", progress)):
        if not isinstance(setting, bool | np.bool_):
            raise TypeError(f"fit: {flag} must be True or False, got {setting!r}")
    if callable(callbacks) or isinstance(callbacks, str) or not isinstance(callbacks, Sequence) \
            or not all(callable(cb) for cb in callbacks):
        got = (f"the function {getattr(callbacks, '__name__', callbacks)!r}; pass callbacks=[it]"
               if callable(callbacks) else repr(callbacks))
        raise TypeError(f"fit: callbacks must be a list of functions, got {got}")
    gen = as_rng(rng, "fit")
    loss = _loss_kind(model, loss, "fit")
    Xa = np.ascontiguousarray(model.check_input(X, "fit"), dtype=model.dtype)  # (N, n_in)
    n = Xa.shape[0]
    ya = _prepare_targets(model, y, n, loss, "fit")
    batch_size = n if batch_size is None else min(batch_size, n)
    if isinstance(optimizer, str):
        if optimizer.lower() not in _OPTIMIZERS:
            raise ValueError(f"fit: unknown optimizer {optimizer!r}; expected one of "
                             f"{sorted(_OPTIMIZERS)} or an Optimizer built on model.parameters()")
        default_lr = {"sgd": 0.1, "adam": 0.001, "rmsprop": 0.01}.get(optimizer.lower(), 0.01)
        optimizer = get_optimizer(optimizer, model.parameters(), lr=default_lr if lr is None else lr)
    elif not isinstance(optimizer, Optimizer):
        raise TypeError(f"fit: optimizer must be a name {sorted(_OPTIMIZERS)} or an Optimizer such "
                        f"as SGD(model.parameters()), got {type(optimizer).__name__}")
    elif lr is not None:
        raise ValueError("fit: give lr to the optimizer you built, not to fit")
    else:
        _check_optimizer(model, optimizer)
    if scheduler is not None:
        if not isinstance(scheduler, _Scheduler):
            raise TypeError(f"fit: scheduler must be a StepLR or CosineAnnealingLR, got "
                            f"{type(scheduler).__name__}")
        if scheduler.optimizer is not optimizer:
            raise ValueError("fit: the scheduler was built on another optimizer than the one fit "
                             "uses, so it would change nothing; build the optimizer first, then "
                             "StepLR(opt, ...), and pass optimizer=opt, scheduler=...")
    val = None
    if validation_data is not None:
        if not isinstance(validation_data, tuple | list) or len(validation_data) != 2:
            raise TypeError(f"fit: validation_data must be a pair (X_val, y_val), got "
                            f"{type(validation_data).__name__}"
                            + (f" of length {len(validation_data)}"
                               if isinstance(validation_data, tuple | list) else ""))
        Xv = model.check_input(validation_data[0], "fit validation_data")
        val = (Xv, _prepare_targets(model, validation_data[1], Xv.shape[0], loss,
                                    "fit validation_data"))
    if early_stopping is not None and val is None:
        raise ValueError("fit: early_stopping needs validation_data")

    hist = History()
    kind = model.output_kind
    classify = _is_classifier(kind, loss)
    full_batch = batch_size >= n
    best_val, best_weights, since_best = math.inf, None, 0
    snapshot = model.get_weights()
    bar = _progress(epochs) if progress else None
    step = 0
    # Buffers reused at every step: a fresh batch (400 KB at batch 128) can go back to the
    # operating system after each step and be page-faulted in again at the next.
    gathered = batch_size if shuffle and not full_batch else 0  # rows gathered per step
    xbuf = np.empty((gathered, Xa.shape[1]), dtype=Xa.dtype)  # (B, n_in)
    ybuf = np.empty((gathered, *ya.shape[1:]), dtype=ya.dtype)  # (B,) or (B, n_out)
    gbuf = np.empty((batch_size, model.n_out), dtype=model.dtype)  # (B, n_out) dL/d(output)
    # A diverging run overflows: it is reported by DivergenceError, not by numpy warnings.
    context = contextlib.ExitStack()
    context.enter_context(np.errstate(over="ignore", invalid="ignore"))
    if blas_threads is not None or batch_size <= 256:
        context.enter_context(_limit_blas_threads(blas_threads or 1))
    try:
        for epoch in range(1, int(epochs) + 1):
            order = gen.permutation(n) if shuffle and not full_batch else None
            total, correct, seen = 0.0, 0, 0
            for start in range(0, n, batch_size):
                if full_batch:
                    xb, yb = Xa, ya
                elif order is None:
                    xb, yb = Xa[start:start + batch_size], ya[start:start + batch_size]
                else:
                    idx = order[start:start + batch_size]
                    # mode="clip" writes straight into the buffer ("raise" would go through a
                    # temporary copy); the indices come from a permutation, so they are valid
                    xb = np.take(Xa, idx, axis=0, out=xbuf[:idx.size], mode="clip")  # (B, n_in)
                    yb = np.take(ya, idx, axis=0, out=ybuf[:idx.size], mode="clip")
                out = model.forward(xb, reuse=True)  # (B, n_out)
                value, grad, skip = _loss_and_grad(model, out, yb, loss, gbuf[:len(out)])
                if not math.isfinite(value):
                    _diverged(model, snapshot, hist, optimizer, epoch, step + 1, value)
                if classify:
                    correct += _correct(out, yb, kind)
                model.backward(grad, reuse=True, input_grad=False, skip_last=skip)
                optimizer.step()
                step += 1
                total += value * xb.shape[0]
                seen += xb.shape[0]
                hist.step_loss.append(value)
                if callbacks and step % callback_every == 0:
                    if _call(callbacks, TrainingState(model, optimizer, hist, epoch, step, value)):
                        hist.stopped_early = True
                        break
            hist.loss.append(total / seen)
            if classify:
                hist.accuracy.append(correct / seen)
            hist.lr.append(optimizer.lr)
            if val is not None:
                vloss, vacc = evaluate(model, val[0], val[1], loss)
                hist.val_loss.append(vloss)
                if vacc is not None:
                    hist.val_accuracy.append(vacc)
                if not math.isfinite(vloss):
                    _diverged(model, snapshot, hist, optimizer, epoch, step, vloss)
                if vloss < best_val:
                    best_val, since_best, hist.best_epoch = vloss, 0, epoch
                    if early_stopping is not None:
                        best_weights = model.get_weights()
                else:
                    since_best += 1
            if not all(np.isfinite(p).all() for p, _ in model.parameters()):
                _diverged(model, snapshot, hist, optimizer, epoch, step, math.nan,
                          what="the parameters became infinite or NaN")
            snapshot = model.get_weights()  # the last finite parameters
            if bar is not None:
                bar.set_postfix(loss=f"{hist.loss[-1]:.4f}")
                bar.update(1)
            if scheduler is not None:
                scheduler.step()
            if hist.stopped_early:
                break
            if callbacks and _call(callbacks, TrainingState(model, optimizer, hist, epoch, step,
                                                            hist.loss[-1], event="epoch")):
                hist.stopped_early = True
                break
            if early_stopping is not None and since_best >= early_stopping:
                hist.stopped_early = True
                break
    finally:
        context.close()
        if bar is not None:
            bar.close()
        for layer in model.layers:  # free the training buffers
            layer._buffers.clear()
    if early_stopping is not None and best_weights is not None:
        model.set_weights(best_weights)
    return hist


def _check_optimizer(model: Sequential, optimizer: Optimizer) -> None:
    """Refuse an optimizer that would update arrays other than this model's parameters.

    Compares identities (not values): an optimizer holds the very arrays it updates in place,
    and reads the very gradient arrays that backward writes. O(number of parameter arrays).
    """
    pairs = {id(p): id(g) for p, g in model.parameters()}
    held = [(p, g) for p, g in optimizer.params]
    foreign = sum(1 for p, _ in held if id(p) not in pairs)
    if foreign:
        raise ValueError(
            f"fit: the optimizer holds {len(held)} arrays, {foreign} of which are not this model's "
            f"parameters ({len(pairs)} arrays): it was built on another network (or on copies), so "
            "training would change nothing here. Build it after the model: "
            f"optimizer={type(optimizer).__name__}(model.parameters(), ...)"
        )
    stale = sum(1 for p, g in held if pairs[id(p)] != id(g))
    if stale:
        raise ValueError(
            f"fit: the optimizer pairs {stale} of this model's parameters with gradient arrays "
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


def _call(callbacks: Sequence[Callback], state: TrainingState) -> bool:
    stop = False
    for cb in callbacks:
        if cb(state) is True:
            stop = True
    return stop or state.stop


def _diverged(model: Sequential, snapshot: list[Array], hist: History, optimizer: Optimizer,
              epoch: int, step: int, value: float, what: str | None = None) -> None:
    params_finite = all(np.all(np.isfinite(p)) for p, _ in model.parameters())
    if not params_finite:
        model.set_weights(snapshot)
        kept = "the parameters from the end of the previous epoch (the last finite ones)"
    else:
        kept = "its current parameters, which are still finite"
    lr = optimizer.lr
    raise DivergenceError(
        f"training diverged: {what or f'the loss became {value}'} at epoch {epoch}, step {step} "
        f"(lr={lr:g}). Try a smaller learning rate, e.g. lr={lr / 10:g}, or standardise the "
        f"inputs. The model keeps {kept}.",
        hist,
    )


def _progress(total: int) -> Any:
    try:
        from tqdm.auto import tqdm
    except ImportError:  # tqdm is optional
        return None
    return tqdm(total=total, unit="epoch", leave=False)
