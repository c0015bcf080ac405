"""Notebook 05's backpropagation helpers and widget, built headlessly: the stepper's scene reveals
the trace stage by stage, and its buttons train the network."""

from __future__ import annotations

import os

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from helpers import numeric_grad, rel_error
from matplotlib.figure import Figure

import dlbasics as dl
from dlbasics.widgets import BackpropTrace, backprop_stepper, plot_neuron_graph
from dlbasics.widgets._canvas import Scene
from dlbasics.widgets.backprop import BackpropStepper, draw_trace, trace_scene

GREY = (230, 230, 230, 255)  # a block not computed yet


def blocks(scene: Scene | dict, pixels: bytes | None = None) -> np.ndarray:
    """The one image of the trace's blocks, ``(rows, cols, 4)``, row 0 at the top."""
    spec = scene.to_dict() if isinstance(scene, Scene) else scene
    data = scene.pixels() if isinstance(scene, Scene) else pixels
    (img,) = [ly for p in spec["panels"] for ly in p["layers"] if ly["type"] == "image"]
    offset, w, h = img["src"]
    return np.frombuffer(data, np.uint8, count=4 * w * h, offset=offset).reshape(h, w, 4)


def grey_cells(img: np.ndarray) -> int:
    return int(np.all(img == GREY, axis=-1).sum())


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


def test_trace_scene_reveals_blocks_stage_by_stage() -> None:
    net = dl.mlp([2, 4, 3, 2], activation="tanh", rng=0, dtype=np.float64)
    tr = BackpropTrace(net, *dl.make_xor(6, rng=0))
    greys = [grey_cells(blocks(trace_scene(tr, s))) for s in range(tr.n_stages)]
    assert all(a > b for a, b in zip(greys, greys[1:], strict=False)), greys  # each stage reveals more
    assert greys[-1] == 0  # at the end everything is computed
    # the first layer's output appears at stage 1: its cells are its values, coloured
    img = blocks(trace_scene(tr, 1))
    out1 = tr.outs[1]  # (6, 4)
    x1 = 2 + 2  # X is 2 wide, then a gap of 2
    cells = img[0:6, x1:x1 + 4]
    assert not np.any(np.all(cells == GREY, axis=-1))
    reds = cells[..., 0].astype(int) - cells[..., 2].astype(int)  # RdBu_r: red > 0 > blue
    assert np.array_equal(reds > 0, out1 > 0)
    assert "Forward 1/5" in trace_scene(tr, 1).panels[0].spec["layers"][0]["text"]


def test_draw_trace_is_the_scene_as_a_figure() -> None:
    net = dl.mlp([2, 4, 2], activation="relu", rng=0, dtype=np.float64)
    tr = BackpropTrace(net, *dl.make_xor(5, rng=0))
    fig = draw_trace(tr, 3, [0.9, 0.8])
    assert isinstance(fig, Figure) and any(ax.images for ax in fig.axes)
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert tr.describe(3) in texts
    plt.close(fig)


def stepper(**kw) -> BackpropStepper:
    return backprop_stepper(**kw).owner


def test_stepper_slider_and_buttons_redraw(ui, timed) -> None:
    st = stepper()
    box, canvas = st.widget, st.canvas
    assert "dlbasics-widget" in box._dom_classes and "dlbasics-plot" in canvas._dom_classes
    assert canvas.frames == 1  # drawn when created
    assert ui.controls(box)[0] is st.stage  # the first control is the stage slider
    grey0 = grey_cells(blocks(canvas.scene, canvas.pixels))
    with timed("backprop_stepper update (scene sent)"):
        st.stage.value = 3
    assert canvas.frames == 2
    assert grey_cells(blocks(canvas.scene, canvas.pixels)) < grey0
    assert st.trace.describe(3) in [ly.get("text") for ly in canvas.scene["panels"][0]["layers"]]
    st.next.click()
    assert st.stage.value == 4 and canvas.frames == 3
    st.back.click()
    st.back.click()
    assert st.stage.value == 2
    st.stage.value = 0
    frames = canvas.frames
    st.back.click()  # already at the start: stays, still redraws once
    assert st.stage.value == 0 and canvas.frames == frames + 1


def test_stepper_update_lowers_the_loss(ui) -> None:
    st = stepper(lr=0.5)
    W_before = [p.copy() for p, _ in st.net.parameters()]
    loss0 = st.trace.loss
    st.stage.value = 5
    st.apply.click()
    assert st.stage.value == 0  # the next iteration starts at the input
    assert st.history == [loss0]
    (curve,) = ui.layers(st.canvas, 2, "line")  # the loss panel
    assert curve["y"] == pytest.approx([loss0], abs=1e-5)
    params = st.net.parameters()
    assert any(not np.array_equal(a, p) for a, (p, _) in zip(W_before, params, strict=True))
    for _ in range(5):
        st.apply.click()
    assert st.trace.loss < loss0  # same batch, gradient steps: the loss goes down
    assert len(st.history) == 6
    st.reset.click()  # back to the initial weights
    assert st.history == []
    for a, (p, _) in zip(W_before, st.net.parameters(), strict=True):
        np.testing.assert_array_equal(a, p)
    X_before = st.X.copy()
    st.batch.click()
    assert st.X.shape == X_before.shape and not np.array_equal(st.X, X_before)


def test_static_page_png_follows_the_stage() -> None:
    import base64

    st = stepper()
    png0 = base64.b64decode(st.widget._repr_mimebundle_()["image/png"])
    st.stage.value = st.stage.max
    assert png0[:4] == b"\x89PNG" and base64.b64decode(st.widget._repr_mimebundle_()["image/png"]) != png0


def test_stepper_rejects_sizes_that_do_not_fit_the_data() -> None:
    with pytest.raises(ValueError, match="must start at 2 and end at 2"):
        backprop_stepper("xor", sizes=(3, 4, 2))
