"""Widgets of notebooks 01-02, built headlessly: moving a control redraws the plot it should."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

os.environ.setdefault("MPLBACKEND", "Agg")

import ipywidgets as W
import numpy as np
import pytest
from helpers import png, record_displayed
from matplotlib.figure import Figure

import dlbasics as dl
from dlbasics.widgets import neuron_explorer, weight_slider
from dlbasics.widgets.neuron import EXPLORER_ACTIVATIONS, squared_error, threshold_of


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[Figure]:
    """Record every figure the widgets display (there is no kernel to display to), rendering
    it to PNG the way JupyterLab's inline backend does, so redraw timings are realistic."""
    return record_displayed(monkeypatch)


@contextmanager
def timed(what: str) -> Iterator[None]:
    """Print wall and CPU time (CPU time is what a busy shared machine distorts least)."""
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    print(f"{what}: {(time.perf_counter() - wall) * 1e3:.0f} ms wall, "
          f"{(time.process_time() - cpu) * 1e3:.0f} ms CPU")


def controls(box: W.Box) -> list[W.Widget]:
    """The control panel of a ``widget_box``: box > body > panel."""
    body = box.children[-1]
    return list(body.children[0].children)


def sliders(box: W.Box) -> list[W.FloatSlider]:
    return [c for c in controls(box) if isinstance(c, W.FloatSlider)]


def test_exports() -> None:
    import dlbasics.widgets as widgets

    assert {"weight_slider", "neuron_explorer"} <= set(widgets.__all__)


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


def test_weight_slider_redraws_line_and_residuals(shown: list[Figure]) -> None:
    box = weight_slider(weight=5.0)
    assert "dlbasics-widget" in box._dom_classes
    assert len(shown) == 1  # drawn when created
    fig = shown[-1]
    ax_fit, ax_err = fig.axes
    before = png(fig)
    line = ax_fit.lines[0]
    x_line = np.asarray(line.get_xdata())
    assert np.allclose(line.get_ydata(), 5.0 * x_line)

    slider = sliders(box)[0]  # the first slider is the weight (the browser test moves it)
    assert slider.description.startswith("weight")
    with timed("weight_slider redraw (draw + PNG)"):
        slider.value = 7.55
    assert len(shown) == 2
    assert np.allclose(line.get_ydata(), 7.55 * x_line)
    # residual segments go from each data point to the prediction
    x, y = dl.widgets.neuron.JOGGING_MINUTES, dl.widgets.neuron.JOGGING_KCAL
    segs = np.array(ax_fit.collections[1].get_segments())  # (N, 2, 2)
    assert np.allclose(segs[:, 0, 1], y) and np.allclose(segs[:, 1, 1], 7.55 * x)
    # the marker on the error curve sits at (w, E(w)) and the title reports the total
    dot = ax_err.lines[-1]
    assert np.allclose(dot.get_xdata(), [7.55])
    assert np.allclose(dot.get_ydata(), [squared_error(7.55, x, y)])
    assert f"{squared_error(7.55, x, y):,.0f}" in ax_fit.get_title()
    assert png(fig) != before


def test_weight_slider_custom_data_and_errors(shown: list[Figure]) -> None:
    weight_slider([1.0, 2.0, 3.0], [2.0, 4.0, 6.0], weight=1.0, w_max=4.0)
    assert "least squares w* = 2.00" in shown[-1].axes[1].get_legend_handles_labels()[1]
    with pytest.raises(ValueError, match="as many inputs as targets"):
        weight_slider([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match=r"\[0, w_max\]"):
        weight_slider(weight=20.0)


def image_and_line(fig: Figure) -> tuple[Any, Any]:
    ax = fig.axes[0]
    return ax.images[0], ax.lines[0]


def test_neuron_explorer_redraws_heat_map(shown: list[Figure]) -> None:
    box = neuron_explorer(w1=0.5, w2=0.7, b=-0.5, activation="step", points=[[0.5, 0.6]])
    assert "dlbasics-widget" in box._dom_classes
    fig = shown[-1]
    im, line = image_and_line(fig)
    A = np.asarray(im.get_array())
    assert A.shape == (100, 100)
    assert set(np.unique(A)) == {0.0, 1.0}
    # the worked example: 0.5·0.5 + 0.6·0.7 = 0.67 > 0.5, so the marked point reads a = 1.00
    assert any(t.get_text() == "a = 1.00" for t in fig.axes[0].texts)
    # the threshold line satisfies w1 x1 + w2 x2 + b = 0
    assert np.allclose(0.5 * line.get_xdata() + 0.7 * line.get_ydata() - 0.5, 0)
    before = png(fig)

    s_w1, s_w2, s_b = sliders(box)
    assert (s_w1.description, s_w2.description, s_b.description) == ("w1", "w2", "b")
    with timed("neuron_explorer redraw (100×100 grid + PNG)"):
        s_w1.value = -1.0
    assert len(shown) == 2
    assert np.allclose(-1.0 * line.get_xdata() + 0.7 * line.get_ydata() - 0.5, 0)
    assert png(fig) != before

    # the heat map is the neuron's output on the grid, computed like dl.Neuron would
    dropdown = next(c for c in controls(box) if isinstance(c, W.Dropdown))
    dropdown.value = "sigmoid"
    A = np.asarray(im.get_array())
    lim = 2.0
    x1 = np.linspace(-lim, lim, 100)
    neuron = dl.Neuron([-1.0, 0.7], bias=-0.5, activation="sigmoid")
    assert np.allclose(A[0, :], neuron(np.column_stack([x1, np.full(100, -lim)])))  # bottom row
    assert np.allclose(A[:, 0], neuron(np.column_stack([np.full(100, -lim), x1])))  # left column
    assert im.get_clim() == (0.0, 1.0)
    assert "threshold 0.5" in fig.axes[1].get_ylabel()  # the colour bar is labelled

    dropdown.value = "tanh"
    assert im.get_clim() == (-1.0, 1.0)
    assert "threshold 0" in fig.axes[1].get_ylabel()


def test_neuron_explorer_bias_moves_line_and_zero_weights(shown: list[Figure]) -> None:
    box = neuron_explorer(w1=0.0, w2=1.0, b=0.0, activation="relu")
    _, line = image_and_line(shown[-1])
    assert np.allclose(line.get_ydata(), 0.0)  # x2 = 0
    s_w1, s_w2, s_b = sliders(box)
    s_b.value = -1.0
    assert np.allclose(line.get_ydata(), 1.0)  # x2 = -b / w2 = 1: the bias shifts the line
    s_w2.value = 0.0  # all weights 0: constant output, no line, no crash
    assert len(line.get_xdata()) == 0
    assert "same everywhere" in shown[-1].axes[0].get_title()
    im, _ = image_and_line(shown[-1])
    assert im.get_clim()[0] == 0.0  # ReLU never goes below 0


def test_neuron_explorer_vertical_line(shown: list[Figure]) -> None:
    neuron_explorer(w1=2.0, w2=0.0, b=-1.0, activation="tanh")
    _, line = image_and_line(shown[-1])
    assert np.allclose(line.get_xdata(), 0.5)  # x1 = -b / w1


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
