"""Networks: building, whole-model gradients (incl. the fused output paths), prediction,
input validation, and safe save/load."""

from __future__ import annotations

import json
import pathlib
import pickle
import zipfile

import numpy as np
import pytest
from helpers import TOL, numeric_grad, rel_error
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import dlbasics as dl
from dlbasics.layers import Dense, Identity, LeakyReLU, ReLU, Sigmoid, Softmax, Step, Tanh
from dlbasics.losses import binary_cross_entropy_from_sigmoid, cross_entropy_from_softmax, get_loss
from dlbasics.network import Sequential, load, mlp, save

SEEDS = st.integers(0, 2**32 - 1)
FAST = settings(max_examples=8, deadline=None, derandomize=True)


# -- building ------------------------------------------------------------------------------
def test_mlp_structure():
    net = mlp([3, 4, 4, 1], output="sigmoid", rng=0)
    assert [type(layer) for layer in net] == [Dense, ReLU, Dense, ReLU, Dense, Sigmoid]
    assert [layer.name for layer in net] == ["dense1", "relu1", "dense2", "relu2", "dense3", "sigmoid1"]
    assert (net.n_in, net.n_out, net.n_params) == (3, 1, 16 + 20 + 5)
    assert net.dtype == np.float32 and len(net) == 6 and net[0] is net.layers[0]
    assert [layer.W.shape for layer in net.dense_layers] == [(3, 4), (4, 4), (4, 1)]
    assert [type(layer) for layer in mlp([2, 5, 3], activation="tanh")] == [Dense, Tanh, Dense]
    assert type(mlp([2, 3], output="softmax")[-1]) is Softmax
    assert len(mlp([2, 3], output="linear")) == 1
    assert "Dense(3, 4)" in repr(net)


def test_mlp_default_initialisers():
    relu = mlp([400, 300, 1], rng=0)
    tanh = mlp([400, 300, 1], activation="tanh", rng=0)
    assert relu[0].W.std() == pytest.approx(np.sqrt(2 / 400), rel=0.03)  # He
    assert np.abs(tanh[0].W).max() <= np.sqrt(6 / 700)  # Xavier


def test_mlp_same_seed_same_network():
    a, b = mlp([3, 5, 2], rng=4), mlp([3, 5, 2], rng=4)
    for wa, wb in zip(a.get_weights(), b.get_weights(), strict=True):
        np.testing.assert_array_equal(wa, wb)
    assert not np.array_equal(a[0].W, mlp([3, 5, 2], rng=5)[0].W)


def test_output_kind():
    assert mlp([2, 3, 1], output="sigmoid").output_kind == "sigmoid"
    assert mlp([2, 3, 3], output="softmax").output_kind == "softmax"
    assert mlp([2, 3, 3]).output_kind == "logits"
    assert mlp([2, 3, 1]).output_kind == "linear"


def test_summary_counts_parameters():
    text = mlp([3, 4, 4, 1], output="sigmoid", rng=0).summary()
    assert "dense1" in text and "(N, 4)" in text and text.rstrip().endswith("41")


def test_building_errors():
    with pytest.raises(ValueError, match=r"layer 'dense2' \(Dense 5->1\) cannot follow a layer of width 4"):
        Sequential([Dense(3, 4), ReLU(), Dense(5, 1)])
    with pytest.raises(ValueError, match="at least one layer"):
        Sequential([])
    with pytest.raises(TypeError, match="layer 1 is a str, not a dlbasics Layer"):
        Sequential([Dense(2, 2), "relu"])
    with pytest.raises(ValueError, match=r"sizes must be at least \[n_in, n_out\]"):
        mlp([3])
    with pytest.raises(ValueError, match=r"got \[3, 0, 1\]"):
        mlp([3, 0, 1])
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        mlp([2, 3, 1], activation="swish")
    with pytest.raises(ValueError, match="unknown activation 'softplus'"):
        mlp([2, 3, 1], output="softplus")


