"""The run store: definitive transfers lock a period and its balances in one transaction
(a killed process leaves the store as it was), the next run starts from the lock, and
changed data of locked days gives correction lines, never a silent rewrite."""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from paycalc.batch.run import Batch, period_of, run_directory
from paycalc.batch.store import RunStore
from paycalc.batch.transfer import transfer_run
from paycalc.batch.write import write_run
from paycalc.cli import EXIT_OK, EXIT_STORE, main
from paycalc.errors import StoreError
from paycalc.spec.bundled import AGREEMENTS_DIR
from paycalc.tables.datadir import write_tables
from paycalc.tables.inputs import Inputs

JUNE_2, JUNE_3, JUNE_4 = dt.date(2025, 6, 2), dt.date(2025, 6, 3), dt.date(2025, 6, 4)


def _data(folder: Path, monday_end: dt.time) -> Path:
    """e1 under retail: scheduled 08-12 on Monday 2 and Tuesday 3 June 2025, punched 08 to
    `monday_end` on Monday and 08-12 on Tuesday (rate 150.00)."""
    write_tables(Inputs(
        employees=pl.DataFrame({"employee_id": ["e1"], "hourly_rate": ["150.00"],
                                "employment_start": [dt.date(2020, 1, 1)],
                                "birth_date": [dt.date(1990, 5, 17)]}),
        assignments=pl.DataFrame({"employee_id": ["e1"], "agreement": ["retail"],
                                  "valid_from": [dt.date(2025, 1, 1)]}),
        schedules=pl.DataFrame({"employee_id": ["e1", "e1"],
                                "start": [dt.datetime(2025, 6, 2, 8), dt.datetime(2025, 6, 3, 8)],
                                "end": [dt.datetime(2025, 6, 2, 12),
                                        dt.datetime(2025, 6, 3, 12)]}),
        punches=pl.DataFrame({"punch_id": ["mon", "tue"], "employee_id": ["e1", "e1"],
                              "start": [dt.datetime(2025, 6, 2, 8), dt.datetime(2025, 6, 3, 8)],
                              "end": [dt.datetime.combine(JUNE_2, monday_end),
                                      dt.datetime(2025, 6, 3, 12)]})), folder)
    return folder


def _run(data: Path, start: dt.date, end: dt.date, store: RunStore | None, out: Path) -> Batch:
    batch = run_directory(data, [AGREEMENTS_DIR], period_of(start, end), store=store)
    write_run(batch, out)
    return batch


def _lines(batch: Batch) -> list[tuple[object, ...]]:
    return batch.pay_lines.select("date", "salary_type", "seconds", "amount", "rule",
                                  "correction").rows()


@pytest.fixture
def locked(tmp_path: Path) -> tuple[RunStore, Path]:
    """A store with Monday transferred definitively: punched 08-13, ORD 4 h = 600.00 and
    OT50 1 h = 1.5 x 150.00 = 225.00; FLEX -3 (5 worked - 8 expected), TOIL +1.5."""
    store = RunStore(tmp_path / "runs.sqlite")
    monday = _run(_data(tmp_path / "before", dt.time(13)), JUNE_2, JUNE_2, store,
                  tmp_path / "run1")
    assert _lines(monday) == [
        (JUNE_2, "ORD", 14400, Decimal("600.0000"), "time_rules.ordinary_salary_type", False),
        (JUNE_2, "OT50", 3600, Decimal("225.0000"), "time_rules.overtime.daily.steps[0]",
         False)]
    transfer_run(tmp_path / "run1", store, "definitive", tmp_path / "export1")
    assert store.lock() == JUNE_2
    return store, tmp_path


