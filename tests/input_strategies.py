"""Hypothesis strategies for interchange tables: employees with assignments (sometimes
overlapping main ones), punches around DST nights, midnights, holidays and 29 February,
schedules, absences and figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import polars as pl
from hypothesis import strategies as st

from paycalc.rules.compiled import Agreement
from paycalc.tables.inputs import Inputs, Period

# days worth testing around: DST nights (EU, US), 29 February, Christmas, New Year
ANCHORS = [dt.date(2025, 3, 29), dt.date(2025, 10, 25), dt.date(2025, 3, 8),
           dt.date(2025, 11, 1), dt.date(2024, 2, 27), dt.date(2025, 12, 22),
           dt.date(2025, 12, 30)]
EMPLOYEES = ["e1", "e2", "e3"]


def _when(base: dt.datetime, minutes: int, seconds: int) -> dt.datetime:
    return base + dt.timedelta(minutes=minutes, seconds=seconds)


HIRED = [dt.date(2020, 2, 29), dt.date(2019, 1, 31), dt.date(2022, 8, 15), dt.date(2024, 12, 31)]
"""Employment dates: 29 February, a 31st, and dates from years to days before the anchors."""


@st.composite
def scenarios(draw: st.DrawFn, agreements: list[Agreement]) -> tuple[Inputs, Period]:
    """Tables and a period for employees under `agreements`."""
    anchor = draw(st.sampled_from(ANCHORS))
    length = draw(st.one_of(st.integers(0, 9), st.integers(300, 800)))  # long: yearly drivers
    period = Period(anchor, anchor + dt.timedelta(days=length))
    base = dt.datetime.combine(anchor - dt.timedelta(days=1), dt.time())
    span = min(12, (period.end - period.start).days + 2)
    ids = [a.id for a in agreements]
    employees = draw(st.lists(st.sampled_from(EMPLOYEES), min_size=1, max_size=3, unique=True))
    rates = st.one_of(st.none(), st.decimals(Decimal("10"), Decimal("400"), places=2))
    monthly = st.one_of(st.none(), st.decimals(Decimal("1000"), Decimal("60000"), places=2))
    employee_rows = [{"employee_id": e, "hourly_rate": draw(rates),
                      "monthly_salary": draw(monthly),
                      "employment_level": draw(st.sampled_from([Decimal(1), Decimal("0.8"),
                                                                 Decimal("0.5")])),
                      "fulltime_hours_per_week": draw(st.sampled_from([Decimal(40),
                                                                       Decimal("37.5")])),
                      "working_days_per_week": draw(st.sampled_from([5, 4])),
                      "employment_start": draw(st.sampled_from(HIRED)),
                      "employment_end": draw(st.sampled_from(
                          [None, None, anchor + dt.timedelta(days=length // 2)])),
                      "birth_date": draw(st.sampled_from([None, dt.date(1992, 2, 29),
                                                          dt.date(1960, 7, 31),
                                                          dt.date(1985, 12, 1)]))}
                     for e in employees]
    assignments = []
    for e in employees:
        switch = anchor + dt.timedelta(days=draw(st.integers(-3, span)))
        first, second = draw(st.sampled_from(ids)), draw(st.sampled_from(ids))
        if length > 9 and draw(st.booleans()):  # switch agreements mid-month
            switch = anchor + dt.timedelta(days=draw(st.integers(0, length)))
        gap = 2 if draw(st.integers(0, 2)) == 2 else 0  # days under no agreement: rejected
        assignments += [
            {"employee_id": e, "agreement": first, "valid_from": dt.date(2020, 1, 1),
             "valid_to": switch - dt.timedelta(days=1), "main": True},
            {"employee_id": e, "agreement": second,
             "valid_from": switch + dt.timedelta(days=gap), "valid_to": None, "main": True},
        ]
        if draw(st.integers(0, 5)) == 0:  # an input error: a main overlapping the others
            start = anchor + dt.timedelta(days=draw(st.integers(-10, span)))
            assignments.append({"employee_id": e, "agreement": draw(st.sampled_from(ids)),
                                "valid_from": start,
                                "valid_to": start + dt.timedelta(days=draw(st.integers(0, 9))),
                                "main": True})
        if draw(st.integers(0, 3)) == 0:  # a second, not main, agreement at the same time
            assignments.append({"employee_id": e, "agreement": draw(st.sampled_from(ids)),
                                "valid_from": anchor + dt.timedelta(days=draw(st.integers(
                                    -40, 40))), "valid_to": None, "main": False})
    aware = draw(st.booleans())
    codes = sorted({a.code for ag in agreements for a in ag.time_rules.activities})
    hours_types = sorted({s.code for ag in agreements for s in ag.salary_types
                          if s.unit == "hours"})
    all_types = sorted({s.code for ag in agreements for s in ag.salary_types})

    def stamp(minutes: int, seconds: int) -> dt.datetime:
        moment = _when(base, minutes, seconds)
        return moment.replace(tzinfo=dt.UTC) if aware else moment

    planned = [c for c in codes if c.startswith("ACT_")] or codes or ["X"]
    punches = []
    for _ in range(draw(st.integers(2, 12))):
        start = draw(st.integers(0, span * 1440))
        length = draw(st.integers(0, 16 * 60))
        punches.append({
            "employee_id": draw(st.sampled_from(employees)),
            "start": stamp(start, draw(st.integers(0, 59))),
            "end": None if draw(st.integers(0, 15)) == 0 else stamp(
                start + length, draw(st.integers(0, 59))),
            "activity": draw(st.one_of(_sometimes(codes, "UNKNOWN"), st.sampled_from(planned))),
            "salary_type": draw(_sometimes(hours_types, "UNKNOWN", often=False)),
            "break_minutes": draw(st.sampled_from([0, 0, 15, 30, 45, 600])),
        })
    schedules = []
    for _ in range(draw(st.integers(0, 8))):
        # sometimes 02:30 or 01:30 two days after `base`: on the DST anchors, local times
        # that do not exist or happen twice
        start = draw(st.one_of(st.integers(0, span * 1440), st.sampled_from([3030, 2970])))
        schedules.append({
            "employee_id": draw(st.sampled_from(employees)),
            "start": stamp(start, 0), "end": stamp(start + draw(st.integers(30, 12 * 60)), 0),
            "activity": draw(st.one_of(st.none(), st.sampled_from(planned),
                                       st.sampled_from(planned))),
            "paid": draw(st.booleans()),
        })
    absences = []
    for _ in range(draw(st.integers(0, 2))):
        first_day = anchor + dt.timedelta(days=draw(st.integers(-3, span)))
        absences.append({
            "employee_id": draw(st.sampled_from([*employees, "nobody"])),
            "start_date": first_day,
            "end_date": first_day + dt.timedelta(days=draw(st.integers(0, 6))),
            "salary_type": draw(st.sampled_from([*all_types, "UNKNOWN"])),
            "hours_per_day": draw(st.one_of(st.none(), st.sampled_from(
                [Decimal("7.5"), Decimal("4"), Decimal("0.25")]))),
        })
    figures = [{"employee_id": draw(st.sampled_from(employees)),
                "date": anchor + dt.timedelta(days=draw(st.integers(0, span))),
                "kind": draw(st.sampled_from(["bonus", "commission", "sales", "points"])),
                "value": draw(st.decimals(Decimal("-100"), Decimal("5000"), places=2)),
                "approved": draw(st.booleans())}
               for _ in range(draw(st.integers(0, 3)))]
    tracker_codes = sorted({t.code for ag in agreements for t in ag.trackers})
    adjustments = [{"employee_id": draw(st.sampled_from([*employees, "nobody"])),
                    "tracker": draw(_sometimes(tracker_codes, "UNKNOWN")),
                    "date": anchor + dt.timedelta(days=draw(st.integers(-2, length + 2))),
                    "quantity": draw(st.decimals(Decimal("-30"), Decimal("30"), places=2)),
                    "note": "correction"}
                   for _ in range(draw(st.integers(0, 3)))]
    approvals = []
    for _ in range(draw(st.integers(0, 4))):
        first_day = anchor + dt.timedelta(days=draw(st.integers(-2, span)))
        approvals.append({
            "employee_id": draw(st.sampled_from(employees)), "start_date": first_day,
            "end_date": draw(st.sampled_from([None, first_day, first_day + dt.timedelta(
                days=draw(st.integers(1, 4)))])),
            "salary_type": draw(st.sampled_from([None, None, *all_types])),
            "activity": draw(st.sampled_from([None, None, *codes])),
            "approved": draw(st.booleans()),
            "approved_by": draw(st.sampled_from([None, "anna", "bo"])),
            "level": draw(st.sampled_from([None, 1, 2])),
        })
    time_type = pl.Datetime("us", "UTC") if aware else pl.Datetime("us")
    return Inputs(
        employees=pl.DataFrame(employee_rows),
        assignments=pl.DataFrame(assignments, schema={
            "employee_id": pl.String, "agreement": pl.String, "valid_from": pl.Date,
            "valid_to": pl.Date, "main": pl.Boolean}),
        punches=_frame(punches, {"employee_id": pl.String, "start": time_type,
                                 "end": time_type, "activity": pl.String,
                                 "salary_type": pl.String, "break_minutes": pl.Int64}),
        schedules=_frame(schedules, {"employee_id": pl.String, "start": time_type,
                                     "end": time_type, "activity": pl.String,
                                     "paid": pl.Boolean}),
        absences=_frame(absences, {"employee_id": pl.String, "start_date": pl.Date,
                                   "end_date": pl.Date, "salary_type": pl.String,
                                   "hours_per_day": pl.Decimal(10, 2)}),
        figures=_frame(figures, {"employee_id": pl.String, "date": pl.Date, "kind": pl.String,
                                 "value": pl.Decimal(12, 2), "approved": pl.Boolean}),
        adjustments=_frame(adjustments, {"employee_id": pl.String, "tracker": pl.String,
                                         "date": pl.Date, "quantity": pl.Decimal(12, 2),
                                         "note": pl.String}),
        approvals=_frame(approvals, {"employee_id": pl.String, "start_date": pl.Date,
                                     "end_date": pl.Date, "salary_type": pl.String,
                                     "activity": pl.String, "approved": pl.Boolean,
                                     "approved_by": pl.String, "level": pl.Int64}),
    ), period


def _sometimes(values: list[str], wrong: str, often: bool = True) -> st.SearchStrategy[Any]:
    """Mostly nothing, sometimes a known value, rarely a wrong one."""
    choices: list[str | None] = [None] * (6 if often else 12)
    choices += values * 2 + [wrong]
    return st.sampled_from(choices)


def _frame(rows: list[dict[str, Any]], schema: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=schema)
