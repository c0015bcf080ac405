"""Losses: values, gradients (finite differences), safety at p = 0 and 1, and input errors."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from helpers import TOL, numeric_grad, rel_error
from hypothesis import given, settings
from hypothesis import strategies as st

import dlbasics as dl
from dlbasics import losses as L
from dlbasics.activations import sigmoid, softmax

SEEDS = st.integers(0, 2**32 - 1)
N = st.integers(1, 5)
K = st.integers(1, 4)
FAST = settings(max_examples=15, deadline=None, derandomize=True)


def grad_error(fn, pred, target):
    """Relative error between ``fn``'s analytic gradient and a finite difference."""
    pred = np.array(pred, dtype=np.float64)
    _, grad = fn(pred, target)
    assert grad.shape == pred.shape
    return rel_error(grad, numeric_grad(lambda: fn(pred, target)[0], pred))


# -- gradients against finite differences ------------------------------------------------------
@FAST
@given(n=N, k=K, seed=SEEDS)
def test_mse_gradient(n, k, seed):
    rng = np.random.default_rng(seed)
    assert grad_error(L.mse, rng.normal(size=(n, k)), rng.normal(size=(n, k))) < TOL


@FAST
@given(n=N, k=K, seed=SEEDS, column=st.booleans())
def test_binary_cross_entropy_gradient(n, k, seed, column):
    rng = np.random.default_rng(seed)
    shape = (n, k) if column or k > 1 else (n,)
    p = rng.uniform(0.05, 0.95, size=shape)
    y = rng.integers(0, 2, size=shape).astype(np.float64)
    assert grad_error(L.binary_cross_entropy, p, y) < TOL


@FAST
@given(n=N, k=K, seed=SEEDS)
def test_binary_cross_entropy_with_logits_gradient(n, k, seed):
    rng = np.random.default_rng(seed)
    z = rng.normal(scale=2.0, size=(n, k))
    y = rng.integers(0, 2, size=(n, k))
    assert grad_error(L.binary_cross_entropy_with_logits, z, y) < TOL


@FAST
@given(n=N, k=st.integers(2, 5), seed=SEEDS)
def test_cross_entropy_gradient_integer_labels(n, k, seed):
    rng = np.random.default_rng(seed)
    assert grad_error(L.cross_entropy, rng.normal(scale=2.0, size=(n, k)), rng.integers(0, k, size=n)) < TOL


@FAST
@given(n=N, k=st.integers(2, 5), seed=SEEDS)
def test_cross_entropy_gradient_one_hot(n, k, seed):
    rng = np.random.default_rng(seed)
    Y = np.eye(k)[rng.integers(0, k, size=n)]
    assert grad_error(L.cross_entropy, rng.normal(scale=2.0, size=(n, k)), Y) < TOL


@FAST
@given(n=N, k=st.integers(2, 5), seed=SEEDS)
def test_kl_divergence_gradient(n, k, seed):
    rng = np.random.default_rng(seed)
    q = softmax(rng.normal(size=(n, k)))
    p = softmax(rng.normal(size=(n, k)))
    p[:, 0] = 0.0  # zero-probability targets contribute nothing
    p /= p.sum(axis=1, keepdims=True)
    assert grad_error(L.kl_divergence, q, p) < TOL


# -- values ----------------------------------------------------------------------------------
def test_mse_value():
    loss, grad = L.mse([[1.0, 2.0], [3.0, 4.0]], [[1.0, 0.0], [0.0, 4.0]])
    assert loss == pytest.approx((0 + 4 + 9 + 0) / 4)
    np.testing.assert_allclose(grad, 2 * np.array([[0, 2], [3, 0]]) / 4)
    loss, _ = L.mse([[1.0], [3.0]], [1.0, 1.0])  # (N,) targets for a (N, 1) output
    assert loss == pytest.approx(2.0)


def test_rmse_is_in_the_targets_units():
    assert L.rmse([3.0, 5.0], [0.0, 1.0]) == pytest.approx(math.sqrt((9 + 16) / 2))


def test_binary_cross_entropy_values():
    loss, _ = L.binary_cross_entropy([0.5, 0.5], [0, 1])
    assert loss == pytest.approx(math.log(2))
    loss, _ = L.binary_cross_entropy([0.9, 0.2], [1, 0])
    assert loss == pytest.approx(-(math.log(0.9) + math.log(0.8)) / 2)
    assert L.binary_cross_entropy([[0.9], [0.2]], [1, 0])[0] == pytest.approx(loss)


