"""The row rules of a data directory, declared as dataframely schemas, and the reason a
consultant reads for each.

dataframely (a validation library written for Polars) checks the rules of a whole table
in one lazy pass and tells, per row and rule, whether the row broke it; the schemas below
declare which values a table needs and which rows are wrong, and `check_tables` turns every
broken rule into a reject with its column and reason. Checks that need another table
(unknown employee, dates outside employment) or other rows (overlapping punches, an id
given twice) are worked out first as helper columns (`_known`, `_from`, `_to`,
`_overlaps`, `_taken`), which the rules then read. Exact duplicates are taken out before
the rules: the first copy stays, each later copy is rejected naming the first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Set as AbstractSet

import dataframely as dy
import polars as pl

from paycalc.reasons import (
    ABOVE_MAXIMUM,
    BELOW_MINIMUM,
    BROKEN_RULE,
    DUPLICATE_EMPLOYEE,
    DUPLICATE_LOG_ID,
    DUPLICATE_PUNCH_ID,
    EMPLOYMENT_ENDS_BEFORE_START,
    END_BEFORE_START,
    END_DATE_BEFORE_START_DATE,
    EXACT_DUPLICATE,
    MISSING_VALUE,
    OUTSIDE_EMPLOYMENT,
    PUNCH_OPEN,
    PUNCH_OVERLAP,
    PUNCH_TOO_LONG,
    UNKNOWN_AGREEMENT,
    UNKNOWN_EVENT,
    UNKNOWN_FIGURE_KIND,
    UNKNOWN_STATUS,
    UNUSABLE_EMPLOYEE,
    VALID_TO_BEFORE_FROM,
    Reason,
)
from paycalc.tables.inputs import FIGURE_KINDS, LOG_STATUSES, OWN_IDS, TIMER_EVENTS
from paycalc.tables.messages import rejected


class Employees(dy.Schema):
    """Who is paid: one row per employee."""

    employee_id = dy.String(primary_key=True)
    birth_date = dy.Date(nullable=True)
    employment_start = dy.Date(nullable=True)
    employment_end = dy.Date(nullable=True)
    employment_level = dy.Decimal(38, 18, nullable=True, min=0, max=1)
    working_days_per_week = dy.Int64(nullable=True, min=1, max=7)
    hourly_rate = dy.Decimal(38, 18, nullable=True, min=0)
    monthly_salary = dy.Decimal(38, 18, nullable=True, min=0)

    @dy.rule()
    def employment_ends_after_start(cls) -> pl.Expr:
        return pl.col("employment_end") >= pl.col("employment_start")


LONGEST_PUNCH = dt.timedelta(hours=24)
"""The longest a punch may last: a longer one is a forgotten punch-out, rejected rather
than paid over days."""
LONG_PUNCH = dt.timedelta(hours=16)
"""A punch longer than this is paid as punched, with a `LONG_PUNCH` warning to check it."""


class _OfAnEmployee(dy.Schema):
    """A table whose rows belong to an employee, checked with helper columns: whether the
    employee is known, and the first and last day of employment (null when open)."""

    employee_id = dy.String(nullable=False)
    _known = dy.Bool(nullable=False)
    _from = dy.Date(nullable=True)
    _to = dy.Date(nullable=True)

    @dy.rule()
    def known_employee(cls) -> pl.Expr:
        return pl.col("_known")


class Assignments(_OfAnEmployee):
    """Which agreement applies to an employee from when to when."""

    agreement = dy.String(nullable=False)
    valid_from = dy.Date(nullable=False)
    valid_to = dy.Date(nullable=True)
    _agreement_known = dy.Bool(nullable=False)

    @dy.rule()
    def known_agreement(cls) -> pl.Expr:
        return pl.col("_agreement_known")

    @dy.rule()
    def valid_to_after_from(cls) -> pl.Expr:
        return pl.col("valid_to") >= pl.col("valid_from")


class _FromStartToEnd(_OfAnEmployee):
    """A table of an employee's times from `start` to `end`, which must not be reversed."""

    start = dy.Datetime(nullable=False)
    end = dy.Datetime(nullable=False)

    @dy.rule()
    def end_after_start(cls) -> pl.Expr:
        return pl.col("end") >= pl.col("start")


