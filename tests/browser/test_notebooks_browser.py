"""Every course notebook, run in JupyterLab in headless Chromium, as a learner would.

For each ``course/*.ipynb`` (or ``$DLBASICS_COURSE_DIR/*.ipynb``) the test opens the notebook,
runs all cells, and checks that

* every non-empty code cell ran and no cell raised (cells tagged ``raises-exception`` may);
* every widget rendered: no "Loading widget..." left, no raw ``VBox(...)`` text reprs;
* every main widget (an ipywidgets box with CSS class ``dlbasics-widget``) redraws its plot
  (the child with class ``dlbasics-plot``) when its first slider moves -- or, with no slider,
  when its first button is clicked, or its first dropdown changes. The plot's screenshots
  before and after are saved to ``artifacts/browser/<notebook>-before.png`` / ``-after.png``
  and must differ;
* notebooks ``04*`` and ``06*`` train live: an image inside a ``dlbasics-live`` element (or,
  without one, any output image) changes at least twice while the cells run.

A notebook must have at least one ``dlbasics-widget`` unless its metadata says otherwise,
``{"dlbasics": {"widgets": 0}}``, or its name is in ``WIDGETLESS``. A summary of each run is
written to ``artifacts/browser/<notebook>.json``.

Environment: ``DLBASICS_BROWSER_TIMEOUT`` seconds for running one notebook's cells
(default 120).
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("DLBASICS_CHROMIUM", "/usr/bin/chromium")
COURSE_DIR = Path(os.environ.get("DLBASICS_COURSE_DIR", REPO_ROOT / "course")).resolve()

pytestmark = pytest.mark.browser

if not Path(CHROMIUM).exists():
    pytest.skip(
        f"{CHROMIUM} not found (apt-get install chromium, or set DLBASICS_CHROMIUM)",
        allow_module_level=True,
    )
pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

RUN_TIMEOUT_S = float(os.environ.get("DLBASICS_BROWSER_TIMEOUT", "120"))
REDRAW_TIMEOUT_S = 20.0
POLL_S = 0.25
ARTIFACTS = REPO_ROOT / "artifacts" / "browser"
LIVE_PREFIXES = ("04", "06")
WIDGETLESS: set[str] = set()  # notebook stems allowed to have no dlbasics-widget
RAW_WIDGET_REPR = re.compile(
    r"^\s*(VBox|HBox|Box|GridBox|interactive|Tab|Accordion|Stack|AppLayout|GridspecLayout)\("
)
ANSI = re.compile(r"\x1b\[[0-9;]*m")

NOTEBOOKS = sorted(COURSE_DIR.glob("*.ipynb"))

# --------------------------------------------------------------------------- page scripts

OPEN_JS = """
async (path) => {
  const app = window.jupyterapp;
  await app.restored;
  const widget = await app.commands.execute('docmanager:open', {
    path, factory: 'Notebook', kernel: {name: 'python3'},
  });
  await widget.context.ready;
  await widget.sessionContext.ready;
  app.shell.activateById(widget.id);
  window.__dlbasics = {widget, done: false, result: null, error: null};
}
"""

KERNEL_STATUS_JS = """
() => {
  const kernel = window.__dlbasics.widget.sessionContext.session?.kernel;
  return kernel ? kernel.status : null;
}
"""

RUN_ALL_JS = """
() => {
  const s = window.__dlbasics;
  window.jupyterapp.commands.execute('notebook:run-all-cells').then(
    (r) => { s.result = r; s.done = true; },
    (e) => { s.error = String(e); s.done = true; },
  );
}
"""

STATE_JS = """
() => {
  const s = window.__dlbasics;
  const stderrSel = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]';
  const plainSel = '.jp-OutputArea-output[data-mime-type="text/plain"]';
  const cells = [];
  s.widget.content.widgets.forEach((cell, index) => {
    if (cell.model.type !== 'code') return;
    const outputs = [];
    for (let j = 0; j < cell.model.outputs.length; j++) outputs.push(cell.model.outputs.get(j).toJSON());
    cells.push({
      index,
      source: cell.model.sharedModel.getSource(),
      count: cell.model.executionCount,
      tags: cell.model.getMetadata('tags') || [],
      errors: outputs.filter((o) => o.output_type === 'error')
        .map((o) => `${o.ename}: ${o.evalue}\\n${(o.traceback || []).join('\\n')}`),
      stderr: [...cell.node.querySelectorAll(stderrSel)].map((e) => e.innerText),
      plain: [...cell.node.querySelectorAll(plainSel)].map((e) => e.innerText),
      loading: cell.node.innerText.includes('Loading widget'),
    });
  });
  const kernel = s.widget.sessionContext.session?.kernel;
  return {done: s.done, result: s.result, error: s.error,
          kernel: kernel ? kernel.status : null, cells};
}
"""

# Fingerprints of every output image: keys 'live:<k>:<j>' for images inside the k-th
# .dlbasics-live element, 'cell:<i>:<j>' for the j-th image of cell i.
IMAGES_JS = """
() => {
  const hash = (s) => {
    let h = 0x811c9dc5;
    for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193); }
    return `${s.length}:${h >>> 0}`;
  };
  const out = {};
  const nb = window.__dlbasics.widget.content;
  nb.node.querySelectorAll('.dlbasics-live').forEach((live, k) => {
    live.querySelectorAll('img').forEach((img, j) => { out[`live:${k}:${j}`] = hash(img.src); });
  });
  nb.widgets.forEach((cell, i) => {
    const area = cell.node.querySelector('.jp-OutputArea');
    if (!area) return;
    area.querySelectorAll('img').forEach((img, j) => { out[`cell:${i}:${j}`] = hash(img.src); });
  });
  return out;
}
"""

CLOSE_JS = """
async () => {
  const s = window.__dlbasics;
  if (!s) return;
  try { await s.widget.sessionContext.shutdown(); } catch (e) { /* already gone */ }
  s.widget.context.model.dirty = false;
  s.widget.dispose();
}
"""


# --------------------------------------------------------------------------- helpers


class ImageChanges:
    """Counts, for every output image, how often its content changed while sampling."""

    def __init__(self) -> None:
        self.history: dict[str, list[str]] = {}

    def sample(self, page) -> None:
        for key, digest in page.evaluate(IMAGES_JS).items():
            seen = self.history.setdefault(key, [])
            if not seen or seen[-1] != digest:
                seen.append(digest)

    def changes(self, prefix: str) -> int:
        counts = [len(v) - 1 for k, v in self.history.items() if k.startswith(prefix)]
        return max(counts, default=0)


def expected_widgets(notebook: Path) -> int | None:
    """Minimum number of ``dlbasics-widget`` boxes: from metadata, else 1 (0 if WIDGETLESS)."""
    meta = json.loads(notebook.read_text()).get("metadata", {}).get("dlbasics", {})
    if "widgets" in meta:
        return int(meta["widgets"])
    return 0 if notebook.stem in WIDGETLESS else 1


def stable_screenshot(locator, timeout_s: float = 5.0) -> bytes:
    """Screenshot ``locator`` once two shots in a row agree (a redraw may be half done)."""
    shot = locator.screenshot(animations="disabled")
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        time.sleep(0.3)
        again = locator.screenshot(animations="disabled")
        if again == shot:
            return shot
        shot = again
    return shot


def wait_for_redraw(locator, before: bytes, timeout_s: float = REDRAW_TIMEOUT_S) -> bytes:
    """The plot's first stable screenshot that differs from ``before`` (or the last one)."""
    deadline = time.monotonic() + timeout_s
    shot = before
    while time.monotonic() < deadline:
        time.sleep(POLL_S)
        shot = locator.screenshot(animations="disabled")
        if shot != before:
            return stable_screenshot(locator)
    return shot


