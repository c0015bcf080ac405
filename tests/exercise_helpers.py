"""Helpers shared by the exercise-check tables (tests/test_exercises_chNN.py)."""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable
from contextlib import redirect_stdout
from typing import Any

import numpy as np
import pytest

from dlbasics.exercises import CheckFailed, assert_passes

OK, WAIT, BAD = "✅", "⏳", "❌"


def feedback(check: Callable[..., Any], *args: Any) -> str:
    """What the printing form prints, checked against the raising form: it raises with the same
    feedback unless every line is ✅, and prints nothing while it raises."""
    buf = io.StringIO()
    with redirect_stdout(buf):
        check(*args)
    printed = buf.getvalue().rstrip("\n")
    quiet = io.StringIO()
    with redirect_stdout(quiet):
        try:
            assert_passes(check, *args)
        except CheckFailed as exc:
            assert str(exc) == printed and quiet.getvalue() == ""
        else:
            assert all(line.startswith(OK) for line in printed.split("\n"))
            assert quiet.getvalue().rstrip("\n") == printed
    return printed


def verdict(message: str) -> str:
    """✅ when every line is, else ❌ when any line is, else ⏳."""
    lines = message.split("\n")
    if all(line.startswith(OK) for line in lines):
        return OK
    return BAD if any(line.startswith(BAD) for line in lines) else WAIT


def leak_forms(values: Any, given: Any = ()) -> set[str]:
    """The values written the ways a message could print them (two significant digits or more),
    leaving out the numbers the learner was given as inputs."""
    inputs = {abs(float(v)) for v in np.ravel(given)}
    forms: set[str] = set()
    for v in {abs(float(v)) for v in np.ravel(values)} - inputs:
        if math.isfinite(v):
            forms |= {f"{v:.{d}f}" for d in range(1, 5)} | {f"{v:.3g}", f"{v:.4g}", f"{v:.6g}"}
    return {f for f in forms if len(f.replace(".", "").strip("0")) >= 2}


def assert_row(check: Callable[..., Any], answer: Any, expected: str, pattern: str, reference: Any = (),
               inputs: Any = ()) -> str:
    """One row of a chapter's table: the verdict, the message, and for ❌ no leak of ``reference``
    (the values the learner's code should compute; the ``inputs`` it was given may appear)."""
    message = feedback(check, answer)
    assert verdict(message) == expected, message
    assert re.search(pattern, message, flags=re.M), f"{pattern!r} not in {message!r}"
    if expected == BAD:
        leaks = sorted(f for f in leak_forms(reference, inputs) if f in message)
        assert leaks == [], message
    return message


def assert_table_complete(cases: list[tuple[Any, ...]], checks: Any,
                          arbitrary: tuple[str, ...] = ("random",)) -> None:
    """Every check has a right, a blank and a wrong row, one of them an arbitrary wrong answer
    (a row whose id, the fifth field, is in ``arbitrary``)."""
    for check in checks:
        rows = [c for c in cases if c[0] is check]
        assert {c[2] for c in rows} == {OK, WAIT, BAD}, check.__name__
        assert any(c[4] in arbitrary for c in rows), check.__name__


def assert_choice_question(check: Callable[..., Any], name: str, right: str) -> None:
    """A multiple-choice question: ✅ for the right letter (in any case, with brackets), ⏳ while
    blank, ❌ saying what each wrong letter overlooks without naming the right one, a letter that is
    no option named, and an unknown question refused."""
    assert verdict(feedback(check, name, right)) == OK
    assert verdict(feedback(check, name, f" ({right.upper()}) ")) == OK
    assert "not done yet" in feedback(check, name, ...)
    for letter in "abcd":
        if letter != right:
            message = feedback(check, name, letter)
            assert verdict(message) == BAD and f"not ({letter}):" in message
            assert f"({right})" not in message  # never names the right option
    assert "one of the letters" in feedback(check, name, "z")
    with pytest.raises(ValueError, match="no question 'nope'"):
        check("nope", "a")
