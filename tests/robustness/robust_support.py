"""Helpers of the robustness suite (issue 7): the hash key, planted ID numbers and the scanner
that finds them, seed-row layouts, and a comparable form of an exported graph.

A module of its own rather than conftest.py: several conftest modules exist under tests/,
so ``from conftest import`` would depend on which one was imported last.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from creditgraph.loaders.mapping import SourceMapping
from creditgraph.normalize import is_valid_id
from creditgraph.synth.ids import id_check_digit

__all__ = ["KEY", "PLANTED_IDS", "Layout", "canonical", "find_full_ids", "full_id"]

KEY = "robustness-hash-key"

# Digit boundaries only: a number glued to letters ("ID350102…") is still a number.
_ID_SHAPE = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")


def full_id(first17: str) -> str:
    """A full ID number with its GB 11643 check digit (synth.ids' routine)."""
    return first17 + id_check_digit(first17)


#: Full, valid ID numbers the privacy and fuzz tests plant in the input.
PLANTED_IDS = [full_id("35010219720101123"), full_id("35012419740728563"), full_id("11010519491231002")]


def find_full_ids(text: str) -> list[str]:
    """Every 18-character run that is a valid full ID number (check digit and birth date)."""
    return [m for m in _ID_SHAPE.findall(text) if is_valid_id(m)]


@dataclass
class Layout:
    """Good rows of one built-in layout, and the files its mapping looks up beside it."""

    mapping: SourceMapping
    filename: str
    header: list[str]
    rows: list  # lists of cells (csv, tsv) or dicts (jsonl)
    beside: dict[str, str] = field(default_factory=dict)

    @property
    def delimiter(self) -> str:
        return self.mapping.delimiter or ("\t" if self.mapping.format == "tsv" else ",")

    def render(self, rows) -> str:
        """The file text for ``rows`` (header first), written the way the source writes it."""
        if self.mapping.format == "jsonl":
            return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        buf = io.StringIO()
        # CRLF, as Excel writes it: the csv module then quotes a cell holding a lone CR too.
        w = csv.writer(buf, delimiter=self.delimiter, lineterminator="\r\n")
        w.writerow(self.header)
        w.writerows(rows)
        return buf.getvalue()

    def write(self, folder: Path, rows=None) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in self.beside.items():
            (folder / name).write_text(text, encoding="utf-8")
        path = folder / self.filename
        path.write_text(self.render(self.rows if rows is None else rows), encoding="utf-8")
        return path


def canonical(G, *, provenance_as_sets: bool = False):
    """A NetworkX export as sorted tuples, comparable with ``==``.

    ``provenance_as_sets``: compare ``sources``/``source_ids`` as sets; their order records
    which source asserted a node first, which is all that differs between load orders.
    """
    def props(d):
        out = []
        for k, v in sorted(d.items()):
            if provenance_as_sets and k in ("sources", "source_ids"):
                v = sorted(v)
            out.append((k, repr(v)))
        return tuple(out)

    nodes = sorted((n, props(d)) for n, d in G.nodes(data=True))
    edges = sorted((u, v, k, props(d)) for u, v, k, d in G.edges(keys=True, data=True))
    return nodes, edges
