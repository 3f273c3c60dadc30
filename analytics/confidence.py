"""How sure is it that a list entry concerns this entity? The weakest link on the way.

Entity resolution joins records into entities with scored ``SAME_AS`` links; the links of one
entity form a forest. A dishonest record (失信), restriction (限消), abnormal listing (异常) or
penalty (处罚) reaches an entity through a chain: the entity's own record, ``SAME_AS`` links to
the record the entry names, and for a firm's people (or a person's firms) one role edge and that
side's links. The chain is as strong as its weakest link, so each row's ``confidence`` is the
minimum score along it (1.0 for the entity's own record).

Pure functions over the rows a store reads (``GraphStore.related_listings`` of every backend
calls :func:`related_listings` with its own :class:`ListingReader`), so the rule lives once.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Mapping, Protocol, Sequence

import networkx as nx

__all__ = ["ListingReader", "ROLE_TYPES", "chain_confidence", "role_hops", "related_listings"]

#: The relationship types that tie people to firms for this search.
ROLE_TYPES = ("LEGAL_REP_OF", "OFFICER_OF", "SHAREHOLDER_OF")


class ListingReader(Protocol):
    """The four reads the search needs; each returns rows as a store's query does."""

    def members(self, label: str, rids: Sequence[str]) -> Sequence[Mapping[str, Any]]:
        """Records whose ``resolved`` is one of ``rids``: rows ``{key, resolved}``."""

    def links(self, label: str, rids: Sequence[str]) -> Sequence[Mapping[str, Any]]:
        """``SAME_AS`` links leaving those records: rows ``{a, b, score}``."""

    def roles(self, label: str, keys: Sequence[str]) -> Sequence[Mapping[str, Any]]:
        """Role edges (:data:`ROLE_TYPES`) of these Company records to their people, or of these
        Person records to their firms: rows ``{firm, person, name, resolved, type, role}``, where
        ``name`` and ``resolved`` (its ``resolved`` or own key) are the other side's."""

    def listings(self, label: str, keys: Sequence[str]) -> Sequence[Mapping[str, Any]]:
        """``LISTED_IN`` entries of these records: rows ``{subject, key, label, props}``."""


def chain_confidence(members: Sequence[Mapping[str, Any]], links: Sequence[Mapping[str, Any]],
                     rids: Sequence[str], *, start: Mapping[str, str] | None = None) -> dict[str, dict[str, float]]:
    """For each resolved id in ``rids``, its member records → the confidence of the link chain from
    the start record (``start[rid]``, else the resolved record itself) to that member: the lowest
    link score on the way, 0.0 for a member no link reaches. A resolved id without members maps
    its start record to 1.0 (an unresolved record is sure of itself).

    ``members``/``links`` are :meth:`ListingReader.members`/:meth:`ListingReader.links` rows; a
    link without a score counts 0.0. Cost: O(members + links) (breadth-first over a forest)."""
    start = start or {}
    G = nx.Graph()
    keys_of: dict[str, list[str]] = defaultdict(list)
    for m in members:
        G.add_node(m["key"])
        keys_of[m["resolved"]].append(m["key"])
    G.add_weighted_edges_from((link["a"], link["b"], link["score"] or 0.0) for link in links)
    out: dict[str, dict[str, float]] = {}
    for rid in rids:
        keys = keys_of.get(rid, [])
        origin = start.get(rid, rid)
        if not keys:
            out[rid] = {origin: 1.0}
            continue
        conf = {origin: 1.0} if origin in G else {k: 1.0 for k in keys}
        frontier = list(conf)
        while frontier:  # links form a forest: each member has one chain back to the start
            nxt = []
            for u in frontier:
                for v in G[u]:
                    if v not in conf:
                        conf[v] = min(conf[u], G[u][v]["weight"])
                        nxt.append(v)
            frontier = nxt
        out[rid] = {k: conf.get(k, 0.0) for k in keys}
    return out


def role_hops(roles: Sequence[Mapping[str, Any]], own: Mapping[str, float], *,
              side: str) -> dict[str, tuple[float, str, list[str]]]:
    """The other side's entities reached through role edges: resolved id → (confidence of the
    best chain to the role edge, display name, sorted roles such as ``OFFICER_OF:董事``).
    ``side`` names the column holding this entity's record (``firm`` or ``person``)."""
    hops: dict[str, tuple[float, str, list[str]]] = {}
    for r in roles:
        role = f"{r['type']}{':' + r['role'] if r['role'] else ''}"
        conf, name, have = hops.get(r["resolved"], (0.0, r["name"], []))
        hops[r["resolved"]] = (max(conf, own[r[side]]), name, sorted(set(have) | {role}))
    return hops


def related_listings(key: str, label: str, resolved: str | None, read: ListingReader) -> list[dict[str, Any]]:
    """The list entries tied to record ``key`` (of ``label``, Person or Company, resolved into
    ``resolved``): its entity's own, then those of the people of a firm (or the firms of a
    person). Rows: the reader's listing row plus ``via`` (``self`` or the other side's name),
    ``relation`` and ``confidence`` (:func:`chain_confidence`, and for other sides the weaker of
    the chain to the role edge and the chain from that side's entity to the listed record,
    rounded to 4 places). Six reads, however many records the entities hold."""
    rid = resolved or key
    own = chain_confidence(read.members(label, [rid]), read.links(label, [rid]), [rid], start={rid: key})[rid]
    rows = [dict(r, confidence=own[r["subject"]], via="self", relation="own record")
            for r in read.listings(label, list(own))]
    other = "Person" if label == "Company" else "Company"
    hops = role_hops(read.roles(label, list(own)), own, side="firm" if label == "Company" else "person")
    rids = sorted(hops)
    clusters = chain_confidence(read.members(other, rids), read.links(other, rids), rids)
    every = {m: c for members in clusters.values() for m, c in members.items()}
    by_subject: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for r in read.listings(other, list(every)) if every else []:
        by_subject[r["subject"]].append(r)
    for rid_, (conf, name, roles) in sorted(hops.items()):
        for member, member_conf in clusters[rid_].items():
            for r in by_subject.get(member, []):
                rows.append(dict(r, confidence=round(min(conf, member_conf), 4), via=name,
                                 relation=f"{name} ({', '.join(roles)})"))
    return rows
