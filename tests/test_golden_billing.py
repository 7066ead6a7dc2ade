"""Golden scenarios of billable time: small agreements and CSV inputs under
fixtures/billing/, each with its time logs, timesheets, invoice lines and rejects worked
out by hand in comments. The engine and the reference evaluator must both give them.

A scenario compares the expected files it has (`expected_invoice_lines.csv`,
`expected_timesheets.csv`, `expected_time_logs.csv`, `expected_rejects.csv`,
`expected_pay_lines.csv`) on their columns; a scenario without `expected_rejects.csv`
rejects nothing, one without `expected_pay_lines.csv` pays nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from paycalc.batch.cases import load_case
from paycalc.engine import evaluate
from paycalc.reference.billing import bill_reference
from paycalc.reference.pay_lines import evaluate_reference

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "billing"
SCENARIOS = sorted(p for p in GOLDEN.iterdir() if (p / "scenario.yaml").is_file())
NUMBERS = {"rate", "quantity", "amount"}
COUNTS = {"logs", "seconds", "billed_seconds", "pending", "submitted", "approved", "voided",
          "billable_seconds"}


def _value(column: str, text: str | None) -> Any:
    if text is None or text == "":
        return None
    if column in NUMBERS:
        return Decimal(text)
    if column in COUNTS or (column == "billable" and text.isdigit()):
        return int(text)
    if column == "billable":
        return text == "true"
    if column in ("day", "period_start", "period_end"):
        return dt.date.fromisoformat(text)
    return text


def _expected(path: Path) -> tuple[list[str], list[dict[str, Any]]]:
    frame = pl.read_csv(path, infer_schema=False, comment_prefix="#")
    return frame.columns, [{c: _value(c, row[c]) for c in frame.columns}
                           for row in frame.to_dicts()]


def test_there_are_at_least_8_scenarios() -> None:
    assert len(SCENARIOS) >= 8


@pytest.mark.parametrize("folder", SCENARIOS, ids=lambda p: p.name)
def test_golden_billing(folder: Path) -> None:
    case = load_case(folder)
    engine = evaluate(case.agreements, case.inputs, case.period)
    reference = bill_reference(case.agreements, case.inputs, case.period)
    found = {"invoice_lines": (engine.invoice_lines.to_dicts(), reference.invoice_lines),
             "timesheets": (engine.timesheets.to_dicts(), reference.timesheets),
             "time_logs": (engine.time_logs.to_dicts(), reference.time_logs),
             "rejects": (engine.rejects.to_dicts(), reference.rejects),
             "pay_lines": ([{**r, "date": str(r["date"])} for r in engine.pay_lines.to_dicts()],
                           [{**r, "date": str(r["date"])} for r in evaluate_reference(
                               case.agreements, case.inputs, case.period).lines])}
    for name, (by_engine, by_reference) in found.items():
        path = folder / f"expected_{name}.csv"
        if not path.is_file():
            if name in ("rejects", "pay_lines"):
                assert (by_engine, by_reference) == ([], [])
            continue
        columns, expected = _expected(path)
        assert [{c: row[c] for c in columns} for row in by_engine] == expected, name
        assert [{c: row[c] for c in columns} for row in by_reference] == expected, name
