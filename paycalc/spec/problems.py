"""Helpers for the problems found in agreement files: key paths as a consultant writes
them, file names as shown, and did-you-mean hints.

Every stage (load, validate, resolve, check) reports what is wrong as `Problem` values
(`paycalc.errors`) and collects them, so a consultant sees all the mistakes of a file at
once. A problem names the file, line and column, the key path, what was wrong and what is
allowed.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A '; did you mean 'x'?' suffix when `word` is close to one of `choices`, else ''."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def format_path(parts: Iterable[object]) -> str:
    """A key path as a consultant writes it: `links.vacation.levels.table[0].factor`."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def display_name(path: Path) -> str:
    """The file name shown in problems: relative to the working directory when possible."""
    here = Path.cwd().resolve()
    full = path.resolve()
    if here != Path(here.anchor) and full.is_relative_to(here):
        return str(full.relative_to(here))
    return str(full)
