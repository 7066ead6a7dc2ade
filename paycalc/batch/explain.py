"""Explaining one employee's day from a run's outputs, for a consultant, with the arithmetic.

- **Time**: planned, clocked, worked and paid time of the day (the run's time sheet) and,
  with the data directory and the agreements, each punch as punched, rounded by the
  agreement's rounding, less its punched break, and what the day's automatic breaks and
  paid-time rules took between those and the worked time.
- **Pay lines**: salary type, quantity x rate = amount, the pricing in force that day
  (each dated value with the date it holds from), the rule that made the line with its
  place in the YAML, the approvals, and the input rows behind it.
- **Tracker transactions**: how the quantity was reached (a pay line's quantity x the
  salary type's factor; a driver's value x factor, and what employment level and nominal
  hours multiplied; a `set` as old balance, value and carried part), the balance before
  and after, the link or salary type with its place in the YAML, and the input rows
  (punches, schedules, absences, the assignment or employee row of a calendar driver).
- **Warnings** of the day.

The data directory and the agreement directories are the ones the run's manifest records
unless given; agreements are used only while their files still have the hashes the manifest
recorded (an edited agreement would explain a run it did not make).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl

from paycalc.batch.corrections import CORRECTED_LINES
from paycalc.batch.run import compile_directories
from paycalc.batch.run_folder import RunFolder
from paycalc.errors import AgreementError
from paycalc.reference.local_time import read_time, round_instant
from paycalc.rules.compiled import Agreement, Dated
from paycalc.rules.precision import TICKS
from paycalc.tables.inputs import with_row_ids
from paycalc.tables.outputs import BALANCES, SHEET, TRANSACTIONS, WARNINGS, amounts_at
from paycalc.tables.rows import read_table, table_files


def explain_day(run: Path, employee: str, day: dt.date, *, tracker: str | None = None,
                data: Path | None = None, agreements: Sequence[Path] = ()) -> str:
    """The explanation of `employee`'s `day` in the run written to `run` (only the tracker
    `tracker`'s transactions when given); `data` and `agreements` default to the
    directories the run's manifest records."""
    on_day = (pl.col("employee_id") == employee) & (pl.col("date") == day)
    folder = RunFolder(run)
    invocation = folder.manifest.get("invocation") or {}
    if data is None and invocation.get("data") and Path(invocation["data"]).is_dir():
        data = Path(invocation["data"])
    compiled, note = _agreements(folder, [Path(p) for p in agreements]
                                 or [Path(p) for p in invocation.get("agreements") or []])
    lines = folder.table("pay_lines", CORRECTED_LINES).filter(on_day)
    places = folder.decimals
    lines = lines.with_columns(amounts_at(
        {a: places.get(a, 4) for a in lines["agreement"].unique().drop_nulls()}))
    moves = _with_balances(folder, employee).filter(pl.col("date") == day)
    ids = lines["agreement"].drop_nulls()
    agreement = compiled.get(ids[0]) if len(ids) else (
        next(iter(compiled.values())) if len(compiled) == 1 else None)
    if tracker is not None:
        moves = moves.filter(pl.col("tracker") == tracker)
        lines = lines.clear()
    wanted = set(pl.concat([lines["input_ids"], moves["input_ids"]]).explode().drop_nulls())
    rows, punches = _input_rows(data, wanted, employee) if data else ({}, [])
    out = [f"{employee} on {day}"]
    if note:
        out.append(note)
    if tracker is None:
        sheet = folder.table("time_sheet", SHEET).filter(on_day)
        out += _time(sheet, [p for p in punches if _local_day(p, agreement) == day],
                     agreement)
        out.append(f"\npay lines ({len(lines)})")
    for line in lines.iter_rows(named=True):
        rate = f" x {line['rate']}" if line["rate"] is not None else ""
        amount = f" = {line['amount']}" if line["amount"] is not None else ""
        flags = " (correction)" if line["correction"] else ""
        flags += _approval(line)
        out += [f"  {line['salary_type']}: {line['quantity']} {line['unit']}{rate}{amount}"
                f"{flags}",
                *_pricing(compiled.get(line["agreement"]), line["salary_type"], day),
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
                f"    {_arithmetic(move, compiled.get(move['agreement']))}",
                *_inputs(move["input_ids"], rows)]
    warnings = folder.table("warnings", WARNINGS).filter(on_day)
    if tracker is None and len(warnings):
        out.append(f"\nwarnings ({len(warnings)})")
        out += [f"  {code}: {message}" for code, message in
                warnings.select("code", "message").iter_rows()]
    return "\n".join(out) + "\n"


