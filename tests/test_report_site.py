"""The report site's shape: employees in natural order on pages of PAGE_SIZE, an index that
does not list them, and page names that no two ids share."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from paycalc.batch import report
from paycalc.batch.report import natural_key, page_name, render_site
from paycalc.batch.run import period_of, run_directory
from paycalc.spec.bundled import AGREEMENTS_DIR

SAMPLE = Path(report.__file__).resolve().parent.parent / "sample"


def test_natural_order_and_page_names() -> None:
    ids = ["e10", "e2", "e1", "E3", "x", "e02"]
    assert sorted(ids, key=natural_key) == ["e1", "e02", "e2", "E3", "e10", "x"]
    assert page_name("e1") == "e1.html" and page_name("a_b-1") == "a_b-1.html"
    odd = page_name("E 1/x")
    assert re.fullmatch(r"E_1_x~[0-9a-f]{10}\.html", odd)
    # no two ids share a page, even on a disk that ignores case
    names = [page_name(i) for i in ("E1", "e1", "E 1", "E_1", "../e1", "é1")]
    assert len({n.lower() for n in names}) == len(names)
    assert all("/" not in n and not n.startswith(".") for n in names)


def test_employees_are_paged_and_the_index_does_not_grow_with_them(
        monkeypatch: pytest.MonkeyPatch) -> None:
    batch = run_directory(SAMPLE, [AGREEMENTS_DIR],
                          period_of(dt.date(2025, 1, 1), dt.date(2025, 2, 28)))
    whole = dict(render_site(batch.outcome()))
    monkeypatch.setattr(report, "PAGE_SIZE", 10)
    paged = dict(render_site(batch.outcome()))
    lists = sorted((p for p in paged if p.startswith("employees/list-")),
                   key=natural_key)
    assert lists == [f"employees/list-{n}.html" for n in (1, 2, 3, 4)]   # 36 employees
    listed = [re.findall(r'<td><a href="([^"]+)\.html">', paged[p].decode()) for p in lists]
    assert [len(page) for page in listed] == [10, 10, 10, 6]
    assert [i for page in listed for i in page] == [f"e{n}" for n in range(36)]   # in order
    for page in lists:   # every list page links every other
        assert all(f'href="list-{n}.html"' in paged[page].decode()
                   for n in (1, 2, 3, 4) if page != f"employees/list-{n}.html")
    # the index names no employee but in its top lists and warning examples
    index = paged["index.html"].decode()
    linked = set(re.findall(r'href="employees/(e\d+)\.html"', index))
    codes = index.count('<tr><td>', index.index('id="warning-table"'),
                        index.index('id="rejects"'))
    # three top lists (SEK, USD, warnings) and the examples of each warning code
    assert len(linked) <= report.TOP * 3 + report.EXAMPLES * codes
    assert paged["index.html"].replace(b"(4 pages)", b"(1 page)") == whole["index.html"]
    assert {p for p in paged if p.startswith("employees/e")} == {
        f"employees/e{n}.html" for n in range(36)}
