"""Every error a user can cause at the command line ends in a message and the documented
exit code (`paycalc.errors`), never in a Python traceback.

Each case runs the real `paycalc` command in a child process, as a payroll team's batch
job would, and checks the exit code, that the last line of standard error says what is
wrong, and that no traceback was printed.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from paycalc.errors import EXIT_DATA, EXIT_OK, EXIT_REJECTS, EXIT_STORE, EXIT_USAGE
from paycalc.spec.bundled import AGREEMENTS_DIR, SAMPLE_DIR

PERIOD = ["--from", "2025-01-01", "--to", "2025-01-31"]


def paycalc(*args: str | Path, cwd: Path) -> tuple[int, str, str]:
    """Exit code, standard output and standard error of `paycalc ARGS` run in `cwd`."""
    done = subprocess.run([sys.executable, "-m", "paycalc", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)
    return done.returncode, done.stdout, done.stderr


def last_line(text: str) -> str:
    return [line for line in text.splitlines() if line.strip()][-1]


def assert_refused(result: tuple[int, str, str], code: int, *words: str) -> None:
    """The command ended with `code`, its last line on standard error holds every one of
    `words`, and nothing printed a traceback."""
    exit_code, out, err = result
    assert exit_code == code, (out, err)
    assert "Traceback" not in out + err, err
    line = last_line(err)
    assert all(word in line for word in words), line


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the shipped sample data directory."""
    folder = tmp_path_factory.mktemp("sample") / "data"
    shutil.copytree(SAMPLE_DIR, folder)
    return folder


def test_a_missing_data_directory(tmp_path: Path) -> None:
    result = paycalc("run", "nowhere", "--agreements", AGREEMENTS_DIR, *PERIOD, "--out", "out",
                     cwd=tmp_path)
    assert_refused(result, EXIT_DATA, "nowhere", "no such data directory")


