"""Widgets for notebooks 01 and 02: one weight fitted by eye, and a two-input neuron explored.

* :func:`weight_slider` (01) — slide the weight of ``kcal = minutes × w`` and watch the line,
  the residuals and the squared error move.
* :func:`neuron_explorer` (02) — sliders for ``w1, w2, b`` and an activation; the neuron's output
  over the input plane as a heat map, with the line where it crosses its threshold.

Both are :class:`~dlbasics.widgets._common.LiveWidget` s drawing on a
:class:`~dlbasics.widgets._canvas.Canvas`: on every change the kernel computes the picture's
arrays (the heat map as RGBA bytes, the lines as coordinates) and the browser paints them.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as W
import numpy as np
from numpy.typing import ArrayLike

from dlbasics._typing import FloatArray as Array
from dlbasics.activations import get_activation
from dlbasics.viz import PALETTE
from dlbasics.widgets._canvas import Canvas, Scene, colormap_rgba
from dlbasics.widgets._common import LiveWidget, WidgetBox
from dlbasics.widgets.perceptron import line_ends

__all__ = ["JOGGING_MINUTES", "JOGGING_KCAL", "squared_error", "weight_slider", "threshold_of",
           "neuron_explorer", "EXPLORER_ACTIVATIONS", "WeightSlider", "NeuronExplorer"]


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




class WeightSlider(LiveWidget):
    """State and drawing behind :func:`weight_slider` (see there)."""

    def __init__(self, x: Array, y: Array, weight: float, w_max: float) -> None:
        super().__init__()
        self.x, self.y, self.w_max = x, y, float(w_max)
        self.w_star = float(x @ y / (x @ x))  # least-squares slope through the origin
        self.ws = np.linspace(0.0, w_max, 301)
        self.E_curve = squared_error(self.ws, x, y)  # (301,)
        self.slider = W.FloatSlider(value=weight, min=0.0, max=w_max, step=0.05, description="weight w",
                                    readout_format=".2f", continuous_update=True,
                                    layout=W.Layout(width="280px"))
        note = W.HTML(f"<small>Drag the weight until the dashed residuals are short. "
                      f"The least-squares weight is w* = {self.w_star:.2f} kcal/min.</small>")
        self.canvas = Canvas(label="data with the line x·w, and the squared error against w")
        self.watch(self.slider)
        self.box([self.slider, note], self.canvas, vertical=True)  # the wide plot gets the full width
        self.refresh()

    def update(self) -> None:
        w = float(self.slider.value)
        x, y = self.x, self.y
        pred = x * w  # (N,)
        self.E = float(((pred - y) ** 2).sum())
        scene = Scene(940, 350)
        x_end = float(x.max() * 1.1)
        fit = scene.panel((70, 30, 360, 260), xlim=(0, x_end), ylim=(0, y.max() * 1.6),
                          xlabel="minutes jogged x", ylabel="kcal burned y",
                          title=f"w = {w:.2f} kcal/min: total squared error E(w) = {self.E:,.0f}")
        fit.segments(np.column_stack([x, y, x, pred]), color=PALETTE[5], width=1.5, dash=(5, 3),
                     label="residual xw − y")
        fit.line([0.0, x_end], [0.0, x_end * w], color=PALETTE[1], width=2, label="prediction x·w")
        fit.points(x, y, color=PALETTE[0], size=8, label="measured")
        top = float(self.E_curve.max())
        err = scene.panel((570, 30, 360, 260), xlim=(0, self.w_max), ylim=(-0.03 * top, top * 1.4),
                          xlabel="weight w (kcal per minute)", ylabel="E(w) = Σᵢ (xᵢ w − yᵢ)²",
                          title="squared error vs weight")
        err.line(self.ws, self.E_curve, color=PALETTE[0], label="squared error E(w)")
        err.line([self.w_star] * 2, [-top, 2 * top], color=PALETTE[2], dash=(2, 3),
                 label=f"least squares w* = {self.w_star:.2f}")
        err.points([w], [self.E], color=PALETTE[1], size=11, label="current w")
        self.canvas.show(scene)


def weight_slider(minutes: ArrayLike | None = None, kcal: ArrayLike | None = None, *,
                  weight: float = 5.0, w_max: float = 15.0) -> WidgetBox:
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
    WidgetBox
        The widget (CSS class ``dlbasics-widget``; ``.owner`` is its :class:`WeightSlider`); its
        canvas has the class ``dlbasics-plot``.
    """
    x, y = _as_pairs(JOGGING_MINUTES if minutes is None else minutes,
                     JOGGING_KCAL if kcal is None else kcal)
    if not 0 <= weight <= w_max:
        raise ValueError(f"weight_slider: weight must lie in [0, w_max] = [0, {w_max}], got {weight}")
    return WeightSlider(x, y, weight, w_max).widget


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
    ends = line_ends([w1, w2], b, (-lim, lim), (-lim, lim))
    return ends if ends is not None else (np.empty(0), np.empty(0))


def _output_range(name: str, A: Array) -> tuple[float, float]:
    """Colour scale of the heat map: the activation's range, or the data's where it is unbounded."""
    if name in ("step", "sigmoid"):
        return 0.0, 1.0
    if name == "tanh":
        return -1.0, 1.0
    lo, hi = float(A.min()), float(A.max())  # unbounded above: follow the data
    if hi - lo < 1e-9:
        lo, hi = (lo, lo + 1.0) if name == "relu" else (lo - 0.5, hi + 0.5)  # ReLU never goes below 0
    return lo, hi


