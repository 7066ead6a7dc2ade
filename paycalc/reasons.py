"""Why an input row was rejected and what a warning warns of: every reason and warning with
a stable code and the template of its message, defined once.

Outputs carry the code beside the message (`rejects.code`, `warnings.code`), so a payroll
team can count, filter and look up reasons without parsing text, and the engine and the
reference evaluator are compared on codes as well as words. A template names its values
(`{day}`); `Reason.text` fills them in the reference evaluator and the reader, and the
engine fills them from columns with the same template (`engine.exprs.because`).
docs/batch-runs.md lists every code with what to do about it.

This module imports nothing of paycalc, so every stage may use it.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Reason:
    """One reason a row is rejected (`kind` "reject") or one kind of warning."""

    code: str
    kind: Literal["reject", "warning"]
    template: str
    blocks_transfer: bool = False
    """A warning of a line that cannot be paid as it stands (no amount): a definitive
    transfer refuses a run with one unless told to accept it."""

    def text(self, /, **values: object) -> str:
        """The message with `values` in place of the template's fields."""
        return self.template.format(**values)

    def fields(self) -> list[str]:
        """The template's field names in the order they appear."""
        return [name for _, name, _, _ in string.Formatter().parse(self.template) if name]

    def positional(self) -> str:
        """The template with each field as `{}`: Polars' `format` pattern."""
        return "".join(literal + ("{}" if name else "")
                       for literal, name, _, _ in string.Formatter().parse(self.template))


def _reject(code: str, template: str) -> Reason:
    return Reason(code, "reject", template)


def _warning(code: str, template: str, *, blocks_transfer: bool = False) -> Reason:
    return Reason(code, "warning", template, blocks_transfer)


# -- values that do not convert to their column's type (the data-directory reader) --------
NOT_A_DATE = _reject("NOT_A_DATE", "'{value}' is not a date (YYYY-MM-DD)")
NOT_A_DATETIME = _reject(
    "NOT_A_DATETIME", "'{value}' is not a date and time paycalc reads: YYYY-MM-DD, T or a "
    "space, HH:MM or HH:MM:SS (whole seconds), then an offset (Z, +01:00, +0100 or +01) or "
    "none")
MIXED_OFFSETS = _reject(
    "MIXED_OFFSETS", "'{value}' {form}, but most datetimes of this column {others}: write "
    "every datetime of a column with an offset, or none")
FIELD_COUNT = _reject(
    "FIELD_COUNT", "the row has {found} values and the header {expected}: a value holding a "
    "comma must be quoted")
NOT_A_BOOLEAN = _reject("NOT_A_BOOLEAN", "'{value}' is not true or false")
NOT_A_WHOLE_NUMBER = _reject("NOT_A_WHOLE_NUMBER", "'{value}' is not a whole number")
NOT_A_NUMBER = _reject("NOT_A_NUMBER", "'{value}' is not a number (digits with a dot for "
                                       "decimals)")
INEXACT_FLOAT = _reject(
    "INEXACT_FLOAT", "the float {value} is not exactly {value} (binary floating point cannot "
    "hold it): pass it as text or as a decimal")
TOO_PRECISE = _reject(
    "TOO_PRECISE", "'{value}' has more digits than paycalc keeps exactly (at most {whole} "
    "before the point and {fraction} after)")
NOT_TEXT = _reject("NOT_TEXT", "'{value}' is not text")

# -- row rules of the data-directory reader -----------------------------------------------
EXACT_DUPLICATE = _reject("EXACT_DUPLICATE", "exact duplicate of row {row}")
MISSING_VALUE = _reject("MISSING_VALUE", "missing value")
BROKEN_RULE = _reject("BROKEN_RULE", "breaks the rule {rule}")
DUPLICATE_EMPLOYEE = _reject("DUPLICATE_EMPLOYEE",
                             "employee '{employee_id}' is on more than one row")
EMPLOYMENT_ENDS_BEFORE_START = _reject("EMPLOYMENT_ENDS_BEFORE_START",
                                       "employment ends before it starts")
UNUSABLE_EMPLOYEE = _reject("UNUSABLE_EMPLOYEE",
                            "unknown employee '{employee_id}' (not a usable row of employees)")
