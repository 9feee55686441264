import numpy as np
import pytest

import cocob


def linear(n, seed=0):
    """y = x.w + b with a little noise: RMSE near the noise's 0.05 is what a
    working fit reaches."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 5)).astype(np.float32)
    y = (x @ np.array([1.5, -2.0, 0.5, 0.0, 3.0]) + 1.0 + rng.normal(0, 0.05, n))
    return x, y.astype(np.float32)


def test_mse_fits_a_linear_target(ctx):
    x, y = linear(2000)
    xt, yt = linear(500, seed=1)
    m = cocob.Model(ctx, 5, "dense:32,relu,dense:1", loss="mse")
    history = m.fit(x, y, epochs=20, batch=50, validation=(xt, yt), verbose=False)
    scores = m.evaluate(xt, yt)
    assert scores["r2"] > 0.99
    assert scores["rmse"] == pytest.approx(np.sqrt(np.mean((m.predict(xt)[:, 0] - yt) ** 2)),
                                           rel=1e-4)
    assert history[-1]["val_loss"] == pytest.approx(scores["loss"], rel=1e-6)
    assert history[-1]["val_rmse"] == pytest.approx(scores["rmse"], rel=1e-6)
    assert history[-1]["val_r2"] == pytest.approx(scores["r2"], rel=1e-6)
    assert "val_accuracy" not in history[-1]


def test_regression_takes_float_targets_of_the_right_shape(ctx):
    x, y = linear(100)
    m = cocob.Model(ctx, 5, "dense:8,relu,dense:2", loss="mse")
    with pytest.raises(ValueError, match=r"takes 2 target\(s\) per example"):
        m.fit(x, y, verbose=False)
    with pytest.raises(ValueError, match="loss 'mae'"):
        cocob.Model(ctx, 5, "dense:1", loss="mae")


def test_a_saved_regression_model_keeps_its_loss(ctx, tmp_path):
    x, y = linear(200)
    m = cocob.Model(ctx, 5, "dense:8,relu,dense:1", loss="mse")
    m.fit(x, y, epochs=2, verbose=False)
    m.save(tmp_path / "r.cocob")
    back = cocob.Model.load(ctx, tmp_path / "r.cocob")
    assert back.loss == "mse"
    np.testing.assert_array_equal(back.predict(x), m.predict(x))
    with pytest.raises(cocob.CocobError, match="probabilities are a classifier's"):
        back.predict(x, output="probabilities")
