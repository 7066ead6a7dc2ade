"""The `paycalc` command: validate agreements, print the language schema, show a compiled
agreement, run a data directory, report on a run, transfer a run to payroll, explain a day,
and the demo run of the shipped sample data."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console

from paycalc.errors import (
    EXIT_DATA,
    EXIT_OK,
    EXIT_OUTPUT,
    EXIT_PROBLEMS,
    EXIT_REJECTS,
    EXIT_STORE,
    EXIT_TESTS,
    EXIT_USAGE,
    DataError,
    PaycalcError,
    Problem,
)
from paycalc.log import configure_logging
from paycalc.spec.bundled import AGREEMENTS_DIR
from paycalc.spec.catalogue import Checked, check_paths

if TYPE_CHECKING:
    from paycalc.batch.stream import Streamed
    from paycalc.engine import BucketMap
    from paycalc.tables.inputs import Period

_out = Console(highlight=False, soft_wrap=True, emoji=False)
_err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)

__all__ = ["EXIT_DATA", "EXIT_OK", "EXIT_OUTPUT", "EXIT_PROBLEMS", "EXIT_REJECTS", "EXIT_STORE",
           "EXIT_TESTS", "EXIT_USAGE", "main"]


COMMAND_LINE = "paycalc.command_line"
"""Where the command line the group was given is kept in the click context's meta."""


class _Commands(click.Group):
    """The command group: any `PaycalcError` a command raises ends it with the error's
    lines on standard error and its exit code (see `paycalc.errors`), never a traceback."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta[COMMAND_LINE] = ["paycalc", *args]   # what the manifest records
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except PaycalcError as exc:
            for line in exc.lines():
                _err.print(line, markup=False)
            ctx.exit(exc.exit_code)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]},
             invoke_without_command=True)
@click.version_option(package_name="paycalc")
@click.pass_context
def main(context: click.Context) -> None:
    """paycalc: payroll and time-tracker balances from YAML collective agreements.

    Without a command it runs the demo: the shipped sample data under the shipped
    agreements, writing the outputs and the report to ./paycalc-demo.
    """
    if VERBOSITY not in context.meta:
        configure_logging(logging.INFO)
    if context.invoked_subcommand is None:
        context.invoke(demo)


VERBOSITY = "paycalc.verbosity"
"""Where --quiet or --verbose is kept in the click context's meta."""


def _verbosity(context: click.Context, option: click.Parameter, value: bool) -> None:
    if value:
        context.meta[VERBOSITY] = option.name
        configure_logging(logging.WARNING if option.name == "quiet" else logging.DEBUG)


def _quiet() -> bool:
    return click.get_current_context().meta.get(VERBOSITY) == "quiet"


_verbosity_options = [
    click.Option(["-q", "--quiet"], is_flag=True, expose_value=False, is_eager=True,
                 callback=_verbosity, help="Log only warnings and errors; no progress bar "
                                           "or summary table."),
    click.Option(["-v", "--verbose"], is_flag=True, expose_value=False, is_eager=True,
                 callback=_verbosity, help="Log also what each stage read, wrote and took."),
]
main.params += _verbosity_options


_dirs = [
    click.option("--agreements", "agreement_dirs", multiple=True,
                 type=click.Path(exists=True, file_okay=False, path_type=Path),
                 help="Another directory where base templates are looked up."),
    click.option("--rules", "rule_dirs", multiple=True,
                 type=click.Path(exists=True, file_okay=False, path_type=Path),
                 help="Another directory where rule sets are looked up."),
]


def _with_dirs(command: Callable[..., None]) -> Callable[..., None]:
    """Add the --agreements and --rules lookup options to a command."""
    for option in reversed(_dirs):
        command = option(command)
    return command


@main.command()
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path))
@_with_dirs
def validate(paths: tuple[Path, ...], agreement_dirs: tuple[Path, ...],
             rule_dirs: tuple[Path, ...]) -> None:
    """Check agreement and rule-set files (or every .yaml in directories).

    Prints every problem as FILE:LINE:COLUMN: KEY: what is wrong (allowed: ...), and exits
    with 1 when there is any.
    """
    checked = check_paths(paths, agreement_dirs, rule_dirs)
    _report(checked)
    sys.exit(EXIT_PROBLEMS if checked.problems else EXIT_OK)


