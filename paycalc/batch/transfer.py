"""Transferring a run to payroll: the export files and the record in the run store.

A transfer reads a run's output directory (its manifest, payable pay lines and balances,
each file checked against the manifest),
writes the payroll export for the period as CSV and as PAXml 2.x, and records the transfer
in the store; a definitive transfer also keeps the lines and locks the period with the
balances as of its last day (see `paycalc.batch.store`).

PAXml, the Swedish interchange format for payroll, gets a header (format `LÖNIN`, version
2.0), one `lonetrans` (pay transaction) per priced line with `lonart` the salary type's
export code, `antal`, `apris` and `belopp`, and one `tidtrans` (time transaction) per line
of time without an amount with `tidkod`, `datum` and `timmar` or `dagar`. The XML is built
with the standard library's ElementTree, which escapes every value; it is valid against
`schemas/paxml.xsd`. Amounts are written at their agreement's decimals.

The export is made in memory, written beside its final names, recorded in the store with
the transfer (one transaction), and only then renamed into place: a process killed at any
instant leaves either no transfer (and at most stray `.partial` files), or a recorded
transfer whose export the store holds byte for byte (`reexport`).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from paycalc.batch.corrections import CORRECTED_LINES, moves_of, summed
from paycalc.batch.run_folder import RunFolder, put
from paycalc.batch.store import Kind, RunStore
from paycalc.errors import DataError, InputError, StoreError
from paycalc.reasons import REASONS
from paycalc.tables.datadir import INTAKE_REJECTS
from paycalc.tables.inputs import Period
from paycalc.tables.outputs import (
    BALANCES,
    MOVES,
    TRANSACTIONS,
    WARNINGS,
    amounts_at,
    spreadsheet_safe,
)

EXPORT_COLUMNS = ["employee_id", "date", "agreement", "salary_type", "export_code", "unit",
                  "quantity", "rate", "amount", "currency", "correction", "corrects_transfer"]
"""Columns of the CSV payroll export, one row per payable line."""
TEXT_COLUMNS = ["employee_id", "agreement", "salary_type", "export_code", "unit", "currency"]
"""Its text columns, quoted for spreadsheets where they start like a formula."""
PAXML_SCHEMA = Path(__file__).resolve().parent / "schemas" / "paxml.xsd"
"""The XML Schema every PAXml export is valid against (the part of PAXml 2.0 written)."""
PAXML_CODE_LENGTH = 10
"""The longest code PAXml's pay and time transactions carry (`lonart`, `tidkod`)."""


@dataclass(frozen=True)
class RunOutputs:
    """What a transfer needs of a run's output directory."""

    period: Period
    made_from: dt.date | None
    pay_lines: pl.DataFrame
    balances: pl.DataFrame
    manifest: str
    decimals: dict[str, int]
    """Each agreement's money decimals: amounts are exported at them."""
    moves: pl.DataFrame
    """The tracker additions of the period's days and the tracker corrections of locked
    days the run booked (MOVES), which a definitive transfer keeps."""


def read_run(folder: RunFolder) -> RunOutputs:
    """The period, pay lines, balances and tracker moves of the run in `folder`."""
    period = folder.period
    return RunOutputs(period, folder.made_from,
                      folder.table("pay_lines", CORRECTED_LINES),
                      folder.table("balances", BALANCES), folder.sha256, folder.decimals,
                      summed(pl.concat([
                          moves_of(folder.table("tracker_transactions", TRANSACTIONS), period),
                          folder.table("tracker_corrections", MOVES)])))


def export_files(lines: pl.DataFrame, period: Period, decimals: dict[str, int]
                 ) -> list[tuple[str, bytes]]:
    """The payroll export of `lines` (payable ones): the CSV and the PAXml file, by name
    and content, amounts at their agreement's `decimals`."""
    stem = f"payroll_{period.start}_{period.end}"
    shown = lines.with_columns(amounts_at(decimals))
    csv = io.BytesIO()
    spreadsheet_safe(shown.select(EXPORT_COLUMNS), TEXT_COLUMNS).write_csv(
        csv, date_format="%Y-%m-%d")
    xml = io.BytesIO()
    ET.ElementTree(paxml(shown, period)).write(xml, encoding="utf-8", xml_declaration=True)
    return [(f"{stem}.csv", csv.getvalue()), (f"{stem}.paxml.xml", xml.getvalue())]


