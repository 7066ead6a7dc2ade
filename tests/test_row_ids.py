"""Row ids of input rows: the punch_id where the exporter gave one, else TABLE:KEY from the
row's values, so that an id never depends on where the row is in its file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from paycalc.batch.run import period_of, run_directory
from paycalc.spec.bundled import AGREEMENTS_DIR, SAMPLE_DIR
from paycalc.tables.inputs import with_row_ids

FIGURES = pl.DataFrame({"employee_id": ["e1", "e1", "e2", "e1"],
                        "date": [dt.date(2025, 6, 11)] * 4,
                        "kind": ["bonus", "bonus", "bonus", "sales"],
                        "value": ["5.00", "3.00", "1.00", "2"]})


def test_rows_are_named_by_their_key_values() -> None:
    ids = dict(zip(FIGURES["value"], with_row_ids(FIGURES, "figures")["row_id"], strict=True))
    # two bonuses of e1 that day: numbered in the order of their other values (3.00, 5.00)
    assert ids == {"3.00": "figures:e1/2025-06-11/bonus",
                   "5.00": "figures:e1/2025-06-11/bonus#2",
                   "1.00": "figures:e2/2025-06-11/bonus", "2": "figures:e1/2025-06-11/sales"}


def test_ids_do_not_depend_on_the_order_of_the_rows() -> None:
    forward = with_row_ids(FIGURES, "figures").sort("value")
    for seed in range(5):
        shuffled = with_row_ids(FIGURES.sample(fraction=1.0, shuffle=True, seed=seed),
                                "figures").sort("value")
        assert shuffled.equals(forward)


def test_punches_keep_their_ids_and_name_the_rest() -> None:
    punches = pl.DataFrame({"punch_id": ["p7", None, "p9"], "employee_id": ["e1"] * 3,
                            "start": [dt.datetime(2025, 6, 2, 8), dt.datetime(2025, 6, 3, 8),
                                      dt.datetime(2025, 6, 4, 8)]})
    assert with_row_ids(punches, "punches")["row_id"].to_list() == [
        "p7", "punches:e1/2025-06-03T08:00:00", "p9"]
    instants = punches.with_columns(pl.col("start").dt.replace_time_zone("Europe/Stockholm"))
    assert with_row_ids(instants, "punches")["row_id"][1] == "punches:e1/2025-06-03T06:00:00"


def test_a_directory_with_its_rows_in_another_order_gives_the_same_outputs(
        tmp_path: Path) -> None:
    """The shipped sample with every file's rows reversed: the same lines, transactions,
    balances and warnings, byte for byte (only the rejects' row numbers may differ)."""
    period = period_of(dt.date(2025, 1, 1), dt.date(2025, 1, 31))
    reversed_data = tmp_path / "reversed"
    reversed_data.mkdir()
    for path in sorted(SAMPLE_DIR.glob("*.csv")):
        header, *rows = path.read_text(encoding="utf-8").splitlines()
        (reversed_data / path.name).write_text("\n".join([header, *reversed(rows)]) + "\n",
                                               encoding="utf-8")
    first = run_directory(SAMPLE_DIR, [AGREEMENTS_DIR], period).tables()
    again = run_directory(reversed_data, [AGREEMENTS_DIR], period).tables()
    for table in ("pay_lines", "tracker_transactions", "balances", "warnings", "time_sheet"):
        assert again[table].equals(first[table]), table
    assert first["pay_lines"]["input_ids"].list.len().sum() > 0
