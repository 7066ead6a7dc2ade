"""A batch run: a data directory and the agreements of a directory evaluated for a period,
with every input row accounted for.

The run compiles every agreement it is given, cuts the data directory into buckets of
whole employees (`paycalc.tables.cut`), reads and checks each bucket's rows row by row
(`checked_bucket`) and plans the evaluation (`start_run`); each bucket's rows of the run
store go with it, and one function makes a bucket's tables (`bucket_part`).
`run_directory` holds every bucket's tables in memory; `paycalc.batch.stream` writes them
bucket by bucket. Either way `finish_run` adds up what spans the buckets, with each reject
of the evaluation given the file and row it came from (by the bucket that refused it), so
that the run's rejects hold every row not used, whichever stage refused it. Rows read =
rows used + rows rejected, per table; a run where that does not hold raises rather than
writes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from paycalc.batch.corrections import (
    CODES,
    less,
    moves_of,
    revisited_days,
    summed,
    with_corrections,
)
from paycalc.batch.store import RunStore
from paycalc.batch.time_sheet import sheet_of
from paycalc.engine import (
    BUCKET_PUNCHES,
    BucketMap,
    Evaluation,
    bill,
    evaluate,
    map_buckets,
)
from paycalc.errors import AgreementError, InputError, StoreError
from paycalc.log import log
from paycalc.reasons import LONG_PUNCH as LONG_PUNCH_WARNING
from paycalc.reasons import NO_EXPORT_CODE, UNREAD_FILE
from paycalc.rules.compiled import Agreement
from paycalc.spec.catalogue import check_paths, yaml_files
from paycalc.spec.problems import did_you_mean
from paycalc.tables.cut import Cut, bucket_of, cut_directory, read_bucket
from paycalc.tables.datadir import first_bad_row, locate_refused, read_rejects
from paycalc.tables.inputs import Inputs, Opening, Period, schema
from paycalc.tables.messages import warned
from paycalc.tables.outputs import MOVES, REJECTS, WARNINGS, frame_of
from paycalc.tables.row_rules import LONG_PUNCH
from paycalc.tables.rows import INTAKE_REJECTS, ORIGINS, TABLES

ACCOUNTING = schema(table=pl.String, file=pl.String, read=pl.Int64, used=pl.Int64,
                    rejected=pl.Int64)
"""Rows per input file: read, used and rejected (a row with several reasons counts once)."""


TABLES_WRITTEN = ("pay_lines", "tracker_transactions", "tracker_corrections", "balances",
                  "time_sheet", "time_logs", "timesheets", "invoice_lines", "warnings",
                  "rejects", "row_counts")
"""The output tables of a run, in the order they are written."""


@dataclass(frozen=True)
class Outcome:
    """A run as it is written and reported: what its manifest says of it, its small
    tables by name, and its BIG tables bucket by bucket (each bucket's tables as lazy
    frames: in memory, or the part files a streaming run wrote), in the order of the
    buckets, so that no more than one bucket's rows of them need be held at once."""

    period: Period
    agreements: list[Agreement]
    agreement_files: list[Path]
    input_files: dict[str, Path]
    made_from: dt.date | None
    revisited: Period | None
    data: Path | None
    agreement_dirs: tuple[Path, ...]
    small: dict[str, pl.DataFrame]
    buckets: list[dict[str, pl.LazyFrame]]

    @property
    def accounting(self) -> pl.DataFrame:
        """Rows read, used and rejected per input file (ACCOUNTING)."""
        return self.small["row_counts"]


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

    def outcome(self) -> Outcome:
        """The run as written and reported, its BIG tables as one bucket."""
        tables = self.tables()
        return Outcome(self.period, self.agreements, self.agreement_files, self.input_files,
                       self.made_from, self.revisited, self.data, self.agreement_dirs,
                       {name: frame for name, frame in tables.items() if name not in BIG},
                       [{name: tables[name].lazy() for name in BIG}])


def compile_directories(folders: Sequence[Path]) -> tuple[list[Agreement], list[Path]]:
    """Every agreement in `folders` compiled (rule sets are looked up beside them and in the
    shipped ones), and the YAML files read; raises `AgreementError` with every problem."""
    checked = check_paths(folders, folders, ())
    if checked.problems:
        raise AgreementError(checked.problems)
    return checked.agreements, yaml_files(folders)


