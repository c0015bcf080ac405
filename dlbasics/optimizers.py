"""Optimizers and learning-rate schedules (notebook 06).

Each optimizer follows the update rule documented for the ``torch.optim`` class of the same
name, with the same hyperparameter names and defaults, so one step can be checked against
PyTorch number for number. The notebook's Greek letters map to the names as follows:
``lr`` = η, ``momentum`` = μ, ``weight_decay`` = λ, ``alpha`` (RMSprop) = ρ,
``betas`` = (β1, β2), ``eps`` = ε.

An optimizer is given the ``(value, gradient)`` pairs of a model (``model.parameters()``);
:meth:`Optimizer.step` reads each gradient and updates its value **in place**. The base
class owns the loop; each subclass only writes its update rule.

Hyperparameters are checked when an optimizer or a schedule is built, with PyTorch's rules
(``eps >= 0``, ``0 <= β < 1``, ...) and NaN and infinity rejected too: a wrong type raises
``TypeError``, a wrong value ``ValueError``, and the message says what was expected and what
was given. So are the parameter pairs: each value a writeable floating-point array given once,
its gradient an array of the same shape and dtype.
"""

from __future__ import annotations

import inspect
import math
import numbers
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from dlbasics._typing import Array

__all__ = ["Optimizer", "SGD", "RMSprop", "Adam", "StepLR", "CosineAnnealingLR", "get_optimizer"]



# -- argument checks ----------------------------------------------------------------------------
def _shown(value: object) -> str:
    """How a received value appears in an error message (NumPy scalars as plain numbers)."""
    return repr(value.item() if isinstance(value, np.generic) else value)


