"""The declared bounds of an agreement file: how deep, how long and how precise what a
consultant writes may be, so that no file can exhaust the machine or overflow the engine's
exact types. `paycalc validate` reports a file beyond a bound as a located problem; the
engine's cost at each bound is measured in docs/limits.md.

The bounds are far above any real collective agreement (the shipped ones use at most 4
levels, 3 overtime steps, 8 supplement windows and 2 layers of `extends:`).
"""

from __future__ import annotations

from paycalc.rules.precision import MAX_FRACTION_DIGITS, MAX_WHOLE_DIGITS

__all__ = ["MAX_EXTENDS", "MAX_FRACTION_DIGITS", "MAX_LEVELS", "MAX_NESTING", "MAX_STEPS",
           "MAX_SUPPLEMENTS", "MAX_WHOLE_DIGITS"]

MAX_NESTING = 32
"""Mappings and lists inside one another in one YAML file."""
MAX_EXTENDS = 16
"""Base templates above an agreement through `extends:`."""
MAX_LEVELS = 100
"""Levels of one link's factor table."""
MAX_STEPS = 20
"""Steps of one overtime threshold, or of one monthly deduction."""
MAX_SUPPLEMENTS = 200
"""Supplement windows of one agreement."""
