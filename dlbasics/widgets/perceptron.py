"""The perceptron's straight line, drawn and explored (notebook 03).

A perceptron with weights ``w = (w1, w2)`` and bias ``b`` predicts class 1 where
``w1 x1 + w2 x2 + b > 0`` and class 0 elsewhere, so everything it can do is one straight
line, ``w1 x1 + w2 x2 + b = 0``, with ``w`` pointing to the class-1 side.

* :func:`plot_perceptron` draws that line, the two half-planes and the misclassified points;
* :func:`perceptron_explorer` is the notebook's widget: drag ``w1``, ``w2``, ``b``, apply the
  perceptron rule one update at a time, or run it until it converges (or gives up on XOR).
"""

from __future__ import annotations

from typing import Any

import ipywidgets as W
import numpy as np
from numpy.typing import ArrayLike

from dlbasics._typing import Array
from dlbasics.datasets import make_dataset
from dlbasics.neuron import Perceptron, PerceptronHistory
from dlbasics.viz import PALETTE, grid_points, plot_data
from dlbasics.widgets._canvas import Canvas, Panel, Scene
from dlbasics.widgets._common import LiveWidget, WidgetBox, show_figure

__all__ = ["plot_perceptron", "PerceptronPlot", "perceptron_explorer", "PerceptronExplorer", "line_ends",
           "show_figure"]


#: data sets the explorer offers (two classes each)
EXPLORER_DATASETS = ("blobs", "xor", "circles")


def line_ends(w: ArrayLike, b: float, xlim: tuple[float, float],
              ylim: tuple[float, float]) -> tuple[Array, Array] | None:
    """Two points of the line ``w1 x1 + w2 x2 + b = 0`` spanning the view, or None if ``w = 0``.

    The one function that turns a neuron's weights into its line: it solves for ``x2`` when the
    line is flatter than the diagonal and for ``x1`` when it is steeper, so a vertical line is
    drawn as well as a horizontal one.

    Examples
    --------
    >>> x1, x2 = line_ends([1.0, 1.0], -1.0, (-2.0, 2.0), (-2.0, 2.0))
    >>> x1.tolist(), x2.tolist()
    ([-2.0, 2.0], [3.0, -1.0])
    >>> line_ends([0.0, 0.0], 1.0, (0, 1), (0, 1)) is None
    True
    """
    w1, w2 = (float(v) for v in np.asarray(w, dtype=np.float64).ravel()[:2])
    if abs(w1) < 1e-12 and abs(w2) < 1e-12:
        return None
    if abs(w2) >= abs(w1):  # not too steep: solve for x2
        x1 = np.array(xlim, dtype=float)
        return x1, -(w1 * x1 + b) / w2
    x2 = np.array(ylim, dtype=float)
    return -(w2 * x2 + b) / w1, x2


