"""The exercise checks of notebook 04 print ✅ for a right answer, ⏳ for a blank one and ❌ with a reason."""

from __future__ import annotations

import numpy as np
import pytest

import dlbasics as dl
from dlbasics.exercises import ch04


def out(capsys: pytest.CaptureFixture[str]) -> str:
    return capsys.readouterr().out.strip()


def test_n_params(capsys: pytest.CaptureFixture[str]) -> None:
    ch04.check_n_params(dl.mlp(list(ch04.PARAMS_SIZES)).n_params)  # the package agrees
    assert out(capsys).startswith("✅")
    ch04.check_n_params(...)
    assert out(capsys).startswith("⏳")
    ch04.check_n_params(2 * 8 + 8 * 8 + 8 * 3)
    msg = out(capsys)
    assert msg.startswith("❌") and "weights only" in msg
    ch04.check_n_params(2 + 8 + 8 + 3)
    msg = out(capsys)
    assert msg.startswith("❌") and "counts the units" in msg
    ch04.check_n_params(120)
    msg = out(capsys)
    assert msg.startswith("❌") and "123" in msg
    ch04.check_n_params("many")
    assert out(capsys).startswith("❌")


def test_forward(capsys: pytest.CaptureFixture[str]) -> None:
    X, W1, b1, W2, b2 = ch04.forward_problem()
    net = dl.mlp([2, 3, 1], output="sigmoid", dtype=np.float64, rng=0)
    net.set_weights([W1, b1, W2, b2])
    ch04.check_forward(net.forward(X))  # what the package computes is right
    assert out(capsys).startswith("✅")
    np.testing.assert_allclose(net.forward(X)[:, 0], [0.5, 1 / (1 + np.exp(4))])  # worked by hand
    ch04.check_forward(...)
    assert out(capsys).startswith("⏳")
    Z1 = X @ W1 + b1
    ch04.check_forward(1 / (1 + np.exp(-(Z1 @ W2 + b2))))  # no ReLU
    msg = out(capsys)
    assert msg.startswith("❌") and "without the ReLU" in msg
    ch04.check_forward(np.maximum(Z1, 0) @ W2 + b2)  # no sigmoid
    msg = out(capsys)
    assert msg.startswith("❌") and "sigmoid" in msg
    ch04.check_forward(net.forward(X).ravel())
    msg = out(capsys)
    assert msg.startswith("❌") and "(2, 1)" in msg and "got (2,)" in msg
    ch04.check_forward(net.forward(X) + 0.1)
    msg = out(capsys)
    assert msg.startswith("❌") and "index [0, 0]" in msg
    X[0, 0] = 99.0  # the learner's copy; the check keeps its own
    assert ch04.forward_problem()[0][0, 0] == 1.0


def test_xor_network(capsys: pytest.CaptureFixture[str]) -> None:
    W1 = np.array([[1.0, 1.0], [1.0, 1.0]])
    b1 = np.array([-0.5, -1.5])
    W2 = np.array([[1.0], [-2.0]])
    b2 = np.array([-0.5])
    ch04.check_xor_network((W1, b1, W2, b2))
    assert out(capsys).startswith("✅")
    # three hidden units work as well
    ch04.check_xor_network((np.array([[1.0, -1.0, 1.0], [-1.0, 1.0, 1.0]]), np.array([-0.5, -0.5, -5.0]),
                            np.array([[1.0], [1.0], [0.0]]), np.array([-0.5])))
    assert out(capsys).startswith("✅")
    ch04.check_xor_network(...)
    assert out(capsys).startswith("⏳")
    ch04.check_xor_network((W1, b1, -W2, b2))
    msg = out(capsys)
    assert msg.startswith("❌") and "for input [0, 1]" in msg and "OR" in msg
    ch04.check_xor_network((W1, b1, W2))
    assert "four arrays" in out(capsys)
    ch04.check_xor_network((W1.T[:1], b1, W2, b2))
    assert "W1 must have shape (2, h)" in out(capsys)
    ch04.check_xor_network((W1, b1, W2.ravel(), b2))
    assert "W2 must have shape (2, 1)" in out(capsys)


def test_he_std(capsys: pytest.CaptureFixture[str]) -> None:
    ch04.check_he_std(np.sqrt(2 / 784))
    assert out(capsys).startswith("✅")
    samples = dl.init_weights(ch04.HE_N_IN, 2000, "he", rng=0)
    ch04.check_he_std(samples.std())  # the package's He initialiser has that spread
    assert out(capsys).startswith("✅")
    ch04.check_he_std(...)
    assert out(capsys).startswith("⏳")
    ch04.check_he_std(2 / 784)
    assert "square root" in out(capsys)
    ch04.check_he_std(np.sqrt(1 / 784))
    assert "doubles the variance" in out(capsys)
    ch04.check_he_std(0.1)
    assert out(capsys).startswith("❌")
