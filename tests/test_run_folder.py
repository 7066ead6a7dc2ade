"""A run's output folder is written whole or not at all and read only while it matches its
manifest.

Real `paycalc run` processes replace a January run's folder with February's and are killed
with SIGKILL at instants spread over the command (and past its usual end) and at the two
that matter (February written beside the folder but not renamed in; January renamed aside,
February not yet in): afterwards the folder is January's or February's, byte for byte what
an uninterrupted run writes, never a mix, and the next run goes through. Two runs racing
into one folder leave one run's folder, and the other is refused with exit 6. `transfer`,
`report` and `explain` refuse a folder whose files were changed or whose manifest is
missing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from killing import kill_after, kill_at_marker, paused_command

from paycalc.batch.run_folder import MANIFEST, RunFolder, writing
from paycalc.errors import EXIT_DATA, EXIT_OK, EXIT_OUTPUT, DataError
from paycalc.spec.bundled import AGREEMENTS_DIR, SAMPLE_DIR

JANUARY = ["--from", "2025-01-01", "--to", "2025-01-31"]
FEBRUARY = ["--from", "2025-02-01", "--to", "2025-02-28"]
PATCHES = """
import paycalc.batch.run_folder as run_folder

flush, rename = run_folder._flush_folder, os.replace

def flush_then_pause(folder):
    flush(folder)
    if where == "written" and folder.name.endswith(".partial"):
        pause()

def rename_then_pause(source, target):
    rename(source, target)
    if where == "swapping" and str(target).endswith(".replaced"):
        pause()

run_folder._flush_folder, os.replace = flush_then_pause, rename_then_pause
"""


def paycalc(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "paycalc", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def run_command(out: str, period: list[str], *extra: str) -> list[str]:
    return ["run", str(SAMPLE_DIR), "--agreements", str(AGREEMENTS_DIR), *period, "--out", out,
            *extra]


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (the report site's too) by its path in the folder; of the
    manifest, all but its `invocation` (the command line names the folder run into)."""
    found = {str(path.relative_to(folder)): path.read_bytes()
             for path in sorted(folder.rglob("*")) if path.is_file()}
    if MANIFEST in found:
        manifest = json.loads(found[MANIFEST])
        assert manifest.pop("invocation")["command"][:2] == ["paycalc", "run"]
        found[MANIFEST] = json.dumps(manifest, sort_keys=True).encode()
    return found


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict[str, bytes]]]:
    """The folders uninterrupted runs of January and February write, by month."""
    cwd = tmp_path_factory.mktemp("runs")
    for month, period in (("jan", JANUARY), ("feb", FEBRUARY)):
        done = paycalc(*run_command(month, period), cwd=cwd)
        assert done.returncode == EXIT_OK, done.stderr
    return cwd, {month: files_of(cwd / month) for month in ("jan", "feb")}


def _which(out: Path, whole: dict[str, dict[str, bytes]]) -> str:
    """The month of the folder at `out`, which must be one run's whole folder."""
    RunFolder(out)  # puts back a folder a killed run renamed aside
    found = files_of(out)
    months = [month for month, files in whole.items() if files == found]
    assert months, f"{out} holds neither January's nor February's run: {sorted(found)}"
    return months[0]


def _next_run_goes_through(cwd: Path, out: str, whole: dict[str, dict[str, bytes]]) -> None:
    done = paycalc(*run_command(out, FEBRUARY, "--replace"), cwd=cwd)
    assert done.returncode == EXIT_OK, done.stderr
    assert files_of(cwd / out) == whole["feb"]
    assert sorted(p.name for p in cwd.glob(f".{out}.*")) == [f".{out}.lock"]


def _replacing(cwd: Path, n: int, where: str | None) -> list[str]:
    """The command that replaces a copy of January's folder (`outN`) by February's."""
    shutil.rmtree(cwd / f"out{n}", ignore_errors=True)
    shutil.copytree(cwd / "jan", cwd / f"out{n}")
    command = run_command(f"out{n}", FEBRUARY, "--replace")
    if where is None:
        return [sys.executable, "-m", "paycalc", *command]
    return paused_command(cwd / "paused.py", PATCHES, where, cwd / f"marker{n}", command)


@pytest.mark.parametrize("where", ["written", "swapping"])
def test_a_run_killed_at_an_instant_that_matters(
        runs: tuple[Path, dict[str, dict[str, bytes]]], where: str) -> None:
    cwd, whole = runs
    n = ["written", "swapping"].index(where)
    process = subprocess.Popen(_replacing(cwd, n, where), cwd=cwd, stdout=subprocess.DEVNULL)
    kill_at_marker(process, cwd / f"marker{n}")
    if where == "swapping":
        assert not (cwd / f"out{n}").exists()
    assert _which(cwd / f"out{n}", whole) == "jan"
    _next_run_goes_through(cwd, f"out{n}", whole)


