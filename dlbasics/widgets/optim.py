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

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import ipywidgets as W
import numpy as np
from numpy.typing import ArrayLike

from dlbasics._typing import Array
from dlbasics.datasets import make_dataset, standardize
from dlbasics.network import mlp
from dlbasics.optimizers import Optimizer, get_optimizer
from dlbasics.training import DivergenceError, accuracy, fit
from dlbasics.viz import PALETTE
from dlbasics.widgets._canvas import Canvas, Scene, colormap_rgba
from dlbasics.widgets._common import LiveWidget, WidgetBox, plot_output, show_figure

__all__ = [
    "Surface",
    "SURFACES",
    "get_surface",
    "OPTIMIZER_NAMES",
    "OptimizerSpec",
    "build_optimizer",
    "optimizer_label",
    "make_optimizer",
    "descent_path",
    "plot_contours",
    "optimizer_race",
    "OptimizerRace",
    "DEFAULT_LRS",
    "CLASS_LR",
    "train_with_each",
    "compare_optimizers",
    "OptimizerComparison",
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


#: what the widgets accept as an optimizer: one of :data:`OPTIMIZER_NAMES`, or a ``dl.Optimizer``
#: subclass (e.g. one written in notebook 06), built as ``cls(params, lr=lr)``
OptimizerSpec = str | type

#: the library optimizer behind each name, and which of the widgets' hyperparameters it takes
_LIBRARY: dict[str, tuple[str, dict[str, Any]]] = {
    "SGD": ("sgd", {}), "Momentum": ("sgd", {}), "Nesterov": ("sgd", {"nesterov": True}),
    "RMSprop": ("rmsprop", {}), "Adam": ("adam", {}),
}


def optimizer_label(optimizer: OptimizerSpec) -> str:
    """The name shown for an optimizer: the name itself, or the class' name (with "(class)" added
    when it is one of :data:`OPTIMIZER_NAMES`, e.g. ``dl.Adam``, so that labels stay unique).

    Examples
    --------
    >>> import dlbasics as dl
    >>> optimizer_label("Adam"), optimizer_label(dl.Adam), optimizer_label(dl.RMSprop)
    ('Adam', 'Adam (class)', 'RMSprop (class)')
    """
    if isinstance(optimizer, str):
        return optimizer
    name = getattr(optimizer, "__name__", repr(optimizer))
    return f"{name} (class)" if name in OPTIMIZER_NAMES else name


def _check_spec(owner: str, optimizer: object) -> None:
    if isinstance(optimizer, type):
        if not issubclass(optimizer, Optimizer):
            raise TypeError(f"{owner}: an optimizer class must derive from dl.Optimizer, "
                            f"got {optimizer.__name__}")
    elif optimizer not in OPTIMIZER_NAMES:
        which = "some" if owner in ("optimizer_race", "compare_optimizers") else "one"  # they take several
        raise ValueError(f"{owner}: unknown optimizer {optimizer!r}; expected {which} of "
                         f"{list(OPTIMIZER_NAMES)} or a dl.Optimizer subclass")


def build_optimizer(optimizer: OptimizerSpec, params: Sequence[tuple[Array, Array]], lr: float, *,
                    momentum: float = 0.9, betas: tuple[float, float] = (0.9, 0.999),
                    alpha: float = 0.99) -> Optimizer:
    """Build an optimizer for the widgets on ``params`` with learning rate ``lr``.

    ``optimizer`` is one of :data:`OPTIMIZER_NAMES` — built by
    :func:`dlbasics.optimizers.get_optimizer`, with ``momentum`` (μ) for "Momentum" and
    "Nesterov", ``alpha`` (ρ) for "RMSprop" and ``betas`` (β1, β2) for "Adam" — or a
    ``dl.Optimizer`` subclass, built as ``cls(params, lr=lr)``.

    Examples
    --------
    >>> p, g = np.zeros(2), np.zeros(2)
    >>> build_optimizer("Nesterov", [(p, g)], lr=0.1)
    SGD(lr=0.1, weight_decay=0.0, momentum=0.9, dampening=0.0, nesterov=True)
    >>> import dlbasics as dl
    >>> build_optimizer(dl.Adam, [(p, g)], lr=0.1).lr
    0.1
    """
    _check_spec("build_optimizer", optimizer)
    if isinstance(optimizer, type):
        return optimizer(params, lr=lr)
    library_name, fixed = _LIBRARY[optimizer]
    hypers: dict[str, dict[str, Any]] = {"Momentum": {"momentum": momentum},
                                         "Nesterov": {"momentum": momentum},
                                         "RMSprop": {"alpha": alpha}, "Adam": {"betas": betas}}
    hyper = hypers.get(optimizer, {})
    return get_optimizer(library_name, params, lr=lr, **fixed, **hyper)


def make_optimizer(name: str, params: Sequence[tuple[Array, Array]], lr: float, *,
                   momentum: float = 0.9, betas: tuple[float, float] = (0.9, 0.999),
                   alpha: float = 0.99) -> Optimizer:
    """Deprecated alias of :func:`build_optimizer`."""
    warnings.warn("make_optimizer is deprecated; use build_optimizer (or dl.get_optimizer)",
                  DeprecationWarning, stacklevel=2)
    return build_optimizer(name, params, lr, momentum=momentum, betas=betas, alpha=alpha)


def descent_path(surface: str | Surface, optimizer: OptimizerSpec = "SGD", *, lr: float | None = None,
                 steps: int = 50, start: ArrayLike | None = None, **hyper: Any) -> Array:
    """The points an optimizer visits on a surface, starting point included.

    Parameters
    ----------
    surface : str or Surface
    optimizer : str or dl.Optimizer subclass
        One of :data:`OPTIMIZER_NAMES`, or a class built as ``cls(params, lr=lr)``.
    lr : float, optional
        Learning rate η (default: the surface's ``lr``).
    steps : int
        Number of optimizer steps.
    start : (x, y), optional
        Default: the surface's ``start``.
    **hyper
        ``momentum``, ``betas``, ``alpha`` for :func:`build_optimizer` (ignored by a class).

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
    _check_spec("descent_path", optimizer)
    opt = build_optimizer(optimizer, [(p, g)], s.lr if lr is None else lr, **hyper)
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
#: line styles of the race's paths (colour and dash both tell them apart)
_DASHES: list[list[float] | None] = [None, [7, 3], [2, 3], [8, 3, 2, 3], None, [4, 2], [1, 2]]


@lru_cache(maxsize=16)
def _background(name: str, res: int) -> np.ndarray:
    """The surface as grey bands (log-spaced levels, light = low) with darker contour lines:
    uint8 RGBA ``(res, res, 4)``, row 0 at the bottom; computed once per surface."""
    _, _, zz, levels = _grid(name, res)
    band = np.searchsorted(levels, zz).astype(np.float64)  # (res, res) level index
    rgba = colormap_rgba(band, "Greys", 0.0, 2.0 * len(levels))  # light valleys, darker walls
    edge = np.zeros(zz.shape, dtype=bool)  # a pixel whose band differs from its neighbour's
    edge[:, 1:] |= band[:, 1:] != band[:, :-1]
    edge[1:, :] |= band[1:, :] != band[:-1, :]
    rgba[edge, :3] = (rgba[edge, :3] * 0.6).astype(np.uint8)
    return rgba


def _surface_image(s: Surface, res: int = 200) -> np.ndarray:
    if SURFACES.get(s.name) is s:
        return _background(s.name, res)
    xx, yy = np.meshgrid(np.linspace(*s.xlim, res), np.linspace(*s.ylim, res))
    zz = s.f(xx, yy)
    return colormap_rgba(np.log1p(zz - zz.min()), "Greys", 0.0, 1.6 * float(np.log1p(np.ptp(zz))) or 1.0)


def _clipped(path: Array, s: Surface) -> Array:
    """``path`` up to where it first leaves a box three times the size of the view, that last
    segment cut at the box: a diverging path is drawn to the edge, not 1000 units long (a dashed
    line that long takes the browser hundreds of milliseconds to paint)."""
    lo = np.array([s.xlim[0], s.ylim[0]])
    hi = np.array([s.xlim[1], s.ylim[1]])
    lo, hi = lo - (hi - lo), hi + (hi - lo)
    out = np.flatnonzero(np.any((path < lo) | (path > hi), axis=1))
    if out.size == 0 or out[0] == 0:
        return path
    i = int(out[0])
    a, d = path[i - 1], path[i] - path[i - 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(d > 0, (hi - a) / d, np.where(d < 0, (lo - a) / d, np.inf))
    return np.vstack([path[:i], a + float(np.min(t)) * d])


class OptimizerRace(LiveWidget):
    """State and drawing behind :func:`optimizer_race` (see there).

    Attributes
    ----------
    entries : dict label -> str or class
        Every optimizer offered (the names, then the learner's classes).
    paths : dict label -> array (n, 2)
        The paths of the ticked optimizers, for the current settings.
    canvas : Canvas
    """

    def __init__(self, surface: str, optimizers: Sequence[OptimizerSpec], lr: float | None,
                 steps: int) -> None:
        super().__init__()
        s0 = get_surface(surface)
        for spec in optimizers:
            _check_spec("optimizer_race", spec)
        self.entries: dict[str, OptimizerSpec] = {n: n for n in OPTIMIZER_NAMES}
        self.entries.update({optimizer_label(c): c for c in optimizers if not isinstance(c, str)})
        ticked = {optimizer_label(c) for c in optimizers}
        self.paths: dict[str, Array] = {}
        self._key: tuple[Any, ...] | None = None
        self._make_controls(s0, ticked, s0.lr if lr is None else lr, steps)
        self.canvas = Canvas(label="optimizer paths on the contour map of the loss surface")
        self.watch(self.lr, self.momentum, self.beta1, self.beta2, self.rho, self.frame,
                   *self.checks.values())
        self.surface.observe(self._on_surface, names="value")
        self.steps.observe(self._on_steps, names="value")
        ticks = W.GridBox(list(self.checks.values()),
                          layout=W.Layout(grid_template_columns="repeat(3, 115px)"))
        controls = [self.lr, W.HTML("optimizers:"), ticks, self.momentum, self.beta1, self.beta2, self.rho,
                    self.surface, self.steps, W.HBox([self.play, self.frame])]
        self.box(controls, self.canvas, title="Optimizer race")
        self.refresh()

    def _make_controls(self, s0: Surface, ticked: set[str], lr: float, steps: int) -> None:
        style = {"description_width": "110px"}
        self.lr = W.FloatLogSlider(value=lr, base=10, min=-3, max=0, step=0.1, description="learning rate η",
                                   readout_format=".3f", style=style)
        self.checks = {n: W.Checkbox(value=n in ticked, description=n, indent=False,
                                     layout=W.Layout(width="112px")) for n in self.entries}
        self.momentum = W.FloatSlider(value=0.9, min=0.0, max=0.99, step=0.01, description="momentum μ",
                                      style=style)
        self.beta1 = W.FloatSlider(value=0.9, min=0.0, max=0.99, step=0.01, description="Adam β1",
                                   style=style)
        self.beta2 = W.FloatSlider(value=0.999, min=0.9, max=0.9999, step=0.0001, readout_format=".4f",
                                   description="Adam β2", style=style)
        self.rho = W.FloatSlider(value=0.99, min=0.5, max=0.999, step=0.001, readout_format=".3f",
                                 description="RMSprop ρ", style=style)
        self.surface = W.Dropdown(options=list(SURFACES), value=s0.name, description="surface", style=style)
        self.steps = W.IntSlider(value=steps, min=5, max=300, step=5, description="steps",
                                 continuous_update=False, style=style)
        self.frame = W.IntSlider(value=steps, min=0, max=steps, description="show step", style=style)
        self.play = W.Play(value=steps, min=0, max=steps, step=1, interval=100, description="animate",
                           tooltip="animate the paths step by step")
        W.jslink((self.play, "value"), (self.frame, "value"))

    def _on_surface(self, change: Any) -> None:
        with self.hold():  # the surface's own learning rate, and one picture
            self.lr.value = get_surface(change["new"]).lr
            self.refresh()

    def _on_steps(self, change: Any) -> None:
        with self.hold():
            self.frame.max = self.play.max = self.steps.value
            self.frame.value = self.play.value = self.steps.value
            self.refresh()

    def compute(self) -> None:
        """The paths of the ticked optimizers (only when a setting that shapes them changed)."""
        ticked = [label for label, box in self.checks.items() if box.value]
        hyper = {"momentum": self.momentum.value, "betas": (self.beta1.value, self.beta2.value),
                 "alpha": self.rho.value}
        key = (self.surface.value, self.lr.value, self.steps.value, tuple(ticked),
               tuple(map(str, hyper.values())))
        if key == self._key:
            return
        s = get_surface(self.surface.value)
        self.paths = {label: descent_path(s, self.entries[label], lr=self.lr.value, steps=self.steps.value,
                                          **hyper) for label in ticked}
        self._key = key

    def update(self) -> None:
        self.compute()
        s = get_surface(self.surface.value)
        k = int(self.frame.value)
        scene = Scene(620, 470)  # fits beside the controls in a notebook
        ax = scene.panel((60, 30, 545, 390), xlim=s.xlim, ylim=s.ylim, xlabel="parameter x",
                         ylabel="parameter y", legend_loc="ur",
                         title=f"{s.name}: η = {self.lr.value:.3g}, step {k} of {self.steps.value}")
        ax.image(_surface_image(s), extent=(*s.xlim, *s.ylim), smooth=True)
        self._draw_minima(ax, s)
        labels = list(self.entries)
        for label, path in self.paths.items():
            i = labels.index(label)
            part = _clipped(path[: k + 1], s)
            colour, dash = PALETTE[i % 7], _DASHES[i % len(_DASHES)]
            inside = bool(np.all((path[-1] >= [s.xlim[0], s.ylim[0]]) & (path[-1] <= [s.xlim[1], s.ylim[1]])))
            name = f"{label}: f = {s(path[min(k, len(path) - 1)]):.3g}" if inside else f"{label} (diverged)"
            ax.line(part[:, 0], part[:, 1], color=colour, width=2, dash=dash, halo="white", label=name)
            ax.points(part[:, 0], part[:, 1], color=colour, size=4)
            ax.points(part[:1, 0], part[:1, 1], color=colour, size=9, edge="#000000")
        self.canvas.show(scene)

    @staticmethod
    def _draw_minima(ax: Any, s: Surface) -> None:
        mins = np.array(s.minima)  # (k, 2)
        fmin = s.f(mins[:, 0], mins[:, 1])
        best = fmin <= fmin.min() + 1e-9
        ax.points(mins[best, 0], mins[best, 1], color=PALETTE[7], size=14, marker="x", edge="white",
                  label="global minimum")
        if not best.all():
            ax.points(mins[~best, 0], mins[~best, 1], color="#ffffff", size=11, marker="s", edge="#000000",
                      label="local minimum")
            ax.spec["legend"][-1]["color"] = "#000000"


def optimizer_race(surface: str = "valley",
                   optimizers: Sequence[OptimizerSpec] = ("SGD", "Momentum", "Adam"), *,
                   lr: float | None = None, steps: int = 80) -> WidgetBox:
    """Race optimizers on a 2-D surface: their paths on the contour plot.

    Controls: learning rate η (log slider, first), which optimizers run, momentum μ,
    Adam's β1 and β2, RMSprop's ρ, the surface, the number of steps, and a play button that
    animates the paths step by step. The picture is drawn in the browser: moving a slider
    sends the new paths, not a new image.

    Parameters
    ----------
    surface : str
        Initial surface: ``"valley"``, ``"bowl"``, ``"two_minima"`` or ``"saddle"``.
    optimizers : sequence of str or dl.Optimizer subclasses
        Initially ticked optimizers: names from :data:`OPTIMIZER_NAMES`, or classes (e.g. the
        ``MyAdam`` of notebook 06), built as ``cls(params, lr=lr)`` and labelled by their name.
    lr : float, optional
        Initial learning rate (default: the surface's).
    steps : int
        Initial number of steps.

    Returns
    -------
    WidgetBox
        The widget (``.owner`` is its :class:`OptimizerRace`); its canvas has the class
        ``dlbasics-plot``.

    Examples
    --------
    >>> import dlbasics as dl
    >>> class Plain(dl.Optimizer):
    ...     def update(self, p, g, state, scratch):
    ...         p -= self.lr * g
    >>> race = optimizer_race("bowl", ("SGD", Plain), steps=10).owner
    >>> bool(np.allclose(race.paths["Plain"], race.paths["SGD"]))
    True
    """
    return OptimizerRace(surface, optimizers, lr, steps).widget


# -- widget: the same network, each optimizer ------------------------------------------------------
#: learning rates that suit each optimizer on the toy networks (scaled by the widget's slider)
DEFAULT_LRS = {"SGD": 0.1, "Momentum": 0.05, "Nesterov": 0.05, "RMSprop": 0.005, "Adam": 0.01}
#: the learning rate of an optimizer class, which :data:`DEFAULT_LRS` does not know (Adam's)
CLASS_LR = 0.01


def _default_lr(optimizer: OptimizerSpec) -> float:
    return DEFAULT_LRS[optimizer] if isinstance(optimizer, str) else CLASS_LR


def train_with_each(names: Sequence[OptimizerSpec], X: ArrayLike, y: ArrayLike, *, sizes: Sequence[int],
                    activation: str = "tanh", lr_scale: float = 1.0, epochs: int = 40,
                    batch_size: int | None = 32, rng: int = 0) -> dict[str, tuple[list[float], float]]:
    """Train the same network (same initial weights, same batches) with each optimizer.

    Returns ``{label: (loss per epoch, final training accuracy)}``. The learning rate of each
    is ``DEFAULT_LRS[name] * lr_scale`` (``CLASS_LR * lr_scale`` for a ``dl.Optimizer`` subclass).
    """
    results: dict[str, tuple[list[float], float]] = {}
    for name in names:
        _check_spec("train_with_each", name)
        net = mlp(sizes, activation=activation, rng=rng)
        opt = build_optimizer(name, net.parameters(), _default_lr(name) * lr_scale)
        try:
            hist = fit(net, X, y, optimizer=opt, epochs=epochs, batch_size=batch_size, rng=rng)
            losses = hist.loss
        except DivergenceError as err:  # keep what was recorded, end the curve at infinity
            losses = [*err.history.loss, np.inf]
        results[optimizer_label(name)] = (losses, accuracy(net, X, y))
    return results


_DATASETS = ("moons", "circles", "xor", "spirals", "blobs")


class OptimizerComparison(LiveWidget):
    """State and drawing behind :func:`compare_optimizers` (see there).

    Training dominates each change (sliders update when released), so its two panels stay a
    matplotlib figure, shown in an ``Output``.
    """

    def __init__(self, dataset: str, optimizers: Sequence[OptimizerSpec], hidden: Sequence[int],
                 epochs: int, n: int, rng: int) -> None:
        if dataset not in _DATASETS:
            raise ValueError(f"compare_optimizers: dataset must be one of {_DATASETS}, got {dataset!r}")
        for spec in optimizers:
            _check_spec("compare_optimizers", spec)
        super().__init__()
        self.hidden, self.n, self.seed = tuple(hidden), int(n), int(rng)
        self.entries: dict[str, OptimizerSpec] = {o: o for o in OPTIMIZER_NAMES}
        self.entries.update({optimizer_label(c): c for c in optimizers if not isinstance(c, str)})
        ticked = {optimizer_label(c) for c in optimizers}
        style = {"description_width": "100px"}
        self.lr_scale = W.FloatLogSlider(value=1.0, base=10, min=-1, max=1, step=0.1,
                                         description="lr × (scale)", readout_format=".2f",
                                         continuous_update=False, style=style)
        self.dataset = W.Dropdown(options=list(_DATASETS), value=dataset, description="data set", style=style)
        self.epochs = W.IntSlider(value=epochs, min=5, max=150, step=5, description="epochs",
                                  continuous_update=False, style=style)
        self.checks = {o: W.Checkbox(value=o in ticked, description=o, indent=False,
                                     layout=W.Layout(width="112px")) for o in self.entries}
        self.lr_text = W.HTML()
        self.out = plot_output()
        self.results: dict[str, tuple[list[float], float]] = {}
        self.watch(self.lr_scale, self.dataset, self.epochs, *self.checks.values())
        ticks = W.GridBox(list(self.checks.values()),
                          layout=W.Layout(grid_template_columns="repeat(3, 115px)"))
        controls = [self.lr_scale, self.lr_text, self.dataset, self.epochs, W.HTML("optimizers:"), ticks]
        self.box(controls, self.out, title="Compare optimizers on one network")
        self.refresh()

    def update(self) -> None:
        X, y = make_dataset(self.dataset.value, self.n, rng=self.seed)
        X = standardize(X)[0]
        k = int(np.max(y)) + 1
        ticked = [self.entries[o] for o, box in self.checks.items() if box.value]
        scale = self.lr_scale.value
        self.results = train_with_each(ticked, X, y, sizes=[2, *self.hidden, k], lr_scale=scale,
                                       epochs=self.epochs.value, rng=self.seed)
        self.lr_text.value = "η: " + ", ".join(f"{optimizer_label(o)} {_default_lr(o) * scale:.3g}"
                                               for o in ticked)
        fig = self.figure()
        show_figure(self.out, fig)
        self.out._dlbasics_figure = fig  # the picture static pages show

    def figure(self) -> Any:
        """The loss curves (log scale) and the final accuracies, as a matplotlib figure."""
        from matplotlib.figure import Figure

        fig = Figure(figsize=(8.2, 3.6), dpi=90)
        ax, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [2.2, 1]})
        labels = list(self.entries)
        colours = {name: PALETTE[labels.index(name) % 7] for name in self.results}
        for name, (losses, _) in self.results.items():
            ax.plot(np.arange(1, len(losses) + 1), losses, color=colours[name], label=name, linewidth=1.8)
        ax.set_yscale("log")
        ax.set(xlabel="epoch", ylabel="training loss (cross-entropy)")
        ax.set_title(f"{self.dataset.value}: the same network, {len(self.results)} optimizers",
                     fontsize="medium")
        if self.results:
            ax.legend(fontsize="small")
        names = list(self.results)
        accs = [self.results[o][1] for o in names]
        ax2.barh(names, accs, color=[colours[o] for o in names])
        for i, a in enumerate(accs):
            ax2.text(min(a, 0.98), i, f"{a:.0%}", va="center", ha="right", fontsize="small", color="white")
        ax2.set_xlim(0, 1)
        ax2.invert_yaxis()
        ax2.set_xlabel("training accuracy")
        ax2.set_title("final accuracy", fontsize="medium")
        fig.tight_layout()
        return fig


def compare_optimizers(dataset: str = "moons", optimizers: Sequence[OptimizerSpec] = OPTIMIZER_NAMES, *,
                       hidden: Sequence[int] = (16, 16), epochs: int = 40, n: int = 200,
                       rng: int = 0) -> WidgetBox:
    """Train the same network with each optimizer on a toy set; loss curves side by side.

    Every run starts from the same initial weights and sees the same mini-batches (size 32),
    so the only difference is the update rule. Controls: a learning-rate multiplier (first),
    the data set, the number of epochs and which optimizers run.

    Parameters
    ----------
    dataset : str
        ``"moons"``, ``"circles"``, ``"xor"``, ``"spirals"`` or ``"blobs"``.
    optimizers : sequence of str or dl.Optimizer subclasses
        Initially ticked optimizers; a class trains with ``CLASS_LR`` times the multiplier.
    hidden : sequence of int
        Hidden layer widths (tanh units).
    epochs : int
    n : int
        Number of samples.
    rng : int
        Seed for data, initial weights and batches.

    Returns
    -------
    WidgetBox
        The widget (``.owner`` is its :class:`OptimizerComparison`).
    """
    return OptimizerComparison(dataset, optimizers, hidden, epochs, n, rng).widget
