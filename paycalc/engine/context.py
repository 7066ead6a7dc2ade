"""What evaluating one agreement over one period works with, found once for all buckets of
employees: the days it looks at, its calendar, its time zone's offsets over that calendar,
the segments where its supplement windows win and its salary types' pricing terms on each
day. The stages read instants, local days and wall-clock seconds through it instead of
passing the zone, the calendar and the offsets by hand."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from paycalc.engine.calendar import day_calendar, local_days, split_days, window_instances
from paycalc.engine.line_rules import LineRules
from paycalc.engine.overtime import overtime_rules, week_start
from paycalc.engine.pricing import price_terms
from paycalc.engine.supplements import day_segments
from paycalc.engine.zones import read_instants, with_local_seconds, zone_offsets
from paycalc.rules.compiled import Agreement
from paycalc.tables.inputs import Period


@dataclass(frozen=True)
class AgreementDays:
    """`agreement` evaluated over `period`: `first` is the first day its evaluation looks at
    (the day before the week of the period's start), `calendar` its days with a margin
    (`calendar.day_calendar`), `offsets` its zone's UTC offsets over them
    (`zones.zone_offsets`), `segments` where its supplement windows win
    (`supplements.day_segments`) and `terms` the pricing terms of its rules on each day
    (`pricing.price_terms`)."""

    agreement: Agreement
    period: Period
    first: dt.date
    calendar: pl.DataFrame
    offsets: pl.DataFrame
    segments: pl.DataFrame
    terms: pl.DataFrame
    overtime_segments: dict[str, pl.DataFrame]
    """Per overtime period ("daily", "weekly") paid by when it is worked: where its windows
    win, as `segments` for supplements."""

    @property
    def zone(self) -> str:
        """The agreement's time zone."""
        return self.agreement.time_zone

    def read_instants(self, frame: pl.DataFrame, *columns: str) -> pl.DataFrame:
        """`frame` with `{column}_at` (epoch seconds) and `{column}_problem` for each of the
        datetime `columns` (`zones.read_instants`)."""
        for column in columns:
            frame = read_instants(frame, column, self.zone, self.offsets)
        return frame

    def local_days(self, frame: pl.DataFrame, instants: dict[str, pl.Expr]) -> pl.DataFrame:
        """`frame` with the local date of each instant expression, named by its key."""
        return local_days(frame, instants, self.calendar, self.zone)

    def written_days(self, frame: pl.DataFrame, name: str, column: str = "start"
                     ) -> pl.DataFrame:
        """`frame` (read by `read_instants`) with the local date of `{column}_at` as `name`,
        or where the local time cannot be read, the date written."""
        return self.local_days(frame, {name: pl.col(f"{column}_at")}).with_columns(
            pl.when(pl.col(f"{column}_problem").is_null()).then(pl.col(name))
            .otherwise(pl.col(column).dt.date()).alias(name))

    def with_local_seconds(self, frame: pl.DataFrame, columns: dict[str, str]) -> pl.DataFrame:
        """`frame` with the wall-clock seconds of instant columns, as {new name: column}."""
        return with_local_seconds(frame, columns, self.zone, self.offsets)

    def split_days(self, frame: pl.DataFrame) -> pl.DataFrame:
        """[start, end) rows cut into the agreement's attribution days (`day`)."""
        return split_days(frame, self.agreement, self.calendar)


def agreement_days(agreement: Agreement, period: Period, rules: LineRules) -> AgreementDays:
    """The days of `agreement` that evaluating `period` looks at, and what depends on them."""
    first = pl.select(week_start(pl.lit(period.start), agreement.time_rules.week_starts)
                      ).item() - dt.timedelta(days=1)
    calendar = day_calendar(agreement, first - dt.timedelta(days=2),
                            period.end + dt.timedelta(days=2))
    numbers = rules.of[agreement.id]
    by_time = {}
    for name, rule in overtime_rules(agreement):
        if rule.by_time_rest:  # paid by when it is worked (perhaps all by the rest)
            by_time[name] = day_segments(
                agreement, {w.code: numbers.overtime[(name, i)]
                            for i, w in enumerate(rule.by_time)},
                window_instances(agreement, calendar, rule.by_time), calendar)
    return AgreementDays(
        agreement, period, first, calendar, zone_offsets(calendar, agreement.time_zone),
        day_segments(agreement, numbers.supplements, window_instances(agreement, calendar),
                     calendar),
        price_terms(agreement, rules, calendar), by_time)
