"""The perceptron explorer of notebook 03, built headlessly: every control changes what it should."""

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
from dlbasics.widgets import perceptron_explorer, plot_perceptron
from dlbasics.widgets.perceptron import PerceptronExplorer, PerceptronPlot, _half_plane, show_figure


def image(explorer: PerceptronExplorer) -> str:
    """The PNG (base64) the widget's output area currently shows."""
    return output_png(explorer.out)


def first_control(box: W.Box) -> W.Widget:
    """What a browser test touches first: the first control of the widget's panel."""
    body = box.children[-1]
    return body.children[0].children[0]


@pytest.fixture
def explorer() -> PerceptronExplorer:
    return perceptron_explorer("blobs").explorer


def test_exports() -> None:
    import dlbasics.widgets as widgets

    assert {"perceptron_explorer", "plot_perceptron"} <= set(widgets.__all__)


def test_widget_box_and_initial_plot(explorer: PerceptronExplorer) -> None:
    box = explorer.widget
    assert "dlbasics-widget" in box._dom_classes
    assert "dlbasics-plot" in explorer.out._dom_classes
    assert image(explorer)  # drawn at creation, so a static render shows it
    assert first_control(box) is explorer.w1 and isinstance(explorer.w1, W.FloatSlider)


def test_first_slider_moves_the_line(explorer: PerceptronExplorer) -> None:
    before, w_before = image(explorer), explorer.perceptron.w.copy()
    start = time.perf_counter()
    explorer.w1.value = explorer.w1.value + 3 * explorer.w1.step  # three key presses
    print(f"\nslider redraw: {1000 * (time.perf_counter() - start):.0f} ms")
    assert image(explorer) != before
    assert explorer.perceptron.w[0] == pytest.approx(w_before[0] + 0.15)
    explorer.b.value = 0.7
    assert explorer.perceptron.b == pytest.approx(0.7)


def test_one_update_applies_the_perceptron_rule(explorer: PerceptronExplorer) -> None:
    p = explorer.perceptron
    wrong = explorer.misclassified()
    i = int(np.flatnonzero(wrong)[0])  # the first misclassified point, in order
    x, label = explorer.X[i], explorer.y[i]
    y_hat = int(p.predict(x)[0])
    expected_w = p.w + p.lr * (label - y_hat) * x
    expected_b = p.b + p.lr * (label - y_hat)
    before = image(explorer)
    assert explorer.step() is True
    assert explorer.point == i
    np.testing.assert_allclose(p.w, expected_w)
    assert p.b == pytest.approx(expected_b)
    # the sliders show the new weights, and the plot changed
    shown = (explorer.w1.value, explorer.w2.value, explorer.b.value)
    assert shown == pytest.approx((*expected_w, expected_b))
    assert image(explorer) != before
    assert f"Point {i}" in explorer.status.value


def test_update_button_cycles_through_misclassified_points(explorer: PerceptronExplorer) -> None:
    after, steps = -1, 0  # each update uses the next misclassified point after the last one (wrapping)
    while (wrong := np.flatnonzero(explorer.misclassified())).size and steps < 20:
        later = wrong[wrong > after]
        expected = int(later[0] if later.size else wrong[0])
        explorer.step_button.click()
        assert explorer.point == expected
        after, steps = expected, steps + 1
    assert steps >= 2 and explorer.misclassified().sum() == 0


def test_run_converges_on_blobs(explorer: PerceptronExplorer) -> None:
    explorer.run_button.click()
    hist = explorer.history
    assert hist is not None and hist.converged and hist.errors[-1] == 0
    assert explorer.misclassified().sum() == 0
    assert "Converged" in explorer.status.value
    assert explorer.step() is False  # nothing left to fix
    assert "converged" in explorer.status.value


@pytest.mark.parametrize("name", ["xor", "circles"])
def test_run_does_not_converge_on_xor_or_circles(explorer: PerceptronExplorer, name: str) -> None:
    explorer.dataset.value = name
    assert explorer.X.shape == (100, 2) and explorer.name == name
    explorer.run()
    hist = explorer.history
    assert hist is not None and not hist.converged
    assert len(hist.errors) == explorer.max_epochs and min(hist.errors) > 0
    assert f"Did not converge after {explorer.max_epochs} epochs" in explorer.status.value
    # the weights stay on the sliders' scale (rescaling keeps the line)
    assert max(abs(explorer.w1.value), abs(explorer.w2.value), abs(explorer.b.value)) <= explorer.limit


def test_rescaling_keeps_the_predictions(explorer: PerceptronExplorer) -> None:
    p = explorer.perceptron
    p.w[:] = [30.0, -12.0]
    p.b = 6.0
    pred = p.predict(explorer.X)
    explorer._sync_sliders()
    assert max(abs(p.w).max(), abs(p.b)) == pytest.approx(explorer.limit)
    np.testing.assert_array_equal(p.predict(explorer.X), pred)
    assert explorer.w1.value == pytest.approx(3.0) and explorer.b.value == pytest.approx(0.6)


