"""The C library and its API as ctypes sees it: loading, the structs the
calls take, and each function's prototype.

Every struct here mirrors one of include/cocob/cocob.h field for field; a
field added there must be added here, in the same place. ctypes releases
the GIL for the length of every call into the library, so a training step
runs while other Python threads go on.
"""
from __future__ import annotations

import ctypes
import os
from ctypes import (CFUNCTYPE, POINTER, Structure, c_char, c_char_p, c_double, c_float,
                    c_int, c_int32, c_size_t, c_uint, c_uint64, c_void_p)
from pathlib import Path

VERSION = "0.1.0"


def _load() -> ctypes.CDLL:
    path = os.environ.get("COCOB_LIBRARY") or str(Path(__file__).with_name("libcocob.so"))
    try:
        lib = ctypes.CDLL(path)
    except OSError as e:
        raise ImportError(f"cocob: cannot load the C library {path}: {e}") from e
    lib.cocob_version.restype = c_char_p
    found = lib.cocob_version().decode()
    if found != VERSION:
        raise ImportError(f"cocob: {path} is libcocob {found}, but this package is {VERSION}; "
                          "its structs may differ, so it is not used")
    return lib


lib = _load()


class DeviceInfo(Structure):
    _fields_ = [
        ("selector", c_char * 32),
        ("type", c_int),
        ("platform_index", c_int),
        ("device_index", c_int),
        ("name", c_char * 256),
        ("vendor", c_char * 256),
        ("driver_version", c_char * 128),
        ("platform_name", c_char * 256),
        ("platform_version", c_char * 256),
        ("opencl_version", c_char * 128),
        ("opencl_c_version", c_char * 128),
        ("compute_units", c_uint),
        ("clock_mhz", c_uint),
        ("global_mem_bytes", c_uint64),
        ("max_alloc_bytes", c_uint64),
        ("local_mem_bytes", c_uint64),
        ("max_work_group_size", c_size_t),
        ("mem_base_addr_align", c_uint),
        ("host_unified_memory", c_int),
        ("fp16", c_int),
        ("fp64", c_int),
    ]


LOG_FN = CFUNCTYPE(None, c_int, c_char_p, c_void_p)


class Options(Structure):
    _fields_ = [
        ("device", c_char_p),
        ("log", LOG_FN),
        ("log_user", c_void_p),
        ("log_level", c_int),
        ("verify", c_int),
    ]


class CocobConfig(Structure):
    _fields_ = [("alpha", c_float), ("initial_L", c_float), ("weight_decay", c_double)]


class OptimizerConfig(Structure):
    _fields_ = [
        ("kind", c_int),
        ("cocob", CocobConfig),
        ("lr", c_double),
        ("momentum", c_double),
        ("dampening", c_double),
        ("nesterov", c_int),
        ("weight_decay", c_double),
        ("rho", c_double),
        ("eps", c_double),
        ("beta1", c_double),
        ("beta2", c_double),
        ("w", c_double),
        ("warmup_steps", c_double),
        ("r", c_double),
        ("weight_lr_power", c_double),
        ("reps_rel", c_double),
        ("init_eta", c_double),
        ("beta3", c_double),
        ("d0", c_double),
        ("d_coef", c_double),
        ("growth_rate", c_double),
        ("slice_p", c_double),
        ("decouple", c_int),
        ("use_bias_correction", c_int),
        ("safeguard_warmup", c_int),
    ]


class StepReport(Structure):
    _fields_ = [
        ("epoch", c_size_t), ("epochs", c_size_t), ("batch", c_size_t), ("batches", c_size_t),
        ("step", c_size_t), ("loss", c_double), ("examples_per_second", c_double),
        ("elapsed_seconds", c_double), ("eta_seconds", c_double),
    ]


class EpochReport(Structure):
    _fields_ = [
        ("epoch", c_size_t), ("epochs", c_size_t), ("steps", c_size_t),
        ("train_loss", c_double), ("test_loss", c_double), ("test_accuracy", c_double),
        ("test_rmse", c_double), ("test_r2", c_double), ("seconds", c_double), ("examples_per_second", c_double), ("skipped", c_size_t),
    ]


class TensorStats(Structure):
    _fields_ = [
        ("name", c_char * 48), ("count", c_size_t),
        ("g_min", c_double), ("g_mean", c_double), ("g_max", c_double),
        ("L_mean", c_double), ("L_max", c_double),
        ("lr_mean", c_double), ("lr_median", c_double), ("lr_max", c_double),
        ("w_norm", c_double), ("drift", c_double),
    ]


class MonitorReport(Structure):
    _fields_ = [
        ("epoch", c_size_t), ("step", c_size_t), ("total_steps", c_size_t),
        ("count", c_size_t), ("tensors", POINTER(TensorStats)),
    ]


class Progress(Structure):
    _fields_ = [(name, c_uint64) for name in (
        "epoch", "step", "total_steps", "shuffle_seed", "batch", "examples",
        "data_fingerprint")]


ON_STEP = CFUNCTYPE(None, POINTER(StepReport), c_void_p)
ON_EPOCH = CFUNCTYPE(None, POINTER(EpochReport), c_void_p)
ON_MONITOR = CFUNCTYPE(None, POINTER(MonitorReport), c_void_p)
SHOULD_STOP = CFUNCTYPE(c_int, c_void_p)


