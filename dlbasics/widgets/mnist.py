"""Widget for notebook 07: browse a trained MNIST network's predictions and first-layer weights.

* :func:`mnist_browser` — a tab **predictions**: a slider walks through the images (all of
  them, or only the misclassified ones), each shown next to the network's ten class
  probabilities; two more sliders add noise to the image or erase its bottom rows, and the
  bars show at once how the guess changes. A tab **weights**: a slider picks a unit of the
  first hidden layer, whose 784 incoming weights ``W[:, j]`` are drawn as a 28 × 28 image
  (red = positive, blue = negative, white = 0) — or what training changed in them — next to
  how strongly each digit class switches that unit on.
* :func:`perturb_digit` — the noise and erasing the browser applies, as a plain function.

The widget keeps one matplotlib figure per tab alive and only updates its artists, so a
slider step costs one forward pass of a single image and one PNG render.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as W
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from numpy.typing import ArrayLike

from dlbasics._typing import Array
from dlbasics.layers import Dense, Rescale
from dlbasics.network import Sequential
from dlbasics.viz import PALETTE
from dlbasics.widgets._common import plot_output, redraw, widget_box

__all__ = ["mnist_browser", "perturb_digit", "FILTERS", "WEIGHT_VIEWS"]


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


def _flat_images(X: ArrayLike) -> Array:
    """(N, 784) float32 in [0, 1] from flattened rows or (N, 28, 28) images (uint8 or float)."""
    X = np.asarray(X)
    if X.ndim == 3 and X.shape[1:] == (SIDE, SIDE):
        X = X.reshape(len(X), N_PIXELS)
    if X.ndim != 2 or X.shape[1] != N_PIXELS:
        raise ValueError(f"mnist_browser: expected images of shape (N, 784) or (N, 28, 28), got {X.shape}")
    if X.dtype == np.uint8:
        return X.astype(np.float32) / 255
    return X.astype(np.float32, copy=False)


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


def mnist_browser(model: Sequential, X: ArrayLike, y: ArrayLike, *, W_start: ArrayLike | None = None,
                  seed: int = 0) -> W.Box:
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
    ipywidgets.Box
        The widget (CSS class ``dlbasics-widget``); its plot has the class ``dlbasics-plot``.

    Examples
    --------
    >>> import dlbasics as dl
    >>> from dlbasics.mnist import load_mnist_sample
    >>> _, _, X_test, y_test = load_mnist_sample().flat()
    >>> box = mnist_browser(dl.mlp([784, 16, 10], rng=0), X_test[:50], y_test[:50])  # doctest: +SKIP
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"mnist_browser: model must be a dlbasics Sequential, got {type(model).__name__}")
    Xf = _flat_images(X)  # (N, 784)
    y = np.asarray(y).reshape(-1)
    if y.shape[0] != Xf.shape[0]:
        raise ValueError(f"mnist_browser: got {Xf.shape[0]} images but {y.shape[0]} labels")
    if Xf.shape[0] == 0:
        raise ValueError("mnist_browser: got no images to browse")
    first = model.dense_layers[0]
    if first.n_in != N_PIXELS:
        raise ValueError(f"mnist_browser: the model's first layer takes {first.n_in} inputs, "
                         f"expected {N_PIXELS} (one per pixel)")
    k = model.n_out
    scale = _input_scale(model)  # the model sees pixels x / scale: x itself without Rescale
    raw = np.asarray(X).reshape(Xf.shape)
    X_in = raw if scale != 1.0 and raw.dtype == np.uint8 and np.isclose(scale, 1 / 255) else Xf / scale
    probs = model.predict_proba(X_in)  # (N, K)
    pred = probs.argmax(axis=1)  # (N,)
    wrong_idx = np.flatnonzero(pred != y)  # (n_wrong,)
    lists = {"all": np.arange(Xf.shape[0]), "wrong only": wrong_idx}
    # first-layer units: weights as images and mean activation per true class
    Wt, b = first.W, first.b  # (784, H), (H,)
    W_init = None if W_start is None else np.asarray(W_start)  # (784, H) before training
    if W_init is not None and W_init.shape != Wt.shape:
        raise ValueError(f"mnist_browser: W_start must have the first layer's shape {Wt.shape}, "
                         f"got {W_init.shape}")
    H = _first_hidden(model, X_in)  # (N, H) activations of the first hidden layer
    classes = np.arange(k)
    Y = (y[:, None] == classes).astype(np.float32)  # (N, K) one-hot
    counts = np.maximum(Y.sum(axis=0), 1.0)  # (K,)
    class_means = (Y.T @ H) / counts[:, None]  # (K, H)

    # -- the predictions figure ---------------------------------------------------------------
    fig_p = Figure(figsize=(8, 3.3))
    FigureCanvasAgg(fig_p)  # render with Agg directly (no pyplot: nothing shows up by itself)
    ax_img, ax_bar = fig_p.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.5]})
    im = ax_img.imshow(np.zeros((SIDE, SIDE)), cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
    ax_img.set_xticks([])
    ax_img.set_yticks([])
    bars = ax_bar.bar(classes, np.zeros(k), color=_BAR)
    ax_bar.set_xticks(classes)
    ax_bar.set_ylim(0, 1.05)
    ax_bar.set_xlabel("digit class")
    ax_bar.set_ylabel("probability")
    ax_bar.legend(handles=[Patch(color=_TRUE, label="true label"),
                          Patch(color=_WRONG, label="wrong prediction")],
                  loc="upper left", fontsize="small", framealpha=0.85)
    fig_p.tight_layout()

    # -- the weights figure ---------------------------------------------------------------------
    fig_w = Figure(figsize=(8, 3.3))
    FigureCanvasAgg(fig_w)
    ax_w, ax_cls = fig_w.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.3]})
    wim = ax_w.imshow(np.zeros((SIDE, SIDE)), cmap="RdBu_r", vmin=-1, vmax=1, interpolation="nearest")
    cbar = fig_w.colorbar(wim, ax=ax_w, fraction=0.046, pad=0.04)
    cbar.set_label("weight (0 = white)")
    ax_w.set_xticks([])
    ax_w.set_yticks([])
    cls_bars = ax_cls.bar(classes, np.zeros(k), color=PALETTE[0])
    ax_cls.set_xticks(classes)
    ax_cls.set_xlabel("true digit")
    ax_cls.set_ylabel("mean activation")
    fig_w.tight_layout()

    def draw_prediction(pos: int, which: str, noise: float, erase: int) -> Figure:
        idx = lists[which]
        if idx.size == 0:
            im.set_data(np.zeros((SIDE, SIDE)))
            for bar in bars:
                bar.set_height(0.0)
            ax_img.set_title("no image here", fontsize=10)
            ax_bar.set_title("the network gets every image right", fontsize=10)
            return fig_p
        i = int(idx[min(pos, idx.size - 1)])
        x = Xf[i]
        if noise > 0 or erase > 0:
            x = perturb_digit(x, noise=noise, erase=erase, rng=np.random.default_rng([seed, i]))
            p = model.predict_proba(x[None, :] / scale)[0]  # (K,) one forward pass
        else:
            p = probs[i]
        guess, label = int(p.argmax()), int(y[i])
        im.set_data(x.reshape(SIDE, SIDE))
        for c, bar in enumerate(bars):
            bar.set_height(float(p[c]))
            bar.set_color(_TRUE if c == label else _WRONG if c == guess else _BAR)
        verdict = "right" if guess == label else "wrong"
        ax_img.set_title(f"image {i:,}: true {label}, predicted {guess}", fontsize=10)
        damage = []
        if noise > 0:
            damage.append(f"noise {noise:.2f}")
        if erase > 0:
            damage.append(f"{erase} rows erased")
        ax_bar.set_title(f"P({guess}) = {p[guess]:.1%}: {verdict}"
                         + (f" ({', '.join(damage)})" if damage else ""), fontsize=10)
        return fig_p

    def draw_weights(j: int, what: str) -> Figure:
        change = what == WEIGHT_VIEWS[1] and W_init is not None
        col = Wt[:, j] - W_init[:, j] if change and W_init is not None else Wt[:, j]  # (784,)
        w = col.reshape(SIDE, SIDE)  # (28, 28): one value per pixel
        lim = float(np.abs(w).max()) or 1.0
        wim.set_data(w)
        wim.set_clim(-lim, lim)  # symmetric: white is exactly 0
        cbar.set_ticks([-lim, 0.0, lim], labels=[f"{-lim:.2f}", "0", f"{lim:.2f}"])  # few labels: fast
        m = class_means[:, j]  # (K,)
        for bar, h in zip(cls_bars, m, strict=True):
            bar.set_height(float(h))
        ax_cls.set_ylim(0, max(float(m.max()) * 1.1, 1e-3))
        cbar.set_label("change of the weight (0 = white)" if change else "weight (0 = white)")
        ax_w.set_title(f"unit {j}: " + ("change in training" if change else f"weights W[:, {j}]"),
                       fontsize=10)
        best = int(m.argmax())
        ax_cls.set_title(f"unit {j} responds most to digit {best}", fontsize=10)
        return fig_w

    style = {"description_width": "80px"}
    wide = W.Layout(width="280px")
    s_img = W.IntSlider(value=0, min=0, max=max(Xf.shape[0] - 1, 0), description="image",
                        continuous_update=False, style=style, layout=wide)
    dd = W.Dropdown(options=list(FILTERS), value="all", description="show", style=style, layout=wide)
    s_noise = W.FloatSlider(value=0.0, min=0.0, max=1.0, step=0.05, description="noise",
                            readout_format=".2f", continuous_update=False, style=style, layout=wide)
    s_erase = W.IntSlider(value=0, min=0, max=SIDE, description="erase rows",
                          continuous_update=False, style=style, layout=wide)
    counts_note = W.HTML(f"<small>{wrong_idx.size:,} of {Xf.shape[0]:,} images are misclassified "
                         f"({wrong_idx.size / Xf.shape[0]:.1%}).<br>Noise and erasing damage the image; "
                         "the bars show the new guess.</small>")
    n_units = Wt.shape[1]
    s_unit = W.IntSlider(value=0, min=0, max=n_units - 1, description="hidden unit",
                         continuous_update=False, style=style, layout=wide)
    dd_w = W.Dropdown(options=list(WEIGHT_VIEWS if W_init is not None else WEIGHT_VIEWS[:1]),
                      description="draw", style=style, layout=wide)
    unit_note = W.HTML(f"<small>Each of the {n_units} first-layer units weighs all 784 pixels.<br>"
                       "Red pixels raise its input, blue ones lower it.</small>")
    pages = [W.VBox([s_img, dd, s_noise, s_erase, counts_note]), W.VBox([s_unit, dd_w, unit_note])]
    tabs = W.Tab(children=pages, titles=("predictions", "weights"), layout=W.Layout(width="310px"))
    out = plot_output()
    state = {"busy": False}

    def update(_: Any = None) -> None:
        if state["busy"]:
            return
        if tabs.selected_index == 1:
            redraw(out, lambda: draw_weights(s_unit.value, dd_w.value))
        else:
            redraw(out, lambda: draw_prediction(s_img.value, dd.value, s_noise.value, s_erase.value))

    def on_filter(change: dict[str, Any]) -> None:
        state["busy"] = True  # change the slider's range without a redraw per step
        try:
            s_img.value = 0
            s_img.max = max(lists[change["new"]].size - 1, 0)
        finally:
            state["busy"] = False
        update()

    dd.observe(on_filter, names="value")
    for control in (s_img, s_noise, s_erase, s_unit, dd_w):
        control.observe(update, names="value")
    tabs.observe(update, names="selected_index")
    update()
    return widget_box([tabs], out)
