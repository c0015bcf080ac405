"""A small multi-layer perceptron playground, and the plots behind it (notebook 04).

* :func:`draw_network` draws a network as a diagram: one circle per unit, one edge per
  weight, the edge's width showing the weight's size and its colour the sign;
* :func:`plot_hidden_lines` draws, for each unit of the first hidden layer, the line
  ``W[0, j] x1 + W[1, j] x2 + b[j] = 0`` where the unit switches on;
* :func:`plot_probabilities` shades the plane by the network's class probabilities;
* :func:`mlp_playground` is the notebook's widget: pick a data set, hidden sizes, an
  activation and a learning rate, press Train and watch all of it change as the network learns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as W
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from numpy.typing import ArrayLike

from dlbasics._typing import Array
from dlbasics.datasets import make_dataset
from dlbasics.network import Sequential, mlp
from dlbasics.optimizers import Adam
from dlbasics.training import accuracy, evaluate, train_step
from dlbasics.viz import PALETTE, grid_points, plot_data
from dlbasics.widgets._canvas import Canvas, Scene, colormap_rgba
from dlbasics.widgets._common import LiveWidget, Ticker, WidgetBox
from dlbasics.widgets.perceptron import line_ends

__all__ = ["draw_network", "plot_hidden_lines", "plot_hidden_units", "plot_probabilities", "mlp_playground",
           "Playground", "FEATURES", "feature_matrix"]


#: edge colours: positive weights blue, negative vermillion (Okabe–Ito, colour-blind safe)
POSITIVE, NEGATIVE = PALETTE[0], PALETTE[5]
PLAYGROUND_DATASETS = ("blobs", "xor", "circles", "moons", "spirals")
#: a unit's output: light purple (negative), white (zero), light orange (positive), from ColorBrewer PuOr
UNIT_CMAP = LinearSegmentedColormap.from_list("unit", ["#b2abd2", "#ffffff", "#fdb863"])
PLAYGROUND_ACTIVATIONS = ("tanh", "relu", "leaky_relu", "sigmoid")


def _unit_positions(sizes: Sequence[int]) -> list[Array]:
    """``(n, 2)`` node coordinates for each layer: layers at x = 0, 1, 2 ..., centred on y = 0."""
    return [np.column_stack([np.full(n, float(i)), (n - 1) / 2 - np.arange(n)])
            for i, n in enumerate(sizes)]


def draw_network(ax: Any, model: Sequential, *, input_labels: Sequence[str] | None = None,
                 max_width: float = 5.0, title: str | None = None, legend: bool = True) -> LineCollection:
    """Draw ``model`` as a diagram: units as circles, weights as edges.

    Edge ``i → j`` of a Dense layer stands for ``W[i, j]``: its width grows with ``|W[i, j]|``
    (relative to the largest weight in the network) and its colour gives the sign
    (blue positive, vermillion negative). Layers are captioned with their activation.

    Parameters
    ----------
    ax : matplotlib Axes
    model : Sequential
        Any network of Dense and activation layers (e.g. from :func:`dlbasics.mlp`).
    input_labels : sequence of str, optional
        Names of the inputs; default ``x1, x2, ...``.
    max_width : float
        Line width of the largest weight.
    title : str, optional
    legend : bool
        Explain the edge colours.

    Returns
    -------
    LineCollection
        The edges, in the order of the layers and, within a layer, of ``W.ravel()``.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from dlbasics.network import mlp
    >>> fig, ax = plt.subplots()
    >>> edges = draw_network(ax, mlp([3, 4, 4, 1], output="sigmoid", rng=0))
    >>> len(edges.get_segments())     # 3·4 + 4·4 + 4·1 weights
    32
    >>> plt.close(fig)

    Taught in notebook 04.
    """
    dense = model.dense_layers
    sizes = [dense[0].n_in] + [d.n_out for d in dense]
    pos = _unit_positions(sizes)
    segments = [np.stack([np.repeat(a, len(b), axis=0), np.tile(b, (len(a), 1))], axis=1)
                for a, b in zip(pos[:-1], pos[1:], strict=True)]  # (n_in * n_out, 2, 2) per layer
    edges = LineCollection(list(np.concatenate(segments)), zorder=1, capstyle="round")
    ax.add_collection(edges)
    style_edges(edges, model, max_width=max_width)
    allpos = np.concatenate(pos)
    ax.scatter(allpos[:, 0], allpos[:, 1], s=330, c="white", edgecolors="black", linewidths=1.2, zorder=2)
    names = list(input_labels) if input_labels is not None else [f"x{i + 1}" for i in range(sizes[0])]
    acts = _activations_after(model)
    for layer, p in enumerate(pos):
        for j, (px, py) in enumerate(p):
            if layer == 0:
                text = names[j]
            elif layer == len(pos) - 1:
                text = "ŷ" if sizes[-1] == 1 else f"ŷ{j + 1}"
            else:
                text = f"{j + 1}"
            ax.text(px, py, text, ha="center", va="center", fontsize=8, zorder=3)
        if layer == 0:
            caption = "input"
        elif layer == len(pos) - 1:
            caption = f"output\n({acts[layer - 1]})"
        else:
            caption = f"hidden {layer}\n({acts[layer - 1]})"
        ax.text(layer, -max(sizes) / 2 - 0.15, caption, ha="center", va="top", fontsize=8)
    ax.set_xlim(-0.4, len(sizes) - 0.6)
    ax.set_ylim(-max(sizes) / 2 - 1.0, max(sizes) / 2)
    ax.set_axis_off()
    if title:
        ax.set_title(title, fontsize=10)
    if legend:
        ax.legend(handles=[Line2D([], [], color=POSITIVE, lw=2.5, label="positive weight"),
                           Line2D([], [], color=NEGATIVE, lw=2.5, label="negative weight")],
                  loc="upper center", bbox_to_anchor=(0.5, 0.02), ncol=2, fontsize="x-small",
                  frameon=False)
    return edges


def style_edges(edges: LineCollection, model: Sequential, *, max_width: float = 5.0) -> None:
    """Set the edges' widths and colours from the model's current weights (for live updates)."""
    w = np.concatenate([d.W.ravel() for d in model.dense_layers]).astype(np.float64)
    scale = np.abs(w).max() or 1.0
    edges.set_linewidth((0.2 + max_width * np.abs(w) / scale).tolist())
    edges.set_color(np.where(w >= 0, POSITIVE, NEGATIVE).tolist())


def _activations_after(model: Sequential) -> list[str]:
    """Name of the activation following each Dense layer ("linear" when none does)."""
    names: list[str] = []
    for layer in model.layers:
        if hasattr(layer, "W"):
            names.append("logits" if layer is model.layers[-1] and model.n_out > 1 else "linear")
        elif names:
            names[-1] = type(layer).__name__.lower().replace("leakyrelu", "leaky ReLU").replace(
                "relu", "ReLU")
    return names


def plot_hidden_lines(ax: Any, model: Sequential, *, units: Sequence[int] | None = None, labels: bool = True,
                      color: str = "black") -> list[Any]:
    """Draw each first-layer unit's line ``W[0, j] x1 + W[1, j] x2 + b[j] = 0`` in the current view.

    Unit ``j`` computes ``f(W[0, j] x1 + W[1, j] x2 + b[j])``: on one side of its line the
    weighted sum is positive, on the other negative. The output layer combines these
    half-planes into the network's decision boundary.

    Parameters
    ----------
    ax : matplotlib Axes
        Set the axis limits first (e.g. by plotting the data); lines are clipped to them.
    model : Sequential
        A network with 2 inputs.
    units : sequence of int, optional
        Which units to draw (default: all).
    labels : bool
        Write the unit's number next to its line (as in :func:`draw_network`).
    color : str

    Returns
    -------
    list of Line2D
        One per unit (empty data when the unit's weights are both zero).

    Taught in notebook 04.
    """
    first = model.dense_layers[0]
    if first.n_in != 2:
        raise ValueError(f"plot_hidden_lines draws lines in the plane: the network needs 2 inputs, "
                         f"got {first.n_in}")
    xlim, ylim = ax.get_xlim(), ax.get_ylim()
    centre = np.array([np.mean(xlim), np.mean(ylim)])
    lines = []
    for n, j in enumerate(range(first.n_out) if units is None else units):
        w = first.W[:, j].astype(np.float64)
        b = float(first.b[j])
        (line,) = ax.plot([], [], ls="--", lw=1.2, color=color, alpha=0.75, zorder=4,
                          label="hidden units' lines" if n == 0 else None)
        lines.append(line)
        ends = line_ends(w, b, xlim, ylim)
        if ends is None:  # w = 0: no line
            continue
        line.set_data(*ends)
        if labels:
            p0 = centre - (centre @ w + b) / (w @ w) * w  # closest point to the view's centre
            d = np.array([-w[1], w[0]]) / np.linalg.norm(w)  # direction along the line
            q = p0 + 0.3 * (ylim[1] - ylim[0]) * d * (1 if j % 2 else -1)  # stagger the labels
            if xlim[0] < q[0] < xlim[1] and ylim[0] < q[1] < ylim[1]:
                ax.text(q[0], q[1], str(j + 1), fontsize=8, ha="center", va="center", zorder=6,
                        bbox={"boxstyle": "circle,pad=0.2", "fc": "white", "ec": color, "lw": 0.8})
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    return lines


def _draw_boundary(ax: Any, xx: Array, yy: Array, proba: Array) -> list[Any]:
    """Decision boundary: where the most likely class changes, i.e. ``P_k = max_{j≠k} P_j``.

    Drawn from the smooth probabilities (not the blocky labels) so the curve is smooth.
    Returns the contour sets, for later removal.
    """
    k = proba.shape[1]
    sets = []
    for c in range(1 if k == 2 else 0, k):
        others = np.delete(proba, c, axis=1).max(axis=1)
        margin = (proba[:, c] - others).reshape(xx.shape)  # > 0 where class c wins
        if margin.min() < 0 < margin.max():
            sets.append(ax.contour(xx, yy, margin, levels=[0.0], colors=PALETTE[7], linewidths=1.5,
                                   zorder=3))
    return sets


def _probabilities(model: Sequential, P: Array) -> Array:
    proba = model.predict_proba(P)  # (M, K), or (M, 1) for one sigmoid output
    if proba.shape[1] == 1:
        proba = np.column_stack([1 - proba[:, 0], proba[:, 0]])
    return proba


def plot_probabilities(ax: Any, model: Sequential, X: ArrayLike, *, res: int = 70,
                       strength: float = 0.5) -> tuple[Any, Array, Array, Array]:
    """Shade the plane by the predicted class probabilities (mixing the class colours).

    A point the network is sure belongs to class k gets class k's colour; an uncertain point
    a mix, paler. Returns the image and the grid ``(image, xx, yy, P)`` for later updates.
    """
    xx, yy, P = grid_points(X, res)
    img = ax.imshow(_blend(_probabilities(model, P), res, strength), origin="lower",
                    extent=(xx.min(), xx.max(), yy.min(), yy.max()), aspect="auto",
                    interpolation="bilinear", zorder=0)
    return img, xx, yy, P


def _blend(proba: Array, res: int, strength: float) -> Array:
    """RGB image: white mixed with the class colours, weighted by the probabilities."""
    from matplotlib.colors import to_rgb

    rgb = np.array([to_rgb(PALETTE[k]) for k in range(proba.shape[1])])  # (K, 3)
    colour = proba @ rgb  # (M, 3)
    return (1 - strength + strength * colour).reshape(res, res, 3).clip(0, 1)


def plot_hidden_units(model: Sequential, X: ArrayLike, y: ArrayLike, *, res: int = 80,
                      figsize: tuple[float, float] | None = None) -> Figure:
    """One panel per first-layer unit showing its output over the plane, then the network's output.

    Unit ``j`` of the first hidden layer computes ``h_j = f(W[0, j] x1 + W[1, j] x2 + b[j])``;
    its panel shades ``h_j`` (purple negative, white zero, orange positive) and draws its
    line. When the next layer has a single output unit, the panel's title gives the weight
    ``v_j`` with which the output adds ``h_j`` up. The last panel shows the network's
    prediction, its decision boundary and all the lines together.

    Parameters
    ----------
    model : Sequential
        A network with 2 inputs.
    X, y : arrays
        The data, drawn faintly on every panel.
    res : int
        Grid resolution.
    figsize : (float, float), optional
        Default: 10 inches wide.

    Returns
    -------
    matplotlib Figure

    Taught in notebook 04.
    """
    import matplotlib.pyplot as plt

    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y).astype(int)
    dense = model.dense_layers
    first = dense[0]
    if first.n_in != 2:
        raise ValueError(f"plot_hidden_units needs a network with 2 inputs, got {first.n_in}")
    k = first.n_out
    act = model.layers[1] if len(model.layers) > 1 and not hasattr(model.layers[1], "W") else None
    xx, yy, P = grid_points(X, res)
    H = first.forward(P)  # (res², k): weighted sums
    if act is not None:
        H = act.forward(H)  # (res², k): the units' outputs
    H = np.asarray(H, dtype=np.float64)
    extent = (xx.min(), xx.max(), yy.min(), yy.max())
    ncols = k + 1
    fig, axes = plt.subplots(1, ncols, figsize=figsize or (10, 10 / ncols + 0.9), sharey=True,
                             squeeze=False)
    axes = axes[0]
    v = dense[1].W[:, 0] if len(dense) > 1 and dense[1].n_out == 1 else None
    top = float(np.abs(H).max()) or 1.0
    for j, ax in enumerate(axes[:-1]):
        ax.imshow(H[:, j].reshape(xx.shape), origin="lower", extent=extent, cmap=UNIT_CMAP,
                  vmin=-top, vmax=top, aspect="auto", interpolation="nearest")
        plot_data(ax, X, y, s=6)
        plot_hidden_lines(ax, model, units=[j], labels=False)
        ax.set_title(f"unit {j + 1}" + (f": $v_{j + 1}$ = {v[j]:+.2f}" if v is not None else ""),
                     fontsize=9)
        if j:
            ax.set_ylabel("")
    ax = axes[-1]
    proba = _probabilities(model, P)
    ax.imshow(_blend(proba, res, 0.45), origin="lower", extent=extent, aspect="auto",
              interpolation="nearest")
    plot_data(ax, X, y, s=6)
    _draw_boundary(ax, xx, yy, proba)
    plot_hidden_lines(ax, model, labels=False)
    ax.set_ylabel("")
    ax.set_title("output", fontsize=9)
    for ax in axes:
        ax.set_xlim(extent[:2])
        ax.set_ylim(extent[2:])
    fig.tight_layout()
    return fig


# -- the playground ------------------------------------------------------------------------------
#: input features the network can be given, computed from the point's coordinates (x₁, x₂)
FEATURES: dict[str, Callable[[Array, Array], Array]] = {
    "x₁": lambda a, b: a,
    "x₂": lambda a, b: b,
    "x₁²": lambda a, b: a * a,
    "x₂²": lambda a, b: b * b,
    "x₁x₂": lambda a, b: a * b,
    "sin πx₁": lambda a, b: np.sin(np.pi * a),  # π: the data spans about [-1.5, 1.5], not [-6, 6]
    "sin πx₂": lambda a, b: np.sin(np.pi * b),
}
L2_CHOICES = (0.0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1)
MAX_LAYERS = 4
GRID = 64  # the output picture is GRID × GRID network outputs; each unit's is every other one


def feature_matrix(X: ArrayLike, names: Sequence[str]) -> Array:
    """The inputs the network sees: one column per chosen feature of ``X`` (shape (N, 2)).

    >>> feature_matrix([[1.0, 2.0]], ["x₁", "x₁x₂", "x₂²"])
    array([[1., 2., 4.]])
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"feature_matrix: expected points of shape (N, 2), got {X.shape}")
    unknown = [n for n in names if n not in FEATURES]
    if unknown or not names:
        raise ValueError(f"feature_matrix: choose at least one of {list(FEATURES)}, got {list(names)}")
    return np.column_stack([FEATURES[n](X[:, 0], X[:, 1]) for n in names])


