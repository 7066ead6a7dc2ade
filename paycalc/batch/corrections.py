"""Correction lines: what changed in locked days since they were transferred.

A definitive transfer locks its days. When a later run covers locked days again (data of
a locked period changed), their lines are not paid again nor silently rewritten: per
employee, day, agreement, salary type and unit, the run pays the difference between its own
payable lines and the lines transferred so far (earlier corrections included), and only
where there is one. Lines of unlocked days are paid as they are.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from paycalc.tables.outputs import PAY_LINES, QUANTITY

KEY = ["employee_id", "date", "agreement", "salary_type", "unit"]
CORRECTED_LINES = pl.Schema({**PAY_LINES, "correction": pl.Boolean()})
"""Pay lines of a run from a store: the engine's columns and whether a line is a
correction of transferred lines."""


def with_corrections(lines: pl.DataFrame, transferred: pl.DataFrame | None,
                     lock: dt.date | None) -> pl.DataFrame:
    """`lines` with the payable lines of days up to `lock` replaced by corrections against
    `transferred` (without a lock: `lines` as they are, none a correction)."""
    locked = pl.col("date") <= pl.lit(lock) if lock else pl.lit(False)
    kept = lines.filter(~(locked & pl.col("payable"))).with_columns(
        pl.lit(False).alias("correction"))
    if lock is None or transferred is None:
        return kept.select(list(CORRECTED_LINES))
    new = _totals(lines.filter(locked & pl.col("payable")), "new")
    old = _totals(transferred.filter(locked).with_columns(
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
    corrections = delta.with_columns(
        pl.lit(None, QUANTITY).alias("rate"), pl.lit(False).alias("requires_approval"),
        pl.lit(True).alias("approved"), pl.lit(True).alias("payable"),
        pl.lit("correction").alias("rule"),
        pl.lit("difference against the lines transferred definitively").alias("source"),
        pl.lit(True).alias("correction"))
    return pl.concat([kept.select(list(CORRECTED_LINES)),
                      corrections.select(list(CORRECTED_LINES)).cast(CORRECTED_LINES)]).sort(
        "employee_id", "date", "salary_type", "rule", "agreement", "correction")


def _totals(lines: pl.DataFrame, side: str) -> pl.DataFrame:
    return lines.group_by(KEY).agg(
        pl.col("seconds").sum().alias(f"seconds_{side}"),
        pl.col("quantity").sum().alias(f"quantity_{side}"),
        pl.when(pl.col("amount").is_null().all()).then(None)
        .otherwise(pl.col("amount").sum()).alias(f"amount_{side}"),
        pl.col("input_ids").explode().drop_nulls().unique().sort().alias(f"input_ids_{side}"))