def _print_problems(problems: Iterable[Problem]) -> None:
    for problem in problems:
        _err.print(str(problem), markup=False)


def _report(checked: Checked) -> None:
    _print_problems(checked.problems)
    summary = (f"{len(checked.agreements)} agreement(s) and {len(checked.rule_sets)} rule "
               f"set(s) checked, {len(checked.problems)} problem(s)")
    (_err if checked.problems else _out).print(summary, markup=False)


@main.command()
@click.option("--kind", type=click.Choice(["agreement", "rule_set"]), default="agreement",
              show_default=True, help="Schema of an agreement file or of a rule-set file.")
def schema(kind: str) -> None:
    """Print the JSON Schema of the agreement language."""
    from paycalc.spec.schema import schema_text

    click.echo(schema_text(kind), nl=False)  # type: ignore[arg-type]


@main.command()
@click.argument("agreement")
@_with_dirs
def show(agreement: str, agreement_dirs: tuple[Path, ...], rule_dirs: tuple[Path, ...]) -> None:
    """Print the compiled AGREEMENT (a file, or the id of a shipped template)."""
    from paycalc.spec.compile import compile_agreement
    from paycalc.spec.render import render_agreement
    from paycalc.spec.resolve import Catalog

    path = Path(agreement)
    if not path.is_file():
        path = AGREEMENTS_DIR / f"{agreement}.yaml"
        if not path.is_file():
            known = ", ".join(sorted(p.stem for p in AGREEMENTS_DIR.glob("*.yaml")))
            _err.print(f"no agreement file or shipped template '{agreement}' (shipped: "
                       f"{known})", markup=False)
            sys.exit(EXIT_USAGE)
    compiled = compile_agreement(path, Catalog.around([path], agreement_dirs, rule_dirs))
    _out.print(render_agreement(compiled), markup=False, end="")


@main.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("paycalc-demo"), show_default=True,
              help="Directory the outputs and the report site are written to.")
def demo(out: Path) -> None:
    """Run the shipped sample data (36 employees, January and February 2025) under the
    shipped agreements and write the outputs and the HTML report."""
    from paycalc.batch.run import period_of
    from paycalc.spec.bundled import SAMPLE_DIR, SAMPLE_FROM, SAMPLE_TO

    streamed = _run_and_write(SAMPLE_DIR, [AGREEMENTS_DIR], period_of(SAMPLE_FROM, SAMPLE_TO),
                              out, replace=True)
    _out.print(f"report: {streamed.written.files['report'].resolve()}", markup=False)


