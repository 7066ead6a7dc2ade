"""Time trackers: balances in hours or days, optionally kept per tracking year."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Discriminator, Field, Tag

from paycalc.spec.language.base import Section
from paycalc.spec.language.values import (
    DatedNum,
    Day,
    Flag,
    Int,
    MonthDayText,
    Num,
    Text,
    word_tag,
)


class NextOccurrence(Section):
    """Balance including approved future transactions up to the next given month-day."""

    next_occurrence: MonthDayText = Field(description="The month-day the balance looks ahead "
                                          "to.", examples=["12-31"])


BalanceAsOf = Annotated[
    Annotated[Literal["actual"], Tag("@word")] | Annotated[NextOccurrence, Tag("@value")],
    Discriminator(word_tag),
]
"""`actual`, or `{next_occurrence: MM-DD}`."""


class Tracker(Section):
    """A time tracker (vacation, flextime, time off in lieu, ...)."""

    name: Text | None = Field(default=None, description="Readable name; defaults to the code.",
                              examples=["Vacation days"])
    unit: Literal["hours", "days"] = Field(description="What the balance counts.",
                                           examples=["days"])
    periodised: Flag = Field(default=False, description="Keep a separate balance per tracking "
                             "year; otherwise one running balance.")
    year_start: MonthDayText = Field(
        default="01-01",  # type: ignore[assignment]  # written as in YAML, validated
        description="Month-day each tracking year starts on (used by periodised balances, "
                    "max accrual per year and the first-day-of-tracking-year driver).",
        examples=["04-01"])
    deduction_order: Literal["current_year", "oldest_first", "current_then_oldest"] = Field(
        default="current_year",
        description="Periodised trackers only. Where a negative transaction is deducted: "
                    "`current_year` (the year it falls in), `oldest_first` (the oldest year "
                    "with a balance above zero, then the next), `current_then_oldest` (the "
                    "current year first, then oldest first). What no year covers goes to the "
                    "current year.", examples=["oldest_first"])
    max_accrual_per_year: DatedNum = Field(
        default=0,  # type: ignore[assignment]  # written as in YAML, validated
        description="Cap on the sum of positive `add` transactions (manual adjustments "
                    "excluded) per tracking year; the part cut off is reported. 0 = unlimited.",
        examples=[25])
    decimals: Int = Field(default=2, ge=0, le=6, description="Decimals shown for the balance.")
    total_start_date: Day | None = Field(
        default=None, description="Transactions before this date are ignored; empty = count "
        "from the employee's first transaction.", examples=["2024-04-01"])
    show_on_time_card: Flag = Field(default=True, description="Carried to outputs so time cards "
                                    "can show the tracker.")
    balance_as_of: BalanceAsOf = Field(
        default="actual",
        description="`actual`: transactions up to the date asked; or `{next_occurrence: MM-DD}`: "
                    "also approved future transactions up to the next such month-day.",
        examples=["actual", {"next_occurrence": "12-31"}])
    min: Num | None = Field(default=None, description="A balance below this raises a warning "
                            "(never clipped).", examples=[-40])
    max: Num | None = Field(default=None, description="A balance above this raises a warning "
                            "(never clipped).", examples=[150])
    type: Literal["normal", "holiday"] = Field(
        default="normal", description="`holiday` only where the agreement has a holiday "
        "calculation; otherwise `normal`.")
    save_up_to: Num | None = Field(
        default=None, ge=0,
        description="Periodised trackers only: when a tracking year ends, at most this much of "
                    "its remaining balance is kept (saved); the rest is forfeited on the year's "
                    "last day as an expiry transaction. Empty = keep all.", examples=[5])
    expire_after_years: Int | None = Field(
        default=None, ge=1,
        description="Periodised trackers only: a tracking year's remaining balance expires this "
                    "many years after the year ends, as an expiry transaction.", examples=[5])


class Locking(Section):
    """Locking by definitive transfer to payroll."""

    warn_unlocked_after_days: Int = Field(
        default=60, ge=1,
        description="Unlocked (not definitively transferred) data older than this many days "
                    "raises a warning.")


__all__ = ["Locking", "NextOccurrence", "Tracker"]
