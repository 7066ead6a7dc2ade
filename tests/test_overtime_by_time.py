"""Overtime by when it is worked, against overtime by length: a `by_time` list of only its
last entry pays every overtime minute as that entry, exactly as one step with no length
does (found by the thorough property test: the engine paid nothing then)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import polars as pl

from paycalc.engine import evaluate
from paycalc.reference.pay_lines import evaluate_reference
from paycalc.spec.compile import compile_agreement
from paycalc.tables.inputs import Inputs, Period

AGREEMENT = """
agreement: {id}
time_zone: Europe/Stockholm
salary_types:
  ORD: {{unit: hours, pricing: {{method: hourly_rate}}}}
  OT: {{unit: hours, pricing: {{method: hourly_rate, multiplier: 1.5}}}}
time_rules:
  ordinary_salary_type: ORD
  overtime:
    daily:
      threshold: "8:00"
      {paid_by}
"""


def test_only_the_rest_pays_all_overtime_as_one_open_step(tmp_path: Path) -> None:
    agreements = {}
    for name, paid_by in (("by_length", "steps: [{salary_type: OT}]"),
                          ("by_time", "by_time: [{salary_type: OT}]")):
        (tmp_path / f"{name}.yaml").write_text(AGREEMENT.format(id=name, paid_by=paid_by))
        agreements[name] = compile_agreement(tmp_path / f"{name}.yaml")
    week = Period(dt.date(2025, 3, 24), dt.date(2025, 3, 30))
    starts = [dt.datetime(2025, 3, 24 + n, 7) for n in range(6)]
    found = {}
    for name, agreement in agreements.items():
        inputs = Inputs(
            employees=pl.DataFrame({"employee_id": ["e1"], "hourly_rate": ["100.00"]}),
            assignments=pl.DataFrame({"employee_id": ["e1"], "agreement": [name],
                                      "valid_from": [dt.date(2020, 1, 1)]}),
            punches=pl.DataFrame({"employee_id": ["e1"] * 6, "start": starts,
                                  "end": [s + dt.timedelta(hours=8 + n, minutes=7 * n)
                                          for n, s in enumerate(starts)]}))
        engine = evaluate([agreement], inputs, week).pay_lines
        reference = evaluate_reference([agreement], inputs, week).lines
        rows = engine.select("date", "salary_type", "seconds", "amount").rows()
        assert rows == [(r["date"], r["salary_type"], r["seconds"], r["amount"])
                        for r in reference]
        found[name] = rows
    assert found["by_time"] == found["by_length"]
    # Tuesday 07:00-16:07: 1 h 7 min overtime at 150.00 an hour
    assert (dt.date(2025, 3, 25), "OT", 4020, Decimal("167.50")) in found["by_time"]
