"""Company resolution: join the firms that sources name by name alone to their registry node.

The store keys a Company by its 统一社会信用代码 (USCC) when a source gave one in full
(``co:uscc:…``), else by stock code (``co:stock:…``) or normalised name (``co:name:…``).
The 失信 list, 限制消费 orders, penalties and judgments usually name a firm by name only,
sometimes with a masked USCC (``91230199744****927K``), so the same firm can appear as a
registry node and as one or more name-keyed nodes. :func:`resolve_companies` decides which
of those are the same firm. It merges nothing in the graph: it returns links, each with a
score and the evidence for it, a ``canonical`` map, the cases it would not decide, and the
branch → parent relation. Every decision follows one of the rules below; there are no
silent guesses and no fuzzy matching.

Rules
-----
0. **Same stock code** (rule ``same_stock_code``, score 1.0). A record keyed by a stock code
   (the A-share board lists) is the one registry firm whose ``stock_code`` it is; checked first.
1. **Grouping.** Company nodes are grouped by :func:`~creditgraph.normalize.company_match_key`
   of their ``name``: full-width → half-width, Traditional → Simplified, punctuation,
   brackets and spaces dropped, ``有限责任公司`` → ``有限公司``. Only nodes with the same key
   can be linked.
2. **Same name, one registry firm** (rule ``same_name``, score 0.95). In a group with exactly
   one USCC-keyed node, every other node (name- or stock-keyed) is linked to it. An
   enterprise name is unique within its registration authority (企业名称登记管理规定), and
   the name carries the authority's region, so a full-name match in one registry is strong
   evidence but not proof; hence 0.95, not 1.
3. **Identifiers confirm or veto.** If the other node carries a ``uscc_masked``, ``uscc`` or
   ``org_code`` (组织机构代码, USCC positions 9–17), it is compared with the registry USCC:
   every visible character must agree. All agree → score 1.0 and rule
   ``same_name+masked_uscc`` (``+uscc``, ``+org_code``), the identifier quoted in the
   evidence. Any disagrees → no link; the node is reported ``ambiguous`` with reason
   ``contradicts``. An identifier that cannot be read → no link, reason ``unreadable_identifier``.
4. **Same name, several registry firms.** A group with two or more USCC-keyed nodes (the
   same name in different registries) links a node only when its identifiers fit exactly
   one of them (score 1.0; evidence lists the ``ruled_out`` ones). No identifier, or one that
   fits several or none, leaves the node unlinked and reported (``several_uscc`` /
   ``contradicts``). Registry nodes are never linked to each other.
5. **Branches are separate entities.** A name ending in 分公司 / 分行 / 支行 / 营业部 is a
   分支机构, not its parent: the match key keeps the branch part, so rule 1 never puts a
   branch in its parent's group. ``branches`` relates each branch node to the parent found
   by cutting the match key after the last legal-form word (公司, 银行, 集团, 信用社, …)
   before the suffix: ``兴业银行股份有限公司福州分行`` → ``兴业银行股份有限公司``;
   ``中国工商银行股份有限公司福州台江支行`` → ``中国工商银行股份有限公司`` (the legal person,
   not the intermediate 分行). The parent is that group's canonical node; if the group has
   more than one canonical node the pair is reported ``ambiguous`` (``branch_parent``) instead.

6. **Same name, one listed firm without a USCC** (rule ``same_name+stock``, score 0.95). A
   board list that publishes no 统一社会信用代码 for a firm keys it by stock code; the 失信
   list names that firm by name. In a group with no USCC-keyed node and exactly one listed
   firm (a stock-keyed node not joined to a registry node by rule 0), every name-keyed node is linked to
   it, on the same ground as rule 2 (a full enterprise name is unique within its registration
   authority; register-lookup services join on it). Two or more listed firms in the group →
   no link, reported ``several_stock``. Firms only: a person's name joins nothing here.

``canonical`` maps every Company node to itself, or to the node it is linked to; so the
canonical node of a resolved firm is its USCC-keyed node, or, for a listed firm that
publishes no USCC, its stock-keyed node. Other nodes are ignored.

Complexity: O(N·L) for N Company nodes with names of length L (one pass to group them in a
dict, one over the groups); a group with k registry nodes costs O(k) per other member.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass, field
from typing import Any, Mapping, NamedTuple

import networkx as nx

from creditgraph.analytics.resolve.records import Records
from creditgraph.graph.schema import schema
from creditgraph.normalize import company_match_key, halfwidth, uscc_matches_masked

__all__ = [
    "BRANCH_SUFFIXES",
    "SCORE_NAME",
    "SCORE_NAME_AND_ID",
    "Link",
    "Ambiguity",
    "Branch",
    "CompanyResolution",
    "resolve_companies",
    "company_canonical",
]

log = logging.getLogger(__name__)

#: Name endings that mark a 分支机构 (a branch: a different entity from its parent).
BRANCH_SUFFIXES = ("分公司", "分行", "支行", "营业部")
#: Score of a link on the full name alone (rule 2).
SCORE_NAME = 0.95
#: Score of a link where an identifier agrees with the registry USCC (rules 3 and 4).
SCORE_NAME_AND_ID = 1.0

# Words that end the legal person's name inside a branch name (longest first).
_LEGAL_FORMS = ("联合社", "合作社", "信用社", "联社", "公司", "银行", "集团")
_BRANCH = re.compile(
    "^(?P<parent>.*(?:{}))(?P<place>.*?)(?:{})$".format(
        "|".join(_LEGAL_FORMS), "|".join(BRANCH_SUFFIXES)))
# (property, evidence tag); checked in this order
_IDENTIFIERS = (("uscc_masked", "masked_uscc"), ("uscc", "uscc"), ("org_code", "org_code"))


@dataclass(frozen=True)
class Link:
    """Node ``a`` (name- or stock-keyed) is the same firm as node ``b``: the registry node
    (USCC-keyed), or a listed firm's stock-keyed node where it publishes no USCC (rule 6)."""

    a: str
    b: str
    score: float
    evidence: dict[str, Any] = field(default_factory=dict)


