"""The scikit-learn estimators: the full estimator check suite and the tools learners use them with."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.base import clone  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

from dlbasics.datasets import make_blobs, make_moons  # noqa: E402
from dlbasics.sklearn import DLBasicsClassifier, DLBasicsRegressor  # noqa: E402

# Checks allowed to fail, with the reason. Empty: every check of scikit-learn's suite that
# applies passes (two are skipped by scikit-learn itself when pandas, or the array API
# environment variable, is missing). ``xfail_strict`` turns an entry that starts passing
# into a failure, so this list cannot go stale.
EXPECTED_FAILED_CHECKS: dict[str, str] = {}


@parametrize_with_checks(
    [DLBasicsClassifier(epochs=50), DLBasicsRegressor(epochs=50)],
    expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS,
    xfail_strict=True,
)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


def test_import_dlbasics_does_not_import_sklearn():
    code = "import sys, dlbasics; sys.exit('sklearn' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


@pytest.fixture(scope="module")
def moons():
    return make_moons(300, noise=0.15, rng=0)


def test_pipeline_fits_moons_and_keeps_string_labels(moons):
    X, y = moons
    labels = np.array(["circle", "cross"])[y]
    clf = make_pipeline(StandardScaler(), DLBasicsClassifier((16,), epochs=60, random_state=0))
    clf.fit(X, labels)
    pred = clf.predict(X)
    assert pred.dtype == labels.dtype and set(pred) == {"circle", "cross"}
    assert np.mean(pred == labels) > 0.95
    proba = clf.predict_proba(X)
    assert proba.shape == (300, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.classes_[proba.argmax(axis=1)], pred)


def test_grid_search_prefers_a_hidden_layer_on_moons(moons):
    X, y = moons
    pipe = make_pipeline(StandardScaler(), DLBasicsClassifier(epochs=40, random_state=0))
    grid = GridSearchCV(pipe, {"dlbasicsclassifier__hidden_layer_sizes": [(), (16,)]}, cv=3)
    grid.fit(X, y)
    # no hidden layer = a straight line, which cannot follow the two moons
    assert grid.best_params_ == {"dlbasicsclassifier__hidden_layer_sizes": (16,)}
    scores = grid.cv_results_["mean_test_score"]
    assert scores[1] > 0.95 > scores[0]


def test_cross_val_score_on_three_blobs():
    X, y = make_blobs(240, centers=3, rng=1)
    scores = cross_val_score(DLBasicsClassifier((8,), epochs=30, random_state=0), X, y, cv=4)
    assert scores.shape == (4,)
    assert scores.min() > 0.85


def test_regressor_learns_a_sine_and_two_targets():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(200, 1))
    Y = np.column_stack([np.sin(3 * X[:, 0]), X[:, 0] ** 2])
    reg = DLBasicsRegressor((32,), activation="tanh", epochs=100, random_state=0)
    assert reg.fit(X, Y[:, 0]).predict(X).shape == (200,)
    assert reg.score(X, Y[:, 0]) > 0.95
    assert cross_val_score(reg, X, Y[:, 0], cv=3).min() > 0.9
    assert reg.fit(X, Y).predict(X).shape == (200, 2)
    assert reg.score(X, Y) > 0.9


def test_random_state_makes_fit_reproducible(moons):
    X, y = moons
    a = DLBasicsClassifier((8,), epochs=5, random_state=3).fit(X, y)
    b = clone(a).fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    c = DLBasicsClassifier((8,), epochs=5, random_state=4).fit(X, y)
    assert not np.array_equal(a.predict_proba(X), c.predict_proba(X))


def test_estimator_wraps_a_dlbasics_network(moons):
    X, y = moons
    clf = DLBasicsClassifier((5, 4), activation="tanh", epochs=3, random_state=0).fit(X, y)
    assert [(d.n_in, d.n_out) for d in clf.model_.dense_layers] == [(2, 5), (5, 4), (4, 2)]
    assert clf.n_iter_ == 3 == len(clf.history_.loss)
    assert clf.loss_ == clf.history_.loss[-1]


def test_errors_speak_to_the_learner(moons):
    X, y = moons
    with pytest.raises(ValueError, match="at least 2 classes"):
        DLBasicsClassifier().fit(X, np.zeros(len(X)))
    with pytest.raises(ValueError, match="hidden_layer_sizes must be positive ints"):
        DLBasicsClassifier(hidden_layer_sizes=(8, 0)).fit(X, y)
    with pytest.raises(ValueError, match="expecting 2 features"):
        DLBasicsClassifier(epochs=1).fit(X, y).predict(np.zeros((3, 5)))
