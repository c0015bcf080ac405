"""Exercise checks for notebook 06, "Gradient descent and its variants".

Each check prints one line: ⏳ (not done yet), ✅ (correct) or ❌ with what is off — a diagnosis,
never the right answer. Stuck? ``ch06.hint("gd_steps")`` prints a hint for the exercise that
``ch06.check_gd_steps`` checks; call it again for the next one.

Examples
--------
>>> from dlbasics.exercises import ch06
>>> ch06.check_iterations_per_epoch(391)
✅ iterations per epoch: correct.
>>> ch06.check_adam_first_step(...)
⏳ Adam step: not done yet — replace the ... with your answer.
>>> ch06.check_gd_steps([0.8, 0.4])
❌ GD steps: not yet — that is the point after one step; take three
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from dlbasics.exercises._common import as_array, check_array, check_number, hints, show_hint, wrong

__all__ = [
    "N_SAMPLES",
    "BATCH_SIZE",
    "check_iterations_per_epoch",
    "check_gd_steps",
    "check_momentum_steps",
    "check_adam_first_step",
    "hint",
]

#: exercise 1: a data set of 50,000 samples in mini-batches of 128
N_SAMPLES = 50_000
BATCH_SIZE = 128


def hint(exercise: str | None = None, level: int | None = None) -> None:
    """Print the next hint for an exercise of notebook 06 (without one: list the exercises).

    Parameters
    ----------
    exercise : str, optional
        The exercise, named as its check without ``check_``: ``"iterations_per_epoch"``,
        ``"gd_steps"``, ``"momentum_steps"`` or ``"adam_first_step"``.
    level : int, optional
        Print this hint (1 is the first) again instead of the next one.

    Examples
    --------
    >>> from dlbasics.exercises import ch06
    >>> ch06.hint("gd_steps", level=1)  # doctest: +ELLIPSIS
    💡 hint 1 of 2 for check_gd_steps: ...
    """
    show_hint(__name__, exercise, level)


@hints("Each optimizer step uses one mini-batch; one epoch goes through all the samples once.",
       "The number of samples is not a multiple of the batch size: what is left after the full batches "
       "forms one more, smaller batch. math.ceil rounds up.")
def check_iterations_per_epoch(answer: Any) -> None:
    """Exercise 1: optimizer steps in one epoch of 50,000 samples with batches of 128.

    ``ceil(50000 / 128) = 391``: 390 full batches and one last batch of 80 samples.
    """
    n, size = N_SAMPLES, BATCH_SIZE
    check_number("iterations per epoch", answer, math.ceil(n / size), what="a whole number", mistakes=[
        (lambda value: value == n // size,
         lambda value: f"{value:g} full batches, but the {n - size * (n // size)} samples left over form one "
                       "more (smaller) batch"),
        (lambda value: not value.is_integer(), "that is not a whole number of steps: round up, each partial "
                                               "batch is a step"),
        (lambda value: value == n * size, "divide the number of samples by the batch size, don't multiply"),
        (lambda value: value == n, "that is the number of samples; one step uses a whole mini-batch of them"),
        (lambda value: value == size, "that is the batch size; the question is how many batches make an "
                                      "epoch"),
        (lambda value: value <= 0, "a number of steps is positive"),
    ], pointer="one step per mini-batch, and a last, smaller batch is a step too")


_GD_START, _GD_LR = np.array([1.0, 1.0]), 0.1


def _gd(steps: int, grad_scale: tuple[float, float] = (2.0, 6.0)) -> NDArray[np.float64]:
    """The point after ``steps`` gradient-descent steps on x² + 3 y² (gradient (2x, 6y))."""
    p = _GD_START.copy()
    for _ in range(steps):
        p = p - _GD_LR * np.array(grad_scale) * p
    return p


@hints("∇f = (2x, 6y). One step is p ← p − η ∇f(p), with η = 0.1, starting at p = (1, 1).",
       "Recompute the gradient at the new point before each step: a loop of three updates.")
def check_gd_steps(answer: Any) -> None:
    """Exercise 2: the point after 3 gradient-descent steps on ``f(x, y) = x² + 3 y²``
    from ``(1, 1)`` with ``η = 0.1``.

    ``∇f = (2x, 6y)``, so each step multiplies x by ``1 - 0.2 = 0.8`` and y by
    ``1 - 0.6 = 0.4``: ``(0.8³, 0.4³) = (0.512, 0.064)``.
    """
    name = "GD steps"
    got = as_array(name, answer, "two numbers (x, y)")
    if got is None:
        return
    expected = _gd(3)
    if got.shape == (2,) and np.all(np.isfinite(got)) and not np.allclose(got, expected):
        slips = [
            (_gd(1), "that is the point after one step; take three"),
            (_gd(2), "that is the point after two steps; take three"),
            (_gd(4), "that is the point after four steps; take three"),
            (np.array([1.2**3, 1.6**3]), "the point moved uphill: step against the gradient, p ← p − η ∇f"),
            (_gd(3, (1.0, 3.0)), "∇f = (2x, 6y): the derivative of x² is 2x, of 3y² is 6y"),
            (expected[::-1], "x and y are swapped"),
            (_GD_START - 3 * _GD_LR * np.array([2.0, 6.0]) * _GD_START,
             "each step uses the gradient at the current point: recompute ∇f after every step"),
        ]
        for value, why in slips:
            if np.allclose(got, value):
                wrong(name, why)
                return
    check_array(name, got, expected, labels=["x", "y"],
                pointer="each step is p ← p − η ∇f(p) with ∇f = (2x, 6y) at the current point")


def _momentum(steps: int, lr: float = 0.1, momentum: float = 0.9, average: bool = False,
              nesterov: bool = False) -> float:
    """``w`` after ``steps`` steps of SGD with momentum on f(w) = w² from w = 1: PyTorch's rule
    (the buffer starts as the first gradient), or with ``average`` the textbook average
    b ← momentum · b + (1 − momentum) · g from b = 0."""
    w, buf = 1.0, 0.0
    for t in range(steps):
        g = 2 * w
        if average:
            buf = momentum * buf + (1 - momentum) * g
        else:
            buf = g if t == 0 else momentum * buf + g
        w -= lr * (g + momentum * buf if nesterov else buf)
    return w


@hints("dl.SGD with momentum keeps a buffer b: b ← momentum · b + g (on the first step b = g), then "
       "w ← w − lr · b.",
       "f(w) = w², so g = 2w at the current w. Do step 1, then step 2 with the new w and the b from step 1.")
def check_momentum_steps(answer: Any) -> None:
    """Exercise 3: ``w`` after two SGD-with-momentum steps on ``f(w) = w²`` from ``w = 1``
    with ``lr = 0.1`` and ``momentum = 0.9`` (``dl.SGD``'s rule).

    Step 1: ``g = 2``, ``b = g = 2``, ``w = 1 − 0.1·2 = 0.8``.
    Step 2: ``g = 1.6``, ``b = 0.9·2 + 1.6 = 3.4``, ``w = 0.8 − 0.34 = 0.46``.
    """
    check_number("momentum steps", answer, _momentum(2), what="one number", mistakes=[
        (_momentum(2, momentum=0.0), "that is plain gradient descent; momentum adds 0.9 × the previous "
                                     "step's b"),
        (_momentum(1), "that is after one step; take two"),
        (_momentum(3), "that is after three steps; take two"),
        (_momentum(2, average=True), "that is the averaging form b ← 0.9 b + 0.1 g; dl.SGD (like PyTorch) "
                                     "adds the whole gradient: b ← 0.9 b + g"),
        (_momentum(2, nesterov=True), "that is Nesterov momentum; the exercise uses plain momentum "
                                      "(nesterov=False)"),
        (1.0 - 0.1 * 2 - (0.9 * 2 + 2 * 0.8),
         "the learning rate multiplies the whole buffer: w ← w − lr · b"),
    ], pointer="step 2 uses b = momentum · (step 1's b) + the new gradient, then w ← w − lr · b")


@hints("Adam keeps m ← β1 m + (1 − β1) g and v ← β2 v + (1 − β2) g², and corrects them: "
       "m̂ = m / (1 − β1^t), v̂ = v / (1 − β2^t). The step is lr · m̂ / (√v̂ + ε).",
       "At t = 1, starting from m = v = 0, the corrections give m̂ = g and v̂ = g². What is m̂ / √v̂, "
       "whatever g is?")
def check_adam_first_step(answer: Any) -> None:
    """Exercise 4: ``w`` after one ``dl.Adam`` step with ``lr = 0.01`` from ``w = 5`` where the
    gradient is 100.

    The bias-corrected moments are ``m̂ = g`` and ``v̂ = g²``, so the first step is
    ``lr · g / |g| = 0.01``: ``w = 4.99`` — whatever the gradient's size.
    """
    w0, g, lr = 5.0, 100.0, 0.01
    check_number("Adam step", answer, w0 - lr, rtol=0, atol=1e-6, what="one number",
                 success="The first Adam step has length ≈ lr, whatever the gradient.", mistakes=[
                     (w0 - lr * g, "that is the plain SGD step 5 − 0.01·100; Adam divides by √v̂ first"),
                     (w0 - lr * 0.1 * g / math.sqrt(0.001 * g**2),
                      "you forgot the bias correction m̂ = m / (1 − β1), v̂ = v / (1 − β2)"),
                     (w0 + lr, "the step went uphill: subtract it, w ← w − lr · m̂ / (√v̂ + ε)"),
                     (w0 - lr * g / g**2, "divide by √v̂, the square root of v̂, not by v̂ itself"),
                     (w0 - 0.001, "that is a step with Adam's default learning rate; this exercise uses "
                                  "lr = 0.01"),
                 ], pointer="the first step is lr · m̂ / (√v̂ + ε), with the bias-corrected moments m̂ and v̂")
