"""Compiled rule objects: what the engine sees of an agreement.

Immutable, with every default made explicit, inheritance and rule sets already merged,
durations in whole seconds and numbers as Decimal. Each rule keeps the source location it
was written at (not part of equality: a rule means the same wherever it is written).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import (
    ROUND_DOWN,
    ROUND_HALF_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Decimal,
)
from functools import cached_property
from typing import Generic, Literal, TypeVar

from paycalc.rules.dates import MonthDay

T = TypeVar("T")

ALWAYS = dt.date.min
"""Effective-from date of a value written without dates: it holds on every day."""


@dataclass(frozen=True)
class Source:
    """Where a rule was written."""

    file: str
    line: int
    column: int
    path: str
    defaults: frozenset[str] = field(default=frozenset(), compare=False)
    """The keys of the section that were not written and hold their default."""

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column} ({self.path})"


@dataclass(frozen=True)
class Dated(Generic[T]):
    """A value by effective-from date: each holds from its date until the next one's."""

    entries: tuple[tuple[dt.date, T], ...]

    @classmethod
    def always(cls, value: T) -> Dated[T]:
        """A value that holds on every day."""
        return cls(((ALWAYS, value),))

    def at(self, day: dt.date) -> T:
        """The value on `day`; LookupError before the first effective date."""
        value: T | None = None
        found = False
        for start, candidate in self.entries:
            if start > day:
                break
            value, found = candidate, True
        if not found:
            raise LookupError(f"no value before {self.entries[0][0]}")
        return value  # type: ignore[return-value]

    @property
    def is_constant(self) -> bool:
        """True when one value holds on every day."""
        return len(self.entries) == 1 and self.entries[0][0] == ALWAYS

    def __str__(self) -> str:
        if self.is_constant:
            return str(self.entries[0][1])
        return ", ".join(f"{value} from {start}" for start, value in self.entries)


_ROUNDING = {
    "half_up": ROUND_HALF_UP,
    "half_even": ROUND_HALF_EVEN,
    "half_down": ROUND_HALF_DOWN,
    "up": ROUND_UP,
    "down": ROUND_DOWN,
}


@dataclass(frozen=True)
class Money:
    """The money rounding rule: every line's amount is rounded once, by this rule."""

    currency: str | None
    decimals: int
    rounding: Literal["half_up", "half_even", "half_down", "up", "down"]

    def round(self, amount: Decimal) -> Decimal:
        """`amount` rounded to the agreement's decimals by its rule."""
        return amount.quantize(Decimal(1).scaleb(-self.decimals), rounding=_ROUNDING[self.rounding])


@dataclass(frozen=True)
class TrackerEffect:
    """Each use of a salary type moves `tracker` by sign x quantity x factor."""

    tracker: str
    sign: Literal[1, -1]
    factor: Dated[Decimal]
    source: Source = field(compare=False, repr=False)


@dataclass(frozen=True)
class Pricing:
    """How a salary type's quantity becomes money; unused rates are None."""

    method: Literal["none", "hourly_rate", "fixed_rate", "supplement", "as_given",
                    "monthly_salary"]
    multiplier: Dated[Decimal] | None = None
    rate: Dated[Decimal] | None = None
    per_hour: Dated[Decimal] | None = None
    percent_of_hourly_rate: Dated[Decimal] | None = None
    monthly_divisor: Dated[Decimal] | None = None
    """A monthly-paid employee's hourly rate is monthly salary / this divisor."""


@dataclass(frozen=True)
class SalaryType:
    """A salary type (pay code)."""

    code: str
    name: str
    unit: Literal["hours", "days", "amount"]
    pricing: Pricing
    trackers: tuple[TrackerEffect, ...]
    requires_approval: bool
    export_code: str
    """The code the payroll system knows it by: as declared, else the salary type's own."""
    export_code_declared: bool
    source: Source = field(compare=False, repr=False)


@dataclass(frozen=True)
class PunchRounding:
    """Rounding of one end of a punch; step 0 keeps it as punched."""

    step_seconds: int
    direction: Literal["nearest", "up", "down"]


@dataclass(frozen=True)
class AutomaticBreak:
    """A day whose worked time exceeds `after_seconds` contains at least `deduct_seconds`
    of unpaid break."""

    after_seconds: int
    deduct_seconds: int


