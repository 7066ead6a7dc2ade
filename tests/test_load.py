"""The loader keeps what a consultant wrote and where they wrote it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from paycalc.errors import AgreementError
from paycalc.spec.load import load_text


def test_values_stay_as_written() -> None:
    doc = load_text(
        "at: 18:30\nflag: NO\nsay: on\ncode: 0310\nrate: 1.10\nwhole: 5\nday: 2024-02-29\n"
        "yes_: true\nnothing: ~\nbig: 1e3\n",
        "t.yaml",
    )
    assert doc.data == {
        "at": "18:30", "flag": "NO", "say": "on", "code": "0310", "rate": Decimal("1.10"),
        "whole": 5, "day": dt.date(2024, 2, 29), "yes_": True, "nothing": None, "big": "1e3",
    }
    assert str(doc.data["rate"]) == "1.10"


def test_keys_are_text_or_dates() -> None:
    doc = load_text("310: a\nno: b\n2025-04-01: c\n'2025-04-01': d\n", "t.yaml")
    assert list(doc.data) == ["310", "no", dt.date(2025, 4, 1), "2025-04-01"]


def test_every_key_and_value_has_its_line_and_column() -> None:
    doc = load_text("a:\n  b: [1, 2]\n  c: {d: x}\n", "t.yaml")
    assert doc.mark(("a", "b", 1)) == (2, 10)
    assert doc.mark(("a", "c", "d")) == (3, 10)
    assert doc.mark(("a", "c", "d"), key=True) == (3, 7)
    assert doc.mark(("a", "missing", "deeper")) == (2, 3)


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("a: 1\nb: 2\na: 3\n", (3, 1), "duplicate key 'a' (first written on line 1)"),
        ("a: &x 1\n", (1, 4), "anchors and aliases"),
        ("a: {<<: {b: 1}}\n", (1, 5), "merge keys (<<) are not supported"),
        ("a: !!python/name:os.system x\n", (1, 4), "custom YAML tag"),
        ("a: 2023-02-29\n", (1, 4), "'2023-02-29' is not a real date"),
        ("", (1, 1), "the file is empty"),
    ],
)
def test_surprises_are_problems(text: str, where: tuple[int, int], message: str) -> None:
    with pytest.raises(AgreementError) as caught:
        load_text(text, "t.yaml")
    problem = caught.value.problems[0]
    assert (problem.file, problem.line, problem.column) == ("t.yaml", *where)
    assert message in problem.message


def test_all_duplicate_keys_of_a_file_are_reported() -> None:
    with pytest.raises(AgreementError) as caught:
        load_text("a: 1\na: 2\nb: {c: 1, c: 2}\n", "t.yaml")
    assert [(p.line, p.column) for p in caught.value.problems] == [(2, 1), (3, 11)]


def test_a_character_yaml_does_not_allow_is_a_located_problem() -> None:
    """Found by the fuzz test: a NUL byte used to end in ruamel's ReaderError."""
    with pytest.raises(AgreementError) as refused:
        load_text("agreement: x\nname: ab\x00c\n", "x.yaml")
    (problem,) = refused.value.problems
    assert (problem.line, problem.column, problem.message) == (
        2, 9, "not valid YAML: character #x0000 is not allowed in a YAML file")
