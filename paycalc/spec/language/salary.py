"""Salary types: what a quantity of time, days or money is called, how it is priced, and
which trackers it raises or lowers."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from paycalc.spec.language.base import Section
from paycalc.spec.language.values import Code, DatedNum, Flag, Text


class TrackerEffect(Section):
    """Using the salary type raises or lowers a tracker by quantity x factor."""

    tracker: Code = Field(description="Code of the tracker this salary type moves.",
                          examples=["TOIL"])
    direction: Literal["increase", "decrease"] = Field(
        description="`increase` adds quantity x factor to the tracker, `decrease` subtracts it.",
        examples=["increase"])
    factor: DatedNum = Field(
        default=1,  # type: ignore[assignment]  # written as in YAML, validated
        description="Tracker units per unit of the salary type (1 = 1:1; 1.5 turns one hour "
                    "of overtime into 1.5 hours of time off in lieu). May be dated.",
        examples=[1.5])


class Pricing(Section):
    """How a line of this salary type becomes money."""

    method: Literal["none", "hourly_rate", "fixed_rate", "supplement", "as_given",
                    "monthly_salary"] = Field(
        default="none",
        description="`none`: quantity only, no amount. `hourly_rate`: hours x the employee's "
                    "hourly rate x `multiplier`. `fixed_rate`: quantity x `rate`. `supplement`: "
                    "hours x `per_hour`, or hours x hourly rate x `percent_of_hourly_rate` / 100. "
                    "`as_given`: the amount of the input (bonus, commission). "
                    "`monthly_salary`: paid by the agreement's `monthly_salary` section (the "
                    "month's salary or a deduction from it).",
        examples=["hourly_rate"])
    multiplier: DatedNum | None = Field(
        default=None,
        description="For `hourly_rate`: the factor on the employee's hourly rate (default 1).",
        examples=[1.5])
    rate: DatedNum | None = Field(
        default=None,
        description="For `fixed_rate`: the amount per unit (hour or day). May be dated.",
        examples=[{"2025-01-01": 152.5, "2026-04-01": 158}])
    per_hour: DatedNum | None = Field(
        default=None,
        description="For `supplement`: a fixed amount per hour. May be dated.",
        examples=[42.15])
    percent_of_hourly_rate: DatedNum | None = Field(
        default=None,
        description="For `supplement`: a percentage of the employee's hourly rate per hour.",
        examples=[70])
    monthly_divisor: DatedNum | None = Field(
        default=None,
        description="For `hourly_rate` and `percent_of_hourly_rate`: a monthly-paid "
                    "employee's hourly rate for this type is monthly salary / this divisor "
                    "(else `monthly_salary.hourly_divisor`). May be dated.", examples=[94])


class SalaryType(Section):
    """A salary type (pay code)."""

    name: Text | None = Field(default=None, description="Readable name; defaults to the code.",
                              examples=["Overtime 50%"])
    unit: Literal["hours", "days", "amount"] = Field(
        description="What the quantity counts.", examples=["hours"])
    pricing: Pricing = Field(default_factory=Pricing,
                             description="How the quantity is priced; default: not priced.")
    trackers: list[TrackerEffect] = Field(
        default_factory=list,
        description="Trackers that each use of this salary type raises or lowers.")
    requires_approval: Flag = Field(
        default=False,
        description="Lines of this type are paid only once approved (figures with "
                    "`approved: false` are not paid).")
    export_code: Code | None = Field(
        default=None, description="Code in the payroll export; defaults to the salary type code.",
        examples=["0310"])
