"""Widget of notebook 07, built headlessly: every control redraws what it should."""

from __future__ import annotations

import io
import os
import re
import time
from typing import Any

os.environ.setdefault("MPLBACKEND", "Agg")

import ipywidgets as W
import numpy as np
import pytest
from IPython.core.pylabtools import print_figure
from matplotlib.figure import Figure

import dlbasics as dl
import dlbasics.widgets._common as common
from dlbasics.mnist import load_mnist_sample
from dlbasics.widgets import mnist_browser, perturb_digit
from dlbasics.widgets.mnist import WEIGHT_VIEWS

N_IMAGES = 300


@pytest.fixture(scope="module")
def trained() -> tuple[dl.Sequential, np.ndarray, np.ndarray]:
    """A small network trained briefly on the shipped sample: right on most test images, not all."""
    X_train, y_train, X_test, y_test = load_mnist_sample().flat()
    net = dl.mlp([784, 32, 10], rng=0)
    dl.fit(net, X_train, y_train, optimizer=dl.Adam(net.parameters(), lr=1e-3), epochs=1,
           batch_size=64, rng=0)
    return net, X_test[:N_IMAGES], y_test[:N_IMAGES]


class Shown:
    """Every figure the widget displays, with its PNG rendered at that moment (as JupyterLab would)."""

    def __init__(self) -> None:
        self.figs: list[Figure] = []
        self.pngs: list[bytes] = []

    def __call__(self, fig: Figure) -> None:
        self.pngs.append(print_figure(fig, "png", bbox_inches="tight"))
        self.figs.append(fig)

    @property
    def fig(self) -> Figure:
        return self.figs[-1]

    def title(self, ax: int = 0) -> str:
        return self.fig.axes[ax].get_title()

    def image(self) -> np.ndarray:
        return np.asarray(self.fig.axes[0].images[0].get_array())

    def bars(self) -> np.ndarray:
        return np.array([p.get_height() for p in self.fig.axes[1].patches])


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> Shown:
    rec = Shown()
    monkeypatch.setattr(common, "display", rec)
    return rec


def parts(box: W.Box) -> dict[str, Any]:
    """The widget's controls by role: box > body > panel > tab > pages."""
    tabs = box.children[-1].children[0].children[0]
    assert isinstance(tabs, W.Tab)
    image, show, noise, erase = tabs.children[0].children[:4]
    unit, draw = tabs.children[1].children[:2]
    return {"tabs": tabs, "image": image, "show": show, "noise": noise, "erase": erase, "unit": unit,
            "draw": draw}


def shown_index(title: str) -> tuple[int, int, int]:
    """(image index, true label, predicted label) from the image's title."""
    m = re.fullmatch(r"image ([\d,]+): true (\d), predicted (\d)", title)
    assert m, title
    return int(m.group(1).replace(",", "")), int(m.group(2)), int(m.group(3))


def timed(action: Any) -> float:
    t0 = time.perf_counter()
    action()
    return time.perf_counter() - t0


# -- perturb_digit --------------------------------------------------------------------------------
def test_exports() -> None:
    import dlbasics.widgets as widgets

    assert {"mnist_browser", "perturb_digit"} <= set(widgets.__all__)


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


# -- the browser ----------------------------------------------------------------------------------
def test_builds_and_draws_the_first_image(trained: Any, shown: Shown) -> None:
    net, X, y = trained
    box = mnist_browser(net, X, y)
    assert "dlbasics-widget" in box._dom_classes
    out = box.children[-1].children[1]
    assert "dlbasics-plot" in out._dom_classes
    c = parts(box)
    assert isinstance(c["image"], W.IntSlider) and c["image"].max == N_IMAGES - 1
    assert len(shown.figs) == 1  # drawn at creation
    i, label, guess = shown_index(shown.title())
    p = net.predict_proba(X[:1])[0]
    assert (i, label, guess) == (0, y[0], p.argmax())
    assert np.allclose(shown.bars(), p, atol=1e-6)
    assert np.allclose(shown.image(), X[0].reshape(28, 28))


def test_image_slider_redraws(trained: Any, shown: Shown) -> None:
    net, X, y = trained
    c = parts(mnist_browser(net, X, y))
    before = shown.pngs[-1]
    seconds = timed(lambda: setattr(c["image"], "value", 7))
    print(f"image slider redraw: {1000 * seconds:.0f} ms")
    assert shown.pngs[-1] != before
    assert shown_index(shown.title())[:2] == (7, y[7])
    assert np.allclose(shown.image(), X[7].reshape(28, 28))
    assert np.allclose(shown.bars(), net.predict_proba(X[7:8])[0], atol=1e-6)


