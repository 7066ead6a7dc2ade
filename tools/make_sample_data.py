"""Write the sample data directory shipped in the package (`paycalc/sample/`), which
`paycalc demo` runs: 36 employees over January and February 2025 from the seeded generator,
with every third employee part-time under retail_part_time (employment level 0.6), every
fifth employee on the hourly warehouse agreement (24.50 an hour, paid time off for
vacation), every seventh monthly-paid under the office agreement (a monthly salary, two
days of unpaid leave for the first of them, a vacation adjustment instead of flextime),
and a team per employee. Retail shifts are planned and punched on an activity
(the stock room on days divisible by 3, else the sales floor); retail staff have weekly
sales and revenue figures, and every sixth employee a bonus at the end of February, every
twelfth one not yet approved.

Run `python tools/make_sample_data.py` after changing the generator; a test checks the
shipped files are what this writes.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import polars as pl

from paycalc.tables.datadir import write_tables
from paycalc.tables.inputs import Inputs
from paycalc.tables.sample_data import generate

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "paycalc" / "sample"
NUMBER = pl.col("employee_id").str.slice(1).cast(pl.Int64)
"""The generator's employee number (e7 is 7), which every choice below keys on."""


def sample_inputs(days: int = 59) -> Inputs:
    """The generated tables with the agreements, levels and teams described above, over
    `days` days from 1 January 2025."""
    base = generate(employees=36, days=days, seed=11)
    assert base.employees is not None and base.assignments is not None
    agreement = (pl.when(NUMBER % 5 == 4).then(pl.lit("hourly"))
                 .when(NUMBER % 7 == 6).then(pl.lit("office"))
                 .when(NUMBER % 3 == 2).then(pl.lit("retail_part_time"))
                 .otherwise(pl.lit("retail")))
    employees = base.employees.with_columns(
        pl.when(agreement == "retail_part_time").then(pl.lit("0.6")).otherwise(pl.lit("1"))
        .alias("employment_level"),
        pl.when(agreement == "hourly").then(pl.lit("24.50"))
        .when(agreement == "office").then(None).otherwise(
            pl.col("hourly_rate").cast(pl.String)).alias("hourly_rate"),
        pl.when(agreement == "office").then(pl.format("{}000.00", NUMBER + 28))
        .alias("monthly_salary"),
        pl.format("team {}", (NUMBER % 3 + 1)).alias("team"))
    assignments = base.assignments.with_columns(agreement.alias("agreement"))
    absences = pl.concat([base.absences.with_columns(  # type: ignore[union-attr]
        pl.when(agreement == "hourly").then(pl.lit("PTO")).otherwise(pl.col("salary_type"))
        .alias("salary_type")), pl.DataFrame({
            "employee_id": ["e6"], "start_date": [dt.date(2025, 2, 10)],
            "end_date": [dt.date(2025, 2, 11)], "salary_type": ["LEAVE_UNPAID"]})]
    ).sort("employee_id", "start_date")
    assert base.punches is not None and base.schedules is not None
    activity = pl.when(agreement.is_in(["hourly", "office"])).then(None).when(
        pl.col("start").dt.day() % 3 == 0).then(pl.lit("STOCK")).otherwise(pl.lit("SALES"))
    punches, schedules = (table.with_columns(activity.alias("activity"))
                          for table in (base.punches, base.schedules))
    adjustments = base.adjustments.with_columns(  # type: ignore[union-attr]
        pl.when(agreement == "office").then(pl.lit("VAC")).otherwise(pl.col("tracker"))
        .alias("tracker"))
    return Inputs(**{**base.__dict__, "employees": employees, "assignments": assignments,
                     "adjustments": adjustments,
                     "absences": absences, "punches": punches, "schedules": schedules,
                     "figures": _figures(employees.filter(agreement.is_in(
                         ["retail", "retail_part_time"])))})


def _figures(employees: pl.DataFrame) -> pl.DataFrame:
    """Sales and revenue of (retail) `employees` every Friday; a bonus for every sixth on
    28 February, not yet approved for every twelfth."""
    fridays = pl.DataFrame({"date": pl.date_range(dt.date(2025, 1, 3), dt.date(2025, 2, 28),
                                                  "7d", eager=True)})
    weekly = employees.join(fridays, how="cross").with_columns(
        ((NUMBER * 7 + pl.col("date").dt.ordinal_day()) % 9 + 3).alias("count"))
    sales = weekly.select("employee_id", "date", pl.lit("sales").alias("kind"),
                          pl.col("count").cast(pl.String).alias("value"))
    revenue = weekly.select("employee_id", "date", pl.lit("revenue").alias("kind"),
                            pl.format("{}.50", pl.col("count") * 240).alias("value"))
    bonus = employees.filter(NUMBER % 6 == 0).select(
        "employee_id", pl.lit(dt.date(2025, 2, 28)).alias("date"), pl.lit("bonus").alias("kind"),
        pl.lit("1000.00").alias("value"), (NUMBER % 12 != 0).alias("approved"))
    return pl.concat([sales, revenue, bonus], how="diagonal").select(
        "employee_id", "date", "kind", "value", "approved").sort("employee_id", "date", "kind")


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else SAMPLE_DIR
    for path in write_tables(sample_inputs(), target):
        print(path)
