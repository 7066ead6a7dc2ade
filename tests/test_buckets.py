"""Evaluating employees in buckets gives exactly the lines of one pass over all of them."""

from __future__ import annotations

import datetime as dt

import pytest

import paycalc.engine as engine
from paycalc.bundled import AGREEMENTS_DIR
from paycalc.compile import compile_agreement
from paycalc.inputs import Period
from paycalc.sample_data import START, generate


def test_buckets_change_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    agreement = compile_agreement(AGREEMENTS_DIR / "retail.yaml")
    inputs = generate(employees=40, days=21)
    period = Period(START + dt.timedelta(days=3), START + dt.timedelta(days=17))
    whole = engine.evaluate([agreement], inputs, period)
    monkeypatch.setattr(engine, "BUCKET_PUNCHES", 50)
    assert len(engine._buckets({"punches": inputs.punches, "employees": inputs.employees})) > 5
    parts = engine.evaluate([agreement], inputs, period)
    assert whole.pay_lines.height > 500
    assert parts.pay_lines.equals(whole.pay_lines)
    assert parts.rejects.equals(whole.rejects) and parts.warnings.equals(whole.warnings)