def test_an_empty_data_directory(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    result = paycalc("run", "data", "--agreements", AGREEMENTS_DIR, *PERIOD, "--out", "out",
                     cwd=tmp_path)
    assert_refused(result, EXIT_DATA, "data: no table to read", "employees.csv")


def test_one_table_as_csv_and_as_parquet(tmp_path: Path, sample: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(sample, data)
    pl.read_csv(data / "figures.csv").write_parquet(data / "figures.parquet")
    result = paycalc("run", data, "--agreements", AGREEMENTS_DIR, *PERIOD, "--out", "out",
                     cwd=tmp_path)
    assert_refused(result, EXIT_DATA, "both figures.csv and figures.parquet",
                   "paycalc does not choose")


def test_a_misspelt_table_is_named_in_a_warning(tmp_path: Path, sample: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(sample, data)
    (data / "figures.csv").rename(data / "figurse.csv")
    code, out, err = paycalc("run", data, "--agreements", AGREEMENTS_DIR, *PERIOD, "--out",
                             "out", "--format", "csv", cwd=tmp_path)
    assert code == EXIT_OK and "Traceback" not in out + err, out + err
    warnings = pl.read_csv(tmp_path / "out" / "warnings.csv")
    assert warnings.filter(pl.col("code") == "UNREAD_FILE")["message"].to_list() == [
        "figurse.csv is not a table paycalc reads, so it was not read; did you mean "
        "'figures.csv'?"]


def test_punches_without_the_optional_punch_id_column_pay_the_same(
        tmp_path: Path, sample: Path) -> None:
    """Rows without a punch id are numbered by their row; before this was mended every such
    row was rejected without a reason and nothing was paid."""
    data = tmp_path / "data"
    shutil.copytree(sample, data)
    with (sample / "punches.csv").open(encoding="utf-8") as stream:
        rows = list(csv.reader(stream))
    drop = rows[0].index("punch_id")
    with (data / "punches.csv").open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows([v for i, v in enumerate(row) if i != drop]
                                     for row in rows)
    runs = {}
    for name, folder in (("with", sample), ("without", data)):
        code, _, err = paycalc("run", folder, "--agreements", AGREEMENTS_DIR, *PERIOD,
                                 "--out", name, "--format", "csv", cwd=tmp_path)
        assert code == EXIT_OK and "Traceback" not in err, err
        runs[name] = pl.read_csv(tmp_path / name / "pay_lines.csv", infer_schema=False)
    assert runs["without"].height == runs["with"].height > 1000
    assert runs["without"].drop("input_ids").equals(runs["with"].drop("input_ids"))
    assert pl.read_csv(tmp_path / "without" / "rejects.csv").height == 0


def test_a_tracker_defined_differently_by_two_agreements_of_one_employee(
        tmp_path: Path) -> None:
    """e1 works under `retail`, then under `retail_flex`, a copy whose FLEX tracker has
    another maximum: one code would be two balances, so e1 keeps no tracker rows and a
    warning names both assignments and both definitions. e2, under `retail_flex` only, and
    e3, under `retail` only, keep theirs: the run goes on."""
    agreements = tmp_path / "agreements"
    agreements.mkdir()
    retail = (AGREEMENTS_DIR / "retail.yaml").read_text(encoding="utf-8")
    (agreements / "retail.yaml").write_text(retail, encoding="utf-8")
    other = retail.replace("agreement: retail\n", "agreement: retail_flex\n").replace(
        "    max: 60\n", "    max: 80\n")
    assert other.count("max: 80") == 1
    (agreements / "retail_flex.yaml").write_text(other, encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    (data / "employees.csv").write_text("employee_id,hourly_rate,employment_start\n"
                                        "e1,150,2020-01-01\ne2,150,2020-01-01\n"
                                        "e3,150,2020-01-01\n", encoding="utf-8")
    (data / "assignments.csv").write_text(
        "employee_id,agreement,valid_from,valid_to\n"
        "e1,retail,2025-01-01,2025-01-15\ne1,retail_flex,2025-01-16,\n"
        "e2,retail_flex,2025-01-01,\ne3,retail,2025-01-01,\n", encoding="utf-8")
    (data / "adjustments.csv").write_text(
        "employee_id,tracker,date,quantity\ne1,FLEX,2025-01-10,2\ne2,FLEX,2025-01-10,3\n",
        encoding="utf-8")
    code, out, err = paycalc("run", data, "--agreements", agreements, *PERIOD, "--out", "out",
                             "--format", "csv", cwd=tmp_path)
    assert "Traceback" not in out + err, err
    assert code == EXIT_REJECTS, out + err      # e1's adjustment is rejected
    flex = retail.splitlines().index("  FLEX:") + 1
    warnings = pl.read_csv(tmp_path / "out" / "warnings.csv")
    assert warnings.filter(pl.col("code") == "TRACKER_DEFINITIONS_DIFFER").select(
        "employee_id", "message").rows() == [(
            "e1", "tracker FLEX is defined one way by retail (assignment "
            "assignments:e1/retail/2025-01-01, "
            f"agreements/retail.yaml:{flex}:3 (trackers.FLEX)) and another by retail_flex "
            "(assignment assignments:e1/retail_flex/2025-01-16, "
            f"agreements/retail_flex.yaml:{flex}:3 "
            "(trackers.FLEX)): the employee's tracker rows are left out")]
    rejects = pl.read_csv(tmp_path / "out" / "rejects.csv")
    assert rejects.select("table", "row", "code").rows() == [
        ("adjustments", 1, "TRACKER_NOT_KEPT")]
    balances = pl.read_csv(tmp_path / "out" / "balances.csv")
    assert sorted(balances["employee_id"].unique()) == ["e2", "e3"]
    assert balances.filter(pl.col("tracker") == "FLEX").select(
        "employee_id", "balance").sort("employee_id").rows() == [("e2", 3.0), ("e3", 0.0)]


@pytest.mark.parametrize("command", [
    ["transfer", "nowhere", "--store", "runs.sqlite", "--definitive", "--out", "export"],
    ["report", "nowhere", "--out", "report.csv"],
    ["explain", "e1", "2025-01-02", "--run", "nowhere"],
])
def test_a_missing_run_folder(tmp_path: Path, command: list[str]) -> None:
    assert_refused(paycalc(*command, cwd=tmp_path), EXIT_DATA, "nowhere",
                   "not the output folder of")


def test_a_file_that_is_not_a_run_store(tmp_path: Path, sample: Path) -> None:
    (tmp_path / "runs.sqlite").write_text("not a database\n", encoding="utf-8")
    result = paycalc("run", sample, "--agreements", AGREEMENTS_DIR, *PERIOD, "--out", "out",
                     "--store", "runs.sqlite", cwd=tmp_path)
    assert_refused(result, EXIT_STORE, "runs.sqlite", "not a run store")


def test_a_corrupt_parquet_file(tmp_path: Path, sample: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(sample, data)
    (data / "punches.csv").unlink()
    (data / "punches.parquet").write_bytes(b"PAR1 this is not parquet")
    result = paycalc("run", data, "--agreements", AGREEMENTS_DIR, *PERIOD, "--out", "out",
                     cwd=tmp_path)
    assert_refused(result, EXIT_DATA, "punches.parquet", "cannot be read as PARQUET")


def test_a_reversed_period_is_a_usage_error(tmp_path: Path, sample: Path) -> None:
    result = paycalc("run", sample, "--agreements", AGREEMENTS_DIR, "--from", "2025-02-01",
                     "--to", "2025-01-01", "--out", "out", cwd=tmp_path)
    assert_refused(result, EXIT_USAGE, "ends (2025-01-01) before it starts")


def test_a_definitive_transfer_refuses_money_lines_without_an_amount(tmp_path: Path) -> None:
    """Sales figures paid as a salary type of unit `amount` that is not priced are neither
    a pay nor a time transaction: the transfer names the type and writes nothing."""
    agreements = tmp_path / "agreements"
    agreements.mkdir()
    (agreements / "shop.yaml").write_text(
        "agreement: shop\ntime_zone: Europe/Stockholm\nsalary_types:\n"
        "  SALES: {unit: amount}\nfigures: {sales: SALES}\n", encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    (data / "employees.csv").write_text("employee_id,employment_start\ne1,2020-01-01\n",
                                        encoding="utf-8")
    (data / "assignments.csv").write_text("employee_id,agreement,valid_from\n"
                                          "e1,shop,2020-01-01\n", encoding="utf-8")
    (data / "figures.csv").write_text("employee_id,date,kind,value\ne1,2025-01-10,sales,1200\n",
                                      encoding="utf-8")
    code, out, err = paycalc("run", data, "--agreements", agreements, *PERIOD, "--out", "out",
                             "--store", "runs.sqlite", cwd=tmp_path)
    assert code == EXIT_OK, out + err
    assert_refused(paycalc("transfer", "out", "--store", "runs.sqlite", "--definitive",
                           "--out", "export", cwd=tmp_path),
                   EXIT_STORE, "unit 'amount' have no amount", "shop: SALES")
    assert not (tmp_path / "export").exists()


def test_implausible_values_are_rejected_not_paid(tmp_path: Path, sample: Path) -> None:
    """A 49.5-hour punch (a forgotten punch-out), a negative break, a negative rate and
    30 hours of absence a day are rejected with their reason, never paid."""
    data = tmp_path / "data"
    shutil.copytree(sample, data)
    with (data / "punches.csv").open("a", encoding="utf-8") as stream:
        stream.write("p-long,e1,2025-01-05T08:00:00,2025-01-07T09:30:00,0,SALES\n"
                     "p-neg,e2,2025-01-08T08:00:00,2025-01-08T12:00:00,-600,SALES\n")
    absences = pl.read_csv(data / "absences.csv", infer_schema=False)
    pl.concat([absences.with_columns(pl.lit(None, pl.String).alias("hours_per_day")),
               pl.DataFrame([("e3", "2025-01-21", "2025-01-21", "VAC", "30")],
                            schema=[*absences.columns, "hours_per_day"], orient="row")]
              ).write_csv(data / "absences.csv")
    employees = pl.read_csv(data / "employees.csv", infer_schema=False).with_columns(
        pl.when(pl.col("employee_id") == "e5").then(pl.lit("-150.00"))
        .otherwise(pl.col("hourly_rate")).alias("hourly_rate"))
    employees.write_csv(data / "employees.csv")
    code, out, err = paycalc("run", data, "--agreements", AGREEMENTS_DIR, *PERIOD, "--out",
                             "out", "--format", "csv", cwd=tmp_path)
    assert code == EXIT_REJECTS and "Traceback" not in out + err, out + err
    rejects = pl.read_csv(tmp_path / "out" / "rejects.csv").filter(
        pl.col("code").is_in(["PUNCH_TOO_LONG", "BELOW_MINIMUM", "ABOVE_MAXIMUM"]))
    assert rejects.select("file", "column", "reason").sort("file", "column").rows() == [
        ("absences.csv", "hours_per_day", "hours_per_day is above 24"),
        ("employees.csv", "hourly_rate", "hourly_rate is below 0"),
        ("punches.csv", "break_minutes", "break_minutes is below 0"),
        ("punches.csv", "end", "the punch lasts 49.5 h, longer than a punch may (24 h): a "
                               "forgotten punch-out?")]
    lines = pl.read_csv(tmp_path / "out" / "pay_lines.csv", infer_schema=False)
    assert not lines.filter(pl.col("input_ids").str.contains("p-long|p-neg")).height
