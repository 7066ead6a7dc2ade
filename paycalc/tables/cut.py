"""A data directory cut into buckets of whole employees before its rows are read, so that
reading it takes memory for one bucket at a time rather than for the whole directory.

`cut_directory` reads the employees whole (every bucket checks its rows against who is
employed when) and passes over each other table's file a few times without holding it:
it counts each employee's rows of the WEIGHED tables, draws the buckets as consecutive
ranges of employee ids of about `rows` such rows each, and writes every table's rows as
the file holds them, numbered, into one folder per bucket (a streaming sink partitioned by
bucket). A CSV file is read whole once, one file at a time, and cut from memory.

A bucket alone cannot tell three things, which the cut works out over the whole file:
whether an exporter's id (`punch_id`, `log_id`) is given by another row too, possibly of
another employee (`row_rules.taken_ids`, over the few rows whose id repeats); whether the
file's text datetimes are instants or local times (`convert.of_instants`); and which CSV
rows had the wrong number of values. `read_bucket` then converts and checks one bucket's
rows with those (`rows.checked_rows`): the rows, row ids and rejects are those of reading
the whole directory at once, since every other rule looks at one employee's rows only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from paycalc.tables.inputs import OWN_IDS
from paycalc.tables.row_rules import taken_ids
from paycalc.tables.rows import (
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
    staff, rejects = None, checked_rows({}, set(known), instants={}, ragged={}).rejects
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
            checked = checked_rows({table: _collected(lazy, path)}, set(known),
                                   instants=instants, ragged=ragged)
            staff, rejects = checked.kept[table], checked.rejects
        sources[table] = lazy
        read[table] = _collected(lazy.select(pl.len()), path).item()
    cut = {t: lazy for t, lazy in sources.items() if t != "employees"}
    first_ids = _first_ids(cut, staff, rows, files)
    taken = {t: _taken(lazy, t, instants[t], files[t], read[t], into)
             for t, lazy in cut.items() if OWN_IDS.get(t) in lazy.collect_schema()}
    for table, lazy in cut.items():
        try:
            lazy.with_columns(bucket_of(first_ids).alias("_bucket")).sink_parquet(
                pl.PartitionBy(into / table, key="_bucket", include_key=False),
                mkdir=True)
        except pl.exceptions.PolarsError as exc:
            raise unreadable(files[table], exc) from exc
    return Cut(files, into, first_ids, known, staff, rejects,
               {t: lazy.collect_schema() for t, lazy in cut.items()}, instants, ragged,
               taken, read, stray_files(Path(folder)))


def read_bucket(cut: Cut, number: int) -> Checked:
    """Bucket `number`'s rows of every table of `cut`, converted and checked: its
    employees' usable rows and its rejects."""
    raw = {}
    for table, columns in cut.schemas.items():
        parts = sorted((cut.folder / table / f"_bucket={number}").glob("*.parquet"))
        raw[table] = pl.read_parquet(parts).sort("_row") if parts else pl.DataFrame(
            schema=columns)
    checked = checked_rows(raw, set(cut.agreements), instants=cut.instants,
                           ragged=cut.ragged, staff=cut.staff, taken=cut.taken)
    if cut.staff is None:
        return checked
    mine = cut.staff.filter(bucket_of(cut.first_ids) == number)
    return Checked({"employees": mine, **checked.kept}, checked.rejects)


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
    (`row_rules.taken_ids`), worked out over the rows whose id repeats in the file. The
    ids are counted in groups of about ID_GROUP (by a hash of the id, written apart first
    when the file has more), so that no more ids than that are held at once."""
    own = OWN_IDS[table]
    given = lazy.select(own).filter(pl.col(own).is_not_null())
    groups = -(-rows // ID_GROUP)
    repeated = _repeated(given, own)
    if groups > 1:
        folder = into / "ids" / table
        try:
            given.with_columns((pl.col(own).hash() % groups).alias("_group")).sink_parquet(
                pl.PartitionBy(folder, key="_group", include_key=False), mkdir=True)
        except pl.exceptions.PolarsError as exc:
            raise unreadable(path, exc) from exc
        repeated = pl.concat([_repeated(pl.scan_parquet(part), own)
                              for part in sorted(folder.glob("*/*.parquet"))] or [repeated])
    twice = _collected(repeated, path)
    if not len(twice):
        return twice[own]
    rows_of = _collected(lazy.filter(pl.col(own).is_in(twice[own].implode())), path)
    values, bad = typed_rows(rows_of, table, instants)
    return taken_ids(values.filter(~pl.col("_row").is_in(bad["row"].implode())), own)


def _repeated(ids: pl.LazyFrame, own: str) -> pl.LazyFrame:
    """The ids of the column `own` that `ids` holds more than once."""
    return ids.group_by(own).len().filter(pl.col("len") > 1).select(own)
