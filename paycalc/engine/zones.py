"""Time-zone arithmetic as Polars expressions over whole columns of epoch seconds.

The same rules as the reference evaluator: a wall time in a DST gap is read with the offset
in force before the gap, a repeated wall time as its first occurrence; naive input times
that do not exist or are ambiguous are rejected, never guessed.
"""

from __future__ import annotations

import polars as pl

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


def wall_to_instant(naive: pl.Expr, zone: str) -> pl.Expr:
    """The instant a naive local datetime denotes (gap: offset before it; fold: first)."""
    direct = naive.dt.replace_time_zone(zone, ambiguous="earliest", non_existent="null")
    day_before = (naive - pl.duration(days=1)).dt.replace_time_zone(
        zone, ambiguous="earliest", non_existent="null")
    offset_before = (naive - pl.duration(days=1)).dt.epoch("s") - day_before.dt.epoch("s")
    return pl.coalesce(direct.dt.epoch("s"), naive.dt.epoch("s") - offset_before)


def read_instants(frame: pl.DataFrame, column: str, zone: str) -> pl.DataFrame:
    """Add `{column}_at` (epoch seconds) and `{column}_problem` (why it is unusable).

    A datetime with a time zone is an instant as it is; a naive one is local time in `zone`
    and is a problem when that local time does not exist or happens twice.
    """
    value = pl.col(column)
    dtype = frame.schema[column]
    if isinstance(dtype, pl.Datetime) and dtype.time_zone is not None:
        return frame.with_columns(value.dt.epoch("s").alias(f"{column}_at"),
                                  pl.lit(None, pl.String).alias(f"{column}_problem"))
    at, problem = f"{column}_at", f"{column}_problem"
    single = value.dt.replace_time_zone(zone, ambiguous="null", non_existent="null")
    frame = frame.with_columns(single.dt.epoch("s").alias(at),
                               pl.lit(None, pl.String).alias(problem))
    unusable = value.is_not_null() & pl.col(at).is_null()
    bad = frame.filter(unusable)
    if bad.is_empty():
        return frame
    exists = value.dt.replace_time_zone(zone, ambiguous="earliest", non_existent="null")
    text = value.dt.to_string("%Y-%m-%d %H:%M:%S")
    bad = bad.with_columns(
        pl.when(exists.is_null())
        .then(pl.format("local time {} does not exist in " + zone + " (clocks moved forward)",
                        text))
        .otherwise(pl.format("local time {} is ambiguous in " + zone
                             + " (clocks moved back); give an offset", text)).alias(problem))
    return pl.concat([frame.filter(~unusable), bad])
