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
from dlbasics.optimizers import SGD
from dlbasics.viz import PALETTE
from dlbasics.widgets._common import plot_output, redraw, widget_box

__all__ = ["plot_neuron_graph", "BackpropTrace", "draw_trace", "backprop_stepper"]


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


def draw_trace(trace: BackpropTrace, stage: int, history: Sequence[float] = (), *,
               figsize: tuple[float, float] = (10, 5.0)) -> Any:
    """Figure of ``trace`` revealed up to ``stage`` (see :meth:`BackpropTrace.describe`).

    Every array is one heat map (rows = samples for values and their gradients; for a
    Dense layer's parameter gradient, rows = inputs plus a last row for ``db``). All maps
    are painted into a single image, which keeps the redraw fast.
    """
    from matplotlib import colormaps
    from matplotlib.collections import PatchCollection

    L = trace.n_layers
    lay = _layout(trace)
    N, (y_f, y_b, y_p) = lay["N"], lay["rows"]
    canvas = np.zeros((*lay["size"], 4))  # transparent background
    cmap = colormaps[_CMAP]
    frames, active = [], []
    fig = plt.figure(figsize=figsize)
    ax = fig.add_axes((0.075, 0.02, 0.69, 0.86))
    for data, x0, y0, appears, label, color in lay["blocks"]:
        h, w = data.shape
        if stage >= appears:
            vmax = 1.0 if label in ("P", "Y") else float(np.max(np.abs(data))) or 1.0
            canvas[y0:y0 + h, x0:x0 + w] = cmap(0.5 + 0.5 * data / vmax)  # each map to its own scale
        else:
            canvas[y0:y0 + h, x0:x0 + w] = (0.9, 0.9, 0.9, 1.0)  # not computed yet
        frames.append(plt.Rectangle((x0, y0), w, h))
        if stage == appears and label != "Y":
            active.append(plt.Rectangle((x0 - 0.15, y0 - 0.15), w + 0.3, h + 0.3))
        if label:
            ax.text(x0 + w / 2, y0 - 0.3, label, ha="center", va="bottom", fontsize=7, color=color)
    ax.imshow(canvas, extent=(0, canvas.shape[1], canvas.shape[0], 0), interpolation="nearest")
    ax.add_collection(PatchCollection(frames, facecolor="none", edgecolor="black", linewidth=0.5))
    ax.add_collection(PatchCollection(active, facecolor="none", edgecolor=PALETTE[1], linewidth=3))
    xs, widths = lay["xs"], lay["widths"]
    # arrows between the blocks (drawn as two line plots: much faster than L annotations)
    x_from = xs[:-1] + np.array(widths[:-1]) + 0.25  # (L,)
    x_to = xs[1:] - 0.25  # (L,)
    for yy, head, c, x_head in [(y_f + N / 2, ">", _FWD, x_to), (y_b + N / 2, "<", _BWD, x_from)]:
        seg_x = np.column_stack([x_from, x_to, np.full(L, np.nan)]).ravel()
        ax.plot(seg_x, np.full(seg_x.shape, yy), color=c, linewidth=1)
        ax.plot(x_head, np.full(L, yy), head, color=c, markersize=4)
    loss_known = stage >= L + 1
    ax.text(lay["xp"], y_b + N / 2, f"loss\n{trace.loss:.4f}" if loss_known else "loss\n?", ha="left",
            va="center", fontsize=10, fontweight="bold")
    for yy, txt, c in [(y_f + N / 2, "forward:\nvalues", _FWD),
                       (y_b + N / 2, "backward:\n∂L/∂(value\nabove)", _BWD),
                       (y_p + 2, "∂L/∂W\n(last row\n∂L/∂b)", _BWD)]:
        ax.text(-1.0, yy, txt, ha="right", va="center", fontsize=8.5, color=c)
    ax.set_xlim(-0.5, canvas.shape[1] + 0.5)
    ax.set_ylim(canvas.shape[0] + 0.5, -2.5)
    ax.axis("off")
    fig.suptitle(trace.describe(stage), fontsize=9.5, x=0.01, ha="left")
    # the loss, iteration by iteration (no tick labels: they cost more to draw than the rest)
    axl = fig.add_axes((0.83, 0.5, 0.155, 0.33))
    losses = list(history) + ([trace.loss] if loss_known else [])
    it = np.arange(len(losses))
    axl.plot(it, losses, "-o", color=PALETTE[0], markersize=4)
    for i in {0, len(losses) - 1} if losses else ():
        axl.annotate(f"{losses[i]:.3f}", (i, losses[i]), textcoords="offset points", xytext=(0, 6),
                     ha="center", fontsize=7)
    axl.set_xlim(-0.5, max(len(history), 3) + 0.5)
    axl.set_ylim(0, max([*losses, 0.1]) * 1.3)
    axl.set_xticks([])
    axl.set_yticks([])
    axl.set_xlabel("iteration →", fontsize=8)
    axl.set_ylabel("batch loss", fontsize=8)
    axl.set_title("loss per iteration", fontsize=9)
    fig.text(0.83, 0.08, "Rows: the samples of the batch.\nRed > 0 > blue, each map scaled\n"
             "to its own largest |value|.\nGrey: not computed yet.\nOrange frame: this stage.",
             fontsize=7.5, color="dimgray", va="bottom")
    return fig


