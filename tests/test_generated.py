"""Files generated from the language models are current, and editors can use them."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from paycalc.spec.bundled import AGREEMENTS_DIR, RULES_DIR
from paycalc.spec.language_docs import reference_markdown
from paycalc.spec.load import load_file
from paycalc.spec.schema import json_schema, schema_path, schema_text

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted(AGREEMENTS_DIR.glob("*.yaml")) + sorted(RULES_DIR.glob("*.yaml"))
IN_REPOSITORY = sorted((ROOT / "agreements").glob("*.yaml")) + sorted(
    (ROOT / "rules").glob("*.yaml"))
STALE = "stale: run `python tools/regenerate.py` and commit the result"


@pytest.mark.parametrize("kind", ["agreement", "rule_set"])
def test_committed_schema_is_current(kind: str) -> None:
    assert schema_path(kind).read_text(encoding="utf-8") == schema_text(kind), STALE


def test_language_reference_is_current() -> None:
    committed = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
    assert committed == reference_markdown(), STALE


def test_reference_documents_every_key_of_every_section() -> None:
    text = reference_markdown()
    schema = json_schema("agreement")
    for section in [schema, *schema["$defs"].values()]:
        for key in section.get("properties", {}):
            assert f"| `{key}` |" in text


@pytest.mark.parametrize("path", IN_REPOSITORY, ids=lambda p: p.name)
def test_file_in_the_repository_names_its_schema_for_editors(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    prefix = "# yaml-language-server: $schema="
    assert first.startswith(prefix)
    target = (path.parent / first[len(prefix):]).resolve()
    kind = "agreement" if path.parent.name == "agreements" else "rule_set"
    assert target == ROOT / "paycalc" / "schemas" / f"{kind}.schema.json"
    assert target.read_text(encoding="utf-8") == schema_text(kind), STALE


def test_installed_package_ships_the_repository_agreements() -> None:
    assert [p.name for p in SHIPPED] == [p.name for p in IN_REPOSITORY]
    for shipped, source in zip(SHIPPED, IN_REPOSITORY, strict=True):
        assert shipped.read_bytes() == source.read_bytes()


def _as_json(value: Any) -> Any:
    """What an editor's YAML server sends to the schema: dates and decimals as JSON."""
    if isinstance(value, dict):
        return {str(k): _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_file_passes_its_json_schema(path: Path) -> None:
    kind = "agreement" if path.parent.name == "agreements" else "rule_set"
    schema = json.loads(schema_path(kind).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(_as_json(load_file(path).data))


def test_json_schema_rejects_an_unknown_key() -> None:
    schema = json_schema("agreement")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(
            {"agreement": "x", "trackers": {"VAC": {"unit": "days", "perodised": True}}})
