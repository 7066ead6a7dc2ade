"""A fuzz test of whole runs: hypothesis mutates a valid data directory (its bytes, fields,
rows, encodings and which files are there) and the agreements it runs under, and runs
`paycalc run` on it. Every run ends with a documented exit code (0 done, 1 agreement
problems, 3 data that cannot be read, 4 done with rejected rows), never a traceback; and a
run that ends with outputs accounts for every row: read = used + rejected, per table.

The base directory is `fixtures/batch/bad_rows` (every table, one bad row of each kind).
`HYPOTHESIS_PROFILE=thorough` runs ten times the examples.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import traceback
from pathlib import Path

import polars as pl
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from paycalc.cli import EXIT_DATA, EXIT_OK, EXIT_PROBLEMS, EXIT_REJECTS, main
from paycalc.spec.bundled import AGREEMENTS_DIR
from paycalc.tables.datadir import TABLES

BASE = Path(__file__).resolve().parent.parent / "fixtures" / "batch" / "bad_rows"
EXAMPLES = 400 if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else 40
ODD_VALUES = ["", "#", '"', '""', "1e3", "-5", "99999999999999999999", "2025-13-40",
              "2025-06-02 08:00", "2025-06-02T08:00+01", "=HYPERLINK(1)", "a,b", "\t", "NaN",
              "0.1234567890123456789", "e1", "retail", "true", "\u00e9", "\ufeff"]
KINDS = ["bytes", "field", "duplicate row", "drop row", "ragged row", "latin-1", "utf-16",
         "bom", "remove file", "stray file", "empty file", "both formats", "agreement bytes"]


@st.composite
def mutations(draw: st.DrawFn) -> list[tuple[str, str, int, int, bytes]]:
    """One to three mutations: kind, table, two positions and some bytes."""
    count = draw(st.integers(1, 3))
    return [(draw(st.sampled_from(KINDS)), draw(st.sampled_from(sorted(TABLES))),
             draw(st.integers(0, 10_000)), draw(st.integers(0, 10_000)),
             draw(st.binary(min_size=1, max_size=3)
                  | st.sampled_from(ODD_VALUES).map(str.encode)))
            for _ in range(count)]


def _mutate(data: Path, agreements: Path, kind: str, table: str, at: int, other: int,
            some: bytes) -> None:
    """Apply one mutation to the directory `data` or to the agreements folder."""
    path = data / f"{table}.csv"
    if kind == "agreement bytes":
        target = sorted(agreements.glob("*.yaml"))[at % 5]
        content = target.read_bytes()
        cut = other % (len(content) + 1)
        target.write_bytes(content[:cut] + some + content[cut + len(some) % 2:])
        return
    if kind == "stray file":
        (data / f"{table}z.csv").write_bytes(b"a,b\n1,2\n")
        return
    if not path.is_file():
        return
    content = path.read_bytes()
    lines = content.split(b"\n")
    row = 1 + at % max(len(lines) - 1, 1)
    if kind == "bytes":
        cut = at % (len(content) + 1)
        path.write_bytes(content[:cut] + some + content[cut + other % 3:])
    elif kind == "field" and row < len(lines):
        fields = lines[row].split(b",")
        fields[other % len(fields)] = some
        lines[row] = b",".join(fields)
        path.write_bytes(b"\n".join(lines))
    elif kind == "duplicate row" and row < len(lines):
        path.write_bytes(b"\n".join([*lines[:row + 1], lines[row], *lines[row + 1:]]))
    elif kind == "drop row" and row < len(lines):
        path.write_bytes(b"\n".join(lines[:row] + lines[row + 1:]))
    elif kind == "ragged row":
        path.write_bytes(content + some.replace(b"\n", b"") + b",x\n")
    elif kind in ("latin-1", "utf-16"):
        path.write_bytes(content.decode("utf-8", "replace").encode(kind, "replace"))
    elif kind == "bom":
        path.write_bytes(b"\xef\xbb\xbf" + content)
    elif kind == "remove file":
        path.unlink()
    elif kind == "empty file":
        path.write_bytes(b"")
    elif kind == "both formats":
        try:
            pl.read_csv(path, infer_schema=False).write_parquet(data / f"{table}.parquet")
        except pl.exceptions.PolarsError:
            (data / f"{table}.parquet").write_bytes(b"PAR1")


@settings(max_examples=EXAMPLES, deadline=None)
@given(mutations())
def test_a_mutated_run_ends_with_a_documented_code_and_accounts_for_every_row(
        changes: list[tuple[str, str, int, int, bytes]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        data, agreements = work / "data", work / "agreements"
        data.mkdir()
        for table in TABLES:
            if (BASE / f"{table}.csv").is_file():
                shutil.copy(BASE / f"{table}.csv", data)
        shutil.copytree(AGREEMENTS_DIR, agreements)
        for change in changes:
            _mutate(data, agreements, *change)
        result = CliRunner().invoke(main, [
            "run", str(data), "--agreements", str(agreements), "--from", "2025-03-01",
            "--to", "2025-06-30", "--out", str(work / "out"), "--format", "csv"])
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise AssertionError("".join(traceback.format_exception(result.exception)))
        assert result.exit_code in (EXIT_OK, EXIT_PROBLEMS, EXIT_DATA, EXIT_REJECTS), (
            result.exit_code, result.output)
        assert "Traceback" not in result.output
        if result.exit_code in (EXIT_OK, EXIT_REJECTS):
            counts = pl.read_csv(work / "out" / "row_counts.csv")
            assert counts.filter(pl.col("read") != pl.col("used") + pl.col("rejected")
                                 ).is_empty(), counts
