"""Exercise checks for notebook 03, "What a perceptron can't do".

Each check prints one line: ⏳ (not done yet), ✅ (correct) or ❌ with what is off — a diagnosis,
never the right answer. Stuck? ``ch03.hint("update")`` prints a hint for the exercise that
``ch03.check_update`` checks; call it again for the next one.

Examples
--------
>>> from dlbasics.exercises import ch03
>>> ch03.check_update([1.5, 0.5, 0.5])
✅ perceptron update: correct.
>>> ch03.check_update(...)
⏳ perceptron update: not done yet — replace the ... with your answer.
>>> ch03.check_update([1.5, 0.5, 0.0])
❌ perceptron update: not yet — w is right but the bias moves too: b ← b + η (y − ŷ)
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from dlbasics.datasets import make_circles, make_xor
from dlbasics.exercises._common import as_array, check_array, correct, hints, show_hint, wrong
from dlbasics.neuron import Perceptron

__all__ = ["UPDATE_PROBLEM", "check_update", "check_xor_weights", "circles_data", "check_circle_features",
           "hint"]

#: exercise 1: one step of the perceptron rule, w ← w + η (y − ŷ) x, b ← b + η (y − ŷ)
UPDATE_PROBLEM: dict[str, Any] = {"w": (0.5, -0.5), "b": 0.0, "lr": 0.5, "x": (2.0, 2.0), "y": 1}


def hint(exercise: str | None = None, level: int | None = None) -> None:
    """Print the next hint for an exercise of notebook 03 (without one: list the exercises).

    Parameters
    ----------
    exercise : str, optional
        The exercise, named as its check without ``check_``: ``"update"``, ``"xor_weights"``
        or ``"circle_features"``.
    level : int, optional
        Print this hint (1 is the first) again instead of the next one.

    Examples
    --------
    >>> from dlbasics.exercises import ch03
    >>> ch03.hint("update", level=1)  # doctest: +ELLIPSIS
    💡 hint 1 of 3 for check_update: ...
    """
    show_hint(__name__, exercise, level)


def _expected_update() -> NDArray[np.float64]:
    p = UPDATE_PROBLEM
    w, x = np.array(p["w"]), np.array(p["x"])
    y_hat = float(x @ w + p["b"] > 0)  # step(z)
    err = p["y"] - y_hat  # y − ŷ
    return np.append(w + p["lr"] * err * x, p["b"] + p["lr"] * err)


@hints("First the prediction: z = w·x + b and ŷ = step(z), where step(z) is 1 only for z > 0. Is the "
       "prediction right?",
       "Only a mistake moves the weights. The rule is w ← w + η (y − ŷ) x and b ← b + η (y − ŷ): work "
       "out y − ŷ first.",
       "With y − ŷ = +1 the weights move towards x by η·x, and the bias moves by η; η is "
       "ch03.UPDATE_PROBLEM['lr'].")
def check_update(answer: Any) -> None:
    """Exercise 1: the weights ``[w1, w2, b]`` after one perceptron update.

    The perceptron has ``w = (0.5, -0.5)``, ``b = 0`` and ``η = 0.5`` and sees the point
    ``x = (2, 2)`` with label ``y = 1``. Its weighted sum is ``z = 1 - 1 + 0 = 0``, so it
    predicts ``ŷ = step(0) = 0``: a mistake, and the rule moves ``w`` towards ``x``.
    """
    name = "perceptron update"
    expected = _expected_update()  # [1.5, 0.5, 0.5]
    parsed = as_array(name, answer, "three numbers [w1, w2, b]")
    if parsed is None:
        return
    a = parsed.ravel()
    p = UPDATE_PROBLEM
    if a.shape == (3,) and np.allclose(a, np.append(p["w"], p["b"])):
        wrong(name, "these are the weights before the update. Is the prediction right? "
                    "z = w·x + b = 0 and step(0) = 0, but the label is 1")
        return
    if a.shape == (3,) and np.allclose(a[:2], expected[:2]) and np.isclose(a[2], p["b"]):
        wrong(name, "w is right but the bias moves too: b ← b + η (y − ŷ)")
        return
    if a.shape == (3,) and np.allclose(a, np.append(np.array(p["w"]) + np.array(p["x"]), 1.0)):
        wrong(name, "you used η = 1; the learning rate here is η = 0.5")
        return
    away = np.append(np.array(p["w"]) - p["lr"] * np.array(p["x"]), p["b"] - p["lr"])
    if a.shape == (3,) and np.allclose(a, away):
        wrong(name, "the update moved away from x: the error is y − ŷ (label minus prediction), "
                    "and a positive error adds η·x")
        return
    if a.shape == (2,):
        wrong(name, "expected three numbers [w1, w2, b]: give the bias after the update too")
        return
    check_array(name, a, expected, labels=["w1", "w2", "b"],
                pointer="w ← w + η (y − ŷ) x and b ← b + η (y − ŷ)")


def _xor_corners() -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """The four XOR corners in [-1, 1]² plus random points: label 1 when x1·x2 < 0."""
    corners = np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]])
    X, y = make_xor(200, rng=3)
    return np.vstack([corners, X]), np.concatenate([[0, 1, 1, 0], y]).astype(np.int64)


@hints("With the third feature x1·x2, the perceptron computes w1·x1 + w2·x2 + w3·(x1·x2) + b. Look at "
       "the sign of x1·x2 at the four corners.",
       "x1·x2 is negative exactly at the two corners labelled 1 and positive at the two labelled 0. "
       "Which single weight, with which sign, turns that into the prediction?")
def check_xor_weights(answer: Any) -> None:
    """Exercise 2: weights ``[w1, w2, w3, b]`` of a perceptron on the features
    ``(x1, x2, x1·x2)`` that classifies XOR (label 1 when exactly one of x1, x2 is positive).

    Checked on the four corners of [-1, 1]² and on 200 random XOR points (any weights that
    get all of them right are accepted).
    """
    name = "XOR weights"
    parsed = as_array(name, answer, "four numbers [w1, w2, w3, b]")
    if parsed is None:
        return
    a = parsed.ravel()
    if a.shape != (4,):
        wrong(name, f"expected four numbers [w1, w2, w3, b] (three features and a bias), got {a.size}")
        return
    if not np.all(np.isfinite(a)):
        wrong(name, "the weights contain NaN or inf")
        return
    X, y = _xor_corners()
    F = np.column_stack([X, X[:, 0] * X[:, 1]])  # (N, 3): rows = points, columns = features
    pred = (F @ a[:3] + a[3] > 0).astype(np.int64)
    bad = np.flatnonzero(pred != y)
    if bad.size == 0:
        correct(name, "Only the x1·x2 column matters: its sign is the XOR.")
        return
    i = int(bad[0])
    hint = ("x1·x2 is negative exactly where the label is 1, so its weight should be negative"
            if a[2] >= 0 else "keep w1, w2 and b small (zero works): x1·x2 alone decides")
    wrong(name, f"{bad.size} of {len(y)} points are misclassified, e.g. x = ({X[i, 0]:.2f}, "
                f"{X[i, 1]:.2f}) with label {y[i]} gets {pred[i]} ({hint})")


def circles_data() -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """The circles of exercise 3: ``dl.make_circles(200, rng=1)``."""
    return make_circles(200, rng=1)


@hints("Plot the two classes: they differ in how far a point is from the centre, not in which direction "
       "it lies. A perceptron can only draw a straight boundary in its features.",
       "Add a column to X in which every inner point has a smaller value than every outer point; "
       "np.column_stack([X, new_column]) makes the feature matrix.",
       "The squared distance from the centre, x1² + x2², is such a column.")
def check_circle_features(answer: Any, epochs: int = 100) -> None:
    """Exercise 3: a feature matrix for :func:`circles_data` that a perceptron can separate.

    ``answer`` has one row per data point (200) and one column per feature. The check trains
    ``dl.Perceptron`` on it for up to ``epochs`` epochs and accepts it if the perceptron
    converges (no error in an epoch). Adding the squared radius ``x1² + x2²`` as a column is
    enough.
    """
    name = "circle features"
    F = as_array(name, answer, "an array of numbers")
    if F is None:
        return
    X, y = circles_data()
    if F.ndim == 1 and F.shape[0] == len(y):
        F = F[:, None]  # a single feature column
    if F.ndim != 2 or F.shape[0] != len(y):
        hint = " (transposed? rows are data points, columns are features)" if (
            F.ndim == 2 and F.shape[1] == len(y)) else ""
        wrong(name, f"expected shape ({len(y)}, number of features): one row per data point, "
                    f"got {F.shape}{hint}")
        return
    if not np.all(np.isfinite(F)):
        wrong(name, "the features contain NaN or inf")
        return
    hist = Perceptron(F.shape[1], lr=0.1).fit(F, y, epochs=epochs, rng=0)
    if hist.converged:
        correct(name, f"The perceptron converged after {len(hist.errors)} epoch(s) on "
                      f"{F.shape[1]} feature(s).")
    else:
        wrong(name, f"the perceptron did not converge in {epochs} epochs ({hist.errors[-1]} errors in "
                    "the last one): no straight boundary separates the classes in these features. Add "
                    "a feature that is small for every point of the inner circle and large for every "
                    "point of the outer one")