def wait_for_plot(plot, timeout_s: float = 15.0) -> None:
    """Wait until the plot element holds something visible with a non-empty box."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        box = plot.bounding_box()
        if box and box["width"] > 10 and box["height"] > 10:
            return
        time.sleep(POLL_S)
    pytest.fail("the .dlbasics-plot element stayed empty (nothing was drawn)")


def interact(widget, plot, before: bytes) -> tuple[str, bytes]:
    """Move the first slider (else click the first button, else change the first dropdown).

    Returns a description of what was done and the plot's screenshot afterwards.
    """
    page = widget.page
    handles = widget.locator(".noUi-handle")
    if handles.count():
        handle = handles.first
        for key in ("ArrowRight", "ArrowLeft"):  # ArrowLeft if the slider sat at its maximum
            handle.focus()
            for _ in range(3):
                page.keyboard.press(key)
            after = wait_for_redraw(plot, before, timeout_s=REDRAW_TIMEOUT_S / 2)
            if after != before:
                return f"slider {key} x3", after
        box = handle.bounding_box()  # last resort: drag the handle with the mouse
        if box:
            x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            page.mouse.move(x, y)
            page.mouse.down()
            page.mouse.move(x - 60, y, steps=5)
            page.mouse.up()
        return "slider drag", wait_for_redraw(plot, before)
    buttons = widget.locator("button")
    if buttons.count():
        buttons.first.click()
        return "button click", wait_for_redraw(plot, before)
    selects = widget.locator("select")
    if selects.count():
        options = selects.first.locator("option")
        current = selects.first.input_value()
        values = [options.nth(i).get_attribute("value") for i in range(options.count())]
        other = next((v for v in values if v != current), None)
        if other is not None:
            selects.first.select_option(other)
            return "dropdown change", wait_for_redraw(plot, before)
    pytest.fail("this dlbasics-widget has no slider, button or dropdown to interact with")


def cell_errors(state: dict) -> list[str]:
    """Errors of cells not tagged ``raises-exception``: error outputs, printed tracebacks."""
    errors = []
    for cell in state["cells"]:
        if "raises-exception" in cell["tags"]:
            continue
        errors += [f"{cell_label(cell)}:\n{ANSI.sub('', e)}" for e in cell["errors"]]
        if not cell["errors"]:  # e.g. a widget callback's traceback, shown in its Output
            errors += [
                f"{cell_label(cell)} shows a traceback:\n{text}"
                for text in cell["stderr"]
                if "Traceback" in text
            ]
    return errors


def cell_label(cell: dict) -> str:
    first = cell["source"].strip().splitlines()[0] if cell["source"].strip() else ""
    return f"cell {cell['index']} ({first[:60]!r})"


# --------------------------------------------------------------------------- the test


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_notebook_in_jupyterlab(notebook: Path, lab_page, jupyter_lab) -> None:
    page = lab_page
    on_disk = notebook.read_bytes()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    summary: dict[str, object] = {"notebook": notebook.name}
    try:
        _run_and_check(page, notebook, jupyter_lab, summary)
    finally:
        page.evaluate(CLOSE_JS)
        (ARTIFACTS / f"{notebook.stem}.json").write_text(json.dumps(summary, indent=2) + "\n")
    assert notebook.read_bytes() == on_disk, "the test must not rewrite the notebook on disk"


def _run_and_check(page, notebook: Path, lab, summary: dict) -> None:
    page.evaluate(OPEN_JS, lab.relpath(notebook))
    deadline = time.monotonic() + 60
    while page.evaluate(KERNEL_STATUS_JS) != "idle":
        assert time.monotonic() < deadline, "the kernel did not start within 60 s"
        time.sleep(POLL_S)

    # Run all cells, sampling output images meanwhile to see live redraws.
    images = ImageChanges()
    start = time.monotonic()
    page.evaluate(RUN_ALL_JS)
    while not page.evaluate("() => window.__dlbasics.done"):
        images.sample(page)
        if time.monotonic() - start > RUN_TIMEOUT_S:
            state = page.evaluate(STATE_JS)
            pending = [cell_label(c) for c in state["cells"] if c["count"] is None]
            pytest.fail(f"cells still running after {RUN_TIMEOUT_S:.0f} s; not run: {pending}")
        time.sleep(POLL_S)
    summary["run_seconds"] = round(time.monotonic() - start, 1)
    deadline = time.monotonic() + 30
    while (state := page.evaluate(STATE_JS))["kernel"] != "idle":
        assert time.monotonic() < deadline, f"kernel still {state['kernel']} after run-all"
        time.sleep(POLL_S)
    images.sample(page)
    summary["image_changes"] = {"live": images.changes("live:"), "any": images.changes("")}

    # 1. every cell ran, none raised.
    assert state["error"] is None, f"run-all failed: {state['error']}"
    errors = cell_errors(state)
    assert not errors, "\n\n".join(errors)
    not_run = [cell_label(c) for c in state["cells"] if c["source"].strip() and c["count"] is None]
    assert not not_run, f"cells that did not run: {not_run}"

    # 2. every widget rendered.
    deadline = time.monotonic() + 15
    while any(c["loading"] for c in state["cells"]) and time.monotonic() < deadline:
        time.sleep(POLL_S)
        state = page.evaluate(STATE_JS)
    loading = [cell_label(c) for c in state["cells"] if c["loading"]]
    assert not loading, f"widgets still 'Loading widget...': {loading}"
    raw = [
        f"{cell_label(c)}: {text[:80]!r}"
        for c in state["cells"]
        for text in c["plain"]
        if RAW_WIDGET_REPR.match(text)
    ]
    assert not raw, f"widgets shown as text (widget manager missing?): {raw}"

    # 3. every main widget redraws its plot when used.
    widgets = page.locator(".jp-Notebook .dlbasics-widget")
    n_widgets = widgets.count()
    summary["widgets"] = n_widgets
    minimum = expected_widgets(notebook)
    assert n_widgets >= minimum, (
        f"expected at least {minimum} element(s) with class dlbasics-widget, found {n_widgets}"
    )
    interactions = []
    for i in range(n_widgets):
        widget = widgets.nth(i)
        plots = widget.locator(".dlbasics-plot")
        assert plots.count() >= 1, f"dlbasics-widget #{i + 1} has no child with class dlbasics-plot"
        plot = plots.first
        plot.scroll_into_view_if_needed()
        wait_for_plot(plot)
        before = stable_screenshot(plot)
        action, after = interact(widget, plot, before)
        stem = notebook.stem if i == 0 else f"{notebook.stem}-w{i + 1}"
        (ARTIFACTS / f"{stem}-before.png").write_bytes(before)
        (ARTIFACTS / f"{stem}-after.png").write_bytes(after)
        widget.screenshot(path=ARTIFACTS / f"{stem}-widget.png", animations="disabled")
        interactions.append(action)
        # A callback that raised also changes the plot: look for its traceback first.
        errors = cell_errors(page.evaluate(STATE_JS))
        assert not errors, f"after {action} on dlbasics-widget #{i + 1}:\n" + "\n\n".join(errors)
        assert after != before, f"dlbasics-widget #{i + 1}: the plot did not change after {action}"
    summary["interactions"] = interactions

    # 4. live training redraws while it runs.
    if notebook.name.startswith(LIVE_PREFIXES):
        has_live = any(k.startswith("live:") for k in images.history)
        changes = images.changes("live:" if has_live else "")
        where = "inside .dlbasics-live" if has_live else "in any output"
        assert changes >= 2, (
            f"live training: an image {where} changed {changes} time(s) during the run, expected at least 2"
        )
