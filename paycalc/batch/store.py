"""The run store: one SQLite file that remembers what was transferred to payroll.

It keeps every transfer (preliminary or definitive, its period and the manifest hash of
the run it came from), the pay lines of each definitive transfer, and the tracker balances
locked by it per employee, tracker and tracking year. The lock is the last day of the
latest definitive transfer: the next run starts its trackers from the balances locked then
(`opening`), and lines of locked days become corrections against what was transferred.

SQLite (in Python's standard library) was chosen over DuckDB because what matters here is
an atomic, durable commit of a few small tables from one writer: a definitive transfer is
one transaction, so a process killed in the middle leaves the store as it was before. Money
and quantities are stored as decimal text, never as floating point.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Literal

import polars as pl

from paycalc.batch.corrections import summed
from paycalc.errors import StoreError
from paycalc.tables.inputs import MONEY, Opening, Period, schema
from paycalc.tables.outputs import MOVES, OPENING, QUANTITY

Kind = Literal["preliminary", "definitive"]

TRANSFERRED = schema(employee_id=pl.String, date=pl.Date, agreement=pl.String,
                     salary_type=pl.String, unit=pl.String, seconds=pl.Int64,
                     quantity=QUANTITY, amount=MONEY)
"""The lines of definitive transfers, as the store gives them back."""

_TABLES = """
create table if not exists transfers (
    id integer primary key, kind text not null check (kind in ('preliminary', 'definitive')),
    period_from text not null, period_to text not null, run_manifest text not null,
    lines integer not null);
create table if not exists transferred_lines (
    transfer_id integer not null references transfers(id), employee_id text not null,
    date text not null, agreement text, salary_type text not null, unit text not null,
    seconds integer, quantity text, amount text);
create table if not exists transferred_moves (
    transfer_id integer not null references transfers(id), employee_id text not null,
    tracker text not null, date text not null, kind text not null, made_by text,
    agreement text, quantity text not null);
create table if not exists transfer_exports (
    transfer_id integer not null references transfers(id), name text not null,
    content blob not null);
create table if not exists locked_balances (
    transfer_id integer not null references transfers(id), employee_id text not null,
    tracker text not null, tracking_year text, balance text not null, accrued text not null,
    balance_ticks integer, accrued_ticks integer);
