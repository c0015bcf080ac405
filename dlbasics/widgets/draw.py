"""Widget of notebook 07: draw a digit and watch the network you trained read it.

* :func:`draw_digit` — a canvas to draw on with the mouse, a finger or a pen. While you draw,
  the kernel turns the strokes into the 28 × 28 image the network sees, prepared the way
  MNIST's digits were (:func:`dlbasics.mnist.prepare_digit`), runs the network on it and sends
  back that image and the ten class probabilities, which the browser paints.
* :func:`render_strokes` — the strokes as a grey image (what the canvas shows, in NumPy).

The strokes live in the browser (an anywidget ES module, ``static/draw_digit.js``); a stroke
point costs one kernel round trip with 784 bytes and ten numbers coming back, no matplotlib.
The widget's output also carries a PNG of its state, for pages that cannot run widgets.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import anywidget
import numpy as np
import traitlets as t
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from dlbasics._typing import Array
from dlbasics.mnist import prepare_digit
from dlbasics.network import Sequential
from dlbasics.viz import PALETTE
from dlbasics.widgets.mnist import N_PIXELS, SIDE, _input_scale

__all__ = ["draw_digit", "render_strokes", "DigitCanvas", "PEN", "RASTER", "EXAMPLE_STROKES"]

_STATIC = Path(__file__).parent / "static"
#: pen width as a fraction of the canvas side (the browser draws with the same width)
PEN = 0.08
#: side in pixels of the grey image the strokes are rendered into before preparation
RASTER = 112
#: a 2 written in one stroke: what the canvas shows before you draw (x right, y down, in [0, 1])
EXAMPLE_STROKES: list[list[float]] = [[
    0.30, 0.32, 0.36, 0.24, 0.46, 0.19, 0.57, 0.20, 0.65, 0.27, 0.67, 0.37, 0.63, 0.47,
    0.54, 0.57, 0.44, 0.66, 0.34, 0.75, 0.28, 0.81, 0.40, 0.80, 0.54, 0.79, 0.68, 0.79, 0.74, 0.80,
]]
_BLANK = "Draw a digit from 0 to 9 in the box."


def render_strokes(strokes: Sequence[Sequence[float]], size: int = RASTER, pen: float = PEN) -> Array:
    """The strokes drawn with a round pen into a ``size × size`` grey image (ink = 1).

    Each pixel's value is how much of it the pen covers, ``clip(r + 1/2 − d, 0, 1)`` with
    ``d`` the distance of its centre to the stroke and ``r`` the pen's radius in pixels: 1 inside
    the stroke, a one-pixel anti-aliased edge, 0 elsewhere. The stroke is followed in steps of
    at most half a pixel, each pen position inking the pixels around it (one ``np.maximum.at``
    for the whole drawing: about 2 ms for a digit).

    Parameters
    ----------
    strokes : sequence of sequences of float
        One flat list ``[x0, y0, x1, y1, ...]`` per stroke, coordinates in [0, 1] of the canvas
        side (x to the right, y down). A stroke of one point is a dot.
    size : int, default 112
        Side of the image in pixels.
    pen : float, default 0.08
        Pen width as a fraction of the side.

    Returns
    -------
    array, shape (size, size), float32
        Values in [0, 1]; all 0 without strokes.

    Examples
    --------
    >>> img = render_strokes([[0.5, 0.1, 0.5, 0.9]], size=20, pen=0.1)  # a vertical bar
    >>> img.shape, float(img.max()), bool(img[:, :8].any())
    ((20, 20), 1.0, False)
    """
    radius = pen * size / 2
    Q = _pen_path(strokes, size)  # (M, 2) pen positions in pixels, at most 1/2 pixel apart
    image = np.zeros(size * size, dtype=np.float32)
    if len(Q) == 0:
        return image.reshape(size, size)
    reach = np.arange(-math.ceil(radius + 1), math.ceil(radius + 1) + 1)  # (K,) pixels around each
    ox, oy = (v.ravel() for v in np.meshgrid(reach, reach))  # (K*K,) offsets of the pen's footprint
    base = np.floor(Q).astype(np.intp)  # (M, 2) the pixel under each pen position
    px, py = base[:, :1] + ox, base[:, 1:] + oy  # (M, K*K) the pixels around it
    dist = np.hypot(px + 0.5 - Q[:, :1], py + 0.5 - Q[:, 1:])  # (M, K*K) from their centres
    ink = np.clip(np.float32(radius + 0.5) - dist.astype(np.float32), 0.0, 1.0)  # (M, K*K)
    keep = (ink > 0) & (px >= 0) & (px < size) & (py >= 0) & (py < size)
    np.maximum.at(image, py[keep] * size + px[keep], ink[keep])  # each pixel: its nearest pen position
    return image.reshape(size, size)


def _pen_path(strokes: Sequence[Sequence[float]], size: int) -> Array:
    """(M, 2) points along every stroke, in pixels, spaced at most half a pixel."""
    paths = []
    for stroke in strokes:
        P = np.asarray(stroke, dtype=np.float64)
        P = P[: P.size // 2 * 2].reshape(-1, 2) * size  # (n, 2): x, y
        if len(P) > 1:
            step = np.diff(P, axis=0)  # (n - 1, 2) segments
            n_sub = np.maximum(1, np.ceil(np.hypot(step[:, 0], step[:, 1]) / 0.5)).astype(np.intp)  # (n-1,)
            seg = np.repeat(np.arange(len(step)), n_sub)  # (m,) the segment of each sample
            first = np.repeat(np.cumsum(n_sub) - n_sub, n_sub)  # (m,) index of its segment's first sample
            t = (np.arange(seg.size) - first) / n_sub[seg]  # (m,) in [0, 1) along the segment
            P = np.concatenate([P[seg] + t[:, None] * step[seg], P[-1:]])
        paths.append(P)
    return np.concatenate(paths) if paths else np.zeros((0, 2))


class DigitCanvas(anywidget.AnyWidget):
    """The draw-a-digit widget: strokes from the browser in, the network's reading out.

    Synced state: ``strokes`` (set by the browser while you draw, or from Python), and what
    the kernel sends back: ``seen`` (the prepared 28 × 28 image, 784 ``uint8`` row by row),
    ``probs`` (the ten probabilities, empty while nothing is drawn) and ``message``.
    """

    _esm = _STATIC / "draw_digit.js"
    _css = _STATIC / "draw_digit.css"
    strokes = t.List(t.List(t.Float())).tag(sync=True)
    pen = t.Float(PEN).tag(sync=True)
    seen = t.Bytes(bytes(N_PIXELS)).tag(sync=True, from_json=lambda v, _: bytes(v))  # JS: a memoryview
    probs = t.List(t.Float()).tag(sync=True)
    message = t.Unicode(_BLANK).tag(sync=True)

    def __init__(self, model: Sequential, *, strokes: Sequence[Sequence[float]] = (), **kwargs: Any) -> None:
        _check_model(model)
        super().__init__(**kwargs)
        self.add_class("dlbasics-widget")
        self._model = model
        self._scale = _input_scale(model)  # 1/255 for a network that takes raw pixels
        self.strokes = [[float(v) for v in stroke] for stroke in strokes]
        self.observe(self.update, names="strokes")
        self.update()

    @property
    def image(self) -> Array:
        """(28, 28) uint8: the prepared digit the network sees (all 0 while nothing is drawn)."""
        return np.frombuffer(self.seen, dtype=np.uint8).reshape(SIDE, SIDE)

    @property
    def prediction(self) -> int | None:
        """The class the network finds most probable, or ``None`` while nothing is drawn."""
        return int(np.argmax(self.probs)) if self.probs else None

    def clear(self) -> None:
        """Wipe the canvas (what the clear button does)."""
        self.strokes = []

    def update(self, _: Any = None) -> None:
        """Prepare the drawing, run the network on it, send the image and probabilities."""
        drawing = render_strokes(self.strokes, pen=self.pen)  # (112, 112) in [0, 1]
        if not drawing.any():  # nothing drawn (yet, or any more)
            with self.hold_sync():
                self.seen, self.probs, self.message = bytes(N_PIXELS), [], _BLANK
            return
        digit = prepare_digit(drawing, dtype=np.uint8)  # (28, 28) 0..255, prepared like MNIST's
        X = digit.reshape(1, N_PIXELS).astype(np.float32) / 255  # (1, 784) in [0, 1] like MNIST.flat()
        p = self._model.predict_proba(X / self._scale)[0]  # (K,) raw pixels for a Rescale-first net
        guess = int(p.argmax())
        with self.hold_sync():
            self.seen = digit.tobytes()
            self.probs = [float(v) for v in p]
            self.message = f"The network reads {guess} ({p[guess]:.0%} sure)."

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict, dict] | None:
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:
            return None
        data, metadata = bundle
        data["text/plain"] = f"draw_digit: {self.message}"
        data["image/png"] = base64.b64encode(self.to_png()).decode("ascii")
        return data, metadata

    def to_png(self) -> bytes:
        """A PNG of the widget's current state: the drawing, the image seen, the probabilities."""
        fig = Figure(figsize=(8.4, 2.8), dpi=80)
        FigureCanvasAgg(fig)
        ax_draw, ax_seen, ax_bar = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1, 1, 1.6]})
        ax_draw.imshow(render_strokes(self.strokes, pen=self.pen), cmap="gray_r", vmin=0, vmax=1)
        ax_draw.set_title("your drawing", fontsize=10)
        ax_seen.imshow(self.image, cmap="gray_r", vmin=0, vmax=255, interpolation="nearest")
        ax_seen.set_title("what the network sees (28 × 28)", fontsize=10)
        for ax in (ax_draw, ax_seen):
            ax.set_xticks([])
            ax.set_yticks([])
        p = np.asarray(self.probs) if self.probs else np.zeros(self._model.n_out)
        colors = [PALETTE[1] if self.probs and c == p.argmax() else PALETTE[0] for c in range(p.size)]
        ax_bar.bar(np.arange(p.size), p, color=colors)
        ax_bar.set(xticks=np.arange(p.size), ylim=(0, 1), xlabel="digit class", ylabel="probability")
        ax_bar.set_title(self.message, fontsize=10)
        if self.probs:
            ax_bar.legend(handles=[Patch(color=PALETTE[1], label="most probable class")], loc="upper right",
                          fontsize="small")
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        return buf.getvalue()


