"""What an agreement at each declared bound (`paycalc.spec.limits`) costs the engine.

    python -m benchmarks.at_the_bounds --employees 500 --days 90

Generates a data directory whose employees are all under the shipped `hourly` agreement,
then runs it (compile, read, evaluate, in a fresh process each, so each peak memory is its
own) under: the agreement as shipped; its vesting link with `MAX_LEVELS` levels; its daily
overtime with `MAX_STEPS` steps; and `MAX_SUPPLEMENTS` supplement windows. Prints seconds,
peak memory, and each as a ratio to the shipped agreement's run.
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

from paycalc.spec.bundled import AGREEMENTS_DIR
from paycalc.spec.limits import MAX_LEVELS, MAX_STEPS, MAX_SUPPLEMENTS
from paycalc.tables.datadir import write_tables
from paycalc.tables.sample_data import START, generate

HOURLY = (AGREEMENTS_DIR / "hourly.yaml").read_text(encoding="utf-8")


def variants() -> dict[str, str]:
    """The shipped `hourly` agreement and one variant at each bound, by name."""
    levels = "\n".join(f"        - {{threshold: {t}, factor: 1}}" for t in range(1, MAX_LEVELS))
    steps = "\n".join('        - {salary_type: OT15, length: "0:05"}'
                      for _ in range(MAX_STEPS - 1))
    windows = "".join(f"    w{i}:\n      salary_type: NIGHT_DIFF\n      days: [mon, sat]\n"
                      f"      from: \"{i % 24:02d}:00\"\n      to: \"{(i + 3) % 24:02d}:00\"\n"
                      for i in range(MAX_SUPPLEMENTS - 2))
    return {
        "as shipped": HOURLY,
        f"{MAX_LEVELS} levels": HOURLY.replace(
            "        - {threshold: 0, factor: null}\n        - {threshold: 2, factor: 1}\n"
            "        - {threshold: 5, factor: 2}",
            "        - {threshold: 0, factor: null}\n" + levels),
        f"{MAX_STEPS} overtime steps": HOURLY.replace(
            '        - {salary_type: OT15, length: "4:00"}\n        - {salary_type: OT20}',
            steps + "\n        - {salary_type: OT20}", 1),
        f"{MAX_SUPPLEMENTS} supplement windows": HOURLY.replace(
            "  supplements:\n", "  supplements:\n" + windows, 1),
    }


def one(data: Path, agreements: Path, days: int) -> None:
    """Run once and print seconds and peak memory as JSON (in the child process)."""
    from paycalc.batch.run import period_of, run_directory

    began = time.perf_counter()
    batch = run_directory(data, [agreements], period_of(START, START + dt.timedelta(
        days=days - 1)))
    seconds = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    print(json.dumps({"seconds": seconds, "peak_gb": peak,
                      "lines": batch.tables()["pay_lines"].height}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=500)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(Path(args.one[0]), Path(args.one[1]), args.days)
        return
    work = Path(tempfile.mkdtemp())
    inputs = generate(args.employees, args.days)
    assert inputs.assignments is not None and inputs.punches is not None
    inputs = dataclasses.replace(inputs, assignments=inputs.assignments.with_columns(
        pl.lit("hourly").alias("agreement")))
    write_tables(inputs, work / "data", "parquet")
    print(f"{len(inputs.punches):,} punches, {args.employees:,} employees x {args.days} days")
    base: dict[str, float] = {}
    for name, text in variants().items():
        folder = work / name.replace(" ", "_")
        folder.mkdir()
        (folder / "hourly.yaml").write_text(text, encoding="utf-8")
        done = subprocess.run([sys.executable, "-m", "benchmarks.at_the_bounds", "--days",
                               str(args.days), "--one", str(work / "data"), str(folder)],
                              capture_output=True, text=True, check=True)
        measured = json.loads(done.stdout.splitlines()[-1])
        base = base or measured
        print(f"{name:<26} {measured['seconds']:7.2f} s "
              f"({measured['seconds'] / base['seconds']:4.2f}x)  "
              f"{measured['peak_gb']:5.2f} GB ({measured['peak_gb'] / base['peak_gb']:4.2f}x)  "
              f"{measured['lines']:,} lines")


if __name__ == "__main__":
    main()
