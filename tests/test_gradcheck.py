"""The gradient-checking tools: they pass correct gradients and catch wrong ones."""

from __future__ import annotations

import numpy as np
import pytest

from dlbasics import activations as A
from dlbasics.gradcheck import (
    GradCheckResult,
    check_activation,
    check_layer,
    check_loss,
    check_model,
    compare_gradients,
    numerical_gradient,
)
from dlbasics.layers import Dense, Tanh
from dlbasics.losses import mse
from dlbasics.network import mlp


def test_numerical_gradient_of_known_functions_and_restores_x():
    x = np.array([[0.3, -1.2], [2.0, 0.5]])
    original = x.copy()
    g = numerical_gradient(lambda: float(np.sum(np.sin(x) * x)), x)
    np.testing.assert_allclose(g, np.cos(x) * x + np.sin(x), rtol=1e-8)
    np.testing.assert_array_equal(x, original)
    y = np.array([3.0])
    np.testing.assert_allclose(numerical_gradient(lambda: float(y[0] ** 3), y), [27.0], rtol=1e-8)


def test_compare_gradients_reports_the_worst_entry():
    a = np.array([1.0, 2.0, 3.0])
    n = np.array([1.0, 2.0, 3.3])
    result = compare_gradients([("first", a, a), ("second", a, n)])
    assert result.where == "second" and result.index == (2,)
    assert result.max_rel_error == pytest.approx(0.3 / 6.3)
    assert (result.analytic, result.numeric) == (3.0, 3.3)
    assert not result.ok() and result.ok(tol=0.1)
    assert "max relative error 4.76e-02 at second[2]" in str(result)
    assert compare_gradients([("z", np.zeros(3), np.zeros(3))]).max_rel_error == 0.0
    with pytest.raises(ValueError, match=r"w: analytic gradient has shape \(2,\), numeric \(3,\)"):
        compare_gradients([("w", np.zeros(2), np.zeros(3))])


def test_check_activation():
    z = np.linspace(-3, 3, 13)
    assert check_activation(A.sigmoid, A.sigmoid_grad, z).ok()
    assert check_activation(A.tanh, A.tanh_grad, z).ok()
    wrong = check_activation(A.sigmoid, A.tanh_grad, z)  # the wrong derivative
    assert not wrong.ok() and wrong.max_rel_error > 0.1


def test_check_loss():
    rng = np.random.default_rng(0)
    assert check_loss("mse", rng.normal(size=(4, 2)), rng.normal(size=(4, 2))).ok()
    assert check_loss("cross_entropy", rng.normal(size=(4, 3)), [0, 2, 1, 1]).ok()

    def half_gradient_mse(pred, target):
        value, grad = mse(pred, target)
        return value, grad / 2

    assert not check_loss(half_gradient_mse, rng.normal(size=(4, 2)), rng.normal(size=(4, 2))).ok()


class _BrokenDense(Dense):
    """A Dense layer with one deliberate backprop bug, chosen by ``bug``."""

    def __init__(self, *args, bug: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.bug = bug

    def backward(self, dout, **kwargs):
        dX = super().backward(dout, **kwargs)
        if self.bug == "dW":
            self.dW[0, 0] *= 1.01  # off by 1 % in one entry
        elif self.bug == "db":
            self.db[...] = dout.mean(axis=0)  # mean instead of sum
        elif self.bug == "dX":
            dX = dout @ self.W.T[:, ::-1]  # columns mixed up
        return dX


@pytest.mark.parametrize("bug, where", [("dW", "dense.W"), ("db", "dense.b"), ("dX", "X")])
def test_check_layer_catches_each_bug(bug, where):
    X = np.random.default_rng(1).normal(size=(4, 3))
    assert check_layer(Dense(3, 2, rng=0, dtype=np.float64), X, rng=2).ok()
    result = check_layer(_BrokenDense(3, 2, rng=0, dtype=np.float64, bug=bug), X, rng=2)
    assert not result.ok()
    assert result.where == where


def test_check_layer_on_activation_layer():
    X = np.random.default_rng(3).normal(size=(4, 3))
    assert check_layer(Tanh(), X, rng=0).ok()


@pytest.mark.parametrize("sizes, kw, y", [
    ([3, 5, 4, 2], dict(activation="tanh"), [0, 1, 1, 0, 1, 0]),
    ([3, 5, 1], dict(activation="tanh", output="sigmoid"), [0, 1, 1, 0, 1, 0]),
    ([3, 5, 2], dict(activation="sigmoid", output="softmax"), [0, 1, 1, 0, 1, 0]),
    ([3, 4, 1], dict(activation="tanh"), [0.5, -1.0, 2.0, 0.0, 1.5, 3.0]),
])
def test_check_model_passes_correct_networks(sizes, kw, y):
    net = mlp(sizes, rng=0, dtype=np.float64, **kw)
    X = np.random.default_rng(1).normal(size=(6, 3))
    result = check_model(net, X, y)
    assert isinstance(result, GradCheckResult) and result.max_rel_error < 1e-6, str(result)


def test_check_model_catches_a_broken_layer():
    net = mlp([3, 5, 2], activation="tanh", rng=0, dtype=np.float64)
    broken = _BrokenDense(5, 2, rng=0, dtype=np.float64, bug="dW", name="dense2")
    net.layers[2] = broken
    result = check_model(net, np.random.default_rng(1).normal(size=(6, 3)), [0, 1, 1, 0, 1, 0])
    assert not result.ok() and result.where == "dense2.W" and result.index == (0, 0)
