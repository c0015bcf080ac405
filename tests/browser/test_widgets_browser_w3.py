"""The perceptron explorer, the backpropagation stepper and the optimizer race, driven in
JupyterLab in headless Chromium.

A scratch notebook (written under ``artifacts/``, removed afterwards) shows the three widgets of
notebooks 03, 05 and 06; the race also runs an optimizer class defined in the notebook, as a
learner's would be. For each, the test uses the main controls from the keyboard or the mouse and
reads the canvas' pixels in the page:

* a slider moved with the arrow keys repaints the canvas (w1, the stage, the learning rate);
* the perceptron's update button moves the line and says which point it used;
* the stepper's "next" and "apply update" buttons repaint it;
* the race's checkbox removes a path, and its play button animates the paths.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from widget_page import notebook_page, pixels, wait_for_change, widget

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("DLBASICS_CHROMIUM", "/usr/bin/chromium")
SCRATCH = REPO_ROOT / "artifacts" / "browser" / "scratch-perceptron-backprop-optim"

pytestmark = pytest.mark.browser

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} not found (apt-get install chromium, or set DLBASICS_CHROMIUM)",
                allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

CELLS = [
    "import numpy as np\nimport dlbasics as dl\n"
    "from dlbasics.widgets import backprop_stepper, optimizer_race, perceptron_explorer",
    'perceptron_explorer("blobs")',
    'backprop_stepper(dataset="xor", sizes=(2, 4, 3, 2), batch_size=6, lr=0.5)',
    "class Sign(dl.Optimizer):\n"
    "    def update(self, p, g, state, scratch):\n"
    "        p -= self.lr * np.sign(g)\n\n"
    'optimizer_race("valley", optimizers=("SGD", "Adam", Sign), steps=40)',
]
PERCEPTRON, STEPPER, RACE = 0, 1, 2

@pytest.fixture(scope="module")
def page(chromium_context, jupyter_lab):
    with notebook_page(chromium_context, jupyter_lab, SCRATCH, CELLS, canvases=3) as page:
        yield page


def settle(page, k: int, quiet_s: float = 0.5, timeout_s: float = 10.0) -> str:
    """The picture once it has stopped changing for ``quiet_s``."""
    last, since = pixels(page, k), time.monotonic()
    deadline = since + timeout_s
    while time.monotonic() < deadline:
        time.sleep(0.1)
        now = pixels(page, k)
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            break
    return last


def press_on_first_slider(page, k: int, key: str = "ArrowRight") -> None:
    box = widget(page, k)
    box.scroll_into_view_if_needed()
    handle = box.locator(".noUi-handle").first
    handle.focus()
    page.keyboard.press(key)


@pytest.mark.parametrize("k, first", [(PERCEPTRON, "w1"), (STEPPER, "stage"), (RACE, "learning rate η")],
                         ids=["perceptron_explorer", "backprop_stepper", "optimizer_race"])
def test_arrow_key_on_first_slider_repaints(page, k: int, first: str) -> None:
    box = widget(page, k)
    assert box.locator(".dlbasics-plot canvas").count() == 1  # the canvas is the tagged plot
    canvas = box.locator("canvas.dlbasics-canvas")
    assert canvas.get_attribute("tabindex") == "0" and canvas.get_attribute("aria-label")
    label = box.locator(".widget-slider").first.locator(".widget-label").first.inner_text().strip()
    assert label == first
    before = settle(page, k)
    press_on_first_slider(page, k)
    assert wait_for_change(page, k, before) != before, f"{first}: no repaint after ArrowRight"


def test_perceptron_update_button_moves_the_line(page) -> None:
    box = widget(page, PERCEPTRON)
    box.scroll_into_view_if_needed()
    before = settle(page, PERCEPTRON)
    box.get_by_role("button", name="one perceptron update").click()
    assert wait_for_change(page, PERCEPTRON, before) != before, "the update did not repaint"
    status = box.locator(".widget-html").filter(has_text="Point").first
    status.wait_for(timeout=10_000)
    assert "was predicted" in status.inner_text()


def test_stepper_buttons_repaint(page) -> None:
    box = widget(page, STEPPER)
    box.scroll_into_view_if_needed()
    before = settle(page, STEPPER)
    box.get_by_role("button", name="next ▶").click()
    after = wait_for_change(page, STEPPER, before)
    assert after != before, "next did not repaint"
    after = settle(page, STEPPER)
    box.get_by_role("button", name="apply update").click()
    assert wait_for_change(page, STEPPER, after) != after, "apply update did not repaint"
    info = box.locator(".widget-html").filter(has_text="iteration").first
    deadline = time.monotonic() + 10
    while "iteration 1," not in info.inner_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "iteration 1, stage 0" in info.inner_text()


def test_race_checkbox_and_play(page) -> None:
    box = widget(page, RACE)
    box.scroll_into_view_if_needed()
    assert box.get_by_role("checkbox", name="Sign").is_checked()  # the class defined in the notebook
    before = settle(page, RACE)
    box.get_by_role("checkbox", name="Adam").uncheck()
    assert wait_for_change(page, RACE, before) != before, "unticking Adam did not repaint"
    start = settle(page, RACE)
    box.locator(".widget-play button").first.click()  # play: the paths grow step by step
    seen = {start}
    t_end = time.monotonic() + 3.0
    while time.monotonic() < t_end:
        seen.add(pixels(page, RACE))
        time.sleep(0.1)
    assert len(seen) >= 5, f"while playing the picture changed only {len(seen) - 1} times in 3 s"
