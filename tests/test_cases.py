"""`paycalc test`: a consultant's test cases written as data. The golden scenarios under
fixtures/ are cases and pass through the command; a case whose expected figure is wrong
fails with a diff naming the row, and the command exits with 7."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from paycalc.cli import EXIT_OK, EXIT_TESTS, main

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
WEEKLY = FIXTURES / "pay_lines" / "04_daily_then_weekly_overtime"


def _test(*paths: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["test", *map(str, paths)])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.output


def test_the_golden_scenarios_pass_as_cases() -> None:
    code, output = _test(FIXTURES / "pay_lines", FIXTURES / "trackers")
    cases = len(list((FIXTURES / "pay_lines").glob("*/scenario.yaml"))) + len(
        list((FIXTURES / "trackers").glob("*/scenario.yaml")))
    assert code == EXIT_OK, output
    assert output.splitlines()[-1] == f"{cases} passed, 0 failed"
    assert cases >= 35


def test_a_wrong_expected_figure_fails_with_a_diff(tmp_path: Path) -> None:
    case = tmp_path / "weekly"
    shutil.copytree(WEEKLY, case)
    expected = case / "expected_pay_lines.csv"
    expected.write_text(expected.read_text().replace(
        "e1,2025-06-02,ORD,time_rules.ordinary_salary_type,28800,8,800.00,true",
        "e1,2025-06-02,ORD,time_rules.ordinary_salary_type,28800,8,999.00,true"))
    code, output = _test(case)
    assert code == EXIT_TESTS
    assert f"FAIL {case}" in output
    assert "-e1,2025-06-02,ORD,time_rules.ordinary_salary_type,28800,8,999,true" in output
    assert "+e1,2025-06-02,ORD,time_rules.ordinary_salary_type,28800,8,800,true" in output
    assert output.splitlines()[-1] == "0 passed, 1 failed"


def test_a_case_that_cannot_run_and_warnings_by_code(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(WEEKLY, broken)
    (broken / "scenario.yaml").write_text(
        "period: {from: 2025-06-02, to: 2025-06-08}\nagreements: [nowhere.yaml]\n")
    warned = tmp_path / "warned"
    shutil.copytree(WEEKLY, warned)
    # the week's rows name no warning code: the file says there must be none
    (warned / "expected_warnings.csv").write_text("employee_id,date,code,message\n")
    code, output = _test(tmp_path)
    assert code == EXIT_TESTS
    assert f"FAIL {broken}" in output and "the case cannot run:" in output
    assert "nowhere.yaml" in output
    assert f"PASS {warned}" in output