def _layer_outputs(model: Sequential, F: Array) -> list[Array]:
    """The output of every layer of units (each hidden layer after its activation, then the
    network's output) for the inputs ``F``, by each layer's own ``forward``."""
    outs: list[Array] = []
    A = F
    for layer in model.layers:
        A = layer.forward(A)
        if hasattr(layer, "W"):
            outs.append(A)
        else:
            outs[-1] = A
    return outs


class _Controls:
    """The playground's controls, grouped as on TensorFlow Playground: data, features, network,
    training. Every one has a label and works from the keyboard."""

    def __init__(self, dataset: str, hidden: Sequence[int], activation: str, lr: float) -> None:
        style = {"description_width": "115px"}

        def wide() -> W.Layout:  # one Layout per control: hiding one must not hide the others
            return W.Layout(width="270px")

        def slider(cls: Any, desc: str, **kw: Any) -> Any:
            return cls(description=desc, style=style, layout=wide(), continuous_update=True, **kw)

        self.dataset = W.Dropdown(options=list(PLAYGROUND_DATASETS), value=dataset, description="data",
                                  style=style, layout=wide())
        self.noise = slider(W.FloatSlider, "noise", value=0.1, min=0.0, max=0.5, step=0.05)
        self.train_pct = slider(W.IntSlider, "training data %", value=50, min=10, max=90, step=10)
        self.batch = slider(W.IntSlider, "batch size", value=10, min=1, max=64)
        self.regenerate = W.Button(description="new data", icon="random", layout=W.Layout(width="120px"))
        self.features = [W.ToggleButton(value=n in ("x₁", "x₂"), description=n, tooltip=f"input feature {n}",
                                        layout=W.Layout(width="80px")) for n in FEATURES]
        self.n_layers = slider(W.IntSlider, "hidden layers", value=len(hidden), min=0, max=MAX_LAYERS)
        sizes = list(hidden) + [4] * (MAX_LAYERS - len(hidden))
        self.neurons = [slider(W.IntSlider, f"layer {i + 1} neurons", value=sizes[i], min=1, max=8)
                        for i in range(MAX_LAYERS)]
        self.activation = W.Dropdown(options=list(PLAYGROUND_ACTIVATIONS), value=activation,
                                     description="activation", style=style, layout=wide())
        self.lr = slider(W.FloatLogSlider, "learning rate", value=lr, base=10, min=-3, max=0, step=0.1,
                         readout_format=".3f")
        self.l2 = W.Dropdown(options=[(f"{v:g}", v) for v in L2_CHOICES], value=0.0,
                             description="L2 (λ)", style=style, layout=wide())
        self.play = W.ToggleButton(value=False, description="Play", icon="play", button_style="primary",
                                   tooltip="train continuously / pause", layout=W.Layout(width="88px"))
        self.step = W.Button(description="Step", icon="step-forward", tooltip="train one epoch",
                             layout=W.Layout(width="88px"))
        self.reset = W.Button(description="Reset", icon="refresh", tooltip="new random weights",
                              layout=W.Layout(width="88px"))
        self.status = W.HTML()

    def panel(self) -> W.Widget:
        """The controls in four labelled columns above the picture."""
        def column(title: str, *items: W.Widget) -> W.VBox:
            return W.VBox([W.HTML(f"<b>{title}</b>"), *items], layout=W.Layout(margin="0 12px 0 0"))

        feats = W.GridBox(self.features, layout=W.Layout(grid_template_columns="repeat(3, 84px)"))
        return W.HBox([
            column("data", self.dataset, self.noise, self.train_pct, self.batch, self.regenerate),
            column("features", feats),
            column("network", self.n_layers, *self.neurons, self.activation),
            column("training", self.lr, self.l2, W.HBox([self.play, self.step, self.reset]), self.status),
        ], layout=W.Layout(flex_flow="row wrap"))

    @property
    def hidden(self) -> list[int]:
        return [s.value for s in self.neurons[: self.n_layers.value]]

    @property
    def chosen(self) -> list[str]:
        return [t.description for t in self.features if t.value]


