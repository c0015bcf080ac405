"""A scratch notebook of widgets, open and run in JupyterLab: what the widgets' browser tests share.

``notebook_page`` writes the cells to a scratch notebook, opens it in the page, runs every cell,
waits for the widgets' canvases, and at the end shuts the kernel down and removes the notebook.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

OPEN_AND_RUN_JS = """
async (path) => {
  const app = window.jupyterapp;
  await app.restored;
  const widget = await app.commands.execute('docmanager:open', {
    path, factory: 'Notebook', kernel: {name: 'python3'},
  });
  await widget.context.ready;
  await widget.sessionContext.ready;
  app.shell.activateById(widget.id);
  while (widget.sessionContext.session?.kernel?.status !== 'idle') {
    await new Promise((r) => setTimeout(r, 100));
  }
  window.__w = {widget, done: false};
  app.commands.execute('notebook:run-all-cells').then(() => { window.__w.done = true; });
}
"""

CLOSE_JS = """
async () => {
  const s = window.__w;
  if (!s) return;
  try { await s.widget.sessionContext.shutdown(); } catch (e) { /* already gone */ }
  s.widget.context.model.dirty = false;
  s.widget.dispose();
}
"""


def scratch_notebook(cells: Sequence[str]) -> dict[str, Any]:
    """A notebook of these code cells, not yet run."""
    code = [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": src}
            for src in cells]
    return {"cells": code, "nbformat": 4, "nbformat_minor": 5,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}}


@contextmanager
def notebook_page(chromium_context: Any, jupyter_lab: Any, scratch: Path, cells: Sequence[str],
                  canvases: int) -> Iterator[Any]:
    """A page with the scratch notebook of ``cells`` run, once ``canvases`` canvases are drawn."""
    scratch.mkdir(parents=True, exist_ok=True)
    path = scratch / "widgets.ipynb"
    path.write_text(json.dumps(scratch_notebook(cells)))
    page = chromium_context.new_page()
    try:
        page.goto(f"{jupyter_lab.base_url}/lab?reset&token={jupyter_lab.token}")
        page.wait_for_function("() => !!window.jupyterapp", timeout=60_000)
        page.evaluate(OPEN_AND_RUN_JS, jupyter_lab.relpath(path))
        page.wait_for_function("() => window.__w && window.__w.done", timeout=120_000, polling=250)
        drawn = "'.jp-Notebook .dlbasics-widget canvas.dlbasics-canvas'"
        page.wait_for_function(f"() => document.querySelectorAll({drawn}).length >= {canvases}",
                               timeout=60_000)
        time.sleep(1.0)
        yield page
    finally:
        try:
            page.evaluate(CLOSE_JS)
        finally:
            page.close()
            shutil.rmtree(scratch, ignore_errors=True)


def until_changed(read: Callable[[], str], before: str, timeout_s: float = 10.0) -> str:
    """What ``read()`` gives once it differs from ``before`` (``before`` after ``timeout_s``)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        now = read()
        if now != before:
            return now
        time.sleep(0.05)
    return before


# a digest of what the (first) canvas of widget k shows: all its pixels
PIXELS_JS = """
(k) => {
  const box = document.querySelectorAll('.jp-Notebook .dlbasics-widget')[k];
  const c = box.querySelector('canvas.dlbasics-canvas');
  const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  const words = new Uint32Array(data.buffer);
  let h = 0x811c9dc5;
  for (let i = 0; i < words.length; i++) { h ^= words[i]; h = Math.imul(h, 0x01000193); }
  return `${c.width}x${c.height}:${h >>> 0}`;
}
"""


def pixels(page: Any, k: int) -> str:
    """A digest of widget k's canvas."""
    return page.evaluate(PIXELS_JS, k)


def wait_for_change(page: Any, k: int, before: str, timeout_s: float = 10.0) -> str:
    """Widget k's canvas digest once it differs from ``before``."""
    return until_changed(lambda: pixels(page, k), before, timeout_s)


def widget(page: Any, k: int) -> Any:
    """The k-th dlbasics widget of the notebook."""
    return page.locator(".jp-Notebook .dlbasics-widget").nth(k)
