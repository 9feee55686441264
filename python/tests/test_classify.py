import threading

import numpy as np
import pytest

import cocob
from conftest import blobs


def model_on(ctx, features=4, classes=3, **kw):
    return cocob.Model(ctx, features, f"dense:16,relu,dense:{classes}", **kw)


def test_fit_learns_blobs_and_reports_each_epoch(ctx):
    x, y = blobs(600)
    xt, yt = blobs(200, seed=0)
    m = model_on(ctx)
    history = m.fit(x, y, epochs=3, batch=50, validation=(xt, yt), verbose=False)
    assert [e["epoch"] for e in history] == [1, 2, 3]
    assert history[-1]["loss"] < history[0]["loss"]
    assert history[-1]["val_accuracy"] > 0.95
    assert all(e["seconds"] > 0 and e["examples_per_second"] > 0 and e["steps"] == 12 * e["epoch"]
               for e in history)
    scores = m.evaluate(xt, yt)
    assert scores["accuracy"] == pytest.approx(history[-1]["val_accuracy"])


def test_predict_gives_probabilities_whose_argmax_is_the_accuracy(ctx):
    x, y = blobs(600)
    m = model_on(ctx)
    m.fit(x, y, epochs=2, verbose=False)
    p = m.predict(x)
    assert p.shape == (600, 3) and p.dtype == np.float32
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-5)
    classes = m.predict(x, output="classes")
    np.testing.assert_array_equal(classes, p.argmax(axis=1))
    assert (classes == y).mean() == pytest.approx(m.evaluate(x, y)["accuracy"])
    logits = m.predict(x, output="logits")
    np.testing.assert_array_equal(logits.argmax(axis=1), classes)


def test_arrays_are_used_in_place_when_they_can_be(ctx):
    x, y = blobs(100)
    m = model_on(ctx)
    from cocob.data import Data
    d = Data(m, x, y, "x", "y")
    assert np.shares_memory(d.x, x) and np.shares_memory(d.labels, y)


def test_bad_input_names_the_array_and_the_index(ctx):
    x, y = blobs(100)
    m = model_on(ctx)
    with pytest.raises(ValueError, match=r"x has shape \(100, 5\)"):
        m.fit(np.zeros((100, 5), np.float32), y, verbose=False)
    with pytest.raises(ValueError, match=r"y has shape \(99,\)"):
        m.fit(x, y[:99], verbose=False)
    bad = y.copy()
    bad[17] = 3
    with pytest.raises(cocob.CocobError, match=r"17"):
        m.fit(x, bad, verbose=False)
    with pytest.raises(ValueError, match=r"y\[2\] is 0.5"):
        m.fit(x, np.where(np.arange(100) == 2, 0.5, 1.0), verbose=False)


def test_every_optimizer_by_name_with_its_own_settings(ctx):
    x, y = blobs(200)
    for name, settings in [("cocob", {"alpha": 50}), ("sgd", {"lr": 0.05, "momentum": 0.9}),
                           ("adagrad", {}), ("rmsprop", {"lr": 1e-3}), ("adadelta", {}),
                           ("adam", {"lr": 1e-3}), ("adamw", {"weight_decay": 0.01}),
                           ("sf_sgd", {"lr": 0.5, "warmup_steps": 2}),
                           ("sf_adamw", {"beta1": 0.95, "weight_lr_power": 1}),
                           ("dog", {"reps_rel": 1e-4}),
                           ("prodigy", {"decouple": 0, "weight_decay": 0.01,
                                        "growth_rate": 1.02}),
                           ("dadapt_adam", {"decouple": 1, "weight_decay": 0.01})]:
        m = model_on(ctx)
        opt = cocob.Optimizer(m, name, **settings)
        m.fit(x, y, epochs=1, batch=50, verbose=False)
        assert opt.steps == 4, name
    m = model_on(ctx)
    with pytest.raises(TypeError, match="takes no setting 'lr'"):
        cocob.Optimizer(m, "cocob", lr=0.1)
    with pytest.raises(ValueError, match="no optimizer is called 'lion'"):
        cocob.Optimizer(m, "lion")


def test_schedule_free_predicts_at_x_after_fit(ctx):
    # One dense layer, logits = W x + b, so the weights predict uses can be
    # told apart: x = y + (1 - 1 / 0.9) (z - y), not y, the training point.
    x, y = blobs(200)
    m = cocob.Model(ctx, 4, "dense:3")
    opt = cocob.Optimizer(m, "sf_sgd", lr=0.1)
    m.fit(x, y, epochs=2, batch=50, verbose=False)
    state = opt.state()
    assert list(state) == ["z", "y"]
    c = np.float32(1 - 1 / 0.9)
    at_x = state["y"] + c * (state["z"] - state["y"])

    def logits_at(p):
        return x @ p[:12].reshape(3, 4).T + p[12:15]

    got = m.predict(x, "logits")
    assert np.allclose(got, logits_at(at_x), rtol=1e-5, atol=1e-5)
    assert not np.allclose(got, logits_at(state["y"]), rtol=1e-3, atol=1e-3)


def test_the_device_scalars_are_a_dict_by_the_authors_names(ctx):
    x, y = blobs(200)
    m = model_on(ctx)
    opt = cocob.Optimizer(m, "dog")
    assert opt.scalars()["first_step"] == 1
    m.fit(x, y, epochs=1, batch=50, verbose=False)
    s = opt.scalars()
    assert list(s) == ["rbar", "G", "eta", "first_step"]
    # After a step: eta = lr rbar / sqrt(G), and the first step is behind.
    assert s["first_step"] == 0 and s["G"] > 0
    assert s["eta"] == pytest.approx(s["rbar"] / np.sqrt(s["G"]), rel=1e-6)
    assert cocob.Optimizer(model_on(ctx), "cocob").scalars() == {}


def test_optimizer_state_is_a_dict_of_arrays_by_pytorch_names(ctx):
    x, y = blobs(200)
    m = model_on(ctx)
    opt = cocob.Optimizer(m, "cocob")
    m.fit(x, y, epochs=1, verbose=False)
    state = opt.state()
    assert list(state) == ["w1", "L", "G", "reward", "theta"]
    assert all(a.shape == (m.parameter_count,) for a in state.values())
    assert state["L"].max() > 0


def test_the_monitor_gives_per_tensor_dicts(ctx):
    x, y = blobs(200)
    m = model_on(ctx)
    seen = []
    m.fit(x, y, epochs=1, batch=50, monitor=seen.append, monitor_every=2, verbose=False)
    assert len(seen) == 2
    names = [t["name"] for t in seen[0]["tensors"]]
    assert names == ["l0.dense.w", "l0.dense.b", "l2.dense.w", "l2.dense.b"]
    assert all(t["lr_mean"] >= 0 and t["L_max"] > 0 for t in seen[-1]["tensors"])


def test_the_gil_is_released_during_a_call(ctx):
    x, _ = blobs(50000, features=64)
    m = cocob.Model(ctx, 64, "dense:512,relu,dense:3")
    ticks = []
    started, done = threading.Event(), threading.Event()

    def count():
        started.set()
        while not done.is_set():
            ticks.append(1)
            done.wait(0.001)

    t = threading.Thread(target=count)
    t.start()
    started.wait()
    before = len(ticks)
    m.predict(x)  # one long call into C, with no Python callback inside
    during = len(ticks) - before
    done.set()
    t.join()
    # Had the call held the GIL, the counting thread would have stood still
    # for all of it: a tick or two at the most.
    assert during > 20
