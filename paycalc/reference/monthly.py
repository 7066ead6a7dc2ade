"""The reference evaluator's monthly salary, one employee, month and absence day at a
time; read it against docs/monthly-salary.md.

Arithmetic follows the engine's working precision: each product and quotient is rounded
to 18 decimals, half to even (`precise`), and money once per line by the agreement's rule.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from paycalc.rules.compiled import Agreement, DeductionStep
from paycalc.rules.holiday_days import holiday_days
from paycalc.tables.inputs import Period

DAY = dt.timedelta(days=1)
_EXACT = Decimal("1e-18")


def precise(value: Decimal) -> Decimal:
    """`value` at the working precision of the engine's money: 18 decimals, half to even."""
    return value.quantize(_EXACT, ROUND_HALF_EVEN)


@dataclass(frozen=True)
class AbsenceDay:
    """A day of a usable absence under the agreement: whether it is counted and its
    seconds (see the absence lines)."""

    row: dict[str, Any]
    day: dt.date
    counted: bool
    seconds: int


@dataclass(frozen=True)
class MonthlyLine:
    """A priced line of the monthly salary or of a deduction from it."""

    employee: str
    day: dt.date
    code: str
    rule: str
    source: str
    quantity: Decimal
    rate: Decimal | None
    exact: Decimal
    ids: list[str]


def _month_days(year: int, month: int) -> list[dt.date]:
    day = dt.date(year, month, 1)
    days = []
    while day.month == month:
        days.append(day)
        day += DAY
    return days


def _working(person: dict[str, Any], day: dt.date, holidays: frozenset[dt.date]) -> bool:
    return day.weekday() < person["working_days_per_week"] and day not in holidays


def monthly_lines(agreement: Agreement, period: Period, employees: dict[str, dict[str, Any]],
                  ours: Callable[[str, dt.date], bool], absence_days: list[AbsenceDay]
                  ) -> tuple[list[MonthlyLine], list[tuple[str, dt.date, str]]]:
    """The monthly-salary and deduction lines of the agreement's monthly-paid employees,
    and the (employee, day, salary type) of deducting absence days without a rate in
    force, which deduct nothing."""
    m = agreement.monthly_salary
    missing: list[tuple[str, dt.date, str]] = []
    if m is None:
        return [], missing
    cal = agreement.time_rules.holidays
    holidays = holiday_days(cal, period.start.year, period.end.year)[0]
    months = sorted({(d.year, d.month) for d in _days(period.start, period.end)})
    lines = []
    for employee, person in sorted(employees.items()):
        monthly = person["monthly_salary"]
        if monthly is None:
            continue
        end = person["employment_end"] or dt.date.max
        for year, month in months:
            every = _month_days(year, month)
            paid = [d for d in every if period.start <= d <= period.end
                    and person["employment_start"] <= d <= end and ours(employee, d)]
            if m.pro_rata == "working_days":
                count = sum(_working(person, d, holidays) for d in paid)
                whole = sum(_working(person, d, holidays) for d in every)
            else:
                count, whole = len(paid), len(every)
            if count == 0:
                continue
            rate = precise(monthly / whole)
            lines.append(MonthlyLine(employee, min(every[-1], period.end), m.salary_type,
                                     "monthly_salary.salary_type", str(m.source),
                                     Decimal(count), rate,
                                     precise(rate * count), [person["row_id"]]))
    for i, deduction in enumerate(m.deductions):
        groups: dict[tuple[str, dt.date, int], list[Any]] = defaultdict(
            lambda: [Decimal(0), Decimal(0), set(), set()])
        for a in absence_days:
            employee = a.row["employee_id"]
            person = employees[employee]
            if (a.row["salary_type"] != deduction.absence or person["monthly_salary"] is None
                    or not period.start <= a.day <= period.end):
                continue
            j = _step(deduction.steps, _length(a.row, person, agreement))
            step = deduction.steps[j]
            try:
                rate = precise(precise(person["monthly_salary"] * step.multiplier.at(a.day))
                             / step.divisor.at(a.day))
            except LookupError:
                missing.append((employee, a.day, deduction.salary_type))
                continue
            group = groups[(employee, _month_end(a.day), j)]
            if step.per == "hour":
                seconds = a.seconds if a.counted else 0
                units, amount = precise(Decimal(seconds) / 3600), precise(seconds * rate / 3600)
            else:
                units = Decimal(1 if a.counted or step.per == "calendar_day" else 0)
                amount = precise(units * rate)
            group[0] += units
            group[1] += amount
            group[2].add(rate)
            group[3].add(a.row["row_id"])
        for (employee, month_end, j), (units, amount, rates, ids) in sorted(groups.items()):
            if units != 0:
                lines.append(MonthlyLine(
                    employee, min(month_end, period.end), deduction.salary_type,
                    f"monthly_salary.deductions[{i}].steps[{j}]",
                    str(deduction.steps[j].source), -units,
                    next(iter(rates)) if len(rates) == 1 else None, -amount, sorted(ids)))
    return lines, missing


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + DAY * n for n in range((last - first).days + 1)]


def _month_end(day: dt.date) -> dt.date:
    return _month_days(day.year, day.month)[-1]


def _length(row: dict[str, Any], person: dict[str, Any], agreement: Agreement) -> int:
    """Working days of the absence's whole range by the employee's working week."""
    holidays = holiday_days(agreement.time_rules.holidays, row["start_date"].year,
                            row["end_date"].year)[0]
    return sum(_working(person, d, holidays) for d in _days(row["start_date"], row["end_date"]))


def _step(steps: tuple[DeductionStep, ...], length: int) -> int:
    """The first step the absence's length fits."""
    for j, step in enumerate(steps):
        if step.up_to_working_days is None or length <= step.up_to_working_days:
            return j
    raise AssertionError("the last step fits any length (checked when compiling)")