class Ambiguity(NamedTuple):
    """A node left unlinked: the candidates it could have joined and why it did not.

    ``reason`` starts with a code (``contradicts``, ``several_uscc``, ``several_stock``,
    ``unreadable_identifier``, ``branch_parent``), then a colon and the particulars.
    """

    node: str
    candidates: list[str]
    reason: str


class Branch(NamedTuple):
    """``branch`` is a 分支机构 of ``parent``: a relation, not a merge."""

    branch: str
    parent: str


@dataclass(frozen=True)
class CompanyResolution:
    """What :func:`resolve_companies` decided, in the graph's node order."""

    links: list[Link]
    canonical: dict[str, str]
    ambiguous: list[Ambiguity]
    branches: list[Branch]

    def summary(self) -> dict[str, int]:
        """Counts: Company nodes, links (by rule), ambiguous (by reason code), branches."""
        out = {"companies": len(self.canonical), "links": len(self.links),
               "ambiguous": len(self.ambiguous), "branches": len(self.branches)}
        for link in self.links:
            key = f"links.{link.evidence['rule']}"
            out[key] = out.get(key, 0) + 1
        for amb in self.ambiguous:
            key = f"ambiguous.{amb.reason.split(':', 1)[0]}"
            out[key] = out.get(key, 0) + 1
        return out


