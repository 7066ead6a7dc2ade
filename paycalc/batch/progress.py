"""What a run shows while it works and when it is done: a progress bar over its stages on
a terminal (rich), plain lines otherwise (a log file, a scheduler), and a summary table."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from paycalc.batch.report import currency_totals
from paycalc.batch.run import Batch

_err = Console(stderr=True, highlight=False, soft_wrap=True)


@contextmanager
def stages(names: list[str]) -> Iterator[Callable[[str], None]]:
    """A function to call with each stage's name as it starts."""
    if not _err.is_terminal:
        yield lambda name: print(f"paycalc: {name}", file=sys.stderr, flush=True)
        return
    columns = (TextColumn("{task.description:<20}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=_err, transient=True) as bar:
        task = bar.add_task("starting", total=len(names))
        seen: list[str] = []

        def step(name: str) -> None:
            if seen:
                bar.advance(task)
            seen.append(name)
            bar.update(task, description=name)

        yield step
        bar.update(task, completed=len(names))


def summary_table(batch: Batch) -> Table:
    """Rows read, used and rejected per input file, then what the run produced."""
    table = Table(title=f"paycalc run {batch.period.start} to {batch.period.end}")
    for heading in ("file", "read", "used", "rejected"):
        table.add_column(heading, justify="left" if heading == "file" else "right")
    for row in batch.accounting.iter_rows(named=True):
        table.add_row(row["file"], f"{row['read']:,}", f"{row['used']:,}",
                      f"{row['rejected']:,}", style="red" if row["rejected"] else None)
    table.add_section()
    table.add_row("[b]written[/b]", "rows")
    for name, frame in batch.tables().items():
        if name != "row_counts":   # shown per file above
            table.add_row(name.replace("_", " "), f"{len(frame):,}")
    for row in currency_totals(batch.pay_lines, batch.agreements).iter_rows(named=True):
        table.add_row(f"payable {row['currency'] or 'amount, no currency'}",
                      f"{Decimal(row['amount']):,}")
    return table
