"""Checks for build-it-yourself exercises: the learner's own function, layer or optimizer.

A build-it-yourself exercise gives a scaffold — the signature, a docstring with the shapes and a
body of ``...`` — and the check runs the learner's code on inputs of its own, compares with the
library (which the learner's piece then replaces for real: in ``dl.mlp``, ``dl.fit``, the
optimizer race), and diagnoses what is off without showing the right values:

* :func:`run` calls the learner's code: a body still ``...`` (it returns ``None``) is "not done
  yet"; an exception is named with its message, and where it happened in the learner's code.
* :func:`check_output` compares what it returned with the library's result
  (:func:`~dlbasics.exercises._common.check_array`: shape, dtype, NaN, sign, transpose, a
  factor N, which entries).
* :func:`fd_gradient` is the finite-difference gradient the learner's backward pass is compared
  with (``dW[3, 1]`` named as the worst entry): the same check :mod:`dlbasics.gradcheck` runs.
* :func:`use` is what the cells after an exercise call: the learner's piece if its check passes,
  otherwise the library's (with a note), so the notebook runs on either way.

Examples
--------
>>> import numpy as np
>>> def double(x):
...     ...
>>> ok, out = run("double", double, np.ones(3))
⏳ double: not done yet — replace the ... with your answer.
>>> def double(x):
...     return x * 3
>>> ok, out = run("double", double, np.ones(3))
>>> check_output("double(x)", out, 2 * np.ones(3))
❌ double(x): not yet — every entry is off by the same factor: a constant (a learning rate, the 2 of a
square, a 1/N) is missing or extra
False
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dlbasics.exercises._common import _recording, check_array, not_done, tally, wrong

__all__ = ["run", "check_output", "fd_gradient", "use"]

T = TypeVar("T")


_PACKAGE = Path(__file__).resolve().parents[1]  # dlbasics/
_NUMPY = Path(np.__file__).resolve().parent


def _learners(filename: str) -> bool:
    """Whether a traceback frame is the learner's code (not dlbasics', NumPy's or the stdlib's)."""
    try:
        path = Path(filename).resolve()
    except (OSError, ValueError):
        return True
    return not (path.is_relative_to(_PACKAGE) or path.is_relative_to(_NUMPY)
                or path.is_relative_to(Path(traceback.__file__).resolve().parent))


def _where(exc: BaseException) -> str:
    """The learner's line that raised ``exc`` (the last frame of the learner's own code)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if _learners(f.filename)]
    if not frames or not frames[-1].line:
        return ""
    return f" in the line `{frames[-1].line.strip()}`"


def run(name: str, fn: Any, *args: Any, **kwargs: Any) -> tuple[bool, Any]:
    """Call the learner's ``fn(*args, **kwargs)``: ``(True, result)``, or ``(False, None)`` after
    printing why not (not a function, still ``...``, raised an exception)."""
    if fn is ... or fn is None:
        not_done(name)
        return False, None
    if not callable(fn):
        wrong(name, f"expected a function (or class), got {type(fn).__name__}")
        return False, None
    try:
        out = fn(*args, **kwargs)
    except NotImplementedError:
        not_done(name)
        return False, None
    except Exception as exc:  # the learner's bug, reported instead of a traceback
        wrong(name, f"it raised {type(exc).__name__}: {exc}{_where(exc)}")
        return False, None
    if out is None or out is ...:
        not_done(name)
        return False, None
    return True, out


def check_output(name: str, answer: Any, expected: ArrayLike, *, rtol: float = 1e-5, atol: float = 1e-7,
                 **kwargs: Any) -> bool:
    """:func:`check_array`, also saying whether it passed (to stop at the first failure)."""
    with tally() as verdicts:
        check_array(name, answer, expected, rtol=rtol, atol=atol, **kwargs)
    return all(verdicts)


def fd_gradient(f: Callable[[], float], x: NDArray[np.float64], h: float = 1e-6) -> NDArray[np.float64]:
    """Central differences of ``f()`` with respect to ``x`` (perturbed in place, restored)."""
    from dlbasics.gradcheck import numerical_gradient

    return numerical_gradient(f, x, h)


def use(name: str, mine: Any, library: T, check: Callable[[Any], Any]) -> Any:
    """The learner's ``mine`` if ``check(mine)`` passes, else ``library`` (with a printed note).

    What the cells after a build-it-yourself exercise call, so that they run the learner's code
    when it is right and still run (on the library's version) while it is not done or not right.
    The check runs silently: its verdict is recorded, not printed (the exercise cell has already
    shown it); only the fallback is announced.

    Parameters
    ----------
    name : str
        What the piece is called in the note, e.g. ``"sigmoid"``.
    mine : Any
        The learner's function or class (``...``/``None`` while not done).
    library : Any
        The library's version, used until ``mine`` passes.
    check : callable
        The exercise's check, ``check(mine)``: all its verdicts must be ✅.

    Returns
    -------
    ``mine`` or ``library``.

    Examples
    --------
    >>> import numpy as np
    >>> def check_double(fn):
    ...     ok, out = run("double", fn, np.arange(3.0))
    ...     if ok:
    ...         check_output("double(x)", out, 2 * np.arange(3.0))
    >>> def mine(x):
    ...     return x + x
    >>> use("double", mine, lambda x: 2 * x, check_double) is mine
    True
    >>> def mine(x):
    ...     ...
    >>> f = use("double", mine, lambda x: 2 * x, check_double)
    ⏳ using the library's double until yours passes its check
    >>> f(np.arange(3.0))
    array([0., 2., 4.])
    """
    with _recording() as verdicts:
        check(mine)
    if verdicts and all(passed for passed, _ in verdicts):
        return mine
    print(f"⏳ using the library's {name} until yours passes its check")
    return library