@dataclass(frozen=True)
class Plan:
    """What every bucket of a run shares: the agreements, the period and the days
    evaluated (from the store's revisited days on), the lock's opening balances, the
    revisited days with the definitive transfers that name what a correction corrects,
    each salary type's export code and currency (`corrections.CODES`), and where the
    buckets' checked input rows are (`checked_bucket`) with the file of each table."""

    agreements: list[Agreement]
    period: Period
    evaluated: Period
    opening: Opening | None
    revisited: Period | None
    transfers: list[tuple[int, dt.date, dt.date]]
    codes: pl.DataFrame
    inputs: Path
    files: dict[str, Path]


@dataclass(frozen=True)
class Part:
    """One bucket's tables: the engine's evaluation of the run's period (`within`), its
    pay lines with corrections, its time sheet (`time_sheet.sheet_of`), the warnings of
    its long punches and the rows its evaluation refused, with their file and row."""

    within: Evaluation
    pay_lines: pl.DataFrame
    time_sheet: pl.DataFrame
    long_punches: pl.DataFrame
    """`LONG_PUNCH` warnings of the bucket's punches."""
    refused: pl.DataFrame
    """INTAKE_REJECTS."""

    def tables(self) -> dict[str, pl.DataFrame]:
        """The BIG tables of the bucket by name."""
        return {"pay_lines": self.pay_lines,
                "tracker_transactions": self.within.tracker_transactions,
                "balances": self.within.balances, "time_sheet": self.time_sheet}


BIG = ("pay_lines", "tracker_transactions", "balances", "time_sheet")
"""The tables that grow with employees x days: made and written bucket by bucket."""
BUCKET_ROWS = BUCKET_PUNCHES
"""Rows of punches, time logs and timer events in one bucket of a run (the engine then
evaluates each as one bucket)."""
SHARED = ("opening", "transferred", "corrections")
"""Tables from the store cut with the inputs: each bucket gets its employees' rows."""

Bucket = tuple[int, dict[str, pl.DataFrame]]
"""A bucket of a run: its number and its employees' rows of the SHARED tables."""


def bucket_part(plan: Plan, bucket: Bucket) -> Part:
    """The tables of one bucket of employees: its input rows are read from
    `plan.inputs` (`checked_bucket`), its rows of the SHARED tables come with it."""
    number, shared = bucket
    inputs = inputs_of(plan.inputs, number)
    opening = Opening(plan.opening.lock_date, shared["opening"]) if plan.opening else None
    whole = evaluate(plan.agreements, inputs, plan.evaluated, opening=opening, time_sheet=True,
                     corrections=shared.get("corrections"))
    lines = with_corrections(whole.pay_lines, plan.period, plan.revisited,
                             shared.get("transferred"), plan.transfers, plan.codes)
    within = _within(whole, plan.period)
    # the map of rows to their file rows is read only to locate rows refused
    origins = pl.read_parquet(_bucket_folder(plan.inputs, number) / "origins.parquet") \
        if whole.rejects.height else pl.DataFrame(schema=ORIGINS)
    return Part(within, lines, sheet_of(within, inputs, plan.period),
                _long_punches(inputs.punches, plan.period),
                locate_refused(whole.rejects, origins, plan.files))


@dataclass(frozen=True)
class Found:
    """What reading one bucket found: its rejected rows (INTAKE_REJECTS but the file),
    how many rows of each table it passed on, and the earliest date of its input rows."""

    rejects: pl.DataFrame
    passed: dict[str, int]
    earliest: dt.date | None


def checked_bucket(job: tuple[Cut, Path], number: int) -> Found:
    """Read and check bucket `number` of a cut data directory (`cut.read_bucket`) and
    write its usable rows, with where each came from (ORIGINS), under the folder of the
    `job` for its evaluation (`inputs_of`)."""
    cut, folder = job
    checked = read_bucket(cut, number)
    place = _bucket_folder(folder, number)
    place.mkdir(parents=True, exist_ok=True)
    kept = {t: f.drop("_row") for t, f in checked.kept.items()}
    for table, frame in kept.items():
        frame.write_parquet(place / f"{table}.parquet")
    checked.origins().write_parquet(place / "origins.parquet")
    return Found(checked.rejects, {t: f.height for t, f in kept.items()},
                 _earliest(Inputs(**kept)))


def inputs_of(folder: Path, number: int, tables: Sequence[str] = TABLES) -> Inputs:
    """The checked input rows of bucket `number` (`checked_bucket`): those of `tables`."""
    place = _bucket_folder(folder, number)
    return Inputs(**{t: pl.read_parquet(place / f"{t}.parquet") for t in tables
                     if (place / f"{t}.parquet").is_file()})


