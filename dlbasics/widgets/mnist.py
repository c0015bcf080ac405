"""Widget for notebook 07: browse a trained MNIST network's predictions and first-layer weights.

* :func:`mnist_browser` — a tab **predictions**: a slider walks through the images (all of
  them, or only the misclassified ones), each shown next to the network's ten class
  probabilities; two more sliders add noise to the image or erase its bottom rows, and the
  bars show at once how the guess changes. A tab **weights**: a slider picks a unit of the
  first hidden layer, whose 784 incoming weights ``W[:, j]`` are drawn as a 28 × 28 image
  (red = positive, blue = negative, white = 0) — or what training changed in them — next to
  how strongly each digit class switches that unit on.
* :func:`perturb_digit` — the noise and erasing the browser applies, as a plain function.

The pictures are drawn in the browser (a :class:`~dlbasics.widgets._canvas.Canvas`): a slider
step costs at most one forward pass of a single image and one message with 784 pixels and a few
bars, no matplotlib render.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as W
import numpy as np
from numpy.typing import ArrayLike

from dlbasics._typing import Array
from dlbasics.datasets import one_hot
from dlbasics.layers import Dense, Rescale
from dlbasics.losses import class_labels
from dlbasics.network import Sequential
from dlbasics.viz import PALETTE
from dlbasics.widgets._canvas import Canvas, Panel, Scene, colormap_rgba
from dlbasics.widgets._common import LiveWidget, WidgetBox

__all__ = ["mnist_browser", "perturb_digit", "MnistBrowser", "FILTERS", "WEIGHT_VIEWS"]


SIDE = 28  # MNIST images are 28 x 28 pixels
N_PIXELS = SIDE * SIDE
#: the choices of the browser's "show" dropdown (predictions tab)
FILTERS = ("all", "wrong only")
#: the choices of the "draw" dropdown (weights tab); the second needs ``W_start``
WEIGHT_VIEWS = ("weights W", "change W - W_start")

_BAR = PALETTE[0]  # blue: an ordinary class
_TRUE = PALETTE[2]  # green: the true label
_WRONG = PALETTE[5]  # vermillion: a wrong prediction


def perturb_digit(x: ArrayLike, *, noise: float = 0.0, erase: int = 0,
                  rng: np.random.Generator | int | None = 0) -> Array:
    """A damaged copy of one flattened digit: Gaussian noise added, bottom rows erased.

    ``x' = clip(x + noise · ε, 0, 1)`` with ``ε ~ N(0, 1)`` per pixel, then the bottom
    ``erase`` rows of the 28 × 28 image are set to 0 (background).

    Parameters
    ----------
    x : array, shape (784,)
        One image, pixel values in [0, 1].
    noise : float, default 0
        Standard deviation of the noise (0 = none; 0.5 already hides much of the digit).
    erase : int, default 0
        How many rows, counted from the bottom, to blank out (0 to 28).
    rng : Generator or int, default 0
        Randomness for the noise; a fixed seed gives the same noise pattern every time, so
        moving the noise slider scales one pattern instead of drawing a new one.

    Returns
    -------
    array, shape (784,), float32
        A new array; ``x`` is left unchanged.

    Examples
    --------
    >>> x = np.full(784, 0.5, dtype=np.float32)
    >>> y = perturb_digit(x, erase=2)
    >>> float(y[:-56].min()), float(y[-56:].max())   # the last 2 rows of 28 pixels are blank
    (0.5, 0.0)
    >>> bool(np.all((perturb_digit(x, noise=3.0) >= 0) & (perturb_digit(x, noise=3.0) <= 1)))
    True
    """
    x = np.asarray(x, dtype=np.float32).reshape(-1)
    if x.shape != (N_PIXELS,):
        raise ValueError(f"perturb_digit expects one flattened 28 x 28 image of {N_PIXELS} values, "
                         f"got {x.size} values")
    if noise < 0:
        raise ValueError(f"perturb_digit: noise is a standard deviation and must be >= 0, got {noise}")
    if not 0 <= int(erase) <= SIDE:
        raise ValueError(f"perturb_digit: erase counts rows and must lie in [0, {SIDE}], got {erase}")
    out = x.copy()
    if noise > 0:
        gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
        out += np.float32(noise) * gen.standard_normal(N_PIXELS, dtype=np.float32)  # (784,)
        np.clip(out, 0.0, 1.0, out=out)
    if erase:
        out[N_PIXELS - SIDE * int(erase):] = 0.0  # the bottom rows are the last pixels
    return out


def _pixel_rows(X: ArrayLike) -> Array:
    """The images as (N, 784) rows, in their own dtype (a view where possible, never a copy of
    the whole set in another dtype): from flattened rows or (N, 28, 28) images."""
    X = np.asarray(X)
    if X.ndim == 3 and X.shape[1:] == (SIDE, SIDE):
        X = X.reshape(len(X), N_PIXELS)
    if X.ndim != 2 or X.shape[1] != N_PIXELS:
        raise ValueError(f"mnist_browser: expected images of shape (N, 784) or (N, 28, 28), got {X.shape}")
    if X.dtype.kind not in "uif":
        raise TypeError(f"mnist_browser: expected images of numbers, got dtype {X.dtype}")
    return X


def _flat_images(X: ArrayLike) -> Array:
    """(N, 784) float32 in [0, 1] from flattened rows or (N, 28, 28) images (uint8 or float)."""
    X = _pixel_rows(X)
    if X.dtype == np.uint8:
        return X.astype(np.float32) / np.float32(255)
    return X.astype(np.float32, copy=False)


#: images per forward pass when the browser classifies the whole set (bounds its memory)
CHUNK = 1000


def _input_scale(model: Sequential) -> float:
    """What the model multiplies its input by before its first Dense layer (1 without Rescale)."""
    return float(model[0].scale) if isinstance(model[0], Rescale) else 1.0


def _first_hidden(model: Sequential, X_in: Array) -> Array:
    """(N, H) outputs of the first hidden layer: the model's own layers up to the activation
    after its first Dense layer (or that Dense layer itself when no activation follows)."""
    layers = list(model)
    end = next(i for i, layer in enumerate(layers) if isinstance(layer, Dense)) + 1
    if end < len(layers) and not isinstance(layers[end], Dense) and not layers[end].parameters():
        end += 1  # the activation right after it (ReLU, tanh, ...), whatever it is
    A = X_in
    for layer in layers[:end]:
        A = layer.forward(A)
    return A


def _network_input(model: Sequential, X: ArrayLike, Xf: Array) -> Array:
    """The images as ``model`` takes them: in [0, 1], or raw pixels for a Rescale-first network.

    ``Xf`` is ``X`` as floats in [0, 1]. A network that starts with ``Rescale(1/255)`` gets the
    8-bit pixels themselves when ``X`` holds them (exactly its training input), else ``Xf / scale``.
    """
    scale = _input_scale(model)  # the network multiplies what it gets by this
    raw = np.asarray(X).reshape(Xf.shape)
    if scale != 1.0 and raw.dtype == np.uint8 and np.isclose(scale, 1 / 255):
        return raw
    return Xf / np.float32(scale)


def _class_means(H: Array, y: Array, k: int) -> Array:
    """(K, H) mean of each first-layer unit's activation over the images of each true class."""
    Y = one_hot(y, k)  # (N, K)
    counts = np.maximum(Y.sum(axis=0), 1.0)  # (K,) a class without images gets 0, not NaN
    return (Y.T @ H) / counts[:, None]  # (K, H)


