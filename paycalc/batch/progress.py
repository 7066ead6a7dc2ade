"""What a command shows while it works and when it is done, and how it logs.

Log lines go through Python's `logging` (the `paycalc` logger) to standard error with a
timestamp and a level: warnings only with `--quiet`, stages and buckets by default, and
what each stage read, wrote and took with `--verbose`. On a terminal, unless quiet, a
progress bar (rich) shows the stages and the buckets of employees evaluated with the time
left; elsewhere (a log file, a scheduler) the same news are plain log lines."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from paycalc.batch.report import currency_totals
from paycalc.batch.run import Outcome
from paycalc.batch.write import Written
from paycalc.log import log

_err = Console(stderr=True, highlight=False, soft_wrap=True)


@dataclass
class Stages:
    """The callbacks a run reports to: `step(name)` as each stage starts and
    `bucket(done, total)` as each bucket of employees is evaluated."""

    bar: Progress | None
    names: list[str]
    _stage: TaskID | None = None
    _buckets: TaskID | None = None
    _began: float = field(default_factory=time.perf_counter)
    _current: str = ""

    def __post_init__(self) -> None:
        if self.bar is not None:
            self._stage = self.bar.add_task("starting", total=len(self.names))

    def step(self, name: str) -> None:
        now = time.perf_counter()
        if self._current:
            log.debug("%s took %.2f s", self._current, now - self._began)
        self._current, self._began = name, now
        log.info("%s", name)
        if self.bar is not None and self._stage is not None:
            self.bar.update(self._stage, description=name,
                            completed=self.names.index(name) if name in self.names else 0)

    def bucket(self, done: int, total: int) -> None:
        log.info("evaluated bucket %d of %d", done, total)
        if self.bar is None:
            return
        if self._buckets is None:
            self._buckets = self.bar.add_task("buckets of employees", total=total)
        self.bar.update(self._buckets, completed=done)

    def done(self) -> None:
        """Fill the bar of stages and log how long the last one took."""
        if self.bar is not None and self._stage is not None:
            self.bar.update(self._stage, completed=len(self.names))
        if self._current:
            log.debug("%s took %.2f s", self._current, time.perf_counter() - self._began)


@contextmanager
def stages(names: list[str], *, quiet: bool = False) -> Iterator[Stages]:
    """The callbacks of a run with stages `names`: a progress bar on a terminal unless
    `quiet`, log lines in any case."""
    if quiet or not _err.is_terminal:
        shown = Stages(None, names)
        yield shown
        shown.done()
        return
    columns = (TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn())
    with Progress(*columns, console=_err, transient=True) as bar:
        shown = Stages(bar, names)
        yield shown
        shown.done()


def summary_table(run: Outcome, written: Written) -> Table:
    """Rows read, used and rejected per input file, then what the run wrote."""
    table = Table(title=f"paycalc run {run.period.start} to {run.period.end}")
    for heading in ("file", "read", "used", "rejected"):
        table.add_column(heading, justify="left" if heading == "file" else "right")
    for row in run.accounting.iter_rows(named=True):
        table.add_row(row["file"], f"{row['read']:,}", f"{row['used']:,}",
                      f"{row['rejected']:,}", style="red" if row["rejected"] else None)
    table.add_section()
    table.add_row("[b]written[/b]", "rows")
    for name, rows in written.rows.items():
        if name != "row_counts":   # shown per file above
            table.add_row(name.replace("_", " "), f"{rows:,}")
    for row in currency_totals(written.totals, run.agreements).iter_rows(named=True):
        table.add_row(f"payable {row['currency'] or 'amount, no currency'}",
                      f"{Decimal(row['amount']):,}")
    return table
