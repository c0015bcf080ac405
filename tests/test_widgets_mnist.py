"""Widget of notebook 07, built headlessly: every control redraws what it should.

The browser draws on a Canvas: the tests read the scene it was sent (panel titles, the image's
pixels, the bars' heights and colours).
"""

from __future__ import annotations

import base64
import re
from types import SimpleNamespace
from typing import Any

import ipywidgets as W
import numpy as np
import pytest

import dlbasics as dl
from dlbasics.layers import Dense
from dlbasics.mnist import load_mnist_sample
from dlbasics.widgets import mnist_browser, perturb_digit
from dlbasics.widgets._canvas import Canvas, colormap_rgba
from dlbasics.widgets.mnist import _TRUE, _WRONG, WEIGHT_VIEWS, _first_hidden, _input_scale

N_IMAGES = 300


@pytest.fixture(scope="module")
def trained() -> tuple[dl.Sequential, np.ndarray, np.ndarray]:
    """A small network trained briefly on the shipped sample: right on most test images, not all."""
    X_train, y_train, X_test, y_test = load_mnist_sample().flat()
    net = dl.mlp([784, 32, 10], rng=0)
    dl.fit(net, X_train, y_train, optimizer=dl.Adam(net.parameters(), lr=1e-3), epochs=1,
           batch_size=64, rng=0)
    return net, X_test[:N_IMAGES], y_test[:N_IMAGES]


class View:
    """What the browser was last sent, read from the canvas's scene."""

    def __init__(self, box: W.Box, ui: SimpleNamespace) -> None:
        self.box, self.ui = box, ui
        self.canvas: Canvas = box.owner.canvas
        tabs = ui.controls(box)[0]
        assert isinstance(tabs, W.Tab)
        image, show, noise, erase = tabs.children[0].children[:4]
        unit, draw = tabs.children[1].children[:2]
        self.c = {"tabs": tabs, "image": image, "show": show, "noise": noise, "erase": erase,
                  "unit": unit, "draw": draw}

    def title(self, panel: int = 0) -> str:
        return self.canvas.scene["panels"][panel]["title"]

    def image(self) -> np.ndarray:
        """(28, 28, 4) RGBA of the image in the first panel."""
        return self.ui.image_of(self.canvas, self.ui.layers(self.canvas, 0, "image")[0])

    def bars(self, panel: int = 1) -> np.ndarray:
        return np.array([r["y1"] for r in self.ui.layers(self.canvas, panel, "rect")])

    def bar_colors(self, panel: int = 1) -> list[str]:
        return [r["fill"] for r in self.ui.layers(self.canvas, panel, "rect")]


def grey(x: np.ndarray) -> np.ndarray:
    """The RGBA pixels the browser gets for a digit in [0, 1] (ink dark)."""
    return colormap_rgba(np.asarray(x).reshape(28, 28), "gray_r", 0, 1)


def shown_index(title: str) -> tuple[int, int, int]:
    """(image index, true label, predicted label) from the image's title."""
    m = re.fullmatch(r"image ([\d,]+): true (\d), predicted (\d)", title)
    assert m, title
    return int(m.group(1).replace(",", "")), int(m.group(2)), int(m.group(3))


# -- perturb_digit --------------------------------------------------------------------------------
def test_exports(widget_exports: set[str]) -> None:
    assert {"mnist_browser", "perturb_digit", "draw_digit"} <= widget_exports


def test_perturb_digit_erases_bottom_rows_only() -> None:
    x = np.linspace(0.1, 1.0, 784, dtype=np.float32)
    same = perturb_digit(x)
    assert same is not x and np.array_equal(same, x)
    for k in (1, 5, 28):
        out = perturb_digit(x, erase=k).reshape(28, 28)
        assert np.all(out[28 - k:] == 0)
        assert np.array_equal(out[:28 - k], x.reshape(28, 28)[:28 - k])
    assert np.array_equal(x, np.linspace(0.1, 1.0, 784, dtype=np.float32))  # input untouched


