"""Exercise checks for notebook 07, "MNIST: handwritten digits end to end".

Each check prints one line: ⏳ (not done yet), ✅ (correct) or ❌ with what is off — a diagnosis,
never the right answer. Stuck? ``ch07.hint("n_params")`` prints a hint for the exercise that
``ch07.check_n_params`` checks; call it again for the next one.

Two exercises build a piece the notebook then uses: the training loop
(:func:`check_training_loop`, run on a small problem of its own with a network and an optimizer
that watch what the loop does) and the confusion matrix (:func:`check_confusion_matrix`). Until a
piece passes its check, ``use`` hands the notebook the library's version (:func:`train_with_fit`,
:func:`confusion_matrix`).

Examples
--------
>>> from dlbasics.exercises import ch07
>>> ch07.check_n_params((784 * 128 + 128) + (128 * 64 + 64) + (64 * 10 + 10))
✅ parameters: correct. 109,386 numbers to learn.
>>> ch07.check_steps_per_epoch(...)
⏳ steps per epoch: not done yet — replace the ... with your answer.
>>> ch07.check_steps_per_epoch(55_000 * 64)
❌ steps per epoch: not yet — divide the number of images by the batch size, don't multiply
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dlbasics._typing import Array
from dlbasics.exercises._build import check_output, run, use
from dlbasics.exercises._common import (
    as_number,
    check_number,
    check_param_count,
    correct,
    hints,
    is_blank,
    not_done,
    show_hint,
    wrong,
)
from dlbasics.exercises._quiz import Choice, Number, ask, questions
from dlbasics.layers import Layer
from dlbasics.losses import cross_entropy
from dlbasics.network import Sequential, mlp
from dlbasics.optimizers import Adam, Optimizer
from dlbasics.training import fit

__all__ = ["MLP_SIZES", "N_TRAIN", "BATCH_SIZE", "VAL_CURVE", "PATIENCE", "check_n_params",
           "check_steps_per_epoch", "check_recall", "check_training_loop", "check_confusion_matrix",
           "check_early_stopping", "check_question", "train_with_fit", "confusion_matrix", "use", "hint"]

#: the network of exercise 1
MLP_SIZES = (784, 128, 64, 10)
#: exercise 2: training images left after holding out 5,000 for validation, and the batch size
N_TRAIN = 55_000
BATCH_SIZE = 64
#: the MNIST training images before the validation images are held out
_MNIST_TRAIN = 60_000


def hint(exercise: str | None = None, level: int | None = None) -> None:
    """Print the next hint for an exercise of notebook 07 (without one: list the exercises).

    Parameters
    ----------
    exercise : str, optional
        The exercise, named as its check without ``check_``: ``"n_params"``,
        ``"steps_per_epoch"``, ``"recall"``, ``"early_stopping"``, the pieces of one's own
        ``"training_loop"`` and ``"confusion_matrix"``, or ``"question"`` (the self-check
        questions).
    level : int, optional
        Print this hint (1 is the first) again instead of the next one.

    Examples
    --------
    >>> from dlbasics.exercises import ch07
    >>> ch07.hint("recall", level=1)  # doctest: +ELLIPSIS
    💡 hint 1 of 2 for check_recall: ...
    """
    show_hint(__name__, exercise, level)


@hints("A Dense layer from n_in to n_out units has n_in × n_out weights (one per arrow) and n_out "
       "biases (one per unit it computes).",
       "The widths 784-128-64-10 make three Dense layers: 784 → 128, 128 → 64 and 64 → 10. Count each, "
       "then add the three counts.")
def check_n_params(answer: Any, sizes: Sequence[int] = MLP_SIZES) -> None:
    """Exercise 1: how many numbers a fully connected network of these widths learns.

    A Dense layer from ``n_in`` to ``n_out`` units has ``n_in · n_out`` weights and
    ``n_out`` biases, so the total is ``Σ (n_in + 1) · n_out`` over the layers:
    109,386 for 784-128-64-10 (the same check as :func:`dlbasics.exercises.ch04.check_n_params`).

    Parameters
    ----------
    answer : int
        The learner's count.
    sizes : sequence of int
        Layer widths ``[n_in, hidden..., n_out]``.
    """
    check_param_count("parameters", answer, sizes, success=lambda total: f"{total:,} numbers to learn.")


@hints("One epoch visits every training image once, batch_size images per step.",
       "The number of images is not a multiple of the batch size: the images left after the full "
       "batches form one last, smaller batch, and that is a step too. Round up.")
def check_steps_per_epoch(answer: Any, n: int = N_TRAIN, batch_size: int = BATCH_SIZE) -> None:
    """Exercise 2: optimizer steps (mini-batches) in one epoch of ``n`` images.

    One epoch visits every image once, ``batch_size`` at a time; the last batch may be
    smaller and still counts, so the answer is ``ceil(n / batch_size)``: 860 for 55,000
    images in batches of 64.
    """
    name = "steps per epoch"
    value = as_number(name, answer, "one whole number")
    if value is None:
        return
    expected = -(-n // batch_size)  # ceil(n / batch_size) in integers
    if value == expected:
        correct(name, f"{n:,} images in batches of {batch_size}: {n // batch_size} full batches "
                      f"and one of {n - batch_size * (n // batch_size)}.")
    elif value != int(value):
        wrong(name, "that is not a whole number: a step always uses one whole mini-batch; the "
                    "last, smaller batch is a step too")
    elif value == n // batch_size:
        wrong(name, f"{value:g} full batches leave {n - batch_size * int(value)} images over; they form "
                    "one last, smaller batch, which is a step too: round up")
    elif value == n * batch_size:
        wrong(name, "divide the number of images by the batch size, don't multiply")
    elif value == n:
        wrong(name, "that is the number of images; one step uses a whole mini-batch of them")
    elif n == N_TRAIN and value in (_MNIST_TRAIN // batch_size, -(-_MNIST_TRAIN // batch_size)):
        wrong(name, f"that counts all {_MNIST_TRAIN:,} training images; {_MNIST_TRAIN - n:,} of them are "
                    f"held out for validation, so an epoch has {n:,}")
    elif value <= 0:
        wrong(name, "a number of steps is positive")
    else:
        wrong(name, f"{'too many' if value > expected else 'too few'}: each step takes {batch_size} images, "
                    f"and one epoch must see all {n:,} of them once")


@hints("Recall of digit k: of the test images that show k, the fraction the network labels k. In the "
       "confusion matrix, rows are the true digit and columns the prediction.",
       "The right answers are on the diagonal (np.diag(cm)); the images of each digit are the sum of "
       "its row. Divide one by the other, for all ten digits at once.")
def check_recall(answer: Any, cm: ArrayLike) -> None:
    """Exercise 3: the fraction of each digit's test images that the network gets right.

    With the confusion matrix ``cm`` (rows = true digit, columns = predicted digit), the
    recall of digit ``k`` is ``cm[k, k] / cm[k, :].sum()``, for all ten at once
    ``np.diag(cm) / cm.sum(axis=1)``.

    Parameters
    ----------
    answer : array, shape (K,)
        The learner's per-class fractions.
    cm : array of int, shape (K, K)
        The confusion matrix the answer was computed from.
    """
    name = "recall per digit"
    if is_blank(answer):
        not_done(name)
        return
    cm = np.asarray(cm, dtype=np.float64)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1]:
        raise ValueError(f"check_recall needs the square confusion matrix, got shape {cm.shape}")
    a = np.asarray(answer)
    k = cm.shape[0]
    if a.shape != (k,):
        wrong(name, f"expected one number per digit, shape ({k},), got shape {a.shape}")
        return
    if not np.issubdtype(a.dtype, np.number):
        wrong(name, f"expected numbers, got dtype {a.dtype}")
        return
    diag = np.diag(cm)
    with np.errstate(invalid="ignore", divide="ignore"):
        expected = diag / cm.sum(axis=1)
        precision = diag / cm.sum(axis=0)
    close = np.isclose(a, expected, rtol=1e-6, atol=1e-9, equal_nan=True)
    if close.all():
        hardest = int(np.nanargmin(expected))
        correct(name, f"The hardest digit to recognise is {hardest} ({expected[hardest]:.1%} right).")
        return
    if np.allclose(a, precision, rtol=1e-6, atol=1e-9, equal_nan=True):
        wrong(name, "you divided by the column sums (how often each digit was predicted: that is "
                    "the precision); divide the diagonal by the row sums, cm.sum(axis=1)")
        return
    if np.allclose(a, diag, equal_nan=True):
        wrong(name, "these are counts of right answers; divide each by how many test images show "
                    "that digit (the row sums)")
        return
    if np.allclose(a, 100 * expected, equal_nan=True):
        wrong(name, "these look like percentages: give fractions between 0 and 1")
        return
    with np.errstate(invalid="ignore", divide="ignore"):
        if np.allclose(a, 1 - expected, equal_nan=True):
            wrong(name, "these are the fractions each digit gets wrong; recall is the fraction it gets right")
            return
    if np.allclose(a, diag.sum() / cm.sum()):
        wrong(name, "every digit has the same number: that is the overall accuracy; recall is one fraction "
                    "per digit, from its own row")
        return
    a = a.astype(np.float64)
    nan = np.isnan(a) & ~np.isnan(expected)
    if nan.any():
        wrong(name, f"digit {', '.join(str(i) for i in np.flatnonzero(nan))}: NaN, a 0 / 0 somewhere")
        return
    outside = np.flatnonzero((a < 0) | (a > 1))
    if outside.size:
        wrong(name, f"a fraction lies between 0 and 1, and the one for digit "
                    f"{', '.join(str(i) for i in outside)} does not")
        return
    off = np.flatnonzero(~close)
    digits = ", ".join(str(i) for i in off)
    wrong(name, f"digit{'s' if off.size > 1 else ''} {digits} {'are' if off.size > 1 else 'is'} off, "
                f"the others are right: right answers on the diagonal, divided by the row's total")


# -- build it yourself: the training loop -------------------------------------------------------------

#: the small problem the loop check trains on: training / validation images, features, classes
_LOOP_N, _LOOP_N_VAL, _LOOP_D, _LOOP_K = 90, 60, 6, 3
#: and how: batch size, at most this many epochs, patience
_LOOP_BATCH, _LOOP_EPOCHS, _LOOP_PATIENCE = 16, 40, 3


def _loop_problem() -> tuple[Array, NDArray[np.int64], Array, NDArray[np.int64]]:
    """A small classification problem that a big enough network overfits within a few epochs.

    The labels follow a linear rule, a third of the training labels flipped at random: the
    validation loss first falls, then rises as the network learns the flipped labels by heart,
    so early stopping has something to do. Column 0 holds distinct values, by which the check
    recognises every row the learner's loop passes to the network.
    """
    rng = np.random.default_rng(707)
    W = rng.normal(size=(_LOOP_D, _LOOP_K))
    X = rng.normal(size=(_LOOP_N + _LOOP_N_VAL, _LOOP_D))
    X[:, 0] = rng.permutation(np.linspace(-2.0, 2.0, len(X)))  # distinct: the rows' names
    y = (X @ W).argmax(axis=1)
    flip = rng.random(_LOOP_N) < 1 / 3
    y[:_LOOP_N][flip] = rng.integers(0, _LOOP_K, int(flip.sum()))
    X = X.astype(np.float32)
    return X[:_LOOP_N], y[:_LOOP_N], X[_LOOP_N:], y[_LOOP_N:]


class _Trace:
    """What the learner's loop did with the network and the optimizer, event by event.

    Events: ``("forward", kind, ids, batch_loss)``, with ``kind`` "train" (rows of the
    training set), "val" (of the validation set) or "mixed"; a validation forward also carries
    the network's weights at that moment. ``("step", zero, linked, stale)``: whether every
    gradient the optimizer read was zero, whether they were still the layers' own arrays, and
    whether they were exactly those of the previous step (no backward in between).
    """

    def __init__(self, X: Array, y: NDArray[np.int64], X_val: Array, y_val: NDArray[np.int64]) -> None:
        keys = np.concatenate([X[:, 0], X_val[:, 0]]).astype(np.float64)
        self.order = np.argsort(keys)
        self.keys = keys[self.order]
        self.n = len(X)
        self.y, self.X_val, self.y_val = y, X_val, y_val
        self.events: list[tuple[Any, ...]] = []
        self.model: Sequential | None = None
        self.shadow: Sequential | None = None  # a copy of the network, to compute true losses
        self.last_grads: list[Array] | None = None

    def ids(self, X: Any) -> NDArray[np.intp] | None:
        """Which rows of the problem ``X`` holds (training rows 0..n-1, then validation rows)."""
        if not (isinstance(X, np.ndarray) and X.ndim == 2 and X.shape[1] == _LOOP_D and len(X)):
            return None
        key = X[:, 0].astype(np.float64)
        at = np.clip(np.searchsorted(self.keys, key), 1, len(self.keys) - 1)
        nearer = np.where(np.abs(self.keys[at - 1] - key) <= np.abs(self.keys[at] - key), at - 1, at)
        if not np.allclose(self.keys[nearer], key, rtol=0, atol=1e-6):
            return None
        return self.order[nearer]

    def _loss(self, X: Array, y: NDArray[np.int64]) -> float:
        """The network's mean cross-entropy on ``(X, y)`` now, computed on a copy of it."""
        assert self.model is not None and self.shadow is not None
        self.shadow.set_weights(self.model.get_weights())
        return cross_entropy(self.shadow.forward(np.asarray(X, dtype=np.float32)), y)[0]

    def forward(self, X: Any) -> None:
        assert self.model is not None
        ids = self.ids(X)
        if ids is None:
            self.events.append(("forward", "mixed", None, None))
        elif (ids < self.n).all():
            self.events.append(("forward", "train", ids, self._loss(X, self.y[ids])))
        elif (ids >= self.n).all():
            self.events.append(("forward", "val", ids, self._loss(self.X_val, self.y_val),
                                self.model.get_weights()))
        else:
            self.events.append(("forward", "mixed", ids, None))

    def step(self, optimizer: Optimizer) -> None:
        assert self.model is not None
        grads = [g.copy() for _, g in optimizer.params]
        zero = not any(g.any() for g in grads)
        own = {id(g) for _, g in self.model.parameters()}
        linked = all(id(g) in own for _, g in optimizer.params)
        stale = self.last_grads is not None and all(
            np.array_equal(a, b) for a, b in zip(grads, self.last_grads, strict=True))
        self.last_grads = grads
        self.events.append(("step", zero, linked, stale))


