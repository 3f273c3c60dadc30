"""One role's view of the graph (:class:`Disclosure`): what the table in ``access.yaml`` lets a
role see, applied to plain records after every cached read — names masked, ID-derived fields and
records past publicity dropped, name-bearing keys tokenised, actions refused with
:class:`~creditgraph.errors.AccessDenied`. The table and the roles are :mod:`creditgraph.access`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from creditgraph.errors import AccessDenied, CreditGraphError
from creditgraph.graph.records import Edge, Entity, Path as GraphPath, Subgraph

if TYPE_CHECKING:
    from creditgraph.access import Grant, Policy

__all__ = ["Disclosure", "mask_name"]

log = logging.getLogger(__name__)

_RECORDS = ("DishonestRecord", "Restriction", "AbnormalListing", "Penalty")
# labels whose keys carry a natural person's name (or an ID hash): tokenised in masked views
_NAMED_KEY_PREFIXES = ("pe", "dr", "rs", "ab")
_PERSON_NAME_PROPS = ("name", "name_key", "subject_name")


def _is_token(key: str) -> bool:
    return ":~" in key[:4]


@cache
def _is_organisation(name: str) -> bool:
    from creditgraph.normalize import is_organisation_name

    return is_organisation_name(name)


def mask_name(name: Any) -> str:
    """A natural person's name with all but its first and last character hidden: 张三明 → 张*明,
    张三 → 张*, 欧阳小明 → 欧**明; Latin names word by word (John Smith → J*** S****)."""
    text = str(name or "").strip()
    if not text:
        return text
    if re.search(r"[A-Za-z]", text) and not re.search(r"[\u3400-\u9fff]", text):
        return " ".join(w[0] + "*" * (len(w) - 1) for w in text.split())
    if len(text) <= 2:
        return text[0] + "*"
    return text[0] + "*" * (len(text) - 2) + text[-1]


class Disclosure:
    """One role's view of the graph: masks and filters what reads return, refuses actions.

    Every method takes plain records (:mod:`creditgraph.graph.records`, dicts) and returns
    new ones; the inputs — often shared cached objects — are never changed."""

    def __init__(self, policy: Policy, role: str, grant: Grant) -> None:
        self.policy, self.role, self.grant = policy, role, grant
        t = policy._table
        self._masked = grant.names == "masked"
        hidden = [g for name, g in t.fields.items() if name != "risk" and name not in grant.ids]
        self._hidden_any = frozenset(p for g in hidden if not g.labels for p in g.props)
        self._hidden_by_label: dict[str, frozenset[str]] = {}
        for g in hidden:
            for label in g.labels:
                self._hidden_by_label[label] = self._hidden_by_label.get(label, frozenset()) | frozenset(g.props)
        self._risk = frozenset(t.fields["risk"].props)

    def __repr__(self) -> str:
        return f"Disclosure({self.role!r})"

    # -- actions ----------------------------------------------------------------------------

    def may(self, action: str) -> bool:
        if action not in self.policy.actions:
            raise CreditGraphError(f"unknown action {action!r}")
        return action in self.grant.actions

    def require(self, action: str) -> None:
        """Raise :class:`AccessDenied` unless the role may ``action`` (see ``actions`` in access.yaml)."""
        if not self.may(action):
            raise AccessDenied(f"the role {self.role} may not {self.policy.actions[action]}")

    def may_open(self, page: str) -> bool:
        """Whether the role may open ``page`` (the name of its file in app/app_pages, without .py)."""
        action = self.policy._table.pages.get(page)
        return action is not None and self.may(action)

    def require_export(self, kind: str) -> None:
        self.require(f"export.{kind}")

    def gate(self, action: str, value: Any) -> Any:
        """``value`` if the role may ``action``; :class:`AccessDenied` otherwise."""
        self.require(action)
        return value

    @property
    def max_hops(self) -> int:
        return self.grant.max_hops

    def require_hops(self, hops: int) -> None:
        if hops > self.grant.max_hops:
            raise AccessDenied(f"the role {self.role} sees networks {self.grant.max_hops} "
                               f"hop{'s' * (self.grant.max_hops != 1)} deep, not {hops}")

    # -- keys -------------------------------------------------------------------------------

    def key(self, key: str) -> str:
        """``key`` as this role sees it: an opaque token where the key carries a person's name."""
        if self._masked and key and key.split(":", 1)[0] in _NAMED_KEY_PREFIXES and not _is_token(key):
            return self.policy._token(key)
        return key

    def real_key(self, key: Any) -> Any:
        """The store key behind a token this process handed out (other values unchanged)."""
        if isinstance(key, str) and _is_token(key):
            return self.policy._untoken(key)
        return key

    def real_query(self, query: Any) -> Any:
        """A query as the register keeps it: tokens in it (values, lists, dicts) back to store
        keys, so the register names what was read whoever read it; unknown tokens stay."""
        if isinstance(query, str):
            try:
                return self.real_key(query)
            except AccessDenied:
                return query
        if isinstance(query, Mapping):
            return {k: self.real_query(v) for k, v in query.items()}
        if isinstance(query, (list, tuple)):
            return type(query)(self.real_query(v) for v in query)
        return query

    # -- entities ---------------------------------------------------------------------------

    def expired(self, e: Entity) -> bool:
        """Whether ``e`` is a record past its publicity period (access.yaml ``publicity``)."""
        rule = self.policy._table.publicity.get(e.label)
        if rule is None:
            return False
        value = e.props.get(rule.date)
        if not value:
            return False
        try:
            day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            return False
        return self.policy.today() >= day + dt.timedelta(days=rule.days)

    def visible(self, e: Entity) -> bool:
        return self.grant.expired or not self.expired(e)

    def _names_a_person(self, label: str, props: Mapping[str, Any]) -> bool:
        if label == "Person":
            return True
        if label in _RECORDS:
            subject = props.get("subject_name") or props.get("name")
            return bool(subject) and not _is_organisation(str(subject))
        return False

    def props(self, label: str, props: Mapping[str, Any]) -> dict[str, Any]:
        """The properties of a ``label`` node this role may see."""
        hidden = self._hidden_any | self._hidden_by_label.get(label, frozenset())
        out = {k: v for k, v in props.items() if k not in hidden}
        risk = self.grant.risk
        if risk == "hidden":
            out = {k: v for k, v in out.items() if k not in self._risk}
        elif risk == "scores" and out.get("shell_reasons"):
            out["shell_reasons"] = _json_map(out["shell_reasons"],
                                             lambda r: {k: v for k, v in r.items() if k != "evidence"})
        if self._masked:
            if self._names_a_person(label, props):
                for p in _PERSON_NAME_PROPS:
                    if out.get(p):
                        out[p] = mask_name(out[p])
                out.pop("source_ids", None)  # record ids may carry the name
            if out.get("legal_rep_name"):
                out["legal_rep_name"] = mask_name(out["legal_rep_name"])
            if label == "Case":  # 张三与李四借款合同纠纷: the parties' names
                out.pop("name", None)
                out.pop("title", None)
            if out.get("resolved"):
                out["resolved"] = self.key(out["resolved"])
            for p in ("asset_hiding", "moved_assets"):
                if out.get(p):
                    out[p] = _json_map(out[p], lambda r: {
                        k: self.key(v) if k in ("debtor", "via", "firm") and isinstance(v, str) else v
                        for k, v in r.items()})
        return out

    def entity(self, e: Entity) -> Entity:
        """``e`` as this role sees it; :class:`AccessDenied` for a record past its publicity."""
        if not self.visible(e):
            raise AccessDenied(f"{self.key(e.key)} is past its publicity period")
        return Entity(self.key(e.key), e.label, self.props(e.label, e.props))

    def entities(self, entities: Iterable[Entity]) -> list[Entity]:
        """The entities this role may see, masked; the others left out."""
        return [self.entity(e) for e in entities if self.visible(e)]

    def _edge(self, ed: Edge) -> Edge:
        props = dict(ed.props)
        if self._masked:
            props.pop("source_ids", None)
            if ed.type == "SAME_AS":
                props.pop("evidence", None)  # the facts behind a match: names, ID fragments
        return Edge(ed.type, self.key(ed.start), self.key(ed.end), props)

    def subgraph(self, sub: Subgraph) -> Subgraph:
        """A neighbourhood as this role sees it: hidden records and their edges left out."""
        gone = {n.key for n in sub.nodes if not self.visible(n)}
        return Subgraph(tuple(self.entity(n) for n in sub.nodes if n.key not in gone),
                        tuple(self._edge(ed) for ed in sub.edges if ed.start not in gone and ed.end not in gone),
                        {self.key(k): v for k, v in sub.more.items() if k not in gone})

    def neighbourhood(self, sub: Subgraph, hops: int) -> Subgraph:
        """A ``hops``-deep neighbourhood read: refused past the role's depth, else :meth:`subgraph`."""
        self.require_hops(hops)
        return self.subgraph(sub)

    def paths(self, paths: Sequence[GraphPath], max_hops: int | None = None) -> list[GraphPath]:
        """Path query results; needs ``paths``; a path through a hidden record is left out."""
        self.require("paths")
        if max_hops is not None:
            self.require_hops((max_hops + 1) // 2)
        return [GraphPath(tuple(self.entity(n) for n in p.nodes), tuple(self._edge(ed) for ed in p.edges))
                for p in paths if all(self.visible(n) for n in p.nodes)]

    def search(self, found: tuple[str, list[Any]]) -> tuple[str, list[Any]]:
        """A search result ``(kind, hits)`` (graph.lookup): ID-number searches need ``search.id``."""
        self.require("search")
        kind, hits = found
        if kind == "id":
            self.require("search.id")
        return kind, [dataclasses.replace(h, entity=self.entity(h.entity)) for h in hits if self.visible(h.entity)]

    def ranked(self, by: str, entities: Iterable[Entity]) -> list[Entity]:
        """A ranking; needs ``rankings``, and a role that sees no risk cannot rank by it."""
        self.require("rankings")
        if by in self._risk and self.grant.risk == "hidden":
            raise AccessDenied(f"the role {self.role} does not see {by}")
        return self.entities(entities)

    def listings(self, rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """``GraphStore.related_listings`` rows: records past publicity left out, names masked."""
        out = []
        for r in rows:
            record = Entity(r["key"], r["label"], r.get("props") or {})
            if not self.visible(record):
                continue
            row = dict(r, key=self.key(r["key"]), props=self.props(record.label, record.props))
            if self._masked and r.get("subject"):
                row["subject"] = self.key(r["subject"])
                if str(r["subject"]).startswith("pe:") and r.get("via") not in (None, "self"):
                    masked = mask_name(r["via"])
                    row["relation"] = str(r.get("relation", "")).replace(str(r["via"]), masked)
                    row["via"] = masked
            out.append(row)
        return out

    def rows(self, rows: Iterable[Mapping[str, Any]], *, keys: Sequence[str] = (),
             names: Sequence[str] = ()) -> list[dict[str, Any]]:
        """Plain rows: the ``keys`` columns as this role's keys, the ``names`` columns (natural
        persons' names) masked where the role sees masked names."""
        out = []
        for r in rows:
            row = dict(r)
            for k in keys:
                if isinstance(row.get(k), str):
                    row[k] = self.key(row[k])
            if self._masked:
                for k in names:
                    if row.get(k):
                        row[k] = mask_name(row[k])
            out.append(row)
        return out

    def names(self, names: Mapping[str, str]) -> dict[str, str]:
        """key → display name (of any label) as this role sees them: persons' names masked, and
        the names of records whose subject is a person; a case by its number (its name names
        the parties)."""
        if not self._masked:
            return dict(names)
        out = {}
        for key, name in names.items():
            prefix, _, rest = key.partition(":")
            if prefix == "pe" or (prefix in ("dr", "rs", "ab", "pn") and not _is_organisation(str(name))):
                name = mask_name(name)
            elif prefix == "ca":
                name = rest
            out[self.key(key)] = name
        return out

    def leads(self, rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Hidden-asset leads (debtor, firm, via, ...): need ``hidden_assets``."""
        self.require("hidden_assets")
        return self.rows(rows, keys=("debtor", "via", "firm"))


def _json_map(text: str, f: Callable[[dict], dict]) -> str:
    try:
        items = json.loads(text)
    except (TypeError, ValueError):
        return text
    if not isinstance(items, list):
        return text
    return json.dumps([f(i) if isinstance(i, dict) else i for i in items], ensure_ascii=False)
