"""Every error a user can cause, under one root, with the exit code the command line gives
it.

A library caller catches `PaycalcError` (or one of its kinds); the command line turns any of
them into its message and `exit_code`, never a traceback. `Problem` is one located mistake
in an agreement file: the agreement errors carry every problem found, not only the first.
This module imports nothing of paycalc, so every stage may raise these.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

(EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_DATA, EXIT_REJECTS, EXIT_STORE, EXIT_OUTPUT,
 EXIT_TESTS) = range(8)
"""Exit codes: done; agreement problems; wrong command line; data (a data directory, a table
passed to the library, a run folder) that cannot be read, or with --strict a bad row; done,
but some input rows were rejected; refused by the run store or a transfer's guards; an
output folder that is not written (it holds files and no --replace was given, or another
run is writing it); `paycalc test` cases that failed."""


class PaycalcError(Exception):
    """The root of paycalc's errors: something a user can mend (a file, a table, a
    command), told in words."""

    exit_code: ClassVar[int] = EXIT_DATA

    def lines(self) -> list[str]:
        """What the command line prints: one line per thing wrong."""
        return str(self).splitlines() or [type(self).__name__]


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


class AgreementError(PaycalcError):
    """Agreement files that cannot be compiled or run together, with every problem found."""

    exit_code = EXIT_PROBLEMS

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(sorted(set(problems)))
        super().__init__("\n".join(str(p) for p in self.problems))


class DataError(PaycalcError, ValueError):
    """A data directory or run folder that cannot be read: a missing folder or file, a file
    that is not CSV or Parquet, a file without a required column, or (when reading
    strictly) the first bad row."""


class InputError(DataError):
    """A table passed to the library with a value that does not convert exactly to its
    column's type (30.5 break minutes, a datetime at 09:00 as a date)."""


class StoreError(PaycalcError, RuntimeError):
    """A run store or a transfer that refuses: a period already locked or overlapping the
    lock, a run made from another lock than the store's, a file that is not a run store,
    or a definitive transfer of a run with rejected rows or warnings that leave lines
    unpaid (unless accepted)."""

    exit_code = EXIT_STORE


class OutputError(PaycalcError):
    """A run's output folder that is not written: it already holds files (and replacing it
    was not asked for), or another process is writing it."""

    exit_code = EXIT_OUTPUT
