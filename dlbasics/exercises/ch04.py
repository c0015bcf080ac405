"""Exercise checks for notebook 04, "Multi-layer perceptron".

Each check prints one line: ⏳ (not done yet), ✅ (correct) or ❌ with what is off — a diagnosis,
never the right answer. Stuck? ``ch04.hint("n_params")`` prints a hint for the exercise that
``ch04.check_n_params`` checks; call it again for the next one.

Examples
--------
>>> from dlbasics.exercises import ch04
>>> ch04.check_n_params(123)
✅ parameter count: correct.
>>> ch04.check_n_params(...)
⏳ parameter count: not done yet — replace the ... with your answer.
>>> ch04.check_n_params(0)
❌ parameter count: not yet — far too small: for each Dense layer count n_in × n_out weights and
n_out biases, then add up the layers
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dlbasics._typing import FloatArray as Array
from dlbasics.activations import relu
from dlbasics.exercises._build import run, use
from dlbasics.exercises._common import (
    as_array,
    check_array,
    check_number,
    check_param_count,
    correct,
    hints,
    is_blank,
    not_done,
    show_hint,
    wrong,
)
from dlbasics.exercises._quiz import Choice, ask, questions
from dlbasics.layers import Dense, Layer, init_weights
from dlbasics.network import Sequential, mlp

__all__ = ["PARAMS_SIZES", "check_n_params", "forward_problem", "check_forward", "check_xor_network",
           "HE_N_IN", "check_he_std", "check_dense_layer", "check_he_init", "library_he_init",
           "with_layers", "check_question", "use", "hint"]


#: exercise 1: count the parameters of ``dl.mlp([2, 8, 8, 3])``
PARAMS_SIZES = (2, 8, 8, 3)
#: exercise 4: the fan-in of the layer whose He standard deviation is asked for (an MNIST image)
HE_N_IN = 784

_X = np.array([[1.0, 2.0], [-1.0, 0.5]])  # (2 samples, 2 features)
_W1 = np.array([[0.5, -1.0, 0.25], [0.5, 0.5, -0.5]])  # (2, 3)
_B1 = np.array([0.0, 0.5, 0.25])  # (3,)
_W2 = np.array([[1.0], [-2.0], [0.5]])  # (3, 1)
_B2 = np.array([-0.5])  # (1,)


def hint(exercise: str | None = None, level: int | None = None) -> None:
    """Print the next hint for an exercise of notebook 04 (without one: list the exercises).

    Parameters
    ----------
    exercise : str, optional
        The exercise, named as its check without ``check_``: ``"n_params"``, ``"forward"``,
        ``"xor_network"``, ``"he_std"``, the pieces of one's own ``"dense_layer"`` and
        ``"he_init"``, or ``"question"`` (the self-check questions).
    level : int, optional
        Print this hint (1 is the first) again instead of the next one.

    Examples
    --------
    >>> from dlbasics.exercises import ch04
    >>> ch04.hint("he_std", level=1)  # doctest: +ELLIPSIS
    💡 hint 1 of 2 for check_he_std: ...
    """
    show_hint(__name__, exercise, level)


@hints("Each Dense layer n_in → n_out connects every input to every unit of the layer: n_in × n_out "
       "weights.",
       "Each unit a layer computes also has one bias: n_out biases per layer. The input layer computes "
       "nothing, so it has none.",
       "The widths [2, 8, 8, 3] make three Dense layers: 2 → 8, 8 → 8 and 8 → 3. Count each layer's "
       "weights and biases, then add the three counts.")
def check_n_params(answer: Any) -> None:
    """Exercise 1: the number of trainable numbers in ``dl.mlp([2, 8, 8, 3])``.

    A Dense layer ``n_in → n_out`` has ``n_in · n_out`` weights and ``n_out`` biases
    (the same check as :func:`dlbasics.exercises.ch07.check_n_params`).
    """
    check_param_count("parameter count", answer, PARAMS_SIZES)


def forward_problem() -> tuple[Array, Array, Array, Array, Array]:
    """The data of exercise 2: ``X (2, 2), W1 (2, 3), b1 (3,), W2 (3, 1), b2 (1,)``.

    Fresh copies each call, so editing them does not change the check.
    """
    return _X.copy(), _W1.copy(), _B1.copy(), _W2.copy(), _B2.copy()


@hints("Work layer by layer and keep one row per sample: Z1 = X @ W1 + b1 has shape (2, 3).",
       "The hidden layer applies the ReLU, A1 = np.maximum(Z1, 0). The output layer computes "
       "A1 @ W2 + b2, shape (2, 1), and applies the sigmoid 1 / (1 + np.exp(-z)).")
def check_forward(answer: Any) -> None:
    """Exercise 2: the output of the 2 → 3 (ReLU) → 1 (sigmoid) network of :func:`forward_problem`.

    ``A1 = relu(X @ W1 + b1)`` has shape ``(2, 3)``; the output ``sigmoid(A1 @ W2 + b2)`` has
    shape ``(2, 1)``: one row per sample.
    """
    name = "forward pass"
    a = as_array(name, answer, "an array of shape (2, 1)")
    if a is None:
        return
    X, W1, b1, W2, b2 = forward_problem()
    Z1 = X @ W1 + b1  # (2, 3)
    A1 = np.maximum(Z1, 0)  # (2, 3)
    Z2 = A1 @ W2 + b2  # (2, 1)
    expected = _sigmoid(Z2)  # (2, 1)
    if a.shape == (2,):
        wrong(name, "expected shape (2, 1) — one row per sample, one column per output unit — "
                    "got (2,); keep the matrix shape (A1 @ W2 + b2 is already (2, 1))")
        return
    if a.shape == Z1.shape:
        wrong(name, "that has the hidden layer's shape (2, 3): carry on through W2, b2 and the sigmoid")
        return
    if a.shape == expected.shape and np.all(np.isfinite(a)) and not np.allclose(a, expected):
        slips = [
            (_sigmoid(Z1 @ W2 + b2), "this is the output without the ReLU: apply np.maximum(Z1, 0) to the "
                                     "hidden layer"),
            (Z2, "this is the output layer's weighted sum; pass it through the sigmoid"),
            (_sigmoid(np.maximum(X @ W1, 0) @ W2 + b2), "the hidden layer's bias b1 is missing"),
            (_sigmoid(A1 @ W2), "the output layer's bias b2 is missing"),
            (_sigmoid(-Z2), "a sign slip in the sigmoid: it is 1 / (1 + exp(−z))"),
            (np.maximum(Z2, 0), "the output layer uses the sigmoid, not the ReLU"),
            (_sigmoid(_sigmoid(Z1) @ W2 + b2), "the hidden layer uses the ReLU, not the sigmoid"),
            (np.ones_like(Z2), "every output is 1: a softmax over a single output unit always gives 1; "
                               "this output uses the sigmoid"),
        ]
        for value, why in slips:
            if np.allclose(a, value):
                wrong(name, why)
                return
    check_array(name, a, expected,
                pointer="row i is sample i, through relu(· @ W1 + b1), then sigmoid(· @ W2 + b2)")


def _sigmoid(z: Array) -> Array:
    return np.asarray(1 / (1 + np.exp(-z)), dtype=np.float64)


@hints("No single line separates XOR's 1s from its 0s, but two lines can: each hidden step unit draws "
       "one line and fires on one side of it.",
       "Let one hidden unit compute OR (it fires when at least one input is 1) and the other AND (it "
       "fires only when both are).",
       "XOR is 'OR and not AND': the output unit fires when the OR unit fires and the AND unit does "
       "not, so give the AND unit a strong negative weight.")
def check_xor_network(answer: Any) -> None:
    """Exercise 3: weights ``(W1, b1, W2, b2)`` of a step-activation network computing XOR.

    The network is ``ŷ = step(step(X @ W1 + b1) @ W2 + b2)`` with ``step(z) = 1 if z > 0``;
    on the four inputs (0, 0), (0, 1), (1, 0), (1, 1) it must give 0, 1, 1, 0.
    ``W1`` is ``(2, h)`` for any number of hidden units ``h`` (two suffice), ``b1`` is
    ``(h,)``, ``W2`` is ``(h, 1)`` and ``b2`` is ``(1,)``.
    """
    name = "XOR network"
    if is_blank(answer):
        not_done(name)
        return
    if not isinstance(answer, (tuple, list)) or len(answer) != 4:
        wrong(name, "expected a tuple of four arrays (W1, b1, W2, b2)")
        return
    try:
        W1, b1, W2, b2 = (np.asarray(a, dtype=np.float64) for a in answer)
    except (TypeError, ValueError):
        wrong(name, "expected four arrays of numbers (W1, b1, W2, b2)")
        return
    if W1.ndim != 2 or W1.shape[0] != 2:
        wrong(name, f"W1 must have shape (2, h): 2 inputs, h hidden units; got {W1.shape}")
        return
    h = W1.shape[1]
    for label, arr, shape in (("b1", b1, (h,)), ("W2", W2, (h, 1)), ("b2", b2, (1,))):
        if arr.shape != shape:
            wrong(name, f"{label} must have shape {shape} for {h} hidden unit(s), got {arr.shape}")
            return
    if not all(np.all(np.isfinite(arr)) for arr in (W1, b1, W2, b2)):
        wrong(name, "the weights or biases contain NaN or inf")
        return
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0])
    H = (X @ W1 + b1 > 0).astype(np.float64)  # (4, h): which hidden units fire
    pred = (H @ W2 + b2 > 0).astype(int)[:, 0]
    if np.array_equal(pred, y):
        correct(name, "Each hidden unit draws one line; the output unit combines the two half-planes.")
        return
    if (H == H[0]).all():
        wrong(name, "the hidden units fire the same way for all four inputs, so the output unit cannot "
                    "tell them apart: give each hidden unit a line (weights and bias) that splits the "
                    "corners")
        return
    i = int(np.flatnonzero(pred != y)[0])
    wrong(name, f"for input {X[i].astype(int).tolist()} the network gives {pred[i]}, XOR gives {y[i]} "
                f"(hidden units firing: {H[i].astype(int).tolist()}): each hidden unit draws one line, "
                "the output unit combines which side of each line the input is on")


@hints("He initialisation draws each weight from a normal distribution with mean 0 and variance "
       "2 / n_in, where n_in is the number of inputs of the layer.",
       "The standard deviation is the square root of the variance (np.sqrt).")
def check_he_std(answer: Any) -> None:
    """Exercise 4: the standard deviation of He initialisation for a layer with 784 inputs.

    He draws ``W ~ N(0, 2 / n_in)``, so the standard deviation is ``sqrt(2 / n_in)``.
    """
    n = HE_N_IN
    check_number("He standard deviation", answer, float(np.sqrt(2.0 / n)), rtol=1e-3, mistakes=[
        (2.0 / n, "that is the variance 2 / n_in; the standard deviation is its square root"),
        (float(np.sqrt(1.0 / n)), "that is sqrt(1 / n_in); He doubles the variance for ReLU: sqrt(2 / n_in)"),
        (1.0 / n, "1 / n_in is a variance (LeCun's); He's variance is 2 / n_in, and the standard deviation "
                  "is the square root of the variance"),
        (2.0 / np.sqrt(n), "the 2 belongs under the square root too"),
        (float(np.sqrt(2.0) / n), "n_in belongs under the square root too"),
        (float(np.sqrt(2.0 * n)), "n_in divides: the variance is 2 / n_in"),
        (float(np.sqrt(6.0 / n)), "sqrt(6 / n_in) is the limit a of He's uniform version U(−a, a); the "
                                  "normal version has variance 2 / n_in"),
        (lambda value: value <= 0, "a standard deviation is never zero or negative"),
    ], pointer="He's variance is 2 / n_in, and the standard deviation is the square root of the variance")



# -- build it yourself: a dense layer of one's own, and He initialisation ----------------------------


def with_layers(model: Sequential, layer_class: Any) -> Sequential:
    """A copy of ``model`` whose Dense layers are ``layer_class(n_in, n_out)`` holding copies of
    the same weights: the learner's layer in every place the library's had.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbasics.network import mlp
    >>> from dlbasics.layers import Dense
    >>> net = mlp([3, 4, 1], rng=0)
    >>> X = np.ones((2, 3), dtype=np.float32)
    >>> bool(np.allclose(with_layers(net, Dense).forward(X), net.forward(X)))
    True
    """
    layers: list[Layer] = []
    for layer in model.layers:
        if isinstance(layer, Dense):
            mine = layer_class(layer.n_in, layer.n_out)
            mine.W, mine.b = layer.W.copy(), layer.b.copy()
            layers.append(mine)
        else:
            layers.append(layer)
    return Sequential(layers)


def _layer_problem() -> tuple[Sequential, Array]:
    """The network of section 3 with a non-square and a square layer, and a float32 batch."""
    net = mlp([3, 4, 4, 1], output="sigmoid", init="uniform", rng=0)
    X = np.random.default_rng(11).normal(size=(50, 3)).astype(np.float32)  # (50, 3)
    for dense in net.dense_layers:
        dense.b[:] = np.random.default_rng(12).uniform(-1, 1, size=dense.n_out)  # biases that matter
    return net, X


@hints("forward(X) computes Z = X @ W + b for the whole batch: X is (N, n_in), self.W is "
       "(n_in, n_out), self.b is (n_out,), and Z is (N, n_out).",
       "The layer computes Z only: the activation is the next layer of the network (dl.mlp puts a "
       "ReLU or a sigmoid after each Dense).",
       "Use self.W and self.b, the arrays the layer holds (the check puts the library's weights "
       "there), not global variables.")
def check_dense_layer(cls: Any) -> None:
    """Build it yourself: a dense layer ``cls(n_in, n_out)`` with ``forward(X) = X @ W + b``.

    The layer must subclass ``dl.Layer``, set ``n_in``, ``n_out``, ``W (n_in, n_out)`` and
    ``b (n_out,)``. It gets the weights of the section-3 network ``dl.mlp([3, 4, 4, 1])``;
    first one layer alone is compared (slips named: the bias, a transposed W, an activation
    inside the layer, the dtype), then the whole network with the learner's layer in each of
    its three Dense places against the library's network.
    """
    name = "dense layer"
    ok, layer = run(name, cls, 3, 4)
    if not ok:
        return
    why: str | None = _protocol_slip(layer)
    net, X = _layer_problem()
    for k, dense in enumerate(net.dense_layers):
        if why != "":  # a slip, or already said (None)
            break
        A = X if k == 0 else np.abs(X[:, :1]) * np.ones((1, dense.n_in), dtype=np.float32)  # (50, n_in)
        why = _forward_slip(name, cls, dense, A)
    if why is None:  # the learner's code raised or is not done: already said
        return
    why = why or _network_slip(net, cls, X)
    if why:
        wrong(name, why)
        return
    correct(name, "In all three places of dl.mlp([3, 4, 4, 1]) your layer gives the library's outputs.")


def _protocol_slip(layer: Any) -> str:
    """Whether ``MyDense(3, 4)`` follows the Layer protocol: a Layer, its widths, W's shape."""
    if not isinstance(layer, Layer):
        return (f"{type(layer).__name__} must subclass dl.Layer (class MyDense(dl.Layer): …) so that "
                "a network can use it")
    if (getattr(layer, "n_in", None), getattr(layer, "n_out", None)) != (3, 4):
        return ("MyDense(3, 4) must set self.n_in = 3 and self.n_out = 4: the network reads its widths "
                "from them")
    W = getattr(layer, "W", None)
    if W is not None and np.shape(W) != (3, 4):
        hint = (": that is PyTorch's layout (n_out, n_in); here W is (n_in, n_out), column j feeding unit j"
                if np.shape(W) == (4, 3) else "")
        return f"MyDense(3, 4).W should have shape (3, 4), got {np.shape(W)}{hint}"
    return ""


