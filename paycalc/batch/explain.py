"""Explaining one employee's day from a run's outputs, for a consultant.

For every pay line of the day: the salary type, quantity, the dated rate in force and the
amount, the rule that made it with its place in the YAML, and the input rows behind it; for
every tracker transaction: the tracker, quantity, the salary type or link that made it with
its level, factor and driver value, its source, and its input rows; and the day's warnings.
With the data directory the input rows are shown with their file, row number and values.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from paycalc.batch.corrections import CORRECTED_LINES
from paycalc.batch.run_folder import RunFolder
from paycalc.tables.datadir import read_table, table_files
from paycalc.tables.inputs import with_row_ids
from paycalc.tables.outputs import TRANSACTIONS, WARNINGS, amounts_at


def explain_day(run: Path, employee: str, day: dt.date, *, tracker: str | None = None,
                data: Path | None = None) -> str:
    """The explanation of `employee`'s `day` in the run written to `run` (only the tracker
    `tracker`'s transactions when given)."""
    on_day = (pl.col("employee_id") == employee) & (pl.col("date") == day)
    folder = RunFolder(run)
    lines = folder.table("pay_lines", CORRECTED_LINES).filter(on_day)
    places = folder.decimals
    lines = lines.with_columns(amounts_at(
        {a: places.get(a, 4) for a in lines["agreement"].unique().drop_nulls()}))
    moves = folder.table("tracker_transactions", TRANSACTIONS).filter(on_day)
    if tracker is not None:
        moves = moves.filter(pl.col("tracker") == tracker)
        lines = lines.clear()
    wanted = set(pl.concat([lines["input_ids"], moves["input_ids"]]).explode().drop_nulls())
    rows = _input_rows(data, wanted) if data else {}
    out = [f"{employee} on {day}"]
    if tracker is None:
        out.append(f"\npay lines ({len(lines)})")
    for line in lines.iter_rows(named=True):
        rate = f" x {line['rate']}" if line["rate"] is not None else ""
        amount = f" = {line['amount']}" if line["amount"] is not None else ""
        flags = " (correction)" if line["correction"] else ""
        flags += _approval(line)
        out += [f"  {line['salary_type']}: {line['quantity']} {line['unit']}{rate}{amount}"
                f"{flags}",
                f"    rule {line['rule']} of {line['agreement']}, at {line['source']}",
                *_inputs(line["input_ids"], rows)]
    out.append(f"\ntracker transactions ({len(moves)})")
    for move in moves.iter_rows(named=True):
        quantity = (f"set to {move['set_to']}" if move["operator"] == "set"
                    else f"{move['quantity']:+}")
        made = [f"{move['kind']} {move['made_by']}"]
        if move["level"] is not None:
            made.append(f"level {move['level']}")
        if move["factor"] is not None:
            made.append(f"factor {move['factor'].normalize()}")
        if move["driver_value"] is not None:
            made.append(f"driver value {move['driver_value']}")
        year = f" (tracking year {move['tracking_year']})" if move["tracking_year"] else ""
        out += [f"  {move['tracker']}{year}: {quantity} {move['unit']}",
                f"    {', '.join(made)}; {move['source']}",
                *_inputs(move["input_ids"], rows)]
    warnings = folder.table("warnings", WARNINGS).filter(on_day)
    if tracker is None and len(warnings):
        out.append(f"\nwarnings ({len(warnings)})")
        out += [f"  {code}: {message}" for code, message in
                warnings.select("code", "message").iter_rows()]
    return "\n".join(out) + "\n"


def _approval(line: dict[str, object]) -> str:
    """What the approvals say of a line, when it needs approval or is not payable."""
    by = line["approved_by"]
    if line["approved"] is True:
        return f" (approved by {by})" if by else ""
    if line["approved"] is False:
        return " (not payable: refused" + (f"; decided by {by})" if by else ")")
    if line["payable"]:
        return ""
    return " (not payable: awaiting approval" + (
        f"; {line['approval_level']} level(s) approved by {by})" if by else ")")


def _inputs(ids: list[str] | None, rows: dict[str, str]) -> list[str]:
    return [f"    input {rows.get(i, i)}" for i in ids or []]


def _input_rows(folder: Path, wanted: set[str]) -> dict[str, str]:
    """The input rows of `folder` named in `wanted`, by row_id, each shown as
    FILE row N: column=value, ..."""
    shown = {}
    for table, path in table_files(folder).items():
        frame, _ = read_table(path, table)
        found = with_row_ids(frame, table).filter(
            pl.col("row_id").is_in(sorted(wanted)))
        for row in found.iter_rows(named=True):
            key, number = row.pop("row_id"), row.pop("_row")
            if key in shown:   # an exact copy the run rejected: the first row was used
                continue
            values = ", ".join(f"{k}={v}" for k, v in row.items() if v is not None)
            shown[key] = f"{path.name} row {number}: {values}"
    return shown
