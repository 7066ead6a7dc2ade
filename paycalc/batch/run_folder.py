"""A run's output folder: written whole or not at all, and read only while it matches its
manifest.

A run writes into a private folder beside `--out` (`.NAME.partial`), with the SHA-256 of
every file taken from the bytes it writes and the manifest written last, then renames it
into place. A folder that exists is replaced only when asked (`replace`): the old one is
first renamed aside (`.NAME.replaced`), the new one renamed in, the old one removed. A lock
file beside it (`.NAME.lock`, an OS lock the system releases when the process dies) keeps
a second run from writing the same folder at the same time; whoever takes the lock next
finishes what a killed run left: a partial folder is removed, a folder renamed aside is put
back when its replacement never arrived. So a process killed at any instant leaves the old
folder or the new one, never a mix.

Reading goes through `RunFolder`: every file is read once, hashed, and used only when its
hash is the manifest's, so `transfer`, `report` and `explain` never act on tables a run did
not write together.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import polars as pl
from filelock import FileLock, Timeout

from paycalc.errors import DataError, OutputError
from paycalc.tables.inputs import Period

MANIFEST = "manifest.json"


def _aside(out: Path, what: str) -> Path:
    return out.parent / f".{out.name}.{what}"


@contextlib.contextmanager
def writing(out: Path, *, replace: bool = False) -> Iterator[Path]:
    """A fresh private folder to write a run into, renamed to `out` when the block ends
    without an error (and removed when it raises). Raises `OutputError` when `out` holds
    files and `replace` is false, or while another process writes `out`."""
    out = Path(out).resolve()
    writable(out, replace=replace)
    out.parent.mkdir(parents=True, exist_ok=True)
    with _locked(out):
        _recover(out)
        writable(out, replace=replace)
        partial = _aside(out, "partial")
        partial.mkdir()
        try:
            yield partial
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        _flush_folder(partial)
        if out.is_dir():
            os.replace(out, _aside(out, "replaced"))
        try:
            os.replace(partial, out)
            _flush_folder(out.parent)
        finally:
            _recover(out)


@contextlib.contextmanager
def _locked(out: Path) -> Iterator[None]:
    """The lock of `out` held for the block; `OutputError` when another process holds
    it."""
    lock = FileLock(_aside(out, "lock"), timeout=0)
    try:
        lock.acquire()
    except Timeout as exc:
        raise OutputError(f"another run is writing {out} (it holds {lock.lock_file}); wait for "
                          "it to end, or write to another --out") from exc
    try:
        yield
    finally:
        lock.release()


def writable(out: Path, *, replace: bool = False) -> None:
    """Raise `OutputError` when a run may not be written to `out`: it is a file, or a
    folder that holds files while `replace` is false (checked before a run, to refuse it
    before its work, and again under the lock)."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out} is a file, not a folder")
    if Path.cwd().is_relative_to(out.resolve()):
        raise OutputError(f"--out {out} is the folder paycalc runs in (or holds it); name "
                          "a folder of its own")
    if not replace and out.is_dir() and any(out.iterdir()):
        raise OutputError(f"{out} already holds files; write to another --out, or pass "
                          "--replace to replace that folder with this run")


def _recover(out: Path) -> None:
    """Finish what a killed writer of `out` left (the lock is held): drop a partial folder;
    put back a folder renamed aside whose replacement never arrived, else drop it."""
    shutil.rmtree(_aside(out, "partial"), ignore_errors=True)
    replaced = _aside(out, "replaced")
    if replaced.is_dir():
        if out.exists():
            shutil.rmtree(replaced)
        else:
            os.replace(replaced, out)


