"""Balances shown as of a next occurrence (`balance_as_of: {next_occurrence: MM-DD}`)
include the approved leave and the adjustments already booked after the period, up to the
date the balance is shown for.

The evaluation reads them from the same inputs: absences, the schedules they are counted
by, approvals and adjustments dated after the period. Their tracker additions (those of
salary types and links made by absences, and adjustments) are worked out by evaluating
the days after the period without punches or figures, and added to `shown_balance` per
tracking year; they are not transactions of the period and the next run books them.
"""

from __future__ import annotations

import polars as pl

from paycalc.tables.outputs import BALANCES, QUANTITY

KEY = ["employee_id", "tracker", "tracking_year"]


def booked_ahead(transactions: pl.DataFrame, absence_ids: pl.Series) -> pl.DataFrame:
    """The additions among `transactions` (of the days after the period) that approved
    leave and adjustments make: adjustments, and salary-type and link additions made only
    of the absences `absence_ids`."""
    of_leave = pl.col("input_ids").list.eval(pl.element().is_in(absence_ids.implode())
                                             ).list.all() & (pl.col("input_ids").list.len() > 0)
    return transactions.filter((pl.col("kind") == "adjustment") | (
        pl.col("kind").is_in(["salary_type", "link"]) & (pl.col("operator") == "add")
        & of_leave))


def with_ahead(balances: pl.DataFrame, ahead: pl.DataFrame) -> pl.DataFrame:
    """`balances` whose `shown_balance` includes the additions `ahead` dated up to each
    employee's and tracker's `shown_on`; a tracking year only those additions reach gets a
    row of its own (balance 0)."""
    shown = balances.select("employee_id", "tracker", "as_of", "shown_on", "unit", "decimals",
                            "show_on_time_card").unique(["employee_id", "tracker"])
    moved = ahead.join(shown, on=["employee_id", "tracker"]).filter(
        pl.col("date") <= pl.col("shown_on")).group_by(KEY).agg(
        pl.col("quantity").sum().alias("ahead"))
    both = balances.join(moved, on=KEY, how="full", coalesce=True, nulls_equal=True)
    new = both.filter(pl.col("as_of").is_null()).drop(
        "as_of", "shown_on", "unit", "decimals", "show_on_time_card").join(
        shown, on=["employee_id", "tracker"]).with_columns(
        pl.lit(0, QUANTITY).alias("balance"), pl.lit(0, QUANTITY).alias("accrued"),
        pl.lit(0, QUANTITY).alias("shown_balance"), pl.lit(0, pl.Int64).alias("balance_ticks"),
        pl.lit(0, pl.Int64).alias("accrued_ticks"))
    return pl.concat([both.filter(pl.col("as_of").is_not_null()), new.select(both.columns)]
                     ).with_columns(
        (pl.col("shown_balance") + pl.col("ahead").fill_null(0)).alias("shown_balance")
    ).select(list(BALANCES)).cast(BALANCES).sort(KEY, nulls_last=False)
