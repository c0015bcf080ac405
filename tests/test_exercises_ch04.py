"""Notebook 04's build-it-yourself checks and self-check questions: one table of (answer, verdict, message).

For each check: the right answer, the scaffold (a body of ``...``), and every slip the check
diagnoses, as a small buggy layer or initialiser; each row also runs through the raising form. No ❌
message may contain a value the learner's code should have computed.
"""

from __future__ import annotations

import io
from collections.abc import Callable
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
from dlbasics.exercises import ch04

# -- the buggy implementations ------------------------------------------------------------------------


class MyDense(dl.Layer):
    """The notebook's layer, right."""

    def __init__(self, n_in: int, n_out: int, rng: Any = None) -> None:
        super().__init__()
        self.n_in, self.n_out = n_in, n_out
        self.W = dl.layers.init_weights(n_in, n_out, "uniform", rng)
        self.b = np.zeros(n_out, dtype=np.float32)

    def forward(self, X: Any) -> Any:
        return X @ self.W + self.b


def layer(forward: Callable[[Any, Any], Any]) -> type:
    return type("Buggy", (MyDense,), {"forward": forward})


class Scaffold(MyDense):
    def forward(self, X: Any) -> Any:
        ...


class PyTorchLayout(MyDense):
    def __init__(self, n_in: int, n_out: int, rng: Any = None) -> None:
        super().__init__(n_in, n_out, rng)
        self.W = self.W.T.copy()


class NoWidths(dl.Layer):
    def __init__(self, n_in: int, n_out: int) -> None:
        super().__init__()

    def forward(self, X: Any) -> Any:
        return X


class NotALayer:
    def __init__(self, n_in: int, n_out: int) -> None:
        self.n_in, self.n_out = n_in, n_out


def zeroing_forward(self: Any, X: Any) -> Any:
    Z = X @ self.W + self.b
    X[...] = 0  # destroys its input
    return Z


def he(n_in: int, n_out: int, rng: Any) -> Any:
    return rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out)).astype(np.float32)


def he_scaled(factor: float) -> Callable[..., Any]:
    return lambda n_in, n_out, rng: (he(n_in, n_out, rng) * factor).astype(np.float32)


def raises(*args: Any) -> None:
    raise IndexError("index 5 is out of bounds")


NET, X = ch04._layer_problem()
def layer_inputs(k: int, n_in: int) -> Any:
    """The batch the check feeds the learner's layer in place k (as ch04.check_dense_layer does)."""
    return X if k == 0 else np.abs(X[:, :1]) * np.ones((1, n_in), dtype=np.float32)


LAYER_REF = np.concatenate([NET.forward(X).ravel()] + [(layer_inputs(k, d.n_in) @ d.W + d.b).ravel()
                                                       for k, d in enumerate(NET.dense_layers)])
HE_STD = np.array([np.sqrt(2.0 / ch04.HE_N_IN)])
U = np.sqrt(6.0 / ch04.HE_N_IN)