def _described(value: object) -> str:
    """What a received object is, for an error message: arrays by shape and dtype, a long
    repr by its type alone."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, tuple | list):
        return f"a {type(value).__name__} of length {len(value)}"
    text = _shown(value)
    return f"{text} ({type(value).__name__})" if len(text) <= 60 else f"a {type(value).__name__}"


def _number(owner: str, name: str, value: object, expected: str, ok: Callable[[float], bool]) -> float:
    """``float(value)`` if it is a real number for which ``ok`` holds, else raise.

    A non-number (a string, ``None``, a bool) raises ``TypeError``; NaN, ±inf or a value outside
    the range raises ``ValueError``. ``expected`` completes "``name`` must be ...".
    """
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise TypeError(f"{owner}: {name} must be {expected}, got {_described(value)}")
    try:
        x = float(value)
    except OverflowError:  # an int too large for a float
        x = math.inf
    if not (math.isfinite(x) and ok(x)):
        raise ValueError(f"{owner}: {name} must be {expected}, got {_shown(value)}")
    return x


def _non_negative(owner: str, name: str, value: object) -> float:
    return _number(owner, name, value, "a finite number >= 0", lambda x: x >= 0)


def _below_one(owner: str, name: str, value: object) -> float:
    return _number(owner, name, value, "a number in [0, 1)", lambda x: 0 <= x < 1)


def _flag(owner: str, name: str, value: object) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{owner}: {name} must be True or False, got {_described(value)}")
    return bool(value)


def _count(owner: str, name: str, value: object) -> int:
    """A positive int (NumPy integers too); 2.0 or True are refused, not rounded."""
    expected = "a positive integer"
    if not isinstance(value, numbers.Integral) or isinstance(value, bool | np.bool_):
        raise TypeError(f"{owner}: {name} must be {expected}, got {_described(value)}")
    if value < 1:
        raise ValueError(f"{owner}: {name} must be {expected}, got {_shown(value)}")
    return int(value)


def _root(a: Array) -> int:
    """Identity of the memory an array views (arrays with different roots cannot overlap)."""
    base: object = a
    while isinstance(base, np.ndarray) and base.base is not None:
        base = base.base
    return id(base)


def _checked_params(owner: str, params: object) -> list[tuple[Array, Array]]:
    """The ``(value, gradient)`` pairs as a list, or a clear error for what is wrong with them."""
    expected = "an iterable of (value, gradient) array pairs such as model.parameters()"
    if callable(getattr(params, "parameters", None)):
        raise TypeError(f"{owner}: params must be {expected}, got the model itself "
                        f"({type(params).__name__}); pass model.parameters()")
    if isinstance(params, np.ndarray | str | bytes) or not isinstance(params, Iterable):
        raise TypeError(f"{owner}: params must be {expected}, got {_described(params)}")
    items = list(params)
    if not items:
        raise ValueError(f"{owner}: got an empty parameter list; expected {expected}")
    pairs: list[tuple[Array, Array]] = []
    for i, item in enumerate(items):
        if not isinstance(item, tuple | list) or len(item) != 2:
            raise TypeError(f"{owner}: parameter {i} must be a (value, gradient) pair of arrays, "
                            f"got {_described(item)}")
        p, g = item
        for what, a in (("value", p), ("gradient", g)):
            if not isinstance(a, np.ndarray):
                raise TypeError(f"{owner}: parameter {i}: the {what} must be a NumPy array, "
                                f"got {_described(a)}")
        if p.dtype.kind != "f":
            raise TypeError(f"{owner}: parameter {i}: the value must be a floating-point array, "
                            f"got dtype {p.dtype}")
        if g.shape != p.shape:
            raise ValueError(f"{owner}: parameter {i}: the gradient must have the value's shape "
                             f"{p.shape}, got {g.shape}")
        if g.dtype != p.dtype:
            raise TypeError(f"{owner}: parameter {i}: the gradient must have the value's dtype "
                            f"{p.dtype}, got {g.dtype}")
        if not p.flags.writeable:
            raise ValueError(f"{owner}: parameter {i}: the value must be a writeable array (it is "
                             "updated in place), got a read-only one")
        pairs.append((p, g))
    # Each value must be its own memory: a value given twice would be updated twice per step,
    # and a gradient that is (part of) a value would change while the values are updated.
    # Only arrays viewing the same memory can overlap, so compare within those groups.
    groups: dict[int, list[tuple[str, int, Array]]] = {}
    for i, (p, g) in enumerate(pairs):
        groups.setdefault(_root(p), []).append(("value", i, p))
        groups.setdefault(_root(g), []).append(("gradient", i, g))
    for group in groups.values():
        for k, (kind_a, i, a) in enumerate(group):
            for kind_b, j, b in group[:k]:
                if kind_a == kind_b == "gradient" or not np.shares_memory(a, b):
                    continue  # gradients are only read: two may share memory
                if kind_a == kind_b:
                    raise ValueError(f"{owner}: each parameter must be a separate array, got parameters "
                                     f"{j} and {i} that share memory (the same array given twice?)")
                gi, vi = (i, j) if kind_a == "gradient" else (j, i)
                whose = "its own value" if gi == vi else f"the value of parameter {vi}"
                raise ValueError(f"{owner}: parameter {gi}: the gradient must be an array of its own, "
                                 f"got one that shares memory with {whose}")
    return pairs


def _learning_rate(owner: str, lr: object) -> float:
    return _number(owner, "lr", lr, "a positive number", lambda x: x > 0)


# -- optimizers ---------------------------------------------------------------------------------
class Optimizer:
    """Base class: holds the parameters and per-parameter state, loops in :meth:`step`.

    Parameters
    ----------
    params : iterable of (value, gradient) array pairs
        What ``model.parameters()`` returns. Each value is a writeable floating-point array,
        given once, updated in place; its gradient has the same shape and dtype and is only read.
    lr : float
        Learning rate η (> 0; PyTorch also accepts 0, a rate that never moves anything).
    weight_decay : float
        L2 penalty λ (>= 0): the gradient becomes ``g + λ θ`` before the update (as in PyTorch).

    Raises
    ------
    TypeError
        A hyperparameter that is not a number, or parameters that are not pairs of floating-point
        arrays of one dtype.
    ValueError
        A hyperparameter out of range (NaN and ±inf included), an empty parameter list, a gradient
        of another shape than its value, a read-only value, or one array given twice.

    Examples
    --------
    >>> class SignDescent(Optimizer):   # a subclass only writes the update
    ...     def update(self, p, g, state, scratch):
    ...         np.sign(g, out=scratch)
    ...         scratch *= self.lr
    ...         p -= scratch            # θ = θ - η sign(g)
    >>> w, dw = np.array([1.0, 1.0]), np.array([0.5, -3.0])
    >>> SignDescent([(w, dw)], lr=0.1).step(); w
    array([0.9, 1.1])
    """

    def __init__(self, params: Iterable[tuple[Array, Array]], lr: float,
                 weight_decay: float = 0.0) -> None:
        owner = type(self).__name__
        lr = _learning_rate(owner, lr)
        weight_decay = _non_negative(owner, "weight_decay", weight_decay)
        self.params = _checked_params(owner, params)
        self.lr = lr
        self.weight_decay = weight_decay
        self.state: list[dict[str, Any]] = [{} for _ in self.params]
        self.t = 0  # number of steps taken
        self._scratch = [np.empty_like(p) for p, _ in self.params]
        # g + λ θ, one array per parameter, made on the first step with weight decay
        self._decayed: list[Array | None] = [None] * len(self.params)

    #: every this many steps, state values too small to matter are set to 0
    flush_every = 64

    def step(self) -> None:
        """Apply one update to every parameter from its current gradient."""
        self.t += 1
        for i, (p, g) in enumerate(self.params):
            if self.weight_decay:
                d = self._decayed[i]
                if d is None:
                    d = self._decayed[i] = np.empty_like(p)
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
        """Update ``p`` in place from gradient ``g`` (weight decay already added; never write
        into ``g``). ``state`` is this parameter's dict, kept between steps; ``scratch`` is a
        spare array of p's shape and dtype, free to overwrite."""
        raise NotImplementedError(f"{type(self).__name__}: an optimizer must define its update rule, "
                                  "update(p, g, state, scratch); the base class Optimizer has none")

    def __repr__(self) -> str:
        keys = [k for k in vars(self) if k not in ("params", "state", "t") and not k.startswith("_")]
        return f"{type(self).__name__}({', '.join(f'{k}={getattr(self, k)!r}' for k in keys)})"


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
        η > 0. (PyTorch requires it; 0.01 is a sensible start.)
    momentum : float, default 0
        μ >= 0.
    dampening : float, default 0
        In [0, 1]: the share of the gradient left out of the momentum.
    weight_decay : float, default 0
        λ >= 0.
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
        momentum = _non_negative("SGD", "momentum", momentum)
        dampening = _number("SGD", "dampening", dampening, "a number in [0, 1]", lambda x: 0 <= x <= 1)
        nesterov = _flag("SGD", "nesterov", nesterov)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("SGD: nesterov momentum requires momentum > 0 and dampening = 0, "
                             f"got momentum={momentum!r} and dampening={dampening!r}")
        super().__init__(params, lr, weight_decay)
        self.momentum, self.dampening, self.nesterov = momentum, dampening, nesterov

    def update(self, p: Array, g: Array, state: dict[str, Any], scratch: Array) -> None:
        mu = self.momentum
        if mu:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = g.copy()  # b = g
            else:
                buf *= mu
                if self.dampening:
                    np.multiply(g, 1 - self.dampening, out=scratch)
                    buf += scratch  # b = μ b + (1 - dampening) g
                else:
                    buf += g  # b = μ b + g
            if self.nesterov:
                np.multiply(buf, mu, out=scratch)
                scratch += g  # g + μ b
                g = scratch
            else:
                g = buf
        np.multiply(g, self.lr, out=scratch)
        p -= scratch  # θ = θ - η g


