"""Plain date facts that the compiler, the engine and the reference evaluators share: the
weekdays in the agreement language's order and month-days without a year."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import NamedTuple

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Weekday names as the agreement language writes them, in `date.weekday()` order."""


class MonthDay(NamedTuple):
    """A day of the year without a year, such as 04-01 (1 April)."""

    month: int
    day: int

    def __str__(self) -> str:
        return f"{self.month:02d}-{self.day:02d}"

    def in_year(self, year: int) -> dt.date:
        """This month-day in `year`; 02-29 falls on 28 February in a common year."""
        last = calendar.monthrange(year, self.month)[1]
        return dt.date(year, self.month, min(self.day, last))
