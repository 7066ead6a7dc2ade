"""Every malformed data file is a located reject or a clear `DataError` (exit 3), never a
traceback and never a row that vanishes: one case per kind of bad file, each with the
reject code and row, or the words of the error, it must give.

Each case writes a small punches file (the employees and assignments of the shipped sample
beside it) and reads the directory as `paycalc run` does; the accounting must add up: rows
read = rows used + rows rejected.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import polars as pl
import pytest

from paycalc.errors import DataError
from paycalc.spec.bundled import SAMPLE_DIR
from paycalc.tables.datadir import read_directory

HEADER = "punch_id,employee_id,start,end"
GOOD = "p1,e1,2025-01-02T08:00:00,2025-01-02T12:00:00"
AGREEMENTS = ["retail", "retail_part_time", "hourly", "contact_centre", "office"]


def _directory(tmp_path: Path, punches: bytes) -> Path:
    data = tmp_path / "data"
    data.mkdir(parents=True)
    for table in ("employees", "assignments"):
        shutil.copy(SAMPLE_DIR / f"{table}.csv", data)
    (data / "punches.csv").write_bytes(punches)
    return data


def _read(tmp_path: Path, punches: bytes) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The punches read, the punches' rejects (row, column, code) and the accounting row."""
    intake = read_directory(_directory(tmp_path, punches), AGREEMENTS)
    counts = intake.counts.filter(table="punches")
    rejects = intake.rejects.filter(table="punches")
    punches = intake.inputs.punches
    assert punches is not None
    read, used = counts["read"][0], punches.height
    rejected = rejects.select("row").unique().height
    assert read == used + rejected, (read, used, rejected)
    return punches, rejects.select("row", "column", "code"), counts


def _lines(*lines: str, end: str = "\n") -> bytes:
    return end.join(lines).encode() + end.encode()


REJECTED = {
    "a row with a value too many": (
        _lines(HEADER, GOOD, "p2,e1,2025-01-03T08:00:00,2025-01-03T12:00:00,x"),
        [(2, None, "FIELD_COUNT")]),
    "a row with a value too few": (
        _lines(HEADER, GOOD, "p2,e1,2025-01-03T08:00:00"), [(2, None, "FIELD_COUNT")]),
    "a row starting with # (no comment character)": (
        _lines(HEADER, "#p0,e1,2025-01-02T13:00:00,2025-01-02T14:00:00", GOOD), []),
    "a quoted value holding a comma, quotes doubled": (
        _lines(HEADER, '"p,1",e1,2025-01-02T08:00:00,2025-01-02T12:00:00',
               '"p""2",e1,2025-01-03T08:00:00,"2025-01-03T12:00:00"'), []),
    "a local time among offsets (the kind most values have holds)": (
        _lines(HEADER, "p1,e1,2025-01-02T08:00:00Z,2025-01-02T12:00:00+01:00",
               "p2,e1,2025-01-03 08:00,2025-01-03T12:00:00+0100"),
        [(2, "start", "MIXED_OFFSETS")]),
    "an impossible hour": (
        _lines(HEADER, GOOD, "p2,e1,2025-01-03T25:00:00,2025-01-03T12:00:00"),
        [(2, "start", "NOT_A_DATETIME")]),
    "a fraction of a second that is not zero": (
        _lines(HEADER, GOOD, "p2,e1,2025-01-03T08:00:00.5,2025-01-03T12:00:00"),
        [(2, "start", "NOT_A_DATETIME")]),
}


@pytest.mark.parametrize("case", list(REJECTED))
def test_a_bad_row_is_a_located_reject(tmp_path: Path, case: str) -> None:
    content, expected = REJECTED[case]
    _, rejects, counts = _read(tmp_path, content)
    assert rejects.rows() == expected
    assert counts["read"][0] == content.decode().strip().count("\n")