class PerceptronPlot:
    """The artists of :func:`plot_perceptron`, kept so that :meth:`update` can move the line
    without redrawing the axes from scratch (what makes the explorer's sliders fast).

    Parameters
    ----------
    ax : matplotlib Axes
    X : array, shape (N, 2)
    y : array, shape (N,)
        Labels 0/1.
    """

    def __init__(self, ax: Any, X: ArrayLike, y: ArrayLike) -> None:
        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y).astype(int)
        if X.ndim != 2 or X.shape[1] != 2 or y.shape != (X.shape[0],):
            raise ValueError(
                f"plot_perceptron draws 2-D data: expected X of shape (N, 2) and y of shape (N,), "
                f"got X {X.shape} and y {y.shape}"
            )
        self.ax, self.X, self.y = ax, X, y
        xx, yy, _ = grid_points(X, 2)
        self.xlim, self.ylim = (xx[0, 0], xx[0, -1]), (yy[0, 0], yy[-1, 0])
        self._corners = np.array([[self.xlim[0], self.ylim[0]], [self.xlim[1], self.ylim[0]],
                                  [self.xlim[1], self.ylim[1]], [self.xlim[0], self.ylim[1]]])
        self._regions = [ax.fill([], [], color=PALETTE[k], alpha=0.18, lw=0, zorder=1)[0] for k in (0, 1)]
        n_before = len(ax.collections)
        plot_data(ax, X, y)
        self._points = list(ax.collections[n_before:])
        self._rings = ax.scatter(np.empty(0), np.empty(0), s=60, facecolors="none", edgecolors="black",
                                 linewidths=1.2, label="misclassified", zorder=4)
        (self._line,) = ax.plot([], [], color="black", lw=2, label="boundary w·x + b = 0", zorder=5)
        self._arrow = ax.annotate("", xy=(0, 0), xytext=(0, 0), zorder=6,
                                  arrowprops={"arrowstyle": "-|>", "color": "black", "lw": 1.5})
        self._arrow_label = ax.text(0, 0, "w", ha="center", va="center", fontsize=11, style="italic",
                                    zorder=6)
        self._star = ax.scatter(np.empty(0), np.empty(0), s=260, marker="*", c=PALETTE[6],
                                edgecolors="black", linewidths=1, zorder=7, label="point used for the update")
        ax.set_xlim(*self.xlim)
        ax.set_ylim(*self.ylim)

    def update(self, w: ArrayLike, b: float, *, point: int | None = None,
               title: str | None = None) -> int:
        """Move the line to ``w1 x1 + w2 x2 + b = 0``; returns the number of misclassified points."""
        w = np.asarray(w, dtype=np.float64).ravel()
        if w.shape != (2,):
            raise ValueError(f"plot_perceptron: expected 2 weights (w1, w2), got shape {w.shape}")
        b = float(b)
        X, ax = self.X, self.ax
        wrong = (X @ w + b > 0).astype(int) != self.y  # prediction step(z): class 1 where z > 0
        self._rings.set_offsets(X[wrong] if wrong.any() else np.empty((0, 2)))
        # the two half-planes: the view's corners on each side of the line, plus the crossings
        for k, region in enumerate(self._regions):
            region.set_xy(_half_plane(self._corners, w, b, positive=bool(k)))
        ends = line_ends(w, b, self.xlim, self.ylim)
        visible = ends is not None
        if ends is None:
            self._line.set_data([], [])
        else:
            self._line.set_data(*ends)
            c = X.mean(axis=0)
            p0 = c - (c @ w + b) / (w @ w) * w  # point of the line closest to the data's centre
            inside = self.xlim[0] <= p0[0] <= self.xlim[1] and self.ylim[0] <= p0[1] <= self.ylim[1]
            visible = bool(inside)
            arrow = 0.15 * (self.xlim[1] - self.xlim[0]) * w / np.linalg.norm(w)
            self._arrow.xy, self._arrow.xyann = tuple(p0 + arrow), tuple(p0)
            self._arrow_label.set_position(tuple(p0 + 1.3 * arrow))
        self._arrow.set_visible(visible)
        self._arrow_label.set_visible(visible)
        self._star.set_offsets(X[[point]] if point is not None else np.empty((0, 2)))
        if title is None:
            title = f"w = ({w[0]:.2f}, {w[1]:.2f}), b = {b:.2f}: {int(wrong.sum())} misclassified"
        ax.set_title(title, fontsize=10)
        return int(wrong.sum())

    @property
    def artists(self) -> list[Any]:
        """Everything :meth:`update` changes (plus the data), bottom to top: what a fast redraw redraws."""
        return [*self._regions, *self._points, self._rings, self._line, self._arrow, self._arrow_label,
                self._star, self.ax.title]

    def legend(self, **kwargs: Any) -> Any:
        """A legend of the artists that are showing (classes, misclassified, line, star)."""
        handles, labels = self.ax.get_legend_handles_labels()
        keep = [(h, lab) for h, lab in zip(handles, labels, strict=True) if _shows(h)]
        return self.ax.legend(*zip(*keep, strict=True), **kwargs) if keep else None


def _shows(artist: Any) -> bool:
    if hasattr(artist, "get_offsets"):
        return len(artist.get_offsets()) > 0
    if hasattr(artist, "get_xdata"):
        return len(artist.get_xdata()) > 0
    return True


def _half_plane(corners: Array, w: Array, b: float, positive: bool) -> Array:
    """The part of the rectangle ``corners`` (4, 2) where ``w·x + b > 0`` (or ``<= 0``), as a polygon."""
    z = corners @ w + b  # (4,)
    inside = z > 0 if positive else z <= 0
    pts = []
    for i in range(4):  # walk the edges, keeping inside corners and the line's crossings
        j = (i + 1) % 4
        if inside[i]:
            pts.append(corners[i])
        if inside[i] != inside[j]:
            t = z[i] / (z[i] - z[j])
            pts.append(corners[i] + t * (corners[j] - corners[i]))
    return np.array(pts) if pts else np.empty((0, 2))


