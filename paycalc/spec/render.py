"""A readable text rendering of a compiled agreement: every rule with its defaults made
explicit (a key the YAML left out is marked `(default)`) and the place it was written, in
the YAML's own terms: durations and times of day as H:MM (the `_seconds` of the rule
objects left out of the names), weekdays in week order, month-days as MM-DD, the first
weekday by name."""

from __future__ import annotations

import dataclasses
from typing import Any

from paycalc.rules import compiled as c
from paycalc.rules.dates import WEEKDAYS, MonthDay


def render_agreement(agreement: c.Agreement) -> str:
    """The compiled agreement as indented `key: value` lines."""
    lines = [f"agreement {agreement.id}: {agreement.name}"]
    lines += [f"  from {file}" for file in agreement.files]
    for item in dataclasses.fields(agreement):
        if item.name in ("id", "name", "files"):
            continue
        lines += _render(item.name, getattr(agreement, item.name), 1)
    return "\n".join(lines) + "\n"


def _render(name: str, value: Any, depth: int) -> list[str]:
    pad = "  " * depth
    if name == "threshold_seconds" and value is None:
        return [f"{pad}threshold: schedule"]
    if name.endswith("_seconds"):
        return [f"{pad}{name.removesuffix('_seconds')}: {_clock(value)}"]
    if name == "week_starts" and isinstance(value, int):
        return [f"{pad}{name}: {WEEKDAYS[value]}"]
    if isinstance(value, c.Dated):
        return [f"{pad}{name}: {value}"]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        code = getattr(value, "code", None)
        head = f"{pad}{name}:" if code is None else f"{pad}{code}:"
        source = getattr(value, "source", None)
        if isinstance(source, c.Source) and source.line:
            head += f"  # {source.file}:{source.line}"
        lines = [head]
        defaults = source.defaults if isinstance(source, c.Source) else frozenset()
        for item in dataclasses.fields(value):
            if item.name in ("code", "source"):
                continue
            shown = _render(item.name, getattr(value, item.name), depth + 1)
            if item.name.removesuffix("_seconds") in defaults and len(shown) == 1:
                shown = [f"{shown[0]}  (default)"]
            lines += shown
        return lines
    if isinstance(value, tuple) and value and all(dataclasses.is_dataclass(v) for v in value):
        lines = [f"{pad}{name}:"]
        for i, item in enumerate(value):
            lines += _render(f"- [{i}]", item, depth + 1)
        return lines
    return [f"{pad}{name}: {_scalar(value)}"]


def _clock(value: Any) -> str:
    """Seconds (or dated seconds) as H:MM."""
    if value is None:
        return "-"
    if isinstance(value, c.Dated):
        shown = [(start, _clock(v)) for start, v in value.entries]
        if value.is_constant:
            return shown[0][1]
        return ", ".join(f"{v} from {start}" for start, v in shown)
    hours, minutes = divmod(int(value) // 60, 60)
    return f"{hours:02d}:{minutes:02d}" if hours < 10 else f"{hours}:{minutes:02d}"


def _order(value: Any) -> tuple[int, str]:
    """Weekdays in week order, then other words in alphabetical order."""
    text = str(value)
    return (WEEKDAYS.index(text), "") if text in WEEKDAYS else (len(WEEKDAYS), text)


def _scalar(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, MonthDay):
        return str(value)
    if isinstance(value, frozenset):
        return "[" + ", ".join(_scalar(v) for v in sorted(value, key=_order)) + "]"
    if isinstance(value, tuple):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    return " ".join(str(value).split()) if isinstance(value, str) else str(value)
