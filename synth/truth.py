"""Read a generated city's ground truth and check that its patterns survived loading.

:func:`check_planted` looks for each planted pattern and decoy in a graph exported from the
store (NetworkX, as ``GraphStore.export`` returns it) and returns what it could not find.
It only uses what the loaded graph shows — registry keys, names, dates, shared addresses
and phones — so it tests the generator, the mappings and the store together. A firm whose
USCC the city's profile left blank is found by name (``truth/companies.csv``); a check of
something the profile does not publish (phones, holding dates, a founding date left blank)
is skipped and said so.

:func:`mention_keys` labels the loaded graph's Person nodes with the true person behind
them (the gold standard for entity resolution), by re-applying each file's mapping to the
rows that ``truth/person_mentions.csv`` lists.
"""

from __future__ import annotations

import csv
import json
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from creditgraph.errors import BadFileError
from creditgraph.graph.schema import schema
from creditgraph.loaders.expanders import EXPANDERS
from creditgraph.loaders.mapping import RowError, SourceMapping, builtin_mappings
from creditgraph.normalize import normalize_company_name, normalize_person_name
from creditgraph.loaders.pipeline import detect, lookup_tables
from creditgraph.loaders.readers import BadRow, read_rows

__all__ = ["Truth", "load_truth", "check_planted", "MentionReport", "mention_keys"]

log = logging.getLogger(__name__)


# What a city from before profiles (the ``full`` profile) publishes.
_FULL_PUBLISHES = {"layout": "registry", "phone": True, "holding_since": True, "paid_in": True, "dissolved": True,
                   "abnormal": True, "founded_missing": 0.0, "uscc_missing": 0.0}


@dataclass(frozen=True)
class Truth:
    patterns: list[dict]
    names: dict[int, str]        # pid → name, for the people the patterns mention
    dirty_rows: list[dict]
    companies: dict[str, str] = field(default_factory=dict)   # USCC → name (truth/companies.csv)
    profile: dict = field(default_factory=dict)               # truth/profile.json; {} before profiles

    def of(self, pattern: str) -> list[dict]:
        return [p for p in self.patterns if p["pattern"] == pattern]

    @property
    def publishes(self) -> dict:
        return self.profile.get("publishes", _FULL_PUBLISHES)

    def missing(self, file: str, column: str) -> float:
        """The share of ``column`` in ``file`` the profile left blank."""
        return self.profile.get("missing", {}).get(file, {}).get(column, 0.0)


def load_truth(folder: Path) -> Truth:
    """The truth files under ``folder`` (a generated city's root or its ``truth/``)."""
    folder = Path(folder)
    if (folder / "truth").is_dir():
        folder = folder / "truth"
    patterns = json.loads((folder / "patterns.json").read_text(encoding="utf-8"))["patterns"]
    wanted = {pid for p in patterns for pid in p["persons"]} | {
        v for p in patterns for k, v in p.get("facts", {}).items() if k in ("nominee", "associate", "namesake_of")}
    with (folder / "persons.csv").open(encoding="utf-8") as fh:
        names = {int(r["pid"]): r["name"] for r in csv.DictReader(fh) if int(r["pid"]) in wanted}
    with (folder / "dirty_rows.csv").open(encoding="utf-8") as fh:
        dirty = list(csv.DictReader(fh))
    companies = {}
    if (folder / "companies.csv").is_file():
        with (folder / "companies.csv").open(encoding="utf-8") as fh:
            companies = {r["uscc"]: r["name"] for r in csv.DictReader(fh)}
    profile = json.loads((folder / "profile.json").read_text(encoding="utf-8")) \
        if (folder / "profile.json").is_file() else {}
    return Truth(patterns, names, dirty, companies, profile)


@dataclass
class MentionReport:
    """How :func:`mention_keys` fared; logged as the record's ``mention_report`` attribute."""

    mentions: int = 0
    resolved: int = 0
    by_name: int = 0          # resolved through the same-name rule (no Person node from the column)
    skipped: Counter = field(default_factory=Counter)  # reason → mentions
    collisions: int = 0       # keys that mentions of more than one pid resolved to

    def as_dict(self) -> dict:
        return {"mentions": self.mentions, "resolved": self.resolved, "by_name": self.by_name,
                "skipped": dict(self.skipped), "collisions": self.collisions}