def _forward_slip(name: str, cls: Any, dense: Any, A: Array) -> str | None:
    """The learner's layer with ``dense``'s weights on the batch ``A``, against ``A @ W + b``:
    "" if right, what is off, or None when it already said so (raised, not done, diagnosed)."""
    ok, mine = run(name, cls, dense.n_in, dense.n_out)
    if not ok:
        return None
    mine.W, mine.b = dense.W.copy(), dense.b.copy()
    ok, Z = run(name, mine.forward, A.copy())
    if not ok:
        return None
    try:
        got = np.asarray(Z)
        got64 = got.astype(np.float64)
    except (TypeError, ValueError):
        return f"forward should return an array, it returned {type(Z).__name__}"
    W64, b64, A64 = dense.W.astype(np.float64), dense.b.astype(np.float64), A.astype(np.float64)
    expected = A64 @ W64 + b64  # (50, n_out)
    if got.shape != expected.shape:
        hint = (": transposed — keep one row per sample" if got.shape == expected.shape[::-1] else
                ": one row per sample of the whole batch" if got.ndim != 2 else "")
        return (f"for X of shape {A.shape} and a {dense.n_in} → {dense.n_out} layer forward should return "
                f"shape {expected.shape}, got {got.shape}{hint}")
    if not np.all(np.isfinite(got64)):
        return "forward returned NaN or inf"
    if np.allclose(got64, expected, rtol=1e-4, atol=1e-5):
        return "" if got.dtype == A.dtype else (
            f"the values are right, but float32 in gives {got.dtype} out: a network computes in float32, "
            "so keep the dtype of X and W (no float64 arrays mixed in)")
    for value, why in _forward_slips(A64, W64, b64):
        if np.allclose(got64, value, rtol=1e-4, atol=1e-5):
            return why
    check_array(f"{name}: Z", got64, expected, rtol=1e-4, atol=1e-5,
                pointer="row i is sample i, column j is unit j: Z[i, j] = X[i] @ W[:, j] + b[j]")
    return None


