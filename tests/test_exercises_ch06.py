"""Notebook 06's build-it-yourself optimizers and self-check questions: a table of (answer, verdict, message).

For each optimizer check: a right implementation, the scaffold, and each slip the check diagnoses
as a small buggy optimizer; every row also runs through the raising form. No ❌ message may
contain a value the learner's optimizer should have reached.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from exercise_helpers import BAD, OK, WAIT, feedback, verdict

import dlbasics as dl
from dlbasics.exercises import ch06

# -- momentum -----------------------------------------------------------------------------------------


class MyMomentum(dl.Optimizer):
    def __init__(self, params, lr=0.01, momentum=0.9):
        super().__init__(params, lr)
        self.momentum = momentum

    def update(self, p, g, state, scratch):
        if "buf" not in state:
            state["buf"] = g.copy()
        else:
            state["buf"] *= self.momentum
            state["buf"] += g
        p -= self.lr * state["buf"]


class MomentumScaffold(MyMomentum):
    def update(self, p, g, state, scratch):
        ...


class MomentumPass(MyMomentum):
    def update(self, p, g, state, scratch):
        # the learner's notes, no code yet
        pass


class MomentumZeroStart(MyMomentum):  # a buffer of zeros first: μ·0 + g = g, the same rule
    def update(self, p, g, state, scratch):
        buf = state.setdefault("buf", np.zeros_like(p))
        buf *= self.momentum
        buf += g
        p -= self.lr * buf


class MomentumLrInside(MyMomentum):
    def update(self, p, g, state, scratch):
        buf = state.setdefault("buf", np.zeros_like(p))
        buf *= self.momentum
        buf += self.lr * g
        p -= buf


class MomentumAverage(MyMomentum):
    def update(self, p, g, state, scratch):
        buf = state.setdefault("buf", np.zeros_like(p))
        buf *= self.momentum
        buf += (1 - self.momentum) * g
        p -= self.lr * buf


class MomentumForgets(MyMomentum):
    def update(self, p, g, state, scratch):
        buf = g.copy()
        p -= self.lr * buf


class MomentumNesterov(MyMomentum):
    def update(self, p, g, state, scratch):
        buf = state["buf"] = g.copy() if "buf" not in state else self.momentum * state["buf"] + g
        p -= self.lr * (g + self.momentum * buf)


class MomentumUphill(MyMomentum):
    def update(self, p, g, state, scratch):
        buf = state["buf"] = g.copy() if "buf" not in state else self.momentum * state["buf"] + g
        p += self.lr * buf


class MomentumNotInPlace(MyMomentum):
    def update(self, p, g, state, scratch):
        p = p - self.lr * g  # noqa: F841 (the slip under test)


class MomentumWritesGrad(MyMomentum):
    def update(self, p, g, state, scratch):
        g *= self.lr
        p -= g


class MomentumSharedBuffer(MyMomentum):  # one buffer for every parameter: shapes clash
    def update(self, p, g, state, scratch):
        self.buf = g.copy() if not hasattr(self, "buf") else self.momentum * self.buf + g
        p -= self.lr * self.buf


class MomentumHalf(MyMomentum):
    def update(self, p, g, state, scratch):
        buf = state.setdefault("buf", np.zeros_like(p))
        buf *= 0.5
        buf += g
        p -= self.lr * buf


class NotAnOptimizer:
    def __init__(self, params, lr=0.01, momentum=0.9):
        self.params = params

    def step(self):
        pass


# -- Adam ---------------------------------------------------------------------------------------------


class MyAdam(dl.Optimizer):
    def __init__(self, params, lr=0.001, betas=(0.9, 0.999), eps=1e-8):
        super().__init__(params, lr)
        self.betas, self.eps = betas, eps

    def moments(self, g, state, b1, b2):
        if "m" not in state:
            state["m"], state["v"] = np.zeros_like(g), np.zeros_like(g)
        m, v = state["m"], state["v"]
        m *= b1
        m += (1 - b1) * g
        v *= b2
        v += (1 - b2) * g * g
        return m, v

    def update(self, p, g, state, scratch):
        b1, b2 = self.betas
        m, v = self.moments(g, state, b1, b2)
        p -= self.lr * (m / (1 - b1**self.t)) / (np.sqrt(v / (1 - b2**self.t)) + self.eps)


class AdamScaffold(MyAdam):
    def update(self, p, g, state, scratch):
        ...


class AdamNoCorrection(MyAdam):
    def update(self, p, g, state, scratch):
        m, v = self.moments(g, state, *self.betas)
        p -= self.lr * m / (np.sqrt(v) + self.eps)


class AdamOnlyV(MyAdam):
    def update(self, p, g, state, scratch):
        b1, b2 = self.betas
        m, v = self.moments(g, state, b1, b2)
        p -= self.lr * m / (np.sqrt(v / (1 - b2**self.t)) + self.eps)


class AdamSwapped(MyAdam):
    def update(self, p, g, state, scratch):
        b2, b1 = self.betas
        m, v = self.moments(g, state, b1, b2)
        p -= self.lr * (m / (1 - b1**self.t)) / (np.sqrt(v / (1 - b2**self.t)) + self.eps)


class AdamNoSqrt(MyAdam):
    def update(self, p, g, state, scratch):
        b1, b2 = self.betas
        m, v = self.moments(g, state, b1, b2)
        p -= self.lr * (m / (1 - b1**self.t)) / (v / (1 - b2**self.t) + self.eps)


class AdamNoEps(MyAdam):
    def update(self, p, g, state, scratch):
        b1, b2 = self.betas
        m, v = self.moments(g, state, b1, b2)
        p -= self.lr * (m / (1 - b1**self.t)) / np.sqrt(v / (1 - b2**self.t))


class AdamEpsInside(MyAdam):
    def update(self, p, g, state, scratch):
        b1, b2 = self.betas
        m, v = self.moments(g, state, b1, b2)
        p -= self.lr * (m / (1 - b1**self.t)) / np.sqrt(v / (1 - b2**self.t) + self.eps)


class AdamStepZero(MyAdam):
    def update(self, p, g, state, scratch):
        b1, b2 = self.betas
        t = self.t - 1
        m, v = self.moments(g, state, b1, b2)
        p -= self.lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + self.eps)


class AdamStepPlusOne(MyAdam):
    def update(self, p, g, state, scratch):
        b1, b2 = self.betas
        t = self.t + 1
        m, v = self.moments(g, state, b1, b2)
        p -= self.lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + self.eps)


class AdamForgets(MyAdam):
    def update(self, p, g, state, scratch):
        b1, b2 = self.betas
        m, v = self.moments(g, {}, b1, b2)
        p -= self.lr * (m / (1 - b1**self.t)) / (np.sqrt(v / (1 - b2**self.t)) + self.eps)


class AdamPlainSGD(MyAdam):
    def update(self, p, g, state, scratch):
        p -= self.lr * g


CASES = [
    (ch06.check_momentum_optimizer, MyMomentum, OK, r"same as dl\.SGD\(momentum=0\.9\).*rate halfway"),
    (ch06.check_momentum_optimizer, MomentumZeroStart, OK, r"correct"),
    (ch06.check_momentum_optimizer, MomentumScaffold, WAIT, r"^⏳ MyMomentum: not done yet"),
    (ch06.check_momentum_optimizer, MomentumPass, WAIT, r"^⏳ MyMomentum: not done yet"),
    (ch06.check_momentum_optimizer, ..., WAIT, r"^⏳ MyMomentum: not done yet"),
    (ch06.check_momentum_optimizer, NotAnOptimizer, BAD, r"must subclass dl\.Optimizer"),
    (ch06.check_momentum_optimizer, MomentumLrInside, BAD, r"adds η·g.*when a schedule changes η"),
    (ch06.check_momentum_optimizer, MomentumAverage, BAD, r"averaging form"),
    (ch06.check_momentum_optimizer, MomentumForgets, BAD, r"plain gradient descent: the buffer is forgotten"),
    (ch06.check_momentum_optimizer, MomentumNesterov, BAD, r"that is Nesterov momentum"),
    (ch06.check_momentum_optimizer, MomentumUphill, BAD, r"(uphill|NaN or inf)"),
    (ch06.check_momentum_optimizer, MomentumNotInPlace, BAD, r"never moved: update p in place"),
    (ch06.check_momentum_optimizer, MomentumWritesGrad, BAD, r"update wrote into g"),
    (ch06.check_momentum_optimizer, MomentumSharedBuffer, BAD, r"it raised ValueError.*in the line"),
    (ch06.check_momentum_optimizer, MomentumHalf, BAD, r"leaves dl\.SGD\(momentum=0\.9\)'s from step 2 on, "
                                                       r"with a relative error of about 1e"),
    (ch06.check_adam_optimizer, MyAdam, OK, r"same as dl\.Adam"),
    (ch06.check_adam_optimizer, AdamScaffold, WAIT, r"^⏳ MyAdam: not done yet"),
    (ch06.check_adam_optimizer, ..., WAIT, r"^⏳ MyAdam: not done yet"),
    (ch06.check_adam_optimizer, AdamNoCorrection, BAD, r"the bias correction is missing"),
    (ch06.check_adam_optimizer, AdamOnlyV, BAD, r"only v is bias-corrected"),
    (ch06.check_adam_optimizer, AdamSwapped, BAD, r"β1 and β2 are swapped"),
    (ch06.check_adam_optimizer, AdamNoSqrt, BAD, r"divide by √v̂, the square root"),
    (ch06.check_adam_optimizer, AdamNoEps, BAD, r"NaN exactly where the gradient is always 0.*√v̂ \+ ε"),
    (ch06.check_adam_optimizer, AdamEpsInside, BAD, r"ε goes outside the square root"),
    (ch06.check_adam_optimizer, AdamStepZero, BAD, r"NaN or inf in every entry.*self\.t is already 1"),
    (ch06.check_adam_optimizer, AdamStepPlusOne, BAD, r"uses t \+ 1"),
    (ch06.check_adam_optimizer, AdamForgets, BAD, r"start from 0 at every step"),
    (ch06.check_adam_optimizer, MomentumForgets, BAD, r"building it as MomentumForgets\(params, lr=0\.05, "
                                                      r"betas=.*raised TypeError"),
    (ch06.check_adam_optimizer, AdamPlainSGD, BAD, r"plain gradient descent: Adam steps by"),
]


@pytest.mark.parametrize(("check", "answer", "want", "pattern"), CASES,
                         ids=[f"ch06.{c.__name__}-{getattr(a, '__name__', type(a).__name__)}"
                              for c, a, _, _ in CASES])
def test_check(check: Callable[..., Any], answer: Any, want: str, pattern: str) -> None:
    message = feedback(check, answer)
    assert verdict(message) == want, message
    assert re.search(pattern, message, re.S), message


def _reference_values() -> np.ndarray:
    """Where dl.SGD(momentum=0.9) and dl.Adam end on the check's problem."""
    ends = []
    for make in (lambda ps: dl.SGD(ps, lr=ch06._LR, momentum=0.9), lambda ps: dl.Adam(ps, lr=ch06._LR)):
        path, _ = ch06._opt_path(make)
        ends.append(path[-1])
    return np.concatenate(ends)


