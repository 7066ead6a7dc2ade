"""The reference evaluator of billable time, in plain Python one row at a time: what
docs/billing.md says, in the order it says it. `paycalc.engine.billing` must give the same
time logs, timesheets, invoice lines and rejects (`tests/test_billing_vs_reference.py`).

For each agreement: a timer's events, in time order, make runs from each `start` to its
`stop`; a run whose events do not follow start, (pause, resume)*, [pause], stop, that
shares an instant with another event of the timer, that is never stopped, or that starts
while nine runs of the person are open, makes no log and every event of it is rejected. A
log (from `timelogs` or from a run) falls under the employee's main agreement on the day it
starts; it counts on that day, or on each day it runs through; a submitted log is approved
once it has the agreement's approval levels; a billable, not voided log is priced on each
day by the most specific rate in force (case, customer, service) and its billed time is
rounded. Timesheets add seconds per period and status, invoice lines add approved time per
customer, case, service and rate and round each amount once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from paycalc.reasons import (
    END_BEFORE_START,
    LOG_APPROVAL_SHORT,
    LOG_NO_RATE,
    LOG_NO_SERVICE,
    MISSING_FIELD,
    NO_MAIN_AGREEMENT,
    TIMER_NOT_STOPPED,
    TIMER_OUT_OF_ORDER,
    TIMER_RESTARTED,
    TIMER_SAME_INSTANT,
    TOO_MANY_TIMERS,
    UNKNOWN_EVENT,
    UNKNOWN_SERVICE,
    UNKNOWN_STATUS,
    Reason,
)
from paycalc.reference.local_time import (
    MainAgreements,
    local_date,
    read_time,
    wall_to_instant,
)
from paycalc.rules.compiled import Agreement, Billing
from paycalc.tables.inputs import LOG_STATUSES, TIMER_EVENTS, Inputs, Period, prepare

MAX_TIMERS = 9
DAY = dt.timedelta(days=1)
_TEXT = "%Y-%m-%d %H:%M:%S"
_FITS = {"pause": ("start", "resume"), "resume": ("pause",),
         "stop": ("start", "pause", "resume")}
"""The events each event may follow within a run (a start always begins one)."""


@dataclass
class BillingResult:
    """What the reference evaluation of billable time produced."""

    time_logs: list[dict[str, Any]] = field(default_factory=list)
    timesheets: list[dict[str, Any]] = field(default_factory=list)
    invoice_lines: list[dict[str, Any]] = field(default_factory=list)
    rejects: list[dict[str, Any]] = field(default_factory=list)


class _Problem(NamedTuple):
    """Why a row or log cannot be used: the column at fault, the reason and its values."""

    column: str
    reason: Reason
    values: dict[str, object]


@dataclass
class _Log:
    """A time log before it is put on days: its rows, instants and running intervals."""

    row: dict[str, Any]
    log_id: str
    table: str
    input_ids: list[str]
    start: int
    end: int
    start_day: dt.date
    intervals: list[tuple[int, int]]


def bill_reference(agreements: Iterable[Agreement], inputs: Inputs, period: Period
                   ) -> BillingResult:
    """Time logs, timesheets, invoice lines and rejected rows of `period`."""
    by_id = {a.id: a for a in agreements}
    tables = {name: frame.to_dicts() for name, frame in prepare(inputs).items()}
    mains = MainAgreements(by_id, tables["assignments"])
    result = BillingResult()
    parts: list[dict[str, Any]] = []
    for agreement in by_id.values():
        parts += _AgreementBilling(agreement, period, mains, result).run(tables)
    parts.sort(key=lambda r: (r["employee_id"], r["day"], r["start_utc"], r["log_id"]))
    result.time_logs = [{k: v for k, v in r.items() if k != "first_part"} for r in parts]
    result.timesheets = _timesheets(parts, by_id, period)
    result.invoice_lines = _invoice_lines(parts, by_id)
    unique = {tuple(r.values()): r for r in result.rejects}
    result.rejects = [unique[key] for key in sorted(unique)]
    return result


class _AgreementBilling:
    """Billable time under one agreement."""

    def __init__(self, agreement: Agreement, period: Period, mains: MainAgreements,
                 result: BillingResult) -> None:
        self.a = agreement
        self.billing: Billing = agreement.billing
        self.zone = ZoneInfo(agreement.time_zone)
        self.period = period
        self.mains = mains
        self.result = result

    def reject(self, table: str, row_id: str, column: str, reason: Reason, /,
               **values: object) -> None:
        self.result.rejects.append({"table": table, "row_id": row_id, "column": column,
                                    "code": reason.code, "reason": reason.text(**values)})

    def decide(self, employee: str, day: dt.date, last: dt.date) -> bool | None:
        """None when a row from `day` to `last` does not count in this evaluation or falls
        under another agreement; False when no main agreement covers `day`; else True."""
        if day > self.period.end or last < self.period.start:
            return None
        main = self.mains.main_on(employee, day)
        if main is None:
            return None if self.mains.has_main(employee, day) else False
        return True if main.id == self.a.id else None

    def last_day(self, day: dt.date, start: int | None, end: int | None) -> dt.date:
        """The last day a row from `day` counts on."""
        if not self.billing.split_at_midnight:
            return day
        moments = [m for m in (None if end is None else end - 1, start) if m is not None]
        return max(day, local_date(max(moments), self.zone)) if moments else day

    def run(self, tables: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
        logs = self.timer_logs(tables["timer_events"]) + self.given_logs(tables["timelogs"])
        parts = []
        for log in logs:
            parts += self.log_parts(log)
        return parts

    # -- timers ---------------------------------------------------------------------------

    def timer_logs(self, rows: list[dict[str, Any]]) -> list[_Log]:
        timers: dict[tuple[str, str], list[tuple[int, dict[str, Any]]]] = defaultdict(list)
        for row in rows:
            if row["at"] is None:
                continue
            instant = read_time(row["at"], self.zone)
            day = row["at"].date() if not isinstance(instant, int) else local_date(instant,
                                                                                   self.zone)
            problem: _Problem | None = None
            if not isinstance(instant, int):
                problem = _Problem("at", instant, {"time": row["at"].strftime(_TEXT),
                                           "zone": self.zone.key})
            elif row["event"] not in TIMER_EVENTS:
                problem = _Problem("event", UNKNOWN_EVENT, {"event": row["event"],
                                                    "events": ", ".join(TIMER_EVENTS)})
            elif row["status"] not in LOG_STATUSES:
                problem = _Problem("status", UNKNOWN_STATUS, {"status": row["status"],
                                                      "statuses": ", ".join(LOG_STATUSES)})
            if problem is None:
                assert isinstance(instant, int)
                timers[(row["employee_id"], row["timer"])].append((instant, row))
                continue
            decided = self.decide(row["employee_id"], day, day)
            if decided is False:
                self.reject("timer_events", row["row_id"], "employee_id", NO_MAIN_AGREEMENT,
                            day=day)
            elif decided:
                column, reason, values = problem
                self.reject("timer_events", row["row_id"], column, reason, **values)
        runs: list[dict[str, Any]] = []
        for (employee, timer), found in timers.items():
            found.sort(key=lambda item: (item[0], TIMER_EVENTS.index(item[1]["event"]),
                                         item[1]["row_id"]))
            runs += self.timer_runs(employee, timer, found)
        self.refuse_crowded(runs)
        logs = []
        for run in runs:
            events: list[tuple[int, dict[str, Any]]] = run["events"]
            first_row = events[0][1]
            day = self.day_of(events[0][0])
            last = self.last_day(day, events[0][0], events[-1][0])
            decided = self.decide(run["employee"], day, last)
            if decided is False:
                for _, event in events:
                    self.reject("timer_events", event["row_id"], "employee_id",
                                NO_MAIN_AGREEMENT, day=day)
            elif decided and run["reason"] is not None:
                reason, values = run["reason"]
                for _, event in events:
                    self.reject("timer_events", event["row_id"], "event", reason, **values)
            elif decided:
                intervals = [(at, events[n + 1][0]) for n, (at, event) in enumerate(events)
                             if event["event"] in ("start", "resume")]
                logs.append(_Log(first_row, first_row["row_id"], "timer_events",
                                 sorted(event["row_id"] for _, event in events), events[0][0],
                                 events[-1][0], day, intervals))
        return logs

    def day_of(self, instant: int) -> dt.date:
        return local_date(instant, self.zone)

    def timer_runs(self, employee: str, timer: str, found: list[tuple[int, dict[str, Any]]]
                   ) -> list[dict[str, Any]]:
        """The runs of one timer's events in order, each with the reason it makes no log."""
        runs: list[dict[str, Any]] = []
        for n, (at, row) in enumerate(found):
            if row["event"] == "start" or not runs:
                runs.append({"employee": employee, "timer": timer, "events": [],
                             "reason": None})
            run = runs[-1]
            before = found[n - 1] if n > 0 else None
            after = found[n + 1] if n + 1 < len(found) else None
            previous = run["events"][-1][1]["event"] if run["events"] else None
            run["events"].append((at, row))
            if run["reason"] is not None:
                continue
            text, first = row["at"].strftime(_TEXT), run["events"][0][1]["at"].strftime(_TEXT)
            same = [near for near in (before, after) if near is not None and near[0] == at]
            if same:
                other = same[0][1]["event"]
                run["reason"] = (TIMER_SAME_INSTANT, {"timer": timer, "event": row["event"],
                                                      "other": other, "at": text,
                                                      "first": first})
            elif row["event"] != "start" and previous not in _FITS[row["event"]]:
                run["reason"] = (TIMER_OUT_OF_ORDER, {
                    "timer": timer, "event": row["event"], "at": text,
                    "previous": previous or "nothing", "first": first})
        for n, run in enumerate(runs):
            if run["reason"] is None and run["events"][-1][1]["event"] != "stop":
                first = run["events"][0][1]["at"].strftime(_TEXT)
                if n + 1 < len(runs):
                    again = runs[n + 1]["events"][0][1]["at"].strftime(_TEXT)
                    run["reason"] = (TIMER_RESTARTED, {"timer": timer, "first": first,
                                                       "again": again})
                else:
                    run["reason"] = (TIMER_NOT_STOPPED, {"timer": timer, "first": first})
        return runs

    def refuse_crowded(self, runs: list[dict[str, Any]]) -> None:
        """Refuse each run that starts while MAX_TIMERS accepted runs of its person are open
        (at one instant stops come first, then starts by timer)."""
        bounds = []
        for n, run in enumerate(runs):
            if run["reason"] is None:
                events = run["events"]
                bounds.append((run["employee"], events[0][0], 1, run["timer"], n))
                bounds.append((run["employee"], events[-1][0], -1, run["timer"], n))
        open_runs: dict[str, set[int]] = defaultdict(set)
        for employee, _, step, timer, n in sorted(bounds):
            if step < 0:
                open_runs[employee].discard(n)
            elif len(open_runs[employee]) >= MAX_TIMERS:
                first = runs[n]["events"][0][1]["at"].strftime(_TEXT)
                runs[n]["reason"] = (TOO_MANY_TIMERS, {"timer": timer, "first": first,
                                                       "limit": MAX_TIMERS})
            else:
                open_runs[employee].add(n)

    # -- time logs ------------------------------------------------------------------------

    def given_logs(self, rows: list[dict[str, Any]]) -> list[_Log]:
        logs = []
        for row in rows:
            if row["start"] is None:
                continue
            start = read_time(row["start"], self.zone)
            end = None if row["end"] is None else read_time(row["end"], self.zone)
            day = local_date(start, self.zone) if isinstance(start, int) else row["start"].date()
            problem: _Problem | None = None
            if not isinstance(start, int):
                problem = _Problem("start", start, {"time": row["start"].strftime(_TEXT),
                                            "zone": self.zone.key})
            elif end is None:
                problem = _Problem("end", MISSING_FIELD, {"column": "end"})
            elif not isinstance(end, int):
                problem = _Problem("end", end, {"time": row["end"].strftime(_TEXT),
                                        "zone": self.zone.key})
            elif end < start:
                problem = _Problem("end", END_BEFORE_START, {})
            elif row["status"] not in LOG_STATUSES:
                problem = _Problem("status", UNKNOWN_STATUS, {"status": row["status"],
                                                      "statuses": ", ".join(LOG_STATUSES)})
            last = self.last_day(day, start if isinstance(start, int) else None,
                                 end if isinstance(end, int) else None)
            decided = self.decide(row["employee_id"], day, last)
            if decided is False:
                self.reject("timelogs", row["row_id"], "employee_id", NO_MAIN_AGREEMENT, day=day)
            elif decided and problem is not None:
                column, reason, values = problem
                self.reject("timelogs", row["row_id"], column, reason, **values)
            elif decided:
                assert isinstance(start, int) and isinstance(end, int)
                logs.append(_Log(row, row["row_id"], "timelogs", [row["row_id"]], start, end,
                                 day, [(start, end)]))
        return logs

    def log_parts(self, log: _Log) -> list[dict[str, Any]]:
        """The log on each day of the period it counts on, or nothing when it is rejected."""
        row, billing = log.row, self.billing
        refused: list[_Problem] = []
        levels = row["approved_levels"]
        status = row["status"]
        if status == "approved" and levels is not None and levels < billing.approval_levels:
            refused.append(_Problem("approved_levels", LOG_APPROVAL_SHORT, {
                "levels": levels, "needed": billing.approval_levels, "agreement": self.a.id}))
        if status == "submitted" and (levels or 0) >= billing.approval_levels:
            status = "approved"
        shares = self.shares(log)
        first_day = min(shares)
        days = [day for day in sorted(shares) if self.period.start <= day <= self.period.end]
        billed = row["billable"] and status != "voided"
        priced: dict[dt.date, tuple[Decimal, str]] = {}
        for day in days if billed else []:
            found = self.priced(row, day)
            if isinstance(found, _Problem):
                refused.append(found)
                break
            priced[day] = found
        for column, reason, values in refused:
            for row_id in log.input_ids:
                self.reject(log.table, row_id, column, reason, **values)
        if refused:
            return []
        service = billing.service(row["service"]) if billed else None
        return [{
            "employee_id": row["employee_id"], "log_id": log.log_id, "agreement": self.a.id,
            "day": day, "start_utc": _utc(log.start), "end_utc": _utc(log.end),
            "seconds": shares[day], "customer": row["customer"], "case": row["case"],
            "service": row["service"], "billable": row["billable"], "status": status,
            "approved_levels": levels,
            "billed_seconds": self.billed(shares[day]) if billed else None,
            "rate": _six(priced[day][0]) if billed else None,
            "rate_from": priced[day][1] if billed else None,
            "per": service.per if service else None,
            "currency": billing.money.currency if billed else None, "note": row["note"],
            "input_ids": log.input_ids, "first_part": day == first_day,
        } for day in days]

    def shares(self, log: _Log) -> dict[dt.date, int]:
        """Seconds of the log per day it counts on."""
        if not self.billing.split_at_midnight:
            return {log.start_day: sum(e - s for s, e in log.intervals)}
        shares: dict[dt.date, int] = defaultdict(int)
        for start, end in log.intervals:
            day = local_date(start, self.zone)
            while start < end:
                stop = min(end, wall_to_instant(day + DAY, 0, self.zone))
                shares[day] += stop - start
                start, day = stop, day + DAY
        return dict(shares) or {log.start_day: 0}

    def priced(self, row: dict[str, Any], day: dt.date) -> tuple[Decimal, str] | _Problem:
        """The rate of a billable log on `day` and its level, or why there is none."""
        service = row["service"]
        codes = [s.code for s in self.billing.services]
        if service is None:
            return _Problem("service", LOG_NO_SERVICE, {})
        if service not in codes:
            return _Problem("service", UNKNOWN_SERVICE, {
                "service": service, "agreement": self.a.id,
                "services": ", ".join(codes) or "no services"})
        found = self.rate(service, row["customer"], row["case"], day)
        if found is None:
            return _Problem("service", LOG_NO_RATE, {"service": service, "day": day,
                                             "customer": row["customer"] or "none",
                                             "case": row["case"] or "none"})
        return found

    def rate(self, service: str, customer: str | None, case: str | None, day: dt.date
             ) -> tuple[Decimal, str] | None:
        """The most specific rate in force on `day`: the case's, the customer's, the
        service's."""
        candidates = []
        for o in self.billing.overrides:
            if o.service == service and o.customer == customer:
                if o.case is None:
                    candidates.append((1, "customer", o.rate))
                elif o.case == case:
                    candidates.append((0, "case", o.rate))
        found = self.billing.service(service)
        if found is not None:
            candidates.append((2, "service", found.rate))
        for _, level, rate in sorted(candidates, key=lambda c: c[0]):
            try:
                return rate.at(day), level
            except LookupError:
                continue
        return None

    def billed(self, seconds: int) -> int:
        """Logged seconds as billed: rounded to the step in the declared direction."""
        step = self.billing.rounding_step
        if step == 0:
            return seconds
        whole, rest = divmod(seconds, step)
        direction = self.billing.rounding_direction
        if rest and (direction == "up" or (direction == "nearest" and 2 * rest >= step)):
            whole += 1
        return whole * step


