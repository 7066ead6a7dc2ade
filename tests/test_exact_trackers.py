"""Hour trackers are kept exactly: the ledger counts whole ticks (`rules.precision.TICKS`,
36,000,000 an hour), so minutes add up to whole hours. Each transaction is shown to 6
decimals; the balance is the exact sum, rounded once. Before, each transaction was rounded
to 6 decimals first: three 20-minute days made 0.999999 hours of flextime."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import polars as pl

from paycalc import Inputs, Period, compile_agreement, evaluate
from paycalc.reference.pay_lines import evaluate_reference
from paycalc.reference.trackers import evaluate_trackers_reference
from paycalc.spec.bundled import AGREEMENTS_DIR

RETAIL = compile_agreement(AGREEMENTS_DIR / "retail.yaml")
WEEK = Period(dt.date(2025, 6, 2), dt.date(2025, 6, 8))


def _inputs(minutes: list[int]) -> Inputs:
    """e1 under retail, no schedule, a punch of each length in `minutes` on consecutive
    days from Monday 2 June 2025 at 08:00."""
    starts = [dt.datetime(2025, 6, 2 + n, 8) for n in range(len(minutes))]
    return Inputs(
        employees=pl.DataFrame({"employee_id": ["e1"], "hourly_rate": ["150.00"],
                                "employment_start": [dt.date(2020, 1, 1)],
                                "birth_date": [dt.date(1990, 1, 1)]}),
        assignments=pl.DataFrame({"employee_id": ["e1"], "agreement": ["retail"],
                                  "valid_from": [dt.date(2020, 1, 1)]}),
        punches=pl.DataFrame({"employee_id": ["e1"] * len(minutes), "start": starts,
                              "end": [s + dt.timedelta(minutes=m)
                                      for s, m in zip(starts, minutes, strict=True)]}))


def _flex_and_toil(result_balances: list[tuple[str, Decimal]]) -> dict[str, Decimal]:
    return {tracker: balance for tracker, balance in result_balances}


def test_three_twenty_minute_days_are_one_hour_of_flextime() -> None:
    inputs = _inputs([20, 20, 20])
    engine = evaluate([RETAIL], inputs, WEEK)
    worked = engine.tracker_transactions.filter(pl.col("made_by") == "flex_worked")
    assert worked["quantity"].to_list() == [Decimal("0.333333")] * 3
    balances = _flex_and_toil(engine.balances.select("tracker", "balance").rows())
    # flextime: 3 x 1/3 h; time off in lieu: each 20 minutes is OT50 (no schedule), x 1.5
    assert balances == {"FLEX": Decimal("1.000000"), "TOIL": Decimal("1.500000")}
    facts = evaluate_reference([RETAIL], inputs, WEEK)
    reference = evaluate_trackers_reference([RETAIL], inputs, WEEK, facts)
    assert _flex_and_toil([(b["tracker"], b["balance"]) for b in reference["balances"]]) == \
        balances


def test_a_week_of_minutes_is_the_exact_sum() -> None:
    """Seven days of 8 h 35 min (retail rounds punches to 5 minutes and cuts a 30-minute
    break after 5 h): 8 h 5 min of flextime a day, each shown as 8.083333; the balance is
    the exact 56 h 35 min, 56.583333, not the sum of the rounded days, 56.583331."""
    inputs = _inputs([8 * 60 + 35] * 7)
    engine = evaluate([RETAIL], inputs, WEEK)
    worked = engine.tracker_transactions.filter(pl.col("made_by") == "flex_worked")
    assert worked["quantity"].to_list() == [Decimal("8.083333")] * 7
    assert sum(worked["quantity"]) == Decimal("56.583331")
    flex = engine.balances.filter(pl.col("tracker") == "FLEX")["balance"][0]
    assert flex == Decimal("56.583333")
    facts = evaluate_reference([RETAIL], inputs, WEEK)
    reference = evaluate_trackers_reference([RETAIL], inputs, WEEK, facts)
    assert [b["balance"] for b in reference["balances"] if b["tracker"] == "FLEX"] == [flex]
