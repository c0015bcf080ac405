"""Notebook 06's loss surfaces, descent paths and optimizer widgets, built headlessly."""

from __future__ import annotations

import base64
import os

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

import dlbasics as dl
from dlbasics.widgets import SURFACES, compare_optimizers, descent_path, optimizer_race, plot_contours
from dlbasics.widgets.optim import (
    OPTIMIZER_NAMES,
    OptimizerRace,
    build_optimizer,
    get_surface,
    make_optimizer,
    train_with_each,
)


class MyAdam(dl.Optimizer):
    """A learner's Adam, written as in notebook 06 (its own code, not a subclass of dl.Adam)."""

    def __init__(self, params, lr=0.001, betas=(0.9, 0.999), eps=1e-8):
        super().__init__(params, lr)
        self.betas, self.eps = betas, eps

    def update(self, p, g, state, scratch):
        beta1, beta2 = self.betas
        if "m" not in state:
            state["m"], state["v"] = np.zeros_like(p), np.zeros_like(p)
        state["m"] *= beta1
        state["m"] += (1 - beta1) * g
        state["v"] *= beta2
        state["v"] += (1 - beta2) * g * g
        m_hat = state["m"] / (1 - beta1 ** self.t)
        v_hat = state["v"] / (1 - beta2 ** self.t)
        p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


class Sign(dl.Optimizer):
    """Sign descent: a rule none of the library's optimizers follows."""

    def update(self, p, g, state, scratch):
        p -= self.lr * np.sign(g)


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
    with pytest.raises(ValueError, match="build_optimizer: unknown optimizer 'adagrad'"):
        build_optimizer("adagrad", [(p, g)], lr=0.1)
    with pytest.raises(TypeError, match="must derive from dl.Optimizer"):
        descent_path("bowl", dict)
    with pytest.raises(ValueError, match="unknown surface 'himmelblau'"):
        descent_path("himmelblau")
    with pytest.raises(ValueError, match="start must be a point"):
        descent_path("bowl", start=(1.0, 2.0, 3.0))
    with pytest.raises(ValueError, match="optimizer_race: unknown optimizer 'sgd'"):
        optimizer_race(optimizers=("sgd",))


def test_build_optimizer_uses_the_library() -> None:
    p, g = np.zeros(2), np.zeros(2)
    nesterov = build_optimizer("Nesterov", [(p, g)], lr=0.1, momentum=0.8)
    assert isinstance(nesterov, dl.SGD) and nesterov.nesterov and nesterov.momentum == 0.8
    assert build_optimizer("RMSprop", [(p, g)], lr=0.1, alpha=0.9).alpha == 0.9
    assert build_optimizer("Adam", [(p, g)], lr=0.1, betas=(0.8, 0.99)).betas == (0.8, 0.99)
    mine = build_optimizer(MyAdam, [(p, g)], lr=0.3)
    assert type(mine) is MyAdam and mine.lr == 0.3
    with pytest.warns(DeprecationWarning, match="build_optimizer"):
        old = make_optimizer("Momentum", [(p, g)], lr=0.1)
    assert isinstance(old, dl.SGD) and old.momentum == 0.9


def test_descent_path_runs_a_learners_class() -> None:
    mine = descent_path("valley", MyAdam, lr=0.05, steps=30, start=(-1.5, 2.0))
    np.testing.assert_allclose(mine, descent_path("valley", "Adam", lr=0.05, steps=30, start=(-1.5, 2.0)),
                               atol=1e-12)  # a correct Adam follows dl.Adam's path
    sign = descent_path("bowl", Sign, lr=0.1, steps=3, start=(1.0, 1.0))
    np.testing.assert_allclose(sign, [[1, 1], [0.9, 0.9], [0.8, 0.8], [0.7, 0.7]])