def _flush_folder(folder: Path) -> None:
    """A folder's entries on disk (its files were flushed as they were written)."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, in hex, read a block at a time."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def flushed(path: Path) -> str:
    """The file at `path` flushed to disk; returns its SHA-256."""
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())
    return sha256(path)


def put(folder: Path, name: str, content: bytes) -> str:
    """`content` written to `folder/name` and flushed to disk; returns its SHA-256."""
    (folder / name).parent.mkdir(parents=True, exist_ok=True)
    with (folder / name).open("wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    return hashlib.sha256(content).hexdigest()


def put_all(folder: Path, files: Iterable[tuple[str, bytes]]) -> dict[str, str]:
    """Each of `files` (name and content) written to `folder` under its name as it comes
    (folders made as needed), then all flushed to disk at once (one `os.sync`, not one
    fsync per file: the report site's thousands of pages); returns their SHA-256 by
    name."""
    hashes = {}
    for name, content in files:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
        hashes[name] = hashlib.sha256(content).hexdigest()
    os.sync()
    return hashes


class RunFolder:
    """The output folder of a complete run, checked against its manifest."""

    def __init__(self, path: Path) -> None:
        """Raises `DataError` when `path` is not a run's output folder or its manifest
        cannot be read. A folder a killed run had renamed aside to replace it is put back
        first."""
        self.path = Path(path)
        if not self.path.exists() and _aside(self.path, "replaced").is_dir():
            with _locked(self.path):
                _recover(self.path)
        if not self.path.is_dir():
            raise DataError(f"{self.path}: not the output folder of a run (no such folder)")
        try:
            raw = (self.path / MANIFEST).read_bytes()
            self.manifest: dict[str, Any] = json.loads(raw)
            self._listed = {entry["file"]: entry["sha256"] for entry in self.manifest["outputs"]}
            self.period = Period(dt.date.fromisoformat(self.manifest["period"]["from"]),
                                 dt.date.fromisoformat(self.manifest["period"]["to"]))
            made_from = self.manifest["made_from_lock"]
            self.made_from = dt.date.fromisoformat(made_from) if made_from else None
            """The last locked day the run started from, if it ran with a run store."""
            self.decimals: dict[str, int] = {a["id"]: int(a["decimals"])
                                             for a in self.manifest["agreements"]}
            """Each agreement's money decimals, as the run wrote its amounts."""
        except FileNotFoundError as exc:
            raise DataError(f"{self.path}: not the output folder of a complete run (no "
                            f"{MANIFEST}; a run writes it last)") from exc
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise DataError(f"{self.path}: its {MANIFEST} cannot be read ({type(exc).__name__}: "
                            f"{exc})") from exc
        self.sha256 = hashlib.sha256(raw).hexdigest()
        """The manifest's own hash: the identity of the run in the run store."""

    def content(self, name: str) -> bytes:
        """The bytes of the run's file `name`, when they are those the run wrote; raises
        `DataError` when the manifest does not list it or the file was changed."""
        if name not in self._listed:
            raise DataError(f"{self.path}: its {MANIFEST} lists no {name}")
        try:
            content = (self.path / name).read_bytes()
        except OSError as exc:
            raise DataError(f"{self.path / name}: cannot be read ({exc.strerror}); the run "
                            f"wrote it, so the folder was changed after the run") from exc
        if hashlib.sha256(content).hexdigest() != self._listed[name]:
            raise DataError(f"{self.path / name}: changed since the run wrote it (its SHA-256 "
                            f"is not the one in {MANIFEST}); run again rather than edit a "
                            "run's outputs")
        return content

    def table(self, name: str, columns: pl.Schema) -> pl.DataFrame:
        """The output table `name` (Parquet or CSV, as the run wrote it), typed as
        `columns`."""
        files = [f for f in (f"{name}.parquet", f"{name}.csv") if f in self._listed]
        if not files:
            raise DataError(f"{self.path}: its {MANIFEST} lists no table {name}")
        content = self.content(files[0])
        try:
            if files[0].endswith(".parquet"):
                return pl.read_parquet(io.BytesIO(content)).cast(columns)
            return _typed(pl.read_csv(io.BytesIO(content), infer_schema=False), columns)
        except pl.exceptions.PolarsError as exc:
            raise DataError(f"{self.path / files[0]}: cannot be read as the output table "
                            f"{name}: {exc}") from exc


def _typed(text: pl.DataFrame, columns: pl.Schema) -> pl.DataFrame:
    """A CSV output read as text, typed back as `columns` (a list was written as its items
    joined by `|`)."""
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
