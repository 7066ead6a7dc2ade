"""The JSON Schema of the agreement language, for editors (yaml-language-server) and tools.

Generated from the language models, so it cannot drift from what `paycalc validate`
accepts; the committed copies under `paycalc/schemas/` are checked by a test.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from paycalc.spec.bundled import SCHEMA_DIR
from paycalc.spec.language.document import AgreementDocument, RuleSetDocument

SchemaKind = Literal["agreement", "rule_set"]

_MODELS: dict[str, type[AgreementDocument] | type[RuleSetDocument]] = {
    "agreement": AgreementDocument, "rule_set": RuleSetDocument}


def json_schema(kind: SchemaKind) -> dict[str, Any]:
    """The JSON Schema of an agreement file or a rule-set file."""
    schema = _MODELS[kind].model_json_schema(by_alias=True, mode="validation")
    title = "paycalc agreement template" if kind == "agreement" else "paycalc rule set"
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://paycalc.dev/schemas/{kind}.schema.json",
        **schema,
        "title": title,
    }


def schema_text(kind: SchemaKind) -> str:
    """The schema as committed: indented JSON ending in a newline."""
    return json.dumps(json_schema(kind), indent=2, ensure_ascii=False, default=str) + "\n"


def schema_path(kind: SchemaKind) -> Any:
    """Where the committed schema of `kind` lives."""
    return SCHEMA_DIR / f"{kind}.schema.json"
