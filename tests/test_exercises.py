"""The exercise checks of notebooks 01-07: one table of (check, answer, verdict, message) rows.

For every check the table holds the right answer (with the ✅ line the notebooks show), a blank
answer (⏳), each mistake the check diagnoses and an arbitrary wrong answer (❌). Every row also
runs through the raising form, and no ❌ message may contain the expected value in any of the ways
a check could print it. A hypothesis test then throws many random wrong answers at every check.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable
from contextlib import redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import dlbasics as dl
from dlbasics.exercises import CheckFailed, _common, assert_passes, ch01, ch02, ch03, ch04, ch05, ch06, ch07

CHAPTERS = [ch01, ch02, ch03, ch04, ch05, ch06, ch07]
ALL_CHECKS = [getattr(m, n) for m in CHAPTERS for n in m.__all__ if n.startswith("check_")]


# -- the right answers, worked out here from each exercise's data ---------------------------------

MINUTES, KCAL = ch01.cycling_data()
W_STAR = float(MINUTES @ KCAL / (MINUTES @ MINUTES))


def sse(w: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return ((w[:, None] * x - y) ** 2).sum(axis=1)


X2, W2_, B2 = ch02.batch_data()
S_SLOPE = float(dl.sigmoid(ch02.SLOPE_AT))
FWD = ch04.forward_problem()
FX, FW1, Fb1, FW2, Fb2 = FWD
FZ1 = FX @ FW1 + Fb1
FOUT = 1 / (1 + np.exp(-(np.maximum(FZ1, 0) @ FW2 + Fb2)))
PRED, TRUE = ch05.price_data()
DIFF = PRED - TRUE
RMSE = math.sqrt(np.mean(DIFF**2))
_x, _w, _b, _y = (ch05.NEURON[k] for k in "xwby")
_a = 1 / (1 + math.exp(-(_w * _x + _b)))
DA = 2 * (_a - _y)
DZ = DA * _a * (1 - _a)
DW, DB = DZ * _x, DZ
DX_, DW_, DZ_ = ch05.dense_backward_data()
DENSE = (DX_.T @ DZ_, DZ_.sum(axis=0), DZ_ @ DW_.T)
CM = np.array([[8, 1, 1], [2, 5, 3], [0, 0, 10]])
RECALL = np.diag(CM) / CM.sum(axis=1)
GD3 = np.array([0.8**3, 0.4**3])

#: every value a check must not reveal
EXPECTED: dict[Any, np.ndarray] = {
    ch01.check_walk_kcal: np.array([4.2 * 50]),
    ch01.check_cycling_weight: np.array([W_STAR]),
    ch01.check_sse_function: np.concatenate([sse(w, x, y) for w, x, y in ch01._problems()]),
    ch02.check_weighted_sum: np.array([np.dot(ch02.EXERCISE_X, ch02.EXERCISE_W) + ch02.EXERCISE_B]),
    ch02.check_batch_outputs: dl.sigmoid(X2 @ W2_ + B2),
    ch02.check_sigmoid_slope: np.array([S_SLOPE * (1 - S_SLOPE)]),
    ch03.check_update: np.array([1.5, 0.5, 0.5]),
    ch04.check_n_params: np.array([(2 * 8 + 8) + (8 * 8 + 8) + (8 * 3 + 3)]),
    ch04.check_forward: FOUT,
    ch04.check_he_std: np.array([math.sqrt(2 / 784)]),
    ch05.check_rmse: np.array([RMSE]),
    ch05.check_neuron_gradient: np.array([DW, DB]),
    ch05.check_dense_backward: np.concatenate([g.ravel() for g in DENSE]),
    ch06.check_iterations_per_epoch: np.array([math.ceil(50_000 / 128)]),
    ch06.check_gd_steps: GD3,
    ch06.check_momentum_steps: np.array([0.46]),
    ch06.check_adam_first_step: np.array([4.99]),
    ch07.check_n_params: np.array([(784 * 128 + 128) + (128 * 64 + 64) + (64 * 10 + 10)]),
    ch07.check_steps_per_epoch: np.array([math.ceil(55_000 / 64)]),
    ch07.check_recall: RECALL,
}
#: the checks that accept a whole family of answers (weights that work): there is no value to leak
FAMILIES = {ch02.check_and_gate, ch03.check_xor_weights, ch03.check_circle_features, ch04.check_xor_network}
#: the checks of this table; the checks of build-it-yourself exercises and self-check questions,
#: which run the learner's code or take a letter, have their tables in tests/test_exercises_chNN.py
CHECKS = [c for c in ALL_CHECKS if c in EXPECTED or c in FAMILIES]
TESTS_DIR = Path(__file__).parent


def test_every_check_is_in_a_table():
    assert set(CHECKS) == set(EXPECTED) | FAMILIES
    for check in set(ALL_CHECKS) - set(CHECKS):
        chapter = check.__module__.rsplit(".", 1)[-1]
        own = TESTS_DIR / f"test_exercises_{chapter}.py"
        assert own.exists() and f"{chapter}.{check.__name__}" in own.read_text(encoding="utf-8"), (
            f"{chapter}.{check.__name__} is tested neither here nor in {own.name}")


def _significant(text: str) -> int:
    return len(text.lstrip("-").replace(",", "").replace(".", "").strip("0"))


def leak_forms(values: Any, answer: Any = None) -> set[str]:
    """The expected values written the ways a check could print them, and their easy transforms
    (negative, half, double, the distance from a scalar answer); forms with fewer than two
    significant digits ("0.5", "100") are too common in ordinary text to count."""
    numbers = {float(v) for v in np.ravel(values)}
    numbers |= {v / 2 for v in numbers} | {2 * v for v in numbers}
    if answer is not None and np.ndim(answer) == 0 and isinstance(answer, (int, float, np.number)):
        numbers |= {float(answer) - float(v) for v in np.ravel(values)}
    forms = set()
    for v in filter(math.isfinite, numbers):
        v = abs(v)
        forms |= {f"{v:.{d}f}" for d in range(1, 5)} | {f"{v:.0f}", f"{v:,.0f}", f"{v:.3g}", f"{v:.4g}",
                                                          f"{v:.6g}", f"{v:,.1f}"}
    return {f for f in forms if _significant(f) >= 2}


def leaked(message: str, check: Any, answer: Any = None) -> list[str]:
    if check not in EXPECTED:
        return []
    return sorted(f for f in leak_forms(EXPECTED[check], answer) if f in message)


def run(check: Callable[..., Any], *args: Any) -> str:
    """What the printing form prints, and the same feedback through the raising form."""
    buf = io.StringIO()
    with redirect_stdout(buf):
        check(*args)
    printed = buf.getvalue().rstrip("\n")
    raised = io.StringIO()
    with redirect_stdout(raised):
        try:
            assert_passes(check, *args)
        except CheckFailed as exc:
            assert str(exc) == printed and exc.lines == printed.split("\n")
            assert exc.not_done == (not any(ln.startswith("❌") for ln in exc.lines))
            assert raised.getvalue() == ""
        else:
            assert all(ln.startswith("✅") for ln in printed.split("\n"))
            assert raised.getvalue().rstrip("\n") == printed
    return printed


def verdict(message: str) -> str:
    lines = message.split("\n")
    if all(ln.startswith("✅") for ln in lines):
        return "✅"
    return "❌" if any(ln.startswith("❌") for ln in lines) else "⏳"


# -- the table -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    check: Callable[..., Any]
    args: tuple[Any, ...]
    verdict: str
    pattern: str
    id: str


#: checks of several arguments: their rows give a tuple of all of them
SEVERAL = {ch05.check_dense_backward, ch07.check_recall}


def case(check: Callable[..., Any], answer: Any, want: str, pattern: str, id: str, more: tuple[Any,
...] = ()) -> Any:
    args = answer if check in SEVERAL else (answer, *more)
    return pytest.param(Case(check, args, want, pattern, id),
                        id=f"{check.__module__.rsplit('.', 1)[-1]}.{check.__name__}-{id}")


OK, WAIT, BAD = "✅", "⏳", "❌"
RNG = np.random.default_rng(0)
NOT_DONE = r"not done yet — replace the \.\.\. with your answer\.$"


def ref_sse(w: Any, x: Any, y: Any) -> Any:
    return ((w[:, None] * x - y) ** 2).sum(axis=1)


def with_entry(a: np.ndarray, index: Any, delta: float) -> np.ndarray:
    out = np.array(a, dtype=np.float64)
    out[index] += delta
    return out


neuron = dl.Perceptron(2, lr=ch03.UPDATE_PROBLEM["lr"])
neuron.w[:], neuron.b = ch03.UPDATE_PROBLEM["w"], ch03.UPDATE_PROBLEM["b"]
neuron.update(ch03.UPDATE_PROBLEM["x"], ch03.UPDATE_PROBLEM["y"])  # what dl.Perceptron does is right
XC, YC = ch03.circles_data()
XOR_NET = (np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([-0.5, -1.5]), np.array([[1.0], [-2.0]]),
np.array([-0.5]))
layer = dl.Dense(3, 2, dtype=np.float64)
layer.W[...] = DW_
layer.forward(DX_)
LAYER_DX = layer.backward(DZ_)


_net = dl.mlp([2, 3, 1], output="sigmoid", dtype=np.float64, rng=0)
_net.set_weights([FW1, Fb1, FW2, Fb2])
NET_OUT = _net.forward(FX)  # what the package computes is right


def _sgd_momentum(steps: int) -> float:
    w, dw = np.array([1.0]), np.zeros(1)
    opt = dl.SGD([(w, dw)], lr=0.1, momentum=0.9)
    for _ in range(steps):
        dw[:] = 2 * w
        opt.step()
    return float(w[0])


def _adam_step() -> float:
    w, dw = np.array([5.0]), np.array([100.0])
    dl.Adam([(w, dw)], lr=0.01).step()
    return float(w[0])


CASES = [
    # -- ch01 -------------------------------------------------------------------------------------
    case(ch01.check_walk_kcal, dl.Neuron(4.2)(50), OK, r"^✅ walk kcal: correct\.$", "right"),
    case(ch01.check_walk_kcal, ..., WAIT, "^⏳ walk kcal: " + NOT_DONE, "blank"),
    case(ch01.check_walk_kcal, None, WAIT, "^⏳ walk kcal: " + NOT_DONE, "none"),
    case(ch01.check_walk_kcal, 4.2 / 50, BAD, r"got 0\.084: .*not a division", "divided"),
    case(ch01.check_walk_kcal, 50 / 4.2, BAD, "not a division", "divided-other-way"),
    case(ch01.check_walk_kcal, 54.2, BAD, "a sum: a neuron multiplies", "added"),
    case(ch01.check_walk_kcal, 210 / 60, BAD, "no conversion to hours", "hours"),
    case(ch01.check_walk_kcal, 210 * 60, BAD, "no factor 60", "times-60"),
    case(ch01.check_walk_kcal, -210, BAD, "sign is wrong", "sign"),
    case(ch01.check_walk_kcal, 0, BAD, "far too small: a neuron's output is its weight times its input",
         "zero"),
    case(ch01.check_walk_kcal, 200, BAD, "— too small: ", "random-low"),
    case(ch01.check_walk_kcal, 250, BAD, "— too large: ", "random-high"),
    case(ch01.check_walk_kcal, "lots", BAD, "expected a number \\(kcal\\), got str", "text"),
    case(ch01.check_walk_kcal, [210, 1], BAD, r"got an array of shape \(2,\)", "two-numbers"),
    case(ch01.check_walk_kcal, np.array([210.0]), OK, r"^✅", "one-element-array"),
    case(ch01.check_walk_kcal, float("nan"), BAD, "the answer is nan", "nan"),
    case(ch01.check_cycling_weight, W_STAR, OK,
         r"^✅ cycling weight: correct\. w\* = 8\.805 kcal per minute\.$",
         "right"),
    case(ch01.check_cycling_weight, np.arange(0, 15, 0.01)[np.argmin(((np.arange(0, 15, 0.01)[:,
         None] * MINUTES
                                                                      - KCAL) ** 2).sum(axis=1))],
         OK, "^✅", "grid-search"),
    case(ch01.check_cycling_weight, ..., WAIT, "^⏳ cycling weight: " + NOT_DONE, "blank"),
    case(ch01.check_cycling_weight, KCAL.sum() / MINUTES.sum(), BAD, "total kcal / total minutes",
         "ratio-of-sums"),
    case(ch01.check_cycling_weight, np.mean(KCAL / MINUTES), BAD, "mean of kcal / minutes", "mean-ratio"),
    case(ch01.check_cycling_weight, np.median(KCAL / MINUTES), BAD, "median of kcal / minutes",
         "median-ratio"),
    case(ch01.check_cycling_weight, 1 / W_STAR, BAD, "upside down", "inverted"),
    case(ch01.check_cycling_weight, np.polyfit(MINUTES, KCAL, 1)[0], BAD, "line with an intercept",
         "intercept"),
    case(ch01.check_cycling_weight, -3.0, BAD, "zero or less", "negative"),
    case(ch01.check_cycling_weight, W_STAR + 0.05, BAD, r"— too large: compute E\(w\)", "random-high"),
    case(ch01.check_cycling_weight, W_STAR - 0.05, BAD, "— too small: ", "random-low"),
    case(ch01.check_cycling_weight, [1.0, 2.0], BAD, "expected one number", "two-numbers"),
    case(ch01.check_sse_function, ref_sse, OK, r"^✅ sse function: correct\.$", "right"),
    case(ch01.check_sse_function, ..., WAIT, "^⏳ sse function: " + NOT_DONE, "blank"),
    case(ch01.check_sse_function, 3.0, BAD, "expected a function sse", "not-a-function"),
    case(ch01.check_sse_function, lambda w, x, y: ..., BAD, "still returns \\.\\.\\.", "returns-ellipsis"),
    case(ch01.check_sse_function, lambda w, x, y: "E", BAD, "should return an array of numbers",
         "returns-text"),
    case(ch01.check_sse_function, lambda w, x, y: ((w[:, None] * x - y) ** 2).sum(), BAD,
         r"expected shape \(4,\).*got \(\): .*summed over every weight", "summed-everything"),
    case(ch01.check_sse_function, lambda w, x, y: (w[:, None] * x - y) ** 2, BAD,
         r"got \(4, 8\): one number per weight and data point", "not-reduced"),
    case(ch01.check_sse_function, lambda w, x, y: ((w[:, None] * x - y) ** 2).sum(axis=0), BAD,
         r"got \(8,\): .*summed over the weights", "wrong-axis"),
    case(ch01.check_sse_function, lambda w, x, y: ((w * x - y) ** 2).sum(), BAD,
         r"raised ValueError.*w\[:, None\]", "not-broadcast"),
    case(ch01.check_sse_function, lambda w, x, y: ((w[:, None] * x - y) ** 2).mean(axis=1), BAD,
         "mean squared error; .* total", "mean"),
    case(ch01.check_sse_function, lambda w, x, y: (w[:, None] * x - y).sum(axis=1), BAD,
         "square each residual before summing", "not-squared"),
    case(ch01.check_sse_function, lambda w, x, y: np.abs(w[:, None] * x - y).sum(axis=1), BAD,
         "absolute residuals", "absolute"),
    case(ch01.check_sse_function, lambda w, x, y: (w[:, None] * x - y).sum(axis=1) ** 2, BAD,
         "squared the sum of the residuals", "square-of-sum"),
    case(ch01.check_sse_function, lambda w, x, y: np.sqrt(ref_sse(w, x, y)), BAD, "leave out the root",
         "root"),
    case(ch01.check_sse_function, lambda w, x, y: ((w[:, None] * x + y) ** 2).sum(axis=1), BAD,
         "prediction minus target", "plus-y"),
    case(ch01.check_sse_function, lambda w, x, y: ref_sse(w, x, y) + (w == 5) * 3.0, BAD,
         r"E is off for w = 5 \(right for w = 0, 8\.5, 12\)", "one-weight-off"),
    case(ch01.check_sse_function, lambda w, x, y: ref_sse(w, x, y) + 1.0, BAD,
         r"for w = 0 every prediction is 0, so E should be Σ y²", "w0-property"),
    case(ch01.check_sse_function, lambda w, x, y: np.array([1.0, 2.0, 3.0, 4.0]), BAD,
         "same result for different data: compute it from its arguments", "fixed-numbers"),
    case(ch01.check_sse_function, lambda w, x, y: np.ones(4) if x.size == 8 else np.ones(3), BAD,
         r"for 4 weights expected shape \(4,\).*got \(3,\)", "fixed-shape"),
    case(ch01.check_sse_function, lambda w, x, y: ref_sse(w, x, y) * np.nan, BAD, "NaN or inf", "nan"),
    case(ch01.check_sse_function, lambda w, x, y: 1.3 * ref_sse(w, x, y), BAD, "for w = 0 every prediction",
         "random"),
    # -- ch02 -------------------------------------------------------------------------------------
    case(ch02.check_weighted_sum, np.array(ch02.EXERCISE_X) @ np.array(ch02.EXERCISE_W) + ch02.EXERCISE_B, OK,
         r"^✅ weighted sum: correct\.$", "right"),
    case(ch02.check_weighted_sum, dl.Neuron(ch02.EXERCISE_W,
         bias=ch02.EXERCISE_B)(np.array(ch02.EXERCISE_X)), OK,
         "^✅", "neuron"),
    case(ch02.check_weighted_sum, ..., WAIT, "^⏳ weighted sum: " + NOT_DONE, "blank"),
    case(ch02.check_weighted_sum, 0.65, BAD, "without the bias: add b$", "no-bias"),
    case(ch02.check_weighted_sum, 0.55, BAD, "added, not subtracted", "minus-bias"),
    case(ch02.check_weighted_sum, 0.065, BAD, "not multiplied", "times-bias"),
    case(ch02.check_weighted_sum, float(dl.sigmoid(0.75)), BAD, "after an activation", "sigmoid"),
    case(ch02.check_weighted_sum, 1.6, BAD, "inputs are added up without their weights", "unweighted"),
    case(ch02.check_weighted_sum, 3.1, BAD, "weights are added up without the inputs", "weights-only"),
    case(ch02.check_weighted_sum, -0.75, BAD, "sign is wrong", "sign"),
    case(ch02.check_weighted_sum, np.array(ch02.EXERCISE_X) * np.array(ch02.EXERCISE_W) + ch02.EXERCISE_B,
         BAD,
         "three numbers: x \\* w multiplies entry by entry", "elementwise"),
    case(ch02.check_weighted_sum, 1.0, BAD, "— too large: multiply each input", "random"),
    case(ch02.check_batch_outputs, dl.Neuron(W2_, bias=B2, activation="sigmoid")(X2), OK,
         r"^✅ batch outputs: correct\.$", "right"),
    case(ch02.check_batch_outputs, ..., WAIT, "^⏳ batch outputs: " + NOT_DONE, "blank"),
    case(ch02.check_batch_outputs, X2 @ W2_ + B2, BAD,
         "weighted sums X @ w \\+ b; pass them through dl.sigmoid",
         "no-sigmoid"),
    case(ch02.check_batch_outputs, dl.sigmoid(X2 @ W2_), BAD, "bias is missing", "no-bias"),
    case(ch02.check_batch_outputs, dl.sigmoid(-(X2 @ W2_ + B2)), BAD, "sign slip in the sigmoid", "sign"),
    case(ch02.check_batch_outputs, dl.step(X2 @ W2_ + B2), BAD, "step activation", "step"),
    case(ch02.check_batch_outputs, dl.sigmoid(X2.T @ np.ones(4)), BAD, r"expected shape \(4,\).*got \(3,\)",
         "per-input"),
    case(ch02.check_batch_outputs, dl.sigmoid(X2 @ W2_ + B2)[:, None], BAD, r"got \(4, 1\): w is a vector",
         "column"),
    case(ch02.check_batch_outputs, with_entry(dl.sigmoid(X2 @ W2_ + B2), 2, 0.1), BAD,
         "sample 2 is too large; sample 0, sample 1 and sample 3 are right", "one-sample-off"),
    case(ch02.check_batch_outputs, 2 * dl.sigmoid(X2 @ W2_ + B2) + 0.5, BAD,
         "between 0 and 1, and the outputs for samples .* do not", "outside-0-1"),
    case(ch02.check_batch_outputs, np.array([0.5, 0.6, 0.4, 0.3]), BAD, "is too|are right|every entry",
         "random"),
    case(ch02.check_batch_outputs, np.array(["a", "b", "c", "d"]), BAD, "expected an array of numbers",
         "text"),
    case(ch02.check_sigmoid_slope, S_SLOPE * (1 - S_SLOPE), OK, r"^✅ sigmoid slope: correct\.$", "right"),
    case(ch02.check_sigmoid_slope, None, WAIT, "^⏳ sigmoid slope: " + NOT_DONE, "blank"),
    case(ch02.check_sigmoid_slope, S_SLOPE, BAD, r"sigmoid\(-1\) itself; the slope is s \(1 − s\)",
         "s-itself"),
    case(ch02.check_sigmoid_slope, 1 - S_SLOPE, BAD, "1 − s alone", "one-minus-s"),
    case(ch02.check_sigmoid_slope, 0.25, BAD, "slope at z = 0", "slope-at-0"),
    case(ch02.check_sigmoid_slope, S_SLOPE * (1 + S_SLOPE), BAD, "with a minus", "plus"),
    case(ch02.check_sigmoid_slope, -2.0, BAD, "you put z itself", "z-for-s"),
    case(ch02.check_sigmoid_slope, -0.19661193, BAD, "slope is positive", "negative"),
    case(ch02.check_sigmoid_slope, 0.4, BAD, "at most 1/4", "too-steep"),
    case(ch02.check_sigmoid_slope, 0.15, BAD, "— too small: the slope is s \\(1 − s\\)", "random"),
    case(ch02.check_and_gate, dl.Neuron([1.0, 1.0], bias=-1.5, activation="step"), OK,
         r"^✅ AND gate: correct\. One input alone \(at most 1\) stays at or below the threshold −b = 1\.5; "
         r"both together \(2\) get over it\.$", "right"),
    case(ch02.check_and_gate, ([2.0, 0.5], -2.2), OK, "^✅", "pair"),
    case(ch02.check_and_gate, ..., WAIT, "^⏳ AND gate: " + NOT_DONE, "blank"),
    case(ch02.check_and_gate, dl.Neuron([1.0, 1.0], bias=-0.5, activation="step"), BAD, "computes OR", "or"),
    case(ch02.check_and_gate, ([1.0, 1.0], 0.5), BAD, r"fires for \(0, 0\).*b must be at most 0",
         "fires-at-0"),
    case(ch02.check_and_gate, ([-1.0, -1.0], 1.5), BAD, "NAND", "nand"),
    case(ch02.check_and_gate, ([1.0, 1.0], -5.0), BAD, "never fires", "never"),
    case(ch02.check_and_gate, ([1.0, 0.0], -0.5), BAD, r"\(1, 0\) → 1 \(AND gives 0\)", "rows"),
    case(ch02.check_and_gate, dl.Neuron([1.0, 1.0], bias=-1.5, activation="sigmoid"), BAD,
         "activation='step'",
         "sigmoid"),
    case(ch02.check_and_gate, ([1.0, 1.0, 1.0], -2.5), BAD, "expected 2 weights", "three-weights"),
    case(ch02.check_and_gate, ([np.nan, 1.0], -1.5), BAD, "NaN or inf", "nan"),
    case(ch02.check_and_gate, 7, BAD, "expected dl.Neuron", "not-a-neuron"),
    # -- ch03 -------------------------------------------------------------------------------------
    case(ch03.check_update, [*neuron.w, neuron.b], OK, r"^✅ perceptron update: correct\.$", "right"),
    case(ch03.check_update, ..., WAIT, "^⏳ perceptron update: " + NOT_DONE, "blank"),
    case(ch03.check_update, [0.5, -0.5, 0.0], BAD, r"before the update.*step\(0\) = 0", "no-update"),
    case(ch03.check_update, [1.5, 0.5, 0.0], BAD, "bias moves too", "bias-fixed"),
    case(ch03.check_update, [2.5, 1.5, 1.0], BAD, "η = 0.5", "lr-1"),
    case(ch03.check_update, [-0.5, -1.5, -0.5], BAD, "moved away from x", "sign"),
    case(ch03.check_update, [1.5, 0.5], BAD, r"three numbers \[w1, w2, b\]", "two-numbers"),
    case(ch03.check_update, [1.5, 0.4, 0.5], BAD, "w2 is too small; w1 and b are right", "w2-off"),
    case(ch03.check_update, [0.0, 0.0, 0.0], BAD, "every entry is 0", "zeros"),
    case(ch03.check_update, [1.0, 2.0, 3.0], BAD, "is too", "random"),
    case(ch03.check_update, "w", BAD, "expected three numbers", "text"),
    case(ch03.check_xor_weights, [0.0, 0.0, -1.0, 0.0], OK,
         r"^✅ XOR weights: correct\. Only the x1·x2 column matters: its sign is the XOR\.$", "right"),
    case(ch03.check_xor_weights, np.array([0.0, 0.0, -3.0, 0.0]), OK, "^✅", "scaled"),
    case(ch03.check_xor_weights, ..., WAIT, "^⏳ XOR weights: " + NOT_DONE, "blank"),
    case(ch03.check_xor_weights, [0.0, 0.0, 1.0, 0.0], BAD, "204 of 204 .*should be negative", "sign"),
    case(ch03.check_xor_weights, [1.0, 0.0, -1.0, 0.0], BAD, "misclassified.*zero works", "x1-weight"),
    case(ch03.check_xor_weights, [1.0, 2.0], BAD, "four numbers", "two-numbers"),
    case(ch03.check_xor_weights, [0.0, np.inf, -1.0, 0.0], BAD, "NaN or inf", "inf"),
    case(ch03.check_circle_features, np.column_stack([XC, (XC**2).sum(axis=1)]), OK,
         r"^✅ circle features: correct\. The perceptron converged after 3 epoch\(s\) on 3 feature\(s\)\.$",
         "right"),
    case(ch03.check_circle_features, np.hypot(XC[:, 0], XC[:, 1]), OK, "^✅", "radius"),
    case(ch03.check_circle_features, ..., WAIT, "^⏳ circle features: " + NOT_DONE, "blank"),
    case(ch03.check_circle_features, XC, BAD, "did not converge .*no straight boundary", "raw"),
    case(ch03.check_circle_features, np.column_stack([XC, (XC**2).sum(axis=1)]).T, BAD, "transposed",
         "transposed"),
    case(ch03.check_circle_features, np.ones((10, 2)), BAD, r"\(200, number of features\)", "wrong-rows"),
    case(ch03.check_circle_features, np.full((200, 1), np.nan), BAD, "NaN", "nan"),
    # -- ch04 -------------------------------------------------------------------------------------
    case(ch04.check_n_params, dl.mlp(list(ch04.PARAMS_SIZES)).n_params, OK,
         r"^✅ parameter count: correct\.$", "right"),
    case(ch04.check_n_params, ..., WAIT, "^⏳ parameter count: " + NOT_DONE, "blank"),
    case(ch04.check_n_params, 2 * 8 + 8 * 8 + 8 * 3, BAD, "weights only", "weights-only"),
    case(ch04.check_n_params, 8 + 8 + 3, BAD, "biases only", "biases-only"),
    case(ch04.check_n_params, 2 + 8 + 8 + 3, BAD, "counts the units", "units"),
    case(ch04.check_n_params, 104 + 2 + 8 + 8, BAD, "not per input", "bias-per-input"),
    case(ch04.check_n_params, 104 + 21, BAD, "input units have no bias", "input-bias"),
    case(ch04.check_n_params, 8 * 8 + 8, BAD, "a single layer", "one-layer"),
    case(ch04.check_n_params, 123 - 27, BAD, "a layer is missing: 4 widths make 3 Dense layers",
         "missing-layer"),
    case(ch04.check_n_params, 120, BAD, "— too small: for each Dense layer", "random"),
    case(ch04.check_n_params, 123.5, BAD, "whole number", "fraction"),
    case(ch04.check_n_params, -5, BAD, "negative", "negative"),
    case(ch04.check_n_params, "many", BAD, "expected a whole number", "text"),
    case(ch04.check_forward, NET_OUT, OK, r"^✅ forward pass: correct\.$", "right"),
    case(ch04.check_forward, ..., WAIT, "^⏳ forward pass: " + NOT_DONE, "blank"),
    case(ch04.check_forward, 1 / (1 + np.exp(-(FZ1 @ FW2 + Fb2))), BAD, "without the ReLU", "no-relu"),
    case(ch04.check_forward, np.maximum(FZ1, 0) @ FW2 + Fb2, BAD, "pass it through the sigmoid",
         "no-sigmoid"),
    case(ch04.check_forward, 1 / (1 + np.exp(-(np.maximum(FX @ FW1, 0) @ FW2 + Fb2))), BAD, "b1 is missing",
         "no-b1"),
    case(ch04.check_forward, 1 / (1 + np.exp(-(np.maximum(FZ1, 0) @ FW2))), BAD, "b2 is missing", "no-b2"),
    case(ch04.check_forward, 1 / (1 + np.exp(np.maximum(FZ1, 0) @ FW2 + Fb2)), BAD, "sign slip", "sign"),
    case(ch04.check_forward, np.maximum(np.maximum(FZ1, 0) @ FW2 + Fb2, 0), BAD, "not the ReLU", "relu-out"),
    case(ch04.check_forward, 1 / (1 + np.exp(-(dl.sigmoid(FZ1) @ FW2 + Fb2))), BAD,
         "hidden layer uses the ReLU",
         "sigmoid-hidden"),
    case(ch04.check_forward, np.ones((2, 1)), BAD, "softmax over a single output", "softmax"),
    case(ch04.check_forward, FOUT.ravel(), BAD, r"\(2, 1\).*got \(2,\)", "flat"),
    case(ch04.check_forward, FOUT.T, BAD, r"got \(1, 2\): transposed", "transposed"),
    case(ch04.check_forward, np.maximum(FZ1, 0), BAD, "hidden layer's shape", "hidden"),
    case(ch04.check_forward, with_entry(FOUT, (1, 0), 0.1), BAD, "row 1 is off, the other rows are right",
         "row-off"),
    case(ch04.check_forward, FOUT + 0.1, BAD, "every entry is off|row", "random"),
    case(ch04.check_xor_network, XOR_NET, OK,
         r"^✅ XOR network: correct\. Each hidden unit draws one line; the output unit combines the two "
         r"half-planes\.$", "right"),
    case(ch04.check_xor_network, (np.array([[1.0, -1.0, 1.0], [-1.0, 1.0, 1.0]]), np.array([-0.5, -0.5,
         -5.0]),
                                  np.array([[1.0], [1.0], [0.0]]), np.array([-0.5])), OK, "^✅",
                                  "three-units"),
    case(ch04.check_xor_network, ..., WAIT, "^⏳ XOR network: " + NOT_DONE, "blank"),
    case(ch04.check_xor_network, (XOR_NET[0], XOR_NET[1], -XOR_NET[2], XOR_NET[3]), BAD,
         r"for input \[0, 1\] the network gives 0, XOR gives 1", "wrong-output"),
    case(ch04.check_xor_network, (np.zeros((2, 2)), np.ones(2), np.ones((2, 1)), np.zeros(1)), BAD,
         "fire the same way for all four inputs", "identical-units"),
    case(ch04.check_xor_network, XOR_NET[:3], BAD, "four arrays", "three-arrays"),
    case(ch04.check_xor_network, (XOR_NET[0].T[:1], *XOR_NET[1:]), BAD, r"W1 must have shape \(2, h\)",
         "w1-shape"),
    case(ch04.check_xor_network, (XOR_NET[0], XOR_NET[1], XOR_NET[2].ravel(), XOR_NET[3]), BAD,
         r"W2 must have shape \(2, 1\)", "w2-shape"),
    case(ch04.check_xor_network, (XOR_NET[0] * np.nan, *XOR_NET[1:]), BAD, "NaN or inf", "nan"),
    case(ch04.check_he_std, np.sqrt(2 / 784), OK, r"^✅ He standard deviation: correct\.$", "right"),
    case(ch04.check_he_std, dl.init_weights(ch04.HE_N_IN, 2000, "he", rng=0).std(), OK, "^✅", "sampled"),
    case(ch04.check_he_std, ..., WAIT, "^⏳ He standard deviation: " + NOT_DONE, "blank"),
    case(ch04.check_he_std, 2 / 784, BAD, "variance 2 / n_in; .*square root", "variance"),
    case(ch04.check_he_std, np.sqrt(1 / 784), BAD, "doubles the variance", "lecun"),
    case(ch04.check_he_std, 1 / 784, BAD, "LeCun", "lecun-variance"),
    case(ch04.check_he_std, 2 / np.sqrt(784), BAD, "2 belongs under the square root", "two-outside"),
    case(ch04.check_he_std, np.sqrt(2) / 784, BAD, "n_in belongs under the square root", "n-outside"),
    case(ch04.check_he_std, np.sqrt(2 * 784), BAD, "n_in divides", "times-n"),
    case(ch04.check_he_std, np.sqrt(6 / 784), BAD, "uniform version", "uniform"),
    case(ch04.check_he_std, -0.05, BAD, "never zero or negative", "negative"),
    case(ch04.check_he_std, 0.1, BAD, "— too large: He's variance", "random"),
    # -- ch05 -------------------------------------------------------------------------------------
    case(ch05.check_rmse, dl.rmse(PRED, TRUE), OK, r"^✅ RMSE: correct\.$", "right"),
    case(ch05.check_rmse, ..., WAIT, "^⏳ RMSE: " + NOT_DONE, "blank"),
    case(ch05.check_rmse, np.mean(DIFF**2), BAD, "is the MSE", "mse"),
    case(ch05.check_rmse, np.sum(DIFF**2), BAD, "sum of squared errors: take the mean", "sse"),
    case(ch05.check_rmse, np.sqrt(np.sum(DIFF**2)), BAD, "root of the sum", "root-sse"),
    case(ch05.check_rmse, np.mean(np.abs(DIFF)), BAD, "mean absolute error", "mae"),
    case(ch05.check_rmse, np.mean(DIFF), BAD, "signed errors", "mean-error"),
    case(ch05.check_rmse, np.sqrt(np.sum(DIFF**2) / 4), BAD, "N − 1", "n-minus-1"),
    case(ch05.check_rmse, np.std(DIFF), BAD, "standard deviation of the errors", "std"),
    case(ch05.check_rmse, 1000 * RMSE, BAD, "in thousands", "units"),
    case(ch05.check_rmse, -RMSE, BAD, "never negative", "negative"),
    case(ch05.check_rmse, 10.0, BAD, "— too small: square each error", "random"),
    case(ch05.check_rmse, "ten", BAD, "expected one number", "text"),
    case(ch05.check_neuron_gradient, (DW, DB), OK, r"^✅ neuron gradient: correct\.$", "right"),
    case(ch05.check_neuron_gradient, np.array([DW, DB]), OK, "^✅", "array"),
    case(ch05.check_neuron_gradient, ..., WAIT, "^⏳ neuron gradient: " + NOT_DONE, "blank"),
    case(ch05.check_neuron_gradient, (DA * _x, DA), BAD, "skipped the sigmoid", "no-sigmoid"),
    case(ch05.check_neuron_gradient, (-DW, -DB), BAD, "wrong sign", "sign"),
    case(ch05.check_neuron_gradient, (DB, DW), BAD, "swapped", "swapped"),
    case(ch05.check_neuron_gradient, (DB, DB), BAD, "∂z/∂w = x", "no-x"),
    case(ch05.check_neuron_gradient, (DW / 2, DB / 2), BAD, "factor 2 is missing", "no-2"),
    case(ch05.check_neuron_gradient, (DA * -0.5 * 1.5 * _x, DA * -0.5 * 1.5), BAD, "not z \\(1 − z\\)",
         "z-for-a"),
    case(ch05.check_neuron_gradient, (DW, DB + 0.1), BAD,
         r"dL/db is too large; dL/dw is right; the worst entry, dL/db, has a relative error of about 1e-01 "
         r"\(a bug", "db-off"),
    case(ch05.check_neuron_gradient, (DW * 3, DB * 3), BAD, "same factor", "scaled"),
    case(ch05.check_neuron_gradient, (1.0, -1.0), BAD, "relative error", "random"),
    case(ch05.check_neuron_gradient, 0.3, BAD, "two numbers", "one-number"),
    case(ch05.check_neuron_gradient, (np.nan, DB), BAD, "NaN or inf", "nan"),
    case(ch05.check_dense_backward, (layer.dW, layer.db, LAYER_DX), OK,
         r"^✅ dW: correct\.\n✅ db: correct\.\n✅ dX: correct\.$", "right"),
    case(ch05.check_dense_backward, (..., ..., ...), WAIT, "^⏳ dense backward: " + NOT_DONE, "blank"),
    case(ch05.check_dense_backward, (DENSE[0], ..., ...), WAIT, r"^✅ dW.*\n⏳ db.*\n⏳ dX", "one-part"),
    case(ch05.check_dense_backward, (DENSE[0].T, DENSE[1], DENSE[2].T), BAD,
         r"^❌ dW: .*got \(2, 3\): transposed.*\n✅ db.*\n❌ dX: .*got \(3, 4\): transposed", "transposed"),
    case(ch05.check_dense_backward, (DENSE[0], DZ_.mean(axis=0), DENSE[2]), BAD,
         r"\n❌ db: not yet — that is the mean over the batch; the bias gets the sum", "db-mean"),
    case(ch05.check_dense_backward, (DENSE[0], DZ_.sum(axis=1), DENSE[2]), BAD, "summed over the outputs",
         "db-axis"),
    case(ch05.check_dense_backward, (DENSE[0], DENSE[1][None, :], DENSE[2]), BAD,
         r"expected shape \(2,\) \(the shape of b\), got \(1, 2\): keep db one-dimensional", "db-2d"),
    case(ch05.check_dense_backward, (DENSE[0] / 4, DENSE[1], DENSE[2]), BAD,
         r"^❌ dW: not yet — every entry is 4× too small \(4 samples\)", "dw-averaged"),
    case(ch05.check_dense_backward, (DENSE[0] * 4, DENSE[1], DENSE[2]), BAD, "4× too large", "dw-times-n"),
    case(ch05.check_dense_backward, (DENSE[0], DENSE[1], -DENSE[2]), BAD, r"\n❌ dX: .*every sign is wrong",
         "dx-sign"),
    case(ch05.check_dense_backward, (DX_.T @ DX_[:, :2], DENSE[1], DENSE[2]), BAD, "dW", "dw-wrong-product"),
    case(ch05.check_dense_backward, (DENSE[0], DENSE[1], DZ_ @ DW_.T @ np.eye(3)[::-1]), BAD,
         r"dX\[\d, \d\].*relative error", "dx-columns"),
    case(ch05.check_dense_backward, (with_entry(DENSE[0], (2, 1), 0.5), DENSE[1], DENSE[2]), BAD,
         r"^❌ dW: not yet — row 2 is off, the other rows are right; the worst entry, dW\[2, 1\], has a "
         r"relative error of about 1e-0\d \(a bug", "one-entry"),
    case(ch05.check_dense_backward, (np.ones((3, 3)), DENSE[1], DENSE[2]), BAD,
         r"shape \(3, 2\) \(the shape of W\).*which product", "dw-shape"),
    case(ch05.check_dense_backward, (np.full((3, 2), np.nan), DENSE[1], DENSE[2]), BAD, "NaN or inf", "nan"),
    case(ch05.check_dense_backward, tuple(g + RNG.normal(size=g.shape) for g in DENSE), BAD,
         r"^❌ dW: .*\n❌ db: .*\n❌ dX: .*relative error", "random"),
    # -- ch06 -------------------------------------------------------------------------------------
    case(ch06.check_iterations_per_epoch, 391, OK, r"^✅ iterations per epoch: correct\.$", "right"),
    case(ch06.check_iterations_per_epoch, ..., WAIT, "^⏳ iterations per epoch: " + NOT_DONE, "blank"),
    case(ch06.check_iterations_per_epoch, 390, BAD, "80 samples left over form one more", "floor"),
    case(ch06.check_iterations_per_epoch, 50_000 / 128, BAD, "not a whole number", "fraction"),
    case(ch06.check_iterations_per_epoch, 50_000 * 128, BAD, "don't multiply", "multiply"),
    case(ch06.check_iterations_per_epoch, 50_000, BAD, "number of samples", "samples"),
    case(ch06.check_iterations_per_epoch, 128, BAD, "that is the batch size", "batch-size"),
    case(ch06.check_iterations_per_epoch, 0, BAD, "positive", "zero"),
    case(ch06.check_iterations_per_epoch, 6400, BAD, "far too large: one step per mini-batch", "random"),
    case(ch06.check_iterations_per_epoch, [391, 1], BAD, "expected a whole number", "two-numbers"),
    case(ch06.check_gd_steps, GD3, OK, r"^✅ GD steps: correct\.$", "right"),
    case(ch06.check_gd_steps, None, WAIT, "^⏳ GD steps: " + NOT_DONE, "blank"),
    case(ch06.check_gd_steps, [0.8, 0.4], BAD, "after one step; take three", "one-step"),
    case(ch06.check_gd_steps, [0.64, 0.16], BAD, "after two steps", "two-steps"),
    case(ch06.check_gd_steps, [0.8**4, 0.4**4], BAD, "after four steps", "four-steps"),
    case(ch06.check_gd_steps, [1.2**3, 1.6**3], BAD, "uphill", "uphill"),
    case(ch06.check_gd_steps, [0.9**3, 0.7**3], BAD, "derivative of x² is 2x", "no-2"),
    case(ch06.check_gd_steps, GD3[::-1], BAD, "swapped", "swapped"),
    case(ch06.check_gd_steps, [0.4, -0.8], BAD, "recompute ∇f after every step", "fixed-gradient"),
    case(ch06.check_gd_steps, [0.512, 0.1], BAD, "y is too large; x is right", "y-off"),
    case(ch06.check_gd_steps, [0.3, 0.3], BAD, "x is too small and y is too large", "random"),
    case(ch06.check_gd_steps, [0.512], BAD, r"expected shape \(2,\)", "one-number"),
    case(ch06.check_gd_steps, "p", BAD, "expected two numbers", "text"),
    case(ch06.check_momentum_steps, _sgd_momentum(2), OK, r"^✅ momentum steps: correct\.$", "right"),
    case(ch06.check_momentum_steps, ..., WAIT, "^⏳ momentum steps: " + NOT_DONE, "blank"),
    case(ch06.check_momentum_steps, 0.64, BAD, "plain gradient descent", "plain-gd"),
    case(ch06.check_momentum_steps, _sgd_momentum(1), BAD, "after one step", "one-step"),
    case(ch06.check_momentum_steps, _sgd_momentum(3), BAD, "after three steps", "three-steps"),
    case(ch06.check_momentum_steps, 0.9424, BAD, "averaging form", "ema"),
    case(ch06.check_momentum_steps, 0.2224, BAD, "Nesterov", "nesterov"),
    case(ch06.check_momentum_steps, -2.6, BAD, "multiplies the whole buffer", "no-lr"),
    case(ch06.check_momentum_steps, 0.5, BAD, "— too large: step 2 uses b", "random"),
    case(ch06.check_adam_first_step, _adam_step(), OK,
         r"^✅ Adam step: correct\. The first Adam step has length ≈ lr, whatever the gradient\.$", "right"),
    case(ch06.check_adam_first_step, ..., WAIT, "^⏳ Adam step: " + NOT_DONE, "blank"),
    case(ch06.check_adam_first_step, 4.0, BAD, "plain SGD", "sgd"),
    case(ch06.check_adam_first_step, 5 - 0.01 * 10 / math.sqrt(10), BAD, "bias correction", "no-correction"),
    case(ch06.check_adam_first_step, 5.01, BAD, "uphill", "uphill"),
    case(ch06.check_adam_first_step, 5 - 0.01 * 100 / 100**2, BAD, "not by v̂ itself", "no-sqrt"),
    case(ch06.check_adam_first_step, 4.999, BAD, "default learning rate", "default-lr"),
    case(ch06.check_adam_first_step, 4.9, BAD, "— too small: the first step is", "random"),
    # -- ch07 -------------------------------------------------------------------------------------
    case(ch07.check_n_params, dl.mlp([784, 128, 64, 10], rng=0).n_params, OK,
         r"^✅ parameters: correct\. 109,386 numbers to learn\.$", "right"),
    case(ch07.check_n_params, 109_386.0, OK, "^✅", "float"),
    case(ch07.check_n_params, ..., WAIT, "^⏳ parameters: " + NOT_DONE, "blank"),
    case(ch07.check_n_params, None, WAIT, "^⏳ parameters: " + NOT_DONE, "none"),
    case(ch07.check_n_params, 784 * 128 + 128 * 64 + 64 * 10, BAD, "weights only: every unit",
         "weights-only"),
    case(ch07.check_n_params, 128 + 64 + 10, BAD, "biases only", "biases-only"),
    case(ch07.check_n_params, 784 * 128 + 128 * 64 + 64 * 10 + 784 + 128 + 64, BAD, "not per input",
         "bias-per-input"),
    case(ch07.check_n_params, 784 + 128 + 64 + 10, BAD, "counts the units", "units"),
    case(ch07.check_n_params, 784 * 128 + 128, BAD, "a single layer", "one-layer"),
    case(ch07.check_n_params, 100_000, BAD, "— too small: for each Dense layer", "random"),
    case(ch07.check_n_params, "many", BAD, "whole number", "text"),
    case(ch07.check_n_params, 7, BAD, "too small", "other-sizes-wrong", more=((2, 2, 1),)),
    case(ch07.check_n_params, 9, OK, r"^✅ parameters: correct\. 9 numbers to learn\.$", "other-sizes",
         more=((2, 2, 1),)),
    case(ch07.check_steps_per_epoch, 860, OK,
         r"^✅ steps per epoch: correct\. 55,000 images in batches of 64: 859 full batches and one of 24\.$",
         "right"),
    case(ch07.check_steps_per_epoch, ..., WAIT, "^⏳ steps per epoch: " + NOT_DONE, "blank"),
    case(ch07.check_steps_per_epoch, 859, BAD, "24 images over.*round up", "floor"),
    case(ch07.check_steps_per_epoch, 55_000 / 64, BAD, "not a whole number", "fraction"),
    case(ch07.check_steps_per_epoch, 55_000 * 64, BAD, "don't multiply", "multiply"),
    case(ch07.check_steps_per_epoch, 55_000, BAD, "number of images", "images"),
    case(ch07.check_steps_per_epoch, math.ceil(60_000 / 64), BAD, "held out for validation", "all-60000"),
    case(ch07.check_steps_per_epoch, -3, BAD, "positive", "negative"),
    case(ch07.check_steps_per_epoch, 1000, BAD, "too many: each step takes 64 images.*all 55,000", "random"),
    case(ch07.check_steps_per_epoch, [860], OK, "^✅", "one-element-list"),
    case(ch07.check_steps_per_epoch, [860, 1], BAD, "expected one whole number", "two-numbers"),
    case(ch07.check_steps_per_epoch, 10, OK, "^✅ .*10 full batches and one of 0", "no-partial-batch",
         more=(100, 10)),
    case(ch07.check_recall, (RECALL, CM), OK,
         r"^✅ recall per digit: correct\. The hardest digit to recognise is 1 \(50\.0% right\)\.$", "right"),
    case(ch07.check_recall, (..., CM), WAIT, "^⏳ recall per digit: " + NOT_DONE, "blank"),
    case(ch07.check_recall, (np.diag(CM) / CM.sum(axis=0), CM), BAD, "column sums", "precision"),
    case(ch07.check_recall, (np.diag(CM), CM), BAD, "counts of right answers", "counts"),
    case(ch07.check_recall, (100 * RECALL, CM), BAD, "percentages", "percent"),
    case(ch07.check_recall, (1 - RECALL, CM), BAD, "fractions each digit gets wrong", "error-rate"),
    case(ch07.check_recall, (np.full(3, np.trace(CM) / CM.sum()), CM), BAD, "overall accuracy", "accuracy"),
    case(ch07.check_recall, (with_entry(RECALL, 2, -0.1), CM), BAD, "digit 2 is off, the others are right",
         "one-digit"),
    case(ch07.check_recall, (with_entry(RECALL, 0, 0.5), CM), BAD, "between 0 and 1.*digit 0", "above-1"),
    case(ch07.check_recall, (with_entry(RECALL, 1, np.nan), CM), BAD, "NaN", "nan"),
    case(ch07.check_recall, (np.array([0.3, 0.2, 0.1]), CM), BAD, "digits 0, 1, 2 are off", "random"),
    case(ch07.check_recall, (np.array([0.8, 0.5]), CM), BAD, r"shape \(3,\)", "short"),
    case(ch07.check_recall, (np.array(["a", "b", "c"]), CM), BAD, "expected numbers", "text"),
]


@pytest.mark.parametrize("row", CASES)
def test_check(row: Case) -> None:
    message = run(row.check, *row.args)
    assert verdict(message) == row.verdict, message
    assert re.search(row.pattern, message, flags=re.M), f"{row.pattern!r} not in {message!r}"
    if row.verdict == BAD:
        answer = row.args[0] if len(row.args) == 1 else None
        assert leaked(message, row.check, answer) == [], message


def test_every_check_has_rows_for_the_right_answer_a_blank_one_and_wrong_ones():
    rows = [p.values[0] for p in CASES]
    for check in CHECKS:
        verdicts = {r.verdict for r in rows if r.check is check}
        assert verdicts == {OK, WAIT, BAD}, check.__name__
        assert any(r.id == "random" or r.id.startswith("random-") for r in rows if r.check is check) or \
            check in FAMILIES, check.__name__


def test_the_leak_guard_catches_a_revealing_message():
    assert leaked("❌ walk kcal: not yet — expected about 210, got 0", ch01.check_walk_kcal, 0)
    assert leaked("you are 12 too low", ch01.check_walk_kcal, 198.0)
    assert leaked("half of it is 105", ch01.check_walk_kcal)
    assert leaked("expected 109,386", ch07.check_n_params)
    assert leaked("first wrong value: expected 0.4600", ch06.check_momentum_steps)
    assert not leaked("too small: a neuron's output is its weight times its input", ch01.check_walk_kcal, 0)


# -- many random wrong answers ------------------------------------------------------------------------

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


def near(values: Any) -> st.SearchStrategy[Any]:
    """Floats (or arrays) near the expected value, where a message that leaks it would be most tempting."""
    v = np.asarray(values, dtype=np.float64)
    scale = st.floats(min_value=-0.9, max_value=0.9, allow_nan=False).filter(lambda s: abs(s) > 1e-3)
    if v.size == 1:
        return st.one_of(finite, scale.map(lambda s: float(v.ravel()[0]) * (1 + s)),
                         st.integers(-10**6, 10**6))
    return st.one_of(arrays(np.float64, v.shape, elements=st.floats(-10, 10, allow_nan=False)),
                     arrays(np.float64, v.shape, elements=scale).map(lambda s: v * (1 + s)))


def sse_like() -> st.SearchStrategy[Any]:
    noise = arrays(np.float64, (4,), elements=st.floats(-0.5, 0.5, allow_nan=False))
    fixed = arrays(np.float64, (4,), elements=st.floats(0, 1e7, allow_nan=False))
    return st.one_of(noise.map(lambda n: lambda w, x, y: ref_sse(w, x, y) * (1 + n[:w.size])),
                     fixed.map(lambda a: lambda w, x, y: a[:w.size]))


STRATEGIES: dict[Any, st.SearchStrategy[tuple[Any, ...]]] = {
    check: near(value).map(lambda a: (a,)) for check, value in EXPECTED.items()
}
STRATEGIES[ch01.check_sse_function] = sse_like().map(lambda f: (f,))
STRATEGIES[ch05.check_neuron_gradient] = near(np.array([DW, DB])).map(lambda a: (a,))
STRATEGIES[ch05.check_dense_backward] = st.tuples(*(near(g) for g in DENSE))
STRATEGIES[ch07.check_recall] = near(RECALL).map(lambda a: (a, CM))
STRATEGIES[ch02.check_and_gate] = st.tuples(arrays(np.float64, (2,), elements=st.floats(-3, 3)),
                                            st.floats(-3, 3)).map(lambda wb: (wb,))
STRATEGIES[ch03.check_xor_weights] = arrays(np.float64, (4,), elements=st.floats(-3, 3)).map(lambda a: (a,))
STRATEGIES[ch03.check_circle_features] = arrays(np.float64, (200, 2), elements=st.floats(-3, 3)).map(
    lambda a: (a,))
STRATEGIES[ch04.check_xor_network] = st.tuples(
    arrays(np.float64, (2, 2), elements=st.floats(-3, 3)), arrays(np.float64, (2,), elements=st.floats(-3,
    3)),
    arrays(np.float64, (2, 1), elements=st.floats(-3, 3)), arrays(np.float64, (1,), elements=st.floats(-3,
    3)),
).map(lambda net: (net,))


def test_every_check_has_a_strategy_of_wrong_answers():
    assert set(STRATEGIES) == set(CHECKS)


def _never_reveals(check: Any, data: st.DataObject) -> None:
    args = data.draw(STRATEGIES[check])
    message = run(check, *args)  # also: the raising form raises with the same message
    assume(verdict(message) == BAD)
    answer = args[0] if check is not ch05.check_dense_backward else None
    assert leaked(message, check, answer) == [], message
    assert "expected about" not in message and "first wrong value" not in message


#: trains a perceptron for every answer: fewer examples
SLOW = [ch03.check_circle_features]


@pytest.mark.parametrize("check", [c for c in CHECKS if c not in SLOW],
                         ids=lambda c: f"{c.__module__.rsplit('.', 1)[-1]}.{c.__name__}")
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_wrong_answer_never_reveals_the_expected_value(check: Any, data: st.DataObject) -> None:
    _never_reveals(check, data)


@pytest.mark.parametrize("check", SLOW, ids=lambda c: f"{c.__module__.rsplit('.', 1)[-1]}.{c.__name__}")
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_wrong_answer_to_a_slow_check_never_reveals_the_expected_value(check: Any,
data: st.DataObject) -> None:
    _never_reveals(check, data)


# -- hints ----------------------------------------------------------------------------------------


@pytest.fixture
def fresh_hints() -> Any:
    """Each test starts with no hint shown yet."""
    _common._SHOWN.clear()
    yield
    _common._SHOWN.clear()


def hint_text(chapter: Any, *args: Any, **kwargs: Any) -> str:
    buf = io.StringIO()
    with redirect_stdout(buf):
        chapter.hint(*args, **kwargs)
    return buf.getvalue().rstrip("\n")


@pytest.mark.parametrize("check", ALL_CHECKS, ids=lambda c: f"{c.__module__.rsplit('.', 1)[-1]}.{c.__name__}")
def test_every_check_has_hints_that_do_not_give_the_answer(check: Any, fresh_hints: None) -> None:
    chapter = next(m for m in CHAPTERS if m.__name__ == check.__module__)
    exercise = check.__name__.removeprefix("check_")
    texts = _common._HINTS[(chapter.__name__, exercise)]
    assert len(texts) >= 2
    shown = [hint_text(chapter, exercise) for _ in range(len(texts) + 1)]
    for i, line in enumerate(shown[:len(texts)], start=1):
        assert line.startswith(f"💡 hint {i} of {len(texts)} for {check.__name__}: {texts[i - 1]}")
        assert leaked(line, check) == [], line
    assert "last hint" in shown[-2] and shown[-1] == shown[-2]  # the last one stays, pointing at the solution
    assert "last hint" not in shown[0]
    assert hint_text(chapter, check, level=1) == shown[0]  # the check itself names the exercise too
    assert hint_text(chapter, check.__name__, level=1) == shown[0]


def test_hint_lists_the_exercises_and_rejects_unknown_ones(fresh_hints: None) -> None:
    listing = hint_text(ch01)
    assert "walk_kcal, cycling_weight, sse_function" in listing and 'ch01.hint("walk_kcal")' in listing
    with pytest.raises(ValueError, match="no exercise 'walk' here; the exercises are walk_kcal"):
        ch01.hint("walk")
    with pytest.raises(ValueError, match="level must be a whole number from 1 to 3, got 4"):
        ch01.hint("walk_kcal", level=4)
    with pytest.raises(TypeError, match="expected the exercise's name .* got int"):
        ch01.hint(3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="one or more non-empty strings"):
        _common.hints()


def test_hints_of_one_exercise_do_not_advance_another(fresh_hints: None) -> None:
    hint_text(ch01, "walk_kcal")
    hint_text(ch01, "walk_kcal")
    assert hint_text(ch01, "cycling_weight").startswith("💡 hint 1 of 3")
    assert hint_text(ch01, "walk_kcal").startswith("💡 hint 3 of 3")


# -- the rest of the exercises' API -----------------------------------------------------------------


def test_the_exercise_data_are_fresh_copies():
    x, _ = ch01.cycling_data()
    x[:] = 0
    assert ch01.cycling_data()[0].sum() > 0
    pred, _ = ch05.price_data()
    pred[:] = 0
    assert ch05.price_data()[0][0] != 0
    X = ch04.forward_problem()[0]
    X[0, 0] = 99.0
    assert ch04.forward_problem()[0][0, 0] == 1.0


def test_the_right_answers_of_the_table_agree_with_the_package():
    def loss(w: float, b: float) -> float:
        return (float(dl.sigmoid(w * _x + b)) - _y) ** 2

    h = 1e-6  # an independent finite difference of L(w, b)
    assert DW == pytest.approx((loss(_w + h, _b) - loss(_w - h, _b)) / (2 * h), rel=1e-6)
    assert DB == pytest.approx((loss(_w, _b + h) - loss(_w, _b - h)) / (2 * h), rel=1e-6)
    np.testing.assert_allclose(NET_OUT, FOUT, rtol=1e-12)
    np.testing.assert_allclose(FOUT[:, 0], [0.5, 1 / (1 + np.exp(4))])  # worked by hand
    for got, want in zip((layer.dW, layer.db, LAYER_DX), DENSE, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12)
    X, y = dl.make_blobs(ch06.N_SAMPLES // 100, rng=0)  # 500 samples, batch 128 -> 4 steps
    hist = dl.fit(dl.mlp([2, 2], rng=0), X, y, epochs=1, batch_size=ch06.BATCH_SIZE)
    assert hist.steps == math.ceil(X.shape[0] / ch06.BATCH_SIZE)


def test_check_recall_needs_a_square_confusion_matrix():
    with pytest.raises(ValueError, match="square confusion matrix, got shape \\(3, 2\\)"):
        ch07.check_recall(RECALL, np.zeros((3, 2)))


def test_one_implementation_counts_the_parameters_for_both_notebooks():
    for sizes in [(2, 8, 8, 3), (784, 128, 64, 10), (3, 1)]:
        right = dl.mlp(list(sizes)).n_params
        assert run(_common.check_param_count, "n", right, sizes).startswith("✅")
    assert run(ch04.check_n_params, 96).split("—")[1] == run(
        _common.check_param_count, "parameters", 96, (2, 8, 8, 3)).split("—")[1]
