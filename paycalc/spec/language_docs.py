"""The language reference (docs/language.md), written from the JSON Schema of the models so
the documentation of every key (meaning, type, default, example) cannot drift from what
`paycalc validate` accepts."""

from __future__ import annotations

import json
from typing import Any

from paycalc.spec.schema import json_schema

_INTRO = """\
# Agreement language reference

Generated from the language models by `python tools/regenerate.py`; a test fails when this
file is out of date. Every key of an agreement file (`agreements/*.yaml`) and a rule-set
file (`rules/*.yaml`) is listed with its type, its default and an example. A key marked
*required* must be written; every other key may be left out and then takes its default.

Value types:
- **number**: an exact decimal written without quotes: `1`, `1.5`, `1.10`.
- **duration**: `"H:MM"` or `"H:MM:SS"` (`"7:30"`, `"0:45"`), or hours as a number (`7.5`).
- **time of day**: `"HH:MM"` from `"00:00"` to `"24:00"`.
- **month-day**: `"MM-DD"` (`"04-01"`); `"02-29"` falls on 28 February in common years.
- **date**: `YYYY-MM-DD` without quotes.
- **code**: letters, digits, `_`, `.`, `-`, without spaces (`OT50`, `0310`).
- **dated**: a value that changes over time, written as effective-from dates mapped to
  values: `{2025-04-01: 68.50, 2026-04-01: 71.25}`. Each value holds from its date until
  the next one; dates must increase. A value written without dates holds on every day.
"""


def reference_markdown() -> str:
    """The whole language reference as Markdown."""
    parts = [_INTRO]
    for kind in ("agreement", "rule_set"):
        schema = json_schema(kind)
        defs = schema.get("$defs", {})
        title = "An agreement file" if kind == "agreement" else "A rule-set file"
        parts.append(_section(title, schema, defs, top=True))
        if kind == "agreement":
            for name in _reachable(schema, defs):
                parts.append(_section(name, defs[name], defs))
    return "\n".join(parts)


def _reachable(schema: dict[str, Any], defs: dict[str, Any]) -> list[str]:
    """Names of the sections in the order a reader meets them from the top of a file."""
    order: list[str] = []
    queue = [schema]
    while queue:
        node = queue.pop(0)
        for ref in _refs(node):
            if ref not in order:
                order.append(ref)
                queue.append(defs[ref])
    return order


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"].rsplit("/", 1)[1]] if "$ref" in node else []
        for key, value in node.items():
            if key != "$defs":
                found += _refs(value)
        return found
    if isinstance(node, list):
        return [ref for item in node for ref in _refs(item)]
    return []


def _section(title: str, schema: dict[str, Any], defs: dict[str, Any], *, top: bool = False) -> str:
    heading = "##" if top else "###"
    lines = [f"{heading} {title}", ""]
    if schema.get("description"):
        lines += [" ".join(schema["description"].split()), ""]
    required = set(schema.get("required", []))
    lines += ["| key | type | default | meaning | example |", "|---|---|---|---|---|"]
    properties = schema.get("properties", {})
    keys = [k for k in properties if k in required] + [k for k in properties if k not in required]
    for key in keys:
        prop = properties[key]
        default = "*required*" if key in required else _default(prop)
        example = "; ".join(f"`{_yaml(e)}`" for e in prop.get("examples", []))
        meaning = " ".join(prop.get("description", "").split())
        lines.append(f"| `{key}` | {_type(prop)} | {default} | {_cell(meaning)} | {example} |")
    return "\n".join(lines) + "\n"


def _default(prop: dict[str, Any]) -> str:
    if "default" not in prop:
        if "$ref" in prop:
            return "each key's default"
        return "empty"
    value = prop["default"]
    if value is None:
        return "empty"
    if value in ([], {}, ""):
        return "empty"
    return f"`{_yaml(value)}`"


def _type(prop: dict[str, Any]) -> str:
    if "$ref" in prop:
        name = prop["$ref"].rsplit("/", 1)[1]
        return f"[{name}](#{name.lower()})"
    for union in ("anyOf", "oneOf"):
        if union in prop:
            branches = [b for b in prop[union] if b.get("type") != "null"]
            text = " or ".join(_type(b) for b in branches)
            return text
    if "const" in prop:
        return f"`{prop['const']}`"
    if "enum" in prop:
        return "one of " + ", ".join(f"`{v}`" for v in prop["enum"])
    kind = prop.get("type")
    if kind == "array":
        return "list of " + _type(prop.get("items", {}))
    if kind == "object":
        values = list(prop.get("patternProperties", {}).values())
        value = _type(values[0] if values else prop.get("additionalProperties", {}))
        if prop.get("propertyNames", {}).get("format") == "date":
            return f"dated {value}"
        return f"mapping of code to {value}"
    if prop.get("title") in ("number", "duration", "time of day", "month-day"):
        return prop["title"]
    if kind == "string":
        if prop.get("format") == "date":
            return "date"
        return "code" if "A-Za-z0-9" in prop.get("pattern", "") else "text"
    return {"boolean": "true/false", "integer": "whole number", "number": "number"}.get(
        str(kind), "value")


def _yaml(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False).replace('"', "")


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
