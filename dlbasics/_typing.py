"""Type names shared by every module of the package (one definition each).

``Array`` is any NumPy array (``NDArray[Any]``): what a layer, a loss or an optimizer takes and
returns. ``FloatArray`` says "floating point" where that is the point (activations, losses).
``RngLike`` is what every ``rng=`` argument accepts: ``None``, an int seed or a
``numpy.random.Generator`` (see :func:`dlbasics._util.as_rng`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["Array", "FloatArray", "RngLike"]

Array = NDArray[Any]
FloatArray = NDArray[np.floating]
RngLike = np.random.Generator | int | None
