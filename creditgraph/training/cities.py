"""Labelled cities for training and evaluation: generate one of a profile, load it in memory
through the real loaders, resolve it.

The truth of a generated city says which records are one person and which firms are planted
shells; the models are trained and measured against it.
"""

from __future__ import annotations

import csv
import inspect
import tempfile
from pathlib import Path

import networkx as nx

from creditgraph.analytics.resolve.companies import company_canonical
from creditgraph.analytics.resolve.persons import resolve_persons
from creditgraph.loaders.nx_sink import NetworkXSink
from creditgraph.loaders.pipeline import load_paths
from creditgraph.synth.generate import generate

__all__ = ["HASH_KEY", "PROFILES", "TRAIN_PROFILES", "blank_person_ids", "make_city", "city_graph",
           "resolved_city_graph"]

HASH_KEY = "training-key"  # any key works: the model never sees hash values, only (in)equality

#: The person-ID columns of the registry files, and which rows hold a natural person's ID.
_ID_COLUMNS = {"enterprise_registration.csv": ("法定代表人证件号码", None),
               "key_personnel.csv": ("证件号码", None),
               "shareholders.csv": ("证照号码", ("股东类型", "自然人股东"))}
#: City kinds :func:`make_city` builds: "noid" is a full city with the person-ID columns blanked,
#: "registry_noid" a registry-profile city likewise; the others are ``generate(profile=...)`` profiles.
PROFILES = ("full", "noid", "registry", "registry_noid", "sparse", "listed")
#: Profiles a model may be trained on; the others are held out for evaluation.
TRAIN_PROFILES = ("full", "noid", "registry", "registry_noid")


def blank_person_ids(city: Path) -> int:
    """Blank the registry's person-ID columns (法定代表人证件号码, 证件号码, and 证照号码 of natural
    persons) in ``city/data``, in place, keeping every row on its line so the truth's mention
    lines still hold. The 失信 lists keep their masked IDs. Returns the cells blanked."""
    blanked = 0
    for name, (column, only) in _ID_COLUMNS.items():
        path = Path(city) / "data" / name
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        i = rows[0].index(column)
        j = rows[0].index(only[0]) if only else None
        for r in rows[1:]:
            if len(r) > i and r[i] and (j is None or (len(r) > j and r[j] == only[1])):
                r[i] = ""
                blanked += 1
        with path.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, lineterminator="\n").writerows(rows)
    return blanked


def make_city(out: Path, companies: int, *, seed: int, profile: str = "full") -> Path:
    """Generate a city of ``profile`` (see :data:`PROFILES`) under ``out``; returns ``out``."""
    if profile not in PROFILES:
        raise ValueError(f"profile must be one of {PROFILES}, not {profile!r}")
    kw = {}
    base = profile.removesuffix("_noid") if profile != "noid" else "full"
    if base != "full":
        if "profile" not in inspect.signature(generate).parameters:
            raise ValueError(f"this generator has no profiles yet; {profile!r} needs synth/profiles.py")
        kw["profile"] = base
    generate(companies, seed=seed, out=Path(out), progress=False, **kw)
    if profile.endswith("noid"):
        blank_person_ids(Path(out))
    return Path(out)


def city_graph(city: Path, hash_key: str = HASH_KEY) -> nx.MultiDiGraph:
    """A generated city loaded through the real loaders into memory."""
    sink = NetworkXSink()
    with tempfile.TemporaryDirectory() as reports:  # the city folder stays as generated
        load_paths(sink, [city / "data"], hash_key=hash_key, report_dir=Path(reports), progress=False)
    return sink.graph


def resolved_city_graph(city: Path) -> nx.MultiDiGraph:
    """A generated city loaded in memory, with firms and people resolved (``resolved`` set)."""
    G = city_graph(city)
    firms = company_canonical(G)
    people = resolve_persons(G, company_canonical=firms)
    for k, c in {**firms, **people.canonical}.items():
        G.nodes[k]["resolved"] = c
    return G
