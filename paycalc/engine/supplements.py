"""Supplement seconds of paid pieces.

The windows that can touch a piece of day d are the instances starting on d - 1, d and
d + 1. For each calendar day, and for each group, the stretches where each window wins
(the highest priority covering them; ungrouped windows win alone) are worked out once on
the small calendar frame, as disjoint segments per window code. A piece's credit for a
code is then plain arithmetic: the length of the piece inside each of the day's segments of
that code, read from the day layout by the piece's day. No per-piece interval join.
"""

from __future__ import annotations

import polars as pl

from paycalc.compiled import Agreement
from paycalc.engine.columns import SLICE
from paycalc.engine.exprs import OF_THE_DAY, lookup


def _day_layout(windows: pl.DataFrame) -> pl.DataFrame:
    """Per day d and window code: the disjoint segments [a, b) where the code's windows
    (instances of d - 1, d, d + 1) win, numbered k = 0, 1, ... within (day, code)."""
    near = windows.with_columns(pl.lit([-1, 0, 1]).alias("offset")).explode(
        "offset").with_columns(pl.col("day") + pl.duration(days=pl.col("offset")))
    near = near.with_columns(pl.coalesce(pl.col("group"), pl.format("~{}", pl.col("code")))
                             .alias("group"))
    members = ["day", "group"]
    cuts = pl.concat([near.select(*members, pl.col("w_start").alias("a")),
                      near.select(*members, pl.col("w_end").alias("a"))]).unique().sort(
        *members, "a").with_columns(pl.col("a").shift(-1).over(members).alias("b")).filter(
        pl.col("b").is_not_null())
    winners = cuts.join(near, on=members).filter(
        (pl.col("w_start") <= pl.col("a")) & (pl.col("b") <= pl.col("w_end"))).sort(
        "priority", descending=True).unique([*members, "a"], keep="first")
    return winners.select("day", "code", "a", "b").sort("day", "code", "a").with_columns(
        pl.format("{}#{}", pl.col("code"), pl.int_range(pl.len()).over("day", "code"))
        .alias("slot"))


def supplement_slices(pieces: pl.DataFrame, windows: pl.DataFrame,
                      agreement: Agreement) -> pl.DataFrame:
    """Seconds per employee, day and supplement (`salary_type`, `rule`, `source`)."""
    supplements = agreement.time_rules.supplements
    if not supplements or windows.is_empty():
        return pl.DataFrame(schema=SLICE)
    layout = _day_layout(windows)
    slots = layout.select("code", "slot").unique().sort("code", "slot")
    first, last = layout.select(pl.col("day").min().alias("a"), pl.col("day").max()).row(0)
    # one row per day from first to last; a day without a slot has the empty segment
    # [0, 0): no overlap. A piece finds its day's row by position, with no join.
    wide = pl.DataFrame({"day": pl.date_range(first, last, eager=True)}).join(
        layout.pivot(on="slot", index="day", values=["a", "b"]), on="day", how="left"
    ).fill_null(0)
    keys = ["employee_id", "employee_no", "day", "employee_day", "row_id", "row_rank"]
    paid = pieces.filter(pl.col("paid") & (pl.col("end") > pl.col("start"))
                         & pl.col("day").is_between(first, last)).select(
        *keys, "start", "end", (pl.col("day") - pl.lit(first)).dt.total_days().alias("row"))
    start, end = pl.col("start"), pl.col("end")
    inside: dict[str, pl.Expr] = {}
    for code, slot in slots.iter_rows():
        a, b = (pl.lit(wide[f"{x}_{slot}"]).gather(pl.col("row")) for x in "ab")
        overlap = pl.min_horizontal(end, b) - pl.max_horizontal(start, a)
        inside[code] = inside.get(code, pl.lit(0, pl.Int64)) + pl.max_horizontal(overlap, 0)
    long = pl.concat([
        paid.lazy().select(*keys, pl.lit(code).alias("code"), credit.alias("seconds")).filter(
            pl.col("seconds") > 0)
        for code, credit in inside.items()]).collect()
    by_code = {w.code: w for w in supplements}
    return long.sort("row_rank").group_by("employee_day", "code").agg(
        *OF_THE_DAY, pl.col("seconds").sum(), pl.col("row_id").unique(maintain_order=True)
        .alias("input_ids"),
    ).select(
        "employee_id", "employee_day", "day",
        lookup(pl.col("code"), {c: w.salary_type for c, w in by_code.items()},
               pl.String()).alias("salary_type"),
        pl.format("time_rules.supplements.{}", pl.col("code")).alias("rule"),
        lookup(pl.col("code"), {c: str(w.source) for c, w in by_code.items()},
               pl.String()).alias("source"),
        "seconds", "input_ids",
    ).cast(SLICE)
