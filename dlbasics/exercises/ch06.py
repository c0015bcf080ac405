"""Exercise checks for notebook 06, "Gradient descent and its variants".

Each check prints one line: ⏳ (not done yet), ✅ (correct) or ❌ with what is off.

Examples
--------
>>> from dlbasics.exercises import ch06
>>> ch06.check_iterations_per_epoch(391)
✅ iterations per epoch: correct.
>>> ch06.check_adam_first_step(...)
⏳ Adam step: not done yet — replace the ... with your answer.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from dlbasics.exercises._common import check_array, check_number, is_blank, not_done, wrong

__all__ = [
    "N_SAMPLES",
    "BATCH_SIZE",
    "check_iterations_per_epoch",
    "check_gd_steps",
    "check_momentum_steps",
    "check_adam_first_step",
]

#: exercise 1: a data set of 50,000 samples in mini-batches of 128
N_SAMPLES = 50_000
BATCH_SIZE = 128


def check_iterations_per_epoch(answer: Any) -> None:
    """Exercise 1: optimizer steps in one epoch of 50,000 samples with batches of 128.

    ``ceil(50000 / 128) = 391``: 390 full batches and one last batch of 80 samples.
    """
    check_number("iterations per epoch", answer, math.ceil(N_SAMPLES / BATCH_SIZE), what="a whole number",
                 mistakes=[
                     (lambda value: value == N_SAMPLES // BATCH_SIZE,
                      lambda value: f"{value:g} full batches, but the 80 samples left over form one more "
                                    "(smaller) batch"),
                     (lambda value: not value.is_integer(),
                      lambda value: f"{value:g} is not a whole number of steps: round up, each partial "
                                    "batch is a step"),
                 ])


def check_gd_steps(answer: Any) -> None:
    """Exercise 2: the point after 3 gradient-descent steps on ``f(x, y) = x² + 3 y²``
    from ``(1, 1)`` with ``η = 0.1``.

    ``∇f = (2x, 6y)``, so each step multiplies x by ``1 - 0.2 = 0.8`` and y by
    ``1 - 0.6 = 0.4``: ``(0.8³, 0.4³) = (0.512, 0.064)``.
    """
    name = "GD steps"
    if is_blank(answer):
        not_done(name)
        return
    got = np.asarray(answer, dtype=np.float64) if not isinstance(answer, str) else np.array([])
    if got.shape == (2,):
        if np.allclose(got, [0.8, 0.4]):
            wrong(name, "that is the point after one step; take three")
            return
        if np.allclose(got, [1.2**3, 1.6**3]):
            wrong(name, "the point moved uphill: step against the gradient, p ← p − η ∇f")
            return
    check_array(name, answer, np.array([0.8**3, 0.4**3]))


def check_momentum_steps(answer: Any) -> None:
    """Exercise 3: ``w`` after two SGD-with-momentum steps on ``f(w) = w²`` from ``w = 1``
    with ``lr = 0.1`` and ``momentum = 0.9`` (``dl.SGD``'s rule).

    Step 1: ``g = 2``, ``b = g = 2``, ``w = 1 − 0.1·2 = 0.8``.
    Step 2: ``g = 1.6``, ``b = 0.9·2 + 1.6 = 3.4``, ``w = 0.8 − 0.34 = 0.46``.
    """
    check_number("momentum steps", answer, 0.46, what="one number", mistakes=[
        (0.64, "0.64 is plain gradient descent; momentum adds 0.9 × the previous step's b"),
        (0.8, "that is after one step; take two"),
    ])


def check_adam_first_step(answer: Any) -> None:
    """Exercise 4: ``w`` after one ``dl.Adam`` step with ``lr = 0.01`` from ``w = 5`` where the
    gradient is 100.

    The bias-corrected moments are ``m̂ = g`` and ``v̂ = g²``, so the first step is
    ``lr · g / |g| = 0.01``: ``w = 4.99`` — whatever the gradient's size.
    """
    check_number("Adam step", answer, 4.99, rtol=0, atol=1e-6, what="one number",
                 success="The first Adam step has length ≈ lr, whatever the gradient.", mistakes=[
                     (4.0, "that is the plain SGD step 5 − 0.01·100; Adam divides by √v̂ first"),
                     (5.0 - 0.01 * 0.1 * 100 / math.sqrt(0.001 * 100**2),
                      "you forgot the bias correction m̂ = m / (1 − β1), v̂ = v / (1 − β2)"),
                 ])
