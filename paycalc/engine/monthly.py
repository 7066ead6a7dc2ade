"""Monthly salary: one line per monthly-paid employee and month of the period, pro rata
for the days paid, and one deduction line per month and deduction step for unpaid absence.

A month's salary is paid for the days of the month that lie in the period, in the
employment and under this agreement as the employee's main agreement: monthly salary /
days of the month (calendar days, or the employee's working days: the first
`working_days_per_week` weekdays, public holidays excluded) x days paid. An absence of a
deducting type chooses its step by the working days of its whole range and deducts, for
each of its days in the period, monthly salary x multiplier / divisor per unit (counted
working day, calendar day or hour). Money is rounded once per line, never per day.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from paycalc.engine.context import AgreementDays
from paycalc.engine.exprs import among, dated_expr, employee_day
from paycalc.engine.line_rules import AgreementRules
from paycalc.engine.pieces import under_agreement
from paycalc.engine.pricing import SIX, round_money
from paycalc.reasons import NO_RATE
from paycalc.rules.compiled import Agreement, Deduction, MonthlySalary
from paycalc.rules.holiday_days import holiday_days
from paycalc.tables.inputs import MONEY
from paycalc.tables.messages import Warned, warned
from paycalc.tables.outputs import AMOUNT, QUANTITY, WARNINGS


def _calendar(agreement: Agreement, first: dt.date, last: dt.date) -> pl.DataFrame:
    """Every date from `first` to `last` with its weekday (0 = Monday), whether it is a
    public holiday, and its month (first day) and the month's last day."""
    holidays, _ = holiday_days(agreement.time_rules.holidays, first.year, last.year)
    day = pl.col("day")
    return pl.DataFrame(pl.date_range(first, last, "1d", eager=True).alias("day")).with_columns(
        (day.dt.weekday() - 1).alias("weekday"),
        among("day", sorted(holidays), pl.Date()).alias("holiday"),
        day.dt.month_start().alias("month"), day.dt.month_end().alias("month_end"))


def _working() -> pl.Expr:
    """A working day of the employee's week: among the first `working_days_per_week`
    weekdays and not a public holiday."""
    return (pl.col("weekday") < pl.col("working_days_per_week")) & ~pl.col("holiday")


def _line(frame: pl.DataFrame, agreement: Agreement, last: dt.date) -> pl.DataFrame:
    """Priced lines of (`employee_no`, `employee_id`, `month_end`, `rule_no`, `quantity`,
    `rate`, `exact`, `input_ids`) rows, dated on the month's last day within the period."""
    day = pl.min_horizontal("month_end", pl.lit(last))
    return frame.select(
        "employee_id", employee_day(day).alias("employee_day"), day.alias("day"), "rule_no",
        pl.lit(0, pl.Int64).alias("id_rank"), pl.lit(None, pl.Int64).alias("seconds"),
        pl.col("quantity").round(SIX, mode="half_to_even").cast(QUANTITY),
        pl.col("rate").round(SIX, mode="half_to_even").cast(QUANTITY),
        round_money(pl.col("exact"), agreement.money).cast(AMOUNT).alias("amount"),
        "requires_approval", pl.lit(None, pl.Boolean).alias("approved"),
        (~pl.col("requires_approval")).alias("payable"), "input_ids")


def monthly_lines(employees: pl.DataFrame, leave: pl.DataFrame, mains: pl.DataFrame,
                  days: AgreementDays, numbers: AgreementRules) -> Warned:
    """The monthly-salary and deduction lines of the agreement's monthly-paid employees
    (priced; see the module; a frame without columns when there are none), given the
    agreement's `leave` days (`absences.absence_lines`); and a warning for each deducting
    absence day without a rate in force, which deducts nothing."""
    agreement, period = days.agreement, days.period
    monthly = agreement.monthly_salary
    paid = employees.filter(pl.col("monthly_salary").is_not_null()).select(
        "employee_no", "employee_id", pl.col("row_id").alias("employee_row"),
        "employment_start", "employment_end", "working_days_per_week", "monthly_salary")
    none = Warned(pl.DataFrame(), pl.DataFrame(schema=WARNINGS))
    if monthly is None or paid.is_empty():
        return none
    month_first = period.start.replace(day=1)
    calendar = _calendar(agreement, month_first, _month_end(period.end))
    salary = _salary(paid, calendar, mains, agreement, monthly, period.start, period.end)
    lines = [salary.with_columns(
        pl.lit(numbers.monthly[None]).alias("rule_no"),
        pl.lit(agreement.salary_type(monthly.salary_type).requires_approval)
        .alias("requires_approval"))]
    warnings = []
    for i, deduction in enumerate(monthly.deductions):
        deducted, unrated = _deductions(paid, leave, agreement, deduction, i, numbers,
                                        period.start, period.end)
        lines.append(deducted)
        warnings.append(unrated)
    lines = [part for part in lines if part.height]
    warnings = [part for part in warnings if part.height]
    if not lines:
        return none._replace(warnings=pl.concat(warnings) if warnings else none.warnings)
    return Warned(_line(pl.concat(lines, how="diagonal_relaxed"), agreement, period.end),
                  pl.concat(warnings) if warnings else none.warnings)


