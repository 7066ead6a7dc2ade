"""paycalc: payroll and time-tracker calculation from YAML collective agreements.

The library entry points of the agreement language:

>>> from paycalc import compile_agreement
>>> from paycalc.spec.bundled import AGREEMENTS_DIR
>>> retail = compile_agreement(AGREEMENTS_DIR / "retail.yaml")
>>> retail.tracker("VAC").deduction_order, str(retail.tracker("VAC").year_start)
('oldest_first', '04-01')

`compile_agreement` raises `AgreementError`, whose `problems` list every mistake with its
file, line and column. `evaluate` turns interchange tables (Polars frames) into pay lines,
tracker transactions and balances:

>>> import datetime as dt, polars as pl
>>> from paycalc import Inputs, Period, evaluate
>>> result = evaluate([retail], Inputs(
...     employees=pl.DataFrame({"employee_id": ["e1"], "hourly_rate": ["150.00"],
...                             "employment_start": [dt.date(2020, 1, 1)],
...                             "birth_date": [dt.date(1990, 5, 17)]}),
...     assignments=pl.DataFrame({"employee_id": ["e1"], "agreement": ["retail"],
...                               "valid_from": [dt.date(2025, 1, 1)]}),
...     schedules=pl.DataFrame({"employee_id": ["e1"],
...                             "start": [dt.datetime(2025, 6, 2, 8, 0)],
...                             "end": [dt.datetime(2025, 6, 2, 12, 0)]}),
...     punches=pl.DataFrame({"employee_id": ["e1"],
...                           "start": [dt.datetime(2025, 6, 2, 8, 0)],
...                           "end": [dt.datetime(2025, 6, 2, 13, 0)]})),
...     Period(dt.date(2025, 6, 2), dt.date(2025, 6, 2)))
>>> result.pay_lines.select("salary_type", "seconds", "amount").rows()
[('ORD', 14400, Decimal('600.0000')), ('OT50', 3600, Decimal('225.0000'))]

Flextime gains the 5 punched hours and loses the scheduled 8-hour nominal day; the overtime
hour earns 1.5 hours off in lieu:

>>> for row in result.tracker_transactions.select("tracker", "made_by", "quantity").rows():
...     print(*row)
FLEX flex_expected -8.000000
FLEX flex_worked 5.000000
TOIL OT50 1.500000
>>> result.balances.select("tracker", "balance").rows()
[('FLEX', Decimal('-3.000000')), ('TOIL', Decimal('1.500000'))]

To continue from balances locked by a definitive transfer, pass
`opening=Opening(lock_date, balances)` (docs/trackers.md, "Locking").

Batch runs over data directories, the run store and explain (docs/batch-runs.md, whose
examples run as tests): `read_directory`, `run_directory`, `write_run`, `RunStore`,
`transfer_run`, `explain_day`, and `time_report` with `ReportOptions` for the CSV reports
of a run's time sheet; `read_tables` and `write_tables` read and write the
interchange tables of a directory without checks.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from paycalc.version import __version__

if TYPE_CHECKING:
    from paycalc.batch.explain import explain_day
    from paycalc.batch.run import Batch, run_directory
    from paycalc.batch.store import RunStore
    from paycalc.batch.time_reports import ReportOptions, time_report
    from paycalc.batch.transfer import transfer_run
    from paycalc.batch.write import write_run
    from paycalc.engine import Evaluation, bill, evaluate
    from paycalc.errors import (
        AgreementError,
        DataError,
        InputError,
        PaycalcError,
        Problem,
        StoreError,
    )
    from paycalc.rules.compiled import Agreement
    from paycalc.spec.catalogue import Checked, check_paths
    from paycalc.spec.compile import compile_agreement, compile_document
    from paycalc.spec.resolve import Catalog
    from paycalc.tables.datadir import Intake, read_directory, read_tables, write_tables
    from paycalc.tables.inputs import Inputs, Opening, Period

_HOMES = {
    "Agreement": "paycalc.rules.compiled",
    "AgreementError": "paycalc.errors",
    "Batch": "paycalc.batch.run",
    "Catalog": "paycalc.spec.resolve",
    "Checked": "paycalc.spec.catalogue",
    "DataError": "paycalc.errors",
    "Evaluation": "paycalc.engine",
    "InputError": "paycalc.errors",
    "Inputs": "paycalc.tables.inputs",
    "Intake": "paycalc.tables.datadir",
    "Opening": "paycalc.tables.inputs",
    "PaycalcError": "paycalc.errors",
    "Period": "paycalc.tables.inputs",
    "Problem": "paycalc.errors",
    "ReportOptions": "paycalc.batch.time_reports",
    "RunStore": "paycalc.batch.store",
    "StoreError": "paycalc.errors",
    "bill": "paycalc.engine",
    "check_paths": "paycalc.spec.catalogue",
    "compile_agreement": "paycalc.spec.compile",
    "compile_document": "paycalc.spec.compile",
    "evaluate": "paycalc.engine",
    "explain_day": "paycalc.batch.explain",
    "read_directory": "paycalc.tables.datadir",
    "read_tables": "paycalc.tables.datadir",
    "run_directory": "paycalc.batch.run",
    "time_report": "paycalc.batch.time_reports",
    "transfer_run": "paycalc.batch.transfer",
    "write_run": "paycalc.batch.write",
    "write_tables": "paycalc.tables.datadir",
}
"""Where each name of the public API lives. They are imported when first used, so that
importing one stage (`paycalc.rules`, `paycalc.spec`) loads only what that stage needs."""


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'paycalc' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOMES[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])


__all__ = [
    "Agreement",
    "AgreementError",
    "Batch",
    "Catalog",
    "Checked",
    "DataError",
    "Evaluation",
    "InputError",
    "Inputs",
    "Intake",
    "Opening",
    "PaycalcError",
    "Period",
    "Problem",
    "ReportOptions",
    "RunStore",
    "StoreError",
    "__version__",
    "bill",
    "check_paths",
    "compile_agreement",
    "compile_document",
    "evaluate",
    "explain_day",
    "read_directory",
    "read_tables",
    "run_directory",
    "time_report",
    "transfer_run",
    "write_run",
    "write_tables",
]
