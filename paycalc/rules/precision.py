"""How many digits a number may have, in an agreement or in data: the engine keeps every
rate, amount and quantity as a decimal of 38 digits, 18 of them after the point, and a
number with more digits would be rounded or overflow, so it is refused instead."""

from __future__ import annotations

MAX_WHOLE_DIGITS = 15
"""Digits of a number before its decimal point."""
MAX_FRACTION_DIGITS = 18
"""Digits of a number after its decimal point: the scale of the engine's money type."""
TICKS = {"hours": 36_000_000, "days": 1_000_000}
"""Whole ticks per unit of a tracker: a tracker's ledger counts in ticks, exactly. An hour
is 36,000,000 ticks of a ten-thousandth of a second, so that whole seconds and hours to 6
decimals are both whole ticks (60 hours of minute-long punches are 60 hours, not
60.000003); a day is 1,000,000 ticks. A transaction's quantity is its exact value to the
nearest tick (half to even); quantities are shown to 6 decimals, rounded once."""