def _month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def _salary(paid: pl.DataFrame, calendar: pl.DataFrame, mains: pl.DataFrame,
            agreement: Agreement, monthly: MonthlySalary, first: dt.date, last: dt.date
            ) -> pl.DataFrame:
    """One row per employee and month with days paid, the month's days and the pay."""
    by_working = monthly.pro_rata == "working_days"
    employed = pl.col("day").is_between(pl.col("employment_start"), pl.col("employment_end")
                                        .fill_null(dt.date.max))
    every = paid.join(calendar.filter(pl.col("day").is_between(first, last)), how="cross"
                      ).filter(employed).rename({"employee_row": "row_id"})
    ours = under_agreement(every, "day", mains, agreement.id)
    counted = _working() if by_working else pl.col("day").is_not_null()
    keys = ["employee_no", "employee_id", "row_id", "month", "month_end",
            "working_days_per_week", "monthly_salary"]
    months = ours.group_by(keys).agg(counted.sum().cast(pl.Int64).alias("days_paid")).filter(
        pl.col("days_paid") > 0)
    if by_working:
        in_month = calendar.join(paid.select("working_days_per_week").unique(), how="cross"
                                 ).group_by("month", "working_days_per_week").agg(
            _working().sum().cast(pl.Int64).alias("month_days"))
        months = months.join(in_month, on=["month", "working_days_per_week"], how="left")
    else:
        months = months.with_columns(pl.col("month_end").dt.day().cast(pl.Int64)
                                     .alias("month_days"))
    rate = pl.col("monthly_salary") / pl.col("month_days").cast(MONEY)
    return months.select(
        "employee_no", "employee_id", "month_end",
        pl.col("days_paid").cast(MONEY).alias("quantity"), rate.alias("rate"),
        (rate * pl.col("days_paid").cast(MONEY)).alias("exact"),
        pl.concat_list(pl.col("row_id")).alias("input_ids"))


def _deductions(paid: pl.DataFrame, leave: pl.DataFrame, agreement: Agreement,
                deduction: Deduction, index: int, numbers: AgreementRules,
                first: dt.date, last: dt.date) -> Warned:
    """One row per employee, month and step of `deduction` with the units deducted (as a
    negative quantity) and the amount; and the warnings of days without a rate."""
    days = leave.filter((pl.col("salary_type") == deduction.absence)
                        & pl.col("day").is_between(first, last)).join(
        paid.select("employee_no", "working_days_per_week", "monthly_salary"),
        on="employee_no")
    if days.is_empty():
        return Warned(pl.DataFrame(), pl.DataFrame())
    spans = days.select("absence_id", "start_date", "end_date", "working_days_per_week"
                        ).unique("absence_id")
    first_day, last_day = spans.select(pl.col("start_date").min(), pl.col("end_date").max()
                                       ).row(0)
    calendar = _calendar(agreement, first_day, last_day)
    lengths = spans.with_columns(pl.date_ranges("start_date", "end_date").alias("day")
                                 ).explode("day").join(calendar, on="day").group_by(
        "absence_id").agg(_working().sum().cast(pl.Int64).alias("length"))
    step: pl.Expr = pl.lit(None, pl.Int64)
    for j, s in reversed(list(enumerate(deduction.steps))):
        fits = pl.lit(True) if s.up_to_working_days is None else (
            pl.col("length") <= s.up_to_working_days)
        step = pl.when(fits).then(pl.lit(j, pl.Int64)).otherwise(step)
    days = days.join(lengths, on="absence_id").with_columns(step.alias("step"))
    parts, unrated = [], []
    for j, s in enumerate(deduction.steps):
        chosen = days.filter(pl.col("step") == j)
        rate = (pl.col("monthly_salary") * dated_expr(s.multiplier, pl.col("day"), MONEY)
                / dated_expr(s.divisor, pl.col("day"), MONEY))
        if s.per == "hour":
            seconds = pl.when(pl.col("counted")).then(pl.col("seconds")).otherwise(0)
            units = seconds.cast(MONEY) / pl.lit(3600, MONEY)
            exact = seconds.cast(MONEY) * pl.col("rate") / pl.lit(3600, MONEY)
        else:
            units = (pl.col("counted") if s.per == "working_day" else pl.lit(True)).cast(
                pl.Int64).cast(MONEY)
            exact = units * pl.col("rate")
        chosen = chosen.with_columns(rate.alias("rate"))
        unrated.append(chosen.filter(pl.col("rate").is_null()).select(
            "employee_id", pl.col("day").alias("date"),
            *warned(NO_RATE, salary_type=deduction.salary_type, day=pl.col("day"))))
        chosen = chosen.filter(pl.col("rate").is_not_null()).with_columns(
            units.alias("units"), exact.alias("exact"),
            pl.col("day").dt.month_end().alias("month_end"))
        parts.append(chosen.group_by("employee_no", "employee_id", "month_end").agg(
            (-pl.col("units").sum()).alias("quantity"),
            pl.when(pl.col("rate").n_unique() == 1).then(pl.col("rate").first()).alias("rate"),
            (-pl.col("exact").sum()).alias("exact"),
            pl.col("absence_id").unique().sort().alias("input_ids"),
        ).filter(pl.col("quantity") != 0).with_columns(
            pl.lit(numbers.deductions[(index, j)]).alias("rule_no"),
            pl.lit(agreement.salary_type(deduction.salary_type).requires_approval)
            .alias("requires_approval")))
    return Warned(pl.concat(parts), pl.concat(unrated))