def staged(files: list[tuple[str, bytes]], folder: Path) -> list[tuple[Path, Path]]:
    """`files` written to `.partial` files in `folder`, flushed to disk: (partial, final)
    paths, for `placed` to rename once the transfer is recorded."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files:
        put(folder, f".{name}.partial", content)
    return [(folder / f".{name}.partial", folder / name) for name, _ in files]


def placed(paths: list[tuple[Path, Path]]) -> list[Path]:
    """Each staged file renamed over its final name (atomic on one file system)."""
    for partial, final in paths:
        os.replace(partial, final)
    return [final for _, final in paths]


def reexport(store: RunStore, period: Period, folder: Path) -> Transferred:
    """Write again, byte for byte, the export the store holds of the definitive transfer of
    `period` (after a transfer was killed between its record and its files, or when the
    files were lost). Raises `StoreError` when no definitive transfer has that period."""
    number, files = store.export_of(period)
    return Transferred(number, placed(staged(files, folder)), True)


def paxml(lines: pl.DataFrame, period: Period) -> ET.Element:
    """A PAXml 2.0 document of payable `lines` (amounts as text): a pay transaction
    (`lonetrans`: export code, day, quantity, unit price, amount) per line with an amount,
    a time transaction (`tidtrans`: export code, day, hours or days) per line of time
    without one. The header's date is the period's last day, so the same lines give the
    same bytes."""
    root = ET.Element("paxml")
    header = ET.SubElement(root, "header")
    ET.SubElement(header, "format").text = "LÖNIN"
    ET.SubElement(header, "version").text = "2.0"
    ET.SubElement(header, "datum").text = period.end.isoformat()
    ET.SubElement(header, "programnamn").text = "paycalc"
    ET.SubElement(header, "info").text = f"payroll input {period.start} to {period.end}"
    times = ET.SubElement(root, "tidtransaktioner")
    pays = ET.SubElement(root, "lonetransaktioner")
    for line in lines.iter_rows(named=True):
        if line["amount"] is None:
            item = ET.SubElement(times, "tidtrans", anstid=_xml_text(line["employee_id"]))
            ET.SubElement(item, "tidkod").text = _xml_text(line["export_code"])
            ET.SubElement(item, "datum").text = line["date"].isoformat()
            ET.SubElement(item, "timmar" if line["unit"] == "hours" else "dagar").text = str(
                line["quantity"])
        else:
            item = ET.SubElement(pays, "lonetrans", anstid=_xml_text(line["employee_id"]))
            ET.SubElement(item, "lonart").text = _xml_text(line["export_code"])
            ET.SubElement(item, "datum").text = line["date"].isoformat()
            ET.SubElement(item, "antal").text = str(line["quantity"])
            if line["rate"] is not None:
                ET.SubElement(item, "apris").text = str(line["rate"])
            ET.SubElement(item, "belopp").text = line["amount"]
    ET.indent(root)
    return root


def _xml_text(value: str) -> str:
    """`value` as XML can hold it: characters XML 1.0 forbids are refused, not dropped."""
    bad = [c for c in value if (ord(c) < 0x20 and c not in "\t\n\r")
           or ord(c) in (0xFFFE, 0xFFFF)]
    if bad:
        raise DataError(f"{value!r} holds a character that XML cannot hold (U+{ord(bad[0]):04X})")
    return value


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
    if kind not in ("preliminary", "definitive"):
        raise InputError(f"kind: '{kind}' is no kind of transfer (preliminary or definitive)")
    run_folder = RunFolder(folder)
    run = read_run(run_folder)
    payable = run.pay_lines.filter("payable")
    _exportable(payable)
    files = export_files(payable, run.period, run.decimals)
    earlier = store.recorded(run.manifest) if kind == "definitive" else None
    if earlier is not None:
        return Transferred(earlier, placed(staged(files, exports)), True)
    if kind == "definitive" and not accept_rejects:
        _guard(run_folder, run, payable)
    paths = staged(files, exports)
    number = store.transfer(kind, run.period, payable, run.balances, manifest=run.manifest,
                            made_from=run.made_from, moves=run.moves, exports=files)
    return Transferred(number, placed(paths), False)


def _exportable(lines: pl.DataFrame) -> None:
    """Refuse lines whose export code PAXml cannot carry, and lines of money without an
    amount (unit `amount`, unpriced: neither a pay nor a time transaction), before
    anything is written."""
    moneyless = lines.filter((pl.col("unit") == "amount") & pl.col("amount").is_null()).select(
        "agreement", "salary_type").unique().sort("agreement", "salary_type")
    if len(moneyless):
        named = ", ".join(f"{a}: {s}" for a, s in moneyless.iter_rows())
        raise StoreError(f"not transferred: payable lines of unit 'amount' have no amount, so "
                         f"they are neither pay nor time: price {named} (e.g. method "
                         "as_given) or do not pay it")
    long = lines.filter(pl.col("export_code").str.len_chars() > PAXML_CODE_LENGTH).select(
        "agreement", "salary_type", "export_code").unique().sort("agreement", "salary_type")
    if len(long):
        named = ", ".join(f"{a}: {s} ('{c}')" for a, s, c in long.iter_rows())
        raise StoreError(f"not transferred: PAXml carries codes of at most {PAXML_CODE_LENGTH} "
                         f"characters; declare a shorter export_code for {named}")


def _guard(folder: RunFolder, run: RunOutputs, payable: pl.DataFrame) -> None:
    """Refuse to lock a run that left input rows unused or lines unpaid."""
    rejects = folder.table("rejects", INTAKE_REJECTS)
    warnings = folder.table("warnings", WARNINGS)
    blocking = warnings.filter(pl.col("code").is_in(
        [code for code, reason in REASONS.items() if reason.blocks_transfer]))
    if rejects.is_empty() and blocking.is_empty():
        return
    found = []
    if len(rejects):
        rows = rejects.select("table", "row").unique().height  # a row may have two reasons
        found.append(f"{rows} rejected input row(s) (see rejects)")
    if len(blocking):
        found.append(f"{len(blocking)} warning(s) of lines that cannot be paid "
                     f"({', '.join(sorted(set(blocking['code'])))})")
    raise StoreError(
        f"not locked: the run has {' and '.join(found)}. A definitive transfer would lock "
        f"{run.period.start} to {run.period.end} with {len(payable)} payable line(s) of "
        f"{payable['employee_id'].n_unique()} employee(s); mend the data and run again, or "
        "transfer with --accept-rejects")
