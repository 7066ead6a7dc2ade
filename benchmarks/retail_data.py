"""A generated data directory and the shipped retail agreement in a fresh folder, the
input of the benchmarks that run `paycalc run`'s path (`batch_run`, `report_site`)."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from paycalc.batch.run import period_of
from paycalc.spec.bundled import AGREEMENTS_DIR
from paycalc.tables.datadir import write_tables
from paycalc.tables.inputs import Inputs, Period
from paycalc.tables.sample_data import START, generate


def retail_data(employees: int, days: int) -> tuple[Path, Path, Period, Inputs]:
    """The data directory (Parquet, seeded) of `employees` over `days` from the generator's
    start, a directory holding only retail.yaml, the period, and the generated tables."""
    work = Path(tempfile.mkdtemp())
    inputs = generate(employees, days)
    write_tables(inputs, work / "data", "parquet")
    agreements = work / "agreements"
    agreements.mkdir()
    (agreements / "retail.yaml").write_bytes((AGREEMENTS_DIR / "retail.yaml").read_bytes())
    return (work / "data", agreements,
            period_of(START, START + dt.timedelta(days=days - 1)), inputs)
