"""Small things every module needs: a random generator from a seed, a count check, an
optional progress bar.

Examples
--------
>>> int(as_rng(0).integers(10)) == int(as_rng(0).integers(10))
True
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlbasics._typing import RngLike

__all__ = ["as_rng", "positive_int", "progress_bar"]


def as_rng(rng: RngLike, who: str = "as_rng") -> np.random.Generator:
    """Turn ``None``, an int seed or a Generator into a Generator (never global state).

    Raises
    ------
    TypeError
        Anything else (a ``RandomState``, a float, a string ...).
    ValueError
        A negative seed.

    Examples
    --------
    >>> int(as_rng(0).integers(10)) == int(as_rng(0).integers(10))
    True
    >>> as_rng(1.5, "fit")
    Traceback (most recent call last):
    ...
    TypeError: fit: rng must be None, an int seed or a numpy.random.Generator, got 1.5 (float)
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is not None and (isinstance(rng, bool) or not isinstance(rng, int | np.integer)):
        raise TypeError(f"{who}: rng must be None, an int seed or a numpy.random.Generator, "
                        f"got {rng!r} ({type(rng).__name__})")
    if rng is not None and rng < 0:
        raise ValueError(f"{who}: an int seed must be >= 0, got rng={rng}")
    return np.random.default_rng(rng)


def positive_int(value: Any, who: str, what: str) -> int:
    """``value`` as an int, if it is a positive integer (not a bool, not a float such as 3.0).

    Raises
    ------
    TypeError
        Not an integer.
    ValueError
        An integer below 1.

    Examples
    --------
    >>> positive_int(3, "mlp", "size")
    3
    >>> positive_int(2.5, "Dense", "n_in")
    Traceback (most recent call last):
    ...
    TypeError: Dense: n_in must be a positive int, got 2.5 (float)
    """
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{who}: {what} must be a positive int, got {value!r} ({type(value).__name__})")
    if value < 1:
        raise ValueError(f"{who}: {what} must be a positive int, got {value}")
    return int(value)


def progress_bar(total: int | None, **options: Any) -> Any:
    """A ``tqdm`` progress bar of ``total`` units, or ``None`` when tqdm is not installed.

    tqdm is optional: callers draw nothing when they get ``None``. ``options`` go to tqdm
    (``desc``, ``unit``, ``leave`` ...). The bar is ``tqdm.auto``'s, so it is a widget in a
    notebook and text in a terminal.

    Examples
    --------
    >>> bar = progress_bar(3, unit="epoch", disable=True)
    >>> bar is None or bar.total == 3
    True
    """
    try:
        from tqdm.auto import tqdm
    except ImportError:  # tqdm is optional
        return None
    return tqdm(total=total, **options)
