"""An agreement beyond a declared bound (`paycalc.spec.limits`) is a located problem that
`paycalc validate` reports, never a crash, a run out of memory or a run that does not end;
an agreement at the bound compiles. The same agreement id in two folders is a problem in
both files, and a problem on line 100 prints as written (no console markup or emoji).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from paycalc.cli import EXIT_PROBLEMS, main
from paycalc.spec.bundled import AGREEMENTS_DIR
from paycalc.spec.catalogue import check_paths
from paycalc.spec.limits import (
    MAX_EXTENDS,
    MAX_LEVELS,
    MAX_NESTING,
    MAX_STEPS,
    MAX_SUPPLEMENTS,
)

HOURLY = (AGREEMENTS_DIR / "hourly.yaml").read_text(encoding="utf-8")


def _levels(n: int) -> str:
    rows = "\n".join(f"        - {{threshold: {t}, factor: 1}}" for t in range(1, n))
    return HOURLY.replace(
        "        - {threshold: 0, factor: null}\n        - {threshold: 2, factor: 1}\n"
        "        - {threshold: 5, factor: 2}",
        "        - {threshold: 0, factor: null}\n" + rows)


def _steps(n: int) -> str:
    rows = "\n".join('        - {salary_type: OT15, length: "0:10"}' for _ in range(n - 1))
    return HOURLY.replace('        - {salary_type: OT15, length: "4:00"}\n'
                          "        - {salary_type: OT20}",
                          rows + "\n        - {salary_type: OT20}", 1)


def _supplements(n: int) -> str:
    rows = "".join(f"    w{i}:\n      salary_type: NIGHT_DIFF\n      days: [mon]\n"
                   for i in range(n - 2))
    return HOURLY.replace("  supplements:\n", "  supplements:\n" + rows, 1)


def _problems(tmp_path: Path, text: str) -> list[tuple[int, int, str, str]]:
    path = tmp_path / "hourly.yaml"
    path.write_text(text, encoding="utf-8")
    checked = check_paths([path], [], [])
    if not checked.problems:
        assert [a.id for a in checked.agreements] == ["hourly"]
    return [(p.line, p.column, p.path, p.message) for p in checked.problems]


def _line_of(text: str, pattern: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if re.search(pattern, line))


@pytest.mark.parametrize(("make", "bound", "where", "first"), [
    (_levels, MAX_LEVELS, "links.pto_monthly_bonus.levels.table", r"^      table:"),
    (_steps, MAX_STEPS, "time_rules.overtime.daily.steps", r"^      steps:"),
    (_supplements, MAX_SUPPLEMENTS, "time_rules.supplements", r"^  supplements:"),
])
def test_a_list_longer_than_its_bound_is_a_located_problem(
        tmp_path: Path, make: object, bound: int, where: str, first: str) -> None:
    assert callable(make)
    assert _problems(tmp_path, make(bound)) == []
    text = make(bound + 1)
    line = _line_of(text, first) + 1
    found = _problems(tmp_path, text)
    assert [(p[0], p[2], p[3]) for p in found] == [
        (line, where, f"{bound + 1} entries are more than the {bound} an agreement may hold "
                      "here")]


def test_a_number_with_more_digits_than_kept_exactly(tmp_path: Path) -> None:
    text = HOURLY.replace("multiplier: 1.5", "multiplier: 1234567890123456.5", 1)
    line = _line_of(text, "1234567890123456.5")
    column = text.splitlines()[line - 1].index("1234567890123456.5") + 1
    assert _problems(tmp_path, text) == [
        (line, column, "salary_types.OT15.pricing.multiplier",
         "1234567890123456.5 has more digits than paycalc keeps exactly")]
    text = HOURLY.replace("multiplier: 1.5", "multiplier: 1.0000000000000000001", 1)
    assert [p[3] for p in _problems(tmp_path, text)] == [
        "1.0000000000000000001 has more digits than paycalc keeps exactly"]
    text = HOURLY.replace("multiplier: 1.5", "multiplier: 123456789012345.000000000000000001", 1)
    assert _problems(tmp_path, text) == []


def test_yaml_nested_deeper_than_the_bound(tmp_path: Path) -> None:
    deep = HOURLY + "description2: " + "[" * (MAX_NESTING + 5) + "]" * (MAX_NESTING + 5) + "\n"
    (line, column, path, message), = _problems(tmp_path, deep)
    assert (line, column - len("description2: "), path) == (len(HOURLY.splitlines()) + 1,
                                                           MAX_NESTING, "")
    assert message == f"mappings and lists nest more than {MAX_NESTING} deep here"
    hundreds = "agreement: n\nname: n\ndescription: " + "[" * 600 + "]" * 600 + "\n"
    assert [p[3] for p in _problems(tmp_path, hundreds)] == [message]


def test_an_extends_chain_deeper_than_the_bound(tmp_path: Path) -> None:
    (tmp_path / "a0.yaml").write_text(HOURLY.replace("agreement: hourly", "agreement: a0"),
                                      encoding="utf-8")
    for n in range(1, 1200):
        (tmp_path / f"a{n}.yaml").write_text(f"agreement: a{n}\nname: a{n}\nextends: a{n - 1}\n",
                                             encoding="utf-8")
    at_bound = check_paths([tmp_path / f"a{MAX_EXTENDS}.yaml"], [tmp_path], [])
    assert at_bound.problems == [] and [a.id for a in at_bound.agreements] == [f"a{MAX_EXTENDS}"]
    for top in (MAX_EXTENDS + 1, 1199):
        checked = check_paths([tmp_path / f"a{top}.yaml"], [tmp_path], [])
        assert [(Path(p.file).name, p.line, p.column, p.path) for p in checked.problems] == [
            (f"a{top}.yaml", 3, 10, "extends")]
        assert checked.problems[0].message.startswith(
            f"more than {MAX_EXTENDS} templates and rule sets lie below one another from here")


def test_one_agreement_id_in_two_folders(tmp_path: Path) -> None:
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "hourly.yaml").write_text(HOURLY, encoding="utf-8")
    checked = check_paths([tmp_path / "one", tmp_path / "two"], [], [])
    assert sorted((Path(p.file).parent.name, p.path, p.message) for p in checked.problems) == [
        ("one", "agreement", f"agreement 'hourly' is also defined in "
                             f"{checked.problems[1].file}"),
        ("two", "agreement", f"agreement 'hourly' is also defined in "
                             f"{checked.problems[0].file}")]


def test_a_problem_on_line_100_prints_as_written(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text("agreement: m\nname: m\n" + "#\n" * 97 + "bogus:        1\n",
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == EXIT_PROBLEMS
    assert "m.yaml:100:1: bogus: unknown key 'bogus'" in result.output