def _forward_slips(A: Array, W: Array, b: Array) -> list[tuple[Array, str]]:
    """The usual wrong forward passes, each with what it overlooks."""
    slips = [(A @ W, "the bias is missing: Z = X @ W + b"),
             (A @ W - b, "the bias is added, not subtracted"),
             (relu(A @ W + b), "that has an activation (ReLU) applied: the Dense layer computes Z only, and "
                               "the network's next layer applies the activation"),
             (1 / (1 + np.exp(-(A @ W + b))),
              "that has a sigmoid applied: the Dense layer computes Z only, the activation is the next "
              "layer")]
    if W.shape[0] == W.shape[1]:
        slips.append((A @ W.T + b, "W is used transposed (X @ W.T): here W is (n_in, n_out), so "
                                   "Z = X @ W + b"))
    return slips


def _network_slip(net: Any, cls: Any, X: Array) -> str:
    """The learner's layer in each Dense place of ``net``: the same outputs, X left as it was."""
    expected_out = net.forward(X)  # (50, 1)
    X_in = X.copy()
    try:
        own = with_layers(net, cls)
        out = own.forward(X_in)
    except Exception as exc:  # the learner's layer inside a network
        return f"inside dl.mlp([3, 4, 4, 1]) it raised {type(exc).__name__}: {exc}"
    if not np.array_equal(X_in, X):
        return ("forward changed the X it was given (in place): compute a new array and leave X as it "
                "was — backward will need it")
    if not np.allclose(np.asarray(out, dtype=np.float64), expected_out, rtol=1e-4, atol=1e-6):
        return ("each layer alone is right, but the network with your layer gives other outputs: does "
                "forward use its argument X and the layer's own self.W, self.b?")
    return ""


