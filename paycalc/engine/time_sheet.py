"""The time sheet: per employee, day and activity, the time planned, clocked, worked and
paid, which the contact-centre reports show as planned, system, reported and salary time.
Only made when asked for (`evaluate(..., time_sheet=True)`): pay lines do not need it."""

from __future__ import annotations

import polars as pl

from paycalc.engine.context import AgreementDays
from paycalc.tables.outputs import TIMES

KEY = ["employee_id", "day", "activity"]


def time_sheet(planned: pl.DataFrame, punched: pl.DataFrame, pieces: pl.DataFrame,
               changes: pl.DataFrame, days: AgreementDays) -> pl.DataFrame:
    """The days of the period with some time: the schedules' pieces (`planned`), the punches
    as punched (clocked: system time), their `pieces` after rounding and breaks (all worked
    time is reported, paid time is salary time) and the set-paid-time `changes` (which
    change salary time only)."""
    length = pl.col("end") - pl.col("start")
    clocked = days.split_days(punched)
    period = days.period
    parts = [
        planned.group_by(KEY).agg(length.sum().alias("planned")),
        clocked.group_by(KEY).agg(length.sum().alias("system")),
        pieces.group_by(KEY).agg(length.sum().alias("reported"),
                                 length.filter(pl.col("paid")).sum().alias("salary_time")),
        changes.select(*KEY, pl.col("delta").alias("salary_time")),
    ]
    longs = [part.select(*KEY, *(pl.col(name) if name in part.columns
                                 else pl.lit(0, pl.Int64).alias(name) for name in TIMES))
             for part in parts]
    return pl.concat(longs).filter(pl.col("day").is_between(period.start, period.end)
                                   ).group_by(KEY).agg(pl.col(TIMES).sum()).filter(
        pl.any_horizontal(pl.col(TIMES) != 0)).select(
        "employee_id", pl.col("day").alias("date"), pl.lit(days.agreement.id).alias("agreement"),
        "activity", *TIMES)
