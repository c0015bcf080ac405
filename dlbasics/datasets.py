"""Toy 2-D data sets and data-preparation helpers (notebooks 03–06).

Rows are data points, columns are features: every generator returns ``X`` of shape ``(n, 2)``
(float64) and integer labels ``y`` of shape ``(n,)``. All take an explicit ``rng`` (a
``numpy.random.Generator`` or an int seed) so that every figure in the course is reproducible.

Every function refuses impossible arguments with a ``ValueError`` (a value out of range: no
samples, negative noise, a split that leaves a set empty) or a ``TypeError`` (a count that is
not an int, a number that is not a number), and the message names the function.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from dlbasics._typing import Array, RngLike
from dlbasics._util import as_rng, positive_int
from dlbasics.activations import _real_array, _real_number
from dlbasics.losses import class_labels

__all__ = [
    "make_blobs",
    "make_xor",
    "make_circles",
    "make_moons",
    "make_spirals",
    "make_dataset",
    "DATASETS",
    "one_hot",
    "standardize",
    "train_val_test_split",
]



def _check_n(n: int, k: int, who: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int | np.integer):
        raise TypeError(f"{who}: n must be an int (the number of samples), got {n!r} "
                        f"({type(n).__name__})")
    if n < k:
        raise ValueError(f"{who}: need at least {k} samples, got n={n}")
    return int(n)


def _non_negative(value: float, who: str, what: str) -> float:
    v = _real_number(value, who, what)
    if v < 0:
        raise ValueError(f"{who}: {what} must be >= 0 (a standard deviation), got {value}")
    return v


def _split_counts(n: int, k: int) -> list[int]:
    return [n // k + (1 if i < n % k else 0) for i in range(k)]


def make_blobs(
    n: int = 200, *, centers: int = 2, spread: float = 0.6, rng: RngLike = None
) -> tuple[Array, Array]:
    """Gaussian blobs around ``centers`` points on a circle of radius 2 — linearly separable for 2.

    Examples
    --------
    >>> X, y = make_blobs(100, rng=0)
    >>> X.shape, sorted(set(y.tolist()))
    ((100, 2), [0, 1])

    Raises
    ------
    ValueError
        ``n`` below ``centers``, ``centers`` below 1, a negative ``spread``.
    TypeError
        Counts that are not ints, a ``spread`` that is not a number, a bad ``rng``.
    """
    centers = positive_int(centers, "make_blobs", "centers")
    n = _check_n(n, centers, "make_blobs")
    spread = _non_negative(spread, "make_blobs", "spread")
    g = as_rng(rng, "make_blobs")
    angles = 2 * np.pi * np.arange(centers) / centers + np.pi / 4
    mu = 2 * np.column_stack([np.cos(angles), np.sin(angles)])  # (centers, 2)
    y = np.repeat(np.arange(centers), _split_counts(n, centers))
    X = mu[y] + spread * g.standard_normal((n, 2))
    return _shuffled(X, y, g)


def make_xor(n: int = 200, *, noise: float = 0.0, rng: RngLike = None) -> tuple[Array, Array]:
    """XOR: label 1 when exactly one coordinate is positive. No straight line separates it.

    Points are uniform in [-1, 1]²; ``noise`` adds Gaussian jitter after labelling.

    Examples
    --------
    >>> X, y = make_xor(4, rng=0)
    >>> bool(np.all(y == ((X[:, 0] > 0) ^ (X[:, 1] > 0))))
    True

    Raises
    ------
    ValueError
        ``n`` below 1, a negative ``noise``.
    TypeError
        ``n`` that is not an int, a ``noise`` that is not a number, a bad ``rng``.
    """
    n = _check_n(n, 1, "make_xor")
    noise = _non_negative(noise, "make_xor", "noise")
    g = as_rng(rng, "make_xor")
    X = g.uniform(-1, 1, size=(n, 2))
    y = ((X[:, 0] > 0) ^ (X[:, 1] > 0)).astype(np.int64)
    if noise:
        X = X + noise * g.standard_normal((n, 2))
    return X, y


def make_circles(
    n: int = 200, *, noise: float = 0.05, factor: float = 0.5, rng: RngLike = None
) -> tuple[Array, Array]:
    """Two concentric circles: the inner one (radius ``factor``) is class 1.

    Separable by the feature "radius", not by any straight line in (x1, x2).

    Examples
    --------
    Without noise the radius alone gives the class away:

    >>> X, y = make_circles(200, noise=0.0, rng=0)
    >>> r = np.hypot(X[:, 0], X[:, 1])
    >>> bool(np.allclose(r[y == 0], 1.0)), bool(np.allclose(r[y == 1], 0.5))
    (True, True)

    Raises
    ------
    ValueError
        ``n`` below 2, a negative ``noise``, ``factor`` outside (0, 1) (the inner circle must
        be inside the outer one).
    TypeError
        ``n`` that is not an int, numbers that are not numbers, a bad ``rng``.
    """
    n = _check_n(n, 2, "make_circles")
    noise = _non_negative(noise, "make_circles", "noise")
    factor = _real_number(factor, "make_circles", "factor")
    if not 0 < factor < 1:
        raise ValueError(f"make_circles: factor (the inner radius) must be in (0, 1), got {factor}")
    g = as_rng(rng, "make_circles")
    n_out, n_in = _split_counts(n, 2)
    t = g.uniform(0, 2 * np.pi, size=n)
    r = np.concatenate([np.ones(n_out), np.full(n_in, factor)])
    X = np.column_stack([r * np.cos(t), r * np.sin(t)]) + noise * g.standard_normal((n, 2))
    y = np.concatenate([np.zeros(n_out, np.int64), np.ones(n_in, np.int64)])
    return _shuffled(X, y, g)


def make_moons(n: int = 200, *, noise: float = 0.1, rng: RngLike = None) -> tuple[Array, Array]:
    """Two interleaving half-moons: class 0 arches up around (0, 0), class 1 down around (1, 0.5).

    Each moon's tip reaches into the other's hollow, so a curved boundary is needed.

    Examples
    --------
    >>> X, y = make_moons(100, rng=0)
    >>> X.shape, np.bincount(y).tolist()
    ((100, 2), [50, 50])
    >>> bool(X[y == 0, 1].mean() > X[y == 1, 1].mean())   # class 0 is the upper moon
    True

    Raises
    ------
    ValueError
        ``n`` below 2, a negative ``noise``.
    TypeError
        ``n`` that is not an int, a ``noise`` that is not a number, a bad ``rng``.
    """
    n = _check_n(n, 2, "make_moons")
    noise = _non_negative(noise, "make_moons", "noise")
    g = as_rng(rng, "make_moons")
    n0, n1 = _split_counts(n, 2)
    t0 = np.linspace(0, np.pi, n0)
    t1 = np.linspace(0, np.pi, n1)
    X = np.concatenate([
        np.column_stack([np.cos(t0), np.sin(t0)]),
        np.column_stack([1 - np.cos(t1), 0.5 - np.sin(t1)]),
    ])
    X = X + noise * g.standard_normal((n, 2))
    y = np.concatenate([np.zeros(n0, np.int64), np.ones(n1, np.int64)])
    return _shuffled(X, y, g)


def make_spirals(n: int = 300, *, classes: int = 3, noise: float = 0.2, turns: float = 1.0,
                 rng: RngLike = None) -> tuple[Array, Array]:
    """``classes`` interleaved spiral arms (the classic cs231n example), radius 0 to 1.

    Examples
    --------
    >>> X, y = make_spirals(300, classes=3, rng=0)
    >>> np.bincount(y).tolist()
    [100, 100, 100]

    Raises
    ------
    ValueError
        ``n`` below ``classes``, ``classes`` below 1, a negative ``noise``, ``turns`` NaN or
        inf.
    TypeError
        Counts that are not ints, numbers that are not numbers, a bad ``rng``.
    """
    classes = positive_int(classes, "make_spirals", "classes")
    n = _check_n(n, classes, "make_spirals")
    noise = _non_negative(noise, "make_spirals", "noise")
    turns = _real_number(turns, "make_spirals", "turns")
    g = as_rng(rng, "make_spirals")
    counts = _split_counts(n, classes)
    y = np.repeat(np.arange(classes), counts)
    r = np.concatenate([np.linspace(0.0, 1.0, c) for c in counts])  # (n,)
    t = (y * 2 * np.pi / classes + r * turns * 2 * np.pi
         + noise * g.standard_normal(n))  # angle
    X = np.column_stack([r * np.sin(t), r * np.cos(t)])
    return _shuffled(X, y, g)


DATASETS: dict[str, Callable[..., tuple[Array, Array]]] = {
    "blobs": make_blobs,
    "xor": make_xor,
    "circles": make_circles,
    "moons": make_moons,
    "spirals": make_spirals,
}


def make_dataset(name: str, n: int = 200, *, rng: RngLike = None, **kwargs: Any) -> tuple[Array, Array]:
    """Any toy data set by name: ``"blobs"``, ``"xor"``, ``"circles"``, ``"moons"``, ``"spirals"``.

    Extra keyword arguments go to the generator (see :data:`DATASETS`).

    Examples
    --------
    >>> X, y = make_dataset("moons", 50, noise=0.2, rng=0)
    >>> X2, y2 = make_moons(50, noise=0.2, rng=0)   # the same call by its own name
    >>> bool(np.array_equal(X, X2) and np.array_equal(y, y2))
    True

    Raises
    ------
    ValueError
        An unknown name (the message lists the known ones), and whatever the generator
        refuses.
    TypeError
        A name that is not a string, a keyword the generator does not take (the message
        lists those it takes).
    """
    if not isinstance(name, str):
        raise TypeError(f"make_dataset: name must be a string, one of {sorted(DATASETS)}, got {name!r}")
    if name not in DATASETS:
        raise ValueError(f"make_dataset: unknown data set {name!r}; expected one of {sorted(DATASETS)}")
    fn = DATASETS[name]
    takes = [p for p in inspect.signature(fn).parameters if p not in ("n", "rng")]
    unknown = sorted(set(kwargs) - set(takes))
    if unknown:
        raise TypeError(f"make_dataset: {name!r} takes {takes or 'no options'}, got {unknown}")
    return fn(n, rng=rng, **kwargs)


def _shuffled(X: Array, y: Array, g: np.random.Generator) -> tuple[Array, Array]:
    idx = g.permutation(len(y))
    return X[idx], y[idx]


def one_hot(y: ArrayLike, num_classes: int | None = None, dtype: DTypeLike = np.float32) -> Array:
    """One-hot encode integer labels: ``Y[i, y[i]] = 1``, shape ``(N, K)``.

    Built with ``np.zeros(..., dtype)`` rather than ``np.eye(K)[y]``, which would silently
    give float64 and slow training down.

    Examples
    --------
    >>> one_hot([0, 2], 3)
    array([[1., 0., 0.],
           [0., 0., 1.]], dtype=float32)

    Labels follow :func:`dlbasics.losses.class_labels` (whole-number floats are accepted).
    Without ``num_classes`` the number of classes is the largest label plus one, which needs
    at least one label and, to keep a stray label from allocating gigabytes, at most
    100,000 classes (pass ``num_classes`` for more).

    Raises
    ------
    ValueError
        Labels that are not 1-D whole numbers in ``[0, num_classes)``; no labels and no
        ``num_classes``; more than 100,000 inferred classes.
    TypeError
        ``num_classes`` that is not a positive int, a ``dtype`` that is not numeric.
    """
    if num_classes is not None:
        num_classes = positive_int(num_classes, "one_hot", "num_classes")
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"one_hot: dtype must be a numeric dtype such as float32, got {dtype!r}") from None
    if dt.kind not in "biuf":
        raise TypeError(f"one_hot: dtype must be a numeric dtype such as float32, got {dt}")
    y = class_labels(y, num_classes, "one_hot")
    if num_classes is None:
        if y.size == 0:
            raise ValueError("one_hot needs at least one label to infer the number of classes, "
                             "got y with shape (0,); pass num_classes")
        if int(y.max()) >= 100_000:
            raise ValueError(f"one_hot: the largest label is {int(y.max())}, which would make "
                             f"{int(y.max()) + 1} classes; pass num_classes if you mean it")
    k = int(y.max()) + 1 if num_classes is None else num_classes
    Y = np.zeros((y.shape[0], k), dtype=dt)
    Y[np.arange(y.shape[0]), y] = 1
    return Y


def standardize(X: ArrayLike, mean: ArrayLike | None = None, std: ArrayLike | None = None,
                eps: float = 1e-8) -> tuple[Array, Array, Array]:
    """Shift and scale every column to mean 0 and standard deviation 1.

    ``X_std = (X - mean) / (std + eps)``, column by column.

    Fit the statistics on the training set and reuse them for validation and test data:
    ``Xtr, m, s = standardize(Xtr); Xte, _, _ = standardize(Xte, m, s)``.

    Parameters
    ----------
    X : array, shape (N, D)
    mean, std : array, shape (D,), optional
        Statistics to reuse (from the training set); computed from ``X`` when omitted.
    eps : float
        Keeps a constant column (``std = 0``) from dividing by zero.

    Returns
    -------
    X_std : array, shape (N, D)
    mean, std : array, shape (D,)

    Examples
    --------
    Columns on very different scales end up comparable:

    >>> X = np.array([[1.0, 100.0], [2.0, 200.0], [3.0, 300.0]])
    >>> X_std, m, s = standardize(X)
    >>> bool(np.allclose(X_std.mean(axis=0), 0)), bool(np.allclose(X_std.std(axis=0), 1))
    (True, True)
    >>> m
    array([  2., 200.])
    >>> standardize([[4.0, 400.0]], m, s)[0].round(4)   # new data, training statistics
    array([[2.4495, 2.4495]])

    Raises
    ------
    ValueError
        ``X`` that is not 1-D or 2-D, has no rows, or holds NaN or inf; ``mean`` or ``std`` of
        another shape than one value per column, or not finite, or a negative ``std``; a
        negative ``eps``.
    TypeError
        Input that is not real numbers.
    """
    X = _real_array(X, "standardize", "X")
    if X.ndim not in (1, 2):
        raise ValueError(f"standardize: X must have shape (N, D) (or (N,) for one feature), got {X.shape}")
    if X.shape[0] == 0:
        raise ValueError(f"standardize needs at least one sample, got X with shape {X.shape}")
    if not np.issubdtype(X.dtype, np.floating):
        X = X.astype(np.float64)
    if not np.all(np.isfinite(X)):
        raise ValueError("standardize: X contains NaN or inf; clean or impute the data first")
    eps = _non_negative(eps, "standardize", "eps")
    stats = []
    for what, given, computed in (("mean", mean, X.mean), ("std", std, X.std)):
        if given is None:
            stats.append(computed(axis=0))
            continue
        v = _real_array(given, "standardize", what).astype(X.dtype)
        if v.shape != X.shape[1:]:
            raise ValueError(f"standardize: {what} must have one value per column of X, shape "
                             f"{X.shape[1:]}, got {v.shape}")
        if not np.all(np.isfinite(v)) or (what == "std" and np.any(v < 0)):
            raise ValueError(f"standardize: {what} must be finite{' and >= 0' if what == 'std' else ''}, "
                             f"got {v.tolist()}")
        stats.append(v)
    m, s = stats
    return (X - m) / (s + eps), m, s


def train_val_test_split(X: ArrayLike, y: ArrayLike, *, val: float = 0.15, test: float = 0.15,
                         rng: RngLike = None) -> tuple[tuple[Array, Array], ...]:
    """Shuffle and split into training, validation and test sets.

    Returns ``(X_train, y_train), (X_val, y_val), (X_test, y_test)``.

    Examples
    --------
    >>> X, y = make_blobs(100, rng=0)
    >>> (tr, va, te) = train_val_test_split(X, y, val=0.2, test=0.1, rng=0)
    >>> len(tr[0]), len(va[0]), len(te[0])
    (70, 20, 10)

    ``val=0`` or ``test=0`` asks for an empty set; any other fraction must leave at least one
    sample in its set, and the training set must keep at least one.

    Raises
    ------
    ValueError
        X and y of different lengths or without samples; fractions outside [0, 1) or adding
        up to 1 or more; a split that leaves a requested set empty.
    TypeError
        Fractions that are not numbers, arrays without a sample axis, a bad ``rng``.
    """
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim == 0 or y.ndim == 0:
        raise TypeError(f"train_val_test_split: X and y must be arrays with one row per sample, got "
                        f"shapes {X.shape} and {y.shape}")
    if X.shape[0] != y.shape[0]:
        raise ValueError(f"train_val_test_split: X has {X.shape[0]} rows but y has {y.shape[0]}")
    val = _real_number(val, "train_val_test_split", "val")
    test = _real_number(test, "train_val_test_split", "test")
    if not (0 <= val < 1 and 0 <= test < 1 and val + test < 1):
        raise ValueError(f"train_val_test_split: val and test must be fractions with val + test < 1, "
                         f"got {val}, {test}")
    n = X.shape[0]
    if n == 0:
        raise ValueError(f"train_val_test_split needs at least one sample, got X with shape {X.shape}")
    idx = as_rng(rng, "train_val_test_split").permutation(n)
    n_test, n_val = round(n * test), round(n * val)
    for what, frac, count in (("validation", val, n_val), ("test", test, n_test)):
        if frac > 0 and count == 0:
            raise ValueError(f"train_val_test_split: {what} fraction {frac} of {n} samples leaves the "
                             f"{what} set empty; use more data, a larger fraction, or 0 for no "
                             f"{what} set")
    if n - n_test - n_val < 1:
        raise ValueError(f"train_val_test_split: val={val} and test={test} of {n} samples leave no "
                         "training sample")
    te, va, tr = idx[:n_test], idx[n_test:n_test + n_val], idx[n_test + n_val:]
    return (X[tr], y[tr]), (X[va], y[va]), (X[te], y[te])
