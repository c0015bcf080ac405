"""A single neuron and Rosenblatt's perceptron."""

from __future__ import annotations

import numpy as np
import pytest

from dlbasics.datasets import make_blobs
from dlbasics.neuron import Neuron, Perceptron

GATE_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])


# -- Neuron --------------------------------------------------------------------------------------
def test_jogging_neuron():
    out = Neuron(7.56)(30)  # 30 minutes at 7.56 kcal per minute
    assert isinstance(out, float)
    assert out == 30 * 7.56 == 226.79999999999998  # floating point, not 226.8 exactly
    assert out == pytest.approx(226.8)


def test_threshold_neuron_fires():
    neuron = Neuron([0.5, 0.7], bias=-0.5, activation="step")  # threshold 0.5
    assert neuron.weighted_sum([0.5, 0.6]) == pytest.approx(0.5 * 0.5 + 0.6 * 0.7 - 0.5)
    assert neuron([0.5, 0.6]) == 1.0  # 0.67 > 0.5
    assert neuron([0.1, 0.2]) == 0.0  # 0.19 < 0.5
    np.testing.assert_array_equal(neuron([[0.5, 0.6], [0.1, 0.2]]), [1.0, 0.0])


def test_batch_shapes():
    one = Neuron(2.0, bias=1.0)
    np.testing.assert_allclose(one([1.0, 2.0, 3.0]), [3.0, 5.0, 7.0])  # (N,) = N samples of 1 input
    np.testing.assert_allclose(one([[1.0], [2.0]]), [3.0, 5.0])  # (N, 1)
    two = Neuron([1.0, -1.0])
    assert two.n_in == 2
    assert isinstance(two([3.0, 1.0]), float) and two([3.0, 1.0]) == 2.0  # one sample
    assert two(np.ones((5, 2))).shape == (5,)
    sig = Neuron([1.0, 1.0], activation="sigmoid")
    assert sig([0.0, 0.0]) == 0.5
    np.testing.assert_allclose(sig(np.zeros((3, 2))), [0.5, 0.5, 0.5])


def test_neuron_errors():
    with pytest.raises(ValueError, match=r"Neuron with 2 weights expected inputs of shape \(2,\) or "
                                         r"\(N, 2\), got \(1, 3\)"):
        Neuron([1.0, 2.0])([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"weights must be a number or 1-D, got shape \(2, 2\)"):
        Neuron(np.ones((2, 2)))
    with pytest.raises(ValueError, match="unknown activation 'sign'"):
        Neuron(1.0, activation="sign")


def test_neuron_copies_its_weights():
    w = np.array([1.0, 2.0])
    neuron = Neuron(w)
    w[0] = 100.0
    assert neuron([1.0, 0.0]) == 1.0


# -- Perceptron ----------------------------------------------------------------------------------
def test_perceptron_rule_by_hand():
    p = Perceptron(2, lr=0.5)  # zero weights, zero bias
    assert p.update([1.0, 2.0], 1)  # step(0) = 0, wrong: w += 0.5 * (1 - 0) * x
    np.testing.assert_array_equal(p.w, [0.5, 1.0])
    assert p.b == 0.5
    assert not p.update([1.0, 2.0], 1)  # now right: nothing changes
    np.testing.assert_array_equal(p.w, [0.5, 1.0])
    assert p.update([1.0, 1.0], 0)  # predicted 1, label 0: w -= 0.5 x
    np.testing.assert_array_equal(p.w, [0.0, 0.5])
    assert p.b == 0.0


@pytest.mark.parametrize("gate, y", [("AND", [0, 0, 0, 1]), ("OR", [0, 1, 1, 1]), ("NAND", [1, 1, 1, 0])])
def test_perceptron_learns_linearly_separable_gates(gate, y):
    p = Perceptron(2, rng=0)
    hist = p.fit(GATE_X, np.array(y), epochs=50, rng=0)
    assert hist.converged and hist.errors[-1] == 0
    np.testing.assert_array_equal(p.predict(GATE_X), y)
    assert len(hist.weights) == len(hist.errors)
    np.testing.assert_array_equal(hist.weights[-1], np.append(p.w, p.b))


def test_perceptron_converges_on_separable_blobs():
    X, y = make_blobs(200, spread=0.3, rng=0)
    p = Perceptron(2, lr=0.1, rng=1)
    hist = p.fit(X, y, epochs=100, rng=1)
    assert hist.converged
    np.testing.assert_array_equal(p.predict(X), y)


def test_perceptron_never_converges_on_xor():
    y_xor = np.array([0, 1, 1, 0])
    for seed in range(5):
        p = Perceptron(2, rng=seed)
        hist = p.fit(GATE_X, y_xor, epochs=100, rng=seed)
        assert not hist.converged
        assert len(hist.errors) == 100 and min(hist.errors) >= 1  # no epoch without a mistake
        assert not np.array_equal(p.predict(GATE_X), y_xor)


def test_perceptron_decision_function_and_no_shuffle():
    p = Perceptron(2)
    p.w[:], p.b = [1.0, -1.0], 0.5
    np.testing.assert_allclose(p.decision_function(GATE_X), [0.5, -0.5, 1.5, 0.5])
    np.testing.assert_array_equal(p.predict(GATE_X), [1, 0, 1, 1])
    a, b = Perceptron(2), Perceptron(2)
    a.fit(GATE_X, np.array([0, 0, 0, 1]), shuffle=False, rng=0)
    b.fit(GATE_X, np.array([0, 0, 0, 1]), shuffle=False, rng=1)  # order does not use rng
    np.testing.assert_array_equal(a.w, b.w)


def test_perceptron_errors():
    with pytest.raises(ValueError, match="lr must be > 0, got 0"):
        Perceptron(2, lr=0)
    with pytest.raises(ValueError, match="lr must be > 0, got nan"):
        Perceptron(2, lr=float("nan"))
    p = Perceptron(2)
    with pytest.raises(ValueError, match=r"labels must be 0/1 of shape \(4,\), got \(4,\)"):
        p.fit(GATE_X, np.array([0, 1, 2, 0]))
    with pytest.raises(ValueError, match=r"labels must be 0/1 of shape \(4,\), got \(3,\)"):
        p.fit(GATE_X, np.array([0, 1, 1]))
    with pytest.raises(ValueError, match=r"expected X of shape \(N, 2\), got \(4, 3\)"):
        p.predict(np.zeros((4, 3)))
