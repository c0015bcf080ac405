"""Draw a digit in JupyterLab in headless Chromium, as a learner would, and read the network's answer.

A small notebook, written to a temporary folder, trains a network on the shipped MNIST sample
and shows ``draw_digit(net)``. The test draws with the mouse in many small steps (a 1 as one
stroke, a 0 as a loop, a 7 as two strokes), checks that the answer the page shows — sent by the
kernel after preparing the drawing like an MNIST digit — is the digit drawn, and that clear
empties the canvas, the image the network sees and the answer. Screenshots go to
``artifacts/browser/draw_digit-*.png``.
"""

from __future__ import annotations

import json
import math
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "artifacts" / "browser"
CHROMIUM = Path(__import__("os").environ.get("DLBASICS_CHROMIUM", "/usr/bin/chromium"))

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} not found (apt-get install chromium, or set DLBASICS_CHROMIUM)",
                allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

CELLS = [
    "import dlbasics as dl\n"
    "from dlbasics.mnist import load_mnist_sample\n"
    "from dlbasics.widgets import draw_digit\n"
    "X_train, y_train, X_test, y_test = load_mnist_sample().flat()\n"
    "net = dl.mlp([784, 64, 10], rng=0)\n"
    "_ = dl.fit(net, X_train, y_train, optimizer=dl.Adam(net.parameters(), lr=1e-3), epochs=8,\n"
    "           batch_size=64, rng=0)\n"
    "print(f'test accuracy {(net.predict(X_test) == y_test).mean():.1%}')",
    "canvas = draw_digit(net, example=False)\ncanvas",
]

OPEN_AND_RUN_JS = """
async (path) => {
  const app = window.jupyterapp;
  const widget = await app.commands.execute('docmanager:open', {
    path, factory: 'Notebook', kernel: {name: 'python3'},
  });
  await widget.context.ready;
  await widget.sessionContext.ready;
  app.shell.activateById(widget.id);
  window.__draw = {widget, done: false, error: null};
  while (widget.sessionContext.session?.kernel?.status !== 'idle') {
    await new Promise((r) => setTimeout(r, 200));
  }
  app.commands.execute('notebook:run-all-cells').then(
    () => { window.__draw.done = true; },
    (e) => { window.__draw.error = String(e); window.__draw.done = true; },
  );
}
"""

ERRORS_JS = """
() => {
  const errors = [];
  window.__draw.widget.content.widgets.forEach((cell) => {
    if (cell.model.type !== 'code') return;
    for (let j = 0; j < cell.model.outputs.length; j++) {
      const o = cell.model.outputs.get(j).toJSON();
      if (o.output_type === 'error') errors.push(`${o.ename}: ${o.evalue}`);
    }
  });
  return errors;
}
"""

CLOSE_JS = """
async () => {
  const s = window.__draw;
  if (!s) return;
  try { await s.widget.sessionContext.shutdown(); } catch (e) { /* already gone */ }
  s.widget.context.model.dirty = false;
  s.widget.dispose();
}
"""

# how many of the 784 pixels of the "what the network sees" canvas are not white
SEEN_INK_JS = """
() => {
  const c = document.querySelector('.draw-digit-seen');
  const d = c.getContext('2d').getImageData(0, 0, 28, 28).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (d[i] < 250) n++;
  return n;
}
"""

# canvas coordinates: x right, y down, in [0, 1] of the drawing area
LOOP = [(0.5 + 0.2 * math.sin(a), 0.5 - 0.3 * math.cos(a)) for a in
        [2 * math.pi * k / 36 * 1.05 for k in range(37)]]
DIGITS: dict[int, list[list[tuple[float, float]]]] = {
    1: [[(0.53, 0.18), (0.5, 0.5), (0.47, 0.82)]],
    0: [LOOP],
    7: [[(0.28, 0.2), (0.72, 0.2)], [(0.72, 0.2), (0.58, 0.5), (0.47, 0.82)]],
}