def _bucket_folder(folder: Path, number: int) -> Path:
    return folder / f"{number:06d}"


def locked_bucket(job: tuple[list[Agreement], Period, Path], number: int
                  ) -> tuple[dt.date | None, pl.DataFrame]:
    """The first day bucket `number` makes a pay line on among the `job`'s locked days,
    and the tracker additions of those days (`corrections.moves_of`)."""
    agreements, days, folder = job
    # only the locked days' lines and transactions are read: no balances booked ahead
    locked = evaluate(agreements, inputs_of(folder, number), days, ahead=False)
    return (locked.pay_lines.select(pl.col("date").min()).item(),
            moves_of(locked.tracker_transactions, days))


@dataclass(frozen=True)
class Read:
    """What reading a run's data directory found: the file of each table, every row
    rejected (INTAKE_REJECTS), the rows each file had (ROW_COUNTS), the rows of each table
    passed on, and the folder's files that are no table."""

    files: dict[str, Path]
    rejects: pl.DataFrame
    counts: pl.DataFrame
    passed: dict[str, int]
    stray: list[str]


@dataclass(frozen=True)
class Started:
    """A run read and planned, not yet evaluated: its plan, what reading found, the
    buckets of employees it is evaluated in (`bucket_part`), its tracker corrections and
    the files of its agreements."""

    plan: Plan
    read: Read
    buckets: list[Bucket]
    tracker_corrections: pl.DataFrame
    agreement_files: list[Path]
    data: Path
    agreement_dirs: tuple[Path, ...]


def start_run(data: Path, agreement_dirs: Sequence[Path], period: Period, scratch: Path, *,
              strict: bool = False, store: RunStore | None = None,
              revisit_from: dt.date | None = None,
              step: Callable[[str], None] = lambda _: None,
              workers: int | None = None, executor: BucketMap | None = None) -> Started:
    """Read `data`, compile the agreements of `agreement_dirs` and plan the evaluation of
    `period`; with a `store` that holds a lock, trackers start from the locked balances,
    and the locked days the data directory holds (from `revisit_from` at the earliest) are
    evaluated again and give corrections against what was transferred (`corrections`).
    The data directory is cut into buckets of employees (`paycalc.tables.cut`) and read
    bucket by bucket (`checked_bucket`, in `workers` or on `executor` as `map_buckets`
    says) into `scratch`, where the buckets' rows stay until they are evaluated. `step`
    hears the name of each stage as it starts. Raises `AgreementError`, `DataError` or
    `StoreError` (a period starting after the day after the lock would leave days never
    paid)."""
    opening = store.opening() if store else None
    if not isinstance(period, Period):
        raise InputError(f"period: expected paycalc.Period, got {type(period).__name__}")
    data, dirs = Path(data), [Path(d) for d in agreement_dirs]
    lock = opening.lock_date if opening else None
    if lock is not None and period.start > lock + dt.timedelta(days=1):
        raise StoreError(f"the store is locked to {lock}: the period must start on or "
                         f"before {lock + dt.timedelta(days=1)}")
    step("compile agreements")
    agreements, files = compile_directories(dirs)
    log.debug("compiled %s from %s", ", ".join(a.id for a in agreements),
              ", ".join(map(str, dirs)))
    step("read data")
    cut = cut_directory(data, [a.id for a in agreements], scratch / "cut", BUCKET_ROWS)
    for table, path in cut.files.items():
        log.debug("read %s (%s)", path, table)
    checked = scratch / "checked"
    found = map_buckets(checked_bucket, (cut, checked), list(range(cut.count)), workers,
                        executor=executor)
    read = _read(cut, found)
    if strict and len(read.rejects):
        raise first_bad_row(read.rejects)
    held = min((f.earliest for f in found if f.earliest), default=None) \
        if lock is not None else None
    first = dt.date.max if held is None else held - dt.timedelta(days=1)
    first = max(first, revisit_from) if revisit_from else first
    evaluated = Period(min(period.start, first), period.end)
    locked = map_buckets(locked_bucket, (agreements, Period(evaluated.start, lock), checked),
                         list(range(cut.count)), workers, executor=executor) \
        if store is not None and lock is not None and evaluated.start <= lock else None
    revisited, corrections = _tracker_corrections(locked, lock, revisit_from, held, store)
    transferred = store.transferred(revisited) if store and revisited else None
    transfers = [(n, first, last) for n, kind, first, last, _ in store.transfers()
                 if kind == "definitive"] if store else []
    codes = pl.DataFrame([(a.id, st.code, st.export_code, a.money.currency,
                           st.pricing.method == "monthly_salary")
                          for a in agreements for st in a.salary_types],
                         schema=CODES, orient="row")
    shared = {"opening": opening.balances if opening else None, "transferred": transferred,
              "corrections": corrections if opening else None}
    buckets = _shared_by_bucket({n: f for n, f in shared.items() if f is not None},
                                cut.first_ids, cut.count)
    plan = Plan(agreements, period, evaluated, opening, revisited, transfers, codes, checked,
                cut.files)
    return Started(plan, read, buckets, corrections, files, data.resolve(),
                   tuple(d.resolve() for d in dirs))