class _Spy(Layer):
    """The first layer of the check's network: passes its input on unchanged and tells the trace
    which rows it saw (it holds no frame on the stack while the real layers run, so an error in
    them points at the learner's own line)."""

    name = "spy"

    def __init__(self, trace: _Trace) -> None:
        super().__init__()
        self.trace = trace

    def forward(self, X: ArrayLike) -> Array:
        X = np.asarray(X)
        self.trace.forward(X)
        return X

    def backward(self, dout: Array, *, input_grad: bool = True) -> Array:
        return dout


class _TracedAdam(Adam):
    """Adam that tells the trace about every step: were there gradients, and the model's own?"""

    _trace: _Trace

    def step(self) -> None:
        self._trace.step(self)
        super().step()


def _traced_setup(seed: int = 0) -> tuple[_Trace, Sequential, _TracedAdam, dict[str, Any]]:
    X, y, X_val, y_val = _loop_problem()
    trace = _Trace(X, y, X_val, y_val)
    sizes = [_LOOP_D, 64, 64, _LOOP_K]
    model = Sequential([_Spy(trace), *mlp(sizes, rng=seed).layers])
    trace.model, trace.shadow = model, mlp(sizes, rng=seed)
    optimizer = _TracedAdam(model.parameters(), lr=0.003)
    optimizer._trace = trace
    kwargs = dict(loss=cross_entropy, optimizer=optimizer, epochs=_LOOP_EPOCHS, batch_size=_LOOP_BATCH,
                  validation_data=(X_val.copy(), y_val.copy()), patience=_LOOP_PATIENCE,
                  rng=np.random.default_rng(seed))
    return trace, model, optimizer, {"X": X.copy(), "y": y.copy(), **kwargs}