class RMSprop(Optimizer):
    r"""RMSprop: divide the step by a running root-mean-square of recent gradients.

    As in ``torch.optim.RMSprop``::

        g = g + λ θ
        v = ρ v + (1 - ρ) g²              (v starts at 0)
        ṽ = v                             if not centered
        ḡ = ρ ḡ + (1 - ρ) g,  ṽ = v - ḡ²  if centered    (ḡ starts at 0)
        b = μ b + g / (√ṽ + ε)   and  θ = θ - η b     if momentum μ > 0   (b starts at 0)
        θ = θ - η g / (√ṽ + ε)                        otherwise

    *Centered* RMSprop divides by an estimate of the gradient's standard deviation instead of
    its root mean square: ``v - ḡ²`` is a running variance. (It is never negative in exact
    arithmetic; rounding can take it just below 0, so it is clamped at 0 where PyTorch would
    produce NaN.)

    Parameters
    ----------
    params : iterable of (value, gradient)
    lr : float, default 0.01
        η > 0.
    alpha : float, default 0.99
        ρ, in [0, 1) (PyTorch also accepts ρ >= 1, where v no longer averages anything).
    eps : float, default 1e-8
        ε >= 0.
    weight_decay : float, default 0
        λ >= 0.
    momentum : float, default 0
        μ >= 0.
    centered : bool, default False

    Examples
    --------
    >>> w, dw = np.array([1.0]), np.array([0.5])
    >>> opt = RMSprop([(w, dw)], lr=0.01)
    >>> opt.step(); np.round(w, 6)   # the first step is η / √(1 - ρ) = 10 η
    array([0.9])
    >>> w, dw = np.array([1.0]), np.array([0.5])
    >>> opt = RMSprop([(w, dw)], lr=0.01, centered=True)
    >>> opt.step(); np.round(w, 6)   # ṽ = 0.01 g² - (0.01 g)² = 0.0099 g²: η / √0.0099
    array([0.899496])
    """

    def __init__(self, params: Iterable[tuple[Array, Array]], lr: float = 0.01,
                 alpha: float = 0.99, eps: float = 1e-8, weight_decay: float = 0.0,
                 momentum: float = 0.0, centered: bool = False) -> None:
        alpha = _below_one("RMSprop", "alpha", alpha)
        eps = _non_negative("RMSprop", "eps", eps)
        momentum = _non_negative("RMSprop", "momentum", momentum)
        centered = _flag("RMSprop", "centered", centered)
        super().__init__(params, lr, weight_decay)
        self.alpha, self.eps, self.momentum, self.centered = alpha, eps, momentum, centered

    def update(self, p: Array, g: Array, state: dict[str, Any], scratch: Array) -> None:
        rho = self.alpha
        v = state.get("square_avg")
        if v is None:
            v = state["square_avg"] = np.zeros_like(p)
        np.multiply(g, g, out=scratch)
        scratch *= 1 - rho
        v *= rho
        v += scratch  # v = ρ v + (1 - ρ) g²
        if self.centered:
            g_avg = state.get("grad_avg")
            if g_avg is None:
                g_avg = state["grad_avg"] = np.zeros_like(p)
            np.multiply(g, 1 - rho, out=scratch)
            g_avg *= rho
            g_avg += scratch  # ḡ = ρ ḡ + (1 - ρ) g
            np.multiply(g_avg, g_avg, out=scratch)
            np.subtract(v, scratch, out=scratch)  # ṽ = v - ḡ²
            np.maximum(scratch, 0, out=scratch)
            np.sqrt(scratch, out=scratch)
        else:
            np.sqrt(v, out=scratch)
        scratch += self.eps  # √ṽ + ε
        np.divide(g, scratch, out=scratch)  # g / (√ṽ + ε)
        if self.momentum:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = np.zeros_like(p)
            buf *= self.momentum
            buf += scratch  # b = μ b + g / (√ṽ + ε)
            np.multiply(buf, self.lr, out=scratch)
        else:
            scratch *= self.lr
        p -= scratch


