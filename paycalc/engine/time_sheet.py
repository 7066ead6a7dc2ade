"""The time sheet: per employee, day and activity, the time planned, clocked, worked and
paid, which the contact-centre reports show as planned, system, reported and salary time."""

from __future__ import annotations

import polars as pl

from paycalc.engine.pieces import activity_seconds
from paycalc.inputs import Period

TIMES = ("planned", "system", "reported", "salary_time")
KEY = ["employee_id", "day", "activity"]


def time_sheet(planned: pl.DataFrame, clocked: pl.DataFrame, pieces: pl.DataFrame,
               changes: pl.DataFrame, agreement: str, period: Period) -> pl.DataFrame:
    """The days of `period` with some time: `planned` and `clocked` seconds per employee,
    day and activity, `pieces` after breaks (all worked time is reported, paid time is
    salary time) and the set-paid-time `changes` (which change salary time only)."""
    parts = [planned, clocked, activity_seconds(pieces, "reported"),
             activity_seconds(pieces.filter(pl.col("paid")), "salary_time"),
             changes.select(*KEY, pl.col("delta").alias("salary_time"))]
    longs = [part.select(*KEY, *(pl.col(name) if name in part.columns
                                 else pl.lit(0, pl.Int64).alias(name) for name in TIMES))
             for part in parts]
    return pl.concat(longs).filter(pl.col("day").is_between(period.start, period.end)
                                   ).group_by(KEY).agg(pl.col(TIMES).sum()).filter(
        pl.any_horizontal(pl.col(TIMES) != 0)).select(
        "employee_id", pl.col("day").alias("date"), pl.lit(agreement).alias("agreement"),
        "activity", *TIMES)
