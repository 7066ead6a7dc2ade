"""Reading a data directory: one CSV or Parquet file per interchange table.

CSV values are read as text and converted to the documented types: dates `YYYY-MM-DD`,
datetimes ISO 8601 (`2025-03-29T22:00:00`, local time in the agreement's zone, or with an
offset `...+01:00` / `Z`, one form per column), decimals with a dot, booleans
`true`/`false`; an empty field is empty. A value that does not convert is an error naming
the file and column (row-level rejects come with the batch-run issue).
"""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import polars as pl

from paycalc.inputs import COLUMNS, Inputs

_OFFSET = re.compile(r"(Z|[+-]\d\d:?\d\d)$")


class DataError(ValueError):
    """A table in a data directory that cannot be read."""


def read_directory(folder: Path) -> Inputs:
    """The tables found in `folder` (`punches.csv` or `punches.parquet`, ...)."""
    tables: dict[str, pl.DataFrame] = {}
    for item in fields(Inputs):
        csv, parquet = folder / f"{item.name}.csv", folder / f"{item.name}.parquet"
        if parquet.is_file():
            tables[item.name] = pl.read_parquet(parquet)
        elif csv.is_file():
            tables[item.name] = read_csv_table(csv, item.name)
    return Inputs(**tables)


def read_csv_table(path: Path, table: str) -> pl.DataFrame:
    """One CSV table with its documented columns converted; extra columns stay text."""
    frame = pl.read_csv(path, infer_schema=False, comment_prefix="#")
    types = COLUMNS[table]
    converted = []
    for column in frame.columns:
        dtype = types.get(column, pl.String)
        try:
            converted.append(_convert(frame[column], dtype))
        except (pl.exceptions.PolarsError, DataError) as exc:
            raise DataError(f"{path}: column {column}: {exc}") from exc
    return pl.DataFrame(converted)


def _convert(values: pl.Series, dtype: pl.DataType | type[pl.DataType]) -> pl.Series:
    if dtype == pl.String:
        return values
    if dtype == pl.Date:
        return values.str.to_date("%Y-%m-%d")
    present = values.drop_nulls()
    if dtype == pl.Boolean:
        wrong = present.filter(~present.is_in(["true", "false"]))
        if len(wrong):
            raise DataError(f"'{wrong[0]}' is not true or false")
        return values == "true"
    if dtype == pl.Datetime:
        offsets = present.str.contains(_OFFSET.pattern)
        if offsets.all() and len(present):
            return values.str.to_datetime(time_zone="UTC", time_unit="us")
        if offsets.any():
            raise DataError("mixes times with and without an offset")
        return values.str.to_datetime("%Y-%m-%dT%H:%M:%S", time_unit="us")
    return values.cast(dtype)
