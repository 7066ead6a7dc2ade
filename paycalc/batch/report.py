"""The run report: a small static site in the run's `report/` folder that a person opens
from disk, with no network.

- `index.html`: the run (period, paycalc version, agreements, counts), rows read, used and
  rejected per input file, payable totals per currency, per currency and salary type and per
  team, a chart per tracker of the balance summed over employees, warnings grouped by code
  and rejected rows grouped by table and reason (counts and the first examples), and the
  top employees by amount and by warnings. Its size does not grow with the number of
  employees: they are listed on the pages it links to.
- `employees/list-N.html`: the employees in natural order (e2 before e10), PAGE_SIZE to a
  page, with team, hours, amounts and warnings, each linked to its page.
- `employees/<id>.html`: one employee: pay by salary type, pay lines by day, planned against
  worked time per day, tracker balances per tracking year with a chart per tracker, and
  the employee's warnings.
- `assets/`: the style sheet, vega and vega-lite (`charts`), and the script that draws the
  charts.

The report is made from a run's `Outcome` one bucket of employees at a time, so that no
more than a few buckets' rows are held: a first pass adds up what the index and the list
pages show (`Sums`: sums of buckets add up, since no employee is in two), a second makes
the employee pages, in threads. Pages are rendered by jinja2 from the package's templates
with autoescaping and StrictUndefined. The rows of the employee and list pages are made
for a bucket's employees at once by Polars expressions that escape every value (`_cell`)
and reach the templates as markup. Amounts are shown at their currency's decimals, tracker
figures at their tracker's, time in hours with 2 decimals.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
import polars as pl
from markupsafe import Markup

from paycalc.batch.charts import (
    added,
    balance_points,
    balance_sums,
    chart_spec,
    chart_values,
    tracker_looks,
    with_values,
)
from paycalc.batch.run import BIG, Outcome
from paycalc.batch.time_reports import in_units
from paycalc.batch.tracker_report import as_text, tracker_balances
from paycalc.engine import each_bucket
from paycalc.rules.compiled import Agreement
from paycalc.tables.inputs import LOG_STATUSES, MONEY
from paycalc.tables.outputs import amount_text
from paycalc.version import __version__

TEMPLATES = Path(__file__).resolve().parent / "templates"
ASSETS = Path(__file__).resolve().parent / "assets"
SCRIPTS = ("vega.min.js", "vega-lite.min.js", "charts.js")
"""The scripts every page loads, in order, from `assets/`."""
PAGE_SIZE = 500
"""Employees on one list page."""
EXAMPLES = 3
"""Examples shown of each warning code and reject reason on the index."""
TOP = 10
"""Employees in each top list of the index."""
WORKED = ((pl.col("unit") == "hours") & pl.col("rule").str.starts_with("time_rules.")
          & ~pl.col("rule").str.starts_with("time_rules.supplements"))
"""Pay lines of worked hours: time-rule lines other than supplements, which pay extra for
hours already counted."""


def templates() -> jinja2.Environment:
    """The shipped templates, autoescaped, failing on an undefined value."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render_site(run: Outcome, sums: Sums | None = None) -> Iterator[tuple[str, bytes]]:
    """The report of `run`: its files, path under `report/` and content, made bucket by
    bucket. The buckets are read twice: once for what the index and the list pages add up
    (`sums`, made here unless the caller made them), once for the employee pages."""
    environment = templates()
    warnings = run.small["warnings"]
    sums = sums or Sums.of(run)
    people = sums.people
    for name in (*SCRIPTS, "report.css", "LICENSE-vega.txt"):
        yield f"assets/{name}", (ASSETS / name).read_bytes()
    common = {"version": __version__, "period": run.period, "scripts": SCRIPTS}
    lists = max(1, -(-len(people) // PAGE_SIZE))
    index = environment.get_template("index.html.j2").render(
        **common, root="", **index_parts(run, sums), pages=lists, employees=len(people))
    yield "index.html", index.encode()
    for number, rows in enumerate(list_rows(run, sums), start=1):
        page = environment.get_template("employees.html.j2").render(
            **common, root="../", page=number, pages=lists, rows=Markup(rows))
        yield f"employees/list-{number}.html", page.encode()
    # the buckets' pages are made in threads, a few buckets ahead of the writer
    pages = _Pages(run, people, warnings, common,
                   environment.get_template("employee.html.j2"))
    shown: list[pl.Series] = []
    for ids, files in each_bucket(_bucket_pages, pages, run.buckets):
        shown.append(ids)
        yield from files
    # employees with warnings and nothing else
    rest = people.filter(~pl.col("employee_id").is_in(pl.concat(shown).implode()))
    yield from _employee_pages(pages, {}, rest)


@dataclass(frozen=True)
class _Pages:
    """What the employee pages of every bucket share."""

    run: Outcome
    people: pl.DataFrame
    warnings: pl.DataFrame
    common: dict[str, object]
    template: jinja2.Template


def _bucket_pages(pages: _Pages, bucket: dict[str, pl.LazyFrame]
                  ) -> tuple[pl.Series, list[tuple[str, bytes]]]:
    """The employees of one bucket and their pages."""
    tables = dict(zip(BIG, pl.collect_all([bucket[name] for name in BIG]), strict=True))
    ids = _ids(tables)
    mine = pages.people.filter(pl.col("employee_id").is_in(ids.implode()))
    return ids, _employee_pages(pages, tables, mine)


def _employee_pages(pages: _Pages, tables: dict[str, pl.DataFrame], people: pl.DataFrame
                    ) -> list[tuple[str, bytes]]:
    """The pages of `people` from the BIG `tables` that hold all their rows."""
    warned = pages.warnings.filter(pl.col("employee_id").is_in(
        people["employee_id"].implode()))
    return [(f"employees/{person['file']}", pages.template.render(
                **pages.common, root="../", person=person, **parts).encode())
            for person, parts in employee_parts(pages.run, tables, people, warned)]


def _ids(tables: dict[str, pl.DataFrame]) -> pl.Series:
    """The employees a bucket's tables have rows of."""
    return pl.concat([tables[name]["employee_id"] for name in
                      ("pay_lines", "time_sheet", "balances")]).unique()


def natural_key(text: str) -> tuple[object, ...]:
    """A sort key that orders the numbers inside ids by value: e2 before e10."""
    parts = re.split(r"(\d+)", text)
    return (*[int(p) if i % 2 else p.casefold() for i, p in enumerate(parts)], text)


def page_name(employee_id: str) -> str:
    """The file name of an employee's page: the id itself when it is short lowercase
    letters, digits, `-` and `_` (no two such names differ only in case), else the id's
    safe characters and a hash of the whole id."""
    if re.fullmatch(r"[a-z0-9_-]{1,64}", employee_id):
        return f"{employee_id}.html"
    safe = re.sub(r"[^A-Za-z0-9_-]", "_", employee_id)[:40]
    return f"{safe}~{hashlib.sha256(employee_id.encode()).hexdigest()[:10]}.html"


@dataclass(frozen=True)
class Sums:
    """What the index and the list pages add up over a run's buckets: the employees
    (`people`: in natural order, with order, file, list page, team, agreements and
    warnings), the pay-line counts, the payable lines and amount per currency (`totals`),
    per currency and salary type (`by_type`), per team and currency (`by_team`), per
    employee and currency (`amounts`), each employee's row on the list pages (`listed`)
    and the balances summed over employees (`charts.balance_sums`). Sums of buckets add up,
    since no employee is in two."""

    people: pl.DataFrame
    lines: int
    payable: int
    totals: pl.DataFrame
    by_type: pl.DataFrame
    by_team: pl.DataFrame
    amounts: pl.DataFrame
    listed: pl.DataFrame
    balances: tuple[pl.DataFrame, pl.DataFrame]

    @staticmethod
    def of(run: Outcome) -> Sums:
        """The sums of `run`, reading one bucket at a time."""
        places = currency_places(run.agreements)
        parts = [_bucket_sums(dict(zip(BIG, pl.collect_all([bucket[name] for name in BIG]),
                                       strict=True)), places) for bucket in run.buckets]

        def summed(name: str, keys: list[str], *values: str) -> pl.DataFrame:
            return pl.concat([getattr(p, name) for p in parts]).group_by(keys).agg(
                pl.col(values).sum())

        warnings = run.small["warnings"]
        people = _people(pl.concat([p.people for p in parts]), warnings)
        return Sums(people, sum(p.lines for p in parts), sum(p.payable for p in parts),
                    summed("totals", ["currency"], "lines", "amount"),
                    summed("by_type", ["currency", "salary_type", "unit"], "lines",
                           "quantity", "amount"),
                    summed("by_team", ["team", "currency"], "employees", "seconds", "amount"),
                    pl.concat([p.amounts for p in parts]),
                    pl.concat([p.listed for p in parts]),
                    added([p.balances for p in parts], []))


def _bucket_sums(tables: dict[str, pl.DataFrame], places: pl.Expr) -> Sums:
    """The `Sums` of one bucket's tables, its `people` not yet ordered (employee_id, team,
    agreements)."""
    lines, sheet = tables["pay_lines"], tables["time_sheet"]
    teams = sheet.filter(pl.col("team").is_not_null()).sort("date").group_by(
        "employee_id").agg(pl.col("team").last())
    agreements = lines.group_by("employee_id").agg(
        pl.col("agreement").unique().sort().str.join(", ").alias("agreements"))
    people = _ids(tables).to_frame().join(teams, on="employee_id", how="left").join(
        agreements, on="employee_id", how="left")
    payable = lines.filter("payable")
    day_team = sheet.select("employee_id", "date", "team").unique()
    teamed = lines.join(day_team, on=["employee_id", "date"], how="left").join(
        teams.select("employee_id", pl.col("team").alias("usual")), on="employee_id",
        how="left").with_columns(pl.coalesce("team", "usual").fill_null("(no team)"))
    paid = lines.group_by("employee_id", "currency").agg(
        pl.col("amount").filter("payable").sum(),
        pl.col("seconds").filter(WORKED).sum()).with_columns(
        pl.concat_str(amount_text(pl.col("amount"), places), pl.lit(" "),
                      pl.col("currency").fill_null("")).str.strip_chars_end().alias("paid"))
    return Sums(
        people, len(lines), len(payable),
        payable_totals(payable),
        payable.group_by("currency", "salary_type", "unit").agg(
            pl.len().alias("lines"), pl.col("quantity").sum(), pl.col("amount").sum()),
        teamed.group_by("team", "currency").agg(
            pl.col("employee_id").n_unique().alias("employees"),
            pl.col("seconds").filter(WORKED).sum().alias("seconds"),
            pl.col("amount").filter("payable").sum()),
        payable.group_by("employee_id", "currency").agg(pl.col("amount").sum()),
        paid.sort("currency", nulls_last=True).group_by("employee_id").agg(
            pl.col("paid").str.join("; "), pl.col("seconds").sum()),
        balance_sums(tables["tracker_transactions"], tables["balances"], []))


def _people(found: pl.DataFrame, warnings: pl.DataFrame) -> pl.DataFrame:
    """Every employee the run has anything of (`found` in its buckets, or a warning), in
    natural order: employee_id, order, file, list (its list page), team (the team of their
    last day in the time sheet), agreements (of their pay lines, joined) and warnings (how
    many)."""
    ids = pl.concat([found["employee_id"], warnings["employee_id"].drop_nulls()]).unique()
    ordered = sorted(ids.to_list(), key=natural_key)
    people = pl.DataFrame({
        "employee_id": pl.Series(ordered, dtype=pl.String),
        "order": pl.Series(range(len(ordered)), dtype=pl.Int64),
        "file": pl.Series([page_name(i) for i in ordered], dtype=pl.String)})
    warned = warnings.drop_nulls("employee_id").group_by("employee_id").len("warnings")
    return people.join(found, on="employee_id", how="left", maintain_order="left").join(
        warned, on="employee_id", how="left", maintain_order="left").with_columns(
        (pl.col("order") // PAGE_SIZE + 1).alias("list"), pl.col("warnings").fill_null(0))


def currency_places(agreements: list[Agreement], *, invoices: bool = False) -> pl.Expr:
    """The decimals amounts of each line's `currency` are shown at: the most any of its
    agreements declares ('' stands for agreements that declare no currency), for pay or
    with `invoices` for invoice lines."""
    places: dict[str, int] = {}
    for a in agreements:
        money = a.billing.money if invoices else a.money
        key = money.currency or ""
        places[key] = max(places.get(key, 0), money.decimals)
    return pl.col("currency").fill_null("").replace_strict(places, default=4,
                                                           return_dtype=pl.Int64)


def payable_totals(lines: pl.DataFrame) -> pl.DataFrame:
    """Payable lines and their amount per currency (null: agreements that declare none);
    totals of several sets of lines add up."""
    return lines.filter("payable").group_by("currency").agg(
        pl.len().alias("lines"), pl.col("amount").sum())


def currency_totals(totals: pl.DataFrame, agreements: list[Agreement]) -> pl.DataFrame:
    """`payable_totals` in currency order, never added up across currencies; the amount as
    text at the currency's decimals."""
    return totals.sort("currency", nulls_last=True).with_columns(
        amount_text(pl.col("amount"), currency_places(agreements)).alias("amount"))


def _text(value: pl.Expr) -> pl.Expr:
    """`value` as HTML-escaped text (empty when null)."""
    text = value.cast(pl.String).fill_null("")
    for raw, escaped in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"),
                         ("'", "&#39;")):
        text = text.str.replace_all(raw, escaped, literal=True)
    return text


def _cell(value: pl.Expr, *, number: bool = False) -> pl.Expr:
    return pl.concat_str(pl.lit('<td class="n">' if number else "<td>"), _text(value),
                         pl.lit("</td>"))


def _link(href: pl.Expr, text: pl.Expr) -> pl.Expr:
    return pl.concat_str(pl.lit('<td><a href="'), _text(href), pl.lit('">'), _text(text),
                         pl.lit("</a></td>"))


def _row(*cells: pl.Expr) -> pl.Expr:
    return pl.concat_str(pl.lit("<tr>"), *cells, pl.lit("</tr>\n"))


def hours(seconds: pl.Expr) -> pl.Expr:
    """Seconds as hours with 2 decimals (halves away from zero), as the time reports show
    them."""
    return in_units(seconds, pl.lit(3600, MONEY))


def grouped(amount: str) -> str:
    """An amount shown with thousands separators: 1234567.50 as 1,234,567.50 (the index's
    few totals; the long tables of employee pages keep plain figures)."""
    return f"{Decimal(amount):,}"


def quantity(value: pl.Expr) -> pl.Expr:
    """A pay-line quantity without trailing zeros."""
    return value.cast(pl.String).str.strip_chars_end("0").str.strip_chars_end(".")


def index_parts(run: Outcome, sums: Sums) -> dict[str, object]:
    """What the index shows, as template values."""
    warnings, people = run.small["warnings"], sums.people
    places = currency_places(run.agreements)
    top_paid = sums.amounts.join(people, on="employee_id").sort(
        "amount", "order", descending=[True, False]).group_by(
        "currency", maintain_order=True).head(TOP)
    counted = people.filter(pl.col("warnings") > 0).sort(
        "warnings", "order", descending=[True, False]).head(TOP)
    linked = warnings.join(people.select("employee_id", "file"), on="employee_id", how="left")
    by_code = linked.group_by("code").agg(
        pl.len().alias("count"), pl.col("employee_id").n_unique().alias("employees"),
        pl.struct("employee_id", "file", "date", "message").head(EXAMPLES).alias("examples"))
    rejects = run.small["rejects"].group_by("table", "code").agg(
        pl.len().alias("count"),
        pl.struct("row_id", "column", "reason").head(EXAMPLES).alias("examples"))
    looks = tracker_looks(run.agreements)
    points = balance_points(sums.balances, [], run.period.start, run.period.end)
    charts = [{"tracker": tracker, "spec": Markup(with_values(chart_spec(
                  looks[tracker], f"{tracker}: balance of all employees", limits=False),
                  values))}
              for tracker, values in chart_values(points, []).iter_rows() if tracker in looks]

    def money(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.with_columns(amount_text(pl.col("amount"), places).alias("amount")
                                  .map_elements(grouped, return_dtype=pl.String))

    return {
        "agreements": [{"id": a.id, "name": a.name, "currency": a.money.currency or ""}
                       for a in run.agreements],
        "counts": {"pay lines": sums.lines, "payable lines": sums.payable,
                   "warnings": len(warnings), "rejected rows": len(run.small["rejects"])},
        "accounting": run.accounting.to_dicts(),
        "totals": currency_totals(sums.totals, run.agreements).with_columns(
            pl.col("amount").map_elements(grouped, return_dtype=pl.String)).to_dicts(),
        "by_type": money(sums.by_type.sort("currency", "salary_type", nulls_last=True)
                         ).with_columns(quantity(pl.col("quantity")).alias("quantity")
                                        ).to_dicts(),
        "by_team": money(sums.by_team.sort("team", "currency", nulls_last=True)).with_columns(
            hours(pl.col("seconds")).alias("hours")).to_dicts(),
        "top_paid": money(top_paid).to_dicts(), "top_warned": counted.to_dicts(),
        "warning_codes": by_code.sort("count", "code", descending=[True, False]).to_dicts(),
        "reject_reasons": rejects.sort("table", "count", "code",
                                       descending=[False, True, False]).to_dicts(),
        "charts": charts,
        **billing_parts(run),
    }


def billing_parts(run: Outcome) -> dict[str, object]:
    """The index's billing section: invoiced amount and hours per currency, the customers
    with the most billed (TOP per currency, with the count of all), and timesheet hours
    per status."""
    lines = run.small["invoice_lines"]
    places = currency_places(run.agreements, invoices=True)
    billed = pl.col("billed_seconds").filter("billable").sum()
    unbilled = pl.col("seconds").filter(~pl.col("billable")).sum()
    amount = pl.col("amount").filter("billable").sum()

    def shown(frame: pl.DataFrame) -> list[dict[str, object]]:
        return frame.with_columns(
            amount_text(pl.col("amount"), places).map_elements(grouped, return_dtype=pl.String),
            hours(pl.col("billed")).alias("billed"),
            hours(pl.col("unbilled")).alias("unbilled")).to_dicts()

    by_currency = lines.filter("billable").group_by("currency").agg(
        billed.alias("billed"), amount, pl.col("customer").n_unique().alias("customers"))
    customers = lines.with_columns(pl.col("currency").fill_null(
        pl.col("currency").drop_nulls().first().over("customer"))).group_by(
        "customer", "currency").agg(billed.alias("billed"), unbilled.alias("unbilled"),
                                    amount.fill_null(0))
    top = customers.sort("amount", "customer", descending=[True, False], nulls_last=True
                         ).group_by("currency", maintain_order=True).head(TOP)
    sheets = run.small["timesheets"]
    statuses = {status: sheets[status].sum() for status in (*LOG_STATUSES, "billable")}
    return {"invoice_totals": shown(by_currency.sort("currency", nulls_last=True).with_columns(
                pl.lit(0).alias("unbilled"))),
            "top_customers": shown(top),
            "customers": customers["customer"].n_unique(),
            "timesheet_hours": {status: pl.select(hours(pl.lit(seconds))).item()
                                for status, seconds in statuses.items()},
            "time_logs": len(run.small["time_logs"])}


def list_rows(run: Outcome, sums: Sums) -> list[str]:
    """The rows of each list page, in page order."""
    rows = sums.people.join(sums.listed, on="employee_id", how="left").sort("order").select(
        "list", _row(_link(pl.col("file"), pl.col("employee_id")), _cell(pl.col("team")),
                     _cell(pl.col("agreements")),
                     _cell(hours(pl.col("seconds").fill_null(0)), number=True),
                     _cell(pl.col("paid"), number=True),
                     _cell(pl.col("warnings"), number=True)).alias("row"))
    grouped = rows.group_by("list", maintain_order=True).agg(pl.col("row").str.join(""))
    return grouped["row"].to_list() or [""]


def _per_employee(frame: pl.DataFrame, row: pl.Expr) -> dict[str, str]:
    """`row` made of each row of `frame` (in its order), joined per employee. The rows are
    made by Polars for all employees at once; each employee's slice is joined by Python's
    str.join (a group-by that concatenates strings measured no faster)."""
    made = frame.sort("employee_id", maintain_order=True).select(
        "employee_id", row.alias("row"))
    slices = made.with_row_index("start").group_by("employee_id", maintain_order=True).agg(
        pl.col("start").first(), pl.len())
    rows = made["row"].to_list()
    return {employee: "".join(rows[start:start + length])
            for employee, start, length in slices.iter_rows()}


def employee_parts(run: Outcome, tables: dict[str, pl.DataFrame], people: pl.DataFrame,
                   warned: pl.DataFrame) -> Iterator[
        tuple[dict[str, object], dict[str, object]]]:
    """Each employee (a row of `people`) with what their page shows, as template values,
    from the BIG `tables` of a bucket that holds all of their rows (none: employees with
    only warnings) and their warnings (`warned`)."""
    none = {"planned": "0.00", "worked": "0.00", "paid": "0.00"}
    warnings = _per_employee(warned.drop_nulls("employee_id"), _row(
        _cell(pl.col("date")), _cell(pl.col("code")), _cell(pl.col("message"))))
    shown = _shown(run, tables, warned) if tables else {}
    for person in people.iter_rows(named=True):
        key = person["employee_id"]
        parts = {name: values.get(key, "") for name, values in shown.items()}
        yield person, {
            **{name: Markup(parts.get(name, "")) for name in
               ("by_type", "pay_total", "by_day", "balances")},
            "pay_total_text": parts.get("pay_total_text", ""),
            "time_total": parts.get("time_total") or none, "charts": parts.get("charts") or [],
            "warnings": Markup(warnings.get(key, ""))}


def _shown(run: Outcome, tables: dict[str, pl.DataFrame], warned: pl.DataFrame
           ) -> dict[str, dict[str, Any]]:
    """What the employee pages of a bucket's BIG `tables` and its employees' warnings
    (`warned`) show, by part and employee."""
    places = currency_places(run.agreements)
    lines = tables["pay_lines"]
    by_type = _per_employee(
        lines.group_by("employee_id", "salary_type", "unit", "currency").agg(
            pl.len().alias("lines"), pl.col("quantity").sum(),
            pl.col("amount").filter("payable").sum(), (~pl.col("payable")).sum()
            .alias("waiting"), pl.when(pl.col("rate").drop_nulls().n_unique() == 1)
            .then(pl.col("rate").drop_nulls().first()).alias("rate")).sort(
            "employee_id", "salary_type", "currency", nulls_last=True),
        _row(_cell(pl.col("salary_type")), _cell(pl.col("lines"), number=True),
             _cell(quantity(pl.col("quantity")), number=True), _cell(pl.col("unit")),
             _cell(quantity(pl.col("rate")), number=True),
             _cell(amount_text(pl.col("amount"), places), number=True),
             _cell(pl.col("currency")), _cell(pl.col("waiting"), number=True)))
    totals = lines.filter("payable").group_by("employee_id", "currency").agg(
        pl.len().alias("lines"), pl.col("amount").sum()).sort(
        "employee_id", "currency", nulls_last=True)
    pay_total = _per_employee(totals, pl.concat_str(
        pl.lit('<tr class="total"><td>total</td>'), _cell(pl.col("lines"), number=True),
        pl.lit("<td></td>" * 3), _cell(amount_text(pl.col("amount"), places), number=True),
        _cell(pl.col("currency")), pl.lit("<td></td></tr>\n")))
    pay_total_text = dict(totals.group_by("employee_id", maintain_order=True).agg(
        pl.concat_str(amount_text(pl.col("amount"), places), pl.lit(" "),
                      pl.col("currency").fill_null("")).str.strip_chars_end()
        .str.join("; ")).iter_rows())
    sheet = tables["time_sheet"].group_by("employee_id", "date").agg(
        pl.col("planned", "system", "reported", "salary_time").sum())
    paid_on = lines.with_columns(pl.concat_str(
        pl.col("salary_type"), pl.lit(" "), quantity(pl.col("quantity").round(2)), pl.lit(" "),
        pl.col("unit").replace({"hours": "h", "days": "d"}),
        pl.when("payable").then(pl.lit("")).otherwise(pl.lit(" (awaiting approval)")))
        .alias("line")).group_by("employee_id", "date", "currency").agg(
        "line", pl.col("amount").filter("payable").sum()).with_columns(
        pl.col("line").list.join(", "),
        pl.concat_str(amount_text(pl.col("amount"), places), pl.lit(" "),
                      pl.col("currency").fill_null("")).str.strip_chars_end().alias("amount")
    ).sort("currency", nulls_last=True).group_by("employee_id", "date").agg(
        "line", "amount").with_columns(pl.col("line").list.join("; "),
                                       pl.col("amount").list.join("; "))
    days = sheet.join(paid_on, on=["employee_id", "date"], how="full", coalesce=True).sort(
        "employee_id", "date")
    by_day = _per_employee(days, _row(
        _cell(pl.col("date")),
        *[_cell(pl.when(pl.col(c).is_not_null()).then(hours(pl.col(c))))
          for c in ("planned", "system", "reported", "salary_time")],
        _cell(hours(pl.col("reported") - pl.col("planned"))), _cell(pl.col("line")),
        _cell(pl.col("amount"))))
    time_total = {employee: {"planned": planned, "worked": worked, "paid": paid}
                  for employee, planned, worked, paid in sheet.group_by("employee_id").agg(
                      pl.col("planned", "reported", "salary_time").sum()).select(
                      "employee_id", *[hours(pl.col(c)) for c in ("planned", "reported",
                                                                   "salary_time")]).iter_rows()}
    transactions, balances = tables["tracker_transactions"], tables["balances"]
    typed = tracker_balances(transactions, balances, warned)
    balance_rows = _per_employee(as_text(typed), _row(
        _cell(pl.col("tracker")), _cell(pl.col("tracking_year")), _cell(pl.col("unit")),
        *[_cell(pl.col(c), number=True) for c in ("opening", "accrued", "taken", "corrected",
                                                  "adjusted", "reset", "cut", "expired",
                                                  "balance")],
        _cell(pl.col("limit_warnings"), number=True)))
    looks = tracker_looks(run.agreements)
    specs = {code: chart_spec(look, f"{code}: {look.name} ({look.unit})")
             for code, look in looks.items()}
    charts: dict[str, list[dict[str, object]]] = {}
    points = balance_points(balance_sums(transactions, balances, ["employee_id"]),
                            ["employee_id"], run.period.start, run.period.end)
    for employee, tracker, values in chart_values(points, ["employee_id"]).iter_rows():
        if tracker in specs:
            charts.setdefault(employee, []).append(
                {"tracker": tracker, "spec": Markup(with_values(specs[tracker], values))})
    return {"by_type": by_type, "pay_total": pay_total, "pay_total_text": pay_total_text,
            "by_day": by_day, "time_total": time_total, "balances": balance_rows,
            "charts": charts}
