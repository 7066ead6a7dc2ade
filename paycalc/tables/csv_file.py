"""Reading one CSV file of a data directory as text, row by row, losing nothing.

A file is UTF-8 (a byte-order mark is accepted and dropped), comma-separated, with a header
row of distinct names, and quoted as RFC 4180 says. There is no comment character: every
line after the header is a row, so a row whose first value starts with `#` is read like any
other. Blank lines are no rows. A row with more or fewer values than the header has is kept
in place with no values and a `FIELD_COUNT` reason, so it is counted and rejected, never
padded or cut. A file that is not UTF-8, is empty, repeats a header name, or holds a quote
that is never closed cannot be read row by row: `DataError`, naming the line.

A file without any quote character (what most exports write) is split with Polars string
expressions over all its lines at once; a file with quotes goes through Python's `csv`
module, which knows quoting exactly and is slower.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import polars as pl

from paycalc.errors import DataError
from paycalc.reasons import FIELD_COUNT
from paycalc.tables.messages import rejected

BOM = "\ufeff"
SEPARATOR = "\x1f"
"""A character no export writes: splitting lines at it reads each line whole."""


def read_csv_text(path: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The rows of the CSV file at `path` as text (an empty value is null), one column per
    header name, and the rows whose number of values is not the header's (`row` from 1,
    `code`, `reason`). Raises `DataError` when the file cannot be read row by row."""
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise DataError(f"{path}: cannot be read ({exc.strerror})") from exc
    try:
        text = content.decode("utf-8").removeprefix(BOM)
    except UnicodeDecodeError as exc:
        line = content[:exc.start].count(b"\n") + 1
        raise DataError(f"{path}: line {line}: byte 0x{content[exc.start]:02x} is not UTF-8; "
                        "save the file as UTF-8 (paycalc reads no other encoding)") from exc
    if not text.strip():
        raise DataError(f"{path}: the file is empty: not even a header row (an export of no "
                        "rows still writes its header)")
    if '"' in text or SEPARATOR in text:
        return _from_records(_parsed(text, path), path)
    lines = pl.read_csv(io.StringIO(text), has_header=False, separator=SEPARATOR,
                        quote_char=None, infer_schema=False, new_columns=["line"])["line"]
    header = lines[0].split(",")
    _distinct(header, path)
    width = len(header)
    rows = lines.slice(1).drop_nulls().to_frame().with_columns(
        (pl.col("line").str.count_matches(",", literal=True) + 1).alias("found"))
    fits = pl.col("found") == width
    values = pl.when(fits).then(pl.col("line")).str.split_exact(",", width - 1)
    frame = rows.select(values.struct.rename_fields(header).struct.unnest()).with_columns(
        pl.all().replace("", None))
    return frame, _field_counts(rows.with_row_index("row", offset=1).filter(~fits), width)


def _from_records(records: list[list[str]], path: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The frame and field-count problems of a file read as records (`read_csv_text`)."""
    header, rows = records[0], records[1:]
    _distinct(header, path)
    width = len(header)
    ragged = [(number, len(row)) for number, row in enumerate(rows, start=1) if len(row) != width]
    if ragged:
        rows = [row if len(row) == width else [""] * width for row in rows]
    columns = list(zip(*rows, strict=True)) if rows else [()] * width
    frame = pl.DataFrame({name: pl.Series(name, values, pl.String)
                          for name, values in zip(header, columns, strict=True)},
                         height=len(rows)).with_columns(pl.all().replace("", None))
    found = pl.DataFrame(ragged, schema={"row": pl.Int64, "found": pl.Int64}, orient="row")
    return frame, _field_counts(found, width)


def _distinct(header: list[str], path: Path) -> None:
    """Raise `DataError` when the header repeats a name."""
    twice = sorted(name for name, n in Counter(header).items() if n > 1)
    if twice:
        raise DataError(f"{path}: the header names {', '.join(map(repr, twice))} more than once; "
                        "which column is meant cannot be told")


def _field_counts(ragged: pl.DataFrame, width: int) -> pl.DataFrame:
    """The `FIELD_COUNT` problem of each row of `ragged` (`row`, `found` values)."""
    return ragged.select(pl.col("row").cast(pl.Int64),
                         *rejected(FIELD_COUNT, found=pl.col("found"), expected=width))


def _parsed(text: str, path: Path) -> list[list[str]]:
    """The records of a CSV text with quotes, read by the `csv` module strictly."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records = []
    start = 1
    try:
        for record in reader:
            if record:
                records.append(record)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DataError(f"{path}: line {start}: cannot be read as CSV ({exc}): a quoted value "
                        "must end with a quote followed by a comma or the end of its line"
                        ) from exc
    return records
