"""The streaming run: a batch run evaluated and written one bucket of employees at a time,
so that its memory is bounded by the bucket rather than by the number of employees.

Inside the private folder of the run being written (`run_folder.writing`), each bucket's
BIG tables (pay lines, tracker transactions, balances, time sheet) are written as Parquet
part files by whoever evaluates the bucket: a thread, a worker process or a Dask worker,
so no bucket's rows travel back. What the run adds up over its buckets (warnings, refused
rows, paid salary types) comes back small. The tables are then joined from the parts in
bucket order (`write.write_into`), the report is made from the parts one bucket at a time,
the parts are removed, and the manifest is written last. The files are byte for byte
those of `write_run(run_directory(...))`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from paycalc.batch.run import (
    BIG,
    Bucket,
    Outcome,
    Plan,
    Started,
    bucket_part,
    finish_run,
    paid_types,
    start_run,
)
from paycalc.batch.run_folder import writing
from paycalc.batch.store import RunStore
from paycalc.batch.write import PARTS, Format, Written, not_written, write_into
from paycalc.engine import BucketMap, each_bucket
from paycalc.log import log
from paycalc.tables.inputs import Period


@dataclass(frozen=True)
class Job:
    """What the evaluation of every bucket of a streaming run shares: the run's plan and
    the folder its buckets' parts go to."""

    plan: Plan
    parts: Path


@dataclass(frozen=True)
class Kept:
    """What a bucket of a streaming run gives back once its parts are written: its
    warnings, the rows its evaluation refused, the warnings of its long punches and the
    salary types it paid."""

    warnings: pl.DataFrame
    refused: pl.DataFrame
    long_punches: pl.DataFrame
    paid: pl.DataFrame


def part_file(parts: Path, number: int, table: str) -> Path:
    """The part file of bucket `number` of the BIG table `table`."""
    return parts / f"{number:06d}" / f"{table}.parquet"


def written_bucket(job: Job, bucket: Bucket) -> Kept:
    """Evaluate one bucket (`run.bucket_part`) and write its BIG tables as part files."""
    number = bucket[0]
    part = bucket_part(job.plan, bucket)
    (job.parts / f"{number:06d}").mkdir(parents=True, exist_ok=True)
    for name, frame in part.tables().items():
        frame.write_parquet(part_file(job.parts, number, name), statistics=False)
    return Kept(part.within.warnings, part.refused, part.long_punches,
                paid_types(part.pay_lines))


@dataclass(frozen=True)
class Streamed:
    """A streaming run as written: the run (period, agreements, its small tables: rejects,
    row counts, warnings) and what was written. The part files its BIG tables were read
    from are gone once the folder is written: read them from `written.files`."""

    run: Outcome
    written: Written

    @property
    def rejected(self) -> int:
        """Input rows rejected."""
        return len(self.run.small["rejects"])


def stream_run(data: Path, agreement_dirs: Sequence[Path], period: Period, out: Path,
               fmt: Format = "parquet", *, strict: bool = False,
               store: RunStore | None = None, revisit_from: dt.date | None = None,
               replace: bool = False, command: Sequence[str] | None = None,
               step: Callable[[str], None] = lambda _: None,
               progress: Callable[[int, int], None] | None = None,
               workers: int | None = None, executor: BucketMap | None = None) -> Streamed:
    """The run of `run.run_directory`, written to `out` as `write.write_run` writes it,
    one bucket at a time; the buckets' input rows wait in the folder being written. Raises
    what both raise."""
    try:
        with writing(out, replace=replace) as folder:
            started = start_run(data, agreement_dirs, period, folder / PARTS / "read",
                                strict=strict, store=store, revisit_from=revisit_from,
                                step=step, workers=workers, executor=executor)
            step("evaluate")
            job = Job(started.plan, folder / PARTS)
            buckets = list(started.buckets)
            kept = list(each_bucket(written_bucket, job, buckets, workers, progress,
                                    executor, release=True))
            step("write")
            run = _outcome(started, kept, job.parts, strict)
            written = write_into(folder, run, fmt, command)
    except OSError as exc:
        raise not_written(out, exc) from exc
    log.info("%s pay lines, %s tracker transactions, %s warnings",
             f"{written.rows['pay_lines']:,}", f"{written.rows['tracker_transactions']:,}",
             f"{written.rows['warnings']:,}")
    return Streamed(run, Written({name: Path(out) / path for name, path in
                                  written.files.items()}, written.rows, written.totals))


def _outcome(started: Started, kept: list[Kept], parts: Path, strict: bool) -> Outcome:
    """The run as written, its BIG tables read from the part files of its buckets."""
    ending = finish_run(started, [k.warnings for k in kept], [k.refused for k in kept],
                        [k.long_punches for k in kept], pl.concat([k.paid for k in kept]),
                        strict)
    plan = started.plan
    small = {"tracker_corrections": started.tracker_corrections,
             "time_logs": ending.billed.time_logs, "timesheets": ending.billed.timesheets,
             "invoice_lines": ending.billed.invoice_lines, "warnings": ending.warnings,
             "rejects": ending.rejects, "row_counts": ending.accounting}
    buckets = [{name: pl.scan_parquet(part_file(parts, number, name)) for name in BIG}
               for number in range(len(kept))]
    return Outcome(plan.period, plan.agreements, started.agreement_files,
                   started.read.files, plan.opening.lock_date if plan.opening else None,
                   plan.revisited, started.data, started.agreement_dirs, small, buckets)
