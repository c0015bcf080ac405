"""The widgets that draw in the browser, driven in JupyterLab in headless Chromium.

A scratch notebook (written under ``artifacts/``, removed afterwards) shows ``weight_slider``,
``neuron_explorer`` and ``mlp_playground``. For each, the test uses the main controls from the
keyboard or the mouse, as a learner would, and reads the canvas' pixels in the page:

* a slider moved with the arrow keys repaints the canvas;
* the playground trains while playing (its picture keeps changing and the epoch counter rises),
  stops when paused, and a feature toggle changes the decision boundary;
* hovering over a hidden unit of the playground's network shows that unit's own output.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from widget_page import notebook_page, pixels, wait_for_change, widget

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("DLBASICS_CHROMIUM", "/usr/bin/chromium")
SCRATCH = REPO_ROOT / "artifacts" / "browser" / "scratch"

pytestmark = pytest.mark.browser

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} not found (apt-get install chromium, or set DLBASICS_CHROMIUM)",
                allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

CELLS = [
    "from dlbasics.widgets import mlp_playground, neuron_explorer, weight_slider",
    "weight_slider()",
    'neuron_explorer(activation="sigmoid")',
    'mlp_playground("xor", hidden=(4,), activation="tanh")',
]

@pytest.fixture(scope="module")
def page(chromium_context, jupyter_lab):
    with notebook_page(chromium_context, jupyter_lab, SCRATCH, CELLS, canvases=3) as page:
        yield page


@pytest.mark.parametrize("k", [0, 1], ids=["weight_slider", "neuron_explorer"])
def test_arrow_key_on_slider_repaints(page, k: int) -> None:
    box = widget(page, k)
    assert box.locator(".dlbasics-plot canvas").count() == 1  # the canvas is the tagged plot
    canvas = box.locator("canvas.dlbasics-canvas")
    assert canvas.get_attribute("tabindex") == "0" and canvas.get_attribute("aria-label")
    before = pixels(page, k)
    handle = box.locator(".noUi-handle").first
    handle.focus()
    page.keyboard.press("ArrowRight")
    assert wait_for_change(page, k, before) != before, "the canvas did not repaint after ArrowRight"


def _button(box, name: str):
    return box.get_by_role("button", name=name)


def _epoch(box) -> int:
    text = box.locator(".widget-html").filter(has_text="epoch").first.inner_text()
    return int(text.split("epoch")[1].split("·")[0])


def test_playground_plays_pauses_and_toggles_features(page) -> None:
    box = widget(page, 2)
    box.scroll_into_view_if_needed()
    k = 2
    start = pixels(page, k)
    _button(box, "Play").click()
    seen = {start}
    t_end = time.monotonic() + 3.0
    while time.monotonic() < t_end:
        seen.add(pixels(page, k))
        time.sleep(0.1)
    assert len(seen) >= 5, f"while playing the picture changed only {len(seen) - 1} times in 3 s"
    _button(box, "Pause").click()
    time.sleep(0.6)  # frames already on their way arrive
    paused, epoch = pixels(page, k), _epoch(box)
    assert epoch >= 10, f"only {epoch} epochs in 3 s of playing"
    time.sleep(1.0)
    assert pixels(page, k) == paused and _epoch(box) == epoch, "pause did not stop the training"

    _button(box, "x₁x₂").click()  # a new input feature: a new network, another boundary
    assert wait_for_change(page, k, paused) != paused
    assert _epoch(box) == 0


def test_playground_hover_shows_a_units_output(page) -> None:
    box = widget(page, 2)
    canvas = box.locator("canvas.dlbasics-canvas")
    canvas.scroll_into_view_if_needed()
    page.mouse.move(0, 0)
    time.sleep(0.3)
    before = pixels(page, 2)
    bounds = canvas.bounding_box()
    assert bounds
    # panel (50, 40, 360, 290) spans columns x = -0.5 .. 2.5, rows y = -2 .. 2: unit 1 at (1, 1.5)
    x = bounds["x"] + 50 + (1 + 0.5) / 3 * 360
    y = bounds["y"] + 40 + (2 - 1.5) / 4 * 290
    page.mouse.move(x, y)
    after = wait_for_change(page, 2, before)
    assert after != before, "hovering a hidden unit did not change the picture"
    page.mouse.move(bounds["x"] + 5, bounds["y"] + bounds["height"] - 5)  # leave the nodes
    back = wait_for_change(page, 2, after)
    assert back != after

    canvas.focus()  # from the keyboard: the arrow keys walk through the nodes
    page.keyboard.press("ArrowRight")
    assert wait_for_change(page, 2, back) != back, "the arrow keys on the canvas did not pick a node"
