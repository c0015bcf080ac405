"""Draw a digit (notebook 07): preparing a drawing like MNIST, and the widget without a browser."""

from __future__ import annotations

import base64
import math
from pathlib import Path

import numpy as np
import pytest

import dlbasics as dl
from dlbasics.mnist import load_mnist_sample, prepare_digit
from dlbasics.widgets import draw_digit
from dlbasics.widgets.draw import EXAMPLE_STROKES, PEN, RASTER, DigitCanvas, render_strokes

STATIC = Path(dl.__file__).parent / "widgets" / "static"


def ink_box(img: np.ndarray) -> tuple[int, int]:
    """(height, width) of the rows and columns holding ink."""
    rows, cols = np.nonzero(img)
    return int(np.ptp(rows)) + 1, int(np.ptp(cols)) + 1


def centre_of_mass(img: np.ndarray) -> tuple[float, float]:
    img = np.asarray(img, dtype=np.float64)
    r = np.arange(img.shape[0])
    c = np.arange(img.shape[1])
    return float(img.sum(1) @ r / img.sum()), float(img.sum(0) @ c / img.sum())


# -- prepare_digit ---------------------------------------------------------------------------------
def test_mnist_digits_come_back_as_they_were() -> None:
    """An MNIST digit is already prepared: blown up 4x and put anywhere, it comes back unchanged."""
    X = load_mnist_sample().X_test  # (1000, 28, 28) uint8
    for k, x in enumerate(X):
        canvas = np.zeros((150, 170), dtype=np.uint8)
        r, c = 3 + k % 30, 5 + (7 * k) % 50  # off-centre, a different place for each digit
        canvas[r:r + 112, c:c + 112] = np.kron(x, np.ones((4, 4), dtype=np.uint8))
        got = prepare_digit(canvas, dtype=np.float64)
        np.testing.assert_allclose(got, x / x.max(), atol=1e-12, err_msg=f"test digit {k}")
    # float input in [0, 1], uint8 output: the same pixels as the file (90 % of digits reach 255)
    x = X[np.flatnonzero(X.max(axis=(1, 2)) == 255)[0]]
    big = np.kron(x, np.ones((3, 3))) / 255
    assert np.array_equal(prepare_digit(big, dtype=np.uint8), x)


def test_a_block_is_fitted_into_20_pixels_keeping_its_aspect() -> None:
    canvas = np.zeros((300, 200))
    canvas[40:220, 110:200] = 1.0  # 180 x 90, touching the right border
    digit = prepare_digit(canvas)
    assert digit.shape == (28, 28) and digit.dtype == np.float32
    assert ink_box(digit) == (20, 10)
    assert np.all(digit[digit > 0] == 1.0)  # whole pixels of a block: no grey edge
    cy, cx = centre_of_mass(digit)
    assert abs(cy - 14) <= 0.5 and abs(cx - 14) <= 0.5


def test_centred_by_mass_not_by_box() -> None:
    """An L: its box is off-centre so that its centre of mass sits at (14, 14)."""
    canvas = np.zeros((120, 120), dtype=np.uint8)
    canvas[10:110, 20:40] = 255  # the upright: 100 x 20
    canvas[90:110, 20:100] = 255  # the foot: 20 x 80
    digit = prepare_digit(canvas)
    assert ink_box(digit) == (20, 16)
    cy, cx = centre_of_mass(digit)
    assert abs(cy - 14) <= 0.5 and abs(cx - 14) <= 0.5
    rows, cols = np.nonzero(digit)
    box_row, box_col = (rows.min() + rows.max()) / 2, (cols.min() + cols.max()) / 2
    # the ink lies low and left in its box, so the box sits higher and further right than 14
    assert box_row < 13 and box_col > 15


def test_anti_aliasing_makes_grey_edges_and_full_ink() -> None:
    r, c = np.mgrid[0:120, 0:120]
    disc = ((r - 50.3) ** 2 + (c - 60.8) ** 2 <= 40**2).astype(np.uint8) * 255  # radius 40
    digit = prepare_digit(disc)
    assert ink_box(digit) == (20, 20)
    grey = (digit > 0) & (digit < 1)
    assert grey.sum() >= 20 and digit.max() == 1.0 and digit.min() == 0.0  # a grey rim
    assert np.all(digit[10:18, 10:18] == 1.0)  # a full inside
    # area averaging keeps the amount of ink, scaled like the side squared
    side = max(ink_box(disc))
    assert digit.sum() == pytest.approx((disc > 0).sum() * (20 / side) ** 2, rel=1e-6)