def _digit_panel(scene: Scene, rect: tuple[float, float, float, float], image: Array, *, cmap: str,
                 lim: tuple[float, float], title: str) -> Panel:
    """A 28 x 28 image in a square panel without ticks, row 0 at the top."""
    panel = scene.panel(rect, xlim=(0, SIDE), ylim=(0, SIDE), title=title, xticks=False, yticks=False)
    panel.image(colormap_rgba(image.reshape(SIDE, SIDE), cmap, *lim), extent=(0, SIDE, 0, SIDE),
                origin="upper")
    return panel


def _bar_panel(scene: Scene, rect: tuple[float, float, float, float], heights: Array, colors: list[str],
               *, ylim: tuple[float, float], title: str, xlabel: str, ylabel: str) -> Panel:
    """One bar per class; under it a strip with the class numbers and the axis label."""
    k = len(heights)
    panel = scene.panel(rect, xlim=(-0.6, k - 0.4), ylim=ylim, title=title, ylabel=ylabel, xticks=False)
    for c, (h, color) in enumerate(zip(heights, colors, strict=True)):
        panel.rect(c - 0.4, 0.0, c + 0.4, float(h), fill=color)
    left, top, width, height = rect
    strip = scene.panel((left, top + height, width, 40), xlim=(-0.6, k - 0.4), ylim=(0, 40), axes=False)
    for c in range(k):  # a panel's layers are clipped to it: the labels get a panel of their own
        strip.text(c, 31, str(c), align="center", size=11)
    strip.text((k - 1) / 2, 12, xlabel, align="center", size=12)
    return panel


