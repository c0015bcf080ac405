"""Exercise checks for notebook 07, "MNIST: handwritten digits end to end".

Each check prints one line: ⏳ (not done yet), ✅ (correct) or ❌ with what is off.

Examples
--------
>>> from dlbasics.exercises import ch07
>>> ch07.check_n_params((784 * 128 + 128) + (128 * 64 + 64) + (64 * 10 + 10))
✅ parameters: correct. 109,386 numbers to learn.
>>> ch07.check_steps_per_epoch(...)
⏳ steps per epoch: not done yet — replace the ... with your answer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from dlbasics.exercises._common import as_number, correct, is_blank, not_done, wrong

__all__ = ["MLP_SIZES", "N_TRAIN", "BATCH_SIZE", "check_n_params", "check_steps_per_epoch",
           "check_recall"]

#: the network of exercise 1 (the notebook's default MLP)
MLP_SIZES = (784, 128, 64, 10)
#: exercise 2: training images left after holding out 5,000 for validation, and the batch size
N_TRAIN = 55_000
BATCH_SIZE = 64


def _as_int(name: str, answer: Any) -> int | None:
    """The answer as an int, or None after printing what is wrong with it."""
    value = as_number(name, answer, "one whole number")
    if value is None:
        return None
    if not math.isfinite(value) or value != int(value):
        wrong(name, f"expected a whole number, got {value:g}")
        return None
    return int(value)


def check_n_params(answer: Any, sizes: Sequence[int] = MLP_SIZES) -> None:
    """Exercise 1: how many numbers a fully connected network of these widths learns.

    A Dense layer from ``n_in`` to ``n_out`` units has ``n_in · n_out`` weights and
    ``n_out`` biases, so the total is ``Σ (n_in + 1) · n_out`` over the layers:
    109,386 for 784-128-64-10.

    Parameters
    ----------
    answer : int
        The learner's count.
    sizes : sequence of int
        Layer widths ``[n_in, hidden..., n_out]``.
    """
    name = "parameters"
    if is_blank(answer):
        not_done(name)
        return
    value = _as_int(name, answer)
    if value is None:
        return
    pairs = list(zip(sizes[:-1], sizes[1:], strict=True))
    weights = sum(a * b for a, b in pairs)
    biases = sum(b for _, b in pairs)
    if value == weights + biases:
        correct(name, f"{value:,} numbers to learn.")
    elif value == weights:
        wrong(name, f"{value:,} counts the weights only: every unit also has a bias "
                    f"({biases:,} of them in all)")
    elif value == biases:
        wrong(name, f"{value:,} counts the biases only: add the weights, n_in × n_out per layer")
    elif value == weights + sum(a for a, _ in pairs):
        wrong(name, "one bias per unit of the layer's output, not per input: a layer from n_in to "
                    "n_out units has n_out biases")
    else:
        layers = " + ".join(f"({a} × {b} + {b})" for a, b in pairs)
        wrong(name, f"got {value:,}; add up n_in × n_out weights and n_out biases for each "
                    f"layer: {layers}")


def check_steps_per_epoch(answer: Any, n: int = N_TRAIN, batch_size: int = BATCH_SIZE) -> None:
    """Exercise 2: optimizer steps (mini-batches) in one epoch of ``n`` images.

    One epoch visits every image once, ``batch_size`` at a time; the last batch may be
    smaller and still counts, so the answer is ``ceil(n / batch_size)``: 860 for 55,000
    images in batches of 64.
    """
    name = "steps per epoch"
    raw = as_number(name, answer, "one whole number")
    if raw is None:
        return
    expected = -(-n // batch_size)  # ceil(n / batch_size) in integers
    if math.isfinite(raw) and raw != int(raw):
        wrong(name, f"{raw:g} is not a whole number: a step always uses one whole mini-batch; the "
                    "last, smaller batch is a step too")
        return
    value = _as_int(name, answer)
    if value is None:
        return
    if value == expected:
        correct(name, f"{n:,} images in batches of {batch_size}: {n // batch_size} full batches "
                      f"and one of {n - batch_size * (n // batch_size)}.")
    elif value == n // batch_size:
        wrong(name, f"{value} full batches leave {n - batch_size * value} images over; they form "
                    "one last, smaller batch, which is a step too: round up")
    elif value == n * batch_size:
        wrong(name, "divide the number of images by the batch size, don't multiply")
    else:
        wrong(name, f"got {value:,}; each step takes {batch_size} images, and one epoch must see "
                    f"all {n:,} of them")


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
    i = int(np.argwhere(~close)[0, 0])
    wrong(name, f"first wrong value for digit {i}: expected {expected[i]:.4f}, got {float(a[i]):.4f} "
                "(right answers on the diagonal, divided by the row's total)")
