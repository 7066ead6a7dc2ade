"""Time rules: how punches and schedules become salary-type quantities per day."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from paycalc.spec.language.base import Section
from paycalc.spec.language.values import (
    Code,
    DatedDuration,
    Day,
    DayKind,
    Duration,
    Flag,
    Int,
    ScheduleOrDuration,
    Text,
    TimeOfDay,
    Weekday,
)
from paycalc.spec.limits import MAX_STEPS, MAX_SUPPLEMENTS


class PunchRounding(Section):
    """Rounding of one end of a punch to a step of the wall clock."""

    step: Duration = Field(default=0, description="Round to multiples of this duration of the "
                           "local clock; \"0:00\" keeps the punch as it is.", examples=["0:15"])
    direction: Literal["nearest", "up", "down"] = Field(
        default="nearest",
        description="`up` to the next step, `down` to the previous, `nearest` (a tie goes up).",
        examples=["up"])


class Rounding(Section):
    """Rounding of punch start and end times before anything is measured."""

    start: PunchRounding = Field(default_factory=PunchRounding,
                                 description="Rounding of the punch-in time.")
    end: PunchRounding = Field(default_factory=PunchRounding,
                               description="Rounding of the punch-out time.")


class AutomaticBreak(Section):
    """An unpaid break deducted from a long working day."""

    after: Duration = Field(description="Applies when a day's worked time is longer than this.",
                            examples=["6:00"])
    deduct: Duration = Field(description="Unpaid break the day must contain; punched breaks "
                             "count towards it, only the missing part is deducted.",
                             examples=["0:30"])


class Breaks(Section):
    """Unpaid breaks."""

    use_punched_breaks: Flag = Field(
        default=True, description="Deduct each punch's `break_minutes` from its worked time.")
    automatic: list[AutomaticBreak] = Field(
        default_factory=list,
        description="Breaks deducted by day length; the rule with the longest `after` that "
                    "the day exceeds applies.")


class OvertimeStep(Section):
    """One step of overtime: the next `length` of overtime is paid as `salary_type`."""

    salary_type: Code = Field(description="Salary type of the overtime in this step.",
                              examples=["OT50"])
    length: DatedDuration | None = Field(
        default=None,
        description="How much overtime this step takes (per day or per week); empty on the "
                    "last step = all the rest.", examples=["2:00"])


class OvertimeWindow(Section):
    """One class of overtime by when it is worked: the overtime inside the window is paid
    as `salary_type`. The first window of the list that holds a minute takes it; the last
    entry has no `days` and takes the rest."""

    salary_type: Code = Field(description="Salary type of the overtime worked in the window.",
                              examples=["OT_SIMPLE"])
    days: list[DayKind] | None = Field(
        default=None,
        description="Days the window starts on: weekdays, `holiday`, `holiday_eve`; empty on "
                    "the last entry, which takes all other overtime.",
        examples=[["mon", "tue", "wed", "thu", "fri"]])
    from_: TimeOfDay = Field(default="00:00", alias="from",  # type: ignore[assignment]
                             description="Start of the window on those days.",
                             examples=["06:00"])
    to: TimeOfDay = Field(
        default="24:00",  # type: ignore[assignment]  # written as in YAML, validated
        description="End of the window; earlier than `from` means it crosses midnight.",
        examples=["20:00"])


class _PaidBy(Section):
    """How overtime is paid: by length in steps, or by when it is worked."""

    steps: list[OvertimeStep] | None = Field(
        default=None, min_length=1, max_length=MAX_STEPS,
        description="The overtime steps by length, in order (or `by_time`).")
    by_time: list[OvertimeWindow] | None = Field(
        default=None, min_length=1, max_length=MAX_STEPS,
        description="Overtime classified by when it is worked (or `steps`): a day's "
                    "overtime is the last of its regular time (weekly overtime the time just "
                    "before the day's own), each minute paid by the first window that holds "
                    "it.")


class DailyOvertime(_PaidBy):
    """Overtime beyond a daily threshold."""

    threshold: ScheduleOrDuration = Field(
        default="schedule",
        description="`schedule`: overtime is worked time beyond the day's scheduled time "
                    "(all of it on an unscheduled day); or a fixed duration per day.",
        examples=["schedule", "8:00"])


class WeeklyOvertime(_PaidBy):
    """Overtime beyond a weekly threshold, counting only time not already daily overtime."""

    threshold: DatedDuration = Field(description="Worked time per week before overtime.",
                                       examples=["40:00"])


class Overtime(Section):
    """Overtime per day and per week; no minute is paid twice as overtime."""

    daily: DailyOvertime | None = Field(default=None, description="Daily overtime; none if empty.")
    weekly: WeeklyOvertime | None = Field(default=None,
                                          description="Weekly overtime; none if empty.")


class Supplement(Section):
    """A supplement paid for worked time inside a window of days and times."""

    salary_type: Code = Field(description="Salary type of the supplement (usually priced as "
                              "`supplement`).", examples=["OB_EVENING"])
    days: list[DayKind] = Field(
        min_length=1,
        description="Days the window starts on: weekdays, `holiday` (a public holiday or "
                    "extra holiday), `holiday_eve`.", examples=[["mon", "tue", "wed"]])
    from_: TimeOfDay = Field(default="00:00", alias="from",  # type: ignore[assignment]
                             description="Start of the window on those days.",
                             examples=["18:00"])
    to: TimeOfDay = Field(
        default="24:00",  # type: ignore[assignment]  # written as in YAML, validated
        description="End of the window; earlier than `from` means the window crosses midnight "
                    "into the next day.", examples=["06:00"])
    group: Code | None = Field(
        default=None,
        description="Supplements in one group do not stack: a minute inside several windows of "
                    "the group is paid only by the one with the highest `priority`.",
        examples=["ob"])
    priority: Int = Field(default=0, description="Rank inside the group; higher wins.",
                          examples=[2])


class ExtraDay(Section):
    """A day the agreement treats as a holiday or eve on top of the public calendar."""

    date: Day = Field(description="The date.", examples=["2025-12-24"])
    name: Text = Field(description="What the day is called.", examples=["Company day"])
    kind: Literal["holiday", "holiday_eve"] = Field(default="holiday",
                                                    description="Which day kind it counts as.")


class Holidays(Section):
    """Public holidays from the `holidays` package plus the agreement's own days."""

    country: Text | None = Field(default=None, description="ISO 3166 country code of the "
                                 "public holiday calendar; none = no public holidays.",
                                 examples=["SE"])
    subdivision: Text | None = Field(default=None, description="Region of the country "
                                     "(state, canton, county) whose holidays apply.",
                                     examples=["BY"])
    categories: list[Text] = Field(
        default_factory=lambda: ["public"],
        description="Holiday categories of the calendar to use (Sweden's Midsummer, Christmas "
                    "and New Year's Eve are in `de_facto`).", examples=[["public", "de_facto"]])
    eves: Literal["day_before", "none"] = Field(
        default="day_before",
        description="`day_before`: the day before each holiday that is not itself a holiday is "
                    "a `holiday_eve`; `none`: only extra days of kind `holiday_eve` are eves.")
    extra_days: list[ExtraDay] = Field(default_factory=list,
                                       description="Extra holidays and eves.")


