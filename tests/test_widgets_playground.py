"""The MLP playground of notebook 04 and its plots, built headlessly: every control changes what
the kernel would send to the browser, Play trains in the event loop, Pause stops it, Step trains
exactly one epoch."""

from __future__ import annotations

import asyncio
import math

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
import pytest

import dlbasics as dl
from dlbasics.widgets import draw_network, mlp_playground, plot_hidden_lines, plot_hidden_units
from dlbasics.widgets.playground import (
    FEATURES,
    GRID,
    NEGATIVE,
    POSITIVE,
    Playground,
    _blend,
    _draw_boundary,
    feature_matrix,
)


@pytest.fixture
def pg() -> Playground:
    return mlp_playground("xor", hidden=(4,), activation="tanh", epochs_per_click=60, frames=3).playground


def output_image(ui, pg: Playground) -> np.ndarray:
    """The big picture's RGBA pixels (panel 1 of the scene)."""
    (img,) = ui.layers(pg.canvas, 1, "image")
    return ui.image_of(pg.canvas, img)


def first_slider(box: W.Box) -> W.Widget:
    """The slider a browser test moves: the first visible slider of the controls, in DOM order."""
    def walk(w: W.Widget):
        if isinstance(w, (W.IntSlider, W.FloatSlider, W.FloatLogSlider)):
            yield w
        for child in getattr(w, "children", ()):
            yield from walk(child)

    return next(walk(box))


def test_exports(widget_exports: set[str]) -> None:
    names = {"mlp_playground", "draw_network", "plot_hidden_lines", "plot_hidden_units", "plot_probabilities"}
    assert names <= widget_exports


def test_initial_state(ui, pg: Playground) -> None:
    assert "dlbasics-widget" in pg.widget._dom_classes and "dlbasics-plot" in pg.canvas._dom_classes
    assert pg.canvas.frames == 1  # drawn at creation
    assert [d.W.shape for d in pg.model.dense_layers] == [(2, 4), (4, 1)]
    assert pg.model.output_kind == "sigmoid" and pg.epoch == 0
    assert "epoch 0" in pg.c.status.value
    assert output_image(ui, pg).shape == (GRID, GRID, 4)
    assert len(pg.train_idx) == 100 and len(pg.test_idx) == 100  # 50 % training data
    assert not set(pg.train_idx) & set(pg.test_idx)
    panels = pg.canvas.scene["panels"]
    assert [p["title"].split(":")[0] for p in panels] == ["the network", "output", "loss"]
    # one hotspot per node: 2 inputs, 4 hidden units, the output
    ids = [h[4] for h in panels[0]["hotspots"]]
    assert ids == ["in:0", "in:1", "h:1:1", "h:1:2", "h:1:3", "h:1:4", "out"]


def test_step_trains_exactly_one_epoch(pg: Playground) -> None:
    w_before = [p.copy() for p, _ in pg.model.parameters()]
    frames = pg.canvas.frames
    pg.c.step.click()
    assert pg.epoch == 1
    assert pg.steps == math.ceil(len(pg.train_idx) / pg.c.batch.value)  # one epoch of batches of 10
    assert pg.canvas.frames == frames + 1  # and one redraw
    assert not all(np.array_equal(a, p) for a, (p, _) in zip(w_before, pg.model.parameters(), strict=True))
    assert len(pg.history["train"]) == len(pg.history["test"]) == 2  # epoch 0 and epoch 1
    pg.c.batch.value = 25
    pg.c.step.click()
    assert pg.steps == 10 + 4 and pg.epoch == 2


def test_play_trains_in_the_event_loop_and_pause_stops_it(ui, pg: Playground) -> None:
    async def scenario() -> tuple[int, int, int, bytes, bytes]:
        start_pixels = pg.canvas.pixels
        pg.c.play.value = True  # the Play button
        assert pg.c.play.description == "Pause"
        await asyncio.sleep(0.6)
        pg.c.play.value = False  # Pause
        epochs_at_pause, frames_at_pause = pg.epoch, pg.canvas.frames
        paused_pixels = pg.canvas.pixels
        await asyncio.sleep(0.3)
        return epochs_at_pause, frames_at_pause, pg.epoch, start_pixels, paused_pixels

    at_pause, frames, later, before, after = asyncio.run(scenario())
    assert at_pause >= 3  # about 20 frames a second, one epoch each (a busy machine gives fewer)
    assert frames >= at_pause + 1  # one redraw per epoch trained
    assert later == at_pause  # pause stopped the training
    assert after != before  # the picture changed while playing
    assert not pg.ticker.running and pg.c.play.description == "Play"