class TrainOptions(Structure):
    _fields_ = [
        ("epochs", c_size_t),
        ("batch", c_size_t),
        ("seed", c_uint64),
        ("on_step", ON_STEP),
        ("on_epoch", ON_EPOCH),
        ("user", c_void_p),
        ("checkpoint", c_char_p),
        ("checkpoint_every", c_size_t),
        ("resume", c_char_p),
        ("skip_nonfinite", c_int),
        ("on_monitor", ON_MONITOR),
        ("monitor_every", c_size_t),
        ("should_stop", SHOULD_STOP),
        ("comm", c_void_p),  # a cocob_comm *; Python trains in one process
    ]


class Batch(Structure):
    _fields_ = [
        ("x", POINTER(c_float)),
        ("labels", POINTER(c_int32)),
        ("targets", POINTER(c_float)),
        ("count", c_size_t),
    ]


class DatasetArrays(Structure):
    _fields_ = [
        ("count", c_size_t),
        ("channels", c_size_t), ("height", c_size_t), ("width", c_size_t),
        ("features", POINTER(c_float)),
        ("labels", POINTER(c_int32)),
        ("classes", c_size_t),
        ("targets", POINTER(c_float)),
        ("outputs", c_size_t),
        ("borrow", c_int),
    ]


class Evaluation(Structure):
    _fields_ = [("loss", c_double), ("accuracy", c_double), ("rmse", c_double),
                ("r2", c_double)]


P = c_void_p  # an opaque handle
STATUS = c_int


def _proto(name: str, restype, *argtypes) -> None:
    f = getattr(lib, name)
    f.restype = restype
    f.argtypes = list(argtypes)


_proto("cocob_status_name", c_char_p, c_int)
_proto("cocob_devices_query", STATUS, POINTER(P))
_proto("cocob_device_list_count", c_size_t, P)
_proto("cocob_device_list_get", POINTER(DeviceInfo), P, c_size_t)
_proto("cocob_device_list_note", c_char_p, P)
_proto("cocob_device_list_error", c_char_p, P)
_proto("cocob_device_list_destroy", None, P)
_proto("cocob_device_list_select", STATUS, P, c_char_p, c_char_p, c_size_t, POINTER(c_size_t))
_proto("cocob_device_type_name", c_char_p, c_int)
_proto("cocob_options_init", None, POINTER(Options))
_proto("cocob_context_create", STATUS, POINTER(Options), POINTER(P))
_proto("cocob_context_destroy", None, P)
_proto("cocob_context_error", c_char_p, P)
_proto("cocob_context_device", POINTER(DeviceInfo), P)
_proto("cocob_model_create", STATUS, P, c_size_t, c_size_t, c_size_t, POINTER(P))
_proto("cocob_model_destroy", None, P)
_proto("cocob_model_add_spec", STATUS, P, c_char_p)
_proto("cocob_model_init", STATUS, P, c_uint64)
_proto("cocob_model_param_count", c_size_t, P)
_proto("cocob_model_outputs", c_size_t, P)
_proto("cocob_model_summary", c_size_t, P, c_char_p, c_size_t)
_proto("cocob_model_params", P, P)
_proto("cocob_model_input_shape", None, P, POINTER(c_size_t), POINTER(c_size_t),
       POINTER(c_size_t))
_proto("cocob_model_set_loss", STATUS, P, c_int)
_proto("cocob_model_loss", c_int, P)
_proto("cocob_model_train_batch", STATUS, P, P, POINTER(Batch), POINTER(c_double))
_proto("cocob_model_predict", STATUS, P, POINTER(c_float), c_size_t, c_int, POINTER(c_float))
_proto("cocob_model_evaluate", STATUS, P, POINTER(Batch), POINTER(Evaluation))
_proto("cocob_model_save", STATUS, P, c_char_p)
_proto("cocob_model_load", STATUS, P, c_char_p, POINTER(P))
_proto("cocob_optimizer_kind_parse", STATUS, c_char_p, POINTER(c_int))
_proto("cocob_optimizer_kind_name", c_char_p, c_int)
_proto("cocob_optimizer_config_init", None, POINTER(OptimizerConfig), c_int)
_proto("cocob_optimizer_setting_name", c_char_p, c_size_t)
_proto("cocob_optimizer_uses", c_int, c_int, c_char_p)
_proto("cocob_optimizer_create", STATUS, P, POINTER(OptimizerConfig), c_size_t, POINTER(P),
       POINTER(P))
_proto("cocob_optimizer_destroy", None, P)
_proto("cocob_optimizer_describe", None, P, c_char_p, c_size_t)
_proto("cocob_optimizer_steps", c_uint64, P)
_proto("cocob_optimizer_state_count", c_size_t, P)
_proto("cocob_optimizer_state_name", c_char_p, P, c_size_t)
_proto("cocob_optimizer_read_state", STATUS, P, c_size_t, c_size_t, POINTER(c_float), c_size_t)
_proto("cocob_optimizer_scalar_count", c_size_t, P)
_proto("cocob_optimizer_scalar_name", c_char_p, P, c_size_t)
_proto("cocob_optimizer_read_scalars", STATUS, P, POINTER(c_float), c_size_t)
_proto("cocob_train_options_init", None, POINTER(TrainOptions))
_proto("cocob_train", STATUS, P, P, P, P, POINTER(TrainOptions))
_proto("cocob_dataset_destroy", None, P)
_proto("cocob_dataset_from_memory", STATUS, P, POINTER(DatasetArrays), POINTER(P))
_proto("cocob_checkpoint_save", STATUS, c_char_p, P, P, POINTER(Progress))
_proto("cocob_checkpoint_load", STATUS, c_char_p, P, P, POINTER(Progress))
