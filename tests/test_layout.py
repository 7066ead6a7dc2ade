"""The package's folders name the pipeline's stages and imports run one way (docs/design.md,
"Where things live"): from the command line down to the rule objects, never back.

Two kinds of check: the import graph read from the source (which stage imports which), and
a clean interpreter that imports a stage and looks at what got loaded (the rule objects
load neither pydantic nor Polars; reading agreements loads no Polars).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import typing
from pathlib import Path

import pytest

from paycalc.engine.drivers import DRIVERS
from paycalc.spec.language.links import DriverKind

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "paycalc"

LEAVES = {"errors", "log", "reasons", "version"}
"""Top-level modules that import nothing of paycalc: every stage may use them."""
MAY_IMPORT = {
    "rules": {"rules"},
    "spec": {"spec", "rules"},
    "tables": {"tables", "rules"},
    "engine": {"engine", "tables", "rules"},
    "reference": {"reference", "tables", "rules"},
    "batch": {"batch", "engine", "reference", "spec", "tables", "rules"},
}
"""The stages (folders) each stage may import besides the leaves; the command line and the
package's entry points (`cli`, `__init__`, `__main__`) may import any."""


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> list[tuple[str, list[str], int]]:
    """Every paycalc import of a file: (module, names imported from it, line)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, [a.name for a in node.names], node.lineno))
        elif isinstance(node, ast.Import):
            found += [(a.name, [], node.lineno) for a in node.names]
    return [f for f in found if f[0] == "paycalc" or f[0].startswith("paycalc.")]


def stage_of(module: str) -> str:
    return module.split(".")[1] if module.count(".") else ""


def layer_violations(files: list[Path]) -> list[str]:
    """Imports of one stage's modules that the stage may not make."""
    wrong = []
    for path in files:
        stage = stage_of(module_name(path))
        if stage in ("", "cli", "__main__"):
            continue
        allowed = MAY_IMPORT.get(stage, set()) | LEAVES
        for module, _, line in imports_of(path):
            target = stage_of(module)
            if module == "paycalc" and stage != "":
                wrong.append(f"{path.relative_to(ROOT)}:{line}: imports the package root")
            elif target and target not in allowed:
                wrong.append(f"{path.relative_to(ROOT)}:{line}: {stage} imports {module}")
    return wrong


def private_engine_uses(files: list[Path]) -> list[str]:
    """Imports of the engine's private parts: outside the engine only the `paycalc.engine`
    package (its `evaluate` and contracts) is for the package's other stages, and no one
    imports an underscore name or module of the engine."""
    wrong = []
    for path in files:
        inside_engine = module_name(path).startswith("paycalc.engine")
        in_package = path.is_relative_to(PACKAGE)
        for module, names, line in imports_of(path):
            if not module.startswith("paycalc.engine"):
                continue
            where = f"{path.relative_to(ROOT)}:{line}"
            if any(part.startswith("_") for part in module.split(".")) or any(
                    name.startswith("_") for name in names):
                wrong.append(f"{where}: imports a private part of {module}")
            elif in_package and not inside_engine and module != "paycalc.engine":
                wrong.append(f"{where}: imports the engine's module {module}")
    return wrong


def loaded_by(*modules: str) -> set[str]:
    """The top-level packages loaded when a clean interpreter imports `modules`."""
    code = (f"import sys, json\nimport {', '.join(modules)}\n"
            "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=ROOT)
    return set(json.loads(done.stdout))


def modules_in(stage: str) -> list[str]:
    return sorted(module_name(p) for p in (PACKAGE / stage).rglob("*.py"))


PACKAGE_FILES = sorted(PACKAGE.rglob("*.py"))
EVERY_FILE = PACKAGE_FILES + sorted((ROOT / "tests").rglob("*.py")) + sorted(
    (ROOT / "benchmarks").rglob("*.py")) + sorted((ROOT / "tools").rglob("*.py"))


def test_every_module_lives_in_a_stage_folder() -> None:
    top = sorted(p.stem for p in PACKAGE.glob("*.py"))
    assert top == ["__init__", "__main__", "cli", "errors", "log", "reasons", "version"]
    folders = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())
    assert folders == sorted(MAY_IMPORT)


def test_each_stage_imports_only_the_stages_below_it() -> None:
    assert layer_violations(PACKAGE_FILES) == []


def test_no_one_imports_the_engines_private_parts() -> None:
    assert private_engine_uses(EVERY_FILE) == []


def test_the_checks_catch_a_wrong_import(tmp_path: Path) -> None:
    """The two checks above fail when a forbidden import is added."""
    upward = PACKAGE / "rules" / "_probe_upward.py"
    private = PACKAGE / "batch" / "_probe_private.py"
    try:
        upward.write_text("from paycalc.tables.inputs import Inputs\n", encoding="utf-8")
        private.write_text("from paycalc.engine.run import buckets\n", encoding="utf-8")
        assert layer_violations([upward]) == [
            "paycalc/rules/_probe_upward.py:1: rules imports paycalc.tables.inputs"]
        assert private_engine_uses([private]) == [
            "paycalc/batch/_probe_private.py:1: imports the engine's module paycalc.engine.run"]
    finally:
        upward.unlink(missing_ok=True)
        private.unlink(missing_ok=True)


def test_the_rule_objects_load_neither_pydantic_nor_polars() -> None:
    loaded = loaded_by(*modules_in("rules"), "paycalc.errors", "paycalc.reasons")
    assert loaded & {"pydantic", "pydantic_core", "polars"} == set()


def test_reading_and_compiling_agreements_loads_no_polars() -> None:
    loaded = loaded_by(*modules_in("spec"))
    assert "pydantic" in loaded
    assert loaded & {"polars"} == set()


@pytest.mark.parametrize("kind", typing.get_args(DriverKind))
def test_every_driver_kind_of_the_language_has_a_firing_rule(kind: str) -> None:
    assert kind in DRIVERS
