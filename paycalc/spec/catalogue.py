"""Checking many agreement and rule-set files at once, as `paycalc validate` does."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from paycalc.errors import AgreementError, Problem
from paycalc.rules.compiled import Agreement
from paycalc.spec.compile import compile_resolved
from paycalc.spec.language.document import AgreementDocument
from paycalc.spec.resolve import Catalog, resolve_agreement, resolve_rule_set
from paycalc.spec.validate import SchemaError


@dataclass
class Checked:
    """The outcome of checking files: compiled agreements, rule sets, every problem."""

    agreements: list[Agreement] = field(default_factory=list)
    rule_sets: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def yaml_files(paths: Iterable[Path]) -> list[Path]:
    """The given files, and the `.yaml` files of given directories, in name order."""
    found: list[Path] = []
    for path in paths:
        found += sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    return found


def check_paths(paths: Iterable[Path], agreement_dirs: Sequence[Path],
                rule_dirs: Sequence[Path]) -> Checked:
    """Load, validate and compile every file; a rule set is checked with the rule sets it
    uses (its references are checked in each agreement that uses it)."""
    files = yaml_files(paths)
    catalog = Catalog.around(files, agreement_dirs, rule_dirs)
    checked = Checked()
    seen: set[Problem] = set()
    first: dict[str, tuple[Path, AgreementDocument]] = {}
    for path in files:
        try:
            document = catalog.document(path)
            if isinstance(document, AgreementDocument):
                _once(document, path, first)
                checked.agreements.append(compile_resolved(resolve_agreement(path, catalog)))
            else:
                resolve_rule_set(path, catalog)
                checked.rule_sets.append(document.rule_set)
        except AgreementError as exc:
            found = [*exc.problems, *_references_despite(exc, path, catalog)]
            checked.problems += [p for p in found if p not in seen]
            seen.update(found)
    checked.problems.sort()
    return checked


def _once(document: AgreementDocument, path: Path,
          first: dict[str, tuple[Path, AgreementDocument]]) -> None:
    """Raise `AgreementError` at both files when an agreement id was already read from
    another file: which of the two an assignment means cannot be told."""
    earlier = first.setdefault(document.agreement, (path, document))
    if earlier[0] == path:
        return
    where = document._origin
    raise AgreementError([
        where.problem(("agreement",), f"agreement '{document.agreement}' is also defined in "
                                      f"{earlier[1]._origin.file}", "one file per agreement id"),
        earlier[1]._origin.problem(("agreement",), f"agreement '{document.agreement}' is also "
                                   f"defined in {where.file}", "one file per agreement id")])


def _references_despite(exc: AgreementError, path: Path, catalog: Catalog) -> list[Problem]:
    """The references to unknown trackers, salary types, activities and the like in the
    file at `path`, found in what is left of it without the values its schema refused
    (`SchemaError.partial`): reported in the same pass as the schema problems."""
    if not isinstance(exc, SchemaError) or exc.partial is None:
        return []
    view = catalog.with_document(path, exc.partial)
    try:
        if isinstance(exc.partial, AgreementDocument):
            compile_resolved(resolve_agreement(path, view))
        else:
            resolve_rule_set(path, view)
    except AgreementError as later:
        files = {p.file for p in exc.problems}
        return [p for p in later.problems if p.message.startswith("unknown ") and p.file in files]
    return []
