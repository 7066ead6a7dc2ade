"""CSV outputs a person opens in a spreadsheet (the time reports and the payroll export's
CSV) quote text cells that start like a formula, as OWASP advises against CSV injection;
numbers keep their sign."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polars as pl

from paycalc.errors import EXIT_OK

EVIL = '=HYPERLINK("http://x.example","pay")'


def paycalc(*args: str | Path, cwd: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "paycalc", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == EXIT_OK, done.stdout + done.stderr


def test_formulas_in_ids_and_teams_are_shown_as_text(tmp_path: Path) -> None:
    agreements = tmp_path / "agreements"
    agreements.mkdir()
    (agreements / "shop.yaml").write_text(
        "agreement: shop\ntime_zone: Europe/Stockholm\nmoney: {currency: SEK}\n"
        "salary_types:\n  ORD: {unit: hours, pricing: {method: hourly_rate}}\n"
        "  BONUS: {unit: amount, pricing: {method: as_given}}\n"
        "time_rules: {ordinary_salary_type: ORD}\nfigures: {bonus: BONUS}\n",
        encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    pl.DataFrame({"employee_id": [EVIL], "employment_start": ["2020-01-01"],
                  "hourly_rate": ["100"], "team": ["@SUM(A1)"]}).write_csv(
        data / "employees.csv")
    pl.DataFrame({"employee_id": [EVIL], "agreement": ["shop"],
                  "valid_from": ["2020-01-01"]}).write_csv(data / "assignments.csv")
    pl.DataFrame({"employee_id": [EVIL], "start": ["2025-01-13T08:00:00"],
                  "end": ["2025-01-13T12:00:00"]}).write_csv(data / "punches.csv")
    pl.DataFrame({"employee_id": [EVIL], "date": ["2025-01-13"], "kind": ["bonus"],
                  "value": ["-50"]}).write_csv(data / "figures.csv")
    paycalc("run", data, "--agreements", agreements, "--from", "2025-01-13", "--to",
            "2025-01-13", "--out", "run", "--format", "csv", "--store", "runs.sqlite",
            cwd=tmp_path)
    paycalc("report", "run", "--out", "report.csv", "--column", "salary", cwd=tmp_path)
    report = pl.read_csv(tmp_path / "report.csv", infer_schema=False)
    # 4 h x 100.00 = 400.00, less the bonus of -50.00: 350.00
    assert report.rows() == [("'" + EVIL, "'@SUM(A1)", "350.00", "SEK")]
    paycalc("transfer", "run", "--store", "runs.sqlite", "--preliminary", "--out", "export",
            cwd=tmp_path)
    export = pl.read_csv(tmp_path / "export" / "payroll_2025-01-13_2025-01-13.csv",
                         infer_schema=False)
    assert export.select("employee_id", "salary_type", "amount").rows() == [
        ("'" + EVIL, "BONUS", "-50.00"), ("'" + EVIL, "ORD", "400.00")]
    # the machine outputs keep the id as it is
    lines = pl.read_csv(tmp_path / "run" / "pay_lines.csv", infer_schema=False)
    assert set(lines["employee_id"]) == {EVIL}
