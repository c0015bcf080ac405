"""Notebook 07's build-it-yourself exercises, its early-stopping exercise and self-check questions.

A table of (answer, verdict, message) per check: a right implementation, the scaffold, and each
slip the check diagnoses as a small buggy implementation; every row also runs through the
raising form. No ❌ message may contain what the learner's answer should have been.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from exercise_helpers import BAD, OK, WAIT, feedback, verdict

import dlbasics as dl
from dlbasics.exercises import ch07
from dlbasics.mnist import load_mnist_sample

# -- the training loop --------------------------------------------------------------------------------


def train_loop(model, X, y, *, loss, optimizer, epochs, batch_size, validation_data, patience, rng):
    """The notebook's solution."""
    X_val, y_val = validation_data
    n = len(X)
    train_losses, val_losses = [], []
    best_loss, best_weights, waited = np.inf, model.get_weights(), 0
    for _ in range(epochs):
        order = rng.permutation(n)
        total = 0.0
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]
            value, dout = loss(model.forward(X[idx]), y[idx])
            model.backward(dout)
            optimizer.step()
            total += value * len(idx)
        train_losses.append(total / n)
        val_loss, _ = loss(model.forward(X_val), y_val)
        val_losses.append(val_loss)
        if val_loss < best_loss:
            best_loss, best_weights, waited = val_loss, model.get_weights(), 0
        else:
            waited += 1
            if waited >= patience:
                break
    model.set_weights(best_weights)
    return train_losses, val_losses


def loop_scaffold(model, X, y, *, loss, optimizer, epochs, batch_size, validation_data, patience, rng):
    ...


def other_style(model, X, y, *, loss, optimizer, epochs, batch_size, validation_data, patience, rng):
    """Also right: rng.shuffle of an index array, dl.evaluate for the validation loss, the mean of
    the batch means as the training loss, and `==` on the patience count."""
    n, idx_all = len(X), np.arange(len(X))
    train_losses, val_losses, best, best_w, wait = [], [], None, None, 0
    for _ in range(epochs):
        rng.shuffle(idx_all)
        batch_means = []
        for start in range(0, n, batch_size):
            i = idx_all[start:start + batch_size]
            value, dout = loss(model.forward(X[i]), y[i])
            model.backward(dout)
            optimizer.step()
            batch_means.append(value)
        train_losses.append(float(np.mean(batch_means)))
        v, _ = dl.evaluate(model, *validation_data)
        val_losses.append(v)
        if best is None or v < best:
            best, best_w, wait = v, model.get_weights(), 0
        else:
            wait += 1
            if wait == patience:
                break
    model.set_weights(best_w)
    return train_losses, val_losses


def slip(**bug: bool) -> Callable[..., Any]:
    """The solution with one slip switched on."""

    def loop(model, X, y, *, loss, optimizer, epochs, batch_size, validation_data, patience, rng):
        X_val, y_val = (X, y) if bug.get("val_on_train") else validation_data
        n = len(X)
        train_losses, val_losses = [], []
        best_loss, best_weights, waited = np.inf, model.get_weights(), 0
        once = rng.permutation(n)
        for _ in range(epochs):
            order = (once if bug.get("once") else np.arange(n) if bug.get("no_shuffle")
                     else rng.integers(0, n, n) if bug.get("with_replacement") else rng.permutation(n))
            total = 0.0
            end = n - batch_size + 1 if bug.get("drop_last") else n
            step = 1 if bug.get("per_sample") else batch_size
            for start in range(0, end, step):
                idx = order[start:start + batch_size]
                if bug.get("zero_grad"):
                    optimizer.zero_grad()
                out = model.forward(X[idx])
                value, dout = loss(out, y[idx])
                if not bug.get("no_backward"):
                    model.backward(dout)
                if bug.get("zero_after_backward"):
                    for _, g in model.parameters():
                        g[...] = 0
                if bug.get("rebind"):
                    for layer in model.dense_layers:
                        layer.dW = np.zeros_like(layer.dW)
                if not bug.get("no_step"):
                    optimizer.step()
                if bug.get("step_twice"):
                    optimizer.step()
                total += value if bug.get("sum") else value * len(idx)
            train_losses.append(value if bug.get("last_batch") else total if bug.get("sum") else total / n)
            val_loss, _ = loss(model.forward(X_val), y_val)
            val_losses.append(val_loss * len(X_val) if bug.get("val_sum") else val_loss)
            if bug.get("no_early_stopping"):
                continue
            if val_loss < best_loss:
                best_loss, waited = val_loss, 0
                best_weights = ([p for p, _ in model.parameters()] if bug.get("no_copy")
                                else model.get_weights())
            else:
                waited += 1
                if waited >= patience - (1 if bug.get("one_early") else 0):
                    break
            if bug.get("no_reset") and waited:
                best_loss = -np.inf  # never a new best after the first miss
        if not bug.get("no_restore"):
            model.set_weights(best_weights)
        if bug.get("returns_one"):
            return val_losses
        return train_losses, val_losses

    loop.__name__ = "_".join(bug)
    return loop


