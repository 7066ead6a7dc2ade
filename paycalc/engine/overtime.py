"""The regular pool of each day into ordinary time and overtime steps.

Daily overtime is the day's regular paid time beyond its threshold (the schedule or a
duration). Weekly overtime counts only time that was not daily overtime: the minutes beyond
the weekly threshold in date order fall on the days where the running total crosses it.
Steps take consecutive slices of the day's (daily) or the week's (weekly) overtime.
"""

from __future__ import annotations

from typing import NamedTuple

import polars as pl

from paycalc.engine.exprs import dated_expr, running_total
from paycalc.engine.line_rules import AgreementRules
from paycalc.reasons import NO_OVERTIME_THRESHOLD
from paycalc.rules.compiled import Agreement, OvertimeRule
from paycalc.tables.inputs import schema
from paycalc.tables.messages import warned
from paycalc.tables.outputs import SLICE, WARNINGS, frame_of


def overtime_rules(agreement: Agreement) -> list[tuple[str, OvertimeRule]]:
    """The agreement's overtime rules by period name ("daily", "weekly")."""
    rules = agreement.time_rules
    return [(name, rule) for name, rule in (("daily", rules.daily_overtime),
                                            ("weekly", rules.weekly_overtime)) if rule]


def week_start(day: pl.Expr, first_weekday: int) -> pl.Expr:
    """The first day of the week that contains `day`."""
    back = (day.dt.weekday() - 1 - first_weekday) % 7
    return day - pl.duration(days=back)


def _steps(frame: pl.DataFrame, rule: OvertimeRule, period: str, lo: pl.Expr, hi: pl.Expr,
           at: pl.Expr, numbers: AgreementRules) -> list[pl.DataFrame]:
    """For each step, the part of overtime [lo, hi) that falls inside the step."""
    out = []
    position: pl.Expr = pl.lit(0, pl.Int64)
    for i, step in enumerate(rule.steps):
        end = None if step.length_seconds is None else position + dated_expr(
            step.length_seconds, at, pl.Int64())
        top = hi if end is None else pl.min_horizontal(hi, end)
        part = pl.max_horizontal(top - pl.max_horizontal(lo, position), 0)
        out.append(frame.select(
            "employee_id", "employee_day", "day",
            pl.lit(numbers.overtime[(period, i)], pl.Int64).alias("rule_no"),
            part.alias("seconds"), "input_ids",
        ).filter(pl.col("seconds") > 0))
        if end is None:
            break
        position = end
    return out


def _in_force(rule: OvertimeRule, at: pl.Expr) -> pl.Expr:
    """True where the rule's threshold and every step length have a value."""
    known = pl.lit(True)
    values = [s.length_seconds for s in rule.steps if s.length_seconds is not None]
    if rule.threshold_seconds is not None:
        values.append(rule.threshold_seconds)
    for value in values:
        known = known & dated_expr(value, at, pl.Int64()).is_not_null()
    return known


def _not_in_force(frame: pl.DataFrame, period: str, at: str) -> pl.DataFrame:
    return frame.filter(~pl.col("in_force")).select(
        "employee_id", pl.col("day").alias("date"),
        *warned(NO_OVERTIME_THRESHOLD, period=period, day=pl.col(at)))


AMOUNTS = schema(employee_id=pl.String, employee_day=pl.Int64, day=pl.Date, period=pl.String,
                 lo=pl.Int64, hi=pl.Int64, input_ids=pl.List(pl.String))
"""Overtime to classify by when it was worked: per employee-day and period, the part
[lo, hi) counted back from the end of the day's regular time, and the day's regular
punches (`overtime_times`)."""


class Overtime(NamedTuple):
    """The ordinary and overtime `slices` of the regular pools, the `warnings` of days where
    an overtime rule has no value yet, and the overtime of rules paid by when it is worked
    (AMOUNTS), which the pieces classify (`overtime_times`)."""

    slices: pl.DataFrame
    warnings: pl.DataFrame
    by_time: pl.DataFrame


