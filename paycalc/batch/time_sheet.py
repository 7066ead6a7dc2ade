"""A run's `time_sheet` table: the engine's seconds per employee, day and activity, and
per employee-day the figures, the salary (payable pay lines), its currency and the
approval state, with each employee's team and nominal day. The time reports
(`time_reports`) are cut from it, so a consultant can cut one run many ways without
running it again."""

from __future__ import annotations

import polars as pl

from paycalc.engine import Evaluation
from paycalc.tables.inputs import Inputs, Period, nominal_day, prepare
from paycalc.tables.outputs import FIGURES, SHEET, TIMES


def sheet_of(evaluation: Evaluation, inputs: Inputs, period: Period) -> pl.DataFrame:
    """The time sheet of an evaluation of `inputs` over `period`."""
    tables = prepare(Inputs(employees=inputs.employees, figures=inputs.figures))
    key = ["employee_id", "date"]
    times = evaluation.time_sheet.group_by(*key, "activity").agg(pl.col(TIMES).sum())
    figures = tables["figures"].filter(pl.col("date").is_between(period.start, period.end))
    values = figures.group_by(key).agg(
        *(pl.when((pl.col("kind") == kind).any())
          .then(pl.col("value").filter(pl.col("kind") == kind).sum()).alias(kind)
          for kind in FIGURES),
        (~pl.col("approved")).any().alias("withheld"))
    lines = evaluation.pay_lines
    payable = pl.col("payable") & pl.col("amount").is_not_null()
    # one pass over the pay lines, grouped by one integer: they are sorted by employee and
    # day, so the employee's place is a running count of id changes
    place = (pl.col("employee_id") != pl.col("employee_id").shift(1)).fill_null(True).cum_sum()
    day_key = place.cast(pl.Int64) * 2**32 + pl.col("date").cast(pl.Int64)
    pay = lines.with_columns(day_key.alias("_day")).group_by("_day").agg(
        pl.col("employee_id").first(), pl.col("date").first(),
        pl.when(payable.any()).then(pl.col("amount").filter(payable).sum()).alias("salary"),
        (~pl.col("payable")).any().alias("awaiting"),
        pl.col("requires_approval").any().alias("required"),
        # one main agreement a day, so one currency a day
        pl.col("currency").drop_nulls().first().alias("currency")).drop("_day")
    days = pay.select(*key, "currency").filter(pl.col("currency").is_not_null())
    money = values.join(pay.drop("currency"), on=key, how="full", coalesce=True).with_columns(
        pl.when(pl.col("withheld").fill_null(False) | pl.col("awaiting").fill_null(False))
        .then(pl.lit("pending"))
        .when(pl.col("required").fill_null(False)).then(pl.lit("approved"))
        .alias("approval"), pl.lit(None, pl.String).alias("activity"))
    staff = tables["employees"].select("employee_id", "team",
                                       nominal_day().alias("nominal_day"))
    # a day without pay lines takes the employee's currency when they have only one
    only = days.group_by("employee_id").agg(pl.col("currency").n_unique().alias("currencies"),
                                           pl.col("currency").first().alias("only"))
    return times.join(money, on=[*key, "activity"], how="full", coalesce=True,
                      nulls_equal=True).join(staff, on="employee_id", how="left").join(
        days, on=key, how="left").join(only, on="employee_id", how="left").with_columns(
        pl.col(TIMES).fill_null(0),
        pl.coalesce(pl.col("currency"), pl.when(pl.col("currencies") == 1).then(
            pl.col("only"))).alias("currency"),
    ).select(list(SHEET)).cast(SHEET).sort(*key, "activity", nulls_last=False)