class Playground(LiveWidget):
    """State, training loop and drawing behind :func:`mlp_playground` (see there).

    Attributes
    ----------
    model : Sequential
        The network being trained (its inputs: the chosen features).
    optimizer : Adam
    epoch, steps : int
        Epochs and optimizer steps since the last reset.
    history : dict
        ``"train"`` and ``"test"``: the loss on each split at epoch 0, 1, 2, ...
    ticker : Ticker
        Trains one epoch and redraws per frame while Play is on.
    widget : WidgetBox
    """

    def __init__(self, dataset: str = "xor", hidden: Sequence[int] = (4,), activation: str = "tanh",
                 lr: float = 0.03, *, n: int = 200, epochs_per_click: int = 200, frames: int = 4,
                 rng: int = 0) -> None:
        super().__init__()
        hidden = _check_arguments(dataset, hidden, activation, epochs_per_click, frames)
        self.n, self.seed, self.epochs_per_click = int(n), int(rng), int(epochs_per_click)
        self.every = max(1, self.epochs_per_click // int(frames))
        self._init_seed, self._data_seed = self.seed, self.seed
        self._order = np.random.default_rng(self.seed)  # the order of the training examples
        self.c = _Controls(dataset, hidden, activation, lr)
        self.canvas = Canvas(label="the network, its output over the plane, and the loss; "
                                   "arrow keys pick a unit to show")
        self.ticker = Ticker(self.tick, fps=20, on_stop=lambda: setattr(self.c.play, "value", False))
        self._wire()
        self.box([self.c.panel()], self.canvas, title="MLP playground", vertical=True)
        self.widget.playground = self  # type: ignore[attr-defined]
        self._load_data()
        self._build()
        self.refresh()

    def _wire(self) -> None:
        c = self.c
        for control in (c.dataset, c.noise, c.train_pct):
            control.observe(lambda _: self._new_data(), names="value")
        c.regenerate.on_click(lambda _: self._new_data(new_seed=True))
        for control in (*c.features, c.n_layers, *c.neurons, c.activation):
            control.observe(lambda _: self._new_network(), names="value")
        c.reset.on_click(lambda _: self._new_network(new_seed=True))
        c.lr.observe(lambda ch: setattr(self.optimizer, "lr", float(ch["new"])), names="value")
        c.l2.observe(lambda ch: setattr(self.optimizer, "weight_decay", float(ch["new"])), names="value")
        c.play.observe(self._on_play, names="value")
        c.step.on_click(lambda _: self.step())
        self.watch(self.canvas, names="hover")
        self.watch(self.canvas, names="clicked")

    # -- state -----------------------------------------------------------------------------
    @property
    def hidden(self) -> list[int]:
        """Hidden layer sizes from the controls."""
        return self.c.hidden

    @property
    def losses(self) -> list[float]:
        """Training loss after each epoch so far."""
        return self.history["train"][1:]

    def _load_data(self) -> None:
        """Data from the controls: a fresh sample, split into training and test points."""
        name, noise = self.c.dataset.value, float(self.c.noise.value)
        kwargs = {"spread": max(noise, 0.05) * 2} if name == "blobs" else {"noise": noise}
        self.X, self.y = make_dataset(name, self.n, rng=self._data_seed, **kwargs)
        self.k = int(self.y.max()) + 1
        order = np.random.default_rng(self._data_seed).permutation(len(self.y))
        n_train = max(1, min(len(order) - 1, round(len(order) * self.c.train_pct.value / 100)))
        self.train_idx, self.test_idx = order[:n_train], order[n_train:]
        lo, hi = self.X.min(axis=0) - 0.3, self.X.max(axis=0) + 0.3
        self.extent = (float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1]))
        xs, ys = np.linspace(lo[0], hi[0], GRID), np.linspace(lo[1], hi[1], GRID)
        xx, yy = np.meshgrid(xs, ys)  # (GRID, GRID) each, row 0 at the bottom
        self.G = np.column_stack([xx.ravel(), yy.ravel()])  # (GRID², 2)

    def _new_data(self, new_seed: bool = False) -> None:
        if new_seed:
            self._data_seed += 1
        self._load_data()
        self._build()  # as on TensorFlow Playground: new data, new network
        self.refresh()

    def _build(self) -> None:
        """A fresh network for the chosen features and layers, and its optimizer."""
        binary = self.k == 2
        self.features = self.c.chosen or ["x₁", "x₂"]
        self.model = mlp([len(self.features), *self.hidden, 1 if binary else self.k],
                         activation=self.c.activation.value, output="sigmoid" if binary else None,
                         rng=self._init_seed)
        self.optimizer = Adam(self.model.parameters(), lr=self.c.lr.value, weight_decay=self.c.l2.value)
        self.epoch = self.steps = 0
        self.diverged = False
        self._record(reset=True)
        for i, s in enumerate(self.c.neurons):
            s.layout.display = "" if i < self.c.n_layers.value else "none"

    def _new_network(self, new_seed: bool = False) -> None:
        if new_seed:
            self._init_seed += 1
        self._build()
        self.refresh()

    def _record(self, reset: bool = False) -> None:
        """Append (or, after a reset, start) the loss history on both splits."""
        F = feature_matrix(self.X, self.features)
        with np.errstate(all="ignore"):
            train, _ = evaluate(self.model, F[self.train_idx], self.y[self.train_idx])
            test, _ = evaluate(self.model, F[self.test_idx], self.y[self.test_idx])
        if reset:
            self.history: dict[str, list[float]] = {"train": [], "test": []}
        self.history["train"].append(float(train))
        self.history["test"].append(float(test))

    # -- training --------------------------------------------------------------------------
    def train_epoch(self) -> bool:
        """One epoch of mini-batch Adam over the training points (shuffled); False if it diverged."""
        F = feature_matrix(self.X[self.train_idx], self.features)  # (N_train, n_features)
        y = self.y[self.train_idx]
        B = int(self.c.batch.value)
        order = self._order.permutation(len(y))
        for start in range(0, len(y), B):
            idx = order[start:start + B]
            loss = train_step(self.model, F[idx], y[idx], "auto", self.optimizer)
            if not np.isfinite(loss):  # train_step takes no step on a NaN loss
                self.diverged = True
                return False
            self.steps += 1
        self.epoch += 1
        self._record()
        return True

    def step(self) -> None:
        """Train exactly one epoch and redraw (the Step button)."""
        self.train_epoch()
        self.refresh()

    def tick(self) -> bool:
        """One frame while playing: one epoch, one redraw. False stops the :class:`Ticker`."""
        if not self.c.play.value:
            return False
        ok = self.train_epoch()
        self.refresh()
        return ok  # False: the Ticker stops and Play pops out

    def _on_play(self, change: dict[str, Any]) -> None:
        play = self.c.play
        play.description, play.icon = ("Pause", "pause") if change["new"] else ("Play", "play")
        if change["new"]:
            self.ticker.start()
        else:
            self.ticker.stop()

    def train(self, epochs: int | None = None) -> None:
        """Train ``epochs`` (default ``epochs_per_click``) right away, redrawing every few epochs."""
        epochs = self.epochs_per_click if epochs is None else int(epochs)
        for e in range(1, epochs + 1):
            if not self.train_epoch():
                break
            if e % self.every == 0:
                self.refresh()
        self.refresh()

    # -- drawing ---------------------------------------------------------------------------
    def shown_unit(self) -> str:
        """Id of the node whose output the big picture shows: clicked (pinned), else hovered."""
        return self.canvas.clicked or self.canvas.hover or "out"

    def update(self) -> None:
        with np.errstate(all="ignore"):  # a diverged network (NaN weights) is drawn, not warned about
            self._update()

    def _update(self) -> None:
        F_grid = feature_matrix(self.G, self.features)  # (GRID², n_features)
        outs = _layer_outputs(self.model, F_grid)  # each layer's outputs on the grid
        proba = _probabilities(self.model, F_grid)  # (GRID², K)
        scene = Scene(970, 370)
        maps = _draw_network(scene, self.model, self.features, F_grid, outs, proba, self.shown_unit(),
                             self.c.activation.value)
        self._draw_output(scene, maps, proba)
        self._draw_loss(scene)
        self.canvas.show(scene)
        self._set_status()

    def _draw_output(self, scene: Scene, maps: dict[str, Array], proba: Array) -> None:
        x0, x1, y0, y1 = self.extent
        unit = self.shown_unit()
        F = feature_matrix(self.X, self.features)
        acc_train = accuracy(self.model, F[self.train_idx], self.y[self.train_idx])
        acc_test = accuracy(self.model, F[self.test_idx], self.y[self.test_idx])
        title = (f"output: accuracy {acc_train:.0%} training, {acc_test:.0%} test" if unit not in maps
                 else f"{_node_name(unit, self.features)} over the plane")
        ax = scene.panel((470, 40, 290, 290), xlim=(x0, x1), ylim=(y0, y1), title=title,
                         xlabel="x₁", ylabel="x₂", legend_loc="ur")
        if unit in maps:
            ax.image(_unit_rgba(maps[unit]).reshape(GRID, GRID, 4), extent=self.extent)
        else:
            ax.image(_blend(proba, GRID, 0.55), extent=self.extent, smooth=True)
            for line in _boundary_lines(self.G, proba):
                ax.line(line[:, 0], line[:, 1], color=PALETTE[7], width=1.5)
        colours = [PALETTE[int(c)] for c in self.y]
        for idx, marker, edge, what in ((self.train_idx, "o", "#ffffff", "training"),
                                        (self.test_idx, "s", "#000000", "test")):
            ax.points(self.X[idx, 0], self.X[idx, 1], color=[colours[i] for i in idx], size=7,
                      marker=marker, edge=edge)
            ax.legend_entry(f"{what} points", "#555555", "point")
            ax.spec["legend"][-1]["marker"] = marker
        self.accuracy = (acc_train, acc_test)

    def _draw_loss(self, scene: Scene) -> None:
        train, test = self.history["train"], self.history["test"]
        finite = [v for v in (*train, *test) if np.isfinite(v)]
        top = max(finite, default=1.0) * 1.1 or 1.0
        ax = scene.panel((815, 40, 145, 290), xlim=(0, max(len(train) - 1, 10)), ylim=(0, top),
                         title="loss", xlabel="epoch", ylabel="loss (cross-entropy)", legend_loc="ur")
        epochs = np.arange(len(train))
        ax.line(epochs, train, color=PALETTE[0], width=2, label=f"training {train[-1]:.3f}")
        ax.line(epochs, test, color=PALETTE[1], width=2, dash=(5, 3), label=f"test {test[-1]:.3f}")

    def _set_status(self) -> None:
        train, test = self.history["train"][-1], self.history["test"][-1]
        text = f"epoch {self.epoch} · training loss {train:.3f} · test loss {test:.3f}"
        if self.diverged:
            text = ("⚠️ the loss became NaN or infinite: lower the learning rate and press Reset"
                    f"<br>{text}")
        self.c.status.value = f"<div style='line-height:1.3'>{text}</div>"


