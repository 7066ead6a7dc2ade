"""A batch run: a data directory and the agreements of a directory evaluated for a period,
with every input row accounted for.

The run reads the data directory row by row (`datadir.read_directory`), compiles every
agreement it is given, evaluates, and then gives each reject of the evaluation the file and
row it came from, so that the run's rejects hold every row not used, whichever stage
refused it. Rows read = rows used + rows rejected, per table; a run where that does not hold
raises rather than writes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from paycalc.batch.corrections import CODES, less, moves_of, revisited_days, with_corrections
from paycalc.batch.store import RunStore
from paycalc.batch.time_sheet import sheet_of
from paycalc.engine import BucketMap, Evaluation, bill, evaluate
from paycalc.errors import AgreementError, InputError, StoreError
from paycalc.log import log
from paycalc.reasons import LONG_PUNCH as LONG_PUNCH_WARNING
from paycalc.reasons import NO_EXPORT_CODE, UNREAD_FILE
from paycalc.rules.compiled import Agreement
from paycalc.spec.catalogue import check_paths, yaml_files
from paycalc.spec.problems import did_you_mean
from paycalc.tables.datadir import (
    INTAKE_REJECTS,
    TABLES,
    Intake,
    first_bad_row,
    read_directory,
)
from paycalc.tables.inputs import Inputs, Period, schema
from paycalc.tables.messages import warned
from paycalc.tables.outputs import MOVES, WARNINGS
from paycalc.tables.row_rules import LONG_PUNCH

ACCOUNTING = schema(table=pl.String, file=pl.String, read=pl.Int64, used=pl.Int64,
                    rejected=pl.Int64)
"""Rows per input file: read, used and rejected (a row with several reasons counts once)."""


@dataclass(frozen=True)
class Batch:
    """What a run found: its agreements and the files they came from, the evaluation, its
    pay lines (with corrections of locked days when run from a store), the time sheet the
    CSV reports are made from, every rejected row with its file and row, the row
    accounting, the lock it started from, the locked days it compared with what was
    transferred (`corrections.revisited_days`) and the tracker corrections of those days
    (MOVES: dated on the locked day; the ledger books them on the first unlocked day)."""

    period: Period
    agreements: list[Agreement]
    agreement_files: list[Path]
    input_files: dict[str, Path]
    evaluation: Evaluation
    pay_lines: pl.DataFrame
    time_sheet: pl.DataFrame
    rejects: pl.DataFrame
    accounting: pl.DataFrame
    made_from: dt.date | None
    revisited: Period | None
    tracker_corrections: pl.DataFrame
    data: Path | None = None
    """The data directory the run read."""
    agreement_dirs: tuple[Path, ...] = ()
    """The directories the run's agreements were compiled from."""

    def tables(self) -> dict[str, pl.DataFrame]:
        """The output tables of the run by name, in the order they are written."""
        result = self.evaluation
        return {"pay_lines": self.pay_lines,
                "tracker_transactions": result.tracker_transactions,
                "tracker_corrections": self.tracker_corrections,
                "balances": result.balances, "time_sheet": self.time_sheet,
                "time_logs": result.time_logs, "timesheets": result.timesheets,
                "invoice_lines": result.invoice_lines, "warnings": result.warnings,
                "rejects": self.rejects, "row_counts": self.accounting}


def compile_directories(folders: Sequence[Path]) -> tuple[list[Agreement], list[Path]]:
    """Every agreement in `folders` compiled (rule sets are looked up beside them and in the
    shipped ones), and the YAML files read; raises `AgreementError` with every problem."""
    checked = check_paths(folders, folders, ())
    if checked.problems:
        raise AgreementError(checked.problems)
    return checked.agreements, yaml_files(folders)