def _read(cut: Cut, found: list[Found]) -> Read:
    """What reading found, from the `cut` and each bucket's `found`."""
    passed = {t: sum(f.passed.get(t, 0) for f in found) for t in cut.files}
    return Read(cut.files, read_rejects(cut, [f.rejects for f in found]), cut.counts(),
                passed, cut.stray)


def _shared_by_bucket(tables: dict[str, pl.DataFrame], first_ids: pl.Series, count: int
                      ) -> list[Bucket]:
    """Each bucket's number and its employees' rows of `tables`."""
    cut = {name: frame.with_columns(bucket_of(first_ids).alias("_bucket"))
           for name, frame in tables.items()}
    return [(n, {name: frame.filter(pl.col("_bucket") == n).drop("_bucket")
                 for name, frame in cut.items()}) for n in range(count)]


def run_directory(data: Path, agreement_dirs: Sequence[Path], period: Period, *,
                  strict: bool = False, store: RunStore | None = None,
                  revisit_from: dt.date | None = None,
                  step: Callable[[str], None] = lambda _: None,
                  progress: Callable[[int, int], None] | None = None,
                  workers: int | None = None, executor: BucketMap | None = None,
                  scratch: Path | None = None) -> Batch:
    """The run of `period` over the data directory `data` and the agreements of
    `agreement_dirs` (`start_run`), evaluated in buckets of employees and held in memory.
    `progress(done, total)` hears each bucket evaluated; `workers` evaluates the buckets
    in that many processes, `executor` elsewhere (a Dask cluster: `dask_executor`), see
    `paycalc.engine.map_buckets`. The buckets' input rows wait in a temporary folder in
    `scratch` (by default the system's; on a cluster, a folder every worker reads). Raises
    what `start_run` raises."""
    with tempfile.TemporaryDirectory(prefix="paycalc-run-", dir=scratch) as folder:
        started = start_run(data, agreement_dirs, period, Path(folder), strict=strict,
                            store=store, revisit_from=revisit_from, step=step,
                            workers=workers, executor=executor)
        step("evaluate")
        parts = map_buckets(bucket_part, started.plan, started.buckets, workers, progress,
                            executor)

        def whole(frames: list[pl.DataFrame]) -> pl.DataFrame:
            return pl.concat(frames) if len(frames) > 1 else frames[0]

        lines = whole([p.pay_lines for p in parts])
        ending = finish_run(started, [p.within.warnings for p in parts],
                            [p.refused for p in parts], [p.long_punches for p in parts],
                            paid_types(lines), strict)
    engine = Evaluation(whole([p.within.pay_lines for p in parts]),
                        whole([p.within.tracker_transactions for p in parts]),
                        whole([p.within.balances for p in parts]),
                        ending.refused, ending.warnings,
                        whole([p.within.time_sheet for p in parts]),
                        ending.billed.time_logs, ending.billed.timesheets,
                        ending.billed.invoice_lines)
    log.info("%s pay lines, %s tracker transactions, %s warnings", f"{len(lines):,}",
             f"{len(engine.tracker_transactions):,}", f"{len(ending.warnings):,}")
    plan = started.plan
    return Batch(period, plan.agreements, started.agreement_files, started.read.files,
                 engine, lines, whole([p.time_sheet for p in parts]), ending.rejects,
                 ending.accounting, plan.opening.lock_date if plan.opening else None,
                 plan.revisited, started.tracker_corrections, started.data,
                 started.agreement_dirs)


@dataclass(frozen=True)
class Ending:
    """What a run adds up over its buckets: every rejected row with its file and row, the
    row accounting, the warnings in order, the rows the evaluation refused, and the
    billable time of the period."""

    rejects: pl.DataFrame
    accounting: pl.DataFrame
    warnings: pl.DataFrame
    refused: pl.DataFrame
    billed: Evaluation


