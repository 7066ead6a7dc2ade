"""A data directory cut into buckets of whole employees before its rows are read, so that
reading it takes memory for one bucket at a time rather than for the whole directory.

`cut_directory` reads the employees whole (every bucket checks its rows against who is
employed when) and passes over each other table's file a few times without holding it:
it counts each employee's rows of the WEIGHED tables, draws the buckets as consecutive
ranges of employee ids of about `rows` such rows each, and writes every table's rows as
the file holds them, numbered, a SLICE at a time, each slice sorted by bucket into one
Parquet file whose row groups say which buckets they hold (`_spread`), so that a bucket
reads only its own rows (`_gathered`). A CSV file is read whole once, one file at a time,
and kept as Parquet text beside the buckets.

A bucket alone cannot tell three things, which the cut works out over the whole file:
whether an exporter's id (`punch_id`, `log_id`) is given by another row too, possibly of
another employee (`row_rules.taken_ids`, over the few rows whose id repeats); whether the
file's text datetimes are instants or local times (`convert.of_instants`); and which CSV
rows had the wrong number of values. `read_bucket` then converts and checks one bucket's
rows with those (`rows.checked_rows`): the rows, row ids and rejects are those of reading
the whole directory at once, since every other rule looks at one employee's rows only.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from paycalc.tables.inputs import OWN_IDS
from paycalc.tables.row_rules import taken_ids
from paycalc.tables.rows import (
    FOUND,
    ROW_COUNTS,
    Checked,
    checked_rows,
    raw_table,
    stray_files,
    table_files,
    text_instants,
    typed_rows,
    unreadable,
)

WEIGHED = ("punches", "timelogs", "timer_events")
"""The tables whose rows size a bucket: the rows most of the work is made of."""
ID_GROUP = 2_000_000
"""Ids counted at once when looking for an id given twice."""
SLICE = 2_000_000
"""Rows of a file read at once while it is cut."""
ROW_GROUP = 16_384
"""Rows in a row group of the cut's files: a bucket's rows are read a row group or two
of each file at a time."""


@dataclass(frozen=True)
class Cut:
    """A data directory cut into buckets (`cut_directory`): its table files, the folder
    holding each bucket's rows, the first employee id of each bucket's range, the
    agreements assignments may name, the usable employees (`staff`, checked) and the
    employees' rejects, and per cut table its raw columns, how its text datetimes read
    (`instants`), its CSV rows with the wrong number of values (`ragged`), the ids given
    by more than one row (`taken`); the rows each file had, and the folder's files that
    are no table."""

    files: dict[str, Path]
    folder: Path
    first_ids: pl.Series
    agreements: frozenset[str]
    staff: pl.DataFrame | None
    rejects: pl.DataFrame
    schemas: dict[str, pl.Schema]
    instants: dict[str, bool | None]
    ragged: dict[str, pl.DataFrame]
    taken: dict[str, pl.Series]
    read: dict[str, int]
    stray: list[str]

    @property
    def count(self) -> int:
        """How many buckets."""
        return max(1, len(self.first_ids))

    def counts(self) -> pl.DataFrame:
        """The rows each file had (ROW_COUNTS)."""
        return pl.DataFrame({"table": list(self.files),
                             "file": [p.name for p in self.files.values()],
                             "read": [self.read[t] for t in self.files]}, schema=ROW_COUNTS)


def bucket_of(first_ids: pl.Series) -> pl.Expr:
    """The bucket of a row's `employee_id`: the last range whose first id is at or before
    it; the first bucket for a row without an id (or before every range)."""
    if not len(first_ids):
        return pl.lit(0, pl.Int64)
    found = pl.lit(first_ids).search_sorted(pl.col("employee_id"), side="right")
    return (found.cast(pl.Int64) - 1).clip(lower_bound=0).fill_null(0)


def cut_directory(folder: Path, agreements: Iterable[str], into: Path, rows: int | None
                  ) -> Cut:
    """The tables of `folder` cut into buckets of about `rows` rows of the WEIGHED tables
    (one bucket when None), each bucket's rows written under `into`. Raises `DataError`
    when a file cannot be read or lacks a column its table needs."""
    files = table_files(Path(folder))
    known = frozenset(agreements)
    staff, rejects = None, pl.DataFrame(schema=FOUND)
    read: dict[str, int] = {}
    sources: dict[str, pl.LazyFrame] = {}
    instants: dict[str, bool | None] = {}
    ragged: dict[str, pl.DataFrame] = {}
    for table, path in files.items():
        lazy, ragged[table] = raw_table(path, table)
        instants[table] = text_instants(lazy, table)
        if path.suffix == ".csv":
            # read once: the text is kept as Parquet beside the buckets, not in memory
            text = into / "text" / f"{table}.parquet"
            text.parent.mkdir(parents=True, exist_ok=True)
            lazy.collect().write_parquet(text)
            lazy = pl.scan_parquet(text)
        if table == "employees":
            checked = checked_rows({table: _collected(lazy, path)}, known,
                                   instants=instants, ragged=ragged)
            staff, rejects = checked.kept[table], checked.rejects
        sources[table] = lazy
        read[table] = _collected(lazy.select(pl.len()), path).item()
    cut = {t: lazy for t, lazy in sources.items() if t != "employees"}
    first_ids = _first_ids(cut, staff, rows, files)
    taken = {t: _taken(lazy, t, instants[t], files[t], read[t], into)
             for t, lazy in cut.items() if OWN_IDS.get(t) in lazy.collect_schema()}
    for table, lazy in cut.items():
        _spread(lazy, bucket_of(first_ids), into / table, read[table], files[table])
    return Cut(files, into, first_ids, known, staff, rejects,
               {t: lazy.collect_schema() for t, lazy in cut.items()}, instants, ragged,
               taken, read, stray_files(Path(folder)))


def read_bucket(cut: Cut, number: int) -> Checked:
    """Bucket `number`'s rows of every table of `cut`, converted and checked: its
    employees' usable rows and its rejects."""
    raw = {table: _gathered(cut.folder / table, number, columns).sort("_row")
           for table, columns in cut.schemas.items()}
    checked = checked_rows(raw, cut.agreements, instants=cut.instants,
                           ragged=cut.ragged, staff=cut.staff, taken=cut.taken)
    if cut.staff is None:
        return checked
    mine = cut.staff.filter(bucket_of(cut.first_ids) == number)
    return Checked({"employees": mine, **checked.kept}, checked.rejects)


