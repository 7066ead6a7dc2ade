"""The tracker ledger: transactions placed in tracking years, cut by the yearly maximum,
`set` turned into the change it makes, deductions split over years, expiries; then
balances and min / max warnings. See docs/trackers.md, "The ledger".

Quantities are whole ticks (Int64, `rules.precision.TICKS`) inside the ledger: exact, and
cheap to sum; they are shown in the tracker's unit to 6 decimals only on the way out.

Trackers whose years never exchange anything (not periodised, or deducting from the
current year without saved-day limits or expiry) are computed with cumulative sums alone:
a run of `set` with carry over is x -> min(x + v, c + v), and compositions of such maps
stay of that form, so the balance after row k is A_k + min(B_0, min_{j<=k}(c_j + v_j - A_j))
with A the running sum. Trackers whose deductions draw on other years or whose years
expire go through `walk_years`, one small sequential kernel (docs/trackers.md says why).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import polars as pl

from paycalc.engine.drivers import tracking_year
from paycalc.engine.exprs import by_employee_and_day, dated_expr, lookup
from paycalc.rules.compiled import Tracker
from paycalc.rules.precision import TICKS
from paycalc.tables.inputs import MONEY
from paycalc.tables.outputs import QUANTITY, TRANSACTIONS

PHASE = {"set": 0, "link": 1, "salary_type": 2, "correction": 3, "adjustment": 4, "expiry": 5}
WITHIN_DAY = ["phase", "made_by", "agreement_key", "ids_key", "quantity"]
"""Ledger order, by employee, tracker and date, then: a day's sets, link additions, salary
types, corrections of locked days, adjustments, then expiries; a row's cut-off part right
after it; a split deduction by year."""
PLACED = ["employee_id", "tracker", "date", "phase", "pos", "rank", "agreement_key",
          "made_by", "tracking_year", "change", "set_to", "kind", "operator",
          "driver_value", "level", "factor", "source", "input_ids"]
"""Columns of placed rows, before the output columns are made."""
ACCRUALS = ("link", "salary_type", "correction")
"""Kinds of addition that count against a tracker's yearly maximum (not adjustments)."""


def ticks(value: pl.Expr, per_unit: pl.Expr, over: pl.Expr | int = 1) -> pl.Expr:
    """The quantity `value` / `over` of the tracker's unit as whole ticks (`per_unit` ticks
    a unit), the nearest, half to even. Dividing last keeps a quantity that lies halfway
    between two ticks exactly halfway, as the reference evaluator's fractions do."""
    scaled = value.cast(MONEY) * per_unit
    if not (isinstance(over, int) and over == 1):
        scaled = scaled / over
    return scaled.round(0, mode="half_to_even").cast(pl.Int64)


def shown(count: pl.Expr, per_unit: pl.Expr) -> pl.Expr:
    """Whole ticks as a quantity of the tracker's unit, to 6 decimals (half to even)."""
    return (count.cast(MONEY) / per_unit.cast(MONEY)).round(6, mode="half_to_even").cast(
        QUANTITY)


def per_unit(trackers: dict[str, Tracker]) -> pl.Expr:
    """The ticks per unit of each row's `tracker`."""
    return per_tracker(trackers, "tracker", lambda t: pl.lit(TICKS[t.unit]), pl.Int64())


def crosses_years(tracker: Tracker) -> bool:
    """Whether a tracker's years exchange balance (deductions or expiries)."""
    return tracker.periodised and (tracker.deduction_order != "current_year"
                                   or tracker.save_up_to is not None
                                   or tracker.expire_after_years is not None)


def per_tracker(trackers: dict[str, Tracker], column: str, make: Any,
                 dtype: pl.DataType) -> pl.Expr:
    expr: Any = pl.lit(None, dtype)
    for tracker in trackers.values():
        expr = pl.when(pl.col(column) == tracker.code).then(make(tracker)).otherwise(expr)
    return expr.cast(dtype)


def with_tracking_year(frame: pl.DataFrame, trackers: dict[str, Tracker],
                       name: str = "year") -> pl.DataFrame:
    """`frame` with the first day of the tracking year each row's date falls in, worked out
    once per distinct tracker and date."""
    pairs = frame.select("tracker", "date").unique()
    pairs = pairs.with_columns(per_tracker(
        trackers, "tracker", lambda t: tracking_year(pl.col("date"), t), pl.Date()).alias(name))
    return frame.join(pairs, on=["tracker", "date"], how="left")


