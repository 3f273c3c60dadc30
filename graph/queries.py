"""Every Cypher statement creditgraph runs, in one place.

Values always travel as parameters. Labels and relationship types cannot be
parameters in Cypher, so builders interpolate them only after checking them against
the schema (``_label`` / ``_rel``); hop counts are checked ints. The same text runs on
Neo4j 5 and on ArcadeDB's Bolt/OpenCypher endpoint.
"""

from __future__ import annotations

from typing import Sequence

from creditgraph.errors import SchemaError
from creditgraph.graph.schema import schema

__all__ = [
    "constraint",
    "index",
    "merge_nodes",
    "merge_edges",
    "get_node",
    "search_nodes",
    "expand_capped",
    "shortest_paths",
    "export_nodes",
    "export_edges",
    "set_scores",
    "COUNT_LABELS",
    "COUNT_TYPES",
    "DETACH_DELETE_BATCH",
]


def _label(label: str) -> str:
    return schema().node(label).label


def _rel(type_: str) -> str:
    return schema().rel(type_).type


def _hops(n: int, most: int = 12) -> int:
    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= most:
        raise SchemaError(f"hops must be an int between 1 and {most}, got {n!r}")
    return n


def constraint(label: str) -> str:
    lab = _label(label)
    return f"CREATE CONSTRAINT {lab.lower()}_key IF NOT EXISTS FOR (n:{lab}) REQUIRE n.key IS UNIQUE"


def index(label: str, prop: str) -> str:
    lab = _label(label)
    if prop not in schema().node(label).properties:
        raise SchemaError(f"{label} has no property {prop!r}")
    return f"CREATE INDEX {lab.lower()}_{prop} IF NOT EXISTS FOR (n:{lab}) ON (n.{prop})"


# Provenance upkeep, shared by nodes and edges: lists grow by set union, and
# first/last seen widen to include the row's date. A reload of the same rows
# therefore changes nothing.
_PROVENANCE = """
SET {v} += r.props,
    {v}.sources = CASE WHEN r.source IN coalesce({v}.sources, []) THEN {v}.sources
                       ELSE coalesce({v}.sources, []) + r.source END,
    {v}.source_ids = CASE WHEN r.source_id IN coalesce({v}.source_ids, []) THEN {v}.source_ids
                          ELSE coalesce({v}.source_ids, []) + r.source_id END,
    {v}.first_seen = CASE WHEN r.seen IS NULL THEN {v}.first_seen
                          WHEN {v}.first_seen IS NULL OR r.seen < {v}.first_seen THEN r.seen
                          ELSE {v}.first_seen END,
    {v}.last_seen = CASE WHEN r.seen IS NULL THEN {v}.last_seen
                         WHEN {v}.last_seen IS NULL OR r.seen > {v}.last_seen THEN r.seen
                         ELSE {v}.last_seen END"""


def merge_nodes(label: str) -> str:
    """UNWIND rows of ``{key, props, source, source_id, seen}`` and MERGE them on key."""
    return f"UNWIND $rows AS r MERGE (n:{_label(label)} {{key: r.key}})" + _PROVENANCE.format(
        v="n"
    ) + "\nRETURN count(n) AS written"


def merge_edges(type_: str, start_label: str, end_label: str) -> str:
    """UNWIND rows of ``{start, end, disc, props, ...}``; MERGE on endpoints (+ discriminator)."""
    rel = schema().check_edge(type_, start_label, end_label)
    disc = ", ".join(f"{d}: r.disc.{d}" for d in rel.discriminator)
    pattern = f"[e:{_rel(type_)} {{{disc}}}]" if disc else f"[e:{_rel(type_)}]"
    return (
        f"UNWIND $rows AS r\n"
        f"MATCH (a:{_label(start_label)} {{key: r.start}})\n"
        f"MATCH (b:{_label(end_label)} {{key: r.end}})\n"
        f"MERGE (a)-{pattern}->(b)" + _PROVENANCE.format(v="e") + "\nRETURN count(e) AS written"
    )


#: Neo4j: block until every index is online (after a bulk import, constraints fill in the background).
AWAIT_INDEXES = "CALL db.awaitIndexes($seconds)"


