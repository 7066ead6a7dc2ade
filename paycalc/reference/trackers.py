"""The reference evaluator of time trackers: transactions, the ledger and balances, written
plainly, one row at a time.

It defines what docs/trackers.md describes and what the vectorised engine
(`paycalc.engine.trackers`) must reproduce exactly. It reads the pay lines and day facts the
reference pay-line evaluation produced (`ReferenceResult`), never the engine's.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from fractions import Fraction
from typing import Any

from paycalc.reasons import (
    BALANCE_ABOVE_MAX,
    BALANCE_BELOW_MIN,
    MISSING_FIELD,
    NO_BIRTH_DATE,
    NO_CARRY_OVER_LIMIT,
    NO_LINK_FACTOR,
    NO_TRACKER_FACTOR,
    TRACKER_DEFINITIONS_DIFFER,
    TRACKER_NOT_KEPT,
    UNKNOWN_EMPLOYEE,
    UNKNOWN_TRACKER,
    UNLOCKED_OLD,
    Reason,
)
from paycalc.reference.pay_lines import ReferenceResult, evaluate_reference
from paycalc.rules.compiled import (
    Agreement,
    Dated,
    Link,
    Tracker,
    TrackerConflict,
    employee_agreements,
    tracker_definitions,
)
from paycalc.rules.dates import WEEKDAYS
from paycalc.rules.precision import TICKS
from paycalc.tables.inputs import Inputs, Opening, Period, prepare

DAY = dt.timedelta(days=1)
SIX = Decimal("0.000001")
PHASES = {"set": 0, "link": 1, "salary_type": 2, "correction": 3, "adjustment": 4}
"""Order of a day's transactions: sets, then link additions, salary types, corrections of
locked days, adjustments."""


def q6(value: Decimal | Fraction) -> Decimal:
    """A tracker quantity as shown: 6 decimals, half to even, rounded once."""
    if isinstance(value, Fraction):
        with localcontext() as exact:
            exact.prec = 60
            value = Decimal(value.numerator) / Decimal(value.denominator)
    return value.quantize(SIX, ROUND_HALF_EVEN)


def nearest_tick(value: Decimal | Fraction | int, tracker: Tracker) -> Fraction:
    """A transaction's quantity: its exact value to the nearest tick of the tracker's
    unit (`rules.precision.TICKS`), half to even. The ledger adds these exactly."""
    per_unit = TICKS[tracker.unit]
    return Fraction(round(Fraction(value) * per_unit), per_unit)


def locked(values: dict[str, Any], name: str, tracker: Tracker) -> Fraction:
    """A locked `balance` or `accrued`: exactly, from its ticks where the lock kept them."""
    exact = values.get(f"{name}_ticks")
    if exact is not None:
        return Fraction(exact, TICKS[tracker.unit])
    return Fraction(values[name])


def plus_years(day: dt.date, years: int) -> dt.date:
    """The same month-day `years` later; 29 February falls on 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def whole_years(since: dt.date, day: dt.date) -> int:
    """Completed years from `since` to `day`."""
    years = day.year - since.year
    return years if plus_years(since, years) <= day else years - 1


def month_day(year: int, month: int, day: int) -> dt.date:
    """Day `day` of the month; a day the month lacks falls on its last day."""
    while True:
        try:
            return dt.date(year, month, day)
        except ValueError:
            day -= 1


def year_of(tracker: Tracker, day: dt.date) -> dt.date:
    """The first day of the tracking year `day` falls in."""
    start = tracker.year_start.in_year(day.year)
    return start if start <= day else tracker.year_start.in_year(day.year - 1)


def next_year(tracker: Tracker, year: dt.date) -> dt.date:
    """The first day of the tracking year after `year`."""
    return tracker.year_start.in_year(year.year + 1)


def value_at(value: Dated[Decimal], day: dt.date) -> Decimal | None:
    try:
        return value.at(day)
    except LookupError:
        return None



def _warning(employee: str, day: dt.date, reason: Reason, /, **values: object
             ) -> dict[str, Any]:
    """A row of the warnings: `reason` with its `values`, for `employee` on `day`."""
    return {"employee_id": employee, "date": day, "code": reason.code,
            "message": reason.text(**values)}

