"""Exercise checks for notebook 01, "A single neuron".

Each check prints one line: ⏳ (not done yet), ✅ (correct) or ❌ with what is off — a diagnosis,
never the right answer. Stuck? ``ch01.hint("walk_kcal")`` prints a hint for the exercise that
``ch01.check_walk_kcal`` checks; call it again for the next one.

Examples
--------
>>> from dlbasics.exercises import ch01
>>> ch01.check_walk_kcal(4.2 * 50)
✅ walk kcal: correct.
>>> ch01.check_walk_kcal(...)
⏳ walk kcal: not done yet — replace the ... with your answer.
>>> ch01.check_walk_kcal(0)
❌ walk kcal: not yet — far too small: a neuron's output is its weight times its input,
here kcal per minute times minutes
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from dlbasics.exercises._common import check_number, correct, hints, is_blank, not_done, show_hint, wrong
from dlbasics.exercises._quiz import Choice, Number, ask, questions

__all__ = ["cycling_data", "check_walk_kcal", "check_cycling_weight", "check_sse_function", "QUESTIONS",
           "check_question", "hint"]

#: a brisk walk burns about 4.2 kcal per minute; exercise 1 asks for 50 minutes
WALK_KCAL_PER_MIN = 4.2
WALK_MINUTES = 50

_CYCLING_MINUTES = np.array([15.0, 20.0, 30.0, 45.0, 60.0, 75.0, 90.0, 120.0])
_CYCLING_KCAL = np.array([140.0, 170.0, 265.0, 390.0, 560.0, 640.0, 800.0, 1050.0])


def hint(exercise: str | None = None, level: int | None = None) -> None:
    """Print the next hint for an exercise of notebook 01 (without one: list the exercises).

    Parameters
    ----------
    exercise : str, optional
        The exercise, named as its check without ``check_``: ``"walk_kcal"``,
        ``"cycling_weight"`` or ``"sse_function"``.
    level : int, optional
        Print this hint (1 is the first) again instead of the next one.

    Examples
    --------
    >>> from dlbasics.exercises import ch01
    >>> ch01.hint("sse_function", level=1)  # doctest: +ELLIPSIS
    💡 hint 1 of 3 for check_sse_function: ...
    """
    show_hint(__name__, exercise, level)


def cycling_data() -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The cycling log of exercise 2: minutes ridden and kcal burned.

    Returns
    -------
    minutes, kcal : arrays, shape (8,)
        Fresh copies, so changing them does not change the check.
    """
    return _CYCLING_MINUTES.copy(), _CYCLING_KCAL.copy()


@hints("A neuron with one input and no bias computes output = weight × input. Which number here is "
       "the weight, and which is the input?",
       "The weight is what one unit of input is worth: the kcal burned per minute. The input is how "
       "many minutes you walk.",
       "dl.Neuron(weight) builds the neuron; calling it on the input, dl.Neuron(weight)(input), "
       "computes weight × input.")
def check_walk_kcal(answer: Any) -> None:
    """Exercise 1: kcal burned by a 50-minute walk at 4.2 kcal per minute.

    Expected ``dl.Neuron(4.2)(50)``, i.e. 210 (any float close to it counts).
    """
    expected = WALK_KCAL_PER_MIN * WALK_MINUTES

    def divided(value: float) -> str:
        return (f"got {value:.4g}: the output is input × weight (minutes × kcal per minute), "
                "not a division")

    check_number("walk kcal", answer, expected, what="a number (kcal)", mistakes=[
        (WALK_KCAL_PER_MIN / WALK_MINUTES, divided), (WALK_MINUTES / WALK_KCAL_PER_MIN, divided),
        (WALK_KCAL_PER_MIN + WALK_MINUTES, "that is a sum: a neuron multiplies its input by its weight"),
        (expected / 60, "the rate is already per minute and the walk is in minutes: no conversion to hours"),
        (expected * 60, "the rate is already per minute and the walk is in minutes: no factor 60"),
    ], pointer="a neuron's output is its weight times its input, here kcal per minute times minutes")


def _least_squares_slope_with_intercept(x: NDArray[np.float64], y: NDArray[np.float64]) -> float:
    xc = x - x.mean()
    return float(xc @ (y - y.mean()) / (xc @ xc))


@hints("Write the total squared error E(w) = Σ (x·w − y)² as code and evaluate it for many weights "
       "(np.arange(0, 15, 0.01)): the best weight is the one where E is smallest (np.argmin).",
       "Or exactly: E(w) is a parabola in w, so its minimum is where its slope dE/dw = 2 Σ x (x·w − y) "
       "is zero.",
       "Setting 2 Σ x (x·w − y) = 0 and solving for w gives a ratio of two sums, Σ x·y / Σ x²: in NumPy "
       "two dot products.")
