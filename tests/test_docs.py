"""The consultant how-to (docs/first-agreement.md) describes an agreement that compiles, and
the problem it shows is the one paycalc prints; the library examples of docs/batch-runs.md
run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from paycalc.errors import AgreementError
from paycalc.reasons import REASONS
from paycalc.spec.compile import compile_document
from paycalc.spec.load import load_text
from paycalc.spec.validate import validate_document

HOWTO = Path(__file__).resolve().parent.parent / "docs" / "first-agreement.md"


def _cafe() -> str:
    blocks = re.findall(r"```yaml\n(.*?)```", HOWTO.read_text(encoding="utf-8"), re.S)
    return "".join(blocks[:4])


def test_howto_agreement_compiles() -> None:
    cafe = compile_document(validate_document(load_text(_cafe(), "cafe.yaml")))
    assert cafe.id == "cafe" and cafe.time_rules.ordinary_salary_type == "ORD"
    assert cafe.salary_type("OT").trackers[0].factor.entries[0][1] == 1.5
    assert cafe.link("vacation_grant").driver.kind == "tracking_year_start"


def test_howto_shows_the_problem_paycalc_prints() -> None:
    text = _cafe().replace("deduction_order: oldest_first", "deduction_order: oldest")
    with pytest.raises(AgreementError) as caught:
        validate_document(load_text(text, "cafe.yaml"))
    shown = re.search(r"```\n(cafe\.yaml:.*)\n```", HOWTO.read_text(encoding="utf-8")).group(1)
    assert [str(p) for p in caught.value.problems] == [shown]


def test_batch_runs_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import doctest

    monkeypatch.chdir(HOWTO.parent.parent)
    failures, tried = doctest.testfile(str(HOWTO.parent / "batch-runs.md"),
                                       module_relative=False, globs={"tmp": tmp_path},
                                       optionflags=doctest.NORMALIZE_WHITESPACE)
    assert (failures, tried) == (0, 20)


def test_batch_runs_lists_every_reason_and_warning_code() -> None:
    text = (HOWTO.parent / "batch-runs.md").read_text(encoding="utf-8")
    missing = [code for code in REASONS if f"`{code}`" not in text]
    assert missing == []


def test_howto_test_case_passes(tmp_path: Path) -> None:
    """The case of "7. Test it", written out as the how-to says, passes `paycalc test`."""
    from click.testing import CliRunner

    from paycalc.cli import EXIT_OK, main

    text = HOWTO.read_text(encoding="utf-8")
    section = text[text.index("## 7. Test it"):]
    (tmp_path / "cafe.yaml").write_text(_cafe(), encoding="utf-8")
    case = tmp_path / "cases" / "long_monday"
    case.mkdir(parents=True)
    (case / "scenario.yaml").write_text(
        re.findall(r"```yaml\n(.*?)```", section, re.S)[0], encoding="utf-8")
    names = ["employees.csv", "schedules.csv", "punches.csv", "expected_pay_lines.csv",
             "expected_balances.csv"]
    blocks = re.findall(r"```csv\n(.*?)```", section, re.S)
    assert len(blocks) == len(names)
    for name, block in zip(names, blocks, strict=True):
        (case / name).write_text(block, encoding="utf-8")
    result = CliRunner().invoke(main, ["test", str(tmp_path / "cases")])
    assert result.exit_code == EXIT_OK, result.output
    assert result.output.splitlines()[-1] == "1 passed, 0 failed"