def raises(model, X, y, **kwargs):
    return model.forward(X[:, :2])  # the wrong width


def backward_of_the_loss_value(model, X, y, *, loss, **kwargs):
    value, dout = loss(model.forward(X), y)
    model.backward(np.full((3, 3), value))  # the loss instead of its gradient


LOOP_CASES = [
    (train_loop, OK, r"shuffled mini-batches per epoch.*put epoch \d+'s weights back"),
    (other_style, OK, r"correct"),
    (ch07.train_with_fit, OK, r"correct"),
    (loop_scaffold, WAIT, r"^⏳ training loop: not done yet"),
    (..., WAIT, r"^⏳ training loop: not done yet"),
    (raises, BAD, r"it raised ValueError.*expected input of shape \(N, 6\), got \(90, 2\) in the line "
                  r"`return model\.forward"),
    (backward_of_the_loss_value, BAD, r"it raised ValueError.*in the line `model\.backward\(np\.full"),
    (slip(returns_one=True), BAD, r"return two lists.*one number per epoch"),
    (slip(no_step=True), BAD, r"optimizer\.step\(\) is never called"),
    (slip(no_backward=True), BAD, r"every gradient was zero.*call model\.backward\(dout\) before"),
    (slip(step_twice=True), BAD, r"saw the very gradients of the previous step"),
    (slip(zero_grad=True), BAD, r"it raised AttributeError: a dlbasics optimizer has no zero_grad, and needs "
                                r"none.*in the line `optimizer\.zero_grad\(\)`"),
    (slip(zero_after_backward=True), BAD, r"every gradient was zero when the optimizer stepped"),
    (slip(rebind=True), BAD, r"no longer sees the layers' gradients.*layer\.dW = "),
    (slip(val_on_train=True), BAD, r"validation loss is computed on the training images"),
    (slip(drop_last=True), BAD, r"epoch 1 took 5 optimizer steps: the last, smaller batch is left out"),
    (slip(per_sample=True), BAD, r"too many steps|one step per image"),
    (slip(with_replacement=True), BAD, r"used twice and others never"),
    (slip(no_shuffle=True), BAD, r"order of the data, never shuffled"),
    (slip(once=True), BAD, r"every epoch visits the batches in the same order"),
    (slip(val_sum=True), BAD, r"validation losses are 60× too large: summed over the images"),
    (slip(sum=True), BAD, r"training losses look like the sum of the batch losses"),
    (slip(last_batch=True), BAD, r"only its last batch's"),
    (slip(no_early_stopping=True), BAD, r"ran every epoch\): early stopping is missing"),
    (slip(one_early=True), BAD, r"stopped one epoch too early"),
    (slip(no_reset=True), BAD, r"trained on after the patience ran out|stopped too early"),
    (slip(no_restore=True), BAD, r"keeps the weights of the last epoch, not of the best one"),
    (slip(no_copy=True), BAD, r"keeps the weights of the last epoch.*model\.get_weights\(\)"),
]