def check_cycling_weight(answer: Any) -> None:
    """Exercise 2: the single weight (kcal per minute) that best fits :func:`cycling_data`.

    "Best" means the least total squared error, ``w* = Σ x y / Σ x²``. A grid search with a
    step of 0.01 is accepted too (within 0.01 of ``w*``).
    """
    x, y = _CYCLING_MINUTES, _CYCLING_KCAL
    w_star = float(x @ y / (x @ x))
    ratios = "an average of the kcal-per-minute ratios, not the weight with the least squared error"
    check_number("cycling weight", answer, w_star, rtol=0, atol=0.01, what="one number (kcal per minute)",
                 success=f"w* = {w_star:.3f} kcal per minute.", mistakes=[
                     (float(y.sum() / x.sum()), f"that is total kcal / total minutes, {ratios}"),
                     (float(np.mean(y / x)), f"that is the mean of kcal / minutes, {ratios}"),
                     (float(np.median(y / x)), f"that is the median of kcal / minutes, {ratios}"),
                     (1 / w_star, "upside down: the weight is kcal per minute, the output divided by the "
                                  "input"),
                     (_least_squares_slope_with_intercept(x, y),
                      "that is the slope of a line with an intercept; this neuron has no bias, its line "
                      "goes through 0: fit kcal ≈ w · minutes"),
                     (lambda value: value <= 0, "a weight of zero or less says riding burns no energy: "
                                                "more minutes burn more kcal"),
                 ], pointer="compute E(w) = Σ (x·w − y)² for a few weights near yours and see which way "
                            "it falls")


def _reference_sse(w: NDArray[np.float64], x: NDArray[np.float64], y: NDArray[np.float64]) -> Any:
    return ((w[:, None] * x - y) ** 2).sum(axis=1)  # (K,)


