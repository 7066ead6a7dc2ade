"""Writing a run's outputs: one file per table (Parquet or CSV), the report site in
`report/` (`paycalc.batch.report`) with the SHA-256 of each of its files in
`report/SHA256SUMS` (the format `sha256sum -c` checks), and a manifest.

The same inputs give byte-identical files: every table is sorted by the engine, Parquet is
written without timestamps or statistics in row groups of ROW_GROUP rows (so a table joined
from a streaming run's bucket parts is the table written whole), CSV with fixed formats,
and the manifest (paycalc version,
period, SHA-256 of every agreement and input file, row counts in and out, and the hash of
every output) holds no clock time or absolute path. In CSV, a list of input row ids is
written as the ids joined by `|`. The folder is written whole or not at all, and read
back only while it matches the manifest (`paycalc.batch.run_folder`).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import polars as pl

from paycalc.batch.report import Sums, render_site
from paycalc.batch.run import BIG, TABLES_WRITTEN, Batch, Outcome
from paycalc.batch.run_folder import MANIFEST, flushed, put, put_all, sha256, writing
from paycalc.errors import InputError, OutputError
from paycalc.log import log
from paycalc.tables.datadir import frame_bytes
from paycalc.tables.outputs import amounts_at
from paycalc.version import __version__

Format = Literal["parquet", "csv"]
REPORT = "report"
"""The folder of the report site in a run's folder."""
SUMS = "SHA256SUMS"
PARTS = ".parts"
"""The folder, inside a run being written, of the part files of a streaming run's
buckets (`paycalc.batch.stream`), removed once the tables are joined from them."""
ROW_GROUP = 512 * 512
"""Rows in one row group of a Parquet output table."""


@dataclass(frozen=True)
class Written:
    """What a run wrote: its files by name (each table, `report`: the report's index,
    `manifest`), the rows of each table, and the payable lines and amount per currency
    (`report.Sums.totals`)."""

    files: dict[str, Path]
    rows: dict[str, int]
    totals: pl.DataFrame


def write_run(batch: Batch, out: Path, fmt: Format = "parquet", *,
              replace: bool = False, command: Sequence[str] | None = None) -> dict[str, Path]:
    """Every output table of `batch`, the report and `manifest.json` in `out`, written
    whole or not at all (`paycalc.batch.run_folder.writing`); returns the files. In CSV,
    amounts are written at their agreement's `money.decimals`. The manifest records
    `command`, the command line that made the run, when given. Raises `OutputError` when
    `out` holds files and not `replace`, or while another run writes it."""
    if not isinstance(batch, Batch):
        raise InputError(f"batch: expected the Batch of run_directory, got {type(batch).__name__}")
    if fmt not in ("parquet", "csv"):
        raise InputError(f"fmt: '{fmt}' is no output format (parquet or csv)")
    try:
        with writing(out, replace=replace) as folder:
            written = write_into(folder, batch.outcome(), fmt, command)
    except OSError as exc:
        raise not_written(out, exc) from exc
    return {name: Path(out) / path for name, path in written.files.items()}


def not_written(out: Path, exc: OSError) -> OutputError:
    """The error of a run folder the system refused to write."""
    return OutputError(f"{out}: the run cannot be written ({exc.strerror or exc}); "
                       "nothing was changed")


