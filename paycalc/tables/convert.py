"""Converting a column to its documented type, exactly or not at all.

Text is read in the interchange forms (dates `YYYY-MM-DD`, decimals with a dot, whole
numbers, `true`/`false`, datetimes ISO 8601 as spreadsheets and databases write them: `T`
or a space, with or without seconds, a zero fraction of a second, an offset `Z`, `+01:00`,
`+0100` or `+01` or none); a typed column (Parquet, or a frame passed to the library)
converts only where no value changes: never a guess, never a cut.

Each datetime is read on its own form, so the order of the rows changes nothing. A column
is of instants (with offsets) or of local times (without), and so are all the datetime
columns of one table: where they hold both, the kind most of their values have holds
(instants on a tie) and the others do not convert
(`MIXED_OFFSETS`), since a local time among instants, or the reverse, is a mistake of the
export whose meaning cannot be told.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import polars as pl

from paycalc.reasons import (
    INEXACT_FLOAT,
    MIXED_OFFSETS,
    NOT_A_BOOLEAN,
    NOT_A_DATE,
    NOT_A_DATETIME,
    NOT_A_NUMBER,
    NOT_A_WHOLE_NUMBER,
    NOT_TEXT,
    TOO_PRECISE,
    Reason,
)
from paycalc.rules.precision import MAX_FRACTION_DIGITS, MAX_WHOLE_DIGITS
from paycalc.tables.messages import because


def convert(values: pl.Series, dtype: pl.DataType | type[pl.DataType], *,
            instants: bool | None = None) -> tuple[pl.Series, pl.Series, pl.Series]:
    """The values converted to `dtype` exactly, and per value the code and the text of why
    it did not convert (null where it did). Text datetimes are read as instants or local
    times as `instants` says (by default: as most of `values` are, see `of_instants`)."""
    if values.dtype == pl.String and dtype == pl.Datetime:
        return _datetimes(values, of_instants(values) if instants is None else instants)
    if values.dtype == pl.String and isinstance(dtype, pl.Decimal):
        return _decimals(values, dtype)
    if values.dtype.is_float() and isinstance(dtype, pl.Decimal):
        return _floats(values, dtype)
    converted = (_from_text(values, dtype) if values.dtype == pl.String
                 else _from_typed(values, dtype))
    failed = values.is_not_null() & converted.is_null()
    if not failed.any():  # the usual case: no value needs showing as text
        return _all_read(converted.alias(values.name))
    expected = not_converted(dtype)
    why = pl.select(pl.when(failed).then(pl.lit(expected.code)).alias("code"),
                    pl.when(failed).then(pl.format(expected.positional(), values.cast(pl.String)))
                    .alias("reason"))
    return converted.alias(values.name), why["code"], why["reason"]


def _all_read(converted: pl.Series) -> tuple[pl.Series, pl.Series, pl.Series]:
    """`converted` with no code and no reason: every value converted."""
    nothing = pl.repeat(None, len(converted), dtype=pl.String, eager=True)
    return converted, nothing, nothing


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
    text = values.cast(pl.String)
    if dtype == pl.Datetime:
        return _datetimes(text, of_instants(text))[0]
    if isinstance(dtype, pl.Decimal):
        return _decimals(text, dtype)[0]
    return _from_text(text, dtype)


def _from_text(text: pl.Series, dtype: pl.DataType | type[pl.DataType]) -> pl.Series:
    if dtype == pl.String:
        return text
    if dtype == pl.Date:
        return text.str.to_date("%Y-%m-%d", strict=False)
    if dtype == pl.Boolean:
        return text.replace_strict({"true": True, "false": False}, default=None,
                                   return_dtype=pl.Boolean)
    return text.str.strip_chars().cast(dtype, strict=False)


def _decimals(text: pl.Series, dtype: pl.Decimal) -> tuple[pl.Series, pl.Series, pl.Series]:
    """Text read as decimals: digits with an optional sign and decimal point (no exponent,
    no thousands separator), at most `MAX_WHOLE_DIGITS` before the point and
    `MAX_FRACTION_DIGITS` after, so that no value is rounded (`TOO_PRECISE` otherwise)."""
    value = pl.col("value").str.strip_chars()
    number = value.str.contains(r"^[+-]?(\d+\.?\d*|\.\d+)$")
    whole = value.str.extract(r"^[+-]?0*(\d*)").str.len_chars()
    fraction = value.str.extract(r"\.(\d*)$").str.len_chars().fill_null(0)
    precise = (whole <= MAX_WHOLE_DIGITS) & (fraction <= MAX_FRACTION_DIGITS)
    no_number = because(NOT_A_NUMBER, value=pl.col("value"))
    too_precise = because(TOO_PRECISE, value=pl.col("value"), whole=MAX_WHOLE_DIGITS,
                          fraction=MAX_FRACTION_DIGITS)
    read = text.rename("value").to_frame().select(
        pl.when(number & precise).then(value.cast(dtype, strict=False)).alias(text.name),
        *(pl.when(~number).then(no_number[i]).when(~precise).then(too_precise[i]).alias(name)
          for i, name in enumerate(("code", "reason"))))
    return read[text.name], read["code"], read["reason"]


def _floats(values: pl.Series, dtype: pl.Decimal) -> tuple[pl.Series, pl.Series, pl.Series]:
    """Floats read as decimals only where the float is exactly the decimal it prints as
    (150.5 is; 150.1 is not, and is `INEXACT_FLOAT`, never rounded): each distinct value is
    compared exactly, in Python's `Decimal`, with its shortest text."""
    distinct = values.drop_nulls().unique().to_list()
    exact = {v: Decimal(v) == Decimal(repr(v)) for v in distinct if math.isfinite(v)}
    text = values.cast(pl.String)
    read, code, reason = _decimals(text, dtype)
    inexact = values.replace_strict(exact, default=False, return_dtype=pl.Boolean).not_() & \
        read.is_not_null()
    if not inexact.any():
        return read.alias(values.name), code, reason
    why = pl.DataFrame({"inexact": inexact, "value": text, "code": code, "reason": reason})
    float_reason = because(INEXACT_FLOAT, value=pl.col("value"))
    why = why.select(pl.when("inexact").then(float_reason[i]).otherwise(name).alias(name)
                     for i, name in enumerate(("code", "reason")))
    kept = pl.select(pl.when(~inexact).then(read)).to_series().alias(values.name)
    return kept, why["code"], why["reason"]