def paths_sent(ui, race: OptimizerRace) -> dict[str, np.ndarray]:
    """The polylines the canvas draws, by legend label (without the ": f = ..." or " (diverged)" tail)."""
    panel = race.canvas.scene["panels"][0]
    lines = ui.layers(race.canvas, 0, "line")
    labels = [e["label"] for e in panel["legend"] if e["kind"] in ("line", "dash")]
    return {lab.split(":")[0].removesuffix(" (diverged)"): np.column_stack([ln["x"], ln["y"]]).astype(float)
            for lab, ln in zip(labels, lines, strict=True)}


def test_optimizer_race_controls_redraw(ui, timed) -> None:
    box = optimizer_race("valley", ("SGD", "Momentum", "Adam"), steps=40)
    race, canvas = box.owner, box.owner.canvas
    assert "dlbasics-widget" in box._dom_classes and "dlbasics-plot" in canvas._dom_classes
    assert ui.controls(box)[0] is race.lr  # the learning rate is the first control
    assert canvas.frames == 1 and set(race.paths) == {"SGD", "Momentum", "Adam"}
    sent = paths_sent(ui, race)
    np.testing.assert_allclose(sent["SGD"], descent_path("valley", "SGD", steps=40), atol=1e-4)
    before, sgd_before = canvas.to_png(), race.paths["SGD"].copy()
    with timed("optimizer_race update (scene sent)"):
        race.lr.value = 0.04
    assert canvas.frames == 2 and canvas.to_png() != before
    assert not np.allclose(race.paths["SGD"][-1], sgd_before[-1])  # a larger step goes further
    np.testing.assert_allclose(paths_sent(ui, race)["SGD"], descent_path("valley", "SGD", lr=0.04, steps=40),
                               atol=1e-4)
    race.checks["Adam"].value = False
    assert "Adam" not in race.paths and "Adam" not in paths_sent(ui, race)
    race.checks["RMSprop"].value = True
    assert "RMSprop" in race.paths
    race.momentum.value = 0.5
    np.testing.assert_allclose(race.paths["Momentum"],
                               descent_path("valley", "Momentum", lr=0.04, steps=40, momentum=0.5))
    n = canvas.frames
    race.surface.value = "saddle"  # one redraw, the surface's own learning rate
    assert canvas.frames == n + 1 and race.lr.value == pytest.approx(SURFACES["saddle"].lr)
    np.testing.assert_allclose(race.paths["SGD"][0], SURFACES["saddle"].start)
    assert canvas.scene["panels"][0]["xlim"] == list(SURFACES["saddle"].xlim)
    race.steps.value = 60
    assert race.frame.max == 60 and race.frame.value == 60 and len(race.paths["SGD"]) == 61
    kept = race.paths["SGD"]
    race.frame.value = 10  # the play control moves this slider: fewer points drawn, no recomputing
    assert race.paths["SGD"] is kept
    assert {len(p) for p in paths_sent(ui, race).values()} == {11}
    assert "step 10 of 60" in canvas.scene["panels"][0]["title"]


def test_optimizer_race_races_a_learners_class(ui) -> None:
    race = optimizer_race("valley", optimizers=("SGD", "Adam", MyAdam, Sign), steps=30).owner
    assert list(race.checks)[-2:] == ["MyAdam", "Sign"] and race.checks["MyAdam"].value
    np.testing.assert_allclose(race.paths["MyAdam"], race.paths["Adam"], atol=1e-12)
    np.testing.assert_allclose(race.paths["Sign"], descent_path("valley", Sign, lr=race.lr.value, steps=30))
    sent = paths_sent(ui, race)
    assert {"SGD", "Adam", "MyAdam", "Sign"} == set(sent)
    colours = {ln["color"] for ln in ui.layers(race.canvas, 0, "line")}
    assert len(colours) == 4  # each optimizer its own colour
    race.lr.value = 0.05  # the class follows the learning rate like the others
    np.testing.assert_allclose(race.paths["Sign"], descent_path("valley", Sign, lr=0.05, steps=30))


