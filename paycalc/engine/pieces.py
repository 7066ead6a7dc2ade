"""Punches and schedules into pieces: worked or planned time of one row on one attribution
day, as epoch seconds. Rows that cannot be used become rejects with their reason."""

from __future__ import annotations

from typing import NamedTuple

import polars as pl

from paycalc.engine.context import AgreementDays
from paycalc.engine.exprs import OF_THE_DAY, among, employee_day, failed_rows, first_failure, lookup
from paycalc.engine.zones import problem_checks
from paycalc.reasons import (
    END_BEFORE_START,
    NO_MAIN_AGREEMENT,
    NOT_AN_HOURS_TYPE,
    PUNCH_OPEN,
    UNKNOWN_ACTIVITY,
)
from paycalc.rules.compiled import PunchRounding
from paycalc.tables.messages import because, rejected

REGULAR = ""
"""Target of paid time that becomes ordinary time and overtime."""


def under_agreement(frame: pl.DataFrame, day: str, mains: pl.DataFrame,
                    agreement: str) -> pl.DataFrame:
    """The rows whose employee's main assignment on `day` is `agreement`: the first main
    assignment (by valid_from, then row) that covers the day."""
    covering = frame.join(mains, on="employee_no").filter(_covers(day))
    if _overlapping(mains):  # an input error, but the rule above still decides
        covering = covering.sort("valid_from", "assignment_row").unique(
            ["row_id", day], keep="first", maintain_order=True)
    return covering.filter(pl.col("agreement") == agreement).drop(
        "agreement", "valid_from", "valid_to", "assignment_row")


def _covers(day: str) -> pl.Expr:
    """Whether the row's assignment (valid_from, valid_to) covers the date in `day`."""
    return (pl.col("valid_from") <= pl.col(day)) & (
        pl.col("valid_to").is_null() | (pl.col(day) <= pl.col("valid_to")))


def _overlapping(mains: pl.DataFrame) -> bool:
    """Whether some employee has main assignments that cover the same day."""
    ordered = mains.sort("employee_no", "valid_from")
    previous_end = pl.col("valid_to").shift(1)
    same = pl.col("employee_no") == pl.col("employee_no").shift(1)
    return bool(ordered.select(
        (same & (previous_end.is_null() | (previous_end >= pl.col("valid_from")))).any()
    ).item())


def _rounded(instant: pl.Expr, local: pl.Expr, rule: PunchRounding) -> pl.Expr:
    """The instant rounded by the rule on its wall clock (`local` seconds)."""
    if rule.step_seconds == 0:
        return instant
    step = rule.step_seconds
    whole, rest = local // step, local % step
    if rule.direction == "down":
        rounded = whole * step
    elif rule.direction == "up":
        rounded = pl.when(rest == 0).then(whole).otherwise(whole + 1) * step
    else:
        rounded = pl.when(2 * rest >= step).then(whole + 1).otherwise(whole) * step
    return instant + rounded - local


class PunchPieces(NamedTuple):
    """The punches of one agreement: `pieces` of worked time, the punched `breaks` (seconds
    per employee-day), the usable punches as `punched` (start, end, start_day, before
    rounding and breaks) and the `rejects`."""

    pieces: pl.DataFrame
    breaks: pl.DataFrame
    punched: pl.DataFrame
    rejects: pl.DataFrame


