"""The vectorised engine gives exactly the reference evaluator's pay lines, time sheet,
rejects, warnings and tracker results on generated agreements and inputs (midnight
crossings, DST nights, holidays, overlapping windows, weekly thresholds, set-paid-time
rules, absences, figures, monthly salary, approvals)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from agreement_strategies import agreements
from hypothesis import event, given
from hypothesis import strategies as st
from input_strategies import scenarios

from paycalc.engine import BALANCES, PAY_LINES, TIME_SHEET, TRANSACTIONS, evaluate
from paycalc.reference.pay_lines import evaluate_reference
from paycalc.reference.trackers import evaluate_trackers_reference
from paycalc.spec.compile import compile_document
from paycalc.spec.language.document import AgreementDocument
from paycalc.tables.inputs import Inputs, Period


@st.composite
def cases(draw: st.DrawFn) -> tuple[list[Any], Any, Any]:
    compiled, shared = [], {}
    for i in range(draw(st.integers(1, 2))):
        document = draw(agreements())
        document["agreement"] = f"a{i}"
        _enrich(draw, document)
        # agreements sharing a code mostly define it alike; sometimes differently, when an
        # employee under both keeps no tracker rows (TRACKER_DEFINITIONS_DIFFER)
        trackers = document.get("trackers", {})
        if draw(st.integers(0, 3)):
            trackers.update({code: shared[code] for code in trackers if code in shared})
        shared.update(trackers)
        compiled.append(compile_document(AgreementDocument.model_validate(document)))
    inputs, period = draw(scenarios(compiled))
    return compiled, inputs, period


def _enrich(draw: st.DrawFn, document: dict[str, Any]) -> None:
    """Make sure time rules have hours salary types to pay, so most cases make lines."""
    types = document.setdefault("salary_types", {})
    types["ORD_T"] = {"unit": "hours", "pricing": {"method": "hourly_rate"},
                      "requires_approval": draw(st.booleans())}
    types["SUP_T"] = {"unit": "hours", "pricing": {"method": "supplement", "per_hour": 10}}
    rules = document.setdefault("time_rules", {})
    if draw(st.integers(0, 4)):
        rules["ordinary_salary_type"] = "ORD_T"
    if draw(st.booleans()):
        types["ACT_T"] = {"unit": "hours", "pricing": {"method": "hourly_rate"}}
        activities = rules.setdefault("activities", {})
        activities.update({"ACT_A": {"salary_type": "ACT_T"}, "ACT_B": {},
                           "ACT_U": {"paid": False}})
        spt = rules.setdefault("set_paid_time", {})
        for name in draw(st.lists(st.sampled_from(["r1", "r2", "r3"]), unique=True,
                                  min_size=1, max_size=3)):
            rule = draw(st.sampled_from(["zero_hours", "eight_hours", "custom_even",
                                         "custom_proportional"]))
            spt[name] = {"rule": rule, "activities": draw(st.lists(
                st.sampled_from(["ACT_A", "ACT_B", "ACT_U"]), max_size=2, unique=True))}
            if rule.startswith("custom"):
                spt[name]["time"] = draw(st.sampled_from(["6:00", "7:00:01", "0:00:07"]))
    if draw(st.booleans()):
        rules.setdefault("supplements", {})["evening_t"] = {
            "salary_type": "SUP_T", "days": draw(st.lists(st.sampled_from(
                ["mon", "tue", "wed", "thu", "fri", "sat", "sun", "holiday", "holiday_eve"]),
                min_size=1, max_size=5)),
            "from": draw(st.sampled_from(["18:00", "22:00", "00:00", "12:30"])),
            "to": draw(st.sampled_from(["24:00", "06:00", "02:30", "20:00"])),
        }


def _same(ours: list[dict[str, Any]], theirs: list[dict[str, Any]], columns: Any) -> None:
    ours = [{key: row[key] for key in columns} for row in ours]
    theirs = [{key: row[key] for key in columns} for row in theirs]
    if len(ours) != len(theirs):
        extra = [r for r in ours if r not in theirs][:3]
        lacking = [r for r in theirs if r not in ours][:3]
        raise AssertionError(f"{len(ours)} rows, not {len(theirs)}; only ours: {extra}; "
                             f"only the reference's: {lacking}")
    for index, (got, want) in enumerate(zip(ours, theirs, strict=True)):
        differing = {key: (got[key], want[key]) for key in got if got[key] != want[key]}
        assert not differing, (index, got, differing)


@given(cases())
def test_engine_equals_reference(case: tuple[list[Any], Any, Any]) -> None:
    compiled, inputs, period = case
    engine = evaluate(compiled, inputs, period, time_sheet=True)
    reference = evaluate_reference(compiled, inputs, period)
    trackers = evaluate_trackers_reference(compiled, inputs, period, reference)
    _same(engine.pay_lines.to_dicts(), reference.lines, PAY_LINES)
    _same(engine.time_sheet.to_dicts(), reference.time_sheet, TIME_SHEET)
    _same(engine.tracker_transactions.to_dicts(), trackers["transactions"], TRANSACTIONS)
    _same(engine.balances.to_dicts(), trackers["balances"], BALANCES)
    rejects = sorted({tuple(r.values()) for r in reference.rejects + trackers["rejects"]})
    assert engine.rejects.rows() == rejects, (engine.rejects.rows(), rejects)
    warnings = sorted(tuple(w.values()) for w in reference.warnings + trackers["warnings"])
    assert engine.warnings.rows() == warnings, (engine.warnings.rows(), warnings)
    _salary_time_is_paid_time(compiled, engine.time_sheet, engine.pay_lines)
    lines = engine.pay_lines
    event(f"approvals decide lines: {lines['approval_level'].is_not_null().any()}")
    event(f"monthly salary lines: {lines['rule'].str.starts_with('monthly_salary').any()}")


def _salary_time_is_paid_time(agreements: list[Any], sheet: pl.DataFrame,
                              lines: pl.DataFrame) -> None:
    """Salary time of an employee's day is what its ordinary-time, overtime and
    paid-time-as lines pay, under an agreement that pays ordinary time: the time sheet and
    the pay lines reconcile to the second."""
    paying = [a.id for a in agreements if a.time_rules.ordinary_salary_type is not None]
    time_rule = (pl.col("rule").str.starts_with("paid time as ")
                 | pl.col("rule").str.starts_with("time_rules.overtime.")
                 | (pl.col("rule") == "time_rules.ordinary_salary_type"))
    key = ["employee_id", "date", "agreement"]
    paid = lines.filter(time_rule & pl.col("agreement").is_in(paying)).group_by(key).agg(
        pl.col("seconds").sum())
    salary = sheet.filter(pl.col("agreement").is_in(paying)).group_by(key).agg(
        pl.col("salary_time").sum().alias("seconds")).filter(pl.col("seconds") > 0)
    assert paid.sort(key).rows() == salary.sort(key).rows()


def test_an_automatic_break_is_cut_from_the_latest_stretch_of_overlapping_punches() -> None:
    """Found by the thorough profile. Two overlapping punches on 2 April 2025 (Stockholm,
    no punched breaks), a day that must hold 49:31 of break: B 17:48 to 04:33 next day
    (04-02 part 17:48-24:00, 22,320 s) ends last, so all 2,971 missing seconds are cut
    from it; A 07:11-23:11, paid as NO, keeps its 16 h = 57,600 s. Each punch is one
    stretch: were B two halves meeting at 23:10:30, A's end (23:11) would come between
    them and lose a second."""
    document = {
        "agreement": "a0", "time_zone": "Europe/Stockholm",
        "salary_types": {"NO": {"unit": "hours", "pricing": {"method": "none"}}},
        "time_rules": {"holidays": {"country": "SE"},
                       "breaks": {"automatic": [{"after": "0:00", "deduct": "0:49:31"}]}}}
    agreement = compile_document(AgreementDocument.model_validate(document))
    inputs = Inputs(
        employees=pl.DataFrame({"employee_id": ["e1"]}),
        assignments=pl.DataFrame({"employee_id": ["e1"], "agreement": ["a0"],
                                  "valid_from": [dt.date(2025, 1, 1)], "main": [True]}),
        punches=pl.DataFrame({
            "employee_id": ["e1", "e1"], "punch_id": ["B", "A"],
            "start": [dt.datetime(2025, 4, 2, 17, 48), dt.datetime(2025, 4, 2, 7, 11)],
            "end": [dt.datetime(2025, 4, 3, 4, 33), dt.datetime(2025, 4, 2, 23, 11)],
            "salary_type": [None, "NO"]}))
    period = Period(dt.date(2025, 4, 2), dt.date(2025, 4, 2))
    engine = evaluate([agreement], inputs, period).pay_lines
    assert engine.select("salary_type", "seconds", "input_ids").rows() == [("NO", 57600, ["A"])]
    reference = evaluate_reference([agreement], inputs, period).lines
    assert [(r["salary_type"], r["seconds"]) for r in reference] == [("NO", 57600)]
