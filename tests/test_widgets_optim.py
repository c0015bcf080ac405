"""Notebook 06's loss surfaces, descent paths and optimizer widgets, built headlessly."""

from __future__ import annotations

import os
import time

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from helpers import png, record_displayed
from matplotlib.figure import Figure

import dlbasics as dl
from dlbasics.widgets import SURFACES, compare_optimizers, descent_path, optimizer_race, plot_contours
from dlbasics.widgets.optim import OPTIMIZER_NAMES, get_surface, make_optimizer, train_with_each


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[Figure]:
    """Record every figure the widgets display, rendered to PNG as the inline backend does."""
    return record_displayed(monkeypatch)


def test_exports() -> None:
    import dlbasics.widgets as widgets

    assert {"optimizer_race", "compare_optimizers", "descent_path", "plot_contours", "SURFACES"} <= set(
        widgets.__all__)


@pytest.mark.parametrize("name", list(SURFACES))
def test_surface_gradients_and_minima(name: str) -> None:
    s = SURFACES[name]
    rng = np.random.default_rng(0)
    h = 1e-6
    for p in rng.uniform([s.xlim[0], s.ylim[0]], [s.xlim[1], s.ylim[1]], size=(5, 2)):
        num = [(s(p + h * e) - s(p - h * e)) / (2 * h) for e in np.eye(2)]
        np.testing.assert_allclose(s.grad(p), num, rtol=1e-5, atol=1e-6)
    for m in s.minima:
        m = np.array(m)
        np.testing.assert_allclose(s.grad(m), 0, atol=1e-9)  # stationary ...
        around = [s(m + 1e-3 * np.array([np.cos(t), np.sin(t)])) for t in np.linspace(0, 2 * np.pi, 12)]
        assert min(around) > s(m)  # ... and lowest in its neighbourhood
    x0, y0 = s.start
    assert s.xlim[0] < x0 < s.xlim[1] and s.ylim[0] < y0 < s.ylim[1]


def test_two_minima_has_a_global_and_a_local_minimum() -> None:
    s = SURFACES["two_minima"]
    (xl, _), (xr, _) = s.minima
    assert s((xl, 0)) < s((xr, 0))
    # greedy: from the default start, gradient descent ends in the *local* (right) minimum
    end = descent_path(s, "SGD", lr=0.05, steps=300)[-1]
    np.testing.assert_allclose(end, [xr, 0], atol=1e-3)
    end_left = descent_path(s, "SGD", lr=0.05, steps=300, start=(-0.3, 1.5))[-1]
    np.testing.assert_allclose(end_left, [xl, 0], atol=1e-3)


def test_sgd_path_on_the_bowl_is_the_closed_form() -> None:
    lr, k = 0.1, np.arange(21)
    path = descent_path("bowl", "SGD", lr=lr, steps=20, start=(-4.0, 1.5))
    expected = np.column_stack([-4.0 * (1 - lr) ** k, 1.5 * (1 - 10 * lr) ** k])  # grad = (x, 10 y)
    np.testing.assert_allclose(path, expected, atol=1e-12)


def test_momentum_and_adam_paths_follow_their_update_rules() -> None:
    s = get_surface("valley")
    # heavy ball, PyTorch convention: b = g (first step), b = μ b + g, p -= lr b
    p, b = np.array(s.start), None
    manual = [p.copy()]
    for _ in range(10):
        g = s.grad(p)
        b = g.copy() if b is None else 0.9 * b + g
        p = p - 0.01 * b
        manual.append(p.copy())
    np.testing.assert_allclose(descent_path(s, "Momentum", lr=0.01, steps=10, momentum=0.9), manual)
    # Adam with bias correction
    p, m, v = np.array(s.start), np.zeros(2), np.zeros(2)
    manual = [p.copy()]
    for t in range(1, 11):
        g = s.grad(p)
        m, v = 0.8 * m + 0.2 * g, 0.99 * v + 0.01 * g * g
        p = p - 0.05 * (m / (1 - 0.8**t)) / (np.sqrt(v / (1 - 0.99**t)) + 1e-8)
        manual.append(p.copy())
    np.testing.assert_allclose(descent_path(s, "Adam", lr=0.05, steps=10, betas=(0.8, 0.99)), manual)


def test_divergence_stops_the_path() -> None:
    path = descent_path("bowl", "SGD", lr=0.25, steps=500)  # lr > 2/10: the y direction explodes
    assert len(path) < 501
    assert np.abs(path[-1]).max() >= 1e3 and np.all(np.isfinite(path))
    fig, ax = plt.subplots()
    plot_contours(ax, "bowl", {"SGD": path, "ok": descent_path("bowl", "SGD", lr=0.1, steps=20)})
    labels = ax.get_legend_handles_labels()[1]
    assert "SGD (diverged)" in labels and "ok" in labels and "global minimum" in labels
    plt.close(fig)


