"""The exercise checks of notebook 03 print ✅ for a right answer, ⏳ for a blank one and ❌ with a reason."""

from __future__ import annotations

import numpy as np
import pytest

import dlbasics as dl
from dlbasics.exercises import ch03


def out(capsys: pytest.CaptureFixture[str]) -> str:
    return capsys.readouterr().out.strip()


def test_update(capsys: pytest.CaptureFixture[str]) -> None:
    prob = ch03.UPDATE_PROBLEM
    p = dl.Perceptron(2, lr=prob["lr"])
    p.w[:], p.b = prob["w"], prob["b"]
    assert p.update(prob["x"], prob["y"])  # the point is misclassified: z = 0, step(0) = 0
    ch03.check_update([*p.w, p.b])  # what dl.Perceptron does is right
    assert out(capsys).startswith("✅")
    ch03.check_update(np.array([1.5, 0.5, 0.5]))
    assert out(capsys).startswith("✅")
    for blank in (..., None):
        ch03.check_update(blank)
        assert out(capsys).startswith("⏳")
    ch03.check_update([0.5, -0.5, 0.0])  # no update made
    msg = out(capsys)
    assert msg.startswith("❌") and "before the update" in msg and "step(0) = 0" in msg
    ch03.check_update([1.5, 0.5, 0.0])  # forgot the bias
    msg = out(capsys)
    assert msg.startswith("❌") and "bias moves too" in msg
    ch03.check_update([2.5, 1.5, 1.0])  # η = 1
    msg = out(capsys)
    assert msg.startswith("❌") and "η = 0.5" in msg
    ch03.check_update([1.5, 0.5])
    msg = out(capsys)
    assert msg.startswith("❌") and "expected shape (3,), got (2,)" in msg
    ch03.check_update([1.5, 0.4, 0.5])
    msg = out(capsys)
    assert msg.startswith("❌") and "index [1]" in msg
    ch03.check_update("w")
    assert out(capsys).startswith("❌")


def test_xor_weights(capsys: pytest.CaptureFixture[str]) -> None:
    ch03.check_xor_weights([0.0, 0.0, -1.0, 0.0])
    msg = out(capsys)
    assert msg.startswith("✅")
    ch03.check_xor_weights(np.array([0.0, 0.0, -3.0, 0.0]))  # any positive scaling works
    assert out(capsys).startswith("✅")
    ch03.check_xor_weights(...)
    assert out(capsys).startswith("⏳")
    ch03.check_xor_weights([0.0, 0.0, 1.0, 0.0])  # the wrong sign: everything misclassified
    msg = out(capsys)
    assert msg.startswith("❌") and "204 of 204" in msg and "should be negative" in msg
    ch03.check_xor_weights([1.0, 0.0, -1.0, 0.0])  # the x1 weight spoils it
    msg = out(capsys)
    assert msg.startswith("❌") and "misclassified" in msg and "zero works" in msg
    ch03.check_xor_weights([1.0, 2.0])
    msg = out(capsys)
    assert msg.startswith("❌") and "four numbers" in msg


def test_circle_features(capsys: pytest.CaptureFixture[str]) -> None:
    X, y = ch03.circles_data()
    np.testing.assert_array_equal(X, dl.make_circles(200, rng=1)[0])
    ch03.check_circle_features(np.column_stack([X, (X ** 2).sum(axis=1)]))
    msg = out(capsys)
    assert msg.startswith("✅") and "converged" in msg
    ch03.check_circle_features(np.hypot(X[:, 0], X[:, 1]))  # one column (the radius) is fine too
    assert out(capsys).startswith("✅")
    ch03.check_circle_features(...)
    assert out(capsys).startswith("⏳")
    ch03.check_circle_features(X)  # the raw coordinates: not separable
    msg = out(capsys)
    assert msg.startswith("❌") and "did not converge" in msg and "x1² + x2²" in msg
    ch03.check_circle_features(np.column_stack([X, (X ** 2).sum(axis=1)]).T)
    msg = out(capsys)
    assert msg.startswith("❌") and "transposed" in msg
    ch03.check_circle_features(np.ones((10, 2)))
    msg = out(capsys)
    assert msg.startswith("❌") and "(200, number of features)" in msg
    ch03.check_circle_features(np.full((200, 1), np.nan))
    assert "NaN" in out(capsys)