class _Run:
    """Tracker evaluation of all employees under the given agreements."""

    def __init__(self, agreements: list[Agreement], trackers: dict[str, Tracker],
                 tables: dict[str, list[dict[str, Any]]], period: Period,
                 facts: ReferenceResult) -> None:
        self.agreements = {a.id: a for a in agreements}
        self.trackers = trackers
        self.period = period
        self.facts = facts
        self.employees = {e["employee_id"]: e for e in tables["employees"]}
        self.assignments = [r for r in tables["assignments"] if r["agreement"] in self.agreements]
        self.adjustments = tables["adjustments"]
        self.transactions: list[dict[str, Any]] = []
        self.warnings: list[dict[str, Any]] = []
        self.rejects: list[dict[str, Any]] = []

    def warn(self, employee: str, day: dt.date, reason: Reason, /, **values: object) -> None:
        self.warnings.append(_warning(employee, day, reason, **values))

    def add(self, employee: str, tracker: str, day: dt.date, quantity: Decimal | Fraction, *,
            kind: str, made_by: str, agreement: str | None, source: str, ids: list[str],
            operator: str = "add", value: Decimal | Fraction | None = None,
            level: int | None = None, factor: Decimal | None = None) -> None:
        self.transactions.append({
            "employee_id": employee, "tracker": tracker, "date": day,
            "quantity": nearest_tick(quantity, self.trackers[tracker]),
            "unit": self.trackers[tracker].unit,
            "operator": operator, "kind": kind, "made_by": made_by, "agreement": agreement,
            "driver_value": None if value is None else q6(value), "level": level,
            "factor": factor, "source": source, "input_ids": sorted(set(ids))})

    # -- salary types ----------------------------------------------------------------------

    def salary_type_transactions(self) -> None:
        for line in self.facts.lines:
            if not line["payable"]:
                continue
            st = self.agreements[line["agreement"]].salary_type(line["salary_type"])
            for effect in st.trackers:
                factor = value_at(effect.factor, line["date"])
                if factor is None:
                    self.warn(line["employee_id"], line["date"], NO_TRACKER_FACTOR,
                              salary_type=st.code, tracker=effect.tracker, day=line["date"])
                    continue
                tracker = self.trackers[effect.tracker]
                exact = (Fraction(line["seconds"], 3600)
                         if tracker.unit == "hours" and line["unit"] == "hours"
                         and line["seconds"] is not None else Fraction(line["quantity"]))
                quantity = nearest_tick(effect.sign * exact * Fraction(factor), tracker)
                if quantity != 0:
                    self.add(line["employee_id"], effect.tracker, line["date"], quantity,
                             kind="salary_type", made_by=st.code, agreement=line["agreement"],
                             source=str(effect.source), ids=line["input_ids"], factor=factor)

    def corrections(self, moves: Sequence[dict[str, Any]], first: dt.date) -> None:
        """Corrections of locked days (what their transactions would be now less what was
        transferred), booked on `first`, the first unlocked day, naming the locked day."""
        for move in moves:
            if move["tracker"] in self.trackers:
                self.add(move["employee_id"], move["tracker"], first, move["quantity"],
                         kind="correction", made_by=move["made_by"],
                         agreement=move["agreement"], ids=[],
                         source=f"correction of {move['date']} ({move['kind']} "
                                f"{move['made_by']})")

    # -- links -----------------------------------------------------------------------------

    def windows(self, agreement: Agreement, link: Link) -> dict[str, list[tuple]]:
        """Per employee, the (first, last, assignment) day ranges the link may fire in."""
        found: dict[str, list[tuple]] = defaultdict(list)
        for row in sorted(self.assignments, key=lambda r: (r["valid_from"], r["row_id"])):
            person = self.employees.get(row["employee_id"])
            if row["agreement"] != agreement.id or person is None:
                continue
            if link.main_agreement_only and not row["main"]:
                continue
            ends = [d for d in (row["valid_to"], person["employment_end"]) if d is not None]
            starts = (row["valid_from"], person["employment_start"], self.period.start)
            first = max(d for d in starts if d is not None)
            last = min([*ends, self.period.end])
            if first <= last:
                found[row["employee_id"]].append((first, last, row))
        return found

    def firings(self, agreement: Agreement, link: Link, employee: str,
                window: tuple) -> list[tuple]:
        """The (day, driver value, input ids[, transaction's salary type]) the driver gives
        inside `window`."""
        first, last, row = window
        person = self.employees[employee]
        d = link.driver
        def ours(fact: dict[str, Any]) -> bool:
            return link.include_all_employee_data or fact["agreement"] == agreement.id

        days: list[tuple[Any, ...]] = []
        if d.kind in ("increasing_transaction_anniversary", "decreasing_transaction_anniversary"):
            sign = 1 if d.kind.startswith("increasing") else -1
            for t in self.transactions:
                if (t["kind"] == "salary_type" and t["employee_id"] == employee
                        and t["tracker"] == link.tracker and t["quantity"] * sign > 0
                        and (not d.salary_types or t["made_by"] in d.salary_types)
                        and (link.include_all_employee_data or t["agreement"] == agreement.id)):
                    days.append((plus_years(t["date"], 1), t["quantity"], t["input_ids"],
                                 t["made_by"]))
        elif d.kind == "tracking_year_start":
            tracker = self.trackers[link.tracker]
            opens = year_of(tracker, first)
            while opens <= last:
                days.append((opens, Decimal(1), [row["row_id"]]))
                opens = next_year(tracker, opens)
        elif d.kind in ("punched_hours", "punched_days", "scheduled_days"):
            for fact in self.facts.days:
                if fact["employee_id"] != employee or not ours(fact):
                    continue
                seconds = fact["scheduled"] if d.kind == "scheduled_days" else fact["worked"]
                if seconds > 0:
                    value = Fraction(seconds, 3600) if d.kind == "punched_hours" else Decimal(1)
                    days.append((fact["day"], value, fact["scheduled_ids" if d.kind ==
                                                          "scheduled_days" else "worked_ids"]))
        elif d.kind == "agreement_active_days":
            day = first
            while day <= last:
                days.append((day, Decimal(1), [row["row_id"]]))
                day += DAY
        elif d.kind in ("employment_anniversary", "birthday"):
            since = person["employment_start" if d.kind == "employment_anniversary"
                           else "birth_date"]
            if since is None:
                self.warn(employee, first, NO_BIRTH_DATE, link=link.code)
            else:
                for years in range(1, last.year - since.year + 2):
                    days.append((plus_years(since, years), Decimal(1), [person["row_id"]]))
        elif d.kind == "monthly_from_agreement_start_year":
            assert d.month is not None and d.day is not None
            year, month = row["valid_from"].year, d.month
            while (year, month) <= (last.year, last.month):
                days.append((month_day(year, month, d.day), Decimal(1), [row["row_id"]]))
                year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        elif d.kind == "monthly_from_employment_date":
            start = person["employment_start"]
            year, month = start.year, start.month
            while (year, month) <= (last.year, last.month):
                year, month = (year + 1, 1) if month == 12 else (year, month + 1)
                days.append((month_day(year, month, start.day), Decimal(1),
                             [person["row_id"]]))
        elif d.kind == "yearly_from_agreement_start_year":
            assert d.month_day is not None
            for year in range(row["valid_from"].year, last.year + 1):
                days.append((d.month_day.in_year(year), Decimal(1), [row["row_id"]]))
        elif d.kind == "vacation_leave_days":
            numbers: dict[str, int] = defaultdict(int)
            for leave in sorted(self.facts.leave, key=lambda f: (f["absence_id"], f["day"])):
                if (leave["employee_id"] != employee or not ours(leave)
                        or leave["salary_type"] not in d.salary_types):
                    continue
                counted = leave["counted"] or WEEKDAYS[leave["day"].weekday()] in d.counted_weekdays
                if not counted or leave["kinds"] & d.never_counted:
                    continue
                numbers[leave["absence_id"]] += 1
                number = numbers[leave["absence_id"]]
                if number >= d.day_numbers_from and (d.day_numbers_to is None
                                                     or number <= d.day_numbers_to):
                    days.append((leave["day"], Decimal(1), [leave["absence_id"]]))
        return [f for f in days if first <= f[0] <= last]

    def link_transactions(self) -> None:
        done: set[tuple[str, str]] = set()
        for agreement in self.agreements.values():
            pending = list(agreement.links)
            while pending:  # a link regulated by another link's value comes after it
                link = pending.pop(0)
                needs = link.levels.link if link.levels else None
                if needs is not None and (agreement.id, needs) not in done:
                    pending.append(link)
                    continue
                self.link_rows(agreement, link)
                done.add((agreement.id, link.code))

    def link_rows(self, agreement: Agreement, link: Link) -> None:
        each_transaction = link.driver.kind.endswith("transaction_anniversary")
        for employee, windows in sorted(self.windows(agreement, link).items()):
            person = self.employees[employee]
            fired = [f for w in windows for f in self.firings(agreement, link, employee, w)]
            # overlapping assignments fire once a day (per transaction, for anniversaries)
            once = {(f[0], f[3], tuple(f[2]), f[1]) if each_transaction else f[0]: f
                    for f in reversed(fired)}
            fired = sorted(once.values(), key=lambda f: (f[0], f[3:], f[2], f[1]))
            best_level = -1
            for day, value, ids, *_ in fired:
                level, factor = None, None
                if link.levels is None:
                    assert link.factor is not None
                    factor = value_at(link.factor, day)
                    if factor is None:
                        self.warn(employee, day, NO_LINK_FACTOR, link=link.code, day=day)
                        continue
                else:
                    regulator = self.regulator(agreement, link, person, day)
                    if regulator is None:
                        continue
                    level = self.level(link, regulator, day)
                    blank = link.levels.table[level].factor
                    factor = None if blank is None else value_at(blank, day)
                    if link.thresholds_only:
                        passed, best_level = level > best_level, max(best_level, level)
                        if not passed:
                            continue
                    if factor is None:
                        continue
                quantity = Fraction(factor) * (Fraction(value) if link.multiply_by_driver_value
                                               else 1)
                if link.multiply_by_employment_level:
                    quantity *= Fraction(person["employment_level"])
                if link.multiply_by_average_nominal_hours:
                    quantity = (quantity * Fraction(person["fulltime_hours_per_week"])
                                / person["working_days_per_week"])
                quantity = nearest_tick(quantity, self.trackers[link.tracker])
                if link.operator == "add" and quantity == 0:
                    continue
                self.add(employee, link.tracker, day, quantity, kind="link", made_by=link.code,
                         agreement=agreement.id, source=str(link.source), ids=ids,
                         operator=link.operator, value=value, factor=factor,
                         level=None if level is None else level + 1)
                if link.operator == "set" and link.carry_over_up_to is not None:
                    carry = value_at(link.carry_over_up_to, day)
                    self.transactions[-1]["carry"] = carry
                    if carry is None:
                        self.warn(employee, day, NO_CARRY_OVER_LIMIT, link=link.code, day=day)

    def regulator(self, agreement: Agreement, link: Link, person: dict[str, Any],
                  day: dt.date) -> Decimal | Fraction | None:
        assert link.levels is not None
        kind = link.levels.regulator
        if kind == "employment_years":
            return Decimal(whole_years(person["employment_start"], day))
        if kind == "age_years":
            if person["birth_date"] is None:
                self.warn(person["employee_id"], day, NO_BIRTH_DATE, link=link.code)
                return None
            return Decimal(whole_years(person["birth_date"], day))
        return sum((t["quantity"] for t in self.transactions
                    if t["kind"] == "link" and t["made_by"] == link.levels.link
                    and t["agreement"] == agreement.id
                    and t["employee_id"] == person["employee_id"] and t["date"] <= day),
                   Fraction(0))

    @staticmethod
    def level(link: Link, regulator: Decimal | Fraction, day: dt.date) -> int:
        """The last level whose threshold on `day` the regulator has reached (thresholds
        rise, the first is 0 on every day: the compiler checks both)."""
        assert link.levels is not None
        found = 0
        for i, level in enumerate(link.levels.table):
            threshold = value_at(level.threshold, day)
            if threshold is not None and threshold <= regulator:
                found = i
        return found

    # -- adjustments -----------------------------------------------------------------------

    def adjustment_transactions(self) -> None:
        for row in self.adjustments:
            missing = [c for c in ("date", "tracker", "quantity") if row[c] is None]
            if missing:
                column, reason, values = missing[0], MISSING_FIELD, {"column": missing[0]}
            elif not self.period.start <= row["date"] <= self.period.end:
                continue
            elif row["employee_id"] not in self.employees:
                column, reason, values = "employee_id", UNKNOWN_EMPLOYEE, {}
            elif row["tracker"] not in self.trackers:
                column, reason, values = "tracker", UNKNOWN_TRACKER, {"tracker": row["tracker"]}
            else:
                self.add(row["employee_id"], row["tracker"], row["date"], row["quantity"],
                         kind="adjustment", made_by="adjustment", agreement=None,
                         source=row["note"] or "", ids=[row["row_id"]])
                continue
            self.rejects.append({"table": "adjustments", "row_id": row["row_id"],
                                 "column": column, "code": reason.code,
                                 "reason": reason.text(**values)})

    # -- the ledger ------------------------------------------------------------------------

    def ledger(self, opening: dict[tuple[str, str], dict[dt.date | None, dict[str, Decimal]]],
               lock: dt.date | None) -> list[dict[str, Any]]:
        """Every employee's tracker rows in ledger order: transactions as made, the part of
        an addition cut by the yearly cap, deductions split over the years they draw from,
        and expiries."""
        first = self.period.start if lock is None else max(self.period.start, lock + DAY)
        pairs: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        for t in self.transactions:
            tracker = self.trackers[t["tracker"]]
            if t["date"] >= first and (tracker.total_start_date is None
                                       or t["date"] >= tracker.total_start_date):
                pairs[(t["employee_id"], t["tracker"])].append(t)
        for pair in opening:
            pairs.setdefault(pair, [])
        rows: list[dict[str, Any]] = []
        for (employee, code), made in sorted(pairs.items()):
            made.sort(key=order)
            rows += _Ledger(employee, self.trackers[code], opening.get((employee, code), {}),
                            first, self.period.end).run(made)
        return rows


