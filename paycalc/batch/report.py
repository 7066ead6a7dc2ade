"""The HTML report of a run: pay summary per employee, tracker balances per tracking year
with a chart of each tracker's balance over the period, warnings and rejects.

The page is rendered by jinja2 from the package's own template with autoescaping (every
value from data or agreements is escaped) and StrictUndefined (a misspelt field fails the
render instead of printing nothing). The chart is inline SVG drawn from numbers worked out
here, so the page needs no script and no network.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import jinja2
import polars as pl

from paycalc.batch.run import Batch
from paycalc.rules.compiled import Agreement
from paycalc.tables.outputs import amount_text
from paycalc.version import __version__

TEMPLATES = Path(__file__).resolve().parent / "templates"
WIDTH, HEIGHT, PAD = 640, 180, 36


@dataclass(frozen=True)
class Chart:
    """One tracker's total balance over employees, day by day, as SVG coordinates."""

    tracker: str
    unit: str
    points: str
    low: Decimal
    high: Decimal
    first_day: str
    last_day: str
    zero_y: float


def render_report(batch: Batch) -> str:
    """The report page of `batch`."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return environment.get_template("report.html.j2").render(
        version=__version__, period=batch.period, accounting=batch.accounting.to_dicts(),
        pay=pay_summary(batch.pay_lines, batch.agreements).to_dicts(),
        totals=currency_totals(batch.pay_lines, batch.agreements).to_dicts(),
        balances=[{**row, "balance": shown_at(row["balance"], row["decimals"])}
                  for row in batch.evaluation.balances.sort(
                      "tracker", "tracking_year", "employee_id", nulls_last=True).to_dicts()],
        charts=charts(batch), warnings=batch.evaluation.warnings.to_dicts(),
        rejects=batch.rejects.to_dicts(), width=WIDTH, height=HEIGHT, pad=PAD)


def shown_at(value: Decimal, decimals: int) -> str:
    """A tracker quantity as text at the tracker's `decimals` (halves away from zero): the
    ledger keeps six decimals, people read the tracker's own."""
    return str(value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def currency_decimals(agreements: list[Agreement]) -> dict[str | None, int]:
    """The decimals amounts of each currency are shown at: the most any of its agreements
    declares (None: agreements that declare no currency)."""
    places: dict[str | None, int] = {}
    for a in agreements:
        places[a.money.currency] = max(places.get(a.money.currency, 0), a.money.decimals)
    return places


def currency_totals(lines: pl.DataFrame, agreements: list[Agreement]) -> pl.DataFrame:
    """Payable lines and their amount per currency (null: agreements that declare none),
    never added up across currencies; the amount as text at the most decimals the
    currency's agreements declare."""
    places = currency_decimals(agreements)
    totals = lines.filter("payable").group_by("currency").agg(
        pl.len().alias("lines"), pl.col("amount").sum().alias("amount")).sort(
        "currency", nulls_last=True)
    return totals.with_columns(pl.Series("amount", [
        f"{amount:,.{places.get(currency, 4)}f}" if amount is not None else ""
        for currency, amount in totals.select("currency", "amount").iter_rows()],
        dtype=pl.String))


def pay_summary(lines: pl.DataFrame, agreements: list[Agreement]) -> pl.DataFrame:
    """Per employee and currency: agreements, worked hours (time-rule lines other than
    supplements, which pay extra for hours already counted), lines, payable amount and
    lines waiting for approval; amounts at the currency's decimals."""
    places = currency_decimals(agreements)
    worked = ((pl.col("unit") == "hours") & pl.col("rule").str.starts_with("time_rules.")
              & ~pl.col("rule").str.starts_with("time_rules.supplements"))
    return lines.group_by("employee_id", "currency").agg(
        pl.col("agreement").unique().sort().str.join(", ").alias("agreements"),
        (pl.col("seconds").filter(worked).sum() / 3600).round(2).alias("hours"),
        pl.len().alias("lines"),
        pl.col("amount").filter("payable").sum().alias("amount"),
        (~pl.col("payable")).sum().alias("unpaid"),
    ).sort("employee_id", "currency", nulls_last=True).with_columns(amount_text(
        pl.col("amount"), pl.col("currency").replace_strict(places, default=4,
                                                             return_dtype=pl.Int64)))


def charts(batch: Batch) -> list[Chart]:
    """A chart per tracker: the sum over employees of the balance at the end of each day
    of the period (the balance at the end, less the transactions after each day)."""
    moves = batch.evaluation.tracker_transactions
    result = []
    for (tracker,), rows in sorted(moves.group_by("tracker"), key=lambda g: str(g[0][0])):
        ending = batch.evaluation.balances.filter(pl.col("tracker") == tracker)
        days = pl.date_range(batch.period.start, batch.period.end, eager=True).alias("date")
        daily = rows.group_by("date").agg(pl.col("quantity").sum())
        series = pl.DataFrame(days).join(daily, on="date", how="left").with_columns(
            pl.col("quantity").fill_null(0)).sort("date")
        total = ending["balance"].sum()
        after = series["quantity"].reverse().cum_sum().reverse().shift(-1, fill_value=0)
        values = [Decimal(total) - Decimal(a) for a in after]
        result.append(_chart(str(tracker), str(rows["unit"][0]), values,
                             str(batch.period.start), str(batch.period.end)))
    return result


def _chart(tracker: str, unit: str, values: list[Decimal], first: str, last: str) -> Chart:
    low, high = min([*values, Decimal(0)]), max([*values, Decimal(0)])
    span = (high - low) or Decimal(1)
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)

    def y(value: Decimal) -> float:
        return round(PAD / 2 + float((high - value) / span) * (HEIGHT - PAD), 1)

    points = " ".join(f"{round(PAD + i * step, 1)},{y(v)}" for i, v in enumerate(values))
    return Chart(tracker, unit, points, low, high, first, last, y(Decimal(0)))
