"""Rewrite the files generated from the language models: the JSON Schemas under
paycalc/schemas/ and docs/language.md. Run after changing a model; tests fail until then."""

from pathlib import Path

from paycalc.spec.language_docs import reference_markdown
from paycalc.spec.schema import schema_path, schema_text

ROOT = Path(__file__).resolve().parent.parent

for kind in ("agreement", "rule_set"):
    schema_path(kind).write_text(schema_text(kind), encoding="utf-8")
(ROOT / "docs" / "language.md").write_text(reference_markdown(), encoding="utf-8")
print("wrote paycalc/schemas/*.schema.json and docs/language.md")
