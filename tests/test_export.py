"""The payroll export a payroll system imports: the shipped sample data (36 employees,
January and February 2025, under agreements in two currencies) run from a store and
transferred definitively through the command line. The PAXml file is valid against the
schema, and exporting, parsing and adding up gives the run's totals to the cent, per
currency; the CSV export names each line's export code and currency, with amounts at the
agreement's decimals."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
import xmlschema

from paycalc.batch.transfer import PAXML_SCHEMA
from paycalc.errors import EXIT_OK
from paycalc.spec.bundled import AGREEMENTS_DIR, SAMPLE_DIR, SAMPLE_FROM, SAMPLE_TO
from paycalc.spec.catalogue import check_paths

STEM = f"payroll_{SAMPLE_FROM}_{SAMPLE_TO}"


def paycalc(*args: str | Path, cwd: Path) -> str:
    done = subprocess.run([sys.executable, "-m", "paycalc", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == EXIT_OK, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cwd = tmp_path_factory.mktemp("export")
    paycalc("run", SAMPLE_DIR, "--agreements", AGREEMENTS_DIR, "--from", SAMPLE_FROM, "--to",
            SAMPLE_TO, "--out", "run", "--format", "csv", "--store", "runs.sqlite", cwd=cwd)
    paycalc("transfer", "run", "--store", "runs.sqlite", "--definitive", "--out", "export",
            cwd=cwd)
    return cwd


def run_totals(cwd: Path) -> dict[str | None, Decimal]:
    lines = pl.read_csv(cwd / "run" / "pay_lines.csv", infer_schema=False).filter(
        pl.col("payable") == "true")
    totals: dict[str | None, Decimal] = Counter()
    for row in lines.iter_rows(named=True):
        totals[row["currency"]] += Decimal(row["amount"] or "0")
    return dict(totals)


def test_the_paxml_export_is_valid_against_the_schema(exported: Path) -> None:
    xmlschema.XMLSchema(PAXML_SCHEMA).validate(exported / "export" / f"{STEM}.paxml.xml")


def test_export_parse_and_add_up_gives_the_runs_totals_to_the_cent(exported: Path) -> None:
    root = ET.parse(exported / "export" / f"{STEM}.paxml.xml").getroot()
    csv = pl.read_csv(exported / "export" / f"{STEM}.csv", infer_schema=False)
    currency_of = dict(pl.read_csv(exported / "run" / "pay_lines.csv", infer_schema=False)
                       .select("employee_id", "currency").unique().iter_rows())
    from_xml: dict[str | None, Decimal] = Counter()
    for item in root.iter("lonetrans"):
        from_xml[currency_of[item.get("anstid")]] += Decimal(item.findtext("belopp") or "")
    from_csv: dict[str | None, Decimal] = Counter()
    for row in csv.iter_rows(named=True):
        from_csv[row["currency"]] += Decimal(row["amount"] or "0")
    expected = run_totals(exported)
    assert set(expected) == {"SEK", "USD"} and all(total > 0 for total in expected.values())
    assert dict(from_xml) == expected
    assert dict(from_csv) == expected
    # one transaction per payable line: priced ones as pay, the others as time
    transactions = len(list(root.iter("lonetrans"))) + len(list(root.iter("tidtrans")))
    assert transactions == csv.height
    assert root.findtext("header/format") == "LÖNIN"


def test_the_export_uses_the_agreements_export_codes_and_decimals(exported: Path) -> None:
    csv = pl.read_csv(exported / "export" / f"{STEM}.csv", infer_schema=False)
    agreements = {a.id: a for a in check_paths([AGREEMENTS_DIR], [], []).agreements}
    for row in csv.unique(["agreement", "salary_type"]).iter_rows(named=True):
        agreement = agreements[row["agreement"]]
        assert row["export_code"] == agreement.salary_type(row["salary_type"]).export_code
        assert row["currency"] == agreement.money.currency
    for row in csv.filter(pl.col("amount").is_not_null()).iter_rows(named=True):
        places = agreements[row["agreement"]].money.decimals
        assert len(row["amount"].partition(".")[2]) == places, row
    root = ET.parse(exported / "export" / f"{STEM}.paxml.xml").getroot()
    codes = {item.findtext("lonart") for item in root.iter("lonetrans")}
    assert "0310" in codes and "OB_EVENING" not in codes   # retail's evening supplement


@pytest.mark.parametrize("employee", ["e\x01", "e\ufffe", "e\uffff"])
def test_a_character_xml_cannot_hold_is_refused_not_written(employee: str) -> None:
    """PAXml cannot carry control characters or U+FFFE/U+FFFF (text in Polars is UTF-8, so
    no lone surrogate arrives): such an id is refused before anything is written, never
    dropped or written unreadable."""
    import datetime as dt

    from paycalc.batch.transfer import paxml
    from paycalc.errors import DataError
    from paycalc.tables.inputs import Period

    lines = pl.DataFrame({"employee_id": [employee], "export_code": ["0100"],
                          "date": [dt.date(2025, 1, 2)], "unit": ["hours"],
                          "quantity": [Decimal("1")], "rate": [Decimal("100")],
                          "amount": ["100.00"]})
    with pytest.raises(DataError, match="holds a character that XML cannot hold"):
        paxml(lines, Period(dt.date(2025, 1, 1), dt.date(2025, 1, 31)))
