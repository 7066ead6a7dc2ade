"""The library says no: `evaluate` and `Period` check their arguments and raise
`InputError` (a `PaycalcError`) naming the argument, table, row and column, instead of
returning nothing, paying a guess or failing with an `AttributeError`."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from paycalc import InputError, Inputs, PaycalcError, Period, compile_agreement, evaluate
from paycalc.spec.bundled import AGREEMENTS_DIR

RETAIL = compile_agreement(AGREEMENTS_DIR / "retail.yaml")
DAY = Period(dt.date(2025, 6, 2), dt.date(2025, 6, 2))
GOOD = Inputs(
    employees=pl.DataFrame({"employee_id": ["e1"], "hourly_rate": ["150.00"],
                            "employment_start": [dt.date(2020, 1, 1)]}),
    assignments=pl.DataFrame({"employee_id": ["e1", "e1"], "agreement": ["retail", "retail"],
                              "valid_from": [dt.date(2020, 1, 1), dt.date(2025, 1, 1)]}),
    punches=pl.DataFrame({"employee_id": ["e1"], "start": [dt.datetime(2025, 6, 2, 8)],
                          "end": [dt.datetime(2025, 6, 2, 13)]}))


def test_good_arguments_pay() -> None:
    # no schedule: the 5 hours are overtime beyond the schedule, 2 at 50 %, 3 at 100 %
    lines = evaluate([RETAIL], GOOD, DAY).pay_lines
    assert dict(lines.select("salary_type", "amount").rows()) == {
        "OT50": Decimal("450.00"), "OT100": Decimal("900.00")}


def _refused(call: object, words: str) -> None:
    assert callable(call)
    with pytest.raises(InputError) as refused:
        call()
    assert isinstance(refused.value, PaycalcError)
    assert str(refused.value) == words


def test_an_assignment_to_an_agreement_not_passed_in() -> None:
    assert GOOD.assignments is not None
    other = dataclasses.replace(GOOD, assignments=GOOD.assignments.with_columns(
        pl.Series("agreement", ["retail", "hourly"])))
    _refused(lambda: evaluate([RETAIL], other, DAY),
             "assignments: row 2: agreement: 'hourly' is not one of the agreements passed "
             "(retail)")


def test_a_table_without_a_required_column() -> None:
    assert GOOD.employees is not None and GOOD.punches is not None
    _refused(lambda: evaluate([RETAIL], dataclasses.replace(
        GOOD, employees=GOOD.employees.rename({"employee_id": "id"})), DAY),
        "employees: no column employee_id (the table needs employee_id)")
    _refused(lambda: evaluate([RETAIL], dataclasses.replace(
        GOOD, punches=GOOD.punches.drop("end")), DAY),
        "punches: no column end (the table needs employee_id, start, end)")


def test_a_reversed_or_undated_period() -> None:
    _refused(lambda: Period(dt.date(2025, 6, 3), dt.date(2025, 6, 1)),
             "Period: it ends (2025-06-01) before it starts (2025-06-03)")
    _refused(lambda: Period(dt.datetime(2025, 6, 1, 8), dt.date(2025, 6, 1)),  # type: ignore
             "Period start: datetime.datetime(2025, 6, 1, 8, 0) is not a date "
             "(datetime.date)")


def test_a_float_that_is_not_the_decimal_it_prints_as() -> None:
    assert GOOD.employees is not None
    inexact = dataclasses.replace(GOOD, employees=GOOD.employees.with_columns(
        pl.lit(150.1).alias("hourly_rate")))
    _refused(lambda: evaluate([RETAIL], inexact, DAY),
             "employees: row 1: hourly_rate: the float 150.1 is not exactly 150.1 (binary "
             "floating point cannot hold it): pass it as text or as a decimal")
    exact = dataclasses.replace(GOOD, employees=GOOD.employees.with_columns(
        pl.lit(150.5).alias("hourly_rate")))
    lines = evaluate([RETAIL], exact, DAY).pay_lines
    assert dict(lines.select("salary_type", "rate").rows()) == {
        "OT50": Decimal("225.75"), "OT100": Decimal("301")}


@pytest.mark.parametrize(("agreements", "inputs", "period", "words"), [
    ([AGREEMENTS_DIR / "retail.yaml"], GOOD, DAY,
     "agreements[0]: expected a compiled agreement (paycalc.compile_agreement(path)), got "
     "PosixPath"),
    (RETAIL, GOOD, DAY, "agreements: expected a list of compiled agreements "
                        "(paycalc.compile_agreement), got Agreement"),
    ([RETAIL, RETAIL], GOOD, DAY, "agreements: retail given more than once"),
    ([RETAIL], {"employees": None}, DAY, "inputs: expected paycalc.Inputs, got dict"),
    ([RETAIL], GOOD, (dt.date(2025, 6, 2), dt.date(2025, 6, 2)),
     "period: expected paycalc.Period, got tuple"),
    ([RETAIL], Inputs(employees=[{"employee_id": "e1"}]),  # type: ignore[arg-type]
     DAY, "employees: expected a Polars DataFrame, got list"),
])
def test_arguments_of_the_wrong_kind(agreements: object, inputs: object, period: object,
                                     words: str) -> None:
    _refused(lambda: evaluate(agreements, inputs, period),  # type: ignore[arg-type]
             words)


def test_the_batch_functions_say_no_too(tmp_path: Path) -> None:
    """run_directory, transfer_run, write_run and time_report name the wrong argument;
    paths may be given as text."""
    from paycalc import ReportOptions, RunStore, run_directory, time_report, transfer_run, write_run
    from paycalc.spec.bundled import SAMPLE_DIR

    january = Period(dt.date(2025, 1, 1), dt.date(2025, 1, 31))
    _refused(lambda: run_directory(SAMPLE_DIR, [AGREEMENTS_DIR], (1, 2)),  # type: ignore
             "period: expected paycalc.Period, got tuple")
    batch = run_directory(str(SAMPLE_DIR), [str(AGREEMENTS_DIR)], january)  # type: ignore
    assert batch.tables()["pay_lines"].height > 0
    _refused(lambda: transfer_run(tmp_path, RunStore(tmp_path / "s.sqlite"),
                                  "final", tmp_path / "x"),  # type: ignore[arg-type]
             "kind: 'final' is no kind of transfer (preliminary or definitive)")
    _refused(lambda: write_run("out", tmp_path / "out"),  # type: ignore[arg-type]
             "batch: expected the Batch of run_directory, got str")
    with pytest.raises(InputError, match="sheet: expected a run's time_sheet table"):
        time_report(pl.DataFrame({"a": [1]}), ReportOptions())
    assert compile_agreement(str(AGREEMENTS_DIR / "retail.yaml")).id == "retail"  # type: ignore
