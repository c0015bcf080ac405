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
from dlbasics.exercises._build import run, use
from dlbasics.exercises._common import (
    as_array,
    check_array,
    correct,
    hints,
    is_blank,
    show_hint,
    wrong,
)
from dlbasics.exercises._quiz import Choice, ask, questions
from dlbasics.neuron import Perceptron

__all__ = ["UPDATE_PROBLEM", "check_update", "check_xor_weights", "circles_data", "check_circle_features",
           "check_perceptron_update", "check_predict", "check_question", "library_update", "library_predict",
           "use", "hint"]

#: exercise 1: one step of the perceptron rule, w ← w + η (y − ŷ) x, b ← b + η (y − ŷ)
UPDATE_PROBLEM: dict[str, Any] = {"w": (0.5, -0.5), "b": 0.0, "lr": 0.5, "x": (2.0, 2.0), "y": 1}


def hint(exercise: str | None = None, level: int | None = None) -> None:
    """Print the next hint for an exercise of notebook 03 (without one: list the exercises).

    Parameters
    ----------
    exercise : str, optional
        The exercise, named as its check without ``check_``: ``"update"``, ``"xor_weights"``,
        ``"circle_features"``, the functions of one's own ``"perceptron_update"`` and
        ``"predict"``, or ``"question"`` (the self-check questions).
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



# -- build it yourself: the perceptron's prediction and its update, as functions ---------------------


def library_predict(X: Any, w: Any, b: float) -> NDArray[np.float64]:
    """The library's batched prediction ``step(X @ w + b)``: what ``dl.Perceptron.predict`` computes."""
    p = Perceptron(np.shape(w)[0])
    p.w[:], p.b = w, float(b)
    return np.asarray(p.predict(X), dtype=np.float64)


def library_update(w: Any, b: float, x: Any, y: int, lr: float) -> tuple[NDArray[np.float64], float]:
    """The library's perceptron rule on one sample, as a function: ``dl.Perceptron.update``."""
    p = Perceptron(np.shape(w)[0], lr=lr)
    p.w[:], p.b = w, float(b)
    p.update(x, y)
    return p.w.copy(), float(p.b)


def _predict_problems() -> list[tuple[NDArray[np.float64], NDArray[np.float64], float]]:
    """Two batches: one with points exactly on the line (z = 0), one of another size."""
    X1 = np.array([[2.0, 1.0], [0.0, 0.5], [-1.0, 3.0], [1.0, 1.0], [-2.0, -2.0]])
    X2 = np.random.default_rng(5).normal(size=(9, 3))
    return [(X1, np.array([1.0, -2.0]), 0.0), (X2, np.array([0.5, -1.0, 2.0]), 0.25)]


@hints("First the weighted sums of the whole batch, z = X @ w + b (shape (N,)), then the step: 1 where "
       "z > 0, else 0.",
       "(z > 0) is True/False for every sample; .astype(float) turns that into 1.0/0.0. Points exactly on "
       "the line (z = 0) are predicted 0.")
def check_predict(fn: Any) -> None:
    """Build it yourself: ``predict(X, w, b)`` → ``step(X @ w + b)``, one 0/1 per sample (N,)."""
    name = "predict"
    for X, w, b in _predict_problems():
        ok, out = run(name, fn, X.copy(), w.copy(), b)
        if not ok:
            return
        try:
            got = np.asarray(out, dtype=np.float64)
        except (TypeError, ValueError):
            wrong(name, f"expected an array of 0s and 1s, got {type(out).__name__}")
            return
        N = len(X)
        if got.shape != (N,):
            hint = (": w is a vector, so X @ w is already one-dimensional" if got.shape in ((N, 1), (1, N))
                    else "")
            wrong(name, f"for X of shape {X.shape} expected shape ({N},), one prediction per sample, got "
                        f"{got.shape}{hint}")
            return
        z = X @ w + b  # (N,)
        expected = (z > 0).astype(np.float64)
        if np.array_equal(got, expected):
            continue
        if np.allclose(got, z):
            wrong(name, "these are the weighted sums z; the prediction is step(z): 1 where z > 0, else 0")
        elif np.array_equal(got, 1 - expected) or np.array_equal(got, (z < 0).astype(float)):
            wrong(name, "the classes are swapped: the perceptron predicts 1 on the side where z > 0")
        elif np.array_equal(got, (z >= 0).astype(float)):
            wrong(name, "right except for points exactly on the line (z = 0): step(0) is 0 (it fires only "
                        "for z > 0)")
        elif not np.all(np.isin(got, (0.0, 1.0))):
            wrong(name, "a perceptron predicts 0 or 1 only: apply the step to z")
        else:
            bad = np.flatnonzero(got != expected)
            wrong(name, f"{bad.size} of {N} predictions are off (e.g. sample {int(bad[0])}): the prediction "
                        "of row i is step(X[i] @ w + b)")
        return
    correct(name, "One comparison for the whole batch.")


