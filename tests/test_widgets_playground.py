"""The MLP playground of notebook 04 and its plots, built headlessly."""

from __future__ import annotations

import os
import time

os.environ.setdefault("MPLBACKEND", "Agg")

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
import pytest
from helpers import output_png

import dlbasics as dl
from dlbasics.widgets import draw_network, mlp_playground, plot_hidden_lines, plot_hidden_units
from dlbasics.widgets.playground import NEGATIVE, POSITIVE, Playground, _blend, _draw_boundary


def image(pg: Playground) -> str:
    """The PNG (base64) the widget's output area currently shows."""
    return output_png(pg.out)


def first_slider(box: W.Box) -> W.Widget:
    """The slider a browser test moves: the first slider of the control panel, in DOM order."""
    body = box.children[-1]
    panel = body.children[0].children
    return next(c for c in panel if isinstance(c, (W.IntSlider, W.FloatSlider, W.FloatLogSlider)))


@pytest.fixture
def pg() -> Playground:
    return mlp_playground("xor", hidden=(4,), activation="tanh", epochs_per_click=60, frames=3).playground


def test_exports() -> None:
    import dlbasics.widgets as widgets

    names = {"mlp_playground", "draw_network", "plot_hidden_lines", "plot_hidden_units", "plot_probabilities"}
    assert names <= set(widgets.__all__)


def test_initial_state(pg: Playground) -> None:
    assert "dlbasics-widget" in pg.widget._dom_classes and "dlbasics-plot" in pg.out._dom_classes
    assert image(pg)  # drawn at creation
    assert [d.W.shape for d in pg.model.dense_layers] == [(2, 4), (4, 1)]
    assert pg.model.output_kind == "sigmoid" and pg.epoch == 0
    assert "epoch 0" in pg.status.value


def test_first_slider_rebuilds_the_network_and_redraws(pg: Playground) -> None:
    slider = first_slider(pg.widget)
    assert slider is pg.units1
    before = image(pg)
    start = time.perf_counter()
    slider.value = 6
    print(f"\nnew architecture + redraw: {1000 * (time.perf_counter() - start):.0f} ms")
    assert image(pg) != before
    assert [d.W.shape for d in pg.model.dense_layers] == [(2, 6), (6, 1)]
    pg.units2.value = 3  # a second hidden layer
    assert [d.W.shape for d in pg.model.dense_layers] == [(2, 6), (6, 3), (3, 1)]
    assert len(pg._edges.get_segments()) == 2 * 6 + 6 * 3 + 3


def test_train_button_trains_and_redraws_while_training(pg: Playground, monkeypatch) -> None:
    shown: list[str] = []
    real = Playground.draw

    def counting_draw(self: Playground) -> None:
        real(self)
        shown.append(image(self))

    monkeypatch.setattr(Playground, "draw", counting_draw)
    w_before = pg.model.get_weights()
    start = time.perf_counter()
    pg.train_button.click()
    print(f"\none Train click (60 epochs, 3 frames): {time.perf_counter() - start:.2f} s")
    assert pg.epoch == 60 and len(pg.losses) == 60
    assert not all(np.array_equal(a, b) for a, b in zip(w_before, pg.model.get_weights(), strict=True))
    assert len(shown) == 3 and len(set(shown)) == 3  # one figure updated three times during training
    assert pg.losses[-1] < pg._loss0
    assert "epoch 60" in pg.status.value


def test_training_solves_xor(pg: Playground) -> None:
    for _ in range(6):
        pg.train()
    assert dl.accuracy(pg.model, pg.X, pg.y) >= 0.95
    assert "accuracy 9" in pg.status.value or "accuracy 100" in pg.status.value


def test_reset_gives_new_weights(pg: Playground) -> None:
    pg.train()
    w_trained = pg.model.get_weights()
    pg.reset_button.click()
    assert pg.epoch == 0
    w_new = pg.model.get_weights()
    assert not np.array_equal(w_trained[0], w_new[0])
    fresh = dl.mlp([2, 4, 1], activation="tanh", output="sigmoid", rng=pg._init_seed)
    np.testing.assert_array_equal(w_new[0], fresh.get_weights()[0])


def test_learning_rate_reaches_the_optimizer(pg: Playground) -> None:
    pg.lr.value = 0.1
    assert pg.optimizer.lr == pytest.approx(0.1)


def test_spirals_get_one_output_per_class(pg: Playground) -> None:
    pg.dataset.value = "spirals"
    assert pg.k == 3 and pg.model.n_out == 3 and pg.model.output_kind == "logits"
    before = image(pg)
    pg.train()
    assert image(pg) != before and pg.epoch == 60


@pytest.mark.parametrize("activation", ["relu", "leaky_relu", "sigmoid"])
def test_activation_dropdown(pg: Playground, activation: str) -> None:
    pg.activation.value = activation
    kinds = {type(layer).__name__.lower() for layer in pg.model.layers}
    assert activation.replace("_", "") in kinds


def test_bad_arguments_are_explained() -> None:
    with pytest.raises(ValueError, match="dataset must be one of"):
        mlp_playground("mnist")
    with pytest.raises(ValueError, match="activation must be one of"):
        mlp_playground(activation="softmax")
    with pytest.raises(ValueError, match="1 or 2 layer sizes"):
        mlp_playground(hidden=(4, 4, 4))


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

