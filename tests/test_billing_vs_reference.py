"""The engine gives exactly the reference evaluator's time logs, timesheets, invoice lines
and rejects of billable time on generated agreements and inputs: timer event streams with
pauses, midnight and DST crossings, 8 to 11 timers at once, orphan and repeated events,
shuffled rows; logs of every status and approval level; rates on all three levels with
dated values; every timesheet period kind; both ways of putting a log on days; and the pay
lines of approved logs paid as worked time."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import polars as pl
from hypothesis import event, given
from hypothesis import strategies as st

from paycalc.engine import evaluate
from paycalc.reference.billing import bill_reference
from paycalc.reference.pay_lines import evaluate_reference
from paycalc.spec.compile import compile_document
from paycalc.spec.language.document import AgreementDocument
from paycalc.tables.inputs import Inputs, Period

ZONES = ["Europe/Stockholm", "America/New_York", "UTC"]
SERVICES = ["S1", "S2", "S3"]
CUSTOMERS = ["C1", "C2", None]
CASES = ["K1", "K2", None]
EMPLOYEES = ["e1", "e2", "e3"]
START = dt.datetime(2025, 3, 7)
"""Generated times are from this Friday over 30 days: across the spring-forward nights of
both America/New_York (9 March) and Europe/Stockholm (30 March)."""

rates = st.decimals(min_value=Decimal(0), max_value=Decimal(300), places=2)


def dated(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    days = st.dates(dt.date(2025, 3, 1), dt.date(2025, 4, 10))
    mapping = st.lists(st.tuples(days, values), min_size=1, max_size=3,
                       unique_by=lambda p: p[0]).map(lambda pairs: dict(sorted(pairs)))
    return st.one_of(values, mapping)


@st.composite
def billing(draw: st.DrawFn) -> dict[str, Any]:
    services = {code: {"rate": draw(dated(rates)), "per": draw(st.sampled_from(["hour", "log"]))}
                for code in draw(st.lists(st.sampled_from(SERVICES), unique=True, max_size=3))}
    customers: dict[str, Any] = {}
    for customer in draw(st.lists(st.sampled_from(["C1", "C2"]), unique=True, max_size=2)):
        entry: dict[str, Any] = {"rates": {s: draw(dated(rates)) for s in draw(
            st.lists(st.sampled_from(list(services) or ["S1"]), unique=True, max_size=2))
            if s in services}}
        cases = draw(st.lists(st.sampled_from(["K1", "K2"]), unique=True, max_size=2))
        entry["cases"] = {k: {"rates": {s: draw(dated(rates)) for s in services
                                        if draw(st.booleans())}} for k in cases}
        customers[customer] = entry
    period = draw(st.sampled_from(["weekly", "bi_weekly", "monthly", "semi_monthly"]))
    sheets: dict[str, Any] = {"period": period,
                              "approval_levels": draw(st.integers(0, 2))}
    if period == "weekly":
        sheets["week_starts"] = draw(st.sampled_from(["mon", "sun", "wed"]))
    if period == "bi_weekly":
        sheets["anchor"] = draw(st.dates(dt.date(2024, 12, 1), dt.date(2025, 6, 1)))
    found: dict[str, Any] = {"services": services, "customers": customers,
                             "timesheets": sheets,
                             "day": draw(st.sampled_from(["start", "split_at_midnight"])),
                             "money": {"currency": "USD",
                                       "rounding": draw(st.sampled_from(
                                           ["half_up", "half_even", "down", "up"]))}}
    if draw(st.booleans()):
        payroll: dict[str, Any] = {"by_service": {
            s: "ONCALL_PAY" for s in draw(st.lists(st.sampled_from(list(services) or ["S1"]),
                                                   unique=True, max_size=2)) if s in services}}
        if draw(st.booleans()) or not payroll["by_service"]:
            payroll["salary_type"] = "CONSULTING"
        found["payroll"] = payroll
    if draw(st.booleans()):
        found["rounding"] = {"to": draw(st.sampled_from(["0:06", "0:15", "1:00"])),
                             "direction": draw(st.sampled_from(["up", "nearest", "down"]))}
    return found


moments = st.integers(0, 30 * 86400 // 60).map(lambda m: START + dt.timedelta(minutes=m))
attributes = st.fixed_dictionaries({
    "customer": st.sampled_from(CUSTOMERS), "case": st.sampled_from(CASES),
    "service": st.sampled_from([*SERVICES, None]), "billable": st.booleans(),
    "status": st.sampled_from(["pending", "submitted", "approved", "voided"]),
    "approved_levels": st.sampled_from([None, 0, 1, 2]),
})


@st.composite
def timer_streams(draw: st.DrawFn, employee: str) -> list[dict[str, Any]]:
    """Timers of one employee: mostly well-formed runs, some broken, many at once."""
    rows = []
    crowded = draw(st.booleans())  # 8 to 11 timers started within minutes, all well-formed
    timers = draw(st.integers(8, 11) if crowded else st.integers(1, 5))
    base = draw(moments)
    steps = [130, 600] if crowded else [0, 1, 15, 45, 130, 600]
    for t in range(timers):
        at = base + dt.timedelta(minutes=draw(st.integers(0, 20 if crowded else 240)))
        fields = draw(attributes)
        for _ in range(draw(st.integers(1, 2))):
            kinds = ["start"]
            for _ in range(draw(st.integers(0, 2))):
                kinds += ["pause", "resume"]
            if not crowded and draw(st.integers(0, 5)) == 0:
                kinds.pop(draw(st.integers(0, len(kinds) - 1)))  # a broken run
            if crowded or draw(st.integers(0, 6)):
                kinds.append("stop")
            for kind in kinds:
                if kind != "start" or not crowded:
                    at += dt.timedelta(minutes=draw(st.sampled_from(steps)))
                rows.append({"employee_id": employee, "timer": f"T{t}", "at": at,
                             "event": kind, **fields})
            at += dt.timedelta(minutes=draw(st.integers(1, 600)))
    return rows


@st.composite
def cases(draw: st.DrawFn) -> tuple[list[Any], Inputs, Period]:
    compiled = []
    for i in range(draw(st.integers(1, 2))):
        document = {"agreement": f"a{i}", "time_zone": draw(st.sampled_from(ZONES)),
                    "money": {"currency": "USD"}, "billing": draw(billing()),
                    "salary_types": {
                        "CONSULTING": {"unit": "hours", "pricing": {"method": "hourly_rate"}},
                        "ONCALL_PAY": {"unit": "hours", "pricing": {"method": "fixed_rate",
                                                                    "rate": 40}}}}
        compiled.append(compile_document(AgreementDocument.model_validate(document)))
    employees = pl.DataFrame({"employee_id": EMPLOYEES,
                              "employment_start": [dt.date(2024, 1, 1)] * 3,
                              "hourly_rate": ["31.5", "28", None]})
    assignments = []
    for employee in EMPLOYEES:
        if draw(st.integers(0, 5)) == 0:
            continue  # no agreement at all
        first = draw(st.sampled_from(compiled)).id
        switch = draw(st.sampled_from([None, dt.date(2025, 3, 20)]))
        assignments.append({"employee_id": employee, "agreement": first,
                            "valid_from": dt.date(2024, 1, 1),
                            "valid_to": switch - dt.timedelta(days=1) if switch else None})
        if switch:
            assignments.append({"employee_id": employee,
                                "agreement": draw(st.sampled_from(compiled)).id,
                                "valid_from": switch, "valid_to": None})
    events = [row for employee in EMPLOYEES if draw(st.booleans())
              for row in draw(timer_streams(employee))]
    logs = []
    for n in range(draw(st.integers(0, 12))):
        start = draw(moments)
        logs.append({"log_id": f"L{n}", "employee_id": draw(st.sampled_from(EMPLOYEES)),
                     "start": start,
                     "end": start + dt.timedelta(minutes=draw(st.integers(-30, 2000))),
                     **draw(attributes)})
    events = draw(st.permutations(events))
    frames = {
        "timer_events": pl.DataFrame(events, schema={
            "employee_id": pl.String, "timer": pl.String, "at": pl.Datetime("us"),
            "event": pl.String, "customer": pl.String, "case": pl.String,
            "service": pl.String, "billable": pl.Boolean, "status": pl.String,
            "approved_levels": pl.Int64}) if events else None,
        "timelogs": pl.DataFrame(logs, schema={
            "log_id": pl.String, "employee_id": pl.String, "start": pl.Datetime("us"),
            "end": pl.Datetime("us"), "customer": pl.String, "case": pl.String,
            "service": pl.String, "billable": pl.Boolean, "status": pl.String,
            "approved_levels": pl.Int64}) if logs else None,
    }
    assigned = pl.DataFrame(assignments, schema={
        "employee_id": pl.String, "agreement": pl.String, "valid_from": pl.Date,
        "valid_to": pl.Date}) if assignments else None
    start = draw(st.sampled_from([dt.date(2025, 3, 1), dt.date(2025, 3, 10),
                                  dt.date(2025, 3, 16)]))
    period = Period(start, start + dt.timedelta(days=draw(st.sampled_from([6, 13, 20]))))
    return compiled, Inputs(employees=employees, assignments=assigned, **frames), period


@given(cases())
def test_engine_equals_reference(case: tuple[list[Any], Inputs, Period]) -> None:
    agreements, inputs, period = case
    engine = evaluate(agreements, inputs, period)
    reference = bill_reference(agreements, inputs, period)
    event(f"logs: {'some' if reference.time_logs else 'none'}; "
          f"rejects: {'some' if reference.rejects else 'none'}")
    for code in sorted({r["code"] for r in reference.rejects}):
        event(f"reject {code}")
    rejects = engine.rejects.filter(pl.col("table").is_in(["timelogs", "timer_events"]))
    assert rejects.to_dicts() == reference.rejects
    assert engine.time_logs.to_dicts() == reference.time_logs
    assert engine.timesheets.to_dicts() == reference.timesheets
    assert engine.invoice_lines.to_dicts() == reference.invoice_lines
    # approved logs paid as worked time (billing.payroll) make the same pay lines
    lines = evaluate_reference(agreements, inputs, period).lines
    event(f"pay lines: {'some' if lines else 'none'}")
    assert engine.pay_lines.to_dicts() == lines
