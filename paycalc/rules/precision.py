"""How many digits a number may have, in an agreement or in data: the engine keeps every
rate, amount and quantity as a decimal of 38 digits, 18 of them after the point, and a
number with more digits would be rounded or overflow, so it is refused instead."""

from __future__ import annotations

MAX_WHOLE_DIGITS = 15
"""Digits of a number before its decimal point."""
MAX_FRACTION_DIGITS = 18
"""Digits of a number after its decimal point: the scale of the engine's money type."""
