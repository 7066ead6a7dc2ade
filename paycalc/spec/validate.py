"""Stage 2, validate: a loaded YAML file into language models, every mistake as a Problem.

Pydantic checks the shape; this module turns its errors into messages a consultant can act
on (unknown keys with the allowed keys and a did-you-mean, allowed words, the value that was
wrong) placed at the file, line and column of the key or value. Each validated section
remembers its file and key path so later checks can point at it too.
"""

from __future__ import annotations

import copy
import types
import typing
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from paycalc.errors import AgreementError, Problem
from paycalc.spec.language.base import Section
from paycalc.spec.language.document import AgreementDocument, RuleSetDocument
from paycalc.spec.load import KeyPath, SourceDocument
from paycalc.spec.problems import did_you_mean

Document = AgreementDocument | RuleSetDocument

_KIND_KEYS: dict[str, type[Document]] = {
    "agreement": AgreementDocument, "rule_set": RuleSetDocument}

_CODE_RULE = "letters, digits, _ . - without spaces, not starting with . or -"

_PLAIN_MESSAGES = {
    "string_type": "expected text",
    "bool_type": "expected true or false",
    "int_type": "expected a whole number",
    "list_type": "expected a list (- item, or [a, b])",
    "dict_type": "expected a mapping (key: value)",
    "model_type": "expected a mapping (key: value)",
    "model_attributes_type": "expected a mapping (key: value)",
    "date_type": "expected a date written YYYY-MM-DD",
    "too_short": "must not be empty",
}


def validate_document(doc: SourceDocument) -> Document:
    """Validate a loaded file as an agreement or a rule set (by its `agreement:` or
    `rule_set:` key); raises AgreementError with every problem found."""
    data = doc.data
    if not isinstance(data, dict):
        raise AgreementError([doc.problem((), "the file must be a mapping of keys",
                                          "agreement: ID ... or rule_set: ID ...")])
    kinds = [key for key in _KIND_KEYS if key in data]
    if len(kinds) != 1:
        what = "both 'agreement' and 'rule_set'" if kinds else "neither 'agreement' nor 'rule_set'"
        raise AgreementError([doc.problem((), f"the file has {what}",
                                          "exactly one of agreement: ID or rule_set: ID")])
    model: type[Document] = _KIND_KEYS[kinds[0]]
    try:
        result = model.model_validate(data)
    except ValidationError as exc:
        raise SchemaError(_problems(doc, model, exc), _without_refused(doc, model, exc)
                          ) from None
    attach_origin(result, doc, ())
    return result


class SchemaError(AgreementError):
    """A file whose shape is wrong, with `partial`: the document without the values that
    were refused, when what is left is valid (None otherwise). Its references can still
    be checked, so a consultant sees every problem of the file in one pass."""

    def __init__(self, problems: list[Problem], partial: Document | None) -> None:
        super().__init__(problems)
        self.partial = partial


def _without_refused(doc: SourceDocument, model: type[Document],
                     exc: ValidationError) -> Document | None:
    """`doc` validated again with each refused value or unknown key left out, when nothing
    refused is a missing key, a code or a list item (leaving those out would change what
    the rest of the file refers to)."""
    data = copy.deepcopy(doc.data)
    for _ in range(3):
        for error in exc.errors(include_url=False):
            loc = tuple(p for p in error["loc"]
                        if not (isinstance(p, str) and p.startswith("@")))
            if error["type"] == "missing" or not loc or loc[-1] == "[key]" or isinstance(
                    loc[-1], int):
                return None
            parent: Any = data
            for part in loc[:-1]:
                inside = (isinstance(parent, dict) and part in parent) or (
                    isinstance(parent, list) and isinstance(part, int) and part < len(parent))
                if not inside:
                    return None
                parent = parent[part]
            if not isinstance(parent, dict):
                return None
            parent.pop(loc[-1], None)
        try:
            result = model.model_validate(data)
        except ValidationError as again:
            exc = again
            continue
        attach_origin(result, doc, ())
        return result
    return None


