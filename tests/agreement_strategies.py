"""Hypothesis strategies that build valid agreement documents as a consultant would write
them (codes, texts, exact decimals, durations, dated values), every reference resolvable."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAY_KINDS = [*WEEKDAYS, "holiday", "holiday_eve"]
DRIVERS = [
    "increasing_transaction_anniversary", "decreasing_transaction_anniversary",
    "tracking_year_start", "punched_hours", "agreement_active_days", "punched_days",
    "employment_anniversary", "scheduled_days", "birthday", "monthly_from_agreement_start_year",
    "monthly_from_employment_date", "vacation_leave_days", "yearly_from_agreement_start_year",
]
CALENDARS = [("SE", None, ["public", "de_facto"]), ("DE", "BY", ["public"]),
             ("US", "CA", ["public"]), ("GB", "ENG", ["public"]), (None, None, ["public"])]
ZONES = ["Europe/Stockholm", "Europe/London", "America/Los_Angeles", "Asia/Kolkata", "UTC"]

# codes a YAML 1.1 reader would turn into something else
TRICKY_CODES = ["NO", "on", "yes", "Off", "0310", "1.5", "18_30", "null", "true", "1e3"]
codes = st.one_of(
    st.sampled_from(TRICKY_CODES),
    st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_.\-]{0,10}", fullmatch=True),
)
texts = st.one_of(
    st.sampled_from(["NO", "18:30", "on", "#hash", "a: b", "- dash", "1.10", "~", "'quoted'",
                     "Överstyrd tid", "2025-02-30"]),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc", "Zl", "Zp"]),
            min_size=1, max_size=20),
)
numbers = st.decimals(min_value=Decimal("-1000"), max_value=Decimal("1000"), places=3,
                      allow_nan=False, allow_infinity=False)
positive = st.decimals(min_value=Decimal("0"), max_value=Decimal("500"), places=2,
                       allow_nan=False, allow_infinity=False)
divisors = st.one_of(st.sampled_from(["21", "365", "174", "94", "30.4"]).map(Decimal),
                     st.decimals(min_value=Decimal("0.5"), max_value=Decimal("400"), places=1))
days = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31))


def dated(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A value written once or as increasing effective-from dates."""
    mapping = st.lists(st.tuples(days, values), min_size=1, max_size=3,
                       unique_by=lambda pair: pair[0]).map(lambda pairs: dict(sorted(pairs)))
    return st.one_of(values, mapping)


@st.composite
def durations(draw: st.DrawFn, max_seconds: int = 12 * 3600) -> Any:
    seconds = draw(st.integers(min_value=0, max_value=max_seconds))
    form = draw(st.sampled_from(["hm", "hms", "hours"]))
    if form == "hours" and seconds % 9 == 0:
        return Decimal(seconds) / Decimal(3600)
    if form == "hm" or seconds % 60 == 0:
        return f"{seconds // 3600}:{seconds // 60 % 60:02d}"
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


times = st.integers(min_value=0, max_value=96).map(lambda q: f"{q // 4:02d}:{q % 4 * 15:02d}")
month_days = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2024, 12, 31)).map(
    lambda d: f"{d.month:02d}-{d.day:02d}")


@st.composite
def trackers(draw: st.DrawFn) -> dict[str, Any]:
    tracker: dict[str, Any] = {"unit": draw(st.sampled_from(["hours", "days"]))}
    periodised = draw(st.booleans())
    optional = {
        "name": texts, "year_start": month_days, "decimals": st.integers(0, 6),
        "total_start_date": days, "show_on_time_card": st.booleans(),
        "max_accrual_per_year": dated(positive), "type": st.sampled_from(["normal", "holiday"]),
        "balance_as_of": st.one_of(st.just("actual"),
                                   month_days.map(lambda m: {"next_occurrence": m})),
    }
    if periodised:
        tracker["periodised"] = True
        optional |= {
            "deduction_order": st.sampled_from(["current_year", "oldest_first",
                                                "current_then_oldest"]),
            "save_up_to": positive, "expire_after_years": st.integers(1, 10),
        }
    for key, strategy in optional.items():
        if draw(st.booleans()):
            tracker[key] = draw(strategy)
    bounds = sorted(draw(st.lists(numbers, min_size=2, max_size=2)))
    if draw(st.booleans()):
        tracker["min"], tracker["max"] = bounds
    return tracker


