"""Golden scenarios: small agreements and CSV inputs under fixtures/pay_lines/, each with
the pay lines (and rejects) worked out by hand in comments. Both the engine and the
reference evaluator must produce exactly them.

A scenario directory holds `scenario.yaml` (period, agreement files), the input CSVs, and
`expected_pay_lines.csv` (+ `expected_rejects.csv`). Without `assignments.csv` every
employee is under the first agreement from 2000-01-01, as their main agreement.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from paycalc.batch.cases import load_case
from paycalc.engine import evaluate
from paycalc.reference.pay_lines import evaluate_reference

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "pay_lines"
SCENARIOS = sorted(p for p in GOLDEN.iterdir() if (p / "scenario.yaml").is_file())
COMPARED = ["employee_id", "date", "salary_type", "rule", "seconds", "quantity", "amount",
            "payable"]
OPTIONAL = ["approved", "approved_by", "approval_level"]
"""Compared too where a scenario's expected lines have the column."""


def _expected(path: Path, columns: list[str]) -> list[dict[str, Any]]:
    frame = pl.read_csv(path, infer_schema=False, comment_prefix="#")
    rows = []
    for row in frame.to_dicts():
        rows.append({c: _value(c, row.get(c)) for c in columns})
    return rows


def _value(column: str, text: str | None) -> Any:
    if text is None or text == "":
        return None
    if column in ("seconds", "approval_level"):
        return int(text)
    if column in ("quantity", "amount"):
        return Decimal(text)
    if column in ("payable", "approved"):
        return text == "true"
    return text


def _actual(rows: list[dict[str, Any]], columns: list[str]) -> list[dict[str, Any]]:
    return [{c: (str(row[c]) if c == "date" else row[c]) for c in columns} for row in rows]


def test_there_are_at_least_12_scenarios() -> None:
    assert len(SCENARIOS) >= 12


@pytest.mark.parametrize("folder", SCENARIOS, ids=lambda p: p.name)
def test_golden_scenario(folder: Path) -> None:
    case = load_case(folder)
    agreements, inputs, period = case.agreements, case.inputs, case.period
    header = pl.read_csv(folder / "expected_pay_lines.csv", n_rows=0, comment_prefix="#").columns
    compared = COMPARED + [c for c in OPTIONAL if c in header]
    expected = _expected(folder / "expected_pay_lines.csv", compared)
    engine = evaluate(agreements, inputs, period)
    reference = evaluate_reference(agreements, inputs, period)
    assert _actual(engine.pay_lines.to_dicts(), compared) == expected
    assert _actual(reference.lines, compared) == expected
    rejects = folder / "expected_rejects.csv"
    expected_rejects = (_expected(rejects, ["table", "row_id", "column", "code", "reason"])
                        if rejects.is_file() else [])
    assert engine.rejects.to_dicts() == expected_rejects
    assert reference.rejects == expected_rejects
