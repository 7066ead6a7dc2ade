"""When each link's driver fires, and with what value: one row per employee, day and
driver value, for all employees at once (see docs/trackers.md, "Drivers")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import NamedTuple

import polars as pl

from paycalc.engine.calendar import kinds_match
from paycalc.engine.exprs import among
from paycalc.rules.compiled import Agreement, Link, Tracker
from paycalc.rules.dates import WEEKDAYS
from paycalc.rules.precision import TICKS
from paycalc.tables.inputs import MONEY

FIRINGS = ["employee_id", "date", "value", "per", "input_ids", "key"]
SPAN = ["first", "last", "valid_from", "assignment"]
"""A firing: the driver's value of the day is `value` / `per` (kept as a fraction so that
hours of seconds and ticks of a transaction stay exact); `key` tells firings of one day
apart (the transaction an anniversary follows), empty otherwise."""


def windows(assignments: pl.DataFrame, employees: pl.DataFrame, agreement: Agreement,
            link: Link, first: dt.date, last: dt.date) -> pl.DataFrame:
    """The day ranges a link may fire in: its agreement's assignments (main ones only when
    the link says so) within the employment and the period."""
    rows = assignments.filter(pl.col("agreement") == agreement.id)
    if link.main_agreement_only:
        rows = rows.filter(pl.col("main"))
    return rows.join(employees.select("employee_id", "employment_start", "employment_end",
                                      "birth_date", pl.col("row_id").alias("employee_row")),
                     on="employee_id").select(
        "employee_id", "valid_from", pl.col("row_id").alias("assignment"),
        "employment_start", "birth_date", "employee_row",
        pl.max_horizontal("valid_from", "employment_start", pl.lit(first)).alias("first"),
        pl.min_horizontal("valid_to", "employment_end", pl.lit(last)).alias("last"),
    ).filter(pl.col("first") <= pl.col("last"))


def month_day(year: pl.Expr, month: pl.Expr | int, day: pl.Expr | int) -> pl.Expr:
    """Day `day` of the month, or the month's last day when it has fewer."""
    start = pl.date(year, month, 1)
    return pl.min_horizontal(start.dt.month_end(), start + pl.duration(days=pl.lit(day) - 1))


def tracking_year(day: pl.Expr, tracker: Tracker) -> pl.Expr:
    """The first day of the tracking year `day` falls in."""
    start = month_day(day.dt.year(), tracker.year_start.month, tracker.year_start.day)
    before = month_day(day.dt.year() - 1, tracker.year_start.month, tracker.year_start.day)
    return pl.when(start <= day).then(start).otherwise(before)


def _years(frame: pl.DataFrame, first_year: pl.Expr) -> pl.DataFrame:
    """Each window row once per calendar year from `first_year` to its last day's year."""
    return frame.with_columns(pl.int_ranges(first_year, pl.col("last").dt.year() + 1)
                              .alias("year")).explode("year").drop_nulls("year")


class _Firing(NamedTuple):
    """What a driver reads to find when its link fires: the link and its tracker, the
    link's windows (`spans`), worked and scheduled time per day, the leave days, the
    transactions made so far, and which rows are of the link's own agreement (`ours`)."""

    link: Link
    tracker: Tracker
    spans: pl.DataFrame
    days: pl.DataFrame
    leave: pl.DataFrame
    transactions: pl.DataFrame
    ours: pl.Expr


_ONE = pl.lit(1, MONEY)
_ASSIGNMENT = pl.concat_list("assignment").alias("input_ids")
"""The input row behind a calendar driver of the agreement: the assignment to it."""
_EMPLOYEE = pl.concat_list("employee_row").alias("input_ids")
"""The input row behind a driver of the employment or birth date: the employee's row."""