# -- whole-model gradients -----------------------------------------------------------------------
def _log_softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


# Each case: network, targets, the name of the loss, and the loss written out independently in
# NumPy from the network's output (the finite differences never go through dlbasics.losses).
def _case(name, rng, n):
    if name == "tanh-logits-ce-labels":
        y = rng.integers(0, 3, size=n)
        return (mlp([4, 6, 5, 3], activation="tanh", rng=rng, dtype=np.float64), y, "cross_entropy",
                lambda out: -np.mean(_log_softmax(out)[np.arange(n), y]))
    if name == "tanh-logits-ce-one-hot":
        Y = np.eye(3)[rng.integers(0, 3, size=n)]
        return (mlp([4, 6, 5, 3], activation="tanh", rng=rng, dtype=np.float64), Y, "cross_entropy",
                lambda out: -np.sum(Y * _log_softmax(out)) / n)
    if name == "sigmoid-output-bce":  # fused sigmoid + BCE, one output
        y = rng.integers(0, 2, size=n)
        return (mlp([4, 6, 5, 1], activation="tanh", output="sigmoid", rng=rng, dtype=np.float64), y,
                "binary_cross_entropy",
                lambda out: -np.mean(y * np.log(out[:, 0]) + (1 - y) * np.log(1 - out[:, 0])))
    if name == "sigmoid-output-bce-multilabel":  # fused sigmoid + BCE, three independent outputs
        Y = rng.integers(0, 2, size=(n, 3)).astype(np.float64)
        return (mlp([4, 6, 5, 3], activation="tanh", output="sigmoid", rng=rng, dtype=np.float64), Y,
                "binary_cross_entropy",
                lambda out: -np.mean(Y * np.log(out) + (1 - Y) * np.log(1 - out)))
    if name == "softmax-output-ce":  # fused softmax + CE
        y = rng.integers(0, 3, size=n)
        return (mlp([4, 6, 5, 3], activation="tanh", output="softmax", rng=rng, dtype=np.float64), y,
                "cross_entropy", lambda out: -np.mean(np.log(out[np.arange(n), y])))
    if name == "leaky-relu-mse":
        T = rng.normal(size=(n, 2))
        net = Sequential([Dense(4, 6, rng=rng, dtype=np.float64), LeakyReLU(0.2),
                          Dense(6, 5, rng=rng, dtype=np.float64), ReLU(),
                          Dense(5, 2, rng=rng, dtype=np.float64)])
        return net, T, "mse", lambda out: np.mean((out - T) ** 2)
    if name == "sigmoid-hidden-mse":
        T = rng.normal(size=(n, 1))
        return (mlp([4, 6, 1], activation="sigmoid", rng=rng, dtype=np.float64), T, "mse",
                lambda out: np.mean((out - T) ** 2))
    if name == "softmax-layer-then-mse":  # not fused: the Softmax layer's own backward
        T = rng.uniform(size=(n, 3))
        net = Sequential([Dense(4, 5, rng=rng, dtype=np.float64), Tanh(),
                          Dense(5, 3, rng=rng, dtype=np.float64), Softmax()])
        return net, T, "mse", lambda out: np.mean((out - T) ** 2)
    raise AssertionError(name)


def _public_loss_and_grad(net, out, y, loss):
    """Loss and gradient from the public functions of dlbasics.losses: fused with a final
    Sigmoid or Softmax layer (backward then skips it), as training does."""
    if loss == "binary_cross_entropy" and isinstance(net[-1], Sigmoid):
        return (*binary_cross_entropy_from_sigmoid(out, y), 1)
    if loss == "cross_entropy" and isinstance(net[-1], Softmax):
        return (*cross_entropy_from_softmax(out, y), 1)
    return (*get_loss(loss)(out, y), 0)


