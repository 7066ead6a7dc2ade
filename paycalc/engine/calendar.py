"""The days of an agreement: local day boundaries as instants, weekdays, holidays, eves,
and the instances of its supplement windows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from paycalc.engine.exprs import among
from paycalc.engine.zones import in_stretches, local_date, wall_to_instant
from paycalc.rules.compiled import Agreement, Supplement
from paycalc.rules.dates import WEEKDAYS
from paycalc.rules.holiday_days import holiday_days


def day_calendar(agreement: Agreement, first: dt.date, last: dt.date) -> pl.DataFrame:
    """One row per local date from `first` to `last`: `day_start` and `day_end` (epoch
    seconds), `weekday` (0 = Monday), `holiday`, `eve`."""
    zone = agreement.time_zone
    holidays, eves = holiday_days(agreement.time_rules.holidays, first.year - 1, last.year + 1)
    dates = pl.date_range(first, last + dt.timedelta(days=1), "1d", eager=True).alias("day")
    frame = pl.DataFrame(dates).with_columns(
        wall_to_instant(pl.col("day").dt.combine(dt.time()), zone).alias("day_start"))
    return frame.with_columns(
        pl.col("day_start").shift(-1).alias("day_end"),
        (pl.col("day").dt.weekday() - 1).alias("weekday"),
        among("day", sorted(holidays), pl.Date()).alias("holiday"),
        among("day", sorted(eves), pl.Date()).alias("eve"),
    ).head(-1)


def local_days(frame: pl.DataFrame, instants: dict[str, pl.Expr], calendar: pl.DataFrame,
               zone: str) -> pl.DataFrame:
    """`frame` with the local date of each instant expression, as column named by its key.

    When every instant falls inside the calendar its date is looked up among the calendar's
    day starts (a binary search, far cheaper than converting each instant to the zone);
    otherwise every instant is converted. Both give the same dates.
    """
    bounds = calendar.select(pl.col("day_start").first(), pl.col("day_end").last())
    low, high = bounds.row(0) if calendar.height else (0, 0)
    if not in_stretches(frame.select(**instants), low, high):
        return frame.with_columns(local_date(e, zone).alias(n) for n, e in instants.items())
    starts, days = pl.lit(calendar["day_start"]), pl.lit(calendar["day"])
    return frame.with_columns(
        days.gather(pl.when(e.is_not_null()).then(
            starts.search_sorted(e.fill_null(low), side="right") - 1)).alias(n)
        for n, e in instants.items())


def split_days(frame: pl.DataFrame, agreement: Agreement, calendar: pl.DataFrame) -> pl.DataFrame:
    """Cut [start, end) rows into attribution days (`day`), dropping empty pieces."""
    frame = frame.filter(pl.col("start") < pl.col("end"))
    if agreement.time_rules.day_attribution == "start_day":
        return frame.rename({"start_day": "day"})
    frame = local_days(frame.drop("start_day"), {
        "day": pl.col("start"), "last_day": pl.col("end") - 1}, calendar, agreement.time_zone)
    within = frame.filter(pl.col("day") == pl.col("last_day")).drop("last_day")
    crossing = frame.filter(pl.col("day") != pl.col("last_day")).with_columns(
        pl.date_ranges("day", "last_day").alias("day")).drop("last_day").explode("day")
    crossing = crossing.join(calendar.select("day", "day_start", "day_end"), on="day").with_columns(
        pl.max_horizontal("start", "day_start").alias("start"),
        pl.min_horizontal("end", "day_end").alias("end"),
    ).drop("day_start", "day_end").filter(pl.col("start") < pl.col("end"))
    return pl.concat([within, crossing.select(within.columns)])


def kinds_match(kinds: frozenset[str]) -> pl.Expr:
    """True on calendar rows whose weekday, holiday or eve is among `kinds`."""
    match = among("weekday", [WEEKDAYS.index(k) for k in kinds if k in WEEKDAYS],
                  pl.Int8())
    if "holiday" in kinds:
        match = match | pl.col("holiday")
    if "holiday_eve" in kinds:
        match = match | pl.col("eve")
    return match


def window_instances(agreement: Agreement, calendar: pl.DataFrame,
                     windows: Sequence[Supplement] | None = None) -> pl.DataFrame:
    """Each supplement window (or each of `windows`) on each day it applies: `day`, `code`,
    `group`, `priority`, `w_start`, `w_end` (epoch seconds)."""
    zone = agreement.time_zone
    frames = []
    for w in agreement.time_rules.supplements if windows is None else windows:
        runs_over = w.crosses_midnight or w.end_seconds == 86400
        frames.append(calendar.filter(kinds_match(w.days)).select(
            "day",
            pl.lit(w.code).alias("code"),
            pl.lit(w.group, pl.String).alias("group"),
            pl.lit(w.priority, pl.Int64).alias("priority"),
            wall_to_instant(pl.col("day").dt.combine(dt.time())
                            + pl.duration(seconds=w.start_seconds), zone).alias("w_start"),
            wall_to_instant((pl.col("day") + pl.duration(days=int(runs_over))).dt.combine(
                dt.time()) + pl.duration(seconds=w.end_seconds % 86400), zone).alias("w_end"),
        ))
    schema = {"day": pl.Date, "code": pl.String, "group": pl.String, "priority": pl.Int64,
              "w_start": pl.Int64, "w_end": pl.Int64}
    return pl.concat(frames) if frames else pl.DataFrame(schema=schema)