def test_wrong_only_shows_only_mistakes(trained: Any, shown: Shown) -> None:
    net, X, y = trained
    wrong = np.flatnonzero(net.predict(X) != y)
    assert 0 < wrong.size < N_IMAGES  # the fixture network is neither perfect nor hopeless
    c = parts(mnist_browser(net, X, y))
    c["image"].value = 5
    n_before = len(shown.figs)
    c["show"].value = "wrong only"
    assert len(shown.figs) == n_before + 1  # one redraw, not one per changed trait
    assert c["image"].max == wrong.size - 1 and c["image"].value == 0
    for pos in range(min(wrong.size, 4)):
        c["image"].value = pos
        i, label, guess = shown_index(shown.title())
        assert i == wrong[pos] and label != guess
    c["show"].value = "all"
    assert c["image"].max == N_IMAGES - 1


def test_noise_and_erase_change_the_guess_inputs(trained: Any, shown: Shown) -> None:
    net, X, y = trained
    c = parts(mnist_browser(net, X, y, seed=1))
    c["image"].value = 3
    clean = shown.bars()
    c["noise"].value = 0.6
    noisy = perturb_digit(X[3], noise=0.6, rng=np.random.default_rng([1, 3]))
    assert np.allclose(shown.image(), noisy.reshape(28, 28))
    assert np.allclose(shown.bars(), net.predict_proba(noisy[None])[0], atol=1e-6)
    assert not np.allclose(shown.bars(), clean)
    assert "noise 0.60" in shown.title(1)
    c["noise"].value = 0.0
    c["erase"].value = 28
    assert np.all(shown.image() == 0)
    assert "28 rows erased" in shown.title(1)
    blank = net.predict_proba(np.zeros((1, 784), dtype=np.float32))[0]
    assert np.allclose(shown.bars(), blank, atol=1e-6)


def test_weights_tab_shows_first_layer_columns(trained: Any, shown: Shown) -> None:
    net, X, y = trained
    c = parts(mnist_browser(net, X, y))
    W1 = net.dense_layers[0].W
    seconds = timed(lambda: setattr(c["tabs"], "selected_index", 1))
    print(f"weights tab redraw: {1000 * seconds:.0f} ms")
    assert np.allclose(shown.image(), W1[:, 0].reshape(28, 28))
    before = shown.pngs[-1]
    c["unit"].value = 5
    assert shown.pngs[-1] != before
    image = shown.fig.axes[0].images[0]
    assert np.allclose(image.get_array(), W1[:, 5].reshape(28, 28))
    lo, hi = image.get_clim()
    assert lo == pytest.approx(-hi) and hi == pytest.approx(np.abs(W1[:, 5]).max())  # centred at 0
    H = np.maximum(X @ W1 + net.dense_layers[0].b, 0)[:, 5]  # unit 5's activations
    means = [H[y == k].mean() if np.any(y == k) else 0.0 for k in range(10)]
    assert np.allclose(shown.bars(), means, atol=1e-5)
    c["tabs"].selected_index = 0
    assert shown.title().startswith("image 0:")


def test_weights_tab_can_show_the_change_in_training(trained: Any, shown: Shown) -> None:
    net, X, y = trained
    W1 = net.dense_layers[0].W
    W_start = dl.mlp([784, 32, 10], rng=0).dense_layers[0].W  # the fixture network's initial weights
    c = parts(mnist_browser(net, X, y, W_start=W_start))
    assert c["draw"].options == WEIGHT_VIEWS
    c["tabs"].selected_index = 1
    c["unit"].value = 2
    assert np.allclose(shown.image(), W1[:, 2].reshape(28, 28))
    c["draw"].value = WEIGHT_VIEWS[1]
    change = (W1[:, 2] - W_start[:, 2]).reshape(28, 28)
    assert np.allclose(shown.image(), change)
    assert "change" in shown.title()
    # without W_start only the weights themselves are offered
    assert parts(mnist_browser(net, X, y))["draw"].options == WEIGHT_VIEWS[:1]
    with pytest.raises(ValueError, match="W_start"):
        mnist_browser(net, X, y, W_start=W_start[:, :5])


def test_accepts_raw_uint8_images(trained: Any, shown: Shown) -> None:
    net, X, y = trained
    raw = np.round(X * 255).astype(np.uint8).reshape(-1, 28, 28)
    mnist_browser(net, raw, y)
    assert np.allclose(shown.image(), raw[0] / 255)


def test_explains_bad_inputs(trained: Any, shown: Shown) -> None:
    net, X, y = trained
    with pytest.raises(ValueError, match="784"):
        mnist_browser(net, X[:, :700], y)
    with pytest.raises(ValueError, match="labels"):
        mnist_browser(net, X, y[:-1])
    with pytest.raises(ValueError, match="first layer"):
        mnist_browser(dl.mlp([20, 4, 10], rng=0), X, y)
    with pytest.raises(TypeError, match="Sequential"):
        mnist_browser("net", X, y)  # type: ignore[arg-type]


def test_png_helper_is_deterministic() -> None:
    fig = Figure()
    fig.subplots().plot([0, 1])
    a, b = io.BytesIO(), io.BytesIO()
    fig.savefig(a, format="png")
    fig.savefig(b, format="png")
    assert a.getvalue() == b.getvalue()  # so "the PNG changed" means the plot changed
