"""Billable time as Polars over whole tables: timer events into logs, time logs onto the
days they count on with their status and price, then timesheets and invoice lines.

The semantics are `paycalc.reference.billing`'s, written row by row there; docs/billing.md
explains them with examples. One step is sequential by nature, which timers a person may
run once nine are running: it is decided for all employees at once by a running count,
and only for an employee whose count ever passes nine by a small loop over that
employee's timer starts and stops (`_refused_starts`; measured in docs/benchmarks.md).
"""

from __future__ import annotations

from typing import NamedTuple

import polars as pl

from paycalc.engine.context import AgreementDays
from paycalc.engine.exprs import among, employee_day, failed_rows, first_failure, lookup
from paycalc.engine.line_rules import AgreementRules
from paycalc.engine.pieces import unassigned, under_agreement
from paycalc.engine.pricing import round_money
from paycalc.engine.zones import problem_checks
from paycalc.reasons import (
    END_BEFORE_START,
    LOG_APPROVAL_SHORT,
    LOG_NO_RATE,
    LOG_NO_SERVICE,
    MISSING_FIELD,
    NO_MAIN_AGREEMENT,
    TIMER_NOT_STOPPED,
    TIMER_OUT_OF_ORDER,
    TIMER_RESTARTED,
    TIMER_SAME_INSTANT,
    TOO_MANY_TIMERS,
    UNKNOWN_EVENT,
    UNKNOWN_SERVICE,
    UNKNOWN_STATUS,
)
from paycalc.rules.compiled import ALWAYS, Agreement, Billing
from paycalc.tables.inputs import LOG_STATUSES, MONEY, TIMER_EVENTS, Period, schema
from paycalc.tables.messages import because, rejected
from paycalc.tables.outputs import (
    AMOUNT,
    INVOICE_LINES,
    LINE,
    REJECTS,
    TIME_LOGS,
    TIMESHEETS,
    frame_of,
)

MAX_TIMERS = 9
"""Timers one person may run at once (a paused timer still holds its place)."""
RATE_LEVELS = ("case", "customer", "service")
"""Where a rate may be written, the most specific first."""
_TEXT = "%Y-%m-%d %H:%M:%S"
_LOG = ["employee_id", "employee_no", "log_id", "table", "input_ids", "start_at", "end_at",
        "customer", "case", "service", "billable", "status", "approved_levels", "note"]


LOGGED = schema(**TIME_LOGS, employee_no=pl.Int64, first_part=pl.Boolean)
"""An agreement's time logs as the engine keeps them: TIME_LOGS, the employee's number and
`first_part`, true on the first day a log counts on."""


class AgreementLogs(NamedTuple):
    """One agreement's time logs of the period (LOGGED columns) and the input rows it
    rejected."""

    logs: pl.DataFrame
    rejects: pl.DataFrame


def agreement_logs(days: AgreementDays, timelogs: pl.DataFrame, events: pl.DataFrame,
                   mains: pl.DataFrame, assignments: pl.DataFrame) -> AgreementLogs:
    """The time logs under `days.agreement` (the employee's main agreement on the day a log
    starts) that count on a day of the period, from `timelogs` and from the timers of
    `events`; and the rows of either that cannot be used."""
    agreement = days.agreement
    if timelogs.is_empty() and events.is_empty():
        return AgreementLogs(pl.DataFrame(schema=LOGGED), pl.DataFrame(schema=REJECTS))
    made, made_intervals, timer_rejects = _timer_logs(events, days, mains, assignments)
    given, given_intervals, log_rejects = _given_logs(timelogs, days, mains, assignments)
    logs = pl.concat([given.select(*_LOG, "start_day"), made.select(*_LOG, "start_day")])
    intervals = pl.concat([given_intervals, made_intervals])
    logs, short = _with_status(logs, agreement)
    parts = _parts(logs, intervals, days)
    parts, unpriced = _priced(parts, agreement)
    refused = pl.concat([short, unpriced])
    logs_rejected = refused.join(logs.select("log_id", "table", "input_ids"), on="log_id"
                                 ).explode("input_ids").select(
        "table", pl.col("input_ids").alias("row_id"), "column", "code", "reason")
    parts = parts.join(refused.select("log_id"), on="log_id", how="anti")
    money = agreement.billing.money
    out = parts.select(
        "employee_id", "employee_no", "log_id", pl.lit(agreement.id).alias("agreement"), "day",
        _utc("start_at").alias("start_utc"), _utc("end_at").alias("end_utc"), "seconds",
        "customer", "case", "service", "billable", "status", "approved_levels",
        "billed_seconds", pl.col("rate").cast(MONEY), "rate_from", "per",
        pl.when(pl.col("rate").is_not_null()).then(pl.lit(money.currency, pl.String))
        .alias("currency"), "note", "input_ids", "first_part")
    rejects = frame_of([timer_rejects, log_rejects, logs_rejected], REJECTS)
    return AgreementLogs(out, rejects)


