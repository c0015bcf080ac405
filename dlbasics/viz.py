"""Plotting helpers shared by the notebooks and widgets.

Colours come from the Okabe–Ito palette, which stays distinguishable for colour-blind readers;
classes also get different marker shapes. Every helper draws on an ``ax`` you pass in and
labels it, so a figure can hold several of them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dlbasics._typing import Array

__all__ = [
    "PALETTE",
    "MARKERS",
    "class_colors",
    "grid_points",
    "plot_data",
    "plot_decision_boundary",
    "LivePlot",
    "running_mean",
]


#: Okabe–Ito colour-blind-safe palette (blue, orange, green, pink, sky blue, vermillion, yellow, black)
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
#: one marker per class, so classes differ in shape as well as colour
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]


def class_colors(k: int) -> Any:
    """A matplotlib ``ListedColormap`` with the first ``k`` palette colours."""
    from matplotlib.colors import ListedColormap

    return ListedColormap(PALETTE[:k])


def grid_points(X: ArrayLike, res: int = 150, pad: float = 0.5) -> tuple[Array, Array, Array]:
    """A ``res × res`` grid covering the data plus a margin.

    Returns
    -------
    xx, yy : arrays, shape (res, res)
        Grid coordinates (for ``contourf``).
    P : array, shape (res * res, 2)
        The same points as rows, ready for ``model.predict(P)`` in one vectorised call.
    """
    X = np.asarray(X, dtype=np.float64)
    lo = X.min(axis=0) - pad
    hi = X.max(axis=0) + pad
    xs = np.linspace(lo[0], hi[0], res)
    ys = np.linspace(lo[1], hi[1], res)
    xx, yy = np.meshgrid(xs, ys)
    return xx, yy, np.column_stack([xx.ravel(), yy.ravel()])


def plot_data(ax: Any, X: ArrayLike, y: ArrayLike, *, highlight: ArrayLike | None = None,
              s: float = 22, labels: list[str] | None = None) -> None:
    """Scatter 2-D points coloured and shaped by class; ``highlight`` (bool mask) circles
    points in red-free black rings, e.g. the misclassified ones."""
    X = np.asarray(X)
    y = np.asarray(y).ravel().astype(int)
    for k in np.unique(y):
        m = y == k
        name = labels[k] if labels is not None else f"class {k}"
        ax.scatter(X[m, 0], X[m, 1], s=s, c=PALETTE[k % len(PALETTE)], marker=MARKERS[k % len(MARKERS)],
                   edgecolors="white", linewidths=0.5, label=name, zorder=3)
    if highlight is not None:
        h = np.asarray(highlight, dtype=bool)
        if h.any():
            ax.scatter(X[h, 0], X[h, 1], s=s * 4, facecolors="none", edgecolors="black",
                       linewidths=1.5, label="misclassified", zorder=4)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")


def plot_decision_boundary(ax: Any, predict: Callable[[Array], ArrayLike], X: ArrayLike, y: ArrayLike,
                           *, res: int = 150, title: str | None = None, legend: bool = True) -> Any:
    """Shade the plane by predicted class and draw the data on top.

    ``predict`` maps an ``(M, 2)`` array of points to ``(M,)`` class labels (for example
    ``model.predict``); it is called once on the whole grid.
    """
    X = np.asarray(X)
    y = np.asarray(y).ravel().astype(int)
    xx, yy, P = grid_points(X, res)
    Z = np.asarray(predict(P)).reshape(xx.shape)
    k = int(max(y.max(), Z.max())) + 1
    cs = ax.contourf(xx, yy, Z, levels=np.arange(k + 1) - 0.5, cmap=class_colors(k), alpha=0.25)
    plot_data(ax, X, y)
    ax.set_xlim(xx.min(), xx.max())
    ax.set_ylim(yy.min(), yy.max())
    if title:
        ax.set_title(title)
    if legend:
        ax.legend(loc="upper right", fontsize="small", framealpha=0.8)
    return cs


def running_mean(values: ArrayLike, window: int) -> NDArray[np.float64]:
    """The mean of the last ``window`` values at each position (fewer at the start), (n,).

    Examples
    --------
    >>> running_mean([1.0, 3.0, 5.0, 7.0], 2)
    array([1., 2., 4., 6.])
    """
    v = np.asarray(values, dtype=np.float64)
    c = np.concatenate([[0.0], np.cumsum(v)])  # (n + 1,)
    i = np.arange(1, v.size + 1)
    lo = np.maximum(i - window, 0)
    return (c[i] - c[lo]) / (i - lo)


class LivePlot:
    """A training callback that redraws one figure in place while :func:`dlbasics.fit` runs.

    Shows the loss per step, light, with its running mean over the last ``smooth`` steps drawn
    over it (one mini-batch's loss is noisy; the mean shows the trend), and, for 2-D data, the
    current decision boundary, updating the same output every ``every`` steps through a display
    handle — no flicker, no pile of figures. Pass it in ``callbacks=[live]`` with
    ``callback_every=every``.

    Parameters
    ----------
    X, y : arrays, optional
        2-D training data, to draw the decision boundary next to the loss curve.
    title : str
    smooth : int, default 20
        Steps in the running mean (1 draws the raw loss only).
    """

    def __init__(self, X: ArrayLike | None = None, y: ArrayLike | None = None, *,
                 title: str = "Training", res: int = 80, smooth: int = 20) -> None:
        import matplotlib.pyplot as plt

        self.X = None if X is None else np.asarray(X)
        self.y = None if y is None else np.asarray(y)
        if (self.X is None) != (self.y is None):
            raise TypeError("LivePlot: pass both X and y (to draw the decision boundary) or neither")
        if self.X is not None and self.y is not None:
            if self.X.ndim != 2 or len(self.X) == 0:
                raise ValueError(f"LivePlot: X must be data of shape (N, n_features) with N >= 1, "
                                 f"got shape {self.X.shape}")
            if self.y.shape[:1] != self.X.shape[:1]:
                raise ValueError(f"LivePlot: X has {len(self.X)} samples, so y needs {len(self.X)} "
                                 f"labels, got shape {self.y.shape}")
        if isinstance(smooth, bool) or not isinstance(smooth, (int, np.integer)) or smooth < 1:
            raise ValueError(f"LivePlot: smooth must be a whole number of steps >= 1, got {smooth!r}")
        self.res, self.smooth = res, int(smooth)
        ncols = 2 if self.X is not None and self.X.shape[1] == 2 else 1
        self.fig, axes = plt.subplots(1, ncols, figsize=(5 * ncols, 3.6), squeeze=False)
        self.ax_loss = axes[0, 0]
        self.ax_data = axes[0, 1] if ncols == 2 else None
        raw_style = {"alpha": 0.35, "linewidth": 0.8} if self.smooth > 1 else {}
        (self.line,) = self.ax_loss.plot([], [], color=PALETTE[0], label="loss per step", **raw_style)
        self.mean_line = None
        if self.smooth > 1:
            (self.mean_line,) = self.ax_loss.plot([], [], color=PALETTE[5], linewidth=2,
                                                  label=f"mean of the last {self.smooth} steps")
        self.ax_loss.set_xlabel("step")
        self.ax_loss.set_ylabel("loss")
        self.ax_loss.set_title(f"{title}: loss")
        self.ax_loss.legend(loc="upper right")
        self.fig.tight_layout()
        plt.close(self.fig)  # shown only through the display handle
        self.handle: Any = None
        self.updates = 0
        self._last_step = -1

    def show(self) -> None:
        """Display the (empty) figure; later updates replace it in place."""
        from IPython.display import display

        self.handle = display(self.fig, display_id=True)

    def __call__(self, state: Any) -> None:
        if state.step == self._last_step:  # the epoch-end call right after a step redraw
            return
        self._last_step = state.step
        if self.handle is None:
            self.show()
        losses = np.asarray(state.history.step_loss, dtype=np.float64)  # (steps,)
        steps = np.arange(1, len(losses) + 1)
        self.line.set_data(steps, losses)
        if self.mean_line is not None:
            self.mean_line.set_data(steps, running_mean(losses, self.smooth))
        self.ax_loss.relim()
        self.ax_loss.autoscale_view()
        if self.ax_data is not None and self.X is not None and self.y is not None:
            self.ax_data.clear()
            plot_decision_boundary(self.ax_data, state.model.predict, self.X, self.y, res=self.res,
                                   title=f"decision boundary, epoch {state.epoch}", legend=False)
        self.handle.update(self.fig)
        self.updates += 1