@st.composite
def pricings(draw: st.DrawFn) -> dict[str, Any]:
    method = draw(st.sampled_from(["none", "hourly_rate", "fixed_rate", "supplement",
                                   "as_given"]))
    pricing: dict[str, Any] = {"method": method}
    if method == "hourly_rate" and draw(st.booleans()):
        pricing["multiplier"] = draw(dated(positive))
    if method == "fixed_rate":
        pricing["rate"] = draw(dated(positive))
    if method == "supplement":
        key = draw(st.sampled_from(["per_hour", "percent_of_hourly_rate"]))
        pricing[key] = draw(dated(positive))
    derives = method == "hourly_rate" or "percent_of_hourly_rate" in pricing
    if derives and draw(st.booleans()):
        pricing["monthly_divisor"] = draw(dated(divisors))
    return pricing


@st.composite
def monthly_salaries(draw: st.DrawFn, salary_codes: list[str], paid_by: list[str]
                     ) -> dict[str, Any]:
    """A monthly-salary section paying by `paid_by` (salary type first, then one per
    deduction), deducting absences of `salary_codes`."""
    section: dict[str, Any] = {"salary_type": paid_by[0]}
    if draw(st.booleans()):
        section["pro_rata"] = draw(st.sampled_from(["calendar_days", "working_days"]))
    if draw(st.booleans()):
        section["hourly_divisor"] = draw(dated(divisors))
    deductions = []
    for code in paid_by[1:]:
        bounds = sorted(draw(st.lists(st.integers(1, 8), max_size=2, unique=True)))
        steps = [{"up_to_working_days": bound} for bound in bounds] + [{}]
        for step in steps:
            step["per"] = draw(st.sampled_from(["working_day", "calendar_day", "hour"]))
            step["divisor"] = draw(dated(divisors))
            if draw(st.booleans()):
                step["multiplier"] = draw(dated(st.sampled_from(["12", "1", "0.5"]).map(
                    Decimal)))
        deductions.append({"absence": draw(st.sampled_from(salary_codes)),
                           "salary_type": code, "steps": steps})
    if deductions:
        section["deductions"] = deductions
    return section


@st.composite
def salary_types(draw: st.DrawFn, tracker_codes: list[str]) -> dict[str, Any]:
    salary: dict[str, Any] = {"unit": draw(st.sampled_from(["hours", "days", "amount"]))}
    if draw(st.booleans()):
        salary["pricing"] = draw(pricings())
    if tracker_codes and draw(st.booleans()):
        salary["trackers"] = [
            {"tracker": draw(st.sampled_from(tracker_codes)),
             "direction": draw(st.sampled_from(["increase", "decrease"])),
             **({"factor": draw(dated(positive))} if draw(st.booleans()) else {})}
            for _ in range(draw(st.integers(1, 2)))]
    for key, strategy in {"name": texts, "requires_approval": st.booleans(),
                          "export_code": codes}.items():
        if draw(st.booleans()):
            salary[key] = draw(strategy)
    return salary


@st.composite
def steps(draw: st.DrawFn, salary_codes: list[str]) -> list[dict[str, Any]]:
    count = draw(st.integers(1, 3))
    result = [{"salary_type": draw(st.sampled_from(salary_codes)),
               "length": draw(dated(durations(4 * 3600)))} for _ in range(count - 1)]
    return [*result, {"salary_type": draw(st.sampled_from(salary_codes))}]


@st.composite
def by_time(draw: st.DrawFn, salary_codes: list[str]) -> list[dict[str, Any]]:
    """Overtime windows by when it is worked: the first that holds a minute takes it."""
    result = []
    for _ in range(draw(st.integers(0, 2))):
        start, end = draw(st.lists(times, min_size=2, max_size=2, unique=True))
        if (start, end) == ("24:00", "00:00"):
            end = "06:00"
        result.append({"salary_type": draw(st.sampled_from(salary_codes)),
                       "days": draw(st.lists(st.sampled_from(DAY_KINDS), min_size=1,
                                             max_size=4)),
                       "from": start, "to": end})
    return [*result, {"salary_type": draw(st.sampled_from(salary_codes))}]


