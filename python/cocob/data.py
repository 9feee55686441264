"""numpy arrays as cocob sees them: a batch description for one call, or a
data set for fit, both over the arrays' own memory (no copy of a C-ordered
float32 x, int32 labels or float32 targets; others are converted once)."""
from __future__ import annotations

import ctypes

import numpy as np

from . import _native

lib = _native.lib


class Data:
    def __init__(self, model, x, y, xname: str, yname: str) -> None:
        self._handle = None
        self.x = Data.features(model, x, xname)
        n = self.x.shape[0]
        self.labels = self.targets = None
        if model.loss == "xent":
            y = np.asarray(y)
            if y.ndim != 1 or y.shape[0] != n:
                raise ValueError(f"{yname} has shape {y.shape}, but a classifier takes one class "
                                 f"label per example of {xname}: ({n},)")
            if y.dtype.kind == "f" and not np.array_equal(y, np.round(y)):
                bad = int(np.flatnonzero(y != np.round(y))[0])
                raise ValueError(f"{yname}[{bad}] is {y[bad]}, not a whole class label")
            self.labels = np.ascontiguousarray(y, dtype=np.int32)
        else:
            k = model.outputs
            y = np.asarray(y, dtype=np.float32)
            if y.ndim == 1 and k == 1:
                y = y.reshape(-1, 1)
            if y.shape != (n, k):
                raise ValueError(f"{yname} has shape {y.shape}, but this regression model "
                                 f"takes {k} target(s) per example of {xname}: ({n}, {k})")
            self.targets = np.ascontiguousarray(y)
        self.batch = _native.Batch(
            self.x.ctypes.data_as(ctypes.POINTER(ctypes.c_float)),
            self.labels.ctypes.data_as(ctypes.POINTER(ctypes.c_int32))
            if self.labels is not None else None,
            self.targets.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
            if self.targets is not None else None, n)
        self._ctx = model.context
        self._outputs = model.outputs

    @staticmethod
    def features(model, x, name: str) -> np.ndarray:
        """x as n x C x H x W float32 in C order, converted only when it is
        not already; any shape with the model's input size per example."""
        x = np.asarray(x)
        c, h, w = model.input_shape
        if x.ndim < 1 or x.shape[0] == 0:
            raise ValueError(f"{name} has shape {x.shape}: it needs at least one example")
        per = int(np.prod(x.shape[1:])) if x.ndim > 1 else 1
        if per != c * h * w:
            raise ValueError(f"{name} has shape {x.shape}, {per} values per example, but the "
                             f"model takes {c}x{h}x{w} = {c * h * w}")
        return np.ascontiguousarray(x, dtype=np.float32).reshape(x.shape[0], c, h, w)

    @property
    def handle(self) -> ctypes.c_void_p:
        """A data set borrowing these arrays, which must outlive it (self
        holds them)."""
        if self._handle is None:
            self._handle = _dataset_from_memory(self._ctx, self, self._outputs)
        return self._handle

    def __del__(self) -> None:
        if getattr(self, "_handle", None):
            lib.cocob_dataset_destroy(self._handle)


def _dataset_from_memory(ctx, data: Data, outputs: int) -> ctypes.c_void_p:
    """Borrowed: the library reads data's arrays in place, and never writes them."""
    a = _native.DatasetArrays()
    a.count = data.x.shape[0]
    a.channels, a.height, a.width = data.x.shape[1:]
    a.features = data.batch.x
    a.borrow = 1
    if data.labels is not None:
        # The model's classes, not the largest label + 1: a label the model
        # has no output for is refused, naming its index.
        a.labels, a.classes = data.batch.labels, outputs
    else:
        a.targets, a.outputs = data.batch.targets, outputs
    handle = ctypes.c_void_p()
    ctx.check(lib.cocob_dataset_from_memory(ctx._handle, ctypes.byref(a), ctypes.byref(handle)))
    return handle
