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

from dlbasics.layers import Sigmoid, Softmax, as_rng
from dlbasics.losses import _cross_entropy_labels, binary_cross_entropy, class_labels, get_loss
from dlbasics.network import Sequential
from dlbasics.optimizers import Optimizer, _Scheduler, get_optimizer

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


def _loss_kind(model: Sequential, loss: str | Callable[..., Any]) -> str | Callable[..., Any]:
    if loss != "auto":
        return loss
    kind = model.output_kind
    if kind == "sigmoid":
        return "binary_cross_entropy"
    if kind in ("logits", "softmax"):
        return "cross_entropy"
    return "mse"


def _prepare_targets(model: Sequential, y: ArrayLike, n: int, loss: Any, what: str) -> Array:
    """Validate labels/targets against the model and the loss; return them ready to slice."""
    y = np.asarray(y)
    if y.ndim == 0 or y.shape[0] != n:
        raise ValueError(f"{what}: got {n} samples but targets of shape {y.shape}")
    k = model.n_out
    if loss == "cross_entropy":
        if y.ndim == 2 and y.shape[1] == k:
            return y.astype(model.dtype)
        if y.ndim != 1:
            raise ValueError(
                f"{what}: cross_entropy expects integer labels of shape ({n},) or one-hot "
                f"({n}, {k}), got {y.shape}"
            )
        return class_labels(y, k, what)
    if y.ndim == 1:
        y = y.reshape(-1, 1)
    if y.shape != (n, k):
        raise ValueError(f"{what}: expected targets of shape ({n}, {k}), got {y.shape}")
    if not np.all(np.isfinite(y)):
        raise ValueError(f"{what}: targets contain NaN or inf")
    if loss in ("binary_cross_entropy", "bce") and not np.all((y == 0) | (y == 1)):
        raise ValueError(f"{what}: binary cross-entropy needs labels 0 or 1, got {np.unique(y)[:5]}")
    return y.astype(model.dtype)


def _loss_and_grad(model: Sequential, out: Array, yb: Array, loss: Any,
                   grad_out: Array | None = None) -> tuple[float, Array, int]:
    """Loss value, gradient w.r.t. the output of the last layer not skipped, and how many
    trailing layers the gradient already includes (the fused sigmoid/softmax cases).

    ``grad_out``, an array of ``out``'s shape, receives the gradient where the loss can write
    it in place (logits with integer labels: the common case, done without allocating).
    """
    last = model.layers[-1]
    if loss in ("binary_cross_entropy", "bce") and isinstance(last, Sigmoid):
        value, _ = binary_cross_entropy(out, yb)
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
    fn = get_loss(loss)
    value, grad = fn(out, yb)
    return value, grad.astype(out.dtype, copy=False), 0


def _is_classifier(kind: str, loss: Any) -> bool:
    return loss in ("cross_entropy", "binary_cross_entropy", "bce") or kind in ("sigmoid", "softmax")


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

    Examples
    --------
    >>> from dlbasics.network import mlp
    >>> net = mlp([2, 3], rng=0)
    >>> loss, acc = evaluate(net, np.zeros((4, 2)), [0, 1, 2, 0])
    >>> round(loss, 4), acc
    (1.0986, 0.5)
    """
    loss = _loss_kind(model, loss)
    X = model.check_input(X)
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

    Examples
    --------
    >>> from dlbasics.network import mlp
    >>> accuracy(mlp([2, 2], rng=0), [[0.0, 0.0]], [0])
    1.0
    """
    pred = model.predict(X)
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        y = cast(Array, y.argmax(axis=1))
    return float(np.mean(pred == y.reshape(pred.shape)))


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
        ``"adam"``) built with ``lr``.
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
        Stepped once per epoch.
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
    if not isinstance(model, Sequential):
        raise TypeError(f"fit: model must be a dlbasics Sequential, got {type(model).__name__}")
    if int(epochs) < 1:
        raise ValueError(f"fit: epochs must be >= 1, got {epochs}")
    loss = _loss_kind(model, loss)
    if isinstance(loss, str):
        get_loss(loss)  # validates the name
    Xa = np.ascontiguousarray(model.check_input(X), dtype=model.dtype)  # (N, n_in)
    n = Xa.shape[0]
    ya = _prepare_targets(model, y, n, loss, "fit")
    if batch_size is None:
        batch_size = n
    if int(batch_size) < 1:
        raise ValueError(f"fit: batch_size must be >= 1 or None (full batch), got {batch_size}")
    batch_size = min(int(batch_size), n)
    if isinstance(optimizer, str):
        default_lr = {"sgd": 0.1, "adam": 0.001, "rmsprop": 0.01}.get(optimizer.lower(), 0.01)
        optimizer = get_optimizer(optimizer, model.parameters(), lr=default_lr if lr is None else lr)
    elif lr is not None:
        raise ValueError("fit: give lr to the optimizer you built, not to fit")
    if callback_every < 1:
        raise ValueError(f"fit: callback_every must be >= 1, got {callback_every}")
    val = None
    if validation_data is not None:
        Xv = model.check_input(validation_data[0])
        val = (Xv, _prepare_targets(model, validation_data[1], Xv.shape[0], loss, "validation"))
    if early_stopping is not None and val is None:
        raise ValueError("fit: early_stopping needs validation_data")

    gen = as_rng(rng)
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