def order(t: dict[str, Any]) -> tuple:
    """Ledger order of a day's transactions."""
    phase = PHASES["set" if t["operator"] == "set" else t["kind"]]
    return (t["date"], phase, t["made_by"], t["agreement"] or "", t["input_ids"], t["quantity"])


class _Ledger:
    """One employee's tracker: balances per tracking year (one balance, keyed None, when
    the tracker is not periodised), walked in date order."""

    def __init__(self, employee: str, tracker: Tracker,
                 opening: dict[dt.date | None, dict[str, Decimal]], first: dt.date,
                 last: dt.date) -> None:
        self.employee, self.t = employee, tracker
        self.balance: dict[dt.date | None, Fraction] = defaultdict(Fraction)
        self.accrued: dict[dt.date, Fraction] = defaultdict(Fraction)
        """Capped additions so far per tracking year (also when not periodised)."""
        for year, values in opening.items():
            self.balance[year] = locked(values, "balance", tracker)
            self.accrued[year or year_of(tracker, first - DAY)] = locked(values, "accrued",
                                                                         tracker)
        self.first, self.last = first, last
        self.rows: list[dict[str, Any]] = []

    def year(self, day: dt.date) -> dt.date | None:
        return year_of(self.t, day) if self.t.periodised else None

    def emit(self, made: dict[str, Any], year: dt.date | None, quantity: Fraction,
             **changes: Any) -> None:
        self.balance[year] += quantity
        row = {key: made[key] for key in made if key != "carry"}
        self.rows.append({**row, "tracking_year": year, "quantity": quantity,
                          "set_to": None, **changes})

    def run(self, made: list[dict[str, Any]]) -> list[dict[str, Any]]:
        day = self.first
        for t in made:
            self.year_ends(day, t["date"] - DAY)
            day = t["date"]
            year = self.year(t["date"])
            if t["operator"] == "set":
                old, carry = self.balance[year], t.get("carry")
                new = t["quantity"] + (min(old, Fraction(carry)) if carry is not None else 0)
                self.emit(t, year, new - old, set_to=t["quantity"])
            elif t["quantity"] >= 0:  # a zero adjustment is kept, as entered
                self.emit(t, year, t["quantity"])
                if t["kind"] != "adjustment":
                    self.cap(t, year)
            else:
                for drawn, part in self.draws(year, -t["quantity"]):
                    self.emit(t, drawn, -part)
        self.year_ends(day, self.last)
        return self.rows

    def cap(self, t: dict[str, Any], year: dt.date | None) -> None:
        """Cut what the year's additions exceed the yearly maximum by, as its own row."""
        start = year_of(self.t, t["date"])
        cap = Fraction(value_at(self.t.max_accrual_per_year, start) or 0)
        taken = t["quantity"] if cap == 0 else max(Fraction(0), min(t["quantity"],
                                                                    cap - self.accrued[start]))
        self.accrued[start] += taken
        if taken < t["quantity"]:
            self.emit(t, year, taken - t["quantity"], kind="max_accrual",
                      made_by="max_accrual_per_year", source=str(self.t.source),
                      factor=None, level=None, driver_value=None)

    def draws(self, year: dt.date | None, need: Fraction
              ) -> list[tuple[dt.date | None, Fraction]]:
        """The years a deduction of `need` takes from, and how much from each."""
        order = self.t.deduction_order if self.t.periodised else "current_year"
        candidates: list[dt.date | None] = []
        if order == "current_then_oldest":
            candidates.append(year)
        if order != "current_year":
            candidates += sorted(y for y in self.balance if y is not None and y != year)
        parts: dict[dt.date | None, Fraction] = defaultdict(Fraction)
        for candidate in candidates:
            take = min(need, max(Fraction(0), self.balance[candidate]))
            if take > 0:
                parts[candidate] += take
                need -= take
        if need > 0:
            parts[year] += need
        return sorted(parts.items(), key=lambda p: p[0] or dt.date.min)

    def year_ends(self, first: dt.date, last: dt.date) -> None:
        """Saved-days limits and expiries falling from `first` to `last`, in date order."""
        if not self.t.periodised:
            return
        events = []
        for year in list(self.balance):
            assert year is not None
            end = next_year(self.t, year) - DAY
            if self.t.save_up_to is not None:
                events.append((end, year, "save_up_to"))
            if self.t.expire_after_years is not None:
                events.append((self.t.year_start.in_year(year.year + self.t.expire_after_years
                                                         + 1) - DAY, year, "expire_after_years"))
        for day, year, rule in sorted(events):
            if not first <= day <= last or day < self.first:
                continue
            limit = self.t.save_up_to if rule == "save_up_to" else Decimal(0)
            assert limit is not None
            keep = Fraction(limit)
            if self.balance[year] > keep:
                self.emit({"employee_id": self.employee, "tracker": self.t.code, "date": day,
                           "operator": "add", "unit": self.t.unit,
                           "kind": "expiry", "made_by": rule, "agreement": None,
                           "driver_value": None, "level": None, "factor": None,
                           "source": str(self.t.source), "input_ids": []},
                          year, keep - self.balance[year])


