"""Sample interchange tables at any scale, for benchmarks, tests and demonstrations:
N employees x D days of shifts under the shipped retail agreement, a third of them night
shifts crossing midnight.

Pseudo-random numbers come from Polars' hash of a counter and the seed, so the same seed
gives the same tables on any machine without numpy.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl

from paycalc.tables.inputs import Inputs

START = dt.date(2025, 1, 1)
SHIFTS = [(8 * 60, 510), (14 * 60, 510), (22 * 60, 510)]  # day, evening, night (8.5 h)


def _random(n: pl.Expr, seed: int, salt: int, modulo: int) -> pl.Expr:
    return (n.hash(seed * 1000 + salt) % modulo).cast(pl.Int64)


def generate(employees: int, days: int, seed: int = 7) -> Inputs:
    """Punches (about 68% of employee-days), matching schedules, employees (employed 2010
    to 2024, every 50th born on 29 February), assignments, a vacation week each and a
    flextime adjustment for every tenth employee."""
    ids = pl.DataFrame({"e": pl.arange(0, employees, eager=True)})
    born = pl.lit(dt.date(1960, 1, 1)) + pl.duration(days=_random(pl.col("e"), seed, 6, 14000))
    staff = ids.select(
        pl.format("e{}", pl.col("e")).alias("employee_id"),
        (pl.lit(Decimal("150")) + _random(pl.col("e"), seed, 1, 60).cast(pl.Decimal(10, 2)))
        .cast(pl.Decimal(10, 2)).alias("hourly_rate"),
        pl.when(pl.col("e") % 50 == 3).then(pl.lit(dt.date(1988, 2, 29))).otherwise(born)
        .alias("birth_date"),
        (pl.lit(dt.date(2010, 1, 1)) + pl.duration(days=_random(pl.col("e"), seed, 7, 5400)))
        .alias("employment_start"),
    )
    leave_start = pl.lit(START) + pl.duration(days=_random(pl.col("e"), seed, 8, max(1, days - 6)))
    absences = ids.select(pl.format("e{}", pl.col("e")).alias("employee_id"),
                          leave_start.alias("start_date"),
                          (leave_start + pl.duration(days=6)).alias("end_date"),
                          pl.lit("VAC").alias("salary_type"))
    adjustments = ids.filter(pl.col("e") % 10 == 0).select(
        pl.format("e{}", pl.col("e")).alias("employee_id"), pl.lit("FLEX").alias("tracker"),
        pl.lit(START + dt.timedelta(days=min(10, days - 1))).alias("date"),
        pl.lit(Decimal("2.5")).alias("quantity"), pl.lit("sample correction").alias("note"))
    assignments = staff.select("employee_id", pl.lit("retail").alias("agreement"),
                               pl.lit(dt.date(2020, 1, 1)).alias("valid_from"))
    grid = ids.join(pl.DataFrame({"d": pl.arange(0, days, eager=True)}), how="cross")
    n = pl.col("e") * days + pl.col("d")
    grid = grid.with_columns(
        _random(n, seed, 2, 100).alias("work"),
        _random(n, seed, 3, 3).alias("shift"),
        _random(n, seed, 4, 21).alias("jitter_in") - 10,
        _random(n, seed, 5, 41).alias("jitter_out") - 10,
    ).filter(pl.col("work") < 68)
    begin = pl.col("shift").replace_strict({i: s for i, (s, _) in enumerate(SHIFTS)})
    length = pl.col("shift").replace_strict({i: m for i, (_, m) in enumerate(SHIFTS)})
    day = pl.lit(START) + pl.duration(days=pl.col("d"))
    planned_start = day.dt.combine(dt.time()) + pl.duration(minutes=begin)
    planned_end = planned_start + pl.duration(minutes=length)
    grid = grid.with_columns(planned_start.alias("ps"), planned_end.alias("pe"))
    punches = grid.select(
        pl.format("p{}-{}", pl.col("e"), pl.col("d")).alias("punch_id"),
        pl.format("e{}", pl.col("e")).alias("employee_id"),
        (pl.col("ps") + pl.duration(minutes=pl.col("jitter_in"))).alias("start"),
        (pl.col("pe") + pl.duration(minutes=pl.col("jitter_out"))).alias("end"),
        pl.lit(30, pl.Int64).alias("break_minutes"),
    )
    schedules = grid.select(pl.format("e{}", pl.col("e")).alias("employee_id"),
                            pl.col("ps").alias("start"), pl.col("pe").alias("end"))
    return Inputs(employees=staff, assignments=assignments, punches=punches,
                  schedules=schedules, absences=absences, adjustments=adjustments)
