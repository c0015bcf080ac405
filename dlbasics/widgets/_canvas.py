"""The drawing surface of the course's widgets: the kernel sends arrays, the browser paints them.

A :class:`Canvas` is an `anywidget <https://anywidget.dev>`_ widget (JupyterLab, Notebook 7,
VS Code, Colab) whose ES module (``static/canvas.js``) paints a *scene*: panels with data
coordinates, each a stack of layers — images (RGBA bytes), lines, segments, points, text,
arrows, rectangles — plus axes with labelled ticks, a title and a legend. A widget builds a
:class:`Scene` on every change and calls :meth:`Canvas.show`, which sends the scene's JSON and
one buffer of pixels in a single message; the browser repaints in the next animation frame.

The same scene renders to PNG with matplotlib (:func:`render_png`), which is the picture static
pages (GitHub, nbviewer, the docs) show in place of the live widget.

Example
-------
>>> import numpy as np
>>> scene = Scene(200, 150)
>>> panel = scene.panel((40, 10, 150, 100), xlim=(0, 1), ylim=(0, 1), xlabel="x", ylabel="y")
>>> panel.image(np.zeros((4, 4, 3)), extent=(0, 1, 0, 1))
>>> panel.line([0, 1], [0, 1], color="#0072b2", label="y = x")
>>> canvas = Canvas(label="a diagonal")
>>> canvas.show(scene)
>>> len(canvas.pixels), canvas.scene["panels"][0]["legend"][0]["label"]
(64, 'y = x')
>>> render_png(canvas.scene, canvas.pixels)[:4] == b"\\x89PNG"
True
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import anywidget
import numpy as np
import traitlets
from numpy.typing import ArrayLike

__all__ = ["Canvas", "Scene", "Panel", "render_png", "colormap_rgba", "to_rgba8"]

STATIC = Path(__file__).parent / "static"


def _bytes_from_json(value: Any, _widget: Any) -> bytes:
    """Bytes set from JavaScript arrive as a memoryview; without this the update is dropped."""
    return bytes(value) if value is not None else b""


class Canvas(anywidget.AnyWidget):  # type: ignore[misc]
    """A canvas in the browser that paints the :class:`Scene` last passed to :meth:`show`.

    Traits
    ------
    scene : dict
        The panels and layers (JSON), see ``static/canvas.js``.
    pixels : bytes
        The RGBA bytes of every image layer, one after another.
    hover, clicked : str
        Id of the hotspot under the mouse (or chosen with the arrow keys) / last clicked
        (or chosen with Enter); ``""`` for none. Set by the browser, observed by widgets.
    label : str
        The canvas' accessible name (``aria-label``).
    """

    _esm = STATIC / "canvas.js"
    _css = STATIC / "canvas.css"
    scene = traitlets.Dict().tag(sync=True)
    pixels = traitlets.Bytes(b"").tag(sync=True, from_json=_bytes_from_json)
    hover = traitlets.Unicode("").tag(sync=True)
    clicked = traitlets.Unicode("").tag(sync=True)
    label = traitlets.Unicode("plot").tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_class("dlbasics-plot")  # the browser tests look for the plot by this class
        self.frames = 0  # scenes shown so far

    def show(self, scene: Scene) -> None:
        """Send ``scene`` (its JSON and its pixels in one message)."""
        with self.hold_sync():
            self.pixels = scene.pixels()
            self.scene = scene.to_dict()
        self.frames += 1

    def to_png(self, dpi: int = 100) -> bytes:
        """The current picture as PNG, rendered with matplotlib (for static pages)."""
        return render_png(self.scene, self.pixels, dpi=dpi)


# -- building a scene -------------------------------------------------------------------------
def _floats(values: ArrayLike) -> list[float | None]:
    """A JSON-safe list: rounded floats, ``None`` for NaN and infinities (JSON has neither)."""
    a = np.asarray(values, dtype=np.float64).ravel()
    out: list[float | None] = np.round(a, 5).tolist()
    if not np.all(np.isfinite(a)):
        for i in np.flatnonzero(~np.isfinite(a)):
            out[int(i)] = None
    return out


def to_rgba8(image: ArrayLike, *, origin: str = "lower") -> np.ndarray:
    """An image as ``(h, w, 4)`` uint8 RGBA with row 0 at the top (what the canvas expects).

    ``image`` is ``(h, w, 4)`` uint8 already, or ``(h, w, 3|4)`` floats in [0, 1]. With
    ``origin="lower"`` (matplotlib's ``imshow(origin="lower")``, and ``np.meshgrid``) row 0 is the
    bottom row and is flipped.
    """
    a = np.asarray(image)
    if a.ndim != 3 or a.shape[2] not in (3, 4):
        raise ValueError(f"Canvas image: expected shape (h, w, 3) or (h, w, 4), got {a.shape}")
    if a.dtype != np.uint8:
        a = np.rint(np.clip(a, 0.0, 1.0) * 255).astype(np.uint8)
    if a.shape[2] == 3:
        a = np.concatenate([a, np.full(a.shape[:2] + (1,), 255, np.uint8)], axis=2)
    return np.ascontiguousarray(a[::-1] if origin == "lower" else a)


_LUTS: dict[str, np.ndarray] = {}


def colormap_rgba(values: ArrayLike, cmap: Any, lo: float, hi: float) -> np.ndarray:
    """Colour ``values`` (any shape) with a matplotlib colormap (a name or a ``Colormap``):
    uint8 RGBA, shape ``(*shape, 4)``. One table lookup (256 colours), no per-pixel matplotlib call.
    """
    key = cmap if isinstance(cmap, str) else f"{cmap.name}-{id(cmap)}"
    if key not in _LUTS:
        from matplotlib import colormaps

        cm = colormaps[cmap] if isinstance(cmap, str) else cmap
        _LUTS[key] = np.rint(cm(np.linspace(0, 1, 256)) * 255).astype(np.uint8)
    v = np.nan_to_num(np.asarray(values, dtype=np.float64), nan=lo)  # NaN (a diverged network): low end
    scale = 255.0 / (hi - lo) if hi > lo else 0.0
    idx = np.clip((v - lo) * scale, 0, 255).astype(np.intp)
    return _LUTS[key][idx]


class Panel:
    """One plot area of a :class:`Scene`: a rectangle in pixels showing ``xlim × ylim``."""

    def __init__(self, scene: Scene, spec: dict[str, Any]) -> None:
        self._scene = scene
        self.spec = spec

    def _add(self, layer: dict[str, Any], label: str | None = None, kind: str = "line") -> None:
        self.spec["layers"].append(layer)
        if label:
            entry = {"label": label, "color": layer.get("color", "#000"), "kind": kind}
            if kind == "point":
                entry["marker"] = layer.get("marker", "o")
            self.spec["legend"].append(entry)

    def image(self, image: ArrayLike, extent: Sequence[float], *, smooth: bool = False,
              origin: str = "lower") -> None:
        """An image covering ``extent = (x0, x1, y0, y1)``; see :func:`to_rgba8` for ``image``."""
        rgba = to_rgba8(image, origin=origin)
        h, w = rgba.shape[:2]
        offset = self._scene._add_pixels(rgba)
        self._add({"type": "image", "src": [offset, w, h], "extent": _floats(extent), "smooth": smooth})

    def line(self, x: ArrayLike, y: ArrayLike, *, color: str, width: float = 1.5,
             dash: Sequence[float] | None = None, halo: str | None = None, label: str | None = None) -> None:
        """A polyline; NaN in ``y`` breaks it. ``halo`` draws an outline of that colour beneath."""
        layer: dict[str, Any] = {"type": "line", "x": _floats(x), "y": _floats(y), "color": color,
                                 "width": width}
        if dash:
            layer["dash"] = list(dash)
        if halo:
            layer["halo"] = halo
        self._add(layer, label, "dash" if dash else "line")

    def segments(self, xy: ArrayLike, *, color: str | Sequence[str] = "#000",
                 width: float | ArrayLike = 1.5, dash: Sequence[float] | None = None,
                 label: str | None = None) -> None:
        """Separate segments, ``xy`` of shape ``(S, 4)``: rows ``x0, y0, x1, y1`` (sent flat: one
        list, which serialises faster than nested ones)."""
        rows = np.asarray(xy, dtype=np.float64).reshape(-1, 4)
        layer: dict[str, Any] = {"type": "segments", "xy": _floats(rows)}  # flat: x0, y0, x1, y1, x0, ...
        if isinstance(color, str):
            layer["color"] = color
        else:
            layer["colors"] = list(color)
        if np.ndim(width) == 0:
            layer["width"] = float(width)  # type: ignore[arg-type]
        else:
            layer["widths"] = _floats(width)
        if dash:
            layer["dash"] = list(dash)
        self._add(layer, label, "dash" if dash else "line")

    def points(self, x: ArrayLike, y: ArrayLike, *, color: str | Sequence[str], size: float = 6,
               marker: str = "o", edge: str | None = None, label: str | None = None) -> None:
        """Markers (``"o"``, ``"s"`` or ``"x"``) of diameter ``size`` pixels."""
        layer: dict[str, Any] = {"type": "points", "x": _floats(x), "y": _floats(y), "size": size,
                                 "marker": marker}
        if isinstance(color, str):
            layer["color"] = color
        else:
            layer["colors"] = list(color)
        if edge:
            layer["edge"] = edge
        self._add(layer, label, "point")

    def text(self, x: float, y: float, text: str, *, color: str = "#000", size: float = 11,
             align: str = "left", baseline: str = "middle", dx: float = 0, dy: float = 0,
             bg: str | None = None, bold: bool = False) -> None:
        """Text at data point ``(x, y)`` shifted by ``(dx, dy)`` pixels (``dy`` downwards)."""
        layer = {"type": "text", "x": float(x), "y": float(y), "text": text, "color": color, "size": size,
                 "align": align, "baseline": baseline, "dx": dx, "dy": dy, "bold": bold}
        if bg:
            layer["bg"] = bg
        self._add(layer)

    def arrow(self, start: ArrayLike, end: ArrayLike, *, color: str, width: float = 2,
              halo: str | None = None) -> None:
        (x0, y0), (x1, y1) = np.asarray(start, dtype=np.float64), np.asarray(end, dtype=np.float64)
        layer = {"type": "arrow", "x0": float(x0), "y0": float(y0), "x1": float(x1), "y1": float(y1),
                 "color": color, "width": width}
        if halo:
            layer["halo"] = halo
        self._add(layer)

    def rect(self, x0: float, y0: float, x1: float, y1: float, *, stroke: str | None = None,
             fill: str | None = None, width: float = 1) -> None:
        self._add({"type": "rect", "x0": float(x0), "y0": float(y0), "x1": float(x1), "y1": float(y1),
                   "stroke": stroke, "fill": fill, "width": width})

    def hotspot(self, x0: float, y0: float, x1: float, y1: float, ident: str) -> None:
        """A rectangle the mouse (or the arrow keys) can point at: sets ``Canvas.hover`` to ``ident``."""
        self.spec["hotspots"].append([float(x0), float(y0), float(x1), float(y1), ident])

    def legend_entry(self, label: str, color: str, kind: str = "line") -> None:
        self.spec["legend"].append({"label": label, "color": color, "kind": kind})


class Scene:
    """A picture for a :class:`Canvas`: ``width × height`` pixels holding :class:`Panel` s."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = int(width), int(height)
        self.panels: list[Panel] = []
        self._chunks: list[bytes] = []
        self._size = 0

    def panel(self, rect: Sequence[float], xlim: Sequence[float], ylim: Sequence[float], *,
              title: str = "", xlabel: str = "", ylabel: str = "", axes: bool = True,
              xticks: bool = True, yticks: bool = True, yaxis: str = "left",
              legend_loc: str = "ul") -> Panel:
        """A new panel: ``rect = (left, top, width, height)`` in pixels; ``legend_loc`` one of
        ``"ul", "ur", "ll", "lr"``; ``yaxis="right"`` puts the y ticks on the right."""
        spec: dict[str, Any] = {"rect": [float(v) for v in rect], "xlim": _floats(xlim),
                                "ylim": _floats(ylim), "title": title, "xlabel": xlabel,
                                "ylabel": ylabel, "axes": axes, "xticks": xticks, "yticks": yticks,
                                "yaxis": yaxis, "legend_loc": legend_loc, "layers": [], "legend": [],
                                "hotspots": []}
        panel = Panel(self, spec)
        self.panels.append(panel)
        return panel

    def _add_pixels(self, rgba: np.ndarray) -> int:
        offset = self._size
        data = rgba.tobytes()
        self._chunks.append(data)
        self._size += len(data)
        return offset

    def pixels(self) -> bytes:
        return b"".join(self._chunks)

    def to_dict(self) -> dict[str, Any]:
        return {"width": self.width, "height": self.height, "panels": [p.spec for p in self.panels]}


# -- the same scene with matplotlib, for static pages -----------------------------------------
_LOC = {"ul": "upper left", "ur": "upper right", "ll": "lower left", "lr": "lower right"}
_MARKERS = {"o": "o", "s": "s", "x": "x"}


def _none_to_nan(values: Sequence[float | None]) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def _halo(layer: dict[str, Any], px: float) -> list[Any]:
    from matplotlib import patheffects

    if not layer.get("halo"):
        return []
    return [patheffects.withStroke(linewidth=(layer["width"] + 3) * px, foreground=layer["halo"])]


def _mpl_layer(ax: Any, layer: dict[str, Any], pixels: bytes, px: float) -> None:
    """Draw one layer of a panel on a matplotlib ``ax`` (``px`` points per pixel)."""
    kind = layer["type"]
    if kind == "image":
        offset, w, h = layer["src"]
        img = np.frombuffer(pixels, np.uint8, count=4 * w * h, offset=offset).reshape(h, w, 4)
        ax.imshow(img, extent=layer["extent"], origin="upper", aspect="auto",
                  interpolation="bilinear" if layer.get("smooth") else "nearest")
    elif kind == "line":
        dash = (0, [d * px for d in layer["dash"]]) if layer.get("dash") else None
        ax.plot(layer["x"], _none_to_nan(layer["y"]), color=layer["color"], lw=layer["width"] * px,
                ls=dash or "-", path_effects=_halo(layer, px))
    elif kind == "segments":
        from matplotlib.collections import LineCollection

        segs = list(np.asarray(layer["xy"], dtype=np.float64).reshape(-1, 2, 2))
        widths = np.asarray(layer.get("widths", [layer.get("width", 1.5)])) * px
        style = "dashed" if layer.get("dash") else "solid"
        ax.add_collection(LineCollection(segs, colors=layer.get("colors", layer.get("color")),
                                         linewidths=widths, linestyles=style))
    elif kind == "points":
        ax.scatter(layer["x"], _none_to_nan(layer["y"]), s=(layer["size"] * px) ** 2,
                   c=layer.get("colors", layer.get("color")), marker=_MARKERS[layer["marker"]],
                   edgecolors=layer.get("edge") if layer["marker"] != "x" else None, linewidths=0.7, zorder=3)
    elif kind == "text":
        ax.annotate(layer["text"], (layer["x"], layer["y"]), xytext=(layer["dx"] * px, -layer["dy"] * px),
                    textcoords="offset points", color=layer["color"], fontsize=layer["size"] * px,
                    ha=layer["align"], va={"middle": "center", "alphabetic": "baseline"}.get(
                        layer["baseline"], layer["baseline"]),
                    fontweight="bold" if layer.get("bold") else "normal",
                    bbox={"fc": layer["bg"], "ec": "none", "pad": 1} if layer.get("bg") else None)
    elif kind == "arrow":
        ax.annotate("", xy=(layer["x1"], layer["y1"]), xytext=(layer["x0"], layer["y0"]),
                    arrowprops={"arrowstyle": "-|>", "color": layer["color"], "lw": layer["width"] * px,
                                "path_effects": _halo(layer, px)})
    elif kind == "rect":
        from matplotlib.patches import Rectangle

        ax.add_patch(Rectangle((layer["x0"], layer["y0"]), layer["x1"] - layer["x0"],
                               layer["y1"] - layer["y0"], fill=bool(layer.get("fill")),
                               fc=layer.get("fill") or "none", ec=layer.get("stroke") or "none",
                               lw=layer.get("width", 1) * px))


def _mpl_panel(fig: Any, spec: dict[str, Any], size: tuple[int, int], pixels: bytes, px: float) -> None:
    from matplotlib.lines import Line2D

    W, H = size
    x, y, w, h = spec["rect"]
    ax = fig.add_axes((x / W, 1 - (y + h) / H, w / W, h / H))
    for layer in spec["layers"]:
        _mpl_layer(ax, layer, pixels, px)
    ax.set_xlim(spec["xlim"])
    ax.set_ylim(spec["ylim"])
    ax.tick_params(labelsize=11 * px, length=4 * px)
    if not spec.get("axes", True):
        ax.set_axis_off()
    if not spec.get("xticks", True):
        ax.set_xticks([])
    if not spec.get("yticks", True):
        ax.set_yticks([])
    if spec.get("yaxis") == "right":
        ax.yaxis.tick_right()
        ax.yaxis.set_label_position("right")
    ax.set_xlabel(spec.get("xlabel", ""), fontsize=12 * px)
    ax.set_ylabel(spec.get("ylabel", ""), fontsize=12 * px)
    ax.set_title(spec.get("title", ""), fontsize=12 * px)
    handles = [Line2D([], [], color=e["color"], lw=2, ls="--" if e["kind"] == "dash" else "-")
               if e["kind"] != "point" else
               Line2D([], [], color=e["color"], ls="", marker=_MARKERS[e.get("marker", "o")])
               for e in spec.get("legend", [])]
    if handles:
        ax.legend(handles, [e["label"] for e in spec["legend"]], loc=_LOC[spec.get("legend_loc", "ul")],
                  fontsize=10 * px, framealpha=0.85)


def render_png(scene: dict[str, Any], pixels: bytes, *, dpi: int = 100) -> bytes:
    """Render a scene (``Canvas.scene`` and ``Canvas.pixels``) to PNG with matplotlib's Agg."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    W, H = int(scene.get("width", 400)), int(scene.get("height", 300))
    fig = Figure(figsize=(W / 100, H / 100), dpi=dpi)
    FigureCanvasAgg(fig)
    px = 72 / 100  # the scene's sizes are CSS pixels at 100 per inch: 0.72 points each
    for spec in scene.get("panels", []):
        _mpl_panel(fig, spec, (W, H), pixels, px)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
    return buf.getvalue()