def balances(trackers: dict[str, Tracker], rows: list[dict[str, Any]],
             opening: dict[tuple[str, str], dict[dt.date | None, dict[str, Decimal]]],
             lock: dt.date | None, as_of: dt.date) -> list[dict[str, Any]]:
    """Per employee, tracker and tracking year: the balance on `as_of`; `accrued`, the
    additions counted against the yearly maximum in the year up to `as_of` (what a lock
    carries over); and the balance the tracker shows, on its next occurrence date when it
    looks ahead."""
    found: dict[tuple[str, str, dt.date | None], dict[str, Any]] = {}

    def shown_on(tracker: Tracker) -> dt.date:
        if tracker.balance_month_day is None:
            return as_of
        basis = tracker.balance_month_day.in_year(as_of.year)
        return basis if basis >= as_of else tracker.balance_month_day.in_year(as_of.year + 1)

    def entry(employee: str, tracker: Tracker, year: dt.date | None) -> dict[str, Any]:
        return found.setdefault((employee, tracker.code, year), {
            "employee_id": employee, "tracker": tracker.code, "tracking_year": year,
            "as_of": as_of, "balance": Fraction(0), "accrued": Fraction(0),
            "shown_on": shown_on(tracker), "shown_balance": Fraction(0), "unit": tracker.unit,
            "decimals": tracker.decimals, "show_on_time_card": tracker.show_on_time_card})

    for (employee, code), years in opening.items():
        tracker = trackers[code]
        for year, values in years.items():
            item = entry(employee, tracker, year)
            item["balance"] += locked(values, "balance", tracker)
            item["shown_balance"] += locked(values, "balance", tracker)
            if year is not None or (lock is not None and year_of(tracker, lock)
                                    == year_of(tracker, as_of)):
                item["accrued"] += locked(values, "accrued", tracker)
    for row in rows:
        tracker = trackers[row["tracker"]]
        if row["date"] > shown_on(tracker):
            continue
        item = entry(row["employee_id"], tracker, row["tracking_year"])
        item["shown_balance"] += row["quantity"]
        if row["date"] > as_of:
            continue
        item["balance"] += row["quantity"]
        accrual = row["kind"] == "max_accrual" or (
            row["kind"] in ("link", "salary_type", "correction") and row["operator"] == "add"
            and row["quantity"] > 0)
        if accrual and (tracker.periodised
                        or year_of(tracker, row["date"]) == year_of(tracker, as_of)):
            item["accrued"] += row["quantity"]
    shown = [{**b, **{k: q6(b[k]) for k in ("balance", "accrued", "shown_balance")},
              "balance_ticks": int(b["balance"] * TICKS[b["unit"]]),
              "accrued_ticks": int(b["accrued"] * TICKS[b["unit"]])} for b in found.values()]
    return sorted(shown, key=lambda b: (b["employee_id"], b["tracker"],
                                        b["tracking_year"] or dt.date.min))


