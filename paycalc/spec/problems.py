"""Problems found in agreement files, as data.

Every stage (load, validate, resolve, check) reports what is wrong as `Problem` values and
collects them, so a consultant sees all the mistakes of a file at once. A problem names the
file, line and column, the key path, what was wrong and what is allowed.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in an agreement or rule-set file."""

    file: str
    line: int
    column: int
    path: str
    message: str
    allowed: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        key = f" {self.path}:" if self.path else ""
        text = f"{where}:{key} {self.message}"
        if self.allowed:
            text += f" (allowed: {self.allowed})"
        return text


class AgreementError(Exception):
    """Raised with every problem found when agreement files cannot be compiled."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(sorted(set(problems)))
        super().__init__("\n".join(str(p) for p in self.problems))


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