def library_he_init(n_in: int, n_out: int, rng: Any = None) -> Array:
    """The library's He initialisation: ``dl.layers.init_weights(n_in, n_out, "he", rng)``, float32."""
    return init_weights(n_in, n_out, "he", rng, np.float32)


def _spread_slip(std: float, n_in: int, n_out: int) -> str:
    """What a standard deviation other than He's, sqrt(2 / n_in), overlooks."""
    target = float(np.sqrt(2.0 / n_in))
    slips = [(2.0 / n_in, "the scale of rng.normal is the standard deviation, and 2 / n_in is the "
                          "variance: take its square root"),
             (np.sqrt(1.0 / n_in), "that is sqrt(1 / n_in) (LeCun's scale): He doubles the variance for "
                                   "ReLU, 2 / n_in"),
             (np.sqrt(2.0 / n_out), "that uses n_out where He uses n_in, the number of inputs of each unit"),
             (np.sqrt(2.0 / (n_in + n_out)), "that is Xavier's variance 2 / (n_in + n_out), meant for "
                                             "tanh; He's is 2 / n_in"),
             (1.0, "a standard deviation of 1: the weights still need He's scale, the square root of "
                   "2 / n_in"),
             (np.sqrt(2.0) / n_in, "n_in belongs under the square root too"),
             (2.0 / np.sqrt(n_in), "the 2 belongs under the square root too")]
    for value, why in slips:
        if np.isclose(std, value, rtol=0.03):
            return why
    return (f"the spread of the weights is {'too large' if std > target else 'too small'}: He's "
            "standard deviation is the square root of 2 / n_in")


