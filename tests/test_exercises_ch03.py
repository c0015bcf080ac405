"""Notebook 03's build-it-yourself checks and self-check questions: one table of (answer, verdict, message).

For each check: the right answer, the scaffold (a body of ``...``), and every slip the check
diagnoses, as a small buggy function; each row also runs through the raising form. No ❌ message
may contain a value the learner's function should have computed.
"""

from __future__ import annotations

import io
from contextlib import redirect_stdout
from typing import Any

import numpy as np
import pytest
from exercise_helpers import (
    BAD,
    OK,
    WAIT,
    assert_choice_question,
    assert_row,
    assert_table_complete,
    feedback,
    leak_forms,
    verdict,
)
from hypothesis import given, settings
from hypothesis import strategies as st

import dlbasics as dl
from dlbasics.exercises import ch03

# -- the buggy implementations ------------------------------------------------------------------------


def scaffold(*args: Any) -> None:
    ...


def update(w: Any, b: float, x: Any, y: int, lr: float) -> tuple[Any, float]:
    error = y - float(x @ w + b > 0)
    return w + lr * error * x, b + lr * error


def update_at_zero(w: Any, b: float, x: Any, y: int, lr: float) -> tuple[Any, float]:
    error = y - float(x @ w + b >= 0)
    return w + lr * error * x, b + lr * error


def update_in_place(w: Any, b: float, x: Any, y: int, lr: float) -> tuple[Any, float]:
    error = y - float(x @ w + b > 0)
    w += lr * error * x
    return w, b + lr * error


def update_always(w: Any, b: float, x: Any, y: int, lr: float) -> tuple[Any, float]:
    sign = 1.0 if y == 1 else -1.0
    return w + lr * sign * x, b + lr * sign


def update_away(w: Any, b: float, x: Any, y: int, lr: float) -> tuple[Any, float]:
    error = y - float(x @ w + b > 0)
    return w - lr * error * x, b - lr * error


def update_no_bias(w: Any, b: float, x: Any, y: int, lr: float) -> tuple[Any, float]:
    error = y - float(x @ w + b > 0)
    return w + lr * error * x, b


def update_lr_one(w: Any, b: float, x: Any, y: int, lr: float) -> tuple[Any, float]:
    error = y - float(x @ w + b > 0)
    return w + error * x, b + error


def update_half_bias(w: Any, b: float, x: Any, y: int, lr: float) -> tuple[Any, float]:
    error = y - float(x @ w + b > 0)
    return w + lr * error * x, b + lr * error / 2


def raises(*args: Any) -> None:
    raise IndexError("index 5 is out of bounds")


def predict(X: Any, w: Any, b: float) -> Any:
    return (X @ w + b > 0).astype(float)


UPDATE_REF = np.concatenate([np.append(*update(np.array(w), b, np.array(x), y, lr))
                             for w, b, x, y, lr in ch03._UPDATE_CASES])
UPDATE_INPUTS = np.concatenate([np.r_[w, b, x, y, lr] for w, b, x, y, lr in ch03._UPDATE_CASES])
PREDICT_REF = np.concatenate([predict(X, w, b) for X, w, b in ch03._predict_problems()])

