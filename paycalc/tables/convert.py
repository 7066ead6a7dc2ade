"""Converting a column to its documented type, exactly or not at all.

Text is read in the interchange forms (dates `YYYY-MM-DD`, datetimes ISO 8601 with an
offset on every value of the column or on none, decimals with a dot, whole numbers,
`true`/`false`); a typed column (Parquet, or a frame passed to the library) converts only
where no value changes: never a guess, never a cut.
"""

from __future__ import annotations

import datetime as dt
import re

import polars as pl

from paycalc.reasons import (
    NOT_A_BOOLEAN,
    NOT_A_DATE,
    NOT_A_DATETIME,
    NOT_A_NUMBER,
    NOT_A_WHOLE_NUMBER,
    NOT_TEXT,
    Reason,
)

_OFFSET = r"(Z|[+-]\d\d:?\d\d)$"


def convert(values: pl.Series, dtype: pl.DataType | type[pl.DataType]
            ) -> tuple[pl.Series, pl.Series]:
    """The values converted to `dtype` exactly, and per value why it did not convert (null
    where it did)."""
    converted = (_from_text(values, dtype) if values.dtype == pl.String
                 else _from_typed(values, dtype))
    failed = values.is_not_null() & converted.is_null()
    if not failed.any():  # the usual case: no value needs showing as text
        return converted.alias(values.name), pl.repeat(None, len(values), dtype=pl.String,
                                                       eager=True)
    expected = not_converted(dtype)
    reason = pl.select(pl.when(failed).then(pl.format(
        expected.positional(), values.cast(pl.String)))).to_series()
    return converted.alias(values.name), reason


def not_converted(dtype: pl.DataType | type[pl.DataType]) -> Reason:
    """The reason a value does not convert to `dtype`."""
    for kind, reason in _EXPECTED.items():
        if dtype == getattr(pl, kind):
            return reason
    return NOT_TEXT


_EXPECTED = {"Date": NOT_A_DATE, "Datetime": NOT_A_DATETIME, "Boolean": NOT_A_BOOLEAN,
             "Int64": NOT_A_WHOLE_NUMBER, "Decimal": NOT_A_NUMBER, "String": NOT_TEXT}


def _from_typed(values: pl.Series, dtype: pl.DataType | type[pl.DataType]) -> pl.Series:
    """A typed (Parquet) column as `dtype`, never by a guess: a value of the same kind is
    taken as it is (a whole number of any width, a decimal with no more decimals than the
    column keeps, a date, a datetime, a boolean), a float only when it is whole, a datetime
    as a date only at midnight; anything else is read from its text as a CSV value would
    be, so 30.5 minutes or the number 20250101 as a date do not convert. A value too large
    for the column does not convert either."""
    kind = values.dtype
    if dtype == pl.Datetime and kind == pl.Datetime:
        return values
    exact = (dtype == pl.String or kind == dtype or (dtype == pl.Int64 and kind.is_integer())
             or (isinstance(dtype, pl.Decimal) and (kind.is_integer() or (
                 isinstance(kind, pl.Decimal) and (kind.scale or 0) <= (dtype.scale or 0)))))
    if exact:
        return values.cast(dtype, strict=False)
    if dtype == pl.Int64 and kind.is_float():
        whole = pl.when(values == values.floor()).then(values)
        return pl.select(whole.cast(dtype, strict=False)).to_series()
    if dtype == pl.Date and kind == pl.Datetime:
        midnight = pl.when(values.dt.time() == dt.time()).then(values.dt.date())
        return pl.select(midnight).to_series()
    return _from_text(values.cast(pl.String), dtype)


def _from_text(text: pl.Series, dtype: pl.DataType | type[pl.DataType]) -> pl.Series:
    if dtype == pl.String:
        return text
    if dtype == pl.Date:
        return text.str.to_date("%Y-%m-%d", strict=False)
    if dtype == pl.Boolean:
        return text.replace_strict({"true": True, "false": False}, default=None,
                                   return_dtype=pl.Boolean)
    if dtype == pl.Datetime:
        offset = text.str.contains(_OFFSET)
        if _offsets(text):
            parsed = text.str.to_datetime(time_zone="UTC", time_unit="us", strict=False)
            return pl.DataFrame({"v": parsed, "o": offset}).select(
                pl.when("o").then("v")).to_series()
        return text.str.to_datetime("%Y-%m-%dT%H:%M:%S", time_unit="us", strict=False)
    return text.str.strip_chars().cast(dtype, strict=False)


def _offsets(text: pl.Series) -> bool:
    """Whether the column's datetimes carry offsets: the form of its first value."""
    present = text.drop_nulls()
    return bool(len(present)) and bool(re.search(_OFFSET, present[0]))
