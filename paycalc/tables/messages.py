"""Reasons and warnings (`paycalc.reasons`) as Polars columns: a reason's code and its
message filled from the columns of the rows it is about, with the same template the
reference evaluator fills in Python; and the results of a stage that warns or rejects."""

from __future__ import annotations

from typing import NamedTuple

import polars as pl

from paycalc.reasons import Reason


def because(reason: Reason, /, **values: object) -> tuple[pl.Expr, pl.Expr]:
    """The code and the message of `reason`, each field of its template filled from an
    expression of the same name (or a constant, as text)."""
    args = [value if isinstance(value, pl.Expr) else pl.lit(str(value))
            for value in (values[name] for name in reason.fields())]
    text = pl.format(reason.positional(), *args) if args else pl.lit(reason.template)
    return pl.lit(reason.code), text


def warned(reason: Reason, /, **values: object) -> list[pl.Expr]:
    """The `code` and `message` columns of a warning for `reason` (see `because`)."""
    code, text = because(reason, **values)
    return [code.alias("code"), text.alias("message")]


def rejected(reason: Reason, /, **values: object) -> list[pl.Expr]:
    """The `code` and `reason` columns of a reject for `reason` (see `because`)."""
    code, text = because(reason, **values)
    return [code.alias("code"), text.alias("reason")]


class Warned(NamedTuple):
    """The rows a stage made and the warnings it gave (`WARNINGS` columns)."""

    rows: pl.DataFrame
    warnings: pl.DataFrame


class Refused(NamedTuple):
    """The rows a stage made and the input rows it rejected (`REJECTS` columns)."""

    rows: pl.DataFrame
    rejects: pl.DataFrame
