"""The pay-line stage of one agreement for one bucket of employees: punches and schedules
into pieces, breaks, set paid time, ordinary time and overtime, supplements, absences and
figures, priced; with the rows it rejects, its warnings, the day facts the tracker stage
reads and the time sheet."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import polars as pl

from paycalc.engine.absences import absence_lines, figure_lines
from paycalc.engine.approvals import approve
from paycalc.engine.billing import log_lines
from paycalc.engine.context import AgreementDays
from paycalc.engine.exprs import OF_THE_DAY, full_join_days, lookup
from paycalc.engine.line_rules import LineRules
from paycalc.engine.monthly import monthly_lines
from paycalc.engine.overtime import overtime_slices
from paycalc.engine.overtime_times import by_time_slices
from paycalc.engine.pieces import REGULAR, punch_pieces, schedule_days
from paycalc.engine.pools import cut_automatic_breaks, paid_pools, paid_time_changes, set_paid_time
from paycalc.engine.pricing import price
from paycalc.engine.supplements import supplement_slices
from paycalc.engine.time_sheet import time_sheet
from paycalc.tables.inputs import schema
from paycalc.tables.outputs import AMOUNT, LINE, QUANTITY, TIME_SHEET, frame_of

UNAPPROVED = schema(employee_id=pl.String, employee_day=pl.Int64, day=pl.Date,
                    rule_no=pl.Int64, id_rank=pl.Int64, seconds=pl.Int64, quantity=QUANTITY,
                    rate=QUANTITY, amount=AMOUNT, requires_approval=pl.Boolean,
                    approved=pl.Boolean, payable=pl.Boolean, input_ids=pl.List(pl.String))
"""Priced lines before the `approvals` table is read."""
PRICED = schema(**UNAPPROVED, approved_by=pl.String, approval_level=pl.Int64)
"""Priced lines of a bucket before they are sorted and named (see `line_rules`)."""

DAYS = schema(employee_id=pl.String, day=pl.Date, agreement=pl.String, worked=pl.Int64,
              scheduled=pl.Int64, worked_ids=pl.List(pl.String),
              scheduled_ids=pl.List(pl.String))
"""Columns of `DayFacts.days`: `worked_ids` are the punches behind the worked time,
`scheduled_ids` the schedules behind the paid scheduled time (sorted)."""


@dataclass(frozen=True)
class DayFacts:
    """What tracker drivers read of the pay-line stage: `days` (worked and paid scheduled
    seconds per employee-day, with its agreement; empty when no agreement has links, the
    only readers) and `leave` (every day of a usable absence, with whether the absence
    counts it and the day's kind)."""

    days: pl.DataFrame
    leave: pl.DataFrame


class AgreementLines(NamedTuple):
    """What one agreement gives for one bucket of employees: priced `lines` (PRICED
    columns), `rejects`, `warnings`, the day `facts` tracker drivers read and the
    `time_sheet` (TIME_SHEET columns; empty unless asked for)."""

    lines: pl.DataFrame
    rejects: pl.DataFrame
    warnings: pl.DataFrame
    facts: DayFacts
    time_sheet: pl.DataFrame


def agreement_lines(days: AgreementDays, rules: LineRules, tables: dict[str, pl.DataFrame],
                    mains: pl.DataFrame, with_time_sheet: bool, with_day_facts: bool,
                    logs: pl.DataFrame) -> AgreementLines:
    """One agreement's pay lines of a bucket of employees (`tables`, whose `mains` are
    their main assignments to the evaluated agreements; `logs` their time logs under the
    agreement, `billing.LOGGED`), with the day facts only
    `with_day_facts` (worked and scheduled time: links read them) and the time sheet only
    `with_time_sheet`."""
    agreement, period, first = days.agreement, days.period, days.first
    pieces, breaks, punched, punch_rejects = punch_pieces(
        tables["punches"], days, mains, tables["assignments"])
    scheduled, planned, schedule_pieces, schedule_rejects = schedule_days(
        tables["schedules"], days, mains)
    pieces = cut_automatic_breaks(pieces, breaks, agreement)
    window = planned.filter(pl.col("day").is_between(first, period.end))
    changes = paid_time_changes(pieces, window, days)
    pools = set_paid_time(paid_pools(pieces), changes)
    numbers = rules.of[agreement.id]
    own = pools.filter((pl.col("target") != REGULAR) & (pl.col("seconds") > 0)).select(
        "employee_id", "employee_day", "day",
        lookup(pl.col("target"), numbers.paid_time_as, pl.Int64()).alias("rule_no"),
        "seconds", "input_ids")
    regular = pools.filter(pl.col("target") == REGULAR).drop("target")
    overtime, overtime_warnings, by_time = overtime_slices(regular, scheduled, agreement,
                                                           numbers)
    overtime = pl.concat([overtime, by_time_slices(pieces, by_time, days, numbers)])
    supplements = supplement_slices(pieces, days.segments)
    absences, absence_rejects, leave = absence_lines(tables["absences"], tables["employees"],
                                                     scheduled, days, mains,
                                                     tables["assignments"], numbers)
    figures, figure_warnings = figure_lines(tables["figures"], mains, agreement, numbers,
                                            period.start, period.end)
    time_lines = pl.concat([own, overtime, supplements]).with_columns(
        pl.lit(None).alias("quantity"), pl.lit(None, pl.Boolean).alias("approved"),
        pl.lit(0, pl.Int64).alias("id_rank"))
    lines = pl.concat([part.select(list(LINE)).cast(LINE)
                       for part in (time_lines, absences, figures,
                                    log_lines(logs, numbers))]).filter(
        pl.col("day").is_between(period.start, period.end))
    lines = lines.join(tables["employees"].select("employee_id", "hourly_rate",
                                                  "monthly_salary"),
                       on="employee_id", how="left")
    priced, price_warnings = price(lines, days.terms, agreement, rules)
    monthly, monthly_warnings = monthly_lines(tables["employees"], leave, mains, days, numbers)
    priced, approval_rejects = approve(
        frame_of([priced, *([monthly] if monthly.width else [])], UNAPPROVED),
        tables["approvals"], tables["punches"], agreement, rules)
    rejects = pl.concat([punch_rejects, schedule_rejects, absence_rejects, approval_rejects])
    warnings = pl.concat([overtime_warnings, price_warnings, monthly_warnings,
                          figure_warnings]).filter(
        pl.col("date").is_between(period.start, period.end))
    in_period = pl.col("day").is_between(period.start, period.end)
    worked = pl.DataFrame(schema=DAYS)
    if with_day_facts:
        no_ids = pl.lit([], pl.List(pl.String))
        behind = schedule_pieces.filter("paid").group_by("employee_day").agg(
            pl.col("row_id").unique().sort().alias("scheduled_ids"))
        worked = full_join_days(pieces.group_by("employee_day").agg(
            *OF_THE_DAY, (pl.col("end") - pl.col("start")).sum().alias("worked"),
            pl.col("row_id").filter(pl.col("end") > pl.col("start")).unique().sort()
            .alias("worked_ids")),
            scheduled).join(behind, on="employee_day", how="left").filter(
            in_period).select("employee_id", "day", pl.lit(agreement.id).alias("agreement"),
                              pl.col("worked").fill_null(0), pl.col("scheduled").fill_null(0),
                              pl.col("worked_ids").fill_null(no_ids),
                              pl.col("scheduled_ids").fill_null(no_ids))
    facts = DayFacts(days=worked.cast(DAYS), leave=leave.filter(in_period).with_columns(
        pl.lit(agreement.id).alias("agreement")))
    sheet = (time_sheet(schedule_pieces, punched, pieces, changes, days)
             if with_time_sheet else pl.DataFrame(schema=TIME_SHEET))
    return AgreementLines(priced, rejects, warnings, facts, sheet)
