"""The agreement language: pydantic models of what a consultant may write in YAML.

These models check shape only (keys, types, allowed words). Meaning that spans the whole
agreement (references, cycles, ordering) is checked by `paycalc.spec.compile`.
"""

from paycalc.spec.language.document import AgreementDocument, RuleSetDocument

__all__ = ["AgreementDocument", "RuleSetDocument"]