def attach_origin(value: Any, doc: SourceDocument | None, path: KeyPath) -> None:
    """Record on every section below `value` the file and key path it was written at."""
    if isinstance(value, Section):
        value._origin = doc
        value._path = path
        for name, info in type(value).model_fields.items():
            attach_origin(getattr(value, name), doc, (*path, info.alias or name))
    elif isinstance(value, dict):
        for key, item in value.items():
            attach_origin(item, doc, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            attach_origin(item, doc, (*path, index))


def _problems(doc: SourceDocument, model: type[BaseModel], exc: ValidationError) -> list[Problem]:
    problems = []
    for error in exc.errors(include_url=False):
        raw_loc = tuple(error["loc"])
        loc = tuple(p for p in raw_loc if not (isinstance(p, str) and p.startswith("@")))
        problems.append(_problem(doc, model, error, raw_loc, loc))
    return problems


def _problem(doc: SourceDocument, model: type[BaseModel], error: Any, raw_loc: KeyPath,
             loc: KeyPath) -> Problem:
    kind = error["type"]
    given = error.get("input")
    if kind == "extra_forbidden":
        known = _field_names(_type_at(model, raw_loc[:-1]))
        message = f"unknown key '{loc[-1]}'" + did_you_mean(str(loc[-1]), known)
        return doc.problem(loc, message, ", ".join(known), key=True)
    if kind == "missing":
        return doc.problem(loc[:-1], f"required key '{loc[-1]}' is missing")
    if loc and loc[-1] == "[key]":
        if kind == "date_type":
            return doc.problem(loc[:-1], f"'{loc[-2]}' is not a date", "effective dates YYYY-MM-DD",
                               key=True)
        return doc.problem(loc[:-1], f"'{loc[-2]}' is not a valid code", _CODE_RULE, key=True)
    if kind == "literal_error":
        expected = [word.strip().strip("'") for word in
                    error["ctx"]["expected"].replace(" or ", ", ").split(", ")]
        message = f"'{given}' is not allowed" + did_you_mean(str(given), expected)
        return doc.problem(loc, message, ", ".join(expected))
    if kind == "string_pattern_mismatch":
        return doc.problem(loc, f"'{given}' is not a valid code or word",
                           _CODE_RULE
                           if "A-Za-z0-9" in error["ctx"]["pattern"]
                           else f"text matching {error['ctx']['pattern']}")
    if kind == "too_long":
        most = error["ctx"]["max_length"]
        return doc.problem(loc, f"{len(given)} entries are more than the {most} an agreement "
                                "may hold here", f"at most {most} (paycalc.spec.limits)")
    message = _PLAIN_MESSAGES.get(kind, error["msg"])
    if kind in _PLAIN_MESSAGES and given is not None and not isinstance(given, dict | list):
        message += f", got {given!r}"
    return doc.problem(loc, message)


def _field_names(cls: Any) -> list[str]:
    if isinstance(cls, type) and issubclass(cls, BaseModel):
        return [info.alias or name for name, info in cls.model_fields.items()]
    return []


def _type_at(model: type[BaseModel], raw_loc: KeyPath) -> Any:
    """The declared type found by following `raw_loc` (with its '@' union tags) from `model`."""
    current: Any = model
    for part in raw_loc:
        if isinstance(part, str) and part.startswith("@"):
            current = _unwrap(current, part)
            continue
        current = _unwrap(current, None)
        if isinstance(current, type) and issubclass(current, BaseModel):
            fields = {info.alias or name: info for name, info in current.model_fields.items()}
            current = fields[part].annotation if part in fields else None
        elif get_origin(current) is dict:
            current = get_args(current)[1]
        elif get_origin(current) is list:
            current = get_args(current)[0]
        else:
            return None
    return _unwrap(current, None)


def _unwrap(tp: Any, part: Any) -> Any:
    """Strip Annotated and pick the union branch named by `part` (or the model branch)."""
    while True:
        origin = get_origin(tp)
        if origin is typing.Annotated:
            tp = get_args(tp)[0]
        elif origin in (Union, types.UnionType):
            branches = [b for b in get_args(tp) if b is not type(None)]
            tagged = [b for b in branches if _tag(b) == part]
            models = [b for b in branches
                      if isinstance(_strip(b), type) and issubclass(_strip(b), BaseModel)]
            tp = (tagged or models or branches)[0]
            if tagged:
                return _strip(tp)
        else:
            return tp


def _strip(tp: Any) -> Any:
    while get_origin(tp) is typing.Annotated:
        tp = get_args(tp)[0]
    return tp


def _tag(tp: Any) -> str | None:
    for meta in getattr(tp, "__metadata__", ()):
        tag = getattr(meta, "tag", None)
        if isinstance(tag, str):
            return tag
    return None
