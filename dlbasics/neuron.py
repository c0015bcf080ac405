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
from numpy.typing import ArrayLike

from dlbasics._typing import Array
from dlbasics._util import as_rng, positive_int
from dlbasics.activations import _real_array, _real_number, get_activation, step

__all__ = ["Neuron", "Perceptron", "PerceptronHistory"]



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

    Raises
    ------
    ValueError
        Weights that are not a number or 1-D, empty, NaN or inf; a bias that is NaN or inf;
        an unknown activation.
    TypeError
        Weights or bias that are not real numbers, an activation that is not a name.
    """

    def __init__(self, weights: ArrayLike, bias: float = 0.0, activation: str = "identity") -> None:
        w = _real_array(weights, "Neuron", "weights")
        self.w = np.atleast_1d(w.astype(np.float64)).copy()  # (n_in,)
        if self.w.ndim != 1:
            raise ValueError(f"Neuron: weights must be a number or 1-D, got shape {self.w.shape}")
        if self.w.size == 0:
            raise ValueError("Neuron: needs at least one weight, got weights of shape (0,)")
        if not np.all(np.isfinite(self.w)):
            raise ValueError(f"Neuron: weights must be finite, got {self.w.tolist()}")
        self.b = _real_number(bias, "Neuron", "bias")
        self.activation = get_activation(activation)

    @property
    def n_in(self) -> int:
        """Number of inputs."""
        return self.w.shape[0]

    def weighted_sum(self, X: ArrayLike) -> Any:
        """``z = X @ w + b`` before the activation (a float for one sample, ``(N,)`` for a batch).

        Raises
        ------
        ValueError
            Inputs of another shape than ``(n_in,)`` or ``(N, n_in)``, or no sample at all.
        TypeError
            Inputs that are not real numbers.
        """
        X = _real_array(X, "Neuron", "inputs").astype(np.float64, copy=False)
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
        if X.shape[0] == 0:
            raise ValueError(f"Neuron needs at least one sample, got inputs of shape {X.shape}")
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
        n = positive_int(n_inputs, "Perceptron", "n_inputs")
        if isinstance(lr, int | float | np.integer | np.floating) and not isinstance(lr, bool) \
                and not lr > 0:
            raise ValueError(f"Perceptron: lr must be > 0, got {lr}")
        self.lr = _real_number(lr, "Perceptron", "lr")
        self.w = (np.zeros(n) if rng is None else as_rng(rng, "Perceptron").normal(scale=0.1, size=n))
        self.b = 0.0

    def _check(self, X: ArrayLike, who: str) -> Array:
        X = _real_array(X, who, "X").astype(np.float64, copy=False)
        if X.ndim == 1:
            X = X[None, :]
        if X.ndim != 2 or X.shape[1] != self.w.shape[0]:
            raise ValueError(
                f"{who}: Perceptron with {self.w.shape[0]} inputs expected X of shape "
                f"(N, {self.w.shape[0]}), got {np.shape(X)}"
            )
        if X.shape[0] == 0:
            raise ValueError(f"{who} needs at least one sample, got X with shape {X.shape}")
        if not np.all(np.isfinite(X)):
            raise ValueError(f"{who}: X contains NaN or inf")
        return X

    def decision_function(self, X: ArrayLike) -> Array:
        """``z = X @ w + b``, shape ``(N,)``; the boundary is ``z = 0``.

        Raises
        ------
        ValueError
            ``X`` of another width, no samples, NaN or inf.
        TypeError
            ``X`` that is not real numbers.
        """
        return self._check(X, "Perceptron.decision_function") @ self.w + self.b

    def predict(self, X: ArrayLike) -> Array:
        """Labels 0/1, shape ``(N,)``.

        Raises
        ------
        ValueError, TypeError
            As :meth:`decision_function`.
        """
        return step(self._check(X, "Perceptron.predict") @ self.w + self.b).astype(np.int64)

    def update(self, x: ArrayLike, y: int) -> bool:
        """Apply the perceptron rule to one sample; returns True if it was misclassified.

        Raises
        ------
        ValueError
            ``x`` that is not one sample of shape ``(n_in,)`` (a batch goes to :meth:`fit`),
            NaN or inf, or a label other than 0 or 1.

        Examples
        --------
        >>> p = Perceptron(2, lr=0.5)
        >>> p.update([1.0, 2.0], 1), p.w.tolist(), p.b   # step(0) = 0 but y = 1: w += 0.5 x
        (True, [0.5, 1.0], 0.5)
        """
        X = self._check(x, "Perceptron.update")
        if X.shape[0] != 1:
            raise ValueError(f"Perceptron.update takes one sample of shape ({self.w.shape[0]},), got "
                             f"{np.shape(x)}; use fit for a batch")
        if not isinstance(y, int | float | np.number | np.bool_) or y not in (0, 1):
            raise ValueError(f"Perceptron.update: the label y must be 0 or 1, got {y!r}")
        return self._update(cast(Array, X[0]), int(y))

    def _update(self, x: Array, y: int) -> bool:
        """The rule itself, for one checked sample ``x`` (n_in,) with label ``y`` in {0, 1}."""
        err = y - int(step(x @ self.w + self.b))  # y − ŷ, in {−1, 0, 1}
        if err:
            self.w += self.lr * err * x
            self.b += self.lr * err
        return err != 0

    def fit(self, X: ArrayLike, y: ArrayLike, epochs: int = 100, *, shuffle: bool = True,
            rng: np.random.Generator | int | None = None) -> PerceptronHistory:
        """Run the rule over the data, one sample at a time, until an epoch has no errors.

        The perceptron rule is inherently sequential — each update changes the weights the next
        sample sees — so this is the one place in dlbasics that loops over samples.

        Raises
        ------
        ValueError
            ``X`` of another width, no samples, NaN or inf; labels that are not 0/1 or not one
            per sample; ``epochs`` below 1.
        TypeError
            Non-numeric input, ``epochs`` that is not an int, ``shuffle`` that is not a bool.
        """
        X = self._check(X, "Perceptron.fit")
        epochs = positive_int(epochs, "Perceptron.fit", "epochs")
        if not isinstance(shuffle, bool | np.bool_):
            raise TypeError(f"Perceptron.fit: shuffle must be True or False, got {shuffle!r}")
        try:
            y = np.asarray(y)
        except ValueError:
            raise TypeError("Perceptron.fit: labels must be an array, got nested lists of different "
                            "lengths") from None
        if y.shape != (X.shape[0],) or y.dtype.kind not in "biuf" or not np.all((y == 0) | (y == 1)):
            values = (f" with values {np.unique(y)[:5].tolist()}"
                      if y.shape == (X.shape[0],) and y.dtype.kind in "biuf" else "")
            raise ValueError(f"Perceptron: labels must be 0/1 of shape ({X.shape[0]},), got "
                             f"{y.shape}{values}")
        labels = y.astype(np.int64)
        g = as_rng(rng, "Perceptron.fit")
        hist = PerceptronHistory()
        for _ in range(epochs):
            order = g.permutation(len(y)) if shuffle else np.arange(len(y))
            errors = sum(self._update(X[i], int(labels[i])) for i in order)
            hist.errors.append(int(errors))
            hist.weights.append(np.append(self.w, self.b))
            if errors == 0:
                hist.converged = True
                break
        return hist

    def __repr__(self) -> str:
        return f"Perceptron(w={np.round(self.w, 4).tolist()}, b={self.b:.4g})"
