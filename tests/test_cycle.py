"""The payroll cycle as a team runs it, through the command line: run a month from the run
store, transfer it definitively, run the next month, and now and then change data of a
month already paid. The data directory is one export holding every month so far, as
exports often do: the shipped sample (tools/make_sample_data.py) over January to March,
under the shipped agreements: retail, part-time, hourly and monthly-paid office staff,
whose vacation tracker the office agreement defines its own way.

Figures are checked against fresh runs of the same data without a store: a month after a
definitive transfer holds no correction when no locked data changed, and after a change
to a paid month the corrections are exactly the fresh run's lines less what was paid.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import runpy
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from paycalc.errors import EXIT_OK, EXIT_STORE
from paycalc.spec.bundled import AGREEMENTS_DIR
from paycalc.tables.datadir import write_tables

MONTHS = [(dt.date(2025, 1, 1), dt.date(2025, 1, 31)), (dt.date(2025, 2, 1), dt.date(2025, 2, 28)),
          (dt.date(2025, 3, 1), dt.date(2025, 3, 31))]
CHANGED_DAY = dt.date(2025, 1, 14)
KEY = ["employee_id", "date", "salary_type"]
TOOL = Path(__file__).resolve().parent.parent / "tools" / "make_sample_data.py"
MONTHLY_PAID = "e6"


def paycalc(*args: str | Path, cwd: Path) -> tuple[int, str]:
    done = subprocess.run([sys.executable, "-m", "paycalc", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=600)
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, done.stdout + done.stderr


def run_month(cwd: Path, data: Path, month: int, out: str, store: bool = True) -> pl.DataFrame:
    start, end = MONTHS[month]
    code, text = paycalc("run", data, "--agreements", AGREEMENTS_DIR, "--from", start, "--to",
                         end, "--out", out, "--format", "csv",
                         *(["--store", "runs.sqlite"] if store else []), cwd=cwd)
    assert code == EXIT_OK, text
    return pl.read_csv(cwd / out / "pay_lines.csv", infer_schema=False)


def transfer(cwd: Path, out: str) -> None:
    code, text = paycalc("transfer", out, "--store", "runs.sqlite", "--definitive", "--out",
                         f"export_{out}", cwd=cwd)
    assert code == EXIT_OK, text


def totals(lines: pl.DataFrame) -> dict[tuple[str, str, str], tuple[int, Decimal]]:
    """Seconds and amount per employee, date and salary type of payable lines."""
    found: dict[tuple[str, str, str], tuple[int, Decimal]] = {}
    for row in lines.filter(pl.col("payable") == "true").iter_rows(named=True):
        key = (row["employee_id"], row["date"], row["salary_type"])
        seconds, amount = found.get(key, (0, Decimal(0)))
        found[key] = (seconds + int(row["seconds"] or 0),
                      amount + Decimal(row["amount"] or "0"))
    return {k: v for k, v in found.items() if v != (0, Decimal(0))}


def difference(new: dict, old: dict) -> dict:
    keys = set(new) | set(old)
    result = {}
    for key in keys:
        a, b = new.get(key, (0, Decimal(0))), old.get(key, (0, Decimal(0)))
        if a != b:
            result[key] = (a[0] - b[0], a[1] - b[1])
    return result


@pytest.fixture(scope="module")
def cycle(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """January and February run and transferred definitively; then a punch of 14 January
    ends an hour later, an absence moves and a monthly-paid employee gets two days of
    unpaid leave in January, and March is run."""
    cwd = tmp_path_factory.mktemp("cycle")
    inputs = runpy.run_path(str(TOOL))["sample_inputs"](days=90)
    data = cwd / "data"
    write_tables(inputs, data)
    seen: dict[str, object] = {"cwd": cwd, "data": data}
    seen["jan"] = run_month(cwd, data, 0, "jan")
    transfer(cwd, "jan")
    seen["feb"] = run_month(cwd, data, 1, "feb")
    transfer(cwd, "feb")
    punches = inputs.punches
    assert punches is not None and inputs.absences is not None
    chosen = punches.filter(pl.col("start").dt.date() == CHANGED_DAY).row(0, named=True)
    seen["punch"] = chosen
    changed = data.parent / "changed"
    shutil.copytree(data, changed)
    later = punches.with_columns(pl.when(pl.col("punch_id") == chosen["punch_id"])
                                 .then(pl.col("end") + pl.duration(hours=1))
                                 .otherwise(pl.col("end")).alias("end"))
    leave = inputs.absences.with_columns(
        pl.when(pl.col("employee_id") == "e1").then(pl.lit(dt.date(2025, 1, 20)))
        .otherwise(pl.col("start_date")).alias("start_date"),
        pl.when(pl.col("employee_id") == "e1").then(pl.lit(dt.date(2025, 1, 22)))
        .otherwise(pl.col("end_date")).alias("end_date"))
    unpaid = pl.DataFrame({"employee_id": [MONTHLY_PAID], "start_date": [dt.date(2025, 1, 20)],
                           "end_date": [dt.date(2025, 1, 21)], "salary_type": ["LEAVE_UNPAID"]})
    leave = pl.concat([leave, unpaid.cast(leave.schema)])
    write_tables(dataclasses.replace(inputs, punches=later, absences=leave), changed)
    seen["changed"] = changed
    seen["mar"] = run_month(cwd, changed, 2, "mar")
    seen["fresh_jan"] = run_month(cwd, changed, 0, "fresh_jan", store=False)
    return seen


def test_the_next_month_after_a_definitive_transfer_holds_no_correction(cycle: dict) -> None:
    feb = cycle["feb"]
    assert feb.filter(pl.col("correction") == "true").height == 0
    assert feb["date"].min() >= "2025-02-01"
    fresh = run_month(cycle["cwd"], cycle["data"], 1, "fresh_feb", store=False)
    assert totals(feb) == totals(fresh)


def test_a_change_to_a_paid_month_is_paid_as_corrections_in_the_next_run(cycle: dict) -> None:
    mar = cycle["mar"]
    corrections = mar.filter(pl.col("correction") == "true")
    expected = difference(totals(cycle["fresh_jan"]), totals(cycle["jan"]))
    # the later punch end adds paid time on its day (or the next, for a night shift split
    # at midnight); the moved absence changes e1's days
    assert any(key[0] == cycle["punch"]["employee_id"]
               and key[1] in (str(CHANGED_DAY), str(CHANGED_DAY + dt.timedelta(days=1)))
               for key in expected), expected
    assert any(key[0] == "e1" for key in expected), expected
    assert difference(totals(corrections), {}) == expected
    assert corrections["date"].max() <= "2025-01-31"
    # every correction names the transfer whose lines it corrects: January's, the first
    assert set(corrections["corrects_transfer"]) == {"1"}
    # the month's own lines are those of a fresh run of March
    fresh = run_month(cycle["cwd"], cycle["changed"], 2, "fresh_mar", store=False)
    assert totals(mar.filter(pl.col("correction") == "false")) == totals(fresh)


def test_transferred_corrections_are_never_paid_twice(cycle: dict) -> None:
    cwd = cycle["cwd"]
    transfer(cwd, "mar")
    again = run_month(cwd, cycle["changed"], 2, "mar_again")
    assert again.filter(pl.col("correction") == "true").height == 0


def test_locking_is_idempotent_and_a_locked_period_is_not_transferred_again(
        cycle: dict) -> None:
    cwd = cycle["cwd"]
    before = (cwd / "runs.sqlite").read_bytes()
    code, text = paycalc("transfer", "mar", "--store", "runs.sqlite", "--definitive", "--out",
                         "export_mar_again", cwd=cwd)
    assert code == EXIT_OK and "already recorded as transfer 3" in text, text
    assert (cwd / "runs.sqlite").read_bytes() == before
    assert ((cwd / "export_mar_again" / "payroll_2025-03-01_2025-03-31.csv").read_bytes()
            == (cwd / "export_mar" / "payroll_2025-03-01_2025-03-31.csv").read_bytes())
    run_month(cwd, cycle["changed"], 1, "feb_again")
    code, text = paycalc("transfer", "feb_again", "--store", "runs.sqlite", "--definitive",
                         "--out", "export_feb_again", cwd=cwd)
    assert code == EXIT_STORE and "2025-02-01 to 2025-02-28 is already locked" in text, text


def test_a_change_to_a_paid_month_reaches_the_trackers_on_the_first_open_day(
        cycle: dict) -> None:
    cwd = cycle["cwd"]
    moves = pl.read_csv(cwd / "mar" / "tracker_transactions.csv", infer_schema=False)
    corrections = moves.filter(pl.col("kind") == "correction")
    # the longer punch adds punched hours to FLEX (a link) on its day; booked on 1 March,
    # the first unlocked day, naming the January day it belongs to
    assert corrections.height > 0
    assert set(corrections["date"]) == {"2025-03-01"}
    assert all(s.startswith("correction of 2025-01-") for s in corrections["source"])
    assert cycle["punch"]["employee_id"] in set(corrections["employee_id"])
    # locked balances are never rewritten: the ledger ends where a fresh run of all three
    # months over the changed data ends
    code, text = paycalc("run", cycle["changed"], "--agreements", AGREEMENTS_DIR, "--from",
                         MONTHS[0][0], "--to", MONTHS[2][1], "--out", "fresh_all", "--format",
                         "csv", cwd=cwd)
    assert code == EXIT_OK, text
    columns = ["employee_id", "tracker", "tracking_year", "balance"]
    ours = pl.read_csv(cwd / "mar" / "balances.csv", infer_schema=False).select(columns)
    fresh = pl.read_csv(cwd / "fresh_all" / "balances.csv", infer_schema=False).select(columns)
    assert ours.sort(columns).rows() == fresh.sort(columns).rows()


def test_a_monthly_paid_employee_is_paid_each_month_and_corrected_for_the_month(
        cycle: dict) -> None:
    # e6 (office, 34,000 a month) is paid the month's salary in each run, dated on the
    # month's last day; the unpaid leave added to January (Mon 20 - Tue 21, two working
    # days, at most five: 34000 / 21 each) is deducted in March's run as a correction dated
    # 31 January: -2 x 1619.047619... = -3238.10
    for month, last in (("jan", "2025-01-31"), ("feb", "2025-02-28"), ("mar", "2025-03-31")):
        paid = cycle[month].filter((pl.col("employee_id") == MONTHLY_PAID)
                                   & (pl.col("salary_type") == "MONTHLY"))
        assert paid.select("date", "amount", "correction").rows() == [
            (last, "34000.00", "false")], (month, paid)
    deducted = cycle["mar"].filter((pl.col("employee_id") == MONTHLY_PAID)
                                   & (pl.col("salary_type") == "DED_LEAVE"))
    assert deducted.select("date", "quantity", "amount", "correction").rows() == [
        ("2025-01-31", "-2.000000", "-3238.10", "true")], deducted
