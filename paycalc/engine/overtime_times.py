"""Overtime classified by when it is worked (`by_time`), beside the steps by length.

Which minutes of a day are its overtime: the last of its regular paid time, in time order.
The day's own (daily) overtime is the very end of its regular pieces; the weekly overtime
that falls on the day is the regular time just before it. Each overtime minute is paid by
the first window of the rule that holds it (the windows are supplements of one group, the
first highest in priority, so `supplements.supplement_slices` finds the winner), and the
overtime no window holds, by the rule's last entry. Overtime beyond the day's regular
pieces (where a set-paid-time rule paid more than was punched) is held by no window.

Every line of a day's overtime names all the punches of its regular time, as the steps'
lines do.
"""

from __future__ import annotations

import polars as pl

from paycalc.engine.context import AgreementDays
from paycalc.engine.line_rules import AgreementRules
from paycalc.engine.overtime import overtime_rules
from paycalc.engine.pieces import REGULAR
from paycalc.engine.supplements import supplement_slices
from paycalc.tables.outputs import SLICE


def by_time_slices(pieces: pl.DataFrame, amounts: pl.DataFrame, days: AgreementDays,
                   numbers: AgreementRules) -> pl.DataFrame:
    """The SLICE rows of the overtime `amounts` paid by when it was worked."""
    if amounts.is_empty():
        return pl.DataFrame(schema=SLICE)
    regular = pieces.filter(pl.col("paid") & (pl.col("end") > pl.col("start"))
                            & (pl.col("target") == REGULAR))
    # each piece's place counted back from the end of its day's regular time
    regular = regular.sort("employee_day", "start", "end", descending=True).with_columns(
        (pl.col("end") - pl.col("start")).cum_sum().over("employee_day").alias("back_end"))
    regular = regular.with_columns(
        (pl.col("back_end") - (pl.col("end") - pl.col("start"))).alias("back_start"))
    rules = dict(overtime_rules(days.agreement))
    parts = []
    for period, segments in days.overtime_segments.items():
        mine = amounts.filter(pl.col("period") == period)
        lo = pl.max_horizontal("lo", "back_start")
        hi = pl.min_horizontal("hi", "back_end")
        tail = regular.join(mine.select("employee_day", "lo", "hi"), on="employee_day").filter(
            lo < hi).with_columns(
            (pl.col("end") - (hi - pl.col("back_start"))).alias("start"),
            (pl.col("end") - (lo - pl.col("back_start"))).alias("end"))
        held = supplement_slices(tail, segments).select("employee_day", "rule_no", "seconds")
        windows = len(rules[period].by_time)
        rest = mine.join(held.group_by("employee_day").agg(pl.col("seconds").sum().alias(
            "held")), on="employee_day", how="left").select(
            "employee_day", pl.lit(numbers.overtime[(period, windows)], pl.Int64)
            .alias("rule_no"),
            (pl.col("hi") - pl.col("lo") - pl.col("held").fill_null(0)).alias("seconds"))
        found = pl.concat([held, rest]).filter(pl.col("seconds") > 0).group_by(
            "employee_day", "rule_no").agg(pl.col("seconds").sum())
        parts.append(found.join(mine.select("employee_id", "employee_day", "day",
                                            "input_ids"), on="employee_day"))
    return pl.concat([p.select(list(SLICE)).cast(SLICE) for p in parts]) if parts else \
        pl.DataFrame(schema=SLICE)
