"""Correction lines: what changed in locked days since they were transferred.

A definitive transfer locks its days. A run from the store re-evaluates the locked days
its data directory holds (`revisited_days`): from the first locked day it holds an input
row of or the evaluation made a line on, or from a later day the team names, through the
lock. For those days only, it
does not pay its lines again nor rewrite them: per employee, day, agreement, salary type
and unit it pays the difference between its own payable lines and the lines transferred
so far for those days (earlier corrections included), and only where there is one, dated
on the locked day and naming the definitive transfer that locked that day. Locked days
outside that window are not compared, so they are never reversed. Lines of unlocked days
are paid as they are.

A monthly salary (and its deductions) is one line for a whole month, dated on its last
day: it is compared only for the months the window holds whole, since a month the window
cuts would be re-evaluated from part of its days.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from paycalc.tables.inputs import Period
from paycalc.tables.outputs import MOVES, PAY_LINES, QUANTITY

KEY = ["employee_id", "date", "agreement", "salary_type", "unit"]
CODES = pl.Schema({"agreement": pl.String(), "salary_type": pl.String(),
                   "export_code": pl.String(), "currency": pl.String(),
                   "monthly": pl.Boolean()})
"""Columns of the export code and currency of each agreement's salary types, and whether
the type is paid by the month (pricing method `monthly_salary`)."""
CORRECTED_LINES = pl.Schema({**PAY_LINES, "correction": pl.Boolean(),
                             "corrects_transfer": pl.Int64()})
"""Pay lines of a run: the engine's columns, whether a line is a correction of transferred
lines, and which definitive transfer locked the day it corrects."""


def revisited_days(lines: pl.DataFrame, lock: dt.date | None, since: dt.date | None,
                   held: dt.date | None = None) -> Period | None:
    """The locked days a run compares with what was transferred: from the first locked day
    it made a line on or holds input rows of (`held`: the earliest date of its inputs), not
    before `since` when given, through the `lock`; None when it has neither on a locked
    day. A day whose only punch was removed still counts when the export holds it."""
    if lock is None:
        return None
    first = lines.filter(pl.col("date") <= lock).select(pl.col("date").min()).item()
    if held is not None and held <= lock:
        first = held if first is None else min(first, held)
    if first is None:
        return None
    first = max(first, since) if since else first
    return Period(first, lock) if first <= lock else None


def with_corrections(lines: pl.DataFrame, period: Period, revisited: Period | None,
                     transferred: pl.DataFrame | None,
                     transfers: list[tuple[int, dt.date, dt.date]],
                     codes: pl.DataFrame) -> pl.DataFrame:
    """The run's pay lines of `period`, with its payable lines of `revisited` days replaced
    by corrections against `transferred` lines of those days. `transfers` are the
    definitive transfers (id, first and last day) that name what a correction corrects;
    `codes` the export code and currency of each agreement's salary types (CODES)."""
    on_days = (pl.col("date").is_between(revisited.start, revisited.end) if revisited
               else pl.lit(False))
    if revisited is not None:
        lines = _monthly_marked(lines, codes)
        transferred = None if transferred is None else _monthly_marked(transferred, codes)
        whole = ((pl.col("date").dt.month_start() >= revisited.start)
                 & (pl.col("date").dt.month_end() <= revisited.end))
        on_days = on_days & (~pl.col("monthly") | whole)
    kept = lines.filter(pl.col("date").is_between(period.start, period.end)
                        & ~(on_days & pl.col("payable"))).with_columns(
        pl.lit(False).alias("correction"), pl.lit(None, pl.Int64).alias("corrects_transfer"))
    if revisited is None or transferred is None:
        return kept.select(list(CORRECTED_LINES))
    new = _totals(lines.filter(on_days & pl.col("payable")), "new")
    old = _totals(transferred.filter(on_days).with_columns(
        pl.lit([], pl.List(pl.String)).alias("input_ids")), "old")
    both = new.join(old, on=KEY, how="full", coalesce=True, nulls_equal=True)
    delta = both.select(
        *KEY,
        (pl.col("seconds_new").fill_null(0) - pl.col("seconds_old").fill_null(0)).alias(
            "seconds"),
        (pl.col("quantity_new").fill_null(0) - pl.col("quantity_old").fill_null(0)).cast(
            QUANTITY).alias("quantity"),
        pl.when(pl.col("amount_new").is_null() & pl.col("amount_old").is_null()).then(None)
        .otherwise(pl.col("amount_new").fill_null(0) - pl.col("amount_old").fill_null(0))
        .cast(PAY_LINES["amount"]).alias("amount"),
        pl.col("input_ids_new").fill_null([]).alias("input_ids"),
    ).filter((pl.col("seconds") != 0) | (pl.col("quantity") != 0)
             | (pl.col("amount").fill_null(0) != 0))
    corrections = delta.join(codes, on=["agreement", "salary_type"], how="left").with_columns(
        pl.lit(None, QUANTITY).alias("rate"), pl.lit(False).alias("requires_approval"),
        pl.lit(True).alias("approved"), pl.lit(None, pl.String).alias("approved_by"),
        pl.lit(None, pl.Int64).alias("approval_level"), pl.lit(True).alias("payable"),
        pl.lit("correction").alias("rule"),
        pl.lit("difference against the lines transferred definitively").alias("source"),
        pl.lit(True).alias("correction"), _locked_by(transfers).alias("corrects_transfer"))
    return pl.concat([kept.select(list(CORRECTED_LINES)),
                      corrections.select(list(CORRECTED_LINES)).cast(CORRECTED_LINES)]).sort(
        "employee_id", "date", "salary_type", "rule", "agreement", "correction")


