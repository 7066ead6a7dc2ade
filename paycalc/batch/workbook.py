"""A run as an Excel workbook (`paycalc report RUN --xlsx FILE`), for a payroll team that
checks a run in a spreadsheet.

Four sheets, each with a frozen header row and filters: `pay lines` (per employee,
agreement, salary type and currency: quantity and payable amount, amounts at the money
decimals of the run's agreements), `balances` (the tracker balance report,
`tracker_report`), `time sheet` (the detailed time report in hours) and `rejects`. Numbers
are number cells, dates date cells; text cells that start like a formula are written as
text (xlsxwriter writes strings as strings, never as formulas, unless told to). Written with
Polars' `write_excel` through xlsxwriter.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from xlsxwriter import Workbook

from paycalc.batch.corrections import CORRECTED_LINES
from paycalc.batch.run_folder import RunFolder
from paycalc.batch.time_reports import ReportOptions, time_report
from paycalc.batch.tracker_report import NUMBERS, of_run, tracker_balances
from paycalc.tables.outputs import SHEET
from paycalc.tables.rows import INTAKE_REJECTS

SHEETS = ("pay lines", "balances", "time sheet", "rejects")


def write_workbook(run: Path, path: Path) -> list[str]:
    """The workbook of the run written to `run`, at `path`; returns its sheet names."""
    folder = RunFolder(run)
    places = max(folder.decimals.values(), default=2)
    money = "#,##0" + ("." + "0" * places if places else "")
    lines = folder.table("pay_lines", CORRECTED_LINES).group_by(
        "employee_id", "agreement", "salary_type", "export_code", "unit", "currency",
        maintain_order=True).agg(
        pl.col("quantity").sum(),
        pl.col("amount").filter(pl.col("payable")).sum().alias("payable_amount"),
        pl.len().alias("lines")).sort("employee_id", "agreement", "salary_type")
    balances = tracker_balances(*of_run(folder)).drop("decimals")
    sheet = time_report(folder.table("time_sheet", SHEET), ReportOptions(detailed=True))
    times = sheet.with_columns(pl.col(c).cast(pl.Decimal(38, 6)) for c in sheet.columns
                               if c not in ("employee_id", "team", "date", "currency",
                                            "approval"))
    rejects = folder.table("rejects", INTAKE_REJECTS)
    with Workbook(path) as book:
        for name, frame, formats in (
                ("pay lines", lines, {"quantity": "0.00####", "payable_amount": money}),
                ("balances", balances, dict.fromkeys(NUMBERS, "0.00####")),
                ("time sheet", times, {}),
                ("rejects", rejects, {})):
            frame.write_excel(book, worksheet=name, column_formats=formats,  # type: ignore
                              dtype_formats={pl.Date: "yyyy-mm-dd"}, autofilter=True,
                              freeze_panes=(1, 0), autofit=True)
    return list(SHEETS)