def _second_problem() -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Other weights and data (4 weights, 5 points), to tell a function from a fixed answer."""
    w = np.array([-1.0, 2.0, 3.5, 10.0])
    return w, np.array([1.0, 2.0, 3.0, 4.0, 6.0]), np.array([3.0, 7.0, 9.0, 14.0, 20.0])


def _problems() -> list[tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]]:
    cycling = (np.array([0.0, 5.0, 8.5, 12.0]), _CYCLING_MINUTES.copy(), _CYCLING_KCAL.copy())
    return [cycling, _second_problem()]


def _sse_slip(got: NDArray[np.float64], w: NDArray[np.float64], x: NDArray[np.float64],
              y: NDArray[np.float64]) -> str:
    """The known slip that gives ``got`` for one problem, in words; "" if none does."""
    r = w[:, None] * x - y  # (K, N) residuals
    total = (r**2).sum(axis=1)  # (K,)
    slips = [
        ((r**2).mean(axis=1), "that is the mean squared error; the exercise asks for the total (sum)"),
        (r.sum(axis=1), "these are sums of plain residuals: square each residual before summing"),
        (np.abs(r).sum(axis=1), "these are sums of absolute residuals: square each residual instead"),
        (r.sum(axis=1) ** 2, "you squared the sum of the residuals: square each residual, then sum"),
        (((w[:, None] * x + y) ** 2).sum(axis=1), "the residual is prediction minus target, x·w − y"),
        (np.sqrt(total), "that is the square root of the total (the length of the residual vector): "
                         "leave out the root"),
    ]
    for value, why in slips:
        if np.allclose(got, value, rtol=1e-9):
            return why
    return ""


@hints("Broadcasting does the loop: w[:, None] has shape (K, 1) and x has shape (N,), so w[:, None] * x "
       "has shape (K, N): row k holds the predictions of weight k for every data point.",
       "Subtract y from that (K, N) array to get every residual, square them, and sum each row: which "
       "axis runs along a row?",
       "Row k must collapse to one number, so sum over the data axis, axis=1, which leaves shape (K,). "
       "Test it: for w = 0 every prediction is 0, so E(0) must be Σ y².")
def check_sse_function(answer: Any) -> None:
    """Exercise 3: a vectorised ``sse(w, x, y)`` that returns one total squared error per weight.

    ``answer`` is the function itself. It is called with an array ``w`` of shape ``(K,)`` and
    data ``x, y`` of shape ``(N,)`` and must return shape ``(K,)`` with
    ``E_k = Σ_i (x_i w_k − y_i)²`` — without a Python loop (broadcast ``w[:, None] * x``). It is
    tried on the cycling data and on a second, smaller problem.
    """
    name = "sse function"
    if is_blank(answer):
        not_done(name)
        return
    if not callable(answer):
        wrong(name, f"expected a function sse(w, x, y), got {type(answer).__name__}")
        return
    fn: Callable[..., Any] = answer
    results = []
    for w, x, y in _problems():
        expected = _reference_sse(w, x, y)
        try:
            out = fn(w.copy(), x.copy(), y.copy())
        except Exception as exc:  # the learner's code: report, never raise
            wrong(name, f"calling sse(w, x, y) with w of shape {w.shape} and x, y of shape {x.shape} "
                        f"raised {type(exc).__name__}: {exc} (hint: w[:, None] * x has shape (K, N))")
            return
        if is_blank(out):
            wrong(name, "sse still returns ...: write the computation in its place")
            return
        try:
            got = np.asarray(out, dtype=np.float64)
        except (TypeError, ValueError):
            wrong(name, f"sse should return an array of numbers, it returned {type(out).__name__}")
            return
        if got.shape != expected.shape:
            K, N = w.size, x.size
            if got.ndim == 0:
                why = ("it looks like you summed over every weight at once; sum over the data axis only "
                       "(axis=1)")
            elif got.shape == (K, N):
                why = "one number per weight and data point: sum each row, over the data axis (axis=1)"
            elif got.shape == (N,):
                why = "one number per data point: you summed over the weights; sum over the data axis instead"
            else:
                why = "w[:, None] * x - y has shape (K, N); sum it over the data axis"
            wrong(name, f"for {K} weights expected shape ({K},) (one error per weight), got {got.shape}: "
                        f"{why}")
            return
        if not np.all(np.isfinite(got)):
            wrong(name, "the result contains NaN or inf")
            return
        results.append((got, w, x, y, expected))
    (got1, *_), (got2, *_) = results
    if got1.shape == got2.shape and np.array_equal(got1, got2) and not all(
            np.allclose(got, exp, rtol=1e-9) for got, *_, exp in results):
        wrong(name, "sse gives the same result for different data: compute it from its arguments w, x, y")
        return
    for got, w, x, y, expected in results:
        close = np.isclose(got, expected, rtol=1e-9)
        if close.all():
            continue
        slip = _sse_slip(got, w, x, y)
        if slip:
            wrong(name, slip)
        elif 0.0 in w and not close[list(w).index(0.0)]:
            wrong(name, "for w = 0 every prediction is 0, so E should be Σ y² there, and it is not: "
                        "check the residual x·w − y and its square")
        else:
            off = _join_weights(w[~close])
            fine = f" (right for w = {_join_weights(w[close])})" if close.any() else ""
            wrong(name, f"E is off for w = {off}{fine}: each E_k is Σ over the data of (x·w_k − y)²")
        return
    correct(name)


def _join_weights(ws: NDArray[np.float64]) -> str:
    return ", ".join(f"{v:g}" for v in ws)


# -- self-check questions ------------------------------------------------------------------------

#: the self-check questions at the end of notebook 01 (the notebook shows each one's text)
QUESTIONS = questions(
    __name__,
    knowledge=Choice(
        "b",
        a="the input is the question asked (how many minutes): it changes with every use, while what the "
          "neuron learned stays the same",
        b="the weight is the one number training changed: the kcal per minute the neuron learned from the "
          "examples, and all it needs to answer new questions",
        c="the output is worked out afresh from the input and the weight each time: it is the answer, not "
          "what the neuron knows",
        d="after training the examples can be thrown away: the neuron keeps one number, not a table to "
          "look things up in",
    ),
    float_compare=Choice(
        "b",
        a="rounding happens to work here, but two numbers a hair apart can round to different digits "
          "(0.25 and 0.2499999… to one decimal): compare with a tolerance instead",
        b="math.isclose allows a tiny relative difference (1e-9 by default): the product differs from "
          "226.8 only in its last binary digit",
        c="int() cuts the fraction off: 226.0 and 226.9 would both pass, so the check would hardly check",
        d="floats are exact and repeatable; 7.56 just has no exact binary form, so the product carries a "
          "rounding error in its last digit",
    ),
    gradient_step=Number(
        4.6,
        why="dE/dw = 2·x·(x·w − y) = 2·2·(6 − 10) = −16 at w = 3: the slope is negative, so the step goes "
            "up, to w − 0.1 · (−16)",
        mistakes=[
            (1.4, "that step went uphill: w ← w − η · dE/dw subtracts the slope, and here the slope is "
                  "negative"),
            (3.8, "the derivative of a square brings a factor 2: d/dw (x·w − y)² = 2·x·(x·w − y)"),
            (2.2, "two slips: the step went uphill (subtract the slope) and the square's factor 2 is "
                  "missing"),
            (19.0, "the step is the slope times the learning rate η = 0.1, not the slope itself"),
            (-13.0, "the step is the slope times the learning rate η = 0.1, and it subtracts the slope"),
        ],
        pointer="work out dE/dw = 2·x·(x·w − y) at w = 3 first, then w − η · dE/dw",
        rtol=1e-3,
    ),
)


@hints("Go back to the section the question is about and rule out the options that contradict it.",
       "A wrong option's feedback says what it overlooks: try one and read why.")
def check_question(name: Any, answer: Any) -> None:
    """Self-check question ``name`` of notebook 01: ``"knowledge"``, ``"float_compare"`` (a letter)
    or ``"gradient_step"`` (a number).

    Examples
    --------
    >>> check_question("knowledge", "a")  # doctest: +ELLIPSIS
    ❌ question knowledge: not yet — not (a): the input is the question asked ...
    """
    ask(QUESTIONS, name, answer)
