"""Links from value adjusters (accrual drivers) to trackers, with their factor levels."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from paycalc.spec.language.base import Section
from paycalc.spec.language.values import (
    Code,
    DatedNum,
    DayKind,
    Flag,
    Int,
    MonthDayText,
    Text,
    Weekday,
)
from paycalc.spec.limits import MAX_LEVELS

DriverKind = Literal[
    "increasing_transaction_anniversary",
    "decreasing_transaction_anniversary",
    "tracking_year_start",
    "punched_hours",
    "agreement_active_days",
    "punched_days",
    "employment_anniversary",
    "scheduled_days",
    "birthday",
    "monthly_from_agreement_start_year",
    "monthly_from_employment_date",
    "vacation_leave_days",
    "yearly_from_agreement_start_year",
]


class Driver(Section):
    """When a link fires and with what value."""

    kind: DriverKind = Field(
        description="The value adjuster; see the drivers page of the docs for each.",
        examples=["punched_hours"])
    salary_types: list[Code] = Field(
        default_factory=list,
        description="Anniversary drivers: only transactions of these salary types (empty = all "
                    "that move the link's tracker). `vacation_leave_days`: the absence salary "
                    "types that are vacation leave (required).", examples=[["VAC"]])
    month: Int | None = Field(default=None, ge=1, le=12, description="`monthly_from_agreement_"
                              "start_year`: first month, in the agreement's start year.",
                              examples=[4])
    day: Int | None = Field(default=None, ge=1, le=31, description="`monthly_from_agreement_"
                            "start_year`: day of the month (31 = the month's last day).",
                            examples=[25])
    month_day: MonthDayText | None = Field(default=None, description="`yearly_from_agreement_"
                                           "start_year`: the yearly month-day.",
                                           examples=["04-01"])
    counted_weekdays: list[Weekday] = Field(
        default_factory=list, description="`vacation_leave_days`: weekdays that count even "
        "without a shift.", examples=[["sat"]])
    never_counted: list[DayKind] = Field(
        default_factory=list, description="`vacation_leave_days`: days that never count.",
        examples=[["holiday", "sun"]])
    day_numbers_from: Int = Field(default=1, ge=1, description="`vacation_leave_days`: first "
                                  "counted day number of a leave that counts.")
    day_numbers_to: Int | None = Field(default=None, ge=1, description="`vacation_leave_days`: "
                                       "last counted day number that counts; empty = all.")


def _driver_shorthand(value: Any) -> Any:
    return {"kind": value} if isinstance(value, str) else value


DriverField = Annotated[Driver, BeforeValidator(_driver_shorthand,
                                                json_schema_input_type=DriverKind | Driver)]


class Level(Section):
    """One row of a factor-level table."""

    threshold: DatedNum = Field(description="Regulator value from which this level applies "
                                  "(the first level's is 0).", examples=[3])
    factor: DatedNum | None = Field(description="Factor on this level; blank (empty) = no "
                                      "transaction while this level applies.", examples=[1.25])


class Levels(Section):
    """A factor-level table: the factor depends on a regulator."""

    regulator: Literal["employment_years", "age_years", "accumulated_value"] = Field(
        description="`employment_years`: whole years since employment start; `age_years`: age "
                    "in whole years; `accumulated_value`: the sum so far of another link's "
                    "transactions.", examples=["employment_years"])
    link: Code | None = Field(default=None, description="`accumulated_value`: the link whose "
                              "accumulated value is the regulator.", examples=["worked_hours"])
    table: list[Level] = Field(min_length=1, max_length=MAX_LEVELS,
                               description="Levels by increasing threshold.")


class Link(Section):
    """A link from a value adjuster (driver) to a tracker."""

    name: Text | None = Field(default=None, description="Name shown on the link's "
                              "transactions; defaults to the link's key.",
                              examples=["Vacation accrual"])
    tracker: Code = Field(description="The tracker the link moves.", examples=["VAC"])
    driver: DriverField = Field(
        description="The value adjuster: a driver name, or a mapping with `kind` and its "
                    "settings.", examples=["punched_hours"])
    main_agreement_only: Flag = Field(
        default=False, description="Ignore the link unless this template is the employee's "
        "main agreement.")
    include_all_employee_data: Flag = Field(
        default=False, description="Count punches, shifts and leave of the whole employment, "
        "not only of this agreement's validity.")
    operator: Literal["add", "set"] = Field(
        default="add", description="`add`: the transaction adds to the balance; `set`: it sets "
        "the balance to the value.")
    carry_over_up_to: DatedNum | None = Field(
        default=None,
        description="With `set`: the new balance is value + min(old balance, this); an old "
                    "balance below zero carries over in full.", examples=[40])
    factor: DatedNum | None = Field(
        default=None, description="A constant factor (default 1); not with `levels`.",
        examples=[0.5])
    levels: Levels | None = Field(default=None, description="A factor-level table instead of "
                                  "a constant factor.")
    multiply_by_driver_value: Flag = Field(
        default=True, description="Multiply the factor by the driver's value of the day "
        "(8 for 8 punched hours); off: the factor alone.")
    thresholds_only: Flag = Field(
        default=False, description="With `levels`: a transaction only when the regulator "
        "passes a threshold, each threshold once.")
    multiply_by_employment_level: Flag = Field(
        default=False, description="Multiply by the employee's employment level (0-1).")
    multiply_by_average_nominal_hours: Flag = Field(
        default=False, description="Multiply by full-time weekly hours / working days per week.")
