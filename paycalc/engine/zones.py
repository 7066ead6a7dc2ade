"""Time-zone arithmetic as Polars expressions over whole columns of epoch seconds.

The same rules as the reference evaluator: a wall time in a DST gap is read with the offset
in force before the gap, a repeated wall time as its first occurrence; naive input times
that do not exist or are ambiguous are rejected, never guessed.
"""

from __future__ import annotations

import polars as pl

from paycalc.reasons import DST_AMBIGUOUS, DST_GAP
from paycalc.tables.messages import because

UTC = "UTC"


def to_local(instant: pl.Expr, zone: str) -> pl.Expr:
    """Epoch seconds as a datetime in `zone`."""
    return pl.from_epoch(instant, time_unit="s").dt.replace_time_zone(UTC).dt.convert_time_zone(
        zone)


def local_date(instant: pl.Expr, zone: str) -> pl.Expr:
    """The local calendar date of an instant."""
    return to_local(instant, zone).dt.date()


def local_seconds(instant: pl.Expr, zone: str) -> pl.Expr:
    """An instant as seconds since the epoch of the local wall clock."""
    return to_local(instant, zone).dt.replace_time_zone(None).dt.epoch("s")


def _offset(instant: pl.Expr, zone: str) -> pl.Expr:
    """The zone's UTC offset (seconds) at an instant."""
    return local_seconds(instant, zone) - instant


def zone_offsets(calendar: pl.DataFrame, zone: str) -> pl.DataFrame:
    """The zone's UTC offsets over the calendar's days: from instant `since` until
    `until` the offset is `offset` seconds, one row per stretch, in order.

    The offset is read at every day start; where two neighbours differ, the change is
    found to the second by halving the day. This takes one change a day at most: true of
    all 599 zones of the tz database from 1970 to 2040 (checked hour by hour when this was
    written). Reading instants through this small table is a binary search per value
    instead of a time-zone conversion.
    """
    edges = pl.concat([calendar["day_start"], calendar["day_end"].tail(1)]).to_frame("at")
    edges = edges.with_columns(_offset(pl.col("at"), zone).alias("offset"))
    changed = edges.with_columns(pl.col("at").shift(-1).alias("hi"),
                                 pl.col("offset").shift(-1).alias("after")).filter(
        pl.col("hi").is_not_null() & (pl.col("after") != pl.col("offset"))
    ).select(pl.col("at").alias("lo"), "hi", "offset")
    while changed.height and (changed["hi"] - changed["lo"]).max() > 1:  # type: ignore[operator]
        middle = (pl.col("lo") + pl.col("hi")) // 2
        before = _offset(middle, zone) == pl.col("offset")
        changed = changed.with_columns(
            pl.when(before).then(middle).otherwise("lo").alias("lo"),
            pl.when(before).then("hi").otherwise(middle).alias("hi"))
    since = pl.concat([edges["at"].head(1), changed["hi"]])
    stretches = pl.DataFrame({"since": since}).with_columns(
        _offset(pl.col("since"), zone).alias("offset"))
    return stretches.with_columns(
        pl.col("since").shift(-1).fill_null(edges["at"].last()).alias("until"))


def in_stretches(values: pl.DataFrame, low: int, high: int) -> bool:
    """Whether every non-null value of every column of `values` is in [low, high)."""
    return values.is_empty() or bool(values.select(pl.all_horizontal(
        (pl.all().is_null() | pl.all().is_between(low, high, "left")).all())).item())


def local_seconds_by(instant: pl.Expr, offsets: pl.DataFrame) -> pl.Expr:
    """`local_seconds` of instants inside the `offsets` table's stretches."""
    first = offsets["since"][0]
    at = pl.lit(offsets["since"]).search_sorted(instant.fill_null(first), side="right") - 1
    return instant + pl.lit(offsets["offset"]).gather(at)


def with_local_seconds(frame: pl.DataFrame, columns: dict[str, str], zone: str,
                       offsets: pl.DataFrame) -> pl.DataFrame:
    """`frame` with the wall-clock seconds (`local_seconds`) of instant columns, as
    {new name: instant column}: through the `offsets` table when every instant is inside
    its stretches, otherwise by a time-zone conversion."""
    inside = in_stretches(frame.select(list(columns.values())), offsets["since"][0],
                          offsets["until"][-1])
    return frame.with_columns(
        (local_seconds_by(pl.col(c), offsets) if inside else local_seconds(pl.col(c), zone))
        .alias(name) for name, c in columns.items())


