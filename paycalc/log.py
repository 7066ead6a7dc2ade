"""paycalc's log: the `paycalc` logger and where its lines go.

Lines go to standard error with their time (ISO 8601, local) and level, so a batch run's
log file says when each stage started and what it found. The command line chooses the
level: warnings only with `--quiet`, stages and buckets by default, what each stage read,
wrote and took with `--verbose`. A library caller configures `logging` as it likes."""

from __future__ import annotations

import logging
import sys
from typing import Any, TextIO

log = logging.getLogger("paycalc")


class _Stderr(logging.StreamHandler):
    """A handler that writes to whatever `sys.stderr` is when a line is logged."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def configure_logging(level: int) -> None:
    """Send the `paycalc` logger's lines of `level` and above to standard error."""
    log.setLevel(level)
    log.propagate = False
    if not any(isinstance(h, _Stderr) for h in log.handlers):
        handler = _Stderr()
        handler.setFormatter(logging.Formatter(
            "%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%dT%H:%M:%S"))
        log.addHandler(handler)