@dataclass(frozen=True)
class OvertimeStep:
    """The next `length_seconds` of overtime (None: all the rest) paid as `salary_type`."""

    salary_type: str
    length_seconds: Dated[int] | None
    source: Source = field(compare=False, repr=False)


@dataclass(frozen=True)
class OvertimeRule:
    """Overtime beyond a threshold per day or week; threshold None = the day's schedule.
    Paid by length in `steps`, or by when it is worked in `by_time`: each window a
    `Supplement` of the group `by_time_group`, the first of the list highest in priority,
    and the overtime no window holds paid as `by_time_rest`."""

    period: Literal["day", "week"]
    threshold_seconds: Dated[int] | None
    steps: tuple[OvertimeStep, ...]
    source: Source = field(compare=False, repr=False)
    by_time: tuple[Supplement, ...] = ()
    by_time_rest: OvertimeStep | None = None


@dataclass(frozen=True)
class Supplement:
    """Worked time inside the window [start, end) of the listed days is paid `salary_type`;
    an end at or before the start means the window runs into the next day."""

    code: str
    salary_type: str
    days: frozenset[str]
    start_seconds: int
    end_seconds: int
    group: str | None
    priority: int
    source: Source = field(compare=False, repr=False)

    @property
    def crosses_midnight(self) -> bool:
        """True when the window ends on the day after it starts."""
        return self.end_seconds <= self.start_seconds


@dataclass(frozen=True)
class ExtraDay:
    """An agreement's own holiday or eve."""

    date: dt.date
    name: str
    kind: Literal["holiday", "holiday_eve"]


@dataclass(frozen=True)
class HolidayCalendar:
    """The public holiday calendar and the agreement's extra days."""

    country: str | None
    subdivision: str | None
    categories: tuple[str, ...]
    eves: Literal["day_before", "none"]
    extra_days: tuple[ExtraDay, ...]


@dataclass(frozen=True)
class Activity:
    """A punch or schedule activity."""

    code: str
    name: str
    paid: bool
    salary_type: str | None
    source: Source = field(compare=False, repr=False)


@dataclass(frozen=True)
class SetPaidTime:
    """A set-paid-time rule over a day's planned activities (empty = all, every day)."""

    code: str
    rule: Literal["zero_hours", "eight_hours", "custom_even", "custom_proportional"]
    time_seconds: int | None
    activities: frozenset[str]
    days: frozenset[str]
    source: Source = field(compare=False, repr=False)


@dataclass(frozen=True)
class TimeRules:
    """How worked time is measured and split into salary types."""

    day_attribution: Literal["split_at_midnight", "start_day"]
    week_starts: int
    """0 = Monday ... 6 = Sunday."""
    rounding_start: PunchRounding
    rounding_end: PunchRounding
    use_punched_breaks: bool
    automatic_breaks: tuple[AutomaticBreak, ...]
    ordinary_salary_type: str | None
    daily_overtime: OvertimeRule | None
    weekly_overtime: OvertimeRule | None
    supplements: tuple[Supplement, ...]
    holidays: HolidayCalendar
    activities: tuple[Activity, ...]
    set_paid_time: tuple[SetPaidTime, ...]
    full_absence_day: Literal["schedule_or_nominal", "nominal"]
    source: Source = field(compare=False, repr=False)


@dataclass(frozen=True)
class Tracker:
    """A time tracker."""

    code: str
    name: str
    unit: Literal["hours", "days"]
    periodised: bool
    year_start: MonthDay
    deduction_order: Literal["current_year", "oldest_first", "current_then_oldest"]
    max_accrual_per_year: Dated[Decimal]
    """0 = unlimited."""
    decimals: int
    total_start_date: dt.date | None
    show_on_time_card: bool
    balance_as_of: Literal["actual", "next_occurrence"]
    balance_month_day: MonthDay | None
    min: Decimal | None
    max: Decimal | None
    type: Literal["normal", "holiday"]
    save_up_to: Decimal | None
    expire_after_years: int | None
    source: Source = field(compare=False, repr=False)


@dataclass(frozen=True)
class Driver:
    """A value adjuster; settings not used by `kind` are empty."""

    kind: str
    salary_types: frozenset[str] = frozenset()
    month: int | None = None
    day: int | None = None
    month_day: MonthDay | None = None
    counted_weekdays: frozenset[str] = frozenset()
    never_counted: frozenset[str] = frozenset()
    day_numbers_from: int = 1
    day_numbers_to: int | None = None