CASES = ["tanh-logits-ce-labels", "tanh-logits-ce-one-hot", "sigmoid-output-bce",
         "sigmoid-output-bce-multilabel", "softmax-output-ce", "leaky-relu-mse", "sigmoid-hidden-mse",
         "softmax-layer-then-mse"]


@pytest.mark.parametrize("case", CASES)
@FAST
@given(n=st.integers(1, 6), seed=SEEDS)
def test_model_gradients_match_finite_differences(case, n, seed):
    rng = np.random.default_rng(seed)
    net, y, loss, independent_loss = _case(case, rng, n)
    for layer in net.dense_layers:
        layer.b[:] = rng.normal(scale=0.5, size=layer.b.shape)
    X = rng.normal(size=(n, 4))

    out = net.forward(X)
    # a finite difference must not straddle the kink of a ReLU
    assume(all(np.abs(layer._Z).min() > 2e-3 for layer in net if isinstance(layer, (ReLU, LeakyReLU))))
    value, grad, skip = _public_loss_and_grad(net, out, y, loss)
    assert value == pytest.approx(independent_loss(out), rel=1e-12)
    if case.startswith(("sigmoid-output", "softmax-output")):
        assert skip == 1  # the fused path really was taken
    dX = net.backward(grad, skip_last=skip)
    analytic = [g.copy() for _, g in net.parameters()]

    def f():
        return float(independent_loss(net.forward(X)))

    errors = {"X": rel_error(dX, numeric_grad(f, X))}
    for (name, p, _), g in zip(net.named_parameters(), analytic, strict=True):
        errors[name] = rel_error(g, numeric_grad(f, p))
    assert max(errors.values()) < TOL, errors


# -- prediction and input checks --------------------------------------------------------------------
def test_predict_and_predict_proba():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(10, 3))
    logits = mlp([3, 5, 4], rng=0)
    P = logits.predict_proba(X)
    assert P.shape == (10, 4)
    np.testing.assert_allclose(P.sum(axis=1), 1, rtol=1e-6)
    np.testing.assert_array_equal(logits.predict(X), logits(X).argmax(axis=1))
    binary = mlp([3, 5, 1], output="sigmoid", rng=0)
    p = binary.predict_proba(X)
    assert p.shape == (10, 1) and np.all((p > 0) & (p < 1))
    np.testing.assert_array_equal(binary.predict(X), (p[:, 0] > 0.5).astype(int))
    regression = mlp([3, 5, 2], output="linear", rng=0)
    regression_out = mlp([3, 5, 1], rng=0)
    assert regression_out.predict(X).shape == (10, 1)
    np.testing.assert_array_equal(regression_out.predict(X), regression_out(X))
    assert regression.output_kind == "logits"  # several raw outputs are read as class scores
    assert logits.predict(X[0]).shape == (1,)  # one sample as a 1-D vector


def test_wrong_input_width_names_expected_and_received():
    net = mlp([3, 4, 2], rng=0)
    with pytest.raises(ValueError, match=r"expected shape \(N, 3\).*got \(5, 4\)"):
        net.predict(np.zeros((5, 4)))
    with pytest.raises(ValueError, match=r"expected shape \(N, 3\).*got \(2,\)"):
        net.predict_proba(np.zeros(2))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_input_is_refused(bad):
    X = np.zeros((4, 3))
    X[2, 1] = bad
    with pytest.raises(ValueError, match=r"NaN or inf \(first at row 2, column 1\)"):
        mlp([3, 4, 2], rng=0).predict(X)


def test_non_numeric_input_is_refused():
    with pytest.raises(TypeError, match="expected real numbers, got dtype <U1"):
        mlp([3, 2], rng=0).check_input(np.array([["a", "b", "c"]]))