def ledger(made: pl.DataFrame, trackers: dict[str, Tracker], opening: pl.DataFrame,
           first: dt.date, last: dt.date) -> pl.DataFrame:
    """The ledger rows (TRANSACTIONS columns) of transactions dated `first` to `last`."""
    if not trackers:
        return pl.DataFrame(schema=TRANSACTIONS)
    start = per_tracker(trackers, "tracker", lambda t: pl.lit(t.total_start_date or first),
                         pl.Date())
    cap = per_tracker(trackers, "tracker", lambda t: ticks(
        dated_expr(t.max_accrual_per_year, pl.col("year"), MONEY).fill_null(0),
        pl.lit(TICKS[t.unit])), pl.Int64())
    scale = per_unit(trackers)
    periodised = [t.code for t in trackers.values() if t.periodised]
    rows = with_tracking_year(made.filter(pl.col("date").is_between(first, last)
                                          & (pl.col("date") >= start)), trackers).with_columns(
        pl.when(pl.col("tracker").is_in(periodised)).then(pl.col("year")).alias("tracking_year"),
        lookup(pl.when(pl.col("operator") == "set").then(pl.lit("set"))
               .otherwise(pl.col("kind")), PHASE, pl.Int64()).alias("phase"),
        pl.col("agreement").fill_null("").alias("agreement_key"),
        pl.col("input_ids").list.join("\x00").alias("ids_key"),
        pl.col("ticks").alias("q"),
        ticks(pl.col("carry"), scale).alias("c"), pl.lit(0).alias("rank"), cap.alias("cap"),
    )
    rows = by_employee_and_day(rows, "date", *WITHIN_DAY, between="tracker").with_columns(
        pl.int_range(pl.len()).alias("pos"))
    rows = _cut_at_cap(rows, opening.with_columns(scale.alias("per_unit")))
    simple = [code for code, t in trackers.items() if not crosses_years(t)]
    placed = [_running(rows.filter(pl.col("tracker").is_in(simple)),
                       opening.with_columns(scale.alias("per_unit")))]
    crossing = rows.filter(~pl.col("tracker").is_in(simple))
    if crossing.height or opening.filter(~pl.col("tracker").is_in(simple)).height:
        placed.append(walk_years(crossing, opening.filter(~pl.col("tracker").is_in(simple)),
                                 trackers, first, last))
    cut = rows.filter(pl.col("cut") > 0).with_columns(
        (-pl.col("cut")).alias("change"), pl.lit("max_accrual").alias("kind"),
        pl.lit("max_accrual_per_year").alias("made_by"), pl.lit(1).alias("rank"),
        pl.lit(None, pl.String).alias("source"), pl.lit(None, QUANTITY).alias("driver_value"),
        pl.lit(None, pl.Int64).alias("level"), pl.lit(None, MONEY).alias("factor"),
        pl.lit(None, pl.Int64).alias("set_to"))
    placed.append(cut)
    unit = per_tracker(trackers, "tracker", lambda t: pl.lit(t.unit), pl.String())
    # rows the ledger makes itself (cut-off parts, expiries) are the tracker's own rules
    own = per_tracker(trackers, "tracker", lambda t: pl.lit(str(t.source)), pl.String())
    out = pl.concat([p.select(PLACED) for p in placed], how="vertical_relaxed")
    # rows keep their place; cut-off parts and split years follow it; expiries end the day
    return by_employee_and_day(out, "date", "phase", "pos", "rank", "tracking_year",
                               between="tracker").select(
        "employee_id", "tracker", "date", "tracking_year", shown(pl.col("change"), scale)
        .alias("quantity"), unit.alias("unit"), "operator",
        shown(pl.col("set_to"), scale).alias("set_to"), "kind", "made_by",
        pl.when(pl.col("agreement_key") != "").then(pl.col("agreement_key")).alias("agreement"),
        "driver_value", "level", "factor", pl.coalesce("source", own).alias("source"),
        "input_ids", pl.col("change").alias("ticks")).cast(TRANSACTIONS)


