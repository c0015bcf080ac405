"""scikit-learn estimators built on a dlbasics MLP and its training loop.

:class:`DLBasicsClassifier` and :class:`DLBasicsRegressor` wrap :func:`dlbasics.mlp` and
:func:`dlbasics.fit` behind scikit-learn's estimator API (``fit`` / ``predict`` /
``predict_proba`` / ``score``, ``get_params`` / ``set_params``), so a network from the course
can sit in a :class:`~sklearn.pipeline.Pipeline`, be tuned with
:class:`~sklearn.model_selection.GridSearchCV` and be scored with
:func:`~sklearn.model_selection.cross_val_score`.

scikit-learn is an optional extra (``pip install "dlbasics[sklearn]"``): ``import dlbasics``
never imports it, only ``import dlbasics.sklearn`` does.

The names differ from scikit-learn's own ``MLPClassifier`` / ``MLPRegressor`` on purpose:
a notebook often puts both side by side, and a search result or an error message should
say which one it is talking about.

Hyperparameters keep the names used everywhere else in dlbasics (``lr`` = η, ``epochs``,
``batch_size``, ``weight_decay`` = λ) except ``random_state``, the name scikit-learn's tools
(``clone``, ``GridSearchCV``, the estimator checks) look for; it plays the role of ``rng``.

Examples
--------
>>> from sklearn.pipeline import make_pipeline
>>> from sklearn.preprocessing import StandardScaler
>>> from dlbasics.datasets import make_moons
>>> X, y = make_moons(300, rng=0)
>>> clf = make_pipeline(StandardScaler(), DLBasicsClassifier((16,), epochs=50, random_state=0))
>>> clf.fit(X, y).score(X, y) > 0.95
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from dlbasics._typing import Array
from dlbasics.network import Sequential, mlp
from dlbasics.optimizers import get_optimizer
from dlbasics.training import History, fit

try:
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
    from sklearn.utils.multiclass import check_classification_targets
    from sklearn.utils.validation import check_is_fitted, validate_data
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "dlbasics.sklearn needs scikit-learn >= 1.6; install it with "
        '`pip install "dlbasics[sklearn]"` (or `pip install scikit-learn`)'
    ) from exc

__all__ = ["DLBasicsClassifier", "DLBasicsRegressor"]

# Small tabular problems: float64 costs next to nothing and makes predictions identical to
# the last digit whatever the batch they are computed in (scikit-learn checks this).
_DTYPE = np.float64


def _generator(random_state: Any) -> np.random.Generator:
    """A Generator from scikit-learn's ``random_state`` (None, int, RandomState or Generator)."""
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(np.iinfo(np.int32).max))
    if random_state is None or isinstance(random_state, int | np.integer):
        return np.random.default_rng(random_state)
    raise ValueError(
        f"random_state must be None, an int, a numpy RandomState or Generator, got {random_state!r}"
    )


