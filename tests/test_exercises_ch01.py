"""The exercise checks of notebook 01 print ✅ for a right answer, ⏳ for a blank one and ❌ with a reason."""

from __future__ import annotations

import numpy as np
import pytest

import dlbasics as dl
from dlbasics.exercises import ch01


def out(capsys: pytest.CaptureFixture[str]) -> str:
    return capsys.readouterr().out.strip()


def test_walk_kcal(capsys: pytest.CaptureFixture[str]) -> None:
    ch01.check_walk_kcal(dl.Neuron(4.2)(50))
    assert out(capsys).startswith("✅")
    ch01.check_walk_kcal(...)
    assert out(capsys).startswith("⏳")
    ch01.check_walk_kcal(None)
    assert out(capsys).startswith("⏳")
    ch01.check_walk_kcal(4.2 / 50)
    msg = out(capsys)
    assert msg.startswith("❌") and "not a division" in msg
    ch01.check_walk_kcal(200)
    msg = out(capsys)
    assert msg.startswith("❌") and "210" in msg
    ch01.check_walk_kcal("lots")
    msg = out(capsys)
    assert msg.startswith("❌") and "expected a number" in msg


def test_cycling_weight(capsys: pytest.CaptureFixture[str]) -> None:
    x, y = ch01.cycling_data()
    w_star = x @ y / (x @ x)
    ch01.check_cycling_weight(w_star)
    assert out(capsys).startswith("✅")
    # the grid search of the notebook (step 0.01) is accepted
    ws = np.arange(0, 15, 0.01)
    w_grid = ws[np.argmin(((ws[:, None] * x - y) ** 2).sum(axis=1))]
    ch01.check_cycling_weight(w_grid)
    assert out(capsys).startswith("✅")
    ch01.check_cycling_weight(...)
    assert out(capsys).startswith("⏳")
    ch01.check_cycling_weight(y.sum() / x.sum())  # a plausible but wrong estimate
    msg = out(capsys)
    assert msg.startswith("❌") and "Σ x·y / Σ x²" in msg
    ch01.check_cycling_weight(w_star + 0.05)
    msg = out(capsys)
    assert msg.startswith("❌") and f"{w_star:.3f}" in msg
    ch01.check_cycling_weight([1.0, 2.0])
    assert out(capsys).startswith("❌")


def test_cycling_data_is_a_copy() -> None:
    x, y = ch01.cycling_data()
    x[:] = 0
    assert ch01.cycling_data()[0].sum() > 0


def test_sse_function(capsys: pytest.CaptureFixture[str]) -> None:
    ch01.check_sse_function(lambda w, x, y: ((w[:, None] * x - y) ** 2).sum(axis=1))
    assert out(capsys).startswith("✅")
    ch01.check_sse_function(...)
    assert out(capsys).startswith("⏳")
    ch01.check_sse_function(3.0)
    msg = out(capsys)
    assert msg.startswith("❌") and "expected a function" in msg
    ch01.check_sse_function(lambda w, x, y: ((w[:, None] * x - y) ** 2).sum())  # summed everything
    msg = out(capsys)
    assert msg.startswith("❌") and "expected shape (4,)" in msg and "got ()" in msg
    ch01.check_sse_function(lambda w, x, y: ((w[:, None] * x - y) ** 2).mean(axis=1))
    msg = out(capsys)
    assert msg.startswith("❌") and "mean" in msg
    ch01.check_sse_function(lambda w, x, y: (w[:, None] * x - y).sum(axis=1))
    msg = out(capsys)
    assert msg.startswith("❌") and "square" in msg
    ch01.check_sse_function(lambda w, x, y: ((w * x - y) ** 2).sum())  # not broadcast: raises inside
    msg = out(capsys)
    assert msg.startswith("❌") and "raised ValueError" in msg and "w[:, None]" in msg