def _cut_at_cap(rows: pl.DataFrame, opening: pl.DataFrame) -> pl.DataFrame:
    """`cut`: the part of each addition over the yearly maximum (0 where none); `opening`
    carries each row's `per_unit`."""
    capped = ((pl.col("operator") == "add") & pl.col("kind").is_in(ACCRUALS)
              & (pl.col("q") > 0) & (pl.col("cap") > 0))
    before = opening.select("employee_id", "tracker", "year",
                            pl.coalesce("accrued_ticks", ticks(pl.col("accrued"),
                                                               pl.col("per_unit")))
                            .alias("accrued0"))
    rows = rows.join(before, on=["employee_id", "tracker", "year"], how="left").with_columns(
        pl.when(capped).then(pl.col("q")).otherwise(0).alias("capped"))
    total = (pl.col("accrued0").fill_null(0) + pl.col("capped").cum_sum()
             .over("employee_id", "tracker", "year"))
    limit = pl.max_horizontal("cap", pl.col("accrued0").fill_null(0))
    taken = pl.min_horizontal(total, limit)
    return rows.with_columns(pl.when(capped).then(
        pl.col("q") - (taken - pl.min_horizontal(total - pl.col("capped"), limit)))
        .otherwise(0).alias("cut")).drop("capped", "accrued0")


def opening_years(opening: pl.DataFrame, trackers: dict[str, Tracker],
                  lock: dt.date) -> pl.DataFrame:
    """The opening balances with `year`: their tracking year, or for a tracker that is not
    periodised the tracking year of the lock date, whose counted additions they carry."""
    dated = with_tracking_year(opening.with_columns(pl.lit(lock).alias("date")), trackers)
    return dated.with_columns(pl.coalesce("tracking_year", "year").alias("year")).drop("date")


def _running(rows: pl.DataFrame, opening: pl.DataFrame) -> pl.DataFrame:
    """Balances of trackers whose years are independent, by cumulative sums (module doc)."""
    group = ["employee_id", "tracker", "tracking_year"]
    is_set = pl.col("operator") == "set"
    pure = is_set & pl.col("c").is_null()
    rows = rows.join(opening.select("employee_id", "tracker", "tracking_year",
                                    pl.coalesce("balance_ticks", ticks(
                                        pl.col("balance"), pl.col("per_unit"))).alias("b0")),
                     on=group, how="left", nulls_equal=True).with_columns(
        pl.col("b0").fill_null(0), pure.cast(pl.Int64).cum_sum().over(group).alias("seg"),
        pl.when(pure).then(0).when(is_set).then(pl.col("q"))
        .otherwise(pl.col("q") - pl.col("cut")).alias("a"))
    segment = [*group, "seg"]
    rows = rows.with_columns(pl.col("a").cum_sum().over(segment).alias("A")).with_columns(
        pl.when(is_set & ~pure).then(pl.col("c") + pl.col("q") - pl.col("A"))
        .cum_min().over(segment).forward_fill().over(segment).alias("m"),
        pl.when(pl.col("seg") == 0).then(pl.col("b0"))
        .otherwise(pl.col("q").first().over(segment)).alias("base"),
    ).with_columns((pl.col("A") + pl.min_horizontal("base", "m")).alias("B"))
    before = pl.col("B").shift(1).over(group).fill_null(pl.col("b0"))
    return rows.with_columns(
        pl.when(is_set).then(pl.col("B") - before).otherwise(pl.col("q")).alias("change"),
        pl.when(is_set).then(pl.col("q")).alias("set_to"))


