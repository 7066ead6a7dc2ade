"""An evaluation: interchange tables into pay lines, tracker transactions and balances, in
buckets of employees, with Polars over whole tables.

`evaluate` works agreement by agreement (each has its own time zone and rules); inside an
agreement every step is a Polars expression over all employees and days at once. Its
results must equal `paycalc.reference.pay_lines`, which defines the semantics.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import polars as pl

from paycalc.engine.ahead import booked_ahead, with_ahead
from paycalc.engine.billing import LOGGED, agreement_logs, invoice_lines, timesheets
from paycalc.engine.buckets import BucketMap, bucket_count, cut_by_employee, map_buckets
from paycalc.engine.context import AgreementDays, agreement_days
from paycalc.engine.exprs import among
from paycalc.engine.line_rules import LineRules, line_rules, named
from paycalc.engine.pay_lines import PRICED, DayFacts, agreement_lines
from paycalc.engine.trackers import tracker_groups
from paycalc.errors import InputError
from paycalc.rules.compiled import Agreement
from paycalc.tables.inputs import Inputs, Opening, Period, prepare
from paycalc.tables.outputs import (
    BALANCES,
    INVOICE_LINES,
    MOVES,
    OPENING,
    PAY_LINES,
    REJECTS,
    TIME_LOGS,
    TIME_SHEET,
    TIMESHEETS,
    TRANSACTIONS,
    WARNINGS,
    frame_of,
)

BUCKET_PUNCHES = 125_000
"""Punches evaluated together: buckets of employees keep every frame small."""

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
    time_logs: pl.DataFrame = dataclasses.field(
        default_factory=lambda: pl.DataFrame(schema=TIME_LOGS))
    """Time logs and the logs timers made, on each day of the period they count on."""
    timesheets: pl.DataFrame = dataclasses.field(
        default_factory=lambda: pl.DataFrame(schema=TIMESHEETS))
    """Seconds of time logs per employee and timesheet period, by status."""
    invoice_lines: pl.DataFrame = dataclasses.field(
        default_factory=lambda: pl.DataFrame(schema=INVOICE_LINES))
    """Approved time per customer, case, service and rate, priced where billable."""


@dataclass(frozen=True)
class Bucket:
    """What one bucket of employees gives, in the order of the buckets' employees."""

    lines: pl.DataFrame
    rejects: list[pl.DataFrame]
    warnings: list[pl.DataFrame]
    sheets: list[pl.DataFrame]
    moves: list[pl.DataFrame]
    totals: list[pl.DataFrame]
    logs: list[pl.DataFrame]


def evaluate(agreements: Iterable[Agreement], inputs: Inputs, period: Period, *,
             opening: Opening | None = None, balances_as_of: dt.date | None = None,
             time_sheet: bool = False, corrections: pl.DataFrame | None = None,
             ahead: bool = True, progress: Callable[[int, int], None] | None = None,
             workers: int | None = None, executor: BucketMap | None = None) -> Evaluation:
    """Pay lines (and with `time_sheet` the time sheet) of the days in `period` for every
    employee whose main agreement on a day is one of `agreements`; tracker transactions of
    the period (after `opening.lock_date` when starting from locked balances) and balances
    as of `balances_as_of` (default: the period's end); the input rows that could not be
    used; and warnings. Starting from a lock, `corrections` (MOVES columns: what the
    transactions of locked days would be now less what was transferred) enter the ledger
    on the day after the lock as `correction` transactions naming the locked day.

    Each employee's trackers follow the agreements of their assignments; an employee whose
    agreements define one tracker code differently keeps no tracker rows and gets a
    `TRACKER_DEFINITIONS_DIFFER` warning. Raises `InputError` at a value of `inputs` that
    does not convert exactly to its column's type (30.5 break minutes; a whole float
    converts).

    A balance shown as of a next occurrence includes the approved leave and adjustments of
    `inputs` after the period up to the day it is shown for (`engine.ahead`); `ahead=False`
    leaves them out, for callers that want only the period's lines and transactions.
    `progress(done, total)` is called as each bucket of employees is evaluated. With
    `workers` (2 or more) the buckets are evaluated in that many worker processes instead
    of two threads: the same results, today slower (each bucket's frames and results are
    pickled through a pipe; docs/benchmarks.md). An `executor` (a `BucketMap`) evaluates
    them elsewhere instead, on a Dask cluster say; the results are the same."""
    agreements = checked_arguments(agreements, inputs, period)
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int)
                                or workers < 1):
        raise InputError(f"workers: expected a whole number of processes of 1 or more, got "
                         f"{workers!r}")
    result = _evaluate(agreements, inputs, period, opening, balances_as_of, time_sheet,
                       corrections, progress, workers, executor)
    last = result.balances["shown_on"].max()
    if not ahead or not isinstance(last, dt.date) or last <= period.end:
        return result
    after = Period(period.end + dt.timedelta(days=1), last)
    future = _evaluate(agreements, inputs.of_leave(), after, None, None, False, None)
    leave = prepare(Inputs(absences=inputs.absences))["absences"]["row_id"]
    return dataclasses.replace(result, balances=with_ahead(
        result.balances, booked_ahead(future.tracker_transactions, leave)))