@pytest.fixture
def draw_page(lab_page, jupyter_lab) -> Iterator[object]:
    """JupyterLab with the draw-a-digit notebook run, its canvas on screen."""
    page = lab_page
    ARTIFACTS.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="draw-digit-", dir=ARTIFACTS.parent))
    notebook = folder / "draw_digit.ipynb"
    cells = [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": src}
             for src in CELLS]
    notebook.write_text(json.dumps({
        "cells": cells, "nbformat": 4, "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    }))
    try:
        page.evaluate(OPEN_AND_RUN_JS, jupyter_lab.relpath(notebook))
        page.wait_for_function("() => window.__draw.done", timeout=120_000)
        assert page.evaluate("() => window.__draw.error") is None
        assert page.evaluate(ERRORS_JS) == []
        page.locator(".draw-digit-canvas").wait_for(timeout=30_000)
        page.locator(".draw-digit-canvas").scroll_into_view_if_needed()
        yield page
    finally:
        page.evaluate(CLOSE_JS)
        shutil.rmtree(folder, ignore_errors=True)


def draw(page, strokes: list[list[tuple[float, float]]]) -> None:
    """Draw each stroke with the mouse: press, move in many small steps, release."""
    box = page.locator(".draw-digit-canvas").bounding_box()
    assert box, "the drawing canvas is not on screen"

    def at(u: float, v: float) -> tuple[float, float]:
        return box["x"] + u * box["width"], box["y"] + v * box["height"]

    for stroke in strokes:
        page.mouse.move(*at(*stroke[0]))
        page.mouse.down()
        for a, b in zip(stroke[:-1], stroke[1:], strict=True):
            n = max(3, round(60 * math.dist(a, b)))  # about one mouse event per 1.7 % of the side
            page.mouse.move(*at(*b), steps=n)
        page.mouse.up()


def answer(page, timeout_s: float = 15.0, want: str | None = None) -> str:
    """The digit the page shows as the network's reading ("" for none), once it settles."""
    loc = page.locator(".draw-digit-answer")
    deadline = time.monotonic() + timeout_s
    shown = loc.get_attribute("data-digit") or ""
    while time.monotonic() < deadline:
        time.sleep(0.2)
        again = loc.get_attribute("data-digit") or ""
        if again == shown and (want is None or again == want):
            return again
        shown = again
    return shown


def test_draw_digits_and_clear(draw_page) -> None:
    page = draw_page
    widget = page.locator(".jp-Notebook .dlbasics-widget")
    assert widget.count() == 1 and widget.locator(".dlbasics-plot").count() == 1
    assert page.locator(".draw-digit-canvas").get_attribute("aria-label")
    clear = page.get_by_role("button", name="clear the drawing")
    assert answer(page) == "" and page.evaluate(SEEN_INK_JS) == 0
    for digit, strokes in DIGITS.items():
        t0 = time.monotonic()
        draw(page, strokes)
        read = answer(page, want=str(digit))
        seconds = time.monotonic() - t0
        widget.screenshot(path=ARTIFACTS / f"draw_digit-{digit}.png", animations="disabled")
        text = page.locator(".draw-digit-answer").inner_text()
        print(f"drew a {digit} in {seconds:.1f} s: {text}")
        assert read == str(digit), f"drew a {digit}, the page says: {text!r}"
        assert 40 < page.evaluate(SEEN_INK_JS) < 400  # the 28 x 28 image the network sees
        clear.click()
        assert answer(page, want="") == "", "clear left an answer on the page"
        assert page.evaluate(SEEN_INK_JS) == 0, "clear left ink in the image the network sees"
        assert "Draw a digit" in page.locator(".draw-digit-answer").inner_text()
    clear.focus()
    page.keyboard.press("Enter")  # the button works from the keyboard too
    assert answer(page) == ""


# One stroke dispatched inside the page, then the time from its pointerup to the moment the image
# the network sees shows ink: one kernel round trip (strokes out; 784 pixels and ten numbers back).
ROUND_TRIP_JS = """
async ({points, reps}) => {
  const canvas = document.querySelector('.draw-digit-canvas');
  const seen = document.querySelector('.draw-digit-seen');
  const clear = document.querySelector('.draw-digit-clear');
  const r = canvas.getBoundingClientRect();
  const ink = () => {
    const d = seen.getContext('2d').getImageData(0, 0, 28, 28).data;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 250) return true;
    return false;
  };
  const until = (cond) => new Promise((done) => {
    const t0 = performance.now();
    const poll = () => cond() ? done(performance.now())
      : performance.now() - t0 > 10000 ? done(NaN) : requestAnimationFrame(poll);
    poll();
  });
  const send = (type, [u, v]) => canvas.dispatchEvent(new PointerEvent(type, {
    pointerId: 1, pointerType: 'mouse', isPrimary: true, button: 0, buttons: 1, bubbles: true,
    clientX: r.left + u * r.width, clientY: r.top + v * r.height}));
  const times = [];
  for (let k = 0; k < reps; k++) {
    clear.click();
    await until(() => !ink());
    send('pointerdown', points[0]);
    for (const p of points.slice(1)) send('pointermove', p);
    const t0 = performance.now();
    send('pointerup', points[points.length - 1]);
    times.push((await until(ink)) - t0);
  }
  return times;
}
"""


def test_a_stroke_costs_one_round_trip(draw_page) -> None:
    """Figures only (no bound on the time): pointerup to the prepared image painted."""
    points = [(0.5, 0.2 + 0.6 * k / 40) for k in range(41)]
    times = draw_page.evaluate(ROUND_TRIP_JS, {"points": points, "reps": 15})
    assert all(t == t for t in times), f"the kernel did not answer every stroke: {times}"  # no NaN
    times.sort()
    print(f"pointerup -> image painted: median {times[len(times) // 2]:.0f} ms, "
          f"p90 {times[int(0.9 * (len(times) - 1))]:.0f} ms over {len(times)} strokes")
