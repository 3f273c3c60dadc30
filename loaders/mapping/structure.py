"""What a mapping file may hold, checked before anything reads it: a strict pydantic model of
the YAML, whose first error becomes a one-line ``MappingError`` naming the place
(``entities.firm.properties.uscc``). A mapping is untrusted input.
"""

from __future__ import annotations

import codecs
import datetime as dt
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from creditgraph.errors import MappingError
from creditgraph.loaders.mapping.source import record_id_template

__all__ = ["MAX_MAPPING_BYTES", "check_structure", "one_line"]

MAX_MAPPING_BYTES = 1 << 20  # a mapping is a page of YAML; anything larger is not one


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


_Prop = str | dict[str, Any]


class _LookupModel(_Strict):
    file: str
    key: str
    delimiter: str | None = None

    @field_validator("file")
    @classmethod
    def _inside(cls, v: str) -> str:
        for flavour in (PurePosixPath, PureWindowsPath):
            p = flavour(v)
            if p.is_absolute() or p.anchor or ".." in p.parts:
                raise ValueError(f"{v!r} must name a file in the data file's folder (no absolute path, no ..)")
        return v


class _DetectModel(_Strict):
    headers: list[str] = []
    filename: str | None = None


class _DeriveModel(_Strict):
    column: str
    pattern: str


class _EntityModel(_Strict):
    label: str | dict[str, Any]
    properties: dict[str, _Prop] = Field(min_length=1)
    identity: str | list[str] | None = None
    optional: bool = False
    when: dict[str, Any] | None = None


class _RelModel(_Strict):
    type: str
    from_: str = Field(alias="from")
    to: str
    properties: dict[str, _Prop] | None = None
    when: dict[str, Any] | None = None


class _MappingModel(_Strict):
    name: str
    source: str
    description: str = ""
    format: Literal["csv", "tsv", "jsonl"] = "csv"
    detect: _DetectModel = _DetectModel()
    delimiter: str | None = Field(None, min_length=1, max_length=1)
    encoding: str = "utf-8-sig"
    seen: dt.date | str | dict[str, Any] | None = None
    record_id: str | None = None
    expand: str | None = None
    null_values: list[str | int | float] | None = None
    lookups: dict[str, _LookupModel] | None = None
    derive: list[_DeriveModel] | None = None
    entities: dict[str, _EntityModel] = Field(min_length=1)
    relationships: list[_RelModel] | None = None

    @field_validator("encoding")
    @classmethod
    def _known(cls, v: str) -> str:
        try:
            codecs.lookup(v)
        except LookupError:
            raise ValueError(f"unknown encoding {v!r}") from None
        return v

    @field_validator("record_id")
    @classmethod
    def _plain(cls, v: str | None) -> str | None:
        if v is not None:
            record_id_template(v)
        return v


def one_line(text: str) -> str:
    """``text`` on one line: every whitespace run (newlines too) as one space."""
    return " ".join(str(text).split())


def check_structure(raw: Any, path: Path) -> None:
    """``MappingError`` naming the first place (``entities.firm.properties``) where ``raw`` is malformed."""
    if not isinstance(raw, dict):
        kind = "empty" if raw is None else f"a {type(raw).__name__}"
        raise MappingError(f"mapping {path}: the top level must be a mapping (name:, source:, entities: …), "
                           f"not {kind}")
    try:
        _MappingModel.model_validate(raw)
    except ValidationError as e:
        errors = e.errors()
        first = errors[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        msg = first["msg"].removeprefix("Value error, ")
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise MappingError(one_line(f"mapping {path}: {where}: {msg}{more}")) from None
