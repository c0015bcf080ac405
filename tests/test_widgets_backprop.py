"""Notebook 05's backpropagation helpers and widget, built headlessly."""

from __future__ import annotations

import os
import time

os.environ.setdefault("MPLBACKEND", "Agg")

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
import pytest
from helpers import numeric_grad, png, record_displayed, rel_error
from matplotlib.figure import Figure

import dlbasics as dl
from dlbasics.widgets import BackpropTrace, backprop_stepper, plot_neuron_graph
from dlbasics.widgets.backprop import draw_trace


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[Figure]:
    """Record every figure the widget displays, rendered to PNG as the inline backend does."""
    return record_displayed(monkeypatch)


def grey_pixels(fig: Figure) -> int:
    """Cells of the block image still shown as 'not computed yet' (RGB 0.9, 0.9, 0.9)."""
    canvas = np.asarray(fig.axes[0].images[0].get_array())
    return int(np.all(np.isclose(canvas[..., :3], 0.9), axis=-1).sum())


def test_exports() -> None:
    import dlbasics.widgets as widgets

    assert {"backprop_stepper", "plot_neuron_graph", "BackpropTrace"} <= set(widgets.__all__)


def test_neuron_graph_matches_finite_differences() -> None:
    x, w, b, y = 1.5, 0.8, -0.2, 1.0
    g = plot_neuron_graph(x, w, b, y)
    plt.close("all")

    def loss(w_: float, b_: float, x_: float) -> float:
        return float((dl.sigmoid(w_ * x_ + b_) - y) ** 2)

    h = 1e-6
    assert g["dL_dw"] == pytest.approx((loss(w + h, b, x) - loss(w - h, b, x)) / (2 * h), rel=1e-6)
    assert g["dL_db"] == pytest.approx((loss(w, b + h, x) - loss(w, b - h, x)) / (2 * h), rel=1e-6)
    assert g["dL_dx"] == pytest.approx((loss(w, b, x + h) - loss(w, b, x - h)) / (2 * h), rel=1e-6)
    assert g["L"] == pytest.approx(loss(w, b, x))
    assert round(g["dL_dw"], 4) == -0.1586


def test_trace_gradients_are_the_true_gradients() -> None:
    """Every stored gradient agrees with an independent five-point finite difference."""
    net = dl.mlp([2, 4, 3, 2], activation="tanh", rng=3, dtype=np.float64)
    X, y = dl.make_xor(6, rng=1)
    tr = BackpropTrace(net, X, y)

    def loss() -> float:
        return dl.cross_entropy(net.forward(X), y)[0]

    assert tr.loss == pytest.approx(loss())
    for i, layer in enumerate(net.layers):
        if isinstance(layer, dl.Dense):
            dW, db = tr.param_grads[i]
            assert rel_error(dW, numeric_grad(loss, layer.W)) < 1e-6
            assert rel_error(db, numeric_grad(loss, layer.b)) < 1e-6
    X64 = np.array(X, dtype=np.float64)

    def loss_x() -> float:
        return dl.cross_entropy(net.forward(X64), y)[0]

    assert rel_error(tr.douts[0], numeric_grad(loss_x, X64)) < 1e-6
    np.testing.assert_allclose(tr.douts[-1], (tr.P - tr.Y) / len(y))  # softmax + CE: (P - Y)/N
    assert [o.shape for o in tr.outs] == [(6, 2), (6, 4), (6, 4), (6, 3), (6, 3), (6, 2)]
    assert [d.shape for d in tr.douts] == [o.shape for o in tr.outs]


def test_trace_stage_descriptions() -> None:
    net = dl.mlp([2, 4, 2], activation="relu", rng=0, dtype=np.float64)
    tr = BackpropTrace(net, *dl.make_xor(5, rng=0))
    L = len(net.layers)  # dense1, relu1, dense2
    assert tr.n_stages == 2 * L + 2 == 8
    texts = [tr.describe(s) for s in range(tr.n_stages)]
    assert "5 samples" in texts[0]
    assert texts[1].startswith("Forward 1/3, dense1") and "(5, 2) @ (2, 4)" in texts[1]
    assert "relu" in texts[2]
    assert texts[4].startswith("Loss") and f"{tr.loss:.4f}" in texts[4]
    assert texts[5].startswith("Backward 1/3, dense2") and "dW = Xᵀ dZ" in texts[5]
    assert "[Z > 0]" in texts[6]
    assert texts[7].startswith("Backward 3/3, dense1")


def test_draw_trace_reveals_blocks_stage_by_stage() -> None:
    net = dl.mlp([2, 4, 3, 2], activation="tanh", rng=0, dtype=np.float64)
    tr = BackpropTrace(net, *dl.make_xor(6, rng=0))
    greys = []
    for s in range(tr.n_stages):
        fig = draw_trace(tr, s)
        greys.append(grey_pixels(fig))
        plt.close(fig)
    assert all(a > b for a, b in zip(greys, greys[1:], strict=False)), greys  # each stage reveals more
    assert greys[-1] == 0  # at the end everything is computed


def _controls(box: W.Box) -> dict:
    return box._dlbasics_controls


def test_stepper_slider_and_buttons_redraw(shown: list[Figure]) -> None:
    box = backprop_stepper()
    assert "dlbasics-widget" in box._dom_classes
    assert len(shown) == 1  # drawn when created
    c = _controls(box)
    panel = box.children[-1].children[0]
    assert panel.children[0] is c["stage"]  # the first control is the stage slider
    before, grey0 = png(shown[-1]), grey_pixels(shown[-1])
    t0 = time.perf_counter()
    c["stage"].value = 3
    print(f"\nbackprop_stepper redraw: {1000 * (time.perf_counter() - t0):.0f} ms")
    assert len(shown) == 2 and png(shown[-1]) != before
    assert grey_pixels(shown[-1]) < grey0
    c["next"].click()
    assert c["stage"].value == 4 and len(shown) == 3
    c["back"].click()
    c["back"].click()
    assert c["stage"].value == 2
    c["stage"].value = 0
    c["back"].click()  # already at the start: stays, still redraws
    assert c["stage"].value == 0


def test_stepper_update_lowers_the_loss(shown: list[Figure]) -> None:
    box = backprop_stepper(lr=0.5)
    c = _controls(box)
    state = c["state"]
    W_before = [p.copy() for p, _ in state["net"].parameters()]
    loss0 = state["trace"].loss
    c["stage"].value = 5
    c["update"].click()
    assert c["stage"].value == 0  # the next iteration starts at the input
    assert state["history"] == [loss0]
    params = state["net"].parameters()
    assert any(not np.array_equal(a, p) for a, (p, _) in zip(W_before, params, strict=True))
    for _ in range(5):
        c["update"].click()
    assert state["trace"].loss < loss0  # same batch, gradient steps: the loss goes down
    assert len(state["history"]) == 6
    c["reset"].click()  # back to the initial weights
    assert state["history"] == []
    for a, (p, _) in zip(W_before, state["net"].parameters(), strict=True):
        np.testing.assert_array_equal(a, p)
    X_before = state["X"].copy()
    c["new_batch"].click()
    assert state["X"].shape == X_before.shape and not np.array_equal(state["X"], X_before)


def test_stepper_rejects_sizes_that_do_not_fit_the_data() -> None:
    with pytest.raises(ValueError, match="must start at 2 and end at 2"):
        backprop_stepper("xor", sizes=(3, 4, 2))
