"""The progress display of ``model.fit``: one line a step on a terminal,
rewritten in place, and a line an epoch."""
from __future__ import annotations

import sys
from typing import Any, Dict


class Progress:
    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty()

    def step(self, r) -> None:
        if not self.live:
            return
        width = 24
        done = int(width * r.batch / max(r.batches, 1))
        self.stream.write(
            f"\repoch {r.epoch}/{r.epochs} [{'=' * done}{' ' * (width - done)}] "
            f"{r.batch}/{r.batches}  loss {r.loss:.4f}  {r.examples_per_second:.0f} ex/s  "
            f"ETA {r.eta_seconds:.0f} s ")
        self.stream.flush()

    def epoch(self, e: Dict[str, Any]) -> None:
        line = f"epoch {e['epoch']}/{e['epochs']}: loss {e['loss']:.4f}"
        for key in ("val_loss", "val_accuracy", "val_rmse", "val_r2"):
            if key in e:
                line += f", {key} {e[key]:.4f}"
        line += f", {e['seconds']:.1f} s, {e['examples_per_second']:.0f} ex/s"
        self.stream.write(("\r" if self.live else "") + line + "\n")
        self.stream.flush()