def finish_run(started: Started, warnings: list[pl.DataFrame], refused: list[pl.DataFrame],
               long_punches: list[pl.DataFrame], paid: pl.DataFrame, strict: bool) -> Ending:
    """The run's `Ending` from its buckets' `warnings`, `refused` rows (INTAKE_REJECTS)
    and warnings of `long_punches`, and the salary types its pay lines pay (`paid_types`).
    With `strict`, raises `DataError` at the first refused row."""
    read, plan = started.read, started.plan
    located = frame_of(refused, INTAKE_REJECTS).unique().sort(
        "table", "row_id", "column", "code", "reason")
    if strict and len(located):
        raise first_bad_row(located)
    rejects = pl.concat([read.rejects, located]).sort("table", "row", "column", "code",
                                                       "reason", nulls_last=True)
    # billable time has no lock: only the run's period is billed
    billed = bill(plan.agreements, _billable(started), plan.period)
    ordered = frame_of(warnings, WARNINGS).sort("employee_id", "date", "code", "message")
    every = pl.concat([ordered, _without_export_codes(paid, plan.agreements),
                       _unread(read.stray), *long_punches])
    if len(rejects):
        log.warning("%s input rows rejected (see the rejects table)", f"{len(rejects):,}")
    return Ending(rejects, accounting(read, located, rejects), every,
                  located.select(list(REJECTS)), billed)


def _billable(started: Started) -> Inputs:
    """The input rows billing reads (employees, assignments, time logs and timer events)
    of every bucket; none when there are no time logs or timer events."""
    if not {"timelogs", "timer_events"} & set(started.read.files):
        return Inputs()
    tables = ("employees", "assignments", "timelogs", "timer_events")
    parts = [inputs_of(started.plan.inputs, n, tables) for n, _ in started.buckets]
    return Inputs(**{t: pl.concat([getattr(p, t) for p in parts]) for t in tables
                     if t in started.read.files})


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


def _tracker_corrections(locked: list[tuple[dt.date | None, pl.DataFrame]] | None,
                         lock: dt.date | None, revisit_from: dt.date | None,
                         held: dt.date | None, store: RunStore | None
                         ) -> tuple[Period | None, pl.DataFrame]:
    """The locked days the run revisits (`corrections.revisited_days`) and the tracker
    corrections of those days: the additions their salary types and links make now (each
    bucket's first line and additions of the locked days: `locked_bucket`), less those
    the store kept of them."""
    if store is None or lock is None or locked is None:
        return None, pl.DataFrame(schema=MOVES)
    first_locked = min(first for _, kind, first, _, _ in store.transfers()
                       if kind == "definitive")
    since = max(revisit_from, first_locked) if revisit_from else first_locked
    firsts = pl.DataFrame({"date": [d for d, _ in locked]}, schema={"date": pl.Date})
    revisited = revisited_days(firsts, lock, since, held)
    if revisited is None:
        return None, pl.DataFrame(schema=MOVES)
    now = summed(pl.concat([moves for _, moves in locked]).filter(
        pl.col("date").is_between(revisited.start, revisited.end)))
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


def paid_types(lines: pl.DataFrame) -> pl.DataFrame:
    """The agreements and salary types of the payable ones of `lines`, once each."""
    return lines.filter("payable").select("agreement", "salary_type").unique()


def _without_export_codes(paid: pl.DataFrame, agreements: list[Agreement]) -> pl.DataFrame:
    """One warning listing the salary types paid (`paid_types`) whose agreement declares
    no export code for them (they are exported under their own code); none when all do."""
    used = set(paid.iter_rows())
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


def accounting(read: Read, refused: pl.DataFrame, rejects: pl.DataFrame) -> pl.DataFrame:
    """Rows read, used and rejected per file, from what reading found (`read`), the rows
    the evaluation `refused` and all `rejects`; raises when they do not add up. Used rows
    are the rows the reader passed on less those the evaluation refused; a used row may
    make no line (a punch outside the period, say)."""
    def distinct_rows(frame: pl.DataFrame, name: str) -> pl.DataFrame:
        return frame.group_by("table").agg(pl.col("row").n_unique().alias(name))

    passed = pl.DataFrame({"table": list(read.passed), "passed": list(read.passed.values())},
                          schema={"table": pl.String, "passed": pl.Int64})
    counts = (read.counts
              .join(passed, on="table", how="left")
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