def _agreements(folder: RunFolder, dirs: list[Path]) -> tuple[dict[str, Agreement], str]:
    """The run's agreements compiled from `dirs` by id, when every agreement file the
    manifest lists is there with the same hash; else none, and a note that says why."""
    if not dirs:
        return {}, ""
    listed = {f["file"]: f["sha256"] for f in folder.manifest.get("agreement_files", [])}
    found = {p.name: p for d in dirs if d.is_dir() for p in d.glob("*.yaml")}
    changed = sorted(name for name, digest in listed.items() if name not in found
                     or hashlib.sha256(found[name].read_bytes()).hexdigest() != digest)
    if changed:
        return {}, (f"(the agreement files {', '.join(changed)} are not as the run read "
                    "them: pricing and link settings are not shown)")
    try:
        agreements, _ = compile_directories(dirs)
    except AgreementError:
        return {}, "(the run's agreements no longer compile: pricing is not shown)"
    return {a.id: a for a in agreements}, ""


def _with_balances(folder: RunFolder, employee: str) -> pl.DataFrame:
    """The employee's tracker transactions with the balance of the tracker (and tracking
    year) before and after each, in the tracker's unit: the balance at the end of the run
    less the transactions that follow, in the ledger's order."""
    mine = folder.table("tracker_transactions", TRANSACTIONS).filter(
        pl.col("employee_id") == employee)
    ending = folder.table("balances", BALANCES).filter(pl.col("employee_id") == employee)
    key = ["tracker", "tracking_year"]
    per_unit = pl.col("unit").replace_strict(TICKS, return_dtype=pl.Int64)
    after = (pl.col("balance_ticks") - pl.col("ticks").cum_sum(reverse=True).over(key)
             + pl.col("ticks"))
    return mine.join(ending.select(*key, "balance_ticks"), on=key, how="left",
                     nulls_equal=True, maintain_order="left").with_columns(
        ((after - pl.col("ticks")).cast(pl.Decimal(38, 18)) / per_unit).round(6)
        .cast(pl.Decimal(38, 6)).alias("before"),
        (after.cast(pl.Decimal(38, 18)) / per_unit).round(6).cast(pl.Decimal(38, 6))
        .alias("after"))


def _arithmetic(move: dict[str, Any], agreement: Agreement | None) -> str:
    """How a transaction's quantity was reached, and the balance it moved."""
    before, after = move["before"], move["after"]
    moved = f"balance {before} -> {after}" if before is not None else ""
    quantity, factor, value = move["quantity"], move["factor"], move["driver_value"]
    if move["operator"] == "set":
        carried = after - move["set_to"] if after is not None else None
        return (f"set: balance {before}, set to {move['set_to']}, carried over {carried}, "
                f"new balance {after}")
    if move["kind"] == "salary_type" and factor:
        return f"{quantity / factor:f} {move['unit']} of {move['made_by']} x factor " \
               f"{factor.normalize()} = {quantity:+}; {moved}"
    if move["kind"] == "link" and factor is not None:
        link = next((lk for lk in agreement.links if lk.code == move["made_by"]), None) \
            if agreement else None
        by_value = link.multiply_by_driver_value if link else value is not None
        base = value * factor if by_value and value is not None else factor
        shown = (f"driver value {value} x factor {factor.normalize()}" if by_value
                 and value is not None else f"factor {factor.normalize()}")
        if base and base != quantity:
            rest = (quantity / base).quantize(Decimal("0.000001"))
            what = [w for w, on in (
                ("employment level", link and link.multiply_by_employment_level),
                ("average nominal hours a day", link and link.multiply_by_average_nominal_hours))
                if on]
            shown += f" x {rest.normalize()} ({' x '.join(what) or 'levels and rounding'})"
        return f"{shown} = {quantity:+}; {moved}"
    return moved


