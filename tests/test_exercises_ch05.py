"""Exercise checks of notebook 05: right answers pass, blanks wait, wrong answers say why."""

from __future__ import annotations

import math

import numpy as np
import pytest

import dlbasics as dl
from dlbasics.exercises import ch05


def out(capsys: pytest.CaptureFixture[str]) -> str:
    return capsys.readouterr().out.strip()


# -- exercise 1: RMSE ------------------------------------------------------------------------------
def test_rmse(capsys: pytest.CaptureFixture[str]) -> None:
    pred, true = ch05.price_data()
    ch05.check_rmse(dl.rmse(pred, true))
    assert out(capsys) == "✅ RMSE: correct."
    ch05.check_rmse(math.sqrt(np.mean((pred - true) ** 2)))  # by hand
    assert out(capsys).startswith("✅")
    ch05.check_rmse(...)
    assert out(capsys).startswith("⏳ RMSE: not done yet")
    mse = float(np.mean((pred - true) ** 2))
    ch05.check_rmse(mse)
    assert "is the MSE" in out(capsys)
    ch05.check_rmse(float(np.sum((pred - true) ** 2)))
    assert "sum of squared errors" in out(capsys)
    ch05.check_rmse(float(np.mean(np.abs(pred - true))))
    assert "mean absolute error" in out(capsys)
    ch05.check_rmse(10.0)
    msg = out(capsys)
    assert msg.startswith("❌ RMSE") and f"{math.sqrt(mse):.6g}" in msg
    ch05.check_rmse("ten")
    assert "expected one number" in out(capsys)


def test_price_data_is_a_fresh_copy() -> None:
    pred, _ = ch05.price_data()
    pred[:] = 0
    assert ch05.price_data()[0][0] != 0


# -- exercise 2: one neuron's gradient ---------------------------------------------------------------
def _neuron() -> tuple[float, float, float]:
    x, w, b, y = (ch05.NEURON[k] for k in "xwby")
    a = 1 / (1 + math.exp(-(w * x + b)))
    dz = 2 * (a - y) * a * (1 - a)
    return dz * x, dz, 2 * (a - y)


def test_neuron_gradient(capsys: pytest.CaptureFixture[str]) -> None:
    dw, db, da = _neuron()
    # independent finite difference of L(w, b)
    x, w, b, y = (ch05.NEURON[k] for k in "xwby")
    L = lambda w_, b_: (float(dl.sigmoid(w_ * x + b_)) - y) ** 2
    h = 1e-6
    assert dw == pytest.approx((L(w + h, b) - L(w - h, b)) / (2 * h), rel=1e-6)
    assert db == pytest.approx((L(w, b + h) - L(w, b - h)) / (2 * h), rel=1e-6)
    ch05.check_neuron_gradient((dw, db))
    assert out(capsys) == "✅ neuron gradient: correct."
    ch05.check_neuron_gradient(np.array([dw, db]))
    assert out(capsys).startswith("✅")
    ch05.check_neuron_gradient(...)
    assert out(capsys).startswith("⏳")
    ch05.check_neuron_gradient((da * x, da))
    assert "sigmoid" in out(capsys)
    ch05.check_neuron_gradient((-dw, -db))
    assert "wrong sign" in out(capsys)
    ch05.check_neuron_gradient((db, dw))
    assert "swapped" in out(capsys)
    ch05.check_neuron_gradient(0.3)
    assert "two numbers" in out(capsys)
    ch05.check_neuron_gradient((dw, db + 0.1))
    assert "first wrong value at index [1]" in out(capsys)


# -- exercise 3: a dense layer's backward pass --------------------------------------------------------
def test_dense_backward(capsys: pytest.CaptureFixture[str]) -> None:
    X, W, dZ = ch05.dense_backward_data()
    assert X.shape == (4, 3) and W.shape == (3, 2) and dZ.shape == (4, 2)
    # the package's own Dense layer gives the reference answer
    layer = dl.Dense(3, 2, dtype=np.float64)
    layer.W[...] = W
    layer.forward(X)
    dX = layer.backward(dZ)
    ch05.check_dense_backward(layer.dW, layer.db, dX)
    assert out(capsys).splitlines() == ["✅ dW: correct.", "✅ db: correct.", "✅ dX: correct."]
    ch05.check_dense_backward(..., ..., ...)
    assert out(capsys).startswith("⏳ dense backward: not done yet")
    ch05.check_dense_backward(X.T @ dZ, ..., ...)
    lines = out(capsys).splitlines()
    assert lines[0].startswith("✅ dW") and lines[1].startswith("⏳ db") and lines[2].startswith("⏳ dX")
    ch05.check_dense_backward(dZ.T @ X, dZ.mean(axis=0), W @ dZ.T)
    lines = out(capsys).splitlines()
    assert "transposed" in lines[0] and "X.T @ dZ" in lines[0]
    assert "the bias gets the sum" in lines[1]
    assert "expected shape (4, 3), got (3, 4)" in lines[2] and "dZ @ W.T" in lines[2]
    ch05.check_dense_backward(X.T @ dZ, dZ.sum(axis=0)[None, :], dZ @ W.T)
    assert "expected shape (2,), got (1, 2)" in out(capsys).splitlines()[1]
    ch05.check_dense_backward(X.T @ dZ + 1, dZ.sum(axis=0), dZ @ W.T)
    lines = out(capsys).splitlines()
    assert lines[0].startswith("❌ dW") and "first wrong value at index [0, 0]" in lines[0]
    assert lines[1].startswith("✅") and lines[2].startswith("✅")
