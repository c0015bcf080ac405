"""One architecture for every widget of the course.

A widget is a small class derived from :class:`LiveWidget`:

* it owns its state and its controls (ipywidgets: labelled and usable from the keyboard);
* every control observes into one method, :meth:`LiveWidget.update`, through :meth:`LiveWidget.watch`;
  the one re-entry guard lives in :meth:`LiveWidget.refresh` (a change made while an update runs
  — e.g. a callback that moves another slider — triggers one more update, never a nested one);
* it draws into a surface that persists between updates: a :class:`~dlbasics.widgets._canvas.Canvas`
  for pictures that change on every interaction (the kernel sends arrays, the browser paints them),
  a matplotlib figure shown with :func:`show_figure` for panels that change rarely;
* :meth:`LiveWidget.box` lays the controls and the surface out in a :class:`WidgetBox`, whose output
  also carries a PNG of the current picture, so that static pages (GitHub, nbviewer, the docs) show
  something where a live kernel shows the widget.

Continuous work (training while "play" is on) runs in a :class:`Ticker`: an asyncio task in the
kernel's event loop that calls one ``tick()`` per frame and sleeps in between, so that messages from
the controls are handled between frames. Tests call ``tick()`` directly.
"""

from __future__ import annotations

import asyncio
import base64
import io
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import ipywidgets as W
import matplotlib.pyplot as plt
from IPython.display import display
from matplotlib.figure import Figure

__all__ = ["LiveWidget", "WidgetBox", "Ticker", "widget_box", "plot_output", "redraw", "show_figure"]


class WidgetBox(W.VBox):  # type: ignore[misc]
    """The box of a main widget (CSS class ``dlbasics-widget``), with a picture for static pages.

    Its output bundle holds the widget view and an ``image/png`` of the current picture: JupyterLab,
    Notebook 7, VS Code and Colab show the live widget, pages without a kernel show the PNG.
    """

    def snapshot(self) -> bytes | None:
        """PNG of the first plot inside the box (a Canvas, or a figure shown in an Output)."""
        return _snapshot(self)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        try:
            png = self.snapshot()
        except Exception:  # a picture for static pages must never break the live widget
            png = None
        if png and _has_canvas(self):
            self._keep_in_state(png)
        data = super()._repr_mimebundle_(**kwargs)
        if isinstance(data, dict) and png:
            data["image/png"] = base64.b64encode(png).decode("ascii")
        return data

    def _keep_in_state(self, png: bytes) -> None:
        """Keep the picture in the saved widget state too, as an Image (class ``dlbasics-snapshot``).

        Pages that draw saved widgets without running them (the docs site, nbviewer) show the
        ipywidgets controls but cannot load the canvas' module; they show this Image instead. Where
        the canvas runs, its stylesheet (``static/canvas.css``) hides the Image.
        """
        children: tuple[W.Widget, ...] = tuple(self.children)  # type: ignore[has-type]
        snap = next((c for c in children if "dlbasics-snapshot" in c._dom_classes), None)
        if snap is None:
            snap = W.Image(format="png")
            snap.add_class("dlbasics-snapshot")
            self.children = (snap, *children)  # first: the body stays children[-1]
        width = int.from_bytes(png[16:20], "big")  # from the PNG's header: show it at its own size
        snap.layout = W.Layout(width=f"{width}px", max_width="100%")
        snap.value = png


def _has_canvas(widget: Any) -> bool:
    from dlbasics.widgets._canvas import Canvas

    return isinstance(widget, Canvas) or any(_has_canvas(c) for c in getattr(widget, "children", ()))


def _snapshot(widget: Any) -> bytes | None:
    from dlbasics.widgets._canvas import Canvas

    if isinstance(widget, Canvas):
        return widget.to_png() if widget.scene else None
    if isinstance(widget, W.Output):
        fig = getattr(widget, "_dlbasics_figure", None)
        if fig is not None:
            return _png(fig)
        for output in widget.outputs:
            png = output.get("data", {}).get("image/png")
            if png:
                return base64.b64decode(png)
        return None
    for child in getattr(widget, "children", ()):
        png = _snapshot(child)
        if png:
            return png
    return None


