"""CSV reports of a run's time sheet: the golden contact desk under fixtures/reports/, whose
expected reports are worked out by hand in their headers, through the library and through
`paycalc run` + `paycalc report`; and the options' refusals."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from click.testing import CliRunner

from paycalc.batch.run import Batch, period_of, run_directory
from paycalc.batch.time_reports import ReportOptions, time_report
from paycalc.cli import main
from paycalc.spec.load import load_file

DESK = Path(__file__).resolve().parent.parent / "fixtures" / "reports" / "contact_desk"
SPEC = load_file(DESK / "scenario.yaml").data
REPORTS: dict[str, dict[str, Any]] = SPEC["reports"]


@pytest.fixture(scope="module")
def desk() -> Batch:
    period = period_of(SPEC["period"]["from"], SPEC["period"]["to"])
    return run_directory(DESK, [DESK / "agreements"], period)


def _expected(name: str) -> str:
    """The expected CSV without its comment lines."""
    lines = (DESK / name).read_text(encoding="utf-8").splitlines(keepends=True)
    return "".join(line for line in lines if not line.startswith("#"))


def test_the_desk_runs_clean(desk: Batch) -> None:
    assert desk.rejects.is_empty()
    assert (desk.accounting["read"] == desk.accounting["used"]).all()


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_reports_of_the_desk_are_the_hand_worked_ones(desk: Batch, name: str) -> None:
    report = time_report(desk.time_sheet, ReportOptions(**REPORTS[name]))
    assert report.write_csv() == _expected(name)


def test_the_time_sheet_keeps_activities_apart(desk: Batch) -> None:
    """a1's Monday: calls, training paid as set, the unpaid break; the figures and salary
    on the row without an activity."""
    monday = desk.time_sheet.filter(employee_id="a1", date=dt.date(2025, 6, 9))
    assert monday.select("activity", "planned", "system", "reported", "salary_time").rows() == [
        (None, 0, 0, 0, 0), ("BREAK", 0, 900, 900, 0), ("CALLS", 14400, 14640, 14640, 14640),
        ("TRAINING", 10800, 9300, 9300, 10800)]
    assert str(monday["salary"][0]) == "142.8300"


def test_paycalc_report_writes_the_same_csv(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "run"
    result = runner.invoke(main, ["run", str(DESK), "--agreements", str(DESK / "agreements"),
                                  "--from", "2025-06-09", "--to", "2025-06-10",
                                  "--out", str(out), "--format", "csv"])
    assert result.exit_code == 0, result.output
    name = "expected_detailed_calls_in_days.csv"
    options = REPORTS[name]
    args = ["report", str(out), "--out", str(tmp_path / "r.csv"), "--detailed", "--unit",
            options["unit"], "--skip-empty"]
    args += [arg for a in options["activities"] for arg in ("--activity", a)]
    args += [arg for c in options["columns"] for arg in ("--column", c)]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "r.csv").read_text(encoding="utf-8") == _expected(name)


def test_time_without_an_activity_is_chosen_by_a_dash(desk: Batch) -> None:
    """With '-' only time punched or planned without an activity counts: the desk has
    none, so every time column is 0 while the figures stay."""
    report = time_report(desk.time_sheet, ReportOptions(activities=["-"],
                                                         columns=["reported", "revenue"]))
    assert report.rows() == [("a1", "north", "0.00", None), ("a2", "south", "0.00", "300.00"),
                             ("a3", "south", "0.00", None)]


def test_an_unknown_column_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown report column 'wages'; the columns are "
                                         "planned, system"):
        ReportOptions(columns=["planned", "wages"])


def test_days_need_a_nominal_day(desk: Batch) -> None:
    sheet = desk.time_sheet.with_columns(
        pl.when(pl.col("employee_id") == "a2").then(0).otherwise(pl.col("nominal_day"))
        .alias("nominal_day"))
    with pytest.raises(ValueError, match="no nominal day for employee a2"):
        time_report(sheet, ReportOptions(unit="days"))


def test_salary_in_two_currencies_is_never_added_up(desk: Batch) -> None:
    """Were a1's Tuesday paid in USD (under another agreement), a1 gets a row per currency:
    Monday's 142.83 GBP and Tuesday's 312.83 - 142.83 = 170.00 USD, not 312.83."""
    sheet = desk.time_sheet.with_columns(
        pl.when((pl.col("employee_id") == "a1") & (pl.col("date").dt.weekday() == 2))
        .then(pl.lit("USD")).otherwise(pl.col("currency")).alias("currency"))
    report = time_report(sheet, ReportOptions(columns=["salary"]))
    assert report.filter(pl.col("employee_id") == "a1").rows() == [
        ("a1", "north", "142.83", "GBP"), ("a1", "north", "170.00", "USD")]
