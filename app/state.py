"""What every page shares: settings, the one store per process, cached reads, the query
register, the language and the URL state.

The store is opened once per server process (``st.cache_resource``); reads are cached for
a few minutes (``st.cache_data``) and return plain records, never the store itself. What a
page gets from a read is the signed-in role's view of it (creditgraph/access.yaml), applied
after the cache (``_disclosed``): the cache is shared, the disclosure is per session.
"""

from __future__ import annotations

import atexit
import dataclasses
import functools
import json
import logging
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any, Callable

import streamlit as st

from creditgraph.app.strings import t as _t
from creditgraph.errors import CreditGraphError, NotFound
from creditgraph.graph.records import Entity, Path, Subgraph
from creditgraph.settings import Settings

if TYPE_CHECKING:  # the modules behind a read are imported by the read (a first page needs none of them)
    from creditgraph.access import Disclosure
    from creditgraph.audit import AuditLog
    from creditgraph.graph.lookup import Hit
    from creditgraph.graph.name_index import NameIndex
    from creditgraph.graph.port import GraphStore

__all__ = ["settings", "store", "name_index", "audit", "lang", "t", "param", "set_params", "open_entity",
           "warm_up", "store_opening", "search", "entity", "neighbourhood", "listings", "paths", "ranked", "facet",
           "clusters", "cluster_members", "hiding_leads", "scored", "reasons", "canonical", "resolved_neighbourhood",
           "leads_of", "names", "records", "members", "disclosure", "may", "user", "exported", "READ_TTL",
           "HIDING_FIRMS"]

READ_TTL = 300  # seconds a cached read stays fresh

log = logging.getLogger(__name__)


@st.cache_resource
def settings() -> Settings:
    return Settings()


_WARM: dict[str, Future] = {}  # the name index being built in the background since the store opened
_NAMES_LATER = [False]  # the server's warm-up starts the name index itself, after the frame's first read


def _build_names(s: GraphStore) -> None:
    from creditgraph.graph.name_index import NameIndex

    pool = ThreadPoolExecutor(1, thread_name_prefix="name-index")
    _WARM["names"] = pool.submit(NameIndex.build, s)
    pool.shutdown(wait=False)


@st.cache_resource(show_spinner=False)
def store() -> GraphStore:
    """The configured store, opened once per process and closed when the process ends. The
    name index starts building beside it, so the first search does not wait for it."""
    from creditgraph.graph.connect import open_store  # the Neo4j driver's modules: 0.5 s of imports

    stack = ExitStack()
    s = stack.enter_context(open_store(settings(), ensure_schema=False))
    atexit.register(stack.close)
    if not _NAMES_LATER[0]:
        _build_names(s)
    return s


@st.cache_resource(ttl=600, show_spinner=False)
def name_index() -> NameIndex:
    """Every firm's and person's name, for substring search; rebuilt every ten minutes (the
    first one comes from the build started with the store)."""
    from creditgraph.graph.name_index import NameIndex

    warm = _WARM.pop("names", None)
    return warm.result() if warm is not None else NameIndex.build(store())


def warm_up() -> None:
    """Open the store, read what the frame reads first and start the name index, before any
    session asks: run in a thread as the server starts (app/server.py), so the first page does not
    wait for the embedded store's JVM. The name index waits for the frame's read: the store's first
    query is the slow one (a cold JVM), and the index's reads would compete with it. A store that
    will not open is left to the first page to report."""
    _NAMES_LATER[0] = True
    try:
        s = store()
        unfinished_runs()  # cached for the frame
    except CreditGraphError as e:
        log.warning("the store did not open at start (the first page will say why): %s", e)
        return
    finally:
        _NAMES_LATER[0] = False
    if "names" not in _WARM:
        _build_names(s)


