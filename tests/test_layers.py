"""Layers: Dense and activation layers — forward values, backward against finite differences,
buffer reuse, initialisers, and error messages."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import TOL, away_from_zero, numeric_grad, rel_error
from hypothesis import given, settings
from hypothesis import strategies as st

from dlbasics import activations as A
from dlbasics.layers import (
    Dense,
    Identity,
    LeakyReLU,
    ReLU,
    Sigmoid,
    Softmax,
    Step,
    Tanh,
    activation_layer,
    init_weights,
)
from dlbasics.network import mlp

SEEDS = st.integers(0, 2**32 - 1)
FAST = settings(max_examples=12, deadline=None, derandomize=True)


def layer_grad_errors(layer, X, rng):
    """Check ``backward`` for ``L = sum(forward(X) * R)``: dL/d(output) is simply ``R``.

    Returns the relative error of dX and of every parameter gradient.
    """
    R = rng.normal(size=layer.forward(X).shape)

    def f():
        return float(np.sum(layer.forward(X) * R))

    layer.forward(X)
    dX = layer.backward(R.copy())
    errors = {"X": rel_error(dX, numeric_grad(f, X))}
    analytic = {name: g.copy() for name, _, g in layer.named_parameters()}
    for name, p, _ in layer.named_parameters():
        errors[name] = rel_error(analytic[name], numeric_grad(f, p))
    return errors


# -- Dense ---------------------------------------------------------------------------------------
def test_dense_shapes_and_defaults():
    layer = Dense(3, 4, rng=0)
    assert layer.W.shape == (3, 4) and layer.b.shape == (4,)
    assert layer.W.dtype == np.float32 and layer.b.dtype == np.float32
    assert np.all(layer.b == 0)
    assert layer.dW.shape == (3, 4) and layer.db.shape == (4,)
    assert layer.n_params == 3 * 4 + 4
    out = layer.forward(np.ones((100, 3)))
    assert out.shape == (100, 4) and out.dtype == np.float32
    assert Dense(3, 4, dtype=np.float64).W.dtype == np.float64
    assert layer.forward(np.ones(3)).shape == (1, 4)  # one sample as a 1-D vector


def test_dense_forward_is_x_w_plus_b():
    rng = np.random.default_rng(0)
    layer = Dense(3, 2, rng=1, dtype=np.float64)
    layer.b[:] = [0.5, -1.0]
    X = rng.normal(size=(5, 3))
    np.testing.assert_allclose(layer.forward(X), X @ layer.W + layer.b, rtol=1e-14)
    # column j of W holds unit j's incoming weights
    np.testing.assert_allclose(layer.forward(X)[:, 1], X @ layer.W[:, 1] + layer.b[1], rtol=1e-14)


def test_dense_same_seed_same_weights():
    np.testing.assert_array_equal(Dense(4, 3, rng=7).W, Dense(4, 3, rng=7).W)
    assert not np.array_equal(Dense(4, 3, rng=7).W, Dense(4, 3, rng=8).W)


@FAST
@given(n=st.integers(1, 5), n_in=st.integers(1, 4), n_out=st.integers(1, 4), seed=SEEDS)
def test_dense_backward_matches_finite_differences(n, n_in, n_out, seed):
    rng = np.random.default_rng(seed)
    layer = Dense(n_in, n_out, rng=rng, dtype=np.float64)
    layer.b[:] = rng.normal(size=n_out)
    errors = layer_grad_errors(layer, rng.normal(size=(n, n_in)), rng)
    assert max(errors.values()) < TOL, errors


def test_dense_backward_formulas():
    rng = np.random.default_rng(2)
    layer = Dense(3, 2, rng=0, dtype=np.float64)
    X, dout = rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    layer.forward(X)
    dX = layer.backward(dout)
    np.testing.assert_allclose(layer.dW, X.T @ dout, rtol=1e-14)
    np.testing.assert_allclose(layer.db, dout.sum(axis=0), rtol=1e-14)
    np.testing.assert_allclose(dX, dout @ layer.W.T, rtol=1e-14)
    # gradients are overwritten, not accumulated
    layer.forward(X)
    layer.backward(dout)
    np.testing.assert_allclose(layer.dW, X.T @ dout, rtol=1e-14)


def test_dense_input_grad_false_still_sets_parameter_gradients():
    rng = np.random.default_rng(3)
    layer = Dense(3, 2, rng=0)
    X, dout = rng.normal(size=(4, 3)).astype(np.float32), rng.normal(size=(4, 2)).astype(np.float32)
    layer.forward(X)
    out = layer.backward(dout, input_grad=False)
    assert out.size == 0
    np.testing.assert_allclose(layer.dW, X.T @ dout, rtol=1e-5)


def test_dense_parameters_are_the_live_arrays():
    layer = Dense(2, 2, rng=0)
    (W, dW), (b, db) = layer.parameters()
    assert W is layer.W and dW is layer.dW and b is layer.b and db is layer.db
    assert [name for name, _, _ in layer.named_parameters()] == ["W", "b"]


# -- activation layers -------------------------------------------------------------------------------
ACTIVATION_LAYERS = [
    (Identity, A.identity, False),
    (Step, A.step, True),
    (Sigmoid, A.sigmoid, False),
    (Tanh, A.tanh, False),
    (ReLU, A.relu, True),
    (LeakyReLU, A.leaky_relu, True),
    (Softmax, A.softmax, False),
]
IDS = [cls.__name__ for cls, _, _ in ACTIVATION_LAYERS]


@pytest.mark.parametrize("cls, f, kink", ACTIVATION_LAYERS, ids=IDS)
def test_activation_layer_forward(cls, f, kink):
    Z = np.random.default_rng(0).normal(size=(4, 3))
    np.testing.assert_allclose(cls().forward(Z), f(Z), rtol=1e-15)
    assert cls().parameters() == [] and cls().n_params == 0


@pytest.mark.parametrize("cls, f, kink", ACTIVATION_LAYERS, ids=IDS)
@FAST
@given(n=st.integers(1, 4), k=st.integers(1, 4), seed=SEEDS)
def test_activation_layer_backward_matches_finite_differences(cls, f, kink, n, k, seed):
    rng = np.random.default_rng(seed)
    Z = rng.uniform(-3.0, 3.0, size=(n, k))
    if kink:
        Z = away_from_zero(Z)
    errors = layer_grad_errors(cls(), Z, rng)
    assert errors["X"] < TOL


@FAST
@given(alpha=st.floats(0.001, 0.9), seed=SEEDS)
def test_leaky_relu_layer_uses_its_alpha(alpha, seed):
    rng = np.random.default_rng(seed)
    Z = away_from_zero(rng.normal(size=(3, 4)))
    layer = LeakyReLU(alpha)
    np.testing.assert_allclose(layer.forward(Z), np.where(Z > 0, Z, alpha * Z), rtol=1e-15)
    assert layer_grad_errors(layer, Z, rng)["X"] < TOL


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("cls", [c for c, _, _ in ACTIVATION_LAYERS], ids=IDS)
def test_activation_layers_keep_dtype(cls, dtype):
    Z = np.random.default_rng(0).normal(size=(4, 3)).astype(dtype)
    layer = cls()
    A_ = layer.forward(Z)
    assert A_.dtype == dtype
    assert layer.backward(np.ones_like(A_)).dtype == dtype


@pytest.mark.parametrize("cls", [Dense, *[c for c, _, _ in ACTIVATION_LAYERS]],
                         ids=["Dense", *IDS])
def test_reuse_gives_the_same_numbers(cls):
    rng = np.random.default_rng(5)
    layer = cls(3, 3, rng=0) if cls is Dense else cls()
    for n in (4, 4, 2):  # a repeated shape reuses the buffers, a new one replaces them
        X, dout = rng.normal(size=(n, 3)).astype(np.float32), rng.normal(size=(n, 3)).astype(np.float32)
        out_fresh = layer.forward(X).copy()
        dX_fresh = layer.backward(dout).copy()
        grads_fresh = [g.copy() for _, g in layer.parameters()]
        layer.reuse_buffers = True
        np.testing.assert_array_equal(layer.forward(X), out_fresh)
        np.testing.assert_array_equal(layer.backward(dout), dX_fresh)
        layer.reuse_buffers = False
        for (_, g), g0 in zip(layer.parameters(), grads_fresh, strict=True):
            np.testing.assert_array_equal(g, g0)


def test_a_reusing_layer_returns_its_buffer_and_a_fresh_one_does_not():
    layer = Dense(3, 2, rng=0)
    X = np.ones((4, 3), dtype=np.float32)
    assert layer.forward(X) is not layer.forward(X)
    layer.reuse_buffers = True
    first = layer.forward(X)
    assert layer.forward(2 * X) is first  # refilled in place
    np.testing.assert_allclose(first, 2 * X @ layer.W + layer.b, rtol=1e-6)


def test_reusing_buffers_restores_the_setting_and_frees_the_buffers():
    net = mlp([3, 4, 2], rng=0)
    X = np.ones((5, 3), dtype=np.float32)
    with net.reusing_buffers():
        out = net.forward(X)
        assert net.forward(X) is out and all(layer.reuse_buffers for layer in net)
        with net.reusing_buffers(False):  # what fit does around callbacks and validation
            assert net.forward(X) is not out
        assert net.forward(X) is out  # the inner block kept the buffers
    assert not any(layer.reuse_buffers or layer._buffers for layer in net)


def test_activation_layer_by_name():
    assert isinstance(activation_layer("relu"), ReLU)
    assert isinstance(activation_layer("Tanh"), Tanh)
    assert isinstance(activation_layer("linear"), Identity)
    assert activation_layer("leaky_relu", alpha=0.2).alpha == 0.2
    with pytest.raises(ValueError, match="unknown activation 'gelu'"):
        activation_layer("gelu")


# -- initialisers --------------------------------------------------------------------------------
def test_init_weights_distributions():
    rng = np.random.default_rng(0)
    u = init_weights(200, 300, "uniform", rng=rng)
    assert u.shape == (200, 300) and u.dtype == np.float32
    assert u.min() >= -1 and u.max() <= 1 and u.std() == pytest.approx(1 / np.sqrt(3), rel=0.02)
    x = init_weights(200, 300, "xavier", rng=rng)
    bound = np.sqrt(6 / 500)
    assert np.abs(x).max() <= bound and np.abs(x).max() > 0.99 * bound
    h = init_weights(200, 300, "he", rng=rng, dtype=np.float64)
    assert h.dtype == np.float64 and h.std() == pytest.approx(np.sqrt(2 / 200), rel=0.02)
    np.testing.assert_array_equal(init_weights(3, 4, rng=1), init_weights(3, 4, rng=1))


def test_unknown_initializer():
    with pytest.raises(ValueError, match=r"unknown initializer 'zeros'.*'he'"):
        init_weights(2, 2, "zeros")


# -- errors --------------------------------------------------------------------------------------
def test_dense_wrong_input_width_names_layer_and_shapes():
    layer = Dense(3, 4, rng=0, name="hidden")
    with pytest.raises(ValueError, match=r"layer 'hidden' \(Dense 3->4\) expected input of shape "
                                         r"\(N, 3\), got \(5, 2\)"):
        layer.forward(np.zeros((5, 2)))
    with pytest.raises(ValueError, match=r"\(N, 3\), got \(2, 3, 1\)"):
        layer.forward(np.zeros((2, 3, 1)))


def test_backward_errors():
    layer = Dense(3, 2, rng=0)
    with pytest.raises(RuntimeError, match="call forward before backward"):
        layer.backward(np.zeros((1, 2)))
    layer.forward(np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"expected dZ of shape \(4, 2\), got \(4, 3\)"):
        layer.backward(np.zeros((4, 3)))
    act = ReLU()
    with pytest.raises(RuntimeError, match="call forward before backward"):
        act.backward(np.zeros((1, 2)))
    act.forward(np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"expected dA of shape \(4, 3\), got \(3, 4\)"):
        act.backward(np.zeros((3, 4)))


def test_dense_rejects_non_positive_sizes():
    with pytest.raises(ValueError, match="n_in=0, n_out=3"):
        Dense(0, 3)


# -- Rescale: 8-bit images in, one batch converted at a time -------------------------------------
def test_rescale_forward_and_backward():
    from dlbasics.layers import Rescale

    layer = Rescale(0.5, dtype=np.float64)
    X = np.array([[0, 4, 255]], dtype=np.uint8)
    A = layer.forward(X)
    assert A.dtype == np.float64
    np.testing.assert_array_equal(A, X * 0.5)
    np.testing.assert_array_equal(layer.backward(np.ones((1, 3))), [[0.5, 0.5, 0.5]])
    with pytest.raises(ValueError, match=r"layer 'rescale' backward expected dA of shape \(1, 3\)"):
        layer.backward(np.ones((3, 1)))
    with pytest.raises(ValueError, match="Rescale: scale must be non-zero"):
        Rescale(0)
    with pytest.raises(TypeError, match="Rescale: scale must be a real number"):
        Rescale("1/255")  # type: ignore[arg-type]