def write_into(folder: Path, run: Outcome, fmt: Format,
               command: Sequence[str] | None = None) -> Written:
    """Every output table of `run` (its BIG tables joined bucket by bucket), the report and
    the manifest, last, into `folder`, the private folder of a run being written; the
    parts a streaming run left in `folder/PARTS` are removed before the manifest. Returns
    the files relative to `folder`."""
    decimals = {"pay_lines": {a.id: a.money.decimals for a in run.agreements},
                "invoice_lines": {a.id: a.billing.money.decimals for a in run.agreements}}
    files: dict[str, Path] = {}
    hashes: dict[str, str] = {}
    rows: dict[str, int] = {}
    for name in TABLES_WRITTEN:
        pieces = ([bucket[name] for bucket in run.buckets] if name in BIG
                  else [run.small[name].lazy()])
        files[name] = Path(f"{name}.{fmt}")
        rows[name] = write_table(folder / files[name], pieces, fmt, decimals.get(name))
        hashes[name] = flushed(folder / files[name])
    added = Sums.of(run)
    pages = put_all(folder / REPORT, render_site(run, added))
    shutil.rmtree(folder / PARTS, ignore_errors=True)
    sums = "".join(f"{digest}  {path}\n" for path, digest in sorted(pages.items()))
    files["report"] = Path(REPORT, SUMS)
    hashes["report"] = put(folder, f"{REPORT}/{SUMS}", sums.encode())
    outputs: list[dict[str, object]] = [
        {"table": name, "file": file.as_posix(), "sha256": hashes[name],
         "rows": rows.get(name)} for name, file in files.items()]
    manifest = json.dumps(manifest_of(run, outputs, command), indent=2, sort_keys=True) + "\n"
    put(folder, MANIFEST, manifest.encode())
    log.info("wrote %s tables, a report of %d files", len(rows), len(pages))
    return Written({**files, "report": Path(REPORT, "index.html"), "manifest": Path(MANIFEST)},
                   rows, added.totals)


def write_table(path: Path, pieces: list[pl.LazyFrame], fmt: Format,
                decimals: dict[str, int] | None = None) -> int:
    """The rows of `pieces`, in order, as one table at `path`; returns how many. Parquet
    is written in row groups of ROW_GROUP rows whatever the pieces, so the same rows give
    the same bytes however they were cut into buckets; CSV one piece at a time, amounts at
    their agreement's `decimals` when given."""
    if fmt == "parquet":
        pl.concat(pieces).sink_parquet(path, statistics=False, row_group_size=ROW_GROUP)
        return int(pl.scan_parquet(path).select(pl.len()).collect().item())
    rows = 0
    with path.open("wb") as handle:
        for number, piece in enumerate(pieces):
            frame = piece.collect()
            if decimals is not None:
                frame = frame.with_columns(amounts_at(decimals))
            handle.write(frame_bytes(frame, "csv", header=number == 0))
            rows += frame.height
    return rows


def manifest_of(batch: Outcome, outputs: list[dict[str, object]],
                command: Sequence[str] | None = None) -> dict[str, object]:
    """What a run read and wrote, with hashes: enough to tell whether two runs had the same
    inputs and gave the same outputs. `invocation` says how it was made (the command line,
    the working directory, the data and agreement directories); it is the only part that
    differs between two runs of the same inputs into different folders."""
    counts = {row["table"]: row for row in batch.accounting.iter_rows(named=True)}
    return {
        "paycalc": __version__,
        "invocation": {
            "command": list(command) if command is not None else None,
            "working_directory": str(Path.cwd()),
            "data": str(batch.data) if batch.data else None,
            "agreements": [str(d) for d in batch.agreement_dirs]},
        "period": {"from": batch.period.start.isoformat(), "to": batch.period.end.isoformat()},
        "made_from_lock": batch.made_from.isoformat() if batch.made_from else None,
        "revisited": ({"from": batch.revisited.start.isoformat(),
                       "to": batch.revisited.end.isoformat()} if batch.revisited else None),
        "agreements": [{"id": a.id, "name": a.name, "currency": a.money.currency,
                        "decimals": a.money.decimals,
                        "invoice_currency": a.billing.money.currency,
                        "invoice_decimals": a.billing.money.decimals}
                       for a in batch.agreements],
        "agreement_files": [{"file": p.name, "sha256": sha256(p)}
                            for p in batch.agreement_files],
        "inputs": [{"table": table, "file": path.name, "sha256": sha256(path),
                    "rows_read": counts[table]["read"], "rows_used": counts[table]["used"],
                    "rows_rejected": counts[table]["rejected"]}
                   for table, path in batch.input_files.items()],
        "outputs": outputs,
    }
