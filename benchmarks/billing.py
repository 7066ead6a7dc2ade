"""Billable time at scale: a month of timer events of N employees (each working day a timer
with a pause and a timer without, on two customers' services) into time logs, timesheets
and invoice lines, against a plain Polars floor that only sums the running time per
employee, and the reference evaluator on a sample.

    python -m benchmarks.billing --employees 10000

Each stage runs in a fresh process so its peak memory (max RSS) is its own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

from paycalc.engine import evaluate
from paycalc.reference.billing import bill_reference
from paycalc.spec.compile import compile_document
from paycalc.spec.language.document import AgreementDocument
from paycalc.tables.inputs import Inputs, Period

PERIOD = Period(dt.date(2025, 3, 1), dt.date(2025, 3, 31))
AGREEMENT = {"agreement": "consult", "time_zone": "Europe/Stockholm",
             "money": {"currency": "EUR"},
             "billing": {"services": {"DEV": {"rate": 95}, "SUPPORT": {"rate": 60}},
                         "customers": {"C1": {"rates": {"DEV": 110},
                                              "cases": {"K1": {"rates": {"DEV": 130}}}}},
                         "rounding": {"to": "0:15"}, "timesheets": {"period": "weekly"}}}


def generate(employees: int, folder: Path) -> None:
    """The data directory of the benchmark, as Parquet: employees, assignments and about
    6 x 21 timer events per employee."""
    ids = pl.int_range(employees, eager=True).cast(pl.String).str.zfill(6)
    pl.DataFrame({"employee_id": "e" + ids, "employment_start": dt.date(2020, 1, 1)}
                 ).write_parquet(folder / "employees.parquet")
    pl.DataFrame({"employee_id": "e" + ids, "agreement": "consult",
                  "valid_from": dt.date(2020, 1, 1)}).write_parquet(folder / "assignments.parquet")
    days = [d for d in pl.date_range(PERIOD.start, PERIOD.end, eager=True).to_list()
            if d.weekday() < 5]
    plan = [("T1", 8 * 60, "start"), ("T1", 10 * 60, "pause"), ("T1", 10 * 60 + 20, "resume"),
            ("T1", 12 * 60, "stop"), ("T2", 13 * 60, "start"), ("T2", 16 * 60 + 7, "stop")]
    frame = pl.DataFrame({"employee_id": "e" + ids}).join(
        pl.DataFrame({"day": days}), how="cross").join(
        pl.DataFrame(plan, schema=["timer", "minute", "event"], orient="row"), how="cross")
    n = pl.col("employee_id").str.slice(1).cast(pl.Int64)
    frame.select(
        "employee_id", "timer",
        (pl.col("day").cast(pl.Datetime("us")) + pl.duration(minutes=pl.col("minute") + n % 7))
        .alias("at"), "event",
        pl.when(n % 3 == 0).then(pl.lit("C1")).otherwise(pl.lit("C2")).alias("customer"),
        pl.when(n % 2 == 0).then(pl.lit("K1")).alias("case"),
        pl.when(pl.col("timer") == "T1").then(pl.lit("DEV")).otherwise(pl.lit("SUPPORT"))
        .alias("service"), (pl.col("timer") == "T1").alias("billable"),
    ).write_parquet(folder / "timer_events.parquet")


def measure(stage: str, folder: Path, sample: int) -> dict[str, float]:
    agreement = compile_document(AgreementDocument.model_validate(AGREEMENT))
    tables = {t: pl.read_parquet(folder / f"{t}.parquet")
              for t in ("employees", "assignments", "timer_events")}
    events = len(tables["timer_events"])
    start = time.perf_counter()
    if stage == "floor":
        at = pl.col("at").dt.epoch("s")
        rows = pl.scan_parquet(folder / "timer_events.parquet").select(
            "employee_id", "timer", "at", "event").sort("employee_id", "timer", "at").select(
            "employee_id", pl.when(pl.col("event").is_in(["start", "resume"])).then(
                at.shift(-1) - at).alias("running")).group_by("employee_id").agg(
            pl.col("running").sum()).collect().height
    elif stage == "engine":
        result = evaluate([agreement], Inputs(**tables), PERIOD)
        rows = len(result.time_logs) + len(result.timesheets) + len(result.invoice_lines)
    else:
        people = tables["employees"].head(sample)["employee_id"].implode()
        some = {t: f.filter(pl.col("employee_id").is_in(people)) for t, f in tables.items()}
        events = len(some["timer_events"])
        found = bill_reference([agreement], Inputs(**some), PERIOD)
        rows = len(found.time_logs) + len(found.timesheets) + len(found.invoice_lines)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "events": events, "rows": rows,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--sample", type=int, default=200,
                        help="employees evaluated by the reference evaluator")
    parser.add_argument("--stage", choices=["floor", "engine", "reference"])
    parser.add_argument("--folder", type=Path)
    args = parser.parse_args()
    if args.stage:
        print(json.dumps(measure(args.stage, args.folder, args.sample)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        generate(args.employees, folder)
        results = {stage: json.loads(subprocess.run(
            [sys.executable, "-m", "benchmarks.billing", "--stage", stage, "--folder",
             str(folder), "--sample", str(args.sample)],
            check=True, capture_output=True, text=True).stdout)
            for stage in ("floor", "engine", "reference")}
    print(f"{args.employees} employees x March 2025, polars {pl.__version__}")
    print(f"{'stage':<10} {'events':>11} {'rows out':>10} {'seconds':>9} {'events/s':>12} "
          f"{'peak MB':>9}")
    rate = {}
    for stage, r in results.items():
        rate[stage] = r["events"] / r["seconds"]
        print(f"{stage:<10} {r['events']:>11,} {r['rows']:>10,} {r['seconds']:>9.2f} "
              f"{rate[stage]:>12,.0f} {r['peak_mb']:>9.0f}")
    ratio = results["engine"]["seconds"] / results["floor"]["seconds"]
    print(f"engine vs floor (seconds): {ratio:.1f}x")
    print(f"engine vs reference (events/s): {rate['engine'] / rate['reference']:.1f}x faster")


if __name__ == "__main__":
    main()
