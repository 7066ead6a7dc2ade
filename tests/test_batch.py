"""Batch runs over data directories: every bad row rejected with file, row, column and
reason, the rest evaluated as if the bad rows had never been there, every row accounted
for, and the same inputs giving byte-identical outputs."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from paycalc.batch.run import period_of, run_directory
from paycalc.cli import EXIT_DATA, EXIT_OK, EXIT_REJECTS, main
from paycalc.engine import evaluate
from paycalc.errors import DataError, InputError
from paycalc.spec.bundled import AGREEMENTS_DIR
from paycalc.spec.compile import compile_agreement
from paycalc.tables.datadir import read_directory, write_tables
from paycalc.tables.inputs import Inputs
from paycalc.tables.sample_data import generate

BAD_ROWS = Path(__file__).resolve().parent.parent / "fixtures" / "batch" / "bad_rows"
SPRING = period_of(dt.date(2025, 3, 1), dt.date(2025, 6, 30))


def _csv(path: Path) -> list[tuple[str, ...]]:
    return pl.read_csv(path, infer_schema=False, comment_prefix="#").rows()


def test_every_bad_row_is_rejected_with_its_file_row_column_and_reason() -> None:
    batch = run_directory(BAD_ROWS, [AGREEMENTS_DIR], SPRING)
    found = batch.rejects.select(pl.all().cast(pl.String)).select(
        "file", "row", "column", "code", "reason").rows()
    assert found == _csv(BAD_ROWS / "expected_rejects.csv")
    counts = batch.accounting.select(pl.all().cast(pl.String)).select(
        "file", "read", "used", "rejected").rows()
    assert counts == _csv(BAD_ROWS / "expected_row_counts.csv")
    # only the usable rows are paid: p5 and p11, and the vacation week
    assert sorted({i for ids in batch.evaluation.pay_lines["input_ids"] for i in ids}) == [
        "absences:e1/2025-06-23/VAC", "p11", "p5"]


def test_strict_stops_at_the_first_bad_row() -> None:
    with pytest.raises(DataError, match=r"absences.csv: row 2: end_date: end_date is before"):
        read_directory(BAD_ROWS, ["retail"], strict=True)


def test_a_file_without_a_required_column_cannot_be_read(tmp_path: Path) -> None:
    pl.read_csv(BAD_ROWS / "punches.csv", comment_prefix="#").drop("start").write_csv(
        tmp_path / "punches.csv")
    with pytest.raises(DataError, match=r"punches.csv: no column start \(the punches table "
                                        r"needs employee_id, start, end\)"):
        read_directory(tmp_path, ["retail"])


def test_typed_parquet_values_convert_only_when_exact(tmp_path: Path) -> None:
    """A Parquet column of another type converts without guessing: a whole float is a
    whole number, 30.5 minutes is not; an integer is no date; a datetime is a date only at
    midnight; a decimal keeps its value; every other row is read."""
    day = [dt.datetime(2025, 3, d, 8) for d in (3, 4, 5)]
    pl.DataFrame({"employee_id": ["e1"] * 3, "punch_id": ["p1", "p2", "p3"], "start": day,
                  "end": [d.replace(hour=16) for d in day],
                  "break_minutes": [30.0, 30.5, 1e30]}).write_parquet(
        tmp_path / "punches.parquet")
    pl.DataFrame({"employee_id": ["e1", "e2", "e3"],
                  "employment_start": [dt.datetime(2024, 1, 1), None, dt.datetime(2024, 1, 1, 9)],
                  "birth_date": [None, 20250301, None],
                  "hourly_rate": pl.Series([Decimal("180.25"), None, None],
                                           dtype=pl.Decimal(10, 2))}).write_parquet(
        tmp_path / "employees.parquet")
    intake = read_directory(tmp_path, ["retail"])
    assert intake.rejects.select("file", "row", "column", "reason").rows() == [
        ("employees.parquet", 2, "birth_date", "'20250301' is not a date (YYYY-MM-DD)"),
        ("employees.parquet", 3, "employment_start",
         "'2024-01-01 09:00:00.000000' is not a date (YYYY-MM-DD)"),
        ("punches.parquet", 2, "break_minutes", "'30.5' is not a whole number"),
        ("punches.parquet", 3, "break_minutes", "'1e+30' is not a whole number"),
    ]
    assert intake.inputs.punches is not None and intake.inputs.employees is not None
    assert intake.inputs.punches.select("punch_id", "break_minutes").rows() == [("p1", 30)]
    assert intake.inputs.employees.select("employment_start", "hourly_rate").rows() == [
        (dt.date(2024, 1, 1), Decimal("180.25"))]


def test_frames_passed_to_the_library_convert_exactly_or_raise() -> None:
    """The engine's own inputs follow the reader's rule: a whole float is a number of
    minutes, 30.5 is an error naming table, row and column, never 30."""
    retail = compile_agreement(AGREEMENTS_DIR / "retail.yaml")
    clean = generate(employees=1, days=3, seed=1)
    assert clean.punches is not None
    period = period_of(dt.date(2025, 1, 1), dt.date(2025, 1, 3))
    expected = evaluate([retail], clean, period).pay_lines
    as_floats = clean.punches.with_columns(pl.col("break_minutes").cast(pl.Float64))
    same = evaluate([retail], Inputs(**{**clean.__dict__, "punches": as_floats}), period)
    assert same.pay_lines.equals(expected)
    broken = as_floats.with_columns(pl.when(pl.int_range(pl.len()) == 1).then(30.5)
                                    .otherwise(pl.col("break_minutes")).alias("break_minutes"))
    with pytest.raises(InputError, match=r"^punches: row 2: break_minutes: '30.5' is not a "
                                         r"whole number$"):
        evaluate([retail], Inputs(**{**clean.__dict__, "punches": broken}), period)


def test_a_generated_directory_with_injected_bad_rows(tmp_path: Path) -> None:
    """The lines of a run over a dirty copy of generated data equal the engine's lines of the
    clean data: each injected row is rejected, nothing else is lost."""
    clean = generate(employees=12, days=31, seed=3)
    agreements = _only_retail(tmp_path)
    retail = compile_agreement(agreements / "retail.yaml")
    period = period_of(dt.date(2025, 1, 1), dt.date(2025, 1, 31))
    expected = evaluate([retail], clean, period)

    punches = clean.punches
    staff = clean.employees
    assert punches is not None and staff is not None
    first = punches.row(0, named=True)
    free_day = _a_day_without_punches(punches, first["employee_id"])
    injected = pl.DataFrame([
        first,                                                      # exact copy: rejected
        {**first, "punch_id": "x-unknown", "employee_id": "nobody"},  # unknown employee
        {**first, "punch_id": "x-open", "start": dt.datetime(2025, 1, 20, 8), "end": None,
         "employee_id": "e1"},                                      # open punch
        {**first, "punch_id": "x-a", "start": free_day.replace(hour=8),
         "end": free_day.replace(hour=12)},                         # x-a and x-b overlap
        {**first, "punch_id": "x-b", "start": free_day.replace(hour=11),
         "end": free_day.replace(hour=15)},
    ], schema=punches.schema)
    dirty = Inputs(**{**clean.__dict__, "punches": pl.concat([punches, injected]),
                      "employees": pl.concat([staff, staff.head(1)])})
    folder = tmp_path / "data"
    write_tables(dirty, folder)
    batch = run_directory(folder, [agreements], period)

    read = len(punches) + len(injected)
    rejected_rows = set(batch.rejects.filter(pl.col("table") == "punches")["row"])
    assert rejected_rows == set(range(len(punches) + 1, read + 1))
    assert batch.rejects.filter(pl.col("table") == "employees")["reason"].to_list() == [
        "exact duplicate of row 1"]
    counts = {r["table"]: (r["read"], r["used"], r["rejected"])
              for r in batch.accounting.iter_rows(named=True)}
    assert counts["punches"] == (read, len(punches), len(injected))
    assert counts["employees"] == (len(staff) + 1, len(staff), 1)
    assert batch.evaluation.pay_lines.equals(expected.pay_lines)
    assert batch.evaluation.balances.equals(expected.balances)


def _a_day_without_punches(punches: pl.DataFrame, employee: str) -> dt.datetime:
    worked = set(punches.filter(pl.col("employee_id") == employee)["start"].dt.date())
    day = next(dt.date(2025, 1, 1) + dt.timedelta(days=n) for n in range(31)
               if dt.date(2025, 1, 1) + dt.timedelta(days=n) not in worked)
    return dt.datetime.combine(day, dt.time())


def _only_retail(tmp_path: Path) -> Path:
    folder = tmp_path / "agreements"
    folder.mkdir()
    (folder / "retail.yaml").write_bytes((AGREEMENTS_DIR / "retail.yaml").read_bytes())
    return folder


def _run(out: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, [
        "run", str(BAD_ROWS), "--agreements", str(AGREEMENTS_DIR), "--from", "2025-03-01",
        "--to", "2025-06-30", "--out", str(out), *extra])
    return result.exit_code, result.output


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_the_same_inputs_give_byte_identical_outputs(tmp_path: Path, fmt: str) -> None:
    code, output = _run(tmp_path / "one", "--format", fmt)
    assert code == EXIT_REJECTS, output
    assert _run(tmp_path / "two", "--format", fmt)[0] == EXIT_REJECTS
    one = sorted(str(p.relative_to(tmp_path / "one")) for p in (tmp_path / "one").rglob("*"))
    assert one == sorted(str(p.relative_to(tmp_path / "two"))
                         for p in (tmp_path / "two").rglob("*"))
    assert f"pay_lines.{fmt}" in one and "manifest.json" in one and "report/index.html" in one
    for name in one:
        if name != "manifest.json" and (tmp_path / "one" / name).is_file():
            assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name
                                                              ).read_bytes(), name
    # the manifests differ only in how each run was invoked (its --out)
    first, second = (json.loads((tmp_path / run / "manifest.json").read_text())
                     for run in ("one", "two"))
    assert first.pop("invocation")["command"][-3:-2] == [str(tmp_path / "one")]
    assert second.pop("invocation")["command"][-3:-2] == [str(tmp_path / "two")]
    assert first == second


def test_the_manifest_names_every_input_with_its_hash_and_row_counts(tmp_path: Path) -> None:
    _run(tmp_path, "--format", "csv")
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    punches = next(i for i in manifest["inputs"] if i["table"] == "punches")
    assert punches == {
        "table": "punches", "file": "punches.csv", "rows_read": 16, "rows_used": 2,
        "rows_rejected": 14,
        "sha256": hashlib.sha256((BAD_ROWS / "punches.csv").read_bytes()).hexdigest()}
    rejects = next(o for o in manifest["outputs"] if o["table"] == "rejects")
    assert rejects["rows"] == len(_csv(BAD_ROWS / "expected_rejects.csv"))
    written = (tmp_path / "rejects.csv").read_bytes()
    assert rejects["sha256"] == hashlib.sha256(written).hexdigest()
    assert manifest["period"] == {"from": "2025-03-01", "to": "2025-06-30"}
    lines = pl.read_csv(tmp_path / "pay_lines.csv", infer_schema=False)
    assert lines.filter(pl.col("employee_id") == "e2")["input_ids"].to_list() == ["p11", "p11"]


def test_exit_codes(tmp_path: Path) -> None:
    assert _run(tmp_path / "strict", "--strict")[0] == EXIT_DATA
    clean = tmp_path / "clean"
    write_tables(generate(employees=2, days=3), clean)
    result = CliRunner().invoke(main, [
        "run", str(clean), "--agreements", str(AGREEMENTS_DIR), "--from", "2025-01-01",
        "--to", "2025-01-03", "--out", str(tmp_path / "out")])
    assert result.exit_code == EXIT_OK, result.output
    assert "punches.csv" in result.output and "payable SEK" in result.output
    backwards = CliRunner().invoke(main, [
        "run", str(clean), "--agreements", str(AGREEMENTS_DIR), "--from", "2025-01-03",
        "--to", "2025-01-01", "--out", str(tmp_path / "out")])
    assert backwards.exit_code == 2 and "ends (2025-01-01) before it starts" in backwards.output
