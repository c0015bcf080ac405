"""Self-check questions: a question in the notebook, feedback on every option in the chapter.

Each notebook ends with a few quick questions. The question and its options are a markdown cell
(so formulas render); the learner answers in the code cell below it, and the chapter's
``check_question`` says why the chosen option is right or wrong — for a wrong option, what it
overlooks, never which option is right::

    answer = ...  # "a", "b", "c" or "d"
    ch05.check_question("first_loss", answer)

A chapter declares its questions once, with :func:`questions`::

    QUESTIONS = questions(__name__, first_loss=Choice("b", a="…why a is wrong…", b="…why b is right…"))

and defines ``check_question(name, answer)`` as ``ask(QUESTIONS, name, answer)``. A question whose
answer is a number is a :class:`Number`: its feedback comes from :func:`check_number` (known slips
named, too large / too small, never the value).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dlbasics.exercises._common import Diagnosis, Known, check_number, correct, is_blank, not_done, wrong

__all__ = ["Choice", "Number", "questions", "ask"]


@dataclass(frozen=True, init=False)
class Choice:
    """A multiple-choice question: the right option's letter and feedback for every option.

    Parameters
    ----------
    answer : str
        The right option, a letter such as ``"b"``.
    **feedback : str
        One text per option letter: for a wrong option, what it overlooks (without naming the
        right one); for the right option, why it is right (shown with the ✅).

    Examples
    --------
    >>> q = Choice("b", a="a line can't bend around two corners", b="two lines cut out the middle")
    >>> q.options
    ('a', 'b')
    """

    answer: str
    feedback: Mapping[str, str]

    def __init__(self, answer: str, **feedback: str) -> None:
        if answer not in feedback:
            raise ValueError(f"Choice: the answer {answer!r} needs feedback, like every option")
        if len(feedback) < 2 or not all(isinstance(t, str) and t.strip() for t in feedback.values()):
            raise ValueError("Choice: expected feedback, a non-empty text, for two or more options")
        object.__setattr__(self, "answer", answer)
        object.__setattr__(self, "feedback", dict(feedback))

    @property
    def options(self) -> tuple[str, ...]:
        return tuple(self.feedback)

    def check(self, name: str, answer: Any) -> None:
        if is_blank(answer):
            not_done(name)
            return
        letter = answer.strip().lower().strip("()") if isinstance(answer, str) else answer
        if letter not in self.feedback:
            wrong(name, f"answer with one of the letters {', '.join(repr(o) for o in self.options)}, "
                        f"got {answer!r}")
        elif letter == self.answer:
            correct(name, self.feedback[letter])
        else:
            wrong(name, f"not ({letter}): {self.feedback[letter]}")


@dataclass(frozen=True)
class Number:
    """A question whose answer is a number, checked by :func:`check_number`.

    Parameters
    ----------
    value : float
        The right answer, accepted within ``rtol``.
    why : str
        Shown with the ✅: why that is the answer.
    mistakes : sequence of (known, diagnosis)
        Known wrong answers and what each overlooks (see :func:`check_number`).
    pointer : str
        Where to look, after "too large" / "too small".
    rtol : float
        Relative tolerance (a rough estimate is often enough: 0.05 by default).
    """

    value: float
    why: str
    mistakes: Sequence[tuple[Known, Diagnosis]] = field(default=())
    pointer: str = ""
    rtol: float = 0.05

    def check(self, name: str, answer: Any) -> None:
        check_number(name, answer, self.value, mistakes=self.mistakes, rtol=self.rtol,
                     success=self.why, pointer=self.pointer)


Question = Choice | Number


def questions(module: str, **qs: Question) -> dict[str, Question]:
    """A chapter's self-check questions, by name, checked for sense when the chapter is imported."""
    for name, q in qs.items():
        if not isinstance(q, (Choice, Number)):
            raise TypeError(f"{module}: question {name!r} must be a Choice or a Number, "
                            f"got {type(q).__name__}")
    return dict(qs)


def ask(qs: Mapping[str, Question], name: Any, answer: Any) -> None:
    """Check the learner's ``answer`` to the question ``name`` of one chapter.

    Examples
    --------
    >>> qs = questions(__name__, corners=Choice("b", a="one line splits the plane in two halves only",
    ...                                               b="two lines can cut out the middle band"))
    >>> ask(qs, "corners", ...)
    ⏳ question corners: not done yet — replace the ... with your answer.
    >>> ask(qs, "corners", "a")
    ❌ question corners: not yet — not (a): one line splits the plane in two halves only
    >>> ask(qs, "corners", "b")
    ✅ question corners: correct. two lines can cut out the middle band
    """
    if is_blank(name):
        not_done("question")
        return
    if name not in qs:
        raise ValueError(f"check_question: no question {name!r} here; the questions are {', '.join(qs)}")
    qs[name].check(f"question {name}", answer)