def _utc(instant: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(instant, dt.UTC).replace(tzinfo=None)


def _six(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.000001"), rounding=ROUND_HALF_EVEN)


def _timesheets(parts: list[dict[str, Any]], agreements: dict[str, Agreement],
                period: Period) -> list[dict[str, Any]]:
    sheets: dict[tuple[Any, ...], dict[str, int]] = {}
    for part in parts:
        bounds = agreements[part["agreement"]].billing.period_of(part["day"])
        key = (part["employee_id"], part["agreement"], *bounds)
        sheet = sheets.setdefault(key, dict.fromkeys((*LOG_STATUSES, "billable"), 0))
        sheet[part["status"]] += part["seconds"]
        if part["status"] == "approved" and part["billable"]:
            sheet["billable"] += part["seconds"]
    rows = [{"employee_id": k[0], "agreement": k[1], "period_start": k[2], "period_end": k[3],
             **v} for k, v in sheets.items()]
    return sorted(rows, key=lambda r: (r["employee_id"], r["period_start"], r["agreement"]))


def _invoice_lines(parts: list[dict[str, Any]], agreements: dict[str, Agreement]
                   ) -> list[dict[str, Any]]:
    lines: dict[tuple[Any, ...], list[dict[str, Any]]] = defaultdict(list)
    for part in parts:
        if part["status"] == "approved":
            lines[tuple(part[k] for k in ("customer", "case", "service", "billable",
                                          "agreement", "currency", "per", "rate"))].append(part)
    rows = []
    for (customer, case, service, billable, agreement, currency, per, rate), found in \
            lines.items():
        seconds = sum(p["seconds"] for p in found)
        billed = sum(p["billed_seconds"] for p in found) if billable else None
        counted = sum(1 for p in found if p["first_part"])
        amount: Decimal | None = None
        if not billable or billed is None:
            quantity = Decimal(seconds) / 3600
        elif per == "hour":
            quantity = Decimal(billed) / 3600
            amount = billed * rate / 3600
        else:
            quantity = Decimal(counted)
            amount = counted * rate
        rows.append({
            "customer": customer, "case": case, "service": service, "billable": billable,
            "agreement": agreement, "currency": currency, "per": per, "rate": rate,
            "logs": len({p["log_id"] for p in found}), "seconds": seconds,
            "billed_seconds": billed, "quantity": _six(quantity),
            "amount": None if amount is None else agreements[agreement].billing.money.round(
                amount),
            "first_day": min(p["day"] for p in found), "last_day": max(p["day"] for p in found),
            "log_ids": sorted({p["log_id"] for p in found})})

    def order(row: dict[str, Any]) -> tuple[Any, ...]:
        key: list[Any] = []
        for name in ("customer", "case", "service"):
            key += [row[name] is None, row[name] or ""]
        key.append(not row["billable"])
        for name in ("agreement", "per", "rate"):
            key += [row[name] is None, row[name] if row[name] is not None else ""]
        return tuple(key)

    return sorted(rows, key=order)