class NeuronExplorer(LiveWidget):
    """State and drawing behind :func:`neuron_explorer` (see there)."""

    def __init__(self, w1: float, w2: float, b: float, activation: str, points: Array | None,
                 lim: float, res: int) -> None:
        super().__init__()
        self.P, self.lim, self.res = points, float(lim), int(res)
        grid = np.linspace(-lim, lim, self.res)
        xx, yy = np.meshgrid(grid, grid)  # (res, res) each
        self.G = np.column_stack([xx.ravel(), yy.ravel()])  # (res², 2): every grid point as a row

        def slider(desc: str, value: float) -> W.FloatSlider:
            return W.FloatSlider(value=value, min=-3.0, max=3.0, step=0.05, description=desc,
                                 readout_format=".2f", continuous_update=True,
                                 layout=W.Layout(width="280px"))

        self.s1, self.s2, self.sb = slider("w1", w1), slider("w2", w2), slider("b", b)
        self.dd = W.Dropdown(options=list(EXPLORER_ACTIVATIONS), value=activation, description="activation",
                             layout=W.Layout(width="280px"))
        note = W.HTML("<small>The neuron fires on the side of the line the arrow points to.<br>"
                      "b moves the line without turning it; w1, w2 turn it.</small>")
        self.canvas = Canvas(label="the neuron's output over the input plane")
        self.watch(self.s1, self.s2, self.sb, self.dd)
        self.box([self.s1, self.s2, self.sb, self.dd, note], self.canvas)
        self.refresh()

    def update(self) -> None:
        w1, w2, b = float(self.s1.value), float(self.s2.value), float(self.sb.value)
        act = get_activation(self.dd.value)
        A = act.f(self.G @ np.array([w1, w2]) + b).reshape(self.res, self.res)  # (res, res) outputs
        self.A, self.clim = A, _output_range(act.name, A)
        self.threshold = threshold_of(act.name)
        self.boundary = _boundary(w1, w2, b, self.lim)
        scene = Scene(560, 440)
        self._draw_plane(scene, w1, w2, b, act)
        self._draw_colorbar(scene, act.name)
        self.canvas.show(scene)

    def _draw_plane(self, scene: Scene, w1: float, w2: float, b: float, act: Any) -> None:
        lim = self.lim
        bx, by = self.boundary
        where = "w = 0, so the output is the same everywhere" if bx.size == 0 else "arrow = weight vector"
        ax = scene.panel((60, 30, 370, 370), xlim=(-lim, lim), ylim=(-lim, lim), xlabel="input x₁",
                         ylabel="input x₂", legend_loc="ll",
                         title=f"w₁ = {w1:.2f}, w₂ = {w2:.2f}, b = {b:.2f}: {where}")
        ax.image(colormap_rgba(self.A, "viridis", *self.clim), extent=(-lim, lim, -lim, lim))
        # white with a black outline stays visible on every colour of the map
        ax.line(bx, by, color="white", width=2, halo="black", label="threshold: w₁x₁ + w₂x₂ + b = 0")
        ax.spec["legend"][-1]["color"] = "black"  # a white legend line would not show on white
        norm2 = w1 * w1 + w2 * w2
        if norm2 > 1e-12:
            foot = -b / norm2 * np.array([w1, w2])  # point of the line closest to the origin
            if np.all(np.abs(foot) < lim):
                tip = foot + 0.6 / np.sqrt(norm2) * np.array([w1, w2])  # 0.6 long, along w
                ax.arrow(foot, tip, color="white", width=2, halo="black")
        if self.P is not None:
            ax.points(self.P[:, 0], self.P[:, 1], color=PALETTE[5], size=12, marker="x", edge="white",
                      label="input point(s)")
            self.point_outputs = act.f(self.P @ np.array([w1, w2]) + b)  # (M,)
            for (px, py), a in zip(self.P, self.point_outputs, strict=True):
                ax.text(px, py, f"a = {a:.2f}", color="white", size=11, dx=9, dy=14,
                        bg="#00000099")

    def _draw_colorbar(self, scene: Scene, name: str) -> None:
        lo, hi = self.clim
        bar = scene.panel((460, 30, 18, 370), xlim=(0, 1), ylim=(lo, hi), xticks=False, yaxis="right",
                          ylabel=f"output a = {name}(w₁x₁ + w₂x₂ + b), threshold {self.threshold:g}")
        ramp = np.linspace(lo, hi, 128)[:, None]  # (128, 1), bottom to top
        bar.image(colormap_rgba(ramp, "viridis", lo, hi), extent=(0, 1, lo, hi))
        bar.line([0, 1], [self.threshold] * 2, color="white", width=3, halo="black")


def neuron_explorer(*, w1: float = 1.0, w2: float = -0.5, b: float = 0.0,
                    activation: str = "sigmoid", points: ArrayLike | None = None,
                    lim: float = 2.0, res: int = 100) -> WidgetBox:
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
    WidgetBox
        The widget (CSS class ``dlbasics-widget``; ``.owner`` is its :class:`NeuronExplorer`); its
        canvas has the class ``dlbasics-plot``.
    """
    name = get_activation(activation).name
    if name not in EXPLORER_ACTIVATIONS:
        raise ValueError(f"neuron_explorer: activation must be one of {list(EXPLORER_ACTIVATIONS)}, "
                         f"got {activation!r}")
    P = None if points is None else np.asarray(points, dtype=np.float64).reshape(-1, 2)  # (M, 2)
    return NeuronExplorer(w1, w2, b, name, P, lim, res).widget