def test_controls_reach_the_training_while_playing(pg: Playground) -> None:
    async def scenario() -> None:
        pg.c.play.value = True
        await asyncio.sleep(0.15)
        pg.c.lr.value = 0.1  # a slider moved while training takes effect at once
        pg.c.l2.value = 0.01
        await asyncio.sleep(0.15)
        pg.c.play.value = False

    asyncio.run(scenario())
    assert pg.optimizer.lr == pytest.approx(0.1) and pg.optimizer.weight_decay == 0.01
    assert pg.epoch >= 2


def test_feature_toggle_changes_inputs_and_boundary(ui, pg: Playground) -> None:
    pg.train(40)
    before = output_image(ui, pg).copy()
    product = next(t for t in pg.c.features if t.description == "x₁x₂")
    product.value = True  # XOR is x1·x2 < 0: one feature solves it
    assert pg.features == ["x₁", "x₂", "x₁x₂"]
    assert pg.model.dense_layers[0].W.shape == (3, 4) and pg.epoch == 0
    assert not np.array_equal(output_image(ui, pg), before)
    texts = [t["text"] for t in ui.layers(pg.canvas, 0, "text")]
    assert "x₁x₂" in texts  # the new input node is labelled
    pg.train(60)
    assert dl.accuracy(pg.model, feature_matrix(pg.X, pg.features), pg.y) >= 0.9


def test_feature_matrix() -> None:
    X = np.array([[0.5, -2.0], [1.0, 3.0]])
    F = feature_matrix(X, list(FEATURES))
    expected = np.column_stack([X[:, 0], X[:, 1], X[:, 0] ** 2, X[:, 1] ** 2, X[:, 0] * X[:, 1],
                                np.sin(np.pi * X[:, 0]), np.sin(np.pi * X[:, 1])])
    np.testing.assert_allclose(F, expected)
    with pytest.raises(ValueError, match=r"feature_matrix: expected points of shape \(N, 2\), got \(2,\)"):
        feature_matrix([1.0, 2.0], ["x₁"])
    with pytest.raises(ValueError, match="choose at least one of"):
        feature_matrix(X, [])


def test_hovering_a_unit_shows_its_own_output(ui, pg: Playground) -> None:
    pg.train(20)
    network_picture = output_image(ui, pg).copy()
    pg.canvas.hover = "h:1:3"  # what the browser sets when the mouse is over unit 3
    assert "unit 3 of hidden layer 1" in pg.canvas.scene["panels"][1]["title"]
    shown = output_image(ui, pg)
    assert not np.array_equal(shown, network_picture)
    # the picture is unit 3's tanh output on the grid, computed by the layers themselves
    G = pg.G
    h = pg.model.layers[1].forward(pg.model.layers[0].forward(feature_matrix(G, pg.features)))[:, 2]
    top = np.abs(h).max()
    from dlbasics.widgets._canvas import colormap_rgba
    from dlbasics.widgets.playground import UNIT_CMAP

    expected = colormap_rgba(h, UNIT_CMAP, -top, top).reshape(GRID, GRID, 4)[::-1]
    assert np.array_equal(shown, expected)
    rects = ui.layers(pg.canvas, 0, "rect")
    assert sum(r["width"] > 1 for r in rects) == 1  # the shown node is outlined
    pg.canvas.hover = ""
    assert np.array_equal(output_image(ui, pg), network_picture)
    pg.canvas.clicked = "in:0"  # a click pins a node
    assert "input x₁" in pg.canvas.scene["panels"][1]["title"]