def punch_pieces(punches: pl.DataFrame, days: AgreementDays, mains: pl.DataFrame,
                 assignments: pl.DataFrame) -> PunchPieces:
    """The punches that fall under the agreement from the first day its evaluation looks at
    to the period's end. Rejected: the rows of the agreement that cannot be used, and
    those of an employee without a main assignment (to any agreement, among all
    `assignments`) on the punch's day."""
    agreement = days.agreement
    zone, rules = agreement.time_zone, agreement.time_rules
    frame = days.read_instants(punches, "start", "end")
    frame = days.written_days(frame.filter(pl.col("start").is_not_null()), "local_day")
    frame = frame.filter(pl.col("local_day").is_between(days.first, days.period.end))
    nowhere = unassigned(frame, "local_day", assignments).select(
        pl.lit("punches").alias("table"), "row_id", pl.lit("start").alias("column"),
        *rejected(NO_MAIN_AGREEMENT, day=pl.col("local_day")))
    frame = under_agreement(frame, "local_day", mains, agreement.id)
    activities = {a.code: a for a in agreement.time_rules.activities}
    hours_types = [s.code for s in agreement.salary_types if s.unit == "hours"]
    frame = frame.with_columns(*first_failure([
        *problem_checks("start", zone),
        (pl.col("end").is_null(), "end", because(PUNCH_OPEN)),
        *problem_checks("end", zone),
        (pl.col("end_at") < pl.col("start_at"), "end", because(END_BEFORE_START)),
        (pl.col("activity").is_not_null() & ~among("activity", activities, pl.String()),
         "activity", because(UNKNOWN_ACTIVITY, activity=pl.col("activity"))),
        (pl.col("salary_type").is_not_null() & ~among("salary_type", hours_types, pl.String()),
         "salary_type", because(NOT_AN_HOURS_TYPE, salary_type=pl.col("salary_type"))),
    ]))
    rejects = pl.concat([failed_rows(frame, "punches"), nowhere])
    frame = frame.filter(pl.col("reason").is_null())
    punched = frame.select("employee_id", "activity", pl.col("start_at").alias("start"),
                           pl.col("end_at").alias("end"), pl.col("local_day").alias("start_day"))

    frame = days.with_local_seconds(frame, {"start_local": "start_at", "end_local": "end_at"})
    start = _rounded(pl.col("start_at"), pl.col("start_local"), rules.rounding_start)
    end = _rounded(pl.col("end_at"), pl.col("end_local"), rules.rounding_end)
    frame = frame.with_columns(start.alias("s")).with_columns(
        pl.max_horizontal("s", end).alias("e"))
    pause = (pl.min_horizontal(pl.col("break_minutes") * 60, pl.col("e") - pl.col("s"))
             if rules.use_punched_breaks else pl.lit(0, pl.Int64))
    salary_of = {code: a.salary_type for code, a in activities.items() if a.salary_type}
    paid_of = {code: a.paid for code, a in activities.items()}
    frame = days.local_days(frame, {"start_day": pl.col("s")}).with_columns(
        pause.alias("pause"),
        pl.coalesce(pl.col("salary_type"),
                    lookup(pl.col("activity"), salary_of, pl.String()),
                    pl.lit(REGULAR)).alias("target"),
        lookup(pl.col("activity"), paid_of, pl.Boolean(), default=True)
        .alias("paid"),
    ).with_columns(((pl.col("e") - pl.col("s") - pl.col("pause")) // 2).alias("first_part"))
    # `row_rank` orders rows as their ids sort, so lists of ids come out sorted cheaply
    frame = frame.with_columns(pl.col("row_id").rank("dense").alias("row_rank"))
    keep = ["employee_id", "employee_no", "row_id", "row_rank", "activity", "target", "paid",
            "start_day"]
    # a punch without a break stays one interval: its two halves would meet
    whole = pl.col("pause") == 0
    before = frame.select(*keep, pl.col("s").alias("start"), pl.when(whole).then("e")
                          .otherwise(pl.col("s") + pl.col("first_part")).alias("end"))
    after = frame.filter(~whole).select(
        *keep, (pl.col("s") + pl.col("first_part") + pl.col("pause")).alias("start"),
        pl.col("e").alias("end"))
    pieces = _keyed(days.split_days(pl.concat([before, after])))
    gaps = frame.select("employee_no", "start_day", (pl.col("s") + pl.col("first_part"))
                        .alias("start"), (pl.col("s") + pl.col("first_part") + pl.col("pause"))
                        .alias("end"))
    breaks = _keyed(days.split_days(gaps)).group_by("employee_day").agg(
        (pl.col("end") - pl.col("start")).sum().alias("pause"))
    return PunchPieces(pieces, breaks, punched, rejects)


def unassigned(rows: pl.DataFrame, day: str, assignments: pl.DataFrame) -> pl.DataFrame:
    """The `rows` (one or more per row_id, a date in `day`) of the row_ids whose employee
    has no main assignment, to any agreement, covering any of their days: no agreement
    says how to pay them."""
    covered = rows.select("row_id", "employee_no", day).join(
        assignments.filter(pl.col("main")).select("employee_no", "valid_from", "valid_to"),
        on="employee_no").filter(_covers(day))
    return rows.join(covered, on="row_id", how="anti")


class ScheduleDays(NamedTuple):
    """The schedules of one agreement: paid `scheduled` seconds per employee-day, the
    `planned` activities per employee-day with the first instant each is planned, the
    schedules' `pieces` (paid or not), and the `rejects` (a local time that does not exist
    or is ambiguous)."""

    scheduled: pl.DataFrame
    planned: pl.DataFrame
    pieces: pl.DataFrame
    rejects: pl.DataFrame


def schedule_days(schedules: pl.DataFrame, days: AgreementDays, mains: pl.DataFrame
                  ) -> ScheduleDays:
    """The schedules that fall under the agreement."""
    agreement, zone = days.agreement, days.zone
    frame = days.written_days(days.read_instants(schedules, "start", "end"), "start_day")
    frame = under_agreement(frame, "start_day", mains, agreement.id)
    frame = frame.with_columns(*first_failure([*problem_checks("start", zone),
                                               *problem_checks("end", zone)]))
    rejects = failed_rows(frame, "schedules")
    frame = frame.filter(pl.col("reason").is_null() & pl.col("start_at").is_not_null()
                         & pl.col("end_at").is_not_null()
                         & (pl.col("start_at") < pl.col("end_at")))
    pieces = _keyed(days.split_days(frame.select(
        "employee_id", "employee_no", "row_id", "activity", "paid", "start_day",
        pl.col("start_at").alias("start"), pl.col("end_at").alias("end"))))
    scheduled = pieces.filter(pl.col("paid")).group_by("employee_day").agg(
        *OF_THE_DAY, (pl.col("end") - pl.col("start")).sum().alias("scheduled"))
    planned = pieces.filter(pl.col("activity").is_not_null())
    if not agreement.time_rules.set_paid_time:  # only set-paid-time rules look at them
        planned = planned.clear()
    planned = planned.group_by("employee_day", "activity").agg(
        *OF_THE_DAY, pl.col("start").min().alias("first_start"))
    return ScheduleDays(scheduled, planned, pieces, rejects)


def _keyed(pieces: pl.DataFrame) -> pl.DataFrame:
    """Pieces with their `employee_day` (see `exprs.employee_day`)."""
    return pieces.with_columns(employee_day(pl.col("day")).alias("employee_day"))