@st.composite
def overtime_classes(draw: st.DrawFn, salary_codes: list[str]) -> dict[str, Any]:
    """The overtime of a period paid by length (steps) or by when it is worked."""
    if draw(st.booleans()):
        return {"by_time": draw(by_time(salary_codes))}
    return {"steps": draw(steps(salary_codes))}


@st.composite
def time_rules(draw: st.DrawFn, salary_codes: list[str]) -> dict[str, Any]:
    rules: dict[str, Any] = {}
    country, subdivision, categories = draw(st.sampled_from(CALENDARS))
    holidays: dict[str, Any] = {"eves": draw(st.sampled_from(["day_before", "none"]))}
    if country:
        holidays |= {"country": country, "categories": categories}
        if subdivision:
            holidays["subdivision"] = subdivision
    holidays["extra_days"] = [{"date": d, "name": draw(texts),
                               "kind": draw(st.sampled_from(["holiday", "holiday_eve"]))}
                              for d in draw(st.lists(days, max_size=2, unique=True))]
    rules["holidays"] = holidays
    rules["day_attribution"] = draw(st.sampled_from(["split_at_midnight", "start_day"]))
    rules["week_starts"] = draw(st.sampled_from(WEEKDAYS))
    rules["rounding"] = {end: {"step": draw(durations(3600)),
                               "direction": draw(st.sampled_from(["nearest", "up", "down"]))}
                         for end in ("start", "end")}
    rules["breaks"] = {"use_punched_breaks": draw(st.booleans()),
                       "automatic": [{"after": draw(durations()), "deduct": draw(durations(3600))}
                                     for _ in range(draw(st.integers(0, 2)))]}
    rules["full_absence_day"] = draw(st.sampled_from(["schedule_or_nominal", "nominal"]))
    activity_codes = draw(st.lists(codes, max_size=3, unique=True))
    rules["activities"] = {code: {"paid": draw(st.booleans()),
                                  **({"name": draw(texts)} if draw(st.booleans()) else {})}
                           for code in activity_codes}
    rules["set_paid_time"] = {}
    for code in draw(st.lists(codes, max_size=2, unique=True)):
        rule = draw(st.sampled_from(["zero_hours", "eight_hours", "custom_even",
                                     "custom_proportional"]))
        entry: dict[str, Any] = {"rule": rule,
                                 "days": draw(st.lists(st.sampled_from(DAY_KINDS), max_size=3))}
        if rule.startswith("custom"):
            entry["time"] = draw(durations())
        if activity_codes:
            entry["activities"] = draw(st.lists(st.sampled_from(activity_codes), max_size=2))
        rules["set_paid_time"][code] = entry
    if salary_codes:
        if draw(st.booleans()):
            rules["ordinary_salary_type"] = draw(st.sampled_from(salary_codes))
        for code in rules["activities"]:
            if draw(st.booleans()):
                rules["activities"][code]["salary_type"] = draw(st.sampled_from(salary_codes))
        overtime: dict[str, Any] = {}
        if draw(st.booleans()):
            threshold = draw(st.one_of(st.just("schedule"), dated(durations())))
            overtime["daily"] = {"threshold": threshold,
                                 **draw(overtime_classes(salary_codes))}
        if draw(st.booleans()):
            overtime["weekly"] = {"threshold": draw(dated(durations(60 * 3600))),
                                  **draw(overtime_classes(salary_codes))}
        rules["overtime"] = overtime
        supplements = {}
        for priority, code in enumerate(draw(st.lists(codes, max_size=3, unique=True))):
            start, end = draw(st.lists(times, min_size=2, max_size=2, unique=True))
            if (start, end) == ("24:00", "00:00"):
                end = "06:00"
            supplements[code] = {
                "salary_type": draw(st.sampled_from(salary_codes)),
                "days": draw(st.lists(st.sampled_from(DAY_KINDS), min_size=1, max_size=4)),
                "from": start, "to": end, "group": "ob", "priority": priority}
        rules["supplements"] = supplements
    return rules