def bill(agreements: Iterable[Agreement], inputs: Inputs, period: Period) -> Evaluation:
    """The billable time of `period` alone: an `Evaluation` whose `time_logs`,
    `timesheets`, `invoice_lines` and `rejects` (of `timelogs` and `timer_events`) are
    those of `evaluate`, read only from the employees, assignments, time logs and timer
    events of `inputs`; its other tables are empty (nothing else is worked out). Raises
    `InputError` as `evaluate` does."""
    billing = Inputs(employees=inputs.employees, assignments=inputs.assignments,
                     timelogs=inputs.timelogs, timer_events=inputs.timer_events)
    agreements = checked_arguments(agreements, billing, period)
    empty = Evaluation(*(pl.DataFrame(schema=columns) for columns in (
        PAY_LINES, TRANSACTIONS, BALANCES, REJECTS, WARNINGS, TIME_SHEET)))
    if all(frame is None or frame.is_empty() for frame in (inputs.timelogs,
                                                          inputs.timer_events)):
        return empty
    result = evaluate(agreements, billing, period, ahead=False)
    return dataclasses.replace(
        empty, time_logs=result.time_logs, timesheets=result.timesheets,
        invoice_lines=result.invoice_lines, rejects=result.rejects.filter(
            pl.col("table").is_in(["timelogs", "timer_events"])))


def checked_arguments(agreements: Iterable[Agreement], inputs: Inputs, period: Period
                      ) -> list[Agreement]:
    """The agreements as a list, once the arguments of `evaluate` are what it takes: compiled
    agreements with distinct ids, an `Inputs` whose assignments name only those agreements
    (an assignment to another would make no line and no reject), and a `Period`. Raises
    `InputError` naming the argument, table, row and column."""
    if isinstance(agreements, Agreement) or not isinstance(agreements, Iterable):
        raise InputError("agreements: expected a list of compiled agreements "
                         f"(paycalc.compile_agreement), got {type(agreements).__name__}")
    given = list(agreements)
    for n, agreement in enumerate(given):
        if not isinstance(agreement, Agreement):
            raise InputError(f"agreements[{n}]: expected a compiled agreement "
                             f"(paycalc.compile_agreement(path)), got {type(agreement).__name__}")
    ids = [a.id for a in given]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise InputError(f"agreements: {', '.join(twice)} given more than once")
    if not isinstance(period, Period):
        raise InputError(f"period: expected paycalc.Period, got {type(period).__name__}")
    if not isinstance(inputs, Inputs):
        raise InputError(f"inputs: expected paycalc.Inputs, got {type(inputs).__name__}")
    assignments = prepare(Inputs(assignments=inputs.assignments))["assignments"]
    other = assignments.with_row_index("row", offset=1).filter(
        ~pl.col("agreement").is_in(ids) & pl.col("agreement").is_not_null())
    if other.height:
        row, name = other.select("row", "agreement").row(0)
        raise InputError(f"assignments: row {row}: agreement: '{name}' is not one of the "
                         f"agreements passed ({', '.join(ids) or 'none'})")
    return given


