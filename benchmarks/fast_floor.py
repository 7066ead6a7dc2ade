"""The fast floor: the least work any engine must do to turn punches (and schedules) into
seconds per employee and local day, written as tightly as Polars allows.

What makes it fast, against the floor of `benchmarks.pay_lines` (`_day_seconds`, which goes
through the engine's own time-zone and calendar helpers):
- a lazy scan of only the three columns it needs;
- local wall seconds are the naive datetimes' own epoch seconds, and the local day is wall
  seconds // 86400, with one cut at local midnight (no row in the data crosses two);
- UTC offsets are looked up by `search_sorted` over the period's few offset changes (found
  once, from the zone), instead of a time-zone conversion per value;
- employee and day are packed into one Int64 key (the employee's categorical code and the
  day number) for the group-by.
It must give the same seconds per employee and day as the slower floor; `same_as` checks it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl

DAY = 86_400
DAY_BITS = 20
"""Days since 1970 fit in 20 bits until the year 4840."""


def offset_changes(zone: str, first: dt.date, last: dt.date) -> tuple[list[int], list[int]]:
    """The local wall seconds at which `zone`'s UTC offset changes between `first` and
    `last` (with two days of margin), and the offsets in seconds: the first before any
    change, then the one each change starts."""
    tz = ZoneInfo(zone)
    instant = dt.datetime.combine(first - dt.timedelta(days=2), dt.time(), dt.UTC)
    end = dt.datetime.combine(last + dt.timedelta(days=2), dt.time(), dt.UTC)

    def offset(at: dt.datetime) -> int:
        found = at.astimezone(tz).utcoffset()
        assert found is not None
        return int(found.total_seconds())

    walls, offsets = [], [offset(instant)]
    while instant < end:
        following = instant + dt.timedelta(minutes=15)
        if offset(following) != offsets[-1]:
            offsets.append(offset(following))
            walls.append(int(following.timestamp()) + offsets[-1])
        instant = following
    return walls, offsets


def day_seconds(path: Path, zone: str, first: dt.date, last: dt.date, *,
                named: bool = False) -> pl.LazyFrame:
    """Seconds per packed employee-and-day `key` of the [start, end) rows in the Parquet
    file at `path`, whose start and end are naive local datetimes in `zone`; `named` adds
    the employee_id and the day, to compare (not part of the floor's work)."""
    walls, offsets = offset_changes(zone, first, last)
    changes = pl.Series("walls", walls, dtype=pl.Int64)
    by_change = pl.Series("offsets", offsets, dtype=pl.Int64)

    def utc(wall: pl.Expr) -> pl.Expr:
        return wall - pl.lit(by_change).gather(pl.lit(changes).search_sorted(wall, "right"))

    kept = ["employee_id"] if named else []
    rows = pl.scan_parquet(path).select(
        *kept,
        pl.col("employee_id").cast(pl.Categorical).to_physical().cast(pl.Int64).alias("who"),
        pl.col("start").dt.epoch("s").alias("start"),
        pl.col("end").dt.epoch("s").alias("end"),
    ).filter(pl.col("start") < pl.col("end")).with_columns(
        (pl.col("start") // DAY).alias("day"),
        ((pl.col("end") - 1) // DAY * DAY).alias("midnight"))
    crossing = pl.col("midnight") > pl.col("start")
    first_part = rows.select(
        *kept, "who", "day",
        (utc(pl.when(crossing).then(pl.col("midnight")).otherwise(pl.col("end")))
         - utc(pl.col("start"))).alias("seconds"))
    second_part = rows.filter(crossing).select(
        *kept, "who", (pl.col("midnight") // DAY).alias("day"),
        (utc(pl.col("end")) - utc(pl.col("midnight"))).alias("seconds"))
    summed = pl.concat([first_part, second_part]).group_by(
        (pl.col("who") * (1 << DAY_BITS) + pl.col("day")).alias("key")).agg(
        pl.col("seconds").sum(), *[pl.col(c).first() for c in (*kept, *(["day"] if named
                                                                          else []))])
    if named:
        return summed.select("employee_id", pl.col("day").cast(pl.Int32).cast(pl.Date),
                             "seconds")
    return summed


def same_as(fast: pl.DataFrame, slow: pl.DataFrame) -> bool:
    """Whether two floors give the same seconds per employee and day (rows of no time
    left out of both)."""
    order = ["employee_id", "day"]
    left = fast.filter(pl.col("seconds") > 0).select(*order, pl.col("seconds").cast(pl.Int64))
    right = slow.filter(pl.col("end") > 0).select(*order, pl.col("end").cast(pl.Int64)
                                                   .alias("seconds"))
    return left.sort(order).equals(right.sort(order))
