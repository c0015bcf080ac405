"""Exercise checks for notebook 07, "MNIST: handwritten digits end to end".

Each check prints one line: ⏳ (not done yet), ✅ (correct) or ❌ with what is off — a diagnosis,
never the right answer. Stuck? ``ch07.hint("n_params")`` prints a hint for the exercise that
``ch07.check_n_params`` checks; call it again for the next one.

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
from numpy.typing import ArrayLike

from dlbasics.exercises._common import (
    as_number,
    check_param_count,
    correct,
    hints,
    is_blank,
    not_done,
    show_hint,
    wrong,
)

__all__ = ["MLP_SIZES", "N_TRAIN", "BATCH_SIZE", "check_n_params", "check_steps_per_epoch",
           "check_recall", "hint"]

#: the network of exercise 1 (the notebook's default MLP)
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
        ``"steps_per_epoch"`` or ``"recall"``.
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
