"""The exercise checks of notebook 02 print ✅ for a right answer, ⏳ for a blank one and ❌ with a reason."""

from __future__ import annotations

import numpy as np
import pytest

import dlbasics as dl
from dlbasics.exercises import ch02


def out(capsys: pytest.CaptureFixture[str]) -> str:
    return capsys.readouterr().out.strip()


def test_weighted_sum(capsys: pytest.CaptureFixture[str]) -> None:
    x, w = np.array(ch02.EXERCISE_X), np.array(ch02.EXERCISE_W)
    ch02.check_weighted_sum(x @ w + ch02.EXERCISE_B)
    assert out(capsys).startswith("✅")
    ch02.check_weighted_sum(dl.Neuron(w, bias=ch02.EXERCISE_B)(x))
    assert out(capsys).startswith("✅")
    ch02.check_weighted_sum(...)
    assert out(capsys).startswith("⏳")
    ch02.check_weighted_sum(x @ w)  # bias forgotten
    msg = out(capsys)
    assert msg.startswith("❌") and "bias" in msg
    ch02.check_weighted_sum(1.0)
    msg = out(capsys)
    assert msg.startswith("❌") and "0.75" in msg


def test_batch_outputs(capsys: pytest.CaptureFixture[str]) -> None:
    X, w, b = ch02.batch_data()
    assert X.shape == (4, 3) and w.shape == (3,)
    ch02.check_batch_outputs(dl.Neuron(w, bias=b, activation="sigmoid")(X))
    assert out(capsys).startswith("✅")
    ch02.check_batch_outputs(...)
    assert out(capsys).startswith("⏳")
    ch02.check_batch_outputs(X @ w + b)  # activation forgotten
    msg = out(capsys)
    assert msg.startswith("❌") and "dl.sigmoid" in msg
    ch02.check_batch_outputs(dl.sigmoid(X.T @ np.ones(4)))  # wrong shape
    msg = out(capsys)
    assert msg.startswith("❌") and "expected shape (4,)" in msg
    wrong = dl.sigmoid(X @ w + b)
    wrong[2] += 0.1
    ch02.check_batch_outputs(wrong)
    msg = out(capsys)
    assert msg.startswith("❌") and "index [2]" in msg


def test_sigmoid_slope(capsys: pytest.CaptureFixture[str]) -> None:
    s = dl.sigmoid(ch02.SLOPE_AT)
    ch02.check_sigmoid_slope(s * (1 - s))
    assert out(capsys).startswith("✅")
    ch02.check_sigmoid_slope(None)
    assert out(capsys).startswith("⏳")
    ch02.check_sigmoid_slope(s)
    msg = out(capsys)
    assert msg.startswith("❌") and "s (1 − s)" in msg
    ch02.check_sigmoid_slope(0.25)  # the slope at 0, not at -1
    msg = out(capsys)
    assert msg.startswith("❌") and "0.196612" in msg


def test_and_gate(capsys: pytest.CaptureFixture[str]) -> None:
    ch02.check_and_gate(dl.Neuron([1.0, 1.0], bias=-1.5, activation="step"))
    assert out(capsys).startswith("✅")
    ch02.check_and_gate(([2.0, 0.5], -2.2))
    assert out(capsys).startswith("✅")
    ch02.check_and_gate(...)
    assert out(capsys).startswith("⏳")
    ch02.check_and_gate(dl.Neuron([1.0, 1.0], bias=-0.5, activation="step"))  # that is OR
    msg = out(capsys)
    assert msg.startswith("❌") and "(0, 1) → 1 (AND gives 0)" in msg and "(1, 0) → 1" in msg
    assert "(1, 1)" not in msg
    ch02.check_and_gate(dl.Neuron([1.0, 1.0], bias=-1.5, activation="sigmoid"))
    msg = out(capsys)
    assert msg.startswith("❌") and "step" in msg
    ch02.check_and_gate(([1.0, 1.0, 1.0], -2.5))
    msg = out(capsys)
    assert msg.startswith("❌") and "2 weights" in msg
    ch02.check_and_gate(7)
    msg = out(capsys)
    assert msg.startswith("❌") and "dl.Neuron" in msg
