"""The interchange tables as the evaluators receive them: columns, types and defaults.

`Inputs` holds one Polars frame per table (any may be missing). `prepare` gives every
table its documented columns with defaults filled in and a `row_id` (kept when the reader
gave one; else `punch_id` where the exporter gave one, else `TABLE:KEY` from the row's
values, see `with_row_ids`), so every output row can name the input rows behind it.
Datetimes may carry a time zone (any) or be naive (local time in the agreement's zone).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from decimal import Decimal

import polars as pl

from paycalc.errors import InputError
from paycalc.tables.convert import convert


def schema(**columns: pl.DataType | type[pl.DataType]) -> pl.Schema:
    """A frame schema written as column=type."""
    return pl.Schema(columns)


MONEY = pl.Decimal(38, 18)
"""The working type of every rate and amount until the single rounding of a line."""

COLUMNS: dict[str, dict[str, pl.DataType | type[pl.DataType]]] = {
    "employees": {
        "employee_id": pl.String, "birth_date": pl.Date, "employment_start": pl.Date,
        "employment_end": pl.Date, "employment_level": MONEY,
        "fulltime_hours_per_week": MONEY, "working_days_per_week": pl.Int64,
        "hourly_rate": MONEY, "monthly_salary": MONEY, "team": pl.String,
    },
    "assignments": {
        "employee_id": pl.String, "agreement": pl.String, "valid_from": pl.Date,
        "valid_to": pl.Date, "main": pl.Boolean,
    },
    "punches": {
        "punch_id": pl.String, "employee_id": pl.String, "start": pl.Datetime,
        "end": pl.Datetime, "activity": pl.String, "salary_type": pl.String,
        "break_minutes": pl.Int64,
    },
    "schedules": {
        "employee_id": pl.String, "start": pl.Datetime, "end": pl.Datetime,
        "activity": pl.String, "paid": pl.Boolean,
    },
    "absences": {
        "employee_id": pl.String, "start_date": pl.Date, "end_date": pl.Date,
        "salary_type": pl.String, "hours_per_day": MONEY,
    },
    "figures": {
        "employee_id": pl.String, "date": pl.Date, "kind": pl.String, "value": MONEY,
        "note": pl.String, "approved": pl.Boolean,
    },
    "adjustments": {
        "employee_id": pl.String, "tracker": pl.String, "date": pl.Date, "quantity": MONEY,
        "note": pl.String,
    },
    "approvals": {
        "employee_id": pl.String, "start_date": pl.Date, "end_date": pl.Date,
        "salary_type": pl.String, "activity": pl.String, "approved": pl.Boolean,
        "approved_by": pl.String, "level": pl.Int64,
    },
    "timelogs": {
        "log_id": pl.String, "employee_id": pl.String, "start": pl.Datetime,
        "end": pl.Datetime, "customer": pl.String, "case": pl.String, "service": pl.String,
        "billable": pl.Boolean, "status": pl.String, "approved_levels": pl.Int64,
        "note": pl.String,
    },
    "timer_events": {
        "employee_id": pl.String, "timer": pl.String, "at": pl.Datetime, "event": pl.String,
        "customer": pl.String, "case": pl.String, "service": pl.String,
        "billable": pl.Boolean, "status": pl.String, "approved_levels": pl.Int64,
        "note": pl.String,
    },
}

LOG_STATUSES = ("pending", "submitted", "approved", "voided")
"""The statuses of a time log, in the order of a timesheet's columns."""
TIMER_EVENTS = ("start", "pause", "resume", "stop")
"""The events of a timer."""
FIGURE_KINDS = ("bonus", "commission", "revenue", "profit", "points", "sales")
"""The kinds of figure a `figures` row may have."""
PAY_FIGURE_KINDS = ("bonus", "commission")
"""The kinds that are money owed to the employee: an approved one that the employee's
agreement does not pay gets a `FIGURE_NOT_PAID` warning (the others are measures the
reports show)."""

_DEFAULTS: dict[str, dict[str, object]] = {
    "employees": {"employment_level": Decimal(1), "fulltime_hours_per_week": Decimal(40),
                  "working_days_per_week": 5},
    "assignments": {"main": True},
    "punches": {"break_minutes": 0},
    "schedules": {"paid": True},
    "figures": {"approved": True},
    "approvals": {"level": 1},
    "timelogs": {"billable": False, "status": "approved"},
    "timer_events": {"billable": False, "status": "approved"},
}
_DEFAULT_COLUMNS: dict[str, dict[str, str]] = {"approvals": {"end_date": "start_date"}}
"""Defaults taken from another column of the same row."""