#: (check, answer, verdict, message pattern, id)
CASES = [
    (ch04.check_dense_layer, MyDense, OK, r"^✅ dense layer: correct\. In all three places", "right"),
    (ch04.check_dense_layer, dl.Dense, OK, r"^✅ dense layer: correct", "library"),
    (ch04.check_dense_layer, Scaffold, WAIT, r"^⏳ dense layer: not done yet", "scaffold"),
    (ch04.check_dense_layer, ..., WAIT, r"^⏳ dense layer: not done yet", "blank"),
    (ch04.check_dense_layer, layer(lambda self, X: X @ self.W), BAD, "the bias is missing", "no-bias"),
    (ch04.check_dense_layer, layer(lambda self, X: X @ self.W - self.b), BAD, "not subtracted", "minus-bias"),
    (ch04.check_dense_layer, layer(lambda self, X: np.maximum(X @ self.W + self.b, 0)), BAD,
     r"activation \(ReLU\) applied", "relu"),
    (ch04.check_dense_layer, layer(lambda self, X: 1 / (1 + np.exp(-(X @ self.W + self.b)))), BAD,
     "sigmoid applied", "sigmoid"),
    (ch04.check_dense_layer, layer(lambda self, X: X @ self.W.T + self.b if self.n_in == self.n_out
                                   else X @ self.W + self.b), BAD, r"transposed \(X @ W\.T\)", "transposed"),
    (ch04.check_dense_layer, layer(lambda self, X: (X @ self.W + self.b).T), BAD,
     "transposed — keep one row per sample", "output-transposed"),
    (ch04.check_dense_layer, layer(lambda self, X: (X @ self.W + self.b).sum(axis=0)), BAD,
     "one row per sample", "summed"),
    (ch04.check_dense_layer, layer(lambda self, X: X.astype(np.float64) @ self.W + self.b), BAD,
     "float32 in gives float64 out", "float64"),
    (ch04.check_dense_layer, layer(lambda self, X: X @ self.W + self.b + (np.arange(self.n_out) == 1)), BAD,
     "column 1 is off", "random"),
    (ch04.check_dense_layer, layer(lambda self, X: X @ self.W @ self.b), BAD,
     r"should return shape \(50, 4\)", "shape"),
    (ch04.check_dense_layer, PyTorchLayout, BAD, "PyTorch's layout", "pytorch"),
    (ch04.check_dense_layer, NoWidths, BAD, "must set self.n_in = 3", "no-widths"),
    (ch04.check_dense_layer, NotALayer, BAD, "must subclass dl.Layer", "not-a-layer"),
    (ch04.check_dense_layer, layer(zeroing_forward), BAD, "changed the X it was given", "in-place"),
    (ch04.check_dense_layer, layer(lambda self, X: raises()), BAD, "raised IndexError", "raises"),
    (ch04.check_he_init, he, OK, r"^✅ he_init: correct", "right"),
    (ch04.check_he_init, ch04.library_he_init, OK, r"^✅ he_init: correct", "library"),
    (ch04.check_he_init, lambda n_in, n_out, rng: ..., WAIT, r"^⏳ he_init: not done yet", "scaffold"),
    (ch04.check_he_init, lambda n_in, n_out, rng: rng.normal(0, 2 / n_in, (n_in, n_out)).astype(np.float32),
     BAD, "2 / n_in is the variance", "variance"),
    (ch04.check_he_init, lambda n_in, n_out, rng: rng.normal(0, np.sqrt(1 / n_in), (n_in, n_out))
     .astype(np.float32), BAD, "LeCun", "lecun"),
    (ch04.check_he_init, lambda n_in, n_out, rng: rng.normal(0, np.sqrt(2 / n_out), (n_in, n_out))
     .astype(np.float32), BAD, "n_out where He uses n_in", "fan-out"),
    (ch04.check_he_init, lambda n_in, n_out, rng: rng.normal(0, np.sqrt(2 / (n_in + n_out)), (n_in, n_out))
     .astype(np.float32), BAD, "Xavier's variance", "xavier"),
    (ch04.check_he_init, lambda n_in, n_out, rng: rng.normal(0, 1, (n_in, n_out)).astype(np.float32), BAD,
     "a standard deviation of 1", "standard-normal"),
    (ch04.check_he_init, lambda n_in, n_out, rng: rng.uniform(-U, U, (n_in, n_out)).astype(np.float32), BAD,
     "uniform", "uniform"),
    (ch04.check_he_init, lambda n_in, n_out, rng: (np.abs(he(n_in, n_out, rng))), BAD, "not centred on 0",
     "positive"),
    (ch04.check_he_init, lambda n_in, n_out, rng: np.random.default_rng().normal(0, np.sqrt(2 / n_in),
     (n_in, n_out)).astype(np.float32), BAD, "same seed gave different weights", "global-rng"),
    (ch04.check_he_init, lambda n_in, n_out, rng: he(n_in, n_out, np.random.default_rng(0)), BAD,
     "different seeds gave the same weights", "fixed-seed"),
    (ch04.check_he_init, lambda n_in, n_out, rng: rng.normal(0, np.sqrt(2 / n_in), (n_in, n_out)), BAD,
     "end with .astype", "float64"),
    (ch04.check_he_init, lambda n_in, n_out, rng: he(n_out, n_in, rng), BAD, "PyTorch's layout",
     "transposed"),
    (ch04.check_he_init, lambda n_in, n_out, rng: he(784, 256, rng), BAD, r"he_init\(3, 5, rng\)",
     "fixed-shape"),
    (ch04.check_he_init, he_scaled(1.5), BAD, "too large", "random"),
    (ch04.check_he_init, he_scaled(0.6), BAD, "too small", "random-small"),
    (ch04.check_he_init, raises, BAD, "raised IndexError", "raises"),
]
REFERENCE = {ch04.check_dense_layer: LAYER_REF, ch04.check_he_init: HE_STD}
INPUTS = np.concatenate([X.ravel()] + [np.r_[d.W.ravel(), d.b] for d in NET.dense_layers])


@pytest.mark.parametrize("check, answer, expected, pattern", [c[:4] for c in CASES],
                         ids=[f"{c[0].__name__}-{c[4]}" for c in CASES])
def test_check(check: Any, answer: Any, expected: str, pattern: str) -> None:
    assert_row(check, answer, expected, pattern, REFERENCE[check], INPUTS)


def test_every_new_check_has_a_right_a_blank_and_wrong_rows() -> None:
    assert_table_complete(CASES, REFERENCE)


@settings(max_examples=30, deadline=None)
@given(factor=st.floats(0.2, 5.0).filter(lambda f: abs(f - 1) > 0.05))
def test_a_wrong_spread_never_reveals_he_s_value(factor: float) -> None:
    message = feedback(ch04.check_he_init, he_scaled(factor))
    assert verdict(message) == BAD, message
    assert not [f for f in leak_forms(HE_STD) if f in message], message


def test_the_learners_layer_stands_in_for_dense_and_trains() -> None:
    """with_layers puts the learner's layer in every Dense place: same outputs, same parameter count."""
    net = dl.mlp([3, 4, 4, 1], output="sigmoid", init="uniform", rng=0)
    mine = ch04.with_layers(net, MyDense)
    assert [type(layer).__name__ for layer in mine.layers if hasattr(layer, "W")] == ["MyDense"] * 3
    np.testing.assert_allclose(mine.forward(X), net.forward(X), rtol=1e-6)
    assert mine.n_in == 3 and mine.n_out == 1


def test_use_falls_back_to_the_library_until_the_layer_passes() -> None:
    buf = io.StringIO()
    with redirect_stdout(buf):
        assert ch04.use("Dense layer", MyDense, dl.Dense, ch04.check_dense_layer) is MyDense
        assert ch04.use("Dense layer", Scaffold, dl.Dense, ch04.check_dense_layer) is dl.Dense
        assert ch04.use("he_init", he, ch04.library_he_init, ch04.check_he_init) is he
    assert buf.getvalue() == "⏳ using the library's Dense layer until yours passes its check\n"


QUESTIONS = [("layer_shape", "c"), ("symmetric_init", "b"), ("he_why", "d"), ("universal", "a")]


@pytest.mark.parametrize("name, right", QUESTIONS)
def test_check_question(name: str, right: str) -> None:
    assert_choice_question(ch04.check_question, name, right)
