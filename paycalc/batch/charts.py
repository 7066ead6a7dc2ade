"""The report's charts as Vega-Lite specifications: a tracker's balance over the run's
period, of one employee or summed over all of them.

Vega-Lite is a charting library (declarative JSON drawn by vega's JavaScript, which the
report ships in `assets/`, so a page works from disk with no network). Each chart is a step
line of the balance at the end of each day something was booked, with a date axis, a value
axis titled with the tracker's unit and ticked at the tracker's decimals, a tooltip, and
dashed rules at the tracker's min and max where it has them. The points are floats for
drawing only; the tables beside a chart show the exact figures.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import polars as pl

from paycalc.rules.compiled import Agreement
from paycalc.rules.precision import TICKS

WIDTH, HEIGHT = 560, 160
LINE = "#d9480f"
"""The colour of a balance line, used nowhere else on a page."""
LIMIT = "#5c6b7a"


@dataclass(frozen=True)
class TrackerLook:
    """What a chart shows of a tracker: its name, unit, decimals and limits (a limit only
    when every agreement that has the tracker declares the same one)."""

    code: str
    name: str
    unit: str
    decimals: int
    min: Decimal | None
    max: Decimal | None


def tracker_looks(agreements: Sequence[Agreement]) -> dict[str, TrackerLook]:
    """The look of every tracker code of `agreements`."""
    found: dict[str, list[TrackerLook]] = {}
    for agreement in agreements:
        for t in agreement.trackers:
            found.setdefault(t.code, []).append(
                TrackerLook(t.code, t.name, t.unit, t.decimals, t.min, t.max))
    looks = {}
    for code, seen in found.items():
        first = seen[0]
        looks[code] = TrackerLook(
            code, first.name, first.unit, max(s.decimals for s in seen),
            first.min if all(s.min == first.min for s in seen) else None,
            first.max if all(s.max == first.max for s in seen) else None)
    return looks


def balance_sums(transactions: pl.DataFrame, balances: pl.DataFrame, by: Sequence[str]
                 ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Per `by` columns and tracker, the balance at the end in ticks (balance_ticks, with
    the unit) and the ticks booked on each day (date, ticks): what `balance_points` draws.
    Sums of two sets of employees add up to the sums of both (`added`)."""
    keys = [*by, "tracker"]
    return (balances.group_by(keys).agg(pl.col("balance_ticks").sum(), pl.col("unit").first()),
            transactions.group_by(*keys, "date").agg(pl.col("ticks").sum()))


def added(sums: Sequence[tuple[pl.DataFrame, pl.DataFrame]], by: Sequence[str]
          ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The `balance_sums` of several sets of employees added up."""
    keys = [*by, "tracker"]
    ending = pl.concat([e for e, _ in sums]).group_by(keys).agg(
        pl.col("balance_ticks").sum(), pl.col("unit").first())
    return ending, pl.concat([b for _, b in sums]).group_by(*keys, "date").agg(
        pl.col("ticks").sum())


def balance_points(sums: tuple[pl.DataFrame, pl.DataFrame], by: Sequence[str],
                   start: dt.date, end: dt.date) -> pl.DataFrame:
    """Per `by` columns and tracker, the balance of `balance_sums` (summed over tracking
    years, as a float in the tracker's unit) at `start`, at the end of every day a
    transaction was booked, and at `end`: columns *by, tracker, date, balance, sorted. The
    balance at `start` is the balance at the end less everything the period booked."""
    keys = [*by, "tracker"]
    ending, booked = sums
    booked = booked.sort(*keys, "date")
    booked = booked.with_columns(pl.col("ticks").cum_sum().over(keys).alias("so_far"),
                                 pl.col("ticks").sum().over(keys).alias("period"))
    points = booked.join(ending, on=keys, how="inner").select(
        *keys, "date", (pl.col("balance_ticks") - pl.col("period") + pl.col("so_far"))
        .alias("ticks"), "unit")
    moved = booked.group_by(keys).agg(pl.col("period").first())
    edges = ending.join(moved, on=keys, how="left").with_columns(pl.col("period").fill_null(0))
    first = edges.select(*keys, pl.lit(start).alias("date"),
                         (pl.col("balance_ticks") - pl.col("period")).alias("ticks"), "unit")
    last = edges.select(*keys, pl.lit(end).alias("date"), pl.col("balance_ticks").alias("ticks"),
                        "unit")
    per_unit = pl.col("unit").replace_strict(TICKS, return_dtype=pl.Int64)
    every = pl.concat([first, points, last]).with_columns(
        (pl.col("ticks") / per_unit).round(6).alias("balance"))
    # the balance at the end of the last day booked stands until `end`; a booking on `start`
    # keeps the opening point before it
    return every.select(*keys, "date", "balance").sort(*keys, "date", maintain_order=True)


def chart_values(points: pl.DataFrame, by: Sequence[str]) -> pl.DataFrame:
    """Per `by` columns and tracker, the points of `balance_points` as a Vega data array
    (JSON text), columns *by, tracker, values."""
    keys = [*by, "tracker"]
    point = pl.concat_str(pl.lit('{"date":"'), pl.col("date").dt.to_string("%Y-%m-%d"),
                          pl.lit('","balance":'), pl.col("balance").cast(pl.String), pl.lit("}"))
    return points.group_by(keys, maintain_order=True).agg(
        pl.concat_str(pl.lit("["), point.str.join(","), pl.lit("]")).alias("values"))


VALUES = "__VALUES__"


def chart_spec(look: TrackerLook, title: str, *, limits: bool = True) -> str:
    """The Vega-Lite specification of a balance chart of `look`'s tracker as JSON, with the
    placeholder VALUES where its data array goes (`with_values`); with the tracker's min
    and max when `limits` (an employee's balance, not a sum over employees)."""
    places = look.decimals
    value_axis = {"title": f"balance ({look.unit})", "format": f",.{places}f",
                  "tickMinStep": float(Decimal(1).scaleb(-places))}
    line = {
        "data": {"values": VALUES},
        "mark": {"type": "line", "interpolate": "step-after", "color": LINE, "strokeWidth": 2},
        "encoding": {
            "x": {"field": "date", "type": "temporal", "title": "date",
                  "scale": {"type": "utc"},
                  "axis": {"labelAngle": 0, "labelOverlap": True}},
            "y": {"field": "balance", "type": "quantitative", "axis": value_axis},
            "tooltip": [{"field": "date", "type": "temporal", "format": "%Y-%m-%d",
                         "formatType": "utc"},
                        {"field": "balance", "type": "quantitative", "format": f",.{places}f"}],
        },
    }
    drawn = [{"limit": name, "value": float(value)}
             for name, value in (("min", look.min), ("max", look.max))
             if value is not None and limits]
    layers: list[dict[str, object]] = [line]
    if drawn:
        layers.append({
            "data": {"values": drawn},
            "mark": {"type": "rule", "strokeDash": [5, 4], "color": LIMIT},
            "encoding": {"y": {"field": "value", "type": "quantitative"},
                         "tooltip": [{"field": "limit"}, {"field": "value"}]}})
    spec = {"title": title, "width": WIDTH, "height": HEIGHT, "layer": layers,
            "config": {"font": "system-ui, sans-serif"}}
    return json.dumps(spec, separators=(",", ":"))


def with_values(spec: str, values: str) -> str:
    """`spec` with its data array, safe to put inside a script element."""
    return spec.replace(f'"{VALUES}"', values, 1).replace("<", "\\u003c")