@pytest.mark.parametrize(("check", "answer"), [(c[0], c[1]) for c in CASES if c[2] == BAD],
                         ids=[getattr(c[1], "__name__", "") for c in CASES if c[2] == BAD])
def test_no_wrong_answer_reveals_the_right_values(check, answer):
    message = feedback(check, answer)
    forms = {f"{abs(v):.{d}f}" for v in _reference_values() for d in range(2, 5)}
    assert not [f for f in forms if len(f.replace(".", "").strip("0")) >= 2 and f in message], message


def test_the_check_runs_against_the_library_not_a_copy_of_its_rule():
    """The reference path comes from dl.SGD / dl.Adam themselves: a learner's optimizer that is
    the library's class passes, and the path has the problem's length."""
    assert verdict(feedback(ch06.check_adam_optimizer, dl.Adam)) == OK
    path, wrote = ch06._opt_path(lambda ps: dl.SGD(ps, lr=ch06._LR, momentum=0.9))
    assert path.shape == (ch06._STEPS, 10) and not wrote


def test_use_gives_the_learners_class_or_the_library_s(capsys):
    assert ch06.use("Adam", MyAdam, dl.Adam, ch06.check_adam_optimizer) is MyAdam
    assert ch06.use("Adam", AdamScaffold, dl.Adam, ch06.check_adam_optimizer) is dl.Adam
    assert "using the library's Adam until yours passes its check" in capsys.readouterr().out


