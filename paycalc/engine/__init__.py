"""The vectorised engine: interchange tables into pay lines, with Polars over whole tables.

`evaluate` works agreement by agreement (each has its own time zone and rules); inside an
agreement every step is a Polars expression over all employees and days at once. Its
results must equal `paycalc.reference.pay_lines`, which defines the semantics.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import polars as pl

from paycalc.engine.absences import absence_lines, figure_lines
from paycalc.engine.balances import balances, limit_warnings, unlocked_warnings
from paycalc.engine.calendar import day_calendar, window_instances
from paycalc.engine.exprs import OF_THE_DAY, among, full_join_days, lookup
from paycalc.engine.ledger import ledger, opening_years
from paycalc.engine.line_rules import LineRules, line_rules, named
from paycalc.engine.overtime import overtime_slices, week_start
from paycalc.engine.pieces import REGULAR, punch_pieces, schedule_days
from paycalc.engine.pools import (
    cut_automatic_breaks,
    paid_pools,
    paid_time_changes,
    set_paid_time,
)
from paycalc.engine.pricing import price, price_terms
from paycalc.engine.supplements import day_segments, supplement_slices
from paycalc.engine.time_sheet import time_sheet as make_time_sheet
from paycalc.engine.transactions import (
    adjustment_transactions,
    link_transactions,
    salary_type_transactions,
)
from paycalc.engine.zones import zone_offsets
from paycalc.rules.compiled import Agreement, Tracker, trackers_by_code
from paycalc.tables.inputs import Inputs, Opening, Period, prepare, schema
from paycalc.tables.outputs import (
    AMOUNT,
    BALANCES,
    LINE,
    OPENING,
    PAY_LINES,
    QUANTITY,
    REJECTS,
    TIME_SHEET,
    TRANSACTIONS,
    WARNINGS,
    frame_of,
)

__all__ = ["BALANCES", "PAY_LINES", "TIME_SHEET", "TRANSACTIONS", "Evaluation", "Inputs",
           "Opening", "Period", "evaluate"]

BUCKET_PUNCHES = 125_000
"""Punches evaluated together: buckets of employees keep every frame small."""
WORKERS = 2
"""Buckets evaluated at once, each in its own thread (Polars releases the GIL while it
works, so two buckets keep two cores busy where one bucket's small frames would not)."""



@dataclass(frozen=True)
class Evaluation:
    """Outputs of an evaluation, as Polars frames."""

    pay_lines: pl.DataFrame
    tracker_transactions: pl.DataFrame
    balances: pl.DataFrame
    rejects: pl.DataFrame
    warnings: pl.DataFrame
    time_sheet: pl.DataFrame
    """Empty unless asked for: `evaluate(..., time_sheet=True)`."""


@dataclass(frozen=True)
class _Bucket:
    """What one bucket of employees gives, in the order of the buckets' employees."""

    lines: pl.DataFrame
    rejects: list[pl.DataFrame]
    warnings: list[pl.DataFrame]
    sheets: list[pl.DataFrame]
    moves: list[pl.DataFrame]
    totals: list[pl.DataFrame]


PRICED = schema(employee_id=pl.String, employee_day=pl.Int64, day=pl.Date, rule_no=pl.Int64,
                id_rank=pl.Int64, seconds=pl.Int64, quantity=QUANTITY, rate=QUANTITY,
                amount=AMOUNT, requires_approval=pl.Boolean, approved=pl.Boolean,
                payable=pl.Boolean, input_ids=pl.List(pl.String))
"""Priced lines of a bucket before they are sorted and named (see `line_rules`)."""

DAYS = schema(employee_id=pl.String, day=pl.Date, agreement=pl.String, worked=pl.Int64,
              scheduled=pl.Int64)
"""Columns of `DayFacts.days`."""


@dataclass(frozen=True)
class DayFacts:
    """What tracker drivers read of the pay-line stage: `days` (worked and paid scheduled
    seconds per employee-day, with its agreement; empty when no agreement has links, the
    only readers) and `leave` (every day of a usable absence, with whether the absence
    counts it and the day's kind)."""

    days: pl.DataFrame
    leave: pl.DataFrame


def evaluate(agreements: Iterable[Agreement], inputs: Inputs, period: Period, *,
             opening: Opening | None = None, balances_as_of: dt.date | None = None,
             time_sheet: bool = False) -> Evaluation:
    """Pay lines (and with `time_sheet` the time sheet) of the days in `period` for every
    employee whose main agreement on a day is one of `agreements`; tracker transactions of
    the period (after `opening.lock_date` when starting from locked balances) and balances
    as of `balances_as_of` (default: the period's end); the input rows that could not be
    used; and warnings.

    Raises `TrackerConflict` when two agreements define one tracker code differently, and
    `InputError` at a value of `inputs` that does not convert exactly to its column's type
    (30.5 break minutes; a whole float converts)."""
    agreements = list(agreements)
    trackers = trackers_by_code(agreements)
    tables = prepare(inputs)
    tables["opening"] = (opening.balances.select(list(OPENING)).cast(OPENING)
                         if opening else pl.DataFrame(schema=OPENING))
    lock = opening.lock_date if opening else None
    rules = line_rules(agreements)
    days = {a.id: _days(a, period, rules) for a in agreements}
    ids = [a.id for a in agreements]
    links = any(a.links for a in agreements)

    def one(bucket: dict[str, pl.DataFrame]) -> _Bucket:
        mains = bucket["assignments"].filter(
            pl.col("main") & among("agreement", ids, pl.String())
        ).select("employee_no", "agreement", "valid_from", "valid_to",
                 pl.col("row_id").alias("assignment_row"))
        found = [_evaluate(agreement, days[agreement.id], rules, bucket, mains, period,
                           time_sheet, links)
                 for agreement in agreements]
        # buckets are ranges of employee ids in order: sorting each bucket sorts the whole;
        # by employee and day, then salary type, rule and agreement (the rule's number),
        # then first input row: as one integer
        order = (pl.col("employee_day").cast(pl.Int128) * 2**64
                 + pl.col("rule_no").cast(pl.Int128) * 2**32 + pl.col("id_rank"))
        lines = frame_of([named(frame_of([f[0] for f in found], PRICED).sort(order), rules)
                          .rename({"day": "date"})], PAY_LINES)
        rejects = [f[1] for f in found]
        warnings = [f[2] for f in found]
        sheets = [f[4] for f in found]
        if not found:
            return _Bucket(lines, rejects, warnings, sheets, [], [])
        facts = DayFacts(pl.concat([f[3].days for f in found]),
                         pl.concat([f[3].leave for f in found]))
        moved, total, tracker_rejects, tracker_warnings = _trackers(
            agreements, trackers, bucket, lines, facts, period, lock,
            balances_as_of or period.end)
        return _Bucket(lines, [*rejects, tracker_rejects], [*warnings, tracker_warnings],
                       sheets, [moved], [total])

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        done = list(pool.map(one, _buckets(tables)))
    lines = [b.lines for b in done]
    rejects = [r for b in done for r in b.rejects]
    warnings = [w for b in done for w in b.warnings]
    sheets = [s for b in done for s in b.sheets]
    moves = [m for b in done for m in b.moves]
    totals = [t for b in done for t in b.totals]
    return Evaluation(
        pay_lines=pl.concat(lines) if lines else pl.DataFrame(schema=PAY_LINES),
        tracker_transactions=frame_of(moves, TRANSACTIONS),
        balances=frame_of(totals, BALANCES),
        rejects=frame_of(rejects, REJECTS).unique().sort("table", "row_id", "column", "code",
                                                         "reason"),
        warnings=frame_of(warnings, WARNINGS).sort("employee_id", "date", "code", "message"),
        time_sheet=frame_of(sheets, TIME_SHEET).sort("employee_id", "date", "agreement",
                                                     "activity", nulls_last=False),
    )


def _trackers(agreements: list[Agreement], trackers: dict[str, Tracker],
              tables: dict[str, pl.DataFrame], lines: pl.DataFrame, facts: DayFacts,
              period: Period, lock: dt.date | None, as_of: dt.date
              ) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The tracker stage of one bucket of employees: ledger rows, balances, rejects and
    warnings."""
    first = period.start if lock is None else max(period.start, lock + dt.timedelta(days=1))
    made, notes = [], []
    for agreement in agreements:
        rows, note = salary_type_transactions(lines, agreement)
        made.append(rows)
        notes.append(note)
    by_salary_type = pl.concat(made)
    for agreement in agreements:
        rows, note = link_transactions(agreement, trackers, tables, facts.days, facts.leave,
                                       by_salary_type, period.start, period.end)
        made.append(rows)
        notes.append(note)
    adjusted, rejects = adjustment_transactions(tables["adjustments"], tables["employees"],
                                                trackers, period.start, period.end)
    opening = opening_years(tables["opening"], trackers, lock or period.start)
    rows = ledger(pl.concat([*made, adjusted]), trackers, opening, first, period.end)
    warnings = pl.concat([*notes, limit_warnings(rows, opening, trackers),
                          unlocked_warnings(rows, tables["assignments"], agreements, first,
                                            period.end)])
    return rows, balances(rows, opening, trackers, as_of), rejects, warnings


def _buckets(tables: dict[str, pl.DataFrame]) -> list[dict[str, pl.DataFrame]]:
    """The tables cut into buckets of employees, each about BUCKET_PUNCHES punches, as
    consecutive ranges of employee ids; every row of an employee carries its `employee_no`
    (the employee's place among all ids in order, see `exprs.employee_day`).

    Every rule works per employee, so buckets give the same lines as one pass while each
    bucket's frames stay small; without it the work grows faster than the data.
    """
    count = max(1, -(-tables["punches"].height // BUCKET_PUNCHES))
    # each table's ids made unique on its own (in parallel) before the few are merged
    people = pl.concat([t.lazy().select(pl.col("employee_id").unique())
                        for t in tables.values()]).unique().drop_nulls().sort(
        "employee_id").with_columns(
        pl.int_range(pl.len()).alias("employee_no"),
        (pl.int_range(pl.len()) * count // pl.len()).alias("bucket")).collect()
    # a row without an employee id has no employee_no either: like its id, it matches
    # no assignment, so it is rejected as before
    numbered = {name: frame.join(people, on="employee_id", how="left").with_columns(
                    pl.col("bucket").fill_null(0)) for name, frame in tables.items()}
    if count == 1:
        return [{name: frame.drop("bucket") for name, frame in numbered.items()}]
    parts = {name: frame.partition_by("bucket", as_dict=True, include_key=False)
             for name, frame in numbered.items()}
    empty = {name: frame.drop("bucket").clear() for name, frame in numbered.items()}
    return [{name: parts[name].get((b,), empty[name]) for name in tables}
            for b in range(count)]


@dataclass(frozen=True)
class _Days:
    """An agreement's days, worked out once for all buckets: the first day its evaluation
    looks at (the day before the week of the period's start), its calendar with a margin,
    its zone's offsets over the calendar, the segments where its supplement windows win
    (`supplements.day_segments`) and the pricing terms of its rules on each day."""

    first: dt.date
    calendar: pl.DataFrame
    offsets: pl.DataFrame
    segments: pl.DataFrame
    terms: pl.DataFrame


def _days(agreement: Agreement, period: Period, rules: LineRules) -> _Days:
    """The days of `agreement` that evaluating `period` looks at."""
    first = pl.select(week_start(pl.lit(period.start), agreement.time_rules.week_starts)
                      ).item() - dt.timedelta(days=1)
    calendar = day_calendar(agreement, first - dt.timedelta(days=2),
                            period.end + dt.timedelta(days=2))
    return _Days(first, calendar, zone_offsets(calendar, agreement.time_zone),
                 day_segments(agreement, rules.of[agreement.id],
                              window_instances(agreement, calendar), calendar),
                 price_terms(agreement, rules, calendar))


def _evaluate(agreement: Agreement, days: _Days, rules: LineRules,
              tables: dict[str, pl.DataFrame], mains: pl.DataFrame, period: Period,
              with_time_sheet: bool, with_day_facts: bool
              ) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, DayFacts, pl.DataFrame]:
    """One agreement's pay lines, rejects, warnings, day facts (worked and scheduled time
    only `with_day_facts`: links read them) and time sheet (only `with_time_sheet`)."""
    first, calendar = days.first, days.calendar
    pieces, breaks, punched, punch_rejects = punch_pieces(
        tables["punches"], agreement, mains, tables["assignments"], calendar, days.offsets,
        first, period.end)
    scheduled, planned, schedule_pieces, schedule_rejects = schedule_days(
        tables["schedules"], agreement, mains, calendar, days.offsets)
    pieces = cut_automatic_breaks(pieces, breaks, agreement)
    window = planned.filter(pl.col("day").is_between(first, period.end))
    changes = paid_time_changes(pieces, window, calendar, agreement)
    pools = set_paid_time(paid_pools(pieces), changes)
    numbers = rules.of[agreement.id]
    own = pools.filter((pl.col("target") != REGULAR) & (pl.col("seconds") > 0)).select(
        "employee_id", "employee_day", "day",
        lookup(pl.col("target"), numbers.paid_time_as, pl.Int64()).alias("rule_no"),
        "seconds", "input_ids")
    regular = pools.filter(pl.col("target") == REGULAR).drop("target")
    overtime, overtime_warnings = overtime_slices(regular, scheduled, agreement, numbers)
    supplements = supplement_slices(pieces, days.segments)
    absences, absence_rejects, leave = absence_lines(tables["absences"], tables["employees"],
                                              scheduled, calendar, mains,
                                              tables["assignments"], agreement, numbers,
                                              first, period.end)
    figures = figure_lines(tables["figures"], mains, agreement, numbers, period.start,
                           period.end)
    time_lines = pl.concat([own, overtime, supplements]).with_columns(
        pl.lit(None).alias("quantity"), pl.lit(None, pl.Boolean).alias("approved"),
        pl.lit(0, pl.Int64).alias("id_rank"))
    lines = pl.concat([part.select(list(LINE)).cast(LINE)
                       for part in (time_lines, absences, figures)]).filter(
        pl.col("day").is_between(period.start, period.end))
    lines = lines.join(tables["employees"].select("employee_id", "hourly_rate"),
                       on="employee_id", how="left")
    priced, price_warnings = price(lines, days.terms, agreement, rules)
    rejects = pl.concat([punch_rejects, schedule_rejects, absence_rejects])
    warnings = pl.concat([overtime_warnings, price_warnings]).filter(
        pl.col("date").is_between(period.start, period.end))
    in_period = pl.col("day").is_between(period.start, period.end)
    worked = pl.DataFrame(schema=DAYS)
    if with_day_facts:
        worked = full_join_days(pieces.group_by("employee_day").agg(
            *OF_THE_DAY, (pl.col("end") - pl.col("start")).sum().alias("worked")),
            scheduled).filter(
            in_period).select("employee_id", "day", pl.lit(agreement.id).alias("agreement"),
                              pl.col("worked").fill_null(0), pl.col("scheduled").fill_null(0))
    facts = DayFacts(days=worked.cast(DAYS), leave=leave.filter(in_period).with_columns(
        pl.lit(agreement.id).alias("agreement")))
    sheet = (make_time_sheet(schedule_pieces, punched, pieces, changes, agreement, calendar, period)
             if with_time_sheet else pl.DataFrame(schema=TIME_SHEET))
    return priced, rejects, warnings, facts, sheet
