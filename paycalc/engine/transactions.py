"""Tracker transactions before the ledger: from salary types used on pay lines, from links
(driver firings times factors and levels), and from manual adjustments; for all employees
at once. Link transactions of `set` links carry the value to set, not a change."""

from __future__ import annotations

import datetime as dt

import polars as pl

from paycalc.engine.drivers import firings, windows
from paycalc.engine.exprs import among, by_employee_and_day, dated_expr, failed_rows, first_failure
from paycalc.engine.ledger import per_unit, ticks
from paycalc.reasons import (
    MISSING_FIELD,
    NO_BIRTH_DATE,
    NO_CARRY_OVER_LIMIT,
    NO_LINK_FACTOR,
    NO_TRACKER_FACTOR,
    UNKNOWN_EMPLOYEE,
    UNKNOWN_TRACKER,
)
from paycalc.rules.compiled import Agreement, Link, Tracker
from paycalc.rules.precision import TICKS
from paycalc.tables.inputs import MONEY, schema
from paycalc.tables.messages import Refused, Warned, because, warned
from paycalc.tables.outputs import QUANTITY, frame_of

MADE = schema(employee_id=pl.String, tracker=pl.String, date=pl.Date, ticks=pl.Int64,
              quantity=MONEY, operator=pl.String, kind=pl.String, made_by=pl.String,
              agreement=pl.String, driver_value=QUANTITY, level=pl.Int64, factor=MONEY,
              carry=MONEY, source=pl.String, input_ids=pl.List(pl.String))
"""A transaction as made, before the ledger places it: `ticks`, its exact quantity in
whole ticks of its tracker (`rules.precision.TICKS`), and `quantity`, the same in the
tracker's unit (what a driver reading transactions takes as its value)."""
NOTE = schema(employee_id=pl.String, date=pl.Date, code=pl.String, message=pl.String)


def _six(value: pl.Expr) -> pl.Expr:
    return value.round(6, mode="half_to_even").cast(QUANTITY)


def in_ticks(exact: pl.Expr, unit: pl.Expr | int, over: pl.Expr | int = 1) -> list[pl.Expr]:
    """`ticks` and `quantity` of a transaction whose exact quantity is `exact` / `over`
    (`ledger.ticks`, `unit` ticks a unit), and that tick count in the unit."""
    scale = unit if isinstance(unit, pl.Expr) else pl.lit(unit, pl.Int64)
    count = ticks(exact, scale, over)
    return [count.alias("ticks"), (count.cast(MONEY) / scale.cast(MONEY)).alias("quantity")]

def salary_type_transactions(lines: pl.DataFrame, agreement: Agreement,
                             trackers: dict[str, Tracker]) -> Warned:
    """Each payable line of a salary type that moves trackers, once per tracker moved; and
    warnings where a dated factor is not in force. A line of hours moves an hours tracker
    by its exact seconds / 3600, not by its quantity shown to 6 decimals."""
    lines = lines.filter(pl.col("payable") & (pl.col("agreement") == agreement.id))
    made, notes = [], []
    for st in agreement.salary_types:
        used = lines.filter(pl.col("salary_type") == st.code) if st.trackers else lines.clear()
        for effect in st.trackers:
            rows = used.with_columns(dated_expr(effect.factor, pl.col("date"), MONEY)
                                     .alias("factor"))
            notes.append(rows.filter(pl.col("factor").is_null()).select(
                "employee_id", "date", *warned(NO_TRACKER_FACTOR, salary_type=st.code,
                                               tracker=effect.tracker, day=pl.col("date"))))
            timed = ((pl.col("unit") == "hours") & pl.col("seconds").is_not_null()
                     & pl.lit(trackers[effect.tracker].unit == "hours"))
            exact = pl.when(timed).then(pl.col("seconds").cast(MONEY)).otherwise(
                pl.col("quantity").cast(MONEY))
            made.append(rows.filter(pl.col("factor").is_not_null()).select(
                "employee_id", pl.lit(effect.tracker).alias("tracker"), "date",
                *in_ticks(exact * pl.col("factor") * effect.sign,
                          TICKS[trackers[effect.tracker].unit],
                          pl.when(timed).then(3600).otherwise(1)),
                pl.lit("add").alias("operator"), pl.lit("salary_type").alias("kind"),
                pl.col("salary_type").alias("made_by"), "agreement",
                pl.lit(None, QUANTITY).alias("driver_value"), pl.lit(None, pl.Int64).alias("level"),
                "factor", pl.lit(None, MONEY).alias("carry"),
                pl.lit(str(effect.source)).alias("source"), "input_ids",
            ).filter(pl.col("ticks") != 0))
    return Warned(frame_of(made, MADE), frame_of(notes, NOTE))