def _cores() -> int:
    """The cores this process may run on (its CPU affinity where the system tells it)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def _run_and_write(data: Path, agreement_dirs: Sequence[Path], period: Period, out: Path,
                   fmt: str = "parquet", *, strict: bool = False, store: Path | None = None,
                   revisit_from: dt.date | None = None, replace: bool = False,
                   workers: int | None = None, executor: BucketMap | None = None
                   ) -> Streamed:
    """Run with the stages shown, bucket by bucket into --out (`stream.stream_run`), and
    print the summary (the agreements, the data, the run store or the output folder may
    refuse the run with a `PaycalcError`)."""
    from paycalc.batch.progress import stages, summary_table
    from paycalc.batch.run_folder import writable
    from paycalc.batch.store import RunStore
    from paycalc.batch.stream import stream_run

    writable(out, replace=replace)

    with stages(["compile agreements", "read data", "evaluate", "write"],
                quiet=_quiet()) as shown:
        streamed = stream_run(data, agreement_dirs, period, out,
                              "csv" if fmt == "csv" else "parquet", strict=strict,
                              store=RunStore(store) if store else None,
                              revisit_from=revisit_from, replace=replace,
                              command=click.get_current_context().meta.get(COMMAND_LINE),
                              step=shown.step, progress=shown.bucket, workers=workers,
                              executor=executor)
    if not _quiet():
        _out.print(summary_table(streamed.run, streamed.written))
    return streamed


@main.command()
@click.argument("data", type=click.Path(path_type=Path))
@click.option("--agreements", "agreement_dirs", multiple=True, required=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Directory of the agreements to run (repeatable).")
@click.option("--from", "start", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="First day of the period (YYYY-MM-DD).")
@click.option("--to", "end", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="Last day of the period (YYYY-MM-DD).")
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory the outputs are written to.")
@click.option("--format", "fmt", type=click.Choice(["parquet", "csv"]), default="parquet",
              show_default=True, help="File format of the output tables.")
@click.option("--strict", is_flag=True, help="Stop at the first bad input row.")
@click.option("--replace", is_flag=True,
              help="Replace --out when it already holds files (by default it is refused).")
@click.option("--store", type=click.Path(dir_okay=False, path_type=Path),
              help="Run store: start from its lock; locked days the data holds are evaluated "
                   "again and give correction lines.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Evaluate the buckets of employees in this many worker processes, each "
                   "writing its buckets' parts (default: one per core; 1: two threads of "
                   "this process).")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local",
              show_default=True,
              help="Where the buckets of employees are evaluated: on this machine, or on a "
                   "Dask cluster (needs paycalc[dask]; docs/batch-runs.md).")
@click.option("--scheduler", metavar="ADDRESS",
              help="With --executor dask: the Dask scheduler's address, such as "
                   "tcp://10.0.0.5:8786 (default: a local cluster of two worker processes).")
@click.option("--revisit-from", type=click.DateTime(["%Y-%m-%d"]),
              help="With --store: evaluate locked days again only from this day (default: "
                   "the first locked day the data holds).")
def run(data: Path, agreement_dirs: tuple[Path, ...], start: dt.datetime, end: dt.datetime,
        out: Path, fmt: str, strict: bool, replace: bool, store: Path | None,
        workers: int | None, executor: str, scheduler: str | None,
        revisit_from: dt.datetime | None) -> None:
    """Evaluate the data directory DATA for a period and write pay lines, tracker
    transactions, balances, time logs, timesheets, invoice lines, warnings, rejects, row
    counts, the report and a manifest to --out.

    The folder is written whole or not at all: into a hidden folder beside --out, renamed
    into place when complete. A second run into the same --out while one writes it is
    refused.

    Exit codes: 0 done; 1 agreement problems; 2 wrong command line; 3 data that cannot be
    read (with --strict: a bad row); 4 done, with rejected rows (see rejects); 5 refused by
    the run store; 6 --out not written (it holds files without --replace, or another run
    is writing it).
    """
    from paycalc.batch.run import period_of

    try:
        period = period_of(start.date(), end.date())
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--to") from exc
    if executor != "dask" and scheduler:
        raise click.UsageError("--scheduler is the address of a Dask scheduler: give it with "
                               "--executor dask")
    if executor == "dask" and workers:
        raise click.UsageError("--workers is for --executor local; a Dask cluster has its own")
    if executor != "dask" and workers is None:
        workers = _cores()
    with contextlib.ExitStack() as stack:
        buckets = None
        if executor == "dask":
            from paycalc.batch.dask_executor import dask_buckets

            buckets = stack.enter_context(dask_buckets(scheduler))
        streamed = _run_and_write(data, agreement_dirs, period, out, fmt, strict=strict,
                                  store=store, replace=replace,
                                  revisit_from=revisit_from.date() if revisit_from else None,
                                  workers=workers, executor=buckets)
    _out.print(f"outputs in {out}", markup=False)
    sys.exit(EXIT_REJECTS if streamed.rejected else EXIT_OK)


@main.command()
@click.argument("run_dir", type=click.Path(path_type=Path), required=False)
@click.option("--store", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The run store (an SQLite file, created when missing).")
@click.option("--reexport", metavar="FROM:TO",
              help="Write again the export of the definitive transfer of this period "
                   "(YYYY-MM-DD:YYYY-MM-DD) from the store, byte for byte; no RUN_DIR.")
@click.option("--preliminary", "kind", flag_value="preliminary",
              help="Export without locking: for checking in payroll.")
@click.option("--definitive", "kind", flag_value="definitive",
              help="Export, keep the lines and lock the period and its balances.")
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory for the payroll export (CSV and PAXml).")
@click.option("--accept-rejects", is_flag=True,
              help="Lock the period even though the run rejected input rows or left lines "
                   "unpaid.")
def transfer(run_dir: Path | None, store: Path, reexport: str | None, kind: str | None,
             out: Path, accept_rejects: bool) -> None:
    """Transfer the run written to RUN_DIR to payroll: the export files, and with
    --definitive the lock of its period in the run store (one transaction, the export's
    files recorded with it and renamed into place once it is committed)."""
    from paycalc.batch.store import RunStore
    from paycalc.batch.transfer import reexport as write_again
    from paycalc.batch.transfer import transfer_run

    if reexport is not None:
        if run_dir is not None or kind is not None:
            raise click.UsageError("--reexport takes no RUN_DIR, --preliminary or --definitive")
        from paycalc.batch.run import period_of

        try:
            first, last = (dt.date.fromisoformat(day) for day in reexport.split(":"))
            period = period_of(first, last)
        except ValueError as exc:
            raise click.BadParameter(f"'{reexport}' is not FROM:TO as YYYY-MM-DD:YYYY-MM-DD "
                                     f"({exc})", param_hint="--reexport") from exc
        again = write_again(RunStore(store), period, out)
        _out.print(f"export of transfer {again.number} written again: "
                   + ", ".join(str(f) for f in again.files), markup=False)
        return
    if run_dir is None:
        raise click.UsageError("name the RUN_DIR to transfer (or --reexport a period)")
    if kind is None:
        raise click.UsageError("say --preliminary or --definitive")
    done = transfer_run(run_dir, RunStore(store), "definitive"
                        if kind == "definitive" else "preliminary", out,
                        accept_rejects=accept_rejects)
    record = (f"already recorded as transfer {done.number}, nothing locked again" if done.again
              else f"transfer {done.number} ({kind}) recorded in {store}")
    _out.print(f"{record}; export: " + ", ".join(str(f) for f in done.files), markup=False)


@main.command()
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.option("--customer", required=True, help="The customer to invoice.")
@click.option("--case", default=None, help="Only this case of the customer.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write: a printable page if it ends in .html, else CSV.")
def invoice(run_dir: Path, customer: str, case: str | None, out: Path) -> None:
    """Write the invoice of one customer (or one case) from the run written to RUN_DIR:
    its approved billable time per case, service and rate with the total per currency,
    and its time not billed."""
    from paycalc.batch.invoice import invoice_of, write_invoice
    from paycalc.batch.run_folder import RunFolder

    found = invoice_of(RunFolder(run_dir), customer, case)
    write_invoice(found, out)
    totals = ", ".join(f"{currency} {total:,}" for currency, total in found.totals.items())
    _out.print(f"{out}: {len(found.lines)} billable lines, {totals or 'nothing billable'}",
               markup=False)


@main.command()
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The CSV file to write.")
@click.option("--detailed", is_flag=True,
              help="One row per employee and day (without it: one row per employee).")
@click.option("--unit", type=click.Choice(["hours", "days"]), default="hours",
              show_default=True, help="Time in hours, or in days of the nominal day.")
@click.option("--employee", "employees", multiple=True, help="Only this employee (repeatable).")
@click.option("--team", "teams", multiple=True, help="Only this team (repeatable).")
@click.option("--activity", "activities", multiple=True,
              help="Only time on this activity (repeatable); '-' for time without one.")
@click.option("--column", "columns", multiple=True,
              help="Only this column (repeatable; default: all): planned, system, reported, "
                   "salary_time, points, revenue, profit, commission, sales, bonus, salary, "
                   "approval.")
@click.option("--skip-empty", is_flag=True,
              help="Leave out rows whose columns are all empty or zero.")
@click.option("--balances", is_flag=True,
              help="The tracker balance report instead: per employee, tracker and tracking "
                   "year, opening, accrued, taken, corrected, adjusted, reset, cut, expired, "
                   "balance (filters: --employee, --tracker).")
@click.option("--tracker", "trackers", multiple=True,
              help="With --balances: only this tracker (repeatable).")
@click.option("--xlsx", is_flag=True,
              help="Write --out as an Excel workbook of the run instead: pay lines, tracker "
                   "balances, the detailed time sheet and rejects, a sheet each.")
def report(run_dir: Path, out: Path, detailed: bool, unit: str, employees: tuple[str, ...],
           teams: tuple[str, ...], activities: tuple[str, ...], columns: tuple[str, ...],
           skip_empty: bool, balances: bool, trackers: tuple[str, ...], xlsx: bool) -> None:
    """Write a CSV report of the run written to RUN_DIR: planned, system, reported and
    salary time, points, revenue, profit, commission, sales, bonus, salary and approval,
    per employee or (--detailed) per employee and day; with --balances, how the run's
    period moved each tracker balance."""
    if xlsx:
        from paycalc.batch.workbook import write_workbook

        sheets = write_workbook(run_dir, out)
        _out.print(f"{out}: sheets {', '.join(sheets)}", markup=False)
        return
    if balances:
        _balance_report(run_dir, out, employees, trackers)
        return
    if trackers:
        raise click.UsageError("--tracker filters the --balances report")
    from paycalc.batch.run_folder import RunFolder
    from paycalc.batch.time_reports import COLUMNS, ReportOptions, time_report
    from paycalc.tables.outputs import SHEET

    try:
        options = ReportOptions(detailed=detailed, unit="days" if unit == "days" else "hours",
                                employees=employees, teams=teams, activities=activities,
                                columns=columns or COLUMNS, skip_empty=skip_empty)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--column") from exc
    sheet = RunFolder(run_dir).table("time_sheet", SHEET)
    try:
        frame = time_report(sheet, options)
    except ValueError as exc:
        raise DataError(f"cannot report {run_dir}: {exc}") from exc
    frame.write_csv(out)
    _out.print(f"{len(frame)} rows in {out}", markup=False)


def _balance_report(run_dir: Path, out: Path, employees: tuple[str, ...],
                    trackers: tuple[str, ...]) -> None:
    from paycalc.batch.run_folder import RunFolder
    from paycalc.batch.tracker_report import of_run, tracker_report

    frame = tracker_report(*of_run(RunFolder(run_dir)), employees=employees,
                           trackers=trackers)
    frame.write_csv(out)
    _out.print(f"{len(frame)} rows in {out}", markup=False)


@main.command()
@click.argument("employee")
@click.argument("day", type=click.DateTime(["%Y-%m-%d"]))
@click.option("--tracker", help="Only this tracker's transactions.")
@click.option("--run", "run_dir", default=Path("paycalc-demo"), show_default=True,
              type=click.Path(path_type=Path),
              help="The output directory of the run to explain.")
@click.option("--data", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="The run's data directory, to show the input rows' values (default: "
                   "the one the run's manifest records).")
@click.option("--agreements", "agreement_dirs", multiple=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="The run's agreement directories (default: those the manifest records); "
                   "used only while their files are as the run read them.")
def explain(employee: str, day: dt.datetime, tracker: str | None, run_dir: Path,
            data: Path | None, agreement_dirs: tuple[Path, ...]) -> None:
    """Explain EMPLOYEE's DAY (YYYY-MM-DD): the day's time and each punch's rounding and
    breaks; each pay line with its pricing and dated rates; each tracker transaction with
    its arithmetic and the balance it moved; the rules, links and input rows behind them;
    and the day's warnings."""
    from paycalc.batch.explain import explain_day

    _out.print(explain_day(run_dir, employee, day.date(), tracker=tracker, data=data,
                           agreements=agreement_dirs), markup=False, end="")


@main.command(name="test")
@click.argument("cases", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def test_cases(cases: tuple[Path, ...]) -> None:
    """Run test cases written as data: each CASES folder holding scenario.yaml (or a folder
    of such folders) is evaluated and its expected_*.csv files compared with the outputs.

    Prints PASS or FAIL per case with a diff of each output that differs; exits with 7 when
    any case failed.
    """
    from paycalc.batch.cases import find_cases, run_case

    found = find_cases(list(cases))
    failed = 0
    for folder in found:
        result = run_case(folder)
        _out.print(f"{'PASS' if result.passed else 'FAIL'} {folder}", markup=False)
        for failure in result.failures:
            _out.print("  " + failure.replace("\n", "\n  "), markup=False)
        failed += not result.passed
    _out.print(f"{len(found) - failed} passed, {failed} failed", markup=False)
    sys.exit(EXIT_TESTS if failed else EXIT_OK)


for _command in main.commands.values():   # --quiet and --verbose after any command too
    _command.params += _verbosity_options
