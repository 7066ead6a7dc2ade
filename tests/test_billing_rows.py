"""The data-directory reader's row rules for `timelogs` and `timer_events`: every bad row
rejected with its reason, every row accounted for."""

from __future__ import annotations

from pathlib import Path

from paycalc.tables.datadir import read_directory


def test_bad_time_log_and_timer_rows_are_rejected(tmp_path: Path) -> None:
    (tmp_path / "employees.csv").write_text("employee_id,employment_start\nc1,2025-01-01\n")
    (tmp_path / "timelogs.csv").write_text(
        "log_id,employee_id,start,end,status,approved_levels\n"
        "L1,c1,2025-03-04T09:00:00,2025-03-04T10:00:00,approved,\n"      # kept
        "L2,c1,2025-03-04T09:00:00,2025-03-04T08:00:00,approved,\n"      # end before start
        "L3,c1,2025-03-04T09:00:00,2025-03-04T10:00:00,done,\n"          # unknown status
        "L4,c1,2025-03-04T09:00:00,2025-03-04T10:00:00,submitted,3\n"    # levels above 2
        "L5,c1,2024-12-04T09:00:00,2024-12-04T10:00:00,approved,\n"      # before employment
        "L6,c9,2025-03-04T09:00:00,2025-03-04T10:00:00,approved,\n"      # unknown employee
        "L7,c1,2025-03-04T09:00:00,,approved,\n"                          # no end
        "L8,c1,2025-03-05T09:00:00,2025-03-05T10:00:00,approved,\n"      # L8 twice
        "L8,c1,2025-03-06T09:00:00,2025-03-06T10:00:00,approved,\n")
    (tmp_path / "timer_events.csv").write_text(
        "employee_id,timer,at,event,status\n"
        "c1,T1,2025-03-04T09:00:00,start,\n"           # kept
        "c1,T1,2025-03-04T10:00:00,halt,\n"            # unknown event
        "c1,T1,2025-03-04T11:00:00,stop,closed\n"      # unknown status
        "c1,,2025-03-04T12:00:00,stop,\n")             # no timer
    intake = read_directory(tmp_path, [])
    found = sorted((r["table"], r["row"], r["column"], r["code"])
                   for r in intake.rejects.to_dicts())
    assert found == [
        ("timelogs", 2, "end", "END_BEFORE_START"),
        ("timelogs", 3, "status", "UNKNOWN_STATUS"),
        ("timelogs", 4, "approved_levels", "ABOVE_MAXIMUM"),
        ("timelogs", 5, "start", "OUTSIDE_EMPLOYMENT"),
        ("timelogs", 6, "employee_id", "UNUSABLE_EMPLOYEE"),
        ("timelogs", 7, "end", "MISSING_VALUE"),
        ("timelogs", 8, "log_id", "DUPLICATE_LOG_ID"),
        ("timelogs", 9, "log_id", "DUPLICATE_LOG_ID"),
        ("timer_events", 2, "event", "UNKNOWN_EVENT"),
        ("timer_events", 3, "status", "UNKNOWN_STATUS"),
        ("timer_events", 4, "timer", "MISSING_VALUE"),
    ]
    counts = {r["table"]: r["read"] for r in intake.counts.to_dicts()}
    assert counts == {"employees": 1, "timelogs": 9, "timer_events": 4}
    assert intake.inputs.timelogs is not None
    assert intake.inputs.timelogs["log_id"].to_list() == ["L1"]
    assert intake.inputs.timer_events is not None and len(intake.inputs.timer_events) == 1