class _DLBasicsEstimator(BaseEstimator):
    """What the classifier and the regressor share: build the MLP, train it, check inputs."""

    def __init__(
        self,
        hidden_layer_sizes: int | Sequence[int] = (32,),
        activation: str = "relu",
        *,
        optimizer: str = "adam",
        lr: float = 0.01,
        epochs: int = 100,
        batch_size: int | None = 32,
        weight_decay: float = 0.0,
        random_state: Any = None,
    ) -> None:
        # scikit-learn's rule: store the arguments unchanged, validate them in ``fit``.
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.optimizer = optimizer
        self.lr = lr
        self.epochs = epochs
        self.batch_size = batch_size
        self.weight_decay = weight_decay
        self.random_state = random_state

    def _hidden(self) -> list[int]:
        sizes = self.hidden_layer_sizes
        if isinstance(sizes, int | np.integer):
            sizes = [int(sizes)]
        sizes = list(sizes)
        if not all(isinstance(s, int | np.integer) and s >= 1 for s in sizes):
            raise ValueError(
                f"hidden_layer_sizes must be positive ints, e.g. (32,) or (16, 16), got "
                f"{self.hidden_layer_sizes!r}"
            )
        return [int(s) for s in sizes]

    def _train(self, X: Array, targets: Array, n_out: int, loss: str, head: str) -> None:
        """Build a fresh network ``[n_features, *hidden, n_out]`` with ``head`` (``"logits"``
        or ``"regression"``) and fit it to ``targets`` with ``loss``."""
        gen = _generator(self.random_state)
        net = mlp([X.shape[1], *self._hidden(), n_out], activation=self.activation, head=head,
                  rng=gen, dtype=_DTYPE)
        opt = get_optimizer(self.optimizer, net.parameters(), lr=self.lr,
                            weight_decay=self.weight_decay)
        self.history_: History = fit(net, X, targets, loss=loss, optimizer=opt, epochs=self.epochs,
                                     batch_size=self.batch_size, rng=gen)
        self.model_: Sequential = net
        self.loss_: float = self.history_.loss[-1]
        self.n_iter_: int = self.history_.epochs

    def _input(self, X: ArrayLike) -> Array:
        """Validate ``X`` for prediction: fitted, same number of features, finite."""
        check_is_fitted(self, "model_")
        X = validate_data(self, X, dtype=_DTYPE, reset=False)
        return np.asarray(X)


class DLBasicsClassifier(ClassifierMixin, _DLBasicsEstimator):
    r"""Multi-layer perceptron classifier trained by :func:`dlbasics.fit`.

    The network is ``mlp([n_features, *hidden_layer_sizes, n_classes])``: hidden layers with
    ``activation``, then one raw score (logit) per class. Training minimises the
    cross-entropy of the softmax of the scores,

    .. math:: L = -\frac{1}{N} \sum_i \log \operatorname{softmax}(z_i)_{y_i},

    with mini-batches of ``batch_size`` and the named optimizer. Labels can be anything
    ``numpy.unique`` can sort (ints, strings); they are mapped to ``0 .. K-1`` internally.

    Parameters
    ----------
    hidden_layer_sizes : int or sequence of int, default (32,)
        Widths of the hidden layers; ``()`` gives softmax (logistic) regression.
    activation : str, default "relu"
        Hidden activation: ``"relu"``, ``"leaky_relu"``, ``"tanh"`` or ``"sigmoid"``.
    optimizer : str, default "adam"
        ``"sgd"``, ``"rmsprop"`` or ``"adam"`` (see :mod:`dlbasics.optimizers`).
    lr : float, default 0.01
        Learning rate η.
    epochs : int, default 100
        Passes over the training data.
    batch_size : int or None, default 32
        Mini-batch size; ``None`` for full-batch gradient descent.
    weight_decay : float, default 0
        L2 penalty λ added to every gradient (``g + λ θ``).
    random_state : None, int, RandomState or Generator, default None
        Seeds the initial weights and the shuffling; an int makes ``fit`` reproducible.

    Attributes
    ----------
    classes_ : array, shape (n_classes,)
        The class labels, sorted.
    model_ : Sequential
        The trained network (``model_.summary()`` prints it).
    history_ : History
        Loss and accuracy per epoch, from :func:`dlbasics.fit`.
    loss_ : float
        Training loss of the last epoch.
    n_iter_ : int
        Epochs run.
    n_features_in_ : int
        Number of features seen in ``fit``.

    Shape
    -----
    ``X`` is ``(N, n_features)``; ``y`` is ``(N,)``. ``predict`` returns ``(N,)`` labels and
    ``predict_proba`` ``(N, n_classes)`` probabilities (each row sums to 1).

    Examples
    --------
    >>> from dlbasics.datasets import make_blobs
    >>> X, y = make_blobs(200, rng=0)
    >>> clf = DLBasicsClassifier((8,), epochs=20, random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:3]).shape
    (3, 2)
    >>> clf.score(X, y) > 0.9
    True
    """

    def fit(self, X: ArrayLike, y: ArrayLike) -> DLBasicsClassifier:
        """Train a fresh network on ``(X, y)``; returns ``self``."""
        X, y = validate_data(self, X, y, dtype=_DTYPE)
        check_classification_targets(y)
        self.classes_, labels = np.unique(y, return_inverse=True)
        if self.classes_.size < 2:
            raise ValueError(
                f"{type(self).__name__} needs at least 2 classes to tell apart, but y holds "
                f"1 class ({self.classes_[0]!r})"
            )
        self._train(np.asarray(X), labels.astype(np.intp), n_out=self.classes_.size,
                    loss="cross_entropy", head="logits")
        return self

    def predict_proba(self, X: ArrayLike) -> Array:
        """Class probabilities ``softmax(z)``, shape ``(N, n_classes)``, columns in ``classes_`` order."""
        X = self._input(X)
        return self.model_.predict_proba(X)

    def predict(self, X: ArrayLike) -> Array:
        """The most probable class for each row, shape ``(N,)``."""
        X = self._input(X)
        return np.asarray(self.classes_[self.model_.predict(X)])


