"""A single artificial neuron and Rosenblatt's perceptron (notebooks 01–03).

A neuron multiplies each input by a weight, adds the products and a bias, and passes the sum
through an activation::

    output = f(x1 w1 + x2 w2 + ... + xn wn + b) = f(x · w + b)

With one input, no bias and the identity activation it is just ``output = input × weight``:
30 minutes of jogging at 7.56 kcal per minute burns 226.8 kcal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

from dlbasics.activations import get_activation, step
from dlbasics.layers import as_rng

__all__ = ["Neuron", "Perceptron", "PerceptronHistory"]

Array = NDArray[Any]


class Neuron:
    """One neuron: ``output = activation(X @ w + b)``.

    Parameters
    ----------
    weights : float or array, shape (n_in,)
        One weight per input ("the weights are where the knowledge lives").
    bias : float, default 0
        Shifts the threshold.
    activation : str, default "identity"
        Any name from :mod:`dlbasics.activations`.

    Shape
    -----
    A scalar or ``(n_in,)`` input gives a scalar; a batch ``(N, n_in)`` gives ``(N,)``
    (for one input, ``(N,)`` is also accepted as N samples).

    Examples
    --------
    >>> Neuron(7.56)(30)           # kcal burned in 30 minutes at 7.56 kcal/min
    226.79999999999998
    >>> fires = Neuron([0.5, 0.7], bias=-0.5, activation="step")   # threshold 0.5 = -bias
    >>> fires.weighted_sum([0.5, 0.6]), fires([0.5, 0.6])           # 0.67 > 0.5: fires
    (0.16999999999999993, 1.0)
    """

    def __init__(self, weights: ArrayLike, bias: float = 0.0, activation: str = "identity") -> None:
        self.w = np.atleast_1d(np.asarray(weights, dtype=np.float64)).copy()  # (n_in,)
        if self.w.ndim != 1:
            raise ValueError(f"Neuron: weights must be a number or 1-D, got shape {self.w.shape}")
        self.b = float(bias)
        self.activation = get_activation(activation)

    @property
    def n_in(self) -> int:
        """Number of inputs."""
        return self.w.shape[0]

    def weighted_sum(self, X: ArrayLike) -> Any:
        """``z = X @ w + b`` before the activation (a float for one sample, ``(N,)`` for a batch)."""
        X = np.asarray(X, dtype=np.float64)
        single = X.ndim == 0 or (X.ndim == 1 and X.shape[0] == self.n_in and self.n_in > 1)
        if X.ndim == 0 or (X.ndim == 1 and self.n_in == 1):
            X = X.reshape(-1, 1)
        elif X.ndim == 1:
            X = X.reshape(1, -1)
        if X.ndim != 2 or X.shape[1] != self.n_in:
            raise ValueError(
                f"Neuron with {self.n_in} weights expected inputs of shape ({self.n_in},) or "
                f"(N, {self.n_in}), got {np.shape(X)}"
            )
        z = X @ self.w + self.b  # (N,)
        return float(z[0]) if single else z

    def __call__(self, X: ArrayLike) -> Any:
        z = self.weighted_sum(X)
        a = self.activation.f(np.asarray(z))
        return float(a) if np.ndim(a) == 0 else a

    forward = __call__

    def __repr__(self) -> str:
        return f"Neuron(weights={self.w.tolist()}, bias={self.b}, activation={self.activation.name!r})"


@dataclass
class PerceptronHistory:
    """Per-epoch record of perceptron training.

    Attributes
    ----------
    errors : list of int
        Misclassified samples in each epoch (0 means every sample was right).
    weights : list of array
        ``[w1, ..., wn, b]`` after each epoch (to animate the boundary).
    converged : bool
        Whether an epoch finished with no errors.
    """

    errors: list[int] = field(default_factory=list)
    weights: list[Array] = field(default_factory=list)
    converged: bool = False


class Perceptron:
    """Rosenblatt's perceptron: a step-activation neuron trained by the perceptron rule.

    For a sample ``x`` with label ``y`` in {0, 1} and prediction ``ŷ = step(x · w + b)``::

        w ← w + η (y − ŷ) x
        b ← b + η (y − ŷ)

    Nothing changes when the prediction is right. On linearly separable data the rule
    provably stops making mistakes after finitely many updates; on XOR it never does.

    Parameters
    ----------
    n_inputs : int
    lr : float, default 1.0
        η (> 0).
    rng : Generator or int, optional
        Initial weights are small random numbers from ``rng`` (zeros when ``rng`` is None).

    Examples
    --------
    >>> p = Perceptron(2)
    >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]]); y_and = np.array([0, 0, 0, 1])
    >>> p.fit(X, y_and, epochs=20, rng=0).converged
    True
    >>> Perceptron(2).fit(X, np.array([0, 1, 1, 0]), epochs=50, rng=0).converged   # XOR
    False
    """

    def __init__(self, n_inputs: int, lr: float = 1.0, rng: np.random.Generator | int | None = None) -> None:
        if not lr > 0:
            raise ValueError(f"Perceptron: lr must be > 0, got {lr}")
        self.lr = float(lr)
        self.w = (np.zeros(int(n_inputs)) if rng is None
                  else as_rng(rng).normal(scale=0.1, size=int(n_inputs)))
        self.b = 0.0

    def _check(self, X: ArrayLike) -> Array:
        X = np.asarray(X, dtype=np.float64)
        if X.ndim == 1:
            X = X[None, :]
        if X.ndim != 2 or X.shape[1] != self.w.shape[0]:
            raise ValueError(
                f"Perceptron with {self.w.shape[0]} inputs expected X of shape (N, {self.w.shape[0]}), "
                f"got {np.shape(X)}"
            )
        return X

    def decision_function(self, X: ArrayLike) -> Array:
        """``z = X @ w + b``, shape ``(N,)``; the boundary is ``z = 0``."""
        return self._check(X) @ self.w + self.b

    def predict(self, X: ArrayLike) -> Array:
        """Labels 0/1, shape ``(N,)``."""
        return step(self.decision_function(X)).astype(np.int64)

    def update(self, x: ArrayLike, y: int) -> bool:
        """Apply the perceptron rule to one sample; returns True if it was misclassified."""
        x = cast(Array, self._check(x)[0])  # (n_in,)
        err = int(y) - int(step(x @ self.w + self.b))  # y − ŷ, in {−1, 0, 1}
        if err:
            self.w += self.lr * err * x
            self.b += self.lr * err
        return err != 0

    def fit(self, X: ArrayLike, y: ArrayLike, epochs: int = 100, *, shuffle: bool = True,
            rng: np.random.Generator | int | None = None) -> PerceptronHistory:
        """Run the rule over the data, one sample at a time, until an epoch has no errors.

        The perceptron rule is inherently sequential — each update changes the weights the next
        sample sees — so this is the one place in dlbasics that loops over samples.
        """
        X = self._check(X)
        y = np.asarray(y)
        if y.shape != (X.shape[0],) or not np.all((y == 0) | (y == 1)):
            raise ValueError(f"Perceptron: labels must be 0/1 of shape ({X.shape[0]},), got {y.shape}")
        g = as_rng(rng)
        hist = PerceptronHistory()
        for _ in range(int(epochs)):
            order = g.permutation(len(y)) if shuffle else np.arange(len(y))
            errors = sum(self.update(X[i], y[i]) for i in order)
            hist.errors.append(int(errors))
            hist.weights.append(np.append(self.w, self.b))
            if errors == 0:
                hist.converged = True
                break
        return hist

    def __repr__(self) -> str:
        return f"Perceptron(w={np.round(self.w, 4).tolist()}, b={self.b:.4g})"
