"""Interactive widgets of the course (ipywidgets 8 controls, pictures drawn in the browser).

Imported on demand — ``import dlbasics`` does not load ipywidgets — so instructors can use the
same widgets in their own notebooks::

    from dlbasics.widgets import weight_slider
    weight_slider()

Every main widget is a :class:`~dlbasics.widgets._common.LiveWidget`: its box carries the CSS
class ``dlbasics-widget``; the plot it redraws lives in a child with the class ``dlbasics-plot`` —
a :class:`~dlbasics.widgets._canvas.Canvas` (anywidget) that paints the arrays the kernel sends,
or, for pictures that change rarely, a matplotlib figure. The box's output also carries a PNG of
the current picture, for pages that cannot run widgets (see :mod:`dlbasics.widgets._common`).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from dlbasics.widgets._common import plot_output, widget_box

# public name -> submodule that defines it (one submodule per notebook topic)
_EXPORTS: dict[str, str] = {
    # -- notebooks 01-02: neuron.py --
    "weight_slider": "neuron",
    "neuron_explorer": "neuron",
    # -- notebooks 03-04: perceptron.py, playground.py --
    "perceptron_explorer": "perceptron",
    "plot_perceptron": "perceptron",
    "mlp_playground": "playground",
    "draw_network": "playground",
    "plot_hidden_lines": "playground",
    "plot_hidden_units": "playground",
    "plot_probabilities": "playground",
    # -- notebooks 05-06: backprop.py, optim.py --
    "backprop_stepper": "backprop",
    "plot_neuron_graph": "backprop",
    "BackpropTrace": "backprop",
    "optimizer_race": "optim",
    "compare_optimizers": "optim",
    "descent_path": "optim",
    "plot_contours": "optim",
    "SURFACES": "optim",
    # -- notebook 07: mnist.py --
    "mnist_browser": "mnist",
    "perturb_digit": "mnist",
    "draw_digit": "draw",
}

__all__ = ["widget_box", "plot_output", *_EXPORTS]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(f"dlbasics.widgets.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'dlbasics.widgets' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