def _explain_zero_grad(fn: Any) -> Any:
    """``fn``, with a word on ``zero_grad`` added to the AttributeError it raises for it."""
    if not callable(fn):
        return fn

    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except AttributeError as exc:
            if "zero_grad" in str(exc):
                exc.args = ("a dlbasics optimizer has no zero_grad, and needs none: backward overwrites "
                            "every layer's gradients (dW, db) instead of adding to them",)
            raise

    return call


def _epochs(events: list[tuple[Any, ...]]) -> tuple[list[list[tuple[Any, ...]]], list[tuple[Any, ...]]]:
    """The events cut into epochs at each validation pass (consecutive validation forwards are
    one pass), and the first event of each pass."""
    epochs: list[list[tuple[Any, ...]]] = [[]]
    passes: list[tuple[Any, ...]] = []
    previous_val = False
    for ev in events:
        is_val = ev[0] == "forward" and ev[1] == "val"
        if is_val and not previous_val:
            passes.append(ev)
            epochs.append([])
        elif not is_val:
            epochs[-1].append(ev)
        previous_val = is_val
    return epochs[:len(passes)], passes


def _steps(epoch: list[tuple[Any, ...]]) -> list[tuple[Any, ...] | None]:
    """The training steps of one epoch: for each optimizer step, the training forward before it."""
    steps: list[tuple[Any, ...] | None] = []
    last_forward = None
    for ev in epoch:
        if ev[0] == "forward" and ev[1] == "train":
            last_forward = ev
        elif ev[0] == "step":
            steps.append(last_forward)
    return steps


