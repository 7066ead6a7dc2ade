"""The engine's employee-day key: one Int64 that sorts as (employee, day) and gives the
day back."""

from __future__ import annotations

import datetime as dt

import polars as pl

from paycalc.engine.exprs import day_of, employee_day


def test_the_key_sorts_by_employee_then_day_and_gives_the_day_back() -> None:
    # days before 1970 are negative day numbers; the key must still order them first
    days = [dt.date(1969, 12, 31), dt.date(1970, 1, 1), dt.date(2024, 2, 29),
            dt.date(2100, 3, 1)]
    frame = pl.DataFrame({"employee_no": [1, 0, 1, 0, 1, 0, 1, 0],
                          "day": [d for d in days for _ in range(2)]})
    keyed = frame.with_columns(employee_day(pl.col("day")).alias("key"))
    ordered = keyed.sort("key")
    assert ordered.select("employee_no", "day").rows() == (
        [(0, d) for d in days] + [(1, d) for d in days])
    assert keyed.select(day_of(pl.col("key")))["key"].to_list() == frame["day"].to_list()
    assert keyed["key"].n_unique() == 8
