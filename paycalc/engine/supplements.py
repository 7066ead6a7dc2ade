"""Supplement seconds: paid pieces overlapped with the window instances of the day before,
the day itself and the day after. Windows without a group stack; inside a group each
stretch of time goes to the covering window with the highest priority (only pieces that
meet several windows of one group need cutting into stretches)."""

from __future__ import annotations

import polars as pl

from paycalc.compiled import Agreement
from paycalc.engine.columns import SLICE
from paycalc.engine.dated import lookup

KEY = ["employee_id", "day", "code"]


def supplement_slices(pieces: pl.DataFrame, windows: pl.DataFrame,
                      agreement: Agreement) -> pl.DataFrame:
    """Seconds per employee, day and supplement (`salary_type`, `rule`, `source`)."""
    supplements = agreement.time_rules.supplements
    if not supplements or windows.is_empty():
        return pl.DataFrame(schema=SLICE)
    paid = pieces.filter(pl.col("paid") & (pl.col("end") > pl.col("start"))).with_row_index(
        "piece")
    one_day = pl.duration(days=1)
    overlaps = paid.join_where(
        windows.rename({"day": "window_day"}),
        pl.col("start") < pl.col("w_end"), pl.col("end") > pl.col("w_start"),
    ).filter(
        pl.col("window_day").is_between(pl.col("day") - one_day, pl.col("day") + one_day)
    ).with_columns(
        pl.max_horizontal("start", "w_start").alias("lo"),
        pl.min_horizontal("end", "w_end").alias("hi"),
    )
    members = ["piece", "group"]
    stacked = overlaps.filter(pl.col("group").is_null())
    grouped = overlaps.filter(pl.col("group").is_not_null()).with_columns(
        pl.len().over(members).alias("members"))
    alone = grouped.filter(pl.col("members") == 1)
    grouped = grouped.filter(pl.col("members") > 1)
    cuts = pl.concat([grouped.select(*members, pl.col("lo").alias("a")),
                      grouped.select(*members, pl.col("hi").alias("a"))]).unique().sort(
        *members, "a").with_columns(pl.col("a").shift(-1).over(members).alias("b")).filter(
        pl.col("b").is_not_null())
    winners = cuts.join(grouped, on=members).filter(
        (pl.col("lo") <= pl.col("a")) & (pl.col("b") <= pl.col("hi"))).sort(
        "priority", descending=True).unique([*members, "a"], keep="first").with_columns(
        pl.col("a").alias("lo"), pl.col("b").alias("hi"))
    credited = pl.concat([part.select("employee_id", "day", "code", "lo", "hi", "row_id")
                          for part in (stacked, alone, winners)])
    by_code = {w.code: w for w in supplements}
    return credited.group_by(KEY).agg(
        (pl.col("hi") - pl.col("lo")).sum().alias("seconds"),
        pl.col("row_id").unique().sort().alias("input_ids"),
    ).select(
        "employee_id", "day",
        lookup(pl.col("code"), {c: w.salary_type for c, w in by_code.items()},
               pl.String()).alias("salary_type"),
        pl.format("time_rules.supplements.{}", pl.col("code")).alias("rule"),
        lookup(pl.col("code"), {c: str(w.source) for c, w in by_code.items()},
               pl.String()).alias("source"),
        "seconds", "input_ids",
    ).cast(SLICE)