def _as_losses(result: Any) -> tuple[list[float], list[float]] | str:
    """The loop's (train_losses, val_losses), or what is wrong with what it returned."""
    if not (isinstance(result, tuple | list) and len(result) == 2):
        return (f"it returned {type(result).__name__}; return two lists, (train_losses, val_losses), "
                "with one number per epoch")
    try:
        train, val = (np.asarray(r, dtype=np.float64) for r in result)
    except (TypeError, ValueError):
        return "return two lists of numbers, (train_losses, val_losses), one number per epoch"
    if train.ndim != 1 or val.ndim != 1 or len(train) != len(val):
        return (f"train_losses and val_losses should be two lists of the same length (one number per "
                f"epoch); got shapes {train.shape} and {val.shape}")
    if not (np.isfinite(train).all() and np.isfinite(val).all()):
        return "the losses contain NaN or inf"
    return [float(v) for v in train], [float(v) for v in val]


@hints("One epoch: a fresh permutation of the n images (rng.permutation(n)), cut into slices of "
       "batch_size; for each slice: out = model.forward(X[idx]); value, dout = loss(out, y[idx]); "
       "model.backward(dout); optimizer.step().",
       "After each epoch: the validation loss, loss(model.forward(X_val), y_val)[0]. A new lowest one: "
       "remember it, best_weights = model.get_weights() (copies) and reset the count; otherwise count "
       "one more epoch without improvement, and stop when the count reaches patience.",
       "After the loop, model.set_weights(best_weights). The training loss of an epoch is the mean over "
       "its images: add value * len(idx) for each batch and divide by n at the end.")
