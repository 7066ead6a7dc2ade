"""The report site as a browser shows it: headless Chromium opens a run's index and an
employee page from disk, runs the shipped chart scripts, and the DOM it built and the
screenshot it took must show the totals per currency, the tables, and charts with axes."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import polars as pl
import pytest
from PIL import Image

from paycalc.batch.run import period_of, run_directory
from paycalc.batch.write import write_run
from paycalc.spec.bundled import AGREEMENTS_DIR

BAD_ROWS = Path(__file__).resolve().parent.parent / "fixtures" / "batch" / "bad_rows"
LINE = (217, 72, 15)   # a balance line's colour (charts.LINE), used nowhere else on a page
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--virtual-time-budget=15000"]


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        message = ("Chromium is needed to render the report: install Debian's package "
                   "(apt-get install chromium), as .ci/run does")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


class Page(HTMLParser):
    """The cell texts of every table row by table id, and every script element."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.scripts: list[dict[str, str | None]] = []
        self._table: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "table":
            self._table = named.get("id") or ""
            self.tables[self._table] = []
        elif tag == "tr" and self._table is not None:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table is not None:
            self._cell = []
        elif tag == "script":
            self.scripts.append(named)

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = None
        elif tag in ("td", "th") and self._cell is not None and self._table is not None:
            self.tables[self._table][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def charts(dom: str) -> dict[str, str]:
    """Each drawn chart's SVG by tracker (the figure's id)."""
    found = {}
    for part in dom.split('<figure class="chart"')[1:]:
        tracker = re.search(r'id="chart-([^"]+)"', part)
        assert tracker and 'data-drawn="yes"' in part.split("</figure>")[0], part[:300]
        found[tracker.group(1)] = part.split("</figure>")[0]
    return found


def axis_labels(svg: str, axis: str) -> list[str]:
    """The tick labels of a chart's x or y axis, as drawn."""
    start = svg.index(f"aria-label=\"{axis.upper()}-axis")
    group = svg[start:].split("role-axis-label", 1)[1].split("</g>", 1)[0]
    return re.findall(r"<text[^>]*>([^<]*)</text>", group)


def test_the_report_site_shows_totals_and_charts_with_axes_in_chromium(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(BAD_ROWS, data)
    with (data / "punches.csv").open("a") as punches:   # markup in data stays text
        punches.write("p16,e1,2025-06-12T08:00:00,2025-06-12T09:00:00,<script>x()</script>\n")
    batch = run_directory(data, [AGREEMENTS_DIR], period_of(dt.date(2025, 3, 1),
                                                            dt.date(2025, 6, 30)))
    written = write_run(batch, tmp_path / "out")
    browser = [_chromium(), *FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]

    def dom_of(page: Path) -> str:
        return subprocess.run([*browser, "--dump-dom", page.as_uri()], capture_output=True,
                              text=True, timeout=120, check=True).stdout

    index_dom = dom_of(written["report"])
    index = Page()
    index.feed(index_dom)
    payable = batch.pay_lines.filter("payable")
    for currency, amount in payable.group_by("currency").agg(pl.col("amount").sum()).rows():
        assert [currency, f"{len(payable.filter(currency=currency)):,}",
                f"{amount:,.2f}"] in index.tables["totals-table"]
    rejected = {(r[0], r[1]): r[2] for r in index.tables["reject-table"][1:]}
    assert sum(int(n) for n in rejected.values()) == len(batch.rejects) == 50
    assert "unknown activity '<script>x()</script>'" in index_dom.replace("&lt;", "<").replace(
        "&gt;", ">").replace("&#39;", "'")
    assert not [s for s in index.scripts if s.get("src") is None
                and s.get("type") != "application/json"]   # data never became a script
    trackers = sorted(batch.evaluation.tracker_transactions["tracker"].unique())
    drawn = charts(index_dom)
    assert sorted(drawn) == trackers
    for svg in drawn.values():
        assert "X-axis titled 'date' for a utc scale" in svg
        assert re.search(r"Y-axis titled 'balance \((hours|days)\)'", svg)
        assert any(re.fullmatch(r"(Mar|April|Apr|May|June|Jun)( \d\d)?", label)
                   for label in axis_labels(svg, "x")), axis_labels(svg, "x")

    person = dom_of(tmp_path / "out" / "report" / "employees" / "e1.html")
    page = Page()
    page.feed(person)
    lines = batch.pay_lines.filter(employee_id="e1")
    days = set(lines["date"]) | set(batch.time_sheet.filter(employee_id="e1")["date"])
    assert [row[0] for row in page.tables["day-table"][1:]] == [
        *map(str, sorted(days)), "total"]
    total = lines.filter("payable")["amount"].sum()
    assert ["total", str(len(lines.filter("payable"))), "", "", "", f"{total:.2f}", "SEK",
            ""] in page.tables["pay-table"]
    assert page.tables["day-table"][-1][-1] == f"{total:.2f} SEK"
    own = batch.evaluation.balances.filter(employee_id="e1")
    assert len(page.tables["balance-table"]) == 1 + len(own)
    drawn = charts(person)
    assert sorted(drawn) == sorted(own["tracker"].unique())
    for tracker, decimals in (("VAC", 0), ("FLEX", 2)):
        row = own.filter(tracker=tracker).row(0, named=True)
        assert row["decimals"] == decimals
        shown = str(row["balance"].quantize(Decimal(1).scaleb(-decimals)))
        assert shown in [r[11] for r in page.tables["balance-table"] if r[0] == tracker]
        labels = axis_labels(drawn[tracker], "y")   # ticks at the tracker's decimals
        figure = r"−?[\d,]+" + (rf"\.\d{{{decimals}}}" if decimals else "")
        assert labels and all(re.fullmatch(figure, label) for label in labels), labels
    assert "role-mark layer_1_marks" in drawn["FLEX"]   # FLEX has a min and a max: two rules

    shot = tmp_path / "employee.png"
    subprocess.run([*browser, "--window-size=1000,2200", f"--screenshot={shot}",
                    (tmp_path / "out" / "report" / "employees" / "e1.html").as_uri()],
                   capture_output=True, timeout=120, check=True)
    colours = dict((c, n) for n, c in Image.open(shot).convert("RGB").getcolors(1 << 24))
    assert colours.get(LINE, 0) > 300 * len(drawn), colours.get(LINE)
