"""The tracker balance report: per employee, tracker and tracking year, how the run's period
moved the balance, from what it was before the period to what it is at its end.

`opening` + `accrued` + `taken` + `corrected` + `adjusted` + `reset` + `cut` + `expired` =
`balance`, exactly: every column is summed in whole ticks (`rules.precision.TICKS`) and
shown once, at the tracker's decimals (half to even). `accrued` and `taken` are the
additions and deductions of salary types and links, `corrected` the corrections of locked
days, `adjusted` the manual adjustments, `reset` what `set` links changed, `cut` what the
yearly maximum cut off, `expired` what saved-day limits and expiries took. `shown_balance`
is the balance on `shown_on` (a next occurrence, when the tracker looks ahead), and
`limit_warnings` counts the days the balance crossed the tracker's min or max.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from paycalc.batch.run_folder import RunFolder
from paycalc.rules.precision import TICKS
from paycalc.tables.outputs import BALANCES, TRANSACTIONS, WARNINGS, spreadsheet_safe

MOVED = ("accrued", "taken", "corrected", "adjusted", "reset", "cut", "expired")
"""The columns of what the period moved, in the order of the report."""
COLUMNS = ("employee_id", "tracker", "tracking_year", "unit", "opening", *MOVED, "balance",
           "shown_on", "shown_balance", "limit_warnings")
KEY = ["employee_id", "tracker", "tracking_year"]


def of_run(folder: RunFolder) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The tables of a run the report is made of: its tracker transactions, balances and
    warnings."""
    return (folder.table("tracker_transactions", TRANSACTIONS),
            folder.table("balances", BALANCES), folder.table("warnings", WARNINGS))


def tracker_report(transactions: pl.DataFrame, balances: pl.DataFrame,
                   warnings: pl.DataFrame, *, employees: Sequence[str] = (),
                   trackers: Sequence[str] = ()) -> pl.DataFrame:
    """The report (text columns, ready to write as CSV) of a run's `tracker_transactions`,
    `balances` and `warnings`, only of `employees` and `trackers` when given."""
    typed = tracker_balances(transactions, balances, warnings, employees=employees,
                             trackers=trackers)
    return spreadsheet_safe(as_text(typed), ["employee_id", "tracker"])


def as_text(typed: pl.DataFrame) -> pl.DataFrame:
    """The rows of `tracker_balances` as text, each quantity at its tracker's decimals."""
    shown = [part.with_columns(pl.col(c).cast(pl.Decimal(38, int(places))).cast(pl.String)
                               for c in NUMBERS)
             for (places,), part in typed.group_by(["decimals"], maintain_order=True)]
    if not shown:
        return pl.DataFrame(schema=dict.fromkeys(COLUMNS, pl.String))
    return pl.concat(shown).sort(KEY, nulls_last=False).select(
        *[pl.col(c).cast(pl.String) for c in COLUMNS])


NUMBERS = ("opening", *MOVED, "balance", "shown_balance")
"""The report's quantities."""


def tracker_balances(transactions: pl.DataFrame, balances: pl.DataFrame,
                     warnings: pl.DataFrame, *, employees: Sequence[str] = (),
                     trackers: Sequence[str] = ()) -> pl.DataFrame:
    """The report's rows typed: its COLUMNS, quantities as decimals rounded to the
    tracker's `decimals` (half to even), which the frame keeps."""
    if employees:
        balances = balances.filter(pl.col("employee_id").is_in(list(employees)))
    if trackers:
        balances = balances.filter(pl.col("tracker").is_in(list(trackers)))
    kind = (pl.when(pl.col("operator") == "set").then(pl.lit("reset"))
            .when(pl.col("kind") == "max_accrual").then(pl.lit("cut"))
            .when(pl.col("kind") == "expiry").then(pl.lit("expired"))
            .when(pl.col("kind") == "adjustment").then(pl.lit("adjusted"))
            .when(pl.col("kind") == "correction").then(pl.lit("corrected"))
            .when(pl.col("ticks") >= 0).then(pl.lit("accrued")).otherwise(pl.lit("taken")))
    moved = transactions.with_columns(kind.alias("column")).group_by(*KEY, "column").agg(
        pl.col("ticks").sum()).pivot(on="column", index=KEY, values="ticks")
    moved = moved.with_columns(pl.lit(0, pl.Int64).alias(c) for c in MOVED
                               if c not in moved.columns)
    crossed = warnings.filter(pl.col("code").is_in(["BALANCE_BELOW_MIN", "BALANCE_ABOVE_MAX"])
                              ).with_columns(pl.col("message").str.extract(r"^tracker (\S+):")
                                             .alias("tracker")).group_by(
        "employee_id", "tracker").len("limit_warnings")
    rows = balances.select(*KEY, "unit", "decimals", "balance_ticks", "shown_on",
                           "shown_balance").join(
        moved, on=KEY, how="left", nulls_equal=True).with_columns(
        pl.col(c).fill_null(0) for c in MOVED).join(
        crossed, on=["employee_id", "tracker"], how="left").with_columns(
        pl.col("limit_warnings").fill_null(0).cast(pl.Int64),
        (pl.col("balance_ticks") - pl.sum_horizontal(*MOVED)).alias("opening"),
        pl.col("balance_ticks").alias("balance"))
    per_unit = pl.col("unit").replace_strict(TICKS, return_dtype=pl.Int64)
    parts = []
    for places in rows["decimals"].unique().sort().to_list():
        part = rows.filter(pl.col("decimals") == places)
        parts.append(part.with_columns(
            *[(pl.col(c).cast(pl.Decimal(38, 18)) / per_unit).round(places, mode="half_to_even")
              .alias(c) for c in ("opening", *MOVED, "balance")],
            pl.col("shown_balance").round(places, mode="half_to_even")))
    if not parts:
        return pl.DataFrame(schema={**{c: pl.String for c in COLUMNS}, "decimals": pl.Int64})
    return pl.concat(parts).sort(KEY, nulls_last=False).select(*COLUMNS, "decimals")