def get_node(label: str) -> str:
    return f"MATCH (n:{_label(label)} {{key: $key}}) RETURN n.key AS key, properties(n) AS props"


def search_nodes(label: str) -> str:
    """Substring search over the label's declared search properties."""
    node = schema().node(label)
    cond = " OR ".join(f"n.{p} CONTAINS $text" for p in node.search)
    return (
        f"MATCH (n:{_label(label)}) WHERE {cond} "
        f"RETURN n.key AS key, properties(n) AS props LIMIT $limit"
    )


def shortest_paths(start_label: str, end_label: str, max_hops: int) -> str:
    h = _hops(max_hops)
    return (
        f"MATCH (a:{_label(start_label)} {{key: $start}}), (b:{_label(end_label)} {{key: $end}}) "
        f"MATCH p = allShortestPaths((a)-[*..{h}]-(b)) "
        "RETURN [n IN nodes(p) | {key: n.key, labels: labels(n), props: properties(n)}] AS nodes, "
        "[e IN relationships(p) | {type: type(e), start: startNode(e).key, end: endNode(e).key, "
        "props: properties(e)}] AS edges LIMIT $limit"
    )


def export_nodes(label: str) -> str:
    return f"MATCH (n:{_label(label)}) RETURN n.key AS key, properties(n) AS props"


def export_edges(type_: str) -> str:
    return (
        f"MATCH (a)-[e:{_rel(type_)}]->(b) "
        "RETURN a.key AS start, b.key AS end, properties(e) AS props"
    )


def export_node_columns(label: str, props: Sequence[str]) -> str:
    """Every ``label`` node as one row: its key, then ``props`` (checked against the schema)."""
    cols = "".join(f", n.{_prop(label, p)} AS {p}" for p in props)
    return f"MATCH (n:{_label(label)}) RETURN n.key AS key{cols}"


def export_edge_columns(type_: str, props: Sequence[str]) -> str:
    """Every ``type_`` edge as one row: start key, end key, then ``props`` (checked against the schema)."""
    rel = schema().rel(type_)
    for p in props:
        if p not in rel.properties:
            raise SchemaError(f"{type_} has no property {p!r}")
    cols = "".join(f", e.{p} AS {p}" for p in props)
    return f"MATCH (a)-[e:{rel.type}]->(b) RETURN a.key AS start, b.key AS end{cols}"


def export_edges_within(type_: str) -> str:
    return (
        f"MATCH (a)-[e:{_rel(type_)}]->(b) WHERE a.key IN $keys AND b.key IN $keys "
        "RETURN a.key AS start, b.key AS end, properties(e) AS props"
    )


def holding_props(label: str, props: Sequence[str]) -> str:
    """The keys of the ``label`` nodes holding any of ``props``."""
    has = " OR ".join(f"n.{p} IS NOT NULL" for p in (_prop(label, p) for p in props))
    return f"MATCH (n:{_label(label)}) WHERE {has} RETURN n.key AS key"


def clear_props(label: str, props: Sequence[str]) -> str:
    """Remove ``props`` from the ``label`` nodes keyed in ``$keys``."""
    ps = [_prop(label, p) for p in props]
    return (f"UNWIND $keys AS k MATCH (n:{_label(label)} {{key: k}}) "
            f"REMOVE {', '.join(f'n.{p}' for p in ps)} RETURN count(n) AS cleared")


def set_scores(label: str) -> str:
    return (
        f"UNWIND $rows AS r MATCH (n:{_label(label)} {{key: r.key}}) "
        "SET n += r.scores RETURN count(n) AS written"
    )


def count_label(label: str) -> str:
    return f"MATCH (n:{_label(label)}) RETURN count(n) AS c"


def count_type(type_: str) -> str:
    return f"MATCH ()-[e:{_rel(type_)}]->() RETURN count(e) AS c"


COUNT_LABELS = "MATCH (n) RETURN labels(n) AS labels, count(*) AS c"
COUNT_TYPES = "MATCH ()-[e]->() RETURN type(e) AS type, count(*) AS c"
DETACH_DELETE_BATCH = "MATCH (n) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS deleted"


