"""A learner's mistakes, across the public API, and the errors they get.

Each case of :data:`CASES` is one misuse: an id, a call that makes the mistake, the exception
type it must raise (the type the docstring's Raises section promises) and a regular
expression its message must match. Every regex names both what was expected and what was
received, so a message that says only one of them fails. One parametrized test runs the table;
a guard checks that no message is NumPy's or Python's own; property tests cover whole families
of mistakes (sizes, labels, tampered network files) where one example per family is not enough.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dlbasics as dl
from dlbasics import activations as A
from dlbasics import datasets as D
from dlbasics import gradcheck as G
from dlbasics import layers as Ly
from dlbasics import losses as L
from dlbasics import network as N
from dlbasics import training as T

FAST = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture])

_TMP = Path(tempfile.mkdtemp(prefix="dlbasics-misuse-"))


@pytest.fixture(scope="module", autouse=True)
def _cleanup_tmp():
    yield
    shutil.rmtree(_TMP, ignore_errors=True)


# -- small fixtures built on demand (each case builds its own, so cases stay independent) ---------
def _net(sizes=(3, 4, 3), **kw: Any) -> N.Sequential:
    return dl.mlp(list(sizes), rng=0, **kw)


def _X(n: int = 4, d: int = 3) -> np.ndarray:
    return np.random.default_rng(0).normal(size=(n, d))


def _y(n: int = 4, k: int = 3) -> np.ndarray:
    return np.arange(n) % k


def _fit(**kw: Any) -> Any:
    net = kw.pop("net", None) or _net()
    X = kw.pop("X", _X())
    y = kw.pop("y", _y())
    return dl.fit(net, X, y, **{"epochs": 1, "rng": 0, **kw})


def _saved(edit: Callable[[dict[str, Any], dict[str, np.ndarray]], None], name: str) -> Path:
    """A network file made by save, then changed by ``edit(architecture, arrays)``."""
    good = _TMP / "good.npz"
    N.save(_net((3, 4, 2)), good)
    with np.load(good) as data:
        arrays = {k: data[k] for k in data.files}
    arch = json.loads(str(arrays.pop("__architecture__")))
    edit(arch, arrays)
    path = _TMP / name
    np.savez(path, __architecture__=np.array(json.dumps(arch)), **arrays)
    return path


def _set(layer: int, key: str, value: Any) -> Callable[[dict[str, Any], dict[str, np.ndarray]], None]:
    def edit(arch: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        arch["layers"][layer][key] = value
    return edit


def _drop(layer: int, key: str) -> Callable[[dict[str, Any], dict[str, np.ndarray]], None]:
    def edit(arch: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        del arch["layers"][layer][key]
    return edit


def _array(key: str, value: np.ndarray) -> Callable[[dict[str, Any], dict[str, np.ndarray]], None]:
    def edit(arch: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        arrays[key] = value
    return edit


def _huge_header_file(name: str, n_in: int, n_out: int) -> Path:
    """Architecture and the W header both claim (n_in, n_out); the file holds 16 bytes of data."""
    path = _TMP / name
    arch = {"format": "dlbasics-network", "version": 1,
            "layers": [{"type": "Dense", "n_in": n_in, "n_out": n_out}]}
    with zipfile.ZipFile(path, "w") as zf:
        with zf.open("__architecture__.npy", "w") as fh:
            np.lib.format.write_array(fh, np.array(json.dumps(arch)))
        with zf.open("layer0.W.npy", "w") as fh:
            np.lib.format.write_array_header_1_0(
                fh, {"descr": "<f4", "fortran_order": False, "shape": (n_in, n_out)})
            fh.write(b"\0" * 16)
        with zf.open("layer0.b.npy", "w") as fh:
            np.lib.format.write_array(fh, np.zeros(n_out if n_out < 10 else 1, np.float32))
    return path


def _other_net_optimizer() -> Any:
    net, other = _net(), _net()
    return dl.fit(net, _X(), _y(), optimizer=dl.SGD(other.parameters()), epochs=1)


def _copied_grads_optimizer() -> Any:
    net = _net()
    return dl.fit(net, _X(), _y(), optimizer=dl.SGD([(p, g.copy()) for p, g in net.parameters()]),
                  epochs=1)


def _foreign_scheduler() -> Any:
    net = _net()
    opt = dl.SGD(net.parameters(), lr=0.1)
    other = dl.SGD(_net().parameters(), lr=0.1)
    return dl.fit(net, _X(), _y(), optimizer=opt, scheduler=dl.StepLR(other, 1), epochs=1)


def _bad_loss(out: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    return 0.0, np.zeros(3)


def _backward_before_forward_shape() -> Any:
    layer = dl.Dense(3, 4, rng=0)
    layer.forward(np.zeros((2, 3)))
    return layer.backward([[0.0, 0.0, 0.0]] * 2)


def _layer32() -> Ly.Dense:
    return dl.Dense(3, 2, rng=0)


class _MyLayer(Ly.Layer):
    def forward(self, X: Any, *, reuse: bool = False) -> Any:
        return np.asarray(X)


Case = tuple[str, Callable[[], Any], type[BaseException], str]
F64 = np.float64

CASES: list[Case] = [
    # -- losses ---------------------------------------------------------------------------------
    ("mse-empty", lambda: dl.mse(np.zeros((0, 2)), np.zeros((0, 2))), ValueError,
     r"mse needs at least one sample, got pred with shape \(0, 2\)"),
    ("mse-shape", lambda: dl.mse(np.zeros((3, 2)), np.zeros(3)), ValueError,
     r"mse: targets must have the prediction's shape \(3, 2\), got \(3,\)"),
    ("mse-strings", lambda: dl.mse(["a", "b"], [1, 2]), TypeError,
     r"mse: pred must be an array of real numbers, got dtype <U1"),
    ("rmse-empty", lambda: dl.rmse([], []), ValueError,
     r"rmse needs at least one sample, got pred with shape \(0,\)"),
    ("rmse-length", lambda: dl.rmse([1.0, 2.0], [1.0, 2.0, 3.0]), ValueError,
     r"rmse: targets must have the prediction's shape \(2,\), got \(3,\)"),
    ("bce-empty", lambda: dl.binary_cross_entropy(np.zeros((0, 1)), np.zeros((0, 1))), ValueError,
     r"binary_cross_entropy needs at least one sample, got p with shape \(0, 1\)"),
    ("bce-logits-as-probabilities", lambda: dl.binary_cross_entropy([2.0, -1.0], [1, 0]), ValueError,
     r"binary_cross_entropy: p \(probabilities\) must lie in \[0, 1\], got range \[-1, 2\].*"
     r"binary_cross_entropy_with_logits"),
    ("bce-labels-out-of-range", lambda: dl.binary_cross_entropy([0.5], [2]), ValueError,
     r"binary_cross_entropy: y .* must lie in \[0, 1\], got range \[2, 2\]"),
    ("bce-logits-labels", lambda: dl.binary_cross_entropy_with_logits([0.0], [-1]), ValueError,
     r"binary_cross_entropy_with_logits: y .* must lie in \[0, 1\], got range \[-1, -1\]"),
    ("ce-empty", lambda: dl.cross_entropy(np.zeros((0, 3)), []), ValueError,
     r"cross_entropy needs at least one sample, got logits with shape \(0, 3\)"),
    ("ce-no-classes", lambda: dl.cross_entropy(np.zeros((2, 0)), [0, 0]), ValueError,
     r"cross_entropy needs at least one sample, got logits with shape \(2, 0\)"),
    ("ce-fractional-labels", lambda: dl.cross_entropy(np.zeros((2, 3)), [0.5, 1.0]), ValueError,
     r"cross_entropy: class labels must be integers, got dtype float64"),
    ("ce-label-out-of-range", lambda: dl.cross_entropy(np.zeros((2, 3)), [0, 3]), ValueError,
     r"cross_entropy: class labels must lie in \[0, 2\] for 3 classes, got range \[0, 3\]"),
    ("ce-label-count", lambda: dl.cross_entropy(np.zeros((3, 3)), [0, 1]), ValueError,
     r"cross_entropy: got 3 logit rows but 2 labels"),
    ("ce-1d-logits", lambda: dl.cross_entropy(np.zeros(3), [0, 1, 2]), ValueError,
     r"cross_entropy: logits must be 2-D \(N, K\), got shape \(3,\)"),
    ("ce-targets-not-distributions", lambda: dl.cross_entropy(np.zeros((1, 2)), [[0.5, 0.7]]),
     ValueError, r"cross_entropy: each row .* probability distribution .* summing to 1.2"),
    ("ce-string-logits", lambda: dl.cross_entropy([["a", "b"]], [0]), TypeError,
     r"cross_entropy: logits must be an array of real numbers, got dtype <U1"),
    ("ce-ragged-labels", lambda: dl.cross_entropy(np.zeros((2, 2)), [[0], [1, 0]]), TypeError,
     r"cross_entropy: y must be an array .* got nested lists of different lengths"),
    ("kl-empty", lambda: dl.kl_divergence(np.zeros((0, 2)), np.zeros((0, 2))), ValueError,
     r"kl_divergence needs at least one sample, got q with shape \(0, 2\)"),
    ("kl-negative-target", lambda: dl.kl_divergence([[0.5, 0.5]], [[-1.0, 2.0]]), ValueError,
     r"kl_divergence: p \(target probabilities\) must be >= 0, got smallest entry -1"),
    ("get_loss-number", lambda: L.get_loss(3), TypeError,  # type: ignore[arg-type]
     r"get_loss: loss must be a name such as 'mse' or a function .* got 3 \(int\)"),
    ("get_loss-unknown", lambda: L.get_loss("hinge"), ValueError,
     r"get_loss: unknown loss 'hinge'; expected one of \[.*'mse'"),
    ("class_labels-zero-classes", lambda: L.class_labels([0], 0), TypeError,
     r"class_labels: the number of classes must be a positive int, got 0"),
    ("class_labels-2d", lambda: L.class_labels([[0], [1]], 2, "fit"), ValueError,
     r"fit: class labels must be 1-D, got shape \(2, 1\)"),
    # -- activations ------------------------------------------------------------------------------
    ("sigmoid-strings", lambda: dl.sigmoid(["a"]), TypeError,
     r"sigmoid: z must be an array of real numbers, got dtype <U1"),
    ("relu-complex", lambda: dl.relu([1 + 2j]), TypeError,
     r"relu: z must be an array of real numbers, got dtype complex128 \(complex\)"),
    ("tanh-ragged", lambda: dl.tanh([[1.0], [1.0, 2.0]]), TypeError,
     r"tanh: z must be an array of real numbers, got nested lists of different lengths"),
    ("softmax-axis", lambda: dl.softmax(np.zeros((2, 3)), axis=2), ValueError,
     r"softmax: axis must be in \[-2, 2\) for an input of shape \(2, 3\), got axis=2"),
    ("softmax-axis-type", lambda: dl.softmax(np.zeros((2, 3)), axis=1.0), TypeError,  # type: ignore[arg-type]
     r"softmax: axis must be an int, got 1.0"),
    ("softmax-no-scores", lambda: dl.softmax(np.zeros((2, 0))), ValueError,
     r"softmax: needs at least one score along axis -1, got shape \(2, 0\)"),
    ("softmax_backward-shapes", lambda: A.softmax_backward(np.full((2, 2), 0.5), np.zeros((2, 3))),
     ValueError, r"softmax_backward: dp must have the shape of p \(2, 2\), got \(2, 3\)"),
    ("leaky_relu-alpha", lambda: dl.leaky_relu([1.0], alpha="0.1"), TypeError,  # type: ignore[arg-type]
     r"leaky_relu: alpha must be a real number, got '0.1' \(str\)"),
    ("leaky_relu-alpha-nan", lambda: dl.leaky_relu([1.0], alpha=float("nan")), ValueError,
     r"leaky_relu: alpha must be a finite number, got nan"),
    ("get_activation-function", lambda: dl.get_activation(dl.relu), TypeError,  # type: ignore[arg-type]
     r"get_activation: an activation is given by its name, e.g. 'relu', got the function relu"),
    ("get_activation-unknown", lambda: dl.get_activation("swish"), ValueError,
     r"get_activation: unknown activation 'swish'; expected one of \[.*'relu'"),
    # -- layers -----------------------------------------------------------------------------------
    ("init_weights-float-size", lambda: dl.init_weights(2.5, 3), TypeError,  # type: ignore[arg-type]
     r"init_weights: n_in must be a positive int, got 2.5 \(float\)"),
    ("init_weights-scheme", lambda: dl.init_weights(2, 3, "zeros"), ValueError,
     r"init_weights: unknown initializer 'zeros'; expected one of \[.*'he'"),
    ("init_weights-scheme-type", lambda: dl.init_weights(2, 3, None), TypeError,  # type: ignore[arg-type]
     r"init_weights: scheme must be a name such as 'he', got None"),
    ("init_weights-int-dtype", lambda: dl.init_weights(2, 3, dtype=np.int64), TypeError,
     r"init_weights: dtype must be float32 or float64, got int64"),
    ("Dense-string-size", lambda: dl.Dense("3", 4), TypeError,  # type: ignore[arg-type]
     r"Dense: n_in must be a positive int, got '3' \(str\)"),
    ("Dense-float-size", lambda: dl.Dense(3, 4.0), TypeError,  # type: ignore[arg-type]
     r"Dense: n_out must be a positive int, got 4.0 \(float\)"),
    ("Dense-zero-size", lambda: dl.Dense(0, 3), ValueError,
     r"Dense: sizes must be positive, got n_in=0, n_out=3"),
    ("Dense-dtype", lambda: dl.Dense(3, 4, dtype="int32"), TypeError,
     r"Dense 3->4: dtype must be float32 or float64, got int32"),
    ("Dense-dtype-unknown", lambda: dl.Dense(3, 4, dtype="float99"), TypeError,
     r"Dense 3->4: dtype must be float32 or float64, got 'float99'"),
    ("Dense-rng", lambda: dl.Dense(3, 4, rng="seed"), TypeError,  # type: ignore[arg-type]
     r"init_weights: rng must be None, an int seed or a numpy.random.Generator, got 'seed' \(str\)"),
    ("Dense-rng-negative", lambda: dl.Dense(3, 4, rng=-1), ValueError,
     r"init_weights: an int seed must be >= 0, got rng=-1"),
    ("Dense-init", lambda: dl.Dense(3, 4, init="ones"), ValueError,
     r"init_weights: unknown initializer 'ones'; expected one of"),
    ("Dense-name", lambda: dl.Dense(3, 4, name=5), TypeError,  # type: ignore[arg-type]
     r"Dense: name must be a string, got 5"),
    ("Dense.forward-width", lambda: dl.Dense(3, 4, rng=0).forward(np.zeros((2, 5))), ValueError,
     r"layer 'dense' \(Dense 3->4\) expected input of shape \(N, 3\), got \(2, 5\)"),
    ("Dense.forward-strings", lambda: dl.Dense(3, 4, rng=0).forward(np.array([["a", "b", "c"]])),
     TypeError, r"layer 'dense' \(Dense 3->4\) expected real numbers, got dtype <U1"),
    ("Dense.forward-ragged", lambda: dl.Dense(2, 4, rng=0).forward([[1.0, 2.0], [1.0]]), TypeError,
     r"layer 'dense': input must be an array of real numbers, got nested lists of different lengths"),
    ("Dense.backward-shape", _backward_before_forward_shape, ValueError,
     r"layer 'dense' backward expected dZ of shape \(2, 4\), got \(2, 3\)"),
    ("Dense.backward-before-forward", lambda: dl.Dense(3, 4).backward(np.zeros((2, 4))), RuntimeError,
     r"layer 'dense': call forward before backward"),
    ("Dense.from_arrays-bias", lambda: dl.Dense.from_arrays(np.eye(2), [0.0, 0.0, 0.0]), ValueError,
     r"Dense.from_arrays: b must have shape \(2,\) to match W \(2, 2\), got \(3,\)"),
    ("Dense.from_arrays-1d", lambda: dl.Dense.from_arrays(np.zeros(3)), ValueError,
     r"Dense.from_arrays: W must have shape \(n_in, n_out\), both >= 1, got \(3,\)"),
    ("LeakyReLU-alpha", lambda: dl.LeakyReLU("x"), TypeError,  # type: ignore[arg-type]
     r"LeakyReLU: alpha must be a real number, got 'x' \(str\)"),
    ("activation_layer-kwargs", lambda: Ly.activation_layer("relu", alpha=0.1), TypeError,
     r"activation_layer: 'relu' takes no parameters, got \['alpha'\]"),
    ("ReLU.forward-strings", lambda: dl.ReLU().forward(np.array(["a"])), TypeError,
     r"layer 'relu': input must be an array of real numbers, got dtype <U1"),
    ("Sigmoid.backward-shape", lambda: (lambda s: (s.forward(np.zeros((2, 3))),
                                                   s.backward(np.zeros((3, 2)))))(dl.Sigmoid()),
     ValueError, r"layer 'sigmoid' backward expected dA of shape \(2, 3\), got \(3, 2\)"),
    # -- network ----------------------------------------------------------------------------------
    ("mlp-unpacked-sizes", lambda: dl.mlp(784, 128, 10), TypeError,  # type: ignore[arg-type]
     r"mlp takes one list of layer sizes, e\.g\. mlp\(\[784, 128, 10\]\); got 784, 128, 10"),
    ("mlp-four-unpacked-sizes", lambda: dl.mlp(784, 128, 64, 10), TypeError,  # type: ignore[arg-type]
     r"mlp takes one list of layer sizes, e\.g\. mlp\(\[784, 128, 64, 10\]\); got 784, 128, 64, 10"),
    ("mlp-float-size", lambda: dl.mlp([784, 784 / 2, 10]), TypeError,  # type: ignore[list-item]
     r"mlp: layer sizes must be positive ints, got \[784, 392.0, 10\] \(392.0 at position 1 is a float\)"),
    ("mlp-string-sizes", lambda: dl.mlp("231"), TypeError,  # type: ignore[arg-type]
     r"mlp takes one list of layer sizes, e\.g\. mlp\(\[784, 128, 10\]\); got '231' \(str\)"),
    ("mlp-zero-size", lambda: dl.mlp([3, 0, 1]), ValueError,
     r"mlp: sizes must be at least \[n_in, n_out\] of positive ints, got \[3, 0, 1\]"),
    ("mlp-one-size", lambda: dl.mlp([3]), ValueError,
     r"mlp: sizes must be at least \[n_in, n_out\] of positive ints, got \[3\]"),
    ("mlp-extra-positional", lambda: dl.mlp([2, 3], "relu", None, 5), TypeError,
     r"mlp takes one list of layer sizes, then activation and output; got 4 values: \[2, 3\], 'relu', "
     r"None, 5"),
    ("mlp-activation-unknown", lambda: dl.mlp([2, 3, 1], activation="swish"), ValueError,
     r"unknown activation 'swish'; expected one of \[.*'relu'"),
    ("mlp-activation-function", lambda: dl.mlp([2, 3, 1], activation=dl.relu), TypeError,  # type: ignore[arg-type]
     r"mlp: activation must be a name, one of \[.*'relu'.*\], got <function relu"),
    ("mlp-output-unknown", lambda: dl.mlp([2, 3, 1], output="softplus"), ValueError,
     r"mlp: unknown activation 'softplus' for output; expected None or one of \[.*'sigmoid'"),
    ("mlp-softmax-one-output", lambda: dl.mlp([2, 3, 1], output="softmax"), ValueError,
     r"mlp: output='softmax' needs at least 2 outputs .* got sizes \[2, 3, 1\]"),
    ("mlp-init-unknown", lambda: dl.mlp([2, 3, 1], init="zeros"), ValueError,
     r"init_weights: unknown initializer 'zeros'; expected one of"),
    ("mlp-int-dtype", lambda: dl.mlp([2, 3, 1], dtype=int), TypeError,
     r"Dense 2->3: dtype must be float32 or float64, got int64"),
    ("Sequential-unpacked-layers", lambda: dl.Sequential(dl.Dense(2, 3), dl.ReLU()), TypeError,  # type: ignore[call-arg]
     r"Sequential takes one list of layers, e\.g\. Sequential\(\[Dense.*\]\); got Dense, ReLU"),
    ("Sequential-one-layer-not-list", lambda: dl.Sequential(dl.Dense(2, 3)), TypeError,  # type: ignore[arg-type]
     r"Sequential takes one list of layers, e\.g\. Sequential\(\[Dense.*\]\); got Dense"),
    ("Sequential-widths", lambda: dl.Sequential([dl.Dense(3, 4), dl.ReLU(), dl.Dense(5, 1)]), ValueError,
     r"layer 'dense2' \(Dense 5->1\) cannot follow a layer of width 4"),
    ("Sequential-not-a-layer", lambda: dl.Sequential([dl.Dense(2, 2), "relu"]), TypeError,  # type: ignore[list-item]
     r"layer 1 is a str, not a dlbasics Layer"),
    ("Sequential-no-dense", lambda: dl.Sequential([dl.ReLU()]).n_in, ValueError,
     r"Sequential: the network Sequential\(\[ReLU\(\)\]\) has no Dense layer, so its input width"),
    ("predict-empty", lambda: _net().predict(np.zeros((0, 3))), ValueError,
     r"predict needs at least one sample, got X with shape \(0, 3\)"),
    ("predict-width", lambda: _net().predict(np.zeros((2, 5))), ValueError,
     r"predict: expected shape \(N, 3\) .* first layer 'dense1' \(Dense 3->4\) — got \(2, 5\)"),
    ("predict-ragged", lambda: _net().predict([[1, 2, 3], [1, 2]]), TypeError,
     r"predict: expected an array of shape \(N, 3\), got nested lists of different lengths"),
    ("predict-strings", lambda: _net().predict(np.array([["a", "b", "c"]])), TypeError,
     r"predict: expected real numbers, got dtype <U1"),
    ("predict_proba-nan", lambda: _net().predict_proba(np.full((2, 3), np.nan)), ValueError,
     r"predict_proba: X contains NaN or inf \(first at row 0, column 0\)"),
    ("predict_proba-regression", lambda: _net((3, 1)).predict_proba(_X()), ValueError,
     r"predict_proba needs a classifier, but this network's head is 'regression' .* "
     r"head='binary_logits'"),
    ("mlp-head-unknown", lambda: dl.mlp([2, 3, 1], head="probit"), ValueError,
     r"mlp: unknown head 'probit'; expected one of \['binary_logits', 'logits'"),
    ("mlp-head-not-a-name", lambda: dl.mlp([2, 3, 1], head=1), TypeError,  # type: ignore[arg-type]
     r"mlp: head must be a name, one of \[.*\], got 1"),
    ("mlp-head-logits-one-output", lambda: dl.mlp([2, 3, 1], head="logits"), ValueError,
     r"mlp: head='logits' does not fit: the network ends in Dense 'dense2' with 1 output\(s\); .*"
     r"head='binary_logits'"),
    ("mlp-head-against-output", lambda: dl.mlp([2, 3, 2], output="softmax", head="sigmoid"), ValueError,
     r"mlp: head='sigmoid' does not fit: the network ends in Softmax"),
    ("Sequential-head-without-sigmoid", lambda: dl.Sequential([dl.Dense(2, 1)], head="sigmoid"),
     ValueError, r"Sequential: head='sigmoid' does not fit: .* end it in a Sigmoid layer"),
    ("train_step-foreign-optimizer", lambda: dl.train_step(_net(), np.zeros((2, 5)), [0, 1], "auto",
                                               dl.SGD(_net().parameters())), ValueError,
     r"train_step: the optimizer holds 4 arrays, 4 of which are not this model's parameters"),
    ("train_step-X-width", lambda: (lambda net: dl.train_step(
        net, np.zeros((2, 5)), [0, 1], "auto", dl.SGD(net.parameters())))(_net()), ValueError,
     r"train_step: expected shape \(N, 3\) .* got \(2, 5\)"),
    ("train_step-labels", lambda: (lambda net: dl.train_step(
        net, _X(), [0, 1, 2, 3], "auto", dl.SGD(net.parameters())))(_net()), ValueError,
     r"train_step: class labels must lie in \[0, 2\] for 3 classes, got range \[0, 3\]"),
    ("train_step-optimizer-name", lambda: dl.train_step(_net(), _X(), _y(), "auto", "sgd"),  # type: ignore[arg-type]
     TypeError, r"train_step: optimizer must be an Optimizer such as SGD\(model.parameters\(\)\), got str"),
    ("ce_from_softmax-logits", lambda: dl.losses.cross_entropy_from_softmax([[2.0, -1.0]], [0]), ValueError,
     r"cross_entropy_from_softmax: P \(probabilities\) must lie in \[0, 1\], got range \[-1, 2\]; "
     r"for raw scores \(logits\) use cross_entropy"),
    ("ce_from_softmax-1d", lambda: dl.losses.cross_entropy_from_softmax([0.5, 0.5], [0]), ValueError,
     r"cross_entropy_from_softmax: P must be 2-D \(N, K\), got shape \(2,\)"),
    ("ce_from_softmax-labels", lambda: dl.losses.cross_entropy_from_softmax([[0.5, 0.5]], [2]), ValueError,
     r"cross_entropy_from_softmax: class labels must lie in \[0, 1\] for 2 classes"),
    ("bce_from_sigmoid-labels", lambda: dl.losses.binary_cross_entropy_from_sigmoid([0.5], [2]), ValueError,
     r"binary_cross_entropy_from_sigmoid: y .* must lie in \[0, 1\], got range \[2, 2\]"),
    ("relu_backward-shape", lambda: A.relu_backward(np.ones((2, 3)), np.ones((3, 2))), ValueError,
     r"relu_backward: dA must have the shape of Z \(3, 2\), got \(2, 3\)"),
    ("sigmoid_backward-strings", lambda: A.sigmoid_backward([["a"]], [[0.5]]), TypeError,
     r"sigmoid_backward: dA must be an array of real numbers, got dtype <U1"),
    ("batch_indices-rng", lambda: list(T.batch_indices(4, 2, rng=1.5)), TypeError,  # type: ignore[arg-type]
     r"batch_indices: rng must be None, an int seed or a numpy.random.Generator, got 1.5"),
    ("set_weights-count", lambda: _net().set_weights(_net().get_weights()[:3]), ValueError,
     r"set_weights: expected 4 arrays, got 3"),
    ("set_weights-shape", lambda: _net().set_weights([w.T for w in _net().get_weights()]), ValueError,
     r"parameter dense1.W: expected shape \(3, 4\), got \(4, 3\)"),
    ("set_weights-nan", lambda: _net().set_weights([w * np.nan for w in _net().get_weights()]),
     ValueError, r"set_weights: parameter dense1.W contains NaN or inf"),
    ("set_weights-one-array", lambda: _net().set_weights(np.zeros(4)), TypeError,
     r"set_weights: expected a list of 4 arrays \(as get_weights returns\), got ndarray"),
    ("backward-skip_last", lambda: _net().backward(np.zeros((1, 3)), skip_last=7), ValueError,
     r"Sequential.backward: skip_last must be an int in \[0, 2\], got 7"),
    ("save-not-a-network", lambda: dl.save(dl.Dense(2, 3), _TMP / "x.npz"), TypeError,  # type: ignore[arg-type]
     r"save: model must be a dlbasics Sequential, got Dense"),
    ("save-custom-layer", lambda: dl.save(dl.Sequential([dl.Dense(2, 3), _MyLayer()]), _TMP / "x.npz"),
     TypeError, r"save: layer 1 \(_MyLayer\) cannot be saved: load rebuilds only \[.*'Dense'"),
    ("load-not-a-path", lambda: dl.load(5), TypeError,  # type: ignore[arg-type]
     r"load: path must be a str or os.PathLike, got int"),
    ("load-size-is-text", lambda: dl.load(_saved(_set(0, "n_in", "3"), "text.npz")), ValueError,
     r"cannot load network from '.*text.npz': layers\[0\].n_in: expected a positive int, got '3'"),
    ("load-size-missing", lambda: dl.load(_saved(_drop(2, "n_out"), "missing.npz")), ValueError,
     r"cannot load network from '.*missing.npz': layers\[2\].n_out: missing"),
    ("load-size-absurd", lambda: dl.load(_saved(_set(0, "n_out", 10**12), "absurd.npz")), ValueError,
     r"cannot load network from '.*absurd.npz': layers\[2\].n_in: 4 does not match the previous "
     r"Dense layer's n_out 1000000000000"),
    ("load-size-negative", lambda: dl.load(_saved(_set(2, "n_in", -4), "negative.npz")), ValueError,
     r"layers\[2\].n_in: expected a positive int, got -4"),
    ("load-size-bool", lambda: dl.load(_saved(_set(0, "n_in", True), "bool.npz")), ValueError,
     r"layers\[0\].n_in: expected a positive int, got True"),
    ("load-unknown-field", lambda: dl.load(_saved(_set(1, "slope", 2), "field.npz")), ValueError,
     r"layers\[1\]: unknown fields \['slope'\] for a ReLU layer; expected \['type'\]"),
    ("load-layer-type", lambda: dl.load(_saved(_set(1, "type", "Conv2d"), "type.npz")), ValueError,
     r"layers\[1\].type: unknown layer type 'Conv2d' in saved network; expected one of \[.*'ReLU'"),
    ("load-dtype", lambda: dl.load(_saved(_set(0, "dtype", "object"), "dtype.npz")), ValueError,
     r"layers\[0\].dtype: Dense layer dtype must be float32 or float64, got 'object'"),
    ("load-init", lambda: dl.load(_saved(_set(0, "init", 7), "init.npz")), ValueError,
     r"layers\[0\].init: expected a string, got 7"),
    ("load-name", lambda: dl.load(_saved(_set(0, "name", ["x"]), "name.npz")), ValueError,
     r"layers\[0\].name: expected a string, got \['x'\]"),
    ("load-version", lambda: dl.load(_saved(lambda a, _: a.update(version="1"), "version.npz")),
     ValueError, r"version: expected a positive int, got '1'"),
    ("load-no-layers", lambda: dl.load(_saved(lambda a, _: a.update(layers=[]), "empty.npz")),
     ValueError, r"malformed architecture record \(the list of layers is empty\)"),
    ("load-array-shape", lambda: dl.load(_saved(_array("layer0.W", np.zeros((4, 3), np.float32)),
                                                "shape.npz")), ValueError,
     r"layer0.W: expected shape \(3, 4\), file has \(4, 3\)"),
    ("load-array-dtype", lambda: dl.load(_saved(_array("layer0.W", np.zeros((3, 4), np.int32)),
                                                "int.npz")), ValueError,
     r"layer0.W: expected dtype float32, file has int32"),
    ("load-array-nan", lambda: dl.load(_saved(_array("layer2.b", np.full(2, np.nan, np.float32)),
                                              "nan.npz")), ValueError,
     r"cannot load network from '.*nan.npz': layer2.b contains NaN or inf"),
    ("load-array-missing", lambda: dl.load(_saved(lambda _, arr: arr.pop("layer2.b"), "gone.npz")),
     ValueError, r"saved network is missing array layer2.b"),
    ("load-header-lies", lambda: dl.load(_huge_header_file("lies.npz", 10**6, 10**6)), ValueError,
     r"layer0.W: the header announces 4000000000000 bytes of data, the entry holds 16"),
    # -- training ---------------------------------------------------------------------------------
    ("fit-empty", lambda: _fit(X=np.zeros((0, 3)), y=np.zeros(0, int)), ValueError,
     r"fit needs at least one sample, got X with shape \(0, 3\)"),
    ("fit-width", lambda: _fit(X=np.zeros((4, 5))), ValueError,
     r"fit: expected shape \(N, 3\) .* first layer 'dense1' \(Dense 3->4\) — got \(4, 5\)"),
    ("fit-lengths", lambda: _fit(y=_y(3)), ValueError,
     r"fit: got 4 samples but targets of shape \(3,\)"),
    ("fit-nan-X", lambda: _fit(X=np.full((4, 3), np.inf)), ValueError,
     r"fit: X contains NaN or inf \(first at row 0, column 0\)"),
    ("fit-nan-y", lambda: _fit(net=_net((3, 1)), y=[0.0, np.nan, 1.0, 2.0]), ValueError,
     r"fit: targets contain NaN or inf"),
    ("fit-nan-one-hot", lambda: _fit(y=np.full((4, 3), np.nan)), ValueError,
     r"fit: targets contain NaN or inf"),
    ("fit-one-hot-not-distribution", lambda: _fit(y=np.ones((4, 3))), ValueError,
     r"fit: each row of an \(N, K\) target must be a probability distribution .* summing to 3"),
    ("fit-labels-out-of-range", lambda: _fit(y=[0, 1, 2, 3]), ValueError,
     r"fit: class labels must lie in \[0, 2\] for 3 classes, got range \[0, 3\]"),
    ("fit-fractional-labels", lambda: _fit(y=[0, 0.5, 1, 2]), ValueError,
     r"fit: class labels must be integers, got dtype float64"),
    ("fit-epochs-zero", lambda: _fit(epochs=0), ValueError, r"fit: epochs must be >= 1, got 0"),
    ("fit-epochs-float", lambda: _fit(epochs=2.5), TypeError,
     r"fit: epochs must be an int >= 1, got 2.5 \(float\)"),
    ("fit-epochs-string", lambda: _fit(epochs="10"), TypeError,
     r"fit: epochs must be an int >= 1, got '10' \(str\)"),
    ("fit-batch-zero", lambda: _fit(batch_size=0), ValueError,
     r"fit: batch_size must be >= 1 or None \(full batch\), got 0"),
    ("fit-batch-float", lambda: _fit(batch_size=1.5), TypeError,
     r"fit: batch_size must be an int >= 1 or None \(full batch\), got 1.5 \(float\)"),
    ("fit-callback_every", lambda: _fit(callback_every=0), ValueError,
     r"fit: callback_every must be >= 1, got 0"),
    ("fit-early-stopping-zero", lambda: _fit(early_stopping=0, validation_data=(_X(), _y())),
     ValueError, r"fit: early_stopping must be >= 1 or None \(no early stopping\), got 0"),
    ("fit-shuffle", lambda: _fit(shuffle="no"), TypeError, r"fit: shuffle must be True or False, got 'no'"),
    ("fit-rng", lambda: _fit(rng=np.random.RandomState(0)), TypeError,
     r"fit: rng must be None, an int seed or a numpy.random.Generator, got .* \(RandomState\)"),
    ("fit-callbacks-function", lambda: _fit(callbacks=print), TypeError,
     r"fit: callbacks must be a list of functions, got the function 'print'; pass callbacks=\[it\]"),
    ("fit-validation-not-pair", lambda: _fit(validation_data=_X()), TypeError,
     r"fit: validation_data must be a pair \(X_val, y_val\), got ndarray"),
    ("fit-validation-width", lambda: _fit(validation_data=(np.zeros((2, 5)), [0, 1])), ValueError,
     r"fit validation_data: expected shape \(N, 3\) .* got \(2, 5\)"),
    ("fit-validation-lengths", lambda: _fit(validation_data=(np.zeros((2, 3)), [0, 1, 2])), ValueError,
     r"fit validation_data: got 2 samples but targets of shape \(3,\)"),
    ("fit-unknown-loss", lambda: _fit(loss="hinge"), ValueError,
     r"fit: unknown loss 'hinge'; expected one of \[.*'mse'"),
    ("fit-loss-type", lambda: _fit(loss=3), TypeError, r"fit: loss must be a name such as 'mse' .* got 3"),
    ("fit-bce-on-logits", lambda: _fit(net=_net((3, 1)), y=[0, 1, 0, 1], loss="bce"), ValueError,
     r"fit: binary_cross_entropy needs probabilities, but the network ends in Dense 'dense1' "
     r"\(raw scores\)"),
    ("fit-logits-loss-on-sigmoid", lambda: _fit(net=_net((3, 1), output="sigmoid"), y=[0, 1, 0, 1],
                                                loss="bce_with_logits"), ValueError,
     r"fit: binary_cross_entropy_with_logits takes raw scores \(logits\), but the network ends in "
     r"Sigmoid 'sigmoid1'"),
    ("fit-ce-one-output", lambda: _fit(net=_net((3, 1)), y=[0, 1, 0, 1], loss="cross_entropy"), ValueError,
     r"fit: cross_entropy needs one output per class \(at least 2\), this network has 1"),
    ("fit-kl-on-logits", lambda: _fit(y=np.eye(3)[[0, 1, 2, 0]], loss="kl_divergence"), ValueError,
     r"fit: kl_divergence compares probability distributions, but the network ends in Dense 'dense2'"),
    ("fit-mse-labels", lambda: _fit(loss="mse"), ValueError,
     r"fit: mse expected targets of shape \(4, 3\), got \(4,\); for class labels .*'cross_entropy'"),
    ("fit-bce-labels", lambda: _fit(net=_net((3, 1), output="sigmoid"), y=[0, 1, 2, 1]), ValueError,
     r"fit: binary cross-entropy needs labels 0 or 1, got values \[0, 1, 2\]"),
    ("fit-user-loss-grad", lambda: _fit(loss=_bad_loss, y=np.eye(3)[_y()]), TypeError,
     r"loss function '_bad_loss' must return \(loss, grad\) with grad of the output's shape "
     r"\(4, 3\), got a gradient of shape \(3,\)"),
    ("fit-unknown-optimizer", lambda: _fit(optimizer="adagrad"), ValueError,
     r"fit: unknown optimizer 'adagrad'; expected one of \['adam', 'rmsprop', 'sgd'\]"),
    ("fit-optimizer-type", lambda: _fit(optimizer=0.1), TypeError,
     r"fit: optimizer must be a name \[.*\] or an Optimizer .*, got float"),
    ("fit-optimizer-of-another-network", _other_net_optimizer, ValueError,
     r"fit: the optimizer holds 4 arrays, 4 of which are not this model's parameters \(4 arrays\)"),
    ("fit-optimizer-on-copied-gradients", _copied_grads_optimizer, ValueError,
     r"fit: the optimizer pairs 4 of this model's parameters with gradient arrays that backward "
     r"never writes"),
    ("fit-scheduler-of-another-optimizer", _foreign_scheduler, ValueError,
     r"fit: the scheduler was built on another optimizer than the one fit uses"),
    ("fit-lr-with-optimizer", lambda: _fit(optimizer=dl.SGD(_net().parameters()), lr=0.1), ValueError,
     r"fit: give lr to the optimizer you built, not to fit"),
    ("fit-model-type", lambda: dl.fit(dl.Dense(3, 3), _X(), _y()), TypeError,  # type: ignore[arg-type]
     r"fit: model must be a dlbasics Sequential, got Dense"),
    ("evaluate-empty", lambda: dl.evaluate(_net(), np.zeros((0, 3)), []), ValueError,
     r"evaluate needs at least one sample, got X with shape \(0, 3\)"),
    ("evaluate-batch-zero", lambda: dl.evaluate(_net(), _X(), _y(), batch_size=0), ValueError,
     r"evaluate: batch_size must be >= 1, got 0"),
    ("evaluate-model-type", lambda: dl.evaluate("net", _X(), _y()), TypeError,  # type: ignore[arg-type]
     r"evaluate: model must be a dlbasics Sequential, got str"),
    ("accuracy-empty", lambda: dl.accuracy(_net(), np.zeros((0, 3)), []), ValueError,
     r"accuracy needs at least one sample, got X with shape \(0, 3\)"),
    ("accuracy-fractional-labels", lambda: dl.accuracy(_net(), _X(), [0.5, 1, 2, 0]), ValueError,
     r"accuracy: class labels must be integers, got dtype float64"),
    ("accuracy-label-out-of-range", lambda: dl.accuracy(_net(), _X(), [0, 1, 7, 0]), ValueError,
     r"accuracy: class labels must lie in \[0, 2\] for 3 classes, got range \[0, 7\]"),
    ("accuracy-lengths", lambda: dl.accuracy(_net(), _X(), [0, 1, 2]), ValueError,
     r"accuracy: X has 4 samples, so y must be labels of shape \(4,\) or one-hot \(4, 3\); got \(3,\)"),
    ("accuracy-regression-network", lambda: dl.accuracy(_net((3, 1)), _X(), [0, 1, 1, 0]), ValueError,
     r"accuracy needs a classifier, but the network ends in Dense 'dense1' with 1 output"),
    ("accuracy-binary-label-2", lambda: dl.accuracy(_net((3, 1), output="sigmoid"), _X(), [0, 1, 2, 0]),
     ValueError, r"accuracy: class labels must lie in \[0, 1\] for 2 classes, got range \[0, 2\]"),
    # -- neuron -----------------------------------------------------------------------------------
    ("Neuron-string-weights", lambda: dl.Neuron(["a", "b"]), TypeError,
     r"Neuron: weights must be an array of real numbers, got dtype <U1"),
    ("Neuron-no-weights", lambda: dl.Neuron([]), ValueError,
     r"Neuron: needs at least one weight, got weights of shape \(0,\)"),
    ("Neuron-nan-weight", lambda: dl.Neuron([1.0, np.nan]), ValueError,
     r"Neuron: weights must be finite, got \[1.0, nan\]"),
    ("Neuron-2d-weights", lambda: dl.Neuron(np.ones((2, 2))), ValueError,
     r"Neuron: weights must be a number or 1-D, got shape \(2, 2\)"),
    ("Neuron-bias-array", lambda: dl.Neuron([1.0], bias=np.array([1.0, 2.0])), TypeError,  # type: ignore[arg-type]
     r"Neuron: bias must be a real number, got array\(\[1., 2.\]\) \(ndarray\)"),
    ("Neuron-inputs", lambda: dl.Neuron([0.5, 0.7])(np.ones((3, 3))), ValueError,
     r"Neuron with 2 weights expected inputs of shape \(2,\) or \(N, 2\), got \(3, 3\)"),
    ("Neuron-no-inputs", lambda: dl.Neuron([0.5, 0.7])(np.ones((0, 2))), ValueError,
     r"Neuron needs at least one sample, got inputs of shape \(0, 2\)"),
    ("Perceptron-float-inputs", lambda: dl.Perceptron(2.5), TypeError,  # type: ignore[arg-type]
     r"Perceptron: n_inputs must be a positive int, got 2.5 \(float\)"),
    ("Perceptron-zero-inputs", lambda: dl.Perceptron(0), ValueError,
     r"Perceptron: n_inputs must be a positive int, got 0"),
    ("Perceptron-lr-zero", lambda: dl.Perceptron(2, lr=0), ValueError, r"Perceptron: lr must be > 0, got 0"),
    ("Perceptron-lr-string", lambda: dl.Perceptron(2, lr="1"), TypeError,  # type: ignore[arg-type]
     r"Perceptron: lr must be a real number, got '1' \(str\)"),
    ("Perceptron-lr-inf", lambda: dl.Perceptron(2, lr=float("inf")), ValueError,
     r"Perceptron: lr must be a finite number, got inf"),
    ("Perceptron.fit-labels", lambda: dl.Perceptron(2).fit(np.eye(2), [0, 2]), ValueError,
     r"Perceptron: labels must be 0/1 of shape \(2,\), got \(2,\) with values \[0, 2\]"),
    ("Perceptron.fit-empty", lambda: dl.Perceptron(2).fit(np.zeros((0, 2)), []), ValueError,
     r"Perceptron.fit needs at least one sample, got X with shape \(0, 2\)"),
    ("Perceptron.fit-nan", lambda: dl.Perceptron(2).fit([[np.nan, 0.0]], [1]), ValueError,
     r"Perceptron.fit: X contains NaN or inf"),
    ("Perceptron.fit-epochs", lambda: dl.Perceptron(2).fit(np.eye(2), [0, 1], epochs=0), ValueError,
     r"Perceptron.fit: epochs must be a positive int, got 0"),
    ("Perceptron.update-batch", lambda: dl.Perceptron(2).update(np.eye(2), 1), ValueError,
     r"Perceptron.update takes one sample of shape \(2,\), got \(2, 2\); use fit for a batch"),
    ("Perceptron.update-label", lambda: dl.Perceptron(2).update([1.0, 0.0], 2), ValueError,
     r"Perceptron.update: the label y must be 0 or 1, got 2"),
    ("Perceptron.predict-width", lambda: dl.Perceptron(2).predict(np.zeros((3, 3))), ValueError,
     r"Perceptron.predict: Perceptron with 2 inputs expected X of shape \(N, 2\), got \(3, 3\)"),
    # -- datasets ---------------------------------------------------------------------------------
    ("make_xor-zero", lambda: dl.make_xor(0), ValueError, r"make_xor: need at least 1 samples, got n=0"),
    ("make_xor-float-n", lambda: dl.make_xor(100.0), TypeError,  # type: ignore[arg-type]
     r"make_xor: n must be an int \(the number of samples\), got 100.0 \(float\)"),
    ("make_xor-noise", lambda: dl.make_xor(10, noise=-0.1), ValueError,
     r"make_xor: noise must be >= 0 \(a standard deviation\), got -0.1"),
    ("make_blobs-centers", lambda: dl.make_blobs(10, centers=0), ValueError,
     r"make_blobs: centers must be a positive int, got 0"),
    ("make_blobs-few", lambda: dl.make_blobs(2, centers=3), ValueError,
     r"make_blobs: need at least 3 samples, got n=2"),
    ("make_blobs-spread", lambda: dl.make_blobs(10, spread="wide"), TypeError,  # type: ignore[arg-type]
     r"make_blobs: spread must be a real number, got 'wide' \(str\)"),
    ("make_circles-factor", lambda: dl.make_circles(10, factor=1.5), ValueError,
     r"make_circles: factor \(the inner radius\) must be in \(0, 1\), got 1.5"),
    ("make_moons-noise-nan", lambda: dl.make_moons(10, noise=float("nan")), ValueError,
     r"make_moons: noise must be a finite number, got nan"),
    ("make_spirals-classes", lambda: dl.make_spirals(10, classes="3"), TypeError,  # type: ignore[arg-type]
     r"make_spirals: classes must be a positive int, got '3' \(str\)"),
    ("make_spirals-turns", lambda: dl.make_spirals(10, turns=float("inf")), ValueError,
     r"make_spirals: turns must be a finite number, got inf"),
    ("make_dataset-unknown", lambda: dl.make_dataset("swiss"), ValueError,
     r"make_dataset: unknown data set 'swiss'; expected one of \['blobs'"),
    ("make_dataset-option", lambda: dl.make_dataset("xor", factor=0.3), TypeError,
     r"make_dataset: 'xor' takes \['noise'\], got \['factor'\]"),
    ("make_dataset-name-type", lambda: dl.make_dataset(["moons"]), TypeError,  # type: ignore[arg-type]
     r"make_dataset: name must be a string, one of \['blobs'.*\], got \['moons'\]"),
    ("one_hot-num-classes", lambda: dl.one_hot([0, 1], 2.5), TypeError,  # type: ignore[arg-type]
     r"one_hot: num_classes must be a positive int, got 2.5 \(float\)"),
    ("one_hot-label-too-large", lambda: dl.one_hot([0, 3], 3), ValueError,
     r"one_hot: class labels must lie in \[0, 2\] for 3 classes, got range \[0, 3\]"),
    ("one_hot-empty", lambda: dl.one_hot([]), ValueError,
     r"one_hot needs at least one label to infer the number of classes, got y with shape \(0,\)"),
    ("one_hot-stray-label", lambda: dl.one_hot([0, 10**9]), ValueError,
     r"one_hot: the largest label is 1000000000, which would make 1000000001 classes; pass num_classes"),
    ("one_hot-dtype", lambda: dl.one_hot([0, 1], dtype="U1"), TypeError,
     r"one_hot: dtype must be a numeric dtype such as float32, got <U1"),
    ("standardize-empty", lambda: dl.standardize(np.zeros((0, 2))), ValueError,
     r"standardize needs at least one sample, got X with shape \(0, 2\)"),
    ("standardize-nan", lambda: dl.standardize([[1.0, np.nan]]), ValueError,
     r"standardize: X contains NaN or inf"),
    ("standardize-3d", lambda: dl.standardize(np.zeros((2, 2, 2))), ValueError,
     r"standardize: X must have shape \(N, D\) \(or \(N,\) for one feature\), got \(2, 2, 2\)"),
    ("standardize-mean-shape", lambda: dl.standardize(np.ones((3, 2)), mean=[0.0, 0.0, 0.0]), ValueError,
     r"standardize: mean must have one value per column of X, shape \(2,\), got \(3,\)"),
    ("standardize-negative-std", lambda: dl.standardize(np.ones((3, 2)), std=[1.0, -1.0]), ValueError,
     r"standardize: std must be finite and >= 0, got \[1.0, -1.0\]"),
    ("split-lengths", lambda: dl.train_val_test_split(np.zeros((20, 2)), np.zeros(19)), ValueError,
     r"train_val_test_split: X has 20 rows but y has 19"),
    ("split-fractions", lambda: dl.train_val_test_split(np.zeros((20, 2)), np.zeros(20), val=0.5, test=0.5),
     ValueError, r"train_val_test_split: val and test must be fractions with val \+ test < 1, got 0.5, 0.5"),
    ("split-fraction-type", lambda: dl.train_val_test_split(np.zeros((20, 2)), np.zeros(20), val="20%"),
     TypeError, r"train_val_test_split: val must be a real number, got '20%' \(str\)"),  # type: ignore[arg-type]
    ("split-empty-part", lambda: dl.train_val_test_split(np.zeros((3, 2)), np.zeros(3)), ValueError,
     r"train_val_test_split: validation fraction 0.15 of 3 samples leaves the validation set empty"),
    ("split-no-training", lambda: dl.train_val_test_split(np.zeros((2, 2)), np.zeros(2), val=0.4, test=0.4),
     ValueError, r"train_val_test_split: val=0.4 and test=0.4 of 2 samples leave no training sample"),
    ("split-no-samples", lambda: dl.train_val_test_split(np.zeros((0, 2)), np.zeros(0)), ValueError,
     r"train_val_test_split needs at least one sample, got X with shape \(0, 2\)"),
    # -- gradcheck --------------------------------------------------------------------------------
    ("numerical_gradient-h-zero", lambda: G.numerical_gradient(lambda: 0.0, np.zeros(2), h=0.0), ValueError,
     r"numerical_gradient: h \(the finite-difference step\) must be >= 1e-12.* got 0.0"),
    ("numerical_gradient-h-negative", lambda: G.numerical_gradient(lambda: 0.0, np.zeros(2), h=-1e-6),
     ValueError, r"numerical_gradient: h \(the finite-difference step\) must be >= 1e-12.* got -1e-06"),
    ("numerical_gradient-h-string", lambda: G.numerical_gradient(lambda: 0.0, np.zeros(2), h="1e-6"),  # type: ignore[arg-type]
     TypeError, r"numerical_gradient: h \(the finite-difference step\) must be a real number, got '1e-6'"),
    ("numerical_gradient-int-x", lambda: G.numerical_gradient(lambda: 0.0, np.zeros(2, int)), ValueError,
     r"numerical_gradient: x must be float64, got int64"),
    ("numerical_gradient-list-x", lambda: G.numerical_gradient(lambda: 0.0, [1.0, 2.0]), TypeError,  # type: ignore[arg-type]
     r"numerical_gradient: x must be a NumPy array that f reads .*, got list"),
    ("numerical_gradient-vector-f", lambda: G.numerical_gradient(lambda: np.zeros(2), np.zeros(2)),  # type: ignore[arg-type, return-value]
     TypeError, r"numerical_gradient: f must return one real number, got ndarray"),
    ("compare_gradients-nothing", lambda: G.compare_gradients([]), ValueError,
     r"compare_gradients needs at least one \(name, analytic, numeric\) triple, got none"),
    ("compare_gradients-pair", lambda: G.compare_gradients([(np.zeros(2), np.zeros(2))]), TypeError,  # type: ignore[list-item]
     r"compare_gradients: each entry must be \(name, analytic, numeric\), got tuple of length 2"),
    ("check_layer-float32", lambda: dl.check_layer(_layer32(), np.zeros((2, 3))), ValueError,
     r"check_layer: parameter W is float32; gradient checks need float64 .* "
     r"Dense\(\.\.\., dtype=np.float64\)"),
    ("check_layer-not-a-layer", lambda: dl.check_layer("dense", np.zeros((2, 3))), TypeError,  # type: ignore[arg-type]
     r"check_layer: layer must be a dlbasics Layer, got str"),
    ("check_model-float32", lambda: dl.check_model(_net(), _X(), _y()), ValueError,
     r"check_model: parameter dense1.W is float32; gradient checks need float64 .* mlp\(\.\.\., "
     r"dtype=np.float64\)"),
    ("check_model-h", lambda: dl.check_model(_net(dtype=F64), _X(), _y(), h=0), ValueError,
     r"check_model: h \(the finite-difference step\) must be >= 1e-12.* got 0"),
    ("check_loss-unknown", lambda: dl.check_loss("hinge", [[0.0]], [[1.0]]), ValueError,
     r"check_loss: unknown loss 'hinge'; expected one of"),
    ("check_loss-empty", lambda: dl.check_loss("mse", np.zeros((0, 1)), np.zeros((0, 1))), ValueError,
     r"mse needs at least one sample, got pred with shape \(0, 1\)"),
    ("check_activation-empty", lambda: G.check_activation(dl.tanh, A.tanh_grad, []), ValueError,
     r"check_activation needs at least one point, got z with shape \(0,\)"),
    # the plotting helpers, the course's widgets and the MNIST loader
    ("LivePlot-X-without-y", lambda: _viz().LivePlot(_X(4, 2)), TypeError,
     r"LivePlot: pass both X and y .* or neither"),
    ("LivePlot-lengths", lambda: _viz().LivePlot(_X(4, 2), _y(3, 2)), ValueError,
     r"LivePlot: X has 4 samples, so y needs 4 labels, got shape \(3,\)"),
    ("LivePlot-smooth-0", lambda: _viz().LivePlot(smooth=0), ValueError,
     r"LivePlot: smooth must be a whole number of steps >= 1, got 0"),
    ("LivePlot-1d-X", lambda: _viz().LivePlot(np.zeros(4), _y(4, 2)), ValueError,
     r"LivePlot: X must be data of shape \(N, n_features\) .* got shape \(4,\)"),
    ("load_mnist-data_dir-int", lambda: _mnist().load_mnist(data_dir=5), TypeError,  # type: ignore[arg-type]
     r"mnist: data_dir must be a folder path \(str or Path\), got int 5"),
    ("neuron_explorer-activation", lambda: _widgets().neuron_explorer(activation="swish"), ValueError,
     r"get_activation: unknown activation 'swish'; expected one of \[.*'relu'"),
    ("perceptron_explorer-dataset", lambda: _widgets().perceptron_explorer(dataset="moons"), ValueError,
     r"perceptron_explorer: dataset must be one of \('blobs', 'xor', 'circles'\), got 'moons'"),
    ("mlp_playground-dataset", lambda: _widgets().mlp_playground(dataset="mnist"), ValueError,
     r"mlp_playground: dataset must be one of \(.*'spirals'\), got 'mnist'"),
    ("optimizer_race-surface", lambda: _widgets().optimizer_race("himmelblau"), ValueError,
     r"get_surface: unknown surface 'himmelblau'; expected one of \[.*'valley'\]"),
    ("optimizer_race-optimizer", lambda: _widgets().optimizer_race("valley", optimizers=("Adagrad",)),
     ValueError, r"optimizer_race: unknown optimizer 'Adagrad'; expected some of \[.*'Adam'\]"),
    ("compare_optimizers-dataset", lambda: _widgets().compare_optimizers("mnist"), ValueError,
     r"compare_optimizers: dataset must be one of \(.*'moons'.*\), got 'mnist'"),
    ("backprop_stepper-sizes", lambda: _widgets().backprop_stepper(sizes=(3, 4, 2)), ValueError,
     r"backprop_stepper: for 'xor' sizes must start at 2 and end at 2 \(classes\), got \[3, 4, 2\]"),
    ("mnist_browser-model", lambda: _widgets().mnist_browser(_net((2, 3, 10)), np.zeros((5, 784)),
                                                            np.zeros(5, int)), ValueError,
     r"mnist_browser: the model's first layer takes 2 inputs, expected 784"),
]


def _viz() -> Any:
    from dlbasics import viz
    return viz


def _mnist() -> Any:
    from dlbasics import mnist
    return mnist


def _widgets() -> Any:
    from dlbasics import widgets
    return widgets


def test_case_ids_are_unique():
    ids = [case[0] for case in CASES]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


@pytest.mark.parametrize(("call", "error", "pattern"), [case[1:] for case in CASES],
                         ids=[case[0] for case in CASES])
def test_misuse_is_refused_clearly(call, error, pattern):
    with pytest.raises(error) as info:
        call()
    assert type(info.value) is error or error is ValueError and isinstance(info.value, ValueError)
    assert re.search(pattern, str(info.value)), f"message was: {info.value}"


# -- the guard: no case may be answered by NumPy's or Python's own message -----------------------
#: what a dlbasics message names: a public function, class, method or argument of the package
_PUBLIC = {name for mod in (A, D, G, Ly, L, N, T) for name in mod.__all__} | set(dl.__all__)
_PUBLIC |= {"predict", "predict_proba", "set_weights", "Sequential.backward", "Perceptron.fit",
            "Perceptron.update", "Perceptron.predict", "Dense.from_arrays", "activation_layer",
            "cannot load network", "loss function", "layer '", "Dense ", "layer 1 is", "LivePlot",
            "mnist", "get_surface", "optimizer_race", "compare_optimizers", "backprop_stepper",
            "perceptron_explorer", "mlp_playground"}
_FOREIGN = [r"could not convert", r"inhomogeneous", r"could not be broadcast", r"object is not iterable",
            r"range\(\) arg", r"division by zero", r"cannot reshape array", r"not supported between",
            r"unexpected keyword argument", r"positional argument", r"has no attribute",
            r"zero-size array", r"out of bounds", r"invalid literal", r"argument must be",
            r"Unable to allocate", r"^\d+$", r"^'\w+'$"]


def _message(call: Callable[[], Any]) -> str:
    try:
        call()
    except Exception as exc:  # the table test checks the type; this one reads the words
        return str(exc)
    raise AssertionError("no exception")


@pytest.mark.parametrize("call", [case[1] for case in CASES], ids=[case[0] for case in CASES])
def test_no_message_is_numpy_or_python_speaking(call):
    message = _message(call)
    assert any(name in message for name in _PUBLIC), f"names no dlbasics function or layer: {message}"
    for foreign in _FOREIGN:
        assert not re.search(foreign, message), f"looks like NumPy's or Python's own text: {message}"


def test_the_table_covers_every_module():
    prefixes = {"losses": ("mse", "rmse", "bce", "ce", "kl", "get_loss", "class_labels"),
                "network": ("mlp", "Sequential", "predict", "load", "save", "set_weights")}
    ids = [case[0] for case in CASES]
    for module, starts in prefixes.items():
        for start in starts:
            assert any(i.startswith(start) for i in ids), (module, start)
    assert len(CASES) >= 150


# -- decisions that are not errors: documented, and held to -------------------------------------
def test_whole_number_float_labels_are_accepted_consistently():
    net = _net()
    X, y = _X(), _y()
    assert dl.accuracy(net, X, y.astype(float)) == dl.accuracy(net, X, y)
    assert dl.cross_entropy(net.forward(X), y.astype(float))[0] == dl.cross_entropy(net.forward(X), y)[0]
    assert dl.evaluate(net, X, y.astype(float)) == dl.evaluate(net, X, y)


def test_an_optimizer_on_part_of_the_parameters_freezes_the_rest():
    net = _net()
    frozen = [p.copy() for p, _ in net.layers[0].parameters()]
    trained = [p.copy() for p, _ in net.layers[-1].parameters()]
    dl.fit(net, _X(), _y(), optimizer=dl.SGD(net.layers[-1].parameters(), lr=0.5), epochs=3, rng=0)
    for before, (p, _) in zip(frozen, net.layers[0].parameters(), strict=True):
        np.testing.assert_array_equal(before, p)
    assert any(not np.array_equal(b, p) for b, (p, _) in zip(trained, net.layers[-1].parameters(),
                                                               strict=True))


def test_a_nan_gradient_fails_a_gradient_check_instead_of_passing():
    assert not G.compare_gradients([("w", [np.nan, 1.0], [1.0, 1.0])]).ok()
    assert not G.compare_gradients([("w", [1.0, 1.0], [1.0, np.inf])]).ok()


def test_a_refused_set_weights_changes_nothing():
    net = _net()
    before = net.get_weights()
    bad = [w + 1 for w in before]
    bad[-1] = bad[-1] * np.nan
    with pytest.raises(ValueError, match="contains NaN or inf"):
        net.set_weights(bad)
    for b, w in zip(before, net.get_weights(), strict=True):
        np.testing.assert_array_equal(b, w)


def test_load_still_reads_what_save_writes(tmp_path):
    net = dl.mlp([3, 5, 4, 2], activation="leaky_relu", output="softmax", rng=1, dtype=np.float64)
    dl.save(net, tmp_path / "net.npz")
    same = dl.load(tmp_path / "net.npz")
    assert same.config() == net.config()
    X = _X(6)
    np.testing.assert_array_equal(same.predict_proba(X), net.predict_proba(X))


# -- property tests ------------------------------------------------------------------------------
_BAD_SIZES = st.one_of(st.integers(max_value=0), st.floats(allow_nan=True), st.booleans(),
                       st.text(max_size=3), st.none(), st.lists(st.integers(1, 3), max_size=2))


@FAST
@given(good=st.lists(st.integers(1, 6), min_size=1, max_size=4), bad=_BAD_SIZES,
       where=st.integers(0, 4))
def test_mlp_refuses_any_size_that_is_not_a_positive_int(good, bad, where):
    sizes = list(good)
    sizes.insert(where % (len(sizes) + 1), bad)
    with pytest.raises((TypeError, ValueError), match=r"mlp.*sizes.*got \["):
        dl.mlp(sizes)


@FAST
@given(k=st.integers(2, 6), n=st.integers(1, 8), data=st.data())
def test_labels_outside_the_classes_are_refused_by_accuracy_and_cross_entropy(k, n, data):
    labels = data.draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n))
    bad = data.draw(st.one_of(st.integers(-2**62, -1), st.integers(k, 2**62)))
    labels[data.draw(st.integers(0, n - 1))] = bad
    net = dl.mlp([2, k], rng=0)
    X = np.zeros((n, 2))
    pattern = rf"class labels must lie in \[0, {k - 1}\] for {k} classes, got range"
    with pytest.raises(ValueError, match=pattern):
        dl.accuracy(net, X, labels)
    with pytest.raises(ValueError, match=pattern):
        dl.cross_entropy(np.zeros((n, k)), labels)
    with pytest.raises(ValueError, match=pattern):
        dl.fit(net, X, labels, epochs=1)


_BAD_VALUES = st.one_of(st.integers(-10**12, 0), st.integers(10**6, 10**15), st.floats(),
                        st.text(max_size=4), st.none(), st.booleans(), st.lists(st.integers(), max_size=2),
                        st.dictionaries(st.text(max_size=2), st.integers(), max_size=2))
_FIELDS = [(0, "n_in"), (0, "n_out"), (2, "n_in"), (2, "n_out"), (0, "dtype"), (0, "init"), (0, "name"),
           (1, "type"), (2, "type")]


@settings(max_examples=60, deadline=None, derandomize=True)
@given(field=st.sampled_from(_FIELDS), value=_BAD_VALUES | st.just("missing"))
def test_tampered_architecture_fields_are_refused_without_allocating(field, value):
    layer, key = field
    if value == "missing":
        edit = _drop(layer, key)
    else:
        edit = _set(layer, key, value)
    path = _saved(edit, "tampered.npz")
    optional = key in ("init", "dtype", "name") and value == "missing"
    if optional or (key == "name" and (value is None or isinstance(value, str))):
        dl.load(path)  # optional fields: defaults apply, any name will do: nothing to refuse
        return
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=r"cannot load network from '.*tampered.npz': "):
            dl.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * 2**20, f"refusing {field}={value!r} allocated {peak / 2**20:.1f} MB"


@settings(max_examples=20, deadline=None, derandomize=True)
@given(n_in=st.integers(1, 10**7), n_out=st.integers(10, 10**7))
def test_array_headers_that_claim_more_than_the_file_holds_allocate_nothing(n_in, n_out):
    path = _huge_header_file("claims.npz", n_in, n_out)
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=r"cannot load network from '.*claims.npz': layer0\."):
            dl.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * 2**20, f"refusing a ({n_in}, {n_out}) header allocated {peak / 2**20:.1f} MB"