def limit_warnings(trackers: dict[str, Tracker], rows: list[dict[str, Any]],
                   opening: dict[tuple[str, str], dict[dt.date | None, dict[str, Decimal]]]
                   ) -> list[dict[str, Any]]:
    """A warning on each day a tracker's total balance, at the end of the day, goes from
    within its min / max to beyond it."""
    warnings = []
    totals: dict[tuple[str, str], dict[dt.date, Fraction]] = defaultdict(dict)
    for row in rows:
        days = totals[(row["employee_id"], row["tracker"])]
        days[row["date"]] = days.get(row["date"], Fraction(0)) + row["quantity"]
    for (employee, code), days in sorted(totals.items()):
        tracker = trackers[code]
        before = sum((locked(v, "balance", tracker)
                      for v in opening.get((employee, code), {}).values()), Fraction(0))
        for day in sorted(days):
            after = before + days[day]
            if tracker.min is not None and after < tracker.min <= before:
                warnings.append(_warning(employee, day, BALANCE_BELOW_MIN, tracker=code,
                                         balance=q6(after), limit=tracker.min))
            if tracker.max is not None and before <= tracker.max < after:
                warnings.append(_warning(employee, day, BALANCE_ABOVE_MAX, tracker=code,
                                         balance=q6(after), limit=tracker.max))
            before = after
    return warnings


