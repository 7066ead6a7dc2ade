"""Time-sheet reports like the contact-centre product's: per employee (summary) or per
employee and day (detailed), the columns planned, system, reported, salary time, points,
revenue, profit, commission, sales, bonus, salary and approval, in hours or days, filtered
by employees or teams, activities and columns, optionally leaving out rows with no values.

A run writes its `time_sheet` table (`sheet_of`): the engine's seconds per employee, day
and activity, and per employee-day the figures, the salary (payable pay lines) and the
approval state. `time_report` makes a report of that table, so a consultant can cut the
same run many ways without running it again. What each column means is in
docs/batch-runs.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import polars as pl

from paycalc.engine import Evaluation
from paycalc.engine.absences import nominal_day
from paycalc.engine.columns import AMOUNT
from paycalc.engine.time_sheet import TIMES
from paycalc.inputs import MONEY, Inputs, Period, prepare, schema

FIGURES = ("points", "revenue", "profit", "commission", "sales", "bonus")
"""Figure kinds, in the order of the report's columns."""
COLUMNS = (*TIMES, *FIGURES, "salary", "approval")
"""Every column a report can show, in order."""
COUNTS = ("points", "sales")
"""Figures that are counts, shown without trailing zeros; the others are money."""
NO_ACTIVITY = "-"
"""The activity filter's name for time punched or planned without an activity."""

SHEET = schema(employee_id=pl.String, team=pl.String, date=pl.Date, activity=pl.String,
               **dict.fromkeys(TIMES, pl.Int64), nominal_day=pl.Int64,
               **dict.fromkeys(FIGURES, MONEY), salary=AMOUNT, approval=pl.String)
"""Columns of a run's `time_sheet`: seconds per employee, day and activity (activity empty
on the row that also holds the day's figures, salary and approval), with the employee's
team and nominal day in seconds; sorted by employee, date and activity (empty first)."""


def sheet_of(evaluation: Evaluation, inputs: Inputs, period: Period) -> pl.DataFrame:
    """The time sheet of an evaluation of `inputs` over `period`."""
    tables = prepare(Inputs(employees=inputs.employees, figures=inputs.figures))
    key = ["employee_id", "date"]
    times = evaluation.time_sheet.group_by(*key, "activity").agg(pl.col(TIMES).sum())
    figures = tables["figures"].filter(pl.col("date").is_between(period.start, period.end))
    values = figures.group_by(key).agg(
        *(pl.when((pl.col("kind") == kind).any())
          .then(pl.col("value").filter(pl.col("kind") == kind).sum()).alias(kind)
          for kind in FIGURES),
        (~pl.col("approved")).any().alias("withheld"))
    lines = evaluation.pay_lines
    payable = pl.col("payable") & pl.col("amount").is_not_null()
    pay = lines.group_by(key).agg(
        pl.when(payable.any()).then(pl.col("amount").filter(payable).sum()).alias("salary"),
        (~pl.col("payable")).any().alias("awaiting"),
        pl.col("requires_approval").any().alias("required"))
    money = values.join(pay, on=key, how="full", coalesce=True).with_columns(
        pl.when(pl.col("withheld").fill_null(False) | pl.col("awaiting").fill_null(False))
        .then(pl.lit("pending"))
        .when(pl.col("required").fill_null(False)).then(pl.lit("approved"))
        .alias("approval"), pl.lit(None, pl.String).alias("activity"))
    staff = tables["employees"].select("employee_id", "team",
                                       nominal_day().alias("nominal_day"))
    return times.join(money, on=[*key, "activity"], how="full", coalesce=True,
                      nulls_equal=True).join(staff, on="employee_id", how="left").with_columns(
        pl.col(TIMES).fill_null(0)).select(list(SHEET)).cast(SHEET).sort(
        *key, "activity", nulls_last=False)


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
    decimals (halves away from zero), figures and money exactly as summed. Raises
    ValueError for days of an employee whose nominal day is 0."""
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
    key = ["employee_id", "date"] if options.detailed else ["employee_id"]
    grouped = rows.group_by(key).agg(
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
    report = grouped.sort(key).select("employee_id", "team", *key[1:], *(
        _time(c, options.unit) if c in TIMES else pl.col(c) if c == "approval"
        else _counted(c) if c in COUNTS else _money(c) for c in shown))
    if options.skip_empty:
        zero = pl.col(value).is_null() | pl.col(value).str.contains(r"^-?0(\.0+)?$")
        report = report.filter(~pl.all_horizontal(zero, pl.col("approval").is_null()
                                                   if "approval" in shown else True))
    return report


def _time(column: str, unit: str) -> pl.Expr:
    """Seconds as hours or days with 2 decimals, halves away from zero."""
    per = pl.lit(3600, MONEY) if unit == "hours" else pl.col("nominal_day").cast(MONEY)
    return (pl.col(column).cast(MONEY) / per).round(2, mode="half_away_from_zero").cast(
        pl.Decimal(38, 2)).cast(pl.String).alias(column)


def _money(column: str) -> pl.Expr:
    """An amount as text, exact, with at least 2 decimals and no trailing zeros beyond."""
    return pl.col(column).cast(pl.String).str.replace(r"(\.\d\d\d*?)0+$", "$1").alias(column)


def _counted(column: str) -> pl.Expr:
    """A count (points, sales) as text, exact, without trailing zeros."""
    return pl.col(column).cast(pl.String).str.replace(r"(\.\d*?)0+$", "$1").str.replace(
        r"\.$", "").alias(column)
