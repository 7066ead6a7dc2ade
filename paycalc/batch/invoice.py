"""An invoice for one customer (and optionally one case) from a run's invoice lines: the
billable lines with their total per currency, the non-billable time beside them, as CSV
for a billing system or as a printable HTML page."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import polars as pl

from paycalc.batch.report import quantity, templates
from paycalc.batch.run_folder import RunFolder
from paycalc.errors import DataError
from paycalc.tables.datadir import frame_bytes
from paycalc.tables.outputs import INVOICE_LINES, amounts_at, spreadsheet_safe
from paycalc.version import __version__


@dataclass(frozen=True)
class Invoice:
    """The invoice lines of `customer` (and `case`) in the run's period: `lines` billable,
    `unbilled` the non-billable time, `totals` the amount per currency."""

    customer: str
    case: str | None
    period: tuple[str, str]
    lines: pl.DataFrame
    unbilled: pl.DataFrame
    totals: dict[str, Decimal]


def invoice_of(run: RunFolder, customer: str, case: str | None = None) -> Invoice:
    """The invoice of `customer` (only `case` when given) from the run in `run`; raises
    `DataError` when the run has no approved time of theirs."""
    lines = run.table("invoice_lines", INVOICE_LINES).filter(pl.col("customer") == customer)
    if case is not None:
        lines = lines.filter(pl.col("case") == case)
    if lines.is_empty():
        whom = f"customer {customer}" + (f", case {case}" if case is not None else "")
        raise DataError(f"{run.path}: the run has no approved time of {whom}")
    decimals = {a["id"]: int(a.get("invoice_decimals", a["decimals"]))
                for a in run.manifest["agreements"]}
    billable = lines.filter("billable").with_columns(
        pl.col("agreement").replace_strict(decimals, return_dtype=pl.Int64).alias("places"))
    totals = {row["currency"] or "": row["amount"].quantize(Decimal(1).scaleb(-row["places"]))
              for row in billable.group_by("currency").agg(
                  pl.col("amount").sum(), pl.col("places").max()).sort("currency")
              .iter_rows(named=True)}
    shown = billable.with_columns(amounts_at(decimals)).drop("places")
    return Invoice(customer, case, (str(run.period.start), str(run.period.end)), shown,
                   lines.filter(~pl.col("billable")).cast({"amount": pl.String}), totals)


def write_invoice(invoice: Invoice, out: Path) -> Path:
    """`invoice` at `out`: a printable HTML page when `out` ends in .html, else CSV (its
    billable lines, then its non-billable ones)."""
    if out.suffix.lower() in (".html", ".htm"):
        def shown(frame: pl.DataFrame) -> list[dict[str, object]]:
            return frame.with_columns(quantity(pl.col(c)).alias(c)
                                      for c in ("quantity", "rate")).to_dicts()

        page = templates().get_template("invoice.html.j2").render(
            invoice=invoice, lines=shown(invoice.lines), unbilled=shown(invoice.unbilled),
            version=__version__)
        out.write_text(page, encoding="utf-8")
        return out
    frame = spreadsheet_safe(pl.concat([invoice.lines, invoice.unbilled]),
                             ["customer", "case", "service", "agreement"])
    out.write_bytes(frame_bytes(frame, "csv"))
    return out