def _check_arguments(dataset: str, hidden: Sequence[int], activation: str, epochs_per_click: int,
                     frames: int) -> list[int]:
    if dataset not in PLAYGROUND_DATASETS:
        raise ValueError(f"mlp_playground: dataset must be one of {PLAYGROUND_DATASETS}, got {dataset!r}")
    if activation not in PLAYGROUND_ACTIVATIONS:
        raise ValueError(f"mlp_playground: activation must be one of {PLAYGROUND_ACTIVATIONS}, "
                         f"got {activation!r}")
    sizes = [int(h) for h in hidden]
    if sizes and sizes[-1] == 0:  # the old "0 units in layer 2 = one hidden layer"
        sizes = sizes[:-1]
    if len(sizes) > MAX_LAYERS or not all(1 <= h <= 8 for h in sizes):
        raise ValueError(f"mlp_playground: hidden must be at most {MAX_LAYERS} layer sizes, each 1 to 8, "
                         f"got {list(hidden)}")
    if int(epochs_per_click) < 1 or int(frames) < 1:
        raise ValueError("mlp_playground: epochs_per_click and frames must be >= 1")
    return sizes


def _node_name(ident: str, features: Sequence[str]) -> str:
    kind, _, rest = ident.partition(":")
    if kind == "in":
        return f"input {features[int(rest)]}"
    if kind == "h":
        layer, unit = rest.split(":")
        return f"unit {unit} of hidden layer {layer}"
    if kind == "o":
        return f"probability of class {rest}"
    return "output"


