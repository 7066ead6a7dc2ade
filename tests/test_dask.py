"""The Dask executor: `paycalc run --executor dask` evaluates the buckets of employees on a
`distributed` cluster (here a LocalCluster of two worker processes), each worker writing
its buckets' part files, and writes exactly the files the run on one machine writes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from run_files import run_files

import paycalc.batch.run as batch_run
from paycalc.cli import main
from paycalc.spec.bundled import AGREEMENTS_DIR, SAMPLE_DIR

try:
    import distributed  # noqa: F401
except ImportError:  # the test extra installs it: CI must run these tests for real
    if os.environ.get("CI"):
        raise
    pytest.skip("Dask is not installed: pip install 'paycalc[dask]'", allow_module_level=True)


def test_a_dask_run_writes_the_files_of_a_local_run(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch_run, "BUCKET_ROWS", 300)  # a few buckets for the workers
    runner = CliRunner()
    base = ["run", str(SAMPLE_DIR), "--agreements", str(AGREEMENTS_DIR), "--from",
            "2025-01-01", "--to", "2025-02-28", "--format", "csv", "-q"]
    local = runner.invoke(main, [*base, "--out", str(tmp_path / "local")])
    assert local.exit_code in (0, 4), local.output
    cluster = runner.invoke(main, [*base, "--out", str(tmp_path / "dask"), "--executor",
                                   "dask"])
    assert cluster.exit_code == local.exit_code, cluster.output
    here, there = run_files(tmp_path / "local"), run_files(tmp_path / "dask")
    assert sorted(here) == sorted(there)
    lines = (tmp_path / "local" / "pay_lines.csv").read_text().count("\n")
    assert lines > 1000
    for name, content in here.items():
        assert there[name] == content, name


def test_the_scheduler_needs_the_dask_executor(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["run", str(SAMPLE_DIR), "--agreements",
                                       str(AGREEMENTS_DIR), "--from", "2025-01-01", "--to",
                                       "2025-01-31", "--out", str(tmp_path / "x"),
                                       "--scheduler", "tcp://127.0.0.1:8786"])
    assert result.exit_code == 2 and "--executor dask" in result.output
