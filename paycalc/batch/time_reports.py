"""Time-sheet reports like the contact-centre product's: per employee (summary) or per
employee and day (detailed), the columns planned, system, reported, salary time, points,
revenue, profit, commission, sales, bonus, salary and approval, in hours or days, filtered
by employees or teams, activities and columns, optionally leaving out rows with no values.
With the salary comes its currency: an employee paid in two currencies in the report's
period gets a row per currency (the days paid in each), never a sum across them.

`time_report` makes a report of a run's `time_sheet` table (`time_sheet.sheet_of`), so a
consultant can cut the same run many ways without running it again. What each column means is in
docs/batch-runs.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import polars as pl

from paycalc.errors import InputError
from paycalc.tables.inputs import MONEY
from paycalc.tables.outputs import FIGURES, SHEET, TIMES, spreadsheet_safe

COLUMNS = (*TIMES, *FIGURES, "salary", "approval")
"""Every column a report can show, in order."""
COUNTS = ("points", "sales")
"""Figures that are counts, shown without trailing zeros; the others are money."""
NO_ACTIVITY = "-"
"""The activity filter's name for time punched or planned without an activity."""



@dataclass(frozen=True)
class ReportOptions:
    """How to cut a time sheet: per employee or per employee and day (`detailed`), time in
    hours or in days (of the employee's nominal day), only some employees or teams (an
    employee is in when listed or in a listed team), only time on some `activities`
    (NO_ACTIVITY for time without one), only some `columns`, and whether to leave out rows
    whose shown columns are all empty or zero."""

    detailed: bool = False
    unit: Literal["hours", "days"] = "hours"
    employees: Sequence[str] = ()
    teams: Sequence[str] = ()
    activities: Sequence[str] = ()
    columns: Sequence[str] = COLUMNS
    skip_empty: bool = False

    def __post_init__(self) -> None:
        unknown = [c for c in self.columns if c not in COLUMNS]
        if unknown:
            raise ValueError(f"unknown report column {', '.join(map(repr, unknown))}; "
                             f"the columns are {', '.join(COLUMNS)}")


def time_report(sheet: pl.DataFrame, options: ReportOptions = ReportOptions()) -> pl.DataFrame:
    """The report of a run's time sheet as text columns, ready to write as CSV: time with 2
    decimals (halves away from zero), figures and money exactly as summed, ids and teams
    that start like a formula quoted for spreadsheets (`spreadsheet_safe`). Raises
    ValueError for days of an employee whose nominal day is 0, and `InputError` (a
    ValueError) when `sheet` is not a time sheet."""
    missing = [c for c in SHEET if c not in getattr(sheet, "columns", ())]
    if not isinstance(sheet, pl.DataFrame) or missing:
        raise InputError(f"sheet: expected a run's time_sheet table (a Polars DataFrame with "
                         f"{', '.join(SHEET)}); missing {', '.join(missing) or 'the frame'}")
    rows = sheet
    if options.employees or options.teams:
        rows = rows.filter(pl.col("employee_id").is_in(list(options.employees))
                           | pl.col("team").is_in(list(options.teams)))
    if options.activities:
        chosen = pl.col("activity").is_in([a for a in options.activities if a != NO_ACTIVITY])
        if NO_ACTIVITY in options.activities:
            chosen = chosen | pl.col("activity").is_null()
        rows = rows.with_columns(pl.when(chosen.fill_null(False)).then(pl.col(TIMES))
                                 .otherwise(0))
    # amounts are never added across currencies: an employee paid in two gets a row each
    key = ["employee_id", "date"] if options.detailed else ["employee_id"]
    grouped = rows.group_by(*key, "currency").agg(
        pl.col("team").first(), pl.col("nominal_day").first(), pl.col(TIMES).sum(),
        *(pl.when(pl.col(c).is_not_null().any()).then(pl.col(c).sum()).alias(c)
          for c in (*FIGURES, "salary")),
        pl.when((pl.col("approval") == "pending").any()).then(pl.lit("pending"))
        .when((pl.col("approval") == "approved").any()).then(pl.lit("approved"))
        .alias("approval"))
    if options.unit == "days":
        nothing = grouped.filter(pl.col("nominal_day").fill_null(0) <= 0)["employee_id"]
        if len(nothing):
            raise ValueError(f"no nominal day for employee {', '.join(nothing.sort())}: "
                             "their full-time hours or employment level is 0")
    shown = [c for c in COLUMNS if c in options.columns]
    value = [c for c in shown if c != "approval"]
    report = grouped.sort(*key, "currency", nulls_last=True).select(
        "employee_id", "team", *key[1:], *(
            expr for c in shown for expr in (
                [_time(c, options.unit)] if c in TIMES else [pl.col(c)] if c == "approval"
                else [_counted(c)] if c in COUNTS
                else [_money(c), pl.col("currency")] if c == "salary" else [_money(c)])))
    if options.skip_empty:
        zero = pl.col(value).is_null() | pl.col(value).str.contains(r"^-?0(\.0+)?$")
        report = report.filter(~pl.all_horizontal(zero, pl.col("approval").is_null()
                                                   if "approval" in shown else True))
    return spreadsheet_safe(report, ["employee_id", "team", "currency"])


def _time(column: str, unit: str) -> pl.Expr:
    """Seconds as hours or days with 2 decimals, halves away from zero."""
    per = pl.lit(3600, MONEY) if unit == "hours" else pl.col("nominal_day").cast(MONEY)
    return in_units(pl.col(column), per).alias(column)


def in_units(seconds: pl.Expr, per: pl.Expr) -> pl.Expr:
    """`seconds` in units of `per` seconds (3600: hours; a nominal day: days) as text with
    2 decimals, halves away from zero."""
    return (seconds.cast(MONEY) / per).round(2, mode="half_away_from_zero").cast(
        pl.Decimal(38, 2)).cast(pl.String)


def _money(column: str) -> pl.Expr:
    """An amount as text, exact, with at least 2 decimals and no trailing zeros beyond."""
    return pl.col(column).cast(pl.String).str.replace(r"(\.\d\d\d*?)0+$", "$1").alias(column)


def _counted(column: str) -> pl.Expr:
    """A count (points, sales) as text, exact, without trailing zeros."""
    return pl.col(column).cast(pl.String).str.replace(r"(\.\d*?)0+$", "$1").str.replace(
        r"\.$", "").alias(column)