class Adam(Optimizer):
    r"""Adam: momentum (first moment) plus RMSprop scaling (second moment), bias-corrected.

    As in ``torch.optim.Adam``::

        g = g + λ θ
        m = β1 m + (1 - β1) g
        v = β2 v + (1 - β2) g²
        v_max = max(v_max, v)                      if amsgrad   (v_max starts at 0)
        m̂ = m / (1 - β1^t)
        v̂ = v / (1 - β2^t),  or v_max / (1 - β2^t) if amsgrad
        θ = θ - η m̂ / (√v̂ + ε)

    *AMSGrad* divides by the largest second moment seen so far, so a coordinate's step size
    never grows back after a burst of large gradients (Reddi et al., "On the convergence of
    Adam and beyond", 2018).

    Parameters
    ----------
    params : iterable of (value, gradient)
    lr : float, default 0.001
        η > 0.
    betas : (float, float), default (0.9, 0.999)
        (β1, β2), each in [0, 1).
    eps : float, default 1e-8
        ε >= 0.
    weight_decay : float, default 0
        λ >= 0.
    amsgrad : bool, default False

    Examples
    --------
    >>> w, dw = np.array([1.0]), np.array([0.5])
    >>> opt = Adam([(w, dw)], lr=0.1)
    >>> opt.step(); np.round(w, 6)   # the first step moves by ≈ lr whatever the gradient's size
    array([0.9])
    >>> w, dw = np.array([1.0]), np.array([4.0])
    >>> opt = Adam([(w, dw)], lr=0.1, amsgrad=True)
    >>> opt.step(); dw[:] = 0.1; opt.step()
    >>> opt.state[0]["max_exp_avg_sq"] > opt.state[0]["exp_avg_sq"]   # remembers the burst
    array([ True])
    """

    def __init__(self, params: Iterable[tuple[Array, Array]], lr: float = 0.001,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, amsgrad: bool = False) -> None:
        if isinstance(betas, np.ndarray | str) or not isinstance(betas, tuple | list) or len(betas) != 2:
            raise TypeError(f"Adam: betas must be a pair (β1, β2) of numbers in [0, 1), "
                            f"got {_described(betas)}")
        b1 = _below_one("Adam", "betas[0]", betas[0])
        b2 = _below_one("Adam", "betas[1]", betas[1])
        eps = _non_negative("Adam", "eps", eps)
        amsgrad = _flag("Adam", "amsgrad", amsgrad)
        super().__init__(params, lr, weight_decay)
        self.betas, self.eps, self.amsgrad = (b1, b2), eps, amsgrad

    def update(self, p: Array, g: Array, state: dict[str, Any], scratch: Array) -> None:
        b1, b2 = self.betas
        if "exp_avg" not in state:
            state["exp_avg"] = np.zeros_like(p)
            state["exp_avg_sq"] = np.zeros_like(p)
        m, v = state["exp_avg"], state["exp_avg_sq"]
        np.multiply(g, 1 - b1, out=scratch)
        m *= b1
        m += scratch  # m = β1 m + (1 - β1) g
        np.multiply(g, g, out=scratch)
        scratch *= 1 - b2
        v *= b2
        v += scratch  # v = β2 v + (1 - β2) g²
        if self.amsgrad:
            v_max = state.get("max_exp_avg_sq")
            if v_max is None:
                v_max = state["max_exp_avg_sq"] = np.zeros_like(p)
            np.maximum(v_max, v, out=v_max)  # v_max = max(v_max, v)
            v = v_max
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
    """Build an optimizer by name (case-insensitive), passing it ``params`` and ``kwargs``.

    Examples
    --------
    >>> w = np.zeros(3)
    >>> get_optimizer("Adam", [(w, np.zeros(3))], lr=1e-3)
    Adam(lr=0.001, weight_decay=0.0, betas=(0.9, 0.999), eps=1e-08, amsgrad=False)
    """
    if not isinstance(name, str):
        raise TypeError(f"get_optimizer: name must be a string, one of {sorted(_OPTIMIZERS)}, "
                        f"got {_described(name)}")
    key = name.lower()
    if key not in _OPTIMIZERS:
        raise ValueError(f"get_optimizer: unknown optimizer {name!r}; expected one of {sorted(_OPTIMIZERS)}")
    cls = _OPTIMIZERS[key]
    known = [k for k in inspect.signature(cls).parameters if k != "params"]
    unknown = [k for k in kwargs if k not in known]
    if unknown:
        raise TypeError(f"get_optimizer: {cls.__name__} takes {', '.join(known)}; got "
                        f"{', '.join(map(repr, unknown))}")
    return cls(params, **kwargs)