def test_changed_locked_data_gives_correction_lines(locked: tuple[RunStore, Path]) -> None:
    store, tmp_path = locked
    # Monday now punched 08-14: 6 h less the automatic 0:30 break = 5.5 h, so OT50 1.5 h;
    # 0.5 h more than transferred = 0.5 x 225.00 = 112.50. ORD is unchanged: no line. The
    # run of Tuesday evaluates the locked Monday again because the data holds it.
    changed = _data(tmp_path / "after", dt.time(14))
    both = _run(changed, JUNE_3, JUNE_3, store, tmp_path / "run2")
    assert both.revisited == period_of(JUNE_2, JUNE_2)
    assert _lines(both) == [
        (JUNE_2, "OT50", 1800, Decimal("112.5000"), "correction", True),
        (JUNE_3, "ORD", 14400, Decimal("600.0000"), "time_rules.ordinary_salary_type", False)]
    assert both.pay_lines.filter("correction")["input_ids"].to_list() == [["mon"]]
    transfer_run(tmp_path / "run2", store, "definitive", tmp_path / "export2")
    monday = store.transferred().filter(pl.col("salary_type") == "OT50")
    assert monday["amount"].sum() == Decimal("337.5")   # 225.00 + 112.50: 1.5 h as now
    # nothing changed since: the next day's run evaluates both locked days again and
    # corrects nothing
    again = _run(changed, JUNE_4, JUNE_4, store, tmp_path / "run3")
    assert again.revisited == period_of(JUNE_2, JUNE_3)
    assert again.pay_lines.is_empty()
    # Monday changes again (08-15), but a run told to revisit from Tuesday on leaves it be
    later = _data(tmp_path / "later", dt.time(15))
    limited = run_directory(later, [AGREEMENTS_DIR], period_of(JUNE_4, JUNE_4), store=store,
                            revisit_from=JUNE_3)
    assert limited.revisited == period_of(JUNE_3, JUNE_3)
    assert limited.pay_lines.is_empty()
    assert _lines(run_directory(later, [AGREEMENTS_DIR], period_of(JUNE_4, JUNE_4),
                                store=store)) == [
        # 08-15 less the 0:30 break is 6.5 h: OT50 2 h and OT100 0.5 h against OT50 1.5 h
        (JUNE_2, "OT100", 1800, Decimal("150.0000"), "correction", True),
        (JUNE_2, "OT50", 1800, Decimal("112.5000"), "correction", True)]


def test_the_next_run_starts_from_the_lock(locked: tuple[RunStore, Path]) -> None:
    store, tmp_path = locked
    data = tmp_path / "before"
    from_lock = _run(data, JUNE_3, JUNE_3, store, tmp_path / "run2")
    whole = _run(data, JUNE_2, JUNE_3, None, tmp_path / "whole")
    assert from_lock.evaluation.balances.equals(whole.evaluation.balances)
    # FLEX: -3 locked, then Tuesday 4 worked - 8 expected = -7; TOIL 1.5 carried
    assert from_lock.evaluation.balances.select("tracker", "balance").rows() == [
        ("FLEX", Decimal("-7")), ("TOIL", Decimal("1.5"))]
    assert from_lock.evaluation.tracker_transactions["date"].unique().to_list() == [JUNE_3]


def test_the_store_refuses_what_would_pay_twice_or_leave_gaps(
        locked: tuple[RunStore, Path]) -> None:
    store, tmp_path = locked
    # the same run locked again changes nothing; another run of a locked period is refused
    assert transfer_run(tmp_path / "run1", store, "definitive", tmp_path / "x").again
    assert len(store.transfers()) == 1
    _run(tmp_path / "before", JUNE_2, JUNE_2, store, tmp_path / "monday_again")
    with pytest.raises(StoreError, match="2025-06-02 to 2025-06-02 is already locked"):
        transfer_run(tmp_path / "monday_again", store, "definitive", tmp_path / "x")
    _run(tmp_path / "before", JUNE_2, JUNE_3, store, tmp_path / "overlap")
    with pytest.raises(StoreError, match=re.escape("overlaps the locked period (to "
                                                   "2025-06-02): run from 2025-06-03")):
        transfer_run(tmp_path / "overlap", store, "definitive", tmp_path / "x")
    with pytest.raises(StoreError, match="must start on or before 2025-06-03"):
        _run(tmp_path / "before", dt.date(2025, 6, 4), dt.date(2025, 6, 5), store, tmp_path / "r")
    _run(tmp_path / "before", JUNE_3, JUNE_3, store, tmp_path / "tuesday")
    transfer_run(tmp_path / "tuesday", store, "preliminary", tmp_path / "check")
    assert store.lock() == JUNE_2           # a preliminary transfer locks nothing
    transfer_run(tmp_path / "tuesday", store, "definitive", tmp_path / "final")
    assert store.lock() == JUNE_3
    with pytest.raises(StoreError, match="started from the lock 2025-06-02, but the store is "
                                         "locked to 2025-06-03: run it again"):
        transfer_run(tmp_path / "tuesday", store, "preliminary", tmp_path / "late")
    assert [t[1] for t in store.transfers()] == ["definitive", "preliminary", "definitive"]