def test_small_drawings_are_enlarged_and_faint_ones_reach_full_ink() -> None:
    canvas = np.zeros((50, 50))
    canvas[20:25, 20:23] = 0.3  # 5 x 3, faint
    digit = prepare_digit(canvas)
    assert ink_box(digit) == (20, 12)
    assert digit.max() == pytest.approx(1.0) and digit.min() >= 0.0


def test_position_and_size_do_not_matter() -> None:
    shape = np.zeros((40, 40))
    shape[5:35, 10:18] = 1.0
    shape[5:12, 10:30] = 1.0  # a 7-like hook
    a = np.zeros((200, 200))
    a[0:40, 150:190] = shape
    b = np.zeros((90, 300))
    b[40:80, 3:43] = shape
    assert np.array_equal(prepare_digit(a), prepare_digit(b))
    double = np.kron(shape, np.ones((2, 2)))
    np.testing.assert_allclose(prepare_digit(double), prepare_digit(shape), atol=1e-6)


def test_the_box_stays_inside_the_image() -> None:
    canvas = np.zeros((60, 60))
    canvas[0:60, 0:60] = 0.01  # a faint square ...
    canvas[0:60, 0:3] = 1.0  # ... with nearly all its ink in the left columns
    digit = prepare_digit(canvas)
    assert ink_box(digit) == (20, 20)
    rows, cols = np.nonzero(digit)
    assert cols.min() == 8  # pushed as far right as the frame allows (14 - 1 would cut it)
    assert rows.min() >= 0 and rows.max() <= 27


def test_input_is_left_unchanged() -> None:
    canvas = np.zeros((64, 64), dtype=np.float32)
    canvas[10:50, 30:34] = 0.8
    before = canvas.copy()
    prepare_digit(canvas)
    assert np.array_equal(canvas, before)


def test_blank_canvas_says_so() -> None:
    for blank in (np.zeros((280, 280)), np.zeros((28, 28), dtype=np.uint8), np.zeros((5, 5), dtype=bool)):
        with pytest.raises(ValueError, match="blank.*draw one"):
            prepare_digit(blank)


def test_bad_inputs_get_clear_errors() -> None:
    with pytest.raises(ValueError, match=r"prepare_digit.*\(height, width\).*\(784,\)"):
        prepare_digit(np.zeros(784))
    with pytest.raises(ValueError, match=r"\(280, 280, 4\).*one channel"):
        prepare_digit(np.zeros((280, 280, 4), dtype=np.uint8))
    with pytest.raises(TypeError, match="int32"):
        prepare_digit(np.ones((28, 28), dtype=np.int32))
    with pytest.raises(ValueError, match=r"\[0, 1\].*255"):
        prepare_digit(np.full((28, 28), 255.0))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        prepare_digit(np.full((28, 28), np.nan))
    with pytest.raises(TypeError, match="dtype.*int16"):
        prepare_digit(np.eye(28), dtype=np.int16)


# -- render_strokes --------------------------------------------------------------------------------
def test_render_strokes_draws_a_round_pen() -> None:
    dot = render_strokes([[0.5, 0.5]], size=100, pen=0.2)  # radius 10 px
    assert dot.sum() == pytest.approx(math.pi * 10**2, rel=0.02)
    assert dot[50, 50] == 1.0 and dot[50, 61] == 0.0
    line = render_strokes([[0.1, 0.25, 0.9, 0.25]], size=100, pen=0.1)  # horizontal, y down
    rows = np.flatnonzero(line.max(axis=1) > 0.5)
    assert rows.min() >= 19 and rows.max() <= 30  # 5 px either side of row 25
    assert line.sum() == pytest.approx(80 * 10 + math.pi * 5**2, rel=0.03)
    assert not render_strokes([]).any() and render_strokes([]).shape == (RASTER, RASTER)
    assert not render_strokes([[0.3]]).any()  # half a point is no point


# -- the widget ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def net() -> dl.Sequential:
    """A network trained for a few seconds on the shipped sample (94 % on its test images)."""
    X_train, y_train, X_test, y_test = load_mnist_sample().flat()
    model = dl.mlp([784, 64, 10], rng=0)
    dl.fit(model, X_train, y_train, optimizer=dl.Adam(model.parameters(), lr=1e-3), epochs=8,
           batch_size=64, rng=0)
    assert np.mean(model.predict(X_test) == y_test) > 0.9
    return model


