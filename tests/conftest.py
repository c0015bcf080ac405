"""Fixtures shared by the widget tests (``tests/test_widgets_*.py``).

The widgets are built headlessly: there is no kernel and no browser. A widget drawing on a
:class:`~dlbasics.widgets._canvas.Canvas` is checked through what it would send (``canvas.scene``,
``canvas.pixels``); one showing matplotlib figures through the figures it displays (``shown``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from types import SimpleNamespace
from typing import Any

os.environ.setdefault("MPLBACKEND", "Agg")

import ipywidgets as W
import numpy as np
import pytest
from helpers import record_displayed


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Record every figure the widgets display (there is no kernel to display to), rendering
    it to PNG the way JupyterLab's inline backend does, so redraw timings are realistic."""
    return record_displayed(monkeypatch)


@pytest.fixture
def widget_exports() -> set[str]:
    """The public names of :mod:`dlbasics.widgets`."""
    import dlbasics.widgets as widgets

    return set(widgets.__all__)


@pytest.fixture
def timed() -> Callable[[str], AbstractContextManager[None]]:
    """``with timed("what"):`` prints wall and CPU time (CPU time is what a busy shared
    machine distorts least). Figures only: no test asserts a duration."""

    @contextmanager
    def timer(what: str) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.process_time()
        yield
        print(f"{what}: {(time.perf_counter() - wall) * 1e3:.0f} ms wall, "
              f"{(time.process_time() - cpu) * 1e3:.0f} ms CPU")

    return timer


def controls(box: W.Box) -> list[W.Widget]:
    """The control panel of a ``widget_box``: box > body > panel."""
    body = box.children[-1]
    return list(body.children[0].children)


def layers(canvas: Any, panel: int, kind: str) -> list[dict[str, Any]]:
    """The layers of one type in one panel of the scene a Canvas last sent."""
    return [layer for layer in canvas.scene["panels"][panel]["layers"] if layer["type"] == kind]


def image_of(canvas: Any, layer: dict[str, Any]) -> np.ndarray:
    """The ``(h, w, 4)`` RGBA pixels an image layer points to (row 0 = top row)."""
    offset, w, h = layer["src"]
    return np.frombuffer(canvas.pixels, np.uint8, count=4 * w * h, offset=offset).reshape(h, w, 4)


@pytest.fixture
def ui() -> SimpleNamespace:
    """``controls``, ``layers`` and ``image_of`` (see this module), for the test files: they
    cannot import this conftest by name (the repository root has a ``conftest.py`` too)."""
    return SimpleNamespace(controls=controls, layers=layers, image_of=image_of)
