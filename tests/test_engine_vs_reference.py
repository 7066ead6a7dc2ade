"""The vectorised engine gives exactly the reference evaluator's pay lines, rejects and
warnings on generated agreements and inputs (midnight crossings, DST nights, holidays,
overlapping windows, weekly thresholds, set-paid-time rules, absences, figures)."""

from __future__ import annotations

from typing import Any

from agreement_strategies import agreements
from hypothesis import given
from hypothesis import strategies as st
from input_strategies import scenarios

from paycalc.compile import compile_document
from paycalc.engine import PAY_LINES, evaluate
from paycalc.language.document import AgreementDocument
from paycalc.reference_evaluator import evaluate_reference


@st.composite
def cases(draw: st.DrawFn) -> tuple[list[Any], Any, Any]:
    compiled = []
    for i in range(draw(st.integers(1, 2))):
        document = draw(agreements())
        document["agreement"] = f"a{i}"
        _enrich(draw, document)
        compiled.append(compile_document(AgreementDocument.model_validate(document)))
    inputs, period = draw(scenarios(compiled))
    return compiled, inputs, period


def _enrich(draw: st.DrawFn, document: dict[str, Any]) -> None:
    """Make sure time rules have hours salary types to pay, so most cases make lines."""
    types = document.setdefault("salary_types", {})
    types["ORD_T"] = {"unit": "hours", "pricing": {"method": "hourly_rate"}}
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


def _rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{key: row[key] for key in PAY_LINES} for row in rows]


@given(cases())
def test_engine_equals_reference(case: tuple[list[Any], Any, Any]) -> None:
    compiled, inputs, period = case
    engine = evaluate(compiled, inputs, period)
    reference = evaluate_reference(compiled, inputs, period)
    ours, theirs = _rows(engine.pay_lines.to_dicts()), _rows(reference.lines)
    assert len(ours) == len(theirs), (len(ours), len(theirs))
    for index, (got, want) in enumerate(zip(ours, theirs, strict=True)):
        differing = {key: (got[key], want[key]) for key in got if got[key] != want[key]}
        assert not differing, (index, {k: got[k] for k in ("employee_id", "date", "rule")},
                               differing)
    assert engine.rejects.to_dicts() == reference.rejects
    assert engine.warnings.to_dicts() == reference.warnings