def store_opening() -> float | None:
    """Seconds the store has been opening since the server started (:func:`warm_up`), while it
    still is; None once it is open (or failed to), or when no server is opening it (a plain run,
    AppTest: the first read opens it). Pages that need the store show a status meanwhile
    (app/ui.py's ``store_ready``) rather than wait for it."""
    from creditgraph.app import server  # the server's start holds the opening: no import of state on its way

    return server.opening()


def audit() -> AuditLog:
    """The query register, written as the signed-in user (app/auth.py)."""
    from creditgraph.app import auth  # auth reads settings() from here

    return auth.register()


def disclosure() -> Disclosure:
    """What the signed-in role sees and may do."""
    from creditgraph.app import auth

    return auth.disclosure()


def may(action: str) -> bool:
    return disclosure().may(action)


def user() -> str:
    """Who is asking: the signed-in user."""
    from creditgraph.app import auth

    return auth.current_user().name


def exported(kind: str, make: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    """``make(*args, **kwargs)``: the bytes of a ``kind`` export (csv, graphml, pdf, register),
    made only for a role that may download them (AccessDenied otherwise)."""
    disclosure().require_export(kind)
    return make(*args, **kwargs)


def _disclosed(show: Callable[..., Any]):
    """Apply the session's disclosure to a cached read, after the cache: tokens a masked view
    handed out go back to store keys, then ``show(disclosure, result, *args, **kwargs)`` masks,
    filters or refuses. A cached read that calls another uses ``other.raw``, so what the cache
    keeps never depends on who asked first."""
    def wrap(read):
        @functools.wraps(read)
        def disclosed(*args, **kwargs):
            d = disclosure()
            args = tuple(d.real_query(a) for a in args)
            kwargs = {k: d.real_query(v) for k, v in kwargs.items()}
            return show(d, read(*args, **kwargs), *args, **kwargs)
        disclosed.raw, disclosed.clear = read, read.clear
        return disclosed
    return wrap


@st.cache_data(ttl=30, show_spinner=False)
def unfinished_runs() -> list[dict[str, Any]]:
    """Runs that started and did not finish (graph/runs.py), for the frame's banner; rechecked every 30 s."""
    from creditgraph.graph.runs import unfinished_runs as unfinished

    return [r.as_dict() for r in unfinished(store())]


def lang() -> str:
    return st.query_params.get("lang", "zh") if st.query_params.get("lang") in ("zh", "en") else "zh"


def t(key: str, /, **values: Any) -> str:
    return _t(key, lang(), **values)


def param(name: str, default: str | None = None) -> str | None:
    return st.query_params.get(name, default)


def set_params(**values: Any) -> None:
    """Put view state in the URL (None removes a parameter); the language always stays."""
    for k, v in values.items():
        if v is None:
            st.query_params.pop(k, None)
        else:
            st.query_params[k] = str(v)


def open_entity(key: str) -> None:
    """Go to the entity page for ``key`` (a shareable URL)."""
    st.switch_page("app_pages/entity.py", query_params={"entity": key, "lang": lang()})


# -- cached reads: plain records only ---------------------------------------------------

@_disclosed(lambda d, found, *_, **__: d.search(found))
@st.cache_data(ttl=READ_TTL, show_spinner=False)
def search(text: str, limit: int = 30) -> tuple[str, list[Hit]]:
    """What ``text`` finds, one hit per resolved entity: a source record's hit stands for the
    entity it belongs to (read once), in the place of its best hit."""
    from creditgraph.graph.lookup import lookup

    kind, hits = lookup(store(), text, hash_key=settings().id_hash_key.get_secret_value(), limit=limit,
                        names=name_index())
    out: dict[str, Hit] = {}
    for h in hits:
        rid = h.entity.props.get("resolved") or h.entity.key
        if rid in out:
            continue
        if rid != h.entity.key:
            try:
                h = dataclasses.replace(h, entity=store().get(rid))
            except NotFound:
                rid = h.entity.key
        out.setdefault(rid, h)
    return kind, list(out.values())


@_disclosed(lambda d, e, *_, **__: d.entity(e))
@st.cache_data(ttl=READ_TTL, show_spinner=False)
def entity(key: str) -> Entity:
    """The entity as stored; a person or firm of a scored store without a ``spread`` gets 0, which
    scoring does not store (creditgraph.scoring.node_scores), so page and PDF show it as before."""
    e = store().get(key)
    if e.label in ("Person", "Company") and "spread" not in e.props and scored():
        e = dataclasses.replace(e, props={**e.props, "spread": 0.0})
    return e


@st.cache_data(ttl=30, show_spinner=False)
def scored() -> bool:
    """Whether a score run has finished on this store (among its last 200 runs of any kind)."""
    from creditgraph.graph.runs import SCORE, recent_runs

    return any(r.command == SCORE and r.state == "finished" for r in recent_runs(store(), limit=200))


@_disclosed(lambda d, sub, key, hops, *_, **__: d.neighbourhood(sub, hops))
@st.cache_data(ttl=READ_TTL, show_spinner=False)
def neighbourhood(key: str, hops: int, per_node: int = 25, limit: int = 150) -> Subgraph:
    return store().neighbourhood(key, hops=hops, per_node=per_node, limit=limit)


@_disclosed(lambda d, rows, *_, **__: d.listings(rows))
@st.cache_data(ttl=READ_TTL, show_spinner=False)
def listings(key: str) -> list[dict[str, Any]]:
    if key.split(":", 1)[0] not in ("co", "pe"):
        return []
    return store().related_listings(key)


@_disclosed(lambda d, found, start, end, max_hops, *_, **__: d.paths(found, max_hops))
@st.cache_data(ttl=READ_TTL, show_spinner=False)
def paths(start: str, end: str, max_hops: int, limit: int) -> list[Path]:
    return store().shortest_paths(start, end, max_hops=max_hops, limit=limit)


@_disclosed(lambda d, found, label, by, *_, **__: d.ranked(by, found))
@st.cache_data(ttl=READ_TTL, show_spinner=False)
def ranked(label: str, by: str, filters: tuple[tuple[str, Any], ...], flag: str | None,
           limit: int = 200) -> list[Entity]:
    return store().ranked(label, by, filters=dict(filters), flag=flag, limit=limit)


@st.cache_data(ttl=READ_TTL, show_spinner=False)
def facet(label: str, prop: str) -> list[tuple[Any, int]]:
    return store().facet(label, prop)


@_disclosed(lambda d, rows, *_, **__: d.gate("rankings", rows))
@st.cache_data(ttl=READ_TTL, show_spinner=False)
def clusters(limit: int = 100) -> list[dict[str, Any]]:
    return store().clusters(limit=limit)


@_disclosed(lambda d, found, *_, **__: d.ranked("cluster", found))
@st.cache_data(ttl=READ_TTL, show_spinner=False)
def cluster_members(cluster: str) -> list[Entity]:
    return store().cluster_members(cluster)


#: Receiving firms whose leads the hidden-assets overview reads (a debtor's own page reads all of its own).
HIDING_FIRMS = 5000


@_disclosed(lambda d, rows, *_, **__: d.leads(rows))
@st.cache_data(ttl=READ_TTL, show_spinner=False)
def hiding_leads(limit: int = HIDING_FIRMS) -> list[dict[str, Any]]:
    """The asset-moving leads scoring stored, one row per (receiving firm, debtor, mode), of the
    ``limit`` receiving firms first in the hiding ranking (``hiding_rank``: the strongest first)."""
    rows = []
    for firm in store().ranked("Company", "hiding_rank", limit=limit, ascending=True):
        for lead in json.loads(firm.props["asset_hiding"]):
            rows.append({"firm": firm.key, "firm_name": firm.name, **lead})
    return rows


def reasons(e: Entity) -> list[dict[str, Any]]:
    """The stored shell-score reasons of a firm that raised its score (a JSON list), or []."""
    raw = e.props.get("shell_reasons")
    return [r for r in (json.loads(raw) if raw else []) if (r.get("contribution") or 0) > 0]


@_disclosed(lambda d, key, *_, **__: d.key(key))
@st.cache_data(ttl=READ_TTL, show_spinner=False)
def canonical(key: str) -> str:
    """The key of the resolved entity a record belongs to (the key itself when it is one)."""
    try:
        return store().get(key).props.get("resolved") or key
    except NotFound:
        return key


#: Source records of one resolved entity read for its neighbourhood, at most.
MAX_MEMBERS = 60


@_disclosed(lambda d, sub, key, hops, *_, **__: d.neighbourhood(sub, hops))
@st.cache_data(ttl=READ_TTL, show_spinner=False)
def resolved_neighbourhood(key: str, hops: int, per_node: int = 25, limit: int = 150) -> Subgraph:
    """The neighbourhood of the resolved entity behind ``key``, one node per resolved entity:
    the neighbourhoods of its source records (its name's records resolved to it, and those its
    SAME_AS links reach; up to :data:`MAX_MEMBERS`) joined, every record drawn as the entity it
    belongs to. Debtors with asset-moving leads carry their stored ``moved_assets`` (their badge counts it)."""
    from creditgraph.app.network import collapse, union  # networkx

    rid = canonical.raw(key)
    first = store().neighbourhood(rid, hops=hops, per_node=per_node, limit=limit)
    subs = [first] + [store().neighbourhood(m.key, hops=1, per_node=per_node, limit=limit)
                      for m in members.raw(rid) if m.key != rid]
    return collapse(union(subs), entity.raw)


@_disclosed(lambda d, found, *_, **__: d.entities(found))
@st.cache_data(ttl=READ_TTL, show_spinner=False)
def members(key: str) -> list[Entity]:
    """The source records of the resolved entity behind ``key``, itself first: the records its
    SAME_AS links reach and the records of its name resolved to it (up to :data:`MAX_MEMBERS`)."""
    rid = canonical.raw(key)
    try:
        centre = store().get(rid)
    except NotFound:
        return []
    if centre.label not in ("Company", "Person"):
        return [centre]
    near = store().neighbourhood(rid, hops=1, per_node=MAX_MEMBERS, limit=MAX_MEMBERS * 2)
    found = {n.key: n for n in near.nodes if n.props.get("resolved") == rid and n.key != rid}
    if centre.name:
        found |= {n.key: n for n in store().find(centre.label, "name", centre.name, limit=MAX_MEMBERS * 2)
                  if n.props.get("resolved") == rid and n.key != rid}
    return [centre] + [found[k] for k in sorted(found)][:MAX_MEMBERS]


def leads_of(key: str) -> list[dict[str, Any]]:
    """The asset-moving leads of a debtor (any of its records), earliest judgment and strongest
    first, from its entity's stored ``moved_assets``; none for a role that does not see leads."""
    if not may("hidden_assets"):
        return []
    try:
        raw = entity(canonical(key)).props.get("moved_assets")
    except NotFound:
        return []
    rows = json.loads(raw) if raw else []
    return sorted(rows, key=lambda r: (r.get("judged") or "", -(r.get("strength") or 0), r.get("moved_on") or ""))


@_disclosed(lambda d, names, *_, **__: d.names(names))
@st.cache_data(ttl=READ_TTL, show_spinner=False)
def names(keys: tuple[str, ...]) -> dict[str, str]:
    """Display names of entity keys (a contact's text for an address or phone); a key that is
    gone keeps its key. One read per label, not per key (the hidden-assets overview names
    thousands of debtors, firms and associates)."""
    found = {e.key: e.name for e in records.raw(keys)}
    return {k: found.get(k, k) for k in keys}


@_disclosed(lambda d, found, *_, **__: d.entities(found))
@st.cache_data(ttl=READ_TTL, show_spinner=False)
def records(keys: tuple[str, ...]) -> list[Entity]:
    """The nodes of ``keys`` that exist, read one label at a time (``GraphStore.entities``)."""
    return store().entities(keys)
