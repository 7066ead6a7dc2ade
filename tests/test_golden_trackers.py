"""Golden tracker scenarios: small agreements and CSV inputs under fixtures/trackers/, each
with the ledger rows and balances worked out by hand in comments. Both the engine and the
reference evaluator must produce exactly them.

A scenario directory holds `scenario.yaml` (period, agreement files, optional `as_of` and
`lock: {date, balances: FILE}`), the input CSVs, `expected_transactions.csv`,
`expected_balances.csv` and optionally `expected_warnings.csv` (tracker warnings only).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

from paycalc.batch.cases import load_case
from paycalc.engine import evaluate
from paycalc.reference.pay_lines import evaluate_reference
from paycalc.reference.trackers import evaluate_trackers_reference

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "trackers"
SCENARIOS = sorted(p for p in GOLDEN.iterdir() if (p / "scenario.yaml").is_file())
TRANSACTIONS = ["employee_id", "tracker", "date", "tracking_year", "quantity", "kind",
                "made_by", "level"]
BALANCES = ["employee_id", "tracker", "tracking_year", "balance", "shown_balance"]
WARNINGS = ["employee_id", "date", "code", "message"]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _expected(path: Path) -> list[tuple[str, ...]]:
    frame = pl.read_csv(path, infer_schema=False, comment_prefix="#")
    return [tuple(_text(v) for v in row) for row in frame.rows()]


def _actual(rows: list[dict[str, Any]], columns: list[str]) -> list[tuple[str, ...]]:
    return [tuple(_text(row[c]) for c in columns) for row in rows]


def test_there_are_at_least_15_scenarios() -> None:
    assert len(SCENARIOS) >= 15


@pytest.mark.parametrize("folder", SCENARIOS, ids=lambda p: p.name)
def test_golden_tracker_scenario(folder: Path) -> None:
    case = load_case(folder)
    agreements, inputs, period = case.agreements, case.inputs, case.period
    opening, as_of = case.opening, case.as_of
    engine = evaluate(agreements, inputs, period, opening=opening, balances_as_of=as_of)
    facts = evaluate_reference(agreements, inputs, period)
    reference = evaluate_trackers_reference(agreements, inputs, period, facts, opening, as_of)
    moved = _expected(folder / "expected_transactions.csv")
    assert _actual(engine.tracker_transactions.to_dicts(), TRANSACTIONS) == moved
    assert _actual(reference["transactions"], TRANSACTIONS) == moved
    held = _expected(folder / "expected_balances.csv")
    assert _actual(engine.balances.to_dicts(), BALANCES) == held
    assert _actual(reference["balances"], BALANCES) == held
    warned = folder / "expected_warnings.csv"
    if warned.is_file():
        tracker_warnings = [w for w in engine.warnings.to_dicts()
                            if w["code"].startswith("BALANCE_")]
        assert _actual(tracker_warnings, WARNINGS) == _expected(warned)

