"""Two agreements define one tracker code differently: each employee's trackers follow the
agreements of their assignments, worked out by hand below and equal in the engine and the
reference evaluator."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import polars as pl

from paycalc.engine import evaluate
from paycalc.reference.pay_lines import evaluate_reference
from paycalc.reference.trackers import evaluate_trackers_reference
from paycalc.spec.bundled import AGREEMENTS_DIR
from paycalc.spec.catalogue import check_paths
from paycalc.tables.inputs import Inputs, Period

JANUARY = Period(dt.date(2025, 1, 1), dt.date(2025, 1, 31))


def test_each_employee_follows_the_definition_of_their_agreements(tmp_path: Path) -> None:
    """retail's FLEX has max 60, retail_flex's max 5. e1 (retail) and e2 (retail_flex) each
    get +8 hours by adjustment: only e2 crosses its maximum. e3 is under both and keeps no
    FLEX or other tracker rows; its adjustments, of FLEX and of TOIL, are rejected. The
    adjustment without an employee is rejected as before, whatever the groups."""
    retail = (AGREEMENTS_DIR / "retail.yaml").read_text(encoding="utf-8")
    (tmp_path / "retail.yaml").write_text(retail, encoding="utf-8")
    other = retail.replace("agreement: retail\n", "agreement: retail_flex\n").replace(
        "    max: 60\n", "    max: 5\n")
    (tmp_path / "retail_flex.yaml").write_text(other, encoding="utf-8")
    checked = check_paths([tmp_path], [tmp_path], [])
    assert checked.problems == []
    agreements = checked.agreements
    inputs = Inputs(
        employees=pl.DataFrame({"employee_id": ["e1", "e2", "e3"],
                                "employment_start": [dt.date(2020, 1, 1)] * 3,
                                "birth_date": [dt.date(1990, 5, 17)] * 3}),
        assignments=pl.DataFrame({
            "employee_id": ["e1", "e2", "e3", "e3"],
            "agreement": ["retail", "retail_flex", "retail", "retail_flex"],
            "valid_from": [dt.date(2025, 1, 1)] * 3 + [dt.date(2025, 1, 20)],
            "valid_to": [None, None, dt.date(2025, 1, 19), None]}),
        adjustments=pl.DataFrame({"employee_id": ["e1", "e2", "e3", None, "e3"],
                                  "tracker": ["FLEX"] * 4 + ["TOIL"],
                                  "date": [dt.date(2025, 1, 10)] * 5,
                                  "quantity": [Decimal(8)] * 5}))
    engine = evaluate(agreements, inputs, JANUARY)
    facts = evaluate_reference(agreements, inputs, JANUARY)
    reference = evaluate_trackers_reference(agreements, inputs, JANUARY, facts)
    flex = engine.balances.filter(pl.col("tracker") == "FLEX")
    assert flex.select("employee_id", "balance").rows() == [
        ("e1", Decimal("8")), ("e2", Decimal("8"))]
    assert "e3" not in engine.balances["employee_id"].to_list()
    assert engine.rejects.select("row_id", "code").rows() == [
        ("adjustments:FLEX/2025-01-10", "UNKNOWN_EMPLOYEE"),   # no employee
        ("adjustments:e3/FLEX/2025-01-10", "TRACKER_NOT_KEPT"),
        ("adjustments:e3/TOIL/2025-01-10", "TRACKER_NOT_KEPT")]
    assert engine.warnings.select("employee_id", "code").rows() == [
        ("e2", "BALANCE_ABOVE_MAX"), ("e3", "TRACKER_DEFINITIONS_DIFFER")]
    # the reference evaluator gives the same
    assert [(r["employee_id"], r["tracker"], r["balance"]) for r in reference["balances"]] == \
        engine.balances.select("employee_id", "tracker", "balance").rows()
    assert sorted((r["row_id"], r["code"]) for r in reference["rejects"]) == \
        engine.rejects.select("row_id", "code").rows()
    assert sorted((w["employee_id"], w["code"], w["message"]) for w in reference["warnings"]) == \
        engine.warnings.select("employee_id", "code", "message").rows()
