"""The top of an agreement file and of a reusable rule-set file."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from paycalc.spec.language.base import Section
from paycalc.spec.language.billing import Billing
from paycalc.spec.language.links import Link
from paycalc.spec.language.monthly import MonthlySalary
from paycalc.spec.language.salary import SalaryType
from paycalc.spec.language.time_rules import TimeRules
from paycalc.spec.language.trackers import Locking, Tracker
from paycalc.spec.language.values import Code, Int, Text


class Money(Section):
    """How amounts are rounded."""

    currency: Text | None = Field(default=None, pattern=r"^[A-Z]{3}$",
                                  description="ISO 4217 currency code shown in reports.",
                                  examples=["SEK"])
    decimals: Int = Field(default=2, ge=0, le=4, description="Decimals of every amount.")
    rounding: Literal["half_up", "half_even", "half_down", "up", "down"] = Field(
        default="half_up",
        description="How each line's amount is rounded to `decimals`, once per line: `half_up` "
                    "(0.005 -> 0.01), `half_even` (banker's), `half_down`, `up` (away from "
                    "zero), `down` (towards zero).")


class Figures(Section):
    """Which salary type pays each kind of figure from the `figures` table."""

    bonus: Code | None = Field(default=None, description="Salary type of bonuses.",
                               examples=["BONUS"])
    commission: Code | None = Field(default=None, description="Salary type of commission.",
                                    examples=["COMMISSION"])
    revenue: Code | None = Field(default=None, description="Salary type of revenue, if paid.")
    profit: Code | None = Field(default=None, description="Salary type of profit, if paid.")
    points: Code | None = Field(default=None, description="Salary type of points, if paid.")
    sales: Code | None = Field(default=None, description="Salary type of sales, if paid.")


class Approvals(Section):
    """How lines of salary types that require approval are approved (`approvals` table)."""

    levels: Int = Field(default=1, ge=1, le=2,
                        description="Approval levels a line needs: 1, or 2 (a line is "
                                    "approved only when both levels approved it).",
                        examples=[2])


class RulesBody(Section):
    """What an agreement and a rule set may both declare."""

    use: list[Code] = Field(default_factory=list,
                            description="Rule sets (files under `rules/`) merged in, in order; "
                                        "this file's own entries win.",
                            examples=[["se_holidays", "ob_supplements"]])
    time_zone: Text | None = Field(default=None, description="IANA time zone of local times "
                                   "(punches without an offset, day boundaries); required once "
                                   "the template and its bases are merged.",
                                   examples=["Europe/Stockholm"])
    money: Money = Field(default_factory=Money, description="Money rounding.")
    salary_types: dict[Code, SalaryType] = Field(default_factory=dict,
                                                 description="Salary types by code.")
    time_rules: TimeRules = Field(default_factory=TimeRules, description="Time rules.")
    figures: Figures = Field(default_factory=Figures,
                             description="Salary types of bonus, commission and other figures.")
    approvals: Approvals = Field(default_factory=Approvals,
                                 description="Approval of lines that require it.")
    monthly_salary: MonthlySalary | None = Field(
        default=None, description="How monthly-paid employees are paid; none = the agreement "
                                  "pays no monthly salary.")
    trackers: dict[Code, Tracker] = Field(default_factory=dict,
                                          description="Time trackers by code.")
    links: dict[Code, Link] = Field(default_factory=dict,
                                    description="Links from value adjusters to trackers, by key.")
    locking: Locking = Field(default_factory=Locking, description="Locking settings.")
    billing: Billing = Field(default_factory=Billing,
                             description="Billable time: services, rates, timesheets, invoices.")


class AgreementDocument(RulesBody):
    """An agreement template file."""

    agreement: Code = Field(description="The template's id; must match the file name without "
                            "`.yaml`.", examples=["retail"])
    name: Text | None = Field(default=None, description="Readable name; defaults to the id.",
                              examples=["Retail collective agreement"])
    description: Text = Field(default="", description="Free text for people.")
    extends: Code | None = Field(
        default=None,
        description="Id of a base template: sections merge key by key, coded entries (salary "
                    "types, trackers, links, ...) are replaced whole, values and lists are "
                    "replaced.", examples=["retail_base"])


class RuleSetDocument(RulesBody):
    """A reusable rule set under `rules/`."""

    rule_set: Code = Field(description="The rule set's id; must match the file name without "
                           "`.yaml`.", examples=["se_holidays"])
    description: Text = Field(default="", description="Free text for people.")