UNKNOWN_AGREEMENT = _reject("UNKNOWN_AGREEMENT", "unknown agreement '{agreement}'")
VALID_TO_BEFORE_FROM = _reject("VALID_TO_BEFORE_FROM", "valid_to is before valid_from")
OUTSIDE_EMPLOYMENT = _reject("OUTSIDE_EMPLOYMENT", "outside employment ({start} to {end})")
DUPLICATE_PUNCH_ID = _reject("DUPLICATE_PUNCH_ID", "punch_id '{punch_id}' is on more than one "
                                                   "row")
PUNCH_OVERLAP = _reject("PUNCH_OVERLAP", "overlaps punch {other}")
END_DATE_BEFORE_START_DATE = _reject("END_DATE_BEFORE_START_DATE",
                                     "end_date is before start_date")
UNKNOWN_FIGURE_KIND = _reject("UNKNOWN_FIGURE_KIND",
                              "unknown figure kind '{kind}' (the kinds are {kinds})")
PUNCH_TOO_LONG = _reject("PUNCH_TOO_LONG", "the punch lasts {hours} h, longer than a punch "
                                            "may ({limit} h): a forgotten punch-out?")
APPROVALS_DISAGREE = _reject(
    "APPROVALS_DISAGREE", "approvals rows {rows} disagree at level {level} on the "
    "{salary_type} line of {day}: none of them is used")
DUPLICATE_LOG_ID = _reject("DUPLICATE_LOG_ID", "log_id '{log_id}' is on more than one row")
UNKNOWN_STATUS = _reject("UNKNOWN_STATUS",
                         "unknown status '{status}' (the statuses are {statuses})")
UNKNOWN_EVENT = _reject("UNKNOWN_EVENT", "unknown timer event '{event}' (the events are "
                                         "{events})")
BELOW_MINIMUM = _reject("BELOW_MINIMUM", "{column} is below {limit}")
ABOVE_MAXIMUM = _reject("ABOVE_MAXIMUM", "{column} is above {limit}")

# -- rows the evaluation cannot use (engine and reference evaluator) ------------------------
NO_MAIN_AGREEMENT = _reject("NO_MAIN_AGREEMENT", "no main agreement on {day}")
NO_MAIN_AGREEMENT_SPAN = _reject("NO_MAIN_AGREEMENT_SPAN",
                                 "no main agreement from {first} to {last}")
DST_GAP = _reject("DST_GAP", "local time {time} does not exist in {zone} (clocks moved "
                             "forward)")
DST_AMBIGUOUS = _reject("DST_AMBIGUOUS", "local time {time} is ambiguous in {zone} (clocks "
                                         "moved back); give an offset")
PUNCH_OPEN = _reject("PUNCH_OPEN", "open punch: no end")
END_BEFORE_START = _reject("END_BEFORE_START", "end before start")
UNKNOWN_ACTIVITY = _reject("UNKNOWN_ACTIVITY", "unknown activity '{activity}'")
NOT_AN_HOURS_TYPE = _reject("NOT_AN_HOURS_TYPE", "salary type '{salary_type}' is not an hours "
                                                 "type of the agreement")
UNKNOWN_SALARY_TYPE = _reject("UNKNOWN_SALARY_TYPE", "unknown salary type '{salary_type}'")
UNKNOWN_EMPLOYEE = _reject("UNKNOWN_EMPLOYEE", "unknown employee")
MISSING_FIELD = _reject("MISSING_FIELD", "missing {column}")
UNKNOWN_TRACKER = _reject("UNKNOWN_TRACKER", "unknown tracker '{tracker}'")
TRACKER_NOT_KEPT = _reject("TRACKER_NOT_KEPT", "the employee's tracker rows are left out: "
                                               "their agreements define {trackers} "
                                               "differently (see the warnings)")

# -- time logs and timers (engine and reference evaluator) ----------------------------------
TIMER_OUT_OF_ORDER = _reject(
    "TIMER_OUT_OF_ORDER", "timer {timer}: {event} at {at} cannot follow {previous}: the "
    "timer's events from {first} make no log")
