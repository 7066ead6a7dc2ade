"""The base of every language model: unknown keys are errors, and each validated section
remembers which file and key path it came from, so later checks can point at it."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, PrivateAttr

from paycalc.errors import Problem


class Section(BaseModel):
    """A mapping in an agreement file."""

    model_config = ConfigDict(extra="forbid", populate_by_name=False, validate_default=True)

    _origin: Any = PrivateAttr(default=None)
    _path: tuple[Any, ...] = PrivateAttr(default=())
    _from: dict[str, Any] = PrivateAttr(default_factory=dict)

    def problem(self, fields: tuple[Any, ...], message: str, allowed: str = "",
                *, key: bool = False) -> Problem | None:
        """A problem at `fields` below this section, in the file that wrote them; None when
        the section was not read from a file."""
        owner = self._from.get(fields[0], self) if fields else self
        if owner._origin is None:
            return None
        return owner._origin.problem((*owner._path, *fields), message, allowed, key=key)