def test_perturb_digit_noise_is_seeded_scaled_and_clipped() -> None:
    x = np.full(784, 0.5, dtype=np.float32)
    a = perturb_digit(x, noise=0.1, rng=3)
    assert np.array_equal(a, perturb_digit(x, noise=0.1, rng=3))  # same seed, same pattern
    assert not np.array_equal(a, perturb_digit(x, noise=0.1, rng=4))
    # one pattern, scaled: away from the clipping, doubling the noise doubles the change
    b = perturb_digit(x, noise=0.2, rng=3)
    inside = (b > 0) & (b < 1)
    assert np.allclose((b - x)[inside], 2 * (a - x)[inside], atol=1e-6)
    big = perturb_digit(x, noise=5.0, rng=0)
    assert big.min() == 0.0 and big.max() == 1.0 and big.dtype == np.float32


def test_perturb_digit_explains_bad_arguments() -> None:
    with pytest.raises(ValueError, match="784"):
        perturb_digit(np.zeros(100))
    with pytest.raises(ValueError, match="noise"):
        perturb_digit(np.zeros(784), noise=-0.1)
    with pytest.raises(ValueError, match="erase"):
        perturb_digit(np.zeros(784), erase=29)


# -- the first hidden layer and the input scale, whatever the network ---------------------------
def test_first_hidden_uses_the_networks_own_activation() -> None:
    X = load_mnist_sample().flat()[2][:40]
    tanh_net = dl.mlp([784, 8, 10], activation="tanh", rng=1)
    first = tanh_net.dense_layers[0]
    np.testing.assert_allclose(_first_hidden(tanh_net, X), np.tanh(X @ first.W + first.b), atol=1e-5)
    relu_net = dl.mlp([784, 8, 10], rng=1)
    first = relu_net.dense_layers[0]
    np.testing.assert_allclose(_first_hidden(relu_net, X), np.maximum(X @ first.W + first.b, 0), atol=1e-5)
    linear = dl.Sequential([Dense(784, 5, rng=0), Dense(5, 10, rng=0)])  # no activation: Z itself
    first = linear.dense_layers[0]
    np.testing.assert_allclose(_first_hidden(linear, X), X @ first.W + first.b, atol=1e-5)
    assert _input_scale(tanh_net) == 1.0


def raw_copy(net: dl.Sequential) -> dl.Sequential:
    """The same network, taking raw pixels 0..255 (Rescale(1/255) in front)."""
    sizes = [net.dense_layers[0].n_in] + [layer.n_out for layer in net.dense_layers]
    raw = dl.mlp(sizes, input_scale=1 / 255, rng=0)
    for mine, theirs in zip(raw.dense_layers, net.dense_layers, strict=True):
        mine.W[...] = theirs.W
        mine.b[...] = theirs.b
    return raw


def test_raw_pixel_networks_read_uint8_and_float_images_alike(trained: Any, ui: SimpleNamespace) -> None:
    net, X, y = trained
    raw = raw_copy(net)
    assert _input_scale(raw) == pytest.approx(1 / 255)
    X8 = np.round(X * 255).astype(np.uint8)
    X_q = X8 / np.float32(255)  # the same images, through 8 bits
    np.testing.assert_allclose(_first_hidden(raw, X8), _first_hidden(net, X_q), atol=1e-4)
    expected = net.predict_proba(X_q[:1])[0]
    for images in (X8, X8.reshape(-1, 28, 28), X_q):  # uint8 rows, uint8 images, floats in [0, 1]
        v = View(mnist_browser(raw, images, y), ui)
        np.testing.assert_allclose(v.bars(), expected, atol=1e-5)
        v.c["tabs"].selected_index = 1
        means = [_first_hidden(net, X_q)[y == k, 0].mean() if np.any(y == k) else 0.0 for k in range(10)]
        np.testing.assert_allclose(v.bars(panel=2), means, atol=1e-4)
    v.c["tabs"].selected_index = 0
    v.c["noise"].value = 0.5  # a damaged copy goes through the network as raw pixels too
    noisy = perturb_digit(X_q[0], noise=0.5, rng=np.random.default_rng([0, 0]))
    np.testing.assert_allclose(v.bars(), net.predict_proba(noisy[None])[0], atol=1e-5)


