"""The reference evaluator: what pay lines mean, written plainly, one row at a time.

This module defines the semantics the vectorised engine (`paycalc.engine`) must reproduce
exactly; a hypothesis test compares the two. It favours clarity over speed; read it against
docs/time-rules.md. All instants are whole seconds since the epoch (UTC).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from paycalc.reasons import (
    APPROVALS_DISAGREE,
    END_BEFORE_START,
    FIGURE_NOT_PAID,
    NO_HOURLY_RATE,
    NO_MAIN_AGREEMENT,
    NO_MAIN_AGREEMENT_SPAN,
    NO_OVERTIME_THRESHOLD,
    NO_RATE,
    NOT_AN_HOURS_TYPE,
    PUNCH_OPEN,
    UNKNOWN_ACTIVITY,
    UNKNOWN_EMPLOYEE,
    UNKNOWN_SALARY_TYPE,
    Reason,
)
from paycalc.reference.billing import bill_reference
from paycalc.reference.local_time import (
    MainAgreements,
    local_date,
    read_time,
    round_instant,
    wall_to_instant,
    week_start,
)
from paycalc.reference.monthly import AbsenceDay, monthly_lines, precise
from paycalc.rules.compiled import Agreement, SalaryType
from paycalc.rules.dates import WEEKDAYS
from paycalc.rules.holiday_days import holiday_days
from paycalc.tables.inputs import PAY_FIGURE_KINDS, Inputs, Period, prepare

DAY = dt.timedelta(days=1)
REGULAR = ""  # the pool of paid time that becomes ordinary time and overtime
EIGHT_HOURS = 8 * 3600
SIX = Decimal("0.000001")


@dataclass
class Piece:
    """Paid or unpaid worked time of one punch on one attribution day."""

    employee: str
    day: dt.date
    start: int
    end: int
    row_id: str
    activity: str | None
    target: str  # REGULAR or the salary type the time goes to
    paid: bool


@dataclass
class ReferenceResult:
    """What the reference evaluation produced."""

    lines: list[dict[str, Any]] = field(default_factory=list)
    rejects: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    days: list[dict[str, Any]] = field(default_factory=list)
    """Day facts the tracker drivers read: worked and paid scheduled seconds per employee-day
    of the period, with the agreement the day falls under."""
    leave: list[dict[str, Any]] = field(default_factory=list)
    """Every day of the period inside an absence, with whether the absence counts it."""
    time_sheet: list[dict[str, Any]] = field(default_factory=list)
    """Seconds planned, clocked (system), worked (reported) and paid (salary time) per
    employee, day of the period and activity, where any is not 0."""


# -- the evaluation --------------------------------------------------------------------------


def evaluate_reference(agreements: Iterable[Agreement], inputs: Inputs,
                       period: Period) -> ReferenceResult:
    """Pay lines, rejects and warnings of `period` under `agreements`."""
    by_id = {a.id: a for a in agreements}
    tables = {name: frame.to_dicts() for name, frame in prepare(inputs).items()}
    result = ReferenceResult()
    employees = {e["employee_id"]: e for e in tables["employees"]}
    assigned = MainAgreements(by_id, tables["assignments"])
    main_on, has_main = assigned.main_on, assigned.has_main

    logged = bill_reference(by_id.values(), inputs, period).time_logs
    for agreement in by_id.values():
        _AgreementRun(agreement, period, result, employees, main_on, has_main).run(
            tables, [log for log in logged if log["agreement"] == agreement.id])
    result.lines.sort(key=lambda r: (r["employee_id"], r["date"], r["salary_type"], r["rule"],
                                     r["agreement"], r["input_ids"][:1]))
    unique = {tuple(r.values()): r for r in result.rejects}
    result.rejects = [unique[key] for key in sorted(unique)]
    result.warnings.sort(key=lambda r: (r["employee_id"], r["date"], r["code"], r["message"]))
    result.time_sheet.sort(key=lambda r: (r["employee_id"], r["date"], r["agreement"],
                                          r["activity"] or ""))
    return result


class _AgreementRun:
    """Evaluation of one agreement: its employees' days, one row at a time."""

    def __init__(self, agreement: Agreement, period: Period, result: ReferenceResult,
                 employees: dict[str, dict[str, Any]], main_on: Any, has_main: Any) -> None:
        self.a = agreement
        self.zone = ZoneInfo(agreement.time_zone)
        self.rules = agreement.time_rules
        self.period = period
        self.result = result
        self.employees = employees
        self.main_on = main_on
        self.has_main = has_main
        self.first = week_start(period.start, self.rules.week_starts) - DAY
        self.holidays, self.eves = holiday_days(self.rules.holidays, self.first.year - 1,
                                                period.end.year + 1)
        self.activities = {act.code: act for act in self.rules.activities}
        self.sheet: dict[tuple[str, dt.date, str | None], dict[str, int]] = defaultdict(
            lambda: dict.fromkeys(("planned", "system", "reported", "salary_time"), 0))
        self.paid_schedules: dict[tuple[str, dt.date], set[str]] = defaultdict(set)

    def ours(self, employee: str, day: dt.date) -> bool:
        main = self.main_on(employee, day)
        return main is not None and main.id == self.a.id

    def day_kinds(self, day: dt.date) -> set[str]:
        kinds = {WEEKDAYS[day.weekday()]}
        if day in self.holidays:
            kinds.add("holiday")
        if day in self.eves:
            kinds.add("holiday_eve")
        return kinds

    def day_start(self, day: dt.date) -> int:
        return wall_to_instant(day, 0, self.zone)

    def split(self, start: int, end: int, start_day: dt.date) -> list[tuple[dt.date, int, int]]:
        """Cut [start, end) into attribution days."""
        if start >= end:
            return []
        if self.rules.day_attribution == "start_day":
            return [(start_day, start, end)]
        pieces = []
        day = local_date(start, self.zone)
        while start < end:
            stop = min(end, self.day_start(day + DAY))
            if stop > start:
                pieces.append((day, start, stop))
            start, day = stop, day + DAY
        return pieces

    def reject(self, table: str, row: dict[str, Any], column: str, reason: Reason, /,
               **values: object) -> None:
        self.result.rejects.append({"table": table, "row_id": row["row_id"], "column": column,
                                    "code": reason.code, "reason": reason.text(**values)})

    def reject_time(self, table: str, row: dict[str, Any], column: str, why: Reason) -> None:
        """Reject `row` for the local time in `column` that `read_time` could not read."""
        self.reject(table, row, column, why, time=row[column], zone=self.zone.key)

    # -- punches into pieces -----------------------------------------------------------------

    def run(self, tables: dict[str, list[dict[str, Any]]], logs: list[dict[str, Any]]
            ) -> None:
        first_line = len(self.result.lines)
        pieces, breaks = self.punch_pieces(tables["punches"])
        planned, scheduled = self.schedule_days(tables["schedules"])
        self.automatic_breaks(pieces, breaks)
        self.day_facts(pieces, scheduled)
        for piece in pieces:
            time = self.sheet[(piece.employee, piece.day, piece.activity)]
            time["reported"] += piece.end - piece.start
            if piece.paid:
                time["salary_time"] += piece.end - piece.start
        pools, pool_ids = self.pools(pieces)
        self.set_paid_time(pieces, planned, pools)
        self.activity_lines(pools, pool_ids)
        self.overtime_lines(pools, pool_ids, scheduled, pieces)
        self.supplement_lines(pieces)
        absence_days = self.absence_lines(tables["absences"], scheduled)
        self.figure_lines(tables["figures"])
        self.log_lines(logs)
        self.monthly_lines(absence_days)
        self.approve(self.result.lines[first_line:], tables["approvals"], tables["punches"])
        for (employee, day, activity), time in self.sheet.items():
            if self.period.start <= day <= self.period.end and any(time.values()):
                self.result.time_sheet.append({"employee_id": employee, "date": day,
                                               "agreement": self.a.id, "activity": activity,
                                               **time})

    def punch_pieces(self, punches: list[dict[str, Any]]) -> tuple[list[Piece], dict]:
        pieces: list[Piece] = []
        breaks: dict[tuple[str, dt.date], int] = defaultdict(int)
        for row in punches:
            if row["start"] is None:
                continue
            start = read_time(row["start"], self.zone)
            day = row["start"].date() if isinstance(start, Reason) else local_date(start,
                                                                                   self.zone)
            if not self.first <= day <= self.period.end:
                continue
            if not self.has_main(row["employee_id"], day):
                self.reject("punches", row, "start", NO_MAIN_AGREEMENT, day=day)
                continue
            if not self.ours(row["employee_id"], day):
                continue
            if isinstance(start, Reason):
                self.reject_time("punches", row, "start", start)
                continue
            if row["end"] is None:
                self.reject("punches", row, "end", PUNCH_OPEN)
                continue
            end = read_time(row["end"], self.zone)
            if isinstance(end, Reason):
                self.reject_time("punches", row, "end", end)
                continue
            if end < start:
                self.reject("punches", row, "end", END_BEFORE_START)
                continue
            activity, own_type = row["activity"], row["salary_type"]
            if activity is not None and activity not in self.activities:
                self.reject("punches", row, "activity", UNKNOWN_ACTIVITY, activity=activity)
                continue
            if own_type is not None and not self.is_hours_type(own_type):
                self.reject("punches", row, "salary_type", NOT_AN_HOURS_TYPE,
                            salary_type=own_type)
                continue
            for clock_day, a, b in self.split(start, end, day):
                self.sheet[(row["employee_id"], clock_day, activity)]["system"] += b - a
            start = round_instant(start, self.rules.rounding_start.step_seconds,
                                  self.rules.rounding_start.direction, self.zone)
            end = max(start, round_instant(end, self.rules.rounding_end.step_seconds,
                                           self.rules.rounding_end.direction, self.zone))
            length = end - start
            pause = min(row["break_minutes"] * 60, length) if self.rules.use_punched_breaks else 0
            first_part = (length - pause) // 2
            start_day = local_date(start, self.zone)
            gap = start + first_part
            for gap_day, a, b in self.split(gap, gap + pause, start_day):
                breaks[(row["employee_id"], gap_day)] += b - a
            act = self.activities.get(activity) if activity else None
            target = own_type or (act.salary_type if act and act.salary_type else REGULAR)
            paid = act.paid if act else True
            # the break splits the punch in two; a punch without one is a single stretch
            parts = ([(start, end)] if pause == 0 else
                     [(start, start + first_part), (start + first_part + pause, end)])
            for lo, hi in parts:
                for piece_day, a, b in self.split(lo, hi, start_day):
                    pieces.append(Piece(row["employee_id"], piece_day, a, b, row["row_id"],
                                        activity, target, paid))
        return pieces, breaks

    def day_facts(self, pieces: list[Piece], scheduled: dict) -> None:
        worked: dict[tuple[str, dt.date], int] = defaultdict(int)
        punches: dict[tuple[str, dt.date], set[str]] = defaultdict(set)
        for piece in pieces:
            worked[(piece.employee, piece.day)] += piece.end - piece.start
            if piece.end > piece.start:
                punches[(piece.employee, piece.day)].add(piece.row_id)
        for employee, day in sorted(set(worked) | set(scheduled)):
            if self.period.start <= day <= self.period.end:
                self.result.days.append({
                    "employee_id": employee, "day": day, "agreement": self.a.id,
                    "worked": worked.get((employee, day), 0),
                    "scheduled": scheduled.get((employee, day), 0),
                    "worked_ids": sorted(punches[(employee, day)]),
                    "scheduled_ids": sorted(self.paid_schedules[(employee, day)])})

    def source_of(self, code: str) -> str:
        return str(self.a.salary_type(code).source)

    def is_hours_type(self, code: str) -> bool:
        try:
            return self.a.salary_type(code).unit == "hours"
        except KeyError:
            return False

    def schedule_days(self, schedules: list[dict[str, Any]]) -> tuple[dict, dict]:
        """Planned activities per employee-day (in order of first start) and paid scheduled
        seconds per employee-day."""
        planned: dict[tuple[str, dt.date], dict[str, int]] = defaultdict(dict)
        scheduled: dict[tuple[str, dt.date], int] = defaultdict(int)
        for row in schedules:
            if row["start"] is None or row["end"] is None:
                continue
            start = read_time(row["start"], self.zone)
            end = read_time(row["end"], self.zone)
            start_day = (row["start"].date() if isinstance(start, Reason)
                         else local_date(start, self.zone))
            if not self.ours(row["employee_id"], start_day):
                continue
            if isinstance(start, Reason):
                self.reject_time("schedules", row, "start", start)
                continue
            if isinstance(end, Reason):
                self.reject_time("schedules", row, "end", end)
                continue
            if end <= start:
                continue
            for day, a, b in self.split(start, end, start_day):
                key = (row["employee_id"], day)
                self.sheet[(row["employee_id"], day, row["activity"])]["planned"] += b - a
                if row["paid"]:
                    scheduled[key] += b - a
                    self.paid_schedules[key].add(row["row_id"])
                if row["activity"] is not None:
                    first = planned[key].get(row["activity"], a)
                    planned[key][row["activity"]] = min(first, a)
        return planned, scheduled

    def automatic_breaks(self, pieces: list[Piece], breaks: dict) -> None:
        """Cut the missing part of a required break from the end of the day's paid time."""
        if not self.rules.automatic_breaks:
            return
        by_day: dict[tuple[str, dt.date], list[Piece]] = defaultdict(list)
        for piece in pieces:
            if piece.paid:
                by_day[(piece.employee, piece.day)].append(piece)
        for key, day_pieces in by_day.items():
            worked = sum(p.end - p.start for p in day_pieces)
            rules = [r for r in self.rules.automatic_breaks if worked > r.after_seconds]
            if not rules:
                continue
            missing = max(0, rules[-1].deduct_seconds - breaks[key])
            for piece in sorted(day_pieces, key=lambda p: (p.end, p.start, p.row_id),
                                reverse=True):
                cut = min(missing, piece.end - piece.start)
                piece.end -= cut
                missing -= cut

    def pools(self, pieces: list[Piece]) -> tuple[dict, dict]:
        """Paid seconds per employee-day and target, and the punch rows behind each."""
        pools: dict[tuple[str, dt.date], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        ids: dict[tuple[str, dt.date, str], set[str]] = defaultdict(set)
        for piece in pieces:
            if piece.paid and piece.end > piece.start:
                pools[(piece.employee, piece.day)][piece.target] += piece.end - piece.start
                ids[(piece.employee, piece.day, piece.target)].add(piece.row_id)
        return pools, ids

    # -- set paid time -----------------------------------------------------------------------

    def set_paid_time(self, pieces: list[Piece], planned: dict, pools: dict) -> None:
        spent: dict[tuple[str, dt.date, str], int] = defaultdict(int)
        for p in pieces:
            act = self.activities.get(p.activity) if p.activity else None
            if p.paid and act is not None and p.target == (act.salary_type or REGULAR):
                spent[(p.employee, p.day, p.activity)] += p.end - p.start  # type: ignore[index]
        for (employee, day), activities in planned.items():
            if not self.first <= day <= self.period.end:
                continue
            order = sorted(activities, key=lambda a: (activities[a], a))
            done: set[str] = set()
            for rule in self.rules.set_paid_time:
                if rule.days and not rule.days & self.day_kinds(day):
                    continue
                covered = [a for a in order if a not in done and a in self.activities
                           and self.activities[a].paid
                           and (not rule.activities or a in rule.activities)]
                if not covered:
                    continue
                done.update(covered)
                used = [spent[(employee, day, a)] for a in covered]
                for activity, paid_time, was in zip(covered, self.split_time(rule, used), used,
                                                    strict=True):
                    target = self.activities[activity].salary_type or REGULAR
                    pools[(employee, day)][target] += paid_time - was
                    self.sheet[(employee, day, activity)]["salary_time"] += paid_time - was

    @staticmethod
    def split_time(rule: Any, spent: list[int]) -> list[int]:
        """The paid time of each covered activity under a set-paid-time rule."""
        count = len(spent)
        if rule.rule == "zero_hours":
            return [0] * count
        if rule.rule == "eight_hours":
            return [EIGHT_HOURS] * count
        total = rule.time_seconds
        whole = sum(spent)
        if rule.rule == "custom_even" or whole == 0:
            base, extra = divmod(total, count)
            return [base + (1 if i < extra else 0) for i in range(count)]
        shares = [total * s // whole for s in spent]
        left = total - sum(shares)
        ranked = sorted(range(count), key=lambda i: (-(total * spent[i] % whole), i))
        for i in ranked[:left]:
            shares[i] += 1
        return shares

    # -- lines -------------------------------------------------------------------------------

    def line(self, employee: str, day: dt.date, code: str, rule: str, source: str, *,
             seconds: int | None = None, quantity: Decimal | None = None,
             ids: Iterable[str] = (), approved: bool | None = None) -> None:
        if not self.period.start <= day <= self.period.end:
            return
        st = self.a.salary_type(code)
        if quantity is None:
            assert seconds is not None
            quantity = Decimal(seconds) / 3600
        rate, amount = self.price(employee, day, st, seconds, quantity)
        self.append(employee=employee, day=day, st=st, rule=rule, source=source,
                    seconds=seconds, quantity=quantity, rate=rate, amount=amount, ids=ids,
                    approved=approved)

    def append(self, *, employee: str, day: dt.date, st: SalaryType, rule: str, source: str,
               seconds: int | None, quantity: Decimal, rate: Decimal | None,
               amount: Decimal | None, ids: Iterable[str], approved: bool | None) -> None:
        """Add a priced line, quantity and rate at six decimals."""
        code = st.code
        quantity = quantity.quantize(SIX, ROUND_HALF_EVEN)
        rate = None if rate is None else rate.quantize(SIX, ROUND_HALF_EVEN)
        payable = approved if approved is not None else not st.requires_approval
        self.result.lines.append({
            "employee_id": employee, "date": day, "agreement": self.a.id, "salary_type": code,
            "export_code": st.export_code, "unit": st.unit, "seconds": seconds,
            "quantity": quantity, "rate": rate, "amount": amount,
            "currency": self.a.money.currency, "requires_approval": st.requires_approval,
            "approved": approved, "approved_by": None, "approval_level": None,
            "payable": payable, "rule": rule, "source": source,
            "input_ids": sorted(set(ids)),
        })

    def price(self, employee: str, day: dt.date, st: SalaryType, seconds: int | None,
              quantity: Decimal) -> tuple[Decimal | None, Decimal | None]:
        """The rate and the rounded amount of a line."""
        p = st.pricing
        person = self.employees.get(employee, {})
        hourly = person.get("hourly_rate")
        monthly = self.a.monthly_salary
        divisor = p.monthly_divisor or (monthly.hourly_divisor if monthly else None)
        if person.get("monthly_salary") is not None and divisor is not None:
            # with no divisor in force that day, the employee's own hourly rate holds
            with contextlib.suppress(LookupError):
                hourly = precise(person["monthly_salary"] / divisor.at(day))
        try:
            if p.method in ("none", "monthly_salary"):  # the latter: monthly lines only
                return None, None
            if p.method == "as_given":
                return None, self.a.money.round(quantity)
            if p.method == "hourly_rate":
                assert p.multiplier is not None
                rate = None if hourly is None else hourly * p.multiplier.at(day)
            elif p.method == "fixed_rate":
                assert p.rate is not None
                rate = p.rate.at(day)
            elif p.per_hour is not None:
                rate = p.per_hour.at(day)
            else:
                assert p.percent_of_hourly_rate is not None
                rate = None if hourly is None else (
                    hourly * p.percent_of_hourly_rate.at(day) / 100)
        except LookupError:
            self.warn(employee, day, NO_RATE, salary_type=st.code, day=day)
            return None, None
        if rate is None:
            self.warn(employee, day, NO_HOURLY_RATE, salary_type=st.code)
            return None, None
        if seconds is not None and (st.unit == "hours" or p.method != "fixed_rate"):
            exact = Decimal(seconds) * rate / 3600
        else:
            exact = quantity * rate
        return rate, self.a.money.round(exact)

    def warn(self, employee: str, day: dt.date, reason: Reason, /, **values: object) -> None:
        if self.period.start <= day <= self.period.end:
            self.result.warnings.append({"employee_id": employee, "date": day,
                                         "code": reason.code, "message": reason.text(**values)})

    def activity_lines(self, pools: dict, ids: dict) -> None:
        for (employee, day), targets in pools.items():
            for target, seconds in targets.items():
                if target != REGULAR and seconds > 0:
                    self.line(employee, day, target, f"paid time as {target}",
                              self.source_of(target), seconds=seconds,
                              ids=ids[(employee, day, target)])

    def overtime_lines(self, pools: dict, ids: dict, scheduled: dict,
                       pieces: list[Piece]) -> None:
        regular = {key: targets[REGULAR] for key, targets in pools.items()
                   if targets.get(REGULAR, 0) > 0}
        daily_ot: dict[tuple[str, dt.date], int] = {}
        rule = self.rules.daily_overtime
        for (employee, day), worked in regular.items():
            overtime = 0
            if rule is not None and not self.in_force(rule, day):
                self.warn(employee, day, NO_OVERTIME_THRESHOLD, period="daily", day=day)
            elif rule is not None:
                if rule.threshold_seconds is None:
                    threshold = scheduled.get((employee, day), 0)
                else:
                    threshold = rule.threshold_seconds.at(day)
                overtime = max(0, worked - threshold)
                if rule.by_time_rest:
                    self.time_lines(employee, day, rule, 0, overtime, "daily",
                                    ids[(employee, day, REGULAR)], pieces)
                self.step_lines(employee, day, rule, 0, overtime, "daily",
                                ids[(employee, day, REGULAR)])
            daily_ot[(employee, day)] = overtime
        weekly_ot: dict[tuple[str, dt.date], int] = defaultdict(int)
        weekly = self.rules.weekly_overtime
        if weekly is not None:
            weeks: dict[tuple[str, dt.date], list[dt.date]] = defaultdict(list)
            for employee, day in regular:
                weeks[(employee, week_start(day, self.rules.week_starts))].append(day)
            for (employee, start), days in weeks.items():
                if not self.in_force(weekly, start):
                    for day in days:
                        self.warn(employee, day, NO_OVERTIME_THRESHOLD, period="weekly",
                                  day=start)
                    continue
                assert weekly.threshold_seconds is not None
                threshold = weekly.threshold_seconds.at(start)
                total = before = 0
                for day in sorted(days):
                    straight = regular[(employee, day)] - daily_ot[(employee, day)]
                    total += straight
                    overtime = min(straight, max(0, total - threshold))
                    if weekly.by_time_rest:
                        daily_part = daily_ot[(employee, day)]
                        self.time_lines(employee, day, weekly, daily_part,
                                        daily_part + overtime, "weekly",
                                        ids[(employee, day, REGULAR)], pieces)
                    self.step_lines(employee, day, weekly, before, overtime, "weekly",
                                    ids[(employee, day, REGULAR)], at=start)
                    before += overtime
                    weekly_ot[(employee, day)] = overtime
        code = self.rules.ordinary_salary_type
        if code is None:
            return
        for (employee, day), worked in regular.items():
            ordinary = worked - daily_ot[(employee, day)] - weekly_ot[(employee, day)]
            if ordinary > 0:
                self.line(employee, day, code, "time_rules.ordinary_salary_type",
                          str(self.rules.source), seconds=ordinary,
                          ids=ids[(employee, day, REGULAR)])

    @staticmethod
    def in_force(rule: Any, at: dt.date) -> bool:
        """Whether the rule's threshold and all its step lengths have a value on `at`."""
        values = [s.length_seconds for s in rule.steps if s.length_seconds is not None]
        if rule.threshold_seconds is not None:
            values.append(rule.threshold_seconds)
        try:
            for value in values:
                value.at(at)
        except LookupError:
            return False
        return True

    def step_lines(self, employee: str, day: dt.date, rule: Any, before: int, overtime: int,
                   period: str, ids: set[str], at: dt.date | None = None) -> None:
        """Overtime [before, before + overtime) of the day or week, cut into the steps."""
        lo, hi = before, before + overtime
        position = 0
        for i, step in enumerate(rule.steps):
            length = None if step.length_seconds is None else step.length_seconds.at(at or day)
            end = None if length is None else position + length
            part = max(0, (hi if end is None else min(hi, end)) - max(lo, position))
            if part > 0:
                self.line(employee, day, step.salary_type,
                          f"time_rules.overtime.{period}.steps[{i}]", str(step.source),
                          seconds=part, ids=ids)
            if end is None:
                break
            position = end

    def time_lines(self, employee: str, day: dt.date, rule: Any, lo: int, hi: int,
                   period: str, ids: set[str], pieces: list[Piece]) -> None:
        """Overtime [lo, hi), counted back from the end of the day's regular time, paid by
        the first `by_time` window holding each second, the rest by the last entry."""
        if hi <= lo:
            return
        regular = sorted((p for p in pieces if p.employee == employee and p.day == day
                          and p.paid and p.target == REGULAR and p.end > p.start),
                         key=lambda p: (p.start, p.end), reverse=True)
        paid: dict[int, int] = defaultdict(int)
        back = 0  # where the piece ends, counted back from the end of the day's time
        for piece in regular:
            length = piece.end - piece.start
            a, b = max(lo, back), min(hi, back + length)
            if a < b:
                for window, seconds in self.winners(day, piece.end - (b - back),
                                                    piece.end - (a - back), rule.by_time):
                    paid[rule.by_time.index(window)] += seconds
            back += length
        paid[len(rule.by_time)] += hi - lo - sum(paid.values())
        classes = [*rule.by_time, rule.by_time_rest]
        for i, seconds in sorted(paid.items()):
            if seconds > 0:
                self.line(employee, day, classes[i].salary_type,
                          f"time_rules.overtime.{period}.by_time[{i}]",
                          str(classes[i].source), seconds=seconds, ids=ids)

    def winners(self, day: dt.date, start: int, end: int, windows: Any
                ) -> list[tuple[Any, int]]:
        """The seconds of [start, end) (worked time of `day`) that each of `windows` wins:
        an ungrouped window all it covers; in a group, the highest priority covering."""
        instances = []
        for offset in (-1, 0, 1):
            on = day + dt.timedelta(days=offset)
            kinds = self.day_kinds(on)
            for w in windows:
                if w.days & kinds:
                    begin = wall_to_instant(on, w.start_seconds, self.zone)
                    end_day = on + DAY if w.crosses_midnight or w.end_seconds == 86400 else on
                    until = wall_to_instant(end_day, w.end_seconds % 86400, self.zone)
                    lo, hi = max(begin, start), min(until, end)
                    if hi > lo:
                        instances.append((lo, hi, w))
        won = [(w, hi - lo) for lo, hi, w in instances if w.group is None]
        for group in sorted({w.group for _, _, w in instances if w.group is not None}):
            members = [(lo, hi, w) for lo, hi, w in instances if w.group == group]
            cuts = sorted({t for lo, hi, _ in members for t in (lo, hi)})
            for a, b in itertools.pairwise(cuts):
                covering = [w for lo, hi, w in members if lo <= a and b <= hi]
                if covering:
                    won.append((max(covering, key=lambda w: w.priority), b - a))
        return won

    def supplement_lines(self, pieces: list[Piece]) -> None:
        windows = self.rules.supplements
        if not windows:
            return
        credit: dict[tuple[str, dt.date, str], int] = defaultdict(int)
        ids: dict[tuple[str, dt.date, str], set[str]] = defaultdict(set)
        for piece in pieces:
            if not piece.paid or piece.end <= piece.start:
                continue
            for w, seconds in self.winners(piece.day, piece.start, piece.end, windows):
                credit[(piece.employee, piece.day, w.code)] += seconds
                ids[(piece.employee, piece.day, w.code)].add(piece.row_id)
        by_code = {w.code: w for w in windows}
        for (employee, day, code), seconds in credit.items():
            w = by_code[code]
            self.line(employee, day, w.salary_type, f"time_rules.supplements.{code}",
                      str(w.source), seconds=seconds, ids=ids[(employee, day, code)])

    def absence_lines(self, absences: list[dict[str, Any]], scheduled: dict
                      ) -> list[AbsenceDay]:
        """The absence lines; returns every day of the usable absences under the agreement
        (from the first day the evaluation looks at), counted or not."""
        absence_days = []
        for row in absences:
            employee = row["employee_id"]
            code = row["salary_type"]
            span = (row["end_date"] - row["start_date"]).days + 1
            window = [day for day in (row["start_date"] + DAY * n for n in range(span))
                      if self.first <= day <= self.period.end]
            if window and not any(self.has_main(employee, day) for day in window):
                self.reject("absences", row, "start_date", NO_MAIN_AGREEMENT_SPAN,
                            first=window[0], last=window[-1])
                continue
            days = [day for day in window if self.ours(employee, day)]
            if not days:
                continue
            try:
                st = self.a.salary_type(code)
            except KeyError:
                self.reject("absences", row, "salary_type", UNKNOWN_SALARY_TYPE, salary_type=code)
                continue
            person = self.employees.get(employee)
            if person is None:
                self.reject("absences", row, "employee_id", UNKNOWN_EMPLOYEE)
                continue
            has_schedule = any(scheduled.get((employee, d), 0) > 0 for d in days)
            for day in days:
                if has_schedule:
                    counted = scheduled.get((employee, day), 0) > 0
                else:
                    counted = (day.weekday() < person["working_days_per_week"]
                               and day not in self.holidays)
                seconds = self.absence_seconds(row, person, scheduled.get((employee, day), 0))
                absence_days.append(AbsenceDay(row, day, counted, seconds))
                if self.period.start <= day <= self.period.end:
                    self.result.leave.append({
                        "employee_id": employee, "day": day, "agreement": self.a.id,
                        "salary_type": code, "absence_id": row["row_id"], "counted": counted,
                        "kinds": self.day_kinds(day)})
                if not counted:
                    continue
                quantity = Decimal(1) if st.unit == "days" else None
                self.line(employee, day, code, "absences", self.source_of(code),
                          seconds=seconds, quantity=quantity, ids=[row["row_id"]])
        return absence_days

    def absence_seconds(self, row: dict[str, Any], person: dict[str, Any],
                        scheduled: int) -> int:
        if row["hours_per_day"] is not None:
            return int((row["hours_per_day"] * 3600).to_integral_value(ROUND_HALF_UP))
        if self.rules.full_absence_day == "schedule_or_nominal" and scheduled > 0:
            return scheduled
        nominal = (person["fulltime_hours_per_week"] * person["employment_level"] * 3600
                   / person["working_days_per_week"])
        return int(nominal.to_integral_value(ROUND_HALF_UP))

    def monthly_lines(self, absence_days: list[AbsenceDay]) -> None:
        lines, unrated = monthly_lines(self.a, self.period, self.employees, self.ours,
                                       absence_days)
        for employee, day, code in unrated:
            self.warn(employee, day, NO_RATE, salary_type=code, day=day)
        for m in lines:
            st = self.a.salary_type(m.code)
            self.append(employee=m.employee, day=m.day, st=st, rule=m.rule,
                        source=m.source, seconds=None, quantity=m.quantity,
                        rate=m.rate, amount=self.a.money.round(m.exact), ids=m.ids,
                        approved=None)

    def approve(self, lines: list[dict[str, Any]], approvals: list[dict[str, Any]],
                punches: list[dict[str, Any]]) -> None:
        """Approve the waiting `lines` by the approvals rows (docs/approvals.md)."""
        activity_of = {p["row_id"]: p["activity"] for p in punches}
        covering: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
        for n, line in enumerate(lines):
            if not line["requires_approval"] or line["approved"] is not None:
                continue
            found = [activity_of.get(i) for i in line["input_ids"]]
            activity = (found[0] if found and None not in found and len(set(found)) == 1
                        else None)
            for row in approvals:
                if (row["employee_id"] == line["employee_id"]
                        and row["start_date"] <= line["date"] <= row["end_date"]
                        and row["salary_type"] in (None, line["salary_type"])
                        and row["activity"] in (None, activity)
                        and row["level"] <= self.a.approval_levels):
                    covering[(n, row["level"])].append(row)
        refused: dict[str, tuple[Any, ...]] = {}
        for (n, level), rows in covering.items():
            if len({row["approved"] for row in rows}) > 1:
                ids = ", ".join(sorted({row["row_id"] for row in rows}))
                for row in rows:
                    key = (lines[n]["date"], lines[n]["salary_type"], level, ids)
                    refused[row["row_id"]] = min(refused.get(row["row_id"], key), key)
        for row_id, (day, code, level, ids) in refused.items():
            self.reject("approvals", {"row_id": row_id}, "approved", APPROVALS_DISAGREE,
                        rows=ids, level=level, salary_type=code, day=day)
        decided: dict[int, list[tuple[int, bool, str]]] = defaultdict(list)
        for (n, level), rows in sorted(covering.items()):
            used = [row for row in rows if row["row_id"] not in refused]
            if used:
                names = sorted({row["approved_by"] for row in used} - {None})
                decided[n].append((level, used[0]["approved"], ", ".join(names)))
        for n, verdicts in decided.items():
            line = lines[n]
            yes = sum(approved for _, approved, _ in verdicts)
            if any(not approved for _, approved, _ in verdicts):
                line["approved"] = False
            elif yes == self.a.approval_levels:
                line["approved"] = True
            line["approval_level"] = yes
            line["approved_by"] = ", ".join(names for _, _, names in verdicts if names) or None
            if line["approved"] is not None:
                line["payable"] = line["approved"]

    def log_lines(self, logs: list[dict[str, Any]]) -> None:
        """Approved time logs paid as worked time: a line per log and day, of the salary
        type their service maps to (`billing.payroll`), else of the default one."""
        mapping = dict(self.a.billing.payroll)
        for log in logs:
            code = mapping.get(log["service"], mapping.get(None))
            if log["status"] != "approved" or log["seconds"] == 0 or code is None:
                continue
            rule = ("billing.payroll.salary_type" if log["service"] not in mapping
                    or log["service"] is None else f"billing.payroll.by_service.{log['service']}")
            self.line(log["employee_id"], log["day"], code, rule, self.source_of(code),
                      seconds=log["seconds"], ids=log["input_ids"])

    def figure_lines(self, figures: list[dict[str, Any]]) -> None:
        for row in figures:
            if not self.period.start <= row["date"] <= self.period.end or not self.ours(
                    row["employee_id"], row["date"]):
                continue
            code = getattr(self.a.figures, row["kind"], None)
            if code is None:
                if row["kind"] in PAY_FIGURE_KINDS and row["approved"]:
                    self.warn(row["employee_id"], row["date"], FIGURE_NOT_PAID, kind=row["kind"],
                              agreement=self.a.id)
                continue
            self.line(row["employee_id"], row["date"], code, f"figures.{row['kind']}",
                      self.source_of(code), quantity=row["value"], ids=[row["row_id"]],
                      approved=row["approved"])
