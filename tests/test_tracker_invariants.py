"""Invariants of the tracker ledger on generated agreements and inputs: a run from locked
balances equals a run from the beginning, the result does not depend on the order of input
rows, and the yearly maximum is never exceeded."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from test_engine_vs_reference import cases

from paycalc.engine import evaluate
from paycalc.tables.inputs import Inputs, Opening


@settings(max_examples=40)
@given(cases(), st.integers(0, 400))
def test_locked_run_equals_full_run(case: tuple[list[Any], Inputs, Any], offset: int) -> None:
    compiled, inputs, period = case
    lock = min(period.end, period.start + dt.timedelta(days=offset))
    full = evaluate(compiled, inputs, period)
    at_lock = evaluate(compiled, inputs, period, balances_as_of=lock)
    locked = evaluate(compiled, inputs, period, opening=Opening(lock, at_lock.balances))
    assert locked.tracker_transactions.equals(
        full.tracker_transactions.filter(pl.col("date") > lock))
    assert locked.balances.equals(full.balances)


@settings(max_examples=40)
@given(cases(), st.randoms())
def test_result_does_not_depend_on_row_order(case: tuple[list[Any], Inputs, Any],
                                             random: Any) -> None:
    compiled, inputs, period = case
    shuffled = Inputs(**{name: None if frame is None else frame.sample(
        fraction=1, shuffle=True, seed=random.randint(0, 2**31))
        for name, frame in vars(inputs).items()})
    # row ids count rows in input order, so only what does not name rows can be compared
    named = ["employee_id", "tracker", "date", "tracking_year", "kind", "made_by"]
    before = evaluate(compiled, inputs, period)
    after = evaluate(compiled, shuffled, period)
    assert after.balances.equals(before.balances)

    def moved(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.group_by(named).agg(pl.col("quantity").sum()).sort(named,
                                                                         nulls_last=True)

    assert moved(after.tracker_transactions).equals(moved(before.tracker_transactions))


@settings(max_examples=40)
@given(cases())
def test_yearly_maximum_is_never_exceeded(case: tuple[list[Any], Inputs, Any]) -> None:
    compiled, inputs, period = case
    trackers = {t.code: t for a in compiled for t in a.trackers}
    rows = evaluate(compiled, inputs, period).tracker_transactions
    accrued: dict[tuple[str, str, dt.date], Decimal] = defaultdict(Decimal)
    for row in rows.iter_rows(named=True):
        tracker = trackers[row["tracker"]]
        counted = row["kind"] == "max_accrual" or (
            row["kind"] in ("link", "salary_type") and row["operator"] == "add"
            and row["quantity"] > 0)
        if counted:
            start = tracker.year_start.in_year(row["date"].year)
            year = start if start <= row["date"] else tracker.year_start.in_year(
                row["date"].year - 1)
            accrued[(row["employee_id"], row["tracker"], year)] += row["quantity"]
    for (_, code, year), total in accrued.items():
        try:
            cap = trackers[code].max_accrual_per_year.at(year)
        except LookupError:
            continue
        assert cap == 0 or total <= cap, (code, year, total, cap)


@settings(max_examples=40)
@given(cases())
def test_set_carries_over_what_it_should(case: tuple[list[Any], Inputs, Any]) -> None:
    """After a `set`, the tracking year holds the value set plus the old balance up to the
    carry-over limit (all of it when below zero); nothing else is kept or lost."""
    compiled, inputs, period = case
    links = {(a.id, k.code): k for a in compiled for k in a.links}
    held: dict[tuple[Any, ...], Decimal] = defaultdict(Decimal)
    for row in evaluate(compiled, inputs, period).tracker_transactions.iter_rows(named=True):
        key = (row["employee_id"], row["tracker"], row["tracking_year"])
        before = held[key]
        held[key] += row["quantity"]
        if row["operator"] != "set":
            continue
        link = links[(row["agreement"], row["made_by"])]
        kept = Decimal(0)
        try:  # a limit not in force on the day carries nothing over
            limit = link.carry_over_up_to.at(row["date"]) if link.carry_over_up_to else None
        except LookupError:
            limit = None
        if limit is not None:
            kept = min(before, limit)
        assert held[key] == row["set_to"] + kept, (row, before)
