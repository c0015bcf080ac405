"""The perceptron explorer of notebook 03, built headlessly: every control changes what it sends
to the browser as it should (the scene's layers and pixels)."""

from __future__ import annotations

import base64
import os

os.environ.setdefault("MPLBACKEND", "Agg")

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
import pytest

import dlbasics as dl
from dlbasics.widgets import perceptron_explorer, plot_perceptron
from dlbasics.widgets.perceptron import (
    PerceptronExplorer,
    PerceptronPlot,
    _half_plane,
    line_ends,
    show_figure,
)


def first_control(box: W.Box) -> W.Widget:
    """What a browser test touches first: the first control of the widget's panel."""
    body = box.children[-1]
    return body.children[0].children[0]


def boundary(ui, ex: PerceptronExplorer) -> tuple[np.ndarray, np.ndarray]:
    """The two ends of the line the canvas draws (the only solid black line of the plane)."""
    (line,) = [ln for ln in ui.layers(ex.canvas, 0, "line") if ln["color"] == "#000000"]
    return np.asarray(line["x"], dtype=float), np.asarray(line["y"], dtype=float)


def points_labelled(ex: PerceptronExplorer, label: str) -> np.ndarray:
    """The (x, y) of the points layer whose legend entry is ``label``, shape (M, 2)."""
    panel = ex.canvas.scene["panels"][0]
    layers = [ly for ly in panel["layers"] if ly["type"] == "points"]
    labels = [e["label"] for e in panel["legend"] if e["kind"] == "point"]
    layer = layers[labels.index(label)]
    return np.column_stack([layer["x"], layer["y"]]).astype(float)


@pytest.fixture
def explorer() -> PerceptronExplorer:
    return perceptron_explorer("blobs").owner


def test_exports() -> None:
    import dlbasics.widgets as widgets

    assert {"perceptron_explorer", "plot_perceptron"} <= set(widgets.__all__)


def test_widget_box_and_initial_plot(ui, explorer: PerceptronExplorer) -> None:
    box = explorer.widget
    assert box.explorer is explorer and box.owner is explorer  # the old name still works
    assert "dlbasics-widget" in box._dom_classes
    assert "dlbasics-plot" in explorer.canvas._dom_classes
    assert explorer.canvas.frames == 1  # drawn at creation, so a static render shows it
    assert base64.b64decode(box._repr_mimebundle_()["image/png"])[:4] == b"\x89PNG"
    assert first_control(box) is explorer.w1 and isinstance(explorer.w1, W.FloatSlider)
    x1, x2 = boundary(ui, explorer)  # the line w·x + b = 0 of the starting weights (1, -1), 0
    np.testing.assert_allclose(1.0 * x1 - 1.0 * x2, 0, atol=1e-4)
    plane, errors = explorer.canvas.scene["panels"]
    assert (plane["xlabel"], plane["ylabel"]) == ("x₁", "x₂")
    assert errors["xlabel"] == "epoch" and errors["ylabel"] == "misclassified points"


def test_first_slider_moves_the_line(ui, explorer: PerceptronExplorer, timed) -> None:
    before, w_before = explorer.canvas.to_png(), explorer.perceptron.w.copy()
    with timed("perceptron_explorer update (scene sent)"):
        explorer.w1.value = explorer.w1.value + 3 * explorer.w1.step  # three key presses
    assert explorer.canvas.frames == 2 and explorer.canvas.to_png() != before
    assert explorer.perceptron.w[0] == pytest.approx(w_before[0] + 0.15)
    explorer.b.value = 0.7
    assert explorer.perceptron.b == pytest.approx(0.7)
    x1, x2 = boundary(ui, explorer)
    np.testing.assert_allclose(1.15 * x1 - 1.0 * x2 + 0.7, 0, atol=1e-4)  # the line moved with w1 and b


def test_half_planes_and_rings_follow_the_predictions(ui, explorer: PerceptronExplorer) -> None:
    with explorer.hold():  # the line x2 = 1.5: it gets some points wrong, not all
        explorer.w1.value, explorer.w2.value, explorer.b.value = 0.0, 1.0, -1.5
    wrong = explorer.misclassified()
    assert 0 < wrong.sum() < len(wrong)
    np.testing.assert_allclose(points_labelled(explorer, "misclassified"), explorer.X[wrong], atol=1e-4)
    assert f"{int(wrong.sum())} misclassified" in explorer.canvas.scene["panels"][0]["title"]
    (img,) = ui.layers(explorer.canvas, 0, "image")
    rgba = ui.image_of(explorer.canvas, img)[::-1]  # row 0 = bottom, as the grid
    x0, x1, y0, y1 = img["extent"]
    xs, ys = np.linspace(x0, x1, rgba.shape[1]), np.linspace(y0, y1, rgba.shape[0])
    P = np.column_stack([a.ravel() for a in np.meshgrid(xs, ys)])
    side = explorer.perceptron.predict(P).reshape(rgba.shape[:2])  # class 1 where w·x + b > 0
    ones, zeros = np.unique(rgba[side == 1], axis=0), np.unique(rgba[side == 0], axis=0)
    assert len(ones) == 1 and len(zeros) == 1  # one tint per side of the line ...
    assert ones[0][0] > ones[0][2] and zeros[0][2] > zeros[0][0]  # ... class 1 orange, class 0 blue


