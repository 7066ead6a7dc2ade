"""The tracker balance report: per employee, tracker and tracking year, opening + what the
period moved = balance, exactly, at the tracker's decimals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import polars as pl
from click.testing import CliRunner

from paycalc.batch.cases import load_case
from paycalc.batch.run import period_of, run_directory
from paycalc.batch.tracker_report import MOVED, tracker_report
from paycalc.batch.write import write_run
from paycalc.cli import EXIT_OK, main
from paycalc.engine import evaluate
from paycalc.spec.bundled import AGREEMENTS_DIR, SAMPLE_DIR

CARRY = Path(__file__).resolve().parent.parent / "fixtures" / "trackers" / "03_set_carry_over"


def test_a_reset_with_carry_over_worked_by_hand() -> None:
    """fixtures/trackers/03: e1 adds 55 h (10 Dec) and 3 h (1 Jan), and the reset of 1 Jan
    keeps 40 of 55: -15; e2 adds -12 h and the reset changes nothing. Nothing before."""
    case = load_case(CARRY)
    result = evaluate(case.agreements, case.inputs, case.period)
    report = tracker_report(result.tracker_transactions, result.balances, result.warnings)
    assert report.select("employee_id", "opening", "adjusted", "reset", "balance").rows() == [
        ("e1", "0.00", "58.00", "-15.00", "43.00"), ("e2", "0.00", "-12.00", "0.00", "-12.00")]


def test_every_row_adds_up_and_the_command_filters(tmp_path: Path) -> None:
    batch = run_directory(SAMPLE_DIR, [AGREEMENTS_DIR],
                          period_of(dt.date(2025, 2, 1), dt.date(2025, 2, 28)))
    write_run(batch, tmp_path / "feb")
    done = CliRunner().invoke(main, ["report", str(tmp_path / "feb"), "--out",
                                     str(tmp_path / "balances.csv"), "--balances",
                                     "--tracker", "FLEX", "--tracker", "VAC"])
    assert done.exit_code == EXIT_OK, done.output
    report = pl.read_csv(tmp_path / "balances.csv", infer_schema=False)
    assert set(report["tracker"]) == {"FLEX", "VAC"}
    assert report.height == batch.evaluation.balances.filter(
        pl.col("tracker").is_in(["FLEX", "VAC"])).height
    for row in report.iter_rows(named=True):
        moved = sum(Decimal(row[c]) for c in MOVED)
        # each column is rounded once at the tracker's decimals: the sum may differ from the
        # balance by at most half a unit of the last place per column
        place = Decimal(1).scaleb(-len(row["balance"].partition(".")[2]))
        assert abs(Decimal(row["opening"]) + moved - Decimal(row["balance"])) <= \
            place * len(MOVED) / 2
    # without a run store nothing comes before the period
    assert set(report["opening"]) <= {"0", "0.00"}
    # e0 worked 16 days in February, 120 h in all (shown as 120.000001 when its 16 rounded
    # days are added up), against 16 nominal 8-hour days: -128 h
    e0 = report.filter(employee_id="e0", tracker="FLEX").row(0, named=True)
    assert (e0["accrued"], e0["taken"], e0["balance"]) == ("120.00", "-128.00", "-8.00")