def test_classifies_a_large_set_in_chunks_without_a_float_copy(trained: Any, monkeypatch: Any) -> None:
    import dlbasics.widgets.mnist as mnist_widget

    net, X, y = trained
    raw = raw_copy(net)
    X8 = np.round(X * 255).astype(np.uint8)
    monkeypatch.setattr(mnist_widget, "CHUNK", 7)  # several chunks and a short last one
    box = mnist_browser(raw, X8, y)
    assert box.owner.rows.base is X8 or box.owner.rows is X8  # the uint8 images, not a float copy
    np.testing.assert_allclose(box.owner.probs, raw.predict_proba(X8), atol=1e-6)
    H = _first_hidden(raw, X8)
    means = [H[y == k].mean(axis=0) if np.any(y == k) else np.zeros(H.shape[1]) for k in range(10)]
    np.testing.assert_allclose(box.owner.class_means, np.array(means), atol=1e-5)


# -- the browser ----------------------------------------------------------------------------------
def test_builds_and_draws_the_first_image(trained: Any, ui: SimpleNamespace) -> None:
    net, X, y = trained
    box = mnist_browser(net, X, y)
    v = View(box, ui)
    assert "dlbasics-widget" in box._dom_classes and "dlbasics-plot" in v.canvas._dom_classes
    assert isinstance(v.c["image"], W.IntSlider) and v.c["image"].max == N_IMAGES - 1
    assert v.canvas.frames == 1  # drawn at creation
    i, label, guess = shown_index(v.title())
    p = net.predict_proba(X[:1])[0]
    assert (i, label, guess) == (0, y[0], p.argmax())
    np.testing.assert_allclose(v.bars(), p, atol=1e-6)
    assert np.array_equal(v.image(), grey(X[0]))
    colors = v.bar_colors()
    assert colors[y[0]] == _TRUE and (guess == label or colors[guess] == _WRONG)


def test_static_pages_get_a_picture(trained: Any) -> None:
    net, X, y = trained
    data = mnist_browser(net, X, y)._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data
    assert base64.b64decode(data["image/png"]).startswith(b"\x89PNG")


def test_image_slider_redraws(trained: Any, ui: SimpleNamespace, timed: Any) -> None:
    net, X, y = trained
    v = View(mnist_browser(net, X, y), ui)
    with timed("image slider step (scene built and sent)"):
        v.c["image"].value = 7
    assert v.canvas.frames == 2
    assert shown_index(v.title())[:2] == (7, y[7])
    assert np.array_equal(v.image(), grey(X[7]))
    np.testing.assert_allclose(v.bars(), net.predict_proba(X[7:8])[0], atol=1e-6)


def test_wrong_only_shows_only_mistakes(trained: Any, ui: SimpleNamespace) -> None:
    net, X, y = trained
    wrong = np.flatnonzero(net.predict(X) != y)
    assert 0 < wrong.size < N_IMAGES  # the fixture network is neither perfect nor hopeless
    v = View(mnist_browser(net, X, y), ui)
    v.c["image"].value = 5
    before = v.canvas.frames
    v.c["show"].value = "wrong only"
    assert v.canvas.frames == before + 1  # one redraw, not one per changed trait
    assert v.c["image"].max == wrong.size - 1 and v.c["image"].value == 0
    for pos in range(min(wrong.size, 4)):
        v.c["image"].value = pos
        i, label, guess = shown_index(v.title())
        assert i == wrong[pos] and label != guess
        assert v.bar_colors()[guess] == _WRONG and v.bar_colors()[label] == _TRUE
    v.c["image"].value = 0
    before = v.canvas.frames
    v.c["show"].value = "all"  # the slider stays at 0: the new list is drawn all the same
    assert v.canvas.frames == before + 1 and v.c["image"].max == N_IMAGES - 1
    assert shown_index(v.title())[0] == 0


def test_a_perfect_network_has_no_mistakes_to_show(trained: Any, ui: SimpleNamespace) -> None:
    net, X, _ = trained
    v = View(mnist_browser(net, X, net.predict(X)), ui)  # labels = its own answers
    v.c["show"].value = "wrong only"
    assert v.title() == "no image here" and "every image right" in v.title(1)
    assert not v.bars().any()


def test_noise_and_erase_change_the_guess_inputs(trained: Any, ui: SimpleNamespace) -> None:
    net, X, y = trained
    v = View(mnist_browser(net, X, y, seed=1), ui)
    v.c["image"].value = 3
    clean = v.bars()
    v.c["noise"].value = 0.6
    noisy = perturb_digit(X[3], noise=0.6, rng=np.random.default_rng([1, 3]))
    assert np.array_equal(v.image(), grey(noisy))
    np.testing.assert_allclose(v.bars(), net.predict_proba(noisy[None])[0], atol=1e-6)
    assert not np.allclose(v.bars(), clean)
    assert "noise 0.60" in v.title(1)
    v.c["noise"].value = 0.0
    v.c["erase"].value = 28
    assert np.array_equal(v.image(), grey(np.zeros(784)))
    assert "28 rows erased" in v.title(1)
    blank = net.predict_proba(np.zeros((1, 784), dtype=np.float32))[0]
    np.testing.assert_allclose(v.bars(), blank, atol=1e-6)


