"""A sequential model: fit, predict, evaluate, save and load, on numpy arrays."""
from __future__ import annotations

import ctypes
import signal
import threading
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np

from . import _native
from .context import Context
from .data import Data
from .progress import Progress

lib = _native.lib
_F = ctypes.POINTER(ctypes.c_float)
LOSSES = ("xent", "mse")


def _shape(input_shape: Union[int, Sequence[int]]) -> Tuple[int, int, int]:
    """(channels, height, width): F features are 1x1xF, (H, W) one channel."""
    s = (input_shape,) if isinstance(input_shape, (int, np.integer)) else tuple(input_shape)
    if not 1 <= len(s) <= 3 or any(int(v) < 1 for v in s):
        raise ValueError(f"input_shape {input_shape!r}: give F, (F,), (H, W) or (C, H, W), "
                         "each at least 1")
    s = tuple(int(v) for v in s)
    return ((1, 1) + s)[-3:] if len(s) < 3 else s  # type: ignore[return-value]


class Model:
    """A sequential model on ctx for inputs of input_shape, built from a spec
    as the CLI's --model takes it ("mlp", "cnn", or a list such as
    "dense:100,relu,dense:10"), trained with loss "xent" (softmax
    cross-entropy, class labels) or "mse" (mean squared error, float
    targets). The weights are drawn from seed."""

    def __init__(self, ctx: Context, input_shape: Union[int, Sequence[int]], spec: str,
                 loss: str = "xent", seed: int = 42) -> None:
        self._handle = ctypes.c_void_p()
        self._optimizer = None
        self._key = None
        if loss not in LOSSES:
            raise ValueError(f"loss {loss!r}: cocob has {', '.join(LOSSES)}")
        self.context = ctx
        self.input_shape = _shape(input_shape)
        c, h, w = self.input_shape
        status = lib.cocob_model_create(ctx._handle, c, h, w, ctypes.byref(self._handle))
        if self._handle:
            self._key = ctx._own(1, lib.cocob_model_destroy, self._handle)
        ctx.check(status)
        ctx.check(lib.cocob_model_add_spec(self._handle, spec.encode()))
        ctx.check(lib.cocob_model_set_loss(self._handle, LOSSES.index(loss)))
        ctx.check(lib.cocob_model_init(self._handle, seed))
        self.monitor_history: List[Dict[str, Any]] = []

    @classmethod
    def load(cls, ctx: Context, path: str) -> "Model":
        """A model saved by ``save``, or the model part of a checkpoint."""
        self = cls.__new__(cls)
        self.context = ctx
        self._optimizer = None
        self.monitor_history = []
        self._handle = ctypes.c_void_p()
        self._key = None
        ctx.check(lib.cocob_model_load(ctx._handle, str(path).encode(),
                                       ctypes.byref(self._handle)))
        self._key = ctx._own(1, lib.cocob_model_destroy, self._handle)
        c, h, w = (ctypes.c_size_t(), ctypes.c_size_t(), ctypes.c_size_t())
        lib.cocob_model_input_shape(self._handle, ctypes.byref(c), ctypes.byref(h),
                                    ctypes.byref(w))
        self.input_shape = (c.value, h.value, w.value)
        return self

    # ---- what it is ----

    @property
    def loss(self) -> str:
        return LOSSES[lib.cocob_model_loss(self._handle)]

    @property
    def outputs(self) -> int:
        """The outputs per example: the classes, for a classifier."""
        return lib.cocob_model_outputs(self._handle)

    @property
    def parameter_count(self) -> int:
        return lib.cocob_model_param_count(self._handle)

    @property
    def optimizer(self):
        """The optimizer fit steps; COCOB with its defaults when none was made."""
        if self._optimizer is None:
            from .optimizer import Optimizer
            Optimizer(self, "cocob")
        return self._optimizer

    def summary(self) -> str:
        n = lib.cocob_model_summary(self._handle, None, 0)
        buf = ctypes.create_string_buffer(n + 1)
        lib.cocob_model_summary(self._handle, buf, n + 1)
        return buf.value.decode()

    def __repr__(self) -> str:
        return f"cocob.Model({self.input_shape}, loss={self.loss!r}, {self.parameter_count} parameters)"

    # ---- training ----

    def fit(self, x: np.ndarray, y: np.ndarray, epochs: int = 1, batch: int = 100,
            validation: Optional[Tuple[np.ndarray, np.ndarray]] = None,
            monitor: Union[bool, Callable[[Dict[str, Any]], None], None] = None,
            monitor_every: int = 0, verbose: bool = True, seed: int = 1,
            checkpoint: Optional[str] = None, checkpoint_every: int = 0,
            resume: Optional[str] = None, skip_nonfinite: bool = False) -> List[Dict[str, Any]]:
        """Trains on x and y (class labels for "xent", targets for "mse") for
        epochs, shuffled by seed, stepping ``self.optimizer``; evaluates on
        validation=(x, y) after each epoch. monitor: a function given each
        report of per-tensor figures as a dict, or True to keep them in
        ``monitor_history``. Returns a dict per epoch. Ctrl-C stops after
        the step under way, saves the checkpoint when one is set, and raises
        KeyboardInterrupt."""
        train = Data(self, x, y, "x", "y")
        test = Data(self, validation[0], validation[1], "validation x", "validation y") \
            if validation is not None else None
        history: List[Dict[str, Any]] = []
        progress = Progress() if verbose else None
        stop = threading.Event()

        o = _native.TrainOptions()
        lib.cocob_train_options_init(ctypes.byref(o))
        o.epochs, o.batch, o.seed = epochs, batch, seed
        o.skip_nonfinite = 1 if skip_nonfinite else 0
        if checkpoint:
            o.checkpoint, o.checkpoint_every = str(checkpoint).encode(), checkpoint_every
        if resume:
            o.resume = str(resume).encode()

        def on_step(r, _user):
            if progress:
                progress.step(r.contents)

        def on_epoch(r, _user):
            r = r.contents
            e = {"epoch": r.epoch, "epochs": r.epochs, "steps": r.steps, "loss": r.train_loss,
                 "seconds": r.seconds, "examples_per_second": r.examples_per_second,
                 "skipped": r.skipped}
            if test is not None and r.test_loss >= 0:
                e["val_loss"] = r.test_loss
                e.update(self._metrics("val_", r))
            history.append(e)
            if progress:
                progress.epoch(e)

        def on_monitor(r, _user):
            r = r.contents
            report = {"epoch": r.epoch, "step": r.step, "total_steps": r.total_steps,
                      "tensors": [_tensor_stats(r.tensors[i]) for i in range(r.count)]}
            if callable(monitor):
                monitor(report)
            else:
                self.monitor_history.append(report)

        keep = [_native.ON_STEP(on_step), _native.ON_EPOCH(on_epoch)]
        o.on_step, o.on_epoch = keep
        if monitor:
            o.on_monitor = _native.ON_MONITOR(on_monitor)
            o.monitor_every = monitor_every
            keep.append(o.on_monitor)
        o.should_stop = _native.SHOULD_STOP(lambda _user: int(stop.is_set()))
        keep.append(o.should_stop)

        opt = self.optimizer
        previous = None
        if threading.current_thread() is threading.main_thread():
            previous = signal.signal(signal.SIGINT, lambda *_: stop.set())
        try:
            status = lib.cocob_train(self._handle, opt._handle, train.handle,
                                     test.handle if test else None, ctypes.byref(o))
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)
        if status == 12 and stop.is_set():  # COCOB_ERR_INTERRUPTED, asked for by Ctrl-C
            raise KeyboardInterrupt(lib.cocob_context_error(self.context._handle).decode())
        self.context.check(status)
        return history

    @staticmethod
    def _metrics(prefix: str, r) -> Dict[str, float]:
        """A regression's RMSE and R², or a classifier's accuracy: the library
        leaves the figures that do not apply at -1."""
        if r.test_rmse >= 0:
            return {prefix + "rmse": r.test_rmse, prefix + "r2": r.test_r2}
        return {prefix + "accuracy": r.test_accuracy}

    # ---- inference ----

    def predict(self, x: np.ndarray, output: str = "auto", batch: int = 1000) -> np.ndarray:
        """The model's outputs for x, n x outputs: "probabilities" (a
        classifier's default), "logits", "values" (a regression model's
        default), or "classes" (a classifier's argmax, int)."""
        xs = Data.features(self, x, "x")
        n = xs.shape[0]
        kind = output
        if output == "auto":
            kind = "probabilities" if self.loss == "xent" else "values"
        if kind == "classes":
            return self.predict(xs, "logits", batch).argmax(axis=1).astype(np.int32)
        which = {"logits": 0, "values": 0, "probabilities": 1}
        if kind not in which:
            raise ValueError(f"output {output!r}: give auto, probabilities, logits, values "
                             "or classes")
        out = np.empty((n, self.outputs), dtype=np.float32)
        self.context.check(lib.cocob_model_predict(self._handle, xs.ctypes.data_as(_F), n,
                                                   which[kind], out.ctypes.data_as(_F)))
        return out

    def evaluate(self, x: np.ndarray, y: np.ndarray) -> Dict[str, float]:
        """The mean loss, and the accuracy of a classifier or the RMSE and R²
        of a regression model, on x and y, without dropout."""
        data = Data(self, x, y, "x", "y")
        e = _native.Evaluation()
        self.context.check(lib.cocob_model_evaluate(self._handle, ctypes.byref(data.batch),
                                                    ctypes.byref(e)))
        if self.loss == "xent":
            return {"loss": e.loss, "accuracy": e.accuracy}
        return {"loss": e.loss, "rmse": e.rmse, "r2": e.r2}

    def train_batch(self, x: np.ndarray, y: np.ndarray) -> float:
        """One optimizer step on this batch; its mean loss before the step."""
        data = Data(self, x, y, "x", "y")
        loss = ctypes.c_double()
        self.context.check(lib.cocob_model_train_batch(self._handle, self.optimizer._handle,
                                                       ctypes.byref(data.batch),
                                                       ctypes.byref(loss)))
        return loss.value

    # ---- files ----

    def save(self, path: str) -> None:
        """The layers and the weights, without optimizer state, written whole
        (a temporary file, renamed) so that path never holds half a model."""
        self.context.check(lib.cocob_model_save(self._handle, str(path).encode()))

    def checkpoint(self, path: str) -> None:
        """The weights and the optimizer's whole state, for ``resume``."""
        p = _native.Progress()
        self.context.check(lib.cocob_checkpoint_save(str(path).encode(), self._handle,
                                                     self.optimizer._handle, ctypes.byref(p)))

    def resume(self, path: str) -> Dict[str, int]:
        """Restores what ``checkpoint`` (or ``fit(checkpoint=...)``) saved, into
        this model and its optimizer, made as for the saved run; returns the
        saved progress."""
        p = _native.Progress()
        self.context.check(lib.cocob_checkpoint_load(str(path).encode(), self._handle,
                                                     self.optimizer._handle, ctypes.byref(p)))
        return {name: getattr(p, name) for name, _ in _native.Progress._fields_}

    def close(self) -> None:
        if getattr(self, "_optimizer", None) is not None:
            self._optimizer.close()
        if getattr(self, "_key", None) is not None:
            self.context._free(self._key)
            self._key = None
        self._handle = ctypes.c_void_p()

    def __del__(self) -> None:
        self.close()


def _tensor_stats(t) -> Dict[str, Any]:
    return {name: (getattr(t, name).decode() if name == "name" else getattr(t, name))
            for name, _ in _native.TensorStats._fields_}
