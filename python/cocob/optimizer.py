"""Optimizers: COCOB-Backprop and every baseline, by name."""
from __future__ import annotations

import ctypes
import weakref
from typing import Dict, List

import numpy as np

from . import _native

lib = _native.lib


def settings_of(name: str) -> List[str]:
    """The settings the optimizer called name takes, as keyword arguments."""
    kind = _kind(name)
    out = []
    i = 0
    while (s := lib.cocob_optimizer_setting_name(i)) is not None:
        if lib.cocob_optimizer_uses(kind, s):
            out.append(s.decode())
        i += 1
    return out


def _kind(name: str) -> int:
    kind = ctypes.c_int()
    if lib.cocob_optimizer_kind_parse(name.encode(), ctypes.byref(kind)) != 0:
        names, k = [], 0
        while (n := lib.cocob_optimizer_kind_name(k)) is not None:
            names.append(n.decode())
            k += 1
        raise ValueError(f"no optimizer is called {name!r}; there are {', '.join(names)}")
    return kind.value


class Optimizer:
    """An optimizer over all of a model's parameters, which ``model.fit``
    then steps. ``name``: "cocob" (the default, no learning rate), "sgd",
    "adagrad", "rmsprop", "adadelta", "adam", "adamw", "ckt", "kt", "sf_sgd",
    "sf_adamw", "dog", "ldog", "prodigy" or "dadapt_adam". ``settings`` are
    the C library's names and PyTorch's
    meanings: lr, momentum, dampening, nesterov, weight_decay, rho, eps,
    beta1, beta2; COCOB's alpha, initial_L and weight_decay; cKT's and KT's
    w (the initial wealth) and weight_decay; Schedule-Free's, its authors'
    names: lr, momentum (SGD) or beta1 and beta2 (AdamW), eps, weight_decay,
    warmup_steps, r and weight_lr_power; DoG's and L-DoG's reps_rel, init_eta
    (0 for none), lr (its multiplier), eps and weight_decay; Prodigy's, its
    authors' names: lr (a multiplier of its own step size, leave 1), beta1,
    beta2, beta3, eps, weight_decay, d0, d_coef, growth_rate, slice_p,
    decouple, use_bias_correction and safeguard_warmup; D-Adapt Adam's lr,
    beta1, beta2, eps, weight_decay, d0, growth_rate, decouple and
    use_bias_correction. After ``model.fit`` a
    Schedule-Free model holds x, the average it is evaluated at, so
    ``predict`` and ``save`` use x. A setting the optimizer has no use for
    is refused."""

    def __init__(self, model, name: str = "cocob", **settings) -> None:
        self._handle = ctypes.c_void_p()
        self._key = None
        # Weakly, so that a model and its optimizer make no cycle: the model
        # is freed first, by reference count, and frees its optimizer with
        # it, before the context they both need.
        self._model = weakref.ref(model)
        self._ctx = model.context
        self.name = name.lower()
        kind = _kind(name)
        cfg = _native.OptimizerConfig()
        lib.cocob_optimizer_config_init(ctypes.byref(cfg), kind)
        takes = settings_of(name)
        for key, value in settings.items():
            if key not in takes:
                raise TypeError(f"the {self.name} optimizer takes no setting {key!r}; "
                                f"it takes {', '.join(takes) or 'none'}")
            target = cfg.cocob if kind == 0 else cfg
            # The switches (nesterov, Prodigy's decouple, ...) are C ints.
            whole = isinstance(getattr(target, key), int)
            setattr(target, key, int(value) if whole else float(value))
        params = (ctypes.c_void_p * 1)(lib.cocob_model_params(model._handle))
        self._ctx.check(lib.cocob_optimizer_create(self._ctx._handle, ctypes.byref(cfg), 1, params,
                                                   ctypes.byref(self._handle)))
        self._key = self._ctx._own(2, lib.cocob_optimizer_destroy, self._handle)
        model._optimizer = self

    @property
    def steps(self) -> int:
        """The steps taken so far."""
        return lib.cocob_optimizer_steps(self._handle)

    def state(self) -> Dict[str, np.ndarray]:
        """Every per-parameter state buffer, by PyTorch's state_dict name (COCOB:
        w1, L, G, reward, theta), each a float32 array over all the model's
        parameters, in ``model.parameter_names()`` order."""
        model = self._model()
        if model is None or not self._handle:
            raise ValueError("this optimizer's model is gone, and the optimizer with it")
        n = model.parameter_count
        out = {}
        for s in range(lib.cocob_optimizer_state_count(self._handle)):
            a = np.empty(n, dtype=np.float32)
            self._ctx.check(lib.cocob_optimizer_read_state(
                self._handle, s, 0, a.ctypes.data_as(ctypes.POINTER(ctypes.c_float)), n))
            out[lib.cocob_optimizer_state_name(self._handle, s).decode()] = a
        return out

    def scalars(self) -> Dict[str, float]:
        """The scalars a method keeps for all the parameters at once, by its
        authors' names: KT's wealth and iter, DoG's rbar, G, eta and
        first_step, and so on; empty for the methods that keep none. They
        live on the device, which each step updates without waiting; this
        call waits for it, so read them at your own points, not every step."""
        n = lib.cocob_optimizer_scalar_count(self._handle) if self._handle else 0
        a = np.empty(n, dtype=np.float32)
        if n:
            self._ctx.check(lib.cocob_optimizer_read_scalars(
                self._handle, a.ctypes.data_as(ctypes.POINTER(ctypes.c_float)), n))
        return {lib.cocob_optimizer_scalar_name(self._handle, k).decode(): float(a[k])
                for k in range(n)}

    def __repr__(self) -> str:
        buf = ctypes.create_string_buffer(256)
        lib.cocob_optimizer_describe(self._handle, buf, len(buf))
        return f"cocob.Optimizer({buf.value.decode()})"

    def close(self) -> None:
        if getattr(self, "_key", None) is not None:
            self._ctx._free(self._key)
            self._key = None
        self._handle = ctypes.c_void_p()

    def __del__(self) -> None:
        self.close()