#: (check, answer, verdict, message pattern, id)
CASES = [
    (ch03.check_perceptron_update, update, OK, r"^✅ perceptron_update: correct", "right"),
    (ch03.check_perceptron_update, ch03.library_update, OK, r"^✅ perceptron_update: correct", "library"),
    (ch03.check_perceptron_update, scaffold, WAIT, r"^⏳ perceptron_update: not done yet", "scaffold"),
    (ch03.check_perceptron_update, ..., WAIT, r"^⏳ perceptron_update: not done yet", "blank"),
    (ch03.check_perceptron_update, update_always, BAD, "although the prediction is right", "always"),
    (ch03.check_perceptron_update, update_away, BAD, "goes the wrong way", "sign"),
    (ch03.check_perceptron_update, update_no_bias, BAD, "the bias must move too", "no-bias"),
    (ch03.check_perceptron_update, update_lr_one, BAD, "multiply by the learning rate", "lr"),
    (ch03.check_perceptron_update, update_at_zero, BAD, r"exactly on the line \(z = 0\)", "at-zero"),
    (ch03.check_perceptron_update, update_in_place, BAD, "in place", "in-place"),
    (ch03.check_perceptron_update, lambda w, b, x, y, lr: w, BAD, "it keeps one weight per input", "no-pair"),
    (ch03.check_perceptron_update, lambda w, b, x, y, lr: 3, BAD, r"expected the pair \(w_new, b_new\)",
     "number"),
    (ch03.check_perceptron_update, lambda w, b, x, y, lr: (w[:1], b), BAD, "one weight per input", "shape"),
    (ch03.check_perceptron_update, update_half_bias, BAD, "the new b is off", "random"),
    (ch03.check_perceptron_update, raises, BAD, "raised IndexError", "raises"),
    (ch03.check_predict, predict, OK, r"^✅ predict: correct", "right"),
    (ch03.check_predict, lambda X, w, b: X @ w + b > 0, OK, r"^✅ predict: correct", "bool"),
    (ch03.check_predict, ch03.library_predict, OK, r"^✅ predict: correct", "library"),
    (ch03.check_predict, scaffold, WAIT, r"^⏳ predict: not done yet", "scaffold"),
    (ch03.check_predict, lambda X, w, b: X @ w + b, BAD, "these are the weighted sums z", "z"),
    (ch03.check_predict, lambda X, w, b: (X @ w + b < 0) * 1.0, BAD, "the classes are swapped", "swapped"),
    (ch03.check_predict, lambda X, w, b: (X @ w + b >= 0) * 1.0, BAD, r"exactly on the line \(z = 0\)",
     "at-zero"),
    (ch03.check_predict, lambda X, w, b: (X @ w + b > 0)[:, None] * 1.0, BAD, "already one-dimensional",
     "column"),
    (ch03.check_predict, lambda X, w, b: np.tanh(X @ w + b), BAD, "0 or 1 only", "not-binary"),
    (ch03.check_predict, lambda X, w, b: (X @ w + b > 1) * 1.0, BAD, r"predictions are off \(e\.g\. sample",
     "random"),
    (ch03.check_predict, lambda X, w, b: PREDICT_REF[:5], BAD, r"expected shape \(9,\)", "fixed-answer"),
]
REFERENCE = {ch03.check_perceptron_update: UPDATE_REF, ch03.check_predict: PREDICT_REF}
INPUTS = np.concatenate([UPDATE_INPUTS] + [np.r_[X.ravel(), w, b] for X, w, b in ch03._predict_problems()])


@pytest.mark.parametrize("check, answer, expected, pattern", [c[:4] for c in CASES],
                         ids=[f"{c[0].__name__}-{c[4]}" for c in CASES])
def test_check(check: Any, answer: Any, expected: str, pattern: str) -> None:
    assert_row(check, answer, expected, pattern, REFERENCE[check], INPUTS)


def test_every_new_check_has_a_right_a_blank_and_wrong_rows() -> None:
    assert_table_complete(CASES, REFERENCE)


@settings(max_examples=40, deadline=None)
@given(scale=st.floats(0.25, 4.0).filter(lambda s: abs(s - 1) > 1e-3), shift=st.floats(-1, 1))
def test_a_wrong_update_never_reveals_the_values(scale: float, shift: float) -> None:
    def buggy(w: Any, b: float, x: Any, y: int, lr: float) -> tuple[Any, float]:
        w_new, b_new = update(w, b, x, y, lr)
        return w_new * scale, b_new + shift
    message = feedback(ch03.check_perceptron_update, buggy)
    assert verdict(message) == BAD, message
    assert not [f for f in leak_forms(UPDATE_REF, INPUTS) if f in message], message


def test_the_learners_training_loop_matches_the_library() -> None:
    """The notebook's loop with the learner's update gives what dl.Perceptron does."""
    X, y = dl.make_blobs(100, spread=0.8, rng=0)
    p = dl.Perceptron(2, lr=0.1)
    p.w[:], p.b = [1.0, -1.0], 0.0
    w, b = np.array([1.0, -1.0]), 0.0
    for _ in range(3):
        for i in range(len(y)):
            p.update(X[i], y[i])
            w, b = update(w, b, X[i], y[i], 0.1)
    np.testing.assert_allclose(w, p.w)
    assert np.isclose(b, p.b)
    np.testing.assert_array_equal(predict(X, w, b), p.predict(X))


def test_use_gives_the_learners_function_only_when_it_passes() -> None:
    buf = io.StringIO()
    with redirect_stdout(buf):
        assert ch03.use("predict", predict, ch03.library_predict, ch03.check_predict) is predict
        assert ch03.use("perceptron_update", update_no_bias, ch03.library_update,
                        ch03.check_perceptron_update) is ch03.library_update
    assert buf.getvalue() == "⏳ using the library's perceptron_update until yours passes its check\n"


QUESTIONS = [("when_update", "b"), ("converges", "a"), ("why_xor", "c"), ("circle_feature", "b")]


@pytest.mark.parametrize("name, right", QUESTIONS)
def test_check_question(name: str, right: str) -> None:
    assert_choice_question(ch03.check_question, name, right)