def test_weights_tab_shows_first_layer_columns(trained: Any, ui: SimpleNamespace, timed: Any) -> None:
    net, X, y = trained
    v = View(mnist_browser(net, X, y), ui)
    W1 = net.dense_layers[0].W
    with timed("weights tab (scene built and sent)"):
        v.c["tabs"].selected_index = 1

    def expected(w: np.ndarray) -> np.ndarray:
        lim = np.abs(w).max()
        return colormap_rgba(w.reshape(28, 28), "RdBu_r", -lim, lim)  # centred: white is 0

    assert np.array_equal(v.image(), expected(W1[:, 0]))
    v.c["unit"].value = 5
    assert np.array_equal(v.image(), expected(W1[:, 5]))
    lim = np.abs(W1[:, 5]).max()
    assert v.canvas.scene["panels"][1]["ylim"] == pytest.approx([-lim, lim], abs=1e-5)  # the colour bar
    H = np.maximum(X @ W1 + net.dense_layers[0].b, 0)[:, 5]  # unit 5's activations
    means = [H[y == k].mean() if np.any(y == k) else 0.0 for k in range(10)]
    np.testing.assert_allclose(v.bars(panel=2), means, atol=1e-5)
    assert v.title(2) == f"unit 5 responds most to digit {int(np.argmax(means))}"
    v.c["tabs"].selected_index = 0
    assert v.title().startswith("image 0:")


def test_weights_tab_can_show_the_change_in_training(trained: Any, ui: SimpleNamespace) -> None:
    net, X, y = trained
    W1 = net.dense_layers[0].W
    W_start = dl.mlp([784, 32, 10], rng=0).dense_layers[0].W  # the fixture network's initial weights
    v = View(mnist_browser(net, X, y, W_start=W_start), ui)
    assert v.c["draw"].options == WEIGHT_VIEWS
    v.c["tabs"].selected_index = 1
    v.c["unit"].value = 2
    assert "weights W[:, 2]" in v.title()
    v.c["draw"].value = WEIGHT_VIEWS[1]
    change = W1[:, 2] - W_start[:, 2]
    lim = np.abs(change).max()
    assert np.array_equal(v.image(), colormap_rgba(change.reshape(28, 28), "RdBu_r", -lim, lim))
    assert "change" in v.title() and "change" in v.canvas.scene["panels"][1]["ylabel"]
    # without W_start only the weights themselves are offered
    assert View(mnist_browser(net, X, y), ui).c["draw"].options == WEIGHT_VIEWS[:1]
    with pytest.raises(ValueError, match="W_start"):
        mnist_browser(net, X, y, W_start=W_start[:, :5])


def test_accepts_raw_uint8_images(trained: Any, ui: SimpleNamespace) -> None:
    net, X, y = trained
    raw = np.round(X * 255).astype(np.uint8).reshape(-1, 28, 28)
    v = View(mnist_browser(net, raw, y), ui)
    assert np.array_equal(v.image(), grey(raw[0] / np.float32(255)))
    np.testing.assert_allclose(v.bars(), net.predict_proba(raw[:1].reshape(1, 784) / np.float32(255))[0],
                               atol=1e-6)


def test_explains_bad_inputs(trained: Any) -> None:
    net, X, y = trained
    with pytest.raises(ValueError, match="784"):
        mnist_browser(net, X[:, :700], y)
    with pytest.raises(ValueError, match="labels"):
        mnist_browser(net, X, y[:-1])
    with pytest.raises(ValueError, match="mnist_browser"):
        mnist_browser(net, X, np.full_like(y, 10))  # a label the 10 outputs cannot mean
    with pytest.raises(ValueError, match="first layer"):
        mnist_browser(dl.mlp([20, 4, 10], rng=0), X, y)
    with pytest.raises(TypeError, match="Sequential"):
        mnist_browser("net", X, y)  # type: ignore[arg-type]