def check_training_loop(fn: Any) -> None:
    """Build it yourself: the whole training loop, with validation and early stopping.

    ``fn(model, X, y, *, loss, optimizer, epochs, batch_size, validation_data, patience, rng)``
    must train ``model`` on ``(X, y)`` in shuffled mini-batches (forward, loss, backward,
    optimizer step), compute the validation loss after every epoch, stop once ``patience``
    epochs in a row brought no new lowest validation loss, put back the weights of the best
    epoch, and return ``(train_losses, val_losses)``, one number per epoch: the mean loss over
    the epoch's training images and the loss on the validation data.

    The check runs it on a small problem of its own with a network and an optimizer that watch
    what the loop does, and names the first slip: no steps or no backward, stale or zeroed
    gradients, the wrong number of steps, images left out or repeated, batches in the same
    order every epoch (or not shuffled at all), no validation or validation on the training
    data, a sum where a mean belongs, stopping too early or too late, and the best weights not
    restored.
    """
    name = "training loop"
    trace, model, _, kwargs = _traced_setup()
    ok, result = run(name, _explain_zero_grad(fn), model, **kwargs)
    if not ok:
        return
    losses = _as_losses(result)
    if isinstance(losses, str):
        wrong(name, losses)
        return
    train_losses, val_losses = losses
    why = _step_slip(trace.events)
    epochs, passes = _epochs(trace.events) if not why else ([], [])
    why = (why or _validation_slip(trace, passes, val_losses) or _batch_slip(trace.n, epochs)
           or _loss_slip(trace, epochs, passes, train_losses, val_losses) or _stopping_slip(passes)
           or _restore_slip(model, passes))
    if why:
        wrong(name, why)
        return
    full, best = -(-trace.n // _LOOP_BATCH), int(np.argmin([p[3] for p in passes]))
    correct(name, f"{full} shuffled mini-batches per epoch, validated after each; it stopped after epoch "
                  f"{len(passes)}, {_LOOP_PATIENCE} epochs after the best, and put epoch {best + 1}'s "
                  "weights back.")


def _step_slip(events: list[Any]) -> str:
    """What is wrong with the optimizer steps and the rows the network got ("" if nothing)."""
    if "step" not in {ev[0] for ev in events}:
        return "optimizer.step() is never called, so the weights never change"
    for ev in (ev for ev in events if ev[0] == "step"):
        if not ev[2]:
            return ("the optimizer no longer sees the layers' gradients: were they replaced by new "
                    "arrays (layer.dW = ...)? dlbasics needs no zeroing: backward overwrites "
                    "every gradient in place")
        if ev[1]:
            return ("every gradient was zero when the optimizer stepped: call model.backward(dout) "
                    "before optimizer.step(), and don't zero the gradients in between. dlbasics "
                    "needs no zeroing at all: backward overwrites every layer's dW and db")
        if ev[3]:
            return ("optimizer.step() saw the very gradients of the previous step: without a "
                    "model.backward(dout) in between it moves the weights along an old gradient. "
                    "One forward, loss and backward per step")
    if any(ev[0] == "forward" and ev[1] == "mixed" for ev in events):
        return ("the network got rows that are neither all from the training set nor all from the "
                "validation set: pass it X[idx] for a step and X_val to validate")
    return ""


def _validation_slip(trace: Any, passes: list[Any], val_losses: list[float]) -> str:
    """Whether the loop validated once per epoch, on the validation data ("" if so)."""
    if not passes:
        on_train = any(ev[0] == "forward" and ev[1] == "train" and len(ev[2]) == trace.n
                       for ev in trace.events)
        return ("the validation loss is computed on the training images; validate on "
                "validation_data (X_val, y_val), images the network never trains on" if on_train else
                "the network never sees the validation data: after every epoch, compute the loss on "
                "validation_data")
    if len(val_losses) != len(passes):
        return (f"it returned {len(val_losses)} validation losses but validated {len(passes)} times: "
                "one validation pass, and one number in each list, per epoch")
    return ""


def _batch_slip(n: int, epochs: list[Any]) -> str:
    """Whether every epoch is one shuffled pass over all n images in mini-batches ("" if so)."""
    batch = _LOOP_BATCH
    full = -(-n // batch)  # ceil(n / batch)
    orders = []
    for e, epoch in enumerate(epochs, start=1):
        maybe = _steps(epoch)
        if len(maybe) != full:
            if len(maybe) == n // batch:
                why = "the last, smaller batch is left out: range(0, n, batch_size) visits it too"
            elif len(maybe) == n:
                why = "one step per image: a step takes a whole mini-batch of batch_size images"
            elif len(maybe) == 1:
                why = "one step for the whole epoch: cut the epoch into mini-batches of batch_size"
            else:
                why = ("too many steps: each takes batch_size images" if len(maybe) > full else
                       "too few steps: every image must be in one batch of each epoch")
            return f"epoch {e} took {len(maybe)} optimizer steps: {why}"
        if any(s is None for s in maybe):
            return f"in epoch {e} a step came without a forward pass on a training batch before it"
        seen = np.concatenate([s[2] for s in maybe if s is not None])
        if len(seen) != n or not np.array_equal(np.sort(seen), np.arange(n)):
            return (f"in epoch {e} some training images were used twice and others never: cut one "
                    "permutation of all n images into consecutive slices (sampling with replacement "
                    "skips some)")
        orders.append(seen)
    if orders and np.array_equal(orders[0], np.arange(n)):
        return ("the batches come in the order of the data, never shuffled: start every epoch with a "
                "new order, rng.permutation(n)")
    if len(orders) > 1 and all(np.array_equal(o, orders[0]) for o in orders[1:]):
        return ("every epoch visits the batches in the same order: draw the permutation inside the "
                "epoch loop, a new one each epoch")
    return ""


def _loss_slip(trace: Any, epochs: list[Any], passes: list[Any], train_losses: list[float],
               val_losses: list[float]) -> str:
    """Whether the returned losses are the validation losses and each epoch's mean training loss."""
    true_val = np.array([p[3] for p in passes])
    mismatch = _loss_mismatch(np.array(val_losses), true_val, n_rows=len(trace.y_val), what="validation")
    if mismatch:
        return mismatch
    epoch_steps = [[s for s in _steps(epoch) if s is not None] for epoch in epochs]
    true_train = [np.array([s[3] for s in steps]) for steps in epoch_steps]
    sizes = [np.array([len(s[2]) for s in steps]) for steps in epoch_steps]
    weighted = np.array([(t * w).sum() / w.sum() for t, w in zip(true_train, sizes, strict=True)])
    plain = np.array([t.mean() for t in true_train])
    got = np.array(train_losses)
    if any(np.allclose(got, mean, rtol=1e-4, atol=1e-6) for mean in (weighted, plain)):
        return ""
    mismatch = _loss_mismatch(got, weighted, n_rows=trace.n, what="training",
                              steps=-(-trace.n // _LOOP_BATCH), last=np.array([t[-1] for t in true_train]))
    return mismatch or "the training losses are not the mean loss over each epoch's batches"


def _stopping_slip(passes: list[Any]) -> str:
    """Whether the run stopped exactly when patience ran out ("" if so)."""
    true_val = np.array([p[3] for p in passes])
    stop, ran = _stop_epoch(true_val, _LOOP_PATIENCE, _LOOP_EPOCHS), len(passes)
    if ran > stop:
        return "it trained on after the patience ran out" + (
            " (it ran every epoch): early stopping is missing" if ran == _LOOP_EPOCHS else
            ": stop as soon as patience epochs in a row brought no new lowest validation loss")
    if ran < stop:
        waited = ran - 1 - int(np.argmin(true_val))  # epochs without a new lowest loss at the end
        if waited == _LOOP_PATIENCE - 1:
            return ("it stopped one epoch too early: count the epochs without a new lowest validation "
                    "loss, and stop when the count reaches patience (not patience - 1)")
        return ("it stopped too early: only patience epochs in a row without a new lowest validation "
                "loss end the run, and a new lowest loss starts the count again")
    return ""


def _restore_slip(model: Any, passes: list[Any]) -> str:
    """Whether the network ends with the weights of its best epoch ("" if so)."""
    best = int(np.argmin([p[3] for p in passes]))
    final = model.get_weights()
    if all(np.array_equal(a, b) for a, b in zip(final, passes[best][4], strict=True)):
        return ""
    if all(np.array_equal(a, b) for a, b in zip(final, passes[-1][4], strict=True)):
        return ("the network keeps the weights of the last epoch, not of the best one: remember a copy "
                "(model.get_weights()) at each new lowest validation loss and put it back with "
                "model.set_weights(...) after the loop")
    return ("the final weights are not those of the epoch with the lowest validation loss: save "
            "model.get_weights() at each new best, and model.set_weights(...) them after the loop")


def _loss_mismatch(got: NDArray[np.float64], expected: NDArray[np.float64], *, n_rows: int, what: str,
                   steps: int | None = None, last: NDArray[np.float64] | None = None) -> str:
    """Why a list of per-epoch losses differs from the right one, in words ("" if it does not)."""
    close = np.isclose(got, expected, rtol=1e-4, atol=1e-6)
    if close.all():
        return ""
    if np.allclose(got, expected * n_rows, rtol=1e-4):
        return (f"the {what} losses are {n_rows}× too large: summed over the images where the loss is "
                "their mean")
    if steps is not None and np.allclose(got, expected * steps, rtol=0.05):
        return (f"the {what} losses look like the sum of the batch losses: divide by the number of "
                "images (or batches) to get the epoch's mean")
    if last is not None and np.allclose(got, last, rtol=1e-4):
        return f"the {what} loss of an epoch is only its last batch's: average over all batches"
    first = int(np.flatnonzero(~close)[0]) + 1
    return (f"the {what} loss of epoch {first} is not the network's loss on the {what} data at the end of "
            "that epoch" + (": evaluate it after the epoch's last step" if what == "validation" else ""))


def _stop_epoch(val_losses: NDArray[np.float64], patience: int, epochs: int) -> int:
    """The epoch (1-based) after which early stopping ends a run with these validation losses."""
    best, waited = np.inf, 0
    for e, v in enumerate(val_losses, start=1):
        if v < best:
            best, waited = v, 0
        else:
            waited += 1
            if waited >= patience:
                return e
    return epochs


def train_with_fit(model: Sequential, X: ArrayLike, y: ArrayLike, *, loss: Any, optimizer: Optimizer,
                   epochs: int, batch_size: int, validation_data: tuple[ArrayLike, ArrayLike],
                   patience: int, rng: Any) -> tuple[list[float], list[float]]:
    """The library's loop behind the exercise's signature: :func:`dlbasics.fit` with
    ``early_stopping=patience``; returns ``(train_losses, val_losses)`` per epoch."""
    name = "cross_entropy" if loss is cross_entropy else loss
    hist = fit(model, X, y, loss=name, optimizer=optimizer, epochs=epochs, batch_size=batch_size, rng=rng,
               validation_data=validation_data, early_stopping=patience)
    return hist.loss, hist.val_loss


# -- build it yourself: the confusion matrix --------------------------------------------------------


def confusion_matrix(y_true: ArrayLike, y_pred: ArrayLike, k: int) -> NDArray[np.int64]:
    """The confusion matrix: ``C[i, j]`` counts the samples of class ``i`` predicted as ``j``.

    Parameters
    ----------
    y_true, y_pred : array of int, shape (N,)
        True and predicted classes, in ``[0, k)``.
    k : int
        Number of classes.

    Returns
    -------
    ndarray of int64, shape (k, k)
        Rows are the true class, columns the prediction; the diagonal holds the right answers
        and the entries add up to N.

    Examples
    --------
    >>> confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2], 3)
    array([[1, 0, 0],
           [0, 1, 1],
           [0, 0, 1]])
    """
    cm = np.zeros((k, k), dtype=np.int64)
    np.add.at(cm, (np.asarray(y_true), np.asarray(y_pred)), 1)  # one count per (true, predicted) pair
    return cm


def _cm_problems() -> list[tuple[NDArray[np.int64], NDArray[np.int64], int]]:
    """Two test problems: many repeated (true, predicted) pairs and a lopsided confusion, and a
    second one with a class that is never predicted and one that never occurs."""
    rng = np.random.default_rng(77)
    y1 = rng.integers(0, 4, 60)
    p1 = np.where(rng.random(60) < 0.7, y1, (y1 + 1) % 4)  # mostly right, mistakes one class up
    y2 = rng.integers(0, 4, 25)  # classes 0..3 of 5: class 4 never occurs
    p2 = np.where(y2 == 3, 0, y2)  # class 3 is never predicted
    return [(y1, p1, 4), (y2, p2, 5)]


@hints("Start from a k × k matrix of zeros; every sample adds 1 to one entry: row = its true class, "
       "column = the predicted one.",
       "cm[y_true, y_pred] += 1 adds only 1 to an entry however often its (true, predicted) pair "
       "occurs; np.add.at(cm, (y_true, y_pred), 1) counts every sample.")
def check_confusion_matrix(fn: Any) -> None:
    """Build it yourself: ``confusion_matrix(y_true, y_pred, k)`` → the ``(k, k)`` counts.

    Run on two problems of its own; the usual slips are named: rows and columns swapped, repeated
    pairs counted once (``cm[y, p] += 1`` with arrays), fractions instead of counts, the wrong
    shape.
    """
    name = "confusion_matrix"
    for y_true, y_pred, k in _cm_problems():
        ok, out = run(name, fn, y_true.copy(), y_pred.copy(), k)
        if not ok:
            return
        expected = confusion_matrix(y_true, y_pred, k)
        try:
            got = np.asarray(out, dtype=np.float64)
        except (TypeError, ValueError):
            wrong(name, f"expected a ({k}, {k}) array of counts, got {type(out).__name__}")
            return
        if got.shape != (k, k):
            wrong(name, f"for {k} classes expected shape ({k}, {k}), one row per true class and one column "
                        f"per prediction, got {got.shape}")
            return
        if np.array_equal(got, expected):
            continue
        once = np.zeros((k, k))
        once[y_true, y_pred] = 1
        n = len(y_true)
        if np.array_equal(got, expected.T):
            why = "rows and columns are swapped: row i is the true class i, column j the prediction j"
        elif np.array_equal(got, once) or np.array_equal(got, once.T):
            why = ("each (true, predicted) pair is counted once however often it occurs: cm[y_true, y_pred] "
                   "+= 1 with arrays does that; np.add.at(cm, (y_true, y_pred), 1) counts every sample")
        elif np.isclose(got.sum(), 1) or np.allclose(got.sum(axis=1)[expected.sum(axis=1) > 0], 1):
            why = "these are fractions; the confusion matrix counts samples (whole numbers)"
        elif got.sum() != n:
            why = (f"the entries add up to {got.sum():g}, but there are {n} samples: each sample adds 1 "
                   "to exactly one entry")
        else:
            check_output(name, got, expected, rtol=0, atol=0.5,
                         pointer="sample s adds 1 to the entry (y_true[s], y_pred[s])")
            return
        wrong(name, why)
        return
    correct(name, "Every sample counted once, in the row of its true class.")


# -- early stopping on a given validation curve ----------------------------------------------------

#: the validation loss after each epoch of a run (exercise 4), and the patience
VAL_CURVE = (0.62, 0.41, 0.33, 0.29, 0.30, 0.28, 0.31, 0.32, 0.35, 0.27, 0.36, 0.38)
PATIENCE = 3


@hints("Walk along the curve epoch by epoch (the first epoch is 1) and keep the lowest loss so far. "
       "Each epoch that does not beat it adds one to a count; a new lowest loss sets the count back to 0.",
       "Training stops at the epoch where the count reaches the patience; early stopping then puts back "
       "the weights of the epoch with the lowest loss it has seen. Epochs after the stop are never run.")
def check_early_stopping(best_epoch: Any, stop_epoch: Any, curve: Sequence[float] = VAL_CURVE,
                         patience: int = PATIENCE) -> None:
    """Exercise: on the validation curve ``curve``, after which epoch does early stopping with
    ``patience`` end the run (``stop_epoch``), and whose weights does it keep (``best_epoch``)?
    Both count epochs from 1."""
    losses = np.asarray(curve, dtype=np.float64)
    stop = _stop_epoch(losses, patience, len(losses))
    best = int(np.argmin(losses[:stop])) + 1
    first_dip = next(e for e in range(1, len(losses)) if losses[e] >= losses[e - 1])  # 1-based: epoch e
    overall = int(np.argmin(losses)) + 1
    check_number("stop_epoch", stop_epoch, stop, rtol=0, atol=0, what="an epoch number", mistakes=[
        (len(losses), "that is the last epoch of the curve: early stopping ends the run before it"),
        (stop - 1, "one epoch too early: count patience epochs in a row without a new lowest loss, and "
                   "the last of them is still run"),
        (stop + 1, "one epoch too late: the run ends at the epoch where the count reaches patience"),
        (first_dip + patience, "a new lowest loss starts the count again; look at what comes after the "
                               "first epoch that did not improve"),
        (lambda v: v > stop, "too late: a count of patience epochs without a new lowest loss is reached "
                             "before that"),
        (lambda v: v < stop, "too early: a new lowest loss sets the count back to 0"),
    ])
    check_number("best_epoch", best_epoch, best, rtol=0, atol=0, what="an epoch number", mistakes=[
        (overall, "that loss is lower, but the run has already stopped before that epoch: early stopping "
                  "never sees it"),
        (stop, "that is where training stops; early stopping then puts back the weights of the best epoch "
               "it saw"),
        (best - 1, "epochs count from 1 here: list index i is epoch i + 1"),
        (first_dip, "a later epoch, before the stop, has an even lower loss"),
        (lambda v: v > stop, "training stops before that epoch: it is never run"),
        (lambda v: True, "that is not the epoch with the lowest validation loss before the stop"),
    ])


# -- self-check questions -------------------------------------------------------------------------

QUESTIONS = questions(
    __name__,
    test_set=Choice(
        "c",
        a="the test images were not trained on, true, but they chose the learning rate: a choice fitted "
          "to a set makes that set's accuracy look better than new data will",
        b="more test images would shrink the noise of the estimate, not the bias: the learning rate was "
          "still chosen to look good on exactly these images",
        c="the learning rate was picked to do well on these very images, so their accuracy is an "
          "optimistic estimate; choices belong to the validation set, and the test set is looked at once",
        d="the training set cannot choose a learning rate: on it, the longest and largest run always "
          "looks best, overfitting included",
    ),
    curves=Choice(
        "b",
        a="a learning rate that is too small makes both losses fall slowly; it does not make the "
          "validation loss rise",
        b="the network has begun to learn its training images by heart, quirks included, and is getting "
          "more confident on the new images it gets wrong: overfitting, which early stopping ends",
        c="underfitting shows as a training loss that stays high; here the training loss keeps falling",
        d="a bug would rarely look this regular: a validation loss that falls, then turns up while the "
          "training loss falls on, is the usual picture of overfitting",
    ),
    uint8=Choice(
        "a",
        a="a float32 copy of all images takes four times the memory of the 8-bit ones; the network's "
          "Rescale layer converts only the mini-batch it is working on",
        b="the arithmetic is in float32 either way: Rescale turns each batch into floats before the "
          "first Dense layer",
        c="the scaled pixels are the same, x = pixel / 255 (to the last bit or so), whether the network "
          "or the data set does the division; only the memory differs",
        d="the network's weights are floats in either case; only the images are stored as integers",
    ),
    patience=Number(
        17, "the best epoch is 12; epochs 13, 14, 15, 16 and 17 bring nothing better, and at the fifth "
            "of them the patience is used up.",
        mistakes=[(12, "that is the best epoch, whose weights are put back; training runs on for a while "
                       "after it"),
                  (60, "early stopping ends the run long before the last epoch when nothing improves"),
                  (16, "one epoch too early: the fifth epoch without improvement is still run"),
                  (18, "one epoch too late: the run ends at the fifth epoch without improvement")],
        rtol=0,
    ),
)


@hints("Each question's feedback explains why an option is right or wrong; read it for the options "
       "you did not pick, too.",
       "The sections on splits (3), overfitting (4), early stopping (5) and normalising (2) answer "
       "them; look for the sentence that says what each set, curve or layer is for.")
def check_question(name: Any, answer: Any) -> None:
    """The self-check questions at the end of notebook 07 (``"test_set"``, ``"curves"``,
    ``"uint8"``, ``"patience"``): why the chosen answer is right or wrong."""
    if is_blank(name):
        not_done("question")
        return
    ask(QUESTIONS, name, answer)