def _transaction_anniversary(f: _Firing) -> pl.DataFrame:
    """A year after each transaction of the tracker in the driver's direction (made by
    one of its salary types, when it names some); the transaction tells firings apart."""
    d = f.link.driver
    sign = 1 if d.kind.startswith("increasing") else -1
    chosen = f.transactions.filter(
        (pl.col("tracker") == f.link.tracker) & (pl.col("quantity") * sign > 0) & f.ours)
    if d.salary_types:
        chosen = chosen.filter(among("made_by", d.salary_types, pl.String()))
    return chosen.select("employee_id", pl.col("date").dt.offset_by("1y"),
                         pl.col("ticks").cast(MONEY).alias("value"),
                         pl.lit(TICKS[f.tracker.unit], pl.Int64).alias("per"), "input_ids",
                         "made_by", pl.col("made_by").alias("key"))


def _tracking_year_start(f: _Firing) -> pl.DataFrame:
    start = f.tracker.year_start
    return _years(f.spans, pl.col("first").dt.year() - 1).select(
        "employee_id", month_day(pl.col("year"), start.month, start.day).alias("date"),
        _ONE.alias("value"), _ASSIGNMENT, *SPAN)


def _time_of_day(f: _Firing) -> pl.DataFrame:
    """Days with punched (hours or a day) or scheduled time."""
    kind = f.link.driver.kind
    seconds = pl.col("scheduled" if kind == "scheduled_days" else "worked")
    hours = kind == "punched_hours"
    return f.days.filter(f.ours & (seconds > 0)).select(
        "employee_id", pl.col("day").alias("date"),
        (seconds.cast(MONEY) if hours else _ONE).alias("value"),
        pl.lit(3600 if hours else 1, pl.Int64).alias("per"),
        pl.col("scheduled_ids" if kind == "scheduled_days" else "worked_ids")
        .alias("input_ids"))


def _agreement_active_days(f: _Firing) -> pl.DataFrame:
    return f.spans.select("employee_id", pl.date_ranges("first", "last").alias("date"),
                          _ONE.alias("value"), _ASSIGNMENT,
                          *SPAN).explode("date")


def _anniversary(f: _Firing) -> pl.DataFrame:
    """Each anniversary of the employment start or of the birth date."""
    since = pl.col("employment_start" if f.link.driver.kind == "employment_anniversary"
                   else "birth_date")
    return f.spans.filter(since.is_not_null()).with_columns(
        pl.int_ranges(1, pl.col("last").dt.year() - since.dt.year() + 2).alias("n")
    ).explode("n").select("employee_id", since.dt.offset_by(pl.format("{}y", pl.col("n")))
                          .alias("date"), _ONE.alias("value"), _EMPLOYEE, *SPAN)


