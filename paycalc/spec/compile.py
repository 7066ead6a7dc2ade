"""Stage 4, compile: a resolved agreement into immutable rule objects.

Checks what spans the agreement (references to salary types, trackers, links and
activities; level tables; dated values in order; time zone and holiday calendar known;
settings that only make sense together) and collects every problem before raising. The
result has every default explicit; the engine sees only these objects.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import holidays

from paycalc.errors import AgreementError, Problem
from paycalc.rules import compiled as c
from paycalc.rules.dates import WEEKDAYS
from paycalc.spec.language import billing as lb
from paycalc.spec.language import links as ll
from paycalc.spec.language import salary as ls
from paycalc.spec.language import time_rules as lt
from paycalc.spec.language import trackers as lk
from paycalc.spec.language.base import Section
from paycalc.spec.language.document import AgreementDocument
from paycalc.spec.problems import did_you_mean, format_path
from paycalc.spec.resolve import Catalog, Resolved, resolve_agreement

U = TypeVar("U")

_DRIVER_SETTINGS = {
    "increasing_transaction_anniversary": {"salary_types"},
    "decreasing_transaction_anniversary": {"salary_types"},
    "monthly_from_agreement_start_year": {"month", "day"},
    "yearly_from_agreement_start_year": {"month_day"},
    "vacation_leave_days": {"salary_types", "counted_weekdays", "never_counted",
                            "day_numbers_from", "day_numbers_to"},
}
_DRIVER_REQUIRED = {
    "monthly_from_agreement_start_year": ("month", "day"),
    "yearly_from_agreement_start_year": ("month_day",),
    "vacation_leave_days": ("salary_types",),
}
_PRICING_SETTINGS = {
    "none": set(),
    "hourly_rate": {"multiplier"},
    "fixed_rate": {"rate"},
    "supplement": {"per_hour", "percent_of_hourly_rate"},
    "as_given": set(),
    "monthly_salary": set(),
}


def compile_agreement(path: Path, catalog: Catalog | None = None) -> c.Agreement:
    """Load, validate, resolve and compile the agreement at `path`.

    Raises AgreementError listing every problem found in it and the files it uses.
    """
    path = Path(path)
    catalog = catalog or Catalog.around([path])
    return compile_resolved(resolve_agreement(path, catalog))


def compile_resolved(resolved: Resolved) -> c.Agreement:
    """Compile an agreement whose base templates and rule sets are already merged in."""
    return _Compiler(resolved.document).agreement(resolved.files)


def compile_document(document: AgreementDocument) -> c.Agreement:
    """Compile a validated stand-alone agreement (no `extends:` or `use:` to resolve)."""
    return _Compiler(document).agreement(())


@functools.cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


@functools.cache
def _holiday_categories(country: str) -> tuple[str, ...]:
    return tuple(holidays.country_holidays(country).supported_categories)


class _Compiler:
    """Builds rule objects from one merged agreement, collecting problems as it goes."""

    def __init__(self, doc: AgreementDocument) -> None:
        self.doc = doc
        self.problems: list[Problem] = []

    # -- reporting -------------------------------------------------------------------------

    def fail(self, section: Section, fields: tuple[Any, ...], message: str,
             allowed: str = "", *, key: bool = False) -> None:
        problem = section.problem(fields, message, allowed, key=key) or self.doc.problem(
            (), message, allowed)
        self.problems.append(problem or Problem("<agreement>", 1, 1, format_path(fields),
                                                message, allowed))

    def source(self, section: Section) -> c.Source:
        origin = section._origin
        path = format_path(section._path)
        if origin is None:
            return c.Source("<agreement>", 0, 0, path)
        line, column = origin.mark(section._path, key=True)
        defaults = frozenset(info.alias or name for name, info in type(section).model_fields.items()
                             if name not in section.model_fields_set)
        return c.Source(origin.source_name or origin.file, line, column, path, defaults)

    def reference(self, section: Section, fields: tuple[Any, ...], code: str | None,
                  known: Iterable[str], what: str, *, key: bool = False) -> None:
        """Report `code` at `fields` (the key there, with `key`) unless it is one of
        `known`."""
        names = list(known)
        if code is not None and code not in names:
            self.fail(section, fields, f"unknown {what} '{code}'" + did_you_mean(code, names),
                      ", ".join(names) or f"no {what} is declared", key=key)

    def dated(self, section: Section, name: str | tuple[Any, ...], value: Any,
              convert: Callable[[Any], U] = lambda v: v) -> c.Dated[U]:
        """A language value (single or dated mapping) as a Dated, dates checked in order;
        `name` is the key of the value in `section`, or its path below it."""
        where = name if isinstance(name, tuple) else (name,)
        if not isinstance(value, dict):
            return c.Dated.always(convert(value))
        entries: list[tuple[dt.date, U]] = []
        for start, item in value.items():
            if entries and start <= entries[-1][0]:
                self.fail(section, (*where, start),
                          f"dated values overlap: {start} is not after {entries[-1][0]}; each "
                          "value holds until the next date", "effective dates in increasing "
                          "order, each once", key=True)
                continue
            entries.append((start, convert(item)))
        return c.Dated(tuple(entries))

    def optional_dated(self, section: Section, name: str,
                       convert: Callable[[Any], U] = lambda v: v) -> c.Dated[U] | None:
        value = getattr(section, name)
        return None if value is None else self.dated(section, name, value, convert)

    # -- the agreement ---------------------------------------------------------------------

    def agreement(self, files: tuple[str, ...]) -> c.Agreement:
        doc = self.doc
        self.salary_codes = list(doc.salary_types)
        self.tracker_codes = list(doc.trackers)
        self.link_codes = list(doc.links)
        result = c.Agreement(
            id=doc.agreement,
            name=doc.name or doc.agreement,
            description=doc.description,
            time_zone=self.time_zone(),
            money=c.Money(doc.money.currency, doc.money.decimals, doc.money.rounding),
            salary_types=tuple(self.salary_type(code, s) for code, s in doc.salary_types.items()),
            time_rules=self.time_rules(doc.time_rules),
            figures=self.figures(),
            trackers=tuple(self.tracker(code, t) for code, t in doc.trackers.items()),
            links=tuple(self.link(code, k) for code, k in doc.links.items()),
            warn_unlocked_after_days=doc.locking.warn_unlocked_after_days,
            files=files,
            monthly_salary=self.monthly_salary(),
            approval_levels=doc.approvals.levels,
            billing=self.billing(doc.billing),
        )
        self.check_regulator_cycles()
        if self.problems:
            raise AgreementError(self.problems)
        return result

    def time_zone(self) -> str:
        zone = self.doc.time_zone
        if zone is None:
            self.fail(self.doc, ("agreement",), "no time_zone is set in the agreement, its base "
                      "templates or its rule sets", "an IANA name such as Europe/Stockholm",
                      key=True)
            return "UTC"
        if zone not in _time_zones():
            self.fail(self.doc, ("time_zone",), f"unknown time zone '{zone}'"
                      + did_you_mean(zone, _time_zones()), "an IANA name such as Europe/Berlin")
        return zone

    def figures(self) -> c.Figures:
        figures = self.doc.figures
        for kind in type(figures).model_fields:
            self.reference(figures, (kind,), getattr(figures, kind), self.salary_codes,
                           "salary type")
        return c.Figures(**{kind: getattr(figures, kind) for kind in type(figures).model_fields})

    # -- salary types ----------------------------------------------------------------------

    def salary_type(self, code: str, st: ls.SalaryType) -> c.SalaryType:
        effects = []
        for effect in st.trackers:
            self.reference(effect, ("tracker",), effect.tracker, self.tracker_codes, "tracker")
            effects.append(c.TrackerEffect(
                effect.tracker, 1 if effect.direction == "increase" else -1,
                self.dated(effect, "factor", effect.factor), self.source(effect)))
        return c.SalaryType(
            code=code, name=st.name or code, unit=st.unit, pricing=self.pricing(st.pricing),
            trackers=tuple(effects), requires_approval=st.requires_approval,
            export_code=st.export_code or code,
            export_code_declared=st.export_code is not None, source=self.source(st))

    def pricing(self, p: ls.Pricing) -> c.Pricing:
        allowed = _PRICING_SETTINGS[p.method]
        for name in _PRICING_SETTINGS["supplement"] | {"multiplier", "rate"}:
            if getattr(p, name) is not None and name not in allowed:
                self.fail(p, (name,), f"'{name}' does not apply to method '{p.method}'",
                          ", ".join(sorted(allowed)) or "no rate for this method", key=True)
        if p.method == "fixed_rate" and p.rate is None:
            self.fail(p, ("method",), "method 'fixed_rate' needs a 'rate'", "rate: 150")
        if p.method == "supplement" and (p.per_hour is None) == (p.percent_of_hourly_rate is None):
            self.fail(p, ("method",), "method 'supplement' needs exactly one of 'per_hour' "
                      "and 'percent_of_hourly_rate'", "per_hour: 42 or percent_of_hourly_rate: 50")
        if p.monthly_divisor is not None and not (
                p.method == "hourly_rate" or p.percent_of_hourly_rate is not None):
            self.fail(p, ("monthly_divisor",), "'monthly_divisor' derives an hourly rate: it "
                      f"does not apply to method '{p.method}'" + (
                          " with 'per_hour'" if p.method == "supplement" else ""),
                      "method hourly_rate, or supplement with percent_of_hourly_rate", key=True)
        multiplier: c.Dated[Decimal] | None = self.optional_dated(p, "multiplier")
        if p.method == "hourly_rate" and multiplier is None:
            multiplier = c.Dated.always(Decimal(1))
        return c.Pricing(p.method, multiplier, self.optional_dated(p, "rate"),
                         self.optional_dated(p, "per_hour"),
                         self.optional_dated(p, "percent_of_hourly_rate"),
                         self.positive_dated(p, "monthly_divisor"))

    def positive_dated(self, section: Section, name: str) -> c.Dated[Decimal] | None:
        """An optional dated number that must be above zero (a divisor)."""
        value: c.Dated[Decimal] | None = self.optional_dated(section, name)
        for start, number in value.entries if value else ():
            if number <= 0:
                self.fail(section, (name,) if start == c.ALWAYS else (name, start),
                          f"'{name}' must be above zero, not {number}", "a number above 0")
        return value

    # -- monthly salary --------------------------------------------------------------------

    def monthly_salary(self) -> c.MonthlySalary | None:
        m = self.doc.monthly_salary
        monthly_types = [code for code, st in self.doc.salary_types.items()
                         if st.pricing.method == "monthly_salary"]
        named = [] if m is None else [m.salary_type, *(d.salary_type for d in m.deductions)]
        for code in monthly_types:
            if code not in named:
                st = self.doc.salary_types[code]
                self.fail(st.pricing, ("method",), f"salary type '{code}' is priced by "
                          "'monthly_salary' but the agreement's monthly_salary section does "
                          "not name it", "monthly_salary: {salary_type: " + code + "}, or a "
                          "deduction's salary_type")
        if m is None:
            return None
        self.monthly_type(m, ("salary_type",), m.salary_type)
        deductions = []
        for i, d in enumerate(m.deductions):
            self.reference(m, ("deductions", i, "absence"), d.absence, self.salary_codes,
                           "salary type")
            self.monthly_type(m, ("deductions", i, "salary_type"), d.salary_type)
            steps = []
            for j, step in enumerate(d.steps):
                if step.up_to_working_days is None and j < len(d.steps) - 1:
                    self.fail(d, ("steps", j, "up_to_working_days"), "only the last step may "
                              "fit any length: the steps after it would never apply",
                              "up_to_working_days: N on every step but the last", key=True)
                divisor = self.positive_dated(step, "divisor")
                assert divisor is not None
                steps.append(c.DeductionStep(
                    step.up_to_working_days, step.per, self.dated(step, "multiplier",
                                                                  step.multiplier),
                    divisor, self.source(step)))
            if d.steps[-1].up_to_working_days is not None:
                self.fail(d, ("steps", len(d.steps) - 1, "up_to_working_days"),
                          "the last step must fit an absence of any length, or longer "
                          "absences would deduct nothing", "a last step without "
                          "up_to_working_days", key=True)
            deductions.append(c.Deduction(d.absence, d.salary_type, tuple(steps),
                                          self.source(d)))
        return c.MonthlySalary(m.salary_type, m.pro_rata,
                               self.positive_dated(m, "hourly_divisor"), tuple(deductions),
                               self.source(m))

    def monthly_type(self, section: Section, fields: tuple[Any, ...], code: str) -> None:
        """Report `code` unless it is a salary type priced by method `monthly_salary`."""
        self.reference(section, fields, code, self.salary_codes, "salary type")
        st = self.doc.salary_types.get(code)
        if st is not None and st.pricing.method != "monthly_salary":
            self.fail(section, fields, f"salary type '{code}' is priced by "
                      f"'{st.pricing.method}', so it cannot carry the monthly salary",
                      "a salary type with pricing: {method: monthly_salary}")

    # -- billing ---------------------------------------------------------------------------

    def billing(self, b: lb.Billing) -> c.Billing:
        services = tuple(c.Service(code, s.name or code, self.rate(s, ("rate",), s.rate),
                                   s.per, self.source(s)) for code, s in b.services.items())
        scopes: list[tuple[Section, str, str | None, dict[str, Any]]] = []
        for customer, cu in b.customers.items():
            scopes.append((cu, customer, None, cu.rates))
            scopes += [(ca, customer, case, ca.rates) for case, ca in cu.cases.items()]
        overrides = []
        for section, customer, case, rates in scopes:
            for service, rate in rates.items():
                self.reference(section, ("rates", service), service, b.services, "service",
                               key=True)
                overrides.append(c.RateOverride(service, customer, case,
                                                self.rate(section, ("rates", service), rate),
                                                self.source(section)))
        t = b.timesheets
        if t.period == "bi_weekly" and t.anchor is None:
            self.fail(t, ("period",), "a bi_weekly period needs an 'anchor': the first day of "
                      "one period", "anchor: 2025-01-06")
        if t.anchor is not None and t.period != "bi_weekly":
            self.fail(t, ("anchor",), f"'anchor' does not apply to period '{t.period}'",
                      "period: bi_weekly", key=True)
        payroll: list[tuple[str | None, str]] = []
        if b.payroll is not None:
            p = b.payroll
            if p.salary_type is not None:
                payroll.append((None, p.salary_type))
            payroll += list(p.by_service.items())
            for logged, code in payroll:
                where: tuple[Any, ...] = (("salary_type",) if logged is None
                                          else ("by_service", logged))
                self.reference(p, where, code, self.salary_codes, "salary type")
                if logged is not None:
                    self.reference(p, where, logged, b.services, "service", key=True)
                st = self.doc.salary_types.get(code)
                if st is not None and st.unit != "hours":
                    self.fail(p, where, f"salary type '{code}' is counted in {st.unit}, so "
                              "it cannot pay logged time", "a salary type with unit: hours")
            if not payroll:
                self.fail(b, ("payroll",), "a payroll section needs a salary_type or "
                          "by_service entries", "payroll: {salary_type: CONSULTING}", key=True)
        rounding = b.rounding
        if rounding is not None and rounding.to == 0:
            self.fail(rounding, ("to",), "a rounding step of 0:00 rounds nothing",
                      "a step such as \"0:15\", or no rounding section")
        m, own = b.money, self.doc.money
        return c.Billing(
            services=services, overrides=tuple(overrides),
            rounding_step=rounding.to if rounding else 0,
            rounding_direction=rounding.direction if rounding else "up",
            split_at_midnight=b.day == "split_at_midnight", period=t.period,
            week_starts=WEEKDAYS.index(t.week_starts), anchor=t.anchor,
            approval_levels=t.approval_levels,
            money=c.Money(m.currency or own.currency,
                          own.decimals if m.decimals is None else m.decimals,
                          m.rounding or own.rounding),
            payroll=tuple(payroll), source=self.source(b))

    def rate(self, section: Section, fields: tuple[Any, ...], value: Any) -> c.Dated[Decimal]:
        """A (dated) billing rate, each value 0 or more."""
        rate: c.Dated[Decimal] = self.dated(section, fields, value)
        for start, number in rate.entries:
            if number < 0:
                self.fail(section, fields if start == c.ALWAYS else (*fields, start),
                          f"a rate of {number} is below zero", "a rate of 0 or more")
        return rate

    # -- time rules ------------------------------------------------------------------------

    def time_rules(self, tr: lt.TimeRules) -> c.TimeRules:
        self.reference(tr, ("ordinary_salary_type",), tr.ordinary_salary_type,
                       self.salary_codes, "salary type")
        activity_codes = list(tr.activities)
        activities = []
        for code, act in tr.activities.items():
            self.reference(act, ("salary_type",), act.salary_type, self.salary_codes,
                           "salary type")
            activities.append(c.Activity(code, act.name or code, act.paid, act.salary_type,
                                         self.source(act)))
        breaks = sorted(tr.breaks.automatic, key=lambda b: b.after)
        return c.TimeRules(
            day_attribution=tr.day_attribution,
            week_starts=WEEKDAYS.index(tr.week_starts),
            rounding_start=c.PunchRounding(tr.rounding.start.step, tr.rounding.start.direction),
            rounding_end=c.PunchRounding(tr.rounding.end.step, tr.rounding.end.direction),
            use_punched_breaks=tr.breaks.use_punched_breaks,
            automatic_breaks=tuple(c.AutomaticBreak(b.after, b.deduct) for b in breaks),
            ordinary_salary_type=tr.ordinary_salary_type,
            daily_overtime=self.overtime(tr.overtime.daily, "day"),
            weekly_overtime=self.overtime(tr.overtime.weekly, "week"),
            supplements=self.supplements(tr.supplements),
            holidays=self.holidays(tr.holidays),
            activities=tuple(activities),
            set_paid_time=tuple(self.set_paid_time(code, rule, activity_codes)
                                for code, rule in tr.set_paid_time.items()),
            full_absence_day=tr.full_absence_day,
            source=self.source(tr),
        )

    def overtime(self, rule: lt.DailyOvertime | lt.WeeklyOvertime | None,
                 period: str) -> c.OvertimeRule | None:
        if rule is None:
            return None
        threshold: c.Dated[int] | None = None if rule.threshold == "schedule" else self.dated(
            rule, "threshold", rule.threshold)
        if (rule.steps is None) == (rule.by_time is None):
            self.fail(rule, (), "overtime is paid either by length (steps) or by when it is "
                      "worked (by_time)", "exactly one of steps: or by_time:")
            return None
        if rule.by_time is not None:
            windows, rest = self.overtime_windows(rule.by_time, period)
            return c.OvertimeRule(period, threshold, (), self.source(rule),  # type: ignore[arg-type]
                                  windows, rest)
        steps = []
        assert rule.steps is not None
        for i, step in enumerate(rule.steps):
            self.reference(step, ("salary_type",), step.salary_type, self.salary_codes,
                           "salary type")
            last = i == len(rule.steps) - 1
            if step.length is None and not last:
                self.fail(step, (), "only the last overtime step may leave out 'length'",
                          "length: \"2:00\" on every step but the last")
            if step.length is not None and last:
                self.fail(step, ("length",), "the last overtime step must take all the rest: "
                          "leave out 'length' so no minute of overtime goes unpaid",
                          "no length on the last step", key=True)
            steps.append(c.OvertimeStep(step.salary_type,
                                        self.optional_dated(step, "length"), self.source(step)))
        return c.OvertimeRule(period, threshold, tuple(steps), self.source(rule))  # type: ignore[arg-type]

    def overtime_windows(self, entries: list[lt.OvertimeWindow], period: str
                         ) -> tuple[tuple[c.Supplement, ...], c.OvertimeStep]:
        """The windows of `by_time` as supplements of one group, the first highest in
        priority, and the last entry as the rest."""
        windows = []
        for i, entry in enumerate(entries):
            self.reference(entry, ("salary_type",), entry.salary_type, self.salary_codes,
                           "salary type")
            last = i == len(entries) - 1
            if entry.days is None and not last:
                self.fail(entry, (), "only the last by_time entry may leave out 'days'",
                          "days: [...] on every entry but the last")
            if last and (entry.days is not None or entry.from_ != 0 or entry.to != 86400):
                self.fail(entry, ("days",) if entry.days is not None else (),
                          "the last by_time entry takes all other overtime: leave out "
                          "'days', 'from' and 'to' so no minute of overtime goes unpaid",
                          "{salary_type: CODE} last", key=entry.days is not None)
            if not last and (entry.from_ == entry.to or (entry.from_, entry.to) == (86400, 0)):
                self.fail(entry, ("to",), "the window is empty (from equals to)",
                          "to later than from, or earlier to cross midnight")
            if not last:
                windows.append(c.Supplement(
                    f"{period}.by_time[{i}]", entry.salary_type, frozenset(entry.days or ()),
                    entry.from_, entry.to % 86400 if entry.to < entry.from_ else entry.to,
                    f"overtime.{period}", len(entries) - i, self.source(entry)))
        rest = c.OvertimeStep(entries[-1].salary_type, None, self.source(entries[-1]))
        return tuple(windows), rest

    def supplements(self, windows: dict[str, lt.Supplement]) -> tuple[c.Supplement, ...]:
        result = []
        ranks: dict[tuple[str, int], str] = {}
        for code, s in windows.items():
            self.reference(s, ("salary_type",), s.salary_type, self.salary_codes, "salary type")
            if s.from_ == s.to or (s.from_, s.to) == (86400, 0):
                self.fail(s, ("to",), f"the window of supplement '{code}' is empty (from equals "
                          "to)", "to later than from, or earlier to cross midnight")
            if s.group is not None:
                rank = (s.group, s.priority)
                if rank in ranks:
                    self.fail(s, ("priority",), f"supplements '{ranks[rank]}' and '{code}' in "
                              f"group '{s.group}' have the same priority {s.priority}",
                              "a different priority for each supplement of a group")
                ranks[rank] = code
            result.append(c.Supplement(code, s.salary_type, frozenset(s.days), s.from_,
                                       s.to % 86400 if s.to < s.from_ else s.to, s.group,
                                       s.priority, self.source(s)))
        return tuple(result)

    def holidays(self, h: lt.Holidays) -> c.HolidayCalendar:
        countries = holidays.list_supported_countries()
        if h.country is not None:
            if h.country not in countries:
                self.fail(h, ("country",), f"no public holiday calendar for country "
                          f"'{h.country}'" + did_you_mean(
                              h.country, [k for k in countries if len(k) == len(h.country)]),
                          "an ISO 3166 code such as SE, DE, US")
            else:
                subdivisions = countries[h.country]
                if h.subdivision is not None and h.subdivision not in subdivisions:
                    self.fail(h, ("subdivision",), f"'{h.subdivision}' is not a subdivision of "
                              f"{h.country}" + did_you_mean(h.subdivision, subdivisions),
                              ", ".join(subdivisions) or "none: leave subdivision out")
                categories = _holiday_categories(h.country)
                for i, category in enumerate(h.categories):
                    if category not in categories:
                        self.fail(h, ("categories", i), f"unknown holiday category "
                                  f"'{category}' for {h.country}"
                                  + did_you_mean(category, categories), ", ".join(categories))
        elif h.subdivision is not None:
            self.fail(h, ("subdivision",), "a subdivision needs a country", "country: DE")
        return c.HolidayCalendar(
            h.country, h.subdivision, tuple(h.categories), h.eves,
            tuple(c.ExtraDay(d.date, d.name, d.kind) for d in h.extra_days))

    def set_paid_time(self, code: str, rule: lt.SetPaidTime,
                      activity_codes: list[str]) -> c.SetPaidTime:
        custom = rule.rule.startswith("custom")
        if custom and rule.time is None:
            self.fail(rule, ("rule",), f"rule '{rule.rule}' needs a 'time'", "time: \"6:00\"")
        if not custom and rule.time is not None:
            self.fail(rule, ("time",), f"rule '{rule.rule}' takes no 'time'",
                      "time only with custom_even or custom_proportional", key=True)
        for i, activity in enumerate(rule.activities):
            self.reference(rule, ("activities", i), activity, activity_codes, "activity")
        return c.SetPaidTime(code, rule.rule, rule.time, frozenset(rule.activities),
                             frozenset(rule.days), self.source(rule))

    # -- trackers and links ----------------------------------------------------------------

    def tracker(self, code: str, t: lk.Tracker) -> c.Tracker:
        if not t.periodised:
            for name in ("deduction_order", "save_up_to", "expire_after_years"):
                if name in t.model_fields_set:
                    self.fail(t, (name,), f"'{name}' applies only to a periodised tracker",
                              "periodised: true, or leave it out", key=True)
        if t.min is not None and t.max is not None and t.min > t.max:
            self.fail(t, ("max",), f"max {t.max} is below min {t.min}", "min <= max")
        ahead = t.balance_as_of if isinstance(t.balance_as_of, lk.NextOccurrence) else None
        return c.Tracker(
            code=code, name=t.name or code, unit=t.unit, periodised=t.periodised,
            year_start=t.year_start, deduction_order=t.deduction_order,
            max_accrual_per_year=self.dated(t, "max_accrual_per_year", t.max_accrual_per_year),
            decimals=t.decimals, total_start_date=t.total_start_date,
            show_on_time_card=t.show_on_time_card,
            balance_as_of="next_occurrence" if ahead else "actual",
            balance_month_day=ahead.next_occurrence if ahead else None,
            min=t.min, max=t.max, type=t.type, save_up_to=t.save_up_to,
            expire_after_years=t.expire_after_years,
            source=self.source(t))

    def link(self, code: str, k: ll.Link) -> c.Link:
        self.reference(k, ("tracker",), k.tracker, self.tracker_codes, "tracker")
        if k.carry_over_up_to is not None and k.operator != "set":
            self.fail(k, ("carry_over_up_to",), "'carry_over_up_to' needs operator 'set'",
                      "operator: set", key=True)
        if k.factor is not None and k.levels is not None:
            self.fail(k, ("levels",), "a link has either 'factor' or 'levels', not both",
                      "one of them", key=True)
        if k.thresholds_only and k.levels is None:
            self.fail(k, ("thresholds_only",), "'thresholds_only' needs a 'levels' table",
                      "levels: {regulator: ..., table: [...]}", key=True)
        factor = None
        if k.levels is None:
            factor = self.optional_dated(k, "factor") or c.Dated.always(Decimal(1))
        return c.Link(
            code=code, name=k.name or code, tracker=k.tracker, driver=self.driver(k.driver),
            main_agreement_only=k.main_agreement_only,
            include_all_employee_data=k.include_all_employee_data, operator=k.operator,
            carry_over_up_to=self.optional_dated(k, "carry_over_up_to"), factor=factor,
            levels=self.levels(code, k.levels) if k.levels else None,
            multiply_by_driver_value=k.multiply_by_driver_value,
            thresholds_only=k.thresholds_only,
            multiply_by_employment_level=k.multiply_by_employment_level,
            multiply_by_average_nominal_hours=k.multiply_by_average_nominal_hours,
            source=self.source(k))

    def driver(self, d: ll.Driver) -> c.Driver:
        allowed = _DRIVER_SETTINGS.get(d.kind, set())
        for name in sorted(d.model_fields_set - {"kind"} - allowed):
            self.fail(d, (name,), f"'{name}' does not apply to driver '{d.kind}'",
                      ", ".join(sorted(allowed)) or "no settings for this driver", key=True)
        for name in _DRIVER_REQUIRED.get(d.kind, ()):
            if not getattr(d, name):
                self.fail(d, ("kind",), f"driver '{d.kind}' needs '{name}'",
                          ", ".join(_DRIVER_REQUIRED[d.kind]))
        if d.day_numbers_to is not None and d.day_numbers_to < d.day_numbers_from:
            self.fail(d, ("day_numbers_to",), f"day_numbers_to {d.day_numbers_to} is before "
                      f"day_numbers_from {d.day_numbers_from}", "to >= from")
        for i, code in enumerate(d.salary_types):
            self.reference(d, ("salary_types", i), code, self.salary_codes, "salary type")
        return c.Driver(d.kind, frozenset(d.salary_types), d.month, d.day, d.month_day,
                        frozenset(d.counted_weekdays), frozenset(d.never_counted),
                        d.day_numbers_from, d.day_numbers_to)

    def levels(self, code: str, lv: ll.Levels) -> c.Levels:
        if lv.regulator == "accumulated_value":
            if lv.link is None:
                self.fail(lv, ("regulator",), "regulator 'accumulated_value' needs 'link'",
                          "link: <another link's key>")
            else:
                self.reference(lv, ("link",), lv.link, self.link_codes, "link")
        elif lv.link is not None:
            self.fail(lv, ("link",), f"'link' applies only to regulator 'accumulated_value', "
                      f"not '{lv.regulator}'", "leave link out", key=True)
        table = tuple(c.Level(self.dated(level, "threshold", level.threshold),
                              self.optional_dated(level, "factor"), self.source(level))
                      for level in lv.table)
        self.check_thresholds(lv, table)
        return c.Levels(lv.regulator, lv.link, table)

    def check_thresholds(self, lv: ll.Levels, table: tuple[c.Level, ...]) -> None:
        first = table[0].threshold
        if any(value != 0 for _, value in first.entries):
            self.fail(lv.table[0], ("threshold",), f"the first level's threshold is {first}, "
                      "it must be 0 so some level applies from the start", "threshold: 0")
        dates = sorted({start for level in table for start, _ in level.threshold.entries})
        for day in dates:
            previous: Decimal | None = None
            for i, level in enumerate(table):
                try:
                    value = level.threshold.at(day)
                except LookupError:
                    continue
                if previous is not None and value <= previous:
                    when = "" if day == c.ALWAYS else f" on {day}"
                    self.fail(lv.table[i], ("threshold",), f"threshold {value} is not above the "
                              f"previous level's {previous}{when}",
                              "thresholds increasing from level to level")
                    return
                previous = value

    def check_regulator_cycles(self) -> None:
        edges = {code: k.levels.link for code, k in self.doc.links.items()
                 if k.levels is not None and k.levels.regulator == "accumulated_value"
                 and k.levels.link in self.doc.links}
        reported: set[str] = set()
        for start in edges:
            chain = [start]
            while chain[-1] in edges and edges[chain[-1]] not in chain:
                chain.append(edges[chain[-1]])
            if chain[-1] in edges and edges[chain[-1]] == start and start not in reported:
                reported.update(chain)
                levels = self.doc.links[start].levels
                assert levels is not None
                self.fail(levels, ("link",), "accumulated-value regulators form a cycle: "
                          + " -> ".join([*chain, start]), "a link regulated by another link "
                          "that does not depend on it")