def test_the_export_in_csv_and_paxml(locked: tuple[RunStore, Path]) -> None:
    _, tmp_path = locked
    csv = pl.read_csv(tmp_path / "export1" / "payroll_2025-06-02_2025-06-02.csv",
                      infer_schema=False)
    assert csv.select("salary_type", "export_code", "quantity", "amount", "currency").rows() == [
        ("ORD", "0100", "4.000000", "600.00", "SEK"), ("OT50", "0200", "1.000000", "225.00", "SEK")]
    root = ET.parse(tmp_path / "export1" / "payroll_2025-06-02_2025-06-02.paxml.xml").getroot()
    assert root.findtext("header/version") == "2.0"
    pays = [(t.get("anstid"), t.findtext("lonart"), t.findtext("datum"), t.findtext("antal"),
             t.findtext("apris"), t.findtext("belopp"))
            for t in root.iterfind("lonetransaktioner/lonetrans")]
    assert pays == [("e1", "0100", "2025-06-02", "4.000000", "150.000000", "600.00"),
                    ("e1", "0200", "2025-06-02", "1.000000", "225.000000", "225.00")]
    assert root.find("tidtransaktioner/tidtrans") is None   # every line here has an amount


KILLED_TRANSFER = """
import pathlib, sys, time
import paycalc.batch.store as store
from paycalc.batch.transfer import transfer_run

def stall(db, transfer, balances):
    pathlib.Path(sys.argv[3]).write_text("lines written, balances next")
    time.sleep(300)

store._insert_balances = stall
transfer_run(pathlib.Path(sys.argv[1]), store.RunStore(pathlib.Path(sys.argv[2])),
             "definitive", pathlib.Path(sys.argv[4]))
"""


def test_a_process_killed_during_a_definitive_transfer_leaves_the_store_whole(
        locked: tuple[RunStore, Path]) -> None:
    store, tmp_path = locked
    _run(tmp_path / "before", JUNE_3, JUNE_3, store, tmp_path / "tuesday")
    before = (store.lock(), store.transfers(), store.transferred().rows(),
              store.opening().balances.rows())  # type: ignore[union-attr]
    marker = tmp_path / "inside"
    script = tmp_path / "transfer.py"
    script.write_text(KILLED_TRANSFER)
    process = subprocess.Popen([sys.executable, str(script), str(tmp_path / "tuesday"),
                                str(store.path), str(marker), str(tmp_path / "export")])
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert process.poll() is None, "the transfer ended before it was killed"
        assert time.monotonic() < deadline, "the transfer never reached its transaction"
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL
    after = (store.lock(), store.transfers(), store.transferred().rows(),
             store.opening().balances.rows())  # type: ignore[union-attr]
    assert after == before
    # the store is usable: the same transfer now goes through
    transfer_run(tmp_path / "tuesday", store, "definitive", tmp_path / "export")
    assert store.lock() == JUNE_3 and len(store.transfers()) == 2


def test_the_commands(tmp_path: Path) -> None:
    data = _data(tmp_path / "data", dt.time(13))
    store = str(tmp_path / "runs.sqlite")
    run = ["run", str(data), "--agreements", str(AGREEMENTS_DIR), "--from", "2025-06-02",
           "--to", "2025-06-02", "--out", str(tmp_path / "out"), "--store", store]
    assert CliRunner().invoke(main, run).exit_code == EXIT_OK
    transfer = ["transfer", str(tmp_path / "out"), "--store", store, "--out",
                str(tmp_path / "export")]
    assert CliRunner().invoke(main, transfer).exit_code == 2   # neither kind said
    done = CliRunner().invoke(main, [*transfer, "--definitive"])
    assert done.exit_code == EXIT_OK and "transfer 1 (definitive)" in done.output
    again = CliRunner().invoke(main, [*transfer, "--definitive"])
    assert again.exit_code == EXIT_OK and "already recorded as transfer 1" in again.output
    rerun = [*run[:-4], "--out", str(tmp_path / "rerun"), "--store", store]
    assert CliRunner().invoke(main, rerun).exit_code == EXIT_OK
    refused = CliRunner().invoke(main, ["transfer", str(tmp_path / "rerun"), "--store", store,
                                        "--out", str(tmp_path / "export"), "--definitive"])
    assert refused.exit_code == EXIT_STORE and "already locked" in refused.output