def test_bce_with_logits_equals_bce_of_sigmoid():
    z = np.array([[-3.0, 0.5], [2.0, -0.1]])
    y = np.array([[0, 1], [1, 1]])
    a, ga = L.binary_cross_entropy_with_logits(z, y)
    b, _ = L.binary_cross_entropy(sigmoid(z), y)
    assert a == pytest.approx(b, rel=1e-12)
    np.testing.assert_allclose(ga, (sigmoid(z) - y) / z.size, rtol=1e-12)


def test_cross_entropy_values():
    loss, grad = L.cross_entropy(np.zeros((2, 4)), [0, 3])
    assert loss == pytest.approx(math.log(4))
    np.testing.assert_allclose(grad, (np.full((2, 4), 0.25) - np.eye(4)[[0, 3]]) / 2)
    z = np.array([[2.0, 1.0, -1.0]])
    expected = -math.log(math.exp(1.0) / (math.exp(2.0) + math.exp(1.0) + math.exp(-1.0)))
    assert L.cross_entropy(z, [1])[0] == pytest.approx(expected, rel=1e-12)


def test_cross_entropy_integer_and_one_hot_agree():
    rng = np.random.default_rng(3)
    z, y = rng.normal(size=(6, 3)), rng.integers(0, 3, size=6)
    a, ga = L.cross_entropy(z, y)
    b, gb = L.cross_entropy(z, np.eye(3)[y])
    assert a == pytest.approx(b, rel=1e-12)
    np.testing.assert_allclose(ga, gb, rtol=1e-12)
    c, _ = L.cross_entropy(z, y.astype(np.float64))  # whole-number floats are labels too
    assert c == pytest.approx(a, rel=1e-12)


def test_cross_entropy_keeps_float32():
    _, grad = L.cross_entropy(np.zeros((2, 3), np.float32), [0, 1])
    assert grad.dtype == np.float32


def test_kl_divergence_values():
    p = np.array([[0.25, 0.75], [1.0, 0.0]])  # target
    q = np.array([[0.5, 0.5], [0.5, 0.5]])  # prediction
    expected = (0.25 * math.log(0.5) + 0.75 * math.log(1.5) + 1.0 * math.log(2.0)) / 2
    assert L.kl_divergence(q, p)[0] == pytest.approx(expected, rel=1e-12)
    assert L.kl_divergence(p, p)[0] == pytest.approx(0.0, abs=1e-15)
    # KL(p || q) = cross-entropy(p, q) - entropy(p)
    rng = np.random.default_rng(4)
    z, t = rng.normal(size=(5, 3)), softmax(rng.normal(size=(5, 3)))
    ce, _ = L.cross_entropy(z, t)
    entropy = -np.sum(t * np.log(t)) / 5
    assert L.kl_divergence(softmax(z), t)[0] == pytest.approx(ce - entropy, rel=1e-10)


def test_kl_divergence_one_dimensional():
    loss, grad = L.kl_divergence([0.5, 0.5], [0.25, 0.75])
    assert loss == pytest.approx(0.25 * math.log(0.5) + 0.75 * math.log(1.5), rel=1e-12)
    assert grad.shape == (2,)


def test_registry():
    for name in ("mse", "binary_cross_entropy", "bce", "binary_cross_entropy_with_logits",
                 "cross_entropy", "kl_divergence"):
        assert callable(L.get_loss(name))
    assert L.get_loss(L.mse) is L.mse


