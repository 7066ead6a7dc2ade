"""Reading a data directory: one CSV or Parquet file per interchange table.

CSV values are read as text and converted to the documented types: dates `YYYY-MM-DD`,
datetimes ISO 8601 (`2025-03-29T22:00:00`, local time in the agreement's zone, or with an
offset `...+01:00` / `Z`, one form per column), decimals with a dot, whole numbers, booleans
`true`/`false`; an empty field is empty. Parquet columns of another type convert only
exactly (`paycalc.tables.convert`). Extra columns are left out.

`read_directory` is the batch run's reader: every row that cannot be used goes to the
rejects with its file, row number (the Nth data row, header and comment lines not counted),
column and reason, and the rest goes on (`strict=True` raises at the first bad row
instead); the row rules themselves are in `paycalc.tables.row_rules`. `read_tables` is the plain
reader of tests and benchmarks: any value that does not convert raises.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, fields
from pathlib import Path

import polars as pl

from paycalc.errors import DataError
from paycalc.tables.convert import convert, of_instants
from paycalc.tables.csv_file import read_csv_text
from paycalc.tables.inputs import COLUMNS, REQUIRED, Inputs, schema, with_row_ids
from paycalc.tables.outputs import frame_of
from paycalc.tables.row_rules import check_tables

TABLES = [item.name for item in fields(Inputs)]

INTAKE_REJECTS = schema(table=pl.String, file=pl.String, row=pl.Int64, column=pl.String,
                        row_id=pl.String, code=pl.String, reason=pl.String)
"""Columns of a run's rejects: the table, file and data row (from 1) a rejected row came
from, the column at fault (empty when the row as a whole is), its row_id, the reason's code
(`paycalc.reasons`) and its message."""

ROW_COUNTS = schema(table=pl.String, file=pl.String, read=pl.Int64)
ORIGINS = schema(table=pl.String, row_id=pl.String, row=pl.Int64)
"""Where each usable row came from: its table and data row (the table's file is in
`Intake.files`; a column of it on every row would cost more than the row ids)."""


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


def table_files(folder: Path) -> dict[str, Path]:
    """The file of each table present in `folder`; raises `DataError` when `folder` is not
    a directory, holds no table, or holds a table both as CSV and as Parquet (which one is
    meant cannot be told)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(f"{folder}: no such data directory")
    found = {}
    for table in TABLES:
        present = [folder / f"{table}{suffix}" for suffix in (".csv", ".parquet")
                   if (folder / f"{table}{suffix}").is_file()]
        if len(present) > 1:
            raise DataError(f"{folder}: both {table}.csv and {table}.parquet are there; "
                            "keep the one that is meant (paycalc does not choose)")
        if present:
            found[table] = present[0]
    if not found:
        raise DataError(f"{folder}: no table to read (the tables are "
                        f"{', '.join(f'{t}.csv' for t in TABLES)}, or .parquet)")
    return found


