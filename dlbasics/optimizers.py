"""Optimizers and learning-rate schedules (notebook 06).

Each optimizer follows the update rule documented for the ``torch.optim`` class of the same
name, with the same hyperparameter names and defaults, so one step can be checked against
PyTorch number for number. The notebook's Greek letters map to the names as follows:
``lr`` = η, ``momentum`` = μ, ``weight_decay`` = λ, ``alpha`` (RMSprop) = ρ,
``betas`` = (β1, β2), ``eps`` = ε.

An optimizer is given the ``(value, gradient)`` pairs of a model (``model.parameters()``);
:meth:`Optimizer.step` reads each gradient and updates its value **in place**. The base
class owns the loop; each subclass only writes its update rule.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["Optimizer", "SGD", "RMSprop", "Adam", "StepLR", "CosineAnnealingLR", "get_optimizer"]

Array = NDArray[Any]


class Optimizer:
    """Base class: holds the parameters and per-parameter state, loops in :meth:`step`.

    Parameters
    ----------
    params : iterable of (value, gradient) array pairs
        What ``model.parameters()`` returns. The arrays are updated in place.
    lr : float
        Learning rate η (> 0).
    weight_decay : float
        L2 penalty λ: the gradient becomes ``g + λ θ`` before the update (as in PyTorch).
    """

    def __init__(self, params: Iterable[tuple[Array, Array]], lr: float,
                 weight_decay: float = 0.0) -> None:
        self.params = [(p, g) for p, g in params]
        if not self.params:
            raise ValueError(f"{type(self).__name__}: got an empty parameter list")
        for i, (p, g) in enumerate(self.params):
            if p.shape != g.shape:
                raise ValueError(f"parameter {i}: value shape {p.shape} != gradient shape {g.shape}")
        _check_positive("lr", lr, type(self).__name__)
        if weight_decay < 0:
            raise ValueError(f"{type(self).__name__}: weight_decay must be >= 0, got {weight_decay}")
        self.lr = float(lr)
        self.weight_decay = float(weight_decay)
        self.state: list[dict[str, Any]] = [{} for _ in self.params]
        self.t = 0  # number of steps taken
        self._scratch = [np.empty_like(p) for p, _ in self.params]

    #: every this many steps, state values too small to matter are set to 0
    flush_every = 64

    def step(self) -> None:
        """Apply one update to every parameter from its current gradient."""
        self.t += 1
        for i, (p, g) in enumerate(self.params):
            if self.weight_decay:
                d = self._scratch[i]
                np.multiply(p, self.weight_decay, out=d)
                d += g  # g + λ θ
                g = d
            self.update(p, g, self.state[i], self._scratch[i])
        if self.t % self.flush_every == 0:
            self._flush_subnormals()

    def _flush_subnormals(self) -> None:
        """Set state values below ``2**32`` times the smallest normal float to exactly 0.

        A weight whose gradient stays 0 — one feeding a dead ReLU unit — keeps a momentum that
        only decays, ``b = μ b``. After a few hundred steps ``η b`` and then ``b`` drop into the
        *subnormal* range (below 1.2e-38 in float32), where the CPU computes 10–100x slower,
        and there ``μ b`` rounds back to ``b``: it never reaches 0. With a few thousand such
        weights a whole epoch runs 3x slower. Values this small (under 5e-29 in float32) are
        far below the resolution of any weight they update, so zeroing them changes nothing
        but the speed (PyTorch has a hardware switch for this, ``torch.set_flush_denormal``).
        """
        for state in self.state:
            for v in state.values():
                if isinstance(v, np.ndarray) and v.dtype.kind == "f":
                    v[np.abs(v) < np.finfo(v.dtype).tiny * 2.0**32] = 0

    def update(self, p: Array, g: Array, state: dict[str, Any], scratch: Array) -> None:
        """Update ``p`` in place from gradient ``g``. ``scratch`` is a spare array of p's shape
        (it may already hold ``g``)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        keys = [k for k in vars(self) if k not in ("params", "state", "t", "_scratch")]
        return f"{type(self).__name__}({', '.join(f'{k}={getattr(self, k)!r}' for k in keys)})"


def _check_positive(name: str, value: float, owner: str) -> None:
    if not (isinstance(value, int | float | np.floating) and math.isfinite(value) and value > 0):
        raise ValueError(f"{owner}: {name} must be a positive number, got {value!r}")


