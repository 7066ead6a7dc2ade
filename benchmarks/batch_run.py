"""What reading a data directory row by row costs in a batch run.

    python -m benchmarks.batch_run --employees 2000 --days 365

Writes a generated data directory (Parquet) and times, in one process: the plain read
(`read_tables`, conversion only), the read with every row rule (`read_directory`), and the
whole run (`run_directory`: read, evaluate pay lines and trackers, account for every row),
with the peak memory of the process.
"""

from __future__ import annotations

import argparse
import resource
import time
from collections.abc import Callable

from benchmarks.retail_data import retail_data
from paycalc.batch.run import run_directory
from paycalc.tables.datadir import read_directory, read_tables


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=2000)
    parser.add_argument("--days", type=int, default=365)
    args = parser.parse_args()
    data, agreements, period, inputs = retail_data(args.employees, args.days)

    def timed(step: str, work: Callable[[], object]) -> float:
        began = time.perf_counter()
        work()
        seconds = time.perf_counter() - began
        print(f"{step:<28} {seconds:8.2f} s")
        return seconds

    assert inputs.punches is not None
    print(f"{len(inputs.punches):,} punches, {args.employees:,} employees x {args.days} days")
    plain = timed("plain read", lambda: read_tables(data))
    checked = timed("read with row rules", lambda: read_directory(data, ["retail"]))
    whole = timed("whole run", lambda: run_directory(data, [agreements], period))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    print(f"row rules cost {checked - plain:.2f} s = {(checked - plain) / whole:.0%} of the "
          f"run; peak memory {peak:.2f} GB")


if __name__ == "__main__":
    main()