def plot_perceptron(ax: Any, X: ArrayLike, y: ArrayLike, w: ArrayLike, b: float, *,
                    point: int | None = None, title: str | None = None, legend: bool = True) -> int:
    """Draw a 2-input perceptron: its line, its two half-planes and the data.

    The boundary is the line ``w1 x1 + w2 x2 + b = 0``. The side the weight vector ``w``
    points to (drawn as an arrow) is predicted class 1 (shaded in class 1's colour).
    Misclassified points are ringed.

    Parameters
    ----------
    ax : matplotlib Axes
    X : array, shape (N, 2)
        Data points (rows) with their two features (columns).
    y : array, shape (N,)
        Labels 0/1.
    w : array, shape (2,)
        Weights ``(w1, w2)``.
    b : float
        Bias.
    point : int, optional
        Index of a sample to mark with a star (e.g. the one that triggered an update).
    title : str, optional
        Defaults to the weights and the number of misclassified points.
    legend : bool

    Returns
    -------
    int
        Number of misclassified points.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from dlbasics.datasets import make_blobs
    >>> X, y = make_blobs(50, rng=0)
    >>> fig, ax = plt.subplots()
    >>> plot_perceptron(ax, X, y, [-1.0, -1.0], 0.0)
    0
    >>> plt.close(fig)

    Taught in notebook 03.
    """
    art = PerceptronPlot(ax, X, y)
    wrong = art.update(w, b, point=point, title=title)
    if legend:
        art.legend(loc="upper left", fontsize="x-small", framealpha=0.85)
    return wrong


_TINT = 0.18  # how strongly each half-plane is tinted with its class colour


def _rgb(colour: str) -> Array:
    return np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=np.float64)


#: the two half-planes' colours: white tinted with class 0's and class 1's colour, RGBA
_HALF_PLANES = np.array([np.append((1 - _TINT) * 255 + _TINT * _rgb(PALETTE[k]), 255) for k in (0, 1)],
                        dtype=np.uint8)