def stray_files(folder: Path) -> list[str]:
    """The CSV and Parquet files in `folder` that are not named after a table."""
    return sorted(p.name for p in folder.iterdir() if p.is_file()
                  and p.suffix in (".csv", ".parquet") and p.stem not in TABLES)


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
    overlapping punches of one employee, dates outside employment (see `table_rules`)."""
    folder = Path(folder)
    files = table_files(folder)
    typed, unconverted = {}, {}
    for table, path in files.items():
        frame, bad = read_table(path, table)
        typed[table] = with_row_ids(frame, table)
        unconverted[table] = bad.join(typed[table].select("_row", "row_id"), left_on="row",
                                      right_on="_row")
    usable = {t: f.filter(~pl.col("_row").is_in(unconverted[t]["row"].implode()))
              for t, f in typed.items()}
    kept, found = check_tables(usable, set(agreements))
    rejects = [f.with_columns(pl.lit(t).alias("table")) for t, f in unconverted.items()]
    rejects += [f.rename({"_row": "row"}).with_columns(pl.lit(t).alias("table"))
                for t, f in found.items()]
    names = pl.DataFrame({"table": list(files), "file": [p.name for p in files.values()]})
    all_rejects = frame_of([r.join(names, on="table") for r in rejects], INTAKE_REJECTS).sort(
        "table", "row", "column", "code", "reason", nulls_last=True)
    if strict and len(all_rejects):
        raise first_bad_row(all_rejects)
    origins = frame_of([f.select(pl.lit(t).alias("table"), "row_id", pl.col("_row").alias("row"))
                        for t, f in kept.items()], ORIGINS)
    counts = names.with_columns(pl.col("table").replace_strict(
        {t: len(f) for t, f in typed.items()}, return_dtype=pl.Int64).alias("read"))
    inputs = Inputs(**{t: f.drop("_row") for t, f in kept.items()})
    return Intake(files, inputs, all_rejects, frame_of([counts], ROW_COUNTS), origins,
                  stray_files(folder))


def locate_refused(refused: pl.DataFrame, intake: Intake) -> pl.DataFrame:
    """Rows the evaluation `refused` (REJECTS: table, row_id, column, code, reason) with
    the file and data row each came from (INTAKE_REJECTS)."""
    names = pl.DataFrame({"table": list(intake.files),
                          "file": [p.name for p in intake.files.values()]},
                         schema={"table": pl.String, "file": pl.String})
    return refused.join(intake.origins, on=["table", "row_id"], how="left").join(
        names, on="table", how="left", maintain_order="left").select(list(INTAKE_REJECTS))


def read_table(path: Path, table: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One table with its documented columns converted, a `_row` number from 1, and the
    values that did not convert (`row`, `column`, `code`, `reason`). Raises `DataError` when a
    column the table needs is missing."""
    ragged = pl.DataFrame(schema={"row": pl.Int64, "code": pl.String, "reason": pl.String})
    if path.suffix == ".parquet":
        try:
            raw = pl.read_parquet(path)
        except (pl.exceptions.PolarsError, OSError) as exc:
            raise DataError(f"{path}: cannot be read as PARQUET: {_first_line(exc)}") from exc
    else:
        raw, ragged = read_csv_text(path)
    types = COLUMNS[table]
    missing = [c for c in REQUIRED[table] if c not in raw.columns]
    if missing:
        separated = next((f" (the header is one name holding {mark!r}: paycalc reads "
                          "comma-separated files)" for mark in (";", "\t", "|")
                          if len(raw.columns) == 1 and mark in raw.columns[0]), "")
        raise DataError(f"{path}: no column {', '.join(missing)} (the {table} table needs "
                        f"{', '.join(REQUIRED[table])}){separated}")
    columns, problems = [], []
    moments = [raw[c] for c, t in types.items() if t == pl.Datetime and c in raw.columns]
    instants = of_instants(*moments) if moments and raw[moments[0].name].dtype == pl.String \
        else None
    for column in [c for c in types if c in raw.columns]:
        values, code, reason = convert(raw[column], types[column], instants=instants)
        columns.append(values)
        problems.append(pl.DataFrame({"row": pl.int_range(1, len(raw) + 1, eager=True),
                                      "code": code, "reason": reason})
                        .filter(pl.col("reason").is_not_null())
                        .with_columns(pl.lit(column).alias("column")))
    problems.append(ragged.with_columns(pl.lit(None, pl.String).alias("column")))
    frame = pl.DataFrame(columns, height=len(raw)).with_columns(
        pl.int_range(1, pl.len() + 1).alias("_row"))
    bad = frame_of(problems, schema(row=pl.Int64, column=pl.String, code=pl.String,
                                    reason=pl.String))
    return frame, bad.sort("row", "column")


def _first_line(exc: Exception) -> str:
    """The first line of an error from a file reader: what went wrong, without its hints."""
    return next((line.strip() for line in str(exc).splitlines() if line.strip()),
                type(exc).__name__)
