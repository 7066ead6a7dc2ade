"""Absences and figures into lines.

An absence counts the employee's working days within its range (and within the run's
window): the scheduled days when any day of it is scheduled, otherwise the first
`working_days_per_week` weekdays that are not public holidays. Each counted day is one day,
or `hours_per_day`, or the full day (scheduled time or nominal day). A figure is paid as the
salary type its kind is mapped to; unmapped kinds are reported, not paid.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import polars as pl

from paycalc.engine.context import AgreementDays
from paycalc.engine.exprs import among, employee_day, failed_rows, first_failure, lookup
from paycalc.engine.line_rules import AgreementRules
from paycalc.engine.pieces import unassigned, under_agreement
from paycalc.reasons import (
    FIGURE_NOT_PAID,
    NO_MAIN_AGREEMENT_SPAN,
    UNKNOWN_EMPLOYEE,
    UNKNOWN_SALARY_TYPE,
)
from paycalc.rules.compiled import Agreement
from paycalc.tables.inputs import (
    FIGURE_KINDS,
    MONEY,
    PAY_FIGURE_KINDS,
    nominal_day,
    whole_seconds,
)
from paycalc.tables.messages import Warned, because, rejected, warned
from paycalc.tables.outputs import LINE


class AbsenceLines(NamedTuple):
    """The absences of one agreement: `lines` of counted days, the `rejects`, and every
    day of the usable absences with whether it is counted and its seconds (`leave`: the
    leave days tracker drivers and monthly-salary deductions read)."""

    lines: pl.DataFrame
    rejects: pl.DataFrame
    leave: pl.DataFrame


def absence_lines(absences: pl.DataFrame, employees: pl.DataFrame, scheduled: pl.DataFrame,
                  context: AgreementDays, mains: pl.DataFrame, assignments: pl.DataFrame,
                  numbers: AgreementRules) -> AbsenceLines:
    """The absences that fall under the agreement, from the first day its evaluation looks
    at to the period's end.

    Rejected besides the rows of the agreement that cannot be used: those of an employee
    without a main assignment (to any agreement, among all `assignments`) on any of the
    absence's days in that window."""
    agreement, calendar = context.agreement, context.calendar
    first, last = context.first, context.period.end
    days = absences.filter(pl.col("start_date") <= pl.col("end_date")).with_columns(
        pl.date_ranges(pl.max_horizontal("start_date", pl.lit(first)),
                       pl.min_horizontal("end_date", pl.lit(last))).alias("day")).explode(
        "day").filter(pl.col("day").is_not_null())
    nowhere = unassigned(days, "day", assignments).group_by("row_id").agg(
        pl.col("day").min().alias("from"), pl.col("day").max().alias("to")).select(
        pl.lit("absences").alias("table"), "row_id", pl.lit("start_date").alias("column"),
        *rejected(NO_MAIN_AGREEMENT_SPAN, first=pl.col("from"), last=pl.col("to")))
    days = under_agreement(days, "day", mains, agreement.id)
    codes = {s.code: s for s in agreement.salary_types}
    days = days.join(employees.select(
        "employee_id", "working_days_per_week", "fulltime_hours_per_week", "employment_level",
        pl.lit(True).alias("known")), on="employee_id", how="left")
    days = days.with_columns(*first_failure([
        (~among("salary_type", codes, pl.String()), "salary_type",
         because(UNKNOWN_SALARY_TYPE, salary_type=pl.col("salary_type"))),
        (pl.col("known").is_null(), "employee_id", because(UNKNOWN_EMPLOYEE)),
    ]))
    rejects = pl.concat([failed_rows(days, "absences").unique(), nowhere])
    days = days.filter(pl.col("reason").is_null()).with_columns(
        employee_day(pl.col("day")).alias("employee_day")).join(
        scheduled.select("employee_day", "scheduled"), on="employee_day", how="left").join(
        calendar.select("day", "weekday", "holiday", "eve"), on="day", how="left").with_columns(
        pl.col("scheduled").fill_null(0))
    by_schedule = (pl.col("scheduled") > 0).any().over("row_id")
    counted = pl.when(by_schedule).then(pl.col("scheduled") > 0).otherwise(
        (pl.col("weekday") < pl.col("working_days_per_week")) & ~pl.col("holiday"))
    if agreement.time_rules.full_absence_day == "schedule_or_nominal":
        full_day = pl.when(pl.col("scheduled") > 0).then(pl.col("scheduled")).otherwise(
            nominal_day())
    else:
        full_day = nominal_day()
    seconds = pl.when(pl.col("hours_per_day").is_not_null()).then(
        whole_seconds(pl.col("hours_per_day") * pl.lit(3600, MONEY))).otherwise(full_day)
    unit_days = [s.code for s in agreement.salary_types if s.unit == "days"]
    lines = days.filter(counted).select(
        "employee_id", "employee_day", "day",
        lookup(pl.col("salary_type"), numbers.absences, pl.Int64()).alias("rule_no"),
        seconds.alias("seconds"),
        pl.when(among("salary_type", unit_days, pl.String())).then(pl.lit(1, MONEY))
        .alias("quantity"),
        pl.concat_list(pl.col("row_id")).alias("input_ids"),
        pl.lit(None, pl.Boolean).alias("approved"),
        pl.col("row_id").rank("dense").cast(pl.Int64).alias("id_rank"),
    )
    leave = days.select("employee_no", "employee_id", "day", "salary_type",
                        pl.col("row_id").alias("absence_id"), "start_date", "end_date",
                        counted.alias("counted"), seconds.alias("seconds"), "weekday",
                        "holiday", "eve")
    return AbsenceLines(lines.cast(LINE), rejects, leave)


def figure_lines(figures: pl.DataFrame, mains: pl.DataFrame, agreement: Agreement,
                 numbers: AgreementRules, first: dt.date, last: dt.date) -> Warned:
    """Lines of the figures whose kind the agreement pays, and a `FIGURE_NOT_PAID`
    warning for each approved figure of a pay kind it does not pay."""
    paid = {kind: getattr(agreement.figures, kind)
            for kind in FIGURE_KINDS
            if getattr(agreement.figures, kind) is not None}
    unpaid = [kind for kind in PAY_FIGURE_KINDS if kind not in paid]
    ours = under_agreement(figures.filter(pl.col("date").is_between(first, last)).rename(
        {"date": "day"}), "day", mains, agreement.id)
    warnings = ours.filter(pl.col("kind").is_in(unpaid) & pl.col("approved")).select(
        "employee_id", pl.col("day").alias("date"),
        *warned(FIGURE_NOT_PAID, kind=pl.col("kind"), agreement=agreement.id))
    frame = ours.filter(among("kind", paid, pl.String()))
    return Warned(frame.select(
        "employee_id", employee_day(pl.col("day")).alias("employee_day"), "day",
        lookup(pl.col("kind"), numbers.figures, pl.Int64()).alias("rule_no"),
        pl.lit(None, pl.Int64).alias("seconds"), pl.col("value").alias("quantity"),
        pl.concat_list(pl.col("row_id")).alias("input_ids"), "approved",
        pl.col("row_id").rank("dense").cast(pl.Int64).alias("id_rank"),
    ).cast(LINE), warnings)
