"""Local time as the reference evaluators read it, one value at a time: the instant a
wall-clock time denotes, the local date and wall seconds of an instant, reading an input
datetime (rejecting a local time that does not exist or happens twice), rounding to a step
of the local clock, the start of a week; and which agreement is an employee's main one on a
day. The engine's `zones` and `calendar` are the same rules over whole columns."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from paycalc.reasons import DST_AMBIGUOUS, DST_GAP, Reason
from paycalc.rules.compiled import Agreement


def wall_to_instant(day: dt.date, seconds: int, zone: ZoneInfo) -> int:
    """The instant the local clock shows `seconds` after midnight of `day`. A wall time in a
    DST gap is read with the offset before the gap, a repeated one as its first occurrence."""
    naive = dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=seconds)
    return int(naive.replace(tzinfo=zone, fold=0).timestamp())


def local_date(instant: int, zone: ZoneInfo) -> dt.date:
    return dt.datetime.fromtimestamp(instant, zone).date()


def local_seconds(instant: int, zone: ZoneInfo) -> int:
    """The instant on the local clock, as seconds since the epoch of local wall time."""
    offset = dt.datetime.fromtimestamp(instant, zone).utcoffset()
    assert offset is not None
    return instant + int(offset.total_seconds())


def read_time(value: dt.datetime, zone: ZoneInfo) -> int | Reason:
    """An input datetime as an instant, or why it cannot be one."""
    if value.tzinfo is not None:
        return int(value.timestamp())
    first, second = value.replace(tzinfo=zone, fold=0), value.replace(tzinfo=zone, fold=1)
    if first.utcoffset() != second.utcoffset():
        back = dt.datetime.fromtimestamp(first.timestamp(), zone).replace(tzinfo=None)
        if back != value:
            return DST_GAP
        return DST_AMBIGUOUS
    return int(first.timestamp())


def round_instant(instant: int, step: int, direction: str, zone: ZoneInfo) -> int:
    """Round an instant to a step of the local clock."""
    if step == 0:
        return instant
    local = local_seconds(instant, zone)
    whole, rest = divmod(local, step)
    if direction == "down" or rest == 0:
        rounded = whole * step
    elif direction == "up" or 2 * rest >= step:
        rounded = (whole + 1) * step
    else:
        rounded = whole * step
    return instant + rounded - local


def week_start(day: dt.date, first_weekday: int) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() - first_weekday) % 7)


class MainAgreements:
    """Which agreement is an employee's main one on a day: the first main assignment (by
    valid_from, then row id) to one of `agreements` that covers the day."""

    def __init__(self, agreements: dict[str, Agreement],
                 assignments: list[dict[str, Any]]) -> None:
        self.agreements = agreements
        self.assignments = assignments
        self.mains: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in sorted(assignments, key=lambda r: (r["valid_from"], r["row_id"])):
            if row["main"] and row["agreement"] in agreements:
                self.mains[row["employee_id"]].append(row)

    @staticmethod
    def covers(row: dict[str, Any], day: dt.date) -> bool:
        return row["valid_from"] <= day and (row["valid_to"] is None or day <= row["valid_to"])

    def main_on(self, employee: str, day: dt.date) -> Agreement | None:
        for row in self.mains[employee]:
            if self.covers(row, day):
                return self.agreements[row["agreement"]]
        return None

    def has_main(self, employee: str, day: dt.date) -> bool:
        """Whether a main assignment to any agreement, evaluated or not, covers the day."""
        return any(row["main"] and row["employee_id"] == employee and self.covers(row, day)
                   for row in self.assignments)
