"""A zone's offsets table reads instants and wall times exactly as a time-zone conversion
does, at every second around each change and over whole years, in zones whose clocks move
by an hour, by half an hour, at midnight, and by a whole day."""

from __future__ import annotations

import dataclasses
import datetime as dt

import polars as pl
import pytest

from paycalc.engine.calendar import day_calendar
from paycalc.engine.zones import (
    local_seconds,
    local_seconds_by,
    wall_instants_by,
    zone_offsets,
)
from paycalc.spec.bundled import AGREEMENTS_DIR
from paycalc.spec.compile import compile_agreement

RETAIL = compile_agreement(AGREEMENTS_DIR / "retail.yaml")
ZONES = {
    "Europe/Stockholm": 2,        # two changes a year, at 01:00 UTC
    "America/New_York": 2,
    "Australia/Lord_Howe": 2,     # half an hour
    "America/Santiago": 2,        # at local midnight
    "Pacific/Apia": 3,            # 2011-12-30 does not exist; DST changes as well
    "Asia/Kolkata": 0,
    "UTC": 0,
}


def _offsets(zone: str) -> pl.DataFrame:
    calendar = day_calendar(dataclasses.replace(RETAIL, time_zone=zone), dt.date(2011, 1, 1),
                            dt.date(2011, 12, 31))
    return zone_offsets(calendar, zone)


def _around_changes_and_every_quarter(offsets: pl.DataFrame, shift: pl.Expr) -> pl.DataFrame:
    """Every quarter hour of the table's span and every second within an hour and a half
    of each change, moved by `shift` (0 for instants, the offset for wall times)."""
    first, last = offsets["since"][0], offsets["until"][-1]
    quarters = pl.int_range(first, last, 900, eager=True)
    near = offsets.select((pl.col("since") + shift + pl.int_ranges(-5400, 5400))
                          .alias("at")).explode("at")["at"]
    return pl.concat([quarters, near]).to_frame("at").filter(
        pl.col("at").is_between(first, last, "left"))


@pytest.mark.parametrize("zone", sorted(ZONES))
def test_offsets_give_the_zone_conversions_local_seconds(zone: str) -> None:
    offsets = _offsets(zone)
    assert offsets.height == ZONES[zone] + 1
    instants = _around_changes_and_every_quarter(offsets, pl.lit(0))
    found = instants.select(
        (local_seconds_by(pl.col("at"), offsets) == local_seconds(pl.col("at"), zone)).all())
    assert found.item()


@pytest.mark.parametrize("zone", sorted(ZONES))
def test_wall_times_read_through_offsets_equal_the_conversion_gaps_and_folds_null(
        zone: str) -> None:
    offsets = _offsets(zone)
    walls = _around_changes_and_every_quarter(offsets, pl.col("offset")).filter(
        pl.col("at").is_between(offsets["since"][0] + offsets["offset"][0],
                                offsets["until"][-1] + offsets["offset"][-1], "left"))
    naive = pl.from_epoch("at", time_unit="s")
    expected = naive.dt.replace_time_zone(zone, ambiguous="null",
                                          non_existent="null").dt.epoch("s")
    both = walls.select(wall_instants_by(pl.col("at"), offsets).alias("by"),
                        expected.alias("expected"))
    assert both.filter(pl.col("by").ne_missing(pl.col("expected"))).is_empty()
    if ZONES[zone]:  # a gap and a fold each give nulls
        assert both["expected"].null_count() > 0