@pytest.mark.parametrize(("answer", "want", "pattern"), LOOP_CASES,
                         ids=[getattr(a, "__name__", "blank") for a, _, _ in LOOP_CASES])
def test_check_training_loop(answer: Any, want: str, pattern: str) -> None:
    message = feedback(ch07.check_training_loop, answer)
    assert verdict(message) == want, message
    assert re.search(pattern, message, re.S), message


def test_the_loop_problem_gives_early_stopping_something_to_do():
    """With the check's own problem the validation loss falls first, then rises: a run with
    early stopping ends before the last epoch, with a best epoch after the first, whatever
    order of batches a right loop draws."""
    for seed in range(4):
        _, model, _, kwargs = ch07._traced_setup(seed)
        _, val = train_loop(model, **kwargs)
        assert 1 < int(np.argmin(val)) + 1 < len(val) < ch07._LOOP_EPOCHS


def test_the_training_loop_message_for_a_slip_names_no_expected_count():
    """The ❌ lines never give the number of steps an epoch should take, nor when it should stop."""
    _, model, _, kwargs = ch07._traced_setup()
    _, val = train_loop(model, **kwargs)
    steps = str(-(-ch07._LOOP_N // ch07._LOOP_BATCH))
    stop, best = str(len(val)), str(int(np.argmin(val)) + 1)
    for answer, want, _ in LOOP_CASES:
        if want == BAD and answer not in (raises, backward_of_the_loss_value):  # those quote the error
            message = feedback(ch07.check_training_loop, answer)
            assert not re.search(rf"\b({steps}|{stop}|{best})\b", message.replace("epoch 1 ", "")), message


def test_use_gives_the_learners_loop_or_the_library_s(capsys):
    assert ch07.use("training loop", train_loop, ch07.train_with_fit, ch07.check_training_loop) is train_loop
    got = ch07.use("training loop", loop_scaffold, ch07.train_with_fit, ch07.check_training_loop)
    assert got is ch07.train_with_fit
    assert "using the library's training loop until yours passes its check" in capsys.readouterr().out


@pytest.mark.parametrize("loop", [train_loop, ch07.train_with_fit])
def test_the_learners_loop_trains_on_8_bit_digits(loop):
    """The loop the notebook plugs in trains a Rescale-first network on uint8 images and keeps
    the weights of its best validation epoch."""
    data = load_mnist_sample()
    X = data.X_train.reshape(len(data.X_train), 784)[:1500]
    y = data.y_train[:1500]
    X_val, y_val = data.X_test.reshape(len(data.X_test), 784)[:500], data.y_test[:500]
    net = dl.mlp([784, 32, 10], rng=0, input_scale=1 / 255)
    train, val = loop(net, X, y, loss=dl.losses.cross_entropy, optimizer=dl.Adam(net.parameters(), lr=3e-3),
                      epochs=6, batch_size=64, validation_data=(X_val, y_val), patience=2,
                      rng=np.random.default_rng(0))
    assert len(train) == len(val) and train[-1] < train[0]
    assert np.isclose(dl.evaluate(net, X_val, y_val)[0], min(val), rtol=1e-5)
    assert dl.accuracy(net, X_val, y_val) > 0.8


# -- the confusion matrix -----------------------------------------------------------------------------


def cm_right(y_true, y_pred, k):
    cm = np.zeros((k, k), dtype=int)
    np.add.at(cm, (y_true, y_pred), 1)
    return cm


def cm_loop(y_true, y_pred, k):  # slow but right
    cm = [[0] * k for _ in range(k)]
    for t, p in zip(y_true, y_pred, strict=True):
        cm[t][p] += 1
    return cm


def cm_scaffold(y_true, y_pred, k):
    ...


def cm_swapped(y_true, y_pred, k):
    return cm_right(y_pred, y_true, k)


def cm_fancy(y_true, y_pred, k):
    cm = np.zeros((k, k), dtype=int)
    cm[y_true, y_pred] += 1
    return cm


def cm_fractions(y_true, y_pred, k):
    cm = cm_right(y_true, y_pred, k)
    return cm / np.maximum(cm.sum(axis=1, keepdims=True), 1)


def cm_fixed_size(y_true, y_pred, k):
    return cm_right(y_true, y_pred, 4)


def cm_plus_one(y_true, y_pred, k):
    return cm_right(y_true, y_pred, k) + np.eye(k, dtype=int)


def cm_row_off(y_true, y_pred, k):
    cm = cm_right(y_true, y_pred, k)
    cm[1] = cm[1][::-1]
    return cm


def cm_text(y_true, y_pred, k):
    return "a matrix"


CM_CASES = [
    (cm_right, OK, r"Every sample counted once"),
    (cm_loop, OK, r"correct"),
    (ch07.confusion_matrix, OK, r"correct"),
    (cm_scaffold, WAIT, r"^⏳ confusion_matrix: not done yet"),
    (..., WAIT, r"^⏳ confusion_matrix: not done yet"),
    (cm_swapped, BAD, r"rows and columns are swapped"),
    (cm_fancy, BAD, r"counted once however often it occurs.*np\.add\.at"),
    (cm_fractions, BAD, r"these are fractions"),
    (cm_fixed_size, BAD, r"for 5 classes expected shape \(5, 5\).*got \(4, 4\)"),
    (cm_plus_one, BAD, r"the entries add up to \d+, but there are 60 samples"),
    (cm_row_off, BAD, r"row 1 is off, the other rows are right"),
    (cm_text, BAD, r"expected a \(4, 4\) array of counts, got str"),
]


@pytest.mark.parametrize(("answer", "want", "pattern"), CM_CASES,
                         ids=[getattr(a, "__name__", "blank") for a, _, _ in CM_CASES])
def test_check_confusion_matrix(answer: Any, want: str, pattern: str) -> None:
    message = feedback(ch07.check_confusion_matrix, answer)
    assert verdict(message) == want, message
    assert re.search(pattern, message, re.S), message


def test_a_wrong_confusion_matrix_reveals_no_count():
    right = {str(v) for y, p, k in ch07._cm_problems() for v in ch07.confusion_matrix(y, p, k).ravel()
             if v >= 10}
    for answer, want, _ in CM_CASES:
        if want == BAD:
            message = feedback(ch07.check_confusion_matrix, answer)
            assert not [v for v in right if re.search(rf"\b{v}\b", message)], message


def test_the_reference_confusion_matrix():
    cm = ch07.confusion_matrix([0, 1, 1, 2, 1], [0, 1, 2, 2, 1], 3)
    assert cm.tolist() == [[1, 0, 0], [0, 2, 1], [0, 0, 1]] and cm.dtype == np.int64


# -- early stopping on a curve ------------------------------------------------------------------------

ES_CASES = [
    ((6, 9), OK, r"^✅ stop_epoch: correct\.\n✅ best_epoch: correct\.$"),
    ((..., ...), WAIT, r"^⏳ stop_epoch: not done yet.*\n⏳ best_epoch: not done yet"),
    ((6, ...), WAIT, r"^⏳ stop_epoch.*\n✅ best_epoch"),
    ((10, 9), BAD, r"best_epoch: not yet — that loss is lower, but the run has already stopped"),
    ((9, 9), BAD, r"best_epoch: not yet — that is where training stops"),
    ((5, 8), BAD, r"stop_epoch: not yet — one epoch too early.*\n.*best_epoch: not yet — epochs count "
                  r"from 1"),
    ((6, 10), BAD, r"stop_epoch: not yet — one epoch too late"),
    ((6, 12), BAD, r"stop_epoch: not yet — that is the last epoch of the curve"),
    ((4, 7), BAD, r"stop_epoch: not yet — a new lowest loss starts the count again.*\n"
                  r".*best_epoch: not yet — a later epoch, before the stop, has an even lower loss"),
    ((2, 3), BAD, r"stop_epoch: not yet — too early.*\n.*best_epoch: not yet — that is not the epoch"),
    ((11, 30), BAD, r"stop_epoch: not yet — too late.*\n.*best_epoch: not yet — training stops before that"),
    ((6.5, 9), BAD, r"best_epoch: not yet"),
    (("six", 9), BAD, r"best_epoch: not yet — expected an epoch number, got str"),
]


@pytest.mark.parametrize(("answer", "want", "pattern"), ES_CASES, ids=[str(a) for a, _, _ in ES_CASES])
def test_check_early_stopping(answer: tuple[Any, Any], want: str, pattern: str) -> None:
    message = feedback(ch07.check_early_stopping, *answer)
    assert verdict(message) == want, message
    assert re.search(pattern, message, re.S), message
    for line in message.split("\n"):
        if line.startswith(BAD):
            assert not re.search(r"\b(6|9)\b", line), line


def test_the_early_stopping_answer_follows_from_the_curve():
    """The right answer is computed from VAL_CURVE and PATIENCE, not written down: another curve
    has another answer."""
    assert verdict(feedback(ch07.check_early_stopping, 2, 5, (0.5, 0.4, 0.45, 0.46, 0.47, 0.1), 3)) == OK
    assert ch07._stop_epoch(np.array(ch07.VAL_CURVE), ch07.PATIENCE, len(ch07.VAL_CURVE)) == 9


# -- self-check questions -----------------------------------------------------------------------------

QUESTIONS = [
    ("test_set", "c", OK, r"optimistic estimate"),
    ("test_set", "a", BAD, r"not \(a\).*chose the learning rate"),
    ("test_set", "b", BAD, r"not \(b\).*noise of the estimate, not the bias"),
    ("test_set", "d", BAD, r"not \(d\).*overfitting included"),
    ("curves", "b", OK, r"overfitting, which early stopping ends"),
    ("curves", "a", BAD, r"does not make the validation loss rise"),
    ("curves", "c", BAD, r"training loss that stays high"),
    ("curves", "d", BAD, r"usual picture of overfitting"),
    ("uint8", "a", OK, r"four times the memory"),
    ("uint8", "b", BAD, r"float32 either way"),
    ("uint8", "c", BAD, r"only the memory differs"),
    ("uint8", "d", BAD, r"weights are floats in either case"),
    ("uint8", "e", BAD, r"answer with one of the letters"),
    ("patience", 17, OK, r"patience is used up"),
    ("patience", 12, BAD, r"that is the best epoch"),
    ("patience", 16, BAD, r"one epoch too early"),
    ("patience", 18, BAD, r"one epoch too late"),
    ("patience", 60, BAD, r"long before the last epoch"),
    ("patience", 30, BAD, r"too large"),
    ("patience", ..., WAIT, r"not done yet"),
    (..., "a", WAIT, r"^⏳ question: not done yet"),
]


@pytest.mark.parametrize(("name", "answer", "want", "pattern"), QUESTIONS)
def test_question(name: str, answer: Any, want: str, pattern: str) -> None:
    message = feedback(ch07.check_question, name, answer)
    assert verdict(message) == want, message
    assert re.search(pattern, message), message
    if want == BAD and name == "patience":
        assert "17" not in message


def test_every_question_has_feedback_for_each_option_and_a_hint():
    for q in ch07.QUESTIONS.values():
        if isinstance(q, ch07.Choice):
            assert set(q.options) == {"a", "b", "c", "d"}
    for name in ("training_loop", "confusion_matrix", "early_stopping", "question"):
        ch07.hint(name, level=1)