class SGD(Optimizer):
    r"""Stochastic gradient descent, optionally with momentum and Nesterov momentum.

    As in ``torch.optim.SGD``::

        g = g + λ θ                                  (weight_decay)
        b = g                    on the first step   (momentum ≠ 0)
        b = μ b + (1 - dampening) g    afterwards
        g = g + μ b  if nesterov  else  g = b
        θ = θ - η g

    Parameters
    ----------
    params : iterable of (value, gradient)
    lr : float, default 0.01
        η. (PyTorch requires it; 0.01 is a sensible start.)
    momentum : float, default 0
        μ.
    dampening : float, default 0
    weight_decay : float, default 0
        λ.
    nesterov : bool, default False
        Look-ahead momentum (needs ``momentum > 0`` and ``dampening = 0``).

    Examples
    --------
    >>> w, dw = np.array([1.0]), np.array([0.5])
    >>> opt = SGD([(w, dw)], lr=0.1)
    >>> opt.step(); w
    array([0.95])
    """

    def __init__(self, params: Iterable[tuple[Array, Array]], lr: float = 0.01,
                 momentum: float = 0.0, dampening: float = 0.0, weight_decay: float = 0.0,
                 nesterov: bool = False) -> None:
        super().__init__(params, lr, weight_decay)
        if momentum < 0:
            raise ValueError(f"SGD: momentum must be >= 0, got {momentum}")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("SGD: nesterov momentum requires momentum > 0 and dampening = 0")
        self.momentum, self.dampening, self.nesterov = float(momentum), float(dampening), nesterov

    def update(self, p: Array, g: Array, state: dict[str, Any], scratch: Array) -> None:
        mu = self.momentum
        if mu:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = g.copy()  # b = g
            else:
                buf *= mu
                if self.dampening:
                    buf += (1 - self.dampening) * g
                else:
                    buf += g  # b = μ b + g
            if self.nesterov:
                if g is scratch:  # g already lives in scratch (weight decay)
                    scratch += mu * buf
                else:
                    np.multiply(buf, mu, out=scratch)
                    scratch += g  # g + μ b
                g = scratch
            else:
                g = buf
        np.multiply(g, self.lr, out=scratch)
        p -= scratch  # θ = θ - η g


class RMSprop(Optimizer):
    r"""RMSprop: divide the step by a running root-mean-square of recent gradients.

    As in ``torch.optim.RMSprop`` (without ``centered``)::

        g = g + λ θ
        v = α v + (1 - α) g²          (v starts at 0)
        b = μ b + g / (√v + ε)   and  θ = θ - η b     if momentum μ > 0
        θ = θ - η g / (√v + ε)                        otherwise

    Defaults as in PyTorch: ``lr=0.01, alpha=0.99, eps=1e-8, momentum=0``.

    Examples
    --------
    >>> w, dw = np.array([1.0]), np.array([0.5])
    >>> opt = RMSprop([(w, dw)], lr=0.01)
    >>> opt.step(); np.round(w, 6)
    array([0.9])
    """

    def __init__(self, params: Iterable[tuple[Array, Array]], lr: float = 0.01,
                 alpha: float = 0.99, eps: float = 1e-8, weight_decay: float = 0.0,
                 momentum: float = 0.0) -> None:
        super().__init__(params, lr, weight_decay)
        if not 0 <= alpha < 1:
            raise ValueError(f"RMSprop: alpha must be in [0, 1), got {alpha}")
        self.alpha, self.eps, self.momentum = float(alpha), float(eps), float(momentum)

    def update(self, p: Array, g: Array, state: dict[str, Any], scratch: Array) -> None:
        v = state.get("square_avg")
        if v is None:
            v = state["square_avg"] = np.zeros_like(p)
        v *= self.alpha
        v += (1 - self.alpha) * g * g  # v = α v + (1 - α) g²
        denom = np.sqrt(v)
        denom += self.eps  # √v + ε
        if self.momentum:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = np.zeros_like(p)
            buf *= self.momentum
            buf += g / denom
            np.multiply(buf, self.lr, out=scratch)
        else:
            np.divide(g, denom, out=scratch)
            scratch *= self.lr
        p -= scratch


