"""`paycalc explain`: a day of one employee told line by line from a run's outputs."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from paycalc.batch.explain import explain_day
from paycalc.batch.run import period_of, run_directory
from paycalc.batch.write import write_run
from paycalc.cli import main

REPO = Path(__file__).resolve().parent.parent
BAD_ROWS = REPO / "fixtures" / "batch" / "bad_rows"


def test_explain_names_rules_links_factors_and_input_rows(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)   # sources are shown relative to the working directory
    batch = run_directory(BAD_ROWS, [REPO / "agreements"],
                          period_of(dt.date(2025, 3, 1), dt.date(2025, 6, 30)))
    write_run(batch, tmp_path, "csv")
    result = CliRunner().invoke(main, ["explain", "e1", "2025-06-05", "--run", str(tmp_path),
                                       "--data", str(BAD_ROWS), "--tracker", "TOIL"])
    assert result.exit_code == 0, result.output
    punch = ("    input punches.csv row 5: punch_id=p5, employee_id=e1, "
             "start=2025-06-05 08:00:00, end=2025-06-05 16:00:00")
    # p5: 8 h less the 0:30 automatic break, no schedule: OT50 for 2 h and OT100 for
    # 5.5 h; TOIL earns 1.5 h per OT50 hour (3) and 2 h per OT100 hour (11)
    assert result.output.splitlines() == [
        "e1 on 2025-06-05", "", "tracker transactions (2)",
        "  TOIL: +11.000000 hours",
        "    salary_type OT100, factor 2; agreements/retail.yaml:30:9 "
        "(salary_types.OT100.trackers[0])", punch,
        "  TOIL: +3.000000 hours",
        "    salary_type OT50, factor 1.5; agreements/retail.yaml:23:9 "
        "(salary_types.OT50.trackers[0])", punch]
    whole = CliRunner().invoke(main, ["explain", "e1", "2025-06-05", "--run", str(tmp_path)])
    assert "  OT50: 2.000000 hours x 225.000000 = 450.00" in whole.output   # money.decimals: 2
    assert "    rule time_rules.overtime.daily.steps[0] of retail, at " in whole.output
    assert "    input p5" in whole.output
    assert "warnings" not in whole.output   # none that day
    # e1's approved bonus of 14 March is not paid by retail: the day's warning is shown
    bonus = CliRunner().invoke(main, ["explain", "e1", "2025-03-14", "--run", str(tmp_path)])
    assert bonus.output.endswith(
        "\nwarnings (1)\n  FIGURE_NOT_PAID: an approved bonus figure is not paid: agreement "
        "retail pays no bonus (set figures.bonus to pay it, or correct the assignment)\n")
    # no schedule on the day, so FLEX gains the 7.5 worked hours and expects none
    assert "tracker transactions (3)\n  FLEX: +7.500000 hours\n    link flex_worked, factor 1, " \
           "driver value 7.500000; agreements/retail.yaml:138:3 (links.flex_worked)\n" \
           in whole.output


def test_explain_says_what_the_approvals_decided(tmp_path: Path) -> None:
    """Golden scenario 17: OT of 2 June approved at both levels, of 3 June waiting for the
    second level, of 4 June refused by the second (see its expected_pay_lines.csv)."""
    golden = REPO / "fixtures" / "pay_lines" / "17_approvals"
    data, agreements = tmp_path / "data", tmp_path / "agreements"
    for folder, pattern in ((data, "*.csv"), (agreements, "approved.yaml")):
        folder.mkdir()
        for path in golden.glob(pattern):
            if not path.name.startswith("expected"):
                shutil.copy(path, folder)
    (data / "assignments.csv").write_text("employee_id,agreement,valid_from\n"
                                          "a1,approved,2020-01-01\n", encoding="utf-8")
    batch = run_directory(data, [agreements],
                          period_of(dt.date(2025, 6, 2), dt.date(2025, 6, 6)))
    write_run(batch, tmp_path / "run")
    said = {day: explain_day(tmp_path / "run", "a1", dt.date(2025, 6, day))
            for day in (2, 3, 4)}
    assert "  OT: 3.000000 hours x 300.000000 = 900.00 (approved by anna, bo)" in said[2]
    assert ("  OT: 2.000000 hours x 300.000000 = 600.00 (not payable: awaiting approval; "
            "1 level(s) approved by anna)") in said[3]
    assert ("  OT: 2.000000 hours x 300.000000 = 600.00 (not payable: refused; decided by "
            "anna, bo)") in said[4]
