"""Which days are holidays and holiday eves under an agreement's calendar.

Public holidays come from the `holidays` package (country, subdivision, categories); a
country class that would count every Sunday as a holiday (Sweden's) is asked not to, since
weekend windows cover Sundays. The agreement's extra days are added, and with
`eves: day_before` the day before each holiday that is not itself a holiday is an eve.
Both evaluators use this: it is configuration, not evaluation.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
from typing import Any

import holidays

from paycalc.rules.compiled import HolidayCalendar


@functools.cache
def holiday_days(calendar: HolidayCalendar, first_year: int,
                 last_year: int) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    """The holidays and the holiday eves of the years `first_year`..`last_year`."""
    days: set[dt.date] = set()
    if calendar.country is not None:
        options: dict[str, Any] = {}
        kind = holidays.country_holidays(calendar.country).__class__
        if "include_sundays" in inspect.signature(kind.__init__).parameters:
            options["include_sundays"] = False
        public = holidays.country_holidays(
            calendar.country, subdiv=calendar.subdivision,
            years=range(first_year, last_year + 1), categories=calendar.categories, **options)
        days.update(public.keys())
    days.update(d.date for d in calendar.extra_days if d.kind == "holiday")
    eves = {d.date for d in calendar.extra_days if d.kind == "holiday_eve"}
    if calendar.eves == "day_before":
        eves.update(day - dt.timedelta(days=1) for day in days)
    return frozenset(days), frozenset(eves - days)
