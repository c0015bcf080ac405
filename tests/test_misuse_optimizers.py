"""Misuses of every public optimizer and schedule: each raises a documented exception whose
message names the class, what was expected and what was received.

One table (``MISUSES``) of hand-picked cases, then hypothesis properties: every negative or
non-finite value of each hyperparameter is refused, every valid one accepted.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dlbasics as dl
from dlbasics.optimizers import (
    SGD,
    Adam,
    CosineAnnealingLR,
    Optimizer,
    RMSprop,
    StepLR,
    get_optimizer,
)

NAN, INF = float("nan"), float("inf")
OPTIMIZERS = [SGD, RMSprop, Adam]
FAST = settings(max_examples=25, deadline=None, derandomize=True)


def pair():
    """One valid (value, gradient) pair."""
    return [(np.zeros(2), np.zeros(2))]


def sgd():
    return SGD(pair(), lr=0.1)


def read_only():
    w = np.zeros(2)
    w.flags.writeable = False
    return [(w, np.zeros(2))]


def same_array_twice():
    w = np.zeros(2)
    return [(w, np.zeros(2)), (w, np.zeros(2))]


def overlapping_views():
    flat = np.zeros(5)
    return [(flat[:3], np.zeros(3)), (flat[2:], np.zeros(3))]


def gradient_is_the_value():
    w = np.zeros(2)
    return [(w, w)]


def gradient_is_another_value():
    w = np.zeros(2)
    return [(w, np.zeros(2)), (np.zeros(2), w)]


# Misuses of the parameter list, for each optimizer: (description, params factory, type, regex).
PARAMS_MISUSES = [
    ("empty list", lambda: [], ValueError, r"got an empty parameter list; expected an iterable of "
                                           r"\(value, gradient\) array pairs"),
    ("None", lambda: None, TypeError, r"params must be an iterable .*, got None \(NoneType\)"),
    ("a single array", lambda: np.zeros(3), TypeError,
     r"params must be an iterable .*, got an array of shape \(3,\) and dtype float64"),
    ("a string", lambda: "W", TypeError, r"params must be an iterable .*, got 'W' \(str\)"),
    ("the model, not model.parameters()", lambda: dl.mlp([2, 2], rng=0), TypeError,
     r"params must be an iterable .*, got the model itself \(Sequential\); pass model\.parameters\(\)"),
    ("arrays, not pairs", lambda: [np.zeros(2), np.zeros(2)], TypeError,
     r"parameter 0 must be a \(value, gradient\) pair of arrays, got an array of shape \(2,\)"),
    ("a dict: its keys are not pairs", lambda: {"W": (np.zeros(2), np.zeros(2))}, TypeError,
     r"parameter 0 must be a \(value, gradient\) pair of arrays, got 'W' \(str\)"),
    ("a 1-tuple", lambda: [(np.zeros(2),)], TypeError,
     r"parameter 0 must be a \(value, gradient\) pair of arrays, got a tuple of length 1"),
    ("a 3-tuple", lambda: [(np.zeros(2), np.zeros(2), np.zeros(2))], TypeError,
     r"parameter 0 must be a \(value, gradient\) pair of arrays, got a tuple of length 3"),
    ("value a list", lambda: [([1.0, 2.0], np.zeros(2))], TypeError,
     r"parameter 0: the value must be a NumPy array, got a list of length 2"),
    ("gradient a float", lambda: [(np.zeros(2), 0.0)], TypeError,
     r"parameter 0: the gradient must be a NumPy array, got 0\.0 \(float\)"),
    ("integer value", lambda: [(np.zeros(2, np.int64), np.zeros(2, np.int64))], TypeError,
     r"parameter 0: the value must be a floating-point array, got dtype int64"),
    ("complex value", lambda: [(np.zeros(2, complex), np.zeros(2, complex))], TypeError,
     r"parameter 0: the value must be a floating-point array, got dtype complex128"),
    ("gradient of another shape", lambda: [(np.zeros(2), np.zeros(2)), (np.zeros((2, 3)), np.zeros(3))],
     ValueError, r"parameter 1: the gradient must have the value's shape \(2, 3\), got \(3,\)"),
    ("gradient of another dtype", lambda: [(np.zeros(2, np.float32), np.zeros(2))], TypeError,
     r"parameter 0: the gradient must have the value's dtype float32, got float64"),
    ("read-only value", read_only, ValueError,
     r"parameter 0: the value must be a writeable array \(it is updated in place\), got a read-only one"),
    ("the same array twice", same_array_twice, ValueError,
     r"each parameter must be a separate array, got parameters 0 and 1 that share memory"),
    ("overlapping views of one array", overlapping_views, ValueError,
     r"each parameter must be a separate array, got parameters 0 and 1 that share memory"),
    ("gradient is the value", gradient_is_the_value, ValueError,
     r"parameter 0: the gradient must be an array of its own, got one that shares memory with its "
     r"own value"),
    ("gradient is another parameter's value", gradient_is_another_value, ValueError,
     r"parameter 1: the gradient must be an array of its own, got one that shares memory with the "
     r"value of parameter 0"),
]

NONNEG = "must be a finite number >= 0, got"
UNIT = r"must be a number in \[0, 1\), got"
FLAG = "must be True or False, got"

# Hyperparameters shared by every optimizer: (description, kwargs, type, regex after "Cls: ").
COMMON_MISUSES = [
    ("negative lr", dict(lr=-0.1), ValueError, r"lr must be a positive number, got -0\.1"),
    ("zero lr", dict(lr=0), ValueError, r"lr must be a positive number, got 0"),
    ("NaN lr", dict(lr=NAN), ValueError, r"lr must be a positive number, got nan"),
    ("infinite lr", dict(lr=INF), ValueError, r"lr must be a positive number, got inf"),
    ("lr a string", dict(lr="0.1"), TypeError, r"lr must be a positive number, got '0\.1' \(str\)"),
    ("lr None", dict(lr=None), TypeError, r"lr must be a positive number, got None \(NoneType\)"),
    ("lr True", dict(lr=True), TypeError, r"lr must be a positive number, got True \(bool\)"),
    ("negative weight_decay", dict(weight_decay=-0.1), ValueError,
     r"weight_decay must be a finite number >= 0, got -0\.1"),
    ("NaN weight_decay", dict(weight_decay=NAN), ValueError,
     r"weight_decay must be a finite number >= 0, got nan"),
    ("infinite weight_decay", dict(weight_decay=INF), ValueError,
     r"weight_decay must be a finite number >= 0, got inf"),
    ("weight_decay a list", dict(weight_decay=[0.1]), TypeError,
     r"weight_decay must be a finite number >= 0, got a list of length 1"),
]

SGD_MISUSES = [
    ("negative momentum", dict(momentum=-0.5), ValueError, rf"momentum {NONNEG} -0\.5"),
    ("NaN momentum", dict(momentum=NAN), ValueError, rf"momentum {NONNEG} nan"),
    ("infinite momentum", dict(momentum=INF), ValueError, rf"momentum {NONNEG} inf"),
    ("momentum a string", dict(momentum="0.9"), TypeError, r"momentum must be .*, got '0\.9' \(str\)"),
    ("negative dampening", dict(momentum=0.9, dampening=-0.1), ValueError,
     r"dampening must be a number in \[0, 1\], got -0\.1"),
    ("dampening above 1", dict(momentum=0.9, dampening=1.5), ValueError,
     r"dampening must be a number in \[0, 1\], got 1\.5"),
    ("NaN dampening", dict(momentum=0.9, dampening=NAN), ValueError,
     r"dampening must be a number in \[0, 1\], got nan"),
    ("nesterov without momentum", dict(nesterov=True), ValueError,
     r"nesterov momentum requires momentum > 0 and dampening = 0, got momentum=0\.0 and dampening=0\.0"),
    ("nesterov with dampening", dict(momentum=0.9, dampening=0.1, nesterov=True), ValueError,
     r"nesterov momentum requires momentum > 0 and dampening = 0, got momentum=0\.9 and dampening=0\.1"),
    ("nesterov a string", dict(momentum=0.9, nesterov="yes"), TypeError,
     rf"nesterov {FLAG} 'yes' \(str\)"),
    ("nesterov 1", dict(momentum=0.9, nesterov=1), TypeError, rf"nesterov {FLAG} 1 \(int\)"),
]

RMSPROP_MISUSES = [
    ("negative alpha", dict(alpha=-0.1), ValueError, rf"alpha {UNIT} -0\.1"),
    ("alpha 1", dict(alpha=1.0), ValueError, rf"alpha {UNIT} 1\.0"),
    ("NaN alpha", dict(alpha=NAN), ValueError, rf"alpha {UNIT} nan"),
    ("negative eps", dict(eps=-1e-8), ValueError, rf"eps {NONNEG} -1e-08"),
    ("NaN eps", dict(eps=NAN), ValueError, rf"eps {NONNEG} nan"),
    ("infinite eps", dict(eps=INF), ValueError, rf"eps {NONNEG} inf"),
    ("negative momentum", dict(momentum=-0.9), ValueError, rf"momentum {NONNEG} -0\.9"),
    ("NaN momentum", dict(momentum=NAN), ValueError, rf"momentum {NONNEG} nan"),
    ("centered a string", dict(centered="no"), TypeError, rf"centered {FLAG} 'no' \(str\)"),
    ("centered None", dict(centered=None), TypeError, rf"centered {FLAG} None \(NoneType\)"),
]

ADAM_MISUSES = [
    ("negative eps", dict(eps=-1), ValueError, rf"eps {NONNEG} -1$"),
    ("negative NumPy eps", dict(eps=np.float64(-1)), ValueError, rf"eps {NONNEG} -1\.0$"),
    ("NaN eps", dict(eps=NAN), ValueError, rf"eps {NONNEG} nan"),
    ("beta2 1", dict(betas=(0.9, 1.0)), ValueError, rf"betas\[1\] {UNIT} 1\.0"),
    ("beta1 1", dict(betas=(1.0, 0.999)), ValueError, rf"betas\[0\] {UNIT} 1\.0"),
    ("negative beta1", dict(betas=(-0.1, 0.999)), ValueError, rf"betas\[0\] {UNIT} -0\.1"),
    ("NaN beta1", dict(betas=(NAN, 0.999)), ValueError, rf"betas\[0\] {UNIT} nan"),
    ("infinite beta2", dict(betas=(0.9, INF)), ValueError, rf"betas\[1\] {UNIT} inf"),
    ("betas one number", dict(betas=0.9), TypeError,
     r"betas must be a pair \(β1, β2\) of numbers in \[0, 1\), got 0\.9 \(float\)"),
    ("betas of length 3", dict(betas=(0.9, 0.99, 0.999)), TypeError,
     r"betas must be a pair \(β1, β2\) .*, got a tuple of length 3"),
    ("betas an array", dict(betas=np.array([0.9, 0.999])), TypeError,
     r"betas must be a pair \(β1, β2\) .*, got an array of shape \(2,\)"),
    ("beta1 a string", dict(betas=("0.9", 0.999)), TypeError,
     rf"betas\[0\] {UNIT} '0\.9' \(str\)"),
    ("amsgrad a string", dict(amsgrad="yes"), TypeError, r"amsgrad must be True or False, got 'yes' \(str\)"),
]


def _optimizer_cases():
    cases = []
    for cls in OPTIMIZERS:
        name = cls.__name__
        for what, params, exc, regex in PARAMS_MISUSES:
            cases.append((f"{name}: params {what}", lambda cls=cls, params=params: cls(params()),
                          exc, rf"^{name}: {regex}"))
        own = {SGD: SGD_MISUSES, RMSprop: RMSPROP_MISUSES, Adam: ADAM_MISUSES}[cls]
        for what, kwargs, exc, regex in COMMON_MISUSES + own:
            cases.append((f"{name}: {what}", lambda cls=cls, kwargs=kwargs: cls(pair(), **kwargs),
                          exc, rf"^{name}: {regex}"))
    return cases


OTHER_MISUSES = [
    ("Optimizer: negative lr", lambda: Optimizer(pair(), lr=-1.0), ValueError,
     r"^Optimizer: lr must be a positive number, got -1\.0"),
    ("Optimizer: step without an update rule", lambda: Optimizer(pair(), lr=0.1).step(),
     NotImplementedError,
     r"^Optimizer: an optimizer must define its update rule, update\(p, g, state, scratch\)"),
    ("get_optimizer: unknown name", lambda: get_optimizer("adagrad", pair()), ValueError,
     r"unknown optimizer 'adagrad'; expected one of \['adam', 'rmsprop', 'sgd'\]"),
    ("get_optimizer: name not a string", lambda: get_optimizer(SGD, pair()), TypeError,
     r"get_optimizer: name must be a string, one of \['adam', 'rmsprop', 'sgd'\], got .*\(type\)"),
    ("get_optimizer: argument the optimizer does not take",
     lambda: get_optimizer("sgd", pair(), betas=(0.9, 0.9)), TypeError,
     r"get_optimizer: SGD takes lr, momentum, dampening, weight_decay, nesterov; got 'betas'"),
    ("get_optimizer: bad value reaches the optimizer's check", lambda: get_optimizer("adam", pair(), eps=-1),
     ValueError, r"^Adam: eps must be a finite number >= 0, got -1"),
    # StepLR
    ("StepLR: not an optimizer", lambda: StepLR(pair(), step_size=2), TypeError,
     r"^StepLR: optimizer must be a dlbasics Optimizer \(SGD, RMSprop, Adam, \.\.\.\), "
     r"got a list of length 1"),
    ("StepLR: optimizer None", lambda: StepLR(None, step_size=2), TypeError,
     r"^StepLR: optimizer must be a dlbasics Optimizer .*, got None \(NoneType\)"),
    ("StepLR: step_size 0", lambda: StepLR(sgd(), step_size=0), ValueError,
     r"^StepLR: step_size must be a positive integer, got 0"),
    ("StepLR: negative step_size", lambda: StepLR(sgd(), step_size=-3), ValueError,
     r"^StepLR: step_size must be a positive integer, got -3"),
    ("StepLR: fractional step_size", lambda: StepLR(sgd(), step_size=2.5), TypeError,
     r"^StepLR: step_size must be a positive integer, got 2\.5 \(float\)"),
    ("StepLR: step_size a whole float", lambda: StepLR(sgd(), step_size=2.0), TypeError,
     r"^StepLR: step_size must be a positive integer, got 2\.0 \(float\)"),
    ("StepLR: step_size a string", lambda: StepLR(sgd(), step_size="3"), TypeError,
     r"^StepLR: step_size must be a positive integer, got '3' \(str\)"),
    ("StepLR: step_size True", lambda: StepLR(sgd(), step_size=True), TypeError,
     r"^StepLR: step_size must be a positive integer, got True \(bool\)"),
    ("StepLR: gamma 0", lambda: StepLR(sgd(), step_size=2, gamma=0), ValueError,
     r"^StepLR: gamma must be a finite number > 0, got 0"),
    ("StepLR: negative gamma", lambda: StepLR(sgd(), step_size=2, gamma=-0.5), ValueError,
     r"^StepLR: gamma must be a finite number > 0, got -0\.5"),
    ("StepLR: NaN gamma", lambda: StepLR(sgd(), step_size=2, gamma=NAN), ValueError,
     r"^StepLR: gamma must be a finite number > 0, got nan"),
    ("StepLR: infinite gamma", lambda: StepLR(sgd(), step_size=2, gamma=INF), ValueError,
     r"^StepLR: gamma must be a finite number > 0, got inf"),
    ("StepLR: gamma a string", lambda: StepLR(sgd(), step_size=2, gamma="0.1"), TypeError,
     r"^StepLR: gamma must be a finite number > 0, got '0\.1' \(str\)"),
    # CosineAnnealingLR
    ("CosineAnnealingLR: not an optimizer", lambda: CosineAnnealingLR("adam", T_max=10), TypeError,
     r"^CosineAnnealingLR: optimizer must be a dlbasics Optimizer .*, got 'adam' \(str\)"),
    ("CosineAnnealingLR: T_max 0", lambda: CosineAnnealingLR(sgd(), T_max=0), ValueError,
     r"^CosineAnnealingLR: T_max must be a positive integer, got 0"),
    ("CosineAnnealingLR: negative T_max", lambda: CosineAnnealingLR(sgd(), T_max=-10), ValueError,
     r"^CosineAnnealingLR: T_max must be a positive integer, got -10"),
    ("CosineAnnealingLR: fractional T_max", lambda: CosineAnnealingLR(sgd(), T_max=7.5), TypeError,
     r"^CosineAnnealingLR: T_max must be a positive integer, got 7\.5 \(float\)"),
    ("CosineAnnealingLR: T_max None", lambda: CosineAnnealingLR(sgd(), T_max=None), TypeError,
     r"^CosineAnnealingLR: T_max must be a positive integer, got None \(NoneType\)"),
    ("CosineAnnealingLR: negative eta_min", lambda: CosineAnnealingLR(sgd(), T_max=10, eta_min=-0.1),
     ValueError,
     r"^CosineAnnealingLR: eta_min must be a finite number >= 0, got -0\.1"),
    ("CosineAnnealingLR: NaN eta_min", lambda: CosineAnnealingLR(sgd(), T_max=10, eta_min=NAN), ValueError,
     r"^CosineAnnealingLR: eta_min must be a finite number >= 0, got nan"),
    ("CosineAnnealingLR: infinite eta_min", lambda: CosineAnnealingLR(sgd(), T_max=10, eta_min=INF),
     ValueError, r"^CosineAnnealingLR: eta_min must be a finite number >= 0, got inf"),
    ("CosineAnnealingLR: eta_min a string", lambda: CosineAnnealingLR(sgd(), T_max=10, eta_min="0"),
     TypeError, r"^CosineAnnealingLR: eta_min must be a finite number >= 0, got '0' \(str\)"),
]

MISUSES = _optimizer_cases() + OTHER_MISUSES


def test_the_table_is_what_it_says():
    descriptions = [d for d, *_ in MISUSES]
    assert len(descriptions) == len(set(descriptions)), "duplicate descriptions"
    named = {d.split(":")[0] for d in descriptions}
    assert named == {"SGD", "RMSprop", "Adam", "Optimizer", "get_optimizer", "StepLR", "CosineAnnealingLR"}


@pytest.mark.parametrize("description, call, exc, regex", MISUSES, ids=[m[0] for m in MISUSES])
def test_misuse_raises_a_clear_error(description, call, exc, regex):
    with pytest.raises(exc) as info:
        call()
    assert type(info.value) is exc, f"{description}: {type(info.value).__name__}, not {exc.__name__}"
    assert re.search(regex, str(info.value)), f"{description}: message {str(info.value)!r}"


def test_an_optimizer_refused_leaves_nothing_allocated_and_a_valid_one_is_built():
    """The checks run before the per-parameter arrays are made, and valid input passes them."""
    W = np.zeros((1000, 1000))
    with pytest.raises(ValueError):
        Adam([(W, np.zeros_like(W))], eps=-1)
    opt = Adam([(W, np.zeros_like(W)), (np.zeros(3, np.float32), np.zeros(3, np.float32))],
               lr=np.float32(0.01), betas=[0.5, np.float64(0.9)], eps=0, amsgrad=np.True_)
    assert opt.lr == pytest.approx(0.01) and opt.betas == (0.5, 0.9) and opt.amsgrad is True
    assert type(opt.lr) is float and type(opt.eps) is float
    flat = np.zeros(5)  # views of one array that do not overlap are separate parameters
    SGD([(flat[:2], np.zeros(2)), (flat[2:], np.zeros(3))])
    g = np.zeros(2)  # gradients are only read: two parameters may share one
    SGD([(np.zeros(2), g), (np.zeros(2), g)])
    StepLR(opt, step_size=np.int64(3), gamma=2)
    CosineAnnealingLR(opt, T_max=np.int32(5), eta_min=0)


# -- properties: every bad value of each hyperparameter is refused, every good one taken ------
def _negative_or_not_finite():
    return st.one_of(st.floats(max_value=-np.finfo(np.float64).smallest_subnormal),
                     st.sampled_from([NAN, INF, -INF]))


def _outside_unit_interval():
    return st.one_of(st.floats(max_value=-np.finfo(np.float64).smallest_subnormal), st.floats(min_value=1.0),
                     st.just(NAN))


NON_NEGATIVE = [(SGD, "weight_decay"), (SGD, "momentum"), (RMSprop, "weight_decay"), (RMSprop, "eps"),
                (RMSprop, "momentum"), (Adam, "weight_decay"), (Adam, "eps")]


def _pattern(cls, name, value):
    return rf"^{cls.__name__}: {re.escape(name)} must be .*, got {re.escape(repr(value))}$"


@pytest.mark.parametrize("cls, name", NON_NEGATIVE, ids=[f"{c.__name__}-{n}" for c, n in NON_NEGATIVE])
@FAST
@given(value=_negative_or_not_finite())
def test_any_negative_or_non_finite_value_is_refused(cls, name, value):
    with pytest.raises(ValueError, match=_pattern(cls, name, value)):
        cls(pair(), **{name: value})


@pytest.mark.parametrize("cls, name", NON_NEGATIVE, ids=[f"{c.__name__}-{n}" for c, n in NON_NEGATIVE])
@FAST
@given(value=st.floats(min_value=0.0, max_value=1e6))
def test_any_finite_non_negative_value_is_accepted(cls, name, value):
    assert getattr(cls(pair(), **{name: value}), name) == value


@pytest.mark.parametrize("cls", OPTIMIZERS)
@FAST
@given(value=st.one_of(st.floats(max_value=0.0), st.sampled_from([NAN, INF])))
def test_any_lr_not_positive_and_finite_is_refused(cls, value):
    with pytest.raises(ValueError, match=_pattern(cls, "lr", value)):
        cls(pair(), lr=value)


@FAST
@given(value=_outside_unit_interval(), which=st.sampled_from([0, 1]))
def test_any_beta_outside_0_1_is_refused(value, which):
    betas = [0.9, 0.999]
    betas[which] = value
    with pytest.raises(ValueError, match=_pattern(Adam, f"betas[{which}]", value)):
        Adam(pair(), betas=tuple(betas))


@FAST
@given(b1=st.floats(0.0, 1.0, exclude_max=True), b2=st.floats(0.0, 1.0, exclude_max=True),
       alpha=st.floats(0.0, 1.0, exclude_max=True), dampening=st.floats(0.0, 1.0))
def test_any_value_in_range_is_accepted(b1, b2, alpha, dampening):
    assert Adam(pair(), betas=(b1, b2)).betas == (b1, b2)
    assert RMSprop(pair(), alpha=alpha).alpha == alpha
    assert SGD(pair(), momentum=0.5, dampening=dampening).dampening == dampening


@FAST
@given(value=_outside_unit_interval())
def test_any_alpha_outside_0_1_is_refused(value):
    with pytest.raises(ValueError, match=_pattern(RMSprop, "alpha", value)):
        RMSprop(pair(), alpha=value)


@FAST
@given(value=st.one_of(st.floats(max_value=-np.finfo(np.float64).smallest_subnormal),
                       st.floats(min_value=1.0, exclude_min=True), st.just(NAN)))
def test_any_dampening_outside_0_1_is_refused(value):
    with pytest.raises(ValueError, match=_pattern(SGD, "dampening", value)):
        SGD(pair(), momentum=0.9, dampening=value)


@pytest.mark.parametrize("make, name", [
    (lambda v: StepLR(sgd(), step_size=v), "step_size"),
    (lambda v: CosineAnnealingLR(sgd(), T_max=v), "T_max"),
], ids=["StepLR", "CosineAnnealingLR"])
@FAST
@given(value=st.integers(max_value=0))
def test_any_count_below_one_is_refused(make, name, value):
    with pytest.raises(ValueError, match=rf": {name} must be a positive integer, got {value}$"):
        make(value)


@pytest.mark.parametrize("make, name", [
    (lambda v: StepLR(sgd(), step_size=v), "step_size"),
    (lambda v: CosineAnnealingLR(sgd(), T_max=v), "T_max"),
], ids=["StepLR", "CosineAnnealingLR"])
@FAST
@given(value=st.floats(allow_nan=True))
def test_a_float_count_is_refused_not_rounded(make, name, value):
    with pytest.raises(TypeError, match=rf": {name} must be a positive integer, got .* \(float\)$"):
        make(value)


@FAST
@given(value=st.one_of(st.floats(max_value=0.0), st.sampled_from([NAN, INF])))
def test_any_gamma_not_positive_and_finite_is_refused(value):
    with pytest.raises(ValueError, match=_pattern(StepLR, "gamma", value)):
        StepLR(sgd(), step_size=1, gamma=value)


@FAST
@given(value=_negative_or_not_finite())
def test_any_eta_min_negative_or_not_finite_is_refused(value):
    with pytest.raises(ValueError, match=_pattern(CosineAnnealingLR, "eta_min", value)):
        CosineAnnealingLR(sgd(), T_max=5, eta_min=value)


@FAST
@given(step_size=st.integers(1, 10**6), T_max=st.integers(1, 10**6),
       gamma=st.floats(1e-6, 1e6), eta_min=st.floats(0.0, 1.0))
def test_any_valid_schedule_is_accepted(step_size, T_max, gamma, eta_min):
    s = StepLR(sgd(), step_size=step_size, gamma=gamma)
    assert (s.step_size, s.gamma) == (step_size, gamma)
    c = CosineAnnealingLR(sgd(), T_max=T_max, eta_min=eta_min)
    assert (c.T_max, c.eta_min) == (T_max, eta_min)
    assert math.isfinite(c.step())
