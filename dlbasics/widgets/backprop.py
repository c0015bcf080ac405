"""Backpropagation, seen one computation at a time (notebook 05).

* :func:`plot_neuron_graph` draws the computational graph of one sigmoid neuron with a squared
  error, forward values above each edge and the chain-rule gradients below.
* :class:`BackpropTrace` runs one training iteration of a network through dlbasics' own
  ``forward``/``backward`` and keeps every intermediate array.
* :func:`backprop_stepper` is the widget: step forward layer by layer, then backward, and
  watch each layer's values, gradients and the loss appear.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyBboxPatch
from numpy.typing import ArrayLike

from dlbasics._typing import Array
from dlbasics.activations import sigmoid, softmax
from dlbasics.datasets import make_dataset, one_hot
from dlbasics.layers import Dense, as_rng
from dlbasics.losses import cross_entropy
from dlbasics.network import Sequential, mlp
from dlbasics.optimizers import get_optimizer
from dlbasics.viz import PALETTE
from dlbasics.widgets._canvas import Canvas, Panel, Scene, colormap_rgba
from dlbasics.widgets._common import LiveWidget, WidgetBox

__all__ = ["plot_neuron_graph", "BackpropTrace", "trace_scene", "draw_trace", "backprop_stepper",
           "BackpropStepper"]


_FWD = PALETTE[0]  # forward values: blue
_BWD = PALETTE[5]  # gradients: vermillion
_CMAP = "RdBu_r"  # diverging, colour-blind safe: blue < 0 < red


# -- one neuron as a computational graph -----------------------------------------------------------
def plot_neuron_graph(x: float, w: float, b: float, y: float, ax: Any = None) -> dict[str, float]:
    """Draw the computational graph of ``L = (sigmoid(w x + b) - y)^2`` with its chain rule.

    Each node is one elementary operation. Above every edge: the value flowing forward
    (blue); below it: the derivative of the loss with respect to that value (vermillion),
    obtained by multiplying the local derivatives from the loss backwards.

    Parameters
    ----------
    x, w, b, y : float
        Input, weight, bias and target.
    ax : matplotlib Axes, optional
        Where to draw (a new ``10 × 3.2`` figure if omitted).

    Returns
    -------
    dict
        Forward values ``z, a, L`` and gradients ``dL_da, dL_dz, dL_dw, dL_db, dL_dx``.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> g = plot_neuron_graph(1.5, 0.8, -0.2, 1.0)
    >>> round(g["dL_dw"], 4)
    -0.1586
    >>> plt.close("all")
    """
    z = w * x + b
    a = float(sigmoid(z))
    L = (a - y) ** 2
    dL_da = 2 * (a - y)  # d/da (a - y)^2
    dL_dz = dL_da * a * (1 - a)  # sigmoid'(z) = a (1 - a)
    g = {"z": z, "a": a, "L": L, "dL_da": dL_da, "dL_dz": dL_dz,
         "dL_dw": dL_dz * x, "dL_db": dL_dz, "dL_dx": dL_dz * w}
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 3.4))
    ax.set_xlim(-0.2, 12.2)
    ax.set_ylim(-0.35, 4.0)
    ax.axis("off")
    # node: (centre, formula, value, gradient)
    nodes = {
        "x": ((0.7, 3.3), "$x$", x, g["dL_dx"]),
        "w": ((0.7, 1.9), "$w$", w, g["dL_dw"]),
        "b": ((0.7, 0.5), "$b$", b, g["dL_db"]),
        "u": ((3.8, 2.6), r"$u = w\,x$", w * x, dL_dz),
        "z": ((6.3, 1.9), "$z = u + b$", z, dL_dz),
        "a": ((8.9, 1.9), r"$a = \sigma(z)$", a, dL_da),
        "L": ((11.5, 1.9), "$L = (a - y)^2$", L, 1.0),
    }
    # edge: (from, to, local derivative d(to)/d(from))
    edges = [("x", "u", f"w = {w:g}"), ("w", "u", f"x = {x:g}"), ("u", "z", "1"), ("b", "z", "1"),
             ("z", "a", f"a(1−a)\n= {a * (1 - a):.4f}"), ("a", "L", f"2(a−y)\n= {dL_da:.4f}")]
    half_w, half_h = 0.68, 0.55
    for src, dst, local in edges:
        (x0, y0), (x1, y1) = nodes[src][0], nodes[dst][0]
        ax.annotate("", xy=(x1 - half_w, y1 + 0.25 * np.sign(y0 - y1)), xytext=(x0 + half_w, y0),
                    arrowprops={"arrowstyle": "-|>", "color": "dimgray", "lw": 1.1})
        if y0 == y1:  # horizontal arrow: label above it
            ax.text((x0 + x1) / 2, y0 + 0.1, local, ha="center", va="bottom", fontsize=7.5)
        else:
            ax.text((x0 + x1) / 2, (y0 + y1) / 2 + 0.12 * np.sign(y0 - y1), local, ha="center", va="center",
                    fontsize=7.5,
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.3})
    for (cx, cy), formula, value, grad in nodes.values():
        ax.add_patch(FancyBboxPatch((cx - half_w, cy - half_h), 2 * half_w, 2 * half_h, zorder=3,
                                    boxstyle="round,pad=0.02", facecolor="#f4f4f4", edgecolor="black"))
        ax.text(cx, cy + 0.27, formula, ha="center", va="center", fontsize=9.5, zorder=4)
        ax.text(cx, cy - 0.05, f"{value:.4g}", ha="center", va="center", fontsize=9, color=_FWD, zorder=4)
        ax.text(cx, cy - 0.33, f"∂L = {grad:.4f}", ha="center", va="center", fontsize=8, color=_BWD, zorder=4)
    ax.text(11.5, 2.6, f"target y = {y:g}", ha="center", va="bottom", fontsize=8.5)
    ax.text(2.0, 0.15, "In each box: the operation, its value (blue, forward) and ∂L/∂(that value) "
            "(vermillion,\nbackward). On each arrow: the local derivative ∂(head)/∂(tail). "
            "Chain rule: ∂L of a box =\n"
            "∂L of the box it feeds × the local derivative on the arrow between them.",
            fontsize=8, color="dimgray", va="center")
    ax.set_title("One neuron as a computational graph: forward values and chain-rule gradients", fontsize=11)
    return g


# -- one training iteration, every intermediate kept -----------------------------------------------
class BackpropTrace:
    """One forward and backward pass of ``net`` on ``(X, y)``, every intermediate array kept.

    Computed with the network's own layers (``layer.forward`` / ``layer.backward``) and the
    ``cross_entropy`` loss on the network's logits.

    Attributes
    ----------
    outs : list of arrays
        ``outs[0] = X``, ``outs[i + 1]`` = output of layer ``i``, each ``(N, width)``.
    douts : list of arrays
        ``douts[i] = dL/d outs[i]``, same shapes.
    param_grads : dict int -> (dW, db)
        For each Dense layer index ``i``.
    loss : float
    P, Y : arrays, shape (N, K)
        Softmax probabilities and one-hot targets.
    """

    def __init__(self, net: Sequential, X: ArrayLike, y: ArrayLike) -> None:
        self.net = net
        X = net.check_input(X).astype(net.dtype)
        y = np.asarray(y)
        self.outs: list[Array] = [X]
        for layer in net.layers:
            self.outs.append(np.array(layer.forward(self.outs[-1])))  # (N, width) copy
        self.loss, dout = cross_entropy(self.outs[-1], y)  # dout = (P - Y) / N
        self.P = softmax(self.outs[-1])  # (N, K)
        self.Y = one_hot(y, net.n_out)  # (N, K)
        n = len(net.layers)
        self.douts: list[Array] = [np.empty(0)] * (n + 1)
        self.douts[n] = dout
        self.param_grads: dict[int, tuple[Array, Array]] = {}
        for i in range(n - 1, -1, -1):
            layer = net.layers[i]
            self.douts[i] = np.array(layer.backward(self.douts[i + 1]))  # chain rule, one layer
            if isinstance(layer, Dense):
                self.param_grads[i] = (layer.dW.copy(), layer.db.copy())

    @property
    def n_layers(self) -> int:
        return len(self.net.layers)

    @property
    def n_stages(self) -> int:
        """Stages 0 .. 2 L + 1: input, L forward steps, loss, L backward steps."""
        return 2 * self.n_layers + 2

    def describe(self, stage: int) -> str:
        """One line saying what is computed at ``stage``."""
        L = self.n_layers
        if stage == 0:
            return f"Stage 0: a batch X of {self.outs[0].shape[0]} samples (one per row) enters the network."
        if stage <= L:
            layer = self.net.layers[stage - 1]
            n_in, n_out = self.outs[stage - 1].shape, self.outs[stage].shape
            if isinstance(layer, Dense):
                what = f"Z = X W + b   {n_in} @ ({layer.n_in}, {layer.n_out}) → {n_out}"
            else:
                what = f"A = {layer.name.rstrip('0123456789')}(Z), elementwise"
            return f"Forward {stage}/{L}, {layer.name}: {what}"
        if stage == L + 1:
            return (f"Loss: P = softmax(logits), L = cross-entropy = {self.loss:.4f}; "
                    "at the output ∂L/∂logits = (P − Y) / N")
        i = 2 * L + 1 - stage  # layer index going backwards
        layer = self.net.layers[i]
        k = stage - L - 1
        if isinstance(layer, Dense):
            return (f"Backward {k}/{L}, {layer.name}: dW = Xᵀ dZ, db = Σ rows of dZ, "
                    "dX = dZ Wᵀ (handed to the layer below)")
        name = layer.name.rstrip("0123456789")
        rule = {"tanh": "dZ = dA ⊙ (1 − A²)", "sigmoid": "dZ = dA ⊙ A(1 − A)",
                "relu": "dZ = dA ⊙ [Z > 0]", "leaky_relu": "dZ = dA ⊙ (1 or α)"}.get(name, "dZ = dA ⊙ f′(Z)")
        return f"Backward {k}/{L}, {layer.name}: {rule}"


def _layout(trace: BackpropTrace) -> dict[str, Any]:
    """Where every heat map goes: ``(data, x0, y0, stage it appears at, label, colour)`` per block,
    in grid cells (1 cell = 1 array entry), plus the column positions and the canvas size."""
    L = trace.n_layers
    N = trace.outs[0].shape[0]
    gap = 2
    widths = [o.shape[1] for o in trace.outs]
    xs = np.concatenate([[0], np.cumsum(np.array(widths[:-1]) + gap)]).astype(int)
    y_f, y_b, y_p = 0, N + 4, 2 * N + 8
    blocks = []
    for j, out in enumerate(trace.outs):
        name = "X" if j == 0 else trace.net.layers[j - 1].name
        blocks.append((out, xs[j], y_f, j, name, _FWD))
        blocks.append((trace.douts[j], xs[j], y_b, L + 1 + (L - j), "", _BWD))
        if j >= 1 and (j - 1) in trace.param_grads:
            dW, db = trace.param_grads[j - 1]
            M = np.vstack([dW, db[None, :]])  # (n_in + 1, n_out): the last row is db
            blocks.append((M, xs[j] + (widths[j] - M.shape[1]) // 2, y_p, L + 1 + (L - j + 1),
                           "dW; db", _BWD))
    xp = xs[-1] + widths[-1] + gap
    blocks.append((trace.P, xp, y_f, L + 1, "P", "black"))
    blocks.append((trace.Y, xp + widths[-1] + gap, y_f, 0, "Y", "black"))
    width = xp + 2 * widths[-1] + gap
    height = y_p + max(d.shape[0] for d, *_ in blocks) + 1
    return {"blocks": blocks, "xs": xs, "widths": widths, "rows": (y_f, y_b, y_p), "N": N, "xp": xp,
            "size": (int(height), int(width))}


_GREY = np.array([230, 230, 230, 255], dtype=np.uint8)  # a block not computed yet


def _block_image(lay: dict[str, Any], stage: int) -> tuple[np.ndarray, list[tuple[Any, ...]]]:
    """Every block of ``lay`` painted into one RGBA image (row 0 at the top), and the blocks the
    current stage computes (to frame them)."""
    img = np.zeros((*lay["size"], 4), dtype=np.uint8)  # transparent between the blocks
    active = []
    for data, x0, y0, appears, label, _ in lay["blocks"]:
        h, w = data.shape
        if stage >= appears:
            vmax = 1.0 if label in ("P", "Y") else float(np.max(np.abs(data))) or 1.0
            img[y0:y0 + h, x0:x0 + w] = colormap_rgba(data, _CMAP, -vmax, vmax)  # each to its own scale
        else:
            img[y0:y0 + h, x0:x0 + w] = _GREY
        if stage == appears and label != "Y":
            active.append((x0, y0, w, h))
    return img, active


def _text_lines(ax: Panel, x: float, y: float, lines: Sequence[str], **style: Any) -> None:
    """Several lines of text centred vertically on ``(x, y)`` (the canvas draws one line per layer)."""
    for i, line in enumerate(lines):
        ax.text(x, y, line, dy=15 * (i - (len(lines) - 1) / 2), **style)


def trace_scene(trace: BackpropTrace, stage: int, history: Sequence[float] = ()) -> Scene:
    """The picture of ``trace`` revealed up to ``stage`` (see :meth:`BackpropTrace.describe`).

    Every array is one heat map (rows = samples for values and their gradients; for a Dense
    layer's parameter gradient, rows = inputs plus a last row for ``db``), all painted into one
    image whose cells are the arrays' entries; beside it the loss per iteration.
    """
    L, lay = trace.n_layers, _layout(trace)
    N, (y_f, y_b, y_p) = lay["N"], lay["rows"]
    height, width = lay["size"]
    x_lo = -8.0  # room on the left for the rows' captions
    cell = min(700 / (width + 0.5 - x_lo), 400 / (height + 3.0))  # square cells, in pixels
    scene = Scene(960, 440)
    head = scene.panel((10, 4, 940, 26), xlim=(0, 1), ylim=(0, 1), axes=False)
    head.text(0, 0.5, trace.describe(stage), size=13, bold=True)
    ax = scene.panel((20, 45, cell * (width + 0.5 - x_lo), cell * (height + 3.0)),
                     xlim=(x_lo, width + 0.5), ylim=(-(height + 0.5), 2.5), axes=False)
    img, active = _block_image(lay, stage)
    ax.image(img, extent=(0, width, -height, 0), origin="upper")
    for data, x0, y0, _, label, colour in lay["blocks"]:
        h, w = data.shape
        ax.rect(x0, -(y0 + h), x0 + w, -y0, stroke="#000000", width=0.5)
        if label:
            ax.text(x0 + w / 2, -y0, label, color=colour, size=10, align="center", baseline="bottom", dy=-2)
    for x0, y0, w, h in active:
        ax.rect(x0 - 0.15, -(y0 + h + 0.15), x0 + w + 0.15, -(y0 - 0.15), stroke=PALETTE[1], width=3)
    xs, widths = lay["xs"], lay["widths"]
    for j in range(L):  # arrows between the blocks: forward to the right, backward to the left
        x_from, x_to = xs[j] + widths[j] + 0.25, xs[j + 1] - 0.25
        ax.arrow((x_from, -(y_f + N / 2)), (x_to, -(y_f + N / 2)), color=_FWD, width=1.5)
        ax.arrow((x_to, -(y_b + N / 2)), (x_from, -(y_b + N / 2)), color=_BWD, width=1.5)
    known = stage >= L + 1
    _text_lines(ax, lay["xp"], -(y_b + N / 2), ["loss", f"{trace.loss:.4f}" if known else "?"],
                size=13, bold=True)
    for yy, lines, colour in [(y_f + N / 2, ["forward:", "values"], _FWD),
                              (y_b + N / 2, ["backward:", "∂L/∂(value", "above)"], _BWD),
                              (y_p + 2, ["∂L/∂W", "(last row", "∂L/∂b)"], _BWD)]:
        _text_lines(ax, -1.0, -yy, lines, color=colour, size=11, align="right")
    _loss_panel(scene, [*history, *([trace.loss] if known else [])], len(history))
    return scene


def _loss_panel(scene: Scene, losses: list[float], n_done: int) -> None:
    top = max([*losses, 0.1]) * 1.3
    ax = scene.panel((790, 70, 150, 150), xlim=(-0.5, max(n_done, 3) + 0.5), ylim=(0, top),
                     xlabel="iteration", ylabel="batch loss", title="loss per iteration")
    if losses:
        it = np.arange(len(losses))
        ax.line(it, losses, color=PALETTE[0], width=1.5)
        ax.points(it, losses, color=PALETTE[0], size=6)
        ax.text(it[-1], losses[-1], f"{losses[-1]:.3f}", size=10, align="center", baseline="bottom", dy=-6)
    notes = scene.panel((770, 280, 180, 130), xlim=(0, 1), ylim=(0, 1), axes=False)
    _text_lines(notes, 0, 0.5, ["Rows: the samples of the batch.", "Red > 0 > blue, each map",
                                "scaled to its own largest |value|.", "Grey: not computed yet.",
                                "Orange frame: this stage."], color="#555555", size=10.5)


def draw_trace(trace: BackpropTrace, stage: int, history: Sequence[float] = (), *,
               figsize: tuple[float, float] | None = None) -> Any:
    """The picture of :func:`trace_scene` as a matplotlib figure (for static pages and scripts).

    ``figsize`` is kept for old callers and ignored: the figure has the scene's size.
    """
    from dlbasics.widgets._canvas import _mpl_panel

    scene = trace_scene(trace, stage, history)
    spec = scene.to_dict()
    fig = plt.figure(figsize=(scene.width / 100, scene.height / 100), dpi=100)
    for panel in spec["panels"]:
        _mpl_panel(fig, panel, (scene.width, scene.height), scene.pixels(), 72 / 100)
    return fig


class BackpropStepper(LiveWidget):
    """State and drawing behind :func:`backprop_stepper` (see there).

    Attributes
    ----------
    net : Sequential
    X, y : arrays
        The batch.
    trace : BackpropTrace
        The current iteration's forward and backward pass.
    history : list of float
        The loss of every finished iteration.
    canvas : Canvas
    """

    stage: W.IntSlider
    back: W.Button
    next: W.Button
    apply: W.Button
    batch: W.Button
    reset: W.Button
    lr: W.FloatLogSlider
    info: W.HTML

    def __init__(self, dataset: str, sizes: Sequence[int], activation: str, batch_size: int, lr: float,
                 rng: int) -> None:
        super().__init__()
        self.gen = as_rng(rng)
        self.X_all, self.y_all = make_dataset(dataset, 200, rng=self.gen)
        k = int(self.y_all.max()) + 1
        if sizes[0] != self.X_all.shape[1] or sizes[-1] != k:
            raise ValueError(f"backprop_stepper: for {dataset!r} sizes must start at {self.X_all.shape[1]} "
                             f"and end at {k} (classes), got {list(sizes)}")
        self.sizes, self.activation, self.seed, self.batch_size = tuple(sizes), activation, rng, batch_size
        self.new_net()
        self.new_batch()
        self._make_controls(lr)
        self.canvas = Canvas(label="every array of one training iteration, forward then backward")
        self.watch(self.stage)
        self.back.on_click(lambda _: self.go(self.stage.value - 1))
        self.next.on_click(lambda _: self.go(self.stage.value + 1))
        self.apply.on_click(lambda _: self.apply_update())
        self.batch.on_click(lambda _: self._restart(self.new_batch))
        self.reset.on_click(lambda _: self._restart(self.new_net))
        controls = [self.stage, W.HBox([self.back, self.next]), self.apply, self.lr,
                    W.HBox([self.batch, self.reset]), self.info]
        self.box(controls, self.canvas, title="Backpropagation, one step at a time", vertical=True)
        self.refresh()

    def _make_controls(self, lr: float) -> None:
        style = {"description_width": "60px"}
        self.stage = W.IntSlider(value=0, min=0, max=self.trace.n_stages - 1, description="stage",
                                 style=style)
        self.back = W.Button(description="◀ back", tooltip="previous stage", layout=W.Layout(width="90px"))
        self.next = W.Button(description="next ▶", tooltip="next stage", layout=W.Layout(width="90px"))
        self.apply = W.Button(description="apply update", button_style="primary",
                              layout=W.Layout(width="185px"),
                              tooltip="W ← W − η dW for every layer, then start the next iteration")
        self.batch = W.Button(description="new batch", tooltip="draw another batch",
                              layout=W.Layout(width="90px"))
        self.reset = W.Button(description="reset weights", tooltip="back to the initial weights",
                              layout=W.Layout(width="110px"))
        self.lr = W.FloatLogSlider(value=lr, base=10, min=-2, max=1, step=0.1, description="η", style=style)
        self.info = W.HTML()

    # -- state -----------------------------------------------------------------------------
    def new_net(self) -> None:
        """The initial weights again (the same seed), and no finished iteration."""
        self.net = mlp(self.sizes, activation=self.activation, rng=self.seed, dtype=np.float64)
        self.history: list[float] = []
        if hasattr(self, "X"):
            self.trace = BackpropTrace(self.net, self.X, self.y)

    def new_batch(self) -> None:
        """Another batch from the data set; the loss history starts again."""
        idx = self.gen.choice(self.X_all.shape[0], size=self.batch_size, replace=False)
        self.X, self.y = self.X_all[idx], self.y_all[idx]
        self.history = []
        self.trace = BackpropTrace(self.net, self.X, self.y)

    def apply_update(self) -> None:
        """One gradient step with the trace's gradients, then the next iteration from stage 0."""
        tr = self.trace
        self.history.append(tr.loss)
        for i, (dW, db) in tr.param_grads.items():
            layer = self.net.layers[i]
            assert isinstance(layer, Dense)
            layer.dW[...] = dW
            layer.db[...] = db
        get_optimizer("sgd", self.net.parameters(), lr=self.lr.value).step()
        self.trace = BackpropTrace(self.net, self.X, self.y)
        self.go(0)

    def _restart(self, change: Any) -> None:
        change()
        self.go(0)

    def go(self, stage: int) -> None:
        """Show ``stage`` (clipped to the stages there are); redraws even if it is shown already."""
        with self.hold():
            self.stage.value = int(np.clip(stage, 0, self.trace.n_stages - 1))
            self.refresh()

    # -- drawing ---------------------------------------------------------------------------
    def update(self) -> None:
        stage = int(self.stage.value)
        self.info.value = (f"<small>iteration {len(self.history)}, stage {stage} of "
                           f"{self.trace.n_stages - 1}</small>")
        self.canvas.show(trace_scene(self.trace, stage, self.history))


def backprop_stepper(dataset: str = "xor", sizes: Sequence[int] = (2, 4, 3, 2), *, activation: str = "tanh",
                     batch_size: int = 6, lr: float = 0.5, rng: int = 0) -> WidgetBox:
    """Step through one training iteration of a small network, computation by computation.

    The first slider walks through the stages: the input batch, each layer's forward pass,
    the loss, then each layer's backward pass (gradients appear right to left). Heat maps show
    every array (rows = samples; red positive, blue negative, each map scaled to its own
    largest entry); the orange frame marks what the current stage computes. "apply update"
    takes the gradient step ``W ← W − η dW`` and starts the next iteration on the same batch,
    so the loss plot shows the loss going down. The picture is drawn in the browser.

    Parameters
    ----------
    dataset : str
        Toy data set the batch is drawn from (``"xor"``, ``"moons"``, ``"blobs"`` ...).
    sizes : sequence of int
        Layer widths, input first; the network ends in logits (cross-entropy loss).
    activation : str
        Hidden activation.
    batch_size : int
        Samples in the batch (rows of every heat map).
    lr : float
        Initial learning rate η.
    rng : int
        Seed for the data, the initial weights and the batches.

    Returns
    -------
    WidgetBox
        The widget (``.owner`` is its :class:`BackpropStepper`); its canvas has the class
        ``dlbasics-plot``.
    """
    return BackpropStepper(dataset, sizes, activation, batch_size, lr, rng).widget
