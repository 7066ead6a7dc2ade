"""What the kill tests share: a child `paycalc` that pauses at a chosen instant, and
killing a process with SIGKILL there or after a delay."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

PAUSING = """
import os, sys, time
from pathlib import Path
from paycalc.cli import main

where, marker = sys.argv[1], Path(sys.argv[2])

def pause():
    marker.write_text("here")
    time.sleep(60)
"""
"""The start of a child script: `pause()` marks the instant and waits to be killed; the
script then patches the functions it pauses in and ends with `main(sys.argv[3:])`."""


def paused_command(script: Path, patches: str, where: str, marker: Path,
                   command: list[str]) -> list[str]:
    """The command line of `paycalc COMMAND` pausing at `where` (as `patches` decide)."""
    script.write_text(PAUSING + patches + "\nmain(sys.argv[3:])\n")
    return [sys.executable, str(script), where, str(marker), *command]


def kill_at_marker(process: subprocess.Popen[bytes], marker: Path) -> None:
    """SIGKILL `process` once it has written `marker` (it must not end before)."""
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert process.poll() is None, "the command ended before it was killed"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()


def kill_after(process: subprocess.Popen[bytes], seconds: float) -> None:
    """SIGKILL `process` after `seconds` unless it has ended."""
    time.sleep(seconds)
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait()