@hints("He draws every weight from a normal distribution with mean 0 and variance 2 / n_in; "
       "rng.normal(loc, scale, size) takes the standard deviation as its scale.",
       "The standard deviation is np.sqrt(2 / n_in) and the shape is (n_in, n_out); draw from the rng you "
       "are given (not np.random), so that a seed gives the same network every time.",
       "rng.normal returns float64: end with .astype(np.float32), the dtype a network computes in.")
def check_he_init(fn: Any) -> None:
    """Build it yourself: ``he_init(n_in, n_out, rng)`` → W of shape (n_in, n_out), N(0, 2 / n_in), float32.

    Checked by its statistics on a 784 × 256 draw (mean, spread, shape of the distribution),
    its shape on a small layer, its dtype, and its use of ``rng`` (the same seed gives the same
    weights, another seed others).
    """
    name = "he_init"
    n_in, n_out = HE_N_IN, 256
    ok, W = run(name, fn, n_in, n_out, np.random.default_rng(0))
    if not ok:
        return
    try:
        W_arr = np.asarray(W)
        W64 = W_arr.astype(np.float64)
    except (TypeError, ValueError):
        wrong(name, f"expected an array of weights, got {type(W).__name__}")
        return
    if W64.shape != (n_in, n_out):
        hint = (": that is PyTorch's layout; here W is (n_in, n_out)" if W64.shape == (n_out, n_in) else "")
        wrong(name, f"he_init({n_in}, {n_out}, rng) should have shape ({n_in}, {n_out}), "
                    f"got {W64.shape}{hint}")
        return
    if not np.all(np.isfinite(W64)):
        wrong(name, "the weights contain NaN or inf")
        return
    ok, W_small = run(name, fn, 3, 5, np.random.default_rng(1))
    if not ok:
        return
    if np.shape(W_small) != (3, 5):
        wrong(name, f"he_init(3, 5, rng) should have shape (3, 5), got {np.shape(W_small)}: build the shape "
                    "from the arguments n_in, n_out")
        return
    std, mean = float(W64.std()), float(W64.mean())
    target = float(np.sqrt(2.0 / n_in))
    if abs(mean) > 5 * std / np.sqrt(W64.size) + 1e-12 and abs(mean) > 0.1 * target:
        wrong(name, "the weights are not centred on 0: He draws them with mean 0, as many positive as "
                    "negative")
        return
    if not np.isclose(std, target, rtol=0.02):
        wrong(name, _spread_slip(std, n_in, n_out))
        return
    kurtosis = float(np.mean((W64 - mean) ** 4) / std**4)
    if kurtosis < 2.4:
        wrong(name, "the spread is right, but the weights are uniform (none beyond a fixed limit): He draws "
                    "from a normal distribution, rng.normal")
        return
    ok, W_again = run(name, fn, n_in, n_out, np.random.default_rng(0))
    ok2, W_other = run(name, fn, n_in, n_out, np.random.default_rng(1)) if ok else (False, None)
    if not (ok and ok2):
        return
    if not np.array_equal(np.asarray(W_again), W_arr):
        wrong(name, "the same seed gave different weights: draw from the rng you are given (rng.normal), "
                    "not from np.random, so that a seed reproduces the network")
        return
    if np.array_equal(np.asarray(W_other), W_arr):
        wrong(name, "different seeds gave the same weights: draw from the rng you are given")
        return
    if W_arr.dtype != np.float32:
        wrong(name, f"the weights are right, but {W_arr.dtype}: a network computes in float32, so end with "
                    ".astype(np.float32)")
        return
    correct(name, "Mean 0, He's spread, normal, float32, and reproducible from its rng.")


