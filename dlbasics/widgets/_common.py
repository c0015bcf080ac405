"""Building blocks shared by every widget: the styled box and the redrawn plot area."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as W
import matplotlib.pyplot as plt
from IPython.display import display
from matplotlib.figure import Figure

__all__ = ["widget_box", "plot_output", "redraw", "show_figure"]


def plot_output() -> W.Output:
    """An ``Output`` area for a figure, tagged ``dlbasics-plot`` (browser tests find it)."""
    out = W.Output()
    out.add_class("dlbasics-plot")
    return out


def redraw(out: W.Output, draw: Callable[[], Any]) -> None:
    """Clear ``out`` and show the figure that ``draw()`` returns, without flicker.

    ``clear_output(wait=True)`` keeps the old image until the new one arrives.
    """
    with out:
        fig = draw()
        out.clear_output(wait=True)
        display(fig)
        plt.close(fig)


def widget_box(controls: Sequence[W.Widget], out: W.Output, *, title: str | None = None,
               vertical: bool = False) -> W.Box:
    """Controls beside (or above) the plot, in a box tagged ``dlbasics-widget``."""
    panel = W.VBox(list(controls), layout=W.Layout(min_width="290px"))
    body: W.Box = W.VBox([panel, out]) if vertical else W.HBox([panel, out])
    children: list[W.Widget] = [body]
    if title:
        children.insert(0, W.HTML(f"<b>{title}</b>"))
    box = W.VBox(children)
    box.add_class("dlbasics-widget")
    return box


def show_figure(out: W.Output, fig: Figure) -> None:
    """Replace what ``out`` shows by a PNG of ``fig``, in a single update.

    Setting the ``Output`` widget's ``outputs`` at once (rather than clearing it and then
    displaying) swaps the old image for the new one without a blank frame, and also works
    without a running kernel, which keeps the widgets testable.
    """
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi, pil_kwargs={"compress_level": 1})  # fast to encode
    width, height = (fig.get_size_inches() * fig.dpi).round().astype(int)
    _show_png(out, buf.getvalue(), int(width), int(height))


def _show_png(out: W.Output, png: bytes, width: int, height: int) -> None:
    out.outputs = (
        {
            "output_type": "display_data",
            "data": {
                "image/png": base64.b64encode(png).decode("ascii"),
                "text/plain": f"<Figure size {width}x{height}>",
            },
            "metadata": {"image/png": {"width": width, "height": height}},
        },
    )