# -- never log(0) --------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_binary_cross_entropy_at_exact_zero_and_one(dtype):
    p = np.array([0.0, 1.0, 0.0, 1.0], dtype=dtype)
    y = np.array([0, 1, 1, 0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss, grad = L.binary_cross_entropy(p, y)
    assert math.isfinite(loss) and np.all(np.isfinite(grad))
    assert grad.dtype == dtype
    right, _ = L.binary_cross_entropy(p[:2], y[:2])
    assert 0 <= right < 1e-5  # confident and right: (almost) no loss
    assert loss > 5  # confident and wrong: a large but finite loss


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_logit_losses_at_large_scores(dtype):
    z = np.array([[1000.0, -1000.0], [-1000.0, 1000.0]], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for loss, grad in (L.binary_cross_entropy_with_logits(z, [[1, 0], [1, 0]]),
                           L.cross_entropy(z, [0, 0]),
                           L.cross_entropy(z, np.eye(2)[[0, 0]])):
            assert math.isfinite(loss) and np.all(np.isfinite(grad))
    assert L.cross_entropy(z, [0, 1])[0] == 0.0
    assert L.cross_entropy(z, [1, 0])[0] == pytest.approx(2000.0)
    assert L.binary_cross_entropy_with_logits(z, [[0, 1], [1, 0]])[0] == pytest.approx(1000.0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_kl_divergence_with_zero_probabilities(dtype):
    p = np.array([[1.0, 0.0], [0.5, 0.5]], dtype=dtype)
    q = np.array([[0.0, 1.0], [1.0, 0.0]], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss, grad = L.kl_divergence(q, p)
    assert math.isfinite(loss) and loss > 5
    assert np.all(np.isfinite(grad))


# -- errors ----------------------------------------------------------------------------------
def test_shape_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"mse: targets must have the prediction's shape \(3, 2\), "
                                         r"got \(3,\)"):
        L.mse(np.zeros((3, 2)), np.zeros(3))
    with pytest.raises(ValueError, match=r"binary_cross_entropy.*\(4, 1\).*\(2,\)"):
        L.binary_cross_entropy(np.full((4, 1), 0.5), [0, 1])


def test_cross_entropy_label_errors():
    z = np.zeros((3, 3))
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 2\] for 3 classes, got range \[0, 3\]"):
        L.cross_entropy(z, [0, 1, 3])
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 2\] for 3 classes, got range \[-1, 1\]"):
        L.cross_entropy(z, [0, 1, -1])
    with pytest.raises(ValueError, match="got 3 logit rows but 2 labels"):
        L.cross_entropy(z, [0, 1])
    with pytest.raises(ValueError, match="class labels must be integers"):
        L.cross_entropy(z, [0.5, 1.0, 2.0])
    with pytest.raises(ValueError, match=r"logits must be 2-D \(N, K\), got shape \(3,\)"):
        L.cross_entropy(np.zeros(3), [0, 1, 2])
    with pytest.raises(ValueError, match=r"\(3, 3\).*\(3, 2\)"):
        L.cross_entropy(z, np.zeros((3, 2)))


def test_unknown_loss_names_the_choices():
    with pytest.raises(ValueError, match=r"unknown loss 'hinge'.*expected one of.*'mse'"):
        L.get_loss("hinge")


# -- the fused gradients: a cross-entropy differentiated together with its sigmoid or softmax ----
def test_bce_from_sigmoid_is_the_chain_rule_through_the_sigmoid():
    rng = np.random.default_rng(0)
    z, y = rng.normal(size=(6, 2)), rng.integers(0, 2, size=(6, 2)).astype(float)
    p = dl.sigmoid(z)
    loss, dZ = dl.binary_cross_entropy_from_sigmoid(p, y)
    loss_p, dp = dl.binary_cross_entropy(p, y)
    assert loss == pytest.approx(loss_p)
    np.testing.assert_allclose(dZ, dp * p * (1 - p), rtol=1e-9)  # dL/dz = dL/dp * sigmoid'(z)
    np.testing.assert_allclose(dZ, (p - y) / p.size, rtol=1e-12)
    np.testing.assert_allclose(dZ, dl.binary_cross_entropy_with_logits(z, y)[1], rtol=1e-9)


@pytest.mark.parametrize("one_hot", [False, True])
def test_ce_from_softmax_is_cross_entropy_of_the_log_probabilities(one_hot):
    rng = np.random.default_rng(1)
    z, y = rng.normal(size=(5, 4)), rng.integers(0, 4, size=5)
    target = np.eye(4)[y] if one_hot else y
    P = dl.softmax(z)
    loss, dZ = dl.cross_entropy_from_softmax(P, target)
    loss_z, dz = dl.cross_entropy(z, target)  # from the logits: the same loss and gradient
    assert loss == pytest.approx(loss_z, rel=1e-12)
    np.testing.assert_allclose(dZ, dz, rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(dZ, (P - np.eye(4)[y]) / 5, rtol=1e-12, atol=1e-15)


def test_fused_losses_keep_float32():
    P = dl.softmax(np.zeros((3, 2), dtype=np.float32))
    assert dl.cross_entropy_from_softmax(P, [0, 1, 1])[1].dtype == np.float32
    p = np.full((3, 1), 0.5, dtype=np.float32)
    assert dl.binary_cross_entropy_from_sigmoid(p, [0, 1, 1])[1].dtype == np.float32


def test_one_eps_for_every_log():
    from dlbasics.losses import EPS

    p32 = np.zeros((1, 1), dtype=np.float32)
    assert dl.binary_cross_entropy(p32, [1])[0] == pytest.approx(-np.log(EPS[np.dtype(np.float32)]), rel=1e-4)
    assert dl.cross_entropy_from_softmax(np.array([[1.0, 0.0]]), [1])[0] == pytest.approx(
        -np.log(EPS[np.dtype(np.float64)]))