class _OfADay(_OfAnEmployee):
    """A table of an employee's entries of a `date` within the employment."""

    date = dy.Date(nullable=False)

    @dy.rule()
    def date_within_employment(cls) -> pl.Expr:
        return _within(pl.col("date"))


class Punches(_FromStartToEnd):
    """Worked time as punched: one row per punch in and out, at most LONGEST_PUNCH long."""

    punch_id = dy.String(nullable=True)
    break_minutes = dy.Int64(nullable=True, min=0)
    _overlaps = dy.String(nullable=True)
    _taken = dy.Bool(nullable=False)

    @dy.rule()
    def not_too_long(cls) -> pl.Expr:
        return ((pl.col("end") - pl.col("start")) <= LONGEST_PUNCH).fill_null(True)

    @dy.rule()
    def punch_id_unique(cls) -> pl.Expr:
        # a punch without an id is numbered by its row: only given ids must be unique
        return ~pl.col("_taken")

    @dy.rule()
    def start_within_employment(cls) -> pl.Expr:
        return _within(pl.col("start").dt.date())

    @dy.rule()
    def no_overlap(cls) -> pl.Expr:
        return pl.col("_overlaps").is_null()


class Schedules(_FromStartToEnd):
    """Planned time."""


class Absences(_OfAnEmployee):
    """Days away, each paid as its salary type."""

    start_date = dy.Date(nullable=False)
    end_date = dy.Date(nullable=False)
    salary_type = dy.String(nullable=False)
    hours_per_day = dy.Decimal(38, 18, nullable=True, min=0, max=24)

    @dy.rule()
    def end_date_after_start_date(cls) -> pl.Expr:
        return pl.col("end_date") >= pl.col("start_date")

    @dy.rule()
    def dates_within_employment(cls) -> pl.Expr:
        return _within(pl.col("start_date")) & _within(pl.col("end_date"))


class Figures(_OfADay):
    """Commission, bonus and other figures of a day."""

    kind = dy.String(nullable=False)
    value = dy.Decimal(precision=38, scale=18, nullable=False)

    @dy.rule()
    def known_kind(cls) -> pl.Expr:
        return pl.col("kind").is_in(FIGURE_KINDS)


class Adjustments(_OfADay):
    """Manual tracker corrections."""

    tracker = dy.String(nullable=False)
    quantity = dy.Decimal(precision=38, scale=18, nullable=False)


class Approvals(_OfAnEmployee):
    """Whether lines of salary types that require approval are approved, by whom and at
    which level."""

    start_date = dy.Date(nullable=False)
    end_date = dy.Date(nullable=True)
    approved = dy.Bool(nullable=False)
    level = dy.Int64(nullable=True, min=1, max=2)

    @dy.rule()
    def end_date_after_start_date(cls) -> pl.Expr:
        return pl.col("end_date").is_null() | (pl.col("end_date") >= pl.col("start_date"))


class _Logged(_OfAnEmployee):
    """A table of logged time: its status and how many levels approved it."""

    status = dy.String(nullable=True)
    approved_levels = dy.Int64(nullable=True, min=0, max=2)

    @dy.rule()
    def known_status(cls) -> pl.Expr:
        return pl.col("status").is_null() | pl.col("status").is_in(LOG_STATUSES)


class Timelogs(_Logged, _FromStartToEnd):
    """Time logged against customers, cases and services; logs of one person may overlap
    (timers run at once)."""

    log_id = dy.String(nullable=True)
    _taken = dy.Bool(nullable=False)

    @dy.rule()
    def log_id_unique(cls) -> pl.Expr:
        return ~pl.col("_taken")

    @dy.rule()
    def start_within_employment(cls) -> pl.Expr:
        return _within(pl.col("start").dt.date())