def _evaluate(agreements: list[Agreement], inputs: Inputs, period: Period,
              opening: Opening | None, balances_as_of: dt.date | None, time_sheet: bool,
              corrections: pl.DataFrame | None,
              progress: Callable[[int, int], None] | None = None,
              workers: int | None = None, executor: BucketMap | None = None) -> Evaluation:
    """`evaluate` without what is booked after the period."""
    tables = prepare(inputs)
    tables["opening"] = (opening.balances.with_columns(
        pl.lit(None, pl.Int64).alias(c) for c in ("balance_ticks", "accrued_ticks")
        if c not in opening.balances.columns).select(list(OPENING)).cast(OPENING)
                         if opening else pl.DataFrame(schema=OPENING))
    tables["corrections"] = (corrections.select(list(MOVES)).cast(MOVES)
                             if opening and corrections is not None
                             else pl.DataFrame(schema=MOVES))
    lock = opening.lock_date if opening else None
    rules, days = rules_and_days(tuple(agreements), period)

    work = Work(agreements, rules, days, time_sheet, period, lock, balances_as_of or period.end)
    done = map_buckets(one_bucket, work, buckets(tables), workers, progress, executor)
    lines = [b.lines for b in done]
    rejects = [r for b in done for r in b.rejects]
    warnings = [w for b in done for w in b.warnings]
    sheets = [s for b in done for s in b.sheets]
    moves = [m for b in done for m in b.moves]
    totals = [t for b in done for t in b.totals]
    logs = frame_of([g for b in done for g in b.logs], LOGGED)
    logs = logs.sort("employee_id", "day", "start_utc", "log_id")
    return Evaluation(
        pay_lines=pl.concat(lines) if lines else pl.DataFrame(schema=PAY_LINES),
        tracker_transactions=frame_of(moves, TRANSACTIONS),
        balances=frame_of(totals, BALANCES),
        rejects=frame_of(rejects, REJECTS).unique().sort("table", "row_id", "column", "code",
                                                         "reason"),
        warnings=frame_of(warnings, WARNINGS).sort("employee_id", "date", "code", "message"),
        time_sheet=frame_of(sheets, TIME_SHEET).sort("employee_id", "date", "agreement",
                                                     "activity", nulls_last=False),
        time_logs=logs.select(list(TIME_LOGS)),
        timesheets=timesheets(logs, agreements, period) if len(logs) else
        pl.DataFrame(schema=TIMESHEETS),
        invoice_lines=invoice_lines(logs, agreements) if len(logs) else
        pl.DataFrame(schema=INVOICE_LINES),
    )


@functools.lru_cache(maxsize=4)
def rules_and_days(agreements: tuple[Agreement, ...], period: Period
                   ) -> tuple[LineRules, dict[str, AgreementDays]]:
    """The line rules of `agreements` and each one's days over `period`, made once for
    the evaluations of one run's buckets (a batch run evaluates each bucket alone)."""
    rules = line_rules(list(agreements))
    return rules, {a.id: agreement_days(a, period, rules) for a in agreements}


@dataclass(frozen=True)
class Work:
    """What evaluating any bucket of employees needs besides its tables: the agreements,
    their rules and days, and the evaluation's settings. Sent once to each worker
    process."""

    agreements: list[Agreement]
    rules: LineRules
    days: dict[str, AgreementDays]
    time_sheet: bool
    period: Period
    lock: dt.date | None
    as_of: dt.date


def one_bucket(work: Work, bucket: dict[str, pl.DataFrame]) -> Bucket:
    """The pay lines, time logs, tracker rows, rejects and warnings of one bucket of
    employees."""
    agreements, rules, days = work.agreements, work.rules, work.days
    ids = [a.id for a in agreements]
    links = any(a.links for a in agreements)
    mains = bucket["assignments"].filter(
        pl.col("main") & among("agreement", ids, pl.String())
    ).select("employee_no", "agreement", "valid_from", "valid_to",
             pl.col("row_id").alias("assignment_row"))
    logged = [agreement_logs(days[agreement.id], bucket["timelogs"], bucket["timer_events"],
                             mains, bucket["assignments"]) for agreement in agreements]
    found = [agreement_lines(days[agreement.id], rules, bucket, mains, work.time_sheet, links,
                             logs.logs) for agreement, logs in zip(agreements, logged,
                                                                   strict=True)]
    # buckets are ranges of employee ids in order: sorting each bucket sorts the whole;
    # by employee and day, then salary type, rule and agreement (the rule's number),
    # then first input row: as one integer
    order = (pl.col("employee_day").cast(pl.Int128) * 2**64
             + pl.col("rule_no").cast(pl.Int128) * 2**32 + pl.col("id_rank"))
    lines = frame_of([named(frame_of([f.lines for f in found], PRICED).sort(order), rules)
                      .rename({"day": "date"})], PAY_LINES)
    rejects = [*(f.rejects for f in found), *(g.rejects for g in logged)]
    warnings = [f.warnings for f in found]
    sheets = [f.time_sheet for f in found]
    logs = [g.logs for g in logged]
    if not found:
        return Bucket(lines, rejects, warnings, sheets, [], [], logs)
    facts = DayFacts(pl.concat([f.facts.days for f in found]),
                     pl.concat([f.facts.leave for f in found]))
    tracked = tracker_groups(agreements, bucket, lines, facts, work.period, work.lock,
                             work.as_of)
    return Bucket(lines, [*rejects, tracked.rejects], [*warnings, tracked.warnings],
                  sheets, [tracked.rows], [tracked.balances], logs)


def buckets(tables: dict[str, pl.DataFrame]) -> list[dict[str, pl.DataFrame]]:
    """The tables cut into buckets of employees (`cut_by_employee`, numbered), each about
    BUCKET_PUNCHES rows of punches, time logs and timer events.

    Every rule works per employee, so buckets give the same lines as one pass while each
    bucket's frames stay small; without it the work grows faster than the data.
    """
    return cut_by_employee(tables, bucket_count(tables, BUCKET_PUNCHES), numbered=True)
