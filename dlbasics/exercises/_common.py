"""Shared helpers for the exercise checks: every check prints one clear line of feedback.

Every check has two forms that share one implementation. Called directly, ``check_x(answer)``
prints its verdict (⏳ not done yet, ❌ what is off, ✅ correct) and never raises, so a notebook
runs top to bottom. Through :func:`assert_passes`, ``assert_passes(check_x, answer)`` raises
:class:`CheckFailed` (an ``AssertionError``) carrying the same feedback unless the verdict is ✅:
the form for ``assert``-style tests and autograders.

A wrong answer is diagnosed, never corrected: the feedback names the slip (a shape, a sign, a
forgotten bias, a sum where a mean belongs, which entries are off, too large or too small) but
never prints the expected value. A learner who is stuck asks for a hint: every check is declared
with :func:`hints`, and each chapter's ``hint("walk_kcal")`` (see :func:`show_hint`) prints the
next one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeAlias, TypeVar

import numpy as np
from numpy.typing import NDArray

__all__ = ["not_done", "correct", "wrong", "check_close", "check_number", "check_array", "check_param_count",
           "is_blank", "tally", "as_number", "as_array", "rel_error", "rel_error_words", "hints", "show_hint",
           "CheckFailed", "assert_passes"]

#: a known wrong answer: the value itself (matched with ``np.isclose``) or a test of the answer
Known: TypeAlias = float | Callable[[float], bool]
#: what to tell the learner: a fixed text or one built from their answer
Diagnosis: TypeAlias = str | Callable[[float], str]
Check = TypeVar("Check", bound=Callable[..., None])


def is_blank(answer: Any) -> bool:
    """True for an answer the learner has not filled in yet (``...`` or ``None``)."""
    return answer is ... or answer is None


#: the verdicts of the check that :func:`assert_passes` is running: (passed, feedback line)
_verdicts: ContextVar[list[tuple[bool, str]] | None] = ContextVar("dlbasics_check_verdicts", default=None)


#: the verdicts given inside :func:`tally`, innermost first
_tallies: ContextVar[tuple[list[bool], ...]] = ContextVar("dlbasics_check_tallies", default=())


@contextmanager
def tally() -> Iterator[list[bool]]:
    """Collect whether each verdict given inside the ``with`` block passed (they are still
    printed or recorded as usual): for checks of several steps that stop at the first failure.

    Examples
    --------
    >>> with tally() as t:
    ...     check_close("x", 1.0, 1.0)
    ...     check_close("y", 2.0, 3.0)
    ✅ x: correct.
    ❌ y: not yet — too small
    >>> t
    [True, False]
    """
    mine: list[bool] = []
    token = _tallies.set((*_tallies.get(), mine))
    try:
        yield mine
    finally:
        _tallies.reset(token)


def _say(passed: bool, line: str) -> None:
    """Print one feedback line, or record it while :func:`assert_passes` runs the check."""
    for t in _tallies.get():
        t.append(passed)
    verdicts = _verdicts.get()
    if verdicts is None:
        print(line)
    else:
        verdicts.append((passed, line))


def not_done(name: str) -> bool:
    _say(False, f"⏳ {name}: not done yet — replace the ... with your answer.")
    return False


def correct(name: str, extra: str = "") -> bool:
    _say(True, f"✅ {name}: correct." + (f" {extra}" if extra else ""))
    return True


def wrong(name: str, why: str) -> bool:
    _say(False, f"❌ {name}: not yet — {why}")
    return False


class CheckFailed(AssertionError):
    """An exercise check's verdict was not ✅: raised by :func:`assert_passes`.

    The message is the check's feedback, exactly the line(s) the printing form shows
    ("⏳ … not done yet" or "❌ …: not yet — …"; a check of several parts lists every part,
    the parts that passed included).

    Attributes
    ----------
    lines : list of str
        The feedback lines, in the order the check gave them.
    not_done : bool
        True when no part was wrong, only some not done yet (⏳).
    """

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = list(lines)
        self.not_done = not any(line.startswith("❌") for line in self.lines)
        super().__init__("\n".join(self.lines))


@contextmanager
def _recording() -> Iterator[list[tuple[bool, str]]]:
    verdicts: list[tuple[bool, str]] = []
    token = _verdicts.set(verdicts)
    try:
        yield verdicts
    finally:
        _verdicts.reset(token)


def assert_passes(check: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """The raising form of an exercise check: ``check(*args, **kwargs)`` must say ✅.

    Runs the check as it is (one implementation for both forms) but, instead of printing,
    collects its feedback. If every line is ✅ they are printed and the call returns ``None``;
    otherwise nothing is printed and :class:`CheckFailed` is raised with the feedback as its
    message. A check that gives no verdict at all fails too. Exceptions raised by the check
    itself are not caught.

    Parameters
    ----------
    check : callable
        A check from ``dlbasics.exercises.chNN``, e.g. ``ch01.check_walk_kcal``.
    *args, **kwargs
        What the check takes: the learner's answer(s).

    Raises
    ------
    CheckFailed
        (a subclass of ``AssertionError``) for an answer that is not done yet or not right.

    Examples
    --------
    >>> from dlbasics.exercises import ch01
    >>> assert_passes(ch01.check_walk_kcal, 210)
    ✅ walk kcal: correct.
    >>> assert_passes(ch01.check_walk_kcal, 4.2 / 50)
    Traceback (most recent call last):
        ...
    dlbasics.exercises._common.CheckFailed: ❌ walk kcal: not yet — got 0.084: ...
    >>> try:
    ...     assert_passes(ch01.check_walk_kcal, ...)
    ... except AssertionError as exc:
    ...     print(exc, exc.not_done)
    ⏳ walk kcal: not done yet — replace the ... with your answer. True
    """
    if not callable(check):
        raise TypeError(f"assert_passes: expected a check function such as ch01.check_walk_kcal, "
                        f"got {type(check).__name__}")
    with _recording() as verdicts:
        check(*args, **kwargs)
    if not verdicts:
        name = getattr(check, "__name__", repr(check))
        raise CheckFailed([f"❌ {name}: gave no verdict"])
    if all(passed for passed, _ in verdicts):
        for _, line in verdicts:
            print(line)
        return
    raise CheckFailed([line for _, line in verdicts])


# -- hints ------------------------------------------------------------------------------------------

#: every check's hints, by (chapter module, exercise): the exercise is the check's name without "check_"
_HINTS: dict[tuple[str, str], tuple[str, ...]] = {}
#: how many of an exercise's hints :func:`show_hint` has printed so far in this session
_SHOWN: dict[tuple[str, str], int] = {}


def hints(*texts: str) -> Callable[[Check], Check]:
    """Declare the hints of a check: a decorator that registers them and returns the check unchanged.

    Each hint points a step further towards the idea, never at the answer itself; the solution
    cell of the notebook comes after the last one. The chapter's ``hint(exercise)`` prints them
    (see :func:`show_hint`).

    Parameters
    ----------
    *texts : str
        The hints, from the gentlest to the most explicit; at least one.

    Examples
    --------
    >>> @hints("Which two lengths describe a rectangle?", "Its area multiplies its two sides.")
    ... def check_area(answer):
    ...     check_number("area", answer, 12.0)
    >>> show_hint(__name__, "area")
    💡 hint 1 of 2 for check_area: Which two lengths describe a rectangle?
    >>> show_hint(__name__, "area")
    💡 hint 2 of 2 for check_area: Its area multiplies its two sides. (That was the last hint;
    the solution is in the collapsed cell below the exercise.)
    >>> _ = _HINTS.pop((__name__, "area")), _SHOWN.pop((__name__, "area"))
    """
    if not texts or not all(isinstance(t, str) and t.strip() for t in texts):
        raise ValueError(f"hints: expected one or more non-empty strings, got {texts!r}")

    def register(check: Check) -> Check:
        _HINTS[(check.__module__, check.__name__.removeprefix("check_"))] = texts
        return check

    return register


def show_hint(module: str, exercise: Any = None, level: int | None = None) -> None:
    """Print the next hint for one exercise of a chapter (or, without an exercise, list them).

    What each chapter's ``hint`` calls: ``ch01.hint("walk_kcal")`` prints hint 1 of the
    exercise checked by ``ch01.check_walk_kcal``, the next call hint 2, and so on; after the
    last one it points to the solution cell.

    Parameters
    ----------
    module : str
        The chapter module's name, e.g. ``"dlbasics.exercises.ch01"``.
    exercise : str or callable, optional
        The exercise: its name (``"walk_kcal"``, ``"check_walk_kcal"`` works too) or its check
        function. Without it, the exercises that have hints are listed.
    level : int, optional
        Print this hint (1 is the first) instead of the next one.

    Raises
    ------
    ValueError
        For an exercise the chapter does not have, or a level it has no hint for.
    TypeError
        For an exercise that is neither a name nor a check.

    Examples
    --------
    >>> show_hint("dlbasics.exercises.ch01", "walk_kcal", level=1)  # doctest: +ELLIPSIS
    💡 hint 1 of 3 for check_walk_kcal: A neuron with one input ...
    """
    chapter = module.rsplit(".", 1)[-1]
    names = [ex for mod, ex in _HINTS if mod == module]
    if exercise is None:
        print(f"💡 {chapter} has hints for: {', '.join(names)}. Ask for one with "
              f'{chapter}.hint("{names[0]}"), again for the next.' if names else
              f"💡 {chapter} has no hints.")
        return
    if callable(exercise) and hasattr(exercise, "__name__"):
        exercise = exercise.__name__
    if not isinstance(exercise, str):
        raise TypeError(f"{chapter}.hint: expected the exercise's name such as {names[0]!r}, "
                        f"got {type(exercise).__name__}")
    key = (module, exercise.removeprefix(f"{chapter}.").removeprefix("check_"))
    if key not in _HINTS:
        raise ValueError(f"{chapter}.hint: no exercise {exercise!r} here; the exercises are "
                         f"{', '.join(names)}")
    texts = _HINTS[key]
    if level is not None and not (isinstance(level, int) and 1 <= level <= len(texts)):
        raise ValueError(f"{chapter}.hint: level must be a whole number from 1 to {len(texts)}, "
                         f"got {level!r}")
    shown = _SHOWN.get(key, 0)
    i = level - 1 if level is not None else min(shown, len(texts) - 1)
    _SHOWN[key] = max(shown, i + 1)
    last = (" (That was the last hint; the solution is in the collapsed cell below the exercise.)"
            if level is None and i == len(texts) - 1 else "")
    print(f"💡 hint {i + 1} of {len(texts)} for check_{key[1]}: {texts[i]}{last}")


# -- turning answers into numbers -------------------------------------------------------------------


def as_number(name: str, answer: Any, what: str = "a number") -> float | None:
    """The answer as a finite float, or ``None`` after printing why not: not done yet, not
    ``what`` was asked for (an array of several numbers, a text ...), or NaN/inf."""
    if is_blank(answer):
        not_done(name)
        return None
    try:
        a = np.asarray(answer)
        if a.dtype == object or not np.issubdtype(a.dtype, np.number) and a.dtype != np.bool_:
            raise TypeError
        if a.size != 1:
            wrong(name, f"expected {what}, got an array of shape {a.shape}")
            return None
        value = float(a.reshape(()))
    except (TypeError, ValueError):
        wrong(name, f"expected {what}, got {type(answer).__name__}")
        return None
    if not math.isfinite(value):
        wrong(name, f"the answer is {value}: somewhere a 0 / 0, an overflow or a NaN from an earlier "
                    "cell got into the computation")
        return None
    return value


def as_array(name: str, answer: Any, what: str) -> NDArray[np.float64] | None:
    """The answer as a float64 array, or ``None`` after printing why not: not done yet, or not
    ``what`` was asked for."""
    if is_blank(answer):
        not_done(name)
        return None
    try:
        return np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        wrong(name, f"expected {what}, got {type(answer).__name__}")
        return None


# -- comparing -------------------------------------------------------------------------------------


def rel_error(x: Any, y: Any) -> NDArray[np.float64]:
    """cs231n's relative error, entry by entry: ``|x − y| / max(1e-8, |x| + |y|)``.

    Examples
    --------
    >>> float(rel_error(1.0, 1.0001))
    4.99975...e-05
    """
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    return np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))


def rel_error_words(r: float) -> str:
    """A relative error in words: its order of magnitude (never its digits) and what it means.

    Examples
    --------
    >>> rel_error_words(0.034)
    'a relative error of about 1e-02 (a bug; 1e-07 or less would be fine)'
    """
    power = math.floor(math.log10(max(r, 1e-300)))
    meaning = ("a bug" if r >= 1e-2 else "more than rounding, so most likely a slip" if r >= 1e-4
               else "small, but more than rounding")
    return f"a relative error of about 1e{power:+03d} ({meaning}; 1e-07 or less would be fine)"


def _direction(value: float, expected: float) -> str:
    """"too large" or "too small", "far" when off by more than a factor of ten."""
    far = abs(value) > 10 * abs(expected) or abs(value) < abs(expected) / 10
    return ("far " if far else "") + ("too large" if value > expected else "too small")


def check_close(name: str, answer: Any, expected: float, rtol: float = 1e-6, atol: float = 1e-9) -> None:
    """Check a single number (the simplest form of :func:`check_number`)."""
    check_number(name, answer, expected, rtol=rtol, atol=atol)


def check_number(name: str, answer: Any, expected: float, *, mistakes: Sequence[tuple[Known, Diagnosis]] = (),
                 rtol: float = 1e-6, atol: float = 1e-9, what: str = "a number", success: str = "",
                 pointer: str = "") -> None:
    """Check a single number: the known mistakes first, then a diagnosis that does not reveal it.

    A wrong value that matches no known mistake gets "the sign is wrong" (for ``-expected``) or
    "too large" / "too small" (``far`` beyond a factor of ten), followed by ``pointer``: the
    step that is usually wrong. The expected value itself is never printed.

    Parameters
    ----------
    name : str
        The exercise's name in the feedback line.
    answer : Any
        The learner's answer (``...`` or ``None`` while not done).
    expected : float
        The right value, accepted within ``np.isclose(answer, expected, rtol, atol)``.
    mistakes : sequence of (known, why)
        Tried in order, after the right answer: ``known`` is a wrong value (matched with
        ``np.isclose`` and its default tolerances) or a test ``known(value) -> bool``; ``why`` is
        the diagnosis printed when it matches, or a function ``why(value) -> str`` that builds it.
    what : str
        What was asked for, in the message for an answer that is not a number.
    success : str
        Extra text after "correct.".
    pointer : str
        Where to look, after "too large" / "too small".

    Examples
    --------
    >>> check_number("area", 12.0, 12.0, mistakes=[(7.0, "that is the perimeter halved")])
    ✅ area: correct.
    >>> check_number("area", 7, 12.0, mistakes=[(7.0, "that is the perimeter halved")])
    ❌ area: not yet — that is the perimeter halved
    >>> check_number("area", 20, 12.0, pointer="multiply the two sides")
    ❌ area: not yet — too large: multiply the two sides
    """
    value = as_number(name, answer, what)
    if value is None:
        return
    if np.isclose(value, expected, rtol=rtol, atol=atol):
        correct(name, success)
        return
    for known, why in mistakes:
        if known(value) if callable(known) else np.isclose(value, known):
            wrong(name, why(value) if callable(why) else why)
            return
    pointer = f": {pointer}" if pointer else ""
    if expected != 0 and np.isclose(value, -expected, rtol=max(rtol, 1e-6), atol=atol):
        wrong(name, f"the size is right but the sign is wrong{pointer}")
    else:
        wrong(name, f"{_direction(value, expected)}{pointer}")


def _entries(idx: Sequence[int]) -> str:
    return ", ".join(str(i) for i in idx)


def _join(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def check_array(name: str, answer: Any, expected: Any, rtol: float = 1e-5, atol: float = 1e-8, *,
                labels: Sequence[str] | None = None, gradient: bool = False, batch: int | None = None,
                pointer: str = "") -> None:
    """Check an array: its type and shape, then what is off, without printing the right values.

    In that order: not numbers; the wrong shape (a transposed one is named); NaN or inf entries;
    slips that touch every entry (the wrong sign, a transposed square matrix, every entry off by
    one factor — named when it is the batch size ``batch``, the sum-versus-mean slip); otherwise
    which entries are off: by ``labels`` with "too large" / "too small" for a short vector, by
    row or column for a matrix, else the worst entry — with :func:`rel_error_words` for a
    ``gradient``.

    Parameters
    ----------
    name : str
        The array's name in the feedback line (and in ``dW[2, 1]``).
    answer, expected : array_like
        The learner's answer and the right one; accepted within ``np.isclose(rtol, atol)``.
    labels : sequence of str, optional
        A name for each entry of a 1-D answer (``["w1", "w2", "b"]``).
    gradient : bool
        Whether the answer is a gradient: the worst entry comes with its relative error.
    batch : int, optional
        The batch size, to recognise a sum over the batch where a mean belongs (or the reverse).
    pointer : str
        Where to look, appended to the diagnosis.

    Examples
    --------
    >>> check_array("z", [1.0, 2.0], [1.0, 2.0])
    ✅ z: correct.
    >>> check_array("z", [1.0, 2.0, 3.0], [1.0, 5.0, 3.0])
    ❌ z: not yet — entry 1 is off; the others are right
    >>> check_array("dW", [[1.0, 2.0], [3.0, 4.0]], [[1.0, 2.0], [3.0, 4.1]], gradient=True)
    ❌ dW: not yet — row 1 is off, the other rows are right; the worst entry, dW[1, 1], has a relative
    error of about 1e-02 (a bug; 1e-07 or less would be fine)
    """
    if is_blank(answer):
        not_done(name)
        return
    try:
        a = np.asarray(answer)
    except ValueError:
        wrong(name, f"expected an array of numbers, got a ragged {type(answer).__name__}")
        return
    e = np.asarray(expected, dtype=np.float64)
    if a.dtype == object or not (np.issubdtype(a.dtype, np.number) or a.dtype == np.bool_):
        wrong(name, f"expected numbers, got dtype {a.dtype}")
        return
    if a.shape != e.shape:
        if a.ndim == 2 and a.shape == e.shape[::-1]:
            wrong(name, f"expected shape {e.shape}, got {a.shape}: transposed? A gradient has the shape of "
                        "what it is the gradient of" if gradient else
                  f"expected shape {e.shape}, got {a.shape}: transposed? Rows and columns are swapped")
        else:
            wrong(name, f"expected shape {e.shape}, got {a.shape}")
        return
    a = a.astype(np.float64)
    pointer = f": {pointer}" if pointer else ""
    bad = ~np.isfinite(a)
    if bad.any():
        where = "every entry" if bad.all() else f"{int(bad.sum())} of {a.size} entries"
        wrong(name, f"{where} NaN or inf: a 0 / 0, an overflow or a NaN from an earlier cell")
        return
    close = np.isclose(a, e, rtol=rtol, atol=atol)
    if close.all():
        correct(name)
        return
    whole = _whole_array_slip(a, e, rtol, atol, batch)
    if whole:
        wrong(name, whole)
        return
    wrong(name, _which_entries(name, a, e, close, labels, gradient) + pointer)


def _whole_array_slip(a: NDArray[np.float64], e: NDArray[np.float64], rtol: float, atol: float,
                      batch: int | None) -> str:
    """A slip that changes every entry the same way, in words; "" if there is none."""
    if np.allclose(-a, e, rtol=rtol, atol=atol):
        return "the sizes are right but every sign is wrong"
    if a.ndim == 2 and a.shape[0] == a.shape[1] and np.allclose(a.T, e, rtol=rtol, atol=atol):
        return "this is the transpose of the right matrix: rows and columns are swapped"
    if not a.any():
        return "every entry is 0: is the computation still a placeholder?"
    nonzero = np.abs(e) > atol
    if a.size > 1 and nonzero.all():
        ratio = a / e
        if np.allclose(ratio, ratio.flat[0], rtol=1e-6):
            c = float(ratio.flat[0])
            if batch and np.isclose(c, batch):
                return (f"every entry is {batch}× too large ({batch} samples): did you sum over the batch "
                        "where the loss averages?")
            if batch and np.isclose(c, 1 / batch):
                return (f"every entry is {batch}× too small ({batch} samples): did you average over the "
                        "batch where the gradient sums?")
            return ("every entry is off by the same factor: a constant (a learning rate, the 2 of a "
                    "square, a 1/N) is missing or extra")
    return ""


def _which_entries(name: str, a: NDArray[np.float64], e: NDArray[np.float64], close: NDArray[np.bool_],
                   labels: Sequence[str] | None, gradient: bool) -> str:
    """Which entries of ``a`` are off, in words, without their right values."""
    wrong_idx = np.argwhere(~close)
    worst_at = tuple(int(k) for k in np.unravel_index(int(np.argmax(rel_error(a, e))), a.shape))
    worst = rel_error(a[worst_at], e[worst_at])
    if labels is not None and a.ndim == 1:
        off = [f"{labels[i]} is {_direction(a[i], e[i])}" for (i,) in wrong_idx]
        right = [labels[int(i)] for i in np.flatnonzero(close)]
        text = _join(off) + (f"; {_join(right)} {'is' if len(right) == 1 else 'are'} right" if right else "")
    elif close.size == 1 or (~close).all():
        text = "every entry is off"
    elif a.ndim == 1:
        idx = [int(i) for (i,) in wrong_idx]
        text = (f"entr{'y' if len(idx) == 1 else 'ies'} {_entries(idx)} "
                f"{'is' if len(idx) == 1 else 'are'} off; the others are right")
    elif a.ndim == 2 and len(set(wrong_idx[:, 0])) == 1:
        text = f"row {int(wrong_idx[0, 0])} is off, the other rows are right"
    elif a.ndim == 2 and len(set(wrong_idx[:, 1])) == 1:
        text = f"column {int(wrong_idx[0, 1])} is off, the other columns are right"
    else:
        text = f"{len(wrong_idx)} of {a.size} entries are off"
    if gradient:
        label = labels[worst_at[0]] if labels is not None and a.ndim == 1 else f"{name}{list(worst_at)}"
        text += f"; the worst entry, {label}, has {rel_error_words(float(worst))}"
    return text


def check_param_count(name: str, answer: Any, sizes: Sequence[int],
                      success: str | Callable[[int], str] = "") -> None:
    """Check the number of trainable numbers of a fully connected network of these widths.

    A Dense layer ``n_in → n_out`` has ``n_in · n_out`` weights and ``n_out`` biases. The usual
    slips are named (weights only, biases only, the units instead of the arrows, a bias per input,
    a layer left out); otherwise the count is too large or too small.

    Examples
    --------
    >>> check_param_count("parameters", 9, (2, 2, 1))
    ✅ parameters: correct.
    >>> check_param_count("parameters", 6, (2, 2, 1))
    ❌ parameters: not yet — 6 counts the weights only: every unit after the input also has a bias
    """
    value = as_number(name, answer, "a whole number")
    if value is None:
        return
    pairs = list(zip(sizes[:-1], sizes[1:], strict=True))
    layers = [a * b + b for a, b in pairs]
    total = sum(layers)
    if value == total:
        correct(name, success(total) if callable(success) else success)
        return
    if not value.is_integer():
        wrong(name, "a count is a whole number")
        return
    n = int(value)
    weights = sum(a * b for a, b in pairs)
    if n < 0:
        why = "a count can't be negative"
    elif n == weights:
        why = f"{n:,} counts the weights only: every unit after the input also has a bias"
    elif n == total - weights:
        why = f"{n:,} counts the biases only: add the weights, n_in × n_out per layer"
    elif n == sum(sizes):
        why = f"{n:,} counts the units (the circles); count the arrows (weights) and the biases"
    elif n == weights + sum(a for a, _ in pairs):
        why = ("one bias per unit of the layer's output, not per input: a layer from n_in to n_out "
               "units has n_out biases")
    elif n == weights + sum(sizes):
        why = "the input units have no bias: only the units a layer computes have one"
    elif n in layers or len(layers) > 2 and n in {total - layer for layer in layers}:
        why = (f"{'that is a single layer' if n in layers else 'a layer is missing'}: {len(sizes)} widths "
               f"make {len(pairs)} Dense layers, and the total adds up every one")
    else:
        why = (f"{_direction(n, total)}: for each Dense layer count n_in × n_out weights and n_out biases, "
               "then add up the layers")
    wrong(name, why)