def _utc(column: str) -> pl.Expr:
    return pl.from_epoch(pl.col(column), time_unit="s").cast(pl.Datetime("us"))


def _decided(frame: pl.DataFrame, day: str, days: AgreementDays, mains: pl.DataFrame,
             assignments: pl.DataFrame, table: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The rows of `frame` that count on a day of the period (from `day` to `last_day`)
    and whose employee's main agreement on `day` is this one; and a NO_MAIN_AGREEMENT
    reject of `table` for each of those rows without a main agreement on `day`."""
    frame = frame.filter((pl.col(day) <= days.period.end)
                         & (pl.col("last_day") >= days.period.start))
    nowhere = unassigned(frame, day, assignments).select(
        pl.lit(table).alias("table"), "row_id", pl.lit("employee_id").alias("column"),
        *rejected(NO_MAIN_AGREEMENT, day=pl.col(day)))
    return under_agreement(frame, day, mains, days.agreement.id), nowhere


# -- timers ---------------------------------------------------------------------------------


def _timer_logs(events: pl.DataFrame, days: AgreementDays, mains: pl.DataFrame,
                assignments: pl.DataFrame
                ) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The logs the timers of `events` make (one per run from a start to its stop), their
    running intervals, and the event rows that make none, each with its reason."""
    zone = days.zone
    frame = days.written_days(
        days.read_instants(events.filter(pl.col("at").is_not_null()), "at"), "start_day", "at")
    frame = frame.with_columns(*first_failure([
        *problem_checks("at", zone),
        (~among("event", TIMER_EVENTS, pl.String()), "event",
         because(UNKNOWN_EVENT, event=pl.col("event"), events=", ".join(TIMER_EVENTS))),
        (~among("status", LOG_STATUSES, pl.String()), "status",
         because(UNKNOWN_STATUS, status=pl.col("status"), statuses=", ".join(LOG_STATUSES))),
    ]))
    bad_rows, nowhere_rows = _decided(
        frame.filter(pl.col("reason").is_not_null()).with_columns(
            pl.col("start_day").alias("last_day")),
        "start_day", days, mains, assignments, "timer_events")
    runs = _runs(frame.filter(pl.col("reason").is_null()).drop("column", "code", "reason"))
    runs = _through(runs.with_columns(_crowded_runs(runs)), "run_day", "run_start", "run_end",
                    days)
    # every event of a run shares its fate and is decided on the day the run starts
    decided, nowhere = _decided(runs, "run_day", days, mains, assignments, "timer_events")
    refused = decided.filter(pl.col("reason").is_not_null()).select(
        pl.lit("timer_events").alias("table"), "row_id", pl.lit("event").alias("column"),
        "code", "reason")
    kept = decided.filter(pl.col("reason").is_null())
    intervals = kept.filter(among("event", ("start", "resume"), pl.String())).select(
        pl.col("run_id").alias("log_id"), pl.col("at_at").alias("s"),
        pl.col("at_next").alias("e"))
    rows = kept.group_by("run_no").agg(pl.col("row_id").sort().alias("input_ids"))
    made = kept.filter("head").join(rows, on="run_no").select(
        "employee_id", "employee_no", pl.col("run_id").alias("log_id"),
        pl.lit("timer_events").alias("table"), "input_ids", pl.col("at_at").alias("start_at"),
        pl.col("run_end").alias("end_at"), "customer", "case", "service", "billable",
        "status", "approved_levels", "note", pl.col("run_day").alias("start_day"))
    rejects = pl.concat([failed_rows(bad_rows, "timer_events"), nowhere_rows, refused,
                         nowhere])
    return made, intervals, rejects


def _runs(events: pl.DataFrame) -> pl.DataFrame:
    """The usable events in order per employee and timer, each with its run: `run_no`
    (runs numbered in that order; a run begins at a start, or at a timer's first event),
    `head` on its first event, `run_id` (the row id of its first event), `run_day` (the day
    it starts), `run_start` and `run_end` (its first and last instant), `at_next` (the
    timer's next event), and the run's reject `code` and `reason` (null when it makes a
    log).

    The events are sorted once; a neighbour in the same timer or run is the row before or
    after where the key is the same, and a run's first or last value is filled forward or
    backward from its end rows: no window over many small groups."""
    at_text = pl.col("at").dt.to_string(_TEXT)
    frame = events.with_columns(
        pl.col("event").replace_strict({e: n for n, e in enumerate(TIMER_EVENTS)},
                                       return_dtype=pl.Int64).alias("rank"),
    ).sort("employee_no", "timer", "at_at", "rank", "row_id")
    same_timer = ((pl.col("employee_no") == pl.col("employee_no").shift(1))
                  & (pl.col("timer") == pl.col("timer").shift(1))).fill_null(False)
    frame = frame.with_columns(same_timer.alias("same_timer"), at_text.alias("at_text"))
    frame = frame.with_columns(
        (~pl.col("same_timer") | (pl.col("event") == "start")).cum_sum().alias("run_no"),
        pl.col("same_timer").shift(-1).fill_null(False).alias("timer_goes_on"))
    frame = frame.with_columns(
        (pl.col("run_no") != pl.col("run_no").shift(1)).fill_null(True).alias("head"),
        (pl.col("run_no") != pl.col("run_no").shift(-1)).fill_null(True).alias("tail"))

    def before(column: str) -> pl.Expr:
        return pl.when("same_timer").then(pl.col(column).shift(1))

    def after(column: str) -> pl.Expr:
        return pl.when("timer_goes_on").then(pl.col(column).shift(-1))

    def of_head(value: pl.Expr) -> pl.Expr:
        return pl.when("head").then(value).forward_fill()

    def of_tail(value: pl.Expr) -> pl.Expr:
        return pl.when("tail").then(value).backward_fill()

    frame = frame.with_columns(
        before("at_at").alias("at_before"), after("at_at").alias("at_next"),
        before("event").alias("event_before"), after("event").alias("event_next"),
        pl.when(~pl.col("head")).then(pl.col("event").shift(1)).alias("previous"),
        of_head(pl.col("at_text")).alias("first"), of_head(pl.col("row_id")).alias("run_id"),
        of_head(pl.col("start_day")).alias("run_day"),
        of_head(pl.col("at_at")).alias("run_start"), of_tail(pl.col("at_at")).alias("run_end"),
        of_tail(pl.col("event")).alias("last_event"),
        of_tail(after("at_text")).alias("again"),
        of_tail(pl.col("timer_goes_on")).alias("later"),
    )
    previous = pl.col("previous")
    fits = (pl.when(pl.col("event") == "start").then(pl.lit(True))
            .when(pl.col("event") == "pause").then(previous.is_in(["start", "resume"]))
            .when(pl.col("event") == "resume").then(previous == "pause")
            .otherwise(previous.is_in(["start", "pause", "resume"]))).fill_null(False)
    same = (pl.col("at_at") == pl.col("at_before")) | (pl.col("at_at") == pl.col("at_next"))
    other = pl.when(pl.col("at_at") == pl.col("at_before")).then("event_before").otherwise(
        "event_next")
    _, event_code, event_problem = first_failure([
        (same.fill_null(False), "at", because(
            TIMER_SAME_INSTANT, timer=pl.col("timer"), event=pl.col("event"), other=other,
            at=pl.col("at_text"), first=pl.col("first"))),
        (~fits, "event", because(
            TIMER_OUT_OF_ORDER, timer=pl.col("timer"), event=pl.col("event"),
            at=pl.col("at_text"), previous=previous.fill_null("nothing"),
            first=pl.col("first"))),
    ])
    frame = frame.with_columns(event_code.alias("event_code"), event_problem.alias("event_why"))
    open_code, open_why = _open_run()
    first_problem = frame.filter(pl.col("event_code").is_not_null()).group_by("run_no").agg(
        pl.col("event_code").first(), pl.col("event_why").first())
    frame = frame.drop("event_code", "event_why").join(first_problem, on="run_no", how="left",
                                                       maintain_order="left")
    return frame.with_columns(
        pl.coalesce("event_code", pl.when(pl.col("last_event") != "stop").then(open_code)
                    ).alias("code"),
        pl.coalesce("event_why", pl.when(pl.col("last_event") != "stop").then(open_why)
                    ).alias("reason"),
    ).drop("event_code", "event_why")


def _open_run() -> tuple[pl.Expr, pl.Expr]:
    """The code and reason of a run never stopped: started again, or not at all."""
    again_code, again_why = because(TIMER_RESTARTED, timer=pl.col("timer"),
                                    first=pl.col("first"), again=pl.col("again"))
    never_code, never_why = because(TIMER_NOT_STOPPED, timer=pl.col("timer"),
                                    first=pl.col("first"))
    return (pl.when(pl.col("later")).then(again_code).otherwise(never_code),
            pl.when(pl.col("later")).then(again_why).otherwise(never_why))


def _crowded_runs(runs: pl.DataFrame) -> list[pl.Expr]:
    """`code` and `reason` with TOO_MANY_TIMERS on the events of each run that starts while
    MAX_TIMERS runs of the same employee are open (accepted runs only hold a place; at one
    instant stops come before starts, starts in timer order)."""
    whole = runs.filter(pl.col("head") & pl.col("reason").is_null())
    bounds = pl.concat([
        whole.select("employee_no", pl.col("run_start").alias("t"), pl.lit(1).alias("step"),
                     "timer", "run_no"),
        whole.select("employee_no", pl.col("run_end").alias("t"), pl.lit(-1).alias("step"),
                     "timer", "run_no"),
    ]).sort("employee_no", "t", "step", "timer", "run_no")
    crowded = bounds.with_columns(pl.col("step").cum_sum().over("employee_no").alias("open")
                                  ).filter(pl.col("open") > MAX_TIMERS).select(
        "employee_no").unique()
    refused = _refused_starts(bounds.join(crowded, on="employee_no", how="semi",
                                          maintain_order="left"))
    hit = pl.col("run_no").is_in(pl.lit(pl.Series(refused, dtype=pl.Int64)).implode())
    code, why = because(TOO_MANY_TIMERS, timer=pl.col("timer"), first=pl.col("first"),
                        limit=MAX_TIMERS)
    return [pl.when(hit).then(code).otherwise(pl.col("code")).alias("code"),
            pl.when(hit).then(why).otherwise(pl.col("reason")).alias("reason")]


def _refused_starts(bounds: pl.DataFrame) -> list[int]:
    """The runs (`run_no`) refused for starting while MAX_TIMERS accepted runs are open,
    given the starts (+1) and stops (-1) of crowded employees in order: whether a run
    holds a place depends on the runs refused before it, so this one step walks the rows.
    It sees only employees whose open runs ever pass MAX_TIMERS."""
    refused: list[int] = []
    open_runs: dict[int, set[int]] = {}
    for employee, _, step, _, run in bounds.iter_rows():
        held = open_runs.setdefault(employee, set())
        if step < 0:
            held.discard(run)
        elif len(held) >= MAX_TIMERS:
            refused.append(run)
        else:
            held.add(run)
    return refused


# -- time logs ------------------------------------------------------------------------------


def _given_logs(timelogs: pl.DataFrame, days: AgreementDays, mains: pl.DataFrame,
                assignments: pl.DataFrame
                ) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The logs of the `timelogs` table, their intervals, and the rows that cannot be
    used."""
    zone = days.zone
    frame = days.written_days(days.read_instants(
        timelogs.filter(pl.col("start").is_not_null()), "start", "end"), "start_day")
    frame = frame.with_columns(*first_failure([
        *problem_checks("start", zone),
        (pl.col("end").is_null(), "end", because(MISSING_FIELD, column="end")),
        *problem_checks("end", zone),
        (pl.col("end_at") < pl.col("start_at"), "end", because(END_BEFORE_START)),
        (~among("status", LOG_STATUSES, pl.String()), "status",
         because(UNKNOWN_STATUS, status=pl.col("status"), statuses=", ".join(LOG_STATUSES))),
    ]))
    frame = _through(frame, "start_day", "start_at", "end_at", days)
    frame, nowhere = _decided(frame, "start_day", days, mains, assignments, "timelogs")
    rejects = pl.concat([failed_rows(frame, "timelogs"), nowhere])
    frame = frame.filter(pl.col("reason").is_null()).with_columns(
        pl.col("row_id").alias("log_id"), pl.lit("timelogs").alias("table"),
        pl.concat_list("row_id").alias("input_ids"))
    intervals = frame.select("log_id", pl.col("start_at").alias("s"), pl.col("end_at").alias("e"))
    return frame, intervals, rejects


def _through(frame: pl.DataFrame, day: str, start: str, end: str, days: AgreementDays
             ) -> pl.DataFrame:
    """`frame` with `last_day`, the last day a row counts on: `day` (the day it starts), or
    with `split_at_midnight` the local day of its last second, from instant `start` to
    instant `end`."""
    if not days.agreement.billing.split_at_midnight:
        return frame.with_columns(pl.col(day).alias("last_day"))
    last = pl.max_horizontal(pl.col(end) - 1, pl.col(start))
    frame = days.local_days(frame, {"last_day": last})
    return frame.with_columns(pl.max_horizontal(pl.coalesce("last_day", day), day)
                              .alias("last_day"))


def _with_status(logs: pl.DataFrame, agreement: Agreement
                 ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`logs` with their status after approval, and the logs whose status says approved
    while fewer levels approved them than the agreement needs (`log_id`, column, code,
    reason)."""
    levels = agreement.billing.approval_levels
    approved = pl.col("approved_levels")
    short = logs.filter((pl.col("status") == "approved") & (approved < levels)).select(
        "log_id", pl.lit("approved_levels").alias("column"),
        *rejected(LOG_APPROVAL_SHORT, levels=approved, needed=levels, agreement=agreement.id))
    status = pl.when((pl.col("status") == "submitted") & (approved.fill_null(0) >= levels)
                     ).then(pl.lit("approved")).otherwise(pl.col("status"))
    return logs.with_columns(status.alias("status")), short


def _parts(logs: pl.DataFrame, intervals: pl.DataFrame, days: AgreementDays) -> pl.DataFrame:
    """Each log on each day of the period it counts on, with the `seconds` that count
    there and `first_part` on its first day: all on the day it starts, or with
    `split_at_midnight` each day's share of its running intervals (a log with no running
    time counts on its start day)."""
    period = days.period
    totals = intervals.group_by("log_id").agg((pl.col("e") - pl.col("s")).sum().alias("seconds"))
    if not days.agreement.billing.split_at_midnight:
        return logs.join(totals, on="log_id", how="left").with_columns(
            pl.col("seconds").fill_null(0), pl.col("start_day").alias("day"),
            pl.lit(True).alias("first_part")).filter(
            pl.col("day").is_between(period.start, period.end))
    cut = days.local_days(intervals.filter(pl.col("e") > pl.col("s")), {
        "day": pl.col("s"), "last": pl.col("e") - 1})
    cut = cut.with_columns(pl.date_ranges("day", "last").alias("day")).explode("day").join(
        days.calendar.select("day", "day_start", "day_end"), on="day", how="left").select(
        "log_id", "day", (pl.min_horizontal("e", "day_end") - pl.max_horizontal("s", "day_start"))
        .alias("seconds"))
    shares = cut.group_by("log_id", "day").agg(pl.col("seconds").sum())
    empty = logs.join(shares, on="log_id", how="anti").select(
        "log_id", pl.col("start_day").alias("day"), pl.lit(0, pl.Int64).alias("seconds"))
    shares = pl.concat([shares, empty]).with_columns(
        (pl.col("day") == pl.col("day").min().over("log_id")).alias("first_part"))
    return logs.join(shares, on="log_id").filter(
        pl.col("day").is_between(period.start, period.end))


def _rate_table(billing: Billing) -> pl.DataFrame:
    """Every rate of `billing` as rows: level (0 case, 1 customer, 2 service), service,
    customer, case, from and until (null = open) and rate."""
    rows = []
    for level, service, customer, case, rate in [
            *((0 if o.case is not None else 1, o.service, o.customer, o.case, o.rate)
              for o in billing.overrides),
            *((2, s.code, None, None, s.rate) for s in billing.services)]:
        starts = [start for start, _ in rate.entries]
        for n, (start, value) in enumerate(rate.entries):
            until = starts[n + 1] if n + 1 < len(starts) else None
            rows.append((level, service, customer, case,
                         None if start == ALWAYS else start, until, value))
    return pl.DataFrame(rows, schema={"level": pl.Int64, "r_service": pl.String,
                                      "r_customer": pl.String, "r_case": pl.String,
                                      "from": pl.Date, "until": pl.Date, "rate": MONEY},
                        orient="row")


def _priced(parts: pl.DataFrame, agreement: Agreement) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Parts with `billed_seconds`, `rate`, `rate_from` and `per` where the log is billable
    and not voided; and the logs such a part cannot price (log_id, column, code, reason)."""
    billing = agreement.billing
    services = {s.code: s.per for s in billing.services}
    billed = (pl.col("billable") & (pl.col("status") != "voided"))
    parts = parts.with_columns(billed.alias("billed"))
    rates = _rate_table(billing)
    found = parts.filter("billed").select("log_id", "day", "service", "customer", "case").join(
        rates, left_on="service", right_on="r_service").filter(
        ((pl.col("level") == 2)
         | ((pl.col("level") == 1) & (pl.col("r_customer") == pl.col("customer")))
         | ((pl.col("level") == 0) & (pl.col("r_customer") == pl.col("customer"))
            & (pl.col("r_case") == pl.col("case"))))
        & (pl.col("from").is_null() | (pl.col("from") <= pl.col("day")))
        & (pl.col("until").is_null() | (pl.col("day") < pl.col("until")))
    ).sort("level").group_by("log_id", "day").agg(pl.col("rate").first(),
                                                  pl.col("level").first())
    parts = parts.join(found, on=["log_id", "day"], how="left")
    known = among("service", services, pl.String())
    no_service = parts.filter("billed").with_columns(*first_failure([
        (pl.col("service").is_null(), "service", because(LOG_NO_SERVICE)),
        (~known, "service", because(UNKNOWN_SERVICE, service=pl.col("service"),
                                    agreement=agreement.id,
                                    services=", ".join(services) or "no services")),
        (pl.col("rate").is_null(), "service", because(
            LOG_NO_RATE, service=pl.col("service"), day=pl.col("day"),
            customer=pl.col("customer").fill_null("none"), case=pl.col("case").fill_null("none"))),
    ])).filter(pl.col("reason").is_not_null()).sort("log_id", "day").unique(
        "log_id", keep="first", maintain_order=True).select("log_id", "column", "code", "reason")
    step = billing.rounding_step
    seconds = pl.col("seconds")
    if step:
        whole, rest = seconds // step, seconds % step
        up = {"up": rest > 0, "nearest": 2 * rest >= step, "down": pl.lit(False)}[
            billing.rounding_direction]
        rounded = (whole + up.cast(pl.Int64)) * step
    else:
        rounded = seconds
    on = pl.col("billed")
    parts = parts.with_columns(
        pl.when(on).then(rounded).alias("billed_seconds"),
        pl.when(on).then(pl.col("rate")).alias("rate"),
        pl.when(on).then(pl.col("level").replace_strict(dict(enumerate(RATE_LEVELS)),
                                                         return_dtype=pl.String)
                         ).alias("rate_from"),
        pl.when(on).then(pl.col("service").replace_strict(services, default=None,
                                                           return_dtype=pl.String)
                         ).alias("per"))
    return parts, no_service




def log_lines(logs: pl.DataFrame, numbers: AgreementRules) -> pl.DataFrame:
    """Pay lines (LINE columns) of the approved `logs` (LOGGED) of an agreement that its
    `billing.payroll` pays as worked time (`numbers.payroll`, its rules): one a log and
    day, of the salary type its service maps to, else of the default one."""
    if not numbers.payroll or logs.is_empty():
        return pl.DataFrame(schema=LINE)
    by_service = {k: v for k, v in numbers.payroll.items() if k is not None}
    rule = lookup(pl.col("service"), by_service, pl.Int64())
    if None in numbers.payroll:
        rule = pl.when(among("service", by_service, pl.String())).then(rule).otherwise(
            pl.lit(numbers.payroll[None], pl.Int64))
    paid = logs.filter((pl.col("status") == "approved") & (pl.col("seconds") > 0)
                       ).with_columns(rule.alias("rule_no")).filter(
        pl.col("rule_no").is_not_null())
    return paid.select(
        "employee_id", employee_day(pl.col("day")).alias("employee_day"), "day", "rule_no",
        "seconds", "input_ids", pl.lit(None, MONEY).alias("quantity"),
        pl.lit(None, pl.Boolean).alias("approved"),
        pl.col("log_id").rank("dense").cast(pl.Int64).alias("id_rank")).cast(LINE)


# -- timesheets and invoice lines -------------------------------------------------------------


def timesheets(logs: pl.DataFrame, agreements: list[Agreement], period: Period
               ) -> pl.DataFrame:
    """Seconds per employee, agreement and timesheet period in each status, and the
    approved billable seconds, of `logs` (the TIME_LOGS of `period`)."""
    days = pl.date_range(period.start, period.end, eager=True).to_list()
    bounds = pl.DataFrame(
        [(a.id, day, *a.billing.period_of(day)) for a in agreements for day in days],
        schema={"agreement": pl.String, "day": pl.Date, "period_start": pl.Date,
                "period_end": pl.Date}, orient="row")
    status = pl.col("status")
    sheets = logs.join(bounds, on=["agreement", "day"]).group_by(
        "employee_id", "agreement", "period_start", "period_end").agg(
        *(pl.col("seconds").filter(status == s).sum().alias(s) for s in LOG_STATUSES),
        pl.col("seconds").filter((status == "approved") & pl.col("billable")).sum()
        .alias("billable"))
    return frame_of([sheets], TIMESHEETS).sort("employee_id", "period_start", "agreement")


def invoice_lines(logs: pl.DataFrame, agreements: list[Agreement]) -> pl.DataFrame:
    """The approved time of `logs` (TIME_LOGS with `first_part`) per customer, case,
    service and rate: billable lines priced and rounded once by their agreement's invoice
    money rule, non-billable time beside them without a rate."""
    keys = ["customer", "case", "service", "billable", "agreement", "currency", "per", "rate"]
    lines = logs.filter(pl.col("status") == "approved").group_by(keys).agg(
        pl.col("log_id").n_unique().alias("logs"), pl.col("seconds").sum(),
        pl.col("billed_seconds").sum(), pl.col("first_part").sum().alias("first_parts"),
        pl.col("day").min().alias("first_day"), pl.col("day").max().alias("last_day"),
        pl.col("log_id").unique().sort().alias("log_ids"))
    per_hour = pl.col("per") == "hour"
    exact = pl.when(per_hour).then(
        pl.col("billed_seconds").cast(MONEY) * pl.col("rate") / pl.lit(3600, MONEY)
    ).otherwise(pl.col("first_parts").cast(MONEY) * pl.col("rate"))
    quantity = (pl.when(~pl.col("billable")).then(pl.col("seconds").cast(MONEY)
                                                   / pl.lit(3600, MONEY))
                .when(per_hour).then(pl.col("billed_seconds").cast(MONEY)
                                     / pl.lit(3600, MONEY))
                .otherwise(pl.col("first_parts").cast(MONEY)))
    amount = pl.lit(None, AMOUNT)
    for a in agreements:
        amount = pl.when(pl.col("agreement") == a.id).then(
            round_money(exact, a.billing.money)).otherwise(amount)
    lines = lines.with_columns(
        pl.when(pl.col("billable")).then(amount).alias("amount"),
        quantity.round(6, mode="half_to_even").alias("quantity"),
        pl.when(pl.col("billable")).then(pl.col("billed_seconds")).alias("billed_seconds"))
    return frame_of([lines], INVOICE_LINES).sort(
        "customer", "case", "service", "billable", "agreement", "per", "rate",
        descending=[False, False, False, True, False, False, False], nulls_last=True)
