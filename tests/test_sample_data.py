"""The sample data shipped for `paycalc demo` is what tools/make_sample_data.py writes, and
it runs clean: every row used, no reject."""

from __future__ import annotations

import runpy
from pathlib import Path

from paycalc.batch.run import period_of, run_directory
from paycalc.spec.bundled import AGREEMENTS_DIR, SAMPLE_DIR, SAMPLE_FROM, SAMPLE_TO
from paycalc.tables.datadir import write_tables

TOOL = Path(__file__).resolve().parent.parent / "tools" / "make_sample_data.py"


def test_the_shipped_sample_is_what_the_tool_writes(tmp_path: Path) -> None:
    tool = runpy.run_path(str(TOOL))
    written = write_tables(tool["sample_inputs"](), tmp_path)
    assert sorted(p.name for p in written) == sorted(p.name for p in SAMPLE_DIR.glob("*.csv"))
    for path in written:
        assert path.read_bytes() == (SAMPLE_DIR / path.name).read_bytes(), path.name


def test_the_sample_runs_clean_under_four_agreements() -> None:
    batch = run_directory(SAMPLE_DIR, [AGREEMENTS_DIR], period_of(SAMPLE_FROM, SAMPLE_TO))
    assert batch.rejects.is_empty()
    assert (batch.accounting["read"] == batch.accounting["used"]).all()
    assert sorted(batch.pay_lines["agreement"].unique()) == [
        "hourly", "office", "retail", "retail_part_time"]
    assert batch.pay_lines["employee_id"].n_unique() == 36
