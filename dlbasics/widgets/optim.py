"""Gradient descent and its variants, seen on 2-D loss surfaces (notebook 06).

A *surface* is a function of two parameters ``(x, y)`` with its gradient, small enough to draw
as a contour plot. :func:`descent_path` runs any dlbasics optimizer on it — the optimizers work
on any ``(value, gradient)`` array pairs, so the "model" is just the point ``p = [x, y]``::

    p = np.array(start); g = np.zeros(2)
    opt = dl.Adam([(p, g)], lr=0.1)
    for _ in range(steps):
        g[:] = surface.grad(p)     # gradient at the current point
        opt.step()                 # moves p in place

Widgets: :func:`optimizer_race` (several optimizers on one surface) and
:func:`compare_optimizers` (the same network trained with each optimizer).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
from numpy.typing import ArrayLike

from dlbasics._typing import Array
from dlbasics.datasets import make_dataset, standardize
from dlbasics.network import mlp
from dlbasics.optimizers import SGD, Adam, Optimizer, RMSprop
from dlbasics.training import DivergenceError, accuracy, fit
from dlbasics.viz import PALETTE
from dlbasics.widgets._common import plot_output, redraw, widget_box

__all__ = [
    "Surface",
    "SURFACES",
    "get_surface",
    "OPTIMIZER_NAMES",
    "make_optimizer",
    "descent_path",
    "plot_contours",
    "optimizer_race",
    "DEFAULT_LRS",
    "train_with_each",
    "compare_optimizers",
]


#: a point further than this from the origin counts as diverged (and stops the path)
_ESCAPE = 1e3


@dataclass(frozen=True)
class Surface:
    """A loss surface ``f(x, y)`` of two parameters, with its gradient.

    Attributes
    ----------
    name : str
        Key in :data:`SURFACES`.
    formula : str
        LaTeX of ``f``, for titles.
    f : callable
        Vectorised ``f(x, y)``: arrays in, array of the same shape out.
    df : callable
        ``df(x, y) -> (df/dx, df/dy)``.
    start : (float, float)
        A starting point that shows the surface's character.
    xlim, ylim : (float, float)
        Plot window.
    minima : tuple of (float, float)
        Where the (local) minima are, marked with a star.
    lr : float
        A learning rate that suits plain gradient descent here (the widget's default).
    """

    name: str
    formula: str
    f: Callable[[Array, Array], Array]
    df: Callable[[Array, Array], tuple[Array, Array]]
    start: tuple[float, float]
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    minima: tuple[tuple[float, float], ...]
    lr: float

    def __call__(self, p: ArrayLike) -> float:
        """``f`` at the point ``p = [x, y]``."""
        x, y = np.asarray(p, dtype=np.float64)
        return float(self.f(x, y))

    def grad(self, p: ArrayLike) -> Array:
        """Gradient ``[df/dx, df/dy]`` at the point ``p``, shape ``(2,)``."""
        x, y = np.asarray(p, dtype=np.float64)
        gx, gy = self.df(x, y)
        return np.array([gx, gy], dtype=np.float64)


def _two_min_x() -> tuple[float, float]:
    # roots of d/dx [(x^2 - 1)^2 + 0.3 x] = 4x^3 - 4x + 0.3: the outer two are the minima
    roots = np.sort(np.roots([4.0, 0.0, -4.0, 0.3]).real)
    return float(roots[0]), float(roots[2])


_XL, _XR = _two_min_x()

#: the course's surfaces, by name
SURFACES: dict[str, Surface] = {
    s.name: s
    for s in [
        Surface(
            "bowl", r"$f = \frac{1}{2}(x^2 + 10\,y^2)$",
            lambda x, y: 0.5 * (x * x + 10 * y * y),
            lambda x, y: (x, 10 * y),
            start=(-4.0, 1.5), xlim=(-5.0, 5.0), ylim=(-2.5, 2.5), minima=((0.0, 0.0),), lr=0.15,
        ),
        Surface(
            "valley", r"$f = (1 - x)^2 + 5\,(y - x^2)^2$  (Rosenbrock-like)",
            lambda x, y: (1 - x) ** 2 + 5 * (y - x * x) ** 2,
            lambda x, y: (-2 * (1 - x) - 20 * x * (y - x * x), 10 * (y - x * x)),
            start=(-1.5, 2.0), xlim=(-2.0, 2.0), ylim=(-1.0, 3.0), minima=((1.0, 1.0),), lr=0.02,
        ),
        Surface(
            "two_minima", r"$f = (x^2 - 1)^2 + 0.3\,x + \frac{1}{2} y^2$",
            lambda x, y: (x * x - 1) ** 2 + 0.3 * x + 0.5 * y * y,
            lambda x, y: (4 * x * (x * x - 1) + 0.3, y),
            start=(0.3, 1.5), xlim=(-1.8, 1.8), ylim=(-2.0, 2.0),
            minima=((_XL, 0.0), (_XR, 0.0)), lr=0.05,
        ),
        Surface(
            "saddle", r"$f = \frac{1}{2}x^2 - \frac{1}{2}y^2 + \frac{1}{4}y^4$  (saddle at 0)",
            lambda x, y: 0.5 * x * x - 0.5 * y * y + 0.25 * y**4,
            lambda x, y: (x, -y + y**3),
            start=(-2.0, 0.001), xlim=(-2.5, 2.5), ylim=(-1.6, 1.6), minima=((0.0, -1.0), (0.0, 1.0)),
            lr=0.05,
        ),
    ]
}


def get_surface(surface: str | Surface) -> Surface:
    """A surface by name (``"bowl"``, ``"valley"``, ``"two_minima"``, ``"saddle"``) or as given."""
    if isinstance(surface, Surface):
        return surface
    if surface not in SURFACES:
        raise ValueError(f"get_surface: unknown surface {surface!r}; expected one of {sorted(SURFACES)}")
    return SURFACES[surface]


#: optimizers the widgets offer; "Momentum" and "Nesterov" are ``SGD`` with those options
OPTIMIZER_NAMES = ("SGD", "Momentum", "Nesterov", "RMSprop", "Adam")


def make_optimizer(name: str, params: Sequence[tuple[Array, Array]], lr: float, *,
                   momentum: float = 0.9, betas: tuple[float, float] = (0.9, 0.999),
                   alpha: float = 0.99) -> Optimizer:
    """Build one of :data:`OPTIMIZER_NAMES` on ``params`` with learning rate ``lr``.

    ``momentum`` (μ) is used by "Momentum" and "Nesterov", ``alpha`` (ρ) by "RMSprop",
    ``betas`` (β1, β2) by "Adam".

    Examples
    --------
    >>> p, g = np.zeros(2), np.zeros(2)
    >>> make_optimizer("Nesterov", [(p, g)], lr=0.1)
    SGD(lr=0.1, weight_decay=0.0, momentum=0.9, dampening=0.0, nesterov=True)
    """
    if name == "SGD":
        return SGD(params, lr=lr)
    if name == "Momentum":
        return SGD(params, lr=lr, momentum=momentum)
    if name == "Nesterov":
        return SGD(params, lr=lr, momentum=momentum, nesterov=True)
    if name == "RMSprop":
        return RMSprop(params, lr=lr, alpha=alpha)
    if name == "Adam":
        return Adam(params, lr=lr, betas=betas)
    raise ValueError(f"make_optimizer: unknown optimizer {name!r}; expected one of {list(OPTIMIZER_NAMES)}")


def descent_path(surface: str | Surface, optimizer: str = "SGD", *, lr: float | None = None,
                 steps: int = 50, start: ArrayLike | None = None, **hyper: Any) -> Array:
    """The points an optimizer visits on a surface, starting point included.

    Parameters
    ----------
    surface : str or Surface
    optimizer : str
        One of :data:`OPTIMIZER_NAMES`.
    lr : float, optional
        Learning rate η (default: the surface's ``lr``).
    steps : int
        Number of optimizer steps.
    start : (x, y), optional
        Default: the surface's ``start``.
    **hyper
        ``momentum``, ``betas``, ``alpha`` for :func:`make_optimizer`.

    Returns
    -------
    path : array, shape (steps + 1, 2)
        Fewer rows when the optimizer diverged: the path stops at the first point further
        than 1000 from the origin.

    Examples
    --------
    >>> path = descent_path("bowl", "SGD", lr=0.1, steps=3, start=(1.0, 1.0))
    >>> path.round(3).tolist()
    [[1.0, 1.0], [0.9, 0.0], [0.81, 0.0], [0.729, 0.0]]
    """
    s = get_surface(surface)
    p = np.array(s.start if start is None else start, dtype=np.float64)  # (2,) the parameters
    if p.shape != (2,):
        raise ValueError(f"descent_path: start must be a point (x, y), got shape {p.shape}")
    g = np.zeros(2)  # (2,) their gradient, filled before each step
    opt = make_optimizer(optimizer, [(p, g)], s.lr if lr is None else lr, **hyper)
    path = [p.copy()]
    for _ in range(int(steps)):
        g[:] = s.grad(p)
        opt.step()  # p -= update, in place
        path.append(p.copy())
        if not np.all(np.abs(p) < _ESCAPE):
            break
    return np.array(path)


@lru_cache(maxsize=16)
def _grid(name: str, res: int) -> tuple[Array, Array, Array, Array]:
    """Grid, values and contour levels of a named surface, computed once per surface."""
    s = SURFACES[name]
    xx, yy = np.meshgrid(np.linspace(*s.xlim, res), np.linspace(*s.ylim, res))
    zz = s.f(xx, yy)  # (res, res)
    lo, span = float(zz.min()), float(zz.max() - zz.min())
    # levels evenly spaced in log(f - min): shows the floor of a valley and its walls alike
    levels = lo + np.concatenate([[-1e-9], np.geomspace(span * 1e-4, span, 17)])
    return xx, yy, zz, levels


def plot_contours(ax: Any, surface: str | Surface, paths: Mapping[str, ArrayLike] | None = None, *,
                  title: str | None = None, res: int = 120, colors: Sequence[str] | None = None,
                  show_start: bool = True) -> None:
    """Contour plot of a surface with optimizer paths drawn on top.

    Parameters
    ----------
    ax : matplotlib Axes
    surface : str or Surface
    paths : mapping label -> array (n, 2), optional
        E.g. ``{"SGD": descent_path(...)}``; a path that left the window is marked
        "diverged" in the legend.
    title : str, optional
        Default: the surface's formula.
    colors : sequence of str, optional
        One colour per path (default: the course palette).
    """
    s = get_surface(surface)
    if SURFACES.get(s.name) is s:
        xx, yy, zz, levels = _grid(s.name, res)
    else:  # a surface made by the caller
        xx, yy = np.meshgrid(np.linspace(*s.xlim, res), np.linspace(*s.ylim, res))
        zz = s.f(xx, yy)
        levels = np.linspace(zz.min(), zz.max(), 18)
    ax.contourf(xx, yy, zz, levels=levels, cmap="Greys_r", alpha=0.55)
    ax.contour(xx, yy, zz, levels=levels, colors="grey", linewidths=0.4, alpha=0.8)
    mins = np.array(s.minima)  # (k, 2)
    fmin = s.f(mins[:, 0], mins[:, 1])  # (k,)
    best = fmin <= fmin.min() + 1e-9
    ax.plot(*mins[best].T, "*", color=PALETTE[7], markersize=12, label="global minimum", zorder=5)
    if not best.all():
        ax.plot(*mins[~best].T, "*", color="white", markeredgecolor=PALETTE[7], markersize=12,
                label="local minimum", zorder=5)
    colors = list(colors) if colors is not None else PALETTE
    for i, (label, path) in enumerate((paths or {}).items()):
        path = np.asarray(path, dtype=np.float64)
        inside = bool(np.all((path[-1] >= [s.xlim[0], s.ylim[0]]) & (path[-1] <= [s.xlim[1], s.ylim[1]])))
        c = colors[i % len(colors)]
        ax.plot(path[:, 0], path[:, 1], "-o", color=c, markersize=2.5, linewidth=1.4,
                label=label if inside else f"{label} (diverged)", zorder=4)
        if show_start:
            ax.plot(*path[0], "o", color=c, markersize=7, markeredgecolor="black", zorder=6)
    ax.set_xlim(*s.xlim)
    ax.set_ylim(*s.ylim)
    ax.set_xlabel("parameter $x$")
    ax.set_ylabel("parameter $y$")
    ax.set_title(s.formula if title is None else title, fontsize="medium")
    ax.legend(loc="upper right", fontsize="x-small", framealpha=0.85)


# -- widget: optimizer race ------------------------------------------------------------------------
def optimizer_race(surface: str = "valley", optimizers: Sequence[str] = ("SGD", "Momentum", "Adam"), *,
                   lr: float | None = None, steps: int = 80) -> W.Box:
    """Race optimizers on a 2-D surface: their paths on the contour plot.

    Controls: learning rate η (log slider, first), which optimizers run, momentum μ,
    Adam's β1 and β2, RMSprop's ρ, the surface, the number of steps, and a play button that
    animates the paths step by step.

    Parameters
    ----------
    surface : str
        Initial surface: ``"valley"``, ``"bowl"``, ``"two_minima"`` or ``"saddle"``.
    optimizers : sequence of str
        Initially ticked optimizers (from :data:`OPTIMIZER_NAMES`).
    lr : float, optional
        Initial learning rate (default: the surface's).
    steps : int
        Initial number of steps.

    Returns
    -------
    ipywidgets.Box
        Tagged ``dlbasics-widget``.
    """
    s0 = get_surface(surface)
    for name in optimizers:
        if name not in OPTIMIZER_NAMES:
            raise ValueError(f"optimizer_race: unknown optimizer {name!r}; "
                             f"expected some of {list(OPTIMIZER_NAMES)}")
    style = {"description_width": "110px"}
    w_lr = W.FloatLogSlider(value=s0.lr if lr is None else lr, base=10, min=-3, max=0, step=0.1,
                            description="learning rate η", readout_format=".3f", style=style)
    w_opts = {n: W.Checkbox(value=n in optimizers, description=n, indent=False,
                            layout=W.Layout(width="112px")) for n in OPTIMIZER_NAMES}
    w_mom = W.FloatSlider(value=0.9, min=0.0, max=0.99, step=0.01, description="momentum μ", style=style)
    w_b1 = W.FloatSlider(value=0.9, min=0.0, max=0.99, step=0.01, description="Adam β1", style=style)
    w_b2 = W.FloatSlider(value=0.999, min=0.9, max=0.9999, step=0.0001, readout_format=".4f",
                         description="Adam β2", style=style)
    w_rho = W.FloatSlider(value=0.99, min=0.5, max=0.999, step=0.001, readout_format=".3f",
                          description="RMSprop ρ", style=style)
    w_surf = W.Dropdown(options=list(SURFACES), value=s0.name, description="surface", style=style)
    w_steps = W.IntSlider(value=steps, min=5, max=300, step=5, description="steps",
                          continuous_update=False, style=style)
    w_frame = W.IntSlider(value=steps, min=0, max=steps, description="show step", style=style)
    w_play = W.Play(value=steps, min=0, max=steps, step=1, interval=250, description="animate")
    W.jslink((w_play, "value"), (w_frame, "value"))
    out = plot_output()
    cache: dict[str, Array] = {}
    hold = [False]

    def compute() -> None:
        cache.clear()
        s = get_surface(w_surf.value)
        for name, box in w_opts.items():
            if box.value:
                cache[name] = descent_path(s, name, lr=w_lr.value, steps=w_steps.value,
                                           momentum=w_mom.value, betas=(w_b1.value, w_b2.value),
                                           alpha=w_rho.value)

    def draw() -> Any:
        s = get_surface(w_surf.value)
        k = w_frame.value
        fig, ax = plt.subplots(figsize=(6.4, 4.6))
        shown = {}
        for name, path in cache.items():
            part = path[: k + 1]
            shown[f"{name}: f = {s(part[-1]):.3g}" if np.all(np.abs(part[-1]) < _ESCAPE) else name] = part
        colors = [PALETTE[OPTIMIZER_NAMES.index(n)] for n in cache]
        plot_contours(ax, s, shown, colors=colors,
                      title=f"{w_surf.value}: η = {w_lr.value:.3g}, step {k} of {w_steps.value}")
        return fig  # no tight_layout: the inline backend crops to the drawing anyway

    def on_change(change: Any = None) -> None:
        if hold[0]:
            return
        compute()
        redraw(out, draw)

    def on_surface(change: Any) -> None:
        hold[0] = True
        w_lr.value = get_surface(change["new"]).lr
        hold[0] = False
        on_change()

    def on_steps(change: Any) -> None:
        hold[0] = True
        w_frame.max = w_play.max = w_steps.value
        w_frame.value = w_steps.value
        hold[0] = False
        on_change()

    def on_frame(change: Any) -> None:
        if not hold[0]:
            redraw(out, draw)

    for w in [w_lr, w_mom, w_b1, w_b2, w_rho, *w_opts.values()]:
        w.observe(on_change, names="value")
    w_surf.observe(on_surface, names="value")
    w_steps.observe(on_steps, names="value")
    w_frame.observe(on_frame, names="value")
    on_change()
    ticks = W.GridBox(list(w_opts.values()), layout=W.Layout(grid_template_columns="repeat(3, 115px)"))
    controls = [w_lr, W.HTML("optimizers:"), ticks, w_mom, w_b1, w_b2, w_rho, w_surf, w_steps,
                W.HBox([w_play, w_frame])]
    box = widget_box(controls, out, title="Optimizer race")
    box._dlbasics_controls = {"lr": w_lr, "optimizers": w_opts, "momentum": w_mom, "beta1": w_b1,
                              "beta2": w_b2, "rho": w_rho, "surface": w_surf, "steps": w_steps,
                              "frame": w_frame, "play": w_play, "paths": cache}
    return box


# -- widget: the same network, each optimizer ------------------------------------------------------
#: learning rates that suit each optimizer on the toy networks (scaled by the widget's slider)
DEFAULT_LRS = {"SGD": 0.1, "Momentum": 0.05, "Nesterov": 0.05, "RMSprop": 0.005, "Adam": 0.01}


def train_with_each(names: Sequence[str], X: ArrayLike, y: ArrayLike, *, sizes: Sequence[int],
                    activation: str = "tanh", lr_scale: float = 1.0, epochs: int = 40,
                    batch_size: int | None = 32, rng: int = 0) -> dict[str, tuple[list[float], float]]:
    """Train the same network (same initial weights, same batches) with each optimizer.

    Returns ``{name: (loss per epoch, final training accuracy)}``. The learning rate of each
    is ``DEFAULT_LRS[name] * lr_scale``.
    """
    results: dict[str, tuple[list[float], float]] = {}
    for name in names:
        net = mlp(sizes, activation=activation, rng=rng)
        opt = make_optimizer(name, net.parameters(), DEFAULT_LRS[name] * lr_scale)
        try:
            hist = fit(net, X, y, optimizer=opt, epochs=epochs, batch_size=batch_size, rng=rng)
            losses = hist.loss
        except DivergenceError as err:  # keep what was recorded, end the curve at infinity
            losses = [*err.history.loss, np.inf]
        results[name] = (losses, accuracy(net, X, y))
    return results


def compare_optimizers(dataset: str = "moons", optimizers: Sequence[str] = OPTIMIZER_NAMES, *,
                       hidden: Sequence[int] = (16, 16), epochs: int = 40, n: int = 200,
                       rng: int = 0) -> W.Box:
    """Train the same network with each optimizer on a toy set; loss curves side by side.

    Every run starts from the same initial weights and sees the same mini-batches (size 32),
    so the only difference is the update rule. Controls: a learning-rate multiplier (first),
    the data set, the number of epochs and which optimizers run.

    Parameters
    ----------
    dataset : str
        ``"moons"``, ``"circles"``, ``"xor"``, ``"spirals"`` or ``"blobs"``.
    optimizers : sequence of str
        Initially ticked optimizers.
    hidden : sequence of int
        Hidden layer widths (tanh units).
    epochs : int
    n : int
        Number of samples.
    rng : int
        Seed for data, initial weights and batches.

    Returns
    -------
    ipywidgets.Box
        Tagged ``dlbasics-widget``.
    """
    style = {"description_width": "100px"}
    w_scale = W.FloatLogSlider(value=1.0, base=10, min=-1, max=1, step=0.1, description="lr × (scale)",
                               readout_format=".2f", continuous_update=False, style=style)
    datasets = ("moons", "circles", "xor", "spirals", "blobs")
    if dataset not in datasets:
        raise ValueError(f"compare_optimizers: dataset must be one of {datasets}, got {dataset!r}")
    w_data = W.Dropdown(options=list(datasets), value=dataset,
                        description="data set", style=style)
    w_epochs = W.IntSlider(value=epochs, min=5, max=150, step=5, description="epochs",
                           continuous_update=False, style=style)
    w_opts = {o: W.Checkbox(value=o in optimizers, description=o, indent=False,
                            layout=W.Layout(width="112px")) for o in OPTIMIZER_NAMES}
    lr_text = W.HTML()
    out = plot_output()
    results: dict[str, tuple[list[float], float]] = {}

    def compute() -> None:
        X, y = make_dataset(w_data.value, n, rng=rng)
        X = standardize(X)[0]
        k = int(np.max(y)) + 1
        names = [o for o, b in w_opts.items() if b.value]
        results.clear()
        results.update(train_with_each(names, X, y, sizes=[2, *hidden, k], lr_scale=w_scale.value,
                                       epochs=w_epochs.value, rng=rng))
        lr_text.value = "η: " + ", ".join(f"{o} {DEFAULT_LRS[o] * w_scale.value:.3g}" for o in names)

    def draw() -> Any:
        fig, (ax, ax2) = plt.subplots(1, 2, figsize=(8.2, 3.6), gridspec_kw={"width_ratios": [2.2, 1]})
        for name, (losses, _) in results.items():
            c = PALETTE[OPTIMIZER_NAMES.index(name)]
            ax.plot(np.arange(1, len(losses) + 1), losses, color=c, label=name, linewidth=1.8)
        ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_ylabel("training loss (cross-entropy)")
        ax.set_title(f"{w_data.value}: the same network, {len(results)} optimizers", fontsize="medium")
        if results:
            ax.legend(fontsize="small")
        names = list(results)
        accs = [results[o][1] for o in names]
        ax2.barh(names, accs, color=[PALETTE[OPTIMIZER_NAMES.index(o)] for o in names])
        for i, a in enumerate(accs):
            ax2.text(min(a, 0.98), i, f"{a:.0%}", va="center", ha="right", fontsize="small", color="white")
        ax2.set_xlim(0, 1)
        ax2.invert_yaxis()
        ax2.set_xlabel("training accuracy")
        ax2.set_title("final accuracy", fontsize="medium")
        fig.tight_layout()
        return fig

    def on_change(change: Any = None) -> None:
        compute()
        redraw(out, draw)

    for w in [w_scale, w_data, w_epochs, *w_opts.values()]:
        w.observe(on_change, names="value")
    on_change()
    ticks = W.GridBox(list(w_opts.values()), layout=W.Layout(grid_template_columns="repeat(3, 115px)"))
    controls = [w_scale, lr_text, w_data, w_epochs, W.HTML("optimizers:"), ticks]
    box = widget_box(controls, out, title="Compare optimizers on one network")
    box._dlbasics_controls = {"lr_scale": w_scale, "dataset": w_data, "epochs": w_epochs,
                              "optimizers": w_opts, "results": results}
    return box
