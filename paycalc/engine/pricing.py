"""Rates and amounts of lines, exact until one rounding per line by the money rule.

What depends only on the salary type and the date (method, dated rate, approval) is worked
out once per agreement for every (rule making lines, day) and joined to the lines; each
line then needs only its own arithmetic.
"""

from __future__ import annotations

import polars as pl

from paycalc.engine.exprs import dated_expr
from paycalc.engine.line_rules import LineRules, named
from paycalc.reasons import NO_HOURLY_RATE, NO_RATE
from paycalc.rules.compiled import Agreement, Money, SalaryType
from paycalc.tables.inputs import MONEY
from paycalc.tables.messages import Warned, because
from paycalc.tables.outputs import AMOUNT, QUANTITY

SIX = 6


def round_money(exact: pl.Expr, money: Money) -> pl.Expr:
    """`exact` rounded to the money decimals by the money rule."""
    mode = money.rounding
    if mode == "half_up":
        return exact.round(money.decimals, mode="half_away_from_zero").cast(AMOUNT)
    if mode == "half_even":
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


def _terms(agreement: Agreement, st: SalaryType, day: pl.Expr) -> dict[str, pl.Expr]:
    """How a salary type prices on `day`: `factor` (times the hourly rate when
    `uses_hourly`), whether amounts go by the `seconds` worked, its method, and the
    divisor of a monthly-paid employee's hourly rate."""
    p = st.pricing
    monthly = agreement.monthly_salary
    divisor = p.monthly_divisor or (monthly.hourly_divisor if monthly else None)
    factor: pl.Expr = pl.lit(None, MONEY)
    if p.method == "hourly_rate" and p.multiplier is not None:
        factor = dated_expr(p.multiplier, day, MONEY)
    elif p.method == "fixed_rate" and p.rate is not None:
        factor = dated_expr(p.rate, day, MONEY)
    elif p.method == "supplement" and p.per_hour is not None:
        factor = dated_expr(p.per_hour, day, MONEY)
    elif p.method == "supplement" and p.percent_of_hourly_rate is not None:
        factor = dated_expr(p.percent_of_hourly_rate, day, MONEY) / pl.lit(100, MONEY)
    uses_hourly = p.method == "hourly_rate" or (
        p.method == "supplement" and p.percent_of_hourly_rate is not None)
    return {
        "factor": factor,
        "uses_hourly": pl.lit(uses_hourly),
        "by_seconds": pl.lit(st.unit == "hours" or p.method != "fixed_rate"),
        "method": pl.lit(p.method),
        "requires_approval": pl.lit(st.requires_approval),
        "monthly_divisor": (pl.lit(None, MONEY) if divisor is None
                            else dated_expr(divisor, day, MONEY)),
    }


_TERMS = {"factor": MONEY, "uses_hourly": pl.Boolean(), "by_seconds": pl.Boolean(),
          "method": pl.String(), "requires_approval": pl.Boolean(), "monthly_divisor": MONEY}


def price_terms(agreement: Agreement, rules: LineRules, calendar: pl.DataFrame
                ) -> pl.DataFrame:
    """The pricing terms of the salary type of every rule of the agreement that makes
    lines (`rule_no`, see `line_rules`) on every day of the calendar: worked out once per
    agreement, then joined to the lines."""
    terms = [calendar.select(pl.lit(no, pl.Int64).alias("rule_no"), "day", **{
        name: expr.cast(_TERMS[name])
        for name, expr in _terms(agreement, agreement.salary_type(code),
                                 pl.col("day")).items()})
        for no, code in rules.table.filter(pl.col("agreement") == agreement.id).select(
            "rule_no", "salary_type").iter_rows()]
    return pl.concat(terms) if terms else pl.DataFrame(
        schema={"rule_no": pl.Int64, "day": pl.Date, **_TERMS})


def price(lines: pl.DataFrame, terms: pl.DataFrame, agreement: Agreement, rules: LineRules
          ) -> Warned:
    """Lines with `quantity`, `rate`, `amount`, approval columns, given the agreement's
    `price_terms`; and warnings of lines that cannot be priced.

    A monthly-paid employee's hourly rate is monthly salary / the type's monthly divisor
    where one is declared, else the employee's `hourly_rate`."""
    seconds = pl.col("seconds").cast(MONEY)
    derived = pl.col("monthly_salary").is_not_null() & pl.col("monthly_divisor").is_not_null()
    hourly = pl.when(derived).then(pl.col("monthly_salary") / pl.col("monthly_divisor")
                                   ).otherwise(pl.col("hourly_rate"))
    priced = lines.join(terms, on=["rule_no", "day"], how="left")
    charged = pl.col("method").is_in(["hourly_rate", "fixed_rate", "supplement"])
    no_hourly = charged & pl.col("uses_hourly") & hourly.is_null()
    no_rate = charged & pl.col("factor").is_null()
    rate = pl.when(pl.col("uses_hourly")).then(hourly * pl.col("factor")).otherwise(
        pl.col("factor"))
    exact = (
        pl.when(pl.col("method") == "as_given").then(pl.col("quantity"))
        .when(~charged).then(pl.lit(None, MONEY))
        .when(pl.col("by_seconds") & pl.col("seconds").is_not_null())
        .then(seconds * pl.col("rate") / pl.lit(3600, MONEY))
        .otherwise(pl.col("quantity") * pl.col("rate"))
    )
    priced = priced.with_columns(
        pl.coalesce(pl.col("quantity"), seconds / pl.lit(3600, MONEY)).alias("quantity"),
        no_hourly.alias("no_hourly"), (no_hourly | no_rate).alias("unpriced"),
    ).with_columns(pl.when(~pl.col("unpriced") & charged).then(rate).alias("rate"))
    no_hourly_code, no_hourly_text = because(NO_HOURLY_RATE, salary_type=pl.col("salary_type"))
    no_rate_code, no_rate_text = because(NO_RATE, salary_type=pl.col("salary_type"),
                                         day=pl.col("day"))
    warnings = named(priced.filter(pl.col("unpriced")), rules).select(
        "employee_id", pl.col("day").alias("date"),
        pl.when(pl.col("no_hourly")).then(no_hourly_code).otherwise(no_rate_code).alias("code"),
        pl.when(pl.col("no_hourly")).then(no_hourly_text).otherwise(no_rate_text)
        .alias("message"))
    priced = priced.with_columns(
        pl.when(~pl.col("unpriced")).then(exact).alias("exact"),
    ).with_columns(
        round_money(pl.col("exact"), agreement.money).alias("amount"),
        pl.col("quantity").round(SIX, mode="half_to_even").cast(QUANTITY),
        pl.col("rate").round(SIX, mode="half_to_even").cast(QUANTITY),
        pl.coalesce(pl.col("approved"), ~pl.col("requires_approval")).alias("payable"),
    )
    return Warned(priced, warnings)
