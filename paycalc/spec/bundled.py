"""Where the agreements, rule sets and schemas shipped with paycalc are.

In a wheel they are copied into `paycalc/_bundled/`; in a source checkout they are the
top-level `agreements/` and `rules/` directories beside the package.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent
SCHEMA_DIR = _PACKAGE / "schemas"


def _bundled(name: str) -> Path:
    inside = _PACKAGE / "_bundled" / name
    return inside if inside.is_dir() else _PACKAGE.parent / name


AGREEMENTS_DIR = _bundled("agreements")
RULES_DIR = _bundled("rules")
SAMPLE_DIR = _PACKAGE / "sample"
"""The sample data directory `paycalc demo` runs (written by tools/make_sample_data.py)."""
SAMPLE_FROM, SAMPLE_TO = dt.date(2025, 1, 1), dt.date(2025, 2, 28)
"""The period of the sample data."""