def _pricing(agreement: Agreement | None, code: str, day: dt.date) -> list[str]:
    """The salary type's pricing in force on `day`: each set value, a dated one with the
    date it holds from."""
    if agreement is None:
        return []
    try:
        pricing = agreement.salary_type(code).pricing
    except KeyError:
        return []
    told: list[str] = [pricing.method]
    for item in dataclasses.fields(pricing):
        value = getattr(pricing, item.name)
        if item.name == "method" or value is None:
            continue
        if isinstance(value, Dated):
            held = [(start, v) for start, v in value.entries if start <= day]
            if not held:
                told.append(f"{item.name} none in force (the first from "
                            f"{value.entries[0][0]})")
                continue
            start, now = held[-1]
            since = "" if value.is_constant else f" (from {start})"
            told.append(f"{item.name} {now}{since}")
    return [f"    pricing: {', '.join(told)}"]


def _clock(seconds: int) -> str:
    sign = "-" if seconds < 0 else ""
    minutes = abs(seconds) // 60
    return f"{sign}{minutes // 60}:{minutes % 60:02d}"


def _time(sheet: pl.DataFrame, punches: list[dict[str, Any]],
          agreement: Agreement | None) -> list[str]:
    """The day's time: the time sheet's figures, then each punch's arithmetic under
    `agreement`'s time rules."""
    if not len(sheet):
        return []
    totals = {c: int(sheet[c].sum()) for c in ("planned", "system", "reported", "salary_time")}
    out = ["", f"time: planned {_clock(totals['planned'])}, clocked {_clock(totals['system'])}"
               f", worked {_clock(totals['reported'])} (after rounding and breaks), paid "
               f"{_clock(totals['salary_time'])}"]
    if agreement is None or not punches:
        return out
    rules, zone = agreement.time_rules, ZoneInfo(agreement.time_zone)
    kept = 0
    for punch in punches:
        if not isinstance(punch["end"], dt.datetime):
            continue
        start, end = read_time(punch["start"], zone), read_time(punch["end"], zone)
        if not isinstance(start, int) or not isinstance(end, int):
            continue
        a = round_instant(start, rules.rounding_start.step_seconds,
                          rules.rounding_start.direction, zone)
        b = max(a, round_instant(end, rules.rounding_end.step_seconds,
                                 rules.rounding_end.direction, zone))
        pause = min((punch.get("break_minutes") or 0) * 60, b - a) \
            if rules.use_punched_breaks else 0
        kept += b - a - pause
        out.append(f"  punch {punch['row_id']}: {_at(start, zone)}-{_at(end, zone)} "
                   f"({_clock(end - start)}), rounded {_at(a, zone)}-{_at(b, zone)} "
                   f"({_clock(b - a)}), less punched break {_clock(pause)} = "
                   f"{_clock(b - a - pause)}")
    rest = totals["reported"] - kept
    if rest:
        out.append(f"  then automatic breaks and paid-time rules {_clock(rest)} = worked "
                   f"{_clock(totals['reported'])}")
    return out


def _at(instant: int, zone: ZoneInfo) -> str:
    return dt.datetime.fromtimestamp(instant, zone).strftime("%H:%M")


def _local_day(punch: dict[str, Any], agreement: Agreement | None) -> dt.date | None:
    """The local day a punch starts on, in `agreement`'s time zone."""
    if agreement is None or not isinstance(punch["start"], dt.datetime):
        return None
    start = read_time(punch["start"], ZoneInfo(agreement.time_zone))
    if not isinstance(start, int):
        return None
    return dt.datetime.fromtimestamp(start, ZoneInfo(agreement.time_zone)).date()


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


def _input_rows(folder: Path, wanted: set[str], employee: str
                ) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """The input rows of `folder` named in `wanted`, by row_id, each shown as
    FILE row N: column=value, ...; and the employee's punches."""
    shown = {}
    punches: list[dict[str, Any]] = []
    for table, path in table_files(folder).items():
        frame, _ = read_table(path, table)
        keyed = with_row_ids(frame, table)
        if table == "punches":
            punches += keyed.filter(pl.col("employee_id") == employee).unique(
                "row_id", keep="first", maintain_order=True).to_dicts()
        found = keyed.filter(pl.col("row_id").is_in(sorted(wanted)))
        for row in found.iter_rows(named=True):
            key, number = row.pop("row_id"), row.pop("_row")
            if key in shown:   # an exact copy the run rejected: the first row was used
                continue
            values = ", ".join(f"{k}={v}" for k, v in row.items() if v is not None)
            shown[key] = f"{path.name} row {number}: {values}"
    return shown, punches