def _monthly_marked(lines: pl.DataFrame, codes: pl.DataFrame) -> pl.DataFrame:
    """`lines` with `monthly`: whether the line's salary type is paid by the month."""
    return lines.join(codes.select("agreement", "salary_type", "monthly"),
                      on=["agreement", "salary_type"], how="left", nulls_equal=True
                      ).with_columns(pl.col("monthly").fill_null(False))


def _locked_by(transfers: list[tuple[int, dt.date, dt.date]]) -> pl.Expr:
    """The latest definitive transfer whose period holds the row's date (null if none)."""
    found: pl.Expr = pl.lit(None, pl.Int64)
    for number, first, last in sorted(transfers):
        found = pl.when(pl.col("date").is_between(first, last)).then(pl.lit(number)).otherwise(
            found)
    return found


def _totals(lines: pl.DataFrame, side: str) -> pl.DataFrame:
    return lines.group_by(KEY).agg(
        pl.col("seconds").sum().alias(f"seconds_{side}"),
        pl.col("quantity").sum().alias(f"quantity_{side}"),
        pl.when(pl.col("amount").is_null().all()).then(None)
        .otherwise(pl.col("amount").sum()).alias(f"amount_{side}"),
        pl.col("input_ids").explode().drop_nulls().unique().sort().alias(f"input_ids_{side}"))


KEYS_OF_MOVES = ["employee_id", "tracker", "date", "kind", "made_by", "agreement"]


def moves_of(transactions: pl.DataFrame, days: Period) -> pl.DataFrame:
    """The additions salary types and links made among `transactions` (TRANSACTIONS
    columns) of `days`, summed per employee, tracker, day, kind, maker and agreement
    (MOVES): what a transfer keeps to compare a later run of those days with."""
    return summed(transactions.filter(
        pl.col("kind").is_in(["salary_type", "link"]) & (pl.col("operator") == "add")
        & pl.col("date").is_between(days.start, days.end)))


def summed(moves: pl.DataFrame) -> pl.DataFrame:
    """`moves` (MOVES columns or more) summed per key."""
    return moves.group_by(KEYS_OF_MOVES).agg(pl.col("quantity").sum()).select(
        list(MOVES)).cast(MOVES).sort(KEYS_OF_MOVES, nulls_last=True)


def less(now: pl.DataFrame, kept: pl.DataFrame) -> pl.DataFrame:
    """`now` less `kept` (MOVES) per key, where they differ."""
    both = now.join(kept, on=KEYS_OF_MOVES, how="full", coalesce=True, nulls_equal=True,
                    suffix="_kept")
    return summed(both.with_columns(
        (pl.col("quantity").fill_null(0) - pl.col("quantity_kept").fill_null(0))
        .alias("quantity")).filter(pl.col("quantity") != 0))
