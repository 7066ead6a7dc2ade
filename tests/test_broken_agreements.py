"""Table-driven: every file under tests/broken/ holds one kind of mistake and states in its
`# expect: LINE:COLUMN message` header the problem paycalc must report, in that file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from paycalc.spec.catalogue import check_paths

BROKEN = Path(__file__).parent / "broken"
SUPPORT = BROKEN / "support"
CASES = sorted(BROKEN.glob("*.yaml"))
_EXPECT = re.compile(r"^# expect: (\d+):(\d+) (.+)$")


def _expected(path: Path) -> list[tuple[int, int, str]]:
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _EXPECT.match(line)
        if match:
            found.append((int(match.group(1)), int(match.group(2)), match.group(3)))
    return found


def test_there_is_a_broken_file_for_at_least_25_kinds_of_mistake() -> None:
    assert len(CASES) >= 25
    assert all(_expected(path) for path in CASES)


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_broken_agreement_reports_its_mistake(path: Path) -> None:
    checked = check_paths([path], [SUPPORT], [SUPPORT])
    assert checked.agreements == []
    got = [(Path(p.file).name, p.line, p.column, p.message) for p in checked.problems]
    expected = _expected(path)
    assert len(got) == len(expected), got
    for line, column, message in expected:
        assert any(name == path.name and (ln, col) == (line, column) and message in text
                   for name, ln, col, text in got), (line, column, message, got)
