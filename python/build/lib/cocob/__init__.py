"""cocob: neural-network training with no learning rate to tune
(COCOB-Backprop, Orabona and Tommasi, NeurIPS 2017), on any OpenCL device or
on the CPU, over numpy arrays.

    import cocob
    ctx = cocob.Context("auto")
    model = cocob.Model(ctx, 64, "dense:100,relu,dense:10", loss="xent")
    model.fit(x, y, epochs=5, validation=(x_test, y_test))
    model.predict(x_test)
"""
from ._native import VERSION as __version__
from .context import Context, devices
from .errors import CocobError
from .model import Model
from .optimizer import Optimizer, settings_of

__all__ = ["Context", "CocobError", "Model", "Optimizer", "devices", "settings_of",
           "__version__"]
