"""Value types of the agreement language: what a consultant may write for a number, a
duration, a time of day, a month-day, a code, and a value that changes over time.

Each type is strict (a quoted "1.5" is not a number, `yes` is not a boolean) and parses to
the exact value the compiler uses: durations and times of day to whole seconds, numbers to
Decimal, month-days to `MonthDay`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Discriminator,
    Field,
    Strict,
    StrictBool,
    StrictInt,
    StrictStr,
    Tag,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from paycalc.rules.dates import WEEKDAYS, MonthDay

__all__ = [
    "WEEKDAYS",
    "Code",
    "Day",
    "DayKind",
    "Duration",
    "Flag",
    "MonthDay",
    "MonthDayText",
    "Num",
    "ScheduleOrDuration",
    "TimeOfDay",
    "Weekday",
    "word_tag",
]


Flag = StrictBool
Int = StrictInt
Text = StrictStr
Day = Annotated[dt.date, Strict()]
"""A calendar date written YYYY-MM-DD (not quoted)."""

_CODE = r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$"
Code = Annotated[StrictStr, Field(pattern=_CODE, min_length=1, max_length=64)]


def _number(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise PydanticCustomError(
            "number", "expected a number such as 1 or 1.5, got {got}", {"got": repr(value)}
        )
    return Decimal(value)


Num = Annotated[
    Decimal,
    BeforeValidator(_number),
    WithJsonSchema({"type": "number", "title": "number"}),
]
"""An exact decimal number: written 1, 1.5 or 1.10 (never quoted)."""


_HMS = re.compile(r"^([0-9]{1,3}):([0-5][0-9])(?::([0-5][0-9]))?$")


def _duration(value: Any) -> int:
    if isinstance(value, str):
        match = _HMS.fullmatch(value)
        if match:
            hours, minutes, seconds = (int(g or 0) for g in match.groups())
            return hours * 3600 + minutes * 60 + seconds
    elif not isinstance(value, bool) and isinstance(value, int | Decimal):
        exact = Decimal(value) * 3600
        if exact == exact.to_integral_value() and exact >= 0:
            return int(exact)
    raise PydanticCustomError(
        "duration",
        "{got} is not a duration: write hours and minutes as \"H:MM\" (\"7:30\", \"0:45\") "
        "or a number of hours (7.5) that is a whole number of seconds",
        {"got": repr(value)},
    )


Duration = Annotated[
    int,
    BeforeValidator(_duration),
    WithJsonSchema(
        {
            "title": "duration",
            "anyOf": [
                {"type": "string", "pattern": _HMS.pattern},
                {"type": "number", "minimum": 0},
            ],
        }
    ),
]
"""A length of time, "H:MM" or "H:MM:SS" or hours as a number; held as whole seconds."""


_TIME = re.compile(r"^([01]?[0-9]|2[0-4]):([0-5][0-9])$")


def _time_of_day(value: Any) -> int:
    match = _TIME.fullmatch(value) if isinstance(value, str) else None
    if match:
        seconds = int(match.group(1)) * 3600 + int(match.group(2)) * 60
        if seconds <= 86400:
            return seconds
    raise PydanticCustomError(
        "time_of_day",
        "{got} is not a time of day: write \"HH:MM\" from \"00:00\" to \"24:00\"",
        {"got": repr(value)},
    )


TimeOfDay = Annotated[
    int,
    BeforeValidator(_time_of_day),
    WithJsonSchema({"title": "time of day", "type": "string", "pattern": _TIME.pattern}),
]
"""A wall-clock time "HH:MM" ("24:00" is the end of the day); held as seconds after midnight."""


_MONTH_DAY = re.compile(r"^([0-9]{2})-([0-9]{2})$")


def _month_day(value: Any) -> MonthDay:
    match = _MONTH_DAY.fullmatch(value) if isinstance(value, str) else None
    if match:
        month, day = int(match.group(1)), int(match.group(2))
        if 1 <= month <= 12 and 1 <= day <= calendar.monthrange(2024, month)[1]:
            return MonthDay(month, day)
        raise PydanticCustomError(
            "month_day", "{got} is not a day of the year", {"got": repr(value)}
        )
    raise PydanticCustomError(
        "month_day", "{got} is not a month-day: write \"MM-DD\" such as \"04-01\"",
        {"got": repr(value)},
    )


MonthDayText = Annotated[
    MonthDay,
    BeforeValidator(_month_day),
    WithJsonSchema({"title": "month-day", "type": "string", "pattern": _MONTH_DAY.pattern}),
]
"""A day of the year "MM-DD" ("04-01"); "02-29" is allowed and falls on 28 February in
common years."""

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
"""A day of the week, Monday first."""

DayKind = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun", "holiday", "holiday_eve"]
"""A weekday, or a public holiday or holiday eve from the agreement's holiday calendar."""


def _dated_tag(value: Any) -> str:
    return "@dated" if isinstance(value, dict) else "@value"


def word_tag(value: Any) -> str:
    """Union tag of a field holding either a word or a value."""
    return "@word" if isinstance(value, str) and not value[:1].isdigit() else "@value"


# A value that is either written once or as effective-from dates mapped to values: `1.5`
# holds always; `{2025-01-01: 1.5, 2026-04-01: 1.75}` holds from each date until the next.
# The '@' tags name the branch and are stripped from error paths by the validator.
DatedNum = Annotated[
    Annotated[Num, Tag("@value")] | Annotated[dict[Day, Num], Tag("@dated")],
    Discriminator(_dated_tag),
]
"""A number written once or as `{DATE: number, ...}`."""

DatedDuration = Annotated[
    Annotated[Duration, Tag("@value")] | Annotated[dict[Day, Duration], Tag("@dated")],
    Discriminator(_dated_tag),
]
"""A duration written once or as `{DATE: duration, ...}`."""

ScheduleOrDuration = Annotated[
    Annotated[Literal["schedule"], Tag("@word")] | Annotated[DatedDuration, Tag("@value")],
    Discriminator(word_tag),
]
"""The word `schedule`, or a (dated) duration."""
