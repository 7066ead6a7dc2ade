"""Stage 3, resolve: find an agreement's base template and rule sets, and merge them.

A template is found by id among the agreement directories, a rule set among the rule
directories (file name = id + `.yaml`). The layers merge in this order, later winning: the
base template (itself resolved), the rule sets named in `use:` in order, the file itself.
Sections merge key by key, coded entries (salary types, trackers, links, supplements, ...)
are replaced whole, values and lists are replaced.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from paycalc.errors import AgreementError, Problem
from paycalc.spec.bundled import AGREEMENTS_DIR, RULES_DIR
from paycalc.spec.language.base import Section
from paycalc.spec.language.document import AgreementDocument, RulesBody, RuleSetDocument
from paycalc.spec.limits import MAX_EXTENDS
from paycalc.spec.load import KeyPath, load_file
from paycalc.spec.problems import did_you_mean
from paycalc.spec.validate import Document, validate_document

_BODY_FIELDS = tuple(name for name in RulesBody.model_fields if name != "use")


@dataclass
class Catalog:
    """The directories where templates and rule sets are looked up by id, in order."""

    agreement_dirs: list[Path] = field(default_factory=list)
    rule_dirs: list[Path] = field(default_factory=list)
    _documents: dict[Path, Document] = field(default_factory=dict, repr=False)

    @classmethod
    def around(cls, paths: Iterable[Path], agreement_dirs: Sequence[Path] = (),
               rule_dirs: Sequence[Path] = ()) -> Catalog:
        """A catalog for files at `paths`: their own directories and the `rules/` beside
        or below them come first, then the given directories, then the shipped ones."""
        agreements: list[Path] = []
        rules: list[Path] = []
        for path in paths:
            folder = path.parent if path.suffix else path
            agreements.append(folder)
            rules += [folder / "rules", folder.parent / "rules", folder]
        agreements += [*agreement_dirs, AGREEMENTS_DIR]
        rules += [*rule_dirs, RULES_DIR]
        return cls(_unique_dirs(agreements), _unique_dirs(rules))

    def document(self, path: Path) -> Document:
        """The validated document of one file (read once per catalog)."""
        key = path.resolve()
        if key not in self._documents:
            self._documents[key] = validate_document(load_file(path))
        return self._documents[key]

    def with_document(self, path: Path, document: Document) -> Catalog:
        """This catalog, with `document` standing for the file at `path`."""
        return Catalog(self.agreement_dirs, self.rule_dirs,
                       {**self._documents, path.resolve(): document})

    def find(self, ident: str, kind: str) -> Path | None:
        """The file of template or rule set `ident` (kind 'agreement' or 'rule_set')."""
        for folder in self.agreement_dirs if kind == "agreement" else self.rule_dirs:
            candidate = folder / f"{ident}.yaml"
            if candidate.is_file():
                return candidate
        return None

    def known(self, kind: str) -> list[str]:
        """Ids of every template or rule set in the catalog's directories."""
        folders = self.agreement_dirs if kind == "agreement" else self.rule_dirs
        return sorted({p.stem for f in folders if f.is_dir() for p in f.glob("*.yaml")})


@dataclass(frozen=True)
class Resolved:
    """An agreement with its base and rule sets merged in, and the files it came from."""

    document: AgreementDocument
    files: tuple[str, ...]


def resolve_agreement(path: Path, catalog: Catalog) -> Resolved:
    """Merge the agreement at `path` with its base templates and rule sets."""
    doc = catalog.document(path)
    if not isinstance(doc, AgreementDocument):
        raise AgreementError([_problem_at(doc, ("rule_set",),
                                          "this is a rule set, not an agreement template",
                                          "name it in use: of an agreement")])
    body, files = _resolve(doc, path, catalog, ())
    merged = AgreementDocument.model_construct(
        agreement=doc.agreement, name=doc.name, description=doc.description,
        extends=doc.extends, use=doc.use, **{n: getattr(body, n) for n in _BODY_FIELDS})
    merged.__pydantic_fields_set__ = set(doc.model_fields_set) | set(body.model_fields_set)
    merged._origin, merged._path = doc._origin, ()
    merged._from = {**body._from}
    return Resolved(merged, tuple(files))


def resolve_rule_set(path: Path, catalog: Catalog) -> RulesBody:
    """Merge the rule set at `path` with the rule sets it uses."""
    doc = catalog.document(path)
    if not isinstance(doc, RuleSetDocument):
        raise AgreementError([_problem_at(doc, ("agreement",),
                                          "this is an agreement template, not a rule set",
                                          "keep rule sets under rules/")])
    return _resolve(doc, path, catalog, ())[0]