class PerceptronExplorer(LiveWidget):
    """State and drawing behind :func:`perceptron_explorer` (see there).

    Attributes
    ----------
    perceptron : Perceptron
        The model the sliders edit; the buttons train it.
    X, y : arrays
        The current data set.
    history : PerceptronHistory or None
        The last "run to convergence".
    point : int or None
        The sample used by the last single update (marked on the plot).
    canvas : Canvas
        The picture: the plane with the line, and the errors per epoch.
    widget : WidgetBox
        What the notebook displays (``widget.owner`` is this object).
    """

    def __init__(self, dataset: str = "blobs", *, w: tuple[float, float] = (1.0, -1.0), b: float = 0.0,
                 n: int = 100, lr: float = 0.2, max_epochs: int = 50, limit: float = 3.0,
                 rng: int = 0) -> None:
        if dataset not in EXPLORER_DATASETS:
            raise ValueError(f"perceptron_explorer: dataset must be one of {EXPLORER_DATASETS}, "
                             f"got {dataset!r}")
        if int(max_epochs) < 1:
            raise ValueError(f"perceptron_explorer: max_epochs must be >= 1, got {max_epochs}")
        super().__init__()
        self.n, self.seed, self.max_epochs, self.limit = int(n), int(rng), int(max_epochs), float(limit)
        self.perceptron = Perceptron(2, lr=lr)
        self.perceptron.w[:] = w
        self.perceptron.b = float(b)
        self.history: PerceptronHistory | None = None
        self.point: int | None = None
        self._cursor = 0  # where the search for the next misclassified point starts
        self._load(dataset)
        self._make_controls(w, b, dataset)
        self.canvas = Canvas(label="the perceptron's line over the data, and its errors per epoch")
        self.watch(self.w1, self.w2, self.b)
        self.dataset.observe(self._on_dataset, names="value")
        self.step_button.on_click(lambda _: self.step())
        self.run_button.on_click(lambda _: self.run())
        controls = [self.w1, self.w2, self.b, self.dataset, self.step_button, self.run_button, self.status]
        self.box(controls, self.canvas, title="Perceptron explorer")
        self.widget.explorer = self  # type: ignore[attr-defined]  # the name used before .owner
        self._set_status("Drag the sliders, or let the perceptron rule move the line.")
        self.refresh()

    def _make_controls(self, w: tuple[float, float], b: float, dataset: str) -> None:
        slider = dict(min=-self.limit, max=self.limit, step=0.05, readout_format=".2f",
                      continuous_update=True, style={"description_width": "30px"},
                      layout=W.Layout(width="280px"))
        self.w1 = W.FloatSlider(value=float(w[0]), description="w1", **slider)
        self.w2 = W.FloatSlider(value=float(w[1]), description="w2", **slider)
        self.b = W.FloatSlider(value=float(b), description="b", **slider)
        self.dataset = W.Dropdown(options=list(EXPLORER_DATASETS), value=dataset, description="data",
                                  style={"description_width": "30px"}, layout=W.Layout(width="280px"))
        self.step_button = W.Button(description="one perceptron update", icon="step-forward",
                                    tooltip="apply the perceptron rule to the next misclassified point",
                                    layout=W.Layout(width="280px"))
        self.run_button = W.Button(description=f"run to convergence (≤ {self.max_epochs} epochs)",
                                   icon="forward", tooltip="run whole epochs until no point is wrong",
                                   layout=W.Layout(width="280px"))
        self.status = W.HTML(layout=W.Layout(width="280px"))

    # -- state -----------------------------------------------------------------------------
    def _load(self, name: str) -> None:
        self.name = name
        self.X, self.y = make_dataset(name, self.n, rng=self.seed)
        xx, yy, self._grid = grid_points(self.X, 100, pad=0.5)  # (100², 2): the plane, row by row
        self.xlim = (float(xx[0, 0]), float(xx[0, -1]))
        self.ylim = (float(yy[0, 0]), float(yy[-1, 0]))

    def misclassified(self) -> Array:
        """Boolean mask of the points the current line gets wrong, shape ``(N,)``."""
        return self.perceptron.predict(self.X) != self.y

    def _sync_sliders(self) -> None:
        """Show the perceptron's weights on the sliders (rescaled if they left the range)."""
        p = self.perceptron
        big = max(abs(p.w[0]), abs(p.w[1]), abs(p.b))
        rescaled = big > self.limit
        if rescaled:  # same line, same predictions: only the length of (w, b) changes
            p.w *= self.limit / big
            p.b *= self.limit / big
        with self.hold():  # three sliders, one picture
            self.w1.value, self.w2.value, self.b.value = float(p.w[0]), float(p.w[1]), float(p.b)
            self.refresh()
        if rescaled:
            self.status.value += ("<br><small>(w and b were scaled down to fit the sliders: "
                                  "same line)</small>")

    def _set_status(self, text: str) -> None:
        self.status.value = f"<div style='line-height:1.3'>{text}</div>"

    # -- actions ---------------------------------------------------------------------------
    def _on_dataset(self, change: dict[str, Any]) -> None:
        self._load(change["new"])
        self.history, self.point, self._cursor = None, None, 0
        self._set_status(f"Data set: {change['new']}.")
        self.refresh()

    def step(self) -> bool:
        """Apply the perceptron rule to the next misclassified point; False if there is none."""
        wrong = np.flatnonzero(self.misclassified())
        if wrong.size == 0:
            self.point = None
            self._set_status("No misclassified point left: the perceptron has <b>converged</b> ✓")
            self.refresh()
            return False
        later = wrong[wrong >= self._cursor]
        i = int(later[0] if later.size else wrong[0])  # cycle through the data in order
        self._cursor = i + 1
        p = self.perceptron
        y_hat = int(p.predict(self.X[i])[0])
        p.update(self.X[i], self.y[i])
        self.point = i
        sign = "+" if self.y[i] > y_hat else "−"
        self._set_status(f"Point {i} has label {self.y[i]} but was predicted {y_hat}:<br>"
                         f"w ← w {sign} η·x, b ← b {sign} η (η = {p.lr:g})")
        self._sync_sliders()
        return True

    def run(self) -> PerceptronHistory:
        """Run the perceptron rule epoch after epoch until no errors, or ``max_epochs``."""
        self.history = hist = self.perceptron.fit(self.X, self.y, epochs=self.max_epochs, rng=self.seed)
        self.point = None
        if hist.converged:
            self._set_status(f"<b>Converged</b> after {len(hist.errors)} epoch(s) ✓")
        else:
            self._set_status(f"<b>Did not converge after {self.max_epochs} epochs</b>: still "
                             f"{hist.errors[-1]} error(s) in the last epoch. No straight line "
                             f"separates {self.name}.")
        self._sync_sliders()
        return hist

    # -- drawing ---------------------------------------------------------------------------
    def update(self) -> None:
        p = self.perceptron
        shown = (float(self.w1.value), float(self.w2.value), float(self.b.value))
        if shown != (float(p.w[0]), float(p.w[1]), float(p.b)):  # the learner moved a slider
            p.w[:] = shown[:2]
            p.b = shown[2]
            self.point = None
        scene = Scene(640, 390)  # fits beside the controls in a notebook
        self._draw_plane(scene)
        self._draw_errors(scene)
        self.canvas.show(scene)

    def draw(self, full: bool = False) -> None:
        """Redraw (kept for old callers; ``full`` no longer matters: the browser paints it all)."""
        self.refresh()

    def _draw_plane(self, scene: Scene) -> None:
        p, X = self.perceptron, self.X
        w, b = p.w.astype(np.float64), float(p.b)
        wrong = self.misclassified()
        ax = scene.panel((50, 30, 350, 310), xlim=self.xlim, ylim=self.ylim, xlabel="x₁", ylabel="x₂",
                         title=f"w = ({w[0]:.2f}, {w[1]:.2f}), b = {b:.2f}: {int(wrong.sum())} misclassified",
                         legend_loc="ul")
        side = (self._grid @ w + b > 0).astype(np.intp).reshape(100, 100)  # 1 where class 1 is predicted
        ax.image(_HALF_PLANES[side], extent=(*self.xlim, *self.ylim))
        for k, marker in ((0, "o"), (1, "s")):
            ax.points(X[self.y == k, 0], X[self.y == k, 1], color=PALETTE[k], size=7, marker=marker,
                      edge="white", label=f"class {k}")
        ax.points(X[wrong, 0], X[wrong, 1], color="#00000000", size=14, edge="#000000", label="misclassified")
        ax.spec["legend"][-1]["color"] = "#000000"  # the rings are transparent inside
        self._draw_line(ax, w, b)
        if self.point is not None:
            ax.points(X[[self.point], 0], X[[self.point], 1], color=PALETTE[5], size=16, marker="x",
                      edge="white", label="point used for the update")

    def _draw_line(self, ax: Panel, w: Array, b: float) -> None:
        """The boundary ``w·x + b = 0`` and the weight vector, from the point of the line closest to
        the data's centre (when that point is in view)."""
        self.line = line_ends(w, b, self.xlim, self.ylim)
        if self.line is None:
            return
        ax.line(*self.line, color="#000000", width=2.5, halo="white", label="boundary w·x + b = 0")
        c = self.X.mean(axis=0)
        p0 = c - (c @ w + b) / (w @ w) * w
        if self.xlim[0] <= p0[0] <= self.xlim[1] and self.ylim[0] <= p0[1] <= self.ylim[1]:
            arrow = 0.15 * (self.xlim[1] - self.xlim[0]) * w / np.linalg.norm(w)
            ax.arrow(p0, p0 + arrow, color="#000000", width=2, halo="white")
            tip = p0 + 1.35 * arrow
            ax.text(float(tip[0]), float(tip[1]), "w", size=13, bold=True, align="center")

    def _draw_errors(self, scene: Scene) -> None:
        errors = [] if self.history is None else list(self.history.errors)
        top = max([*errors, 1]) * 1.15
        ax = scene.panel((470, 30, 160, 310), xlim=(0.5, max(len(errors), 10) + 0.5), ylim=(0, top),
                         xlabel="epoch", ylabel="misclassified points", title="errors per epoch",
                         legend_loc="ur")
        if errors:
            epochs = np.arange(1, len(errors) + 1)
            ax.line(epochs, errors, color=PALETTE[0], width=1.5, label="errors in the epoch")
            ax.points(epochs, errors, color=PALETTE[0], size=5)
        else:
            for text, dy in (("press 'run to", -8), ("convergence'", 8)):
                ax.text(5.5, top / 2, text, color="#666666", align="center", dy=dy)