def run_directory(data: Path, agreement_dirs: Sequence[Path], period: Period, *,
                  strict: bool = False, store: RunStore | None = None,
                  revisit_from: dt.date | None = None,
                  step: Callable[[str], None] = lambda _: None,
                  progress: Callable[[int, int], None] | None = None,
                  workers: int | None = None, executor: BucketMap | None = None) -> Batch:
    """Read `data`, compile the agreements of `agreement_dirs` and evaluate `period`; with
    a `store` that holds a lock, trackers start from the locked balances, and the locked
    days the data directory holds (from `revisit_from` at the earliest) are evaluated again
    and give corrections against what was transferred (`corrections`). `step` hears the
    name of each stage as it starts, `progress(done, total)` each bucket of employees
    evaluated; `workers` evaluates the buckets in that many processes, `executor`
    elsewhere (a Dask cluster: `dask_executor`), see `evaluate`.
    Raises `AgreementError`, `DataError` or `StoreError`
    (a period starting after the day after the lock would leave days never paid)."""
    opening = store.opening() if store else None
    if not isinstance(period, Period):
        raise InputError(f"period: expected paycalc.Period, got {type(period).__name__}")
    data, agreement_dirs = Path(data), [Path(d) for d in agreement_dirs]
    lock = opening.lock_date if opening else None
    if lock is not None and period.start > lock + dt.timedelta(days=1):
        raise StoreError(f"the store is locked to {lock}: the period must start on or "
                         f"before {lock + dt.timedelta(days=1)}")
    step("compile agreements")
    agreements, files = compile_directories(agreement_dirs)
    log.debug("compiled %s from %s", ", ".join(a.id for a in agreements),
              ", ".join(map(str, agreement_dirs)))
    step("read data")
    intake = read_directory(data, [a.id for a in agreements], strict=strict)
    for table, path in intake.files.items():
        log.debug("read %s (%s)", path, table)
    step("evaluate")
    held = _earliest(intake.inputs) if lock is not None else None
    first = dt.date.max if held is None else held - dt.timedelta(days=1)
    first = max(first, revisit_from) if revisit_from else first
    evaluated = Period(min(period.start, first), period.end)
    revisited, corrections = _tracker_corrections(agreements, intake.inputs, evaluated, lock,
                                                  revisit_from, held, store)
    whole = evaluate(agreements, intake.inputs, evaluated, opening=opening, time_sheet=True,
                     corrections=corrections, progress=progress, workers=workers,
                     executor=executor)
    refused = whole.rejects.join(intake.origins, on=["table", "row_id"], how="left"
                                 ).select(list(INTAKE_REJECTS))
    if strict and len(refused):
        raise first_bad_row(refused)
    rejects = pl.concat([intake.rejects, refused]).sort("table", "row", "column", "code", "reason",
                                                         nulls_last=True)
    transferred = store.transferred(revisited) if store and revisited else None
    transfers = [(n, first, last) for n, kind, first, last, _ in store.transfers()
                 if kind == "definitive"] if store else []
    codes = pl.DataFrame([(a.id, st.code, st.export_code, a.money.currency,
                           st.pricing.method == "monthly_salary")
                          for a in agreements for st in a.salary_types],
                         schema=CODES, orient="row")
    lines = with_corrections(whole.pay_lines, period, revisited, transferred, transfers, codes)
    evaluation = _within(whole, period)
    if evaluated != period:  # billable time has no lock: only the run's period is billed
        billed = bill(agreements, intake.inputs, period)
        evaluation = dataclasses.replace(evaluation, time_logs=billed.time_logs,
                                         timesheets=billed.timesheets,
                                         invoice_lines=billed.invoice_lines)
    evaluation = dataclasses.replace(evaluation, warnings=pl.concat(
        [evaluation.warnings, _without_export_codes(lines, agreements),
         _unread(intake.stray), _long_punches(intake.inputs.punches, period)]))
    log.info("%s pay lines, %s tracker transactions, %s warnings", f"{len(lines):,}",
             f"{len(evaluation.tracker_transactions):,}", f"{len(evaluation.warnings):,}")
    if len(rejects):
        log.warning("%s input rows rejected (see the rejects table)", f"{len(rejects):,}")
    return Batch(period, agreements, files, intake.files, evaluation, lines,
                 sheet_of(evaluation, intake.inputs, period), rejects,
                 accounting(intake, refused, rejects), lock, revisited, corrections,
                 Path(data).resolve(), tuple(Path(d).resolve() for d in agreement_dirs))


def _earliest(inputs: Inputs) -> dt.date | None:
    """The earliest date of the dated input rows (punches, schedules, absences, figures,
    approvals, time logs, timer events): a run from a store evaluates from the day before
    it (a punch's date as written may be a day off its local day) and compares the locked
    days from it on."""
    dates = [frame.select(pl.col(column).cast(pl.Date).min()).item()
             for frame, column in ((inputs.punches, "start"), (inputs.schedules, "start"),
                                   (inputs.absences, "start_date"), (inputs.figures, "date"),
                                   (inputs.approvals, "start_date"), (inputs.timelogs, "start"),
                                   (inputs.timer_events, "at"))
             if frame is not None and frame.height]
    return min((d for d in dates if d is not None), default=None)


