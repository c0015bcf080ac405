"""Activation functions: values, derivatives (finite differences), stability at |z| = 1000."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from helpers import TOL, away_from_zero, numeric_derivative, numeric_grad, rel_error
from hypothesis import given, settings
from hypothesis import strategies as st

from dlbasics import activations as A

SEEDS = st.integers(0, 2**32 - 1)
SHAPES = st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple)
FAST = settings(max_examples=15, deadline=None, derandomize=True)

# (name, f, f', has a kink at 0)
ELEMENTWISE = [
    ("identity", A.identity, A.identity_grad, False),
    ("step", A.step, A.step_grad, True),
    ("sigmoid", A.sigmoid, A.sigmoid_grad, False),
    ("tanh", A.tanh, A.tanh_grad, False),
    ("relu", A.relu, A.relu_grad, True),
    ("leaky_relu", A.leaky_relu, A.leaky_relu_grad, True),
]


# -- values ----------------------------------------------------------------------------------
def test_known_values():
    z = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_array_equal(A.identity(z), z)
    np.testing.assert_array_equal(A.step(z), [0.0, 0.0, 1.0])
    np.testing.assert_allclose(A.sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-15)
    np.testing.assert_allclose(A.tanh(z), np.tanh(z), rtol=1e-15)
    np.testing.assert_array_equal(A.relu(z), [0.0, 0.0, 3.0])
    np.testing.assert_allclose(A.leaky_relu(z, alpha=0.1), [-0.2, 0.0, 3.0])
    np.testing.assert_allclose(A.leaky_relu(z), [-0.02, 0.0, 3.0])  # default alpha 0.01
    assert A.sigmoid(0.0) == 0.5
    assert A.sigmoid_grad(0.0) == 0.25


def test_identity_returns_a_copy():
    z = np.array([1.0, 2.0])
    out = A.identity(z)
    out[0] = 5.0
    assert z[0] == 1.0


def test_sigmoid_range_and_symmetry():
    z = np.linspace(-30, 30, 121)
    s = A.sigmoid(z)
    assert np.all((s >= 0) & (s <= 1))
    assert np.all(np.diff(s) >= 0)
    np.testing.assert_allclose(A.sigmoid(-z), 1 - s, atol=1e-15)


def test_integer_input_becomes_float():
    for _, f, df, _ in ELEMENTWISE:
        assert np.issubdtype(f(np.array([1, -2])).dtype, np.floating)
        assert np.issubdtype(df(np.array([1, -2])).dtype, np.floating)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept(dtype):
    z = np.array([[-1.5, 0.5, 2.0]], dtype=dtype)
    for name, f, df, _ in ELEMENTWISE:
        assert f(z).dtype == dtype, name
        assert df(z).dtype == dtype, name
    assert A.softmax(z).dtype == dtype
    assert A.softmax_backward(A.softmax(z), np.ones_like(z)).dtype == dtype


def test_softmax_rows_are_distributions_and_shift_invariant():
    z = np.random.default_rng(0).normal(size=(5, 4)) * 3
    p = A.softmax(z)
    assert np.all(p > 0)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(A.softmax(z + 123.0), p, rtol=1e-12)
    np.testing.assert_allclose(A.softmax(z.T, axis=0), p.T, rtol=1e-12)
    expected = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(p, expected, rtol=1e-12)


# -- derivatives against finite differences ------------------------------------------------------
@pytest.mark.parametrize("name, f, df, kink", ELEMENTWISE, ids=[e[0] for e in ELEMENTWISE])
@FAST
@given(shape=SHAPES, seed=SEEDS)
def test_elementwise_derivative_matches_finite_differences(name, f, df, kink, shape, seed):
    # |z| <= 4: where sigmoid and tanh saturate, f' is tiny and a finite difference of
    # f(z) ~ 1 loses its relative precision to round-off (a limit of the check, not of f').
    z = np.random.default_rng(seed).uniform(-4.0, 4.0, size=shape)
    if kink:
        z = away_from_zero(z)  # the derivative does not exist at 0
    numeric = numeric_derivative(f, z)
    assert rel_error(df(z), numeric) < TOL


@FAST
@given(shape=SHAPES, seed=SEEDS, alpha=st.floats(0.001, 0.5))
def test_leaky_relu_derivative_with_alpha(shape, seed, alpha):
    z = away_from_zero(np.random.default_rng(seed).normal(scale=3.0, size=shape))
    numeric = numeric_derivative(lambda v: A.leaky_relu(v, alpha), z)
    assert rel_error(A.leaky_relu_grad(z, alpha), numeric) < TOL


@FAST
@given(n=st.integers(1, 4), k=st.integers(1, 5), seed=SEEDS)
def test_softmax_backward_matches_finite_differences(n, k, seed):
    rng = np.random.default_rng(seed)
    z = rng.normal(scale=2.0, size=(n, k))
    dp = rng.normal(size=(n, k))  # upstream gradient dL/dP of L = sum(P * dp)
    analytic = A.softmax_backward(A.softmax(z), dp)
    numeric = numeric_grad(lambda: float(np.sum(A.softmax(z) * dp)), z)
    assert rel_error(analytic, numeric) < TOL


def test_softmax_backward_is_the_jacobian_product():
    rng = np.random.default_rng(1)
    z, dp = rng.normal(size=(1, 4)), rng.normal(size=(1, 4))
    p = A.softmax(z)[0]
    jacobian = np.diag(p) - np.outer(p, p)  # dp_i / dz_j
    np.testing.assert_allclose(A.softmax_backward(p[None], dp)[0], jacobian.T @ dp[0], rtol=1e-12)


def test_registry_derivatives_match_the_functions():
    z = away_from_zero(np.random.default_rng(2).normal(size=(3, 4)))
    for name, act in A.ACTIVATIONS.items():
        if name == "softmax":
            continue
        numeric = numeric_derivative(act.f, z)
        assert rel_error(act.df(z), numeric) < TOL, name
    np.testing.assert_array_equal(A.ACTIVATIONS["relu"](z), A.relu(z))  # __call__ is f


# -- numerical stability ----------------------------------------------------------------------
BIG = [-1000.0, -100.0, -1.0, 0.0, 1.0, 100.0, 1000.0]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(A.ACTIVATIONS))
def test_no_warning_and_no_nan_at_large_inputs(name, dtype):
    act = A.ACTIVATIONS[name]
    z = np.array([BIG, BIG[::-1]], dtype=dtype)  # (2, 7): rows for softmax
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out, grad = act.f(z), act.df(z)
    assert out.dtype == dtype and grad.dtype == dtype
    assert np.all(np.isfinite(out)), f"{name}({z}) = {out}"
    assert np.all(np.isfinite(grad)), f"{name}'({z}) = {grad}"


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_saturated_values_are_exact(dtype):
    z = np.array([-1000.0, 1000.0], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(A.sigmoid(z), [0.0, 1.0])
        np.testing.assert_array_equal(A.sigmoid_grad(z), [0.0, 0.0])
        np.testing.assert_array_equal(A.tanh(z), [-1.0, 1.0])
        np.testing.assert_array_equal(A.softmax(np.array([[1000.0, -1000.0]], dtype=dtype)), [[1.0, 0.0]])
        np.testing.assert_allclose(A.softmax(np.array([[1000.0, 1000.0]], dtype=dtype)), [[0.5, 0.5]])
        p = A.softmax(np.array([[1000.0, -1000.0, 0.0]], dtype=dtype))
        assert np.all(np.isfinite(A.softmax_backward(p, np.ones_like(p))))


# -- lookup ------------------------------------------------------------------------------------
def test_get_activation_by_name_and_alias():
    assert A.get_activation("relu").name == "relu"
    assert A.get_activation("ReLU").name == "relu"
    assert A.get_activation("linear").name == "identity"
    assert A.get_activation("LeakyReLU").name == "leaky_relu"
    assert A.get_activation("leaky-relu").name == "leaky_relu"
    act = A.get_activation("tanh")
    assert A.get_activation(act) is act


def test_unknown_activation_names_the_choices():
    with pytest.raises(ValueError, match=r"unknown activation 'swish'.*expected one of.*'relu'"):
        A.get_activation("swish")


# -- each backward pass is dA times the derivative beside its function ---------------------------
@pytest.mark.parametrize(("backward", "f", "df", "saved"), [
    (A.sigmoid_backward, A.sigmoid, A.sigmoid_grad, "A"),
    (A.tanh_backward, A.tanh, A.tanh_grad, "A"),
    (A.relu_backward, A.relu, A.relu_grad, "Z"),
], ids=["sigmoid", "tanh", "relu"])
def test_backward_is_dA_times_the_derivative(backward, f, df, saved):
    rng = np.random.default_rng(0)
    Z, dA = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    dZ = backward(dA, f(Z) if saved == "A" else Z)
    np.testing.assert_allclose(dZ, dA * df(Z), rtol=1e-12)
    out = np.empty_like(Z)
    assert backward(dA, f(Z) if saved == "A" else Z, out=out) is out  # written into the buffer
    np.testing.assert_allclose(out, dZ, rtol=1e-15)


def test_leaky_relu_backward_is_dA_times_its_derivative():
    Z, dA = np.array([[-2.0, 0.0, 3.0]]), np.array([[2.0, 2.0, 2.0]])
    np.testing.assert_array_equal(A.leaky_relu_backward(dA, Z, 0.25), dA * A.leaky_relu_grad(Z, 0.25))