def test_layers_and_neurons(pg: Playground) -> None:
    pg.c.n_layers.value = 2
    pg.c.neurons[1].value = 3
    assert [d.W.shape for d in pg.model.dense_layers] == [(2, 4), (4, 3), (3, 1)]
    assert pg.c.neurons[1].layout.display == "" and pg.c.neurons[2].layout.display == "none"
    assert pg.c.noise.layout.display != "none"  # hiding one control hides no other
    pg.c.n_layers.value = 0  # no hidden layer: logistic regression
    assert [d.W.shape for d in pg.model.dense_layers] == [(2, 1)]
    assert first_slider(pg.widget) is pg.c.noise


def test_noise_and_split_make_new_data(pg: Playground) -> None:
    X0 = pg.X.copy()
    frames = pg.canvas.frames
    pg.c.noise.value = 0.3
    assert not np.array_equal(pg.X, X0) and pg.canvas.frames == frames + 1
    pg.c.train_pct.value = 80
    assert len(pg.train_idx) == 160 and len(pg.test_idx) == 40
    X1 = pg.X.copy()
    pg.c.regenerate.click()
    assert not np.array_equal(pg.X, X1)


def test_training_solves_xor_and_reports_test_loss(ui, pg: Playground) -> None:
    pg.train(150)
    F = feature_matrix(pg.X, pg.features)
    assert dl.accuracy(pg.model, F[pg.train_idx], pg.y[pg.train_idx]) >= 0.9
    assert pg.history["test"][-1] < pg.history["test"][0]
    lines = ui.layers(pg.canvas, 2, "line")
    assert len(lines) == 2 and len(lines[1]["y"]) == pg.epoch + 1  # training and test loss per epoch
    assert np.allclose(lines[1]["y"], pg.history["test"], atol=1e-4)
    assert f"epoch {pg.epoch}" in pg.c.status.value


def test_reset_gives_new_weights(pg: Playground) -> None:
    pg.train()
    w_trained = pg.model.get_weights()
    pg.c.reset.click()
    assert pg.epoch == 0
    w_new = pg.model.get_weights()
    assert not np.array_equal(w_trained[0], w_new[0])
    fresh = dl.mlp([2, 4, 1], activation="tanh", output="sigmoid", rng=pg._init_seed)
    np.testing.assert_array_equal(w_new[0], fresh.get_weights()[0])


def test_divergence_pauses_and_says_so(pg: Playground) -> None:
    assert pg.tick() is False and pg.epoch == 0  # not playing: a stray frame does nothing
    for p, _ in pg.model.parameters():
        p[...] = np.nan  # what a far too large learning rate ends in

    async def scenario() -> None:
        pg.c.play.value = True
        await asyncio.sleep(0.3)

    asyncio.run(scenario())
    assert pg.c.play.value is False and not pg.ticker.running  # it paused itself
    assert pg.diverged and "NaN" in pg.c.status.value and pg.epoch == 0


def test_spirals_get_one_output_per_class(ui, pg: Playground) -> None:
    pg.c.dataset.value = "spirals"
    assert pg.k == 3 and pg.model.n_out == 3 and pg.model.output_kind == "logits"
    before = output_image(ui, pg).copy()
    pg.train(20)
    assert not np.array_equal(output_image(ui, pg), before) and pg.epoch == 20


@pytest.mark.parametrize("activation", ["relu", "leaky_relu", "sigmoid"])
def test_activation_dropdown(pg: Playground, activation: str) -> None:
    pg.c.activation.value = activation
    kinds = {type(layer).__name__.lower() for layer in pg.model.layers}
    assert activation.replace("_", "") in kinds


def test_old_call_signature_and_bad_arguments() -> None:
    pg = mlp_playground("moons", hidden=(3, 0), activation="relu", lr=0.01, n=120, epochs_per_click=5,
                        frames=1, rng=2).playground
    assert pg.hidden == [3] and len(pg.y) == 120  # a 0-unit second layer means one hidden layer
    with pytest.raises(ValueError, match="dataset must be one of"):
        mlp_playground("mnist")
    with pytest.raises(ValueError, match="activation must be one of"):
        mlp_playground(activation="softmax")
    with pytest.raises(ValueError, match="at most 4 layer sizes"):
        mlp_playground(hidden=(4, 4, 4, 4, 4))


