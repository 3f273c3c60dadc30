"""``creditgraph mapping check``: dry-run a mapping over the first rows of a sample file.

Nothing is written. Says which columns the mapping names that the file lacks (the load would
stop there), and shows what the first rows become — nodes with their keys and properties,
edges, or the reason a row would be quarantined — so a new mapping can be tried before a load.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from creditgraph.errors import BadFileError
from creditgraph.graph.records import EdgeRow, NodeRow
from creditgraph.loaders.expanders import EXPANDERS
from creditgraph.loaders.mapping import RowError, SourceMapping
from creditgraph.loaders.pipeline import lookup_tables
from creditgraph.loaders.readers import BadRow, read_header, read_rows

__all__ = ["CheckedRow", "MappingCheck", "check_mapping"]


@dataclass
class CheckedRow:
    line: int
    nodes: list[NodeRow] = field(default_factory=list)
    edges: list[EdgeRow] = field(default_factory=list)
    error: str | None = None


@dataclass
class MappingCheck:
    mapping: str
    file: str
    header: list[str]
    missing_columns: list[str]
    rows: list[CheckedRow] = field(default_factory=list)
    risks: Counter = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return not self.missing_columns and not any(r.error for r in self.rows)

    def render(self) -> str:
        lines = [f"mapping {self.mapping} on {self.file}"]
        if self.missing_columns:
            lines.append(f"  MISSING columns (the load would stop): {', '.join(self.missing_columns)}")
            lines.append(f"  the file has: {', '.join(self.header)}")
        for r in self.rows:
            if r.error:
                lines.append(f"  line {r.line}: QUARANTINED: {r.error}")
                continue
            lines.append(f"  line {r.line}:")
            for n in r.nodes:
                lines.append(f"    ({n.label}) {n.key}  {_props(n.props)}")
            for e in r.edges:
                lines.append(f"    {e.start} -[{e.type}]-> {e.end}  {_props(e.props)}")
        for risk, count in self.risks.items():
            lines.append(f"  risk: {count} × {risk}")
        return "\n".join(lines)


def _props(props: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in props.items())


def check_mapping(mapping: SourceMapping, sample: Path, *, rows: int = 5, hash_key: str = "check") -> MappingCheck:
    """Map the first ``rows`` rows of ``sample`` with ``mapping``; writes nothing."""
    sample = Path(sample)
    if not sample.is_file():
        raise BadFileError(f"{sample} is not a file")
    header = read_header(sample, mapping.format, delimiter=mapping.delimiter, encoding=mapping.encoding)
    missing = [] if mapping.format == "jsonl" or mapping.expand else mapping.missing_columns(header)
    out = MappingCheck(mapping.name, str(sample), header, missing)
    if missing:
        return out
    lookups = lookup_tables(mapping, sample.parent)
    expand = EXPANDERS.get(mapping.expand) if mapping.expand else None
    for line, row in read_rows(sample, mapping.format, delimiter=mapping.delimiter, encoding=mapping.encoding):
        if len(out.rows) >= rows:
            break
        checked = CheckedRow(line)
        out.rows.append(checked)
        if isinstance(row, BadRow):
            checked.error = row.reason
            continue
        try:
            for sub in (expand(row) if expand else [row]):
                n, e = mapping.apply(sub, record_id=mapping.record_id_for(row, f"{sample.name}:{line}"),
                                     hash_key=hash_key, lookups=lookups, risks=out.risks)
                checked.nodes += n
                checked.edges += e
        except RowError as err:
            checked.error = str(err)
    return out
