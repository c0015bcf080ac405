"""Toy data sets and data-preparation helpers."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from dlbasics.datasets import (
    DATASETS,
    make_blobs,
    make_circles,
    make_dataset,
    make_moons,
    make_spirals,
    make_xor,
    one_hot,
    standardize,
    train_val_test_split,
)

EXPECTED_CLASSES = {"blobs": 2, "xor": 2, "circles": 2, "moons": 2, "spirals": 3}


@pytest.mark.parametrize("n", [7, 200])
@pytest.mark.parametrize("name", sorted(DATASETS))
def test_shapes_labels_and_balance(name, n):
    X, y = make_dataset(name, n, rng=0)
    assert X.shape == (n, 2) and X.dtype == np.float64
    assert y.shape == (n,) and np.issubdtype(y.dtype, np.integer)
    k = EXPECTED_CLASSES[name]
    assert set(y.tolist()) == set(range(k))
    assert np.all(np.isfinite(X))
    if name != "xor":  # xor labels follow uniformly random points
        counts = np.bincount(y, minlength=k)
        assert counts.max() - counts.min() <= 1, counts


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_same_seed_same_data(name):
    X1, y1 = make_dataset(name, 50, rng=3)
    X2, y2 = make_dataset(name, 50, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    X3, _ = make_dataset(name, 50, rng=4)
    assert not np.array_equal(X1, X3)


def test_samples_are_shuffled():
    _, y = make_blobs(100, rng=0)
    assert not np.array_equal(y, np.sort(y))


def test_blobs_many_centers_are_separable_by_the_nearest_center():
    X, y = make_blobs(300, centers=4, spread=0.1, rng=0)
    assert np.bincount(y).tolist() == [75, 75, 75, 75]
    angles = 2 * np.pi * np.arange(4) / 4 + np.pi / 4
    centers = 2 * np.column_stack([np.cos(angles), np.sin(angles)])
    nearest = np.argmin(((X[:, None, :] - centers[None]) ** 2).sum(axis=2), axis=1)
    np.testing.assert_array_equal(nearest, y)


def test_xor_labels():
    X, y = make_xor(500, rng=1)
    assert np.all(np.abs(X) <= 1)
    np.testing.assert_array_equal(y, ((X[:, 0] > 0) != (X[:, 1] > 0)).astype(int))
    assert 0.4 < y.mean() < 0.6
    Xn, yn = make_xor(500, noise=0.1, rng=1)
    np.testing.assert_array_equal(yn, y)  # labels are given before the jitter
    assert not np.array_equal(Xn, X)


def test_circles_radii():
    X, y = make_circles(200, noise=0.0, factor=0.3, rng=0)
    r = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(r[y == 0], 1.0)
    np.testing.assert_allclose(r[y == 1], 0.3)


def test_moons_without_noise_lie_on_the_arcs():
    X, y = make_moons(100, noise=0.0, rng=0)
    upper, lower = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1.0)


def test_spirals():
    X, y = make_spirals(300, classes=3, rng=0)
    assert np.bincount(y).tolist() == [100, 100, 100]
    assert np.hypot(X[:, 0], X[:, 1]).max() <= 1.0 + 1e-12
    _, y5 = make_spirals(50, classes=5, rng=0)
    assert np.bincount(y5).tolist() == [10] * 5


def test_generator_errors():
    with pytest.raises(ValueError, match="need at least 3 samples, got n=2"):
        make_spirals(2, classes=3)
    with pytest.raises(ValueError, match="need at least 1 samples, got n=0"):
        make_xor(0)
    with pytest.raises(ValueError, match=r"unknown data set 'swiss'; expected one of \['blobs'"):
        make_dataset("swiss")


# -- one_hot -------------------------------------------------------------------------------------
def test_one_hot():
    Y = one_hot([0, 2, 1, 2])
    assert Y.dtype == np.float32 and Y.shape == (4, 3)
    np.testing.assert_array_equal(Y, np.eye(3)[[0, 2, 1, 2]])
    assert one_hot([1], 4).shape == (1, 4)
    assert one_hot([1], 4, dtype=np.float64).dtype == np.float64
    np.testing.assert_array_equal(one_hot(np.array([1.0, 0.0])), [[0, 1], [1, 0]])
    assert np.all(one_hot(np.arange(5) % 3).sum(axis=1) == 1)


def test_one_hot_errors():
    with pytest.raises(ValueError, match=r"labels must be 1-D, got shape \(2, 1\)"):
        one_hot([[0], [1]])
    with pytest.raises(ValueError, match="labels must be integers"):
        one_hot([0.5, 1.0])
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 2\] for 3 classes, got range \[0, 3\]"):
        one_hot([0, 3], 3)
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 2\] for 3 classes, got range \[-1, 1\]"):
        one_hot([-1, 1], 3)


# -- standardize ---------------------------------------------------------------------------------
def test_standardize():
    rng = np.random.default_rng(0)
    X = rng.normal(loc=[5.0, -3.0], scale=[2.0, 0.1], size=(500, 2))
    Z, mean, std = standardize(X)
    np.testing.assert_allclose(Z.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=0), 1, rtol=1e-6)
    np.testing.assert_allclose(mean, X.mean(axis=0))
    np.testing.assert_allclose(std, X.std(axis=0))
    X_test = rng.normal(size=(10, 2))
    Z_test, m2, s2 = standardize(X_test, mean, std)  # reuse the training statistics
    np.testing.assert_allclose(Z_test, (X_test - mean) / (std + 1e-8))
    np.testing.assert_array_equal(m2, mean)


def test_standardize_constant_column_and_integers():
    X = np.array([[1, 7], [2, 7], [3, 7]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Z, _, std = standardize(X)
    assert Z.dtype == np.float64 and np.all(np.isfinite(Z))
    assert std[1] == 0 and np.all(Z[:, 1] == 0)


def test_standardize_keeps_float32():
    assert standardize(np.ones((3, 2), np.float32))[0].dtype == np.float32


# -- train_val_test_split ------------------------------------------------------------------------
def test_split_sizes_disjoint_and_covering():
    X = np.arange(200, dtype=float).reshape(100, 2)
    y = np.arange(100)
    (Xtr, ytr), (Xva, yva), (Xte, yte) = train_val_test_split(X, y, val=0.2, test=0.1, rng=0)
    assert (len(ytr), len(yva), len(yte)) == (70, 20, 10)
    ids = np.concatenate([ytr, yva, yte])
    assert sorted(ids.tolist()) == list(range(100))  # disjoint and covering
    for Xs, ys in ((Xtr, ytr), (Xva, yva), (Xte, yte)):
        np.testing.assert_array_equal(Xs, X[ys])  # rows stay with their labels
    assert not np.array_equal(ytr, np.sort(ytr))  # shuffled


def test_split_is_reproducible():
    X, y = make_blobs(50, rng=0)
    a = train_val_test_split(X, y, rng=5)
    b = train_val_test_split(X, y, rng=5)
    for (xa, ya), (xb, yb) in zip(a, b, strict=True):
        np.testing.assert_array_equal(xa, xb)
        np.testing.assert_array_equal(ya, yb)
    (_, y0), _, _ = train_val_test_split(X, y, val=0.0, test=0.0, rng=5)
    assert len(y0) == 50


def test_split_errors():
    X, y = make_blobs(20, rng=0)
    with pytest.raises(ValueError, match="X has 20 rows but y has 19"):
        train_val_test_split(X, y[:19])
    with pytest.raises(ValueError, match="val \\+ test < 1, got 0.5, 0.5"):
        train_val_test_split(X, y, val=0.5, test=0.5)
    with pytest.raises(ValueError, match="fractions"):
        train_val_test_split(X, y, val=-0.1)
