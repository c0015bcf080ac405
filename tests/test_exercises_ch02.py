"""Notebook 02's build-it-yourself checks and self-check questions: one table of (answer, verdict, message).

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
from dlbasics.exercises import ch02

# -- the buggy implementations ------------------------------------------------------------------------


def scaffold(*args: Any) -> None:
    ...


def stable_sigmoid(z: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def naive_sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


def rearranged_sigmoid(z: np.ndarray) -> np.ndarray:
    return np.exp(z) / (1 + np.exp(z))


def wrong_limits(z: np.ndarray) -> np.ndarray:
    return np.where(np.abs(z) > 100, 0.5, stable_sigmoid(z)).astype(z.dtype)


def in_place_relu(z: np.ndarray) -> np.ndarray:
    z[z < 0] = 0
    return z


def lopsided_grad(z: np.ndarray) -> np.ndarray:
    s = stable_sigmoid(z)
    return np.where(np.abs(z) < 10, s * (1 - s), (z > 0) * np.float32(0.01)).astype(z.dtype)


def raises(*args: Any) -> None:
    raise IndexError("index 5 is out of bounds")


SIGMOID_REF = np.concatenate([dl.sigmoid(ch02._Z_BATCH).ravel(), dl.sigmoid(ch02._Z_WIDE)])
GRAD_REF = np.concatenate([dl.activations.sigmoid_grad(ch02._Z_BATCH).ravel(),
                           dl.activations.sigmoid_grad(ch02._Z_WIDE)])
SUMS_REF = np.concatenate([X @ w + b for X, w, b in ch02._sums_problems()])
INPUTS = np.concatenate([ch02._Z_BATCH.ravel(), ch02._Z_WIDE])

#: (check, answer, verdict, message pattern, id)
CASES = [
    (ch02.check_weighted_sums, lambda X, w, b: X @ w + b, OK, r"^✅ weighted_sums: correct", "right"),
    (ch02.check_weighted_sums, scaffold, WAIT, r"^⏳ weighted_sums: not done yet", "scaffold"),
    (ch02.check_weighted_sums, lambda X, w, b: X @ w, BAD, "bias is missing", "no-bias"),
    (ch02.check_weighted_sums, lambda X, w, b: X @ w - b, BAD, "not subtracted", "minus-bias"),
    (ch02.check_weighted_sums, lambda X, w, b: (X @ w) * b, BAD, "not multiplied", "times-bias"),
    (ch02.check_weighted_sums, lambda X, w, b: X.sum(axis=1) + b, BAD, "without their weights", "no-weights"),
    (ch02.check_weighted_sums, lambda X, w, b: X * w, BAD, r"X \* w multiplies entry by entry", "no-sum"),
    (ch02.check_weighted_sums, lambda X, w, b: (X * w).sum(axis=0) + b, BAD, "summed over the samples",
     "axis-0"),
    (ch02.check_weighted_sums, lambda X, w, b: float((X @ w).sum() + b), BAD,
     "one number for the whole batch", "scalar"),
    (ch02.check_weighted_sums, lambda X, w, b: (X @ w + b)[:, None], BAD, "already one-dimensional",
     "column"),
    (ch02.check_weighted_sums, lambda X, w, b: SUMS_REF[:4], BAD, r"expected shape \(7,\)", "fixed-answer"),
    (ch02.check_weighted_sums, lambda X, w, b: (X @ w + b) * np.r_[1, 1, 3, 1, 1, 1, 1][:len(X)], BAD,
     "entry 2 is off", "one-entry"),
    (ch02.check_weighted_sums, raises, BAD, "raised IndexError", "raises"),
    (ch02.check_weighted_sums, "X @ w + b", BAD, "expected a function", "not-callable"),
    (ch02.check_sigmoid, stable_sigmoid, OK, r"^✅ sigmoid: correct\. Stable", "right"),
    (ch02.check_sigmoid, dl.sigmoid, OK, r"^✅ sigmoid: correct", "library"),
    (ch02.check_sigmoid, scaffold, WAIT, r"^⏳ sigmoid: not done yet", "scaffold"),
    (ch02.check_sigmoid, naive_sigmoid, BAD, "warned of an overflow", "overflow"),
    (ch02.check_sigmoid, rearranged_sigmoid, BAD, r"NaN or inf for z = 1000", "nan"),
    (ch02.check_sigmoid, lambda z: stable_sigmoid(z.astype(np.float64)), BAD, "comes back as float64",
     "float64"),
    (ch02.check_sigmoid, lambda z: 1 / (1 + np.exp(z)), BAD, "sign slip", "sign"),
    (ch02.check_sigmoid, np.tanh, BAD, "that is tanh", "tanh"),
    (ch02.check_sigmoid, lambda z: stable_sigmoid(z) * (1 - stable_sigmoid(z)), BAD, "the sigmoid's slope",
     "slope"),
    (ch02.check_sigmoid, lambda z: 1 / np.exp(-z), BAD, "1 \\+ is missing", "no-one"),
    (ch02.check_sigmoid, lambda z: (z > 0).astype(z.dtype), BAD, "a step", "step"),
    (ch02.check_sigmoid, lambda z: np.max(stable_sigmoid(z)), BAD, "np.max reduces", "reduced"),
    (ch02.check_sigmoid, in_place_relu, BAD, "in place", "in-place"),
    (ch02.check_sigmoid, wrong_limits, BAD, "limits are off", "limits"),
    (ch02.check_sigmoid, lambda z: stable_sigmoid(z) + np.float32(0.01) * (z == z.flat[0]), BAD,
     "row 0 is off", "random"),
    (ch02.check_sigmoid, raises, BAD, "raised IndexError", "raises"),
    (ch02.check_sigmoid_grad, lambda z: stable_sigmoid(z) * (1 - stable_sigmoid(z)), OK,
     r"^✅ sigmoid_grad: correct", "right"),
    (ch02.check_sigmoid_grad, scaffold, WAIT, r"^⏳ sigmoid_grad: not done yet", "scaffold"),
    (ch02.check_sigmoid_grad, lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2, BAD, "NaN or inf", "nan"),
    (ch02.check_sigmoid_grad, lambda z: naive_sigmoid(z) * (1 - naive_sigmoid(z)), BAD,
     "warned of an overflow", "overflow"),
    (ch02.check_sigmoid_grad, stable_sigmoid, BAD, "that is σ\\(z\\) itself", "sigmoid"),
    (ch02.check_sigmoid_grad, lambda z: stable_sigmoid(z) * (1 + stable_sigmoid(z)), BAD, "with a minus",
     "plus"),
    (ch02.check_sigmoid_grad, lambda z: z * (1 - z), BAD, "puts z itself", "z"),
    (ch02.check_sigmoid_grad, lambda z: np.full_like(z, 0.25), BAD, "the same number everywhere", "constant"),
    (ch02.check_sigmoid_grad, lopsided_grad, BAD, "not symmetric", "asymmetric"),
    (ch02.check_sigmoid_grad, lambda z: 2 * stable_sigmoid(z) * (1 - stable_sigmoid(z)), BAD,
     "same factor", "random"),
    (ch02.check_relu, lambda z: np.maximum(z, 0), OK, r"^✅ relu: correct", "right"),
    (ch02.check_relu, lambda z: z * (z > 0), OK, r"^✅ relu: correct", "right-product"),
    (ch02.check_relu, scaffold, WAIT, r"^⏳ relu: not done yet", "scaffold"),
    (ch02.check_relu, lambda z: np.max(z, 0), BAD, r"got \(3,\)", "max-axis"),
    (ch02.check_relu, lambda z: np.max(z), BAD, "np.max reduces", "max"),
    (ch02.check_relu, lambda z: np.minimum(z, 0), BAD, "keeps the negative part", "min"),
    (ch02.check_relu, np.abs, BAD, "turns negatives positive", "abs"),
    (ch02.check_relu, lambda z: (z > 0).astype(z.dtype), BAD, "ReLU's derivative", "derivative"),
    (ch02.check_relu, lambda z: np.maximum(z, 0.01 * z), BAD, "leaky ReLU", "leaky"),
    (ch02.check_relu, in_place_relu, BAD, "in place", "in-place"),
    (ch02.check_relu, lambda z: np.maximum(z.astype(np.float64), 0), BAD, "float64", "float64"),
    (ch02.check_relu, lambda z: np.maximum(z, 1), BAD, "off", "random"),
    (ch02.check_relu_grad, lambda z: (z > 0).astype(z.dtype), OK, r"^✅ relu_grad: correct", "right"),
    (ch02.check_relu_grad, lambda z: (z >= 0).astype(z.dtype), OK, r"^✅ relu_grad: correct", "at-0-one"),
    (ch02.check_relu_grad, scaffold, WAIT, r"^⏳ relu_grad: not done yet", "scaffold"),
    (ch02.check_relu_grad, lambda z: np.maximum(z, 0), BAD, "that is ReLU itself", "relu"),
    (ch02.check_relu_grad, np.sign, BAD, "not −1", "sign"),
    (ch02.check_relu_grad, np.ones_like, BAD, "1 everywhere", "ones"),
    (ch02.check_relu_grad, lambda z: (z < 0).astype(z.dtype), BAD, "the other way round", "reversed"),
    (ch02.check_relu_grad, lambda z: z > 0, BAD, "comes back as bool", "bool"),
    (ch02.check_relu_grad, lambda z: (z > 0) * 1.0, BAD, "comes back as float64", "float64"),
    (ch02.check_relu_grad, lambda z: (z > 1).astype(z.dtype), BAD, "off", "random"),
]
REFERENCE = {ch02.check_weighted_sums: SUMS_REF, ch02.check_sigmoid: SIGMOID_REF,
             ch02.check_sigmoid_grad: GRAD_REF, ch02.check_relu: dl.relu(INPUTS),
             ch02.check_relu_grad: dl.activations.relu_grad(INPUTS)}


@pytest.mark.parametrize("check, answer, expected, pattern", [c[:4] for c in CASES],
                         ids=[f"{c[0].__name__}-{c[4]}" for c in CASES])
def test_check(check: Any, answer: Any, expected: str, pattern: str) -> None:
    assert_row(check, answer, expected, pattern, REFERENCE[check], INPUTS)


def test_every_new_check_has_a_right_a_blank_and_wrong_rows() -> None:
    assert_table_complete(CASES, REFERENCE, ("random", "one-entry"))


@settings(max_examples=40, deadline=None)
@given(scale=st.floats(0.5, 1.5).filter(lambda s: abs(s - 1) > 1e-3), entry=st.integers(0, 5))
def test_a_wrong_function_never_reveals_the_values(scale: float, entry: int) -> None:
    for check, ref in [(ch02.check_sigmoid, stable_sigmoid), (ch02.check_relu, lambda z: np.maximum(z, 0)),
                       (ch02.check_sigmoid_grad, lambda z: stable_sigmoid(z) * (1 - stable_sigmoid(z)))]:
        def buggy(z: np.ndarray, ref: Any = ref) -> np.ndarray:
            out = np.array(ref(z))
            out.flat[entry % out.size] = out.flat[entry % out.size] * scale + 0.1
            return out.astype(z.dtype)
        message = feedback(check, buggy)
        assert verdict(message) == BAD, message
        assert not [f for f in leak_forms(REFERENCE[check], INPUTS) if f in message], message


def test_use_gives_the_learners_function_only_when_it_passes() -> None:
    buf = io.StringIO()
    with redirect_stdout(buf):
        assert ch02.use("sigmoid", stable_sigmoid, dl.sigmoid, ch02.check_sigmoid) is stable_sigmoid
    assert buf.getvalue() == ""  # the check runs silently
    for mine in (scaffold, naive_sigmoid):
        buf = io.StringIO()
        with redirect_stdout(buf):
            assert ch02.use("sigmoid", mine, dl.sigmoid, ch02.check_sigmoid) is dl.sigmoid
        assert buf.getvalue() == "⏳ using the library's sigmoid until yours passes its check\n"


QUESTIONS = [("sigmoid_range", "b"), ("bias", "c"), ("batch_shape", "b"), ("dead_relu", "a")]


@pytest.mark.parametrize("name, right", QUESTIONS)
def test_check_question(name: str, right: str) -> None:
    assert_choice_question(ch02.check_question, name, right)