class TimerEvents(_Logged):
    """Start, pause, resume and stop of an employee's timers."""

    timer = dy.String(nullable=False)
    at = dy.Datetime(nullable=False)
    event = dy.String(nullable=False)

    @dy.rule()
    def known_event(cls) -> pl.Expr:
        return pl.col("event").is_in(TIMER_EVENTS)

    @dy.rule()
    def at_within_employment(cls) -> pl.Expr:
        return _within(pl.col("at").dt.date())


def _within(day: pl.Expr) -> pl.Expr:
    return ((pl.col("_from").is_null() | (day >= pl.col("_from")))
            & (pl.col("_to").is_null() | (day <= pl.col("_to"))))


SCHEMAS: dict[str, type[dy.Schema]] = {
    "employees": Employees, "assignments": Assignments, "punches": Punches,
    "schedules": Schedules, "absences": Absences, "figures": Figures,
    "adjustments": Adjustments, "approvals": Approvals, "timelogs": Timelogs,
    "timer_events": TimerEvents,
}

_EMPLOYMENT = {"start": pl.col("_from").cast(pl.String).fill_null("open"),
               "end": pl.col("_to").cast(pl.String).fill_null("open")}

# What a broken rule means: the column at fault, the reason and its values as expressions
# over the rejected row; "SCHEMA:RULE" for one table only. Nullability rules
# ("COLUMN|nullability") are MISSING_VALUE unless named here.
RULES: dict[str, tuple[str | None, Reason, dict[str, pl.Expr]]] = {
    "primary_key": ("employee_id", DUPLICATE_EMPLOYEE, {"employee_id": pl.col("employee_id")}),
    "employment_ends_after_start": ("employment_end", EMPLOYMENT_ENDS_BEFORE_START, {}),
    "known_employee": ("employee_id", UNUSABLE_EMPLOYEE, {"employee_id": pl.col("employee_id")}),
    "known_agreement": ("agreement", UNKNOWN_AGREEMENT, {"agreement": pl.col("agreement")}),
    "valid_to_after_from": ("valid_to", VALID_TO_BEFORE_FROM, {}),
    "end_after_start": ("end", END_BEFORE_START, {}),
    "start_within_employment": ("start", OUTSIDE_EMPLOYMENT, _EMPLOYMENT),
    "dates_within_employment": ("start_date", OUTSIDE_EMPLOYMENT, _EMPLOYMENT),
    "date_within_employment": ("date", OUTSIDE_EMPLOYMENT, _EMPLOYMENT),
    "punch_id_unique": ("punch_id", DUPLICATE_PUNCH_ID, {"punch_id": pl.col("punch_id")}),
    "no_overlap": ("start", PUNCH_OVERLAP, {"other": pl.col("_overlaps")}),
    "end_date_after_start_date": ("end_date", END_DATE_BEFORE_START_DATE, {}),
    "Punches:end|nullability": ("end", PUNCH_OPEN, {}),
    "known_kind": ("kind", UNKNOWN_FIGURE_KIND, {"kind": pl.col("kind"),
                                                 "kinds": pl.lit(", ".join(FIGURE_KINDS))}),
    "employment_level|min": ("employment_level", BELOW_MINIMUM,
                             {"column": pl.lit("employment_level"), "limit": pl.lit("0")}),
    "employment_level|max": ("employment_level", ABOVE_MAXIMUM,
                             {"column": pl.lit("employment_level"), "limit": pl.lit("1")}),
    "working_days_per_week|min": ("working_days_per_week", BELOW_MINIMUM,
                                  {"column": pl.lit("working_days_per_week"),
                                   "limit": pl.lit("1")}),
    "working_days_per_week|max": ("working_days_per_week", ABOVE_MAXIMUM,
                                  {"column": pl.lit("working_days_per_week"),
                                   "limit": pl.lit("7")}),
    "level|min": ("level", BELOW_MINIMUM, {"column": pl.lit("level"), "limit": pl.lit("1")}),
    **{f"{column}|min": (column, BELOW_MINIMUM, {"column": pl.lit(column), "limit": pl.lit("0")})
       for column in ("hourly_rate", "monthly_salary", "break_minutes", "hours_per_day")},
    "hours_per_day|max": ("hours_per_day", ABOVE_MAXIMUM,
                          {"column": pl.lit("hours_per_day"), "limit": pl.lit("24")}),
    "not_too_long": ("end", PUNCH_TOO_LONG, {"hours": (
        (pl.col("end") - pl.col("start")).dt.total_minutes() / 60).round(2).cast(pl.String),
        "limit": pl.lit(str(int(LONGEST_PUNCH.total_seconds() // 3600)))}),
    "level|max": ("level", ABOVE_MAXIMUM, {"column": pl.lit("level"), "limit": pl.lit("2")}),
    "approved_levels|min": ("approved_levels", BELOW_MINIMUM,
                            {"column": pl.lit("approved_levels"), "limit": pl.lit("0")}),
    "approved_levels|max": ("approved_levels", ABOVE_MAXIMUM,
                            {"column": pl.lit("approved_levels"), "limit": pl.lit("2")}),
    "log_id_unique": ("log_id", DUPLICATE_LOG_ID, {"log_id": pl.col("log_id")}),
    "known_status": ("status", UNKNOWN_STATUS, {"status": pl.col("status"),
                                                "statuses": pl.lit(", ".join(LOG_STATUSES))}),
    "known_event": ("event", UNKNOWN_EVENT, {"event": pl.col("event"),
                                             "events": pl.lit(", ".join(TIMER_EVENTS))}),
    "at_within_employment": ("at", OUTSIDE_EMPLOYMENT, _EMPLOYMENT),
}


def check_tables(tables: dict[str, pl.DataFrame], agreements: AbstractSet[str], *,
                 staff: pl.DataFrame | None = None,
                 taken: dict[str, pl.Series] | None = None
                 ) -> tuple[dict[str, pl.DataFrame], dict[str, pl.DataFrame]]:
    """Each table's rows that keep every rule, and its rejected rows (`_row`, `column`,
    `row_id`, `reason`). Tables carry `_row` and `row_id`; employees are checked first,
    since a row of another table needs a usable employee. A part of a data directory
    (some employees' rows, `paycalc.tables.cut`) is checked against the usable `staff`
    and the exporter's ids `taken` by more than one row of a table (`taken_ids`) of the
    whole directory."""
    kept, rejected = {}, {}
    if staff is None:
        staff = pl.DataFrame(schema={"employee_id": pl.String, "employment_start": pl.Date,
                                     "employment_end": pl.Date})
    for table in SCHEMAS:
        if table not in tables:
            continue
        frame, repeats = _without_repeats(tables[table])
        if table != "employees":
            own = OWN_IDS.get(table)
            ids = taken[table] if taken is not None and table in taken else (
                taken_ids(frame, own) if own in frame.columns else None)
            frame = _with_helpers(frame, table, staff, agreements, ids)
        kept[table], broken = _check(frame, SCHEMAS[table])
        rejected[table] = pl.concat([repeats, broken])
        if table == "employees":
            staff = kept[table]
    return {t: f.select(tables[t].columns) for t, f in kept.items()}, rejected


def taken_ids(frame: pl.DataFrame, column: str) -> pl.Series:
    """The ids of `column` (the exporter's own: `OWN_IDS`) that more than one row of
    `frame` holds once exact duplicates are left out (each is rejected as a duplicate of
    its first copy): every row holding such an id is rejected."""
    values = [c for c in frame.columns if c not in ("_row", "row_id")]
    distinct = frame.select(values).unique()
    return distinct.filter(pl.col(column).is_not_null() & pl.col(column).is_duplicated()
                           )[column].unique()


_FOUND = {"_row": pl.Int64, "column": pl.String, "row_id": pl.String, "code": pl.String,
          "reason": pl.String}


def _without_repeats(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    values = [c for c in frame.columns if c not in ("_row", "row_id")]
    first = pl.col("_row").min().over(values)
    marked = frame.with_columns(first.alias("_first"))
    repeats = marked.filter(pl.col("_row") != pl.col("_first")).select(
        "_row", pl.lit(None, pl.String).alias("column"), "row_id",
        *rejected(EXACT_DUPLICATE, row=pl.col("_first")))
    return marked.filter(pl.col("_row") == pl.col("_first")).drop("_first"), repeats


def _with_helpers(frame: pl.DataFrame, table: str, staff: pl.DataFrame,
                  agreements: AbstractSet[str], taken: pl.Series | None) -> pl.DataFrame:
    def day(column: str) -> pl.Expr:
        return pl.col(column) if column in staff.columns else pl.lit(None, pl.Date)

    employment = staff.select("employee_id", pl.lit(True).alias("_known"),
                              day("employment_start").alias("_from"),
                              day("employment_end").alias("_to"))
    frame = frame.join(employment, on="employee_id", how="left", maintain_order="left"
                       ).with_columns(pl.col("_known").fill_null(False))
    if table == "assignments":
        frame = frame.with_columns(
            pl.col("agreement").is_in(sorted(agreements)).fill_null(True).alias("_agreement_known"))
    if table == "punches":
        frame = frame.with_columns(_overlapping())
    if table in OWN_IDS:
        own = pl.col(OWN_IDS[table])
        frame = frame.with_columns((own.is_in(taken.implode()).fill_null(False)
                                    if taken is not None else pl.lit(False)).alias("_taken"))
    return frame


def _overlapping() -> pl.Expr:
    """The row_id of a punch of the same employee that overlaps this one (or null): an
    earlier-starting punch ending after this one starts, or the next one starting before
    this one ends. Both punches of an overlap are rejected: neither can be trusted."""
    def by_start(value: pl.Expr) -> pl.Expr:
        return value.over("employee_id", order_by=["start", "_row"])

    earlier_end = by_start(pl.col("end").cum_max().shift(1))
    earlier_id = by_start(pl.col("row_id").shift(1))
    next_start = by_start(pl.col("start").shift(-1))
    next_id = by_start(pl.col("row_id").shift(-1))
    return (pl.when(earlier_end > pl.col("start")).then(earlier_id)
            .when(next_start < pl.col("end")).then(next_id)
            .alias("_overlaps"))


def _check(frame: pl.DataFrame, table: type[dy.Schema]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The rows of `frame` that keep every rule of `table`, and one reject per broken rule
    of the others."""
    declared = table.columns()
    checked = frame.select(*[_naive(c, frame.schema[c]) if c in frame.columns
                             else pl.lit(None, declared[c].dtype).alias(c)
                             for c in table.column_names()], "_row")
    # dataframely keeps only the schema's columns: `_row` rides along as a schema column
    with_row: type[dy.Schema] = type(table.__name__, (table,),
                                     {"_row": dy.Int64(nullable=False)})
    good, failure = with_row.filter(checked)
    details = failure.details()
    broken = []
    for rule in details.columns:
        if rule in checked.columns:
            continue
        column, reason, values = _meaning(table, rule)
        broken.append(details.filter(pl.col(rule) == "invalid").select(
            "_row", pl.lit(column, pl.String).alias("column"), *rejected(reason, **values)))
    found = pl.concat([b.cast({"_row": pl.Int64}) for b in broken]) if broken else \
        pl.DataFrame(schema={k: v for k, v in _FOUND.items() if k != "row_id"})
    found = found.join(frame.select("_row", "row_id"), on="_row").select(list(_FOUND))
    return frame.filter(pl.col("_row").is_in(good["_row"].implode())), found


def _naive(column: str, dtype: pl.DataType) -> pl.Expr:
    """Datetimes with a zone compared as UTC wall time: the schemas declare naive ones."""
    if isinstance(dtype, pl.Datetime) and dtype.time_zone is not None:
        return pl.col(column).dt.convert_time_zone("UTC").dt.replace_time_zone(None)
    return pl.col(column)


def _meaning(table: type[dy.Schema], rule: str
             ) -> tuple[str | None, Reason, dict[str, pl.Expr]]:
    """The column, reason and values of a broken `rule` of `table` (see `RULES`)."""
    for key in (f"{table.__name__}:{rule}", rule):
        if key in RULES:
            return RULES[key]
    column, _, check = rule.partition("|")
    if check == "nullability":
        return column, MISSING_VALUE, {}
    return (column or None), BROKEN_RULE, {"rule": pl.lit(rule)}