#: (w, b, x, y, lr): a mistake on each class, right predictions, a point on the line, 3 inputs
_UPDATE_CASES: list[tuple[tuple[float, ...], float, tuple[float, ...], int, float]] = [
    ((0.5, -0.5), 0.0, (2.0, 1.0), 1, 0.5),     # z = 0.5 > 0: ŷ = 1, right: no change
    ((0.5, -0.5), 0.25, (1.0, 2.0), 1, 0.5),    # z < 0: ŷ = 0, a mistake: move towards x
    ((1.0, 1.0), -0.5, (1.5, 0.5), 0, 0.25),    # z > 0: ŷ = 1, a mistake: move away from x
    ((1.0, -1.0), 0.0, (0.75, 0.75), 1, 0.3),   # z = 0: ŷ = step(0) = 0, a mistake
    ((1.0, -1.0), 0.0, (0.75, 0.75), 0, 0.3),   # z = 0, label 0: right, no change
    ((0.2, -0.4, 0.1), 0.1, (-1.0, 2.0, 0.5), 0, 0.1),  # right (z < 0): no change
    ((0.2, -0.4, 0.1), 0.1, (1.0, -2.0, 4.0), 0, 0.1),  # z > 0 with label 0: a mistake, 3 inputs
]


def _rule(w: NDArray[np.float64], b: float, x: NDArray[np.float64], y: int, lr: float, *,
          fires_at_zero: bool = False, sign: float = 1.0, bias: bool = True, rate: float | None = None,
          always: bool = False) -> tuple[NDArray[np.float64], float]:
    """The rule w ← w + η (y − ŷ) x, b ← b + η (y − ŷ), and the variants of its usual slips."""
    z = float(x @ w + b)
    y_hat = float(z >= 0 if fires_at_zero else z > 0)
    err = (1.0 if y == 1 else -1.0) if always else y - y_hat
    eta = lr if rate is None else rate
    return w + sign * eta * err * x, b + (sign * eta * err if bias else 0.0)


def _as_pair(out: Any) -> tuple[NDArray[np.float64], float] | None:
    try:
        w_new, b_new = out
        return np.asarray(w_new, dtype=np.float64), float(np.asarray(b_new, dtype=np.float64))
    except (TypeError, ValueError):
        return None


@hints("First the prediction for the one sample: ŷ = 1 if x @ w + b > 0, else 0. Then the error y − ŷ, "
       "which is 0, +1 or −1.",
       "Return new values, w + lr * (y − ŷ) * x and b + lr * (y − ŷ), as a pair (w_new, b_new). With an "
       "error of 0 (a right prediction) both stay as they were.",
       "Don't change the w you were given (no w += …): build a new array, the caller may still need the "
       "old one.")
