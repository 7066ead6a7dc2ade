"""Rule values as Polars expressions: dated values of a date column, and membership in a
set of codes, dates or numbers written in the agreement."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import polars as pl

from paycalc.compiled import ALWAYS, Dated


def dated_expr(value: Dated[Any], day: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """The value in force on each `day`; null before the first effective date."""
    expr: Any = pl
    for start, item in reversed(value.entries):
        condition = pl.lit(True) if start == ALWAYS else day >= pl.lit(start)
        expr = expr.when(condition).then(pl.lit(item, dtype=dtype))
    return expr.otherwise(pl.lit(None, dtype=dtype))


def among(column: str, values: Iterable[Any], dtype: pl.DataType) -> pl.Expr:
    """True where `column` is one of `values` (typed, so an empty set is simply false)."""
    return pl.col(column).is_in(pl.lit(pl.Series(list(values), dtype=dtype)).implode())


def lookup(expr: pl.Expr, mapping: Mapping[Any, Any], dtype: pl.DataType,
           default: Any = None) -> pl.Expr:
    """The value `mapping` gives each element of `expr`, `default` where it gives none."""
    if not mapping:
        return pl.lit(default, dtype)
    return expr.replace_strict(dict(mapping), default=default, return_dtype=dtype)