def test_a_run_killed_at_instants_spread_over_the_command(
        runs: tuple[Path, dict[str, dict[str, bytes]]]) -> None:
    cwd, whole = runs
    started = time.monotonic()
    subprocess.run(_replacing(cwd, 10, None), cwd=cwd, check=True, capture_output=True)
    length = time.monotonic() - started
    seen = []
    for n in range(11, 31):
        process = subprocess.Popen(_replacing(cwd, n, None), cwd=cwd,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        kill_after(process, 1.5 * length * (n - 11) / 19)  # past the end too: some finish
        seen.append(_which(cwd / f"out{n}", whole))
    assert {"jan", "feb"} <= set(seen), seen
    _next_run_goes_through(cwd, "out11", whole)


def test_two_runs_racing_into_one_folder(
        runs: tuple[Path, dict[str, dict[str, bytes]]]) -> None:
    cwd, whole = runs
    for attempt in range(3):
        out = f"race{attempt}"
        extra = ("--replace",) if attempt else ()
        both = [subprocess.Popen([sys.executable, "-m", "paycalc",
                                  *run_command(out, period, *extra)], cwd=cwd,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                for period in (JANUARY, FEBRUARY)]
        ended = [(process.wait(), process.stderr.read()) for process in both]  # type: ignore
        assert all(code in (EXIT_OK, EXIT_OUTPUT) for code, _ in ended), ended
        assert any(code == EXIT_OK for code, _ in ended), ended
        for code, err in ended:
            if code == EXIT_OUTPUT:
                assert ("another run is writing" in err
                        or ("already holds files" in err and not extra)), err
        if not extra:
            assert sorted(code for code, _ in ended) == [EXIT_OK, EXIT_OUTPUT]
        _which(cwd / out, whole)


def test_an_existing_folder_is_kept_unless_replace_is_asked(
        runs: tuple[Path, dict[str, dict[str, bytes]]], tmp_path: Path) -> None:
    cwd, whole = runs
    shutil.copytree(cwd / "jan", tmp_path / "out")
    done = paycalc(*run_command("out", FEBRUARY), cwd=tmp_path)
    assert done.returncode == EXIT_OUTPUT
    assert "out already holds files" in done.stderr and "--replace" in done.stderr
    assert files_of(tmp_path / "out") == whole["jan"]
    (tmp_path / "empty").mkdir()
    done = paycalc(*run_command("empty", FEBRUARY), cwd=tmp_path)
    assert done.returncode == EXIT_OK, done.stderr
    assert files_of(tmp_path / "empty") == whole["feb"]


def test_a_run_that_fails_while_writing_changes_nothing(
        runs: tuple[Path, dict[str, dict[str, bytes]]], tmp_path: Path) -> None:
    _, whole = runs
    shutil.copytree(runs[0] / "jan", tmp_path / "out")
    with pytest.raises(ZeroDivisionError), writing(tmp_path / "out", replace=True) as folder:
        (folder / "pay_lines.parquet").write_bytes(b"half")
        _ = 1 / 0
    assert files_of(tmp_path / "out") == whole["jan"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [".out.lock"]


@pytest.mark.parametrize("command", [
    ["transfer", "out", "--store", "runs.sqlite", "--definitive", "--out", "export"],
    ["report", "out", "--out", "report.csv"],
    ["explain", "e1", "2025-01-02", "--run", "out"],
])
def test_a_changed_run_folder_is_refused(
        runs: tuple[Path, dict[str, dict[str, bytes]]], tmp_path: Path,
        command: list[str]) -> None:
    cwd, _ = runs
    shutil.copytree(cwd / "jan", tmp_path / "out")
    table = {"transfer": "pay_lines.parquet", "report": "time_sheet.parquet",
             "explain": "pay_lines.parquet"}[command[0]]
    with (tmp_path / "out" / table).open("ab") as handle:
        handle.write(b" ")
    done = paycalc(*command, cwd=tmp_path)
    assert done.returncode == EXIT_DATA, done.stderr
    assert f"{table}: changed since the run wrote it" in done.stderr
    assert "Traceback" not in done.stderr
    (tmp_path / "out" / "manifest.json").unlink()
    done = paycalc(*command, cwd=tmp_path)
    assert done.returncode == EXIT_DATA, done.stderr
    assert "not the output folder of a complete run (no manifest.json" in done.stderr
    (tmp_path / "out" / "manifest.json").write_text('{"period": ')
    with pytest.raises(DataError, match=r"manifest\.json cannot be read"):
        RunFolder(tmp_path / "out")
    assert not (tmp_path / "export").exists()