def test_get_and_set_weights():
    net = mlp([3, 4, 2], rng=0)
    weights = net.get_weights()
    weights[0][0, 0] = 99.0  # a copy: the net is unchanged
    assert net[0].W[0, 0] != 99.0
    net.set_weights(weights)
    assert net[0].W[0, 0] == 99.0
    assert [n for n, _, _ in net.named_parameters()] == ["dense1.W", "dense1.b", "dense2.W", "dense2.b"]
    with pytest.raises(ValueError, match="expected 4 arrays, got 3"):
        net.set_weights(weights[:3])
    with pytest.raises(ValueError, match=r"parameter dense1.W: expected shape \(3, 4\), got \(4, 3\)"):
        net.set_weights([weights[0].T, *weights[1:]])


# -- save / load ---------------------------------------------------------------------------------
def _architectures():
    return {
        "relu-logits": mlp([4, 8, 3], rng=0),
        "leaky-sigmoid": Sequential([Dense(4, 6, rng=1), LeakyReLU(0.2), Dense(6, 1, rng=2), Sigmoid()]),
        "tanh-softmax-float64": mlp([4, 5, 5, 3], activation="tanh", output="softmax", rng=3,
                                    dtype=np.float64),
        "regression": mlp([4, 7, 1], activation="sigmoid", rng=4),
        "step-identity": Sequential([Dense(4, 3, rng=5), Step(), Dense(3, 2, rng=6), Identity()]),
    }


@pytest.mark.parametrize("name", list(_architectures()))
def test_save_load_round_trip_is_exact(tmp_path, name):
    net = _architectures()[name]
    for layer in net.dense_layers:
        layer.b[:] = np.random.default_rng(7).normal(size=layer.b.shape)
    path = tmp_path / "net.npz"
    save(net, path)
    loaded = load(path)
    assert loaded is not net
    assert loaded.config() == net.config()
    assert [type(layer) for layer in loaded] == [type(layer) for layer in net]
    X = np.random.default_rng(8).normal(size=(20, 4))
    np.testing.assert_array_equal(loaded.forward(X), net.forward(X))
    assert np.array_equal(loaded.predict(X), net.predict(X))
    assert loaded.head == net.head
    if net.is_classifier:  # a regression head has no probabilities
        assert np.array_equal(loaded.predict_proba(X), net.predict_proba(X))
    for (_, a, _), (_, b, _) in zip(loaded.named_parameters(), net.named_parameters(), strict=True):
        assert a.dtype == b.dtype and np.array_equal(a, b)


def test_loaded_leaky_relu_keeps_alpha_and_method_save(tmp_path):
    net = Sequential([Dense(2, 3, rng=0), LeakyReLU(0.3), Dense(3, 1, rng=1)])
    net.save(tmp_path / "n.npz")
    assert load(str(tmp_path / "n.npz"))[1].alpha == 0.3


