"""The rules that make pay lines, numbered in the order pay lines sort by.

A pay line names its salary type, unit, the rule that made it, the rule's place in the YAML
(`source`) and its agreement. Those are few (tens per agreement) and known from the compiled
agreements, so inside the engine a line carries only `rule_no`: the rule's row in
`LineRules.table`, whose rows are sorted by salary type, rule and agreement. Sorting lines
by the number sorts them by that text, and the text is gathered once, when a bucket's lines
are complete, instead of being carried through every step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from paycalc.rules.compiled import Agreement, Source
from paycalc.tables.inputs import FIGURE_KINDS

TABLE = {"rule_no": pl.Int64, "agreement": pl.String, "salary_type": pl.String,
         "export_code": pl.String, "unit": pl.String, "currency": pl.String,
         "rule": pl.String, "source": pl.String}
"""Columns of `LineRules.table`."""


@dataclass(frozen=True)
class AgreementRules:
    """The numbers of one agreement's rules, by what the step making a line knows."""

    paid_time_as: dict[str, int]
    """By target salary type: paid time of an activity or punch with its own salary type."""
    overtime: dict[tuple[str, int], int]
    """By (`daily` or `weekly`, step)."""
    ordinary: dict[None, int]
    """The one ordinary-time rule, under None (empty without one)."""
    supplements: dict[str, int]
    """By window code."""
    absences: dict[str, int]
    """By the absence's salary type."""
    figures: dict[str, int]
    """By figure kind (only the kinds the agreement pays)."""
    monthly: dict[None, int]
    """The monthly-salary rule, under None (empty when the agreement pays none)."""
    deductions: dict[tuple[int, int], int]
    """By (deduction, step) of the monthly-salary section."""
    payroll: dict[str | None, int]
    """By service (None for every other service): approved time logs paid as worked time."""


@dataclass(frozen=True)
class LineRules:
    """Every rule of the evaluated agreements that can make a line: `table` (see `TABLE`)
    and each agreement's numbers (`of`, by agreement id)."""

    table: pl.DataFrame
    of: dict[str, AgreementRules]


def line_rules(agreements: list[Agreement]) -> LineRules:
    """The rules of `agreements`, numbered in (salary type, rule, agreement) order."""
    rows: list[tuple[str, str, str, str, str, dict[Any, int], object]] = []
    of = {}
    for a in agreements:
        maps: dict[str, dict[Any, int]] = {name: {} for name in (
            "paid_time_as", "overtime", "ordinary", "supplements", "absences", "figures",
            "monthly", "deductions", "payroll")}

        def add(code: str, rule: str, source: object, kind: str, key: object,
                agreement: Agreement = a, maps: dict[str, dict[Any, int]] = maps) -> None:
            rows.append((code, rule, agreement.id, agreement.salary_type(code).unit,
                         str(source), maps[kind], key))

        rules = a.time_rules
        for st in a.salary_types:
            add(st.code, f"paid time as {st.code}", st.source, "paid_time_as", st.code)
            add(st.code, "absences", st.source, "absences", st.code)
        for period, overtime in (("daily", rules.daily_overtime),
                                 ("weekly", rules.weekly_overtime)):
            for i, step in enumerate(overtime.steps if overtime else ()):
                add(step.salary_type, f"time_rules.overtime.{period}.steps[{i}]",
                    step.source, "overtime", (period, i))
            if overtime and overtime.by_time_rest:
                classes: list[tuple[str, Source]] = [
                    *((w.salary_type, w.source) for w in overtime.by_time),
                    (overtime.by_time_rest.salary_type, overtime.by_time_rest.source)]
                for i, (code, where) in enumerate(classes):
                    add(code, f"time_rules.overtime.{period}.by_time[{i}]", where, "overtime",
                        (period, i))
        if rules.ordinary_salary_type is not None:
            add(rules.ordinary_salary_type, "time_rules.ordinary_salary_type", rules.source,
                "ordinary", None)
        for w in rules.supplements:
            add(w.salary_type, f"time_rules.supplements.{w.code}", w.source, "supplements",
                w.code)
        for kind in FIGURE_KINDS:
            code = getattr(a.figures, kind)
            if code is not None:
                add(code, f"figures.{kind}", a.salary_type(code).source, "figures", kind)
        monthly = a.monthly_salary
        if monthly is not None:
            add(monthly.salary_type, "monthly_salary.salary_type", monthly.source, "monthly",
                None)
            for i, d in enumerate(monthly.deductions):
                for j, deduction_step in enumerate(d.steps):
                    add(d.salary_type, f"monthly_salary.deductions[{i}].steps[{j}]",
                        deduction_step.source, "deductions", (i, j))
        for service, code in a.billing.payroll:
            rule = ("billing.payroll.salary_type" if service is None
                    else f"billing.payroll.by_service.{service}")
            add(code, rule, a.salary_type(code).source, "payroll", service)
        of[a.id] = AgreementRules(**maps)
    rows.sort(key=lambda row: (row[0], row[1], row[2]))
    for no, row in enumerate(rows):
        row[5][row[6]] = no
    by_id = {a.id: a for a in agreements}
    table = pl.DataFrame([(no, agreement, code, by_id[agreement].salary_type(code).export_code,
                           unit, by_id[agreement].money.currency, rule, source)
                          for no, (code, rule, agreement, unit, source, _, _) in enumerate(rows)],
                         schema=TABLE, orient="row")
    return LineRules(table, of)


def named(lines: pl.DataFrame, rules: LineRules) -> pl.DataFrame:
    """`lines` with the text of their `rule_no`: agreement, salary type, export code, unit,
    currency, rule and source."""
    return lines.with_columns(
        pl.lit(rules.table[name]).gather(pl.col("rule_no")).alias(name)
        for name in TABLE if name != "rule_no")