def resolve_companies(G: Records | nx.Graph) -> CompanyResolution:
    """Link name- and stock-keyed Company nodes to the USCC-keyed node of the same firm.

    ``G`` is a graph as ``GraphStore.export`` returns it (node attribute ``label`` plus the
    node's properties) or the :class:`~.records.Records` of a store's tables. Only
    ``label == "Company"`` nodes are read. The rules, scores and evidence are described in the
    module docstring. Raises ``TypeError`` for anything else.
    """
    nodes = Records.of(G).nodes
    uscc_prefix, name_prefix = _prefixes()
    canonical: dict[str, str] = {}
    groups: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for n, d in nodes.items():
        if d.get("label") != "Company":
            continue
        canonical[n] = n
        name = d.get("name") or (n[len(name_prefix):] if n.startswith(name_prefix) else None)
        try:
            key = company_match_key(str(name)) if name else None
        except ValueError:  # a name that is empty once cleaned: nothing to match on
            key = None
        if key:
            names[n] = str(name)
            groups.setdefault(key, []).append(n)

    links: list[Link] = []
    ambiguous: list[Ambiguity] = []
    # A stock code names one listed firm: a record keyed by it is the registry firm that lists it.
    by_stock: dict[str, list[str]] = {}
    for n in canonical:
        code = nodes[n].get("stock_code")
        if code and n.startswith(uscc_prefix):
            by_stock.setdefault(str(code), []).append(n)
    for n in canonical:
        code = nodes[n].get("stock_code")
        if n.startswith(uscc_prefix) or not code or len(by_stock.get(str(code), ())) != 1:
            continue
        target = by_stock[str(code)][0]
        both = [nodes[n].get("name"), nodes[target].get("name")]
        links.append(Link(n, target, SCORE_NAME_AND_ID,
                          {"rule": "same_stock_code", "stock_code": str(code), "names": both}))
        canonical[n] = target
    for key, members in groups.items():
        registry = [n for n in members if n.startswith(uscc_prefix)]
        if not registry:
            continue
        for n in members:
            if n.startswith(uscc_prefix) or canonical[n] != n:
                continue
            decision = _decide(n, nodes[n], registry, key, uscc_prefix, names)
            if isinstance(decision, Link):
                links.append(decision)
                canonical[n] = decision.b
            else:
                ambiguous.append(decision)

    for key, members in groups.items():
        _join_listed(members, key, nodes, canonical, links, ambiguous, names, uscc_prefix, name_prefix)

    branches: list[Branch] = []
    for key, members in groups.items():
        m = _BRANCH.match(key)
        if m is None or (parents := groups.get(m["parent"])) is None:
            continue
        heads = list(dict.fromkeys(canonical[p] for p in parents))
        for n in members:
            if len(heads) == 1:
                branches.append(Branch(n, heads[0]))
            else:
                ambiguous.append(Ambiguity(n, heads, (
                    f"branch_parent: parent name {m['parent']} matches {len(heads)} firms "
                    f"that are not resolved to one")))

    res = CompanyResolution(links, canonical, ambiguous, branches)
    log.debug("company resolution: %s", res.summary())
    return res


def company_canonical(G: Records | nx.Graph) -> dict[str, str]:
    """Every Company node → its canonical key (itself when unlinked); see :func:`resolve_companies`."""
    return resolve_companies(G).canonical


# ------------------------------------------------------------------ helpers


@functools.cache
def _prefixes() -> tuple[str, str]:
    prefix = schema().node("Company").prefix
    return f"{prefix}:uscc:", f"{prefix}:name:"


def _join_listed(members: list[str], key: str, nodes: Mapping[str, Mapping[str, Any]], canonical: dict[str, str],
                 links: list[Link], ambiguous: list[Ambiguity], names: Mapping[str, str], uscc_prefix: str,
                 name_prefix: str) -> None:
    """Rule 6 for one name group: its name-keyed nodes join the group's one stock-keyed firm
    when the group has no registry node (a listed firm that publishes no USCC)."""
    if any(n.startswith(uscc_prefix) for n in members):
        return
    named = [n for n in members if n.startswith(name_prefix) and canonical[n] == n]
    listed = [n for n in members if nodes[n].get("stock_code") and not n.startswith(name_prefix)]
    if not named or not listed or any(canonical[n] != n for n in listed):
        return  # a listed firm already joined elsewhere by its code: its own name decides nothing here
    if len(listed) > 1:
        ambiguous.extend(Ambiguity(n, listed, (
            f"several_stock: {len(listed)} listed firms without a USCC share match key {key}")) for n in named)
        return
    target = listed[0]
    for n in named:
        links.append(Link(n, target, SCORE_NAME, {
            "rule": "same_name+stock", "match_key": key, "stock_code": str(nodes[target]["stock_code"]),
            "names": [names[n], names.get(target, nodes[target].get("name"))]}))
        canonical[n] = target


