"""The training loop: learning XOR and spirals, steps per epoch, shuffling, validation,
callbacks, early stopping, schedules, dtypes, divergence and bad input."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import dlbasics as dl
from dlbasics.training import DivergenceError, History, TrainingState, accuracy, evaluate, fit

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0, 1, 1, 0])


def small_problem(n=10, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 3)), rng.integers(0, 3, size=n)


# -- it learns -------------------------------------------------------------------------------
def test_2_4_1_network_learns_xor():
    net = dl.mlp([2, 4, 1], activation="tanh", output="sigmoid", rng=0)
    assert accuracy(net, XOR_X, XOR_Y) < 1.0  # not solved before training
    hist = fit(net, XOR_X, XOR_Y, optimizer=dl.Adam(net.parameters(), lr=0.1), epochs=300,
               batch_size=None)
    assert accuracy(net, XOR_X, XOR_Y) == 1.0
    np.testing.assert_array_equal(net.predict(XOR_X), XOR_Y)
    assert hist.accuracy[-1] == 1.0 and hist.loss[-1] < 0.1 < hist.loss[0]


def test_three_spirals_reach_95_percent():
    X, y = dl.make_spirals(300, classes=3, rng=0)
    net = dl.mlp([2, 48, 48, 3], rng=0)
    hist = fit(net, X, y, optimizer=dl.Adam(net.parameters(), lr=0.02), epochs=80, batch_size=16, rng=0)
    assert accuracy(net, X, y) >= 0.95
    assert hist.accuracy[-1] >= 0.9


def test_regression_with_mse():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(64, 2))
    y = 2 * X[:, 0] - X[:, 1] + 0.5
    net = dl.mlp([2, 1], rng=0)  # a linear model
    hist = fit(net, X, y, optimizer="sgd", lr=0.1, epochs=300, batch_size=None)
    assert hist.loss[-1] < 1e-6 and hist.accuracy == []
    np.testing.assert_allclose(net[0].W[:, 0], [2, -1], atol=1e-3)
    np.testing.assert_allclose(net[0].b, [0.5], atol=1e-3)


# -- steps, shuffling, history -----------------------------------------------------------------------
@pytest.mark.parametrize("batch_size, per_epoch", [(None, 1), (1, 10), (4, 3), (5, 2), (10, 1), (64, 1)])
def test_steps_per_epoch(batch_size, per_epoch):
    X, y = small_problem(10)
    hist = fit(dl.mlp([3, 4, 3], rng=0), X, y, epochs=3, batch_size=batch_size, rng=0)
    assert hist.steps == 3 * per_epoch == len(hist.step_loss)
    assert hist.epochs == 3 == len(hist.loss) == len(hist.accuracy) == len(hist.lr)


def _trained_weights(rng, shuffle=True):
    X, y = small_problem(20)
    net = dl.mlp([3, 5, 3], rng=0)
    fit(net, X, y, epochs=3, batch_size=4, rng=rng, shuffle=shuffle)
    return np.concatenate([w.ravel() for w in net.get_weights()])


def test_shuffling_is_reproducible_with_a_seed():
    np.testing.assert_array_equal(_trained_weights(1), _trained_weights(1))
    np.testing.assert_array_equal(_trained_weights(np.random.default_rng(1)), _trained_weights(1))
    assert not np.array_equal(_trained_weights(1), _trained_weights(2))
    np.testing.assert_array_equal(_trained_weights(1, shuffle=False), _trained_weights(2, shuffle=False))


def test_epoch_loss_is_the_mean_of_the_step_losses():
    X, y = small_problem(12)
    hist = fit(dl.mlp([3, 4, 3], rng=0), X, y, optimizer="sgd", lr=0.1, epochs=2, batch_size=4,
               shuffle=False)
    assert hist.loss[0] == pytest.approx(np.mean(hist.step_loss[:3]), rel=1e-6)
    assert hist.loss[1] == pytest.approx(np.mean(hist.step_loss[3:]), rel=1e-6)


def test_full_batch_loss_is_the_loss_before_the_step():
    X, y = small_problem(12)
    net = dl.mlp([3, 4, 3], rng=0)
    before, acc_before = evaluate(net, X, y)
    hist = fit(net, X, y, epochs=1, batch_size=None)
    assert hist.loss[0] == pytest.approx(before, rel=1e-6)
    assert hist.accuracy[0] == pytest.approx(acc_before)


def test_validation_history():
    X, y = small_problem(30)
    Xv, yv = small_problem(15, seed=1)
    net = dl.mlp([3, 6, 3], rng=0)
    hist = fit(net, X, y, epochs=4, validation_data=(Xv, yv), rng=0)
    assert len(hist.val_loss) == len(hist.val_accuracy) == 4
    assert all(0 <= a <= 1 for a in hist.val_accuracy)
    loss, acc = evaluate(net, Xv, yv)
    assert hist.val_loss[-1] == pytest.approx(loss, rel=1e-6)
    assert hist.val_accuracy[-1] == pytest.approx(acc)
    assert hist.best_epoch == int(np.argmin(hist.val_loss)) + 1
    assert not hist.stopped_early


# -- callbacks and early stopping ---------------------------------------------------------------------
def test_callbacks_every_n_steps_and_every_epoch():
    X, y = small_problem(10)
    net = dl.mlp([3, 4, 3], rng=0)
    seen: list[tuple[str, int, int]] = []

    def record(state: TrainingState):
        assert state.model is net and isinstance(state.history, History)
        assert isinstance(state.optimizer, dl.SGD) and math.isfinite(state.loss)
        seen.append((state.event, state.epoch, state.step))

    hist = fit(net, X, y, epochs=2, batch_size=2, callbacks=[record], callback_every=3)  # 5 steps/epoch
    steps = [(e, s) for ev, e, s in seen if ev == "step"]
    assert steps == [(1, 3), (2, 6), (2, 9)]
    assert [(e, s) for ev, e, s in seen if ev == "epoch"] == [(1, 5), (2, 10)]
    assert not hist.stopped_early and hist.steps == 10


def test_callback_returning_true_stops():
    X, y = small_problem(10)
    hist = fit(dl.mlp([3, 4, 3], rng=0), X, y, epochs=5, batch_size=1,
               callbacks=[lambda state: state.step == 7])
    assert hist.stopped_early and hist.steps == 7 and hist.epochs == 1


def test_callback_setting_stop_stops_after_the_epoch():
    X, y = small_problem(10)

    def stop_at_epoch_end(state):
        if state.event == "epoch" and state.epoch == 2:
            state.stop = True

    hist = fit(dl.mlp([3, 4, 3], rng=0), X, y, epochs=5, batch_size=5, callbacks=[stop_at_epoch_end])
    assert hist.stopped_early and hist.epochs == 2 and hist.steps == 4


def test_early_stopping_restores_the_best_weights():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(20, 2)), rng.normal(size=20)  # noise: the network can only overfit it
    Xv, yv = rng.normal(size=(20, 2)), rng.normal(size=20)
    net = dl.mlp([2, 32, 1], rng=0)
    hist = fit(net, X, y, optimizer=dl.Adam(net.parameters(), lr=0.05), epochs=200, batch_size=None,
               validation_data=(Xv, yv), early_stopping=5)
    assert hist.stopped_early and hist.epochs < 200
    best = int(np.argmin(hist.val_loss))
    assert hist.best_epoch == best + 1 and hist.epochs == hist.best_epoch + 5
    assert hist.val_loss[-1] > hist.val_loss[best]  # the last weights were worse ...
    assert evaluate(net, Xv, yv)[0] == pytest.approx(hist.val_loss[best], rel=1e-6)  # ... and are gone


def test_early_stopping_needs_validation_data():
    X, y = small_problem()
    with pytest.raises(ValueError, match="early_stopping needs validation_data"):
        fit(dl.mlp([3, 3], rng=0), X, y, early_stopping=3)


# -- learning-rate schedules -------------------------------------------------------------------------
def test_step_lr_changes_the_rate_each_epoch():
    X, y = small_problem()
    net = dl.mlp([3, 4, 3], rng=0)
    opt = dl.SGD(net.parameters(), lr=0.4)
    hist = fit(net, X, y, optimizer=opt, epochs=5, scheduler=dl.StepLR(opt, step_size=2, gamma=0.5))
    assert hist.lr == pytest.approx([0.4, 0.4, 0.2, 0.2, 0.1])


def test_cosine_schedule_in_fit():
    X, y = small_problem()
    net = dl.mlp([3, 4, 3], rng=0)
    opt = dl.Adam(net.parameters(), lr=0.01)
    hist = fit(net, X, y, optimizer=opt, epochs=4, scheduler=dl.CosineAnnealingLR(opt, T_max=4))
    expected = [0.01 * (1 + math.cos(math.pi * e / 4)) / 2 for e in range(4)]
    assert hist.lr == pytest.approx(expected)


# -- dtypes --------------------------------------------------------------------------------------
@pytest.mark.parametrize("optimizer", ["sgd", "rmsprop", "adam"])
def test_training_stays_float32(optimizer):
    X, y = small_problem(16)
    assert X.dtype == np.float64
    net = dl.mlp([3, 4, 3], rng=0)
    fit(net, X, y, optimizer=optimizer, epochs=2, batch_size=4, rng=0)
    for name, p, g in net.named_parameters():
        assert p.dtype == np.float32 and g.dtype == np.float32, name
    assert net.forward(X).dtype == np.float32


def test_float64_networks_train_in_float64():
    X, y = small_problem(16)
    net = dl.mlp([3, 4, 3], rng=0, dtype=np.float64)
    fit(net, X.astype(np.float32), y, epochs=2, rng=0)
    assert all(p.dtype == np.float64 for p, _ in net.parameters())


def test_one_hot_labels_and_callable_loss():
    X, y = small_problem(16)
    a, b = dl.mlp([3, 4, 3], rng=0), dl.mlp([3, 4, 3], rng=0)
    ha = fit(a, X, y, epochs=2, shuffle=False)
    hb = fit(b, X, dl.one_hot(y, 3), epochs=2, shuffle=False)
    assert ha.loss == pytest.approx(hb.loss, rel=1e-5)
    c = dl.mlp([3, 4, 3], rng=0)  # a callable loss gets targets shaped like the output
    hc = fit(c, X, dl.one_hot(y, 3), loss=dl.cross_entropy, epochs=2, shuffle=False)
    assert hc.loss == pytest.approx(ha.loss, rel=1e-5)


def test_progress_bar_does_not_change_the_result():
    X, y = small_problem(16)
    a, b = dl.mlp([3, 4, 3], rng=0), dl.mlp([3, 4, 3], rng=0)
    fit(a, X, y, epochs=2, rng=0)
    fit(b, X, y, epochs=2, rng=0, progress=True)
    for wa, wb in zip(a.get_weights(), b.get_weights(), strict=True):
        np.testing.assert_array_equal(wa, wb)


# -- evaluate and accuracy ------------------------------------------------------------------------
def test_evaluate_and_accuracy():
    net = dl.mlp([2, 2], rng=0)
    net[0].W[...] = [[1, 0], [0, 1]]  # logits = inputs: predicts the larger coordinate
    X = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 0.0], [0.0, 3.0]])
    y = np.array([0, 1, 1, 1])
    assert accuracy(net, X, y) == 0.75
    assert accuracy(net, X, dl.one_hot(y)) == 0.75
    loss, acc = evaluate(net, X, y)
    assert acc == 0.75
    assert loss == pytest.approx(dl.cross_entropy(X, y)[0], rel=1e-6)
    loss, acc = evaluate(dl.mlp([2, 1], rng=0), X, y.astype(float))
    assert acc is None and loss > 0  # regression: no accuracy


# -- divergence ----------------------------------------------------------------------------------
def _regression(n=64):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, 3))
    return X, X @ np.array([1.0, -2.0, 3.0]) + 0.5


@pytest.mark.parametrize("lr", [1e6, 1e39])  # 1e39 overflows float32 in a single update
@pytest.mark.parametrize("batch_size", [None, 8])
def test_huge_learning_rate_raises_divergence_error(lr, batch_size):
    X, y = _regression()
    net = dl.mlp([3, 8, 1], rng=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # reported by the exception, not by numpy warnings
        with pytest.raises(DivergenceError, match="diverged.*Try a smaller learning rate") as info:
            fit(net, X, y, optimizer=dl.SGD(net.parameters(), lr=lr), epochs=20, batch_size=batch_size,
                rng=0)
    assert isinstance(info.value, FloatingPointError)
    assert isinstance(info.value.history, History)
    for name, p, _ in net.named_parameters():
        assert np.all(np.isfinite(p)), name


def test_a_sane_learning_rate_does_not_diverge():
    X, y = _regression()
    net = dl.mlp([3, 8, 1], rng=0)
    hist = fit(net, X, y, optimizer=dl.SGD(net.parameters(), lr=0.01), epochs=20, rng=0)
    assert hist.loss[-1] < hist.loss[0]


# -- bad input ------------------------------------------------------------------------------------
def test_wrong_input_width():
    net = dl.mlp([3, 4, 3], rng=0)
    with pytest.raises(ValueError, match=r"expected shape \(N, 3\).*got \(5, 4\)"):
        fit(net, np.zeros((5, 4)), np.zeros(5, int))
    with pytest.raises(ValueError, match=r"expected shape \(N, 3\).*got \(5, 3, 1\)"):
        fit(net, np.zeros((5, 3, 1)), np.zeros(5, int))


def test_non_finite_inputs():
    net = dl.mlp([3, 4, 3], rng=0)
    for bad in (np.nan, np.inf):
        X = np.zeros((5, 3))
        X[1, 2] = bad
        with pytest.raises(ValueError, match=r"NaN or inf \(first at row 1, column 2\)"):
            fit(net, X, np.zeros(5, int))
    X, y = small_problem(5)
    with pytest.raises(ValueError, match="validation.*NaN or inf|NaN or inf"):
        fit(net, X, y, validation_data=(np.full((2, 3), np.nan), [0, 1]))
    with pytest.raises(ValueError, match="targets contain NaN or inf"):
        fit(dl.mlp([3, 1], rng=0), X, [0.0, 1.0, np.nan, 2.0, 3.0])


def test_label_errors():
    X, y = small_problem(10)
    net = dl.mlp([3, 4, 3], rng=0)
    with pytest.raises(ValueError, match=r"got 10 samples but targets of shape \(9,\)"):
        fit(net, X, y[:9])
    with pytest.raises(ValueError, match=r"integer labels of shape \(10,\) or one-hot \(10, 3\), "
                                         r"got \(10, 2\)"):
        fit(net, X, np.zeros((10, 2)))
    labels = np.arange(10) % 3  # 0, 1, 2, 0, ...
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 2\] for 3 classes, "
                                         r"got range \[0, 5\]"):
        fit(net, X, np.r_[5, labels[1:]])
    with pytest.raises(ValueError, match=r"got range \[-1, 2\]"):
        fit(net, X, np.r_[-1, labels[1:]])
    with pytest.raises(ValueError, match="class labels must be integers, got dtype float64"):
        fit(net, X, y + 0.5)
    with pytest.raises(ValueError, match="class labels must be integers"):
        fit(net, X, np.r_[np.nan, y[1:]])
    binary = dl.mlp([3, 4, 1], output="sigmoid", rng=0)
    with pytest.raises(ValueError, match="binary cross-entropy needs labels 0 or 1"):
        fit(binary, X, y)  # labels 0, 1, 2
    with pytest.raises(ValueError, match=r"expected targets of shape \(10, 1\), got \(10, 2\)"):
        fit(binary, X, np.zeros((10, 2)))


def test_unknown_names():
    X, y = small_problem()
    with pytest.raises(ValueError, match=r"unknown loss 'hinge'; expected one of"):
        fit(dl.mlp([3, 3], rng=0), X, y, loss="hinge")
    with pytest.raises(ValueError, match=r"unknown optimizer 'adagrad'"):
        fit(dl.mlp([3, 3], rng=0), X, y, optimizer="adagrad")
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        dl.mlp([3, 4, 3], activation="swish")


@pytest.mark.parametrize("optimizer", ["sgd", "rmsprop", "adam"])
@pytest.mark.parametrize("lr", [0.0, -0.01, float("nan")])
def test_non_positive_learning_rate(optimizer, lr):
    X, y = small_problem()
    with pytest.raises(ValueError, match=rf"lr must be a positive number, got {lr!r}"):
        fit(dl.mlp([3, 3], rng=0), X, y, optimizer=optimizer, lr=lr)


def test_other_argument_errors():
    X, y = small_problem()
    net = dl.mlp([3, 3], rng=0)
    with pytest.raises(ValueError, match="give lr to the optimizer you built"):
        fit(net, X, y, optimizer=dl.SGD(net.parameters()), lr=0.1)
    with pytest.raises(ValueError, match="epochs must be >= 1, got 0"):
        fit(net, X, y, epochs=0)
    with pytest.raises(ValueError, match="batch_size must be >= 1 or None"):
        fit(net, X, y, batch_size=0)
    with pytest.raises(ValueError, match="callback_every must be >= 1, got 0"):
        fit(net, X, y, callback_every=0)
    with pytest.raises(TypeError, match="model must be a dlbasics Sequential, got Dense"):
        fit(dl.Dense(3, 3), X, y)


# -- one step, and fit as a loop of steps --------------------------------------------------------
def test_train_step_is_forward_loss_backward_step():
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(16, 2)), rng.integers(0, 2, size=16)
    net = dl.mlp([2, 5, 1], activation="tanh", output="sigmoid", rng=0, dtype=np.float64)
    by_hand = dl.mlp([2, 5, 1], activation="tanh", output="sigmoid", rng=0, dtype=np.float64)
    opt = dl.SGD(net.parameters(), lr=0.3)
    for _ in range(2):  # twice: the gradients are overwritten, never accumulated
        value = dl.train_step(net, X, y, "auto", opt)
        p = by_hand.forward(X)
        expected, dZ = dl.binary_cross_entropy_from_sigmoid(p, y)
        by_hand.backward(dZ, skip_last=1)  # the fused gradient starts below the Sigmoid layer
        for W, dW in by_hand.parameters():
            W -= 0.3 * dW
        assert value == pytest.approx(expected, rel=1e-12)
    for a, b in zip(net.get_weights(), by_hand.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12)


def test_fit_is_train_step_over_the_batches():
    X, y = dl.make_blobs(50, centers=3, rng=1)
    net, loop = dl.mlp([2, 6, 3], rng=2), dl.mlp([2, 6, 3], rng=2)
    hist = fit(net, X, y, optimizer=dl.SGD(net.parameters(), lr=0.2), epochs=2, batch_size=16, rng=5)
    opt = dl.SGD(loop.parameters(), lr=0.2)
    rng = np.random.default_rng(5)
    steps = [dl.train_step(loop, X[idx], y[idx], "auto", opt)
             for _ in range(2) for idx in dl.training.batch_indices(50, 16, rng=rng)]
    np.testing.assert_allclose(hist.step_loss, steps, rtol=1e-6)
    for a, b in zip(net.get_weights(), loop.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


def test_batch_indices_cover_every_sample_once():
    parts = list(dl.training.batch_indices(10, 4, rng=0))
    assert [len(p) for p in parts] == [4, 4, 2]
    assert sorted(np.concatenate(parts).tolist()) == list(range(10))
    assert list(dl.training.batch_indices(10, 10, rng=0)) == [slice(0, 10)]  # one batch: no copy


def test_a_diverged_step_is_not_taken():
    net = dl.mlp([3, 1], rng=0, dtype=np.float64)
    before = net.get_weights()
    value = dl.train_step(net, np.full((2, 3), 1e200), [0.0, 1.0], "mse", dl.SGD(net.parameters()))
    assert not math.isfinite(value)
    for a, b in zip(net.get_weights(), before, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(("head", "loss"), [("binary_logits", "auto"), (None, "bce_with_logits"),
                                             ("sigmoid", "auto"), ("logits", "auto"), ("softmax", "auto")])
def test_every_classifier_records_accuracy(head, loss):
    X, y = dl.make_blobs(80, rng=0)
    n_out = 1 if head in ("binary_logits", "sigmoid", None) else 2
    net = dl.mlp([2, 8, n_out], head=head, rng=0)
    hist = fit(net, X, y, loss=loss, optimizer="adam", lr=0.05, epochs=30, rng=0)
    assert len(hist.accuracy) == 30 and hist.accuracy[-1] > 0.9
    if head is not None:
        assert hist.accuracy[-1] == pytest.approx(dl.accuracy(net, X, y), abs=0.1)
        assert set(np.unique(net.predict(X))) <= {0, 1}


def test_callbacks_get_fresh_arrays_not_the_loops_buffers():
    X, y = dl.make_blobs(40, rng=0)
    net = dl.mlp([2, 4, 2], rng=0)
    kept = []
    fit(net, X, y, epochs=2, batch_size=10, rng=0, callbacks=[lambda s: kept.append(s.model.forward(X[:3]))])
    assert len({id(a) for a in kept}) == len(kept)  # every call gave its own array
    np.testing.assert_array_equal(kept[-1], net.forward(X[:3]))  # and the last is still intact
