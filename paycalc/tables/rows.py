"""The files of a data directory and their rows: which file holds which table, and each
table's rows as the file holds them (`raw_table`), converted (`typed_rows`) and checked
(`checked_rows`).

CSV values are read as text and converted to the documented types: dates `YYYY-MM-DD`,
datetimes ISO 8601 (`2025-03-29T22:00:00`, local time in the agreement's zone, or with an
offset `...+01:00` / `Z`, one form per column), decimals with a dot, whole numbers, booleans
`true`/`false`; an empty field is empty. Parquet columns of another type convert only
exactly (`paycalc.tables.convert`). Extra columns are left out. A row is numbered as the
Nth data row of its file (header and comment lines not counted).
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
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

FOUND = pl.Schema({c: t for c, t in INTAKE_REJECTS.items() if c != "file"})
"""Columns of the rows a reader rejected, before the file of their table is added."""
ROW_COUNTS = schema(table=pl.String, file=pl.String, read=pl.Int64)
ORIGINS = schema(table=pl.String, row_id=pl.String, row=pl.Int64)
"""Where each usable row came from: its table and data row (the table's file is in
`Intake.files`; a column of it on every row would cost more than the row ids)."""


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


@dataclass(frozen=True)
class Checked:
    """Rows of a data directory read and checked: the usable rows of each table (with
    their data row `_row`), and the rejected ones (`table`, `row`, `column`, `row_id`,
    `code`, `reason`: INTAKE_REJECTS but the file)."""

    kept: dict[str, pl.DataFrame]
    rejects: pl.DataFrame

    def origins(self) -> pl.DataFrame:
        """Where each usable row came from (ORIGINS)."""
        return frame_of([f.select(pl.lit(t).alias("table"), "row_id", pl.col("_row").alias("row"))
                         for t, f in self.kept.items()], ORIGINS)


def checked_rows(raw: dict[str, pl.DataFrame], agreements: AbstractSet[str], *,
                 instants: dict[str, bool | None], ragged: dict[str, pl.DataFrame],
                 staff: pl.DataFrame | None = None,
                 taken: dict[str, pl.Series] | None = None) -> Checked:
    """The rows of `raw` tables (as `raw_table` gives them, `_row` numbered) converted
    (`typed_rows`, text datetimes read as `instants` says per table), given row ids and
    checked (`row_rules.check_tables`, with `staff` and `taken` of the whole directory when
    these are some employees' rows only). `ragged` holds each table's rows that had too few
    or too many values (CSV); those of them among `raw` are rejected too."""
    typed, unconverted = {}, {}
    for table, frame in raw.items():
        values, bad = typed_rows(frame, table, instants.get(table), ragged.get(table))
        typed[table] = with_row_ids(values, table)
        unconverted[table] = bad.join(typed[table].select("_row", "row_id"), left_on="row",
                                      right_on="_row")
    usable = {t: f.filter(~pl.col("_row").is_in(unconverted[t]["row"].implode()))
              for t, f in typed.items()}
    kept, found = check_tables(usable, agreements, staff=staff, taken=taken)
    rejects = [f.with_columns(pl.lit(t).alias("table")) for t, f in unconverted.items()]
    rejects += [f.rename({"_row": "row"}).with_columns(pl.lit(t).alias("table"))
                for t, f in found.items()]
    return Checked(kept, frame_of([r.select(list(FOUND)) for r in rejects], FOUND))


def raw_table(path: Path, table: str) -> tuple[pl.LazyFrame, pl.DataFrame]:
    """The documented columns of one table as its file holds them (text for CSV), lazily,
    with a `_row` number from 1; and, for a CSV file, its rows with too few or too many
    values (`row`, `code`, `reason`). Raises `DataError` when the file cannot be read or a
    column the table needs is missing."""
    ragged = pl.DataFrame(schema={"row": pl.Int64, "code": pl.String, "reason": pl.String})
    if path.suffix == ".parquet":
        try:
            names = list(pl.read_parquet_schema(path))
        except (pl.exceptions.PolarsError, OSError) as exc:
            raise unreadable(path, exc) from exc
        raw = pl.scan_parquet(path)
    else:
        text, ragged = read_csv_text(path)
        raw, names = text.lazy(), text.columns
    missing = [c for c in REQUIRED[table] if c not in names]
    if missing:
        separated = next((f" (the header is one name holding {mark!r}: paycalc reads "
                          "comma-separated files)" for mark in (";", "\t", "|")
                          if len(names) == 1 and mark in names[0]), "")
        raise DataError(f"{path}: no column {', '.join(missing)} (the {table} table needs "
                        f"{', '.join(REQUIRED[table])}){separated}")
    return raw.select([c for c in COLUMNS[table] if c in names]).with_row_index(
        "_row", offset=1).with_columns(pl.col("_row").cast(pl.Int64)), ragged


def unreadable(path: Path, exc: Exception) -> DataError:
    """The error of a Parquet file that cannot be read."""
    return DataError(f"{path}: cannot be read as PARQUET: {_first_line(exc)}")


def text_instants(raw: pl.LazyFrame, table: str) -> bool | None:
    """Whether the text datetimes of a `raw_table` are instants (`convert.of_instants`
    over all its text datetime columns); None when it has none."""
    present = raw.collect_schema()
    moments = [c for c, t in COLUMNS[table].items()
               if t == pl.Datetime and present.get(c) == pl.String]
    if not moments:
        return None
    return of_instants(*raw.select(moments).collect().iter_columns())


def typed_rows(raw: pl.DataFrame, table: str, instants: bool | None,
               ragged: pl.DataFrame | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The rows of a `raw_table` with their columns converted to the documented types,
    `_row` kept, and the values that did not convert (`row`, `column`, `code`,
    `reason`), with those of the file's `ragged` rows (`raw_table`) that are among
    `raw`."""
    types = COLUMNS[table]
    columns, problems = [], []
    for column in [c for c in types if c in raw.columns]:
        values, code, reason = convert(raw[column], types[column], instants=instants)
        columns.append(values)
        problems.append(pl.DataFrame({"row": raw["_row"], "code": code, "reason": reason})
                        .filter(pl.col("reason").is_not_null())
                        .with_columns(pl.lit(column).alias("column")))
    if ragged is not None:
        problems.append(ragged.join(raw.select(pl.col("_row").alias("row")), on="row",
                                    how="semi").with_columns(pl.lit(None, pl.String)
                                                             .alias("column")))
    frame = pl.DataFrame([*columns, raw["_row"]], height=len(raw))
    bad = frame_of([p.select("row", "column", "code", "reason") for p in problems],
                   schema(row=pl.Int64, column=pl.String, code=pl.String, reason=pl.String))
    return frame, bad.sort("row", "column")


def read_table(path: Path, table: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One table with its documented columns converted, a `_row` number from 1, and the
    values that did not convert (`row`, `column`, `code`, `reason`). Raises `DataError` when
    the file cannot be read or a column the table needs is missing."""
    lazy, ragged = raw_table(path, table)
    try:
        raw = lazy.collect()
    except pl.exceptions.PolarsError as exc:
        raise unreadable(path, exc) from exc
    return typed_rows(raw, table, text_instants(lazy, table), ragged)


def _first_line(exc: Exception) -> str:
    """The first line of an error from a file reader: what went wrong, without its hints."""
    return next((line.strip() for line in str(exc).splitlines() if line.strip()),
                type(exc).__name__)