def test_static_page_picture(pg: Playground) -> None:
    bundle = pg.widget._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle and bundle["image/png"]


def test_draw_network_edges_show_size_and_sign() -> None:
    net = dl.mlp([3, 4, 4, 1], output="sigmoid", init="uniform", rng=0)
    fig, ax = plt.subplots()
    edges = draw_network(ax, net)
    w = np.concatenate([d.W.ravel() for d in net.dense_layers])
    assert len(edges.get_segments()) == w.size == 32
    widths = np.asarray(edges.get_linewidths())
    order = np.argsort(np.abs(w))
    assert np.all(np.diff(widths[order]) >= 0)  # bigger weight, wider edge
    colors = edges.get_colors()
    pos, neg = plt.matplotlib.colors.to_rgba(POSITIVE), plt.matplotlib.colors.to_rgba(NEGATIVE)
    for c, value in zip(colors, w, strict=True):
        assert tuple(c) == (pos if value >= 0 else neg)
    # edge k of the first layer joins input i to unit j, with k = i * n_out + j
    seg = edges.get_segments()[1 * 4 + 2]  # W[1, 2]: input 2 -> hidden unit 3
    assert seg[0][0] == 0 and seg[1][0] == 1
    texts = [t.get_text() for t in ax.texts]
    assert {"x1", "x2", "x3", "ŷ"} <= set(texts)
    assert any("hidden 2" in t and "ReLU" in t for t in texts)
    plt.close(fig)


def test_hidden_lines_lie_on_each_units_line() -> None:
    net = dl.mlp([2, 3, 1], rng=0)
    first = net.dense_layers[0]
    first.b[:] = [0.1, -0.2, 0.3]
    fig, ax = plt.subplots()
    ax.set_xlim(-2, 2)
    ax.set_ylim(-2, 2)
    lines = plot_hidden_lines(ax, net)
    assert len(lines) == 3
    for j, line in enumerate(lines):
        x1, x2 = (np.asarray(v) for v in line.get_data())
        z = first.W[0, j] * x1 + first.W[1, j] * x2 + first.b[j]
        np.testing.assert_allclose(z, 0, atol=1e-5)
    assert ax.get_xlim() == (-2, 2)
    with pytest.raises(ValueError, match="2 inputs"):
        plot_hidden_lines(ax, dl.mlp([3, 2, 1], rng=0))
    plt.close(fig)


def test_plot_hidden_units_one_panel_per_unit() -> None:
    X, y = dl.make_circles(100, rng=0)
    net = dl.mlp([2, 3, 1], activation="tanh", output="sigmoid", rng=0)
    fig = plot_hidden_units(net, X, y, res=20)
    assert len(fig.axes) == 4
    v = net.dense_layers[1].W[:, 0]
    assert f"{v[0]:+.2f}" in fig.axes[0].get_title() and fig.axes[-1].get_title() == "output"
    plt.close(fig)


def test_blend_and_boundary() -> None:
    proba = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5], [0.5, 0.5]])
    img = _blend(proba, 2, 0.5)
    assert img.shape == (2, 2, 3) and np.all((img >= 0) & (img <= 1))
    assert not np.allclose(img[0, 0], img[0, 1])  # the two classes get different colours
    xx, yy = np.meshgrid(np.linspace(-1, 1, 30), np.linspace(-1, 1, 30))
    p1 = (xx.ravel() > 0).astype(float) * 0.8 + 0.1  # class 1 on the right
    fig, ax = plt.subplots()
    (cs,) = _draw_boundary(ax, xx, yy, np.column_stack([1 - p1, p1]))
    verts = np.concatenate([p.vertices for p in cs.get_paths()])
    assert np.all(np.abs(verts[:, 0]) < 0.1)  # the boundary is the line x1 = 0
    assert _draw_boundary(ax, xx, yy, np.column_stack([np.ones(900), np.zeros(900)])) == []
    plt.close(fig)
