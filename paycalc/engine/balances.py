"""Balances per employee, tracker and tracking year from the ledger rows, and the warnings
the ledger raises: min / max crossings and unlocked data older than the agreement allows."""

from __future__ import annotations

import datetime as dt

import polars as pl

from paycalc.engine.drivers import tracking_year
from paycalc.engine.exprs import by_employee_and_day, running_total
from paycalc.engine.ledger import ACCRUALS, per_tracker, per_unit, shown, ticks, with_tracking_year
from paycalc.reasons import BALANCE_ABOVE_MAX, BALANCE_BELOW_MIN, UNLOCKED_OLD
from paycalc.rules.compiled import Agreement, Tracker
from paycalc.rules.precision import TICKS
from paycalc.tables.messages import warned
from paycalc.tables.outputs import BALANCES, WARNINGS, frame_of


def shown_on(tracker: Tracker, as_of: dt.date) -> dt.date:
    """The date a tracker's balance is shown for: `as_of`, or the next occurrence of its
    month-day on or after it."""
    if tracker.balance_month_day is None:
        return as_of
    basis = tracker.balance_month_day.in_year(as_of.year)
    return basis if basis >= as_of else tracker.balance_month_day.in_year(as_of.year + 1)


def balances(rows: pl.DataFrame, opening: pl.DataFrame, trackers: dict[str, Tracker],
             as_of: dt.date) -> pl.DataFrame:
    """BALANCES of every employee, tracker and tracking year with an opening balance (with
    its `year`, see `opening_years`) or a row up to the date the tracker is shown for."""
    group = ["employee_id", "tracker", "tracking_year"]
    on = per_tracker(trackers, "tracker", lambda t: pl.lit(shown_on(t, as_of)), pl.Date())
    periodised = pl.col("tracker").is_in([t.code for t in trackers.values() if t.periodised])
    same_year = pl.col("year") == per_tracker(
        trackers, "tracker", lambda t: tracking_year(pl.lit(as_of), t), pl.Date())
    accrual = (pl.col("kind") == "max_accrual") | (
        pl.col("kind").is_in(ACCRUALS) & (pl.col("operator") == "add")
        & (pl.col("quantity") > 0))
    scale = per_unit(trackers)
    q = pl.col("ticks")
    upto = pl.col("date") <= as_of
    moved = with_tracking_year(rows.filter(pl.col("date") <= on), trackers).group_by(
        group).agg(
        q.sum().alias("shown_balance"), q.filter(upto).sum().alias("balance"),
        q.filter(upto & accrual & (periodised | same_year)).sum().alias("accrued"))
    exact = pl.coalesce("balance_ticks", ticks(pl.col("balance"), scale))
    start = opening.select(*group, exact.alias("shown_balance"), exact.alias("balance"),
                           pl.when(pl.col("tracking_year").is_not_null() | same_year)
                           .then(pl.coalesce("accrued_ticks", ticks(pl.col("accrued"), scale)))
                           .otherwise(0).alias("accrued"))
    total = pl.concat([start, moved]).group_by(group).agg(
        pl.col("shown_balance", "balance", "accrued").sum())
    return total.select(
        *group, pl.lit(as_of).alias("as_of"), shown(pl.col("balance"), scale).alias("balance"),
        shown(pl.col("accrued"), scale).alias("accrued"), on.alias("shown_on"),
        shown(pl.col("shown_balance"), scale).alias("shown_balance"),
        per_tracker(trackers, "tracker", lambda t: pl.lit(t.unit), pl.String()).alias("unit"),
        per_tracker(trackers, "tracker", lambda t: pl.lit(t.decimals), pl.Int64())
        .alias("decimals"),
        per_tracker(trackers, "tracker", lambda t: pl.lit(t.show_on_time_card), pl.Boolean())
        .alias("show_on_time_card"), pl.col("balance").alias("balance_ticks"),
        pl.col("accrued").alias("accrued_ticks"),
    ).cast(BALANCES).sort(group)


def limit_warnings(rows: pl.DataFrame, opening: pl.DataFrame,
                   trackers: dict[str, Tracker]) -> pl.DataFrame:
    """A warning on each day a tracker's total, at the end of the day, goes from within its
    min / max to beyond it (the balance is never clipped)."""
    pair = ["employee_id", "tracker"]
    limited = [code for code, t in trackers.items() if t.min is not None or t.max is not None]
    start = opening.group_by(pair).agg(
        pl.coalesce("balance_ticks", ticks(pl.col("balance"), per_unit(trackers)))
        .sum().alias("start"))
    daily = rows.filter(pl.col("tracker").is_in(limited)).group_by(*pair, "date").agg(
        pl.col("ticks").sum().alias("q")).join(start, on=pair, how="left")
    daily = by_employee_and_day(daily, "date", between="tracker").with_columns(
        (pl.col("start").fill_null(0) + running_total(pl.col("q"), pair)).alias("after"))
    daily = daily.with_columns((pl.col("after") - pl.col("q")).alias("before"))
    parts = []
    for code in limited:
        t = trackers[code]
        mine = daily.filter(pl.col("tracker") == code)
        after = shown(pl.col("after"), pl.lit(TICKS[t.unit]))
        for limit, reason, crossed in (
                (t.min, BALANCE_BELOW_MIN, lambda m: (pl.col("after") < m) & (m <= pl.col(
                    "before"))),
                (t.max, BALANCE_ABOVE_MAX, lambda m: (pl.col("before") <= m) & (m < pl.col(
                    "after")))):
            if limit is None:
                continue
            bound = pl.lit(round(limit * TICKS[t.unit]), pl.Int64)
            parts.append(mine.filter(crossed(bound)).select(
                "employee_id", "date", *warned(reason, tracker=code, balance=after,
                                               limit=limit)))
    return frame_of(parts, WARNINGS)


def unlocked_warnings(rows: pl.DataFrame, assignments: pl.DataFrame,
                      agreements: list[Agreement], first: dt.date,
                      last: dt.date) -> pl.DataFrame:
    """One warning per employee with tracker rows when the unlocked days, from `first` to
    `last`, are more than the smallest `warn_unlocked_after_days` of their agreements."""
    limits = {a.id: a.warn_unlocked_after_days for a in agreements}
    days = (last - first).days
    if not limits:
        return pl.DataFrame(schema=WARNINGS)
    people = rows.select("employee_id").unique().join(
        assignments.filter(pl.col("agreement").is_in(list(limits))).select(
            "employee_id", pl.col("agreement").replace_strict(limits, return_dtype=pl.Int64)
            .alias("limit")), on="employee_id").group_by("employee_id").agg(
        pl.col("limit").min())
    return people.filter(pl.col("limit") < days).select(
        "employee_id", pl.lit(first).alias("date"),
        *warned(UNLOCKED_OLD, days=days, first=first, limit=pl.col("limit")))