def mention_keys(city: Path, *, hash_key: str) -> dict[str, int]:
    """Graph key of every person mention in the city's data files → the true pid.

    Each file is detected and read as :func:`~creditgraph.loaders.pipeline.load_paths` does,
    and each mentioned row re-mapped with :meth:`SourceMapping.entity_keys`, so every key is
    one the loader writes with the same ``hash_key``. A CSV mention is the Person node made
    from its column; where the mapping makes none from it (a 限制消费 order on a person: the
    restricted person *is* the subject), the row's one Person node of the pid's name. A
    judgment mention (column ``text``) is the party, or party's legal rep, of the pid's name.
    A mention that resolves to no single node is skipped. Several pids on one key (namesakes
    without IDs in one firm share a node) keep the first pid. Counts are logged at INFO with
    a :class:`MentionReport` as ``mention_report``. O(rows of the mentioned files).
    """
    city = Path(city)
    mentions_csv, persons_csv = city / "truth" / "person_mentions.csv", city / "truth" / "persons.csv"
    if not mentions_csv.is_file() or not persons_csv.is_file():
        raise BadFileError(f"{city} is not a generated city (no truth/person_mentions.csv or persons.csv); "
                           "pass the folder creditgraph.synth.generate.generate wrote")
    with persons_csv.open(encoding="utf-8") as fh:
        names = {int(r["pid"]): normalize_person_name(r["name"]) for r in csv.DictReader(fh)}
    wanted: dict[str, dict[int, list[tuple[str, int]]]] = defaultdict(lambda: defaultdict(list))
    with mentions_csv.open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            wanted[r["file"]][int(r["line"])].append((r["column"], int(r["pid"])))

    report = MentionReport()
    pids_of: dict[str, list[int]] = {}
    mappings = builtin_mappings()
    for file, lines in wanted.items():
        report.mentions += sum(map(len, lines.values()))
        path = city / "data" / file
        m, why = detect(path, mappings)
        if m is None:
            report.skipped[f"file not loaded: {why}"] += sum(map(len, lines.values()))
            continue
        for key, pid in _file_mentions(m, path, lines, names, hash_key, report):
            pids = pids_of.setdefault(key, [])
            if pid not in pids:
                pids.append(pid)
    report.collisions = sum(1 for pids in pids_of.values() if len(pids) > 1)
    log.info("person mentions: %d, resolved %d (%d by name), skipped %d %s, keys with several pids %d",
             report.mentions, report.resolved, report.by_name, sum(report.skipped.values()),
             dict(report.skipped), report.collisions, extra={"mention_report": report})
    return {key: pids[0] for key, pids in pids_of.items()}


def _file_mentions(m: SourceMapping, path: Path, lines: dict[int, list[tuple[str, int]]],
                   names: dict[int, str], hash_key: str, report: MentionReport):
    """``(key, pid)`` for each resolvable mention in one file; the rest counted as skipped."""
    lookups = lookup_tables(m, path.parent)
    expand = EXPANDERS[m.expand] if m.expand else None
    columns = {e.name: {p.column for p in e.props if p.column} for e in m.entities}
    left = dict(lines)
    for line, row in read_rows(path, m.format, delimiter=m.delimiter, encoding=m.encoding):
        todo = left.pop(line, None)
        if not todo:
            continue
        if isinstance(row, BadRow):
            report.skipped["row unreadable"] += len(todo)
            continue
        subs = expand(row) if expand else [row]
        try:  # the loader quarantines the whole record if any of its sub-rows fails
            people = [(e, k) for sub in subs for e, k in m.entity_keys(sub, hash_key=hash_key, lookups=lookups).items()
                      if schema().label_of(k) == "Person"]
        except RowError:
            report.skipped["row quarantined"] += len(todo)
            continue
        named_in_row = _Names(m, subs, hash_key, lookups)
        in_text: dict[str, list[int]] = defaultdict(list)  # name → pids the document mentions
        for column, pid in todo:
            if column == "text":
                in_text[names[pid]].append(pid)
                continue
            from_column = {k for e, k in people if column in columns[e]}
            found = from_column or named_in_row(names[pid])
            if len(found) == 1:
                report.resolved += 1
                report.by_name += not from_column
                yield found.pop(), pid
            else:
                report.skipped["several candidate nodes" if found else "no Person node of that name"] += 1
        for name, pids in in_text.items():
            # A person sued beside their own firm is a party and the firm's legal rep: one pid,
            # two nodes, both theirs. More nodes of the name than mentions, or two pids, is a guess.
            found = named_in_row(name)
            if len(set(pids)) == 1 and 0 < len(found) <= len(pids):
                report.resolved += len(pids)
                yield from ((k, pids[0]) for k in sorted(found))
            else:
                report.skipped["several candidate nodes" if found else "no Person node of that name"] += len(pids)
    for todo in left.values():
        report.skipped["line not in file"] += len(todo)