@dataclass(frozen=True)
class Level:
    """A level of a factor-level table; factor None = no transaction on this level."""

    threshold: Dated[Decimal]
    factor: Dated[Decimal] | None
    source: Source = field(compare=False, repr=False)


@dataclass(frozen=True)
class Levels:
    """A factor-level table and its regulator."""

    regulator: Literal["employment_years", "age_years", "accumulated_value"]
    link: str | None
    table: tuple[Level, ...]


@dataclass(frozen=True)
class Link:
    """A link from a value adjuster to a tracker. Exactly one of `factor` and `levels`."""

    code: str
    name: str
    tracker: str
    driver: Driver
    main_agreement_only: bool
    include_all_employee_data: bool
    operator: Literal["add", "set"]
    carry_over_up_to: Dated[Decimal] | None
    factor: Dated[Decimal] | None
    levels: Levels | None
    multiply_by_driver_value: bool
    thresholds_only: bool
    multiply_by_employment_level: bool
    multiply_by_average_nominal_hours: bool
    source: Source = field(compare=False, repr=False)


@dataclass(frozen=True)
class Figures:
    """Salary type paying each kind of figure; None = reported, not paid."""

    bonus: str | None
    commission: str | None
    revenue: str | None
    profit: str | None
    points: str | None
    sales: str | None


@dataclass(frozen=True)
class DeductionStep:
    """Per unit (`working_day`, `calendar_day` or `hour`) of an absence whose range holds at
    most `up_to_working_days` working days (None: any), deduct monthly salary x
    `multiplier` / `divisor`."""

    up_to_working_days: int | None
    per: Literal["working_day", "calendar_day", "hour"]
    multiplier: Dated[Decimal]
    divisor: Dated[Decimal]
    source: Source = field(compare=False, repr=False)


@dataclass(frozen=True)
class Deduction:
    """Absences of salary type `absence` deduct from the monthly salary as `salary_type`,
    by the first of `steps` that fits the absence's length."""

    absence: str
    salary_type: str
    steps: tuple[DeductionStep, ...]
    source: Source = field(compare=False, repr=False)


@dataclass(frozen=True)
class MonthlySalary:
    """How monthly-paid employees are paid: `salary_type` per month, pro rata by
    `pro_rata` days; hourly rates by `hourly_divisor`; `deductions` for unpaid absence."""

    salary_type: str
    pro_rata: Literal["calendar_days", "working_days"]
    hourly_divisor: Dated[Decimal] | None
    deductions: tuple[Deduction, ...]
    source: Source = field(compare=False, repr=False)


@dataclass(frozen=True)
class Service:
    """A service time is logged against: its rate per billed hour or per log."""

    code: str
    name: str
    rate: Dated[Decimal]
    per: Literal["hour", "log"]
    source: Source = field(compare=False, repr=False)


@dataclass(frozen=True)
class RateOverride:
    """The rate of `service` for a customer (`case` None) or for one case of it."""

    service: str
    customer: str
    case: str | None
    rate: Dated[Decimal]
    source: Source = field(compare=False, repr=False)


@dataclass(frozen=True)
class Billing:
    """How time logs are priced into invoice lines and gathered into timesheets."""

    services: tuple[Service, ...] = ()
    overrides: tuple[RateOverride, ...] = ()
    rounding_step: int = 0
    """Seconds a billable log's billed time is rounded to; 0 = not rounded."""
    rounding_direction: Literal["up", "nearest", "down"] = "up"
    split_at_midnight: bool = False
    """A log counts on each local day it spans (else on the day it starts)."""
    period: Literal["weekly", "bi_weekly", "monthly", "semi_monthly"] = "weekly"
    week_starts: int = 0
    """First weekday of a weekly period, Monday 0."""
    anchor: dt.date | None = None
    """First day of one bi-weekly period."""
    approval_levels: int = 1
    money: Money = field(default_factory=lambda: Money(None, 2, "half_up"))
    """The currency and rounding of invoice lines (the agreement's money where the file
    declares none)."""
    payroll: tuple[tuple[str | None, str], ...] = ()
    """Salary types that pay approved logs as worked time: (service, salary type), the
    service None for the logs of every other service."""
    source: Source | None = field(default=None, compare=False, repr=False)

    def service(self, code: str) -> Service | None:
        """The service `code`, or None."""
        return next((s for s in self.services if s.code == code), None)

    def period_of(self, day: dt.date) -> tuple[dt.date, dt.date]:
        """The first and last day of the timesheet period holding `day` (a calendar fact
        both evaluators share, like the holidays)."""
        if self.period == "monthly":
            last = calendar.monthrange(day.year, day.month)[1]
            return day.replace(day=1), day.replace(day=last)
        if self.period == "semi_monthly":
            if day.day <= 15:
                return day.replace(day=1), day.replace(day=15)
            return day.replace(day=16), day.replace(day=calendar.monthrange(day.year,
                                                                            day.month)[1])
        if self.period == "weekly":
            start = day - dt.timedelta(days=(day.weekday() - self.week_starts) % 7)
            return start, start + dt.timedelta(days=6)
        assert self.anchor is not None
        start = day - dt.timedelta(days=(day - self.anchor).days % 14)
        return start, start + dt.timedelta(days=13)