# -- schedules ----------------------------------------------------------------------------------
class _Scheduler:
    """Base learning-rate schedule: call :meth:`step` once per epoch.

    Epochs count as in PyTorch: building the schedule leaves the rate at ``lr0`` (epoch 0), and
    the e-th call of :meth:`step` sets the rate of epoch e.
    """

    def __init__(self, optimizer: Optimizer) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__}: optimizer must be a dlbasics Optimizer (SGD, "
                            f"RMSprop, Adam, ...), got {_described(optimizer)}")
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

    Parameters
    ----------
    optimizer : Optimizer
        Its ``lr`` when the schedule is built is ``lr0``.
    step_size : int
        A positive integer.
    gamma : float, default 0.1
        A finite number > 0.

    Examples
    --------
    >>> w = np.zeros(1); opt = SGD([(w, w.copy())], lr=1.0)
    >>> s = StepLR(opt, step_size=2, gamma=0.5)
    >>> [s.step() for _ in range(4)]
    [1.0, 0.5, 0.5, 0.25]
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        super().__init__(optimizer)
        self.step_size = _count("StepLR", "step_size", step_size)
        self.gamma = _number("StepLR", "gamma", gamma, "a finite number > 0", lambda x: x > 0)

    def lr_at(self, epoch: int) -> float:
        return self.base_lr * self.gamma ** (epoch // self.step_size)


class CosineAnnealingLR(_Scheduler):
    """Cosine decay from ``lr0`` to ``eta_min`` in ``T_max`` epochs (PyTorch's ``CosineAnnealingLR``).

    ``lr(e) = eta_min + (lr0 - eta_min) (1 + cos(π e / T_max)) / 2``   for every epoch e

    The rate reaches ``eta_min`` at epoch ``T_max``. Past it the cosine rises again, back to
    ``lr0`` at ``2 T_max``, with period ``2 T_max``, as in PyTorch (whose recursive update
    yields this closed form): train for ``T_max`` epochs for one decay. Restarts that jump back
    to ``lr0`` (SGDR) are a separate scheduler in PyTorch, ``CosineAnnealingWarmRestarts``.

    Parameters
    ----------
    optimizer : Optimizer
        Its ``lr`` when the schedule is built is ``lr0``.
    T_max : int
        A positive integer: the epochs of one decay.
    eta_min : float, default 0
        The lowest rate, a finite number >= 0.

    Examples
    --------
    >>> w = np.zeros(1); opt = SGD([(w, w.copy())], lr=1.0)
    >>> s = CosineAnnealingLR(opt, T_max=2)
    >>> [round(s.step(), 6) for _ in range(4)]   # down in T_max epochs, then up again
    [0.5, 0.0, 0.5, 1.0]
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0) -> None:
        super().__init__(optimizer)
        self.T_max = _count("CosineAnnealingLR", "T_max", T_max)
        self.eta_min = _non_negative("CosineAnnealingLR", "eta_min", eta_min)

    def lr_at(self, epoch: int) -> float:
        cos = math.cos(math.pi * epoch / self.T_max)
        return self.eta_min + (self.base_lr - self.eta_min) * (1 + cos) / 2
