"""dlbasics: deep learning from first principles, in NumPy.

The package behind the dlbasics course. Each module matches one concept, in course order:

========================= ===========================================================
module                    what it holds (notebook that teaches it)
========================= ===========================================================
``dlbasics.neuron``       a single neuron, Rosenblatt's perceptron (01–03)
``dlbasics.activations``  step, sigmoid, tanh, ReLU, leaky ReLU, softmax (02)
``dlbasics.datasets``     toy 2-D data, one-hot, standardise, splits (03–06)
``dlbasics.layers``       dense and activation layers, initialisers (04–05)
``dlbasics.network``      ``Sequential``, ``mlp``, save/load (04)
``dlbasics.losses``       MSE, cross-entropies, KL divergence (05)
``dlbasics.gradcheck``    finite-difference gradient checks (05)
``dlbasics.optimizers``   SGD (momentum, Nesterov), RMSprop, Adam, schedules (06)
``dlbasics.training``     one step ``train_step``, the loop ``fit``, its history (05–07)
``dlbasics.mnist``        the MNIST loader (07)
``dlbasics.widgets``      the course's interactive widgets (imported on demand)
========================= ===========================================================

Examples
--------
>>> import dlbasics as dl
>>> X, y = dl.make_xor(200, rng=0)
>>> net = dl.mlp([2, 8, 2], activation="tanh", rng=0)
>>> hist = dl.fit(net, X, y, optimizer=dl.Adam(net.parameters(), lr=0.05), epochs=200,
...               batch_size=None)
>>> dl.accuracy(net, X, y) > 0.95
True
"""

from __future__ import annotations

from dlbasics.activations import (
    get_activation,
    identity,
    leaky_relu,
    relu,
    sigmoid,
    softmax,
    step,
    tanh,
)
from dlbasics.datasets import (
    make_blobs,
    make_circles,
    make_dataset,
    make_moons,
    make_spirals,
    make_xor,
    one_hot,
    standardize,
    train_val_test_split,
)
from dlbasics.gradcheck import GradCheckResult, check_layer, check_loss, check_model
from dlbasics.layers import (
    Dense,
    Identity,
    Layer,
    LeakyReLU,
    ReLU,
    Rescale,
    Sigmoid,
    Softmax,
    Step,
    Tanh,
    init_weights,
)
from dlbasics.losses import (
    binary_cross_entropy,
    binary_cross_entropy_from_sigmoid,
    binary_cross_entropy_with_logits,
    cross_entropy,
    cross_entropy_from_softmax,
    kl_divergence,
    mse,
    rmse,
)
from dlbasics.network import Sequential, load, mlp, save
from dlbasics.neuron import Neuron, Perceptron
from dlbasics.optimizers import SGD, Adam, CosineAnnealingLR, Optimizer, RMSprop, StepLR
from dlbasics.training import (
    DivergenceError,
    History,
    TrainingState,
    accuracy,
    evaluate,
    fit,
    train_step,
)

__version__ = "0.1.0"

__all__ = [
    "__version__",
    # activations
    "get_activation", "identity", "step", "sigmoid", "tanh", "relu", "leaky_relu", "softmax",
    # data
    "make_blobs", "make_xor", "make_circles", "make_moons", "make_spirals", "make_dataset",
    "one_hot", "standardize", "train_val_test_split",
    # neuron
    "Neuron", "Perceptron",
    # layers and networks
    "Layer", "Dense", "Rescale", "Identity", "Step", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "Softmax",
    "init_weights", "Sequential", "mlp", "save", "load",
    # losses
    "mse", "rmse", "binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy",
    "binary_cross_entropy_from_sigmoid", "cross_entropy_from_softmax", "kl_divergence",
    # optimizers and training
    "Optimizer", "SGD", "RMSprop", "Adam", "StepLR", "CosineAnnealingLR",
    "train_step", "fit", "evaluate", "accuracy", "History", "TrainingState", "DivergenceError",
    # gradient checking
    "check_layer", "check_loss", "check_model", "GradCheckResult",
]
