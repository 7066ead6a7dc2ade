"""The streaming run: `paycalc run` evaluates and writes the employees bucket by bucket, and
writes exactly the files of the run held in memory and written whole
(`write_run(run_directory(...))`): in one bucket or many, in threads or worker processes,
and from a run store when a month already paid has changed."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from run_files import run_files

import paycalc.batch.run as batch_run
import paycalc.tables.cut as cut
from paycalc.batch.run import period_of, run_directory
from paycalc.batch.store import RunStore
from paycalc.batch.write import PARTS, write_run
from paycalc.cli import main
from paycalc.errors import EXIT_OK, EXIT_REJECTS
from paycalc.spec.bundled import AGREEMENTS_DIR, SAMPLE_DIR

BAD_ROWS = Path(__file__).resolve().parent.parent / "fixtures" / "batch" / "bad_rows"
JANUARY = ("2025-01-01", "2025-01-31")
FEBRUARY = ("2025-02-01", "2025-02-28")


def paycalc_run(data: Path, period: tuple[str, str], out: Path, *options: str,
                exit_code: int = EXIT_OK) -> None:
    result = CliRunner().invoke(main, ["run", str(data), "--agreements", str(AGREEMENTS_DIR),
                                       "--from", period[0], "--to", period[1], "--out",
                                       str(out), "-q", *options])
    assert result.exit_code == exit_code, result.output


def in_memory(data: Path, period: tuple[str, str], out: Path, fmt: str = "parquet",
              store: RunStore | None = None) -> None:
    """The run held in memory in one bucket, written whole."""
    first, last = (dt.date.fromisoformat(day) for day in period)
    write_run(run_directory(data, [AGREEMENTS_DIR], period_of(first, last), store=store),
              out, "csv" if fmt == "csv" else "parquet")


def same_files(left: Path, right: Path) -> None:
    here, there = run_files(left), run_files(right)
    assert sorted(here) == sorted(there)
    for name, content in here.items():
        assert there[name] == content, name


@pytest.mark.parametrize(("fmt", "workers"), [("parquet", "1"), ("csv", "2")])
def test_buckets_in_threads_or_processes_write_the_files_of_one_pass(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, workers: str) -> None:
    in_memory(SAMPLE_DIR, ("2025-01-01", "2025-02-28"), tmp_path / "memory", fmt)
    monkeypatch.setattr(batch_run, "BUCKET_ROWS", 200)   # 1,443 punches: 8 buckets
    paycalc_run(SAMPLE_DIR, ("2025-01-01", "2025-02-28"), tmp_path / "streamed",
                "--format", fmt, "--workers", workers)
    same_files(tmp_path / "memory", tmp_path / "streamed")
    assert not (tmp_path / "streamed" / PARTS).exists()
    lines = (tmp_path / "memory" / f"pay_lines.{fmt}")
    read = pl.read_parquet(lines) if fmt == "parquet" else pl.read_csv(lines, infer_schema=False)
    assert read.height == 3414
    pages = list((tmp_path / "streamed" / "report" / "employees").glob("e*.html"))
    assert len(pages) == 36


def test_a_streamed_month_after_a_paid_month_changed_corrects_it_as_one_pass(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """January is run and transferred definitively; then a January punch of e3 ends an hour
    later in the export, and February is run from the store: its corrections of January,
    its tracker corrections and its balances are those of the run in one pass."""
    export = tmp_path / "export"
    shutil.copytree(SAMPLE_DIR, export)
    store = tmp_path / "runs.sqlite"
    paycalc_run(export, JANUARY, tmp_path / "jan", "--store", str(store))
    done = CliRunner().invoke(main, ["transfer", str(tmp_path / "jan"), "--store", str(store),
                                     "--definitive", "--out", str(tmp_path / "payroll")])
    assert done.exit_code == 0, done.output
    punches = pl.read_csv(export / "punches.csv", infer_schema=False)
    first = punches.with_row_index().filter(pl.col("employee_id") == "e3").row(0, named=True)
    later = (dt.datetime.fromisoformat(first["end"]) + dt.timedelta(hours=1)).isoformat()
    punches.with_columns(pl.when(pl.col("punch_id") == first["punch_id"]).then(pl.lit(later))
                         .otherwise(pl.col("end")).alias("end")).write_csv(
        export / "punches.csv")
    in_memory(export, FEBRUARY, tmp_path / "memory", "csv", RunStore(store))
    monkeypatch.setattr(batch_run, "BUCKET_ROWS", 200)
    paycalc_run(export, FEBRUARY, tmp_path / "streamed", "--store", str(store), "--format",
                "csv")
    same_files(tmp_path / "memory", tmp_path / "streamed")
    lines = pl.read_csv(tmp_path / "streamed" / "pay_lines.csv", infer_schema=False)
    corrections = lines.filter(pl.col("correction") == "true")
    assert first["punch_id"] == "p3-0" and first["start"] == "2025-01-01T08:10:00"
    # p3-0 is on New Year's Day: the extra hour earns the holiday supplement (1 h, unpriced
    # here), and is worked time split between ORD (35 min at e3's 162.00 an hour = 94.50)
    # and OT50 (25 min at 1.5 x 162.00 = 101.25); all dated on the paid day, 1 January
    assert corrections.select("employee_id", "date", "salary_type", "seconds", "amount",
                              "corrects_transfer").rows() == [
        ("e3", "2025-01-01", "OB_HOLIDAY", "3600", None, "1"),
        ("e3", "2025-01-01", "ORD", "2100", "94.50", "1"),
        ("e3", "2025-01-01", "OT50", "1500", "101.25", "1")]


def test_a_directory_read_bucket_by_bucket_rejects_what_it_rejects_read_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each bucket reads and checks only its employees' rows; the few things one bucket
    cannot see alone are worked out over the whole file first. The bad-rows fixture, with
    e2 reusing e1's punch id p1 and a CSV row of e2 cut short, is read with every employee
    in a bucket of its own, in two processes: the rejects (with file, row and reason), the
    row accounting and every other file equal those of the run read whole."""
    data = tmp_path / "data"
    shutil.copytree(BAD_ROWS, data)
    with (data / "punches.csv").open("a", encoding="utf-8") as punches:
        punches.write("p1,e2,2025-06-16T08:00:00,2025-06-16T12:00:00,\n")
        punches.write("p99,e2,2025-06-17T08:00:00\n")
    spring = ("2025-03-01", "2025-06-30")
    in_memory(data, spring, tmp_path / "memory", "csv")
    monkeypatch.setattr(batch_run, "BUCKET_ROWS", 1)
    monkeypatch.setattr(cut, "ID_GROUP", 4)
    monkeypatch.setattr(cut, "SLICE", 5)
    paycalc_run(data, spring, tmp_path / "streamed", "--format", "csv", "--workers", "2",
                exit_code=EXIT_REJECTS)
    same_files(tmp_path / "memory", tmp_path / "streamed")
    rejects = pl.read_csv(tmp_path / "streamed" / "rejects.csv", infer_schema=False)
    # rows 1 and 17 of punches.csv give p1 (e1, e2), rows 10 and 11 p10 (both e1): neither
    # of a pair can be told from the other
    assert rejects.filter(pl.col("code") == "DUPLICATE_PUNCH_ID").select(
        "row", "row_id").rows() == [("1", "p1"), ("10", "p10"), ("11", "p10"), ("17", "p1")]
    assert rejects.filter(pl.col("row") == "18").select("code").rows() == [("FIELD_COUNT",)]