def test_unknown_names_are_reported() -> None:
    p, g = np.zeros(2), np.zeros(2)
    with pytest.raises(ValueError, match="unknown optimizer 'adagrad'"):
        make_optimizer("adagrad", [(p, g)], lr=0.1)
    with pytest.raises(ValueError, match="unknown surface 'himmelblau'"):
        descent_path("himmelblau")
    with pytest.raises(ValueError, match="start must be a point"):
        descent_path("bowl", start=(1.0, 2.0, 3.0))
    with pytest.raises(ValueError, match="unknown optimizer 'sgd'"):
        optimizer_race(optimizers=("sgd",))


def test_optimizer_race_controls_redraw(shown: list[Figure]) -> None:
    box = optimizer_race("valley", ("SGD", "Momentum", "Adam"), steps=40)
    assert "dlbasics-widget" in box._dom_classes
    c = box._dlbasics_controls
    panel = box.children[-1].children[0]
    assert panel.children[0] is c["lr"]  # the learning rate is the first control
    assert len(shown) == 1 and set(c["paths"]) == {"SGD", "Momentum", "Adam"}
    before, sgd_before = png(shown[-1]), c["paths"]["SGD"].copy()
    t0 = time.perf_counter()
    c["lr"].value = 0.04
    print(f"\noptimizer_race redraw: {1000 * (time.perf_counter() - t0):.0f} ms")
    assert len(shown) == 2 and png(shown[-1]) != before
    assert not np.allclose(c["paths"]["SGD"][-1], sgd_before[-1])  # a larger step goes further
    c["optimizers"]["Adam"].value = False
    assert "Adam" not in c["paths"]
    c["optimizers"]["RMSprop"].value = True
    assert "RMSprop" in c["paths"]
    c["momentum"].value = 0.5
    np.testing.assert_allclose(c["paths"]["Momentum"],
                               descent_path("valley", "Momentum", lr=0.04, steps=40, momentum=0.5))
    n = len(shown)
    c["surface"].value = "saddle"  # one redraw, the surface's own learning rate
    assert len(shown) == n + 1 and c["lr"].value == pytest.approx(SURFACES["saddle"].lr)
    np.testing.assert_allclose(c["paths"]["SGD"][0], SURFACES["saddle"].start)
    c["steps"].value = 60
    assert c["frame"].max == 60 and c["frame"].value == 60 and len(c["paths"]["SGD"]) == 61
    c["frame"].value = 10  # the play control moves this slider: fewer points drawn
    ax = shown[-1].axes[0]
    lengths = [len(line.get_xdata()) for line in ax.lines if line.get_marker() == "o"
               and len(line.get_xdata()) > 1]
    assert lengths and max(lengths) == 11


def test_compare_optimizers_trains_each(shown: list[Figure]) -> None:
    box = compare_optimizers("moons", ("SGD", "Adam"), epochs=10)
    c = box._dlbasics_controls
    panel = box.children[-1].children[0]
    assert panel.children[0] is c["lr_scale"]
    res = c["results"]
    assert set(res) == {"SGD", "Adam"} and all(len(losses) == 10 for losses, _ in res.values())
    assert res["Adam"][0][-1] < res["Adam"][0][0]  # it learns
    before, adam_before = png(shown[-1]), res["Adam"][0][-1]
    t0 = time.perf_counter()
    c["lr_scale"].value = 3.0
    print(f"\ncompare_optimizers redraw: {1000 * (time.perf_counter() - t0):.0f} ms")
    assert png(shown[-1]) != before and res["Adam"][0][-1] != adam_before
    c["optimizers"]["SGD"].value = False
    assert set(res) == {"Adam"}
    c["epochs"].value = 15
    assert len(res["Adam"][0]) == 15


def test_train_with_each_is_fair_and_reproducible() -> None:
    X, y = dl.make_blobs(60, rng=0)
    a = train_with_each(OPTIMIZER_NAMES, X, y, sizes=[2, 4, 2], epochs=3)
    b = train_with_each(OPTIMIZER_NAMES, X, y, sizes=[2, 4, 2], epochs=3)
    assert a == b
    # a vanishing learning rate leaves every network at the same shared starting point
    tiny = train_with_each(OPTIMIZER_NAMES, X, y, sizes=[2, 4, 2], epochs=1, lr_scale=1e-9)
    firsts = [losses[0] for losses, _ in tiny.values()]
    assert max(firsts) - min(firsts) < 1e-5