def _unit_rgba(values: Array) -> Array:
    """A unit's outputs coloured purple (negative) – white (0) – orange (positive)."""
    top = float(np.nanmax(np.abs(values), initial=0.0))
    top = top if np.isfinite(top) and top > 0 else 1.0
    return colormap_rgba(values, UNIT_CMAP, -top, top)


def _boundary_lines(G: Array, proba: Array) -> list[Array]:
    """The decision boundary as polylines: where the most likely class changes, i.e. where
    ``P_k = max_{j≠k} P_j`` (as :func:`_draw_boundary` draws it with matplotlib), traced on the
    ``GRID × GRID`` grid ``G`` by contourpy (marching squares, no figure needed)."""
    from contourpy import contour_generator

    xs, ys = G[:GRID, 0], G[::GRID, 1]
    k = proba.shape[1]
    lines: list[Array] = []
    for c in range(1 if k == 2 else 0, k):
        others = np.delete(proba, c, axis=1).max(axis=1)
        margin = (proba[:, c] - others).reshape(GRID, GRID)  # > 0 where class c wins
        if margin.min() < 0 < margin.max():
            lines += [np.asarray(seg) for seg in contour_generator(xs, ys, margin).lines(0.0)]
    return lines


def _node_maps(features: Sequence[str], F_grid: Array,
               outs: list[Array]) -> list[list[tuple[str, Array | None]]]:
    """For each column of the diagram, ``(id, values over the grid)`` of each node."""
    columns: list[list[tuple[str, Array | None]]] = [
        [(f"in:{i}", F_grid[:, i]) for i in range(len(features))]]
    for layer, A in enumerate(outs[:-1], start=1):
        columns.append([(f"h:{layer}:{j + 1}", A[:, j]) for j in range(A.shape[1])])
    return columns