def link_transactions(agreement: Agreement, trackers: dict[str, Tracker],
                      tables: dict[str, pl.DataFrame], days: pl.DataFrame,
                      leave: pl.DataFrame, made: pl.DataFrame, first: dt.date,
                      last: dt.date) -> Warned:
    """Transactions of every link of `agreement` (a link regulated by another link's value
    after that link), and warnings."""
    done: dict[str, pl.DataFrame] = {}
    notes = []
    pending = list(agreement.links)
    employees = tables["employees"]
    while pending:
        link = pending.pop(0)
        needs = link.levels.link if link.levels else None
        if needs is not None and needs not in done:
            pending.append(link)
            continue
        spans = windows(tables["assignments"], employees, agreement, link, first, last)
        fired = firings(link, trackers[link.tracker], spans, days, leave, made, agreement)
        if link.driver.kind == "birthday":
            notes.append(spans.filter(pl.col("birth_date").is_null()).select(
                "employee_id", pl.col("first").alias("date"),
                *warned(NO_BIRTH_DATE, link=link.code)))
        fired = fired.join(employees.select(
            "employee_id", "employment_start", "birth_date", "employment_level",
            "fulltime_hours_per_week", "working_days_per_week"), on="employee_id")
        rows, note = _link_rows(link, fired, done.get(needs or ""), agreement, trackers)
        done[link.code] = rows
        notes.append(note)
    return Warned(frame_of(list(done.values()), MADE), frame_of(notes, NOTE))


def _whole_years(since: pl.Expr, day: pl.Expr) -> pl.Expr:
    years = day.dt.year() - since.dt.year()
    return pl.when(since.dt.offset_by(pl.format("{}y", years)) <= day).then(years).otherwise(
        years - 1)


