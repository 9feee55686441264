import numpy as np
import pytest

import cocob
from conftest import blobs


def test_save_then_load_predicts_the_same(ctx, tmp_path):
    x, y = blobs(300)
    m = cocob.Model(ctx, 4, "dense:16,relu,dense:3")
    m.fit(x, y, epochs=2, verbose=False)
    m.save(tmp_path / "m.cocob")
    back = cocob.Model.load(ctx, tmp_path / "m.cocob")
    assert back.input_shape == (1, 1, 4) and back.loss == "xent"
    np.testing.assert_array_equal(back.predict(x, "logits"), m.predict(x, "logits"))


def test_checkpoint_resume_restores_weights_and_optimizer(ctx, tmp_path):
    x, y = blobs(300)
    m = cocob.Model(ctx, 4, "dense:16,relu,dense:3")
    m.fit(x, y, epochs=1, verbose=False)
    m.checkpoint(tmp_path / "c.ckpt")
    before = m.predict(x, "logits")
    state = m.optimizer.state()
    m.fit(x, y, epochs=1, verbose=False)
    assert not np.array_equal(m.predict(x, "logits"), before)
    m.resume(tmp_path / "c.ckpt")
    np.testing.assert_array_equal(m.predict(x, "logits"), before)
    for name, a in m.optimizer.state().items():
        np.testing.assert_array_equal(a, state[name])
    # A checkpoint also loads as a model, for inference.
    np.testing.assert_array_equal(cocob.Model.load(ctx, tmp_path / "c.ckpt").predict(x, "logits"),
                                  before)


def test_a_damaged_file_is_an_error_that_names_it(ctx, tmp_path):
    m = cocob.Model(ctx, 4, "dense:3")
    path = tmp_path / "m.cocob"
    m.save(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(cocob.CocobError, match="m.cocob"):
        cocob.Model.load(ctx, path)
