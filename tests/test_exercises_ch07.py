"""The exercise checks of notebook 07 print ✅ for a right answer, ⏳ for a blank one and ❌ with a reason."""

from __future__ import annotations

import numpy as np
import pytest

import dlbasics as dl
from dlbasics.exercises import ch07


def out(capsys: pytest.CaptureFixture[str]) -> str:
    return capsys.readouterr().out.strip()


def test_n_params(capsys: pytest.CaptureFixture[str]) -> None:
    ch07.check_n_params(dl.mlp([784, 128, 64, 10], rng=0).n_params)
    msg = out(capsys)
    assert msg.startswith("✅") and "109,386" in msg
    ch07.check_n_params(109_386.0)  # a float that is a whole number is fine
    assert out(capsys).startswith("✅")
    for blank in (..., None):
        ch07.check_n_params(blank)
        assert out(capsys).startswith("⏳")
    ch07.check_n_params(784 * 128 + 128 * 64 + 64 * 10)
    msg = out(capsys)
    assert msg.startswith("❌") and "bias" in msg and "202" in msg
    ch07.check_n_params(128 + 64 + 10)
    msg = out(capsys)
    assert msg.startswith("❌") and "biases only" in msg
    ch07.check_n_params(784 * 128 + 128 * 64 + 64 * 10 + 784 + 128 + 64)
    msg = out(capsys)
    assert msg.startswith("❌") and "not per input" in msg
    ch07.check_n_params(100_000)
    msg = out(capsys)
    assert msg.startswith("❌") and "(784 × 128 + 128)" in msg
    ch07.check_n_params("many")
    msg = out(capsys)
    assert msg.startswith("❌") and "whole number" in msg
    ch07.check_n_params(7, sizes=(2, 2, 1))  # 2*2+2 + 2*1+1 = 9
    assert out(capsys).startswith("❌")
    ch07.check_n_params(9, sizes=(2, 2, 1))
    assert out(capsys).startswith("✅")


def test_steps_per_epoch(capsys: pytest.CaptureFixture[str]) -> None:
    ch07.check_steps_per_epoch(860)
    msg = out(capsys)
    assert msg.startswith("✅") and "859 full batches and one of 24" in msg
    ch07.check_steps_per_epoch(...)
    assert out(capsys).startswith("⏳")
    ch07.check_steps_per_epoch(859)
    msg = out(capsys)
    assert msg.startswith("❌") and "round up" in msg and "24 images" in msg
    ch07.check_steps_per_epoch(55_000 / 64)
    msg = out(capsys)
    assert msg.startswith("❌") and "not a whole number" in msg
    ch07.check_steps_per_epoch(55_000 * 64)
    msg = out(capsys)
    assert msg.startswith("❌") and "don't multiply" in msg
    ch07.check_steps_per_epoch(1000)
    msg = out(capsys)
    assert msg.startswith("❌") and "55,000" in msg
    ch07.check_steps_per_epoch([860])
    assert out(capsys).startswith("❌")
    ch07.check_steps_per_epoch(10, n=100, batch_size=10)  # no partial batch
    assert out(capsys).startswith("✅")


def confusion() -> np.ndarray:
    """A 3-class confusion matrix whose row and column sums differ."""
    return np.array([[8, 1, 1],
                     [2, 5, 3],
                     [0, 0, 10]])


def test_recall(capsys: pytest.CaptureFixture[str]) -> None:
    cm = confusion()
    ch07.check_recall(np.diag(cm) / cm.sum(axis=1), cm)
    msg = out(capsys)
    assert msg.startswith("✅") and "hardest digit to recognise is 1 (50.0% right)" in msg
    ch07.check_recall(..., cm)
    assert out(capsys).startswith("⏳")
    ch07.check_recall(np.diag(cm) / cm.sum(axis=0), cm)  # precision, not recall
    msg = out(capsys)
    assert msg.startswith("❌") and "column sums" in msg
    ch07.check_recall(np.diag(cm), cm)
    msg = out(capsys)
    assert msg.startswith("❌") and "counts" in msg
    ch07.check_recall(100 * np.diag(cm) / cm.sum(axis=1), cm)
    msg = out(capsys)
    assert msg.startswith("❌") and "percentages" in msg
    ch07.check_recall(np.array([0.8, 0.5]), cm)
    msg = out(capsys)
    assert msg.startswith("❌") and "shape (3,)" in msg
    answer = np.diag(cm) / cm.sum(axis=1)
    answer[2] = 0.9
    ch07.check_recall(answer, cm)
    msg = out(capsys)
    assert msg.startswith("❌") and "digit 2" in msg and "1.0000" in msg
    ch07.check_recall(np.array(["a", "b", "c"]), cm)
    assert out(capsys).startswith("❌")
    with pytest.raises(ValueError, match="square"):
        ch07.check_recall(answer, np.zeros((3, 2)))
