"""When each link's driver fires, and with what value: one row per employee, day and
driver value, for all employees at once (see docs/trackers.md, "Drivers")."""

from __future__ import annotations

import datetime as dt

import polars as pl

from paycalc.engine.calendar import kinds_match
from paycalc.engine.exprs import among
from paycalc.rules.compiled import Agreement, Link, Tracker
from paycalc.rules.dates import WEEKDAYS
from paycalc.tables.outputs import QUANTITY

FIRINGS = ["employee_id", "date", "value", "input_ids", "key"]
SPAN = ["first", "last", "valid_from", "assignment"]
"""A firing: `value` is the driver's value of the day; `key` tells firings of one day
apart (the transaction an anniversary follows), empty otherwise."""


def windows(assignments: pl.DataFrame, employees: pl.DataFrame, agreement: Agreement,
            link: Link, first: dt.date, last: dt.date) -> pl.DataFrame:
    """The day ranges a link may fire in: its agreement's assignments (main ones only when
    the link says so) within the employment and the period."""
    rows = assignments.filter(pl.col("agreement") == agreement.id)
    if link.main_agreement_only:
        rows = rows.filter(pl.col("main"))
    return rows.join(employees.select("employee_id", "employment_start", "employment_end",
                                      "birth_date"), on="employee_id").select(
        "employee_id", "valid_from", pl.col("row_id").alias("assignment"),
        "employment_start", "birth_date",
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


def firings(link: Link, tracker: Tracker, spans: pl.DataFrame, days: pl.DataFrame,
            leave: pl.DataFrame, transactions: pl.DataFrame, agreement: Agreement
            ) -> pl.DataFrame:
    """Every firing of `link` inside `spans`, once per employee and day (and transaction,
    for anniversaries), as FIRINGS columns."""
    d = link.driver
    one = pl.lit(1, QUANTITY)
    no_ids = pl.lit([], pl.List(pl.String))
    ours = pl.lit(True) if link.include_all_employee_data else pl.col("agreement") == agreement.id
    key = pl.lit("")
    if d.kind.endswith("transaction_anniversary"):
        sign = 1 if d.kind.startswith("increasing") else -1
        chosen = transactions.filter(
            (pl.col("tracker") == link.tracker) & (pl.col("quantity") * sign > 0) & ours)
        if d.salary_types:
            chosen = chosen.filter(among("made_by", d.salary_types, pl.String()))
        fired = chosen.select("employee_id", pl.col("date").dt.offset_by("1y"),
                              pl.col("quantity").alias("value"), "input_ids", "made_by")
        key = pl.col("made_by")
    elif d.kind == "tracking_year_start":
        fired = _years(spans, pl.col("first").dt.year() - 1).select(
            "employee_id", month_day(pl.col("year"), tracker.year_start.month,
                                     tracker.year_start.day).alias("date"),
            one.alias("value"), no_ids.alias("input_ids"), *SPAN)
    elif d.kind in ("punched_hours", "punched_days", "scheduled_days"):
        seconds = pl.col("scheduled" if d.kind == "scheduled_days" else "worked")
        value = ((seconds.cast(pl.Decimal(38, 18)) / 3600).round(6, mode="half_to_even")
                 if d.kind == "punched_hours" else one)
        fired = days.filter(ours & (seconds > 0)).select(
            "employee_id", pl.col("day").alias("date"), value.cast(QUANTITY).alias("value"),
            no_ids.alias("input_ids"))
    elif d.kind == "agreement_active_days":
        fired = spans.select("employee_id", pl.date_ranges("first", "last").alias("date"),
                             one.alias("value"), pl.concat_list("assignment").alias("input_ids"),
                             *SPAN).explode("date")
    elif d.kind in ("employment_anniversary", "birthday"):
        since = pl.col("employment_start" if d.kind == "employment_anniversary" else "birth_date")
        fired = spans.filter(since.is_not_null()).with_columns(
            pl.int_ranges(1, pl.col("last").dt.year() - since.dt.year() + 2).alias("n")
        ).explode("n").select("employee_id", since.dt.offset_by(pl.format("{}y", pl.col("n")))
                              .alias("date"), one.alias("value"), no_ids.alias("input_ids"), *SPAN)
    elif d.kind == "monthly_from_agreement_start_year":
        assert d.month is not None and d.day is not None
        start = pl.col("valid_from").dt.year() * 12 + (d.month - 1)
        fired = spans.with_columns(pl.int_ranges(
            start, pl.col("last").dt.year() * 12 + pl.col("last").dt.month()).alias("n")
        ).explode("n").drop_nulls("n").select(
            "employee_id", month_day(pl.col("n") // 12, pl.col("n") % 12 + 1, d.day).alias("date"),
            one.alias("value"), no_ids.alias("input_ids"), *SPAN)
    elif d.kind == "monthly_from_employment_date":
        start = pl.col("employment_start")
        months = (pl.col("last").dt.year() - start.dt.year()) * 12 + pl.col("last").dt.month() \
            - start.dt.month()
        fired = spans.with_columns(pl.int_ranges(1, months + 1).alias("n")).explode(
            "n").drop_nulls("n").select(
            "employee_id", start.dt.offset_by(pl.format("{}mo", pl.col("n"))).alias("date"),
            one.alias("value"), no_ids.alias("input_ids"), *SPAN)
    elif d.kind == "yearly_from_agreement_start_year":
        assert d.month_day is not None
        fired = _years(spans, pl.col("valid_from").dt.year()).select(
            "employee_id", month_day(pl.col("year"), d.month_day.month, d.month_day.day)
            .alias("date"), one.alias("value"), no_ids.alias("input_ids"), *SPAN)
    else:  # vacation_leave_days
        weekday = pl.col("weekday").replace_strict(dict(enumerate(WEEKDAYS)),
                                                   return_dtype=pl.String())
        counted = ((pl.col("counted") | among("weekday_name", d.counted_weekdays, pl.String()))
                   & ~kinds_match(d.never_counted))
        chosen = leave.filter(ours & among("salary_type", d.salary_types, pl.String())
                              ).with_columns(weekday.alias("weekday_name")).filter(counted)
        number = pl.col("day").rank("ordinal").over("employee_id", "absence_id")
        within = number >= d.day_numbers_from
        if d.day_numbers_to is not None:
            within = within & (number <= d.day_numbers_to)
        fired = chosen.filter(within).select(
            "employee_id", pl.col("day").alias("date"), one.alias("value"),
            pl.concat_list("absence_id").alias("input_ids"))
    if "made_by" not in fired.columns:
        fired = fired.with_columns(pl.lit("").alias("made_by"))
    fired = fired.with_columns(key.alias("key"))
    if "assignment" not in fired.columns:  # read from data: inside any of the spans
        fired = fired.join(spans.select("employee_id", *SPAN), on="employee_id")
    inside = fired.filter(pl.col("date").is_between(pl.col("first"), pl.col("last")))
    # overlapping assignments of one agreement fire once: the earliest assignment's firing
    same = ["employee_id", "date", "key"]
    if d.kind.endswith("transaction_anniversary"):
        same += ["input_ids", "value"]
    if spans.select(pl.col("employee_id").is_duplicated().any()).item():
        inside = inside.sort("valid_from", "assignment", maintain_order=True)
    return inside.unique(same, keep="first").select(FIRINGS)
