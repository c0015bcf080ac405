"""Widgets of notebooks 01-02 and the canvas they draw on, built headlessly: moving a control
changes the arrays the kernel sends to the browser exactly as it should."""

from __future__ import annotations

import asyncio
import base64

import ipywidgets as W
import numpy as np
import pytest

import dlbasics as dl
from dlbasics.widgets import neuron_explorer, weight_slider
from dlbasics.widgets._canvas import Canvas, Scene, colormap_rgba, render_png, to_rgba8
from dlbasics.widgets._common import LiveWidget, Ticker
from dlbasics.widgets.neuron import (
    EXPLORER_ACTIVATIONS,
    JOGGING_KCAL,
    JOGGING_MINUTES,
    squared_error,
    threshold_of,
)


def sliders(ui, box: W.Box) -> list[W.FloatSlider]:
    return [c for c in ui.controls(box) if isinstance(c, W.FloatSlider)]


def test_exports(widget_exports: set[str]) -> None:
    assert {"weight_slider", "neuron_explorer"} <= widget_exports


def test_squared_error_is_vectorised() -> None:
    x, y = np.array([10.0, 20.0, 30.0]), np.array([80.0, 150.0, 230.0])
    ws = np.array([0.0, 7.5, 8.0])
    E = squared_error(ws, x, y)
    assert E.shape == (3,)
    for w, e in zip(ws, E, strict=True):
        assert e == pytest.approx(sum((xi * w - yi) ** 2 for xi, yi in zip(x, y, strict=True)))
    assert isinstance(squared_error(7.5, x, y), float)
    with pytest.raises(ValueError, match="as many inputs as targets"):
        squared_error(1.0, x, y[:2])


def test_weight_slider_sends_line_residuals_and_error(ui, timed) -> None:
    box = weight_slider(weight=5.0)
    canvas = box.owner.canvas
    assert "dlbasics-widget" in box._dom_classes and "dlbasics-plot" in canvas._dom_classes
    assert canvas.frames == 1  # drawn when created
    (line,) = ui.layers(canvas, 0, "line")
    assert np.allclose(line["y"], 5.0 * np.asarray(line["x"]))
    before = canvas.to_png()

    slider = sliders(ui, box)[0]  # the first slider is the weight (the browser test moves it)
    assert slider.description.startswith("weight")
    with timed("weight_slider update (scene sent)"):
        slider.value = 7.55
    assert canvas.frames == 2  # exactly one new picture per change
    (line,) = ui.layers(canvas, 0, "line")
    assert np.allclose(line["y"], 7.55 * np.asarray(line["x"]))
    # residual segments go from each data point up (or down) to the prediction
    (resid,) = ui.layers(canvas, 0, "segments")
    segs = np.asarray(resid["xy"], dtype=float).reshape(-1, 4)  # (N, 4): x, y, x, x·w
    x, y = JOGGING_MINUTES, JOGGING_KCAL
    assert np.allclose(segs[:, 1], y) and np.allclose(segs[:, 3], 7.55 * x, atol=1e-4)
    # the marker on the error curve sits at (w, E(w)) and the title reports the total
    dot = ui.layers(canvas, 1, "points")[-1]
    assert np.allclose(dot["x"], [7.55]) and np.allclose(dot["y"], [squared_error(7.55, x, y)])
    assert f"{squared_error(7.55, x, y):,.0f}" in canvas.scene["panels"][0]["title"]
    assert canvas.to_png() != before
    assert {p["xlabel"] for p in canvas.scene["panels"]} == {"minutes jogged x", "weight w (kcal per minute)"}


