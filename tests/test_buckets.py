"""Evaluating employees in buckets gives exactly the lines of one pass over all of them."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

import paycalc.engine.run as engine
from paycalc.engine.buckets import AHEAD, cut_by_employee, each_bucket, map_buckets
from paycalc.errors import InputError
from paycalc.spec.bundled import AGREEMENTS_DIR
from paycalc.spec.compile import compile_agreement, compile_document
from paycalc.spec.language.document import AgreementDocument
from paycalc.tables.inputs import Inputs, Period
from paycalc.tables.sample_data import START, generate


def test_buckets_change_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    agreement = compile_agreement(AGREEMENTS_DIR / "retail.yaml")
    inputs = generate(employees=40, days=21)
    period = Period(START + dt.timedelta(days=3), START + dt.timedelta(days=17))
    whole = engine.evaluate([agreement], inputs, period)
    monkeypatch.setattr(engine, "BUCKET_PUNCHES", 50)
    assert len(engine.buckets({"punches": inputs.punches, "employees": inputs.employees})) > 5
    parts = engine.evaluate([agreement], inputs, period)
    assert whole.pay_lines.height > 500
    assert parts.pay_lines.equals(whole.pay_lines)
    assert parts.rejects.equals(whole.rejects) and parts.warnings.equals(whole.warnings)


BILLING = {"agreement": "consult", "time_zone": "Europe/Stockholm",
           "billing": {"services": {"DEV": {"rate": 95}, "SUPPORT": {"rate": 60}},
                       "customers": {"C1": {"rates": {"DEV": 110}}},
                       "rounding": {"to": "0:15"}}}
BILLED = Period(dt.date(2025, 3, 1), dt.date(2025, 3, 31))


def _timers(employees: int) -> Inputs:
    """Each working day of March 2025 every employee runs a timer with a pause and one
    without: 21 x 6 events and 2 logs a day."""
    ids = pl.DataFrame({"employee_id": [f"e{n:03d}" for n in range(employees)]})
    days = [d for d in pl.date_range(BILLED.start, BILLED.end, eager=True).to_list()
            if d.weekday() < 5]
    plan = pl.DataFrame([("T1", 480, "start"), ("T1", 600, "pause"), ("T1", 620, "resume"),
                         ("T1", 720, "stop"), ("T2", 780, "start"), ("T2", 967, "stop")],
                        schema=["timer", "minute", "event"], orient="row")
    events = ids.join(pl.DataFrame({"day": days}), how="cross").join(plan, how="cross")
    return Inputs(
        employees=ids.with_columns(pl.lit(dt.date(2020, 1, 1)).alias("employment_start")),
        assignments=ids.with_columns(pl.lit("consult").alias("agreement"),
                                     pl.lit(dt.date(2020, 1, 1)).alias("valid_from")),
        timer_events=events.select(
            "employee_id", "timer",
            (pl.col("day").cast(pl.Datetime("us")) + pl.duration(minutes=pl.col("minute")))
            .alias("at"), "event",
            pl.when(pl.col("employee_id") < "e020").then(pl.lit("C1")).otherwise(
                pl.lit("C2")).alias("customer"),
            pl.when(pl.col("timer") == "T1").then(pl.lit("DEV")).otherwise(
                pl.lit("SUPPORT")).alias("service"), pl.lit(True).alias("billable")))


def test_buckets_change_no_billing(monkeypatch: pytest.MonkeyPatch) -> None:
    agreement = compile_document(AgreementDocument.model_validate(BILLING))
    inputs = _timers(40)
    whole = engine.evaluate([agreement], inputs, BILLED)
    monkeypatch.setattr(engine, "BUCKET_PUNCHES", 500)
    assert len(engine.buckets({"timer_events": inputs.timer_events,
                               "employees": inputs.employees})) > 5
    parts = engine.evaluate([agreement], inputs, BILLED)
    assert whole.time_logs.height == 40 * 21 * 2 and whole.invoice_lines.height > 3
    for name in ("time_logs", "timesheets", "invoice_lines", "rejects"):
        assert getattr(parts, name).equals(getattr(whole, name)), name


def test_worker_processes_change_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    # buckets are cut in this process; two spawned processes evaluate them
    agreement = compile_agreement(AGREEMENTS_DIR / "retail.yaml")
    inputs = generate(employees=40, days=21)
    period = Period(START + dt.timedelta(days=3), START + dt.timedelta(days=17))
    monkeypatch.setattr(engine, "BUCKET_PUNCHES", 100)
    threads = engine.evaluate([agreement], inputs, period)
    processes = engine.evaluate([agreement], inputs, period, workers=2)
    assert threads.pay_lines.height > 500 and threads.tracker_transactions.height > 500
    for name in ("pay_lines", "tracker_transactions", "balances", "rejects", "warnings"):
        assert getattr(processes, name).equals(getattr(threads, name)), name
    with pytest.raises(InputError, match="workers: expected a whole number"):
        engine.evaluate([agreement], inputs, period, workers=0)


def test_a_row_without_employee_id_matches_no_assignment() -> None:
    # an assignment without an employee id does not make a punch without one payable:
    # p1 is rejected, p2 (e1, 08-16, no schedule: all daily overtime) is paid
    agreement = compile_agreement(AGREEMENTS_DIR / "retail.yaml")
    start, end = dt.datetime(2025, 3, 3, 8), dt.datetime(2025, 3, 3, 16)
    inputs = Inputs(
        punches=pl.DataFrame({"punch_id": ["p1", "p2"], "employee_id": [None, "e1"],
                              "start": [start, start], "end": [end, end]}),
        employees=pl.DataFrame({"employee_id": ["e1"], "hourly_rate": ["200"]}),
        assignments=pl.DataFrame({"employee_id": [None, "e1"],
                                  "agreement": [agreement.id, agreement.id],
                                  "valid_from": [dt.date(2020, 1, 1)] * 2}))
    result = engine.evaluate([agreement], inputs,
                             Period(dt.date(2025, 3, 1), dt.date(2025, 3, 31)))
    assert result.rejects.rows() == [("punches", "p1", "start", "NO_MAIN_AGREEMENT",
                                      "no main agreement on 2025-03-03")]
    assert result.pay_lines.select("employee_id", "salary_type", "seconds").rows() == [
        ("e1", "OT100", 19800), ("e1", "OT50", 7200)]


def _cubed(offset: int, part: int) -> int:
    return part ** 3 + offset


@pytest.mark.parametrize("workers", [None, 2])
def test_each_bucket_gives_results_in_order_and_releases_what_it_took(
        workers: int | None) -> None:
    parts = list(range(9))
    heard: list[tuple[int, int]] = []
    results = each_bucket(_cubed, 1, parts, workers, lambda d, t: heard.append((d, t)),
                          release=True)
    first = next(results)
    # the parts handed on are taken out of the list: at most AHEAD per worker run ahead
    assert first == 1 and 0 not in parts and len(parts) >= 9 - 1 - 2 * AHEAD
    assert [first, *results] == [n ** 3 + 1 for n in range(9)]
    assert parts == [] and heard == [(n, 9) for n in range(1, 10)]
    kept = list(range(3))
    assert map_buckets(_cubed, 0, kept) == [0, 1, 8] and kept == [0, 1, 2]


def test_cut_by_employee_keeps_each_employee_whole_and_in_order() -> None:
    # four ids in two buckets: e1 and e2 in the first, e3 and e4 in the second; a row
    # without an id goes to the first; rows keep their order within a bucket
    frame = pl.DataFrame({"employee_id": ["e3", "e1", None, "e2", "e1", "e4"],
                          "n": [1, 2, 3, 4, 5, 6]})
    parts = cut_by_employee({"punches": frame, "employees": frame.head(0)}, 2)
    assert [p["punches"].rows() for p in parts] == [
        [("e1", 2), (None, 3), ("e2", 4), ("e1", 5)], [("e3", 1), ("e4", 6)]]
    assert all(p["employees"].height == 0 for p in parts)
    numbered = cut_by_employee({"punches": frame}, 1, numbered=True)[0]["punches"]
    assert numbered["employee_no"].to_list() == [2, 0, None, 1, 0, 3]
