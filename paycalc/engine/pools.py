"""Paid time per employee, day and target: automatic breaks cut from the end of the day,
then the set-paid-time rules replace the paid time of planned activities."""

from __future__ import annotations

import polars as pl

from paycalc.engine.calendar import kinds_match
from paycalc.engine.context import AgreementDays
from paycalc.engine.exprs import (
    DAY_COLUMNS,
    OF_THE_DAY,
    among,
    full_join_days,
    lookup,
    running_total,
)
from paycalc.engine.pieces import REGULAR
from paycalc.rules.compiled import Agreement, SetPaidTime
from paycalc.tables.inputs import schema

EIGHT_HOURS = 8 * 3600
DAY_KEY = ["employee_day"]
CHANGES = schema(employee_id=pl.String, employee_no=pl.Int64, day=pl.Date,
                 employee_day=pl.Int64, activity=pl.String, target=pl.String, delta=pl.Int64)
"""What set-paid-time rules change: seconds added to (or taken from) an activity's time."""


def cut_automatic_breaks(pieces: pl.DataFrame, breaks: pl.DataFrame,
                         agreement: Agreement) -> pl.DataFrame:
    """Shorten paid pieces so each long day contains its required break: the missing part
    is cut from the day's latest paid time. Only days that miss break time are touched."""
    rules = agreement.time_rules.automatic_breaks
    if not rules:
        return pieces
    length = pl.col("end") - pl.col("start")
    paid = pieces.filter(pl.col("paid"))
    required = pl.lit(0, pl.Int64)
    for rule in rules:  # ascending `after`: the longest exceeded rule wins
        required = pl.when(pl.col("worked") > rule.after_seconds).then(
            rule.deduct_seconds).otherwise(required)
    short = paid.group_by(DAY_KEY).agg(length.sum().alias("worked")).join(
        breaks, on=DAY_KEY, how="left").select(
        *DAY_KEY, pl.max_horizontal(required - pl.col("pause").fill_null(0), 0)
        .alias("missing")).filter(pl.col("missing") > 0)
    if short.is_empty():
        return pieces
    touched = pl.col("paid") & pl.col("employee_day").is_in(short["employee_day"].implode())
    cut = pieces.filter(touched).join(short, on=DAY_KEY).sort(
        *DAY_KEY, "end", "start", "row_rank", descending=[False, True, True, True])
    later = running_total(length, DAY_KEY) - length
    cut = cut.with_columns((pl.col("end") - pl.min_horizontal(
        pl.max_horizontal(pl.col("missing") - later, 0), length)).alias("end"))
    return pl.concat([cut.select(pieces.columns), pieces.filter(~touched)])


def paid_pools(pieces: pl.DataFrame) -> pl.DataFrame:
    """Paid seconds per employee, day and target, with the punch rows behind them."""
    return pieces.filter(pl.col("paid") & (pl.col("end") > pl.col("start"))).sort(
        "row_rank").group_by(*DAY_KEY, "target").agg(
        *OF_THE_DAY, (pl.col("end") - pl.col("start")).sum().alias("seconds"),
        pl.col("row_id").alias("input_ids")).with_columns(
        pl.col("input_ids").list.unique(maintain_order=True))


def paid_time_changes(pieces: pl.DataFrame, planned: pl.DataFrame, days: AgreementDays
                      ) -> pl.DataFrame:
    """Per employee, day and covered planned activity: the target its paid time goes to and
    `delta`, the rule's paid time less the time punched on it (empty without rules)."""
    agreement = days.agreement
    rules = agreement.time_rules.set_paid_time
    if not rules:
        return pl.DataFrame(schema=CHANGES)
    activities = {a.code: a for a in agreement.time_rules.activities}
    own = {code: a.salary_type or REGULAR for code, a in activities.items()}
    paid_codes = [code for code, a in activities.items() if a.paid]
    spent = pieces.filter(
        pl.col("paid") & pl.col("activity").is_not_null()
        & (pl.col("target") == lookup(pl.col("activity"), own, pl.String()))
    ).group_by(*DAY_KEY, "activity").agg(
        (pl.col("end") - pl.col("start")).sum().alias("spent"))
    candidates = planned.join(days.calendar, on="day").filter(
        among("activity", paid_codes, pl.String())).join(
        spent, on=[*DAY_KEY, "activity"], how="left").with_columns(
        pl.col("spent").fill_null(0), pl.lit(None, pl.Int64).alias("paid_time"))
    for rule in rules:
        candidates = _apply(candidates, rule)
    return candidates.filter(pl.col("paid_time").is_not_null()).select(
        *DAY_COLUMNS, *DAY_KEY, "activity",
        lookup(pl.col("activity"), own, pl.String()).alias("target"),
        (pl.col("paid_time") - pl.col("spent")).alias("delta")).cast(CHANGES)


def set_paid_time(pools: pl.DataFrame, changes: pl.DataFrame) -> pl.DataFrame:
    """Pools with the paid time of covered planned activities replaced by their rule."""
    if changes.is_empty():
        return pools
    changes = changes.group_by(*DAY_KEY, "target").agg(*OF_THE_DAY, pl.col("delta").sum())
    return full_join_days(pools, changes, "target").with_columns(
        (pl.col("seconds").fill_null(0) + pl.col("delta").fill_null(0)).alias("seconds"),
        pl.col("input_ids").fill_null(pl.lit([], pl.List(pl.String))),
    ).drop("delta")


def _apply(candidates: pl.DataFrame, rule: SetPaidTime) -> pl.DataFrame:
    """Give the activities this rule covers (not yet set by an earlier rule) their paid
    time; order inside a day is by first planned start, then activity code."""
    covers = pl.col("paid_time").is_null()
    if rule.days:
        covers = covers & kinds_match(rule.days)
    if rule.activities:
        covers = covers & among("activity", sorted(rule.activities), pl.String())
    chosen = candidates.filter(covers).sort(*DAY_KEY, "first_start", "activity")
    rest = candidates.filter(~covers)
    index = pl.int_range(pl.len()).over(DAY_KEY)
    count = pl.len().over(DAY_KEY)
    if rule.rule in ("zero_hours", "eight_hours"):
        value = pl.lit(0 if rule.rule == "zero_hours" else EIGHT_HOURS, pl.Int64)
        chosen = chosen.with_columns(value.alias("paid_time"))
    else:
        total = pl.lit(rule.time_seconds, pl.Int64)
        even = total // count + (index < total % count).cast(pl.Int64)
        whole = pl.col("spent").sum().over(DAY_KEY)
        chosen = chosen.with_columns(index.alias("i"), even.alias("even"))
        if rule.rule == "custom_proportional":
            chosen = chosen.with_columns(
                pl.when(whole > 0).then(total * pl.col("spent") // whole).alias("base"),
                pl.when(whole > 0).then(total * pl.col("spent") % whole).alias("rest"),
            ).sort(*DAY_KEY, pl.col("rest"), "i", descending=[False, True, False]
                   ).with_columns(
                (pl.int_range(pl.len()).over(DAY_KEY)
                 < total - pl.col("base").sum().over(DAY_KEY)).cast(pl.Int64).alias("extra"))
            share = pl.coalesce(pl.col("base") + pl.col("extra"), pl.col("even"))
        else:
            share = pl.col("even")
        chosen = chosen.with_columns(share.alias("paid_time")).select(candidates.columns)
    return pl.concat([rest, chosen])
