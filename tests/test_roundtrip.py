"""Generated agreements written as YAML load and compile to the same rule objects as the
documents they were written from: the loader keeps every value a consultant writes."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from agreement_strategies import agreements
from hypothesis import given
from hypothesis import strategies as st
from ruamel.yaml import YAML

from paycalc.spec.compile import compile_document
from paycalc.spec.language.document import AgreementDocument
from paycalc.spec.load import load_text
from paycalc.spec.validate import validate_document


def _decimal(representer: Any, value: Decimal) -> Any:
    text = str(value)
    kind = "float" if "." in text else "int"
    return representer.represent_scalar(f"tag:yaml.org,2002:{kind}", text)


INDICATORS = tuple("?:-,[]{}#&*!|>'\"%@`")


def _text(representer: Any, value: str) -> Any:
    # ruamel's emitter writes e.g. `?0` unquoted in flow style, which no parser reads back
    style = '"' if value.startswith(INDICATORS) else None
    return representer.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def to_yaml(document: dict[str, Any], flow: bool) -> str:
    """The document as a YAML 1.2 writer would put it (decimals written exactly)."""
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = flow
    yaml.sort_base_mapping_type_on_output = False  # keep the order written
    yaml.representer.add_representer(Decimal, _decimal)
    yaml.representer.add_representer(str, _text)
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()


@given(agreements(), st.booleans())
def test_yaml_round_trip_gives_the_same_rule_objects(document: dict[str, Any],
                                                     flow: bool) -> None:
    direct = compile_document(AgreementDocument.model_validate(document))
    text = to_yaml(document, flow)
    loaded = load_text(text, "generated.yaml")
    assert loaded.data == document
    via_yaml = compile_document(validate_document(loaded))
    assert via_yaml == direct
    assert [t.code for t in via_yaml.trackers] == list(document["trackers"])
    assert [s.code for s in via_yaml.salary_types] == list(document["salary_types"])
