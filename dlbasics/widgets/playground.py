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

from collections.abc import Sequence
from typing import Any

import ipywidgets as W
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FormatStrFormatter, NullFormatter
from numpy.typing import ArrayLike

from dlbasics._typing import Array
from dlbasics.datasets import make_dataset
from dlbasics.network import Sequential, mlp
from dlbasics.optimizers import Adam
from dlbasics.training import TrainingState, accuracy, evaluate, fit
from dlbasics.viz import PALETTE, grid_points, plot_data
from dlbasics.widgets._common import plot_output, show_figure, widget_box

__all__ = ["draw_network", "plot_hidden_lines", "plot_hidden_units", "plot_probabilities", "mlp_playground",
           "Playground"]


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
        if not np.any(w):
            continue
        p0 = centre - (centre @ w + b) / (w @ w) * w  # closest point to the view's centre
        d = np.array([-w[1], w[0]]) / np.linalg.norm(w)  # direction along the line
        span = 2 * (xlim[1] - xlim[0] + ylim[1] - ylim[0])
        line.set_data(*np.column_stack([p0 - span * d, p0 + span * d]))
        if labels:
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


class Playground:
    """State and callbacks behind :func:`mlp_playground` (see there).

    Attributes
    ----------
    model : Sequential
        The network being trained.
    optimizer : Adam
    losses : list of float
        Training loss after every step so far (full batch: one step per epoch).
    widget : ipywidgets.Box
    """

    def __init__(self, dataset: str = "xor", hidden: Sequence[int] = (4,), activation: str = "tanh",
                 lr: float = 0.03, *, n: int = 200, epochs_per_click: int = 200, frames: int = 4,
                 rng: int = 0) -> None:
        if dataset not in PLAYGROUND_DATASETS:
            raise ValueError(f"mlp_playground: dataset must be one of {PLAYGROUND_DATASETS}, "
                             f"got {dataset!r}")
        if activation not in PLAYGROUND_ACTIVATIONS:
            raise ValueError(f"mlp_playground: activation must be one of {PLAYGROUND_ACTIVATIONS}, "
                             f"got {activation!r}")
        hidden = [int(h) for h in hidden]
        if not 1 <= len(hidden) <= 2 or not 1 <= hidden[0] <= 8 or (len(hidden) == 2
                                                                     and not 0 <= hidden[1] <= 8):
            raise ValueError(f"mlp_playground: hidden must be 1 or 2 layer sizes, each 1 to 8, "
                             f"got {hidden}")
        if int(epochs_per_click) < 1 or int(frames) < 1:
            raise ValueError("mlp_playground: epochs_per_click and frames must be >= 1")
        self.n, self.seed, self.epochs_per_click = int(n), int(rng), int(epochs_per_click)
        self.every = max(1, self.epochs_per_click // int(frames))
        self._init_seed = self.seed

        wide = W.Layout(width="290px")
        style = {"description_width": "110px"}
        self.units1 = W.IntSlider(value=hidden[0], min=1, max=8, description="hidden layer 1",
                                  style=style, layout=wide)
        self.units2 = W.IntSlider(value=hidden[1] if len(hidden) > 1 else 0, min=0, max=8,
                                  description="hidden layer 2", style=style, layout=wide)
        self.dataset = W.Dropdown(options=list(PLAYGROUND_DATASETS), value=dataset, description="data",
                                  style=style, layout=wide)
        self.activation = W.Dropdown(options=list(PLAYGROUND_ACTIVATIONS), value=activation,
                                     description="activation", style=style, layout=wide)
        self.lr = W.FloatLogSlider(value=lr, base=10, min=-3, max=0, step=0.1, readout_format=".3f",
                                   description="learning rate", style=style, layout=wide)
        self.train_button = W.Button(description="Train", icon="play", button_style="primary",
                                     tooltip=f"train {self.epochs_per_click} more epochs",
                                     layout=W.Layout(width="142px"))
        self.reset_button = W.Button(description="Reset", icon="refresh", tooltip="new random weights",
                                     layout=W.Layout(width="142px"))
        self.status = W.HTML(layout=wide)
        note = W.HTML(f"<small>Each click trains {self.epochs_per_click} epochs (Adam, full batch). "
                      "0 units in layer 2 = one hidden layer.</small>", layout=wide)
        for control in (self.units1, self.units2, self.activation):
            control.observe(lambda _: self.reset(), names="value")
        self.dataset.observe(self._on_dataset, names="value")
        self.lr.observe(self._on_lr, names="value")
        self.train_button.on_click(lambda _: self.train())
        self.reset_button.on_click(lambda _: self.reset(new_seed=True))

        self.fig = Figure(figsize=(10, 3.9), dpi=85)
        self.ax_data, self.ax_net, self.ax_loss = self.fig.subplots(
            1, 3, gridspec_kw={"width_ratios": [1.0, 1.15, 0.85]})
        self.fig.subplots_adjust(left=0.07, right=0.98, bottom=0.14, top=0.91, wspace=0.22)
        self.out = plot_output()
        controls = [self.dataset, self.units1, self.units2, self.activation, self.lr,
                    W.HBox([self.train_button, self.reset_button]), self.status, note]
        self.widget = widget_box(controls, self.out, title="MLP playground")
        self.widget.playground = self  # type: ignore[attr-defined]
        self._load_data()
        self.reset()

    # -- state -----------------------------------------------------------------------------
    @property
    def hidden(self) -> list[int]:
        """Hidden layer sizes from the sliders."""
        return [self.units1.value] + ([self.units2.value] if self.units2.value else [])

    @property
    def epoch(self) -> int:
        """Epochs trained since the last reset."""
        return len(self.losses)

    def _load_data(self) -> None:
        self.X, self.y = make_dataset(self.dataset.value, self.n, rng=self.seed)
        self.k = int(self.y.max()) + 1

    def reset(self, new_seed: bool = False) -> None:
        """Build a fresh network (new random weights when ``new_seed``) and redraw."""
        if new_seed:
            self._init_seed += 1
        binary = self.k == 2
        self.model = mlp([2, *self.hidden, 1 if binary else self.k], activation=self.activation.value,
                         output="sigmoid" if binary else None, rng=self._init_seed)
        self.optimizer = Adam(self.model.parameters(), lr=self.lr.value)
        loss, _ = evaluate(self.model, self.X, self.y)
        self.losses: list[float] = []
        self._loss0 = loss
        self._setup_axes()
        self.draw()

    def _on_dataset(self, change: dict[str, Any]) -> None:
        self._load_data()
        self.reset()

    def _on_lr(self, change: dict[str, Any]) -> None:
        self.optimizer.lr = float(change["new"])

    def train(self, epochs: int | None = None) -> None:
        """Train for ``epochs`` (default ``epochs_per_click``), redrawing every few epochs."""
        epochs = self.epochs_per_click if epochs is None else int(epochs)
        done = list(self.losses)

        def frame(state: TrainingState) -> None:
            if state.event == "step":
                self.losses = done + state.history.step_loss
                self.draw()

        try:
            hist = fit(self.model, self.X, self.y, optimizer=self.optimizer, epochs=epochs,
                       batch_size=None, rng=self.seed, callbacks=[frame], callback_every=self.every)
        except FloatingPointError as err:  # DivergenceError: lr too large
            self._set_status(f"⚠️ {err}")
            return
        self.losses = done + hist.step_loss
        if epochs % self.every:  # the last frame was not drawn yet
            self.draw()

    def _set_status(self, html: str) -> None:
        self.status.value = f"<div style='line-height:1.3'>{html}</div>"

    # -- drawing ---------------------------------------------------------------------------
    def _setup_axes(self) -> None:
        """Build the three panels for the current data and architecture."""
        ax = self.ax_data
        ax.clear()
        self._img, self._xx, self._yy, self._P = plot_probabilities(ax, self.model, self.X, res=60)
        plot_data(ax, self.X, self.y, s=14)
        ax.set_xlim(self._xx.min(), self._xx.max())
        ax.set_ylim(self._yy.min(), self._yy.max())
        self._contour: list[Any] = []
        self._hidden_artists: list[Any] = []
        ax.legend(loc="upper right", fontsize="x-small", framealpha=0.8)

        self.ax_net.clear()
        self._edges = draw_network(self.ax_net, self.model, title="the network (edge width = |weight|)")

        ax = self.ax_loss
        ax.clear()
        (self._loss_line,) = ax.plot([], [], color=PALETTE[0], marker="o", ms=4, markevery=[-1],
                                     label="training loss")  # the dot marks the current loss
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(FormatStrFormatter("%g"))  # plain text: faster than mathtext
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss (cross-entropy)")
        ax.set_title("loss", fontsize=10)
        ax.legend(loc="upper right", fontsize="x-small")

    def draw(self) -> None:
        """Update every panel from the current weights and show the figure."""
        ax = self.ax_data
        proba = _probabilities(self.model, self._P)
        self._img.set_data(_blend(proba, self._xx.shape[0], 0.4))
        for contour in self._contour:
            contour.remove()
        self._contour = _draw_boundary(ax, self._xx, self._yy, proba)
        for artist in self._hidden_artists:
            artist.remove()
        n_texts = len(ax.texts)
        lines = plot_hidden_lines(ax, self.model)
        self._hidden_artists = lines + list(ax.texts[n_texts:])
        acc = accuracy(self.model, self.X, self.y)
        ax.set_title(f"{self.dataset.value}: accuracy {acc:.0%}", fontsize=10)

        style_edges(self._edges, self.model)

        losses = [self._loss0, *self.losses]  # epoch 0: the loss of the initial weights
        self._loss_line.set_data(np.arange(len(losses)), losses)
        lax = self.ax_loss
        hi, lo = max(losses), min(losses)
        lax.set_xlim(0, max(len(losses) - 1, self.epochs_per_click))
        lax.set_ylim(max(lo / 1.5, 1e-4), hi * 1.5)
        self._set_status(f"epoch {self.epoch} · loss {losses[-1]:.3f} · accuracy {acc:.1%}")
        show_figure(self.out, self.fig)


def mlp_playground(dataset: str = "xor", hidden: Sequence[int] = (4,), activation: str = "tanh",
                   lr: float = 0.03, *, n: int = 200, epochs_per_click: int = 200, frames: int = 4,
                   rng: int = 0) -> W.Box:
    """A small playground: train an MLP on 2-D data and watch its parts at work.

    Controls: data set (blobs, xor, circles, moons, spirals), the sizes of one or two hidden
    layers (sliders; changing them builds a new network), the hidden activation, the learning
    rate, a Train button (``epochs_per_click`` full-batch Adam epochs, redrawn ``frames`` times
    while it trains) and Reset (new random weights).

    One figure, updated in place, shows

    * the data, shaded by the predicted class probabilities, with the decision boundary (solid)
      and each first-layer unit's line ``W[0, j] x1 + W[1, j] x2 + b[j] = 0`` (dashed, numbered);
    * the network as a diagram whose edge widths and colours show each weight's size and sign
      (see :func:`draw_network`);
    * the training loss.

    Parameters
    ----------
    dataset : str
    hidden : sequence of int
        One or two hidden layer sizes, each 1 to 8.
    activation : {"tanh", "relu", "leaky_relu", "sigmoid"}
    lr : float
        Adam's learning rate (10⁻³ to 1).
    n : int
        Number of data points.
    epochs_per_click : int
    frames : int
        Redraws during one click.
    rng : int
        Seed of the data and of the first initial weights.

    Returns
    -------
    ipywidgets.Box
        The widget (``.playground`` holds its :class:`Playground`).

    Taught in notebook 04.
    """
    return Playground(dataset, hidden, activation, lr, n=n, epochs_per_click=epochs_per_click,
                      frames=frames, rng=rng).widget
