"""The same computations in dlbasics and in PyTorch, number for number (float64).

Skipped when PyTorch is not installed (it comes with the ``bench`` extra, CPU build).
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional

import dlbasics as dl  # noqa: E402
from dlbasics.layers import Dense, LeakyReLU, Sigmoid, Tanh  # noqa: E402
from dlbasics.network import Sequential  # noqa: E402

pytestmark = pytest.mark.torch
RTOL = 1e-6

OPTIMIZERS = {
    "sgd": (dl.SGD, torch.optim.SGD, dict(lr=0.1)),
    "sgd-momentum": (dl.SGD, torch.optim.SGD, dict(lr=0.1, momentum=0.9)),
    "sgd-dampening": (dl.SGD, torch.optim.SGD, dict(lr=0.1, momentum=0.9, dampening=0.3)),
    "sgd-nesterov": (dl.SGD, torch.optim.SGD, dict(lr=0.1, momentum=0.9, nesterov=True)),
    "sgd-weight-decay": (dl.SGD, torch.optim.SGD, dict(lr=0.1, weight_decay=0.05)),
    "sgd-nesterov-weight-decay": (dl.SGD, torch.optim.SGD,
                                  dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.1)),
    "rmsprop": (dl.RMSprop, torch.optim.RMSprop, dict(lr=0.01)),
    "rmsprop-momentum": (dl.RMSprop, torch.optim.RMSprop, dict(lr=0.01, alpha=0.9, momentum=0.5)),
    "rmsprop-weight-decay": (dl.RMSprop, torch.optim.RMSprop, dict(lr=0.01, eps=1e-3, weight_decay=0.1)),
    "adam": (dl.Adam, torch.optim.Adam, dict(lr=0.01)),
    "adam-weight-decay": (dl.Adam, torch.optim.Adam,
                          dict(lr=0.05, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
    "rmsprop-centered": (dl.RMSprop, torch.optim.RMSprop, dict(lr=0.01, centered=True)),
    "rmsprop-centered-momentum-weight-decay": (dl.RMSprop, torch.optim.RMSprop,
                                               dict(lr=0.01, alpha=0.9, eps=1e-4, momentum=0.5,
                                                    weight_decay=0.1, centered=True)),
    "adam-amsgrad": (dl.Adam, torch.optim.Adam, dict(lr=0.01, amsgrad=True)),
    "adam-amsgrad-weight-decay": (dl.Adam, torch.optim.Adam,
                                  dict(lr=0.05, betas=(0.8, 0.5), eps=1e-6, weight_decay=0.1,
                                       amsgrad=True)),
}


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_five_optimizer_steps_match_torch(name):
    ours_cls, torch_cls, kwargs = OPTIMIZERS[name]
    rng = np.random.default_rng(0)
    shapes = [(3, 2), (2,)]
    values = [rng.normal(size=s) for s in shapes]
    grads_seq = [[rng.normal(size=s) for s in shapes] for _ in range(5)]

    params = [v.copy() for v in values]
    grads = [np.zeros_like(v) for v in values]
    ours = ours_cls(list(zip(params, grads, strict=True)), **kwargs)
    tparams = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in values]
    theirs = torch_cls(tparams, **kwargs)

    for step, step_grads in enumerate(grads_seq, start=1):
        for g, tp, new in zip(grads, tparams, step_grads, strict=True):
            g[...] = new
            tp.grad = torch.tensor(new, dtype=torch.float64)
        ours.step()
        theirs.step()
        for p, tp in zip(params, tparams, strict=True):
            np.testing.assert_allclose(p, tp.detach().numpy(), rtol=RTOL, err_msg=f"step {step}")


def test_amsgrad_matches_torch_when_the_maximum_matters():
    """Gradients that shrink each step make v fall, so AMSGrad's running maximum takes over."""
    rng = np.random.default_rng(12)
    value = rng.normal(size=(4, 3))
    p, g = value.copy(), np.zeros_like(value)
    ours = dl.Adam([(p, g)], lr=0.05, betas=(0.9, 0.9), amsgrad=True)
    tp = torch.tensor(value, requires_grad=True)
    theirs = torch.optim.Adam([tp], lr=0.05, betas=(0.9, 0.9), amsgrad=True)
    for step in range(1, 11):
        new = rng.normal(size=value.shape) * 0.5**step
        g[...] = new
        tp.grad = torch.tensor(new)
        ours.step()
        theirs.step()
        np.testing.assert_allclose(p, tp.detach().numpy(), rtol=RTOL, err_msg=f"step {step}")
    state = ours.state[0]
    assert np.all(state["max_exp_avg_sq"] > state["exp_avg_sq"])  # the maximum was in use
    np.testing.assert_allclose(state["max_exp_avg_sq"], theirs.state[tp]["max_exp_avg_sq"].numpy(),
                               rtol=RTOL)