def _spread(lazy: pl.LazyFrame, key: pl.Expr, folder: Path, rows: int, path: Path) -> None:
    """The `rows` rows of `lazy` (the table of the file at `path`) written into `folder`
    with their `key` (a bucket, a group), a SLICE of rows at a time: each slice as one file
    sorted by key, file order kept within a key, its row groups carrying their keys' range
    so that one key's rows are read without the others (`_gathered`)."""
    folder.mkdir(parents=True, exist_ok=True)
    try:
        pieces = list(_pieces(lazy, folder, key))
    except pl.exceptions.PolarsError as exc:
        raise unreadable(path, exc) from exc
    if not pieces:   # no rows: one empty file keeps the columns
        lazy.clear().with_columns(key.alias("_key")).collect().write_parquet(
            folder / "000000.parquet")


def _pieces(lazy: pl.LazyFrame, folder: Path, key: pl.Expr) -> Iterator[Path]:
    """Each SLICE of `lazy` with its `key`, written sorted by key into `folder` (`_spread`)."""
    for number, piece in enumerate(lazy.collect_batches(chunk_size=SLICE)):
        place = folder / f"{number:06d}.parquet"
        keyed = piece.with_columns(key.alias("_key"))
        if not keyed["_key"].is_sorted():   # an export sorted by employee is already
            keyed = keyed.sort("_key", maintain_order=True)
        keyed.write_parquet(place, compression="lz4", statistics=True,
                            row_group_size=ROW_GROUP)
        yield place


def _gathered(folder: Path, key: int, columns: pl.Schema) -> pl.DataFrame:
    """The rows `_spread` wrote into `folder` with `key`, in file order."""
    parts = sorted(folder.glob("*.parquet"))
    if not parts:
        return pl.DataFrame(schema=columns)
    return pl.scan_parquet(parts).filter(pl.col("_key") == key).drop("_key").collect()


def _collected(lazy: pl.LazyFrame, path: Path) -> pl.DataFrame:
    """`lazy` collected; `DataError` when its file cannot be read."""
    try:
        return lazy.collect(engine="streaming")
    except pl.exceptions.PolarsError as exc:
        raise unreadable(path, exc) from exc


def _first_ids(cut: dict[str, pl.LazyFrame], staff: pl.DataFrame | None, rows: int | None,
               files: dict[str, Path]) -> pl.Series:
    """The first employee id of each bucket: consecutive ranges of ids (every employee and
    every id of the WEIGHED tables, in order) of about `rows` rows of those tables each."""
    empty = pl.Series("employee_id", [], pl.String)
    if rows is None:
        return empty
    counts = [_collected(cut[t].group_by("employee_id").agg(pl.len().cast(pl.Int64)),
                         files[t]) for t in WEIGHED if t in cut]
    if staff is not None:
        counts.append(staff.select("employee_id", pl.lit(0, pl.Int64).alias("len")))
    if not counts:
        return empty
    weights = pl.concat(counts).drop_nulls("employee_id").group_by("employee_id").agg(
        pl.col("len").sum()).sort("employee_id")
    before = pl.col("len").cum_sum() - pl.col("len")
    return weights.with_columns((before // rows).alias("bucket")).group_by(
        "bucket").agg(pl.col("employee_id").min()).sort("bucket")["employee_id"]


def _taken(lazy: pl.LazyFrame, table: str, instants: bool | None, path: Path, rows: int,
           into: Path) -> pl.Series:
    """The exporter's ids of `table` that more than one usable row gives
    (`row_rules.taken_ids`), worked out over the rows whose id's hash repeats in the file.
    The hashes are counted in groups of about ID_GROUP (written apart first when the file
    has more), so that no more than that are held at once."""
    own = OWN_IDS[table]
    hashes = lazy.filter(pl.col(own).is_not_null()).select(pl.col(own).hash().alias("_hash"))
    groups = -(-rows // ID_GROUP)
    if groups > 1:
        folder = into / "ids" / table
        _spread(hashes, (pl.col("_hash") % groups).cast(pl.Int64), folder, rows, path)
        columns = pl.Schema({"_hash": pl.UInt64})
        twice = pl.concat([_repeated(_gathered(folder, g, columns).lazy(), "_hash").collect()
                           for g in range(groups)])
    else:
        twice = _collected(_repeated(hashes, "_hash"), path)
    if not len(twice):
        return pl.Series(own, [], pl.String)
    rows_of = _collected(lazy.filter(pl.col(own).hash().is_in(twice["_hash"].implode())), path)
    values, bad = typed_rows(rows_of, table, instants)
    return taken_ids(values.filter(~pl.col("_row").is_in(bad["row"].implode())), own)


def _repeated(values: pl.LazyFrame, column: str) -> pl.LazyFrame:
    """The values of `column` that `values` holds more than once."""
    return values.group_by(column).len().filter(pl.col("len") > 1).select(column)
