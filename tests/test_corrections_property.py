"""Any change to data of a locked month is paid as corrections whose sum, per employee, day
and salary type, is the fresh evaluation of the changed data less what was transferred,
and a month without changed locked data holds no correction. Each example runs paycalc five
times, so it tries a 25th of the profile's examples (4 in CI, 40 with
`HYPOTHESIS_PROFILE=thorough`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from decimal import Decimal
from pathlib import Path
from tempfile import TemporaryDirectory

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from paycalc.batch.run import period_of, run_directory
from paycalc.batch.store import RunStore
from paycalc.batch.transfer import transfer_run
from paycalc.batch.write import write_run
from paycalc.spec.bundled import AGREEMENTS_DIR
from paycalc.tables.datadir import write_tables
from paycalc.tables.inputs import Inputs
from paycalc.tables.sample_data import generate

JANUARY = period_of(dt.date(2025, 1, 1), dt.date(2025, 1, 31))
FEBRUARY = period_of(dt.date(2025, 2, 1), dt.date(2025, 2, 28))
BASE = generate(employees=4, days=45, seed=11)


def totals(lines: pl.DataFrame) -> Counter[tuple[str, dt.date, str]]:
    """Amount per employee, day and salary type of payable lines (zeros left out)."""
    found: Counter[tuple[str, dt.date, str]] = Counter()
    for row in lines.filter("payable").iter_rows(named=True):
        found[(row["employee_id"], row["date"], row["salary_type"])] += (
            row["amount"] or Decimal(0))
    return Counter({key: value for key, value in found.items() if value})


@st.composite
def changes(draw: st.DrawFn) -> Inputs:
    """The base data with some January punches moved, lengthened, shortened or removed."""
    punches = BASE.punches
    assert punches is not None
    january = punches.filter(pl.col("start").dt.month() == 1)["punch_id"].to_list()
    chosen = draw(st.lists(st.sampled_from(january), min_size=1, max_size=3, unique=True))
    minutes = draw(st.lists(st.integers(-240, 240), min_size=len(chosen),
                            max_size=len(chosen)))
    removed = draw(st.sets(st.sampled_from(chosen), max_size=1))
    shift = pl.col("punch_id").replace_strict(dict(zip(chosen, minutes, strict=True)),
                                              default=0, return_dtype=pl.Int64)
    changed = punches.filter(~pl.col("punch_id").is_in(list(removed))).with_columns(
        pl.max_horizontal(pl.col("end") + pl.duration(minutes=shift),
                          pl.col("start") + pl.duration(minutes=1)).alias("end"))
    return dataclasses.replace(BASE, punches=changed)


@settings(max_examples=max(4, settings.default.max_examples // 25))
@given(changed=changes())
def test_corrections_are_the_fresh_run_less_what_was_transferred(changed: Inputs) -> None:
    with TemporaryDirectory() as folder:
        tmp = Path(folder)
        write_tables(BASE, tmp / "before")
        write_tables(changed, tmp / "after")
        store = RunStore(tmp / "runs.sqlite")
        january = run_directory(tmp / "before", [AGREEMENTS_DIR], JANUARY, store=store)
        write_run(january, tmp / "jan")
        transfer_run(tmp / "jan", store, "definitive", tmp / "export", accept_rejects=True)
        unchanged = run_directory(tmp / "before", [AGREEMENTS_DIR], FEBRUARY, store=store)
        assert not unchanged.pay_lines["correction"].any()
        february = run_directory(tmp / "after", [AGREEMENTS_DIR], FEBRUARY, store=store)
        fresh = run_directory(tmp / "after", [AGREEMENTS_DIR], JANUARY)
        expected = totals(fresh.pay_lines)
        expected.subtract(totals(january.pay_lines))
        corrections = totals(february.pay_lines.filter("correction"))
        assert corrections == Counter({k: v for k, v in expected.items() if v})
        # February's own lines are a fresh February's: its first week starts in January,
        # so a changed January punch may move February's weekly overtime too
        assert totals(february.pay_lines.filter(~pl.col("correction"))) == totals(
            run_directory(tmp / "after", [AGREEMENTS_DIR], FEBRUARY).pay_lines)
