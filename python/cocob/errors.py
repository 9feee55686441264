"""cocob's failures as Python exceptions."""
from __future__ import annotations

from . import _native


class CocobError(RuntimeError):
    """A call into cocob failed. ``status`` is the C status's name, such as
    ``"COCOB_ERR_SHAPE"``; the message is the library's own, which names the
    thing at fault."""

    def __init__(self, status: int, message: str) -> None:
        self.status = _native.lib.cocob_status_name(status).decode()
        super().__init__(message or self.status)


def check(status: int, ctx) -> None:
    """Raises the context's last message when status is not COCOB_OK."""
    if status != 0:
        raise CocobError(status, _native.lib.cocob_context_error(ctx).decode(errors="replace"))
