"""Monthly salary: how a monthly-paid employee's month is paid, pro rata, and what unpaid
absence deducts from it."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from paycalc.spec.language.base import Section
from paycalc.spec.language.values import Code, DatedNum, Int
from paycalc.spec.limits import MAX_STEPS


class DeductionStep(Section):
    """One way of deducting an absence from the monthly salary: per unit, monthly salary x
    `multiplier` / `divisor`."""

    up_to_working_days: Int | None = Field(
        default=None, ge=1,
        description="This step applies to an absence whose whole range holds at most this "
                    "many working days (the employee's working week, public holidays "
                    "excluded); empty = any length. The first step that applies is used "
                    "for the whole absence.", examples=[5])
    per: Literal["working_day", "calendar_day", "hour"] = Field(
        description="What one unit of deduction is: a counted working day of the absence, "
                    "any calendar day of it, or an hour of it.", examples=["working_day"])
    multiplier: DatedNum = Field(
        default=1,  # type: ignore[assignment]  # written as in YAML, validated
        description="Monthly salary x multiplier / divisor per unit. May be dated.",
        examples=[12])
    divisor: DatedNum = Field(
        description="Monthly salary x multiplier / divisor per unit. May be dated.",
        examples=[21])


class Deduction(Section):
    """Absences of one salary type deduct from a monthly-paid employee's salary."""

    absence: Code = Field(description="Salary type of the absences (in the `absences` "
                          "table) that deduct.", examples=["LEAVE_UNPAID"])
    salary_type: Code = Field(
        description="Salary type of the deduction line (pricing method `monthly_salary`).",
        examples=["DEDUCTION_LEAVE"])
    steps: list[DeductionStep] = Field(
        min_length=1, max_length=MAX_STEPS,
        description="How the absence deducts, by its length: the first step whose "
                    "`up_to_working_days` the absence fits applies; the last step must fit "
                    "any length.")


class MonthlySalary(Section):
    """How employees with a `monthly_salary` are paid under this agreement."""

    salary_type: Code = Field(
        description="Salary type paying the month (pricing method `monthly_salary`): one line "
                    "per employee and month, its quantity the days paid.",
        examples=["MONTHLY_SALARY"])
    pro_rata: Literal["calendar_days", "working_days"] = Field(
        default="calendar_days",
        description="A month partly employed or partly under the agreement pays monthly "
                    "salary x days paid / days of the month, counting `calendar_days` or "
                    "`working_days` (the employee's working week, public holidays excluded).",
        examples=["working_days"])
    hourly_divisor: DatedNum | None = Field(
        default=None,
        description="A monthly-paid employee's hourly rate is monthly salary / this divisor, "
                    "for salary types priced by the hourly rate that declare no "
                    "`monthly_divisor` of their own. May be dated.", examples=[174])
    deductions: list[Deduction] = Field(
        default_factory=list, description="Absences that deduct from the monthly salary.")
