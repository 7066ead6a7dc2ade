"""Row ids of input rows: the punch_id where the exporter gave one, else TABLE:ROW."""

from __future__ import annotations

import polars as pl

from paycalc.tables.inputs import with_row_ids

ROW = pl.int_range(1, pl.len() + 1)


def test_rows_of_other_tables_are_numbered() -> None:
    frame = pl.DataFrame({"employee_id": ["e1", "e2"]})
    assert with_row_ids(frame, "schedules", ROW)["row_id"].to_list() == [
        "schedules:1", "schedules:2"]


def test_punches_keep_their_ids_and_number_the_rest() -> None:
    complete = pl.DataFrame({"punch_id": ["p7", "p9"]})
    assert with_row_ids(complete, "punches", ROW)["row_id"].to_list() == ["p7", "p9"]
    partial = pl.DataFrame({"punch_id": ["p7", None, "p9"]})
    assert with_row_ids(partial, "punches", ROW)["row_id"].to_list() == [
        "p7", "punches:2", "p9"]