# -- self-check questions ------------------------------------------------------------------------------

QUESTIONS = questions(
    __name__,
    layer_shape=Choice(
        "c",
        a="(64, 10) is W's shape: one column per unit; the output has one row per sample",
        b="(10, 64) would be PyTorch's weight matrix, the transpose of W, not the output",
        c="(N, 64) @ (64, 10) gives one row per sample and one column per unit: (N, 10)",
        d="(10,) is b's shape, one bias per unit; the output keeps the batch dimension",
    ),
    symmetric_init=Choice(
        "b",
        a="equal weights do give outputs, the same output in every unit of a layer",
        b="every unit of a layer computes the same and gets the same correction, so they stay copies of "
          "each other",
        c="the loss is defined for any weights; equal weights only make the units identical",
        d="equal weights do not overflow; the trouble is that every unit stays the same",
    ),
    he_why=Choice(
        "d",
        a="He's weights are larger than Xavier's, not smaller: the variance is 2 / n_in",
        b="any initialisation leaves some ReLU units inactive for some inputs; He is about the spread",
        c="He's variance depends on n_in only, and is not chosen to make training loss zero",
        d="ReLU zeroes the negative half of z, which halves E[x²]; doubling the variance to 2 / n_in makes "
          "up for it, so the spread stays the same from layer to layer",
    ),
    universal=Choice(
        "a",
        a="it promises that good weights exist for enough hidden units — nothing about how many, or "
          "whether training finds them",
        b="the theorem says nothing about training: it does not promise that gradient descent finds the "
          "weights",
        c="one hidden layer suffices in principle, so depth is not what the theorem requires",
        d="the theorem is about approximating continuous functions on a bounded region, not about "
          "generalising to new data",
    ),
)


@hints("Each question is answered in one section: the matrix product (2), where the weights start (4), "
       "simple functions composed (5).",
       "Read the feedback on a wrong letter: it says what that option overlooks.")
def check_question(name: Any, answer: Any) -> None:
    """Self-check question ``name`` ("layer_shape", "symmetric_init", "he_why", "universal")."""
    ask(QUESTIONS, name, answer)