@st.composite
def links(draw: st.DrawFn, tracker_codes: list[str],
          salary_codes: list[str]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for code in draw(st.lists(codes, max_size=4, unique=True)):
        kind = draw(st.sampled_from(DRIVERS))
        driver: dict[str, Any] = {"kind": kind}
        if kind == "monthly_from_agreement_start_year":
            driver |= {"month": draw(st.integers(1, 12)), "day": draw(st.integers(1, 31))}
        elif kind == "yearly_from_agreement_start_year":
            driver["month_day"] = draw(month_days)
        elif kind == "vacation_leave_days":
            if not salary_codes:
                continue
            first = draw(st.integers(1, 5))
            driver |= {"salary_types": draw(st.lists(st.sampled_from(salary_codes), min_size=1,
                                                      max_size=2)),
                       "counted_weekdays": draw(st.lists(st.sampled_from(WEEKDAYS), max_size=2)),
                       "never_counted": draw(st.lists(st.sampled_from(DAY_KINDS), max_size=2)),
                       "day_numbers_from": first,
                       "day_numbers_to": first + draw(st.integers(0, 30))}
        elif kind.endswith("transaction_anniversary") and salary_codes and draw(st.booleans()):
            driver["salary_types"] = [draw(st.sampled_from(salary_codes))]
        link: dict[str, Any] = {"tracker": draw(st.sampled_from(tracker_codes)),
                                "driver": kind if list(driver) == ["kind"] and draw(
                                    st.booleans()) else driver}
        for key, strategy in {"name": texts, "main_agreement_only": st.booleans(),
                              "include_all_employee_data": st.booleans(),
                              "multiply_by_driver_value": st.booleans(),
                              "multiply_by_employment_level": st.booleans(),
                              "multiply_by_average_nominal_hours": st.booleans()}.items():
            if draw(st.booleans()):
                link[key] = draw(strategy)
        if draw(st.booleans()):
            link["operator"] = "set"
            if draw(st.booleans()):
                link["carry_over_up_to"] = draw(dated(positive))
        if draw(st.booleans()):
            regulator = draw(st.sampled_from(["employment_years", "age_years",
                                              "accumulated_value"]))
            levels: dict[str, Any] = {"regulator": regulator}
            if regulator == "accumulated_value":
                if not result:
                    levels["regulator"] = "age_years"
                else:  # only earlier links: no cycles
                    levels["link"] = draw(st.sampled_from(list(result)))
            gaps = draw(st.lists(st.integers(1, 20), max_size=3))
            thresholds = [sum(gaps[:i]) for i in range(len(gaps) + 1)]
            levels["table"] = [{"threshold": t, "factor": draw(st.one_of(st.none(), numbers))}
                               for t in thresholds]
            link["levels"] = levels
            if draw(st.booleans()):
                link["thresholds_only"] = True
        elif draw(st.booleans()):
            link["factor"] = draw(dated(numbers))
        result[code] = link
    return result


@st.composite
def agreements(draw: st.DrawFn) -> dict[str, Any]:
    """A valid, stand-alone agreement document."""
    tracker_codes = draw(st.lists(codes, max_size=3, unique=True))
    salary_codes = draw(st.lists(codes, max_size=4, unique=True))
    doc: dict[str, Any] = {"agreement": "generated",
                           "time_zone": draw(st.sampled_from(ZONES))}
    if draw(st.booleans()):
        doc["name"] = draw(texts)
    doc["money"] = {"decimals": draw(st.integers(0, 4)),
                    "rounding": draw(st.sampled_from(["half_up", "half_even", "half_down", "up",
                                                      "down"]))}
    doc["trackers"] = {code: draw(trackers()) for code in tracker_codes}
    doc["salary_types"] = {code: draw(salary_types(tracker_codes)) for code in salary_codes}
    if salary_codes and draw(st.booleans()):
        paid_by = draw(st.lists(st.sampled_from(salary_codes), min_size=1, max_size=3,
                                unique=True))
        for code in paid_by:
            doc["salary_types"][code]["pricing"] = {"method": "monthly_salary"}
        doc["monthly_salary"] = draw(monthly_salaries(salary_codes, paid_by))
    doc["time_rules"] = draw(time_rules(salary_codes))
    if salary_codes:
        doc["figures"] = {kind: draw(st.sampled_from(salary_codes))
                          for kind in draw(st.lists(st.sampled_from(
                              ["bonus", "commission", "revenue", "profit", "points", "sales"]),
                              unique=True, max_size=3))}
    if tracker_codes:
        doc["links"] = draw(links(tracker_codes, salary_codes))
    doc["locking"] = {"warn_unlocked_after_days": draw(st.integers(1, 365))}
    if draw(st.booleans()):
        doc["approvals"] = {"levels": draw(st.integers(1, 2))}
    return doc
