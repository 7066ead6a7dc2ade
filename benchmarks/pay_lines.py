"""Benchmark of the pay-line and tracker engine against the reference evaluator and a plain
Polars floor.

    python -m benchmarks.pay_lines --employees 10000 --days 365 --sample 100

Each measurement runs in a fresh process so its peak memory is its own:
- engine: read the generated tables from Parquet and evaluate pay lines (end to end), under
  the retail agreement without its trackers;
- trackers: the same with the retail agreement's 4 trackers and 8 links, so the tracker
  stage takes trackers - engine;
- floor: read the same Parquet and only split the punches into local day pieces with Polars
  (what any engine must at least do);
- inputs: read every table and split both the punches and the schedules into local day
  pieces (what any engine that pays ordinary time against the schedule must at least do);
- fast_floor and fast_inputs: the same two floors written as tightly as Polars allows
  (`benchmarks.fast_floor`); the ratios are reported against these, and `check` confirms
  they give the same seconds per employee and day as the floors above;
- reference: the row-by-row reference evaluator on the first `--sample` employees; and
  reference_trackers, the same with the tracker reference after it.
Figures are printed as one table, with throughput in punches per second and the ratios.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

from benchmarks import fast_floor
from paycalc.engine import evaluate
from paycalc.engine.calendar import day_calendar, split_days
from paycalc.engine.zones import local_date
from paycalc.reference.pay_lines import evaluate_reference
from paycalc.reference.trackers import evaluate_trackers_reference
from paycalc.rules.compiled import Agreement
from paycalc.spec.bundled import AGREEMENTS_DIR
from paycalc.spec.compile import compile_agreement
from paycalc.tables.datadir import read_tables
from paycalc.tables.inputs import Inputs, Period
from paycalc.tables.sample_data import START, generate


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _write(inputs: Inputs, folder: Path) -> None:
    for name, frame in vars(inputs).items():
        if frame is not None:
            frame.write_parquet(folder / f"{name}.parquet")


def _period(days: int) -> Period:
    return Period(START, START + dt.timedelta(days=days - 1))


def measure(stage: str, folder: Path, days: int, sample: int) -> dict[str, float | bool]:
    """Run one stage in this process: seconds, input punches, output rows, peak MB."""
    retail = compile_agreement(AGREEMENTS_DIR / "retail.yaml")
    agreement = dataclasses.replace(retail, trackers=(), links=(), salary_types=tuple(
        dataclasses.replace(st, trackers=()) for st in retail.salary_types))
    period = _period(days)
    if stage in ("reference", "reference_trackers"):
        inputs = read_tables(folder)
        keep = [f"e{i}" for i in range(sample)]
        inputs = Inputs(**{name: frame.filter(pl.col("employee_id").is_in(keep))
                           for name, frame in inputs.__dict__.items() if frame is not None})
        began = time.perf_counter()
        if stage == "reference":
            rows = len(evaluate_reference([agreement], inputs, period).lines)
        else:
            facts = evaluate_reference([retail], inputs, period)
            rows = len(evaluate_trackers_reference([retail], inputs, period, facts)[
                "transactions"])
        seconds = time.perf_counter() - began
        punches = inputs.punches.height if inputs.punches is not None else 0
    elif stage in ("engine", "trackers", "engine_processes", "trackers_processes"):
        began = time.perf_counter()
        inputs = read_tables(folder)
        result = evaluate([agreement if stage.startswith("engine") else retail], inputs,
                          period, workers=2 if stage.endswith("_processes") else None)
        rows = result.pay_lines.height + result.tracker_transactions.height
        seconds = time.perf_counter() - began
        punches = inputs.punches.height if inputs.punches is not None else 0
    elif stage in ("fast_floor", "fast_inputs"):
        began = time.perf_counter()
        names = ["punches"] if stage == "fast_floor" else ["punches", "schedules"]
        done = pl.collect_all([fast_floor.day_seconds(folder / f"{name}.parquet",
                                                      agreement.time_zone, period.start,
                                                      period.end) for name in names])
        rows = sum(frame.height for frame in done)
        seconds = time.perf_counter() - began
        punches = pl.scan_parquet(folder / "punches.parquet").select(pl.len()).collect().item()
    elif stage == "check":
        calendar = day_calendar(agreement, period.start - dt.timedelta(days=2),
                                period.end + dt.timedelta(days=2))
        same = all(fast_floor.same_as(
            fast_floor.day_seconds(folder / f"{name}.parquet", agreement.time_zone,
                                   period.start, period.end, named=True).collect(),
            _day_seconds(pl.read_parquet(folder / f"{name}.parquet"), agreement, calendar))
            for name in ("punches", "schedules"))
        return {"same": same}
    else:
        began = time.perf_counter()
        calendar = day_calendar(agreement, period.start - dt.timedelta(days=2),
                                period.end + dt.timedelta(days=2))
        names = ["punches"] if stage == "floor" else [p.stem for p in folder.glob("*.parquet")]
        read = {name: pl.read_parquet(folder / f"{name}.parquet") for name in names}
        rows = sum(_day_seconds(read[name], agreement, calendar).height
                   for name in ("punches", "schedules") if name in read)
        seconds = time.perf_counter() - began
        punches = read["punches"].height
    return {"seconds": seconds, "punches": punches, "rows": rows, "peak_mb": _peak_mb(),
            "worker_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


def _day_seconds(rows: pl.DataFrame, agreement: Agreement, calendar: pl.DataFrame
                 ) -> pl.DataFrame:
    """Seconds per employee and local day of the [start, end) rows (punches, with their
    ids, or schedules), split at the agreement's day bounds: the floors' only work on a
    table."""
    zone = agreement.time_zone
    frame = rows.select(
        *[name for name in ("employee_id", "punch_id") if name in rows.columns],
        pl.col("start").dt.replace_time_zone(zone).dt.epoch("s").alias("start"),
        pl.col("end").dt.replace_time_zone(zone).dt.epoch("s").alias("end"),
    ).with_columns(local_date(pl.col("start"), zone).alias("start_day"))
    return split_days(frame, agreement, calendar).group_by("employee_id", "day").agg(
        (pl.col("end") - pl.col("start")).sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--sample", type=int, default=100,
                        help="employees evaluated by the reference evaluator")
    parser.add_argument("--stage", choices=["engine", "trackers", "engine_processes",
                                            "trackers_processes", "floor", "inputs",
                                            "fast_floor", "fast_inputs", "check",
                                            "reference", "reference_trackers"])
    parser.add_argument("--folder", type=Path)
    args = parser.parse_args()
    if args.stage:
        print(json.dumps(measure(args.stage, args.folder, args.days, args.sample)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _write(generate(args.employees, args.days), folder)
        results = {}
        for stage in ("check", "fast_floor", "fast_inputs", "floor", "inputs", "engine",
                      "trackers", "engine_processes", "trackers_processes", "reference",
                      "reference_trackers"):
            done = subprocess.run(
                [sys.executable, "-m", "benchmarks.pay_lines", "--stage", stage, "--folder",
                 str(folder), "--days", str(args.days), "--sample", str(args.sample)],
                check=True, capture_output=True, text=True)
            results[stage] = json.loads(done.stdout)
    print(f"{args.employees} employees x {args.days} days, polars {pl.__version__}")
    print(f"{'stage':<18} {'punches':>10} {'rows out':>10} {'seconds':>9} "
          f"{'punches/s':>12} {'peak MB':>9} {'a worker MB':>11}")
    same = results.pop("check")["same"]
    rate = {}
    for stage, r in results.items():
        rate[stage] = r["punches"] / r["seconds"]
        print(f"{stage:<18} {r['punches']:>10} {r['rows']:>10} {r['seconds']:>9.2f} "
              f"{rate[stage]:>12,.0f} {r['peak_mb']:>9.0f} {r['worker_peak_mb']:>11.0f}")
    print(f"engine vs reference (punches/s): {rate['engine'] / rate['reference']:.1f}x faster")
    fast = results["fast_floor"]["seconds"]
    fast_inputs = results["fast_inputs"]["seconds"]
    print(f"fast floors give the floors' seconds per employee and day: {same}")
    print(f"engine vs fast floor (seconds):        {results['engine']['seconds'] / fast:.2f}x; "
          f"vs fast inputs floor: {results['engine']['seconds'] / fast_inputs:.2f}x")
    print(f"floor vs fast floor: {results['floor']['seconds'] / fast:.2f}x; inputs floor vs "
          f"fast inputs floor: {results['inputs']['seconds'] / fast_inputs:.2f}x")
    slower = results["engine"]["seconds"] / results["floor"]["seconds"]
    print(f"engine vs floor (seconds):       {slower:.2f}x")
    inputs = results["inputs"]["seconds"]
    print(f"inputs floor vs floor (seconds): {inputs / results['floor']['seconds']:.2f}x; "
          f"engine vs inputs floor: {results['engine']['seconds'] / inputs:.2f}x")
    stage = results["trackers"]["seconds"] - results["engine"]["seconds"]
    reference_stage = (results["reference_trackers"]["seconds"]
                       - results["reference"]["seconds"])
    print(f"tracker stage: {stage:.2f} s, {stage / results['engine']['seconds']:.2f}x the "
          f"pay-line stage; reference tracker stage per employee "
          f"{reference_stage / args.sample:.3f} s, engine "
          f"{stage / args.employees:.5f} s")


if __name__ == "__main__":
    main()