class Adam(Optimizer):
    r"""Adam: momentum (first moment) plus RMSprop scaling (second moment), bias-corrected.

    As in ``torch.optim.Adam``::

        g = g + λ θ
        m = β1 m + (1 - β1) g
        v = β2 v + (1 - β2) g²
        m̂ = m / (1 - β1^t),   v̂ = v / (1 - β2^t)
        θ = θ - η m̂ / (√v̂ + ε)

    Defaults as in PyTorch: ``lr=0.001, betas=(0.9, 0.999), eps=1e-8``.

    Examples
    --------
    >>> w, dw = np.array([1.0]), np.array([0.5])
    >>> opt = Adam([(w, dw)], lr=0.1)
    >>> opt.step(); np.round(w, 6)   # the first step moves by ≈ lr whatever the gradient's size
    array([0.9])
    """

    def __init__(self, params: Iterable[tuple[Array, Array]], lr: float = 0.001,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0) -> None:
        super().__init__(params, lr, weight_decay)
        b1, b2 = betas
        if not (0 <= b1 < 1 and 0 <= b2 < 1):
            raise ValueError(f"Adam: betas must be in [0, 1), got {betas}")
        self.betas, self.eps = (float(b1), float(b2)), float(eps)

    def update(self, p: Array, g: Array, state: dict[str, Any], scratch: Array) -> None:
        b1, b2 = self.betas
        if "exp_avg" not in state:
            state["exp_avg"] = np.zeros_like(p)
            state["exp_avg_sq"] = np.zeros_like(p)
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m *= b1
        m += (1 - b1) * g  # m = β1 m + (1 - β1) g
        v *= b2
        v += (1 - b2) * (g * g)  # v = β2 v + (1 - β2) g²
        bias1 = 1 - b1**self.t
        bias2 = 1 - b2**self.t
        # θ -= η m̂ / (√v̂ + ε), written as PyTorch does: (η / bias1) m / (√v / √bias2 + ε)
        np.sqrt(v, out=scratch)
        scratch /= math.sqrt(bias2)
        scratch += self.eps
        np.divide(m, scratch, out=scratch)
        scratch *= self.lr / bias1
        p -= scratch


_OPTIMIZERS: dict[str, type[Optimizer]] = {"sgd": SGD, "rmsprop": RMSprop, "adam": Adam}


def get_optimizer(name: str, params: Iterable[tuple[Array, Array]], **kwargs: Any) -> Optimizer:
    """Build an optimizer by name: ``get_optimizer("adam", net.parameters(), lr=1e-3)``."""
    key = name.lower()
    if key not in _OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; expected one of {sorted(_OPTIMIZERS)}")
    return _OPTIMIZERS[key](params, **kwargs)


class _Scheduler:
    """Base learning-rate schedule: call :meth:`step` once per epoch."""

    def __init__(self, optimizer: Optimizer) -> None:
        self.optimizer = optimizer
        self.base_lr = optimizer.lr
        self.epoch = 0

    def step(self) -> float:
        """Advance one epoch and set the optimizer's ``lr``; returns the new rate."""
        self.epoch += 1
        self.optimizer.lr = self.lr_at(self.epoch)
        return self.optimizer.lr

    def lr_at(self, epoch: int) -> float:
        raise NotImplementedError


class StepLR(_Scheduler):
    """Multiply the learning rate by ``gamma`` every ``step_size`` epochs (PyTorch's ``StepLR``).

    ``lr(e) = lr0 * gamma ** (e // step_size)``

    Examples
    --------
    >>> w = np.zeros(1); opt = SGD([(w, w.copy())], lr=1.0)
    >>> s = StepLR(opt, step_size=2, gamma=0.5)
    >>> [s.step() for _ in range(4)]
    [1.0, 0.5, 0.5, 0.25]
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        super().__init__(optimizer)
        if step_size < 1:
            raise ValueError(f"StepLR: step_size must be >= 1, got {step_size}")
        self.step_size, self.gamma = int(step_size), float(gamma)

    def lr_at(self, epoch: int) -> float:
        return self.base_lr * self.gamma ** (epoch // self.step_size)


class CosineAnnealingLR(_Scheduler):
    """Cosine decay from ``lr0`` to ``eta_min`` over ``T_max`` epochs (``CosineAnnealingLR``).

    ``lr(e) = eta_min + (lr0 - eta_min) (1 + cos(π e / T_max)) / 2``

    Examples
    --------
    >>> w = np.zeros(1); opt = SGD([(w, w.copy())], lr=1.0)
    >>> s = CosineAnnealingLR(opt, T_max=2)
    >>> [round(s.step(), 6) for _ in range(2)]
    [0.5, 0.0]
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0) -> None:
        super().__init__(optimizer)
        if T_max < 1:
            raise ValueError(f"CosineAnnealingLR: T_max must be >= 1, got {T_max}")
        self.T_max, self.eta_min = int(T_max), float(eta_min)

    def lr_at(self, epoch: int) -> float:
        e = min(epoch, self.T_max)
        cos = math.cos(math.pi * e / self.T_max)
        return self.eta_min + (self.base_lr - self.eta_min) * (1 + cos) / 2