def overtime_slices(regular: pl.DataFrame, scheduled: pl.DataFrame, agreement: Agreement,
                    numbers: AgreementRules) -> Overtime:
    """Ordinary and overtime slices (`seconds` per salary type and rule) of the regular
    pools (one row per `employee_day`, with `employee_id`, `employee_no`, `day`, `seconds`,
    `input_ids`) given the paid `scheduled` seconds per `employee_day`, and warnings of days
    where an overtime rule has no value yet (it does not apply there)."""
    rules = agreement.time_rules
    frame = regular.filter(pl.col("seconds") > 0).join(
        scheduled.select("employee_day", "scheduled"), on="employee_day", how="left")
    out: list[pl.DataFrame] = []
    warnings: list[pl.DataFrame] = []
    by_time: list[pl.DataFrame] = []
    daily = rules.daily_overtime
    if daily is None:
        frame = frame.with_columns(pl.lit(0, pl.Int64).alias("daily_ot"))
    else:
        threshold = (pl.col("scheduled").fill_null(0) if daily.threshold_seconds is None
                     else dated_expr(daily.threshold_seconds, pl.col("day"), pl.Int64()))
        frame = frame.with_columns(_in_force(daily, pl.col("day")).alias("in_force"))
        frame = frame.with_columns(pl.when(pl.col("in_force")).then(
            pl.max_horizontal(pl.col("seconds") - threshold, 0)).otherwise(0).alias("daily_ot"))
        if daily.by_time_rest:
            by_time.append(_amounts(frame, "daily", pl.lit(0, pl.Int64), pl.col("daily_ot")))
        out += _steps(frame, daily, "daily", pl.lit(0, pl.Int64), pl.col("daily_ot"),
                      pl.col("day"), numbers)
        warnings.append(_not_in_force(frame, "daily", "day"))
    weekly = rules.weekly_overtime
    if weekly is None:
        frame = frame.with_columns(pl.lit(0, pl.Int64).alias("weekly_ot"))
    else:
        assert weekly.threshold_seconds is not None
        week = ["employee_no", "week"]
        straight = pl.col("seconds") - pl.col("daily_ot")
        frame = frame.with_columns(week_start(pl.col("day"), rules.week_starts).alias("week"))
        frame = frame.with_columns(_in_force(weekly, pl.col("week")).alias("in_force"))
        # weeks follow days: in day order, each (employee, week) group is consecutive
        frame = frame.sort("employee_day").with_columns(
            running_total(straight, week).alias("running"),
            dated_expr(weekly.threshold_seconds, pl.col("week"), pl.Int64()).alias("limit"),
        ).with_columns(pl.when(pl.col("in_force")).then(pl.min_horizontal(
            straight, pl.max_horizontal(pl.col("running") - pl.col("limit"), 0)))
            .otherwise(0).alias("weekly_ot")).with_columns(
            (running_total(pl.col("weekly_ot"), week) - pl.col("weekly_ot")).alias("before"))
        if weekly.by_time_rest:
            by_time.append(_amounts(frame, "weekly", pl.col("daily_ot"),
                                    pl.col("daily_ot") + pl.col("weekly_ot")))
        out += _steps(frame, weekly, "weekly", pl.col("before"),
                      pl.col("before") + pl.col("weekly_ot"), pl.col("week"), numbers)
        warnings.append(_not_in_force(frame, "weekly", "week"))
    if rules.ordinary_salary_type is not None:
        out.append(frame.select(
            "employee_id", "employee_day", "day",
            pl.lit(numbers.ordinary[None], pl.Int64).alias("rule_no"),
            (pl.col("seconds") - pl.col("daily_ot") - pl.col("weekly_ot")).alias("seconds"),
            "input_ids").filter(pl.col("seconds") > 0))
    slices = pl.concat([o.cast(SLICE) for o in out]) if out else pl.DataFrame(schema=SLICE)
    return Overtime(slices, pl.concat(warnings) if warnings else pl.DataFrame(schema=WARNINGS),
                    frame_of(by_time, AMOUNTS))


def _amounts(frame: pl.DataFrame, period: str, lo: pl.Expr, hi: pl.Expr) -> pl.DataFrame:
    """The overtime of `period` per employee-day, as [lo, hi) counted back from the end of
    the day's regular time (AMOUNTS)."""
    return frame.select("employee_id", "employee_day", "day", pl.lit(period).alias("period"),
                        lo.alias("lo"), hi.alias("hi"), "input_ids").filter(
        pl.col("hi") > pl.col("lo"))