class Activity(Section):
    """A punch or schedule activity and whether its time is paid."""

    name: Text | None = Field(default=None, description="Readable name.", examples=["Training"])
    paid: Flag = Field(default=True, description="Whether time on this activity is paid "
                       "worked time.")
    salary_type: Code | None = Field(
        default=None,
        description="Paid time on this activity goes to this salary type instead of ordinary "
                    "time and overtime.", examples=["TRAINING"])


class SetPaidTime(Section):
    """A set-paid-time rule: replaces the paid time of a day's planned activities."""

    rule: Literal["zero_hours", "eight_hours", "custom_even", "custom_proportional"] = Field(
        description="`zero_hours`: each planned activity is paid 0 h. `eight_hours`: each "
                    "planned activity is paid 8 h. `custom_even`: `time` split evenly over the "
                    "planned activities. `custom_proportional`: `time` split in proportion to "
                    "the time spent on each.", examples=["custom_proportional"])
    time: Duration | None = Field(default=None, description="The paid time of the custom rules.",
                                  examples=["6:00"])
    activities: list[Code] = Field(
        default_factory=list,
        description="Planned activities the rule applies to; empty = all planned activities.",
        examples=[["CALLS", "EMAIL"]])
    days: list[DayKind] = Field(
        default_factory=list,
        description="Days the rule applies on; empty = every day.", examples=[["sat", "sun"]])


class TimeRules(Section):
    """How worked time is measured and split into salary types."""

    day_attribution: Literal["split_at_midnight", "start_day"] = Field(
        default="split_at_midnight",
        description="`split_at_midnight`: a punch crossing local midnight counts on each day "
                    "for its part; `start_day`: all of it counts on the day it started.")
    week_starts: Weekday = Field(default="mon",
                                 description="First day of the week for weekly overtime.")
    rounding: Rounding = Field(default_factory=Rounding, description="Punch rounding.")
    breaks: Breaks = Field(default_factory=Breaks, description="Unpaid breaks.")
    ordinary_salary_type: Code | None = Field(
        default=None,
        description="Salary type of paid worked time that is not overtime; none = ordinary "
                    "time makes no line (monthly-paid staff).", examples=["ORD"])
    overtime: Overtime = Field(default_factory=Overtime, description="Overtime rules.")
    supplements: dict[Code, Supplement] = Field(
        default_factory=dict, max_length=MAX_SUPPLEMENTS, description="Supplement windows by name.")
    holidays: Holidays = Field(default_factory=Holidays, description="The holiday calendar.")
    activities: dict[Code, Activity] = Field(
        default_factory=dict, description="Activities by code; time on an unlisted activity "
        "is an input error (rejected), a punch with no activity is ordinary paid work.")
    set_paid_time: dict[Code, SetPaidTime] = Field(
        default_factory=dict, description="Set-paid-time rules by name.")
    full_absence_day: Literal["schedule_or_nominal", "nominal"] = Field(
        default="schedule_or_nominal",
        description="Length of a full-day absence: `schedule_or_nominal` = the day's scheduled "
                    "time, or the nominal day when nothing is scheduled; `nominal` = always the "
                    "nominal day (full-time weekly hours x employment level / working days).")
