"""A consultant's test cases, written as data and run by `paycalc test`.

A case is a folder holding `scenario.yaml`, input tables as CSV (the interchange format),
and the outputs it expects, each an `expected_*.csv` of some of an output's columns:

    # comments (lines starting with #) say how each figure was worked out
    period: {from: 2025-06-02, to: 2025-06-08}
    agreements: [cafe.yaml]          # agreement files, relative to the case
    as_of: 2025-06-08                # optional: the day balances are worked out for
    lock: {date: 2025-05-31, balances: locked.csv}   # optional: start from a lock

Without `assignments.csv` every employee is under the first agreement from 2000-01-01.
The outputs compared are those a file is there for: `expected_pay_lines.csv`,
`expected_rejects.csv`, `expected_transactions.csv` (tracker transactions),
`expected_balances.csv` and `expected_warnings.csv`; a file compares only the columns it
has, row by row in the run's order, numbers by value (8 is 8.000000). Of the warnings, those
of the codes the file names are compared (a file with a header alone: there must be none).
Expected files may hold comment lines; input files may not (a `#` starts no comment in
data). The golden scenarios under `fixtures/` are cases.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import polars as pl

from paycalc.engine import Evaluation, evaluate
from paycalc.errors import DataError, PaycalcError
from paycalc.rules.compiled import Agreement
from paycalc.spec.compile import compile_agreement
from paycalc.spec.load import load_file
from paycalc.tables.datadir import read_tables
from paycalc.tables.inputs import MONEY, Inputs, Opening, Period

SCENARIO = "scenario.yaml"
EXPECTED = {"pay_lines": "expected_pay_lines.csv", "rejects": "expected_rejects.csv",
            "tracker_transactions": "expected_transactions.csv",
            "balances": "expected_balances.csv", "warnings": "expected_warnings.csv"}
"""The output each expected file is compared with."""


@dataclass
class CaseResult:
    """One case run: its name and, per output that differs, a readable diff (or why the
    case could not run)."""

    name: str
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


def find_cases(paths: list[Path]) -> list[Path]:
    """The case folders named by `paths`: each a case (it holds `scenario.yaml`) or a
    folder whose sub-folders, at any depth, hold cases; in name order."""
    found: list[Path] = []
    for path in paths:
        if (path / SCENARIO).is_file():
            found.append(path)
        elif path.is_dir():
            found += sorted(p.parent for p in path.rglob(SCENARIO))
        else:
            raise DataError(f"{path}: no test case here (a case is a folder with {SCENARIO})")
    return found


def run_case(folder: Path) -> CaseResult:
    """Run the case in `folder` with the engine and compare each expected output."""
    result = CaseResult(folder.name)
    try:
        evaluation = _evaluate(folder)
    except PaycalcError as exc:
        result.failures.append("the case cannot run:\n  " + "\n  ".join(exc.lines()))
        return result
    for output, name in EXPECTED.items():
        path = folder / name
        if path.is_file():
            diff = _compare(getattr(evaluation, output), path, output == "warnings")
            if diff:
                result.failures.append(f"{name}:\n{diff}")
    return result


@dataclass(frozen=True)
class Case:
    """What a case evaluates: its agreements, input tables and period, and where it starts
    (`opening`, from its lock) and shows balances (`as_of`)."""

    agreements: list[Agreement]
    inputs: Inputs
    period: Period
    opening: Opening | None
    as_of: dt.date | None


def load_case(folder: Path) -> Case:
    """The case in `folder`; raises `PaycalcError` when it cannot be read."""
    spec = load_file(folder / SCENARIO).data
    try:
        names, period = spec["agreements"], spec["period"]
        agreements = [compile_agreement(folder / name) for name in names]
        inputs = read_tables(folder)
        if inputs.assignments is None and inputs.employees is not None:
            inputs = Inputs(**{**inputs.__dict__, "assignments": inputs.employees.select(
                "employee_id", pl.lit(agreements[0].id).alias("agreement"),
                pl.lit(dt.date(2000, 1, 1)).alias("valid_from"))})
        opening = None
        if "lock" in spec:
            balances = pl.read_csv(folder / spec["lock"]["balances"], comment_prefix="#",
                                   schema_overrides={"tracking_year": pl.Date,
                                                     "balance": MONEY, "accrued": MONEY})
            opening = Opening(spec["lock"]["date"], balances)
        return Case(agreements, inputs, Period(period["from"], period["to"]), opening,
                    spec.get("as_of"))
    except (KeyError, TypeError, IndexError) as exc:
        raise DataError(f"{folder / SCENARIO}: needs period: {{from, to}} and agreements: "
                        f"[files] ({type(exc).__name__}: {exc})") from exc
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise DataError(f"{folder}: {exc}") from exc


def _evaluate(folder: Path) -> Evaluation:
    case = load_case(folder)
    return evaluate(case.agreements, case.inputs, case.period, opening=case.opening,
                    balances_as_of=case.as_of)


def _compare(actual: pl.DataFrame, path: Path, by_code: bool) -> str:
    """A unified diff of the expected rows against the run's, on the expected file's
    columns; empty when they agree."""
    try:
        expected = pl.read_csv(path, infer_schema=False, comment_prefix="#")
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise DataError(f"{path}: cannot be read ({exc})") from exc
    unknown = [c for c in expected.columns if c not in actual.columns]
    if unknown:
        return f"  no output column {', '.join(unknown)} (it has {', '.join(actual.columns)})"
    if by_code and expected.height:
        actual = actual.filter(pl.col("code").is_in(expected["code"].unique().implode()))
    columns = expected.columns
    header = ",".join(columns)
    want = [header, *(_line(row, columns) for row in expected.iter_rows(named=True))]
    got = [header, *(_line(row, columns) for row in actual.select(columns).iter_rows(
        named=True))]
    if want == got:
        return ""
    return "\n".join(difflib.unified_diff(want, got, "expected", "actual", lineterm="", n=1))


def _line(row: dict[str, Any], columns: list[str]) -> str:
    """A row as the text compared: its values joined by commas, numbers by value."""
    return ",".join(_text(row[c]) for c in columns)


def _text(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "|".join(map(str, value))
    text = str(value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text
    if not number.is_finite() or "-" in text.lstrip("-"):  # dates stay as written
        return text
    return "0" if number == 0 else format(number.normalize(), "f")