@pytest.mark.parametrize("T_max, eta_min", [(10, 0.001), (10, 0.0), (3, 0.05), (1, 0.0)])
def test_cosine_schedule_matches_torch_beyond_t_max(T_max, eta_min):
    """Three periods' worth of epochs: down to eta_min at T_max, back up to lr0 at 2 T_max, down."""
    w = np.zeros(1)
    ours = dl.CosineAnnealingLR(dl.SGD([(w, w.copy())], lr=0.2), T_max=T_max, eta_min=eta_min)
    topt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.2)
    theirs = torch.optim.lr_scheduler.CosineAnnealingLR(topt, T_max=T_max, eta_min=eta_min)
    for epoch in range(1, 3 * T_max + 1):
        topt.step()
        theirs.step()
        assert ours.step() == pytest.approx(topt.param_groups[0]["lr"], rel=1e-9, abs=1e-15), epoch
    if T_max > 1:
        assert ours.optimizer.lr == pytest.approx(eta_min, abs=1e-15)  # 3 T_max: at the floor again


def test_schedules_match_torch():
    for make_ours, make_theirs in [
        (lambda o: dl.StepLR(o, step_size=3, gamma=0.5),
         lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5)),
        (lambda o: dl.StepLR(o, step_size=1, gamma=2.0),
         lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=1, gamma=2.0)),
        (lambda o: dl.CosineAnnealingLR(o, T_max=10, eta_min=0.001),
         lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10, eta_min=0.001)),
    ]:
        w = np.zeros(1)
        ours = make_ours(dl.SGD([(w, w.copy())], lr=0.2))
        topt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.2)
        theirs = make_theirs(topt)
        assert ours.optimizer.lr == topt.param_groups[0]["lr"]  # building the schedule: epoch 0
        for _ in range(30):
            topt.step()
            theirs.step()
            assert ours.step() == pytest.approx(topt.param_groups[0]["lr"], rel=1e-9, abs=1e-15)


def test_hyperparameters_torch_rejects_are_rejected():
    """Every value PyTorch's constructors refuse, ours refuse too (ours also refuse NaN)."""
    tparam = [torch.zeros(2, requires_grad=True)]
    pair = [(np.zeros(2), np.zeros(2))]
    for ours_cls, torch_cls, kwargs in [
        (dl.SGD, torch.optim.SGD, dict(lr=-0.1)),
        (dl.SGD, torch.optim.SGD, dict(momentum=-0.1)),
        (dl.SGD, torch.optim.SGD, dict(weight_decay=-0.1)),
        (dl.SGD, torch.optim.SGD, dict(nesterov=True)),
        (dl.SGD, torch.optim.SGD, dict(momentum=0.9, dampening=0.5, nesterov=True)),
        (dl.RMSprop, torch.optim.RMSprop, dict(eps=-1e-8)),
        (dl.RMSprop, torch.optim.RMSprop, dict(alpha=-0.5)),
        (dl.RMSprop, torch.optim.RMSprop, dict(momentum=-0.5)),
        (dl.Adam, torch.optim.Adam, dict(eps=-1)),
        (dl.Adam, torch.optim.Adam, dict(betas=(1.0, 0.999))),
        (dl.Adam, torch.optim.Adam, dict(betas=(0.9, -0.1))),
        (dl.Adam, torch.optim.Adam, dict(weight_decay=-1.0)),
    ]:
        kwargs.setdefault("lr", 0.1)
        with pytest.raises(ValueError):
            torch_cls(tparam, **kwargs)
        with pytest.raises(ValueError, match=rf"{ours_cls.__name__}: "):
            ours_cls(pair, **kwargs)


def _torch_forward(net, X):
    """Run a dlbasics Sequential in torch with copied weights; returns output and leaf tensors."""
    h = torch.tensor(X, dtype=torch.float64, requires_grad=True)
    leaves = [h]
    out = h
    for layer in net:
        if isinstance(layer, Dense):
            W = torch.tensor(layer.W.T.copy(), requires_grad=True)  # torch Linear stores W.T
            b = torch.tensor(layer.b.copy(), requires_grad=True)
            leaves += [W, b]
            out = F.linear(out, W, b)
        elif isinstance(layer, Tanh):
            out = torch.tanh(out)
        elif isinstance(layer, Sigmoid):
            out = torch.sigmoid(out)
        elif isinstance(layer, LeakyReLU):
            out = F.leaky_relu(out, layer.alpha)
        elif isinstance(layer, dl.ReLU):
            out = torch.relu(out)
        elif isinstance(layer, dl.Softmax):
            out = torch.softmax(out, dim=1)
        else:
            raise AssertionError(type(layer))
    return out, leaves


