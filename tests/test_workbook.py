"""The Excel workbook of a run (`paycalc report RUN --xlsx`): its sheets, typed cells,
number formats at the money decimals, frozen headers and filters, and pay-line totals equal
to the run's, per currency."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import openpyxl
import polars as pl
from click.testing import CliRunner

from paycalc.batch.run import period_of, run_directory
from paycalc.batch.write import write_run
from paycalc.cli import EXIT_OK, main
from paycalc.spec.bundled import AGREEMENTS_DIR, SAMPLE_DIR


def test_the_workbook_of_a_run(tmp_path: Path) -> None:
    batch = run_directory(SAMPLE_DIR, [AGREEMENTS_DIR],
                          period_of(dt.date(2025, 1, 1), dt.date(2025, 1, 31)))
    write_run(batch, tmp_path / "jan")
    done = CliRunner().invoke(main, ["report", str(tmp_path / "jan"), "--out",
                                     str(tmp_path / "jan.xlsx"), "--xlsx"])
    assert done.exit_code == EXIT_OK, done.output
    book = openpyxl.load_workbook(tmp_path / "jan.xlsx")
    assert book.sheetnames == ["pay lines", "balances", "time sheet", "rejects"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        (table,) = sheet.tables.values()
        assert table.autoFilter is not None and table.autoFilter.ref == table.ref
    lines = book["pay lines"]
    header = [c.value for c in lines[1]]
    assert header == ["employee_id", "agreement", "salary_type", "export_code", "unit",
                      "currency", "quantity", "payable_amount", "lines"]
    amount = lines.cell(2, header.index("payable_amount") + 1)
    assert amount.data_type == "n" and amount.number_format == "#,##0.00"
    assert lines.cell(2, header.index("export_code") + 1).data_type == "s"  # "0100" stays text
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for row in lines.iter_rows(min_row=2, values_only=True):
        if row[7] is not None:
            totals[row[5]] += Decimal(str(row[7]))
    paid = batch.pay_lines.filter("payable").group_by("currency").agg(pl.col("amount").sum())
    assert {c: a.quantize(Decimal("0.01")) for c, a in totals.items()} == {
        c: a.quantize(Decimal("0.01")) for c, a in paid.iter_rows()}
    days = book["time sheet"]
    date = days.cell(2, [c.value for c in days[1]].index("date") + 1)
    assert date.data_type == "d" and date.number_format == "yyyy-mm-dd"
