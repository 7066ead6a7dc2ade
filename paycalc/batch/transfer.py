"""Transferring a run to payroll: the export files and the record in the run store.

A transfer reads a run's output directory (its manifest, payable pay lines and balances),
writes the payroll export for the period as CSV and as PAXml 2.x, and records the transfer
in the store; a definitive transfer also keeps the lines and locks the period with the
balances as of its last day (see `paycalc.batch.store`).

PAXml, the Swedish interchange format for payroll, gets one `tidtrans` (time transaction)
per line in hours or days, with `tidkod` the salary type, `datum` the day and `timmar` or
`dagar` the quantity, and one `lonetrans` (pay transaction) per line of another unit with
`lonart`, `antal`, `apris` and `belopp`. The XML is built with the standard library's
ElementTree, which escapes every value.
"""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from paycalc.batch.corrections import CORRECTED_LINES
from paycalc.batch.store import Kind, RunStore
from paycalc.batch.write import read_output, sha256
from paycalc.errors import DataError, StoreError
from paycalc.reasons import REASONS
from paycalc.tables.datadir import INTAKE_REJECTS
from paycalc.tables.inputs import Period
from paycalc.tables.outputs import BALANCES, WARNINGS

EXPORT_COLUMNS = ["employee_id", "date", "agreement", "salary_type", "unit", "quantity",
                  "rate", "amount", "correction"]


@dataclass(frozen=True)
class RunOutputs:
    """What a transfer needs of a run's output directory."""

    period: Period
    made_from: dt.date | None
    pay_lines: pl.DataFrame
    balances: pl.DataFrame
    manifest: str


def read_run(folder: Path) -> RunOutputs:
    """The manifest, pay lines and balances a `paycalc run` wrote to `folder`."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(f"{folder}: not the output folder of a complete run (its "
                        f"manifest.json cannot be read: {exc})") from exc
    period = Period(dt.date.fromisoformat(manifest["period"]["from"]),
                    dt.date.fromisoformat(manifest["period"]["to"]))
    made_from = manifest.get("made_from_lock")
    return RunOutputs(period, dt.date.fromisoformat(made_from) if made_from else None,
                      read_output(folder, "pay_lines", CORRECTED_LINES),
                      read_output(folder, "balances", BALANCES), sha256(folder / "manifest.json"))


def export_files(lines: pl.DataFrame, period: Period, folder: Path) -> list[Path]:
    """The payroll export of `lines` (payable ones) as CSV and PAXml in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / f"payroll_{period.start}_{period.end}"
    csv = stem.with_suffix(".csv")
    lines.select(EXPORT_COLUMNS).write_csv(csv, date_format="%Y-%m-%d")
    xml = stem.with_suffix(".paxml.xml")
    ET.ElementTree(paxml(lines)).write(xml, encoding="utf-8", xml_declaration=True)
    return [csv, xml]


def paxml(lines: pl.DataFrame) -> ET.Element:
    """A PAXml 2.0 document with a time or pay transaction per line."""
    root = ET.Element("paxml")
    header = ET.SubElement(root, "header")
    ET.SubElement(header, "version").text = "2.0"
    times = ET.SubElement(root, "tidtransaktioner")
    pays = ET.SubElement(root, "lonetransaktioner")
    for line in lines.iter_rows(named=True):
        if line["unit"] in ("hours", "days"):
            item = ET.SubElement(times, "tidtrans", anstid=line["employee_id"])
            ET.SubElement(item, "tidkod").text = line["salary_type"]
            ET.SubElement(item, "datum").text = line["date"].isoformat()
            ET.SubElement(item, "timmar" if line["unit"] == "hours" else "dagar").text = str(
                line["quantity"])
        else:
            item = ET.SubElement(pays, "lonetrans", anstid=line["employee_id"])
            ET.SubElement(item, "lonart").text = line["salary_type"]
            ET.SubElement(item, "datum").text = line["date"].isoformat()
            ET.SubElement(item, "antal").text = str(line["quantity"])
            if line["rate"] is not None:
                ET.SubElement(item, "apris").text = str(line["rate"])
            if line["amount"] is not None:
                ET.SubElement(item, "belopp").text = str(line["amount"])
    ET.indent(root)
    return root


@dataclass(frozen=True)
class Transferred:
    """A transfer: its number in the store, the export files, and whether the run had been
    transferred definitively before (locking again changes nothing)."""

    number: int
    files: list[Path]
    again: bool


def transfer_run(folder: Path, store: RunStore, kind: Kind, exports: Path, *,
                 accept_rejects: bool = False) -> Transferred:
    """Transfer the run in `folder`: write its export to `exports` and record it in
    `store` (a definitive transfer locks the period). A run transferred definitively before
    is only exported again. Raises `StoreError` when the store refuses it, or when a
    definitive transfer would lock a run with rejected rows or with warnings of lines that
    cannot be paid, unless `accept_rejects`; then no export is written."""
    run = read_run(folder)
    payable = run.pay_lines.filter("payable")
    earlier = store.recorded(run.manifest) if kind == "definitive" else None
    if earlier is not None:
        return Transferred(earlier, export_files(payable, run.period, exports), True)
    if kind == "definitive" and not accept_rejects:
        _guard(folder, run, payable)
    number = store.transfer(kind, run.period, payable, run.balances, manifest=run.manifest,
                            made_from=run.made_from)
    return Transferred(number, export_files(payable, run.period, exports), False)


def _guard(folder: Path, run: RunOutputs, payable: pl.DataFrame) -> None:
    """Refuse to lock a run that left input rows unused or lines unpaid."""
    rejects = read_output(folder, "rejects", INTAKE_REJECTS)
    warnings = read_output(folder, "warnings", WARNINGS)
    blocking = warnings.filter(pl.col("code").is_in(
        [code for code, reason in REASONS.items() if reason.blocks_transfer]))
    if rejects.is_empty() and blocking.is_empty():
        return
    found = []
    if len(rejects):
        found.append(f"{len(rejects)} rejected input row(s) (see rejects)")
    if len(blocking):
        found.append(f"{len(blocking)} warning(s) of lines that cannot be paid "
                     f"({', '.join(sorted(set(blocking['code'])))})")
    raise StoreError(
        f"not locked: the run has {' and '.join(found)}. A definitive transfer would lock "
        f"{run.period.start} to {run.period.end} with {len(payable)} payable line(s) of "
        f"{payable['employee_id'].n_unique()} employee(s); mend the data and run again, or "
        "transfer with --accept-rejects")