def _draw_network(scene: Scene, model: Sequential, features: Sequence[str], F_grid: Array,
                  outs: list[Array], proba: Array, shown: str, activation: str) -> dict[str, Array]:
    """The network as on TensorFlow Playground: every node a small picture of its output over the
    plane, every weight a link (width |w|, colour the sign). Returns the nodes' maps by id."""
    columns = _node_maps(features, F_grid, outs)
    k = proba.shape[1]  # one output node for two classes (P(class 1)), else one per class
    outputs: list[tuple[str, Array | None]] = (
        [("out", None)] if outs[-1].shape[1] == 1 else [(f"o:{c}", proba[:, c]) for c in range(k)])
    columns.append(outputs)
    sizes = [len(col) for col in columns]
    m = max(sizes)
    rect = (50, 40, 360, 290)
    ax = scene.panel(rect, xlim=(-0.5, len(sizes) - 0.5), ylim=(-m / 2, m / 2), axes=False,
                     title="the network: hover or click a node (edge width = |weight|)")
    node_px = min(34.0, rect[3] / m - 6)
    hx, hy = node_px / 2 * len(sizes) / rect[2], node_px / 2 * m / rect[3]  # half a node, in data units
    pos = _unit_positions(sizes)
    w = np.concatenate([d.W.ravel() for d in model.dense_layers]).astype(np.float64)
    scale = float(np.abs(w).max()) or 1.0
    segs, colours, widths = [], [], []
    for i, d in enumerate(model.dense_layers):
        a, b = pos[i], pos[i + 1]
        for (p, q), wij in zip(((p, q) for p in a for q in b), d.W.ravel(), strict=True):
            segs.append([p[0] + hx, p[1], q[0] - hx, q[1]])
            colours.append(POSITIVE if wij >= 0 else NEGATIVE)
            widths.append(0.4 + 4.0 * abs(float(wij)) / scale)
    ax.segments(segs, color=colours, width=widths)
    maps: dict[str, Array] = {}
    small = np.arange(GRID * GRID).reshape(GRID, GRID)[::2, ::2].ravel()  # every other grid point
    blended = _blend(proba, GRID, 0.55)[::2, ::2]
    for col, (nodes, xy) in enumerate(zip(columns, pos, strict=True)):
        for (ident, values), (x, y) in zip(nodes, xy, strict=True):
            if values is None:
                ax.image(blended, extent=(x - hx, x + hx, y - hy, y + hy))
            else:
                maps[ident] = values
                ax.image(_unit_rgba(values[small]).reshape(GRID // 2, GRID // 2, 4),
                         extent=(x - hx, x + hx, y - hy, y + hy))
            ax.rect(x - hx, y - hy, x + hx, y + hy, stroke="#000000" if ident == shown else "#999999",
                    width=2.5 if ident == shown else 1)
            ax.hotspot(x - hx, y - hy, x + hx, y + hy, ident)
            if col == 0:
                ax.text(x - hx, y, features[int(ident[3:])], align="right", dx=-5, size=12)
    for col in range(len(sizes)):
        caption = "inputs" if col == 0 else ("output" if col == len(sizes) - 1 else activation)
        ax.text(col, m / 2, caption, align="center", baseline="top", dy=2, size=11, color="#333333")
    ax.legend_entry("positive weight", POSITIVE)
    ax.legend_entry("negative weight", NEGATIVE)
    ax.spec["legend_loc"] = "ll"
    return maps


def mlp_playground(dataset: str = "xor", hidden: Sequence[int] = (4,), activation: str = "tanh",
                   lr: float = 0.03, *, n: int = 200, epochs_per_click: int = 200, frames: int = 4,
                   rng: int = 0) -> WidgetBox:
    """A playground in the manner of TensorFlow Playground: train an MLP on 2-D data and watch it.

    Controls, all labelled and usable from the keyboard:

    * data: the data set (blobs, xor, circles, moons, spirals), its noise, the share of points used
      for training (the rest are test points), the batch size, and a new sample;
    * features: which inputs the network gets — x₁, x₂, x₁², x₂², x₁x₂, sin πx₁, sin πx₂;
    * network: 0 to 4 hidden layers of 1 to 8 neurons, the hidden activation;
    * training: Adam's learning rate, L2 regularisation (``weight_decay`` λ), Play / Pause (one
      epoch per frame, about 20 frames a second, while the controls stay live), Step (exactly one
      epoch), Reset (new random weights).

    The picture, drawn in the browser from the arrays the kernel sends:

    * the network: every node a small map of its output over the plane, every weight a link whose
      width shows its size and colour its sign; hover over (or click, or pick with the arrow keys)
      a node to see its own output over the plane in the big picture;
    * the output: the plane shaded by the class probabilities with the decision boundary, training
      points (circles) and test points (squares);
    * the loss on the training and the test points, epoch by epoch.

    Parameters
    ----------
    dataset : str
    hidden : sequence of int
        Hidden layer sizes: at most 4, each 1 to 8 (``()`` for none).
    activation : {"tanh", "relu", "leaky_relu", "sigmoid"}
    lr : float
        Adam's learning rate (10⁻³ to 1).
    n : int
        Number of data points (training and test together).
    epochs_per_click : int
        Epochs :meth:`Playground.train` trains by default.
    frames : int
        Redraws during one :meth:`Playground.train`.
    rng : int
        Seed of the data and of the first initial weights.

    Returns
    -------
    WidgetBox
        The widget (``.playground`` holds its :class:`Playground`).

    Taught in notebook 04.
    """
    return Playground(dataset, hidden, activation, lr, n=n, epochs_per_click=epochs_per_click,
                      frames=frames, rng=rng).widget
