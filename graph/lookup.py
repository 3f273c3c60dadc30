"""One search box for everything: tell what a query is, look it up where it can be, rank the hits.

A query may be a USCC (full or masked as published), an ID number (a full one is hashed
with the deployment's key before it goes anywhere, since only the hash is stored), a case
number in any bracket style, a stock code (``2330``, ``2330.TW``, ``000002.SZ``), an entity
key, or part of a name. Identifier lookups go through indexes; names try a prefix match
(indexed) on the published ``name`` and on its match key ``name_key`` before a substring scan,
so a name typed in either script (莊永順 / 庄永顺) finds both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from creditgraph import normalize as nz
from creditgraph.errors import SchemaError
from creditgraph.graph.name_index import NameIndex, fold
from creditgraph.graph.port import GraphStore
from creditgraph.graph.records import Entity
from creditgraph.graph.schema import schema

__all__ = ["Hit", "interpret", "lookup"]

#: How good a match is, best first.
EXACT, PREFIX, CONTAINS = 0, 1, 2
_CASE_LABELS = ("Case", "DishonestRecord", "Restriction")
# a stock code, bare (2330, 000002) or with its market (2330.TW); stored as code.MARKET
_STOCK = re.compile(r"^(\d{4,6})(?:\.([A-Za-z]{1,4}))?$")


@dataclass(frozen=True)
class Probe:
    """One index lookup a query asks for."""

    label: str
    prop: str
    value: str
    prefix: bool = False
    quality: int = EXACT


@dataclass(frozen=True)
class Hit:
    entity: Entity
    matched: str   # which property matched
    quality: int   # EXACT, PREFIX or CONTAINS

    @property
    def risk(self) -> float:
        p = self.entity.props
        return max(float(p.get("shell_score") or 0.0), 1.0 if p.get("repeat_flag") else 0.0,
                   float(p.get("spread") or 0.0))


def interpret(text: str, *, hash_key: str) -> tuple[str, list[Probe]]:
    """What ``text`` is ("key", "uscc", "id", "case", "stock" or "name") and the lookups it needs."""
    text = (text or "").strip()
    if not text:
        return "empty", []
    try:
        schema().label_of(text)
        return "key", [Probe(schema().label_of(text), "key", text)]
    except SchemaError:
        pass
    compact = nz.halfwidth(text).replace(" ", "").upper()
    if nz.is_valid_uscc(compact):
        return "uscc", [Probe("Company", "uscc", compact)]
    if nz.is_valid_id(compact):
        return "id", [Probe("Person", "id_hash", nz.hash_id(compact, hash_key)),
                      Probe("Person", "id_masked", nz.mask_id(compact), quality=PREFIX)]
    if "*" in compact:
        probes = []
        try:
            probes.append(Probe("Person", "id_masked", nz.parse_id(compact).masked))
        except ValueError:
            pass
        if nz.is_masked_uscc(compact):
            probes.append(Probe("Company", "uscc_masked", compact))
            head = compact.split("*", 1)[0]
            if len(head) >= 8:
                probes.append(Probe("Company", "uscc", head, prefix=True, quality=PREFIX))
        if probes:
            return ("uscc" if probes[0].label == "Company" else "id"), probes
    try:
        case_no = nz.normalize_case_no(text)
    except ValueError:
        case_no = None
    if case_no and "号" in case_no:
        return "case", [Probe(label, "case_no", case_no) for label in _CASE_LABELS]
    if m := _STOCK.match(compact):
        code, market = m.groups()
        if market:
            return "stock", [Probe("Company", "stock_code", f"{code}.{market.upper()}")]
        # a bare code in every market that has it, as published: 2330 is Taiwan's 2330.TW,
        # never Shenzhen's 002330.SZ (no padding into another market's numbering)
        return "stock", [Probe("Company", "stock_code", f"{code}.", prefix=True)]
    name = nz.clean_text(text) or text
    probes = [Probe(label, "name", name, prefix=True, quality=PREFIX) for label in ("Company", "Person")]
    key = fold(name)
    if key:
        probes += [Probe(label, "name_key", key, prefix=True, quality=PREFIX) for label in ("Company", "Person")]
    return "name", probes


def lookup(store: GraphStore, text: str, *, hash_key: str, limit: int = 20,
           names: NameIndex | None = None) -> tuple[str, list[Hit]]:
    """The query's kind and its hits: exact identifiers first, then prefix, then substring
    matches; within each, the riskiest first. Substring matches come from ``names`` when given
    (in memory), else from the store's scan."""
    kind, probes = interpret(text, hash_key=hash_key)
    hits: dict[str, Hit] = {}
    for p in probes:
        if p.prop == "key":
            found = [e for e in store.find(p.label, "key", p.value, limit=1)]
        else:
            found = store.find(p.label, p.prop, p.value, prefix=p.prefix, limit=limit)
        if p.label == "Company" and p.prop == "uscc" and p.prefix:
            found = [e for e in found if nz.uscc_matches_masked(e.props.get("uscc", ""), text.upper())]
        for e in found:
            if e.key not in hits or hits[e.key].quality > p.quality:
                hits[e.key] = Hit(e, p.prop, p.quality)
    if kind == "name" and len(hits) < limit:
        if names is not None:
            found = store.entities(k for k in names.search(text, limit=limit) if k not in hits)
        else:
            found = store.search(text, labels=["Company", "Person"], limit=limit)
            key = fold(text)
            if key and key != text.strip() and len(found) < limit:  # the other script, via name_key
                found = [*found, *store.search(key, labels=["Company", "Person"], limit=limit)]
        for e in found:
            hits.setdefault(e.key, Hit(e, "name", CONTAINS))
    ranked = sorted(hits.values(), key=lambda h: (h.quality, -h.risk, len(h.entity.name), h.entity.key))
    return kind, ranked[:limit]
