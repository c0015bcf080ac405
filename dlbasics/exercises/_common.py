"""Shared helpers for the exercise checks: every check prints one clear line of feedback.

Every check has two forms that share one implementation. Called directly, ``check_x(answer)``
prints its verdict (⏳ not done yet, ❌ what is off, ✅ correct) and never raises, so a notebook
runs top to bottom. Through :func:`assert_passes`, ``assert_passes(check_x, answer)`` raises
:class:`CheckFailed` (an ``AssertionError``) carrying the same feedback unless the verdict is ✅:
the form for ``assert``-style tests and autograders.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import NDArray

__all__ = ["not_done", "correct", "wrong", "check_close", "check_number", "check_array", "is_blank",
           "as_number", "as_array", "CheckFailed", "assert_passes"]

#: a known wrong answer: the value itself (matched with ``np.isclose``) or a test of the answer
Known: TypeAlias = float | Callable[[float], bool]
#: what to tell the learner: a fixed text or one built from their answer
Hint: TypeAlias = str | Callable[[float], str]


def is_blank(answer: Any) -> bool:
    """True for an answer the learner has not filled in yet (``...`` or ``None``)."""
    return answer is ... or answer is None


#: the verdicts of the check that :func:`assert_passes` is running: (passed, feedback line)
_verdicts: ContextVar[list[tuple[bool, str]] | None] = ContextVar("dlbasics_check_verdicts", default=None)


def _say(passed: bool, line: str) -> None:
    """Print one feedback line, or record it while :func:`assert_passes` runs the check."""
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


def as_number(name: str, answer: Any, what: str = "a number") -> float | None:
    """The answer as a float, or ``None`` after printing why not: not done yet, or not ``what``
    was asked for."""
    if is_blank(answer):
        not_done(name)
        return None
    try:
        return float(answer)
    except (TypeError, ValueError):
        wrong(name, f"expected {what}, got {type(answer).__name__}")
        return None


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


def check_close(name: str, answer: Any, expected: float, rtol: float = 1e-6, atol: float = 1e-9) -> None:
    """Check a single number."""
    check_number(name, answer, expected, rtol=rtol, atol=atol)


def check_number(name: str, answer: Any, expected: float, *, mistakes: Sequence[tuple[Known, Hint]] = (),
                 rtol: float = 1e-6, atol: float = 1e-9, what: str = "a number", success: str = "") -> None:
    """Check a single number, naming the known mistakes it matches before comparing it.

    Parameters
    ----------
    name : str
        The exercise's name in the feedback line.
    answer : Any
        The learner's answer (``...`` or ``None`` while not done).
    expected : float
        The right value, accepted within ``np.isclose(answer, expected, rtol, atol)``.
    mistakes : sequence of (known, hint)
        Tried in order: ``known`` is a wrong value (matched with ``np.isclose`` and its default
        tolerances) or a test ``known(value) -> bool``; ``hint`` is the text printed when it
        matches, or a function ``hint(value) -> str`` that builds it.
    what : str
        What was asked for, in the message for an answer that is not a number.
    success : str
        Extra text after "correct.".

    Examples
    --------
    >>> check_number("area", 12.0, 12.0, mistakes=[(7.0, "that is the perimeter halved")])
    ✅ area: correct.
    >>> check_number("area", 7, 12.0, mistakes=[(7.0, "that is the perimeter halved")])
    ❌ area: not yet — that is the perimeter halved
    """
    value = as_number(name, answer, what)
    if value is None:
        return
    for known, hint in mistakes:
        if known(value) if callable(known) else np.isclose(value, known):
            wrong(name, hint(value) if callable(hint) else hint)
            return
    if np.isclose(value, expected, rtol=rtol, atol=atol):
        correct(name, success)
    else:
        wrong(name, f"expected about {expected:.6g}, got {value:.6g}")


def check_array(name: str, answer: Any, expected: Any, rtol: float = 1e-5, atol: float = 1e-8) -> None:
    """Check an array: its shape first, then the first entry that differs."""
    if is_blank(answer):
        not_done(name)
        return
    a = np.asarray(answer)
    e = np.asarray(expected)
    if a.shape != e.shape:
        wrong(name, f"expected shape {e.shape}, got {a.shape}")
        return
    if not np.issubdtype(a.dtype, np.number):
        wrong(name, f"expected numbers, got dtype {a.dtype}")
        return
    close = np.isclose(a, e, rtol=rtol, atol=atol)
    if close.all():
        correct(name)
        return
    i = tuple(int(k) for k in np.argwhere(~close)[0])
    wrong(name, f"first wrong value at index {list(i)}: expected {e[i]:.6g}, got {a[i]:.6g}")
