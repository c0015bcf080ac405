"""Widgets for notebooks 01 and 02: one weight fitted by eye, and a two-input neuron explored.

* :func:`weight_slider` (01) — slide the weight of ``kcal = minutes × w`` and watch the line,
  the residuals and the squared error move.
* :func:`neuron_explorer` (02) — sliders for ``w1, w2, b`` and an activation; the neuron's output
  over the input plane as a heat map, with the line where it crosses its threshold.

Both keep one matplotlib figure alive and only update its artists on a change (no new figure
per slider step), so a redraw costs one PNG render. Labels use Unicode (x₁, Σ, ²) rather than
``$...$`` mathtext, which matplotlib would re-parse on every redraw.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as W
import numpy as np
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter
from numpy.typing import ArrayLike

from dlbasics._typing import FloatArray as Array
from dlbasics.activations import get_activation
from dlbasics.viz import PALETTE
from dlbasics.widgets._common import plot_output, redraw, widget_box

__all__ = ["JOGGING_MINUTES", "JOGGING_KCAL", "squared_error", "weight_slider", "threshold_of",
           "neuron_explorer", "EXPLORER_ACTIVATIONS"]


#: the jogging log of notebook 01: minutes jogged and kcal burned (fitted weight ≈ 7.55 kcal/min)
JOGGING_MINUTES = np.array([10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0])
JOGGING_KCAL = np.array([70.0, 120.0, 145.0, 240.0, 290.0, 390.0, 445.0])

#: activations offered by :func:`neuron_explorer` (softmax needs several outputs, so it is left out)
EXPLORER_ACTIVATIONS = ("step", "sigmoid", "tanh", "relu", "leaky_relu", "identity")


def _as_pairs(x: ArrayLike, y: ArrayLike) -> tuple[Array, Array]:
    x = np.asarray(x, dtype=np.float64).ravel()
    y = np.asarray(y, dtype=np.float64).ravel()
    if x.shape != y.shape or x.size == 0:
        raise ValueError(f"expected as many inputs as targets (at least one), got {x.size} inputs "
                         f"and {y.size} targets")
    return x, y


def squared_error(w: ArrayLike, x: ArrayLike, y: ArrayLike) -> Any:
    """Total squared error of the one-weight neuron ``ŷ = x w`` for one weight or many at once.

    .. math:: E(w) = \\sum_i (x_i w - y_i)^2

    Parameters
    ----------
    w : float or array, shape (K,)
        Candidate weight(s).
    x, y : arrays, shape (N,)
        Inputs and targets.

    Returns
    -------
    float, or array of shape (K,)
        One total per weight; the K×N table of residuals is built by broadcasting, no loop.

    Examples
    --------
    >>> squared_error(2.0, [1.0, 2.0], [2.0, 5.0])
    1.0
    >>> squared_error([1.0, 2.0], [1.0, 2.0], [2.0, 5.0])
    array([10.,  1.])
    """
    x, y = _as_pairs(x, y)
    w_arr = np.asarray(w, dtype=np.float64)
    residuals = w_arr[..., None] * x - y  # (K, N)
    E = (residuals * residuals).sum(axis=-1)  # (K,)
    return float(E) if E.ndim == 0 else E


def weight_slider(minutes: ArrayLike | None = None, kcal: ArrayLike | None = None, *,
                  weight: float = 5.0, w_max: float = 15.0) -> W.Box:
    """Fit ``kcal = minutes × w`` by eye (notebook 01).

    A slider sets the weight ``w``. Left: the data, the line through the origin with slope
    ``w`` and each residual ``minutes × w − kcal`` as a dashed segment. Right: the total
    squared error as a function of ``w``, the current weight on it, and the least-squares
    weight ``w* = Σ x y / Σ x²`` for comparison.

    Parameters
    ----------
    minutes, kcal : arrays, shape (N,), optional
        The data (default: :data:`JOGGING_MINUTES`, :data:`JOGGING_KCAL`).
    weight : float, default 5.0
        Starting weight.
    w_max : float, default 15.0
        Slider range is ``[0, w_max]``.

    Returns
    -------
    ipywidgets.Box
        The widget (CSS class ``dlbasics-widget``); its plot has the class ``dlbasics-plot``.
    """
    x, y = _as_pairs(JOGGING_MINUTES if minutes is None else minutes,
                     JOGGING_KCAL if kcal is None else kcal)
    if not 0 <= weight <= w_max:
        raise ValueError(f"weight_slider: weight must lie in [0, w_max] = [0, {w_max}], got {weight}")
    w_star = float(x @ y / (x @ x))  # least-squares slope through the origin
    ws = np.linspace(0.0, w_max, 301)
    E_curve = squared_error(ws, x, y)  # (301,)

    fig = Figure(figsize=(10, 3.8))
    FigureCanvasAgg(fig)  # render with Agg directly (no pyplot: nothing shows up by itself)
    ax_fit, ax_err = fig.subplots(1, 2)
    xs = np.array([0.0, x.max() * 1.1])
    ax_fit.scatter(x, y, color=PALETTE[0], zorder=3, label="measured")
    (line,) = ax_fit.plot(xs, xs * weight, color=PALETTE[1], lw=2, label="prediction x·w")
    resid = ax_fit.vlines(x, y, x * weight, colors=PALETTE[5], linestyles="dashed", lw=1.5,
                          label="residual xw − y")
    ax_fit.set_xlim(0, xs[1])
    ax_fit.set_ylim(0, y.max() * 1.6)
    ax_fit.set_xlabel("minutes jogged x")
    ax_fit.set_ylabel("kcal burned y")
    ax_fit.legend(loc="upper left", fontsize="small")

    ax_err.plot(ws, E_curve, color=PALETTE[0], label="squared error E(w)")
    ax_err.axvline(w_star, color=PALETTE[2], ls=":", lw=1.5, label=f"least squares w* = {w_star:.2f}")
    (dot,) = ax_err.plot([weight], [squared_error(weight, x, y)], "o", color=PALETTE[1], ms=9,
                         label="current w", zorder=3)
    ax_err.set_ylim(-0.03 * E_curve.max(), E_curve.max() * 1.4)  # room for the legend
    ax_err.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax_err.set_xlabel("weight w (kcal per minute)")
    ax_err.set_ylabel("E(w) = Σᵢ (xᵢ w − yᵢ)²")
    ax_err.set_title("squared error vs weight")
    ax_err.legend(loc="upper left", fontsize="small")
    fig.tight_layout()

    def draw(w: float) -> Figure:
        pred = x * w  # (N,)
        E = float(((pred - y) ** 2).sum())
        line.set_ydata(xs * w)
        tops = np.column_stack([x, pred])  # (N, 2)
        resid.set_segments(np.stack([np.column_stack([x, y]), tops], axis=1))  # (N, 2, 2)
        dot.set_data([w], [E])
        ax_fit.set_title(f"w = {w:.2f} kcal/min: total squared error E(w) = {E:,.0f}", fontsize=11)
        return fig

    slider = W.FloatSlider(value=weight, min=0.0, max=w_max, step=0.05, description="weight w",
                           readout_format=".2f", continuous_update=True,
                           layout=W.Layout(width="280px"))
    note = W.HTML(f"<small>Drag the weight until the dashed residuals are short. "
                  f"The least-squares weight is w* = {w_star:.2f} kcal/min.</small>")
    out = plot_output()
    slider.observe(lambda change: redraw(out, lambda: draw(change["new"])), names="value")
    redraw(out, lambda: draw(weight))
    return widget_box([slider, note], out, vertical=True)  # the wide two-panel plot gets the full width


def threshold_of(activation: str) -> float:
    """The output value at which an activation "fires": its value at ``z = 0``.

    0.5 for step and sigmoid, 0 for tanh, ReLU, leaky ReLU and identity. Every neuron crosses
    it exactly on the line ``w · x + b = 0``.

    Examples
    --------
    >>> threshold_of("sigmoid"), threshold_of("tanh")
    (0.5, 0.0)
    """
    act = get_activation(activation)
    if act.name == "step":
        return 0.5  # step jumps from 0 to 1 at z = 0; halfway is the natural threshold
    if act.name == "softmax":
        raise ValueError("threshold_of: softmax needs several outputs; pick one of "
                         f"{list(EXPLORER_ACTIVATIONS)}")
    return float(act.f(np.zeros(1))[0])


def _boundary(w1: float, w2: float, b: float, lim: float) -> tuple[Array, Array]:
    """Two points of the line ``w1 x1 + w2 x2 + b = 0`` spanning the box, or empty arrays."""
    if abs(w2) >= abs(w1) and abs(w2) > 1e-12:
        x1 = np.array([-lim, lim])
        return x1, -(w1 * x1 + b) / w2
    if abs(w1) > 1e-12:
        x2 = np.array([-lim, lim])
        return -(w2 * x2 + b) / w1, x2
    return np.empty(0), np.empty(0)


def neuron_explorer(*, w1: float = 1.0, w2: float = -0.5, b: float = 0.0,
                    activation: str = "sigmoid", points: ArrayLike | None = None,
                    lim: float = 2.0, res: int = 100) -> W.Box:
    """Explore a two-input neuron ``a = f(w1 x1 + w2 x2 + b)`` (notebook 02).

    Sliders set ``w1``, ``w2`` and ``b``; a dropdown picks the activation ``f``. The output
    ``a`` is shown as a heat map over the input plane ``(x1, x2)`` (a ``res × res`` grid computed
    in one vectorised call), with the threshold line ``w1 x1 + w2 x2 + b = 0`` — where ``a``
    crosses :func:`threshold_of` the activation — and the weight vector, which is perpendicular
    to that line and points to where the neuron fires.

    Parameters
    ----------
    w1, w2, b : float
        Starting weights and bias (sliders cover ``[-3, 3]``).
    activation : str, default "sigmoid"
        One of :data:`EXPLORER_ACTIVATIONS`.
    points : array, shape (M, 2), optional
        Inputs to mark on the plane, each labelled with the neuron's output.
    lim : float, default 2.0
        The plane shown is ``[-lim, lim]²``.
    res : int, default 100
        Grid resolution.

    Returns
    -------
    ipywidgets.Box
        The widget (CSS class ``dlbasics-widget``); its plot has the class ``dlbasics-plot``.
    """
    name = get_activation(activation).name
    if name not in EXPLORER_ACTIVATIONS:
        raise ValueError(f"neuron_explorer: activation must be one of {list(EXPLORER_ACTIVATIONS)}, "
                         f"got {activation!r}")
    P = None if points is None else np.asarray(points, dtype=np.float64).reshape(-1, 2)  # (M, 2)
    grid = np.linspace(-lim, lim, int(res))
    xx, yy = np.meshgrid(grid, grid)  # (res, res) each
    G = np.column_stack([xx.ravel(), yy.ravel()])  # (res², 2): every grid point as a row

    fig = Figure(figsize=(6.4, 4.8))
    FigureCanvasAgg(fig)  # render with Agg directly (no pyplot: nothing shows up by itself)
    ax = fig.subplots()
    # white with a black outline stays visible on every colour of the map
    outline = [patheffects.withStroke(linewidth=4, foreground="black")]
    im = ax.imshow(np.zeros_like(xx), origin="lower", extent=(-lim, lim, -lim, lim), cmap="viridis",
                   interpolation="nearest", aspect="equal")
    cbar = fig.colorbar(im, ax=ax)
    thr_mark = cbar.ax.axhline(0.5, color="white", lw=3, path_effects=outline)  # threshold on the bar
    (bline,) = ax.plot([], [], color="white", lw=2, label="threshold: w₁x₁ + w₂x₂ + b = 0",
                       path_effects=outline)
    arrow: list[Any] = []
    labels: list[Any] = []
    if P is not None:
        ax.scatter(P[:, 0], P[:, 1], s=70, marker="X", color=PALETTE[5], edgecolors="white",
                           linewidths=1, zorder=4, label="input point(s)")
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_xlabel("input x₁")
    ax.set_ylabel("input x₂")
    ax.legend(loc="lower left", fontsize="small", framealpha=0.85)
    fig.tight_layout()

    def draw(w1: float, w2: float, b: float, act_name: str) -> Figure:
        act = get_activation(act_name)
        Z = G @ np.array([w1, w2]) + b  # (res²,) weighted sums, one matrix product
        A = act.f(Z).reshape(xx.shape)  # (res, res) outputs
        im.set_data(A)
        if act.name in ("step", "sigmoid"):
            lo, hi = 0.0, 1.0
        elif act.name == "tanh":
            lo, hi = -1.0, 1.0
        else:  # unbounded above: follow the data (ReLU never goes below 0)
            lo, hi = float(A.min()), float(A.max())
            if hi - lo < 1e-9:
                lo, hi = (lo, lo + 1.0) if act.name == "relu" else (lo - 0.5, hi + 0.5)
        im.set_clim(lo, hi)
        thr = threshold_of(act.name)
        thr_mark.set_ydata([thr, thr])
        cbar.set_label(f"output a = {act.name}(w₁x₁ + w₂x₂ + b), threshold {thr:g}")
        bx, by = _boundary(w1, w2, b, lim)
        bline.set_data(bx, by)
        for artist in arrow + labels:
            artist.remove()
        arrow.clear()
        labels.clear()
        norm2 = w1 * w1 + w2 * w2
        if norm2 > 1e-12:
            foot = -b / norm2 * np.array([w1, w2])  # point of the line closest to the origin
            if np.all(np.abs(foot) < lim):
                tip = foot + 0.6 / np.sqrt(norm2) * np.array([w1, w2])  # 0.6 long, along w
                arrow.append(ax.annotate("", xy=(tip[0], tip[1]), xytext=(foot[0], foot[1]),
                                         arrowprops={"arrowstyle": "-|>", "color": "white", "lw": 2,
                                                     "path_effects": outline}))
        if P is not None:
            out = act.f(P @ np.array([w1, w2]) + b)  # (M,)
            for (px, py), a in zip(P, out, strict=True):
                labels.append(ax.annotate(f"a = {a:.2f}", (px, py), xytext=(8, -16),
                                          textcoords="offset points", color="white", fontsize=9,
                                          bbox={"boxstyle": "round,pad=0.2", "fc": "black", "alpha": 0.6}))
        where = "w = 0, so the output is the same everywhere" if bx.size == 0 else "arrow = weight vector"
        ax.set_title(f"w₁ = {w1:.2f}, w₂ = {w2:.2f}, b = {b:.2f}: {where}", fontsize=10)
        return fig

    def slider(desc: str, value: float) -> W.FloatSlider:
        return W.FloatSlider(value=value, min=-3.0, max=3.0, step=0.05, description=desc,
                             readout_format=".2f", continuous_update=True,
                             layout=W.Layout(width="280px"))

    s1, s2, sb = slider("w1", w1), slider("w2", w2), slider("b", b)
    dd = W.Dropdown(options=list(EXPLORER_ACTIVATIONS), value=name, description="activation",
                    layout=W.Layout(width="280px"))
    note = W.HTML("<small>The neuron fires on the side of the line the arrow points to.<br>"
                  "b moves the line without turning it; w1, w2 turn it.</small>")
    out = plot_output()

    def update(_: Any = None) -> None:
        redraw(out, lambda: draw(s1.value, s2.value, sb.value, dd.value))

    for control in (s1, s2, sb, dd):
        control.observe(update, names="value")
    update()
    return widget_box([s1, s2, sb, dd, note], out)