def _tracker_corrections(agreements: list[Agreement], inputs: Inputs, evaluated: Period,
                         lock: dt.date | None, revisit_from: dt.date | None,
                         held: dt.date | None, store: RunStore | None
                         ) -> tuple[Period | None, pl.DataFrame]:
    """The locked days the run revisits (`corrections.revisited_days`) and the tracker
    corrections of those days: the additions their salary types and links make now,
    evaluated afresh over the revisited days, less those the store kept of them."""
    if store is None or lock is None or evaluated.start > lock:
        return None, pl.DataFrame(schema=MOVES)
    # only the locked days' lines and transactions are read: no balances booked ahead
    locked = evaluate(agreements, inputs, Period(evaluated.start, lock), ahead=False)
    first_locked = min(first for _, kind, first, _, _ in store.transfers()
                       if kind == "definitive")
    since = max(revisit_from, first_locked) if revisit_from else first_locked
    revisited = revisited_days(locked.pay_lines, lock, since, held)
    if revisited is None:
        return None, pl.DataFrame(schema=MOVES)
    now = moves_of(locked.tracker_transactions, revisited)
    return revisited, less(now, store.moves(revisited))


def _unread(names: list[str]) -> pl.DataFrame:
    """A warning for each CSV or Parquet file of the data directory that is no table (a
    misspelt `punchez.csv` would otherwise leave its punches out without a word)."""
    known = [f"{t}.csv" for t in TABLES]
    return pl.DataFrame([{"employee_id": None, "date": None, "code": UNREAD_FILE.code,
                          "message": UNREAD_FILE.text(file=name, hint=did_you_mean(
                              name, known))} for name in names], schema=WARNINGS)


def _long_punches(punches: pl.DataFrame | None, period: Period) -> pl.DataFrame:
    """A `LONG_PUNCH` warning for each punch of the period (by its start's date) longer
    than `row_rules.LONG_PUNCH`: likely a late punch-out, paid as it stands."""
    if punches is None:
        return pl.DataFrame(schema=WARNINGS)
    minutes = (pl.col("end") - pl.col("start")).dt.total_minutes()
    return punches.filter((minutes > LONG_PUNCH.total_seconds() // 60)
                          & pl.col("start").dt.date().is_between(period.start, period.end)
                          ).select(
        "employee_id", pl.col("start").dt.date().alias("date"),
        *warned(LONG_PUNCH_WARNING, punch=pl.col("row_id"), limit=LONG_PUNCH.seconds // 3600,
                length=pl.format("{}:{}", minutes // 60,
                                 (minutes % 60).cast(pl.String).str.zfill(2)))
    ).sort("employee_id", "date", "message")


def _without_export_codes(lines: pl.DataFrame, agreements: list[Agreement]) -> pl.DataFrame:
    """One warning listing the salary types of payable lines whose agreement declares no
    export code for them (they are exported under their own code); none when all do."""
    used = set(lines.filter("payable").select("agreement", "salary_type").unique().iter_rows())
    missing = sorted(f"{a.id}: {st.code}" for a in agreements for st in a.salary_types
                     if (a.id, st.code) in used and not st.export_code_declared)
    rows = [{"employee_id": None, "date": None, "code": NO_EXPORT_CODE.code,
             "message": NO_EXPORT_CODE.text(types=", ".join(missing))}] if missing else []
    return pl.DataFrame(rows, schema=WARNINGS)


def _within(evaluation: Evaluation, period: Period) -> Evaluation:
    """The evaluation's lines, warnings and time sheet of the days of `period` (a run from a
    store evaluates locked days too, only to correct them); its rejects all."""
    days = pl.col("date").is_between(period.start, period.end)
    return dataclasses.replace(
        evaluation, pay_lines=evaluation.pay_lines.filter(days),
        warnings=evaluation.warnings.filter(days | pl.col("date").is_null()),
        time_sheet=evaluation.time_sheet.filter(days))


def accounting(intake: Intake, refused: pl.DataFrame, rejects: pl.DataFrame) -> pl.DataFrame:
    """Rows read, used and rejected per file, from the reader's `intake`, the rows the
    evaluation `refused` and all `rejects`; raises when they do not add up. Used rows are
    the rows the reader passed on less those the evaluation refused; a used row may make no
    line (a punch outside the period, say)."""
    def distinct_rows(frame: pl.DataFrame, name: str) -> pl.DataFrame:
        return frame.group_by("table").agg(pl.col("row").n_unique().alias(name))

    counts = (intake.counts
              .join(distinct_rows(intake.origins, "passed"), on="table", how="left")
              .join(distinct_rows(refused, "refused"), on="table", how="left")
              .join(distinct_rows(rejects, "rejected"), on="table", how="left")
              .with_columns(pl.col("passed", "refused", "rejected").fill_null(0))
              .with_columns((pl.col("passed") - pl.col("refused")).alias("used")))
    wrong = counts.filter(pl.col("read") != pl.col("used") + pl.col("rejected"))
    if len(wrong):
        raise RuntimeError(f"row accounting does not add up: {wrong.to_dicts()}")
    return counts.select(list(ACCOUNTING)).cast(ACCOUNTING)


def period_of(start: dt.date, end: dt.date) -> Period:
    """The period from `start` to `end`, both included; raises `InputError` (a
    `ValueError`) when reversed."""
    return Period(start, end)
