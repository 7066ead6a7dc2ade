"""A whole `paycalc run` as a payroll team starts it, at a size: seconds, peak memory of the
whole process tree, rows in and out, against the fast floor and the reference evaluators.

    python -m benchmarks.full_run --employees 10000 --days 365 [--workers N | --dask]

Writes a seeded data directory (Parquet, the shipped retail agreement with its trackers)
first, then runs the command line in a child process while sampling the resident memory of
it and its children every 50 ms. In the same run it measures the fast floor (punches and
schedules into seconds per employee and day, `benchmarks.fast_floor`) and the reference
evaluators (pay lines and trackers) on a sample of employees, scaled to all of them.
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl
import psutil

from benchmarks import fast_floor
from benchmarks.retail_data import retail_data
from paycalc.reference.pay_lines import evaluate_reference
from paycalc.reference.trackers import evaluate_trackers_reference
from paycalc.spec.compile import compile_agreement
from paycalc.tables.inputs import Inputs, Period

SAMPLE_EVERY = 0.05


def tree_peak(command: list[str]) -> tuple[float, int, int]:
    """Run `command`; its wall seconds, the peak resident bytes of it and its children
    added up, and its exit code."""
    began = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    process = psutil.Process(child.pid)
    peak = 0
    while child.poll() is None:
        try:
            tree = [process, *process.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(SAMPLE_EVERY)
    return time.perf_counter() - began, peak, child.returncode


def sample_of(inputs: Inputs, sample: int) -> Inputs:
    """The tables of the first `sample` employees."""
    keep = sorted(inputs.employees["employee_id"].to_list())[:sample]  # type: ignore[index]
    return Inputs(**{name: frame.filter(pl.col("employee_id").is_in(keep))
                     for name, frame in inputs.__dict__.items() if frame is not None})


def reference_seconds(some: Inputs, agreements: Path, period: Period) -> float:
    """Seconds the reference evaluators take for the employees of `some`."""
    agreement = compile_agreement(agreements / "retail.yaml")
    began = time.perf_counter()
    facts = evaluate_reference([agreement], some, period)
    evaluate_trackers_reference([agreement], some, period, facts)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--sample", type=int, default=50,
                        help="employees evaluated by the reference evaluators")
    parser.add_argument("--workers", type=int,
                        help="paycalc run --workers N (1: two threads of one process)")
    parser.add_argument("--dask", action="store_true",
                        help="paycalc run --executor dask (a local cluster)")
    args = parser.parse_args()
    data, agreements, period, inputs = retail_data(args.employees, args.days)
    some = sample_of(inputs, args.sample)
    del inputs   # the run's memory is the child's: this process holds only the sample
    gc.collect()
    out = Path(tempfile.mkdtemp()) / "out"
    command = [sys.executable, "-m", "paycalc", "-q", "run", str(data), "--agreements",
               str(agreements), "--from", str(period.start), "--to", str(period.end),
               "--out", str(out)]
    if args.workers:
        command += ["--workers", str(args.workers)]
    if args.dask:
        command += ["--executor", "dask"]
    seconds, peak, code = tree_peak(command)
    if code not in (0, 4):
        raise SystemExit(f"paycalc run exited with {code}")
    manifest = json.loads((out / "manifest.json").read_text())
    rows_in = sum(entry["rows_read"] for entry in manifest["inputs"])
    rows_out = sum(entry["rows"] or 0 for entry in manifest["outputs"])
    began = time.perf_counter()
    pl.collect_all([fast_floor.day_seconds(data / f"{name}.parquet", "Europe/Stockholm",
                                           period.start, period.end)
                    for name in ("punches", "schedules")])
    floor = time.perf_counter() - began
    reference = reference_seconds(some, agreements, period)
    reference_all = reference * args.employees / args.sample
    months = args.employees * args.days / (365 / 12)
    how = (f"--workers {args.workers}" if args.workers else
           "--executor dask" if args.dask else "default: a worker process per core")
    print(f"{args.employees:,} employees x {args.days} days, polars {pl.__version__}, {how}")
    print(f"full run: {seconds:.2f} s, peak of the process tree {peak / 2**30:.2f} GB, "
          f"{rows_in:,} rows in, {rows_out:,} rows out, "
          f"{1000 * seconds / months:.3f} ms per employee-month")
    print(f"fast floor (punches and schedules into seconds per employee and day): "
          f"{floor:.2f} s; full run / fast floor: {seconds / floor:.1f}x")
    print(f"reference evaluators: {reference:.2f} s for {args.sample} employees, "
          f"{reference_all:.1f} s scaled to all; reference / full run: "
          f"{reference_all / seconds:.1f}x")


if __name__ == "__main__":
    main()