def _square_legend(panel: Panel, entries: list[tuple[str, str]]) -> None:
    for label, color in entries:
        panel.spec["legend"].append({"label": label, "color": color, "kind": "point", "marker": "s"})


class MnistBrowser(LiveWidget):
    """State and drawing behind :func:`mnist_browser` (see there)."""

    def __init__(self, model: Sequential, X: ArrayLike, y: ArrayLike, W_start: ArrayLike | None,
                 seed: int) -> None:
        super().__init__()
        self.model, self.seed = model, seed
        self._load(model, X, y, W_start)
        self._controls()
        self.canvas = Canvas(label="a digit and the network's class probabilities, or a hidden "
                                   "unit's weights and its mean activation per digit")
        self.dd.observe(self._on_filter, names="value")
        self.watch(self.s_img, self.s_noise, self.s_erase, self.s_unit, self.dd_w)
        self.watch(self.tabs, names="selected_index")
        self.box([self.tabs], self.canvas)
        self.refresh()

    def _load(self, model: Sequential, X: ArrayLike, y: ArrayLike, W_start: ArrayLike | None) -> None:
        """Check the inputs and compute everything that does not depend on the controls."""
        if not isinstance(model, Sequential):
            raise TypeError(f"mnist_browser: model must be a dlbasics Sequential, got {type(model).__name__}")
        self.rows = _pixel_rows(X)  # (N, 784) as given: uint8 stays uint8
        n = self.n = self.rows.shape[0]
        first = model.dense_layers[0]
        if first.n_in != N_PIXELS:
            raise ValueError(f"mnist_browser: the model's first layer takes {first.n_in} inputs, "
                             f"expected {N_PIXELS} (one per pixel)")
        self.k = model.n_out
        labels = np.asarray(y).reshape(-1)
        if labels.shape[0] != n:
            raise ValueError(f"mnist_browser: got {n} images but {labels.shape[0]} labels")
        if n == 0:
            raise ValueError("mnist_browser: got no images to browse")
        self.y = class_labels(labels, self.k, "mnist_browser")  # (N,)
        self.scale = _input_scale(model)
        self.probs, H = self._classify(model)  # (N, K), (N, H)
        wrong = np.flatnonzero(self.probs.argmax(axis=1) != self.y)  # (n_wrong,)
        self.lists = {"all": np.arange(n), "wrong only": wrong}
        self.Wt = first.W  # (784, H): column j is unit j's weights
        self.W_init = None if W_start is None else np.asarray(W_start)  # (784, H) before training
        if self.W_init is not None and self.W_init.shape != self.Wt.shape:
            raise ValueError(f"mnist_browser: W_start must have the first layer's shape {self.Wt.shape}, "
                             f"got {self.W_init.shape}")
        self.class_means = _class_means(H, self.y, self.k)  # (K, H)

    def _classify(self, model: Sequential) -> tuple[Array, Array]:
        """The probabilities and first-hidden-layer outputs for every image, ``CHUNK`` at a time:
        (N, K), (N, H). Only one chunk of the images is ever converted to floats."""
        probs, hidden = [], []
        for start in range(0, self.n, CHUNK):
            part = self.rows[start:start + CHUNK]  # (c, 784)
            X_in = _network_input(model, part, _flat_images(part))  # what the network takes
            probs.append(model.predict_proba(X_in))
            hidden.append(_first_hidden(model, X_in))
        return np.concatenate(probs), np.concatenate(hidden)

    def image(self, i: int) -> Array:
        """Image ``i`` as (784,) float32 in [0, 1]."""
        return _flat_images(self.rows[i:i + 1])[0]

    def _controls(self) -> None:
        style, wide = {"description_width": "80px"}, W.Layout(width="280px")
        n, n_wrong = self.n, self.lists["wrong only"].size
        self.s_img = W.IntSlider(value=0, min=0, max=n - 1, description="image", continuous_update=True,
                                 style=style, layout=wide)
        self.dd = W.Dropdown(options=list(FILTERS), value="all", description="show", style=style, layout=wide)
        self.s_noise = W.FloatSlider(value=0.0, min=0.0, max=1.0, step=0.05, description="noise",
                                     readout_format=".2f", continuous_update=True, style=style, layout=wide)
        self.s_erase = W.IntSlider(value=0, min=0, max=SIDE, description="erase rows", continuous_update=True,
                                   style=style, layout=wide)
        counts_note = W.HTML(f"<small>{n_wrong:,} of {n:,} images are misclassified ({n_wrong / n:.1%})."
                             "<br>Noise and erasing damage the image; the bars show the new guess.</small>")
        n_units = self.Wt.shape[1]
        self.s_unit = W.IntSlider(value=0, min=0, max=n_units - 1, description="hidden unit",
                                  continuous_update=True, style=style, layout=wide)
        views = WEIGHT_VIEWS if self.W_init is not None else WEIGHT_VIEWS[:1]
        self.dd_w = W.Dropdown(options=list(views), description="draw", style=style, layout=wide)
        unit_note = W.HTML(f"<small>Each of the {n_units} first-layer units weighs all 784 pixels.<br>"
                           "Red pixels raise its input, blue ones lower it.</small>")
        pages = [W.VBox([self.s_img, self.dd, self.s_noise, self.s_erase, counts_note]),
                 W.VBox([self.s_unit, self.dd_w, unit_note])]
        self.tabs = W.Tab(children=pages, titles=("predictions", "weights"), layout=W.Layout(width="310px"))

    def _on_filter(self, change: dict[str, Any]) -> None:
        frames = self.canvas.frames
        with self.hold():  # move the slider and change its range with one redraw
            self.s_img.value = 0
            self.s_img.max = max(self.lists[change["new"]].size - 1, 0)
        if self.canvas.frames == frames:  # the slider did not move: draw the new list anyway
            self.refresh()

    def update(self) -> None:
        self.canvas.show(self.weights_scene() if self.tabs.selected_index == 1 else self.prediction_scene())

    def prediction_scene(self) -> Scene:
        """The chosen image (damaged if asked) and the network's probabilities for it."""
        scene = Scene(660, 330)
        idx = self.lists[self.dd.value]
        if idx.size == 0:
            _digit_panel(scene, (20, 40, 230, 230), np.zeros(N_PIXELS), cmap="gray_r", lim=(0, 1),
                         title="no image here")
            _bar_panel(scene, (350, 40, 290, 230), np.zeros(self.k), [_BAR] * self.k, ylim=(0, 1.05),
                       title="the network gets every image right", xlabel="digit class", ylabel="probability")
            return scene
        i = int(idx[min(self.s_img.value, idx.size - 1)])
        x, p = self.damaged(i)
        guess, label = int(p.argmax()), int(self.y[i])
        _digit_panel(scene, (20, 40, 230, 230), x, cmap="gray_r", lim=(0, 1),
                     title=f"image {i:,}: true {label}, predicted {guess}")
        colors = [_TRUE if c == label else _WRONG if c == guess else _BAR for c in range(self.k)]
        damage = [f"noise {self.s_noise.value:.2f}"] if self.s_noise.value > 0 else []
        damage += [f"{self.s_erase.value} rows erased"] if self.s_erase.value > 0 else []
        title = f"P({guess}) = {p[guess]:.1%}: {'right' if guess == label else 'wrong'}"
        bars = _bar_panel(scene, (350, 40, 290, 230), p, colors, ylim=(0, 1.05), xlabel="digit class",
                          ylabel="probability", title=title + (f" ({', '.join(damage)})" if damage else ""))
        _square_legend(bars, [("true label", _TRUE), ("wrong prediction", _WRONG)])
        return scene

    def damaged(self, i: int) -> tuple[Array, Array]:
        """Image ``i`` with the chosen noise and erasing, and the probabilities for it: (784,), (K,)."""
        noise, erase = float(self.s_noise.value), int(self.s_erase.value)
        if noise == 0 and erase == 0:
            return self.image(i), self.probs[i]
        x = perturb_digit(self.image(i), noise=noise, erase=erase, rng=np.random.default_rng([self.seed, i]))
        return x, self.model.predict_proba(x[None, :] / np.float32(self.scale))[0]  # one forward pass

    def weights_scene(self) -> Scene:
        """Unit j's weights (or their change in training) and its mean activation per digit."""
        j = int(self.s_unit.value)
        change = self.dd_w.value == WEIGHT_VIEWS[1] and self.W_init is not None
        w = self.Wt[:, j] - self.W_init[:, j] if change and self.W_init is not None else self.Wt[:, j]
        lim = float(np.abs(w).max()) or 1.0  # symmetric colour scale: white is exactly 0
        scene = Scene(690, 330)
        _digit_panel(scene, (20, 40, 230, 230), w, cmap="RdBu_r", lim=(-lim, lim),
                     title=f"unit {j}: " + ("change in training" if change else f"weights W[:, {j}]"))
        bar = scene.panel((258, 40, 14, 230), xlim=(0, 1), ylim=(-lim, lim), xticks=False, yaxis="right",
                          ylabel="change of the weight (0 = white)" if change else "weight (0 = white)")
        bar.image(colormap_rgba(np.linspace(-lim, lim, 256)[:, None], "RdBu_r", -lim, lim),
                  extent=(0, 1, -lim, lim))
        m = self.class_means[:, j]  # (K,)
        _bar_panel(scene, (430, 40, 240, 230), m, [_BAR] * self.k, ylim=(0, max(float(m.max()) * 1.1, 1e-3)),
                   title=f"unit {j} responds most to digit {int(m.argmax())}", xlabel="true digit",
                   ylabel="mean activation")
        return scene