class _Names:
    """``name → keys`` of the Person nodes a row's sub-rows make; mapped only when first asked."""

    def __init__(self, m: SourceMapping, subs, hash_key: str, lookups):
        self.args, self.by_name = (m, subs, hash_key, lookups), None

    def __call__(self, name: str) -> set[str]:
        if self.by_name is None:
            m, subs, hash_key, lookups = self.args
            self.by_name = defaultdict(set)
            for sub in subs:
                for n in m.apply(sub, record_id="", hash_key=hash_key, lookups=lookups)[0]:
                    if n.label == "Person":
                        self.by_name[n.props.get("name")].add(n.key)
        return set(self.by_name.get(name, ()))


def _co(uscc: str) -> str:
    return schema().make_key("Company", "uscc", uscc)


class _View:
    """Small lookups over an exported graph; firms by USCC, or by name where the USCC was left blank."""

    def __init__(self, G: nx.MultiDiGraph, truth: Truth):
        self.G, self.truth = G, truth
        self._by_name: dict[str, list[str]] | None = None
        self.skipped: dict[str, list[str]] = defaultdict(list)
        self.current = ""

    def sources(self, node: str | None, type_: str) -> list[str]:
        return [u for u, _, d in self.G.in_edges(node, data=True) if d["type"] == type_] if node else []

    def targets(self, node: str | None, type_: str) -> list[str]:
        return [v for _, v, d in self.G.out_edges(node, data=True) if d["type"] == type_] if node else []

    def name(self, node: str | None) -> str | None:
        return self.G.nodes[node].get("name") if node else None

    def co(self, uscc: str) -> str | None:
        """The firm's node: keyed by its USCC, else the registered node of its name."""
        key = _co(uscc)
        if key in self.G:
            return key
        if uscc not in self.truth.companies:
            return None
        if self._by_name is None:
            self._by_name = defaultdict(list)
            for n, d in self.G.nodes(data=True):
                if d.get("label") == "Company" and d.get("name"):
                    self._by_name[d["name"]].append(n)
        nodes = self._by_name.get(normalize_company_name(self.truth.companies[uscc]), [])
        registered = [n for n in nodes if self.targets(n, "REGISTERED_AT")]
        return (registered or nodes or [None])[0]

    def holds(self, holder: str, held: str) -> bool:
        """Whether firm ``holder`` (USCC) holds firm ``held``: by node, or by a holder of its name
        (the listed layout names company holders only by name)."""
        node, name = self.co(holder), self.name(self.co(holder))
        return any(s == node or self.name(s) == name for s in self.sources(self.co(held), "SHAREHOLDER_OF"))

    def skip(self, why: str) -> list[str]:
        self.skipped[self.current].append(why)
        return []


def check_planted(G: nx.MultiDiGraph, truth: Truth, *, skipped: dict | None = None) -> dict[str, list[str]]:
    """``{pattern id: [what is missing]}`` for every pattern not fully present in ``G``.

    Checks of what the city's profile does not publish are skipped: each is logged and, when
    ``skipped`` is a dict, added to it as ``{pattern id: [why]}``."""
    v = _View(G, truth)
    by_case: dict[tuple[str, str], list[str]] = {}
    for n, d in G.nodes(data=True):
        if d.get("label") == "DishonestRecord":
            by_case.setdefault((d["case_no"], d["subject_name"]), []).append(n)
    problems: dict[str, list[str]] = {}
    for p in truth.patterns:
        v.current = p["id"]
        missing = [f"company {u} not loaded" for u in p["companies"] if v.co(u) is None]
        if not missing:
            missing = _CHECKS[p["pattern"]](v, p, truth, by_case)
        if missing:
            problems[p["id"]] = missing
    for pid, whys in v.skipped.items():
        log.info("check_planted: %s: skipped %s", pid, "; ".join(whys))
    if skipped is not None:
        skipped.update(v.skipped)
    return problems


def _shared(v: _View, firms: list[str], type_: str, what: str) -> list[str]:
    targets = [set(v.targets(v.co(u), type_)) for u in firms]
    common = set.intersection(*targets) if targets else set()
    return [] if common else [f"the firms share no {what}"]


def _reps_named(v: _View, firms: list[str], name: str) -> list[str]:
    return [f"{u}: legal rep is not {name}" for u in firms
            if name not in {v.name(s) for s in v.sources(v.co(u), "LEGAL_REP_OF")}]


def _check_shell(v, p, truth, by_case):
    f = p["facts"]
    out = _shared(v, p["companies"], "REGISTERED_AT", "registered address")
    out += _reps_named(v, p["companies"], truth.names[f["nominee"]])
    ring = f["ring"]
    for i, u in enumerate(ring):
        if not v.holds(ring[i - 1], u):
            out.append(f"ring broken: {ring[i - 1]} does not hold {u}")
    return out


