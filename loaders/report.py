"""The load report: what was read, loaded, merged and quarantined, per file and per type."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from creditgraph.loaders.readers import UTF8
from creditgraph.loaders.transforms import scrub_ids

__all__ = ["FileReport", "LoadReport", "QuarantineWriter", "json_line"]

_LINE_BREAKS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def json_line(rec: dict[str, Any]) -> str:
    """One JSON line, readable Chinese, with the Unicode line separators escaped so that
    every reader (``str.splitlines`` included) sees exactly one record per line."""
    text = json.dumps(rec, ensure_ascii=False)
    for ch, esc in _LINE_BREAKS.items():
        text = text.replace(ch, esc)
    return text + "\n"


@dataclass
class FileReport:
    path: str
    layout: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    node_rows: Counter = field(default_factory=Counter)
    edge_rows: Counter = field(default_factory=Counter)
    reasons: Counter = field(default_factory=Counter)
    risks: Counter = field(default_factory=Counter)  # e.g. persons keyed by name alone
    encoding: str = UTF8  # as the file was read (a GBK file: gb18030)
    absent_columns: list[str] = field(default_factory=list)  # a built-in layout's columns the file lacks

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path, "layout": self.layout, "encoding": self.encoding, "rows_read": self.rows_read,
            "rows_loaded": self.rows_loaded, "rows_quarantined": self.rows_quarantined,
            "node_rows": dict(self.node_rows), "edge_rows": dict(self.edge_rows),
            "quarantine_reasons": dict(self.reasons.most_common()), "risks": dict(self.risks),
            "absent_columns": self.absent_columns,
        }


@dataclass
class LoadReport:
    backend: str
    files: list[FileReport] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    nodes_created: dict[str, int] = field(default_factory=dict)
    edges_created: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    quarantine_file: str | None = None

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    @property
    def rows_quarantined(self) -> int:
        return sum(f.rows_quarantined for f in self.files)

    def per_type(self) -> dict[str, dict[str, dict[str, int]]]:
        """rows / created / merged per label and relationship type (merged = rows - created)."""
        out: dict[str, dict[str, dict[str, int]]] = {"nodes": {}, "relationships": {}}
        for kind, attr, created in (("nodes", "node_rows", self.nodes_created),
                                    ("relationships", "edge_rows", self.edges_created)):
            rows: Counter = Counter()
            for f in self.files:
                rows.update(getattr(f, attr))
            for name in sorted(rows):
                c = created.get(name, 0)
                out[kind][name] = {"rows": rows[name], "created": c, "merged": rows[name] - c}
        return out

    def risks(self) -> dict[str, int]:
        """Loaded, but worth a look: counts over all files (``identity: name_only`` persons ...)."""
        total: Counter = Counter()
        for f in self.files:
            total.update(f.risks)
        return dict(total)

    def top_reasons(self, n: int = 10) -> list[tuple[str, int]]:
        total: Counter = Counter()
        for f in self.files:
            total.update(f.reasons)
        return total.most_common(n)

    def as_dict(self) -> dict[str, Any]:
        return {
            "backend": self.backend, "seconds": round(self.seconds, 2),
            "rows_read": self.rows_read,
            "rows_loaded": sum(f.rows_loaded for f in self.files),
            "rows_quarantined": self.rows_quarantined,
            "by_type": self.per_type(), "top_quarantine_reasons": dict(self.top_reasons()),
            "risks": self.risks(),
            "files": [f.as_dict() for f in self.files], "skipped": self.skipped,
            "quarantine_file": self.quarantine_file,
        }

    def render(self) -> str:
        """A plain-text summary for the terminal and logs."""
        lines = [f"load report ({self.backend}, {self.seconds:.1f}s)"]
        for f in self.files:
            read_as = "" if f.encoding.startswith("utf") else f", read as {f.encoding.upper()}"
            lines.append(f"  {f.path} [{f.layout}{read_as}]: read {f.rows_read}, loaded {f.rows_loaded}, "
                         f"quarantined {f.rows_quarantined}")
            if f.absent_columns:
                lines.append(f"    columns not in the file, read as blank: {', '.join(f.absent_columns)}")
        for path, why in self.skipped.items():
            lines.append(f"  skipped {path}: {why}")
        for kind, table in self.per_type().items():
            for name, c in table.items():
                lines.append(f"  {kind[:-1] if kind == 'nodes' else 'rel'} {name:<16} rows {c['rows']:>8}  "
                             f"created {c['created']:>8}  merged {c['merged']:>8}")
        lines.append(f"  total: read {self.rows_read}, quarantined {self.rows_quarantined}")
        for reason, n in self.top_reasons(5):
            lines.append(f"    {n:>6} × {reason}")
        for risk, n in self.risks().items():
            lines.append(f"  risk: {n} × {risk}")
        if self.quarantine_file:
            lines.append(f"  quarantined rows: {self.quarantine_file}")
        return "\n".join(lines)


class QuarantineWriter:
    """Append quarantined rows as JSON lines: file, line, reason, raw (ID numbers masked)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh: TextIO | None = None
        self.count = 0

    def write(self, file: str, line: int, reason: str, raw: str) -> None:
        if self._fh is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = self.path.open("a", encoding="utf-8")
        rec = {"file": file, "line": line, "reason": scrub_ids(reason), "raw": scrub_ids(raw[:2000])}
        self._fh.write(json_line(rec))
        self.count += 1

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