@dataclass(frozen=True)
class Period:
    """The days to produce lines for, both included. Raises `InputError` when a bound is
    no date or the period ends before it starts."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
                raise InputError(f"Period {name}: {value!r} is not a date (datetime.date)")
        if self.end < self.start:
            raise InputError(f"Period: it ends ({self.end}) before it starts ({self.start})")


@dataclass(frozen=True)
class Inputs:
    """The interchange tables; a missing table is empty."""

    employees: pl.DataFrame | None = None
    assignments: pl.DataFrame | None = None
    punches: pl.DataFrame | None = None
    schedules: pl.DataFrame | None = None
    absences: pl.DataFrame | None = None
    figures: pl.DataFrame | None = None
    adjustments: pl.DataFrame | None = None
    approvals: pl.DataFrame | None = None
    timelogs: pl.DataFrame | None = None
    timer_events: pl.DataFrame | None = None

    def of_leave(self) -> Inputs:
        """The tables that book leave and adjustments ahead of time: no punches, no
        figures (what next-occurrence balances read after a run's period)."""
        return Inputs(employees=self.employees, assignments=self.assignments,
                      schedules=self.schedules, absences=self.absences,
                      adjustments=self.adjustments, approvals=self.approvals)


@dataclass(frozen=True)
class Opening:
    """Where a locked evaluation starts: the tracker balances at the end of `lock_date`
    (the last day transferred definitively) per employee, tracker and tracking year.

    `balances` has the columns of `Evaluation.balances` that matter here: employee_id,
    tracker, tracking_year (null when not periodised), balance, and accrued (the year's
    additions counted against max_accrual_per_year); with balance_ticks and accrued_ticks,
    the exact values in ticks, these are read instead. The balances of a run as of the
    lock date are exactly that.
    """

    lock_date: dt.date
    balances: pl.DataFrame


def nominal_day() -> pl.Expr:
    """An employee's nominal day in whole seconds (halves up): full-time weekly hours x
    employment level / working days per week, over columns of the employees table."""
    return whole_seconds(pl.col("fulltime_hours_per_week") * pl.col("employment_level")
                          * pl.lit(3600, MONEY) / pl.col("working_days_per_week").cast(MONEY))


def whole_seconds(value: pl.Expr) -> pl.Expr:
    """A decimal number of seconds rounded to whole seconds, halves up."""
    return value.round(0, mode="half_away_from_zero").cast(pl.Int64)


REQUIRED: dict[str, list[str]] = {
    "employees": ["employee_id"],
    "assignments": ["employee_id", "agreement", "valid_from"],
    "punches": ["employee_id", "start", "end"],
    "schedules": ["employee_id", "start", "end"],
    "absences": ["employee_id", "start_date", "end_date", "salary_type"],
    "figures": ["employee_id", "date", "kind", "value"],
    "adjustments": ["employee_id", "tracker", "date", "quantity"],
    "approvals": ["employee_id", "start_date", "approved"],
    "timelogs": ["employee_id", "start", "end"],
    "timer_events": ["employee_id", "timer", "at", "event"],
}
"""The columns a table cannot be read without (PRODUCT.md's columns marked *)."""


def prepare(inputs: Inputs) -> dict[str, pl.DataFrame]:
    """Every table with all its documented columns, defaults filled in, and a `row_id`.

    Raises `InputError` when `inputs` is no `Inputs`, a table is no Polars frame or lacks a
    required column, or at the first value that does not convert exactly to its column's
    type (a data directory's reader rejects such rows instead)."""
    if not isinstance(inputs, Inputs):
        raise InputError(f"inputs: expected paycalc.Inputs, got {type(inputs).__name__}")
    for item in fields(inputs):
        frame = getattr(inputs, item.name)
        if frame is None:
            continue
        if not isinstance(frame, pl.DataFrame):
            raise InputError(f"{item.name}: expected a Polars DataFrame, got "
                             f"{type(frame).__name__}")
        missing = [c for c in REQUIRED[item.name] if c not in frame.columns]
        if missing:
            raise InputError(f"{item.name}: no column {', '.join(missing)} (the table needs "
                             f"{', '.join(REQUIRED[item.name])})")
    return {item.name: _prepare(item.name, getattr(inputs, item.name))
            for item in fields(inputs)}


def _prepare(name: str, frame: pl.DataFrame | None) -> pl.DataFrame:
    columns = COLUMNS[name]
    if frame is None:
        schema = {c: pl.Datetime("us") if t is pl.Datetime else t for c, t in columns.items()}
        return pl.DataFrame(schema={**schema, "row_id": pl.String})
    _one_kind_of_datetime(name, frame)
    frame = frame.with_columns(_converted(name, frame[column], dtype)
                               for column, dtype in columns.items()
                               if column in frame.columns and dtype is not pl.Datetime
                               and frame.schema[column] != dtype)
    exprs = []
    for column, dtype in columns.items():
        if column in frame.columns:
            expr = pl.col(column)
        else:
            expr = pl.lit(None, dtype=pl.Datetime("us") if dtype is pl.Datetime else dtype)
        default = _DEFAULTS.get(name, {}).get(column)
        if default is not None:
            expr = expr.fill_null(pl.lit(default, dtype=None if dtype is pl.Datetime else dtype))
        same_as = _DEFAULT_COLUMNS.get(name, {}).get(column)
        if same_as is not None and same_as in frame.columns:
            expr = expr.fill_null(pl.col(same_as))
        exprs.append(expr.alias(column))
    if "row_id" in frame.columns:
        return frame.select(*exprs, "row_id")
    return with_row_ids(frame.select(*exprs), name)


ROW_KEYS: dict[str, list[str]] = {
    "employees": ["employee_id"],
    "assignments": ["employee_id", "agreement", "valid_from"],
    "punches": ["employee_id", "start"],
    "schedules": ["employee_id", "start"],
    "absences": ["employee_id", "start_date", "salary_type"],
    "figures": ["employee_id", "date", "kind"],
    "adjustments": ["employee_id", "tracker", "date"],
    "approvals": ["employee_id", "start_date", "salary_type", "activity"],
    "timelogs": ["employee_id", "start"],
    "timer_events": ["employee_id", "timer", "at", "event"],
}
"""The columns that name a row of each table in its `row_id`."""


OWN_IDS = {"punches": "punch_id", "timelogs": "log_id"}
"""The column holding the exporter's own id of a row, where a table has one."""


def with_row_ids(frame: pl.DataFrame, table: str) -> pl.DataFrame:
    """`frame`, rows of `table`, with the `row_id` of each row: the punch_id or log_id
    where the exporter gave one, else TABLE:KEY from the row's `ROW_KEYS` values joined by
    `/`, empty ones left out (`figures:e1/2025-06-11/bonus`), with `#2`, `#3` ... on
    further rows of the same key, numbered in the order of their values. An id depends on
    the row's values only, never on where the row is in its file."""
    keys = [c for c in ROW_KEYS[table] if c in frame.columns]
    parts = [_as_key(c, frame.schema[c]) for c in keys]
    key = pl.concat_str(parts, separator="/", ignore_nulls=True) if parts else pl.lit("")
    keyed = frame.with_columns(key.alias("_key"), pl.int_range(pl.len()).alias("_at"))
    # only rows whose key repeats are numbered (a window over every key would cost most)
    repeated = keyed.filter(pl.col("_key").is_duplicated())
    if repeated.height:
        order = [c for c in COLUMNS[table] if c in frame.columns]
        occurrence = pl.int_range(1, pl.len() + 1).over("_key", order_by=order or None)
        repeated = repeated.with_columns(pl.when(occurrence > 1).then(
            pl.concat_str(pl.col("_key"), pl.format("#{}", occurrence))).otherwise("_key")
            .alias("_key"))
        keyed = pl.concat([keyed.filter(~pl.col("_key").is_duplicated()), repeated]).sort("_at")
    named = pl.concat_str(pl.lit(f"{table}:"), pl.col("_key"))
    given = OWN_IDS.get(table)
    if given in frame.columns:
        named = pl.coalesce(pl.col(given), named)
    return keyed.with_columns(named.alias("row_id")).drop("_key", "_at")


def _as_key(column: str, dtype: pl.DataType) -> pl.Expr:
    """A column's values as text in a row id (datetimes as ISO wall time, in UTC when they
    carry a zone)."""
    if isinstance(dtype, pl.Datetime):
        value = pl.col(column)
        if dtype.time_zone is not None:
            value = value.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        return value.dt.to_string("%Y-%m-%dT%H:%M:%S")
    return pl.col(column).cast(pl.String)


def _converted(table: str, values: pl.Series, dtype: pl.DataType | type[pl.DataType]
               ) -> pl.Series:
    """The column converted exactly to `dtype`; raises `InputError` at the first value
    that does not convert."""
    converted, _, reason = convert(values, dtype)
    failed = reason.is_not_null()
    if failed.any():
        row = int(failed.arg_true()[0])
        raise InputError(f"{table}: row {row + 1}: {values.name}: {reason[row]}")
    return converted


def _one_kind_of_datetime(table: str, frame: pl.DataFrame) -> None:
    """Raise `InputError` when the datetime columns of `table` mix instants (with a time
    zone) and local times (naive): an instant and a local time cannot be compared."""
    kinds = {column: dtype.time_zone is not None for column, dtype in frame.schema.items()
             if COLUMNS[table].get(column) is pl.Datetime and isinstance(dtype, pl.Datetime)}
    if len(set(kinds.values())) > 1:
        named = ", ".join(f"{c} {'has a time zone' if aware else 'is naive'}"
                          for c, aware in kinds.items())
        raise InputError(f"{table}: {named}; its datetimes must all be instants (with a time "
                         "zone) or all local times (naive)")