def evaluate_trackers_reference(agreements: list[Agreement], inputs: Inputs, period: Period,
                                facts: ReferenceResult, start: Opening | None = None,
                                as_of: dt.date | None = None,
                                corrections: Sequence[dict[str, Any]] = (),
                                ahead: bool = True) -> dict[str, list[dict[str, Any]]]:
    """Tracker transactions (ledger rows), balances as of `as_of` (default: the period's
    end), warnings and rejects, from the reference pay-line evaluation `facts`; from a
    lock (`start`), the effects of `corrections` (lines of locked days that changed) are
    booked on the day after it. With `ahead`, a balance shown as of a next occurrence
    includes the approved leave and adjustments after the period (docs/trackers.md).

    Each employee is evaluated with the trackers of the agreements of their assignments
    (`tracker_definitions`); employees assigned to the same agreements together, those
    without an assignment with the trackers every agreement defines alike. Where an
    employee's agreements define one code differently, the employee keeps no tracker rows:
    a warning per code names both assignments and definitions, and their adjustments are
    rejected."""
    tables = {name: frame.to_dicts() for name, frame in prepare(inputs).items()}
    ids = {a.id for a in agreements}
    groups: dict[tuple[str, ...], set[str]] = defaultdict(set)
    people = {row["employee_id"] for rows in tables.values() for row in rows}
    people |= set(start.balances["employee_id"]) if start else set()
    for employee in people:
        groups[tuple(sorted({a["agreement"] for a in tables["assignments"]
                             if a["employee_id"] == employee and a["agreement"] in ids}))].add(
            employee)
    result: dict[str, list[dict[str, Any]]] = {
        "transactions": [], "balances": [], "warnings": [], "rejects": []}
    for group, members in groups.items():
        chosen = employee_agreements(agreements, group)
        defined = tracker_definitions(chosen)
        mine = {name: [r for r in rows if r["employee_id"] in members]
                for name, rows in tables.items()}
        if chosen and defined.conflicts:
            _not_kept(defined.conflicts, mine, period, result)
            continue
        trackers = defined.trackers if chosen else tracker_definitions(agreements).trackers
        found = _evaluate_group(chosen, trackers, mine, members, period, _of(facts, members),
                                start, as_of or period.end,
                                [c for c in corrections if c["employee_id"] in members])
        for name, rows in found.items():
            result[name] += rows
    if ahead:
        _with_ahead(agreements, inputs, period, result["balances"])
    result["transactions"].sort(key=lambda r: r["employee_id"])
    result["balances"].sort(key=lambda r: (r["employee_id"], r["tracker"],
                                           r["tracking_year"] or dt.date.min))
    return result