def test_weight_slider_custom_data_and_errors(ui) -> None:
    box = weight_slider([1.0, 2.0, 3.0], [2.0, 4.0, 6.0], weight=1.0, w_max=4.0)
    legend = [e["label"] for e in box.owner.canvas.scene["panels"][1]["legend"]]
    assert "least squares w* = 2.00" in legend
    with pytest.raises(ValueError, match="as many inputs as targets"):
        weight_slider([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match=r"\[0, w_max\]"):
        weight_slider(weight=20.0)


def heat_map(ui, canvas: Canvas) -> np.ndarray:
    (img,) = ui.layers(canvas, 0, "image")
    return ui.image_of(canvas, img)


def threshold_line(ui, canvas: Canvas) -> tuple[np.ndarray, np.ndarray]:
    line = ui.layers(canvas, 0, "line")[0]
    return np.asarray(line["x"], dtype=float), np.asarray(line["y"], dtype=float)


def test_neuron_explorer_sends_the_heat_map(ui, timed) -> None:
    box = neuron_explorer(w1=0.5, w2=0.7, b=-0.5, activation="step", points=[[0.5, 0.6]])
    ex, canvas = box.owner, box.owner.canvas
    assert "dlbasics-widget" in box._dom_classes
    rgba = heat_map(ui, canvas)
    assert rgba.shape == (100, 100, 4)
    assert len(np.unique(rgba.reshape(-1, 4), axis=0)) == 2  # a step: two colours only
    # the worked example: 0.5·0.5 + 0.6·0.7 = 0.67 > 0.5, so the marked point reads a = 1.00
    assert any(t["text"] == "a = 1.00" for t in ui.layers(canvas, 0, "text"))
    x1, x2 = threshold_line(ui, canvas)
    assert np.allclose(0.5 * x1 + 0.7 * x2 - 0.5, 0, atol=1e-4)  # w1 x1 + w2 x2 + b = 0

    s_w1, s_w2, s_b = sliders(ui, box)
    assert (s_w1.description, s_w2.description, s_b.description) == ("w1", "w2", "b")
    before = canvas.pixels
    with timed("neuron_explorer update (100×100 grid sent)"):
        s_w1.value = -1.0
    assert canvas.frames == 2 and canvas.pixels != before
    x1, x2 = threshold_line(ui, canvas)
    assert np.allclose(-1.0 * x1 + 0.7 * x2 - 0.5, 0, atol=1e-4)

    # the heat map is the neuron's output on the grid, computed like dl.Neuron would
    dropdown = next(c for c in ui.controls(box) if isinstance(c, W.Dropdown))
    dropdown.value = "sigmoid"
    lim = 2.0
    x = np.linspace(-lim, lim, 100)
    neuron = dl.Neuron([-1.0, 0.7], bias=-0.5, activation="sigmoid")
    assert np.allclose(ex.A[0, :], neuron(np.column_stack([x, np.full(100, -lim)])))  # bottom row
    assert np.allclose(ex.A[:, 0], neuron(np.column_stack([np.full(100, -lim), x])))  # left column
    assert ex.clim == (0.0, 1.0)
    # ... and the pixels sent are those outputs coloured, the top row first
    assert np.array_equal(heat_map(ui, canvas), colormap_rgba(ex.A, "viridis", 0.0, 1.0)[::-1])
    assert "threshold 0.5" in canvas.scene["panels"][1]["ylabel"]  # the colour bar is labelled

    dropdown.value = "tanh"
    assert ex.clim == (-1.0, 1.0)
    assert "threshold 0" in canvas.scene["panels"][1]["ylabel"]
    assert canvas.scene["panels"][1]["ylim"] == [-1.0, 1.0]


def test_neuron_explorer_bias_moves_line_and_zero_weights(ui) -> None:
    box = neuron_explorer(w1=0.0, w2=1.0, b=0.0, activation="relu")
    canvas = box.owner.canvas
    assert np.allclose(threshold_line(ui, canvas)[1], 0.0)  # x2 = 0
    s_w1, s_w2, s_b = sliders(ui, box)
    s_b.value = -1.0
    assert np.allclose(threshold_line(ui, canvas)[1], 1.0)  # x2 = -b / w2 = 1: the bias shifts the line
    s_w2.value = 0.0  # all weights 0: constant output, no line, no crash
    assert len(threshold_line(ui, canvas)[0]) == 0
    assert "same everywhere" in canvas.scene["panels"][0]["title"]
    assert box.owner.clim[0] == 0.0  # ReLU never goes below 0


def test_neuron_explorer_vertical_line(ui) -> None:
    box = neuron_explorer(w1=2.0, w2=0.0, b=-1.0, activation="tanh")
    assert np.allclose(threshold_line(ui, box.owner.canvas)[0], 0.5)  # x1 = -b / w1


def test_threshold_of() -> None:
    assert threshold_of("step") == 0.5
    assert threshold_of("sigmoid") == 0.5
    for name in ("tanh", "relu", "leaky_relu", "identity"):
        assert threshold_of(name) == 0.0
    assert set(EXPLORER_ACTIVATIONS) == {"step", "sigmoid", "tanh", "relu", "leaky_relu", "identity"}
    with pytest.raises(ValueError, match="softmax"):
        threshold_of("softmax")
    with pytest.raises(ValueError, match="activation must be one of"):
        neuron_explorer(activation="softmax")


# -- the architecture ---------------------------------------------------------------------------
@pytest.mark.parametrize("make", [lambda: weight_slider(), lambda: neuron_explorer(points=[[0, 1]])])
def test_static_pages_get_a_png_of_the_current_state(make) -> None:
    box = make()
    bundle = box._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle  # the live widget stays first
    png = base64.b64decode(bundle["image/png"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    first = next(c for c in box.children[-1].children[0].children if isinstance(c, W.FloatSlider))
    first.value = first.max
    assert base64.b64decode(box._repr_mimebundle_()["image/png"]) != png  # the picture follows the state


def test_one_guard_against_reentry() -> None:
    """An update that moves another control (as a linked slider would) runs again, not nested."""

    class Linked(LiveWidget):
        def __init__(self) -> None:
            super().__init__()
            self.a, self.b = W.IntSlider(0), W.IntSlider(0)
            self.calls, self.depth, self.max_depth = 0, 0, 0
            self.watch(self.a, self.b)

        def update(self) -> None:
            self.calls += 1
            self.depth += 1
            self.max_depth = max(self.max_depth, self.depth)
            self.b.value = self.a.value * 2  # changes a watched control while updating
            self.depth -= 1

    w = Linked()
    w.a.value = 3
    assert w.b.value == 6 and w.max_depth == 1
    assert w.calls == 2  # one more update for the change made during the first, then quiet
    w.calls = 0
    with w.hold():
        w.a.value = 4
        w.a.value = 5
    assert w.calls == 2 and w.b.value == 10  # one update after the hold (plus its echo)


def test_ticker_runs_in_the_event_loop_until_stopped() -> None:
    async def scenario() -> tuple[int, int]:
        ticks: list[float] = []
        ticker = Ticker(lambda: ticks.append(1.0), fps=50)
        ticker.start()
        ticker.start()  # starting twice runs one task
        await asyncio.sleep(0.2)
        ticker.stop()
        n = len(ticks)
        await asyncio.sleep(0.1)
        return n, len(ticks)

    n_stop, n_later = asyncio.run(scenario())
    assert n_stop >= 3  # it ticked while running...
    assert n_later == n_stop  # ...and not once after stop()

    async def stops_itself() -> bool:
        t = Ticker(lambda: False)
        t.start()
        await asyncio.sleep(0.05)
        return t.running

    assert asyncio.run(stops_itself()) is False


def test_scene_layers_and_static_rendering() -> None:
    scene = Scene(300, 200)
    ax = scene.panel((40, 10, 250, 150), xlim=(0, 1), ylim=(0, 1), title="t", xlabel="x", ylabel="y")
    ax.image(np.zeros((2, 3, 3)), extent=(0, 1, 0, 1))
    ax.line([0, 1], [0, np.nan], color="#000", label="line")  # NaN breaks a line: JSON null
    ax.points([0.5], [0.5], color="#E69F00", marker="x", label="point")
    ax.text(0.5, 0.5, "hi", bg="#00000099")
    ax.segments([[0, 0, 1, 1]], color=["#0072B2"], width=[2.0])
    ax.arrow((0, 0), (1, 1), color="#fff", halo="#000")
    ax.rect(0, 0, 1, 1, stroke="#000")
    ax.hotspot(0, 0, 1, 1, "all")
    spec = scene.to_dict()
    assert spec["panels"][0]["layers"][1]["y"] == [0.0, None]
    assert [e["kind"] for e in spec["panels"][0]["legend"]] == ["line", "point"]
    assert len(scene.pixels()) == 2 * 3 * 4
    assert render_png(spec, scene.pixels())[:4] == b"\x89PNG"
    with pytest.raises(ValueError, match=r"Canvas image: expected shape \(h, w, 3\)"):
        to_rgba8(np.zeros((4, 4)))
    top = to_rgba8(np.array([[[1.0, 0, 0]], [[0, 0, 1.0]]]))  # row 0 (bottom) red, row 1 blue
    assert top[0, 0].tolist() == [0, 0, 255, 255]  # sent top row first: blue


def test_bytes_from_the_browser_are_accepted() -> None:
    """A Bytes trait set from JavaScript arrives as a memoryview; it must not be dropped."""
    canvas = Canvas()
    canvas.set_state({"pixels": memoryview(b"\x01\x02")})
    assert canvas.pixels == b"\x01\x02"


def test_saved_widget_state_keeps_a_picture_for_static_pages() -> None:
    """Pages that draw saved widget state without the canvas' module show an Image instead."""
    box = neuron_explorer()
    png = base64.b64decode(box._repr_mimebundle_()["image/png"])
    snaps = [c for c in box.children if "dlbasics-snapshot" in c._dom_classes]
    assert len(snaps) == 1 and snaps[0].value == png and isinstance(snaps[0], W.Image)
    box._repr_mimebundle_()  # shown again: the same Image, updated
    assert sum("dlbasics-snapshot" in c._dom_classes for c in box.children) == 1
    from pathlib import Path

    import dlbasics.widgets._canvas as canvas_module

    css = (Path(canvas_module.__file__).parent / "static" / "canvas.css").read_text()
    assert ".dlbasics-snapshot" in css and "display: none" in css  # hidden where the canvas runs