@dataclass(frozen=True)
class Agreement:
    """A compiled agreement template."""

    id: str
    name: str
    description: str
    time_zone: str
    money: Money
    salary_types: tuple[SalaryType, ...]
    time_rules: TimeRules
    figures: Figures
    trackers: tuple[Tracker, ...]
    links: tuple[Link, ...]
    warn_unlocked_after_days: int
    files: tuple[str, ...] = field(compare=False)
    """The agreement's file first, then every base template and rule set it merged."""
    monthly_salary: MonthlySalary | None = None
    approval_levels: int = 1
    """Approval levels a line of a type that requires approval needs (1 or 2)."""
    billing: Billing = field(default_factory=Billing)

    @cached_property
    def _by_code(self) -> dict[str, dict[str, object]]:
        return {
            "salary_type": {s.code: s for s in self.salary_types},
            "tracker": {t.code: t for t in self.trackers},
            "link": {k.code: k for k in self.links},
        }

    def salary_type(self, code: str) -> SalaryType:
        """The salary type `code`; KeyError if the agreement has none."""
        return self._by_code["salary_type"][code]  # type: ignore[return-value]

    def tracker(self, code: str) -> Tracker:
        """The tracker `code`; KeyError if the agreement has none."""
        return self._by_code["tracker"][code]  # type: ignore[return-value]

    def link(self, code: str) -> Link:
        """The link `code`; KeyError if the agreement has none."""
        return self._by_code["link"][code]  # type: ignore[return-value]


@dataclass(frozen=True)
class TrackerConflict:
    """Tracker `code` defined one way by agreement `first` and another by `second`."""

    code: str
    first: Agreement
    second: Agreement

    def sources(self) -> tuple[Source, Source]:
        """Where each agreement defines the tracker."""
        return self.first.tracker(self.code).source, self.second.tracker(self.code).source


@dataclass(frozen=True)
class TrackerDefinitions:
    """The trackers of a set of agreements: by code, those all of them define alike, and
    one conflict for each code two of them define differently."""

    trackers: dict[str, Tracker]
    conflicts: tuple[TrackerConflict, ...]


def tracker_definitions(agreements: list[Agreement]) -> TrackerDefinitions:
    """The trackers of `agreements`.

    A tracker code is one balance per employee whatever agreement moves it (an employee
    moving from full time to part time keeps their vacation days), so an employee's
    tracker follows the one definition all of that employee's agreements use. Agreements
    of different employees may define one code differently: the evaluators look at the
    agreements of each employee's assignments (`employee_agreements`) together.
    """
    found: dict[str, tuple[Agreement, Tracker]] = {}
    conflicts: dict[str, TrackerConflict] = {}
    for agreement in agreements:
        for tracker in agreement.trackers:
            first, known = found.setdefault(tracker.code, (agreement, tracker))
            if known != tracker and tracker.code not in conflicts:
                conflicts[tracker.code] = TrackerConflict(tracker.code, first, agreement)
    return TrackerDefinitions(
        {code: tracker for code, (_, tracker) in found.items() if code not in conflicts},
        tuple(conflicts[code] for code in sorted(conflicts)))


def employee_agreements(agreements: list[Agreement], assigned: Iterable[str]
                        ) -> list[Agreement]:
    """The agreements (of `agreements`, in their order) an employee is `assigned` to."""
    ids = set(assigned)
    return [a for a in agreements if a.id in ids]
