"""The `paycalc` command as a consultant uses it."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from paycalc.cli import main
from paycalc.spec.bundled import AGREEMENTS_DIR, RULES_DIR
from paycalc.spec.problems import display_name

BROKEN = Path(__file__).parent / "broken"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_validate_shipped_agreements_passes() -> None:
    result = run("validate", str(AGREEMENTS_DIR), str(RULES_DIR))
    assert result.exit_code == 0, result.output
    assert "5 agreement(s) and 3 rule set(s) checked, 0 problem(s)" in result.output


def test_validate_prints_every_problem_and_exits_1() -> None:
    files = [BROKEN / "unknown_tracker.yaml", BROKEN / "min_above_max.yaml"]
    result = run("validate", *map(str, files))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(line.endswith("min_above_max.yaml:7:10: trackers.FLEX.max: max 10 is below min "
                             "20 (allowed: min <= max)") for line in lines), lines
    assert any("unknown_tracker.yaml:8:18: salary_types.OT50.trackers[0].tracker: unknown "
               "tracker 'TOL'; did you mean 'TOIL'? (allowed: TOIL)" in line for line in lines)
    assert "2 problem(s)" in lines[-1]


def test_schema_prints_the_json_schema() -> None:
    result = run("schema", "--kind", "rule_set")
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["title"] == "paycalc rule set"
    assert "rule_set" in schema["required"]


def test_show_prints_the_compiled_agreement_with_defaults_and_sources() -> None:
    result = run("show", "retail")
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.startswith("agreement retail: Retail collective agreement - store staff")
    retail = AGREEMENTS_DIR / "retail.yaml"
    line = retail.read_text(encoding="utf-8").splitlines().index("  VAC:") + 1
    # a rule names its file by folder and name, wherever the package is installed
    assert f"    VAC:  # agreements/retail.yaml:{line}\n" in text
    assert f"  from {display_name(retail)}\n" in text
    assert "deduction_order: oldest_first" in text
    # in the YAML's own terms: times as H:MM, weekdays in week order, month-days as MM-DD
    assert "    week_starts: mon\n" in text
    assert "        days: [mon, tue, wed, thu, fri]\n        start: 18:00\n" \
           "        end: 22:00\n" in text
    assert "      year_start: 04-01\n" in text and "      threshold: schedule\n" in text
    assert "_seconds" not in text
    assert "per_hour: 68.50 from 2025-04-01, 71.25 from 2026-04-01" in text
    # a key the YAML left out is marked as a default; a written one is not (rules/toil.yaml)
    toil = text[text.index("    TOIL:  # rules/toil.yaml:17"):]
    assert "      decimals: 2\n" in toil and "      deduction_order: current_year  (default)\n" \
        in toil and "      max: 150\n" in toil and "      periodised: no  (default)\n" in toil


def test_show_unknown_agreement_exits_2() -> None:
    result = run("show", "no_such_agreement")
    assert result.exit_code == 2
    assert "shipped: contact_centre, hourly, office, retail, retail_part_time" in result.output


def test_demo_runs_the_sample_data_and_writes_the_report(tmp_path: Path) -> None:
    result = run("demo", "--out", str(tmp_path / "demo"))
    assert result.exit_code == 0, result.output
    assert "punches.csv" in result.output and "report:" in result.output
    site = tmp_path / "demo" / "report"
    report = (site / "index.html").read_text()
    assert "Pay totals" in report and report.count('<figure class="chart"') == 5
    for tracker in ("FLEX", "LONG_SERVICE", "PTO", "TOIL", "VAC"):
        assert f'aria-label="{tracker} balance over time"' in report
    pages = sorted(p.name for p in (site / "employees").glob("e*.html"))
    assert len(pages) == 36 and pages[:3] == ["e0.html", "e1.html", "e10.html"]
    listing = (site / "employees" / "list-1.html").read_text()
    listed = re.findall(r'<a href="(e\d+)\.html">', listing)
    assert listed[:12] == [f"e{n}" for n in range(12)]   # natural order: e2 before e10
    sums = dict(reversed(line.split("  "))
                for line in (site / "SHA256SUMS").read_text().splitlines())
    assert len(sums) == 36 + 1 + 1 + 5   # pages, list page, index, assets
    assert sums["index.html"] == hashlib.sha256((site / "index.html").read_bytes()).hexdigest()
    manifest = json.loads((tmp_path / "demo" / "manifest.json").read_text())
    assert manifest["invocation"]["command"] == ["paycalc", "demo", "--out",
                                                 str(tmp_path / "demo")]
    # explain finds the data and agreements the manifest records; a dated rate is told
    # with the date it holds from, or as not yet in force
    night = run("explain", "e14", "2025-01-01", "--run", str(tmp_path / "demo")).output
    assert "  NIGHT_DIFF: 8.000000 hours x 1.500000 = 12.00\n    pricing: supplement, " \
           "per_hour 1.50 (from 2025-01-01)\n" in night
    holiday = run("explain", "e1", "2025-01-01", "--run", str(tmp_path / "demo")).output
    assert "  OB_HOLIDAY: 7.833333 hours\n    pricing: supplement, per_hour none in force " \
           "(the first from 2025-04-01)\n" in holiday
    assert "  punch p1-0: 14:00-22:21 (8:21), rounded 14:00-22:20 (8:20), less punched " \
           "break 0:30 = 7:50\n" in holiday


def test_no_command_runs_the_demo_in_paycalc_demo(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, [])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "paycalc-demo" / "report" / "index.html").is_file()


def test_python_dash_m_runs_the_command() -> None:
    done = subprocess.run([sys.executable, "-m", "paycalc", "--help"], capture_output=True,
                          text=True, check=True)
    assert "validate" in done.stdout and "schema" in done.stdout


def test_library_docstring_example_runs() -> None:
    import doctest

    import paycalc

    failures, tried = doctest.testmod(paycalc)
    assert (failures, tried) == (0, 10)


def test_quiet_and_verbose_choose_what_is_logged(tmp_path: Path) -> None:
    """Log lines go to standard error with a timestamp and level; --quiet keeps warnings
    only and drops the summary table, --verbose adds what each stage took; both work
    before or after the command."""
    bad_rows = Path(__file__).resolve().parent.parent / "fixtures" / "batch" / "bad_rows"
    base = ["run", str(bad_rows), "--agreements", str(AGREEMENTS_DIR), "--from", "2025-03-01",
            "--to", "2025-06-30"]
    stamp = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d"
    quiet = run(*base, "--out", str(tmp_path / "quiet"), "--quiet")
    assert quiet.exit_code == 4   # done, with rejected rows
    assert quiet.stdout == f"outputs in {tmp_path / 'quiet'}\n"
    assert re.fullmatch(rf"{stamp} WARNING paycalc: 49 input rows rejected \(see the "
                        r"rejects table\)\n", quiet.stderr), quiet.stderr
    loud = run("--verbose", *base, "--out", str(tmp_path / "loud"))
    assert loud.exit_code == 4
    for said in ("INFO paycalc: read data", "DEBUG paycalc: read data took ",
                 "INFO paycalc: evaluated bucket 1 of 1", "DEBUG paycalc: read "):
        assert re.search(rf"^{stamp} {re.escape(said)}", loud.stderr, re.M), (said, loud.stderr)
    assert "paycalc run 2025-03-01 to 2025-06-30" in loud.stdout   # the summary table
    plain = run(*base, "--out", str(tmp_path / "plain"))
    assert "INFO paycalc: evaluate" in plain.stderr and "DEBUG" not in plain.stderr
