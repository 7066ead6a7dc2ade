"""Stage 1, load: agreement YAML into plain values, keeping where each value was written.

ruamel.yaml composes the node tree (YAML 1.2, so `18:30` and `NO` are already text); this
module builds the values itself so that a consultant gets what they wrote:

- mapping keys are always text (or dates, for dated values), so `310:` and `no:` stay codes;
- plain `true` / `false` are booleans, `null`, `~` and empty are None;
- whole numbers without a leading zero are int (`0310` stays text), numbers with a decimal
  point are exact `Decimal` (`1.10` keeps its trailing zero); `.inf` or `1e3` stay text;
- `YYYY-MM-DD` is a `datetime.date` and an impossible date such as 2025-02-30 is a problem;
- duplicate keys, anchors/aliases, merge keys and custom tags are problems, not surprises.

Every value's and key's line and column (1-based) is kept under its key path.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.tokens import (
    BlockEndToken,
    BlockMappingStartToken,
    BlockSequenceStartToken,
    FlowMappingEndToken,
    FlowMappingStartToken,
    FlowSequenceEndToken,
    FlowSequenceStartToken,
)

from paycalc.errors import AgreementError, Problem
from paycalc.spec.limits import MAX_FRACTION_DIGITS, MAX_NESTING, MAX_WHOLE_DIGITS
from paycalc.spec.problems import display_name, format_path

KeyPath = tuple[Any, ...]
Mark = tuple[int, int]

_STD_TAG = "tag:yaml.org,2002:"
_CORE_TAGS = frozenset(
    _STD_TAG + name for name in ("null", "bool", "int", "float", "timestamp", "str", "map", "seq")
)
_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_DECIMAL = re.compile(r"[-+]?([0-9]+\.[0-9]*|\.[0-9]+)")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass
class SourceDocument:
    """A loaded YAML file: its values and the line/column of every key and value."""

    file: str
    data: Any
    source_name: str = ""
    """The file as the `source` column of the outputs names it: its folder's name and its
    own (`agreements/retail.yaml`), the same wherever the folder is."""
    value_marks: dict[KeyPath, Mark] = field(default_factory=dict)
    key_marks: dict[KeyPath, Mark] = field(default_factory=dict)

    def mark(self, path: KeyPath, *, key: bool = False) -> Mark:
        """Line and column of the value (or key) at `path`, or of its nearest written parent."""
        if key and path in self.key_marks:
            return self.key_marks[path]
        probe = tuple(path)
        while probe:
            if probe in self.value_marks:
                return self.value_marks[probe]
            probe = probe[:-1]
        return self.value_marks.get((), (1, 1))

    def problem(self, path: KeyPath, message: str, allowed: str = "", *,
                key: bool = False) -> Problem:
        """A problem located at `path` in this file."""
        line, column = self.mark(path, key=key)
        return Problem(self.file, line, column, format_path(path), message, allowed)


def load_file(path: Path) -> SourceDocument:
    """Read and load one YAML file; raises AgreementError with every problem found."""
    name = display_name(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AgreementError([Problem(name, 1, 1, "", f"cannot read file: {exc}")]) from exc
    doc = load_text(text, name)
    full = path.resolve()
    doc.source_name = f"{full.parent.name}/{full.name}"
    return doc


def load_text(text: str, file: str) -> SourceDocument:
    """Load YAML text; `file` is the name used in problems."""
    try:
        _within_nesting(text, file)
        root = YAML(typ="rt").compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = f"not valid YAML: {exc.problem or exc.context}"
        if exc.context and exc.context_mark and exc.problem:
            where = exc.context_mark
            message += f" ({exc.context} from line {where.line + 1} column {where.column + 1})"
        raise AgreementError([Problem(file, line, column, "", message)]) from exc
    except ReaderError as exc:
        before = text[:exc.position]
        line, column = before.count("\n") + 1, len(before) - before.rfind("\n")
        raise AgreementError([Problem(file, line, column, "", f"not valid YAML: character "
                                      f"#x{exc.character:04x} is not allowed in a YAML file",
                                      "printable text")]) from exc
    doc = SourceDocument(file, None)
    if root is None:
        raise AgreementError([Problem(file, 1, 1, "", "the file is empty")])
    builder = _Builder(doc)
    doc.data = builder.build(root, ())
    if builder.problems:
        raise AgreementError(builder.problems)
    return doc


def _within_nesting(text: str, file: str) -> None:
    """Raise `AgreementError` where mappings and lists nest deeper than `MAX_NESTING`,
    before composing: ruamel.yaml composes nested nodes recursively, and a file nested
    hundreds deep would exhaust Python's stack."""
    depth = 0
    for token in YAML(typ="rt").scan(text):
        if isinstance(token, _OPENING):
            depth += 1
            if depth > MAX_NESTING:
                mark = token.start_mark
                raise AgreementError([Problem(
                    file, mark.line + 1, mark.column + 1, "",
                    f"mappings and lists nest more than {MAX_NESTING} deep here",
                    f"at most {MAX_NESTING} levels (paycalc.spec.limits)")])
        elif isinstance(token, _CLOSING):
            depth -= 1