def _with_ahead(agreements: list[Agreement], inputs: Inputs, period: Period,
                shown: list[dict[str, Any]]) -> None:
    """Add to each balance's `shown_balance` the additions approved leave and adjustments
    make after the period, up to the day the balance is shown for."""
    last = max((b["shown_on"] for b in shown), default=None)
    if last is None or last <= period.end:
        return
    later = inputs.of_leave()
    window = Period(period.end + DAY, last)
    future = evaluate_trackers_reference(agreements, later, window,
                                         evaluate_reference(agreements, later, window),
                                         ahead=False)
    leave = set(prepare(Inputs(absences=inputs.absences))["absences"]["row_id"])
    rows = {(b["employee_id"], b["tracker"], b["tracking_year"]): b for b in shown}
    like = {(b["employee_id"], b["tracker"]): b for b in shown}
    for t in future["transactions"]:
        of_leave = bool(t["input_ids"]) and all(i in leave for i in t["input_ids"])
        counted = t["kind"] == "adjustment" or (
            t["kind"] in ("salary_type", "link") and t["operator"] == "add" and of_leave)
        model = like.get((t["employee_id"], t["tracker"]))
        if not counted or model is None or t["date"] > model["shown_on"]:
            continue
        key = (t["employee_id"], t["tracker"], t["tracking_year"])
        if key not in rows:
            rows[key] = {**model, "tracking_year": t["tracking_year"], "balance": Decimal(0),
                         "accrued": Decimal(0), "shown_balance": Decimal(0),
                         "balance_ticks": 0, "accrued_ticks": 0}
            shown.append(rows[key])
        rows[key]["shown_balance"] += t["quantity"]


