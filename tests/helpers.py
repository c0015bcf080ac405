"""Helpers shared by the test files: an independent finite-difference gradient, and a way to
watch the widgets draw without a kernel.

The tests deliberately do not use :mod:`dlbasics.gradcheck` to check the package's own
gradients (that module is tested on its own in ``test_gradcheck.py``), so that a bug in the
checker cannot hide a bug in a gradient.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pytest
    from matplotlib.figure import Figure

H = 1e-4  # finite-difference step for float64 (five-point stencil)
TOL = 1e-6  # largest accepted relative error


def numeric_grad(f: Callable[[], float], x: np.ndarray, h: float = H) -> np.ndarray:
    """Five-point central difference of the scalar ``f()`` for every entry of ``x``::

        f'(x) ~ (f(x - 2h) - 8 f(x - h) + 8 f(x + h) - f(x + 2h)) / 12h      (error O(h^4))

    Its round-off error is about 100 times smaller than that of the two-point
    ``(f(x + h) - f(x - h)) / 2h``, so even small gradient entries can be held to a relative
    error of 1e-6. ``x`` is perturbed in place and restored; ``f`` must read ``x``.
    """
    assert x.dtype == np.float64, "gradient checks need float64"
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)  # views
    for i in range(flat.size):
        old = flat[i]
        values = []
        for step in (-2, -1, 1, 2):
            flat[i] = old + step * h
            values.append(f())
        flat[i] = old
        f_m2, f_m1, f_p1, f_p2 = values
        # differences first, so that a function that does not depend on x gives exactly 0
        gflat[i] = (8 * (f_p1 - f_m1) - (f_p2 - f_m2)) / (12 * h)
    return grad


def numeric_derivative(f: Callable[[np.ndarray], np.ndarray], z: np.ndarray, h: float = H) -> np.ndarray:
    """Five-point central difference of an elementwise function at every point of ``z``."""
    return (8 * (f(z + h) - f(z - h)) - (f(z + 2 * h) - f(z - 2 * h))) / (12 * h)


def rel_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    """Worst entrywise relative error ``|a - n| / max(|a| + |n|, floor)``.

    The floor, ``1e-4`` of the largest entry (and at least ``1e-10``), keeps entries that are
    tiny next to the rest of the gradient from being judged by the finite difference's
    round-off (about 1e-12 absolute): an entry of 1e-8 beside entries of 0.3 cannot be
    measured to a relative 1e-6. An absolute error above 1e-10 times the largest entry still
    fails the check.
    """
    a = np.asarray(analytic, dtype=np.float64)
    n = np.asarray(numeric, dtype=np.float64)
    assert a.shape == n.shape, f"shapes differ: analytic {a.shape}, numeric {n.shape}"
    if a.size == 0:
        return 0.0
    floor = max(1e-10, 1e-4 * float(max(np.abs(a).max(), np.abs(n).max())))
    return float(np.max(np.abs(a - n) / np.maximum(np.abs(a) + np.abs(n), floor)))


def away_from_zero(z: np.ndarray, gap: float = 1e-2) -> np.ndarray:
    """Push values out of ``(-gap, gap)`` so a finite difference never straddles a kink at 0."""
    return np.where(z >= 0, z + gap, z - gap)


# -- widgets ---------------------------------------------------------------------------------------
def record_displayed(monkeypatch: pytest.MonkeyPatch) -> list[Figure]:
    """Make the course widgets record every figure they display (there is no kernel to display to),
    rendering it to PNG the way JupyterLab's inline backend does, so redraw timings are realistic.

    Returns the list the figures are appended to, in display order.
    """
    from IPython.core.pylabtools import print_figure

    import dlbasics.widgets._common as common

    figs: list[Figure] = []

    def display(fig: Figure) -> None:
        print_figure(fig, "png", bbox_inches="tight")
        figs.append(fig)

    monkeypatch.setattr(common, "display", display)
    return figs


def png(fig: Figure) -> bytes:
    """The figure as PNG bytes, to tell whether a redraw changed what is shown."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def output_png(out: Any) -> str:
    """The PNG (base64) an ``Output`` widget currently shows (widgets that set ``outputs`` directly)."""
    (output,) = out.outputs
    return output["data"]["image/png"]