def as_drawn(points: list[tuple[float, float]], steps: int = 12) -> list[float]:
    """A stroke through the points, as a hand moves: many small steps between them."""
    P = np.asarray(points)
    t = np.linspace(0, 1, steps, endpoint=False)[:, None]
    path = [a + t * (b - a) for a, b in zip(P[:-1], P[1:], strict=True)] + [P[-1:]]
    return np.concatenate(path).ravel().round(4).tolist()


LOOP = [(0.5 + 0.18 * math.sin(a), 0.5 - 0.3 * math.cos(a)) for a in np.linspace(0, 2.1 * math.pi, 40)]
DIGITS = {
    1: [as_drawn([(0.52, 0.2), (0.49, 0.5), (0.46, 0.8)])],
    0: [as_drawn(LOOP, steps=3)],
    7: [as_drawn([(0.3, 0.22), (0.7, 0.22)]), as_drawn([(0.7, 0.22), (0.56, 0.5), (0.45, 0.8)])],
}


def test_the_widget_sends_what_the_network_sees(net: dl.Sequential) -> None:
    w = draw_digit(net, example=False)
    assert isinstance(w, DigitCanvas) and "dlbasics-widget" in w._dom_classes
    assert w.prediction is None and w.probs == [] and not w.image.any() and "Draw" in w.message
    w.strokes = DIGITS[7]  # what the browser does while you draw
    expected = prepare_digit(render_strokes(DIGITS[7], pen=PEN), dtype=np.uint8)
    assert np.array_equal(w.image, expected) and len(w.seen) == 784
    p = net.predict_proba(expected.reshape(1, 784) / np.float32(255))[0]
    np.testing.assert_allclose(w.probs, p, atol=1e-6)
    assert w.prediction == int(p.argmax()) and f"reads {w.prediction}" in w.message


@pytest.mark.parametrize("digit", sorted(DIGITS))
def test_a_trained_network_reads_drawn_digits(net: dl.Sequential, digit: int) -> None:
    w = draw_digit(net, example=False)
    w.strokes = DIGITS[digit]
    assert w.prediction == digit, f"read {w.prediction}, probabilities {np.round(w.probs, 2)}"
    ink = w.image.sum() / 255
    assert 40 < ink < 200  # MNIST digits hold 102 pixels' worth of ink on average


def test_the_example_is_a_two_and_clear_empties_it(net: dl.Sequential) -> None:
    w = draw_digit(net)
    assert w.strokes == EXAMPLE_STROKES and w.prediction == 2
    w.clear()
    assert w.strokes == [] and w.probs == [] and not w.image.any() and w.prediction is None


def test_networks_that_take_raw_pixels_read_the_same(net: dl.Sequential) -> None:
    raw = dl.mlp([784, 64, 10], input_scale=1 / 255, rng=0)  # Rescale(1/255) first
    for mine, theirs in zip(raw.dense_layers, net.dense_layers, strict=True):
        mine.W[...] = theirs.W
        mine.b[...] = theirs.b
    a, b = draw_digit(net), draw_digit(raw)
    np.testing.assert_allclose(b.probs, a.probs, atol=1e-5)
    b.strokes = a.strokes = DIGITS[0]
    np.testing.assert_allclose(b.probs, a.probs, atol=1e-5)


def test_static_pages_get_a_png_beside_the_live_widget(net: dl.Sequential) -> None:
    data, _ = draw_digit(net)._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data
    png = base64.b64decode(data["image/png"])
    assert png.startswith(b"\x89PNG") and len(png) > 5000
    assert "reads 2" in data["text/plain"]
    blank, _ = draw_digit(net, example=False)._repr_mimebundle_()
    assert blank["image/png"] != data["image/png"]


def test_the_browser_module_is_labelled() -> None:
    js = (STATIC / "draw_digit.js").read_text()
    assert "export default { render }" in js
    assert js.count("aria-label") >= 3 and 'clear.textContent = "clear"' in js
    assert "dlbasics-widget" in js and "dlbasics-plot" in js
    assert "pointerdown" in js and "setPointerCapture" in js  # mouse, touch and pen alike
    assert "touch-action: none" in (STATIC / "draw_digit.css").read_text()


def test_draw_digit_explains_bad_models() -> None:
    with pytest.raises(TypeError, match="Sequential"):
        draw_digit("net")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="784"):
        draw_digit(dl.mlp([20, 4, 10], rng=0))