def walk_years(rows: pl.DataFrame, opening: pl.DataFrame, trackers: dict[str, Tracker],
               first: dt.date, last: dt.date) -> pl.DataFrame:
    """The ledger of trackers whose years exchange balance, one employee-tracker at a time.

    Which year a deduction draws on depends on every balance before it, and an expiry on
    what deductions left; no cumulative form gives both, so this is one sequential pass
    over rows already cut at the yearly maximum and sorted. Only periodised trackers with
    `oldest_first`, `current_then_oldest`, `save_up_to` or `expire_after_years` come here,
    whose rows are few (accruals and leave days).
    """
    columns = ["employee_id", "tracker", "date", "tracking_year", "operator", "q", "c", "cut"]
    state: dict[tuple[str, str], dict[dt.date, int]] = defaultdict(dict)
    for row in opening.iter_rows(named=True):
        state[(row["employee_id"], row["tracker"])][row["tracking_year"]] = (
            row["balance_ticks"] if row["balance_ticks"] is not None
            else round(row["balance"] * TICKS[trackers[row["tracker"]].unit]))
    out: list[tuple[int, dt.date, int, int | None]] = []  # row number, year, change, set_to
    events: list[dict[str, Any]] = []
    groups = rows.select(columns).with_row_index("n").partition_by(
        "employee_id", "tracker", as_dict=True, maintain_order=True)
    for pair in sorted(set(groups) | set(state)):
        tracker = trackers[pair[1]]
        balance = defaultdict(int, state.get(pair, {}))
        day = first
        part = groups.get(pair)
        for r in part.iter_rows(named=True) if part is not None else []:
            events += _year_ends(tracker, balance, pair, day, r["date"] - dt.timedelta(days=1),
                                 first)
            day, year = r["date"], r["tracking_year"]
            if r["operator"] == "set":
                old = balance[year]
                new = r["q"] + (min(old, r["c"]) if r["c"] is not None else 0)
                balance[year] = new
                out.append((r["n"], year, new - old, r["q"]))
            elif r["q"] >= 0:
                balance[year] += r["q"] - r["cut"]
                out.append((r["n"], year, r["q"], None))
            else:
                for drawn, amount in _draws(tracker, balance, year, -r["q"]):
                    balance[drawn] -= amount
                    out.append((r["n"], drawn, -amount, None))
        events += _year_ends(tracker, balance, pair, day, last, first)
    placed = pl.DataFrame(out, schema={"n": pl.UInt32, "tracking_year": pl.Date,
                                       "change": pl.Int64, "set_to": pl.Int64}, orient="row")
    placed = rows.drop("tracking_year").with_row_index("n").join(placed, on="n").drop("n")
    if not events:
        return placed
    expiries = pl.DataFrame(events).with_columns(
        pl.lit(PHASE["expiry"]).alias("phase"), pl.lit(None, pl.Int64).alias("pos"),
        pl.lit("").alias("agreement_key"), pl.lit(0).alias("rank"),
        pl.lit(None, pl.Int64).alias("set_to"),
        pl.lit("expiry").alias("kind"), pl.lit("add").alias("operator"),
        pl.lit(None, QUANTITY).alias("driver_value"), pl.lit(None, pl.Int64).alias("level"),
        pl.lit(None, MONEY).alias("factor"), pl.lit(None, pl.String).alias("source"),
        pl.lit([], pl.List(pl.String)).alias("input_ids"))
    return pl.concat([placed.select(PLACED), expiries.select(PLACED)], how="vertical_relaxed")


def _draws(tracker: Tracker, balance: dict[dt.date, int], year: dt.date,
           need: int) -> list[tuple[dt.date, int]]:
    """How much a deduction of `need` takes from which years, by the deduction order."""
    candidates = [year] if tracker.deduction_order == "current_then_oldest" else []
    if tracker.deduction_order != "current_year":
        candidates += sorted(y for y in balance if y != year)
    parts: dict[dt.date, int] = defaultdict(int)
    for candidate in candidates:
        take = min(need, max(0, balance[candidate]))
        if take > 0:
            parts[candidate] += take
            need -= take
    if need > 0:
        parts[year] += need
    return sorted(parts.items())


def _year_ends(tracker: Tracker, balance: dict[dt.date, int], pair: tuple[str, str],
               first: dt.date, last: dt.date, start: dt.date) -> list[dict[str, Any]]:
    """Saved-days limits and expiries from `first` to `last`, applied to `balance`."""
    due = []
    for year in list(balance):
        if tracker.save_up_to is not None:
            end = tracker.year_start.in_year(year.year + 1) - dt.timedelta(days=1)
            due.append((end, year, "save_up_to",
                        round(tracker.save_up_to * TICKS[tracker.unit])))
        if tracker.expire_after_years is not None:
            end = tracker.year_start.in_year(year.year + tracker.expire_after_years + 1)
            due.append((end - dt.timedelta(days=1), year, "expire_after_years", 0))
    events = []
    for day, year, rule, keep in sorted(due):
        if first <= day <= last and day >= start and balance[year] > keep:
            events.append({"employee_id": pair[0], "tracker": pair[1], "date": day,
                           "made_by": rule, "tracking_year": year,
                           "change": keep - balance[year]})
            balance[year] = keep
    return events