def check_perceptron_update(fn: Any) -> None:
    """Build it yourself: ``perceptron_update(w, b, x, y, lr)`` → ``(w_new, b_new)``, one step of the rule.

    Tried on mistakes of both kinds, right predictions, a point exactly on the line (z = 0,
    predicted 0) and three inputs; the usual slips are named (an update on a right prediction,
    the wrong sign, the bias left alone, lr ignored, ``z >= 0``, changing ``w`` in place).
    """
    name = "perceptron_update"
    if is_blank(fn):
        run(name, fn)
        return
    variants: list[tuple[dict[str, Any], str]] = [
        (dict(always=True), "it changes the weights although the prediction is right: the rule only moves "
                            "them on a mistake, when y − ŷ is not 0"),
        (dict(sign=-1.0), "the update goes the wrong way: the error is y − ŷ (label minus prediction), and "
                          "a positive error adds lr · x"),
        (dict(bias=False), "w is right but the bias must move too: b_new = b + lr (y − ŷ)"),
        (dict(rate=1.0), "the step is too large: multiply by the learning rate lr"),
        (dict(fires_at_zero=True), "right except for a point exactly on the line (z = 0): step(0) is 0, the "
                                   "perceptron fires only for z > 0"),
    ]
    results = []
    for w0, b0, x0, y, lr in _UPDATE_CASES:
        w, x = np.array(w0), np.array(x0)
        w_in = w.copy()
        ok, out = run(name, fn, w_in, b0, x.copy(), y, lr)
        if not ok:
            return
        pair = _as_pair(out)
        if pair is None:
            wrong(name, f"expected the pair (w_new, b_new), got {type(out).__name__}")
            return
        w_new, b_new = pair
        if w_new.shape != w.shape:
            wrong(name, f"for w of shape {w.shape} the new w has shape {w_new.shape}: it keeps one weight "
                        "per input")
            return
        if not (np.all(np.isfinite(w_new)) and np.isfinite(b_new)):
            wrong(name, "the new weights contain NaN or inf")
            return
        if not np.array_equal(w_in, w):
            wrong(name, "it changed the w it was given (in place, e.g. w += …): return a new array, so that "
                        "the caller's w stays as it was")
            return
        results.append((w, b0, x, y, lr, w_new, b_new))
    for kwargs, why in [({}, ""), *variants]:
        if all(np.allclose(w_new, _rule(w, b, x, y, lr, **kwargs)[0]) and
               np.isclose(b_new, _rule(w, b, x, y, lr, **kwargs)[1])
               for w, b, x, y, lr, w_new, b_new in results):
            if why:
                wrong(name, why)
            else:
                correct(name, "Nothing moves on a right prediction; a mistake pulls the line towards it.")
            return
    for w, b, x, y, lr, w_new, b_new in results:
        w_ref, b_ref = _rule(w, b, x, y, lr)
        if not (np.allclose(w_new, w_ref) and np.isclose(b_new, b_ref)):
            z = float(x @ w + b)
            case = ("a right prediction" if (z > 0) == (y == 1) else f"a mistake on a point with label {y}")
            part = "w" if not np.allclose(w_new, w_ref) else "b"
            wrong(name, f"for {case} (z {'>' if z > 0 else '<' if z < 0 else '='} 0) the new {part} is off: "
                        "w_new = w + lr (y − ŷ) x, b_new = b + lr (y − ŷ)")
            return


# -- self-check questions ------------------------------------------------------------------------------

QUESTIONS = questions(
    __name__,
    when_update=Choice(
        "b",
        a="after a right prediction the error y − ŷ is 0, so the rule adds nothing",
        b="y − ŷ is 0 for a right prediction: only a mistake moves the weights",
        c="the rule looks at one point at a time and updates at once; the epoch only counts the passes",
        d="z > 0 only means the prediction is 1; whether anything changes depends on the label too",
    ),
    converges=Choice(
        "a",
        a="Novikoff's theorem: at most (R/γ)² mistakes, for any order and any learning rate",
        b="the theorem holds for any learning rate η > 0: scaling w and b together does not move the line",
        c="on separable data it cannot cycle for ever; it cycles only when no separating line exists",
        d="it stops at the first line without mistakes, which can lie close to some points; finding the "
          "widest gap is what a support vector machine does",
    ),
    why_xor=Choice(
        "c",
        a="more epochs do not help: the four inequalities of section 4 contradict each other",
        b="a smaller or larger learning rate cannot create weights that do not exist",
        c="no weights w1, w2, b satisfy the four XOR inequalities: no line has the 1s on one side and the "
          "0s on the other",
        d="the order changes which mistakes come first, not whether a separating line exists",
    ),
    circle_feature=Choice(
        "b",
        a="x1·x2 is the XOR feature: its sign is the same for opposite quadrants of both circles",
        b="the squared radius is small for every inner point and large for every outer one: one threshold "
          "on it separates them",
        c="x1 + x2 is still linear in the inputs, so the boundary stays a straight line",
        d="a copy of x1 adds nothing a line could not already do",
    ),
)


@hints("Each question is answered in one section: the learning rule (2), the convergence theorem (3), "
       "XOR (4), features by hand (5).",
       "Read the feedback on a wrong letter: it says what that option overlooks.")
def check_question(name: Any, answer: Any) -> None:
    """Self-check question ``name`` ("when_update", "converges", "why_xor", "circle_feature")."""
    ask(QUESTIONS, name, answer)
