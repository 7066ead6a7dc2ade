"""What the report site costs: its size and the time to make and write it.

    python -m benchmarks.report_site --employees 1000 --days 365

Writes a generated data directory (Parquet, seeded), runs it under the shipped retail
agreement, then times in one process: making the site's pages (`render_site`) and writing
the whole run folder (`write_run`: tables, site, manifest). Prints the number of files and
bytes of the site, the index's size, and the median and largest employee page.
"""

from __future__ import annotations

import argparse
import statistics
import time

from benchmarks.retail_data import retail_data
from paycalc.batch.report import render_site
from paycalc.batch.run import run_directory
from paycalc.batch.write import write_run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=1000)
    parser.add_argument("--days", type=int, default=365)
    args = parser.parse_args()
    data, agreements, period, _ = retail_data(args.employees, args.days)
    began = time.perf_counter()
    batch = run_directory(data, [agreements], period)
    ran = time.perf_counter() - began
    began = time.perf_counter()
    site = dict(render_site(batch.outcome()))
    made = time.perf_counter() - began
    began = time.perf_counter()
    write_run(batch, data.parent / "out")
    written = time.perf_counter() - began
    pages = [len(content) for path, content in site.items()
             if path.startswith("employees/") and "/list-" not in path]
    print(f"{args.employees:,} employees x {args.days} days; run {ran:.2f} s")
    print(f"site: {len(site):,} files, {sum(map(len, site.values())) / 1e6:,.1f} MB; "
          f"index {len(site['index.html']) / 1e3:,.1f} kB; employee page median "
          f"{statistics.median(pages) / 1e3:,.1f} kB, largest {max(pages) / 1e3:,.1f} kB")
    print(f"making the pages {made:.2f} s; writing the run folder (tables, site, manifest) "
          f"{written:.2f} s")


if __name__ == "__main__":
    main()
