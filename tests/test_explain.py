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
        "(salary_types.OT100.trackers[0])",
        "    5.5 hours of OT100 x factor 2 = +11.000000; balance 0.000000 -> 11.000000", punch,
        "  TOIL: +3.000000 hours",
        "    salary_type OT50, factor 1.5; agreements/retail.yaml:23:9 "
        "(salary_types.OT50.trackers[0])",
        "    2 hours of OT50 x factor 1.5 = +3.000000; balance 11.000000 -> 14.000000", punch]
    whole = CliRunner().invoke(main, ["explain", "e1", "2025-06-05", "--run", str(tmp_path)])
    assert "  OT50: 2.000000 hours x 225.000000 = 450.00" in whole.output   # money.decimals: 2
    assert "    rule time_rules.overtime.daily.steps[0] of retail, at " in whole.output
    assert punch in whole.output   # the manifest says where the run's data directory is
    assert "warnings" not in whole.output   # none that day
    # e1's approved bonus of 14 March is not paid by retail: the day's warning is shown
    bonus = CliRunner().invoke(main, ["explain", "e1", "2025-03-14", "--run", str(tmp_path)])
    assert bonus.output.endswith(
        "\nwarnings (1)\n  FIGURE_NOT_PAID: an approved bonus figure is not paid: agreement "
        "retail pays no bonus (set figures.bonus to pay it, or correct the assignment)\n")
    # no schedule on the day, so FLEX gains the 7.5 worked hours and expects none
    assert "tracker transactions (3)\n  FLEX: +7.500000 hours\n    link flex_worked, factor 1, " \
           "driver value 7.500000; agreements/retail.yaml:138:3 (links.flex_worked)\n" \
           "    driver value 7.500000 x factor 1 = +7.500000; balance -5.500000 -> 2.000000\n" \
           f"{punch}\n" in whole.output   # the punch behind the punched hours
    # the day's time, and each pricing in force with the date a dated value holds from
    assert "\ntime: planned 0:00, clocked 8:00, worked 7:30 (after rounding and breaks), " \
           "paid 7:30\n" in whole.output
    assert "  OT50: 2.000000 hours x 225.000000 = 450.00\n    pricing: hourly_rate, " \
           "multiplier 1.5\n" in whole.output
    # each punch rounded and less its breaks
    assert "  punch p5: 08:00-16:00 (8:00), rounded 08:00-16:00 (8:00), less punched break " \
           "0:00 = 8:00\n  then automatic breaks and paid-time rules -0:30 = worked 7:30\n" \
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


def _case_run(tmp_path: Path, case: str, agreement: str, start: dt.date, end: dt.date) -> Path:
    """A golden tracker scenario run through `paycalc run`, its agreement in its own
    directory and its tables with an assignment of every employee to it."""
    golden = REPO / "fixtures" / "trackers" / case
    data, agreements = tmp_path / "data", tmp_path / "agreements"
    data.mkdir()
    agreements.mkdir()
    shutil.copy(golden / f"{agreement}.yaml", agreements)
    for path in golden.glob("*.csv"):
        if not path.name.startswith("expected"):
            shutil.copy(path, data)
    people = (data / "employees.csv").read_text().splitlines()[1:]
    (data / "assignments.csv").write_text("employee_id,agreement,valid_from\n" + "".join(
        f"{row.split(',')[0]},{agreement},2000-01-01\n" for row in people))
    result = CliRunner().invoke(main, ["run", str(data), "--agreements", str(agreements),
                                       "--from", str(start), "--to", str(end),
                                       "--out", str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    return tmp_path / "run"


def test_explain_shows_a_set_with_carry_over_as_old_balance_carried_part_and_new(
        tmp_path: Path) -> None:
    """Golden tracker scenario 03: e1 holds 55 h; on 1 Jan the set to 0 carries over up to
    40 h (a change of -15), then an adjustment adds 3."""
    run = _case_run(tmp_path, "03_set_carry_over", "carry_over", dt.date(2024, 12, 1),
                    dt.date(2025, 1, 31))
    said = explain_day(run, "e1", dt.date(2025, 1, 1), tracker="FLEX")
    assert ("    set: balance 55.000000, set to 0.000000, carried over 40.000000, new "
            "balance 40.000000") in said
    assert "balance 40.000000 -> 43.000000" in said   # the adjustment after it
    # a calendar driver names the assignment behind it (read from the manifest's data)
    assert "    input assignments.csv row 1: employee_id=e1, agreement=carry_over" in said


def test_explain_shows_the_drivers_arithmetic_and_the_punches_behind_it(tmp_path: Path) -> None:
    """Golden tracker scenario 12: e1's nominal day is 0.6 x 40 / 5 = 4.8 h per scheduled
    day, taken by the link `expected`; `worked` adds the 5 punched hours of 3 March."""
    run = _case_run(tmp_path, "12_employment_level_nominal_hours", "nominal",
                    dt.date(2025, 3, 3), dt.date(2025, 3, 4))
    said = explain_day(run, "e1", dt.date(2025, 3, 3))
    assert ("    factor -1 x 4.8 (employment level x average nominal hours a day) = "
            "-4.800000; balance 0.000000 -> -4.800000") in said
    assert ("    driver value 5.000000 x factor 1 = +5.000000; balance -4.800000 -> "
            "0.200000") in said
    # the punched-hours driver names its punch, the scheduled-days driver its schedule
    after_worked = said.split("driver value 5.000000 x factor 1")[1].splitlines()
    assert after_worked[1] == ("    input punches.csv row 1: employee_id=e1, start=2025-03-03 "
                               "08:00:00, end=2025-03-03 13:00:00")
    after_expected = said.split("(employment level x average nominal hours a day)")[1]
    assert after_expected.splitlines()[1].startswith("    input schedules.csv row 1: "
                                                     "employee_id=e1, start=2025-03-03 08:00")
    assert "time: planned 4:00, clocked 5:00, worked 5:00 (after rounding and breaks)" in said
    assert "  punch " in said and "08:00-13:00 (5:00), rounded 08:00-13:00 (5:00)" in said