def perceptron_explorer(dataset: str = "blobs", *, w: tuple[float, float] = (1.0, -1.0),
                        b: float = 0.0, n: int = 100, lr: float = 0.2, max_epochs: int = 50,
                        rng: int = 0) -> WidgetBox:
    """Interactive perceptron: drag its weights, or train it one update at a time.

    Controls: sliders for ``w1``, ``w2`` and ``b`` (the line moves as you drag), a data set
    dropdown (``"blobs"``, ``"xor"``, ``"circles"``), a button applying the perceptron rule

        w ← w + η (y − ŷ) x,    b ← b + η (y − ŷ)

    to the next misclassified point (marked with a star), and a button that runs whole epochs
    until no point is misclassified, or reports that it did not converge after ``max_epochs``
    (which is what happens on XOR and circles). The right panel shows errors per epoch.

    Parameters
    ----------
    dataset : {"blobs", "xor", "circles"}
    w : (float, float)
        Starting weights.
    b : float
        Starting bias.
    n : int
        Number of data points.
    lr : float
        η of the perceptron rule.
    max_epochs : int
        Cap for "run to convergence".
    rng : int
        Seed of the data (and of the order of samples within epochs).

    Returns
    -------
    WidgetBox
        The widget (``.owner``, also ``.explorer``, is its :class:`PerceptronExplorer`); its canvas
        has the class ``dlbasics-plot``.

    Taught in notebook 03.
    """
    return PerceptronExplorer(dataset, w=w, b=b, n=n, lr=lr, max_epochs=max_epochs, rng=rng).widget
