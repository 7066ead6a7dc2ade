"""Tracker corrections of locked days: booked on the first unlocked day as `correction`
transactions naming the locked day, never rewriting locked balances; the engine and the
reference evaluator book them alike (a hand-worked case and generated ones)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from test_engine_vs_reference import _same, cases

from paycalc.engine import BALANCES, TRANSACTIONS, evaluate
from paycalc.reference.pay_lines import evaluate_reference
from paycalc.reference.trackers import evaluate_trackers_reference
from paycalc.spec.compile import compile_document
from paycalc.spec.language.document import AgreementDocument
from paycalc.tables.inputs import Inputs, Opening, Period
from paycalc.tables.outputs import MOVES, OPENING

LOCK = dt.date(2025, 1, 31)
FEBRUARY = Period(dt.date(2025, 2, 1), dt.date(2025, 2, 28))


def _both(agreements: list[Any], inputs: Inputs, period: Period, opening: Opening,
          corrections: pl.DataFrame) -> tuple[Any, dict[str, Any]]:
    engine = evaluate(agreements, inputs, period, opening=opening, corrections=corrections)
    facts = evaluate_reference(agreements, inputs, period)
    reference = evaluate_trackers_reference(agreements, inputs, period, facts, opening,
                                            corrections=corrections.to_dicts())
    _same(engine.tracker_transactions.to_dicts(), reference["transactions"], TRANSACTIONS)
    _same(engine.balances.to_dicts(), reference["balances"], BALANCES)
    return engine, reference


def test_a_correction_is_booked_on_the_first_unlocked_day() -> None:
    # TOIL stood at 5 h when January was locked. January 14 now makes 1.5 h more time off
    # in lieu (an hour of overtime x 1.5) than was transferred: February's ledger opens
    # with +1.5 on 1 February naming 14 January, and the balance is 6.5. January's locked
    # balance itself is not touched.
    agreement = compile_document(AgreementDocument.model_validate({
        "agreement": "office", "time_zone": "Europe/Stockholm",
        "salary_types": {"OT": {"unit": "hours", "trackers": [
            {"tracker": "TOIL", "direction": "increase", "factor": Decimal("1.5")}]}},
        "trackers": {"TOIL": {"unit": "hours"}}}))
    inputs = Inputs(
        employees=pl.DataFrame({"employee_id": ["e1"], "employment_start": [dt.date(2020, 1, 1)]}),
        assignments=pl.DataFrame({"employee_id": ["e1"], "agreement": ["office"],
                                  "valid_from": [dt.date(2020, 1, 1)]}))
    opening = Opening(LOCK, pl.DataFrame(
        [("e1", "TOIL", None, Decimal(5), Decimal(0))],
        schema={c: OPENING[c] for c in ("employee_id", "tracker", "tracking_year", "balance",
                                         "accrued")}, orient="row"))
    corrections = pl.DataFrame(
        [("e1", "TOIL", dt.date(2025, 1, 14), "salary_type", "OT", "office", Decimal("1.5"))],
        schema=MOVES, orient="row")
    engine, _ = _both([agreement], inputs, FEBRUARY, opening, corrections)
    row = engine.tracker_transactions.row(0, named=True)
    assert (row["date"], row["quantity"], row["kind"], row["made_by"], row["source"]) == (
        dt.date(2025, 2, 1), Decimal("1.5"), "correction", "OT",
        "correction of 2025-01-14 (salary_type OT)")
    assert engine.balances.select("tracker", "balance").rows() == [("TOIL", Decimal("6.5"))]


@settings(max_examples=30)
@given(cases(), st.data())
def test_engine_and_reference_book_corrections_alike(case: tuple[list[Any], Inputs, Any],
                                                     data: st.DataObject) -> None:
    compiled, inputs, period = case
    trackers = sorted({t.code for a in compiled for t in a.trackers})
    employees = inputs.employees["employee_id"].to_list() if inputs.employees is not None else []
    if not trackers or not employees or period.start == period.end:
        return
    lock = period.start
    at_lock = evaluate(compiled, inputs, period, balances_as_of=lock)
    rows = [(data.draw(st.sampled_from(employees)), data.draw(st.sampled_from(trackers)),
             lock - dt.timedelta(days=data.draw(st.integers(0, 40))),
             data.draw(st.sampled_from(["salary_type", "link"])), "X", compiled[0].id,
             data.draw(st.decimals(Decimal("-20"), Decimal("20"), places=2)))
            for _ in range(data.draw(st.integers(1, 4)))]
    corrections = pl.DataFrame(rows, schema=MOVES, orient="row")
    _both(compiled, inputs, period, Opening(lock, at_lock.balances), corrections)
