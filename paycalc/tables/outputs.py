"""The columns of the frames that pass between engine stages and of its outputs."""

from __future__ import annotations

import polars as pl

from paycalc.tables.inputs import MONEY, schema

AMOUNT = pl.Decimal(38, 4)
"""Amounts: rounded to the agreement's decimals (at most 4)."""
QUANTITY = pl.Decimal(38, 6)
"""Quantities and rates as shown: 6 decimals, half to even."""

SLICE = schema(employee_id=pl.String, employee_day=pl.Int64, day=pl.Date,
               rule_no=pl.Int64, seconds=pl.Int64, input_ids=pl.List(pl.String))
"""Paid seconds of one rule (and so one salary type) on an employee's day (`employee_day`:
see `exprs.employee_day`; `rule_no`: see `line_rules`)."""

LINE = schema(**SLICE, quantity=MONEY, approved=pl.Boolean, id_rank=pl.Int64)
"""A line before pricing: a slice, or a line with a quantity of its own (days, figures).
`id_rank` orders the lines one rule makes on one day by their input row (the rank of the
row id among its table's; 0 where a rule makes one line a day)."""

PAY_LINES = schema(
    employee_id=pl.String, date=pl.Date, agreement=pl.String, salary_type=pl.String,
    export_code=pl.String, unit=pl.String, seconds=pl.Int64, quantity=QUANTITY,
    rate=QUANTITY, amount=AMOUNT, currency=pl.String, requires_approval=pl.Boolean,
    approved=pl.Boolean, approved_by=pl.String, approval_level=pl.Int64, payable=pl.Boolean,
    rule=pl.String, source=pl.String, input_ids=pl.List(pl.String))
"""Columns of `Evaluation.pay_lines`: `export_code` is the salary type's code in the
payroll system (its own code where the agreement declares none), `currency` the
agreement's (empty where it declares none); `approved_by` and `approval_level` (the number
of levels that approved) come from the `approvals` table; rows sorted by employee, date,
salary type, rule, agreement and first input row."""

TIMES = ("planned", "system", "reported", "salary_time")
"""The time columns of a time sheet, in order."""
FIGURES = ("points", "revenue", "profit", "commission", "sales", "bonus")
"""Figure kinds, in the order of the time sheet's and the time reports' columns."""

TIME_SHEET = schema(employee_id=pl.String, date=pl.Date, agreement=pl.String,
                    activity=pl.String, **dict.fromkeys(TIMES, pl.Int64))
"""Columns of `Evaluation.time_sheet`: seconds per employee, day and activity (empty = time
without an activity): planned in schedules, clocked as punched, worked after rounding and
breaks, and paid (salary time); sorted by employee, date, agreement and activity."""


def frame_of(parts: list[pl.DataFrame], columns: pl.Schema) -> pl.DataFrame:
    """`parts` with exactly `columns`, one below the other (empty when there are none)."""
    parts = [p.select(list(columns)).cast(columns) for p in parts]
    return pl.concat(parts) if parts else pl.DataFrame(schema=columns)


TIME_LOGS = schema(
    employee_id=pl.String, log_id=pl.String, agreement=pl.String, day=pl.Date,
    start_utc=pl.Datetime("us"), end_utc=pl.Datetime("us"), seconds=pl.Int64,
    customer=pl.String, case=pl.String, service=pl.String, billable=pl.Boolean,
    status=pl.String, approved_levels=pl.Int64, billed_seconds=pl.Int64, rate=QUANTITY,
    rate_from=pl.String, per=pl.String, currency=pl.String, note=pl.String,
    input_ids=pl.List(pl.String))
"""Columns of `Evaluation.time_logs`: each time log (from `timelogs` or made by a timer
from `timer_events`) on each day it counts on: its start and end (UTC), the `seconds` that
count on `day` (a timer's running time, pauses left out), its status after approval
(`status`: pending, submitted, approved, voided), and for a billable log that is not voided
the `billed_seconds` after billing rounding, the `rate` and the level it comes from
(`rate_from`: case, customer or service), `per` hour or log, and the invoice currency;
`input_ids` are the rows behind it. Sorted by employee, day, start and log id."""

TIMESHEETS = schema(employee_id=pl.String, agreement=pl.String, period_start=pl.Date,
                    period_end=pl.Date, pending=pl.Int64, submitted=pl.Int64,
                    approved=pl.Int64, voided=pl.Int64, billable=pl.Int64)
"""Columns of `Evaluation.timesheets`: seconds of time logs per employee, agreement and
timesheet period in each status, and of those approved the billable seconds; only the
evaluated period's days count. Sorted by employee, period start and agreement."""

INVOICE_LINES = schema(
    customer=pl.String, case=pl.String, service=pl.String, billable=pl.Boolean,
    agreement=pl.String, currency=pl.String, per=pl.String, rate=QUANTITY, logs=pl.Int64,
    seconds=pl.Int64, billed_seconds=pl.Int64, quantity=QUANTITY, amount=AMOUNT,
    first_day=pl.Date, last_day=pl.Date, log_ids=pl.List(pl.String))