class DLBasicsRegressor(RegressorMixin, _DLBasicsEstimator):
    r"""Multi-layer perceptron regressor trained by :func:`dlbasics.fit`.

    The network is ``mlp([n_features, *hidden_layer_sizes, n_targets])`` with a linear output;
    training minimises the mean squared error

    .. math:: L = \frac{1}{N} \sum_i \lVert \hat y_i - y_i \rVert^2 .

    Gradient descent is sensitive to scale: standardise the features (a
    :class:`~sklearn.preprocessing.StandardScaler` in a pipeline) and, for targets far from
    unit scale, wrap the estimator in :class:`~sklearn.compose.TransformedTargetRegressor`.

    Parameters
    ----------
    hidden_layer_sizes, activation, optimizer, lr, epochs, batch_size, weight_decay, random_state
        As in :class:`DLBasicsClassifier`.

    Attributes
    ----------
    model_ : Sequential
        The trained network.
    history_ : History
        Loss per epoch.
    loss_ : float
        Training loss (MSE) of the last epoch.
    n_iter_ : int
        Epochs run.
    n_features_in_ : int
        Number of features seen in ``fit``.

    Shape
    -----
    ``X`` is ``(N, n_features)``; ``y`` is ``(N,)`` or ``(N, n_targets)``, and ``predict``
    returns the same shape.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(-1, 1, size=(200, 1))
    >>> y = np.sin(3 * X[:, 0])
    >>> reg = DLBasicsRegressor((32,), activation="tanh", epochs=100, random_state=0).fit(X, y)
    >>> reg.predict(X[:3]).shape
    (3,)
    >>> reg.score(X, y) > 0.95
    True
    """

    def fit(self, X: ArrayLike, y: ArrayLike) -> DLBasicsRegressor:
        """Train a fresh network on ``(X, y)``; returns ``self``."""
        X, y = validate_data(self, X, y, dtype=_DTYPE, multi_output=True, y_numeric=True)
        Y = np.asarray(y, dtype=_DTYPE)
        self._y_1d = Y.ndim == 1
        if self._y_1d:
            Y = Y.reshape(-1, 1)  # (N,) -> (N, 1)
        self._train(np.asarray(X), Y, n_out=Y.shape[1], loss="mse", head="regression")
        return self

    def predict(self, X: ArrayLike) -> Array:
        """Predicted targets, shape ``(N,)`` or ``(N, n_targets)`` like the ``y`` of ``fit``."""
        X = self._input(X)
        out = self.model_.predict(X)  # (N, n_targets): a regression head gives the values
        return out[:, 0] if self._y_1d else out

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