def test_every_iso_form_an_export_writes_reads_the_same_in_any_row_order(
        tmp_path: Path) -> None:
    forms = ["2025-01-02T08:00:00", "2025-01-02 08:00:00", "2025-01-02T08:00",
             "2025-01-02 08:00", "2025-01-02T08:00:00.000", " 2025-01-02T08:00:00 "]
    rows = [f"p{n},e1,{start},2025-01-0{n + 3}T09:00:00".replace("01-02T08", f"01-0{n + 3}T08")
            .replace("01-02 08", f"01-0{n + 3} 08") for n, start in enumerate(forms)]
    first, _, _ = _read(tmp_path / "a", _lines(HEADER, *rows))
    again, _, _ = _read(tmp_path / "b", _lines(HEADER, *reversed(rows)))
    assert first["start"].to_list() == [dt.datetime(2025, 1, n + 3, 8) for n in range(6)]
    assert sorted(again["start"].to_list()) == first["start"].to_list()
    offsets = ["2025-01-02T08:00:00Z", "2025-01-02T09:00:00+01:00", "2025-01-02T09:00+0100",
               "2025-01-02 03:00:00-05", "2025-01-02T08:00:00.000+00:00"]
    rows = [f"p{n},e1,{start},2025-01-02T12:00:00Z" for n, start in enumerate(offsets)]
    instants, _, _ = _read(tmp_path / "c", _lines(HEADER, rows[0]))
    assert instants["start"].dtype == pl.Datetime("us", "UTC")
    for n, row in enumerate(rows):
        one, rejects, _ = _read(tmp_path / f"d{n}", _lines(HEADER, row))
        assert rejects.is_empty()
        assert one["start"].dt.replace_time_zone(None).to_list() == [dt.datetime(2025, 1, 2, 8)]


def test_line_ends_and_a_byte_order_mark_change_nothing(tmp_path: Path) -> None:
    plain, _, _ = _read(tmp_path / "a", _lines(HEADER, GOOD))
    windows, _, _ = _read(tmp_path / "b", b"\xef\xbb\xbf" + _lines(HEADER, GOOD, end="\r\n"))
    assert plain.equals(windows)
    blank, _, counts = _read(tmp_path / "c", _lines(HEADER, "", GOOD, ""))
    assert blank.equals(plain) and counts["read"][0] == 1


REFUSED = {
    "an empty file": (b"", "the file is empty: not even a header row"),
    "a byte that is not UTF-8": (_lines(HEADER, GOOD).replace(b"e1,", b"\xe9,", 1),
                                 "line 2: byte 0xe9 is not UTF-8"),
    "a header name twice": (_lines("punch_id,employee_id,start,end,start", GOOD + ",x"),
                            "the header names 'start' more than once"),
    "a quote never closed": (_lines(HEADER, GOOD, '"p2,e1,2025-01-03T08:00:00,x', GOOD),
                             "line 3: cannot be read as CSV"),
    "a quoted value followed by more text": (
        _lines(HEADER, GOOD, '"p2"x,e1,2025-01-03T08:00:00,2025-01-03T12:00:00'),
        "line 3: cannot be read as CSV"),
    "semicolons for commas": (_lines(HEADER.replace(",", ";"), GOOD.replace(",", ";")),
                              "the header is one name holding ';'"),
    "a required column missing": (_lines("punch_id,employee_id,start", "p1,e1,2025-01-02"),
                                  "no column end"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_file_that_cannot_be_read_row_by_row_is_refused(tmp_path: Path, case: str) -> None:
    content, words = REFUSED[case]
    with pytest.raises(DataError, match=r"punches\.csv: ") as refused:
        _read(tmp_path, content)
    assert words in str(refused.value)


def test_a_corrupt_parquet_file_is_refused(tmp_path: Path) -> None:
    data = _directory(tmp_path, b"")
    (data / "punches.csv").unlink()
    (data / "punches.parquet").write_bytes(b"PAR1 not parquet at all")
    with pytest.raises(DataError, match=r"punches\.parquet: cannot be read as PARQUET"):
        read_directory(data, AGREEMENTS)