"""Columns of `Evaluation.invoice_lines`: approved time per customer, case, service and
rate. A billable line's `quantity` is its billed hours (`per` hour) or its logs (`per`
log) and `amount` = quantity x rate, rounded once by the invoice money rule; a line of
non-billable time (`billable` false) is reported with no rate and no amount. Sorted by
customer, case, service, billable first, agreement, per and rate."""

MOVES = schema(employee_id=pl.String, tracker=pl.String, date=pl.Date, kind=pl.String,
               made_by=pl.String, agreement=pl.String, quantity=QUANTITY)
"""Tracker additions made by salary types and links, summed per employee, tracker, day,
kind, maker and agreement: what a definitive transfer keeps of its days' transactions, and
(with `kind` what the correction corrects and `date` the locked day it belongs to) the
tracker corrections an evaluation starting from a lock books on the first unlocked day."""

OPENING = schema(employee_id=pl.String, tracker=pl.String, tracking_year=pl.Date,
                 balance=QUANTITY, accrued=QUANTITY, balance_ticks=pl.Int64,
                 accrued_ticks=pl.Int64)
"""Columns of `Opening.balances`: the locked balance and the year's accrual so far."""

REJECTS = schema(table=pl.String, row_id=pl.String, column=pl.String, code=pl.String,
                 reason=pl.String)
"""Input rows the evaluation could not use: the table, row_id, the column at fault, the
reason's code (`paycalc.reasons`) and its message; sorted by table, row_id, column, code and
reason."""
WARNINGS = schema(employee_id=pl.String, date=pl.Date, code=pl.String, message=pl.String)
"""Warnings of an evaluation: the employee and day, the warning's code (`paycalc.reasons`)
and its message; sorted by employee, date, code and message."""

TRANSACTIONS = schema(
    employee_id=pl.String, tracker=pl.String, date=pl.Date, tracking_year=pl.Date,
    quantity=QUANTITY, unit=pl.String, operator=pl.String, set_to=QUANTITY, kind=pl.String,
    made_by=pl.String, agreement=pl.String, driver_value=QUANTITY, level=pl.Int64,
    factor=MONEY, source=pl.String, input_ids=pl.List(pl.String), ticks=pl.Int64)
"""Columns of `Evaluation.tracker_transactions`: the ledger's rows in ledger order (see
docs/trackers.md). `kind` is salary_type, link, adjustment, max_accrual or expiry;
`made_by` the salary type, link, or rule; `level` counts from 1. `quantity` is shown to 6
decimals; `ticks` is the same exactly, in whole ticks of the tracker's unit
(`rules.precision.TICKS`), which balances add up."""

BALANCES = schema(
    employee_id=pl.String, tracker=pl.String, tracking_year=pl.Date, as_of=pl.Date,
    balance=QUANTITY, accrued=QUANTITY, shown_on=pl.Date, shown_balance=QUANTITY,
    unit=pl.String, decimals=pl.Int64, show_on_time_card=pl.Boolean, balance_ticks=pl.Int64,
    accrued_ticks=pl.Int64)
"""Columns of `Evaluation.balances`, sorted by employee, tracker and tracking year.
`balance` and `accrued` are shown to 6 decimals; `balance_ticks` and `accrued_ticks` are the
same exactly, in whole ticks of the tracker's unit (`rules.precision.TICKS`): a lock keeps
them, so the next run continues from the exact balance."""

SHEET = schema(employee_id=pl.String, team=pl.String, date=pl.Date, activity=pl.String,
               **dict.fromkeys(TIMES, pl.Int64), nominal_day=pl.Int64,
               **dict.fromkeys(FIGURES, MONEY), salary=AMOUNT, currency=pl.String,
               approval=pl.String)
"""Columns of a run's `time_sheet`: seconds per employee, day and activity (activity empty
on the row that also holds the day's figures, salary and approval), with the employee's
team and nominal day in seconds, and the currency of the day's pay (its agreement's; on a
day without pay lines the employee's one currency, if they have one); sorted by employee,
date and activity (empty first)."""


def amounts_at(decimals: dict[str, int]) -> pl.Expr:
    """The `amount` column as text at its line's agreement's `decimals` (by agreement id)."""
    if not decimals:  # no agreement, so no line (a mapping of nothing has no key type)
        return pl.col("amount").cast(pl.String)
    places = pl.col("agreement").replace_strict(decimals, return_dtype=pl.Int64)
    return amount_text(pl.col("amount"), places).alias("amount")


def amount_text(amount: pl.Expr, places: pl.Expr) -> pl.Expr:
    """An amount (4 decimals, already rounded to `places`) as text with `places` decimals."""
    text = amount.cast(pl.String)
    cut = pl.when(places == 0).then(5).otherwise(4 - places)
    return text.str.slice(0, text.str.len_chars() - cut)


FORMULA_START = r"^[=+\-@\t\r]"
"""A cell a spreadsheet may read as a formula starts with one of = + - @ tab or carriage
return (OWASP, CSV injection)."""


def spreadsheet_safe(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """`frame` with each text cell of `columns` that starts like a formula prefixed with a
    single quote, so a spreadsheet shows it as text (OWASP's advice against CSV
    injection). Only text columns are named: numbers keep their minus sign."""
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(FORMULA_START)).then(pl.lit("'") + pl.col(c))
        .otherwise(pl.col(c)).alias(c) for c in columns if c in frame.columns)