def _compare_backward(net, X, y, loss_name, torch_loss):
    out = net.forward(X)
    fused = {("binary_cross_entropy", dl.Sigmoid): dl.losses.binary_cross_entropy_from_sigmoid,
             ("cross_entropy", dl.Softmax): dl.losses.cross_entropy_from_softmax}.get(
        (loss_name, type(net[-1])))  # a final Sigmoid/Softmax is differentiated with its loss
    value, grad = (fused or dl.losses.get_loss(loss_name))(out, y)
    dX = net.backward(grad, skip_last=1 if fused else 0)

    tout, leaves = _torch_forward(net, X)
    tloss = torch_loss(tout)
    tloss.backward()
    np.testing.assert_allclose(out, tout.detach().numpy(), rtol=RTOL)
    assert value == pytest.approx(tloss.item(), rel=RTOL)
    np.testing.assert_allclose(dX, leaves[0].grad.numpy(), rtol=RTOL, atol=1e-14)
    tgrads = iter(leaves[1:])
    for layer in net.dense_layers:
        np.testing.assert_allclose(layer.dW, next(tgrads).grad.numpy().T, rtol=RTOL, atol=1e-14)
        np.testing.assert_allclose(layer.db, next(tgrads).grad.numpy(), rtol=RTOL, atol=1e-14)


def test_mlp_cross_entropy_backward_matches_autograd():
    rng = np.random.default_rng(1)
    net = dl.mlp([4, 6, 5, 3], activation="tanh", rng=2, dtype=np.float64)
    for layer in net.dense_layers:
        layer.b[:] = rng.normal(size=layer.b.shape)
    X, y = rng.normal(size=(8, 4)), rng.integers(0, 3, size=8)
    _compare_backward(net, X, y, "cross_entropy", lambda out: F.cross_entropy(out, torch.tensor(y)))


def test_sigmoid_bce_backward_matches_autograd():
    rng = np.random.default_rng(3)
    net = Sequential([Dense(4, 6, rng=4, dtype=np.float64), LeakyReLU(0.1),
                      Dense(6, 1, rng=5, dtype=np.float64), Sigmoid()])
    X, y = rng.normal(size=(8, 4)), rng.integers(0, 2, size=8)
    target = torch.tensor(y, dtype=torch.float64)[:, None]
    _compare_backward(net, X, y, "binary_cross_entropy", lambda p: F.binary_cross_entropy(p, target))


def test_softmax_output_relu_backward_matches_autograd():
    rng = np.random.default_rng(6)
    net = dl.mlp([4, 7, 3], activation="relu", output="softmax", rng=7, dtype=np.float64)
    X, y = rng.normal(size=(8, 4)), rng.integers(0, 3, size=8)
    _compare_backward(net, X, y, "cross_entropy",
                      lambda p: F.nll_loss(torch.log(p), torch.tensor(y)))


def test_mse_regression_backward_matches_autograd():
    rng = np.random.default_rng(8)
    net = dl.mlp([4, 5, 2], activation="sigmoid", rng=9, dtype=np.float64)
    X, T = rng.normal(size=(8, 4)), rng.normal(size=(8, 2))
    _compare_backward(net, X, T, "mse", lambda out: F.mse_loss(out, torch.tensor(T)))


def test_three_epochs_of_fit_match_a_torch_loop():
    """Full-batch training with momentum: dlbasics' ``fit`` against a hand-written torch loop."""
    rng = np.random.default_rng(10)
    X, y = rng.normal(size=(16, 4)), rng.integers(0, 3, size=16)
    net = dl.mlp([4, 6, 3], activation="tanh", rng=11, dtype=np.float64)
    W1, b1, W2, b2 = (torch.tensor(w.T.copy() if w.ndim == 2 else w.copy(), requires_grad=True)
                      for w in net.get_weights())
    opt = torch.optim.SGD([W1, b1, W2, b2], lr=0.5, momentum=0.9)
    tX, ty = torch.tensor(X), torch.tensor(y)
    for _ in range(3):
        opt.zero_grad()
        F.cross_entropy(F.linear(torch.tanh(F.linear(tX, W1, b1)), W2, b2), ty).backward()
        opt.step()
    dl.fit(net, X, y, optimizer=dl.SGD(net.parameters(), lr=0.5, momentum=0.9), epochs=3,
           batch_size=None)
    for ours, theirs in zip(net.get_weights(), [W1, b1, W2, b2], strict=True):
        t = theirs.detach().numpy()
        np.testing.assert_allclose(ours, t.T if t.ndim == 2 else t, rtol=RTOL)