def test_one_update_applies_the_perceptron_rule(ui, explorer: PerceptronExplorer) -> None:
    p = explorer.perceptron
    wrong = explorer.misclassified()
    i = int(np.flatnonzero(wrong)[0])  # the first misclassified point, in order
    x, label = explorer.X[i], explorer.y[i]
    y_hat = int(p.predict(x)[0])
    expected_w = p.w + p.lr * (label - y_hat) * x
    expected_b = p.b + p.lr * (label - y_hat)
    frames, (ends_before) = explorer.canvas.frames, boundary(ui, explorer)
    assert explorer.step() is True
    assert explorer.point == i
    assert explorer.canvas.frames == frames + 1  # one picture for the three sliders it moved
    np.testing.assert_allclose(p.w, expected_w)
    assert p.b == pytest.approx(expected_b)
    # the sliders show the new weights, and the plot changed
    shown = (explorer.w1.value, explorer.w2.value, explorer.b.value)
    assert shown == pytest.approx((*expected_w, expected_b))
    x1, x2 = boundary(ui, explorer)  # the line moved to the new weights
    assert not np.allclose(x2, ends_before[1])
    np.testing.assert_allclose(expected_w[0] * x1 + expected_w[1] * x2 + expected_b, 0, atol=1e-3)
    np.testing.assert_allclose(points_labelled(explorer, "point used for the update"), explorer.X[[i]],
                               atol=1e-4)
    assert f"Point {i}" in explorer.status.value
    explorer.b.value = explorer.b.value + 0.05  # dragging a slider forgets the marked point
    assert explorer.point is None


def test_update_button_cycles_through_misclassified_points(explorer: PerceptronExplorer) -> None:
    after, steps = -1, 0  # each update uses the next misclassified point after the last one (wrapping)
    while (wrong := np.flatnonzero(explorer.misclassified())).size and steps < 20:
        later = wrong[wrong > after]
        expected = int(later[0] if later.size else wrong[0])
        explorer.step_button.click()
        assert explorer.point == expected
        after, steps = expected, steps + 1
    assert steps >= 2 and explorer.misclassified().sum() == 0


def test_run_converges_on_blobs(ui, explorer: PerceptronExplorer) -> None:
    explorer.run_button.click()
    hist = explorer.history
    assert hist is not None and hist.converged and hist.errors[-1] == 0
    (curve,) = ui.layers(explorer.canvas, 1, "line")  # the errors panel shows this run
    assert curve["y"] == [float(e) for e in hist.errors] and curve["x"][0] == 1
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


def test_dataset_dropdown_changes_the_data(ui, explorer: PerceptronExplorer) -> None:
    before = explorer.canvas.to_png()
    explorer.run()
    explorer.dataset.value = "circles"
    X, y = dl.make_circles(100, rng=0)
    np.testing.assert_array_equal(explorer.X, X)
    np.testing.assert_array_equal(explorer.y, y)
    assert explorer.canvas.to_png() != before
    assert explorer.history is None and not ui.layers(explorer.canvas, 1, "line")  # the old run is gone
    shown = np.vstack([points_labelled(explorer, "class 0"), points_labelled(explorer, "class 1")])
    np.testing.assert_allclose(np.sort(shown, axis=0), np.sort(X, axis=0), atol=1e-4)


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


def test_moving_the_line_keeps_the_errors_panel(explorer: PerceptronExplorer) -> None:
    explorer.dataset.value = "xor"
    explorer.run()
    errors_before = explorer.canvas.scene["panels"][1]
    explorer.w2.value = -explorer.w2.value
    assert explorer.canvas.scene["panels"][1] == errors_before  # only the plane changed
    assert explorer.canvas.scene["panels"][0]["title"].startswith(f"w = ({explorer.w1.value:.2f}, ")


def test_line_ends_is_the_line_w_x_plus_b() -> None:
    rng = np.random.default_rng(0)
    for w, b in zip(rng.normal(size=(20, 2)), rng.normal(size=20), strict=True):
        ends = line_ends(w, b, (-2.0, 2.0), (-3.0, 3.0))
        assert ends is not None
        np.testing.assert_allclose(w[0] * ends[0] + w[1] * ends[1] + b, 0, atol=1e-9)
        steep = abs(w[0]) > abs(w[1])  # a steep line spans the view vertically, a flat one horizontally
        np.testing.assert_array_equal(ends[1] if steep else ends[0], [-3.0, 3.0] if steep else [-2.0, 2.0])
    x1, x2 = line_ends([2.0, 0.0], -1.0, (-2.0, 2.0), (-2.0, 2.0))  # vertical: x1 = 0.5
    np.testing.assert_allclose(x1, 0.5)
    assert line_ends([0.0, 0.0], 1.0, (0.0, 1.0), (0.0, 1.0)) is None
