"""Devices and contexts: which device cocob runs on."""
from __future__ import annotations

import ctypes
import itertools
from typing import Any, Callable, Dict, List, Optional, Tuple

from . import _native
from .errors import CocobError, check

lib = _native.lib


def _info(d: _native.DeviceInfo) -> Dict[str, Any]:
    return {
        "selector": d.selector.decode(),
        "type": lib.cocob_device_type_name(d.type).decode(),
        "name": d.name.decode(errors="replace"),
        "vendor": d.vendor.decode(errors="replace"),
        "driver_version": d.driver_version.decode(errors="replace"),
        "platform": d.platform_name.decode(errors="replace"),
        "opencl_version": d.opencl_version.decode(errors="replace"),
        "compute_units": d.compute_units,
        "global_mem_bytes": d.global_mem_bytes,
        "max_alloc_bytes": d.max_alloc_bytes,
    }


def devices() -> List[Dict[str, Any]]:
    """Every device cocob can run on, as dicts, with ``"auto": True`` on the
    one ``Context(device="auto")`` would choose and ``"why"`` saying why.
    No OpenCL platform is not an error: the list then holds the C backends."""
    handle = ctypes.c_void_p()
    status = lib.cocob_devices_query(ctypes.byref(handle))
    try:
        if status != 0:
            raise CocobError(status, (lib.cocob_device_list_error(handle) or b"").decode())
        why = ctypes.create_string_buffer(640)
        chosen = ctypes.c_size_t(0)
        picked = lib.cocob_device_list_select(handle, b"auto", why, len(why),
                                              ctypes.byref(chosen)) == 0
        out = []
        for i in range(lib.cocob_device_list_count(handle)):
            d = _info(lib.cocob_device_list_get(handle, i).contents)
            d["auto"] = picked and i == chosen.value
            if d["auto"]:
                d["why"] = why.value.decode(errors="replace")
            out.append(d)
        return out
    finally:
        lib.cocob_device_list_destroy(handle)


class Context:
    """One device, opened. ``device`` is a selector as the CLI's --device
    takes it: "auto", "ref", "cpu", "opencl", "opencl:P:D", "gpu" or part of
    a device's name. Models and optimizers made on a context belong to it;
    use them from one thread at a time."""

    def __init__(self, device: Optional[str] = "auto", verify: bool = False) -> None:
        # The native objects made on this context, by key: (rank, destroy,
        # handle). Plain values, not the Python objects: when the garbage
        # collector finalizes a cycle holding a context and its models (a
        # script's globals at exit), it may finalize the context first, and
        # the models must not outlive it natively. close() frees what is
        # left, optimizers (rank 2) before models (rank 1).
        self._live: Dict[int, Tuple[int, Callable[[int], None], int]] = {}
        self._keys = itertools.count()
        opts = _native.Options()
        lib.cocob_options_init(ctypes.byref(opts))
        if device is not None:
            opts.device = device.encode()
        opts.verify = 1 if verify else 0
        self._handle = ctypes.c_void_p()
        status = lib.cocob_context_create(ctypes.byref(opts), ctypes.byref(self._handle))
        if status != 0:
            message = (lib.cocob_context_error(self._handle).decode(errors="replace")
                       if self._handle else "out of host memory")
            lib.cocob_context_destroy(self._handle)
            self._handle = ctypes.c_void_p()
            raise CocobError(status, message)

    @property
    def device(self) -> Dict[str, Any]:
        """The device in use, as ``devices()`` describes it."""
        return _info(lib.cocob_context_device(self._handle).contents)

    def check(self, status: int) -> None:
        check(status, self._handle)

    def _own(self, rank: int, destroy: Callable[[int], None], handle: ctypes.c_void_p) -> int:
        key = next(self._keys)
        self._live[key] = (rank, destroy, handle.value)
        return key

    def _free(self, key: Optional[int]) -> None:
        """Frees a native object once, whoever asks first: its owner or close()."""
        entry = self._live.pop(key, None) if key is not None else None
        if entry is not None:
            entry[1](entry[2])

    def close(self) -> None:
        """Frees the device now; models and optimizers on it must go first."""
        for key, _ in sorted(getattr(self, "_live", {}).items(), key=lambda kv: -kv[1][0]):
            self._free(key)
        if getattr(self, "_handle", None):
            lib.cocob_context_destroy(self._handle)
            self._handle = ctypes.c_void_p()

    def __del__(self) -> None:
        self.close()

    def __repr__(self) -> str:
        d = self.device
        return f"cocob.Context({d['selector']!r}: {d['name']})"
