"""``mention_keys``: every person mention in a generated city traced to the graph node the
loader makes from it, so entity resolution can be scored against the true persons."""

from __future__ import annotations

import csv
import logging
from collections import defaultdict
from pathlib import Path

import pytest

from creditgraph.errors import BadFileError
from creditgraph.normalize import is_valid_id
from creditgraph.loaders.pipeline import load_paths
from creditgraph.loaders.readers import read_rows
from creditgraph.synth.truth import MentionReport, mention_keys
from recording import RecordingStore

REGISTRY_ID_COLUMN = {"enterprise_registration.csv": "法定代表人证件号码", "key_personnel.csv": "证件号码",
                      "shareholders.csv": "证照号码"}


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.reports: list[MentionReport] = []

    def emit(self, record):
        if hasattr(record, "mention_report"):
            self.reports.append(record.mention_report)


@pytest.fixture(scope="module")
def resolved(city) -> tuple[dict[str, int], MentionReport]:
    log, capture = logging.getLogger("creditgraph.synth.truth"), _Capture()
    level = log.level
    log.addHandler(capture)
    log.setLevel(logging.INFO)
    try:
        keys = mention_keys(city, hash_key="k")
    finally:
        log.removeHandler(capture)
        log.setLevel(level)
    (report,) = capture.reports
    return keys, report


@pytest.fixture(scope="module")
def loaded(city, tmp_path_factory) -> RecordingStore:
    store = RecordingStore()
    report = load_paths(store, [city / "data"], hash_key="k", report_dir=tmp_path_factory.mktemp("report"),
                        progress=False)
    assert report.rows_quarantined == 0
    return store


def _mentions(city: Path) -> list[dict]:
    with (city / "truth" / "person_mentions.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_nearly_every_mention_resolves_to_one_key(city, resolved):
    keys, report = resolved
    assert report.mentions == len(_mentions(city))
    # Observed (seed 7, 1,000 firms, generator as of this test): 6,504 mentions, all resolved
    # (11 by name: 限制消费 orders on a person, where the restricted person is the subject
    # node), none skipped; 3 keys carry two pids (namesakes without an ID in one firm).
    assert report.resolved >= 0.99 * report.mentions
    assert report.resolved + sum(report.skipped.values()) == report.mentions
    assert report.collisions < 0.01 * len(keys)


def test_every_key_is_a_person_node_the_loader_writes(resolved, loaded):
    keys, _ = resolved
    people = {k for k, n in loaded.nodes.items() if n.label == "Person"}
    assert set(keys) <= people
    # and the truth covers the graph: no Person node is left without its true person
    assert people - set(keys) == set()


def test_a_full_id_in_the_registry_gives_an_id_key(city, resolved):
    keys, _ = resolved
    wanted: dict[str, dict[int, int]] = defaultdict(dict)
    for m in _mentions(city):
        if m["file"] in REGISTRY_ID_COLUMN:
            wanted[m["file"]][int(m["line"])] = int(m["pid"])
    shown_in_full = set()
    for file, lines in wanted.items():
        for line, row in read_rows(city / "data" / file, "csv"):
            if line in lines and is_valid_id(row[REGISTRY_ID_COLUMN[file]] or ""):
                shown_in_full.add(lines[line])
    assert len(shown_in_full) > 1000
    # exactly those persons, and no one else, get a registry key derived from the ID
    assert {pid for k, pid in keys.items() if k.startswith("pe:gsxt:id:")} == shown_in_full


def test_court_list_mentions_map_to_the_court_lists_own_nodes(city, resolved):
    keys, _ = resolved
    by_pid: dict[int, set[str]] = defaultdict(set)
    for k, pid in keys.items():
        by_pid[pid].add(k)
    listed = {int(m["pid"]) for m in _mentions(city) if m["file"] == "dishonest_records_zxgk.csv"}
    assert listed
    assert all(any(k.startswith("pe:zxgk:") for k in by_pid[pid]) for pid in listed)


def test_a_person_sued_beside_their_own_firm_keeps_both_judgment_nodes(city, resolved):
    keys, _ = resolved
    per_doc: dict[int, list[int]] = defaultdict(list)
    for m in _mentions(city):
        if m["file"] == "judgments.jsonl":
            per_doc[int(m["line"])].append(int(m["pid"]))
    twice = {pid for pids in per_doc.values() for pid in pids if pids.count(pid) > 1}
    assert twice  # party and legal rep of a co-defendant firm: two wenshu nodes, one person
    for pid in twice:
        assert sum(1 for k, p in keys.items() if p == pid and k.startswith("pe:wenshu:")) >= 2


def test_a_folder_without_truth_is_refused(tmp_path):
    with pytest.raises(BadFileError, match="not a generated city"):
        mention_keys(tmp_path, hash_key="k")