def _monthly_from_agreement_start_year(f: _Firing) -> pl.DataFrame:
    d = f.link.driver
    assert d.month is not None and d.day is not None
    start = pl.col("valid_from").dt.year() * 12 + (d.month - 1)
    return f.spans.with_columns(pl.int_ranges(
        start, pl.col("last").dt.year() * 12 + pl.col("last").dt.month()).alias("n")
    ).explode("n").drop_nulls("n").select(
        "employee_id", month_day(pl.col("n") // 12, pl.col("n") % 12 + 1, d.day).alias("date"),
        _ONE.alias("value"), _ASSIGNMENT, *SPAN)


def _monthly_from_employment_date(f: _Firing) -> pl.DataFrame:
    start = pl.col("employment_start")
    months = (pl.col("last").dt.year() - start.dt.year()) * 12 + pl.col("last").dt.month() \
        - start.dt.month()
    return f.spans.with_columns(pl.int_ranges(1, months + 1).alias("n")).explode(
        "n").drop_nulls("n").select(
        "employee_id", start.dt.offset_by(pl.format("{}mo", pl.col("n"))).alias("date"),
        _ONE.alias("value"), _EMPLOYEE, *SPAN)


def _yearly_from_agreement_start_year(f: _Firing) -> pl.DataFrame:
    d = f.link.driver
    assert d.month_day is not None
    return _years(f.spans, pl.col("valid_from").dt.year()).select(
        "employee_id", month_day(pl.col("year"), d.month_day.month, d.month_day.day)
        .alias("date"), _ONE.alias("value"), _ASSIGNMENT, *SPAN)


def _vacation_leave_days(f: _Firing) -> pl.DataFrame:
    """Counted days of leave of the driver's salary types, within its day numbers."""
    d = f.link.driver
    weekday = pl.col("weekday").replace_strict(dict(enumerate(WEEKDAYS)),
                                               return_dtype=pl.String())
    counted = ((pl.col("counted") | among("weekday_name", d.counted_weekdays, pl.String()))
               & ~kinds_match(d.never_counted))
    chosen = f.leave.filter(f.ours & among("salary_type", d.salary_types, pl.String())
                            ).with_columns(weekday.alias("weekday_name")).filter(counted)
    number = pl.col("day").rank("ordinal").over("employee_id", "absence_id")
    within = number >= d.day_numbers_from
    if d.day_numbers_to is not None:
        within = within & (number <= d.day_numbers_to)
    return chosen.filter(within).select(
        "employee_id", pl.col("day").alias("date"), _ONE.alias("value"),
        pl.concat_list("absence_id").alias("input_ids"))


DRIVERS: dict[str, Callable[[_Firing], pl.DataFrame]] = {
    "increasing_transaction_anniversary": _transaction_anniversary,
    "decreasing_transaction_anniversary": _transaction_anniversary,
    "tracking_year_start": _tracking_year_start,
    "punched_hours": _time_of_day,
    "punched_days": _time_of_day,
    "scheduled_days": _time_of_day,
    "agreement_active_days": _agreement_active_days,
    "employment_anniversary": _anniversary,
    "birthday": _anniversary,
    "monthly_from_agreement_start_year": _monthly_from_agreement_start_year,
    "monthly_from_employment_date": _monthly_from_employment_date,
    "yearly_from_agreement_start_year": _yearly_from_agreement_start_year,
    "vacation_leave_days": _vacation_leave_days,
}
"""The days each kind of driver fires on, with its value and input rows (and `key` where
firings of one day differ)."""


def firings(link: Link, tracker: Tracker, spans: pl.DataFrame, days: pl.DataFrame,
            leave: pl.DataFrame, transactions: pl.DataFrame, agreement: Agreement
            ) -> pl.DataFrame:
    """Every firing of `link` inside `spans`, once per employee and day (and transaction,
    for anniversaries), as FIRINGS columns."""
    d = link.driver
    ours = pl.lit(True) if link.include_all_employee_data else pl.col("agreement") == agreement.id
    fired = DRIVERS[d.kind](_Firing(link, tracker, spans, days, leave, transactions, ours))
    if "made_by" not in fired.columns:
        fired = fired.with_columns(pl.lit("").alias("made_by"))
    if "key" not in fired.columns:
        fired = fired.with_columns(pl.lit("").alias("key"))
    if "per" not in fired.columns:
        fired = fired.with_columns(pl.lit(1, pl.Int64).alias("per"))
    if "assignment" not in fired.columns:  # read from data: inside any of the spans
        fired = fired.join(spans.select("employee_id", *SPAN), on="employee_id")
    inside = fired.filter(pl.col("date").is_between(pl.col("first"), pl.col("last")))
    # overlapping assignments of one agreement fire once: the earliest assignment's firing
    same = ["employee_id", "date", "key"]
    if d.kind.endswith("transaction_anniversary"):
        same += ["input_ids", "value"]
    if spans.select(pl.col("employee_id").is_duplicated().any()).item():
        inside = inside.sort("valid_from", "assignment", maintain_order=True)
    return inside.unique(same, keep="first").select(FIRINGS).with_columns(
        pl.col("value").cast(MONEY))