def expand_capped(label: str) -> str:
    """One hop out of a batch of nodes: at most ``$per`` neighbours each (in key order),
    each with all its edges to the node, plus the node's neighbour count for "N more"."""
    return (
        f"UNWIND $keys AS k MATCH (a:{_label(label)} {{key: k}})-[e]-(b) "
        "WITH a, b, collect({type: type(e), start: startNode(e).key, props: properties(e)}) AS es "
        "ORDER BY b.key "
        "WITH a, count(b) AS total, collect({key: b.key, node: properties(b), edges: es}) AS items "
        "RETURN a.key AS source, total, items[0..$per] AS items"
    )


def expand_keys_exist(label: str) -> str:
    return f"UNWIND $keys AS k MATCH (n:{_label(label)} {{key: k}}) RETURN n.key AS key"


def nodes_by_keys(label: str) -> str:
    return f"UNWIND $keys AS k MATCH (n:{_label(label)} {{key: k}}) RETURN n.key AS key, properties(n) AS props"


# -- entity resolution ------------------------------------------------------------

def delete_machine_links(label: str) -> str:
    """Remove a batch of SAME_AS edges a previous resolution run wrote (reviewers' stay)."""
    return (
        f"MATCH (:{_label(label)})-[e:SAME_AS]->(:{_label(label)}) WHERE e.method <> 'reviewer' "
        "WITH e LIMIT $limit DELETE e RETURN count(*) AS deleted"
    )


def create_links(label: str) -> str:
    return (
        f"UNWIND $rows AS r MATCH (a:{_label(label)} {{key: r.a}}) MATCH (b:{_label(label)} {{key: r.b}}) "
        "CREATE (a)-[e:SAME_AS]->(b) SET e.score = r.score, e.evidence = r.evidence, e.method = r.method, "
        "e.run = $run RETURN count(e) AS written"
    )


def judgements(label: str) -> str:
    return (
        f"MATCH (a:{_label(label)})-[j:JUDGED]->(b:{_label(label)}) "
        "RETURN a.key AS a, b.key AS b, j.verdict AS verdict, j.by AS by, j.at AS at, j.why AS why"
    )


def set_judgement(label: str) -> str:
    """One decision per pair (stored from the smaller key to the larger); a new one replaces it."""
    return (
        f"MATCH (a:{_label(label)} {{key: $a}}) MATCH (b:{_label(label)} {{key: $b}}) "
        "MERGE (a)-[j:JUDGED]->(b) SET j.verdict = $verdict, j.by = $by, j.at = $at, j.why = $why "
        "RETURN count(j) AS written"
    )


def members(label: str) -> str:
    """Records that resolution joined into the given clusters (one index lookup per cluster id)."""
    return (f"UNWIND $ids AS id MATCH (n:{_label(label)} {{resolved: id}}) "
            "RETURN n.key AS key, n.resolved AS resolved, properties(n) AS props")


def cluster_links(label: str) -> str:
    return (
        f"UNWIND $ids AS id MATCH (a:{_label(label)} {{resolved: id}})-[e:SAME_AS]->(b:{_label(label)}) "
        "RETURN a.key AS a, b.key AS b, e.score AS score, e.method AS method, e.evidence AS evidence"
    )


ROLES_IN_FIRMS = (
    "UNWIND $keys AS k MATCH (c:Company {key: k})<-[r:LEGAL_REP_OF|OFFICER_OF|SHAREHOLDER_OF]-(p:Person) "
    "RETURN c.key AS firm, p.key AS person, p.name AS name, coalesce(p.resolved, p.key) AS resolved, "
    "type(r) AS type, r.role AS role, r.ratio AS ratio"
)

FIRMS_OF_PERSONS = (
    "UNWIND $keys AS k MATCH (p:Person {key: k})-[r:LEGAL_REP_OF|OFFICER_OF|SHAREHOLDER_OF]->(c:Company) "
    "RETURN p.key AS person, c.key AS firm, c.name AS name, coalesce(c.resolved, c.key) AS resolved, "
    "type(r) AS type, r.role AS role"
)

