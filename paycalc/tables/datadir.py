"""Reading a data directory: one CSV or Parquet file per interchange table (its files
and the forms of their values: `paycalc.tables.rows`).

`read_directory` is the reader of a run held in memory: every row that cannot be used goes
to the rejects with its file, row number (the Nth data row, header and comment lines not
counted), column and reason, and the rest goes on (`strict=True` raises at the first bad
row instead); the row rules themselves are in `paycalc.tables.row_rules`. A batch run reads
the same way one bucket of employees at a time (`paycalc.tables.cut`). `read_tables` is the
plain reader of tests and benchmarks: any value that does not convert raises.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from paycalc.errors import DataError
from paycalc.tables.cut import Cut, cut_directory, read_bucket
from paycalc.tables.inputs import Inputs
from paycalc.tables.rows import (
    INTAKE_REJECTS,
    TABLES,
    read_table,
    table_files,
)


def first_bad_row(rejects: pl.DataFrame) -> DataError:
    """The error naming the first of `rejects` (file, row, column, reason) in file and row
    order."""
    first = rejects.sort("file", "row").row(0, named=True)
    return DataError(f"{first['file']}: row {first['row']}: {first['column'] or 'row'}: "
                     f"{first['reason']}")


@dataclass(frozen=True)
class Intake:
    """A data directory read for a run: the file of each table, the usable rows, the
    rejected ones, how many rows each file had, and where every usable row came from
    (ORIGINS: `table`, `row_id`, `row`), so rejects found later by the evaluation can name
    their file and row too (`locate_refused`); and the CSV and Parquet files of the folder
    that are no table (`stray`, by name: a misspelt table is read by no one)."""

    files: dict[str, Path]
    inputs: Inputs
    rejects: pl.DataFrame
    counts: pl.DataFrame
    origins: pl.DataFrame
    stray: list[str]


def read_tables(folder: Path) -> Inputs:
    """The tables found in `folder`, every value converted; raises `DataError` at a value
    that does not convert."""
    tables = {}
    for table, path in table_files(folder).items():
        frame, bad = read_table(path, table)
        if len(bad):
            raise first_bad_row(bad.with_columns(pl.lit(str(path)).alias("file")))
        tables[table] = frame.drop("_row")
    return Inputs(**tables)


def write_tables(inputs: Inputs, folder: Path, fmt: str = "csv") -> list[Path]:
    """Each table of `inputs` as `folder/TABLE.csv` (or `.parquet`), readable by
    `read_tables` and `read_directory`; returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table in TABLES:
        frame = getattr(inputs, table)
        if frame is None:
            continue
        written.append(write_frame(frame, folder / table, fmt))
    return written


def write_frame(frame: pl.DataFrame, path: Path, fmt: str) -> Path:
    """`frame` at `path` with the format's suffix (`parquet` or `csv`), as `frame_bytes`
    gives it. Returns the file."""
    path = path.with_suffix(f".{fmt}")
    path.write_bytes(frame_bytes(frame, fmt))
    return path


def frame_bytes(frame: pl.DataFrame, fmt: str, *, header: bool = True) -> bytes:
    """`frame` as the bytes of a `parquet` or `csv` file, in the forms this module reads:
    ISO dates and datetimes, a list as its items joined by `|`; Parquet without statistics,
    so the same frame gives the same bytes. Without `header`, CSV rows only (to append
    to a file that has one)."""
    buffer = io.BytesIO()
    if fmt == "parquet":
        frame.write_parquet(buffer, statistics=False)
    else:
        flat = frame.with_columns(pl.col(c).list.join("|") for c, t in frame.schema.items()
                                  if isinstance(t, pl.List))
        flat.write_csv(buffer, date_format="%Y-%m-%d", datetime_format="%Y-%m-%dT%H:%M:%S",
                       include_header=header)
    return buffer.getvalue()


def read_directory(folder: Path, agreements: Iterable[str], *, strict: bool = False) -> Intake:
    """The tables of `folder` checked row by row: unconvertible values, missing required
    values, unknown employees and agreements, end before start, exact duplicates,
    overlapping punches of one employee, dates outside employment (see `table_rules`).
    The directory is read as one part of `paycalc.tables.cut`, the way a batch run reads
    each of its buckets."""
    folder = Path(folder)
    with tempfile.TemporaryDirectory(prefix="paycalc-read-") as scratch:
        cut = cut_directory(folder, agreements, Path(scratch), rows=None)
        part = read_bucket(cut, 0)
    rejects = read_rejects(cut, [part.rejects])
    if strict and len(rejects):
        raise first_bad_row(rejects)
    inputs = Inputs(**{t: f.drop("_row") for t, f in part.kept.items()})
    return Intake(cut.files, inputs, rejects, cut.counts(), part.origins(), cut.stray)


def read_rejects(cut: Cut, buckets: list[pl.DataFrame]) -> pl.DataFrame:
    """Every row the reader rejected (INTAKE_REJECTS), in table and row order: the
    employees' found by the `cut` and those its `buckets` found."""
    return named(pl.concat([cut.rejects, *buckets]), cut.files).sort(
        "table", "row", "column", "code", "reason", nulls_last=True)


def named(rejects: pl.DataFrame, files: dict[str, Path]) -> pl.DataFrame:
    """`rejects` (table, row, column, row_id, code, reason) with the file of their table,
    as INTAKE_REJECTS."""
    names = pl.DataFrame({"table": list(files), "file": [p.name for p in files.values()]},
                         schema={"table": pl.String, "file": pl.String})
    return rejects.join(names, on="table", how="left", maintain_order="left").select(
        list(INTAKE_REJECTS)).cast(INTAKE_REJECTS)


def locate_refused(refused: pl.DataFrame, origins: pl.DataFrame,
                   files: dict[str, Path]) -> pl.DataFrame:
    """Rows the evaluation `refused` (REJECTS: table, row_id, column, code, reason) with
    the file and data row each came from (`origins`: ORIGINS), as INTAKE_REJECTS."""
    return named(refused.join(origins, on=["table", "row_id"], how="left"), files)
