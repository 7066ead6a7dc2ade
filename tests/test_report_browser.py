"""The HTML report as a browser shows it: headless Chromium renders a run's report.html,
and the DOM it built and the screenshot it took must show the tables and the charts."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image

from paycalc.batch.run import period_of, run_directory
from paycalc.batch.write import write_run
from paycalc.spec.bundled import AGREEMENTS_DIR

BAD_ROWS = Path(__file__).resolve().parent.parent / "fixtures" / "batch" / "bad_rows"
CHART_LINE = (217, 72, 15)   # the polyline's colour, used nowhere else on the page
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars"]


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        message = ("Chromium is needed to render the report: install Debian's package "
                   "(apt-get install chromium), as .ci/run does")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


class Tables(HTMLParser):
    """Rows per table id, the SVG polylines and every text node of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, int] = {}
        self.polylines: list[str] = []
        self.text: list[str] = []
        self._table: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "table":
            self._table = named.get("id") or ""
            self.rows[self._table] = 0
        elif tag == "tr" and self._table is not None:
            self.rows[self._table] += 1
        elif tag == "polyline":
            self.polylines.append(named.get("points") or "")
        elif tag == "script":
            self.text.append("<script> element")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_the_report_shows_its_tables_and_charts_in_chromium(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(BAD_ROWS, data)
    with (data / "punches.csv").open("a") as punches:   # markup in data stays text
        punches.write("p16,e1,2025-06-12T08:00:00,2025-06-12T09:00:00,<script>x()</script>\n")
    batch = run_directory(data, [AGREEMENTS_DIR], period_of(dt.date(2025, 3, 1),
                                                            dt.date(2025, 6, 30)))
    write_run(batch, tmp_path / "out")
    page = (tmp_path / "out" / "report.html").as_uri()
    browser = [_chromium(), *FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([*browser, "--dump-dom", page], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    found = Tables()
    found.feed(dom)
    employees = batch.pay_lines["employee_id"].n_unique()
    assert found.rows["pay-table"] == 1 + employees == 3
    assert found.rows["reject-table"] == 1 + len(batch.rejects) == 44
    assert found.rows["balance-table"] == 1 + len(batch.evaluation.balances)
    # balances at their tracker's decimals: vacation days (0) and flextime hours (2)
    for tracker, decimals in (("VAC", 0), ("FLEX", 2)):
        row = batch.evaluation.balances.filter(tracker=tracker).row(0, named=True)
        assert row["decimals"] == decimals
        assert str(row["balance"].quantize(Decimal(1).scaleb(-decimals))) in found.text
    trackers = batch.evaluation.tracker_transactions["tracker"].n_unique()
    assert len(found.polylines) == trackers >= 2
    assert all(len(p.split()) == 122 for p in found.polylines)   # 1 March to 30 June
    assert "<script> element" not in found.text
    assert "unknown activity '<script>x()</script>'" in found.text

    shot = tmp_path / "page.png"
    subprocess.run([*browser, "--window-size=1000,3000", f"--screenshot={shot}", page],
                   capture_output=True, timeout=120, check=True)
    colours = dict((c, n) for n, c in Image.open(shot).convert("RGB").getcolors(1 << 24))
    assert colours.get(CHART_LINE, 0) > 500 * trackers, colours.get(CHART_LINE)
