"""A readable text rendering of a compiled agreement: every rule with its defaults made
explicit and the place it was written."""

from __future__ import annotations

import dataclasses
from typing import Any

from paycalc.rules import compiled as c


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
    if isinstance(value, c.Dated):
        return [f"{pad}{name}: {value}"]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        code = getattr(value, "code", None)
        head = f"{pad}{name}:" if code is None else f"{pad}{code}:"
        source = getattr(value, "source", None)
        if isinstance(source, c.Source) and source.line:
            head += f"  # {source.file}:{source.line}"
        lines = [head]
        for item in dataclasses.fields(value):
            if item.name in ("code", "source"):
                continue
            lines += _render(item.name, getattr(value, item.name), depth + 1)
        return lines
    if isinstance(value, tuple) and value and all(dataclasses.is_dataclass(v) for v in value):
        lines = [f"{pad}{name}:"]
        for i, item in enumerate(value):
            lines += _render(f"- [{i}]", item, depth + 1)
        return lines
    return [f"{pad}{name}: {_scalar(value)}"]


def _scalar(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, frozenset | tuple):
        return "[" + ", ".join(_scalar(v) for v in sorted(value, key=str)) + "]"
    return " ".join(str(value).split()) if isinstance(value, str) else str(value)
