"""Rates and amounts of lines, exact until one rounding per line by the money rule."""

from __future__ import annotations

import polars as pl

from paycalc.compiled import Agreement, Money
from paycalc.engine.columns import AMOUNT, QUANTITY
from paycalc.engine.dated import dated_expr, lookup
from paycalc.inputs import MONEY

SIX = 6


def round_money(exact: pl.Expr, money: Money) -> pl.Expr:
    """`exact` rounded to the money decimals by the money rule."""
    mode = money.rounding
    if mode in ("half_up", "half_even"):
        if mode == "half_up":
            return exact.round(money.decimals, mode="half_away_from_zero").cast(AMOUNT)
        return exact.round(money.decimals, mode="half_to_even").cast(AMOUNT)
    scale = pl.lit(10 ** money.decimals, MONEY)
    scaled = exact * scale
    positive = exact >= 0
    if mode == "down":
        whole = pl.when(positive).then(scaled.floor()).otherwise(scaled.ceil())
    elif mode == "up":
        whole = pl.when(positive).then(scaled.ceil()).otherwise(scaled.floor())
    else:  # half_down: a half goes towards zero
        half = pl.lit(0.5, MONEY)
        whole = pl.when(positive).then((scaled - half).ceil()).otherwise((scaled + half).floor())
    return (whole / scale).cast(AMOUNT)


def price(lines: pl.DataFrame, agreement: Agreement) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Lines with `unit`, `quantity`, `rate`, `amount`, approval columns; and warnings of
    lines that cannot be priced."""
    day = pl.col("day")
    hourly = pl.col("hourly_rate")
    code = pl.col("salary_type")
    rate: pl.Expr = pl.lit(None, MONEY)
    exact: pl.Expr = pl.lit(None, MONEY)
    problem: pl.Expr = pl.lit(None, pl.String)
    seconds = pl.col("seconds").cast(MONEY)
    for st in agreement.salary_types:
        p = st.pricing
        needs_hourly = p.method == "hourly_rate" or (
            p.method == "supplement" and p.percent_of_hourly_rate is not None)
        if p.method in ("none", "as_given"):
            this_rate = pl.lit(None, MONEY)
            this_exact = pl.col("quantity") if p.method == "as_given" else pl.lit(None, MONEY)
        else:
            if p.method == "hourly_rate":
                assert p.multiplier is not None
                dated = dated_expr(p.multiplier, day, MONEY)
                this_rate = hourly * dated
            elif p.method == "fixed_rate":
                assert p.rate is not None
                dated = dated_expr(p.rate, day, MONEY)
                this_rate = dated
            elif p.per_hour is not None:
                dated = dated_expr(p.per_hour, day, MONEY)
                this_rate = dated
            else:
                assert p.percent_of_hourly_rate is not None
                dated = dated_expr(p.percent_of_hourly_rate, day, MONEY)
                this_rate = hourly * dated / pl.lit(100, MONEY)
            by_hours = st.unit == "hours" or p.method != "fixed_rate"
            per_unit = pl.col("quantity") * this_rate
            if by_hours:
                per_unit = pl.when(pl.col("seconds").is_not_null()).then(
                    seconds * this_rate / pl.lit(3600, MONEY)).otherwise(per_unit)
            this_exact = per_unit
            missing = pl.lit(None, pl.String)
            if needs_hourly:
                missing = pl.when(hourly.is_null()).then(pl.lit(
                    f"employee has no hourly_rate for salary type {st.code}"))
            problem = pl.when(code == st.code).then(
                pl.coalesce(missing, pl.when(dated.is_null()).then(pl.format(
                    f"salary type {st.code} has no rate on {{}}", day)))).otherwise(problem)
        rate = pl.when(code == st.code).then(this_rate).otherwise(rate)
        exact = pl.when(code == st.code).then(this_exact).otherwise(exact)
    units = {s.code: s.unit for s in agreement.salary_types}
    approval = {s.code: s.requires_approval for s in agreement.salary_types}
    priced = lines.with_columns(
        pl.coalesce(pl.col("quantity"), seconds / pl.lit(3600, MONEY)).alias("quantity"),
    ).with_columns(problem.alias("problem"), rate.alias("rate"), exact.alias("exact"))
    warnings = priced.filter(pl.col("problem").is_not_null()).select(
        "employee_id", pl.col("day").alias("date"), pl.col("problem").alias("message"))
    priced = priced.with_columns(
        pl.when(pl.col("problem").is_null()).then(pl.col("rate")).alias("rate"),
        pl.when(pl.col("problem").is_null()).then(pl.col("exact")).alias("exact"),
    ).with_columns(
        lookup(code, units, pl.String()).alias("unit"),
        lookup(code, approval, pl.Boolean()).alias("requires_approval"),
        round_money(pl.col("exact"), agreement.money).alias("amount"),
        pl.col("quantity").round(SIX, mode="half_to_even").cast(QUANTITY),
        pl.col("rate").round(SIX, mode="half_to_even").cast(QUANTITY),
    ).with_columns(pl.coalesce(pl.col("approved"), ~pl.col("requires_approval"))
                   .alias("payable"))
    return priced, warnings