def _fits(uscc: str, prop: str, value: Any) -> bool:
    """Whether identifier ``prop`` = ``value`` agrees with ``uscc``; ValueError if unreadable."""
    text = halfwidth(str(value)).strip().upper()
    if prop == "org_code":
        code = text.replace("-", "")
        if len(code) != 9:
            raise ValueError(f"org_code must be 9 characters, got {text!r}")
        return uscc.upper()[8:17] == code
    return uscc_matches_masked(uscc, text)


def _check(attrs: Mapping[str, Any], uscc: str) -> tuple[str, dict[str, Any], str]:
    """``(verdict, identifiers used, detail)``; verdict: agree, none, contradict or unreadable."""
    used: dict[str, Any] = {}
    for prop, _ in _IDENTIFIERS:
        value = attrs.get(prop)
        if value is None or str(value) == "":
            continue
        try:
            ok = _fits(uscc, prop, value)
        except ValueError as e:
            return "unreadable", {prop: value}, f"{prop} {value!r} cannot be compared: {e}"
        if not ok:
            return "contradict", {prop: value}, f"{prop} {value} does not fit USCC {uscc}"
        used[prop] = value
    return ("agree" if used else "none"), used, ""


def _evidence(key: str, used: Mapping[str, Any], names: tuple[str, str]) -> dict[str, Any]:
    tags = [tag for prop, tag in _IDENTIFIERS if prop in used]
    return {"rule": "+".join(["same_name", *tags]), "match_key": key, **used, "names": list(names)}


def _decide(n: str, attrs: Mapping[str, Any], registry: list[str], key: str, uscc_prefix: str,
            names: Mapping[str, str]) -> Link | Ambiguity:
    """Rules 2–4 for one non-registry node ``n`` in a group with registry nodes ``registry``."""
    checks = {u: _check(attrs, u[len(uscc_prefix):]) for u in registry}
    if len(registry) == 1:
        u = registry[0]
        verdict, used, detail = checks[u]
        if verdict == "contradict":
            return Ambiguity(n, [u], f"contradicts: same match key {key} but {detail}")
        if verdict == "unreadable":
            return Ambiguity(n, [u], f"unreadable_identifier: {detail}")
        score = SCORE_NAME_AND_ID if verdict == "agree" else SCORE_NAME
        return Link(n, u, score, _evidence(key, used, (names[n], names[u])))

    if all(verdict == "none" for verdict, _, _ in checks.values()):
        return Ambiguity(n, list(registry), (
            f"several_uscc: {len(registry)} registry firms share match key {key} and the node "
            f"carries no identifier to choose between them"))
    fits = [u for u in registry if checks[u][0] == "agree"]
    if len(fits) == 1:
        u = fits[0]
        evidence = _evidence(key, checks[u][1], (names[n], names[u]))
        evidence["ruled_out"] = [r for r in registry if r != u]
        return Link(n, u, SCORE_NAME_AND_ID, evidence)
    if fits:
        return Ambiguity(n, fits, (
            f"several_uscc: its identifiers fit {len(fits)} of the {len(registry)} registry "
            f"firms sharing match key {key}"))
    unreadable = [detail for verdict, _, detail in checks.values() if verdict == "unreadable"]
    if unreadable:
        return Ambiguity(n, list(registry), f"unreadable_identifier: {unreadable[0]}")
    return Ambiguity(n, list(registry), (
        f"contradicts: its identifiers fit none of the {len(registry)} registry firms sharing "
        f"match key {key}"))
