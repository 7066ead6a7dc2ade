"""Billable time through the command line, as a consultancy runs it: a month's run reads
time logs and timer events (with rows it must reject), writes time logs, timesheets and
invoice lines, accounts for every row, and `paycalc invoice` writes the customer's invoice
as CSV and as a printable page; the next month's run bills only the next month."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
from click.testing import CliRunner

from paycalc.cli import main

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "billing"


def _data(tmp_path: Path) -> tuple[Path, Path]:
    data, agreements = tmp_path / "data", tmp_path / "agreements"
    data.mkdir()
    agreements.mkdir()
    shutil.copy(FIXTURES / "01_consultancy_case" / "consultancy.yaml", agreements)
    (data / "employees.csv").write_text("employee_id,employment_start\nc1,2020-01-01\n")
    (data / "assignments.csv").write_text(
        "employee_id,agreement,valid_from\nc1,consultancy,2020-01-01\n")
    (data / "timelogs.csv").write_text(
        (FIXTURES / "01_consultancy_case" / "timelogs.csv").read_text()
        + "L4,c1,2025-04-02T09:00:00,2025-04-02T09:30:00,ROSSI,CASE-7,SPECIALIST,true,april\n"
        + "L5,c1,2025-03-05T09:00:00,,ROSSI,CASE-7,SPECIALIST,true,no end\n")
    (data / "timer_events.csv").write_text(
        "employee_id,timer,at,event,customer,case,service,billable\n"
        "c1,T1,2025-03-06T09:00:00,start,ROSSI,CASE-8,SPECIALIST,true\n"
        "c1,T1,2025-03-06T09:40:00,stop,,,,\n"
        "c1,T2,2025-03-07T09:00:00,start,ROSSI,CASE-8,SPECIALIST,true\n")
    return data, agreements


def test_month_after_month_with_invoices(tmp_path: Path) -> None:
    data, agreements = _data(tmp_path)
    runner = CliRunner()
    march = tmp_path / "march"
    result = runner.invoke(main, ["run", str(data), "--agreements", str(agreements),
                                  "--from", "2025-03-01", "--to", "2025-03-31",
                                  "--out", str(march), "--format", "csv"])
    assert result.exit_code == 4, result.output  # done, with rejected rows
    rejects = pl.read_csv(march / "rejects.csv")
    # L5 has no end; timer T2 is never stopped
    assert sorted(zip(rejects["row_id"], rejects["code"], strict=True)) == [
        ("L5", "MISSING_VALUE"),
        ("timer_events:c1/T2/2025-03-07T09:00:00/start", "TIMER_NOT_STOPPED")]
    counts = {r["table"]: (r["read"], r["used"], r["rejected"])
              for r in pl.read_csv(march / "row_counts.csv").to_dicts()}
    assert counts["timelogs"] == (5, 4, 1)
    assert counts["timer_events"] == (3, 2, 1)
    lines = pl.read_csv(march / "invoice_lines.csv", infer_schema=False)
    # CASE-7: 3:45 billed at 60 = 225.00; CASE-8: the timer's 40 min = 0.666667 h = 40.00
    assert lines.select("case", "billable", "quantity", "amount").rows() == [
        ("CASE-7", "true", "3.750000", "225.00"), ("CASE-7", "false", "0.750000", None),
        ("CASE-8", "true", "0.666667", "40.00")]
    index = (march / "report" / "index.html").read_text()
    billing = index[index.index('id="billing"'):index.index('id="trackers"')]
    # one customer in USD: 3.75 + 0.75 billed hours (15 min rounding is not declared),
    # 265.00 invoiced; 0.75 hours not billed; timesheet hours by status
    assert "265.00" in billing and "4.42" in billing and ">0.75<" in billing
    assert "approved hours" in billing and ">5.17<" in billing
    invoice = tmp_path / "rossi.csv"
    result = runner.invoke(main, ["invoice", str(march), "--customer", "ROSSI",
                                  "--out", str(invoice)])
    assert result.exit_code == 0, result.output
    assert "USD 265.00" in result.output
    page = tmp_path / "rossi.html"
    result = runner.invoke(main, ["invoice", str(march), "--customer", "ROSSI",
                                  "--case", "CASE-8", "--out", str(page)])
    assert result.exit_code == 0, result.output
    text = page.read_text()
    assert "Invoice: ROSSI, case CASE-8" in text and "40.00" in text and "225.00" not in text
    result = runner.invoke(main, ["invoice", str(march), "--customer", "NOBODY",
                                  "--out", str(tmp_path / "x.csv")])
    assert result.exit_code == 3 and "no approved time of customer NOBODY" in result.output
    april = tmp_path / "april"
    result = runner.invoke(main, ["run", str(data), "--agreements", str(agreements),
                                  "--from", "2025-04-01", "--to", "2025-04-30",
                                  "--out", str(april), "--format", "csv"])
    # April bills only L4 (30 min = 30.00); March's rows are read and not billed again
    lines = pl.read_csv(april / "invoice_lines.csv", infer_schema=False)
    assert lines.select("case", "quantity", "amount").rows() == [("CASE-7", "0.500000",
                                                                  "30.00")]
    sheets = pl.read_csv(april / "timesheets.csv")
    assert sheets.select("period_start", "approved").rows() == [("2025-03-31", 1800)]


def test_logs_paid_through_the_payroll_cycle(tmp_path: Path) -> None:
    """Approved logs paid as worked time (scenario 09's agreement, hourly rate 400): March
    run and transferred, April run and transferred, then a March log found an hour longer:
    May's run pays the locked day's difference as a correction and bills nothing twice."""
    data, agreements = tmp_path / "data", tmp_path / "agreements"
    data.mkdir()
    agreements.mkdir()
    shutil.copy(FIXTURES / "09_logs_paid_as_worked_time" / "consultancy.yaml", agreements)
    (data / "employees.csv").write_text("employee_id,employment_start,hourly_rate\n"
                                        "c1,2020-01-01,400\n")
    (data / "assignments.csv").write_text(
        "employee_id,agreement,valid_from\nc1,consultancy,2020-01-01\n")
    logs = ("log_id,employee_id,start,end,customer,service,billable\n"
            "L1,c1,2025-03-04T09:00:00,2025-03-04T11:00:00,C1,ADVICE,true\n"
            "L2,c1,2025-04-02T09:00:00,2025-04-02T10:00:00,C1,ADVICE,true\n")
    (data / "timelogs.csv").write_text(logs)
    store = str(tmp_path / "runs.sqlite")
    runner = CliRunner()

    def run(month: str, last: str) -> Path:
        out = tmp_path / month
        result = runner.invoke(main, ["run", str(data), "--agreements", str(agreements),
                                      "--from", f"2025-{month}-01", "--to", f"2025-{month}-{last}",
                                      "--out", str(out), "--store", store])
        assert result.exit_code == 0, result.output
        return out

    def transfer(out: Path) -> None:
        result = runner.invoke(main, ["transfer", str(out), "--store", store, "--definitive",
                                      "--out", str(tmp_path / f"export-{out.name}")])
        assert result.exit_code == 0, result.output

    def paid(out: Path) -> list[tuple[object, ...]]:
        return pl.read_parquet(out / "pay_lines.parquet").select(
            pl.col("date").cast(pl.String), "salary_type", "seconds",
            pl.col("amount").cast(pl.String), "rule").rows()

    def billed(out: Path) -> list[tuple[object, ...]]:
        return pl.read_parquet(out / "invoice_lines.parquet").select(
            "log_ids", pl.col("amount").cast(pl.String)).rows()

    march = run("03", "31")
    assert paid(march) == [("2025-03-04", "CONSULTING", 7200, "800.0000",
                            "billing.payroll.salary_type")]
    assert billed(march) == [(["L1"], "2400.0000")]
    result = runner.invoke(main, ["invoice", str(march), "--customer", "C1", "--out",
                                  str(tmp_path / "march.html")])
    assert result.exit_code == 0 and "SEK 2,400.00" in result.output, result.output
    transfer(march)
    april = run("04", "30")
    assert paid(april) == [("2025-04-02", "CONSULTING", 3600, "400.0000",
                            "billing.payroll.salary_type")]
    assert billed(april) == [(["L2"], "1200.0000")]
    transfer(april)
    (data / "timelogs.csv").write_text(logs.replace("2025-03-04T11:00:00",
                                                    "2025-03-04T12:00:00"))
    may = run("05", "31")
    # the locked 4 March now pays 3 h: the hour more is a correction of 400.00; the
    # changed log was invoiced in March and is not invoiced again
    assert paid(may) == [("2025-03-04", "CONSULTING", 3600, "400.0000", "correction")]
    assert billed(may) == []


def test_invoiced_amounts_without_a_declared_currency_are_shown(tmp_path: Path) -> None:
    data, agreements = _data(tmp_path)
    agreement = agreements / "consultancy.yaml"
    agreement.write_text(agreement.read_text().replace("money: {currency: USD}\n", ""))
    result = CliRunner().invoke(main, ["run", str(data), "--agreements", str(agreements),
                                       "--from", "2025-03-01", "--to", "2025-03-31",
                                       "--out", str(tmp_path / "out")])
    assert result.exit_code == 4, result.output
    index = (tmp_path / "out" / "report" / "index.html").read_text()
    billing = index[index.index('id="invoice-totals-table"'):index.index('id="customer-table"')]
    assert "(none declared)" in billing and "265.00" in billing
