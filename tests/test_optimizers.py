"""Optimizers and schedules against the update rules of the PyTorch documentation, computed by
hand with scalar arithmetic on a 2-element parameter (two steps, so the state matters)."""

from __future__ import annotations

import math
import tracemalloc

import numpy as np
import pytest

from dlbasics.optimizers import SGD, Adam, CosineAnnealingLR, RMSprop, StepLR, get_optimizer

THETA0 = [1.0, -2.0]
GRADS = [[0.5, -0.25], [-0.1, 0.3]]  # the gradient seen at step 1 and at step 2


def run(make, steps=2, dtype=np.float64):
    """Take ``steps`` steps with the gradients GRADS; return theta after each step."""
    theta = np.array(THETA0, dtype=dtype)
    grad = np.zeros_like(theta)
    opt = make([(theta, grad)])
    history = []
    for g in GRADS[:steps]:
        grad[...] = g
        before = grad.copy()
        opt.step()
        np.testing.assert_array_equal(grad, before)  # step never writes into the gradient
        history.append(theta.copy())
    return history


def check(make, expected):
    """``expected[t][i]``: parameter i after step t + 1, from the formula."""
    for got, want in zip(run(make, len(expected)), expected, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


# -- SGD -------------------------------------------------------------------------------------------
def test_sgd_plain():
    lr = 0.1
    expected, theta = [], list(THETA0)
    for g in GRADS:
        theta = [theta[i] - lr * g[i] for i in range(2)]  # θ = θ - η g
        expected.append(theta)
    assert expected[0] == [1.0 - 0.05, -2.0 + 0.025]
    check(lambda p: SGD(p, lr=lr), expected)


def test_sgd_momentum():
    lr, mu = 0.1, 0.9
    t0, g1, g2 = THETA0, GRADS[0], GRADS[1]
    b1 = [g1[0], g1[1]]  # first step: b = g
    t1 = [t0[0] - lr * b1[0], t0[1] - lr * b1[1]]
    b2 = [mu * b1[0] + g2[0], mu * b1[1] + g2[1]]  # b = μ b + g
    t2 = [t1[0] - lr * b2[0], t1[1] - lr * b2[1]]
    check(lambda p: SGD(p, lr=lr, momentum=mu), [t1, t2])


def test_sgd_momentum_with_dampening():
    lr, mu, damp = 0.1, 0.9, 0.5
    t0, g1, g2 = THETA0, GRADS[0], GRADS[1]
    b1 = [g1[0], g1[1]]  # no dampening on the first step (as in PyTorch)
    t1 = [t0[0] - lr * b1[0], t0[1] - lr * b1[1]]
    b2 = [mu * b1[0] + (1 - damp) * g2[0], mu * b1[1] + (1 - damp) * g2[1]]
    t2 = [t1[0] - lr * b2[0], t1[1] - lr * b2[1]]
    check(lambda p: SGD(p, lr=lr, momentum=mu, dampening=damp), [t1, t2])


def test_sgd_nesterov():
    lr, mu = 0.1, 0.9
    t0, g1, g2 = THETA0, GRADS[0], GRADS[1]
    b1 = [g1[0], g1[1]]
    t1 = [t0[0] - lr * (g1[0] + mu * b1[0]), t0[1] - lr * (g1[1] + mu * b1[1])]  # g + μ b
    b2 = [mu * b1[0] + g2[0], mu * b1[1] + g2[1]]
    t2 = [t1[0] - lr * (g2[0] + mu * b2[0]), t1[1] - lr * (g2[1] + mu * b2[1])]
    check(lambda p: SGD(p, lr=lr, momentum=mu, nesterov=True), [t1, t2])


def test_sgd_weight_decay():
    lr, wd = 0.1, 0.01
    t0, g1, g2 = THETA0, GRADS[0], GRADS[1]
    d1 = [g1[0] + wd * t0[0], g1[1] + wd * t0[1]]  # g + λ θ
    t1 = [t0[0] - lr * d1[0], t0[1] - lr * d1[1]]
    d2 = [g2[0] + wd * t1[0], g2[1] + wd * t1[1]]
    t2 = [t1[0] - lr * d2[0], t1[1] - lr * d2[1]]
    check(lambda p: SGD(p, lr=lr, weight_decay=wd), [t1, t2])


def test_sgd_nesterov_with_weight_decay():
    lr, mu, wd = 0.05, 0.8, 0.1
    t0, g1, g2 = THETA0, GRADS[0], GRADS[1]
    d1 = [g1[0] + wd * t0[0], g1[1] + wd * t0[1]]
    b1 = list(d1)
    t1 = [t0[0] - lr * (d1[0] + mu * b1[0]), t0[1] - lr * (d1[1] + mu * b1[1])]
    d2 = [g2[0] + wd * t1[0], g2[1] + wd * t1[1]]
    b2 = [mu * b1[0] + d2[0], mu * b1[1] + d2[1]]
    t2 = [t1[0] - lr * (d2[0] + mu * b2[0]), t1[1] - lr * (d2[1] + mu * b2[1])]
    check(lambda p: SGD(p, lr=lr, momentum=mu, nesterov=True, weight_decay=wd), [t1, t2])


def test_sgd_momentum_with_weight_decay():
    lr, mu, wd = 0.05, 0.8, 0.1
    t0, g1, g2 = THETA0, GRADS[0], GRADS[1]
    b1 = [g1[0] + wd * t0[0], g1[1] + wd * t0[1]]
    t1 = [t0[0] - lr * b1[0], t0[1] - lr * b1[1]]
    b2 = [mu * b1[0] + g2[0] + wd * t1[0], mu * b1[1] + g2[1] + wd * t1[1]]
    t2 = [t1[0] - lr * b2[0], t1[1] - lr * b2[1]]
    check(lambda p: SGD(p, lr=lr, momentum=mu, weight_decay=wd), [t1, t2])


# -- RMSprop -----------------------------------------------------------------------------------------
def test_rmsprop():
    lr, alpha, eps = 0.01, 0.99, 1e-8
    t0, g1, g2 = THETA0, GRADS[0], GRADS[1]
    v1 = [(1 - alpha) * g1[0] ** 2, (1 - alpha) * g1[1] ** 2]  # v starts at 0
    t1 = [t0[i] - lr * g1[i] / (math.sqrt(v1[i]) + eps) for i in range(2)]
    v2 = [alpha * v1[i] + (1 - alpha) * g2[i] ** 2 for i in range(2)]
    t2 = [t1[i] - lr * g2[i] / (math.sqrt(v2[i]) + eps) for i in range(2)]
    # the first step is lr / sqrt(1 - alpha) = 10 lr per coordinate, whatever the gradient's size
    assert t1[0] == pytest.approx(1.0 - 0.1)
    check(lambda p: RMSprop(p, lr=lr), [t1, t2])


def test_rmsprop_momentum():
    lr, alpha, eps, mu = 0.01, 0.9, 1e-8, 0.5
    t0, g1, g2 = THETA0, GRADS[0], GRADS[1]
    v1 = [(1 - alpha) * g1[i] ** 2 for i in range(2)]
    b1 = [g1[i] / (math.sqrt(v1[i]) + eps) for i in range(2)]  # b = μ·0 + g / (√v + ε)
    t1 = [t0[i] - lr * b1[i] for i in range(2)]
    v2 = [alpha * v1[i] + (1 - alpha) * g2[i] ** 2 for i in range(2)]
    b2 = [mu * b1[i] + g2[i] / (math.sqrt(v2[i]) + eps) for i in range(2)]
    t2 = [t1[i] - lr * b2[i] for i in range(2)]
    check(lambda p: RMSprop(p, lr=lr, alpha=alpha, momentum=mu), [t1, t2])


def test_rmsprop_weight_decay_and_eps():
    lr, alpha, eps, wd = 0.01, 0.99, 0.1, 0.5
    t0, g1, g2 = THETA0, GRADS[0], GRADS[1]
    d1 = [g1[i] + wd * t0[i] for i in range(2)]
    v1 = [(1 - alpha) * d1[i] ** 2 for i in range(2)]
    t1 = [t0[i] - lr * d1[i] / (math.sqrt(v1[i]) + eps) for i in range(2)]
    d2 = [g2[i] + wd * t1[i] for i in range(2)]
    v2 = [alpha * v1[i] + (1 - alpha) * d2[i] ** 2 for i in range(2)]
    t2 = [t1[i] - lr * d2[i] / (math.sqrt(v2[i]) + eps) for i in range(2)]
    check(lambda p: RMSprop(p, lr=lr, alpha=alpha, eps=eps, weight_decay=wd), [t1, t2])


def rmsprop_centered_by_hand(lr, alpha, eps, mu, wd, steps=2):
    theta, v, g_avg, b, out = list(THETA0), [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], []
    for g in GRADS[:steps]:
        for i in range(2):
            gi = g[i] + wd * theta[i]
            v[i] = alpha * v[i] + (1 - alpha) * gi * gi
            g_avg[i] = alpha * g_avg[i] + (1 - alpha) * gi
            step = gi / (math.sqrt(v[i] - g_avg[i] ** 2) + eps)  # ṽ = v - ḡ²
            if mu:
                b[i] = mu * b[i] + step
                step = b[i]
            theta[i] = theta[i] - lr * step
        out.append(list(theta))
    return out


def test_rmsprop_centered():
    lr, alpha, eps = 0.01, 0.9, 1e-8
    expected = rmsprop_centered_by_hand(lr, alpha, eps, mu=0.0, wd=0.0)
    # step 1 in full for the first coordinate: v = 0.1 g², ḡ = 0.1 g, ṽ = 0.1 g² - 0.01 g² = 0.09 g²
    assert expected[0][0] == pytest.approx(1.0 - lr * 0.5 / (math.sqrt(0.09 * 0.25) + eps), rel=1e-15)
    uncentered = run(lambda p: RMSprop(p, lr=lr, alpha=alpha))
    assert abs(expected[1][0] - uncentered[1][0]) > 1e-3  # centring changes the step
    check(lambda p: RMSprop(p, lr=lr, alpha=alpha, centered=True), expected)


def test_rmsprop_centered_momentum_and_weight_decay():
    expected = rmsprop_centered_by_hand(lr=0.02, alpha=0.8, eps=1e-3, mu=0.5, wd=0.1)
    check(lambda p: RMSprop(p, lr=0.02, alpha=0.8, eps=1e-3, momentum=0.5, weight_decay=0.1,
                            centered=True), expected)


def test_rmsprop_centered_variance_rounding_below_zero_is_clamped():
    """A constant gradient has variance 0: after a few dozen steps v - ḡ² is 0 give or take
    a rounding error, below 0 for about a quarter of these float32 coordinates. The step must
    stay finite (at most η g / ε) instead of becoming NaN."""
    p = np.zeros(1000, np.float32)
    g = np.random.default_rng(0).uniform(0.1, 10, 1000).astype(np.float32)
    lr, eps, steps = 1e-3, 1e-3, 40
    opt = RMSprop([(p, g)], lr=lr, alpha=0.5, eps=eps, centered=True)
    for _ in range(steps):
        opt.step()
    state = opt.state[0]
    assert np.any(state["square_avg"] - state["grad_avg"] ** 2 < 0)  # the case this test is about
    assert np.all(np.isfinite(p))
    assert np.all(np.abs(p) <= steps * lr * g / eps * (1 + 1e-5))


# -- Adam ------------------------------------------------------------------------------------------
def adam_by_hand(lr, b1, b2, eps, wd, steps=2):
    theta, m, v, out = list(THETA0), [0.0, 0.0], [0.0, 0.0], []
    for t, g in enumerate(GRADS[:steps], start=1):
        for i in range(2):
            gi = g[i] + wd * theta[i]
            m[i] = b1 * m[i] + (1 - b1) * gi
            v[i] = b2 * v[i] + (1 - b2) * gi * gi
            m_hat = m[i] / (1 - b1**t)
            v_hat = v[i] / (1 - b2**t)
            theta[i] = theta[i] - lr * m_hat / (math.sqrt(v_hat) + eps)
        out.append(list(theta))
    return out


def test_adam():
    expected = adam_by_hand(lr=0.1, b1=0.9, b2=0.999, eps=1e-8, wd=0.0)
    # the first step moves each coordinate by about lr, against the sign of its gradient
    assert expected[0] == pytest.approx([1.0 - 0.1, -2.0 + 0.1])
    check(lambda p: Adam(p, lr=0.1), expected)


def test_adam_weight_decay_and_betas():
    expected = adam_by_hand(lr=0.05, b1=0.8, b2=0.99, eps=1e-3, wd=0.1)
    check(lambda p: Adam(p, lr=0.05, betas=(0.8, 0.99), eps=1e-3, weight_decay=0.1), expected)


def test_adam_hand_computation_of_step_one():
    # Written out once in full for the first coordinate: g = 0.5, θ = 1.
    m = 0.1 * 0.5  # (1 - β1) g
    v = 0.001 * 0.25  # (1 - β2) g²
    m_hat, v_hat = m / 0.1, v / 0.001  # bias correction at t = 1
    assert run(lambda p: Adam(p, lr=0.1), steps=1)[0][0] == pytest.approx(
        1.0 - 0.1 * m_hat / (math.sqrt(v_hat) + 1e-8), rel=1e-15)


def amsgrad_by_hand(lr, b1, b2, eps, wd, steps=2):
    theta, m, v, v_max, out = list(THETA0), [0.0, 0.0], [0.0, 0.0], [0.0, 0.0], []
    for t, g in enumerate(GRADS[:steps], start=1):
        for i in range(2):
            gi = g[i] + wd * theta[i]
            m[i] = b1 * m[i] + (1 - b1) * gi
            v[i] = b2 * v[i] + (1 - b2) * gi * gi
            v_max[i] = max(v_max[i], v[i])
            m_hat = m[i] / (1 - b1**t)
            v_hat = v_max[i] / (1 - b2**t)  # the largest v so far, bias-corrected with today's t
            theta[i] = theta[i] - lr * m_hat / (math.sqrt(v_hat) + eps)
        out.append(list(theta))
    return out


def test_adam_amsgrad():
    # β2 = 0.5 forgets fast: coordinate 0's v shrinks at step 2 (0.125 -> 0.0675), so the max
    # matters there; coordinate 1's grows (0.03125 -> 0.060625), so there AMSGrad is Adam.
    expected = amsgrad_by_hand(lr=0.1, b1=0.9, b2=0.5, eps=1e-8, wd=0.0)
    plain = adam_by_hand(lr=0.1, b1=0.9, b2=0.5, eps=1e-8, wd=0.0)
    assert abs(expected[1][0] - plain[1][0]) > 1e-3 and expected[1][1] == pytest.approx(plain[1][1])
    check(lambda p: Adam(p, lr=0.1, betas=(0.9, 0.5), amsgrad=True), expected)


def test_adam_amsgrad_weight_decay():
    expected = amsgrad_by_hand(lr=0.05, b1=0.8, b2=0.6, eps=1e-3, wd=0.1)
    check(lambda p: Adam(p, lr=0.05, betas=(0.8, 0.6), eps=1e-3, weight_decay=0.1, amsgrad=True),
          expected)


def test_adam_amsgrad_hand_computation_of_step_two():
    # First coordinate, β = (0.9, 0.5): g = 0.5 then -0.1.
    v1 = 0.5 * 0.25  # (1 - β2) g²
    v2 = 0.5 * v1 + 0.5 * 0.01  # 0.0675 < v1: the max keeps v1
    assert v2 < v1
    m1 = 0.1 * 0.5
    m2 = 0.9 * m1 + 0.1 * -0.1
    t1 = 1.0 - 0.1 * (m1 / 0.1) / (math.sqrt(v1 / 0.5) + 1e-8)
    t2 = t1 - 0.1 * (m2 / (1 - 0.9**2)) / (math.sqrt(v1 / (1 - 0.5**2)) + 1e-8)
    got = run(lambda p: Adam(p, lr=0.1, betas=(0.9, 0.5), amsgrad=True))
    assert got[1][0] == pytest.approx(t2, rel=1e-14)


# -- behaviour shared by every optimizer ----------------------------------------------------------
MAKERS = {
    "SGD": lambda p, **kw: SGD(p, lr=0.1, **kw),
    "SGD-momentum": lambda p, **kw: SGD(p, lr=0.1, momentum=0.9, **kw),
    "SGD-nesterov": lambda p, **kw: SGD(p, lr=0.1, momentum=0.9, nesterov=True, **kw),
    "RMSprop": lambda p, **kw: RMSprop(p, lr=0.01, **kw),
    "RMSprop-momentum": lambda p, **kw: RMSprop(p, lr=0.01, momentum=0.9, **kw),
    "RMSprop-centered": lambda p, **kw: RMSprop(p, lr=0.01, momentum=0.5, centered=True, **kw),
    "Adam": lambda p, **kw: Adam(p, lr=0.01, **kw),
    "Adam-amsgrad": lambda p, **kw: Adam(p, lr=0.01, amsgrad=True, **kw),
}


@pytest.mark.parametrize("weight_decay", [0.0, 0.1])
@pytest.mark.parametrize("name", list(MAKERS))
def test_float32_updates_in_place_and_stay_float32(name, weight_decay):
    W = np.ones((3, 2), np.float32)
    b = np.zeros(2, np.float32)
    dW, db = np.full_like(W, 0.5), np.full_like(b, -0.5)
    ids = (id(W), id(b))
    opt = MAKERS[name]([(W, dW), (b, db)], weight_decay=weight_decay)
    for _ in range(3):
        opt.step()
    assert (id(W), id(b)) == ids
    assert W.dtype == np.float32 and b.dtype == np.float32
    assert np.all(W < 1) and np.all(b > 0)  # moved against the gradient
    for state in opt.state:
        assert all(a.dtype == np.float32 for a in state.values() if isinstance(a, np.ndarray))
    assert opt.t == 3


@pytest.mark.parametrize("name", list(MAKERS))
def test_each_parameter_has_its_own_state(name):
    """Two parameters stepped together end where each would end alone."""
    def final(params_grads):
        opt = MAKERS[name](params_grads)
        for _ in range(3):
            opt.step()
        return [p.copy() for p, _ in params_grads]

    a, b = np.array([1.0, 2.0]), np.array([-3.0])
    ga, gb = np.array([0.3, -0.2]), np.array([0.7])
    together = final([(a.copy(), ga), (b.copy(), gb)])
    np.testing.assert_allclose(together[0], final([(a.copy(), ga)])[0], rtol=1e-15)
    np.testing.assert_allclose(together[1], final([(b.copy(), gb)])[0], rtol=1e-15)


@pytest.mark.parametrize("lr", [0, 0.0, -0.1, float("nan"), float("inf")])
@pytest.mark.parametrize("cls", [SGD, RMSprop, Adam])
def test_learning_rate_must_be_positive(cls, lr):
    w = np.zeros(2)
    with pytest.raises(ValueError, match=rf"{cls.__name__}: lr must be a positive number, got {lr!r}"):
        cls([(w, w.copy())], lr=lr)


def test_other_hyperparameter_errors():
    """A few of the messages in full (tests/test_misuse_optimizers.py has the whole table)."""
    pair = [(np.zeros(2), np.zeros(2))]
    with pytest.raises(ValueError, match="Adam: weight_decay must be a finite number >= 0, got -0.1"):
        Adam(pair, weight_decay=-0.1)
    with pytest.raises(ValueError, match="SGD: momentum must be a finite number >= 0, got -0.5"):
        SGD(pair, momentum=-0.5)
    with pytest.raises(ValueError, match="nesterov momentum requires momentum > 0"):
        SGD(pair, nesterov=True)
    with pytest.raises(ValueError, match="nesterov momentum requires .* dampening = 0"):
        SGD(pair, momentum=0.9, dampening=0.1, nesterov=True)
    with pytest.raises(ValueError, match=r"RMSprop: alpha must be a number in \[0, 1\), got 1.0"):
        RMSprop(pair, alpha=1.0)
    with pytest.raises(ValueError, match=r"Adam: betas\[1\] must be a number in \[0, 1\), got 1.0"):
        Adam(pair, betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="Adam: eps must be a finite number >= 0, got -1"):
        Adam(pair, eps=-1)
    with pytest.raises(ValueError, match="SGD: weight_decay must be a finite number >= 0, got nan"):
        SGD(pair, weight_decay=float("nan"))
    with pytest.raises(ValueError, match="empty parameter list"):
        SGD([])
    with pytest.raises(ValueError, match=r"parameter 0: the gradient must have the value's shape \(2,\), "
                                         r"got \(3,\)"):
        SGD([(np.zeros(2), np.zeros(3))])


def test_get_optimizer():
    pair = [(np.zeros(2), np.zeros(2))]
    opt = get_optimizer("Adam", pair, lr=0.5)
    assert isinstance(opt, Adam) and opt.lr == 0.5
    with pytest.raises(ValueError, match=r"unknown optimizer 'adagrad'.*'sgd'"):
        get_optimizer("adagrad", pair)
    opt = get_optimizer("rmsprop", pair, centered=True, momentum=0.5)
    assert isinstance(opt, RMSprop) and opt.centered and opt.momentum == 0.5
    assert get_optimizer("adam", pair, amsgrad=True).amsgrad


# -- schedules -----------------------------------------------------------------------------------
def _opt(lr):
    w = np.zeros(1)
    return SGD([(w, w.copy())], lr=lr)


def test_step_lr_formula():
    lr0, gamma, step_size = 0.3, 0.5, 3
    opt = _opt(lr0)
    sched = StepLR(opt, step_size=step_size, gamma=gamma)
    for epoch in range(1, 11):
        got = sched.step()
        assert got == pytest.approx(lr0 * gamma ** (epoch // step_size), rel=1e-15)
        assert opt.lr == got  # the optimizer's rate is what changed
    assert StepLR(_opt(1.0), step_size=1).step() == pytest.approx(0.1)  # default gamma 0.1


def test_cosine_annealing_formula():
    lr0, eta_min, T = 0.2, 0.01, 8
    opt = _opt(lr0)
    sched = CosineAnnealingLR(opt, T_max=T, eta_min=eta_min)
    for epoch in range(1, T + 1):
        expected = eta_min + (lr0 - eta_min) * (1 + math.cos(math.pi * epoch / T)) / 2
        assert sched.step() == pytest.approx(expected, rel=1e-14)
        assert opt.lr == pytest.approx(expected, rel=1e-14)
    assert opt.lr == pytest.approx(eta_min)
    # past T_max the cosine rises again, as PyTorch's does: back to lr0 at 2 T_max, down at 3 T_max
    for epoch in range(T + 1, 3 * T + 1):
        expected = eta_min + (lr0 - eta_min) * (1 + math.cos(math.pi * epoch / T)) / 2
        assert sched.step() == pytest.approx(expected, rel=1e-14)
        if epoch == 2 * T:
            assert opt.lr == pytest.approx(lr0, rel=1e-14)
    assert opt.lr == pytest.approx(eta_min)


def test_cosine_annealing_rises_after_t_max():
    # PyTorch: lr=0.1, T_max=10, eta_min=0 gives 0.1 (1 + cos(1.1 π)) / 2 = 0.00245 after 11 steps
    sched = CosineAnnealingLR(_opt(0.1), T_max=10)
    rates = [sched.step() for _ in range(11)]
    assert rates[9] == pytest.approx(0.0, abs=1e-17)
    assert rates[10] == pytest.approx(0.1 * (1 - math.cos(0.1 * math.pi)) / 2, rel=1e-12)
    assert 0.00244 < rates[10] < 0.00245


def test_step_lr_counts_epochs_as_pytorch():
    # building leaves lr0 (epoch 0); the first decay comes with the step_size-th call of step
    opt = _opt(1.0)
    sched = StepLR(opt, step_size=2, gamma=0.5)
    assert opt.lr == 1.0 and sched.epoch == 0
    assert [sched.step() for _ in range(5)] == [1.0, 0.5, 0.5, 0.25, 0.25]


def test_schedule_errors():
    with pytest.raises(ValueError, match="StepLR: step_size must be a positive integer, got 0"):
        StepLR(_opt(0.1), step_size=0)
    with pytest.raises(ValueError, match="CosineAnnealingLR: T_max must be a positive integer, got 0"):
        CosineAnnealingLR(_opt(0.1), T_max=0)


@pytest.mark.parametrize("make", [
    lambda pg: SGD(pg, lr=0.1, momentum=0.9),
    lambda pg: Adam(pg, lr=0.1),
    lambda pg: Adam(pg, lr=0.1, amsgrad=True),
    lambda pg: RMSprop(pg, lr=0.1),
    lambda pg: RMSprop(pg, lr=0.1, momentum=0.9, centered=True),
])
def test_optimizer_state_does_not_get_stuck_in_subnormals(make):
    """A weight whose gradient stays zero (dead ReLU) keeps decaying state; it must reach
    exactly 0 instead of lingering in the subnormal range, where the CPU is ~10x slower."""
    p = np.zeros(8, np.float32)
    g = np.full(8, 1e-35, np.float32)  # normal, but decays into the subnormal range
    opt = make([(p, g)])
    opt.step()
    g[:] = 0
    for _ in range(3 * opt.flush_every):
        opt.step()
    tiny = np.finfo(np.float32).tiny
    for v in opt.state[0].values():
        if isinstance(v, np.ndarray):
            assert not np.any((v != 0) & (np.abs(v) < tiny)), "subnormal values left in the state"


@pytest.mark.parametrize("weight_decay", [0.0, 0.1])
@pytest.mark.parametrize("name", list(MAKERS))
def test_steps_allocate_no_parameter_sized_arrays(name, weight_decay):
    """After the first step has made the state, a step works in place: it allocates nothing the
    size of a parameter (a temporary per step would cost time and memory on every batch)."""
    W = np.ones((200, 100), np.float32)
    dW = np.full_like(W, 0.01)
    opt = MAKERS[name]([(W, dW)], weight_decay=weight_decay)
    opt.step()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(5):  # well before the subnormal flush of step 64
            opt.step()
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert peak < W.nbytes / 10, f"a step allocated {peak} bytes for a parameter of {W.nbytes}"