def mnist_browser(model: Sequential, X: ArrayLike, y: ArrayLike, *, W_start: ArrayLike | None = None,
                  seed: int = 0) -> WidgetBox:
    """Browse a trained digit classifier: its predictions, and its first-layer weights (notebook 07).

    **predictions** tab — the first slider picks an image (among all of them, or among the
    misclassified ones only: "show" dropdown). Left: the image, titled with its true label
    and the prediction. Right: the ten probabilities ``softmax(logits)``, the true class in
    green and a wrong prediction in vermillion. The sliders "noise" and "erase" damage the
    image (see :func:`perturb_digit`) and the network is re-run on the damaged copy.

    **weights** tab — a slider picks a unit ``j`` of the first hidden layer. Left: its
    weights ``W[:, j]`` reshaped to 28 × 28 on a diverging colour scale centred at 0 (red
    pixels push the unit up, blue ones down) — or, given ``W_start``, what training changed,
    ``W[:, j] - W_start[:, j]``. Right: the unit's mean activation
    ``f(x · W[:, j] + b_j)`` over the images of each true digit, ``f`` being the network's own
    activation after its first layer.

    Parameters
    ----------
    model : Sequential
        A trained classifier with 784 inputs and one output per class, whose first layer is
        Dense (e.g. ``dl.mlp([784, 128, 64, 10])``), or Rescale then Dense
        (``dl.mlp([784, 128, 10], input_scale=1/255)``, a network that takes raw pixels).
    X : array, shape (N, 784) or (N, 28, 28)
        Images: flattened floats in [0, 1] (``MNIST.flat()``) or raw uint8 pixels; either
        suits either kind of network.
    y : array of int, shape (N,)
        True labels.
    W_start : array, shape (784, H), optional
        The first layer's weights before training (``net.dense_layers[0].W.copy()``); adds
        a choice to draw the change ``W - W_start`` instead of ``W``.
    seed : int, default 0
        Seed of the noise patterns (image ``i`` always gets the same pattern).

    Returns
    -------
    WidgetBox
        The widget (CSS class ``dlbasics-widget``; ``.owner`` is its :class:`MnistBrowser`); its
        canvas has the class ``dlbasics-plot``.

    Examples
    --------
    >>> import dlbasics as dl
    >>> from dlbasics.mnist import load_mnist_sample
    >>> _, _, X_test, y_test = load_mnist_sample().flat()
    >>> box = mnist_browser(dl.mlp([784, 16, 10], rng=0), X_test[:50], y_test[:50])
    >>> box.owner.canvas.scene["panels"][0]["title"].startswith("image 0: true 9, predicted")
    True
    """
    return MnistBrowser(model, X, y, W_start, seed).widget