_OPENING = (BlockMappingStartToken, BlockSequenceStartToken, FlowMappingStartToken,
            FlowSequenceStartToken)
_CLOSING = (BlockEndToken, FlowMappingEndToken, FlowSequenceEndToken)


class _Builder:
    """Turns composed nodes into values, recording marks and collecting problems."""

    def __init__(self, doc: SourceDocument) -> None:
        self.doc = doc
        self.problems: list[Problem] = []

    def _fail(self, node: Node, path: KeyPath, message: str, allowed: str = "") -> None:
        line, column = node.start_mark.line + 1, node.start_mark.column + 1
        self.problems.append(
            Problem(self.doc.file, line, column, format_path(path), message, allowed))

    def build(self, node: Node, path: KeyPath) -> Any:
        self.doc.value_marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if getattr(node, "anchor", None):
            self._fail(node, path, "anchors and aliases (&name, *name) are not supported",
                       "write the value out, or share it with extends: / use:")
            return None
        if str(node.tag) not in _CORE_TAGS:
            self._fail(node, path, f"custom YAML tag {node.tag} is not supported",
                       "plain YAML values")
            return None
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        return self._scalar(node, path)

    def _mapping(self, node: MappingNode, path: KeyPath) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        first_seen: dict[Any, Mark] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self._fail(key_node, path, "a key must be a plain word, code or date")
                continue
            key = self._key(key_node, path)
            if key is None:
                continue
            key_mark = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key == "<<":
                self._fail(key_node, path, "merge keys (<<) are not supported",
                           "extends: a base template, or use: a rule set")
                continue
            if key in first_seen:
                line, _ = first_seen[key]
                self._fail(key_node, (*path, key),
                           f"duplicate key '{key}' (first written on line {line})",
                           "each key once per mapping")
                continue
            first_seen[key] = key_mark
            self.doc.key_marks[(*path, key)] = key_mark
            result[key] = self.build(value_node, (*path, key))
        return result

    def _key(self, node: ScalarNode, path: KeyPath) -> Any:
        text = str(node.value)
        if node.style is None and _DATE.fullmatch(text):
            return self._date(node, path, text)
        return text

    def _date(self, node: ScalarNode, path: KeyPath, text: str) -> dt.date | None:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            self._fail(node, path, f"'{text}' is not a real date", "a date YYYY-MM-DD that exists")
            return None

    def _scalar(self, node: ScalarNode, path: KeyPath) -> Any:
        text = str(node.value)
        if node.style is not None:
            return text
        kind = str(node.tag)[len(_STD_TAG):]
        if kind == "null":
            return None
        if kind == "bool":
            return text.lower() == "true"
        if kind == "int" and _INT.fullmatch(text):
            return self._bounded(node, path, text, int(text))
        if kind in ("float", "int") and _DECIMAL.fullmatch(text):
            return self._bounded(node, path, text, Decimal(text))
        if kind == "timestamp" and _DATE.fullmatch(text):
            return self._date(node, path, text)
        return text

    def _bounded(self, node: ScalarNode, path: KeyPath, text: str,
                 value: int | Decimal) -> int | Decimal | None:
        """`value`, or a problem when it has more digits than the engine keeps exactly."""
        whole, _, fraction = text.lstrip("+-").partition(".")
        if len(whole.lstrip("0")) <= MAX_WHOLE_DIGITS and len(fraction) <= MAX_FRACTION_DIGITS:
            return value
        self._fail(node, path, f"{text} has more digits than paycalc keeps exactly",
                   f"at most {MAX_WHOLE_DIGITS} digits before the point and "
                   f"{MAX_FRACTION_DIGITS} after (paycalc.spec.limits)")
        return None