def backprop_stepper(dataset: str = "xor", sizes: Sequence[int] = (2, 4, 3, 2), *, activation: str = "tanh",
                     batch_size: int = 6, lr: float = 0.5, rng: int = 0) -> W.Box:
    """Step through one training iteration of a small network, computation by computation.

    The first slider walks through the stages: the input batch, each layer's forward pass,
    the loss, then each layer's backward pass (gradients appear right to left). Heat maps show
    every array (rows = samples; red positive, blue negative, each map scaled to its own
    largest entry); the orange frame marks what the current stage computes. "apply update"
    takes the gradient step ``W ← W − η dW`` and starts the next iteration on the same batch,
    so the loss plot shows the loss going down.

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
    ipywidgets.Box
        Tagged ``dlbasics-widget``.
    """
    gen = as_rng(rng)
    X_all, y_all = make_dataset(dataset, 200, rng=gen)
    k = int(y_all.max()) + 1
    if sizes[0] != X_all.shape[1] or sizes[-1] != k:
        raise ValueError(f"backprop_stepper: for {dataset!r} sizes must start at {X_all.shape[1]} and end "
                         f"at {k} (classes), got {list(sizes)}")
    state: dict[str, Any] = {"history": []}

    def new_net() -> None:
        state["net"] = mlp(sizes, activation=activation, rng=rng, dtype=np.float64)
        state["history"] = []

    def new_batch() -> None:
        idx = gen.choice(X_all.shape[0], size=batch_size, replace=False)
        state["X"], state["y"] = X_all[idx], y_all[idx]

    def retrace() -> None:
        state["trace"] = BackpropTrace(state["net"], state["X"], state["y"])

    new_net()
    new_batch()
    retrace()
    n_stages = state["trace"].n_stages
    w_stage = W.IntSlider(value=0, min=0, max=n_stages - 1, description="stage",
                          style={"description_width": "60px"})
    b_back = W.Button(description="◀ back", layout=W.Layout(width="90px"))
    b_next = W.Button(description="next ▶", layout=W.Layout(width="90px"))
    b_update = W.Button(description="apply update", button_style="primary", layout=W.Layout(width="185px"),
                        tooltip="W ← W − η dW for every layer, then start the next iteration")
    b_batch = W.Button(description="new batch", layout=W.Layout(width="90px"))
    b_reset = W.Button(description="reset weights", layout=W.Layout(width="110px"))
    w_lr = W.FloatLogSlider(value=lr, base=10, min=-2, max=1, step=0.1, description="η",
                            style={"description_width": "60px"})
    info = W.HTML()
    out = plot_output()

    def draw() -> Any:
        return draw_trace(state["trace"], w_stage.value, state["history"])

    def show(change: Any = None) -> None:
        tr = state["trace"]
        info.value = (f"<small>iteration {len(state['history'])}, stage {w_stage.value} of "
                      f"{tr.n_stages - 1}</small>")
        redraw(out, draw)

    def go(stage: int) -> None:
        stage = int(np.clip(stage, 0, n_stages - 1))
        if stage == w_stage.value:
            show()
        else:
            w_stage.value = stage  # observer redraws

    def on_update(_: Any) -> None:
        tr = state["trace"]
        state["history"].append(tr.loss)
        for i, (dW, db) in tr.param_grads.items():  # the gradients of this trace
            layer = state["net"].layers[i]
            assert isinstance(layer, Dense)
            layer.dW[...] = dW
            layer.db[...] = db
        SGD(state["net"].parameters(), lr=w_lr.value).step()
        retrace()
        go(0)

    def on_batch(_: Any) -> None:
        new_batch()
        state["history"] = []
        retrace()
        go(0)

    def on_reset(_: Any) -> None:
        new_net()
        retrace()
        go(0)

    w_stage.observe(show, names="value")
    b_back.on_click(lambda _: go(w_stage.value - 1))
    b_next.on_click(lambda _: go(w_stage.value + 1))
    b_update.on_click(on_update)
    b_batch.on_click(on_batch)
    b_reset.on_click(on_reset)
    show()
    controls = [w_stage, W.HBox([b_back, b_next]), b_update, w_lr, W.HBox([b_batch, b_reset]), info]
    box = widget_box(controls, out, title="Backpropagation, one step at a time", vertical=True)
    box._dlbasics_controls = {"stage": w_stage, "back": b_back, "next": b_next, "update": b_update,
                              "lr": w_lr, "new_batch": b_batch, "reset": b_reset, "state": state}
    return box

