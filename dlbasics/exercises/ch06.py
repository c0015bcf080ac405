"""Exercise checks for notebook 06, "Gradient descent and its variants".

Each check prints one line: ⏳ (not done yet), ✅ (correct) or ❌ with what is off — a diagnosis,
never the right answer. Stuck? ``ch06.hint("gd_steps")`` prints a hint for the exercise that
``ch06.check_gd_steps`` checks; call it again for the next one.

Examples
--------
>>> from dlbasics.exercises import ch06
>>> ch06.check_iterations_per_epoch(391)
✅ iterations per epoch: correct.
>>> ch06.check_adam_first_step(...)
⏳ Adam step: not done yet — replace the ... with your answer.
>>> ch06.check_gd_steps([0.8, 0.4])
❌ GD steps: not yet — that is the point after one step; take three
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from dlbasics.exercises._build import run, use
from dlbasics.exercises._common import (
    as_array,
    check_array,
    check_number,
    correct,
    hints,
    is_blank,
    not_done,
    rel_error,
    rel_error_words,
    show_hint,
    wrong,
)
from dlbasics.exercises._quiz import Choice, Number, ask, questions

__all__ = [
    "N_SAMPLES",
    "BATCH_SIZE",
    "check_iterations_per_epoch",
    "check_gd_steps",
    "check_momentum_steps",
    "check_adam_first_step",
    "check_momentum_optimizer",
    "check_adam_optimizer",
    "check_question",
    "use",
    "hint",
]

#: exercise 1: a data set of 50,000 samples in mini-batches of 128
N_SAMPLES = 50_000
BATCH_SIZE = 128


def hint(exercise: str | None = None, level: int | None = None) -> None:
    """Print the next hint for an exercise of notebook 06 (without one: list the exercises).

    Parameters
    ----------
    exercise : str, optional
        The exercise, named as its check without ``check_``: ``"iterations_per_epoch"``,
        ``"gd_steps"``, ``"momentum_steps"`` or ``"adam_first_step"``.
    level : int, optional
        Print this hint (1 is the first) again instead of the next one.

    Examples
    --------
    >>> from dlbasics.exercises import ch06
    >>> ch06.hint("gd_steps", level=1)  # doctest: +ELLIPSIS
    💡 hint 1 of 2 for check_gd_steps: ...
    """
    show_hint(__name__, exercise, level)


@hints("Each optimizer step uses one mini-batch; one epoch goes through all the samples once.",
       "The number of samples is not a multiple of the batch size: what is left after the full batches "
       "forms one more, smaller batch. math.ceil rounds up.")
def check_iterations_per_epoch(answer: Any) -> None:
    """Exercise 1: optimizer steps in one epoch of 50,000 samples with batches of 128.

    ``ceil(50000 / 128) = 391``: 390 full batches and one last batch of 80 samples.
    """
    n, size = N_SAMPLES, BATCH_SIZE
    check_number("iterations per epoch", answer, math.ceil(n / size), what="a whole number", mistakes=[
        (lambda value: value == n // size,
         lambda value: f"{value:g} full batches, but the {n - size * (n // size)} samples left over form one "
                       "more (smaller) batch"),
        (lambda value: not value.is_integer(), "that is not a whole number of steps: round up, each partial "
                                               "batch is a step"),
        (lambda value: value == n * size, "divide the number of samples by the batch size, don't multiply"),
        (lambda value: value == n, "that is the number of samples; one step uses a whole mini-batch of them"),
        (lambda value: value == size, "that is the batch size; the question is how many batches make an "
                                      "epoch"),
        (lambda value: value <= 0, "a number of steps is positive"),
    ], pointer="one step per mini-batch, and a last, smaller batch is a step too")


_GD_START, _GD_LR = np.array([1.0, 1.0]), 0.1


def _gd(steps: int, grad_scale: tuple[float, float] = (2.0, 6.0)) -> NDArray[np.float64]:
    """The point after ``steps`` gradient-descent steps on x² + 3 y² (gradient (2x, 6y))."""
    p = _GD_START.copy()
    for _ in range(steps):
        p = p - _GD_LR * np.array(grad_scale) * p
    return p


@hints("∇f = (2x, 6y). One step is p ← p − η ∇f(p), with η = 0.1, starting at p = (1, 1).",
       "Recompute the gradient at the new point before each step: a loop of three updates.")
def check_gd_steps(answer: Any) -> None:
    """Exercise 2: the point after 3 gradient-descent steps on ``f(x, y) = x² + 3 y²``
    from ``(1, 1)`` with ``η = 0.1``.

    ``∇f = (2x, 6y)``, so each step multiplies x by ``1 - 0.2 = 0.8`` and y by
    ``1 - 0.6 = 0.4``: ``(0.8³, 0.4³) = (0.512, 0.064)``.
    """
    name = "GD steps"
    got = as_array(name, answer, "two numbers (x, y)")
    if got is None:
        return
    expected = _gd(3)
    if got.shape == (2,) and np.all(np.isfinite(got)) and not np.allclose(got, expected):
        slips = [
            (_gd(1), "that is the point after one step; take three"),
            (_gd(2), "that is the point after two steps; take three"),
            (_gd(4), "that is the point after four steps; take three"),
            (np.array([1.2**3, 1.6**3]), "the point moved uphill: step against the gradient, p ← p − η ∇f"),
            (_gd(3, (1.0, 3.0)), "∇f = (2x, 6y): the derivative of x² is 2x, of 3y² is 6y"),
            (expected[::-1], "x and y are swapped"),
            (_GD_START - 3 * _GD_LR * np.array([2.0, 6.0]) * _GD_START,
             "each step uses the gradient at the current point: recompute ∇f after every step"),
        ]
        for value, why in slips:
            if np.allclose(got, value):
                wrong(name, why)
                return
    check_array(name, got, expected, labels=["x", "y"],
                pointer="each step is p ← p − η ∇f(p) with ∇f = (2x, 6y) at the current point")


def _momentum(steps: int, lr: float = 0.1, momentum: float = 0.9, average: bool = False,
              nesterov: bool = False) -> float:
    """``w`` after ``steps`` steps of SGD with momentum on f(w) = w² from w = 1: PyTorch's rule
    (the buffer starts as the first gradient), or with ``average`` the textbook average
    buf ← momentum · buf + (1 − momentum) · g from buf = 0."""
    w, buf = 1.0, 0.0
    for t in range(steps):
        g = 2 * w
        if average:
            buf = momentum * buf + (1 - momentum) * g
        else:
            buf = g if t == 0 else momentum * buf + g
        w -= lr * (g + momentum * buf if nesterov else buf)
    return w


@hints("dl.SGD with momentum keeps a buffer buf: buf ← momentum · buf + g (on the first step buf = g), "
       "then w ← w − lr · buf.",
       "f(w) = w², so g = 2w at the current w. Do step 1, then step 2 with the new w and the buf from "
       "step 1.")
def check_momentum_steps(answer: Any) -> None:
    """Exercise 3: ``w`` after two SGD-with-momentum steps on ``f(w) = w²`` from ``w = 1``
    with ``lr = 0.1`` and ``momentum = 0.9`` (``dl.SGD``'s rule).

    Step 1: ``g = 2``, ``buf = g = 2``, ``w = 1 − 0.1·2 = 0.8``.
    Step 2: ``g = 1.6``, ``buf = 0.9·2 + 1.6 = 3.4``, ``w = 0.8 − 0.34 = 0.46``.
    """
    check_number("momentum steps", answer, _momentum(2), what="one number", mistakes=[
        (_momentum(2, momentum=0.0), "that is plain gradient descent; momentum adds 0.9 × the previous "
                                     "step's buf"),
        (_momentum(1), "that is after one step; take two"),
        (_momentum(3), "that is after three steps; take two"),
        (_momentum(2, average=True), "that is the averaging form buf ← 0.9 buf + 0.1 g; dl.SGD (like "
                                     "PyTorch) adds the whole gradient: buf ← 0.9 buf + g"),
        (_momentum(2, nesterov=True), "that is Nesterov momentum; the exercise uses plain momentum "
                                      "(nesterov=False)"),
        (1.0 - 0.1 * 2 - (0.9 * 2 + 2 * 0.8),
         "the learning rate multiplies the whole buffer: w ← w − lr · buf"),
    ], pointer="step 2 uses buf = momentum · (step 1's buf) + the new gradient, then w ← w − lr · buf")


@hints("Adam keeps m ← β1 m + (1 − β1) g and v ← β2 v + (1 − β2) g², and corrects them: "
       "m̂ = m / (1 − β1^t), v̂ = v / (1 − β2^t). The step is lr · m̂ / (√v̂ + ε).",
       "At t = 1, starting from m = v = 0, the corrections give m̂ = g and v̂ = g². What is m̂ / √v̂, "
       "whatever g is?")
def check_adam_first_step(answer: Any) -> None:
    """Exercise 4: ``w`` after one ``dl.Adam`` step with ``lr = 0.01`` from ``w = 5`` where the
    gradient is 100.

    The bias-corrected moments are ``m̂ = g`` and ``v̂ = g²``, so the first step is
    ``lr · g / |g| = 0.01``: ``w = 4.99`` — whatever the gradient's size.
    """
    w0, g, lr = 5.0, 100.0, 0.01
    check_number("Adam step", answer, w0 - lr, rtol=0, atol=1e-6, what="one number",
                 success="The first Adam step has length ≈ lr, whatever the gradient.", mistakes=[
                     (w0 - lr * g, "that is the plain SGD step 5 − 0.01·100; Adam divides by √v̂ first"),
                     (w0 - lr * 0.1 * g / math.sqrt(0.001 * g**2),
                      "you forgot the bias correction m̂ = m / (1 − β1), v̂ = v / (1 − β2)"),
                     (w0 + lr, "the step went uphill: subtract it, w ← w − lr · m̂ / (√v̂ + ε)"),
                     (w0 - lr * g / g**2, "divide by √v̂, the square root of v̂, not by v̂ itself"),
                     (w0 - 0.001, "that is a step with Adam's default learning rate; this exercise uses "
                                  "lr = 0.01"),
                 ], pointer="the first step is lr · m̂ / (√v̂ + ε), with the bias-corrected moments m̂ and v̂")


# -- build it yourself: optimizers -----------------------------------------------------------------

#: the optimizer problem: ``_STEPS`` steps, the learning rate dropping to a fifth after ``_SWITCH``
#: of them (as a schedule would drop it)
_STEPS, _SWITCH, _LR = 60, 30, 0.05


def _opt_problem() -> tuple[list[NDArray[np.float64]], list[NDArray[np.float64]], list[NDArray[np.float64]]]:
    """Starts, targets and curvatures of two parameters, (3, 2) and (4,): a stretched bowl per entry
    with an oscillating push; one entry's gradient is always 0 (the weight of a dead unit)."""
    rng = np.random.default_rng(60)
    shapes = [(3, 2), (4,)]
    starts = [rng.normal(size=s) for s in shapes]
    targets = [rng.normal(size=s) for s in shapes]
    curv = [rng.uniform(0.2, 3.0, size=s) for s in shapes]
    curv[1][0] = 0.0
    return starts, targets, curv


def _opt_grads(ps: list[NDArray[np.float64]], t: int) -> list[NDArray[np.float64]]:
    _, targets, curv = _OPT_PROBLEM
    return [c * (p - tg) + 0.5 * np.sin(t + np.arange(p.size)).reshape(p.shape) * (c > 0)
            for p, tg, c in zip(ps, targets, curv, strict=True)]


_OPT_PROBLEM = _opt_problem()


def _opt_path(make: Any) -> tuple[NDArray[np.float64], bool]:
    """The points an optimizer built by ``make(params)`` visits on the problem, (steps, 10), and
    whether it wrote into the gradients (it stops there)."""
    starts = _OPT_PROBLEM[0]
    ps = [s.copy() for s in starts]
    gs = [np.zeros_like(p) for p in ps]
    opt = make(list(zip(ps, gs, strict=True)))
    path: list[NDArray[np.float64]] = []
    for t in range(_STEPS):
        if t == _SWITCH:
            opt.lr = _LR / 5
        for g, new in zip(gs, _opt_grads(ps, t), strict=True):
            g[...] = new
        given = [g.copy() for g in gs]
        opt.step()
        if not all(np.array_equal(g, h, equal_nan=True) for g, h in zip(gs, given, strict=True)):
            return np.array(path), True
        path.append(np.concatenate([p.ravel() for p in ps]))
    return np.array(path), False


class _Rule:
    """A hand-written update rule ``rule(p, g, state, t, lr)`` run as an optimizer, for the
    variants (slips) a learner's optimizer is compared with."""

    def __init__(self, rule: Any, params: list[tuple[NDArray[np.float64], NDArray[np.float64]]]) -> None:
        self.rule, self.params, self.lr, self.t = rule, params, _LR, 0
        self.state: list[dict[str, Any]] = [{} for _ in params]

    def step(self) -> None:
        self.t += 1
        for (p, g), state in zip(self.params, self.state, strict=True):
            self.rule(p, g, state, self.t, self.lr)


def _variant(rule: Any) -> NDArray[np.float64]:
    with np.errstate(all="ignore"):
        return _opt_path(lambda params: _Rule(rule, params))[0]


def _blank_update(self: Any, p: Any, g: Any, state: Any, scratch: Any) -> None:
    ...


def _still_blank(fn: Any) -> bool:
    """Whether ``fn``'s body is still the scaffold's ``...`` (or ``pass``): compiled, it is the
    same whatever the comments after it."""
    code = getattr(fn, "__code__", None)
    return code is not None and code.co_code == _blank_update.__code__.co_code


def _optimizer_class(name: str, cls: Any) -> bool:
    from dlbasics.optimizers import Optimizer

    if is_blank(cls) or isinstance(cls, type) and _still_blank(getattr(cls, "update", None)):
        not_done(name)
        return False
    if not isinstance(cls, type):
        wrong(name, f"expected a class (class {name}(dl.Optimizer): ...), got {type(cls).__name__}")
        return False
    if not issubclass(cls, Optimizer):
        wrong(name, f"{cls.__name__} must subclass dl.Optimizer, the base class of every optimizer")
        return False
    return True


def _compare_paths(name: str, cls: Any, make: Any, call: str, reference: str, ref_make: Any,
                   variants: list[tuple[Any, str]], nan_why: str, zero_grad_why: str = "") -> None:
    """Run the learner's optimizer and the library's on the problem; diagnose the difference."""
    if not _optimizer_class(name, cls):
        return
    try:
        make([(np.zeros(2), np.zeros(2))])
    except Exception as exc:  # the learner's constructor: its signature, most often
        wrong(name, f"building it as {call} raised {type(exc).__name__}: {exc}")
        return
    with np.errstate(all="ignore"):
        ok, out = run(name, _opt_path, make)
    if not ok:
        return
    path, wrote = out
    if wrote:
        wrong(name, "update wrote into g: the gradient is only read (other code uses it too); do "
                    "the arithmetic in scratch or in the state's arrays")
        return
    expected = _opt_path(ref_make)[0]
    start = np.concatenate([s.ravel() for s in _OPT_PROBLEM[0]])
    bad = ~np.isfinite(path)
    if bad.any():
        zero = np.concatenate([(c == 0).ravel() for c in _OPT_PROBLEM[2]])  # entries whose gradient is 0
        only_zero = bool(np.all(bad.any(axis=0) <= zero))
        wrong(name, zero_grad_why if zero_grad_why and only_zero else nan_why)
        return
    if np.allclose(path, start):
        wrong(name, "the parameters never moved: update p in place (p -= …); p = p − … makes a new array "
                    "that the model never sees")
        return
    if np.allclose(path, expected, rtol=1e-6, atol=1e-9):
        correct(name, f"Step for step the same as {reference}: {_STEPS} steps, with a change of the "
                      "learning rate halfway.")
        return
    for rule, why in variants:
        if np.allclose(path, _variant(rule), rtol=1e-6, atol=1e-9):
            wrong(name, why)
            return
    off = ~np.all(np.isclose(path, expected, rtol=1e-6, atol=1e-9), axis=1)
    first = int(np.argmax(off)) + 1
    err = float(np.max(rel_error(path[first - 1], expected[first - 1])))
    when = ("from the very first step" if first == 1 else
            "once the learning rate changes" if first == _SWITCH + 1 else f"from step {first} on")
    wrong(name, f"your path leaves {reference}'s {when}, with {rel_error_words(err)} there")


def _momentum_torch(p: Any, g: Any, state: dict[str, Any], t: int, lr: float, mu: float = 0.9) -> None:
    state["buf"] = g.copy() if t == 1 else mu * state["buf"] + g
    p -= lr * state["buf"]


def _momentum_lr_inside(p: Any, g: Any, state: dict[str, Any], t: int, lr: float) -> None:
    state["buf"] = 0.9 * state.get("buf", 0.0) + lr * g
    p -= state["buf"]


def _momentum_average(p: Any, g: Any, state: dict[str, Any], t: int, lr: float) -> None:
    state["buf"] = 0.9 * state.get("buf", 0.0) + 0.1 * g
    p -= lr * state["buf"]


def _momentum_nesterov(p: Any, g: Any, state: dict[str, Any], t: int, lr: float) -> None:
    state["buf"] = g.copy() if t == 1 else 0.9 * state["buf"] + g
    p -= lr * (g + 0.9 * state["buf"])


def _momentum_uphill(p: Any, g: Any, state: dict[str, Any], t: int, lr: float) -> None:
    state["buf"] = g.copy() if t == 1 else 0.9 * state["buf"] + g
    p += lr * state["buf"]


def _sgd(p: Any, g: Any, state: dict[str, Any], t: int, lr: float) -> None:
    p -= lr * g


@hints("The state dict is this parameter's own and is kept between steps: keep the buffer in it, "
       "state[\"buf\"]. On the first step there is none yet: start it as a copy of g.",
       "buf ← μ·buf + g, then p -= self.lr * buf (in place). Keep η out of the buffer: a schedule "
       "changes self.lr between steps.")
def check_momentum_optimizer(cls: Any) -> None:
    """Build it yourself: SGD with momentum as a :class:`dlbasics.Optimizer` subclass,
    ``cls(params, lr=..., momentum=...)``, run for many steps (with a learning-rate change)
    against ``dl.SGD(momentum=0.9)`` on the same problem."""
    from dlbasics.optimizers import SGD

    _compare_paths(
        "MyMomentum", cls, lambda params: cls(params, lr=_LR, momentum=0.9),
        f"{getattr(cls, '__name__', 'MyMomentum')}(params, lr={_LR}, momentum=0.9)", "dl.SGD(momentum=0.9)",
        lambda params: SGD(params, lr=_LR, momentum=0.9),
        [(_sgd, "that is plain gradient descent: the buffer is forgotten between steps. Keep it in the "
                "parameter's state dict, state[\"buf\"], which the optimizer keeps for you"),
         (_momentum_lr_inside, "your buffer adds η·g (buf ← μ buf + η g, p −= buf): the same steps while η "
                               "stays constant, but when a schedule changes η the buffer still carries the "
                               "old rate. dl.SGD and PyTorch keep η out: buf ← μ buf + g, p −= η buf"),
         (_momentum_average, "that is the averaging form buf ← μ buf + (1 − μ) g, whose steps are 10× "
                             "smaller here; dl.SGD adds the whole gradient: buf ← μ buf + g"),
         (_momentum_nesterov, "that is Nesterov momentum (a step of g + μ buf); plain momentum steps by buf"),
         (_momentum_uphill, "the parameters move uphill: subtract the step, p −= η buf")],
        "NaN or inf appeared: the steps grew without bound — is the step subtracted, and η applied once?")


def _adam_rule(b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8, correct_m: bool = True,
               correct_v: bool = True, root: bool = True, eps_inside: bool = False, shift: int = 0,
               forget: bool = False) -> Any:
    def rule(p: Any, g: Any, state: dict[str, Any], t: int, lr: float) -> None:
        if forget or "m" not in state:
            state["m"], state["v"] = np.zeros_like(p), np.zeros_like(p)
        state["m"] = b1 * state["m"] + (1 - b1) * g
        state["v"] = b2 * state["v"] + (1 - b2) * g * g
        tt = t + shift
        m_hat = state["m"] / (1 - b1**tt) if correct_m else state["m"]
        v_hat = state["v"] / (1 - b2**tt) if correct_v else state["v"]
        denom = np.sqrt(v_hat + eps) if eps_inside else (np.sqrt(v_hat) if root else v_hat) + eps
        p -= lr * m_hat / denom
    return rule


@hints("Keep m and v in the parameter's state dict (zeros on the first step). self.t is the step "
       "number, already 1 at the first step.",
       "m ← β1 m + (1 − β1) g, v ← β2 v + (1 − β2) g², m̂ = m / (1 − β1^t), v̂ = v / (1 − β2^t), "
       "p −= lr · m̂ / (√v̂ + ε).")
def check_adam_optimizer(cls: Any) -> None:
    """Build it yourself: Adam as a :class:`dlbasics.Optimizer` subclass,
    ``cls(params, lr=..., betas=..., eps=...)``, run for many steps against ``dl.Adam``."""
    from dlbasics.optimizers import Adam

    _compare_paths(
        "MyAdam", cls, lambda params: cls(params, lr=_LR, betas=(0.9, 0.999), eps=1e-8),
        f"{getattr(cls, '__name__', 'MyAdam')}(params, lr={_LR}, betas=(0.9, 0.999), eps=1e-8)", "dl.Adam",
        lambda params: Adam(params, lr=_LR),
        [(_adam_rule(correct_m=False, correct_v=False),
          "the bias correction is missing: m and v start at 0, so divide them by (1 − β1^t) and (1 − β2^t)"),
         (_adam_rule(correct_m=False), "only v is bias-corrected: m̂ = m / (1 − β1^t) too"),
         (_adam_rule(correct_v=False), "only m is bias-corrected: v̂ = v / (1 − β2^t) too"),
         (_adam_rule(b1=0.999, b2=0.9), "β1 and β2 are swapped: β1 (0.9) averages the gradients, β2 (0.999) "
                                        "their squares"),
         (_adam_rule(root=False), "divide by √v̂, the square root of v̂: v̂ is the size of the gradient "
                                  "squared"),
         (_adam_rule(eps_inside=True), "ε goes outside the square root: √v̂ + ε"),
         (_adam_rule(shift=1), "the correction uses t + 1: self.t already counts this step (1 at the first)"),
         (_adam_rule(forget=True), "m and v start from 0 at every step: keep them in the state dict between "
                                   "steps"),
         (_sgd, "that is plain gradient descent: Adam steps by lr · m̂ / (√v̂ + ε)")],
        "NaN or inf in every entry: a division by zero? 1 − β^t is 0 at t = 0, and self.t is already 1 "
        "at the first step",
        zero_grad_why="NaN exactly where the gradient is always 0 (a dead unit's weight): there √v̂ is 0 "
                      "too, and 0 / 0 is NaN. Add ε to the denominator, √v̂ + ε")


# -- self-check questions --------------------------------------------------------------------------

QUESTIONS = questions(
    __name__,
    bias_correction=Choice(
        "b",
        a="without the correction m and v are both too small at first, but v far more (1 − β2 = 0.001 "
          "against 0.1): the first steps come out too large, not too small",
        b="m and v start at 0, so their early averages are too small; dividing by 1 − β^t undoes that "
          "and the first step has size ≈ lr",
        c="the correction changes the size of the early steps, not their direction: m̂ has m's sign",
        d="1 − β^t goes to 1 as t grows: the correction only matters for the first few hundred steps"),
    lr_too_large=Choice(
        "c",
        a="a learning rate that is too small makes the loss fall slowly, never rise",
        b="mini-batch noise makes the loss jitter around a falling trend; it does not grow step after step",
        c="each step overshoots the minimum by more than it corrects, so the loss grows; lower η",
        d="momentum can overshoot, but plain gradient descent diverges too once η passes 2 / curvature"),
    momentum_form=Choice(
        "a",
        a="with η constant the two buffers differ by the factor η and give the same steps; when a "
          "schedule changes η, PyTorch's form applies the new rate to the whole buffer at once",
        b="the two forms give identical steps only while η stays constant",
        c="neither form averages: both add the whole gradient; dampening would scale it by 1 − μ",
        d="Nesterov is a third rule, a step of g + μ buf"),
    adaptive_step=Number(
        0.01,
        why="0.01: Adam's first step is lr · g / |g|, so its size is lr whatever the gradient.",
        mistakes=[(1000.0 * 0.01, "that is an SGD step, lr · g; Adam divides by √v̂ = |g|"),
                  (0.01 * 0.1 / math.sqrt(0.001), "that is the step without the bias correction")],
        pointer="after one step m̂ = g and v̂ = g²", rtol=1e-3),
)


@hints("Read the question again and rule out the options that contradict section 5's table.",
       "Each wrong option's feedback says what it overlooks: try one and read why.")
def check_question(name: Any, answer: Any) -> None:
    """A self-check question of notebook 06: ``"bias_correction"``, ``"lr_too_large"``,
    ``"momentum_form"`` (a letter) or ``"adaptive_step"`` (a number)."""
    if is_blank(name):
        not_done("question")
        return
    ask(QUESTIONS, name, answer)