def wall_instants_by(wall: pl.Expr, offsets: pl.DataFrame) -> pl.Expr:
    """The instants of naive wall times (epoch seconds of the wall clock) inside the
    `offsets` stretches; null where the wall time does not exist (a gap) or happens twice
    (a fold)."""
    walls = offsets.select((pl.col("since") + pl.col("offset")).alias("from"),
                           (pl.col("until") + pl.col("offset")).alias("to"), "offset")
    k = pl.lit(walls["from"]).search_sorted(wall.fill_null(walls["from"][0]), side="right") - 1
    gap = wall >= pl.lit(walls["to"]).gather(k)
    earlier = pl.lit(pl.concat([pl.Series([None], dtype=pl.Int64), walls["to"].head(-1)]))
    fold = wall < earlier.gather(k)
    return pl.when(~gap & ~fold.fill_null(False)).then(wall - pl.lit(walls["offset"]).gather(k))


def wall_to_instant(naive: pl.Expr, zone: str) -> pl.Expr:
    """The instant a naive local datetime denotes (gap: offset before it; fold: first)."""
    direct = naive.dt.replace_time_zone(zone, ambiguous="earliest", non_existent="null")
    day_before = (naive - pl.duration(days=1)).dt.replace_time_zone(
        zone, ambiguous="earliest", non_existent="null")
    offset_before = (naive - pl.duration(days=1)).dt.epoch("s") - day_before.dt.epoch("s")
    return pl.coalesce(direct.dt.epoch("s"), naive.dt.epoch("s") - offset_before)


def read_instants(frame: pl.DataFrame, column: str, zone: str, offsets: pl.DataFrame
                  ) -> pl.DataFrame:
    """Add `{column}_at` (epoch seconds) and `{column}_problem` (the code of why it is
    unusable, see `problem_checks`).

    A datetime with a time zone is an instant as it is; a naive one is local time in `zone`
    and is a problem when that local time does not exist or happens twice. Wall times
    inside the zone's `offsets` stretches are read through that table, others by a
    time-zone conversion; the two agree.
    """
    value = pl.col(column)
    dtype = frame.schema[column]
    if isinstance(dtype, pl.Datetime) and dtype.time_zone is not None:
        return frame.with_columns(value.dt.epoch("s").alias(f"{column}_at"),
                                  pl.lit(None, pl.String).alias(f"{column}_problem"))
    at, problem = f"{column}_at", f"{column}_problem"
    wall = value.dt.epoch("s")
    low = offsets["since"][0] + offsets["offset"][0]
    high = offsets["until"][-1] + offsets["offset"][-1]
    if in_stretches(frame.select(wall), low, high):
        single = wall_instants_by(wall, offsets)
    else:
        single = value.dt.replace_time_zone(zone, ambiguous="null",
                                            non_existent="null").dt.epoch("s")
    frame = frame.with_columns(single.alias(at), pl.lit(None, pl.String).alias(problem))
    unusable = value.is_not_null() & pl.col(at).is_null()
    bad = frame.filter(unusable)
    if bad.is_empty():
        return frame
    exists = value.dt.replace_time_zone(zone, ambiguous="earliest", non_existent="null")
    bad = bad.with_columns(pl.when(exists.is_null()).then(pl.lit(DST_GAP.code))
                           .otherwise(pl.lit(DST_AMBIGUOUS.code)).alias(problem))
    return pl.concat([frame.filter(~unusable), bad])


def problem_checks(column: str, zone: str) -> list[tuple[pl.Expr, str, tuple[pl.Expr, pl.Expr]]]:
    """The `exprs.first_failure` checks of the `{column}_problem` that `read_instants` found:
    a local time that does not exist, or happens twice, in `zone`."""
    time = pl.col(column).dt.to_string("%Y-%m-%d %H:%M:%S")
    return [(pl.col(f"{column}_problem") == reason.code, column,
             because(reason, time=time, zone=zone)) for reason in (DST_GAP, DST_AMBIGUOUS)]
