"""Billable time: services and their rates, customer and case overrides, how a billable
log's duration is rounded for the invoice, which day a log counts on, timesheet periods
and approval levels, and the money of invoices."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from paycalc.spec.language.base import Section
from paycalc.spec.language.values import Code, DatedNum, Day, Duration, Int, Text, Weekday


class Service(Section):
    """A service time is logged against, and its rate."""

    name: Text | None = Field(default=None, description="Readable name on invoices; "
                              "defaults to the code.", examples=["Specialist consulting"])
    rate: DatedNum = Field(description="Rate of the service in the invoice currency: per "
                           "billed hour, or per log (see `per`). May be dated.",
                           examples=[60])
    per: Literal["hour", "log"] = Field(
        default="hour", description="`hour`: the rate is per billed hour; `log`: a fixed "
                                    "amount per billable log, whatever its length.")


class Case(Section):
    """Rates of one case of a customer."""

    rates: dict[Code, DatedNum] = Field(
        default_factory=dict, description="Rate by service code for this case; wins over the "
                                          "customer's and the service's rate. May be dated.",
        examples=[{"MEETING": 80}])


class Customer(Section):
    """Rates of one customer and of its cases."""

    rates: dict[Code, DatedNum] = Field(
        default_factory=dict, description="Rate by service code for this customer; wins over "
                                          "the service's rate. May be dated.",
        examples=[{"MEETING": 70}])
    cases: dict[Code, Case] = Field(default_factory=dict,
                                    description="Rates of the customer's cases, by case id.")


class BillingRounding(Section):
    """How each billable log's duration is rounded for the invoice (the log keeps its time)."""

    to: Duration = Field(description="The step billed time is rounded to, \"H:MM\".",
                         examples=["0:15"])
    direction: Literal["up", "nearest", "down"] = Field(
        default="up", description="`up` to the next step, `nearest` (a half step up), "
                                  "`down`.")


class Timesheets(Section):
    """Timesheet periods and the approval a log needs."""

    period: Literal["weekly", "bi_weekly", "monthly", "semi_monthly"] = Field(
        default="weekly",
        description="Timesheet period: `weekly` (from `week_starts`), `bi_weekly` (14 days "
                    "from `anchor`, before and after it), `monthly`, `semi_monthly` (1st-15th "
                    "and 16th-end of month).")
    week_starts: Weekday = Field(default="mon", description="First day of a weekly period.")
    anchor: Day | None = Field(default=None,
                               description="First day of one bi-weekly period; required for "
                                           "`bi_weekly`, which it also defines before it.",
                               examples=["2025-01-06"])
    approval_levels: Int = Field(
        default=1, ge=0, le=2,
        description="Approval levels a submitted log needs before it is approved: 0 (submitted "
                    "time counts as approved), 1, or 2 (`approved_levels` of the log must reach "
                    "it).")


class InvoiceMoney(Section):
    """The currency and rounding of invoice lines."""

    currency: Text | None = Field(default=None, pattern=r"^[A-Z]{3}$",
                                  description="ISO 4217 code of invoice amounts; defaults to "
                                              "the agreement's money currency.",
                                  examples=["USD"])
    decimals: Int | None = Field(default=None, ge=0, le=4,
                                 description="Decimals of an invoice line's amount; defaults "
                                             "to the agreement's money decimals.")
    rounding: Literal["half_up", "half_even", "half_down", "up", "down"] | None = Field(
        default=None, description="How each invoice line's amount is rounded, once per line; "
                                  "defaults to the agreement's money rounding.")


class Payroll(Section):
    """Approved time logs paid as worked time, by salary type."""

    salary_type: Code | None = Field(
        default=None, description="Hours salary type that pays approved logs; none = only "
                                  "the services of `by_service` are paid.",
        examples=["CONSULTING"])
    by_service: dict[Code, Code] = Field(
        default_factory=dict, description="Another hours salary type for the logs of a "
                                          "service, by service code.",
        examples=[{"ONCALL": "ONCALL_PAY"}])


class Billing(Section):
    """Billable time: time logs and timers priced into invoice lines, and timesheets."""

    services: dict[Code, Service] = Field(default_factory=dict,
                                          description="Services by code, with their rates.")
    customers: dict[Code, Customer] = Field(default_factory=dict,
                                            description="Rate overrides by customer id.")
    rounding: BillingRounding | None = Field(
        default=None, description="Rounding of each billable log's billed time; none = billed "
                                  "to the second as logged.")
    day: Literal["start", "split_at_midnight"] = Field(
        default="start", description="Which day a log counts on: the local day it `start`s, "
                                     "or each day it spans (`split_at_midnight`).")
    timesheets: Timesheets = Field(default_factory=Timesheets,
                                   description="Timesheet periods and approval.")
    money: InvoiceMoney = Field(default_factory=InvoiceMoney,
                                description="Currency and rounding of invoices.")
    payroll: Payroll | None = Field(
        default=None, description="Pay approved logs as worked time: one line per log and day "
                                  "it counts on, of the salary type its service maps to; none "
                                  "= time logs are not paid through payroll.")
