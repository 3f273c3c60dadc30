"""The role vocabulary: published posts (any script, English, layout codes) → canonical role ids.

Declared as data in ``roles.yaml`` beside this module. The loaders keep a post as published
(``OFFICER_OF.role``) and store :func:`canonical_roles` of it as ``OFFICER_OF.roles``; analytics
ask about a canonical id (``"independent_director" in canonical_roles(role)``), so 獨立董事,
独立董事 and "Independent Director" are one role. Bottom layer: imports nothing of the project.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

import yaml

__all__ = ["Role", "roles", "canonical_roles", "has_role", "INDEPENDENT_DIRECTOR"]

INDEPENDENT_DIRECTOR = "independent_director"

_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
# A trailing qualifier in brackets: 独立董事(历任), 董事（代理）, 董事长[离任].
_QUALIFIER = re.compile(r"[(\[【〔][^()\[\]【】〔〕]*[)\]】〕]$")
# Where a combined post splits: 董事兼總經理, 董事、总经理, 董事长/董事, Director & CEO, "director and ceo".
_SPLIT = re.compile(r"兼任|兼|、|/|,|;|&|\+|\band\b|及|暨")


@dataclass(frozen=True)
class Role:
    id: str
    label: str
    en: str
    spellings: tuple[str, ...]


def _fold(text: str) -> str:
    """The form spellings are compared in: half-width, lower-case, no spaces, no trailing qualifier."""
    t = " ".join(text.translate(_WIDTH).split()).lower()
    while (m := _QUALIFIER.search(t)) and m.start() > 0:
        t = t[: m.start()].strip()
    return t.replace(" ", "").replace("-", "")


@functools.cache
def roles() -> Mapping[str, Role]:
    """The vocabulary from ``roles.yaml``, by id (read once per process)."""
    raw = yaml.safe_load(Path(__file__).with_name("roles.yaml").read_text(encoding="utf-8"))
    out = {}
    for rid, spec in raw["roles"].items():
        out[rid] = Role(rid, spec["label"], spec["en"], tuple(str(s) for s in spec["spellings"]))
    return out


@functools.cache
def _index() -> Mapping[str, str]:
    index: dict[str, str] = {}
    for role in roles().values():
        for s in (role.label, role.en, role.id, *role.spellings):
            folded = _fold(s)
            if index.setdefault(folded, role.id) != role.id:
                raise ValueError(f"roles.yaml: {s!r} spells both {index[folded]} and {role.id}")
    return index


@functools.lru_cache(maxsize=65536)
def canonical_roles(text: str | None) -> tuple[str, ...]:
    """The canonical role ids of a published post, in order, without repeats; ``()`` if unknown.

    ``canonical_roles("獨立董事") == ("independent_director",)``;
    ``canonical_roles("执行董事兼总经理") == ("executive_director", "general_manager")``;
    ``canonical_roles("Director & CEO") == ("director", "general_manager")``. A whole-post
    spelling wins over splitting (董事会秘书 is one post). Parts no spelling matches are
    left out. Cached: a load sees few distinct posts.
    """
    if not text or not text.strip():
        return ()
    index = _index()
    whole = _fold(text)
    if whole in index:
        return (index[whole],)
    found = []
    for part in _SPLIT.split(" ".join(text.translate(_WIDTH).split()).lower()):
        rid = index.get(_fold(part)) if part.strip() else None
        if rid and rid not in found:
            found.append(rid)
    return tuple(found)


def has_role(role_text: str | None, role_id: str) -> bool:
    """True when the published post ``role_text`` is (or includes) the canonical ``role_id``."""
    if role_id not in roles():
        raise KeyError(f"unknown role {role_id!r}; known: {sorted(roles())}")
    return role_id in canonical_roles(role_text)