class _Payload:
    """Unpickling this object runs ``Path.touch(marker)``: a stand-in for malicious code."""

    def __init__(self, marker: pathlib.Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (pathlib.Path.touch, (self.marker,))


def test_the_payload_really_runs_code_when_unpickled(tmp_path):
    """Control for the tests below: plain pickle.load does create the marker."""
    marker = tmp_path / "pwned"
    pickle.loads(pickle.dumps(_Payload(marker)))
    assert marker.exists()


def _write_pickles(tmp_path, marker):
    """Every way of smuggling a pickle into a file that ``load`` may be given."""
    payload = _Payload(marker)
    paths = []
    p = tmp_path / "pickle.npz"
    with open(p, "wb") as fh:
        pickle.dump(payload, fh)
    paths.append(p)
    p = tmp_path / "object_array.npy"
    np.save(p, np.array([payload], dtype=object), allow_pickle=True)
    paths.append(p)
    p = tmp_path / "pickled_weights.npz"  # the weights themselves are a pickle
    arch = json.dumps({"format": "dlbasics-network", "version": 1,
                       "layers": [{"type": "Dense", "n_in": 2, "n_out": 1}]})
    np.savez(p, __architecture__=np.array(arch), **{"layer0.W": np.array([payload], dtype=object),
                                                    "layer0.b": np.zeros(1)})
    paths.append(p)
    p = tmp_path / "extra_member.npz"  # last: a real network file plus a pickled array
    save(mlp([2, 3, 1], rng=0), p)
    with zipfile.ZipFile(p, "a") as zf, zf.open("extra.npy", "w") as fh:
        np.lib.format.write_array(fh, np.array([payload], dtype=object), allow_pickle=True)
    paths.append(p)
    return paths


def test_pickles_are_refused_and_never_executed(tmp_path):
    marker = tmp_path / "pwned"
    *refused, extra_member = _write_pickles(tmp_path, marker)
    for path in refused:
        with pytest.raises(ValueError, match="cannot load network"):
            load(path)
        assert not marker.exists(), f"loading {path.name} ran code from the file"
    # a good network file with an extra pickled member: the network loads, the pickle is never read
    np.testing.assert_array_equal(load(extra_member).predict([[0.5, 1.0]]),
                                  mlp([2, 3, 1], rng=0).predict([[0.5, 1.0]]))
    assert not marker.exists()


def test_malformed_files_are_refused(tmp_path):
    good = tmp_path / "good.npz"
    net = mlp([3, 4, 2], rng=0)
    save(net, good)
    raw = good.read_bytes()
    arrays = dict(np.load(good))
    arch = json.loads(str(arrays["__architecture__"]))

    def write(name, **content):
        path = tmp_path / name
        np.savez(path, **content)
        return path

    cases = {
        "random bytes": (tmp_path / "random.npz", "cannot load network"),
        "empty": (tmp_path / "empty.npz", "cannot load network"),
        "truncated": (tmp_path / "truncated.npz", "cannot load network"),
        "npz without architecture": (write("noarch.npz", **{k: v for k, v in arrays.items()
                                                              if k != "__architecture__"}),
                                     "no architecture record"),
        "wrong shape": (write("shape.npz", **{**arrays, "layer0.W": np.zeros((4, 3), np.float32)}),
                        r"layer0.W: expected shape \(3, 4\), file has \(4, 3\)"),
        "missing array": (write("missing.npz", **{k: v for k, v in arrays.items() if k != "layer2.b"}),
                          "missing array layer2.b"),
        "not JSON": (write("json.npz", **{**arrays, "__architecture__": np.array("{oops")}),
                     "cannot load network"),
        "numeric architecture": (write("num.npz", **{**arrays, "__architecture__": np.array(5.0)}),
                                 "not a dlbasics network file"),
        "wrong format tag": (write("tag.npz", **{**arrays, "__architecture__": np.array(
            json.dumps({**arch, "format": "other"}))}), "wrong format tag"),
        "newer version": (write("ver.npz", **{**arrays, "__architecture__": np.array(
            json.dumps({**arch, "version": 99}))}), "version 99 is newer"),
        "layers not a list": (write("layers.npz", **{**arrays, "__architecture__": np.array(
            json.dumps({**arch, "layers": [5]}))}), "malformed architecture"),
        "unknown layer": (write("unknown.npz", **{**arrays, "__architecture__": np.array(
            json.dumps({**arch, "layers": [{"type": "Conv2d"}]}))}), "unknown layer type 'Conv2d'"),
        "odd dtype": (write("dtype.npz", **{**arrays, "__architecture__": np.array(json.dumps(
            {**arch, "layers": [{**arch["layers"][0], "dtype": "object"}]}))}), "float32 or float64"),
        "a plain .npy": (tmp_path / "plain.npy", "cannot load network"),
        "no such file": (tmp_path / "absent.npz", "cannot load network"),
    }
    (tmp_path / "random.npz").write_bytes(np.random.default_rng(0).bytes(2000))
    (tmp_path / "empty.npz").write_bytes(b"")
    (tmp_path / "truncated.npz").write_bytes(raw[: len(raw) // 2])
    np.save(tmp_path / "plain.npy", np.zeros(3))
    for what, (path, message) in cases.items():
        with pytest.raises(ValueError, match=message):
            load(path)
        assert load(good).config() == net.config(), what  # the good file still loads


# -- the head: what the output means, chosen when the network is built ----------------------------
@pytest.mark.parametrize(("head", "sizes", "last"), [("regression", [3, 4, 2], Dense),
                                                     ("logits", [3, 4, 3], Dense),
                                                     ("binary_logits", [3, 4, 1], Dense),
                                                     ("sigmoid", [3, 4, 1], Sigmoid),
                                                     ("softmax", [3, 4, 3], Softmax)])
def test_every_head_predicts_classes_or_values_consistently(head, sizes, last):
    X = np.random.default_rng(0).normal(size=(12, 3))
    net = mlp(sizes, head=head, rng=0)
    assert net.head == head and type(net[-1]) is last
    out = net.forward(X)
    if head == "regression":
        np.testing.assert_array_equal(net.predict(X), out)
        with pytest.raises(ValueError, match="predict_proba needs a classifier"):
            net.predict_proba(X)
        return
    P = net.predict_proba(X)
    assert P.shape == out.shape and np.all((P >= 0) & (P <= 1))
    if P.shape[1] > 1:
        np.testing.assert_allclose(P.sum(axis=1), 1, rtol=1e-6)
        expected = P.argmax(axis=1)
    else:
        expected = (P[:, 0] > 0.5).astype(np.int64)  # a probability above 1/2: class 1
    np.testing.assert_array_equal(net.predict(X), expected)


def test_a_head_is_saved_and_old_files_infer_it(tmp_path):
    net = mlp([2, 3, 1], head="binary_logits", rng=0)
    save(net, tmp_path / "net.npz")
    loaded = load(tmp_path / "net.npz")
    assert loaded.head == "binary_logits"
    np.testing.assert_array_equal(loaded.predict_proba([[1.0, 2.0]]), net.predict_proba([[1.0, 2.0]]))
    old = tmp_path / "old.npz"  # version 1: no head recorded
    with np.load(tmp_path / "net.npz") as f:
        arrays = dict(f)
    meta = json.loads(str(arrays["__architecture__"]))
    del meta["head"]
    meta["version"] = 1
    arrays["__architecture__"] = np.array(json.dumps(meta))
    np.savez(old, **arrays)
    assert load(old).head == "regression"  # as before: one raw output is a value


def test_output_keeps_working_and_output_kind_keeps_its_names():
    assert mlp([2, 3, 1], output="sigmoid").head == "sigmoid"
    assert mlp([2, 3, 3], output="softmax").output_kind == "softmax"
    assert mlp([2, 3, 3]).output_kind == "logits"
    assert mlp([2, 3, 1]).output_kind == "linear"
    assert mlp([2, 3, 1], head="sigmoid")[-1].name.startswith("sigmoid")  # the head adds the layer
    assert mlp([2, 3, 2], head="regression").output_kind == "linear"


def test_input_scale_trains_on_uint8_like_on_floats(tmp_path):
    import dlbasics as dl

    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(64, 6), dtype=np.uint8)
    y = (images[:, 0] > images[:, 1]).astype(int)
    scaled = mlp([6, 5, 2], input_scale=1 / 255, rng=0)
    plain = mlp([6, 5, 2], rng=0)
    assert type(scaled[0]).__name__ == "Rescale" and scaled.n_in == 6
    h1 = dl.fit(scaled, images, y, epochs=3, batch_size=16, rng=0)
    h2 = dl.fit(plain, images * np.float32(1 / 255), y, epochs=3, batch_size=16, rng=0)
    np.testing.assert_allclose(h1.step_loss, h2.step_loss, rtol=1e-5)
    for a, b in zip(scaled.get_weights(), plain.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)
    np.testing.assert_array_equal(scaled.predict(images), plain.predict(images * np.float32(1 / 255)))
    save(scaled, tmp_path / "scaled.npz")
    loaded = load(tmp_path / "scaled.npz")
    assert loaded[0].scale == pytest.approx(1 / 255)
    np.testing.assert_array_equal(loaded.forward(images), scaled.forward(images))


def test_fit_does_not_convert_uint8_data_before_a_rescale_layer(monkeypatch):
    import dlbasics as dl
    from dlbasics import training

    seen = []
    real = training._train_step

    def spy(model, X_batch, *args, **kwargs):
        seen.append(X_batch.dtype)
        return real(model, X_batch, *args, **kwargs)

    monkeypatch.setattr(training, "_train_step", spy)
    images = np.random.default_rng(1).integers(0, 256, size=(20, 4), dtype=np.uint8)
    dl.fit(mlp([4, 3, 2], input_scale=1 / 255, rng=0), images, np.arange(20) % 2, epochs=1,
           batch_size=8, rng=0)
    assert seen and all(dt == np.uint8 for dt in seen)  # gathered as uint8, converted by the layer


def test_reuse_keyword_is_deprecated_but_still_works():
    net = mlp([2, 3, 2], rng=0)
    X = np.ones((4, 2))
    expected = net.forward(X).copy()
    with pytest.warns(DeprecationWarning, match=r"reusing_buffers"):
        out = net.forward(X, reuse=True)
    np.testing.assert_array_equal(out, expected)
    with pytest.warns(DeprecationWarning, match=r"reusing_buffers"):
        net.backward(np.ones_like(expected), reuse=True)


class OwnDense(dl.Layer):
    """A dense layer written from scratch, as a learner would: the Layer protocol only."""

    def __init__(self, n_in: int, n_out: int, rng: int = 0) -> None:
        super().__init__()
        self.n_in, self.n_out = n_in, n_out
        self.W = np.random.default_rng(rng).standard_normal((n_in, n_out)) * np.sqrt(2 / n_in)
        self.b = np.zeros(n_out)
        self.dW, self.db = np.zeros_like(self.W), np.zeros_like(self.b)

    def forward(self, X: np.ndarray) -> np.ndarray:
        self.X = X
        return X @ self.W + self.b

    def backward(self, dZ: np.ndarray, *, input_grad: bool = True) -> np.ndarray:
        self.dW[...] = self.X.T @ dZ
        self.db[...] = dZ.sum(axis=0)
        return dZ @ self.W.T

    def named_parameters(self) -> list[tuple[str, np.ndarray, np.ndarray]]:
        return [("W", self.W, self.dW), ("b", self.b, self.db)]


def test_a_layer_of_ones_own_stands_in_for_dense():
    X, y = dl.make_spirals(60, classes=3, rng=0)
    ref = dl.mlp([2, 8, 3], rng=0, dtype="float64")
    own = dl.mlp([2, 8, 3], rng=0, dtype="float64")
    mine = OwnDense(2, 8)
    mine.W[...], mine.b[...] = ref.dense_layers[0].W, ref.dense_layers[0].b
    own.layers[0] = mine
    own = dl.Sequential(own.layers)
    assert (own.n_in, own.n_out, own.n_params) == (2, 3, ref.n_params)
    assert "ownd" in own.summary() and "(N, 8)" in own.summary()
    np.testing.assert_allclose(own.forward(X), ref.forward(X), rtol=1e-12)
    assert dl.check_model(own, X[:6], y[:6]).max_rel_error < 1e-6
    for net in (ref, own):
        dl.fit(net, X, y, optimizer=dl.SGD(net.parameters(), lr=0.1), epochs=3, batch_size=20, rng=0)
    np.testing.assert_allclose(mine.W, ref.dense_layers[0].W, rtol=1e-10)
    with pytest.raises(ValueError, match=r"expected shape \(N, 2\).*'ownd\w*' \(OwnDense 2->8\)"):
        own.predict(np.zeros((3, 5)))