def _of(facts: ReferenceResult, members: set[str]) -> ReferenceResult:
    """The pay-line facts trackers read (lines, days, leave) of the employees `members`."""
    def mine(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [r for r in rows if r["employee_id"] in members]

    return ReferenceResult(lines=mine(facts.lines), days=mine(facts.days),
                           leave=mine(facts.leave))


def _not_kept(conflicts: tuple[TrackerConflict, ...], tables: dict[str, list[dict[str, Any]]],
              period: Period, result: dict[str, list[dict[str, Any]]]) -> None:
    """Warnings of employees whose agreements define a tracker differently, and the
    rejects of all their adjustments."""
    assignments = sorted(tables["assignments"], key=lambda a: (a["valid_from"], a["row_id"]))

    def first_assignment(employee: str, agreement: Agreement) -> str:
        return next(a["row_id"] for a in assignments
                    if a["employee_id"] == employee and a["agreement"] == agreement.id)

    for conflict in conflicts:
        first, second = conflict.sources()
        for employee in sorted({a["employee_id"] for a in assignments}):
            result["warnings"].append(_warning(
                employee, period.start, TRACKER_DEFINITIONS_DIFFER, tracker=conflict.code,
                first=conflict.first.id,
                first_assignment=first_assignment(employee, conflict.first),
                first_source=first, second=conflict.second.id,
                second_assignment=first_assignment(employee, conflict.second),
                second_source=second))
    for row in tables["adjustments"]:
        result["rejects"].append({"table": "adjustments", "row_id": row["row_id"],
                                  "column": "tracker", "code": TRACKER_NOT_KEPT.code,
                                  "reason": TRACKER_NOT_KEPT.text(
                                      trackers=", ".join(c.code for c in conflicts))})


def _evaluate_group(agreements: list[Agreement], trackers: dict[str, Tracker],
                    tables: dict[str, list[dict[str, Any]]], members: set[str],
                    period: Period, facts: ReferenceResult, start: Opening | None,
                    as_of: dt.date, corrections: list[dict[str, Any]]
                    ) -> dict[str, list[dict[str, Any]]]:
    """The tracker results of the employees `members` (whose rows `tables` hold),
    evaluated under `agreements` with `trackers`."""
    run = _Run(agreements, trackers, tables, period, facts)
    lock = start.lock_date if start else None
    opening: dict[tuple[str, str], dict[dt.date | None, dict[str, Decimal]]] = defaultdict(dict)
    for row in start.balances.to_dicts() if start else []:
        if row["employee_id"] in members:
            opening[(row["employee_id"], row["tracker"])][row["tracking_year"]] = row
    run.salary_type_transactions()
    if lock is not None:
        run.corrections(corrections, lock + DAY)
    run.link_transactions()
    run.adjustment_transactions()
    rows = run.ledger(opening, lock)
    first = period.start if lock is None else max(period.start, lock + DAY)
    unlocked = []
    for employee in sorted({r["employee_id"] for r in rows}):
        limit = min((run.agreements[a["agreement"]].warn_unlocked_after_days
                     for a in run.assignments if a["employee_id"] == employee), default=None)
        if limit is not None and (period.end - first).days > limit:
            unlocked.append(_warning(employee, first, UNLOCKED_OLD,
                                     days=(period.end - first).days, first=first, limit=limit))
    return {
        "transactions": [{**r, "quantity": q6(r["quantity"]),
                          "set_to": None if r["set_to"] is None else q6(r["set_to"]),
                          "ticks": int(r["quantity"] * TICKS[r["unit"]])} for r in rows],
        "balances": balances(run.trackers, rows, opening, lock, as_of),
        "warnings": run.warnings + limit_warnings(run.trackers, rows, opening) + unlocked,
        "rejects": run.rejects,
    }
