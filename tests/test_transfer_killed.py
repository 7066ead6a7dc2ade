"""A definitive transfer killed at any instant loses nothing: the store is as before (no
transfer) or holds the transfer, and then the export is in place or is written again from
the store by `paycalc transfer --reexport`, byte for byte what an uninterrupted transfer
writes. Real `paycalc transfer` processes are killed with SIGKILL: at instants spread over
the whole command, and at the three instants that matter (export staged but not recorded;
recorded but not renamed into place; one file renamed, the other not)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from killing import kill_after, kill_at_marker, paused_command

from paycalc.batch.store import RunStore
from paycalc.errors import EXIT_OK
from paycalc.spec.bundled import AGREEMENTS_DIR, SAMPLE_DIR

JANUARY = ["--from", "2025-01-01", "--to", "2025-01-31"]
SPREAD = 47
"""Kills at instants spread evenly over an uninterrupted transfer's length; with the three
instants that matter, 50 kills."""
LATEST = 1.25
"""The last kill, as a multiple of the measured length of an uninterrupted transfer."""
NAMES = ["payroll_2025-01-01_2025-01-31.csv", "payroll_2025-01-01_2025-01-31.paxml.xml"]
PATCHES = """
import paycalc.batch.transfer as transfer

staged, placed = transfer.staged, transfer.placed

def staged_then_pause(files, folder):
    paths = staged(files, folder)
    if where == "staged":
        pause()
    return paths

def placed_then_pause(paths):
    if where == "recorded":
        pause()
    if where == "renaming":
        os.replace(*paths[0])
        pause()
    return placed(paths)

transfer.staged, transfer.placed = staged_then_pause, placed_then_pause
"""


def paycalc(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "paycalc", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def january(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    """A run of January from a fresh store (kept as `pristine.sqlite`) and the export an
    uninterrupted definitive transfer writes."""
    cwd = tmp_path_factory.mktemp("killed")
    done = paycalc("run", SAMPLE_DIR, "--agreements", AGREEMENTS_DIR, *JANUARY, "--out",
                   "jan", "--store", "pristine.sqlite", cwd=cwd)
    assert done.returncode == EXIT_OK, done.stderr
    shutil.copy(cwd / "pristine.sqlite", cwd / "whole.sqlite")
    done = paycalc("transfer", "jan", "--store", "whole.sqlite", "--definitive", "--out",
                   "whole", cwd=cwd)
    assert done.returncode == EXIT_OK, done.stderr
    return cwd, {name: (cwd / "whole" / name).read_bytes() for name in NAMES}


def _transfer(cwd: Path, n: int, where: str | None) -> tuple[list[str], Path, Path]:
    store, export = cwd / f"store{n}.sqlite", cwd / f"export{n}"
    shutil.copy(cwd / "pristine.sqlite", store)
    command = ["transfer", "jan", "--store", str(store), "--definitive", "--out", str(export)]
    if where is None:
        return [sys.executable, "-m", "paycalc", *command], store, export
    return (paused_command(cwd / "paused.py", PATCHES, where, cwd / f"marker{n}", command),
            store, export)


def _nothing_lost(cwd: Path, store: Path, export: Path, whole: dict[str, bytes]) -> str:
    """Check the store and export after a kill; say which state was found."""
    transfers = RunStore(store).transfers()
    finished = {name: (export / name).read_bytes() for name in NAMES
                if (export / name).exists()}
    if not transfers:
        assert finished == {}, "an export was placed without its transfer recorded"
        return "before"
    assert [(kind, first.isoformat()) for _, kind, first, _, _ in transfers] == [
        ("definitive", "2025-01-01")]
    assert all(whole[name] == content for name, content in finished.items())
    done = paycalc("transfer", "--store", store, "--reexport", "2025-01-01:2025-01-31",
                   "--out", export, cwd=cwd)
    assert done.returncode == EXIT_OK, done.stderr
    assert {name: (export / name).read_bytes() for name in NAMES} == whole
    return "recorded" if len(finished) < len(NAMES) else "placed"


@pytest.mark.parametrize("where", ["staged", "recorded", "renaming"])
def test_a_transfer_killed_at_an_instant_that_matters(
        january: tuple[Path, dict[str, bytes]], where: str) -> None:
    cwd, whole = january
    n = ["staged", "recorded", "renaming"].index(where)
    command, store, export = _transfer(cwd, n, where)
    process = subprocess.Popen(command, cwd=cwd)
    kill_at_marker(process, cwd / f"marker{n}")
    found = _nothing_lost(cwd, store, export, whole)
    assert found == {"staged": "before", "recorded": "recorded", "renaming": "recorded"}[where]


def test_a_transfer_killed_at_instants_spread_over_the_command(
        january: tuple[Path, dict[str, bytes]]) -> None:
    cwd, whole = january
    started = time.monotonic()
    command, store, export = _transfer(cwd, 10, None)
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    length = time.monotonic() - started
    seen = set()
    for n in range(11, 11 + SPREAD):
        command, store, export = _transfer(cwd, n, None)
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        # the spread runs a quarter past the measured length: a transfer that takes longer
        # than the measured one is still seen through to its end ("placed")
        kill_after(process, LATEST * length * (n - 11) / (SPREAD - 1))
        seen.add(_nothing_lost(cwd, store, export, whole))
    assert "before" in seen and "placed" in seen, seen
