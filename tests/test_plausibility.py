"""Plausibility with declared bounds, beyond the rejects of `test_cli_errors`: a punch
longer than `row_rules.LONG_PUNCH` (16 h) is paid as punched with a `LONG_PUNCH` warning; an
approved bonus or commission the employee's agreement does not pay is a `FIGURE_NOT_PAID`
warning, never dropped in silence; a number with more digits than the engine keeps exactly
is a `TOO_PRECISE` reject, never rounded, and an exponent or a decimal comma is no number.
"""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import polars as pl

from paycalc.batch.run import period_of, run_directory
from paycalc.spec.bundled import AGREEMENTS_DIR, SAMPLE_DIR

JANUARY = period_of(dt.date(2025, 1, 1), dt.date(2025, 1, 31))


def _data(tmp_path: Path, **tables: str) -> Path:
    """A data directory with the sample's employees and assignments and `tables` as CSV."""
    data = tmp_path / "data"
    data.mkdir()
    for table in ("employees", "assignments"):
        shutil.copy(SAMPLE_DIR / f"{table}.csv", data)
    for table, text in tables.items():
        (data / f"{table}.csv").write_text(text, encoding="utf-8")
    return data


def test_a_long_punch_is_paid_with_a_warning(tmp_path: Path) -> None:
    # e1 (retail): 16:00 exactly is no warning; 17:30 is one, and all of it is worked time
    data = _data(tmp_path, punches="punch_id,employee_id,start,end\n"
                 "ok,e1,2025-01-07T06:00:00,2025-01-07T22:00:00\n"
                 "long,e1,2025-01-09T05:00:00,2025-01-09T22:30:00\n")
    batch = run_directory(data, [AGREEMENTS_DIR], JANUARY)
    warnings = batch.tables()["warnings"].filter(code="LONG_PUNCH")
    assert warnings.select("employee_id", "date", "message").rows() == [
        ("e1", dt.date(2025, 1, 9), "punch long lasts 17:30 (longer than 16 hours): paid as "
                                    "punched; check that it was punched out in time")]
    lines = batch.tables()["pay_lines"].filter(pl.col("date") == dt.date(2025, 1, 9))
    worked = lines.filter(pl.col("salary_type").is_in(["ORD", "OT50", "OT100"]))
    # 17:30 less retail's automatic break after 9 hours (0:45) is paid
    assert worked["quantity"].sum() == Decimal("16.75")


def test_an_approved_bonus_the_agreement_does_not_pay_is_a_warning(tmp_path: Path) -> None:
    # retail (e1) pays no bonus or commission; contact_centre (e20) pays both
    data = _data(tmp_path, assignments="employee_id,agreement,valid_from\n"
                 "e1,retail,2020-01-01\ne20,contact_centre,2020-01-01\n",
                 figures="employee_id,date,kind,value,approved\n"
                 "e1,2025-01-10,bonus,100.00,\n"
                 "e1,2025-01-10,commission,20.00,true\n"
                 "e1,2025-01-11,bonus,50.00,false\n"
                 "e1,2025-01-12,sales,4,\n"
                 "e20,2025-01-10,bonus,100.00,\n")
    batch = run_directory(data, [AGREEMENTS_DIR], JANUARY)
    warnings = batch.tables()["warnings"].filter(code="FIGURE_NOT_PAID")
    assert warnings.select("employee_id", "date", "message").sort("message").rows() == [
        ("e1", dt.date(2025, 1, 10), f"an approved {kind} figure is not paid: agreement retail "
                                     f"pays no {kind} (set figures.{kind} to pay it, or correct "
                                     "the assignment)") for kind in ("bonus", "commission")]
    paid = batch.tables()["pay_lines"].filter(pl.col("salary_type") == "BONUS")
    assert paid.select("employee_id", "quantity").rows() == [("e20", Decimal("100"))]


def test_numbers_are_read_exactly_or_rejected(tmp_path: Path) -> None:
    employees = pl.read_csv(SAMPLE_DIR / "employees.csv", infer_schema=False)
    rates = {"e0": "204.1234567890123456789", "e1": "1e3", "e2": "180,50",
             "e3": "1234567890123456.5", "e4": "0000000000000000000026.5"}
    employees.with_columns(pl.col("employee_id").replace_strict(
        rates, default=pl.col("hourly_rate")).alias("hourly_rate")).write_csv(
        tmp_path / "employees.csv")
    data = _data(tmp_path)
    shutil.copy(tmp_path / "employees.csv", data / "employees.csv")
    batch = run_directory(data, [AGREEMENTS_DIR], JANUARY)
    rejects = batch.rejects.filter(table="employees").select("row", "code").rows()
    assert rejects == [(1, "TOO_PRECISE"), (2, "NOT_A_NUMBER"), (3, "NOT_A_NUMBER"),
                       (4, "TOO_PRECISE")]
    assert batch.rejects.filter(table="employees", row=1)["reason"][0] == (
        "'204.1234567890123456789' has more digits than paycalc keeps exactly (at most 15 "
        "before the point and 18 after)")