def _resolve(doc: Document, path: Path, catalog: Catalog,
             trail: tuple[tuple[str, Document, KeyPath], ...]) -> tuple[RulesBody, list[str]]:
    """The merged body of `doc` with everything below it, and the files used.

    `trail` holds, for each file above this one, its kind:id, its document and the key
    path of the reference that led here; a cycle is reported at the first of them.
    """
    ident = doc.agreement if isinstance(doc, AgreementDocument) else doc.rule_set
    kind = "agreement" if isinstance(doc, AgreementDocument) else "rule_set"
    problems: list[Problem] = []
    if ident != path.stem:
        problems.append(_problem_at(doc, (kind,),
                                    f"the id '{ident}' differs from the file name '{path.stem}'",
                                    f"{kind}: {path.stem}"))
    body = RulesBody()
    body._from = {}
    files = [doc._origin.file]
    layers: list[tuple[str, str, tuple[Any, ...]]] = []
    if isinstance(doc, AgreementDocument) and doc.extends:
        layers.append(("agreement", doc.extends, ("extends",)))
    layers += [("rule_set", name, ("use", i)) for i, name in enumerate(doc.use)]
    for layer_kind, name, where in layers:
        key = f"{layer_kind}:{name}"
        here = (f"{kind}:{ident}", doc, where)
        chain = (*trail, here)
        if any(step[0] == key for step in chain):
            names = " -> ".join([*(step[0].split(":", 1)[1] for step in chain), name])
            _, first_doc, first_where = chain[0]
            problems.append(_problem_at(first_doc, first_where,
                                        f"'{name}' refers back to itself: {names}",
                                        "a chain without cycles"))
            continue
        if len(chain) > MAX_EXTENDS:
            _, first_doc, first_where = chain[0]
            problems.append(_problem_at(
                first_doc, first_where, f"more than {MAX_EXTENDS} templates and rule sets "
                f"lie below one another from here (reached '{name}' through "
                f"{chain[-1][0].split(':', 1)[1]})",
                f"at most {MAX_EXTENDS} layers of extends: and use: (paycalc.spec.limits)"))
            continue
        found = catalog.find(name, layer_kind)
        if found is None:
            what = "base template" if layer_kind == "agreement" else "rule set"
            known = catalog.known(layer_kind)
            problems.append(_problem_at(doc, where, f"unknown {what} '{name}'"
                                        + did_you_mean(name, known), ", ".join(known) or "none"))
            continue
        try:
            lower = catalog.document(found)
            expected = AgreementDocument if layer_kind == "agreement" else RuleSetDocument
            if not isinstance(lower, expected):
                problems.append(_problem_at(doc, where, f"'{name}' is not a {layer_kind}"))
                continue
            lower_body, lower_files = _resolve(lower, found, catalog, chain)
        except AgreementError as exc:
            problems += exc.problems
            continue
        body = _overlay_body(body, lower_body)
        files += [f for f in lower_files if f not in files]
    if problems:
        raise AgreementError(problems)
    return _overlay_body(body, doc), files


def _overlay_body(lower: RulesBody, upper: Section) -> RulesBody:
    values, owners = _overlay(lower, upper, _BODY_FIELDS)
    result = RulesBody.model_construct(use=[], **values)
    result.__pydantic_fields_set__ = {
        n for n in _BODY_FIELDS if n in lower.model_fields_set or n in upper.model_fields_set}
    result._from = owners
    return result


def _overlay(lower: Section, upper: Section,
             names: Iterable[str]) -> tuple[dict[str, Any], dict[str, Section]]:
    """Field values of `upper` over `lower`, and for each field the section that holds it."""
    values: dict[str, Any] = {}
    owners: dict[str, Section] = {}
    for name in names:
        low, up = getattr(lower, name), getattr(upper, name)
        if name not in upper.model_fields_set:
            values[name], owners[name] = low, _owner(lower, name)
        elif name not in lower.model_fields_set:
            values[name], owners[name] = up, _owner(upper, name)
        else:
            values[name], owners[name] = _combine(low, up), _owner(upper, name)
    return values, owners


def _owner(section: Section, name: str) -> Section:
    return (getattr(section, "_from", None) and section._from.get(name)) or section


def _combine(low: Any, up: Any) -> Any:
    if isinstance(low, Section) and type(low) is type(up):
        values, owners = _overlay(low, up, type(up).model_fields)
        result = type(up).model_construct(**values)
        result.__pydantic_fields_set__ = set(low.model_fields_set) | set(up.model_fields_set)
        result._origin, result._path, result._from = up._origin, up._path, owners
        return result
    if isinstance(low, dict) and isinstance(up, dict) and not _is_dated(low) and not _is_dated(up):
        return {**low, **up}
    return up


def _is_dated(mapping: dict[Any, Any]) -> bool:
    return any(isinstance(key, dt.date) for key in mapping)


def _problem_at(doc: Section, path: tuple[Any, ...], message: str, allowed: str = "") -> Problem:
    return doc._origin.problem(path, message, allowed)


def _unique_dirs(folders: Iterable[Path]) -> list[Path]:
    seen: list[Path] = []
    for folder in folders:
        resolved = folder.resolve()
        if resolved not in seen:
            seen.append(resolved)
    return seen
