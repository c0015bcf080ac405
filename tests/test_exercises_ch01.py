"""Notebook 01's self-check questions: every option's verdict and feedback, in a table.

Each row runs through the printing and the raising form. A wrong answer's feedback says what it
overlooks and never the right option's letter or the right number.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from exercise_helpers import BAD, OK, WAIT
from exercise_helpers import feedback as shared_feedback

from dlbasics.exercises import ch01


def feedback(*args: Any) -> str:
    """What ``ch01.check_question`` prints, checked against its raising form."""
    return shared_feedback(ch01.check_question, *args)


ROWS = [
    ("knowledge", "b", OK, "the one number training changed"),
    ("knowledge", "a", BAD, r"not \(a\): the input is the question"),
    ("knowledge", "c", BAD, r"not \(c\): the output is worked out afresh"),
    ("knowledge", "d", BAD, r"not \(d\): after training the examples can be thrown away"),
    ("knowledge", " (B) ", OK, "correct"),
    ("knowledge", "e", BAD, "answer with one of the letters 'a', 'b', 'c', 'd', got 'e'"),
    ("knowledge", ..., WAIT, "not done yet"),
    ("float_compare", "b", OK, "math.isclose allows a tiny relative difference"),
    ("float_compare", "a", BAD, "compare with a tolerance instead"),
    ("float_compare", "c", BAD, "int\\(\\) cuts the fraction off"),
    ("float_compare", "d", BAD, "floats are exact and repeatable"),
    ("gradient_step", 4.6, OK, "dE/dw = 2·x·\\(x·w − y\\)"),
    ("gradient_step", 1.4, BAD, "that step went uphill"),
    ("gradient_step", 3.8, BAD, "brings a factor 2"),
    ("gradient_step", 2.2, BAD, "two slips"),
    ("gradient_step", 19.0, BAD, "times the learning rate"),
    ("gradient_step", -13.0, BAD, "and it subtracts the slope"),
    ("gradient_step", 10.0, BAD, "too large: work out dE/dw"),
    ("gradient_step", 0.0, BAD, "too small: work out dE/dw"),
    ("gradient_step", "4.6?", BAD, "expected a number"),
    ("gradient_step", ..., WAIT, "not done yet"),
    (..., ..., WAIT, "not done yet"),
]


@pytest.mark.parametrize(("name", "answer", "want", "pattern"), ROWS,
                         ids=[f"{r[0]}-{r[1]!r}" for r in ROWS])
def test_check_question(name: Any, answer: Any, want: str, pattern: str) -> None:
    message = feedback(name, answer)
    assert message.startswith(want), message
    assert re.search(pattern, message), message
    if want == BAD:  # what is wrong, never what is right
        assert "4.6" not in message and "(b)" not in message and "not (b)" not in message


def test_every_question_has_rows_for_each_of_its_options() -> None:
    for name, q in ch01.QUESTIONS.items():
        tried = {answer for n, answer, _, _ in ROWS if n == name}
        options = getattr(q, "options", ())
        assert set(options) <= tried, name
        assert any(v == OK for n, _, v, _ in ROWS if n == name), name


def test_an_unknown_question_is_named() -> None:
    with pytest.raises(ValueError, match="no question 'nope' here; the questions are knowledge"):
        ch01.check_question("nope", "a")
