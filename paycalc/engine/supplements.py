"""Supplement seconds of paid pieces.

The windows that can touch a piece of day d are the instances starting on d - 1, d and
d + 1. For each calendar day, and for each group, the stretches where each window wins
(the highest priority covering them; ungrouped windows win alone) are worked out once per
agreement on the small calendar frame, as the day's segments, each with its window code. A
piece's credit is then plain arithmetic: the length of the piece inside each of its day's
segments, read from the day's row by position. No per-piece interval join.
"""

from __future__ import annotations

import polars as pl

from paycalc.engine.exprs import day_of
from paycalc.rules.compiled import Agreement
from paycalc.tables.outputs import SLICE


def _day_layout(windows: pl.DataFrame) -> pl.DataFrame:
    """Per day d: the segments [a, b) where each window `code` wins among the instances
    of d - 1, d and d + 1 (disjoint within a group)."""
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
    return winners.select("day", "code", "a", "b")


def day_segments(agreement: Agreement, rule_nos: dict[str, int], windows: pl.DataFrame,
                 calendar: pl.DataFrame) -> pl.DataFrame:
    """One row per day from the first to the last day the windows touch: the day's k-th
    winning segment [a_k, b_k) and the rule number c_k of its window (`rule_nos`, by code), for k
    from 0 to the most segments a day has; a day with fewer segments has the empty segment
    [0, 0) there. Worked out once per agreement.

    When days are split at midnight a piece of day d lies within d's bounds, so the
    segments are cut to them: a piece then meets 3 segments on average instead of 7."""
    layout = _day_layout(windows)
    if agreement.time_rules.day_attribution == "split_at_midnight":
        layout = layout.join(calendar.select("day", "day_start", "day_end"), on="day",
                             how="left").with_columns(
            pl.max_horizontal("a", "day_start").alias("a"),
            pl.min_horizontal("b", "day_end").alias("b")).filter(pl.col("a") < pl.col("b"))
    if layout.is_empty():
        return pl.DataFrame(schema={"day": pl.Date})
    layout = layout.sort("day", "a", "code").with_columns(
        pl.int_range(pl.len()).over("day").alias("k"),
        pl.col("code").replace_strict(rule_nos, return_dtype=pl.Int64).alias("c"))
    first, last = layout.select(pl.col("day").min().alias("a"), pl.col("day").max()).row(0)
    return pl.DataFrame({"day": pl.date_range(first, last, eager=True)}).join(
        layout.pivot(on="k", index="day", values=["a", "b", "c"]), on="day", how="left"
    ).fill_null(0)


def supplement_slices(pieces: pl.DataFrame, segments: pl.DataFrame) -> pl.DataFrame:
    """Seconds per employee, day and supplement window (its `rule_no`) of the pieces, given
    the agreement's `day_segments`."""
    if segments.is_empty():
        return pl.DataFrame(schema=SLICE)
    first, last = segments["day"][0], segments["day"][-1]
    # pieces in the order of their rows' ids, so lists of ids come out sorted; a piece
    # finds its day's segments by position (its row in `segments`), with no join
    paid = pieces.filter(pl.col("paid") & (pl.col("end") > pl.col("start"))
                         & pl.col("day").is_between(first, last)).select(
        "employee_id", "employee_day", "row_id", "row_rank", "start", "end",
        (pl.col("day") - pl.lit(first)).dt.total_days().alias("row")).sort("row_rank")
    start, end = pl.col("start"), pl.col("end")
    parts = []
    for k in range((segments.width - 1) // 3):
        a, b, c = (pl.lit(segments[f"{x}_{k}"]).gather(pl.col("row")) for x in "abc")
        overlap = pl.min_horizontal(end, b) - pl.max_horizontal(start, a)
        parts.append(paid.lazy().select(pl.int_range(pl.len()).alias("piece"),
                                        c.alias("rule_no"), overlap.alias("seconds"))
                     .filter(pl.col("seconds") > 0))
    credits = pl.concat(parts).collect().sort("piece").with_columns(
        pl.lit(paid[name]).gather(pl.col("piece")).alias(name)
        for name in ("employee_id", "employee_day", "row_id"))
    return credits.group_by("employee_day", "rule_no").agg(
        pl.col("employee_id").first(), pl.col("seconds").sum(),
        pl.col("row_id").alias("input_ids"),
    ).select(
        "employee_id", "employee_day", day_of(pl.col("employee_day")).alias("day"),
        "rule_no", "seconds", pl.col("input_ids").list.unique(maintain_order=True),
    ).cast(SLICE)