def of_instants(*columns: pl.Series) -> bool:
    """Whether text datetimes are instants: most of the values of `columns` that read as
    datetimes carry an offset (on a tie too), so a table's datetime columns are all of one
    kind."""
    read = pl.concat([_read(c.rename("value")) for c in columns]).filter("read")["has_offset"]
    return read.sum() * 2 >= len(read) > 0


def _read(text: pl.Series) -> pl.DataFrame:
    """Each text value as a local time and as an instant, whether it has an offset, and
    whether it reads as its form says (see the module's docstring)."""
    parts = text.str.strip_chars().str.extract_groups(_DATETIME).struct.unnest()
    wall = pl.concat_str(pl.col("date"), pl.lit("T"), pl.col("time"),
                         pl.col("seconds").fill_null(":00"))
    offset = (pl.when(pl.col("offset") == "Z").then(pl.lit("+00:00"))
              .when(pl.col("offset").str.len_chars() == 3).then(pl.col("offset") + ":00")
              .otherwise(pl.col("offset").str.replace(r"^(.\d\d):?(\d\d)$", "${1}:${2}")))
    read = parts.select(
        wall.str.to_datetime("%Y-%m-%dT%H:%M:%S", time_unit="us", strict=False).alias("local"),
        (wall + offset).str.to_datetime("%Y-%m-%dT%H:%M:%S%:z", time_unit="us",
                                        time_zone="UTC", strict=False).alias("instant"),
        pl.col("offset").is_not_null().alias("has_offset"))
    return read.with_columns(pl.when(pl.col("has_offset")).then(pl.col("instant").is_not_null())
                             .otherwise(pl.col("local").is_not_null()).alias("read"))


def _datetimes(text: pl.Series, instants: bool) -> tuple[pl.Series, pl.Series, pl.Series]:
    """Text read as datetimes, each value on its own form: instants in UTC when `instants`,
    else naive local times; a value of the other kind does not convert (`MIXED_OFFSETS`).
    With the code and text of why a value did not convert."""
    read = _read(text)
    kept = pl.col("has_offset") == instants
    converted = read.select(pl.when(kept).then(
        pl.col("instant" if instants else "local"))).to_series().alias(text.name)
    failed = text.is_not_null() & converted.is_null()
    if not failed.any():
        return _all_read(converted)
    unread = because(NOT_A_DATETIME, value=pl.col("value"))
    mixed = because(MIXED_OFFSETS, value=pl.col("value"),
                    form="has no offset" if instants else "has an offset",
                    others="have one" if instants else "have none")
    why = read.with_columns(failed.alias("failed"), text.alias("value")).select(
        pl.when("failed").then(pl.when("read").then(mixed[i]).otherwise(unread[i])).alias(name)
        for i, name in enumerate(("code", "reason")))
    return converted, why["code"], why["reason"]


_DATETIME = (r"^(?<date>\d{4}-\d\d-\d\d)[T ](?<time>\d\d:\d\d)(?<seconds>:\d\d)?(?:\.0+)?"
             r"(?<offset>Z|[+-]\d\d(?::?\d\d)?)?$")
"""The ISO 8601 forms of a date and time read from text, in parts."""
