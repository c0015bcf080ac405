"""Exercise checks of notebook 06: right answers pass, blanks wait, wrong answers say why."""

from __future__ import annotations

import math

import numpy as np
import pytest

import dlbasics as dl
from dlbasics.exercises import ch06


def out(capsys: pytest.CaptureFixture[str]) -> str:
    return capsys.readouterr().out.strip()


def test_iterations_per_epoch(capsys: pytest.CaptureFixture[str]) -> None:
    # the rule agrees with what dl.fit actually does
    X, y = dl.make_blobs(ch06.N_SAMPLES // 100, rng=0)  # 500 samples, batch 128 -> 4 steps
    hist = dl.fit(dl.mlp([2, 2], rng=0), X, y, epochs=1, batch_size=ch06.BATCH_SIZE)
    assert hist.steps == math.ceil(X.shape[0] / ch06.BATCH_SIZE)
    ch06.check_iterations_per_epoch(391)
    assert out(capsys) == "✅ iterations per epoch: correct."
    ch06.check_iterations_per_epoch(...)
    assert out(capsys).startswith("⏳")
    ch06.check_iterations_per_epoch(390)
    assert "one more (smaller) batch" in out(capsys)
    ch06.check_iterations_per_epoch(50_000 / 128)
    assert "not a whole number" in out(capsys)
    ch06.check_iterations_per_epoch(6400)
    assert out(capsys).startswith("❌")
    ch06.check_iterations_per_epoch([391])
    assert "expected a whole number" in out(capsys)


def test_gd_steps(capsys: pytest.CaptureFixture[str]) -> None:
    p = np.array([1.0, 1.0])
    for _ in range(3):
        p = p - 0.1 * np.array([2 * p[0], 6 * p[1]])
    ch06.check_gd_steps(p)
    assert out(capsys) == "✅ GD steps: correct."
    ch06.check_gd_steps(None)
    assert out(capsys).startswith("⏳")
    ch06.check_gd_steps([0.8, 0.4])
    assert "after one step" in out(capsys)
    ch06.check_gd_steps([1.2**3, 1.6**3])
    assert "uphill" in out(capsys)
    ch06.check_gd_steps([0.512])
    assert "expected shape (2,)" in out(capsys)
    ch06.check_gd_steps([0.512, 0.1])
    assert "first wrong value at index [1]" in out(capsys)


def test_momentum_steps(capsys: pytest.CaptureFixture[str]) -> None:
    w, dw = np.array([1.0]), np.zeros(1)
    opt = dl.SGD([(w, dw)], lr=0.1, momentum=0.9)
    for _ in range(2):
        dw[:] = 2 * w
        opt.step()
    ch06.check_momentum_steps(w[0])  # the package and the check agree
    assert out(capsys) == "✅ momentum steps: correct."
    ch06.check_momentum_steps(...)
    assert out(capsys).startswith("⏳")
    ch06.check_momentum_steps(0.64)
    assert "plain gradient descent" in out(capsys)
    ch06.check_momentum_steps(0.8)
    assert "after one step" in out(capsys)
    ch06.check_momentum_steps(0.5)
    assert out(capsys).startswith("❌ momentum steps")


def test_adam_first_step(capsys: pytest.CaptureFixture[str]) -> None:
    w, dw = np.array([5.0]), np.array([100.0])
    dl.Adam([(w, dw)], lr=0.01).step()
    ch06.check_adam_first_step(w[0])
    msg = out(capsys)
    assert msg.startswith("✅ Adam step: correct.") and "whatever the gradient" in msg
    ch06.check_adam_first_step(...)
    assert out(capsys).startswith("⏳")
    ch06.check_adam_first_step(4.0)
    assert "plain SGD" in out(capsys)
    m, v = 0.1 * 100, 0.001 * 100**2  # moments without bias correction
    ch06.check_adam_first_step(5 - 0.01 * m / math.sqrt(v))
    assert "bias correction" in out(capsys)
    ch06.check_adam_first_step(4.9)
    assert out(capsys).startswith("❌ Adam step")