def _check_model(model: Any) -> None:
    if not isinstance(model, Sequential):
        raise TypeError(f"draw_digit: model must be a dlbasics Sequential, got {type(model).__name__}")
    n_in = model.dense_layers[0].n_in
    if n_in != N_PIXELS:
        raise ValueError(f"draw_digit: the model's first layer takes {n_in} inputs, expected {N_PIXELS} "
                         f"(one per pixel of a 28 x 28 image)")


def draw_digit(model: Sequential, *, example: bool = True) -> DigitCanvas:
    """Draw a digit and see what your trained network reads (notebook 07).

    Left: a canvas to draw on (mouse, touch or pen) and a clear button. Right: the 28 × 28
    image the network sees — your drawing fitted into a 20 × 20 box and centred by its centre
    of mass, as MNIST's digits were (:func:`dlbasics.mnist.prepare_digit`) — and the ten
    probabilities ``softmax(logits)``, updated while you draw.

    Parameters
    ----------
    model : Sequential
        A classifier of 28 × 28 images: 784 inputs in [0, 1] (``MNIST.flat()``), or raw pixels
        0..255 for a network that starts with Rescale (``dl.mlp(..., input_scale=1/255)``).
    example : bool, default True
        Start with a 2 drawn on the canvas (press clear to draw your own); False: start blank.

    Returns
    -------
    DigitCanvas
        The widget (CSS class ``dlbasics-widget``); ``.prediction`` is the network's reading,
        ``.image`` the prepared digit, ``.probs`` the probabilities.

    Examples
    --------
    >>> import dlbasics as dl
    >>> canvas = draw_digit(dl.mlp([784, 16, 10], rng=0))
    >>> canvas.image.shape, len(canvas.probs)
    ((28, 28), 10)
    >>> canvas.clear()
    >>> canvas.prediction is None
    True
    """
    return DigitCanvas(model, strokes=EXAMPLE_STROKES if example else ())