def _dishonest(v, cases: list[str], subject: str, by_case) -> tuple[list[str], set[str]]:
    from creditgraph.normalize import normalize_case_no
    out, subjects = [], set()
    for case in cases:
        recs = by_case.get((normalize_case_no(case), subject), [])
        if not recs:
            out.append(f"no dishonest record {case} for {subject}")
        for r in recs:
            subjects |= set(v.sources(r, "LISTED_IN"))
    return out, subjects


def _check_repeat(v, p, truth, by_case):
    subj = p["subject"]
    if "person" in subj:
        name = truth.names[subj["person"]]
        out, subjects = _dishonest(v, p["facts"]["dishonest_cases"], name, by_case)
        prefix = schema().make_key("Person", "zxgk", "x")[:-1]  # subject keys of the zxgk lists
        zxgk = {s for s in subjects if s.startswith(prefix)}
        if len(zxgk) != 1:
            out.append(f"{name}'s zxgk records name {len(zxgk)} persons, not one (name + masked ID)")
        return out
    name = v.name(v.co(subj["company"]))
    out, subjects = _dishonest(v, p["facts"]["dishonest_cases"], name, by_case)
    return out + ([] if subjects else [f"{name}'s records have no subject"])


def _check_serial(v, p, truth, by_case):
    name = truth.names[p["persons"][0]]
    out = _reps_named(v, p["companies"], name)
    for u, case in zip(p["companies"], p["facts"]["dishonest_cases"]):
        out += _dishonest(v, [case], v.name(v.co(u)), by_case)[0]
    return out


def _check_hiding(v, p, truth, by_case):
    f = p["facts"]
    hidden, associate = v.co(f["hidden_firm"]), truth.names[f["associate"]]
    if f["mode"] == "new_firm":
        founded = v.G.nodes[hidden].get("founded", "")
        if not founded and truth.publishes["founded_missing"]:
            out = v.skip("the hidden firm's founding date is one the profile left blank")
        else:
            out = [] if founded > f["judged"] else [f"hidden firm founded {founded}, not after {f['judged']}"]
        return out + _reps_named(v, [f["hidden_firm"]], associate)
    since = [d.get("since", "") for u, _, d in v.G.in_edges(hidden, data=True)
             if d["type"] == "SHAREHOLDER_OF" and v.name(u) == associate]
    if since and not any(since) and (not truth.publishes["holding_since"]
                                     or truth.missing("shareholders.csv", "认缴出资日期")):
        return v.skip("the stake's date is not published (or left blank)")
    return [] if any(s > f["judged"] for s in since) else [f"no stake of {associate} taken after {f['judged']}"]


def _check_link(v, p, truth, by_case):
    via = p["facts"]["via"]
    if via == "address":
        return _shared(v, p["companies"], "REGISTERED_AT", "address")
    if via == "phone":
        if not truth.publishes["phone"]:
            return v.skip("phones not published")
        if truth.missing("enterprise_registration.csv", "联系电话") and \
                not all(v.targets(v.co(u), "HAS_PHONE") for u in p["companies"]):
            return v.skip("a firm's phone is one the profile left blank")
        return _shared(v, p["companies"], "HAS_PHONE", "phone")
    name = truth.names[p["facts"]["person"]]
    return [f"{u}: no officer named {name}" for u in p["companies"]
            if name not in {v.name(s) for s in v.sources(v.co(u), "OFFICER_OF")}]


def _check_group(v, p, truth, by_case):
    parent = p["facts"]["parent"]
    out = _shared(v, p["companies"], "REGISTERED_AT", "HQ address")
    return out + [f"{u} not held by the parent" for u in p["companies"][1:] if not v.holds(parent, u)]


def _check_director(v, p, truth, by_case):
    name = truth.names[p["persons"][0]]
    seats = sum(1 for u in p["companies"] for s, _, d in v.G.in_edges(v.co(u), data=True)
                if d["type"] == "OFFICER_OF" and d.get("role") == "独立董事" and v.name(s) == name)
    return [] if seats == p["facts"]["boards"] else [f"{name} holds {seats} of {p['facts']['boards']} seats"]


def _check_namesake(v, p, truth, by_case):
    return _reps_named(v, p["companies"], p["facts"]["name"])


_CHECKS = {"shell_cluster": _check_shell, "repeat_offender": _check_repeat, "serial_defaulter": _check_serial,
           "asset_hiding": _check_hiding, "hidden_link": _check_link, "group_hq": _check_group,
           "independent_director": _check_director, "same_name": _check_namesake}
