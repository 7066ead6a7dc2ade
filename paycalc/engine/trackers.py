"""The tracker stage for one bucket of employees: tracker transactions of salary types,
links and adjustments, the ledger, balances, and the rejects and warnings of both."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import polars as pl

from paycalc.engine.balances import balances, limit_warnings, unlocked_warnings
from paycalc.engine.ledger import ledger, opening_years
from paycalc.engine.pay_lines import DayFacts
from paycalc.engine.transactions import (
    adjustment_transactions,
    link_transactions,
    salary_type_transactions,
)
from paycalc.rules.compiled import Agreement, Tracker
from paycalc.tables.inputs import Period


class TrackerResult(NamedTuple):
    """What the tracker stage gives for one bucket of employees: the ledger's `rows`
    (TRANSACTIONS), `balances`, `rejects` and `warnings`."""

    rows: pl.DataFrame
    balances: pl.DataFrame
    rejects: pl.DataFrame
    warnings: pl.DataFrame


def tracker_stage(agreements: list[Agreement], trackers: dict[str, Tracker],
                  tables: dict[str, pl.DataFrame], lines: pl.DataFrame, facts: DayFacts,
                  period: Period, lock: dt.date | None, as_of: dt.date) -> TrackerResult:
    """The tracker stage of one bucket of employees (`tables`, and the pay `lines` and day
    `facts` of the pay-line stage): transactions of salary types, links and adjustments
    after the `lock`, the ledger, balances as of `as_of`, and the rows' rejects and
    warnings."""
    first = period.start if lock is None else max(period.start, lock + dt.timedelta(days=1))
    made, notes = [], []
    for agreement in agreements:
        rows, note = salary_type_transactions(lines, agreement)
        made.append(rows)
        notes.append(note)
    by_salary_type = pl.concat(made)
    for agreement in agreements:
        rows, note = link_transactions(agreement, trackers, tables, facts.days, facts.leave,
                                       by_salary_type, period.start, period.end)
        made.append(rows)
        notes.append(note)
    adjusted, rejects = adjustment_transactions(tables["adjustments"], tables["employees"],
                                                trackers, period.start, period.end)
    opening = opening_years(tables["opening"], trackers, lock or period.start)
    rows = ledger(pl.concat([*made, adjusted]), trackers, opening, first, period.end)
    warnings = pl.concat([*notes, limit_warnings(rows, opening, trackers),
                          unlocked_warnings(rows, tables["assignments"], agreements, first,
                                            period.end)])
    return TrackerResult(rows, balances(rows, opening, trackers, as_of), rejects, warnings)


