"""Polars expression helpers of the engine: dated rule values of a date column, membership
in a set written in the agreement, lookups, running totals within groups, and the order
by employee and day they need."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import polars as pl

from paycalc.rules.compiled import ALWAYS, Dated


def dated_expr(value: Dated[Any], day: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """The value in force on each `day`; null before the first effective date."""
    expr: Any = pl
    for start, item in reversed(value.entries):
        condition = pl.lit(True) if start == ALWAYS else day >= pl.lit(start)
        expr = expr.when(condition).then(pl.lit(item, dtype=dtype))
    return expr.otherwise(pl.lit(None, dtype=dtype))


def first_failure(checks: list[tuple[pl.Expr, str, tuple[pl.Expr, pl.Expr]]]
                  ) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """The column, code and reason of the first of `checks` (condition, column, `because`)
    a row fails, each null where it fails none: why an input row cannot be used."""
    column: Any = pl
    code: Any = pl
    reason: Any = pl
    for condition, name, (why_code, why) in checks:
        column = column.when(condition).then(pl.lit(name))
        code = code.when(condition).then(why_code)
        reason = reason.when(condition).then(why)
    return (column.otherwise(pl.lit(None, pl.String)).alias("column"),
            code.otherwise(pl.lit(None, pl.String)).alias("code"),
            reason.otherwise(pl.lit(None, pl.String)).alias("reason"))


def failed_rows(frame: pl.DataFrame, table: str) -> pl.DataFrame:
    """The rows of `frame` that fail one of its `first_failure` checks, as rejects of
    `table`: table, row_id, column, code and reason."""
    return frame.filter(pl.col("reason").is_not_null()).select(
        pl.lit(table).alias("table"), "row_id", "column", "code", "reason")


def among(column: str, values: Iterable[Any], dtype: pl.DataType) -> pl.Expr:
    """True where `column` is one of `values` (typed, so an empty set is simply false)."""
    return pl.col(column).is_in(pl.lit(pl.Series(list(values), dtype=dtype)).implode())


def running_total(value: pl.Expr, keys: list[str]) -> pl.Expr:
    """The sum of `value` over the rows so far of each group of `keys`, this row included.

    The frame must be sorted by `keys`; one cumulative sum over the whole frame, less each
    group's start, is much cheaper than a window over many small groups.
    """
    first = pl.lit(True)
    for key in keys:
        first = first & (pl.col(key) == pl.col(key).shift(1))
    total = value.cum_sum()
    start = pl.when(~first.fill_null(False)).then(total - value).forward_fill()
    return total - start


def employee_day(day: pl.Expr, place: pl.Expr | None = None) -> pl.Expr:
    """One Int64 per (employee, day) that sorts as employee id, then day: the employee's
    place (default: the `employee_no` the engine gives every row of its tables, numbering
    the evaluation's employees in id order) in the high 32 bits, the day in the low ones.
    Grouping, joining and sorting on it is far cheaper than on the id's text and a date."""
    if place is None:
        place = pl.col("employee_no")
    return place * 2**32 + day.cast(pl.Int64) + 2**31  # days since 1970 take 32 bits


def day_of(key: pl.Expr) -> pl.Expr:
    """The day of an `employee_day` key."""
    return (key % 2**32 - 2**31).cast(pl.Date)


DAY_COLUMNS = ("employee_id", "employee_no", "day")
"""The employee and day an `employee_day` key stands for, as columns of per-day frames."""
OF_THE_DAY = tuple(pl.col(name).first() for name in DAY_COLUMNS)
"""What a group by `employee_day` keeps of its employee and day."""


def full_join_days(left: pl.DataFrame, right: pl.DataFrame, *more: str) -> pl.DataFrame:
    """The full join of two frames on `employee_day` and `more`, each with the
    `DAY_COLUMNS`: a row of either side keeps its employee and day."""
    joined = left.join(right, on=["employee_day", *more], how="full", coalesce=True,
                       suffix="_right")
    return joined.with_columns(pl.coalesce(name, f"{name}_right") for name in DAY_COLUMNS
                               ).drop(*(f"{name}_right" for name in DAY_COLUMNS))


def by_employee_and_day(frame: pl.DataFrame, day: str, *more: pl.Expr | str,
                        descending: list[bool] | None = None, between: str | None = None
                        ) -> pl.DataFrame:
    """`frame` sorted by employee id, then the text column `between` if given (a ledger
    row's tracker), then the date column `day`, then `more` (each descending where
    `descending` says so). The leading columns are sorted as one integer: each text's place
    among the frame's values, then the day; far cheaper than sorting by text."""
    frame, place, _ = _placed(frame, "employee_id", "_place")
    if between is not None:
        frame, kind, count = _placed(frame, between, "_kind")
        place = place * count + kind
    return frame.sort(employee_day(pl.col(day), place), *more,
                      descending=[False, *(descending or [False] * len(more))]
                      ).drop("_place", "_kind", strict=False)


def _placed(frame: pl.DataFrame, column: str, name: str
            ) -> tuple[pl.DataFrame, pl.Expr, int]:
    """`frame` with each value's place among the column's distinct values in order (as
    `name`), that place as an Int64 expression, and how many places there are."""
    places = frame.select(pl.col(column).unique().sort()).with_row_index(name)
    joined = frame.join(places, on=column, how="left", nulls_equal=True)
    return joined, pl.col(name).cast(pl.Int64), places.height


def lookup(expr: pl.Expr, mapping: Mapping[Any, Any], dtype: pl.DataType,
           default: Any = None) -> pl.Expr:
    """The value `mapping` gives each element of `expr`, `default` where it gives none."""
    if not mapping:
        return pl.lit(default, dtype)
    return expr.replace_strict(dict(mapping), default=default, return_dtype=dtype)