TIMER_SAME_INSTANT = _reject(
    "TIMER_SAME_INSTANT", "timer {timer}: {event} and {other} are both at {at}, so their "
    "order cannot be told: the timer's events from {first} make no log")
TIMER_NOT_STOPPED = _reject(
    "TIMER_NOT_STOPPED", "timer {timer} started at {first} is never stopped: no log is made "
    "(an end is not guessed)")
TIMER_RESTARTED = _reject(
    "TIMER_RESTARTED", "timer {timer} started at {first} is started again at {again} "
    "before it is stopped: no log is made (an end is not guessed)")
TOO_MANY_TIMERS = _reject(
    "TOO_MANY_TIMERS", "timer {timer} started at {first} while {limit} timers were running "
    "(at most {limit} run at once): no log is made")
LOG_APPROVAL_SHORT = _reject(
    "LOG_APPROVAL_SHORT", "status approved, but approved_levels {levels} is below the {needed} "
    "approval levels of agreement {agreement}")
LOG_NO_SERVICE = _reject("LOG_NO_SERVICE", "a billable log needs a service to be priced")
UNKNOWN_SERVICE = _reject("UNKNOWN_SERVICE", "unknown service '{service}' (agreement "
                                             "{agreement} has {services})")
LOG_NO_RATE = _reject(
    "LOG_NO_RATE", "no rate of service {service} is in force on {day} (for customer "
    "{customer}, case {case}): a billable log is never invoiced at zero")

# -- warnings -----------------------------------------------------------------------------
NO_RATE = _warning("NO_RATE", "salary type {salary_type} has no rate on {day}")
NO_HOURLY_RATE = _warning("NO_HOURLY_RATE",
                          "employee has no hourly_rate for salary type {salary_type}",
                          blocks_transfer=True)
NO_OVERTIME_THRESHOLD = _warning("NO_OVERTIME_THRESHOLD",
                                 "time_rules.overtime.{period} has no value on {day}")
NO_TRACKER_FACTOR = _warning("NO_TRACKER_FACTOR", "salary type {salary_type}: no tracker "
                                                  "factor for {tracker} on {day}")
NO_BIRTH_DATE = _warning("NO_BIRTH_DATE", "link {link}: employee has no birth_date")
NO_LINK_FACTOR = _warning("NO_LINK_FACTOR", "link {link}: no factor on {day}")
NO_CARRY_OVER_LIMIT = _warning("NO_CARRY_OVER_LIMIT", "link {link}: no carry_over_up_to on "
                                                      "{day}, nothing carried over")
BALANCE_BELOW_MIN = _warning("BALANCE_BELOW_MIN",
                             "tracker {tracker}: balance {balance} is below the minimum {limit}")
BALANCE_ABOVE_MAX = _warning("BALANCE_ABOVE_MAX",
                             "tracker {tracker}: balance {balance} is above the maximum {limit}")
TRACKER_DEFINITIONS_DIFFER = _warning(
    "TRACKER_DEFINITIONS_DIFFER", "tracker {tracker} is defined one way by {first} "
    "(assignment {first_assignment}, {first_source}) and another by {second} (assignment "
    "{second_assignment}, {second_source}): the employee's tracker rows are left out",
    blocks_transfer=True)
LONG_PUNCH = _warning(
    "LONG_PUNCH", "punch {punch} lasts {length} (longer than {limit} hours): paid as punched; "
    "check that it was punched out in time")
FIGURE_NOT_PAID = _warning(
    "FIGURE_NOT_PAID", "an approved {kind} figure is not paid: agreement {agreement} pays no "
    "{kind} (set figures.{kind} to pay it, or correct the assignment)")
UNREAD_FILE = _warning("UNREAD_FILE", "{file} is not a table paycalc reads, so it was not "
                                      "read{hint}")
NO_EXPORT_CODE = _warning("NO_EXPORT_CODE", "salary types without an export_code go to "
                                            "payroll under their own code: {types}")
UNLOCKED_OLD = _warning("UNLOCKED_OLD", "{days} days of tracker data since {first} are not "
                                        "locked by a definitive transfer (warning after {limit})")

REASONS: dict[str, Reason] = {value.code: value for value in list(globals().values())
                              if isinstance(value, Reason)}
"""Every reason and warning by code."""