class LiveWidget:
    """Base class of the course's widgets: state, controls, one ``update()`` and one guard.

    Subclasses create their controls, call :meth:`watch` on them, build ``self.widget`` with
    :meth:`box` and implement :meth:`update` (read the controls, compute with the library, draw).
    """

    widget: WidgetBox

    def __init__(self) -> None:
        self._updating = False
        self._again = False
        self._held = 0

    def watch(self, *controls: W.Widget, names: str = "value") -> None:
        """Call :meth:`refresh` whenever one of ``controls`` changes."""
        for control in controls:
            control.observe(self.refresh, names=names)

    def refresh(self, change: Any = None) -> None:
        """Run :meth:`update`, once, however the change came in (the one re-entry guard)."""
        if self._updating or self._held:
            self._again = True
            return
        self._updating = True
        try:
            self._again = False
            self.update()
            while self._again:  # something changed while we drew: draw once more
                self._again = False
                self.update()
        finally:
            self._updating = False

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Change several controls at once with one update at the end."""
        self._held += 1
        try:
            yield
        finally:
            self._held -= 1
            if not self._held and self._again:
                self.refresh()

    def update(self) -> None:  # pragma: no cover - every widget defines it
        raise NotImplementedError

    def box(self, controls: Sequence[W.Widget], plot: W.Widget, *, title: str | None = None,
            vertical: bool = False) -> WidgetBox:
        """Lay out ``controls`` beside (or above) ``plot``; the box knows its owner as ``.owner``."""
        self.widget = widget_box(controls, plot, title=title, vertical=vertical)
        self.widget.owner = self
        return self.widget


class Ticker:
    """Call ``tick()`` about ``fps`` times a second in the kernel's event loop until stopped.

    ``tick()`` returns False to stop by itself (an exception stops it too, its traceback goes to
    the kernel's log); ``on_stop()`` is then called, e.g. to show a Play button again. Between two
    ticks the task sleeps, so the kernel handles the messages of the controls (a slider moved while
    training takes effect at the next frame). Without a running event loop (a plain script)
    :meth:`start` raises.
    """

    def __init__(self, tick: Callable[[], bool | None], fps: float = 20.0,
                 on_stop: Callable[[], None] | None = None) -> None:
        self.tick, self.fps, self.on_stop = tick, float(fps), on_stop
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        if self.running:
            return
        try:
            loop = asyncio.get_running_loop()  # a Jupyter kernel always runs one
        except RuntimeError:
            raise RuntimeError("Ticker.start: no running event loop; in a script, call tick() "
                               "yourself or run inside asyncio") from None
        self._task = loop.create_task(self._run())

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def _run(self) -> None:
        period = 1.0 / self.fps
        while True:
            start = time.perf_counter()
            try:
                more = self.tick()
            except Exception:  # shown in the kernel's log; the widget stays usable
                traceback.print_exc()
                more = False
            if more is False:
                self._task = None
                if self.on_stop is not None:
                    self.on_stop()
                return
            # sleep at least a little, so that control messages always get in between frames
            await asyncio.sleep(max(0.005, period - (time.perf_counter() - start)))


# -- layout and matplotlib panels --------------------------------------------------------------
def plot_output() -> W.Output:
    """An ``Output`` area for a figure, tagged ``dlbasics-plot`` (browser tests find it)."""
    out = W.Output()
    out.add_class("dlbasics-plot")
    return out


def redraw(out: W.Output, draw: Callable[[], Any]) -> None:
    """Clear ``out`` and show the figure that ``draw()`` returns, without flicker.

    ``clear_output(wait=True)`` keeps the old image until the new one arrives. The figure is
    remembered for the widget's picture on static pages.
    """
    with out:
        fig = draw()
        out.clear_output(wait=True)
        display(fig)
        out._dlbasics_figure = fig
        plt.close(fig)


def widget_box(controls: Sequence[W.Widget], out: W.Widget, *, title: str | None = None,
               vertical: bool = False) -> WidgetBox:
    """Controls beside (or above) the plot, in a box tagged ``dlbasics-widget``."""
    panel = W.VBox(list(controls), layout=W.Layout(min_width="290px"))
    body: W.Box = W.VBox([panel, out]) if vertical else W.HBox([panel, out])
    children: list[W.Widget] = [body]
    if title:
        children.insert(0, W.HTML(f"<b>{title}</b>"))
    box = WidgetBox(children)
    box.add_class("dlbasics-widget")
    return box


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi, pil_kwargs={"compress_level": 1})  # fast to encode
    return buf.getvalue()


def show_figure(out: W.Output, fig: Figure) -> None:
    """Replace what ``out`` shows by a PNG of ``fig``, in a single update.

    Setting the ``Output`` widget's ``outputs`` at once (rather than clearing it and then
    displaying) swaps the old image for the new one without a blank frame, and also works
    without a running kernel, which keeps the widgets testable.
    """
    width, height = (fig.get_size_inches() * fig.dpi).round().astype(int)
    _show_png(out, _png(fig), int(width), int(height))


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
