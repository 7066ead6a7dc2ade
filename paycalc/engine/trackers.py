"""The tracker stage for one bucket of employees: tracker transactions of salary types,
links and adjustments, the ledger, balances, and the rejects and warnings of both."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import polars as pl

from paycalc.engine.balances import balances, limit_warnings, unlocked_warnings
from paycalc.engine.exprs import among
from paycalc.engine.ledger import ledger, opening_years, per_unit
from paycalc.engine.pay_lines import DayFacts
from paycalc.engine.transactions import (
    MADE,
    adjustment_transactions,
    in_ticks,
    link_transactions,
    salary_type_transactions,
)
from paycalc.reasons import TRACKER_DEFINITIONS_DIFFER, TRACKER_NOT_KEPT
from paycalc.rules.compiled import (
    Agreement,
    Tracker,
    TrackerConflict,
    employee_agreements,
    tracker_definitions,
)
from paycalc.tables.inputs import MONEY, Period
from paycalc.tables.messages import rejected, warned
from paycalc.tables.outputs import (
    BALANCES,
    QUANTITY,
    REJECTS,
    TRANSACTIONS,
    WARNINGS,
    frame_of,
)


class TrackerResult(NamedTuple):
    """What the tracker stage gives for one bucket of employees: the ledger's `rows`
    (TRANSACTIONS), `balances`, `rejects` and `warnings`."""

    rows: pl.DataFrame
    balances: pl.DataFrame
    rejects: pl.DataFrame
    warnings: pl.DataFrame


TRACKER_TABLES = ("employees", "assignments", "adjustments", "opening", "corrections")
"""The input tables the tracker stage reads (besides the pay-line stage's lines and facts)."""


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
        rows, note = salary_type_transactions(lines, agreement, trackers)
        made.append(rows)
        notes.append(note)
    by_salary_type = frame_of(made, MADE)
    for agreement in agreements:
        rows, note = link_transactions(agreement, trackers, tables, facts.days, facts.leave,
                                       by_salary_type, period.start, period.end)
        made.append(rows)
        notes.append(note)
    made.append(_corrections(tables["corrections"], trackers, first))
    adjusted, rejects = adjustment_transactions(tables["adjustments"], tables["employees"],
                                                trackers, period.start, period.end)
    opening = opening_years(tables["opening"], trackers, lock or period.start)
    rows = ledger(frame_of([*made, adjusted], MADE), trackers, opening, first, period.end)
    warnings = frame_of([*notes, limit_warnings(rows, opening, trackers),
                          unlocked_warnings(rows, tables["assignments"], agreements, first,
                                            period.end)], WARNINGS)
    return TrackerResult(rows, balances(rows, opening, trackers, as_of), rejects, warnings)


def tracker_groups(agreements: list[Agreement], tables: dict[str, pl.DataFrame],
                   lines: pl.DataFrame, facts: DayFacts, period: Period, lock: dt.date | None,
                   as_of: dt.date) -> TrackerResult:
    """The tracker stage of one bucket of employees, each under the trackers of the
    agreements of their assignments (`rules.compiled.tracker_definitions`).

    Employees are grouped by the set of agreements they are assigned to (a handful of
    sets), and each group runs `tracker_stage` with its agreements' trackers; employees
    without an assignment use the trackers every agreement defines alike. A group whose
    agreements define one code differently keeps no tracker rows: a warning per employee
    and code names both assignments and definitions, and the employees' adjustments are
    rejected."""
    ids = [a.id for a in agreements]
    tables = {name: tables[name] for name in TRACKER_TABLES}
    people = pl.concat([t.select("employee_id") for t in tables.values()]).unique()
    assigned = people.join(
        tables["assignments"].filter(pl.col("agreement").is_in(ids)).group_by("employee_id")
        .agg(pl.col("agreement").unique().sort()), on="employee_id", how="left").with_columns(
        pl.col("agreement").fill_null([]))
    everyone = tracker_definitions(agreements).trackers
    parts = []
    groups = assigned.partition_by("agreement", maintain_order=False)
    for members in groups:
        chosen = employee_agreements(agreements, members["agreement"][0])
        # one group (the usual case) is everyone: nothing to cut out
        ours = (pl.lit(True) if len(groups) == 1
                else pl.col("employee_id").is_in(members["employee_id"].implode(),
                                                 nulls_equal=True))
        mine = {name: t.filter(ours) for name, t in tables.items()}
        defined = tracker_definitions(chosen)
        if defined.conflicts and chosen:
            parts.append(_not_kept(defined.conflicts, mine, period))
            continue
        parts.append(tracker_stage(
            chosen, defined.trackers if chosen else everyone, mine, lines.filter(ours),
            DayFacts(facts.days.filter(ours), facts.leave.filter(ours)), period, lock, as_of))
    if len(parts) == 1:
        return parts[0]
    return TrackerResult(
        frame_of([p.rows for p in parts], TRANSACTIONS).sort("employee_id", maintain_order=True),
        frame_of([p.balances for p in parts], BALANCES).sort(
            "employee_id", "tracker", "tracking_year"),
        frame_of([p.rejects for p in parts], REJECTS), frame_of([p.warnings for p in parts],
                                                                 WARNINGS))


def _not_kept(conflicts: tuple[TrackerConflict, ...], tables: dict[str, pl.DataFrame],
              period: Period) -> TrackerResult:
    """The warnings and rejects of employees whose agreements define a tracker differently:
    per employee and code, the first assignment to each of the two agreements and where
    each defines the tracker; all their adjustments are rejected."""
    warnings = []
    for conflict in conflicts:
        first, second = conflict.sources()
        rows = tables["assignments"].sort("valid_from", "row_id").group_by(
            "employee_id", maintain_order=True).agg(
            *(pl.col("row_id").filter(pl.col("agreement") == a.id).first().alias(name)
              for name, a in (("one", conflict.first), ("other", conflict.second))))
        warnings.append(rows.select(
            "employee_id", pl.lit(period.start).alias("date"),
            *warned(TRACKER_DEFINITIONS_DIFFER, tracker=conflict.code,
                    first=conflict.first.id, first_assignment=pl.col("one"),
                    first_source=str(first), second=conflict.second.id,
                    second_assignment=pl.col("other"), second_source=str(second))))
    rejects = tables["adjustments"].select(
        pl.lit("adjustments").alias("table"), "row_id", pl.lit("tracker").alias("column"),
        *rejected(TRACKER_NOT_KEPT, trackers=", ".join(c.code for c in conflicts)))
    return TrackerResult(pl.DataFrame(schema=TRANSACTIONS), pl.DataFrame(schema=BALANCES),
                         frame_of([rejects], REJECTS), frame_of(warnings, WARNINGS))


def _corrections(moves: pl.DataFrame, trackers: dict[str, Tracker], first: dt.date
                 ) -> pl.DataFrame:
    """Corrections of locked days (MOVES) as transactions on `first`, the first unlocked
    day, each naming the locked day and the kind of transaction it corrects: locked
    balances stay as they were, and the difference enters the ledger where it is open."""
    return moves.filter(among("tracker", trackers, pl.String())).select(
        "employee_id", "tracker", pl.lit(first).alias("date"),
        *in_ticks(pl.col("quantity"), per_unit(trackers)),
        pl.lit("add").alias("operator"), pl.lit("correction").alias("kind"), "made_by",
        "agreement", pl.lit(None, QUANTITY).alias("driver_value"),
        pl.lit(None, pl.Int64).alias("level"), pl.lit(None, MONEY).alias("factor"),
        pl.lit(None, MONEY).alias("carry"),
        pl.format("correction of {} ({} {})", pl.col("date"), pl.col("kind"),
                  pl.col("made_by")).alias("source"),
        pl.lit([], pl.List(pl.String)).alias("input_ids")).cast(MADE)

