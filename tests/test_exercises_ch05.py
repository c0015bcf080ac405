"""Notebook 05's build-it-yourself checks and self-check questions: one table of (answer, verdict, message).

For each check: the right answer, the scaffold (a body of ``...``), and each slip the check
diagnoses, written as a small buggy function or layer; every row also runs through the raising
form. No ❌ message may contain a value the learner's code should have computed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from exercise_helpers import BAD, OK, WAIT, feedback, leak_forms, verdict

import dlbasics as dl
from dlbasics.exercises import ch05


def scaffold(*args: Any, **kwargs: Any) -> None:
    ...


# -- losses -------------------------------------------------------------------------------------------


def mse(pred, target):
    d = pred - target
    return float(np.mean(d**2)), 2 * d / d.size


def mse_sum_grad(pred, target):
    d = pred - target
    return float(np.mean(d**2)), 2 * d


def mse_over_rows(pred, target):
    d = pred - target
    return float(np.sum(d**2) / len(d)), 2 * d / len(d)


def mse_no_two(pred, target):
    d = pred - target
    return float(np.mean(d**2)), d / d.size


def mse_sign(pred, target):
    d = pred - target
    return float(np.mean(d**2)), -2 * d / d.size


def mse_rmse(pred, target):
    d = pred - target
    return float(np.sqrt(np.mean(d**2))), 2 * d / d.size


def mse_one_entry(pred, target):
    d = pred - target
    g = 2 * d / d.size
    g[2, 1] += 0.05
    return float(np.mean(d**2)), g


def mse_loss_only(pred, target):
    return float(np.mean((pred - target) ** 2))


def mse_raises(pred, target):
    return float(np.mean((pred - target.T) ** 2)), pred


def _log_softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def ce(z, y):
    n, rows = len(y), np.arange(len(y))
    log_p = _log_softmax(z)
    g = np.exp(log_p)
    g[rows, y] -= 1
    return float(-log_p[rows, y].mean()), g / n


def ce_unstable(z, y):
    n, rows = len(y), np.arange(len(y))
    e = np.exp(z)
    P = e / e.sum(axis=1, keepdims=True)
    g = P.copy()
    g[rows, y] -= 1
    return float(-np.log(P[rows, y]).mean()), g / n


def ce_sum(z, y):
    loss, g = ce(z, y)
    return loss * len(y), g


def ce_grad_not_over_n(z, y):
    loss, g = ce(z, y)
    return loss, g * len(y)


def ce_grad_sign(z, y):
    loss, g = ce(z, y)
    return loss, -g


def ce_axis0(z, y):
    n, rows = len(y), np.arange(len(y))
    e = np.exp(z - z.max(axis=0))
    P = e / e.sum(axis=0)
    g = P.copy()
    g[rows, y] -= 1
    return float(-np.log(P[rows, y]).mean()), g / n


def ce_no_minus_y(z, y):
    loss, _ = ce(z, y)
    return loss, np.exp(_log_softmax(z)) / len(y)


def ce_negative(z, y):
    loss, g = ce(z, y)
    return -loss, g


# -- layers -------------------------------------------------------------------------------------------


class MyDense(dl.Layer):
    def __init__(self, n_in, n_out, rng=None):
        super().__init__()
        self.n_in, self.n_out = n_in, n_out
        self.W = dl.init_weights(n_in, n_out, "xavier", rng, dtype=np.float64)
        self.b = np.zeros(n_out)
        self.dW, self.db = np.zeros_like(self.W), np.zeros_like(self.b)

    def forward(self, X):
        self.X = X
        return X @ self.W + self.b

    def backward(self, dZ, *, input_grad=True):
        self.dW[...] = self.X.T @ dZ
        self.db[...] = dZ.sum(axis=0)
        return dZ @ self.W.T

    def named_parameters(self):
        return [("W", self.W, self.dW), ("b", self.b, self.db)]


class DenseScaffold(MyDense):
    def forward(self, X):
        ...

    def backward(self, dZ, *, input_grad=True):
        ...


class DenseBackwardScaffold(MyDense):  # the notebook's scaffold: forward given, backward to write
    def backward(self, dZ, *, input_grad=True):
        ...


class DenseNoBias(MyDense):
    def forward(self, X):
        self.X = X
        return X @ self.W


class DenseNewArray(MyDense):
    def backward(self, dZ, *, input_grad=True):
        self.dW = self.X.T @ dZ
        self.db = dZ.sum(axis=0)
        return dZ @ self.W.T


class DenseAccumulates(MyDense):
    def backward(self, dZ, *, input_grad=True):
        self.dW += self.X.T @ dZ
        self.db[...] = dZ.sum(axis=0)
        return dZ @ self.W.T


class DenseMeanBias(MyDense):
    def backward(self, dZ, *, input_grad=True):
        super().backward(dZ)
        self.db[...] = dZ.mean(axis=0)
        return dZ @ self.W.T


class DenseBiasAxis1(MyDense):
    def backward(self, dZ, *, input_grad=True):
        self.dW[...] = self.X.T @ dZ
        self.db = dZ.sum(axis=1)
        return dZ @ self.W.T


class DenseOneWrongEntry(MyDense):
    def backward(self, dZ, *, input_grad=True):
        dX = super().backward(dZ)
        self.dW[3, 1] *= 1.5
        return dX


class DenseWrongDX(MyDense):
    def backward(self, dZ, *, input_grad=True):
        super().backward(dZ)
        return dZ @ self.W.T * 2


class DenseTransposedMatmul(MyDense):
    def backward(self, dZ, *, input_grad=True):
        self.dW[...] = self.X.T @ dZ
        self.db[...] = dZ.sum(axis=0)
        return dZ @ self.W  # (N, n_out) @ (n_in, n_out): raises


class DenseNoRng(MyDense):
    def __init__(self, n_in, n_out):
        super().__init__(n_in, n_out)


class NotALayer:
    def forward(self, X):
        return X


class MyTanh(dl.Layer):
    def forward(self, Z):
        self.A = np.tanh(Z)
        return self.A

    def backward(self, dA, *, input_grad=True):
        return dA * (1 - self.A**2)


class TanhScaffold(dl.Layer):
    def forward(self, Z):
        ...

    def backward(self, dA, *, input_grad=True):
        ...


class TanhBackwardScaffold(MyTanh):
    def backward(self, dA, *, input_grad=True):
        ...


class TanhUsesZ(MyTanh):
    def forward(self, Z):
        self.Z = Z
        return super().forward(Z)

    def backward(self, dA, *, input_grad=True):
        return dA * (1 - self.Z**2)


class TanhNoUpstream(MyTanh):
    def backward(self, dA, *, input_grad=True):
        return 1 - self.A**2


class TanhSigmoidSlope(MyTanh):
    def backward(self, dA, *, input_grad=True):
        return dA * self.A * (1 - self.A)


class TanhPassThrough(MyTanh):
    def backward(self, dA, *, input_grad=True):
        return dA


class TanhWrongForward(MyTanh):
    def forward(self, Z):
        self.A = 1 / (1 + np.exp(-Z))
        return self.A


class TanhNoReturn(MyTanh):
    def backward(self, dA, *, input_grad=True):
        self.dZ = dA * (1 - self.A**2)


CASES = [
    (ch05.check_mse, mse, OK, r"✅ MSE loss: correct\.\n✅ MSE gradient: correct\.$"),
    (ch05.check_mse, scaffold, WAIT, r"^⏳ my_mse: not done yet"),
    (ch05.check_mse, ..., WAIT, r"^⏳ my_mse: not done yet"),
    (ch05.check_mse, mse_sum_grad, BAD, r"12× too large: the loss averages over all 12 entries"),
    (ch05.check_mse, mse_over_rows, BAD, r"MSE loss: not yet — you divided by N = 6"),
    (ch05.check_mse, mse_no_two, BAD, r"half the size.*factor 2"),
    (ch05.check_mse, mse_sign, BAD, r"every sign is wrong"),
    (ch05.check_mse, mse_rmse, BAD, r"that is the RMSE"),
    (ch05.check_mse, mse_one_entry, BAD, r"entry, MSE gradient\[2, 1\], has a relative error"),
    (ch05.check_mse, mse_loss_only, BAD, r"return a pair \(loss, grad\), got float"),
    (ch05.check_mse, mse_raises, BAD, r"it raised ValueError.*in the line `return float\(np\.mean"),
    (ch05.check_cross_entropy, ce, OK, r"✅ cross-entropy, large logits: correct\. Stable"),
    (ch05.check_cross_entropy, scaffold, WAIT, r"^⏳ my_cross_entropy: not done yet"),
    (ch05.check_cross_entropy, ce_unstable, BAD, r"large logits: not yet — .*NaN or inf: np\.exp overflows"),
    (ch05.check_cross_entropy, ce_sum, BAD, r"that is the sum over the 5 samples"),
    (ch05.check_cross_entropy, ce_negative, BAD, r"the sign is wrong"),
    (ch05.check_cross_entropy, ce_grad_not_over_n, BAD, r"5× too large \(5 samples\): .*divide P − Y by N"),
    (ch05.check_cross_entropy, ce_grad_sign, BAD, r"every sign is wrong: the gradient is \(P − Y\) / N"),
    (ch05.check_cross_entropy, ce_axis0, BAD, r"softmax ran down the columns \(axis 0\)"),
    (ch05.check_cross_entropy, ce_no_minus_y, BAD, r"that is P / N: subtract the one-hot labels"),
    (ch05.check_dense_layer, MyDense, OK, r"✅ MyDense in the Layer protocol: correct\."),
    (ch05.check_dense_layer, DenseScaffold, WAIT, r"^⏳ DenseScaffold\.forward: not done yet"),
    (ch05.check_dense_layer, ..., WAIT, r"^⏳ MyDense: not done yet"),
    (ch05.check_dense_layer, DenseBackwardScaffold, WAIT, r"✅ forward: correct\.\n"
                                                          r"⏳ DenseBackwardScaffold\.backward: not done"),
    (ch05.check_dense_layer, NotALayer, BAD, r"NotALayer must subclass dl\.Layer"),
    (ch05.check_dense_layer, MyDense(2, 2), BAD, r"expected a class .*got MyDense"),
    (ch05.check_dense_layer, DenseNoRng, BAD, r"DenseNoRng\(4, 3, rng=0\): not yet — it raised TypeError"),
    (ch05.check_dense_layer, DenseNoBias, BAD, r"forward: not yet — that is X @ W without the bias"),
    (ch05.check_dense_layer, DenseNewArray, BAD, r"self\.dW is a new array now.*self\.dW\[\.\.\.\] ="),
    (ch05.check_dense_layer, DenseAccumulates, BAD, r"dW doubled on the second backward pass.*don't add"),
    (ch05.check_dense_layer, DenseMeanBias, BAD, r"db: not yet — that is the mean over the batch"),
    (ch05.check_dense_layer, DenseBiasAxis1, BAD, r"self\.db is a new array now"),
    (ch05.check_dense_layer, DenseOneWrongEntry, BAD, r"the worst entry, dW\[3, 1\], has a relative error of "
                                                      r"about 1e-0\d \(a bug"),
    (ch05.check_dense_layer, DenseWrongDX, BAD, r"✅ db: correct\.\n❌ dX: not yet — every entry is off "
                                                r"by the same factor"),
    (ch05.check_dense_layer, DenseTransposedMatmul, BAD, r"backward: not yet — it raised ValueError.*"
                                                         r"`return dZ @ self\.W  #"),
    (ch05.check_tanh_layer, MyTanh, OK, r"✅ dZ: correct\.\n✅ MyTanh in the Layer protocol: correct\."),
    (ch05.check_tanh_layer, TanhScaffold, WAIT, r"^⏳ TanhScaffold\.forward: not done yet"),
    (ch05.check_tanh_layer, TanhBackwardScaffold, WAIT, r"⏳ TanhBackwardScaffold\.backward: not done yet"),
    (ch05.check_tanh_layer, TanhUsesZ, BAD, r"you used 1 − Z²"),
    (ch05.check_tanh_layer, TanhNoUpstream, BAD, r"tanh's slope alone: multiply it by the upstream gradient"),
    (ch05.check_tanh_layer, TanhSigmoidSlope, BAD, r"A \(1 − A\) is the sigmoid's slope"),
    (ch05.check_tanh_layer, TanhPassThrough, BAD, r"passes dA through unchanged"),
    (ch05.check_tanh_layer, TanhWrongForward, BAD, r"^❌ forward: not yet"),
    (ch05.check_tanh_layer, TanhNoReturn, WAIT, r"⏳ TanhNoReturn\.backward: not done yet"),
]


@pytest.mark.parametrize(("check", "answer", "want", "pattern"), CASES,
                         ids=[f"ch05.{c.__name__}-{getattr(a, '__name__', type(a).__name__)}"
                              for c, a, _, _ in CASES])
def test_check(check: Callable[..., Any], answer: Any, want: str, pattern: str) -> None:
    message = feedback(check, answer)
    assert verdict(message) == want, message
    assert re.search(pattern, message, re.S | re.M), message


def _reference_values() -> np.ndarray:
    pred, target = ch05._mse_data()
    logits, y = ch05._ce_data()
    loss, grad = dl.mse(pred, target)
    ce_loss, ce_grad = dl.cross_entropy(logits, y)
    return np.concatenate([[loss, ce_loss], grad.ravel(), ce_grad.ravel()])


WRONG = [c for c in CASES if c[2] == BAD]


@pytest.mark.parametrize(("check", "answer", "want", "pattern"), WRONG,
                         ids=[f"{c[0].__name__}-{getattr(c[1], '__name__', '')}" for c in WRONG])
def test_no_wrong_answer_reveals_the_right_values(check, answer, want, pattern):
    message = feedback(check, answer)
    leaks = sorted(f for f in leak_forms(_reference_values()) if f in message)
    assert not leaks, (message, leaks)


def test_the_dense_check_compares_with_finite_differences_not_with_a_copy_of_the_formula():
    """A layer whose forward is X @ W + b but which computes the gradient of another forward fails;
    one whose backward agrees with its own forward's finite differences passes."""

    class Scaled(MyDense):  # forward and backward consistent, but not X @ W + b: the forward fails
        def forward(self, X):
            self.X = X
            return 2 * (X @ self.W + self.b)

        def backward(self, dZ, *, input_grad=True):
            return super().backward(2 * dZ)

    assert verdict(feedback(ch05.check_dense_layer, Scaled)) == BAD


