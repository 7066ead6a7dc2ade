"""Writing a run's outputs: one file per table (Parquet or CSV), the HTML report
(`paycalc.batch.report`) and a manifest.

The same inputs give byte-identical files: every table is sorted by the engine, Parquet is
written without timestamps, CSV with fixed formats, and the manifest (paycalc version,
period, SHA-256 of every agreement and input file, row counts in and out, and the hash of
every output) holds no clock time or absolute path. In CSV, a list of input row ids is
written as the ids joined by `|`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Literal

import polars as pl

from paycalc.batch.report import render_report
from paycalc.batch.run import Batch
from paycalc.errors import DataError
from paycalc.tables.datadir import write_frame
from paycalc.tables.outputs import amounts_at
from paycalc.version import __version__

Format = Literal["parquet", "csv"]


def sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, in hex."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_run(batch: Batch, out: Path, fmt: Format = "parquet") -> dict[str, Path]:
    """Every output table of `batch` in `out` and `manifest.json`; returns the files. In
    CSV, amounts are written at their agreement's `money.decimals`."""
    out.mkdir(parents=True, exist_ok=True)
    tables = batch.tables()
    if fmt == "csv":
        tables["pay_lines"] = tables["pay_lines"].with_columns(
            amounts_at({a.id: a.money.decimals for a in batch.agreements}))
    written = {name: write_frame(frame, out / name, fmt) for name, frame in tables.items()}
    written["report"] = out / "report.html"
    written["report"].write_text(render_report(batch), encoding="utf-8")
    manifest = manifest_of(batch, {name: (path, len(tables[name])) for name, path
                                   in written.items() if name in tables})
    written["manifest"] = out / "manifest.json"
    written["manifest"].write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n",
                                   encoding="utf-8")
    return written


def manifest_of(batch: Batch, outputs: dict[str, tuple[Path, int]]) -> dict[str, object]:
    """What a run read and wrote, with hashes: enough to tell whether two runs had the same
    inputs and gave the same outputs."""
    counts = {row["table"]: row for row in batch.accounting.iter_rows(named=True)}
    return {
        "paycalc": __version__,
        "period": {"from": batch.period.start.isoformat(), "to": batch.period.end.isoformat()},
        "made_from_lock": batch.made_from.isoformat() if batch.made_from else None,
        "revisited": ({"from": batch.revisited.start.isoformat(),
                       "to": batch.revisited.end.isoformat()} if batch.revisited else None),
        "agreements": [{"id": a.id, "name": a.name, "currency": a.money.currency,
                        "decimals": a.money.decimals} for a in batch.agreements],
        "agreement_files": [{"file": p.name, "sha256": sha256(p)}
                            for p in batch.agreement_files],
        "inputs": [{"table": table, "file": path.name, "sha256": sha256(path),
                    "rows_read": counts[table]["read"], "rows_used": counts[table]["used"],
                    "rows_rejected": counts[table]["rejected"]}
                   for table, path in batch.input_files.items()],
        "outputs": [{"table": name, "file": path.name, "rows": rows, "sha256": sha256(path)}
                    for name, (path, rows) in outputs.items()],
    }


def read_output(folder: Path, name: str, columns: pl.Schema) -> pl.DataFrame:
    """The output table `name` a run wrote to `folder` (Parquet or CSV), typed as
    `columns`."""
    stem = folder / name
    parquet, csv = stem.with_suffix(".parquet"), stem.with_suffix(".csv")
    if not parquet.is_file() and not csv.is_file():
        raise DataError(f"{folder}: not the output folder of a run (no {name}.parquet or "
                        f"{name}.csv)")
    try:
        if parquet.is_file():
            return pl.read_parquet(parquet).cast(columns)
        text = pl.read_csv(csv, infer_schema=False)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise DataError(f"{stem}: cannot be read as an output table: {exc}") from exc
    typed = []
    for name, dtype in columns.items():
        value = pl.col(name)
        if isinstance(dtype, pl.List):
            typed.append(value.str.split("|").alias(name))
        elif dtype == pl.Boolean:
            typed.append((value == "true").alias(name))
        elif dtype == pl.Date:
            typed.append(value.str.to_date("%Y-%m-%d").alias(name))
        else:
            typed.append(value.cast(dtype).alias(name))
    return text.select(typed)