def test_optimizer_race_picture_for_static_pages() -> None:
    box = optimizer_race("bowl", steps=10)
    png = base64.b64decode(box._repr_mimebundle_()["image/png"])
    box.owner.frame.value = 2
    assert png[:4] == b"\x89PNG" and base64.b64decode(box._repr_mimebundle_()["image/png"]) != png


def test_compare_optimizers_trains_each(ui, timed) -> None:
    box = compare_optimizers("moons", ("SGD", "Adam", MyAdam), epochs=10)
    cmp = box.owner
    assert ui.controls(box)[0] is cmp.lr_scale
    res = cmp.results
    assert set(res) == {"SGD", "Adam", "MyAdam"} and all(len(losses) == 10 for losses, _ in res.values())
    assert res["Adam"][0][-1] < res["Adam"][0][0]  # it learns
    assert "MyAdam 0.01" in cmp.lr_text.value
    before, adam_before = box.snapshot(), res["Adam"][0][-1]
    with timed("compare_optimizers update (training + figure)"):
        cmp.lr_scale.value = 3.0
    res = cmp.results
    assert box.snapshot() != before and res["Adam"][0][-1] != adam_before
    cmp.checks["SGD"].value = False
    assert set(cmp.results) == {"Adam", "MyAdam"}
    cmp.epochs.value = 15
    assert len(cmp.results["Adam"][0]) == 15
    with pytest.raises(ValueError, match="dataset must be one of"):
        compare_optimizers("mnist")


def test_train_with_each_is_fair_and_reproducible() -> None:
    X, y = dl.make_blobs(60, rng=0)
    a = train_with_each(OPTIMIZER_NAMES, X, y, sizes=[2, 4, 2], epochs=3)
    b = train_with_each(OPTIMIZER_NAMES, X, y, sizes=[2, 4, 2], epochs=3)
    assert a == b
    # a vanishing learning rate leaves every network at the same shared starting point
    tiny = train_with_each(OPTIMIZER_NAMES, X, y, sizes=[2, 4, 2], epochs=1, lr_scale=1e-9)
    firsts = [losses[0] for losses, _ in tiny.values()]
    assert max(firsts) - min(firsts) < 1e-5
    mine = train_with_each(["Adam", MyAdam], X, y, sizes=[2, 4, 2], epochs=3)  # a class, labelled by name
    np.testing.assert_allclose(mine["MyAdam"][0], mine["Adam"][0], rtol=1e-5)


def test_a_class_named_like_a_library_optimizer_keeps_its_own_entry() -> None:
    race = optimizer_race("bowl", optimizers=("Adam", dl.Adam), steps=10).owner
    assert {"Adam", "Adam (class)"} <= set(race.paths)
    np.testing.assert_allclose(race.paths["Adam (class)"], race.paths["Adam"])


def test_a_diverging_path_is_drawn_to_the_edge_only(ui) -> None:
    race = optimizer_race("bowl", ("SGD",), lr=0.3, steps=40).owner  # lr > 2/10: SGD diverges
    path = race.paths["SGD"]
    assert np.abs(path[-1]).max() >= 1e3
    s = SURFACES["bowl"]
    drawn = paths_sent(ui, race)["SGD"]
    span = np.array([s.xlim[1] - s.xlim[0], s.ylim[1] - s.ylim[0]])
    assert np.all(np.abs(drawn) <= np.array([s.xlim[1], s.ylim[1]]) + span + 1e-6)
    np.testing.assert_allclose(drawn[:-1], path[:len(drawn) - 1], atol=1e-4)  # the same path, cut
    last, prev = drawn[-1], path[len(drawn) - 2]
    u, v = last - prev, path[len(drawn) - 1] - prev
    cross = u[0] * v[1] - u[1] * v[0]  # zero: the cut point lies on the last segment
    assert abs(cross) < 1e-3 * np.linalg.norm(path[len(drawn) - 1] - prev) ** 2
    legend = [e["label"] for e in race.canvas.scene["panels"][0]["legend"]]
    assert "SGD (diverged)" in legend
