"""Approval of lines whose salary type requires it, from the `approvals` table.

An approvals row covers an employee's lines from `start_date` to `end_date` of its
`salary_type` (empty: every type that requires approval) and `activity` (empty: any; else
only lines made wholly of punches of that activity), at its `level`. Rows that cover one
line at one level and disagree (approved and not) are all rejected, and no line uses them.
A line is approved when every level the agreement asks for approved it, not approved when
any level refused it, and else waits (not payable). Lines whose approval is already known
(figures carry their own) are left as they are.
"""

from __future__ import annotations

import polars as pl

from paycalc.engine.line_rules import LineRules
from paycalc.reasons import APPROVALS_DISAGREE
from paycalc.rules.compiled import Agreement
from paycalc.tables.messages import Refused, rejected
from paycalc.tables.outputs import REJECTS


def approve(lines: pl.DataFrame, approvals: pl.DataFrame, punches: pl.DataFrame,
            agreement: Agreement, rules: LineRules) -> Refused:
    """`lines` with `approved`, `approved_by`, `approval_level` and `payable` from the
    `approvals` rows, and the approvals rows rejected because they disagree."""
    lines = lines.with_row_index("line_no")
    waiting = lines.filter(pl.col("requires_approval") & pl.col("approved").is_null())
    covering = _covering(waiting, approvals, punches, agreement, rules)
    groups = covering.group_by("line_no", "level").agg(
        pl.col("approved").n_unique().alias("views"), pl.col("row_id").unique().sort()
        .alias("rows"), pl.col("day").first(), pl.col("salary_type").first())
    # each disagreeing row once, naming the first line it disagrees on
    refused = groups.filter(pl.col("views") > 1).with_columns(
        pl.col("rows").alias("row_id"), pl.col("rows").list.join(", ")).explode(
        "row_id").sort("row_id", "day", "salary_type", "level", "rows").group_by(
        "row_id", maintain_order=True).first().select(
        pl.lit("approvals").alias("table"), "row_id", pl.lit("approved").alias("column"),
        *rejected(APPROVALS_DISAGREE, rows=pl.col("rows"), level=pl.col("level"),
                  salary_type=pl.col("salary_type"), day=pl.col("day")))
    # the rows left agree wherever they meet: every row of a disagreement is refused
    decided = covering.join(refused.select("row_id"), on="row_id", how="anti").group_by(
        "line_no", "level").agg(pl.col("approved").first(), pl.col("approved_by")
                                .drop_nulls().unique().sort().str.join(", ").alias("by"))
    per_line = decided.sort("line_no", "level").group_by("line_no").agg(
        (~pl.col("approved")).any().alias("refused"),
        pl.col("approved").sum().cast(pl.Int64).alias("approval_level"),
        pl.col("by").filter(pl.col("by") != "").str.join(", ").alias("approved_by"))
    verdict = (pl.when(pl.col("refused")).then(pl.lit(False))
               .when(pl.col("approval_level") == agreement.approval_levels).then(pl.lit(True)))
    lines = lines.join(per_line, on="line_no", how="left").with_columns(
        pl.coalesce(pl.col("approved"), verdict).alias("approved"),
        pl.when(pl.col("approved_by") != "").then(pl.col("approved_by")).alias("approved_by"),
    ).with_columns(
        pl.coalesce(pl.col("approved"), ~pl.col("requires_approval")).alias("payable"),
    ).drop("line_no", "refused")
    return Refused(lines, refused.cast(REJECTS))


def _covering(waiting: pl.DataFrame, approvals: pl.DataFrame, punches: pl.DataFrame,
              agreement: Agreement, rules: LineRules) -> pl.DataFrame:
    """One row per waiting line and approvals row covering it: the line's `line_no`, day
    and salary type, the row's `level`, `approved`, `approved_by` and `row_id`."""
    inputs = waiting.select("line_no", pl.col("input_ids").alias("input")).explode("input")
    activities = inputs.join(punches.select(pl.col("row_id").alias("input"), "activity"),
                             on="input", how="left").group_by("line_no").agg(
        pl.when(pl.col("activity").is_not_null().all() & (pl.col("activity").n_unique() == 1))
        .then(pl.col("activity").first()).alias("activity"))
    salary_type = pl.lit(rules.table["salary_type"]).gather(pl.col("rule_no"))
    return waiting.select("line_no", "employee_id", "day", salary_type.alias("salary_type")
                          ).join(activities, on="line_no", how="left").join(
        approvals.filter(pl.col("level") <= agreement.approval_levels).select(
            "employee_id", "start_date", "end_date", pl.col("salary_type").alias("of_type"),
            pl.col("activity").alias("of_activity"), "approved", "approved_by", "level",
            "row_id"), on="employee_id").filter(
        pl.col("day").is_between("start_date", "end_date")
        & (pl.col("of_type").is_null() | (pl.col("of_type") == pl.col("salary_type")))
        & (pl.col("of_activity").is_null() | (pl.col("of_activity") == pl.col("activity"))))