def test_dataset_dropdown_changes_the_data(explorer: PerceptronExplorer) -> None:
    before = image(explorer)
    explorer.dataset.value = "circles"
    X, y = dl.make_circles(100, rng=0)
    np.testing.assert_array_equal(explorer.X, X)
    np.testing.assert_array_equal(explorer.y, y)
    assert image(explorer) != before


def test_bad_arguments_are_explained() -> None:
    with pytest.raises(ValueError, match="dataset must be one of"):
        perceptron_explorer("moons")
    with pytest.raises(ValueError, match="max_epochs"):
        perceptron_explorer(max_epochs=0)


def test_plot_perceptron_counts_and_rings_the_misclassified() -> None:
    X = np.array([[1.0, 1.0], [2.0, 0.5], [-1.0, -1.0], [-0.5, -2.0]])
    y = np.array([1, 1, 0, 1])  # the last point is on the wrong side of x1 + x2 = 0
    fig, ax = plt.subplots()
    wrong = plot_perceptron(ax, X, y, [1.0, 1.0], 0.0, point=2)
    assert wrong == 1
    rings = [c for c in ax.collections if c.get_label() == "misclassified"][0]
    np.testing.assert_array_equal(rings.get_offsets(), X[[3]])
    (line,) = [ln for ln in ax.lines if "boundary" in ln.get_label()]
    xs, ys = line.get_data()
    np.testing.assert_allclose(np.asarray(xs) + np.asarray(ys), 0, atol=1e-12)  # on x1 + x2 = 0
    assert ax.get_legend() is not None
    plt.close(fig)


def test_plot_perceptron_rejects_wrong_shapes() -> None:
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="expected X of shape"):
        plot_perceptron(ax, np.zeros((5, 3)), np.zeros(5), [1.0, 1.0], 0.0)
    with pytest.raises(ValueError, match="2 weights"):
        PerceptronPlot(ax, np.zeros((5, 2)), np.zeros(5)).update([1.0, 2.0, 3.0], 0.0)
    plt.close(fig)


def test_zero_weights_draw_no_line() -> None:
    fig, ax = plt.subplots()
    X, y = dl.make_blobs(20, rng=0)
    art = PerceptronPlot(ax, X, y)
    wrong = art.update([0.0, 0.0], -1.0)  # z = -1 everywhere: all predicted 0
    assert wrong == int((y == 1).sum())
    assert len(art._line.get_xdata()) == 0 and not art._arrow.get_visible()
    plt.close(fig)


def test_half_plane_polygons_split_the_rectangle() -> None:
    corners = np.array([[0.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.0, 2.0]])
    w, b = np.array([1.0, 0.0]), -0.5  # the vertical line x1 = 0.5
    right = _half_plane(corners, w, b, positive=True)
    left = _half_plane(corners, w, b, positive=False)

    def area(poly: np.ndarray) -> float:
        x, y = poly[:, 0], poly[:, 1]
        return 0.5 * abs(x @ np.roll(y, 1) - y @ np.roll(x, 1))

    assert area(right) == pytest.approx(3.0) and area(left) == pytest.approx(1.0)
    assert _half_plane(corners, w, -5.0, positive=True).shape == (0, 2)  # line outside the view


def test_show_figure_replaces_the_output_in_one_step() -> None:
    out = W.Output()
    fig, ax = plt.subplots(figsize=(2, 1), dpi=50)
    show_figure(out, fig)
    show_figure(out, fig)
    assert len(out.outputs) == 1
    (output,) = out.outputs
    assert output["output_type"] == "display_data"
    assert output["metadata"]["image/png"] == {"width": 100, "height": 50}
    plt.close(fig)


def pixels(explorer: PerceptronExplorer) -> np.ndarray:
    import base64
    import io

    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(base64.b64decode(image(explorer)))).convert("RGB"))


def test_fast_redraw_moves_the_line_and_keeps_the_errors_panel(explorer: PerceptronExplorer) -> None:
    explorer.dataset.value = "xor"
    explorer.run()
    before = pixels(explorer)
    explorer.w2.value = -explorer.w2.value  # a partial (blitted) redraw
    after = pixels(explorer)
    half = before.shape[1] // 2
    assert np.any(before[:, :half] != after[:, :half])  # the line panel changed
    np.testing.assert_array_equal(before[:, half + 60:], after[:, half + 60:])  # errors panel kept
    # and a partial redraw shows exactly what a full one does (the same line, the same title)
    explorer.draw(full=True)
    np.testing.assert_array_equal(pixels(explorer), after)
