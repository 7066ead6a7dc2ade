"""Writing a run's outputs: one file per table (Parquet or CSV), the report site in
`report/` (`paycalc.batch.report`) with the SHA-256 of each of its files in
`report/SHA256SUMS` (the format `sha256sum -c` checks), and a manifest.

The same inputs give byte-identical files: every table is sorted by the engine, Parquet is
written without timestamps, CSV with fixed formats, and the manifest (paycalc version,
period, SHA-256 of every agreement and input file, row counts in and out, and the hash of
every output) holds no clock time or absolute path. In CSV, a list of input row ids is
written as the ids joined by `|`. The folder is written whole or not at all, and read
back only while it matches the manifest (`paycalc.batch.run_folder`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from paycalc.batch.report import render_site
from paycalc.batch.run import Batch
from paycalc.batch.run_folder import MANIFEST, put, put_all, writing
from paycalc.errors import InputError, OutputError
from paycalc.log import log
from paycalc.tables.datadir import frame_bytes
from paycalc.tables.outputs import amounts_at
from paycalc.version import __version__

Format = Literal["parquet", "csv"]
REPORT = "report"
"""The folder of the report site in a run's folder."""
SUMS = "SHA256SUMS"


def sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, in hex."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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
    tables = batch.tables()
    if fmt == "csv":
        tables["pay_lines"] = tables["pay_lines"].with_columns(
            amounts_at({a.id: a.money.decimals for a in batch.agreements}))
        tables["invoice_lines"] = tables["invoice_lines"].with_columns(
            amounts_at({a.id: a.billing.money.decimals for a in batch.agreements}))
    files = {name: (f"{name}.{fmt}", frame_bytes(frame, fmt)) for name, frame in tables.items()}
    site = render_site(batch)
    try:
        with writing(out, replace=replace) as folder:
            hashes = {name: put(folder, file, content)
                      for name, (file, content) in files.items()}
            pages = put_all(folder / REPORT, dict(sorted(site.items())))
            sums = "".join(f"{digest}  {path}\n" for path, digest in pages.items())
            files["report"] = (f"{REPORT}/{SUMS}", b"")
            hashes["report"] = put(folder, f"{REPORT}/{SUMS}", sums.encode())
            outputs: list[dict[str, object]] = [
                {"table": name, "file": file, "sha256": hashes[name],
                 "rows": len(tables[name]) if name in tables else None}
                for name, (file, _) in files.items()]
            manifest = json.dumps(manifest_of(batch, outputs, command), indent=2,
                                  sort_keys=True) + "\n"
            put(folder, MANIFEST, manifest.encode())
    except OSError as exc:
        raise OutputError(f"{out}: the run cannot be written ({exc.strerror or exc}); "
                          "nothing was changed") from exc
    log.info("wrote %s: %d tables, a report of %d files", out, len(tables), len(site))
    return {**{name: out / file for name, (file, _) in files.items()},
            "report": out / REPORT / "index.html", "manifest": out / MANIFEST}


def manifest_of(batch: Batch, outputs: list[dict[str, object]],
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