def test_a_learners_optimizer_trains_a_network():
    X, y = dl.make_moons(200, noise=0.1, rng=0)
    net = dl.mlp([2, 16, 2], activation="tanh", rng=0)
    hist = dl.fit(net, X, y, optimizer=MyAdam(net.parameters(), lr=0.01), epochs=30, batch_size=20, rng=0)
    assert hist.loss[-1] < 0.5 * hist.loss[0]


QUESTIONS = [
    ("bias_correction", "b", OK, r"start at 0"),
    ("bias_correction", "a", BAD, r"too large, not too small"),
    ("bias_correction", "c", BAD, r"not their direction"),
    ("bias_correction", "d", BAD, r"not \(d\)"),
    ("lr_too_large", "c", OK, r"overshoots"),
    ("lr_too_large", "a", BAD, r"never rise"),
    ("lr_too_large", "b", BAD, r"jitter"),
    ("lr_too_large", "d", BAD, r"not \(d\)"),
    ("momentum_form", "a", OK, r"schedule"),
    ("momentum_form", "b", BAD, r"only while η stays constant"),
    ("momentum_form", "c", BAD, r"neither form averages"),
    ("momentum_form", "d", BAD, r"Nesterov"),
    ("adaptive_step", 0.01, OK, r"lr · g / \|g\|"),
    ("adaptive_step", 10.0, BAD, r"that is an SGD step"),
    ("adaptive_step", 0.01 * 0.1 / math.sqrt(0.001), BAD, r"without the bias correction"),
    ("adaptive_step", 5.0, BAD, r"too large"),
    ("adaptive_step", ..., WAIT, r"not done yet"),
]


@pytest.mark.parametrize(("name", "answer", "want", "pattern"), QUESTIONS)
def test_question(name: str, answer: Any, want: str, pattern: str) -> None:
    message = feedback(ch06.check_question, name, answer)
    assert verdict(message) == want, message
    assert re.search(pattern, message), message
    if want == BAD and name == "adaptive_step":
        assert "0.01" not in message


def test_every_question_has_feedback_for_each_option_and_a_hint():
    for q in ch06.QUESTIONS.values():
        if isinstance(q, ch06.Choice):
            assert set(q.options) == {"a", "b", "c", "d"}
    for name in ("momentum_optimizer", "adam_optimizer", "question"):
        ch06.hint(name, level=1)
    assert verdict(feedback(ch06.check_question, ..., ...)) == WAIT