"""
_ADDED = {"locked_balances": ("balance_ticks integer", "accrued_ticks integer")}
"""Columns added since a table was first made: a store made before gets them, empty."""


class RunStore:
    """The run store at `path` (created when missing)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with self._connection() as db:
            db.executescript(_TABLES)
            for table, added in _ADDED.items():
                have = {row[1] for row in db.execute(f"pragma table_info({table})")}
                for column in added:
                    if column.split()[0] not in have:
                        db.execute(f"alter table {table} add column {column}")

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        try:
            db = sqlite3.connect(self.path, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot be opened as a run store: {exc}") from exc
        try:
            db.execute("pragma foreign_keys = on")
            yield db
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a run store, or a damaged one: {exc}") from exc
        finally:
            db.close()

    def lock(self) -> dt.date | None:
        """The last locked day: the end of the latest definitive transfer (None before one)."""
        with self._connection() as db:
            return _lock_of(db)

    def opening(self) -> Opening | None:
        """Where the next run's trackers start: the balances locked with the lock."""
        with self._connection() as db:
            row = db.execute("select id, period_to from transfers where kind = 'definitive' "
                             "order by period_to desc, id desc limit 1").fetchone()
            if row is None:
                return None
            found = db.execute("select employee_id, tracker, tracking_year, balance, accrued, "
                               "balance_ticks, accrued_ticks from locked_balances "
                               "where transfer_id = ?", (row[0],)).fetchall()
        balances = pl.DataFrame(
            [(e, t, dt.date.fromisoformat(y) if y else None, Decimal(b), Decimal(a), bt, at)
             for e, t, y, b, a, bt, at in found],
            schema=OPENING, orient="row")
        return Opening(dt.date.fromisoformat(row[1]), balances)

    def transferred(self, days: Period | None = None) -> pl.DataFrame:
        """Every line of every definitive transfer (corrections included), or only those
        dated in `days`."""
        query = ("select employee_id, date, agreement, salary_type, unit, seconds, quantity, "
                 "amount from transferred_lines")
        window = (days.start.isoformat(), days.end.isoformat()) if days else ()
        with self._connection() as db:
            rows = db.execute(query + (" where date between ? and ?" if days else ""),
                              window).fetchall()
        return pl.DataFrame(
            [(e, dt.date.fromisoformat(d), a, s, u, sec, _number(q), _number(m))
             for e, d, a, s, u, sec, q, m in rows], schema=TRANSFERRED, orient="row")

    def moves(self, days: Period) -> pl.DataFrame:
        """What definitive transfers kept of the tracker additions of `days` (MOVES), the
        corrections booked for them included, summed per key."""
        with self._connection() as db:
            rows = db.execute("select employee_id, tracker, date, kind, made_by, agreement, "
                              "quantity from transferred_moves where date between ? and ?",
                              (days.start.isoformat(), days.end.isoformat())).fetchall()
        frame = pl.DataFrame([(e, t, dt.date.fromisoformat(d), k, m, a, Decimal(q))
                              for e, t, d, k, m, a, q in rows], schema=MOVES, orient="row")
        return summed(frame)

    def export_of(self, period: Period) -> tuple[int, list[tuple[str, bytes]]]:
        """The definitive transfer of `period` and the export files recorded with it (name,
        content); raises `StoreError` when there is none."""
        with self._connection() as db:
            row = db.execute("select id from transfers where kind = 'definitive' and "
                             "period_from = ? and period_to = ? order by id desc limit 1",
                             (period.start.isoformat(), period.end.isoformat())).fetchone()
            if row is None:
                raise StoreError(f"no definitive transfer of {period.start} to {period.end} "
                                 f"is recorded in {self.path}")
            files = db.execute("select name, content from transfer_exports where "
                               "transfer_id = ? order by rowid", (row[0],)).fetchall()
        return int(row[0]), [(name, bytes(content)) for name, content in files]

    def recorded(self, manifest: str) -> int | None:
        """The definitive transfer of the run whose manifest hash is `manifest`, if any."""
        with self._connection() as db:
            row = db.execute("select id from transfers where kind = 'definitive' and "
                             "run_manifest = ? order by id limit 1", (manifest,)).fetchone()
        return None if row is None else int(row[0])

    def transfers(self) -> list[tuple[int, Kind, dt.date, dt.date, int]]:
        """Every transfer: id, kind, period and number of lines, oldest first."""
        with self._connection() as db:
            rows = db.execute("select id, kind, period_from, period_to, lines from transfers "
                              "order by id").fetchall()
        return [(i, k, dt.date.fromisoformat(f), dt.date.fromisoformat(t), n)
                for i, k, f, t, n in rows]

    def transfer(self, kind: Kind, period: Period, lines: pl.DataFrame, balances: pl.DataFrame,
                 *, manifest: str, made_from: dt.date | None,
                 moves: pl.DataFrame | None = None,
                 exports: Sequence[tuple[str, bytes]] = ()) -> int:
        """Record a transfer of `lines` (pay lines, payable ones) for `period`. A definitive
        one also keeps the lines, `balances` (as of the period's end) and the tracker
        additions `moves` (MOVES) and so locks the period; the `exports` files (name,
        content) are kept with it so they can be written again; all of it is one transaction.
        `made_from` is the lock the run started from: a run made before a later lock is
        refused, as is a period already locked."""
        with self._connection() as db:
            db.execute("begin immediate")
            try:
                lock = _lock_of(db)
                if kind == "definitive" and lock is not None and period.end <= lock:
                    raise StoreError(f"{period.start} to {period.end} is already locked "
                                     f"(to {lock})")
                if kind == "definitive" and lock is not None and period.start <= lock:
                    raise StoreError(
                        f"{period.start} to {period.end} overlaps the locked period (to "
                        f"{lock}): run from {lock + dt.timedelta(days=1)}; changes to locked "
                        "days are paid as corrections")
                if lock != made_from:
                    raise StoreError(f"the run started from the lock {made_from or 'none'}, "
                                     f"but the store is locked to {lock}: run it again")
                cursor = db.execute(
                    "insert into transfers (kind, period_from, period_to, run_manifest, lines) "
                    "values (?, ?, ?, ?, ?)", (kind, period.start.isoformat(),
                                               period.end.isoformat(), manifest, len(lines)))
                number = cursor.lastrowid
                assert number is not None
                db.executemany("insert into transfer_exports values (?, ?, ?)",
                               [(number, name, content) for name, content in exports])
                if kind == "definitive":
                    _insert_lines(db, number, lines)
                    _insert_balances(db, number, balances)
                    _insert_moves(db, number, moves if moves is not None
                                  else pl.DataFrame(schema=MOVES))
                db.execute("commit")
            except BaseException:
                db.execute("rollback")
                raise
        return number


def _lock_of(db: sqlite3.Connection) -> dt.date | None:
    (last,) = db.execute("select max(period_to) from transfers "
                         "where kind = 'definitive'").fetchone()
    return dt.date.fromisoformat(last) if last else None


def _number(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _insert_lines(db: sqlite3.Connection, transfer: int, lines: pl.DataFrame) -> None:
    db.executemany(
        "insert into transferred_lines values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(transfer, r["employee_id"], r["date"].isoformat(), r["agreement"], r["salary_type"],
          r["unit"], r["seconds"], _text(r["quantity"]), _text(r["amount"]))
         for r in lines.iter_rows(named=True)])


def _insert_moves(db: sqlite3.Connection, transfer: int, moves: pl.DataFrame) -> None:
    db.executemany(
        "insert into transferred_moves values (?, ?, ?, ?, ?, ?, ?, ?)",
        [(transfer, r["employee_id"], r["tracker"], r["date"].isoformat(), r["kind"],
          r["made_by"], r["agreement"], str(r["quantity"])) for r in moves.iter_rows(named=True)])


def _insert_balances(db: sqlite3.Connection, transfer: int, balances: pl.DataFrame) -> None:
    db.executemany(
        "insert into locked_balances values (?, ?, ?, ?, ?, ?, ?, ?)",
        [(transfer, r["employee_id"], r["tracker"],
          r["tracking_year"].isoformat() if r["tracking_year"] else None,
          str(r["balance"]), str(r["accrued"]), r.get("balance_ticks"), r.get("accrued_ticks"))
         for r in balances.iter_rows(named=True)])
