"""The vectorised engine: interchange tables into pay lines, tracker transactions and
balances, with Polars over whole tables (`run.evaluate`). Its results must equal
`paycalc.reference`'s, which define the semantics.

Stages, one module each: `run` (the whole evaluation), `buckets` (tables cut into buckets
of employees, evaluated in threads, processes or on a cluster), `context` (what one
agreement works with over the period), `pay_lines` (one agreement's pay lines) with
`pieces`, `pools`, `overtime`, `supplements`, `absences`, `pricing`, `line_rules` and
`time_sheet`, and `trackers` (the tracker stage) with `drivers`, `transactions`, `ledger`
and `balances`; `billing` (time logs, timers, timesheets, invoice lines); `zones`,
`calendar` and `exprs` are their shared arithmetic.
"""

from __future__ import annotations

from paycalc.engine.buckets import BucketMap, each_bucket, map_buckets
from paycalc.engine.run import BUCKET_PUNCHES, Evaluation, bill, evaluate
from paycalc.tables.inputs import Inputs, Opening, Period
from paycalc.tables.outputs import (
    BALANCES,
    INVOICE_LINES,
    PAY_LINES,
    TIME_LOGS,
    TIME_SHEET,
    TIMESHEETS,
    TRANSACTIONS,
)

__all__ = ["BALANCES", "BUCKET_PUNCHES", "INVOICE_LINES", "PAY_LINES", "TIMESHEETS",
           "TIME_LOGS", "TIME_SHEET", "TRANSACTIONS", "BucketMap", "Evaluation", "Inputs",
           "Opening", "Period", "bill", "each_bucket", "evaluate", "map_buckets"]