def test_the_learners_layers_train_in_fit():
    """What the notebook does with a passing MyDense and MyTanh: dl.Sequential and dl.fit take them."""
    dense = ch05.use("Dense", MyDense, dl.Dense, ch05.check_dense_layer)
    assert dense is MyDense
    X, y = dl.make_xor(200, rng=0)
    net = dl.Sequential([MyDense(2, 8, rng=0), MyTanh(), MyDense(8, 2, rng=1)])
    hist = dl.fit(net, X, y, optimizer=dl.SGD(net.parameters(), lr=0.5, momentum=0.9), epochs=100,
                  batch_size=20, rng=0)
    assert hist.loss[-1] < 0.5 * hist.loss[0] and dl.accuracy(net, X, y) > 0.9


def test_use_falls_back_to_the_library_for_the_scaffold(capsys):
    assert ch05.use("Dense", DenseScaffold, dl.Dense, ch05.check_dense_layer) is dl.Dense
    assert "using the library's Dense" in capsys.readouterr().out


QUESTIONS = [
    ("first_loss", math.log(10), OK, r"correct\. ln 10"),
    ("first_loss", 0.1, BAD, r"that is the probability of each class"),
    ("first_loss", math.log(3), BAD, r"that is ln 3"),
    ("first_loss", 1.0, BAD, r"natural log"),
    ("first_loss", 50.0, BAD, r"too large"),
    ("first_loss", ..., WAIT, r"not done yet"),
    ("multiply", "c", OK, r"times the other input"),
    ("multiply", "a", BAD, r"not \(a\)"),
    ("multiply", "b", BAD, r"that is max"),
    ("multiply", "d", BAD, r"not \(d\)"),
    ("rel_error", "b", OK, r"a bug"),
    ("rel_error", "a", BAD, r"far more than rounding"),
    ("rel_error", "c", BAD, r"not \(c\)"),
    ("rel_error", "d", BAD, r"not \(d\)"),
    ("kl", "a", OK, r"entropy is a constant"),
    ("kl", "b", BAD, r"not the squared error"),
    ("kl", "c", BAD, r"differ"),
    ("kl", "d", BAD, r"not \(d\)"),
    ("kl", "e", BAD, r"answer with one of the letters"),
]


@pytest.mark.parametrize(("name", "answer", "want", "pattern"), QUESTIONS)
def test_question(name: str, answer: Any, want: str, pattern: str) -> None:
    message = feedback(ch05.check_question, name, answer)
    assert verdict(message) == want, message
    assert re.search(pattern, message), message
    if want == BAD:
        assert "2.30" not in message and "ln 10" not in message


def test_every_question_has_feedback_for_each_option_and_a_hint():
    for q in ch05.QUESTIONS.values():
        if isinstance(q, ch05.Choice):
            assert set(q.options) == {"a", "b", "c", "d"}
    for name in ("mse", "cross_entropy", "dense_layer", "tanh_layer", "question"):
        ch05.hint(name, level=1)
    with pytest.raises(ValueError, match="no question"):
        ch05.check_question("nope", "a")
    assert verdict(feedback(ch05.check_question, ..., ...)) == WAIT