def listings_of(label: str) -> str:
    """List entries (失信, 限消, 异常, 处罚) of a batch of ``label`` nodes."""
    return (f"UNWIND $keys AS k MATCH (s:{_label(label)} {{key: k}})-[:LISTED_IN]->(rec) "
            "RETURN s.key AS subject, rec.key AS key, properties(rec) AS props")


# -- the explorer -----------------------------------------------------------------

def _prop(label: str, prop: str) -> str:
    if prop not in schema().node(label).properties and prop != "key":
        raise SchemaError(f"{label} has no property {prop!r}")
    return prop


def find_nodes(label: str, prop: str, *, prefix: bool = False) -> str:
    """Nodes whose ``prop`` equals ``$value`` (or starts with it): served by the property's index."""
    cond = f"n.{_prop(label, prop)} STARTS WITH $value" if prefix else f"n.{_prop(label, prop)} = $value"
    return f"MATCH (n:{_label(label)}) WHERE {cond} RETURN n.key AS key, properties(n) AS props LIMIT $limit"


#: The filters ``ranked`` understands; each is skipped when its parameter is null.
RANK_FILTERS = {
    "industry": "n.industry = $industry",
    "city": "n.city = $city",
    "region": "n.region_code STARTS WITH $region",
    "flagged": "n.{flag} = true",
    "founded_from": "n.founded >= $founded_from",
    "founded_to": "n.founded <= $founded_to",
    "min": "n.{by} >= $min",
    "max": "n.{by} <= $max",
}


def ranked_nodes(label: str, by: str, filters: list[str], *, flag: str | None = None, ascending: bool = False) -> str:
    """Nodes that have ``by``, highest first (or lowest), narrowed by the named ``RANK_FILTERS``."""
    by = _prop(label, by)
    conds = [f"n.{by} IS NOT NULL", "(n.resolved IS NULL OR n.resolved = n.key)"]  # one row per resolved entity
    for name in filters:
        if name not in RANK_FILTERS:
            raise SchemaError(f"no ranking filter {name!r}; known: {sorted(RANK_FILTERS)}")
        if name == "flagged" and not flag:
            raise SchemaError(f"ranking by {by} has no flag to filter on")
        conds.append(RANK_FILTERS[name].format(by=by, flag=_prop(label, flag) if flag else ""))
    return (f"MATCH (n:{_label(label)}) WHERE {' AND '.join(conds)} "
            f"RETURN n.key AS key, properties(n) AS props ORDER BY n.{by}{'' if ascending else ' DESC'}, n.key "
            "SKIP $skip LIMIT $limit")


def facet_values(label: str, prop: str) -> str:
    """Distinct values of a property with their counts, most common first."""
    p = _prop(label, prop)
    return (f"MATCH (n:{_label(label)}) WHERE n.{p} IS NOT NULL "
            f"RETURN n.{p} AS value, count(*) AS n ORDER BY n DESC, value LIMIT $limit")


CLUSTER_SUMMARIES = (
    "MATCH (c:Company) WHERE c.cluster IS NOT NULL "
    "WITH c.cluster AS cluster, count(*) AS size, "
    "sum(CASE WHEN c.repeat_flag = true THEN 1 ELSE 0 END) AS dishonest, "
    "sum(CASE WHEN c.shell_flag = true THEN 1 ELSE 0 END) AS shells, "
    "max(c.shell_score) AS top_shell_score, max(c.spread) AS top_spread "
    "RETURN cluster, size, dishonest, shells, top_shell_score, top_spread "
    "ORDER BY dishonest DESC, shells DESC, size DESC, cluster LIMIT $limit"
)

CLUSTER_MEMBERS = (
    "MATCH (c:Company) WHERE c.cluster = $cluster "
    "RETURN c.key AS key, properties(c) AS props ORDER BY c.key LIMIT $limit"
)


def names_of(label: str) -> str:
    """Every node's key and display name, for the in-memory substring index."""
    text = "coalesce(n.name, n.text)" if "text" in schema().node(label).properties else "n.name"
    return f"MATCH (n:{_label(label)}) RETURN n.key AS key, {text} AS name"