def _link_rows(link: Link, fired: pl.DataFrame, regulating: pl.DataFrame | None,
               agreement: Agreement, trackers: dict[str, Tracker]) -> Warned:
    fired = by_employee_and_day(fired, "date", "key", pl.col("input_ids").list.join("\x00"),
                                "value")
    notes = pl.DataFrame(schema=NOTE)
    if link.levels is None:
        assert link.factor is not None
        fired = fired.with_columns(dated_expr(link.factor, pl.col("date"), MONEY).alias("factor"),
                                   pl.lit(None, pl.Int64).alias("level"))
        notes = fired.filter(pl.col("factor").is_null()).select(
            "employee_id", "date", *warned(NO_LINK_FACTOR, link=link.code, day=pl.col("date")))
        fired = fired.filter(pl.col("factor").is_not_null())
    else:
        regulator = link.levels.regulator
        if regulator == "age_years":
            notes = fired.filter(pl.col("birth_date").is_null()).select(
                "employee_id", "date", *warned(NO_BIRTH_DATE, link=link.code))
            fired = fired.filter(pl.col("birth_date").is_not_null())
        if regulator == "accumulated_value":
            assert regulating is not None and link.levels.link is not None
            # the other link's running total, its rows of a day counted before this link's,
            # in whole ticks so that it reaches a threshold exactly
            other = agreement.link(link.levels.link)
            unit = TICKS[trackers[other.tracker].unit]
            marks = pl.concat([
                regulating.select("employee_id", "date", "ticks",
                                  pl.lit(-1, pl.Int64).alias("row")),
                fired.select("employee_id", "date", pl.lit(0, pl.Int64).alias("ticks"),
                             pl.int_range(pl.len(), dtype=pl.Int64).alias("row"))])
            totals = marks.sort("employee_id", "date", "row").with_columns(
                (pl.col("ticks").cum_sum().over("employee_id").cast(MONEY) / unit)
                .alias("regulator")).filter(pl.col("row") >= 0)
            fired = fired.with_columns(pl.int_range(pl.len(), dtype=pl.Int64).alias("row")).join(
                totals.select("row", "regulator"), on="row").sort("row").drop("row")
        else:
            since = "employment_start" if regulator == "employment_years" else "birth_date"
            fired = fired.with_columns(_whole_years(pl.col(since), pl.col("date"))
                                       .cast(MONEY).alias("regulator"))
        factor: pl.Expr = pl.lit(None, MONEY)
        # the highest level whose threshold the regulator reaches (0 when none does); the
        # column is compared first: Polars 2.1 gives a decimal literal compared with a
        # column a length of one
        level: pl.Expr = pl.lit(0, pl.Int64)
        for i, item in enumerate(link.levels.table):
            level = pl.when((pl.col("regulator") >= dated_expr(item.threshold, pl.col("date"),
                                                               MONEY)).fill_null(False)).then(
                pl.lit(i, pl.Int64)).otherwise(level)
        for i, item in enumerate(link.levels.table):
            if item.factor is not None:
                factor = pl.when(pl.col("level") == i).then(
                    dated_expr(item.factor, pl.col("date"), MONEY)).otherwise(factor)
        fired = fired.with_columns(level.alias("level")).with_columns(factor.alias("factor"))
        if link.thresholds_only:
            best = pl.col("level").cum_max().shift(1).over("employee_id").fill_null(-1)
            fired = fired.filter(pl.col("level") > best)
        fired = fired.filter(pl.col("factor").is_not_null()).with_columns(pl.col("level") + 1)
    # the quantity as a decimal over a whole number, divided last (`in_ticks`)
    quantity = pl.col("factor") * (pl.col("value").cast(MONEY) if link.multiply_by_driver_value
                                   else pl.lit(1, MONEY))
    over: pl.Expr = pl.col("per") if link.multiply_by_driver_value else pl.lit(1, pl.Int64)
    if link.multiply_by_employment_level:
        quantity = quantity * pl.col("employment_level")
    if link.multiply_by_average_nominal_hours:
        quantity = quantity * pl.col("fulltime_hours_per_week")
        over = over * pl.col("working_days_per_week")
    carry = (dated_expr(link.carry_over_up_to, pl.col("date"), MONEY)
             if link.carry_over_up_to is not None else pl.lit(None, MONEY))
    rows = fired.select(
        "employee_id", pl.lit(link.tracker).alias("tracker"), "date",
        *in_ticks(quantity, TICKS[trackers[link.tracker].unit], over),
        pl.lit(link.operator).alias("operator"),
        pl.lit("link").alias("kind"), pl.lit(link.code).alias("made_by"),
        pl.lit(agreement.id).alias("agreement"),
        _six(pl.col("value") / pl.col("per")).alias("driver_value"),
        "level", "factor", carry.alias("carry"), pl.lit(str(link.source)).alias("source"),
        "input_ids")
    if link.operator == "add":
        rows = rows.filter(pl.col("ticks") != 0)
    if link.carry_over_up_to is not None:
        notes = pl.concat([notes, rows.filter(pl.col("carry").is_null()).select(
            "employee_id", "date", *warned(NO_CARRY_OVER_LIMIT, link=link.code,
                                           day=pl.col("date")))])
    return Warned(rows.cast(MADE), notes)


def adjustment_transactions(adjustments: pl.DataFrame, employees: pl.DataFrame,
                            trackers: dict[str, Tracker], first: dt.date, last: dt.date
                            ) -> Refused:
    """Manual adjustments of the period, and the rejected ones with their reason."""
    required = ("date", "tracker", "quantity")
    missing = pl.any_horizontal(pl.col(c).is_null() for c in required)
    rows = adjustments.filter(pl.col("date").is_between(first, last) | missing
                              ).join(employees.select("employee_id", pl.lit(True).alias("known")),
                                     on="employee_id", how="left")
    rows = rows.with_columns(*first_failure([
        *[(pl.col(c).is_null(), c, because(MISSING_FIELD, column=c)) for c in required],
        (pl.col("known").is_null(), "employee_id", because(UNKNOWN_EMPLOYEE)),
        (~among("tracker", trackers, pl.String()), "tracker",
         because(UNKNOWN_TRACKER, tracker=pl.col("tracker"))),
    ]))
    rejects = failed_rows(rows, "adjustments")
    made = rows.filter(pl.col("reason").is_null()).select(
        "employee_id", "tracker", "date", *in_ticks(pl.col("quantity"), per_unit(trackers)),
        pl.lit("add").alias("operator"), pl.lit("adjustment").alias("kind"),
        pl.lit("adjustment").alias("made_by"), pl.lit(None, pl.String).alias("agreement"),
        pl.lit(None, QUANTITY).alias("driver_value"), pl.lit(None, pl.Int64).alias("level"),
        pl.lit(None, MONEY).alias("factor"), pl.lit(None, MONEY).alias("carry"),
        pl.col("note").fill_null("").alias("source"), pl.concat_list("row_id").alias("input_ids"))
    return Refused(made.cast(MADE), rejects)
