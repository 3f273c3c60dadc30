"""Load files into a store: detect each file's layout, map rows, upsert in batches.

Nothing is lost silently: every row is loaded or quarantined (file, line, reason),
every file is loaded or listed as skipped with the reason, and a file that cannot be
read at all stops the load with a ``BadFileError`` naming it.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import json
import logging
import time
from concurrent.futures import Executor
from pathlib import Path
from typing import Iterable, Sequence

from creditgraph.errors import BadFileError, MappingError
from creditgraph.graph.port import GraphStore
from creditgraph.graph.records import EdgeRow, NodeRow
from creditgraph.loaders.columnar import ENGINES
from creditgraph.loaders.expanders import EXPANDERS
from creditgraph.loaders.mapper import file_outcomes, worker_pool
from creditgraph.loaders.mapping import SourceMapping, builtin_mappings
from creditgraph.loaders.mapping.cells import CellMemo
from creditgraph.loaders.readers import CHINESE_ENCODING, UTF8, read_header, read_rows, sniff_encoding
from creditgraph.loaders.report import FileReport, LoadReport, QuarantineWriter
from creditgraph.loaders.transforms import scrub_ids
from creditgraph.progress import progress_bar

__all__ = ["detect", "load_paths", "iter_files", "lookup_tables"]

log = logging.getLogger(__name__)

_NOT_DATA = {".md", ".txt", ".json", ".yaml", ".yml", ".pdf", ".zip", ".gz"}


def iter_files(paths: Iterable[Path]) -> list[Path]:
    """The files named, with folders expanded recursively (sorted, so loads are repeatable)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file()))
        elif p.is_file():
            out.append(p)
        else:
            raise BadFileError(f"{p} does not exist")
    return out


def detect(path: Path, mappings: Sequence[SourceMapping]) -> tuple[SourceMapping | None, str]:
    """The built-in layout whose declared headers the file has (most specific wins); read as
    GB18030 where the file is saved whole as GBK (:func:`~.readers.sniff_encoding`)."""
    if path.suffix.lower() in _NOT_DATA:
        return None, f"not a data file ({path.suffix})"
    fmt = "jsonl" if path.suffix.lower() in (".jsonl", ".ndjson") else "tsv" if path.suffix.lower() == ".tsv" else "csv"
    encoding = sniff_encoding(path)
    try:
        header = set(read_header(path, fmt, encoding=encoding))
    except BadFileError as e:
        return None, str(e)
    layouts = [m for m in mappings if m.headers and m.format == fmt]
    fits = [m for m in layouts
            if set(m.headers) <= header and (not m.filename or fnmatch.fnmatch(path.name, m.filename))]
    if not fits:
        # the "header" of a file without one is its first row: mask any ID number in it
        why = f"no built-in layout matches its columns {sorted(header)[:8]}"
        near = max(layouts, key=lambda m: len(set(m.headers) & header) / len(m.headers), default=None)
        if near is not None and len(set(near.headers) & header) >= len(near.headers) / 2:
            # say which layout it nearly is, and what it lacks
            why += f" (closest: {near.name}, which needs {', '.join(h for h in near.headers if h not in header)})"
        return None, scrub_ids(why + "; use --mapping")
    m = max(fits, key=lambda m: len(m.headers))
    if encoding == CHINESE_ENCODING and m.encoding == UTF8:  # a declared encoding is the mapping's word
        m = dataclasses.replace(m, encoding=encoding)
    return m, ""


def lookup_tables(mapping: SourceMapping, folder: Path) -> dict[str, dict[str, dict[str, str]]]:
    """The mapping's lookup tables (``lookup_files``), read from ``folder``: name → key → row.

    Each table must lie in the data file's folder and have rows; the first row for a key wins;
    read as GBK where it is saved whole that way (:func:`~.readers.sniff_encoding`).
    """
    tables: dict[str, dict[str, dict[str, str]]] = {}
    root = folder.resolve()
    for name, spec in mapping.lookup_files.items():
        path = folder / spec["file"]
        if not path.resolve().is_relative_to(root):  # a symlink, or a mapping built in code
            raise MappingError(f"mapping {mapping.name}: lookup {name} ({spec['file']!r}) leads outside the data "
                               f"file's folder {folder}; a lookup table must lie in that folder")
        fmt = "tsv" if path.suffix.lower() == ".tsv" else "csv"
        table: dict[str, dict[str, str]] = {}
        for _, row in read_rows(path, fmt, delimiter=spec.get("delimiter"), encoding=sniff_encoding(path)):
            if isinstance(row, dict) and row.get(spec["key"]):
                table.setdefault(row[spec["key"]], row)
        if not table:
            raise BadFileError(f"lookup table {path} for mapping {mapping.name} has no rows")
        tables[name] = table
    return tables


def load_paths(store: GraphStore, paths: Iterable[Path], *, hash_key: str, report_dir: Path,
               mapping: SourceMapping | Sequence[SourceMapping] | None = None, batch_rows: int = 5000,
               progress: bool | None = None, engine: str = "columnar", workers: int = 1) -> LoadReport:
    """Load every recognised file under ``paths``; returns the report (also written to ``report_dir``).

    ``mapping``: one mapping applied to every file, or several (a mapping folder,
    ``load_mappings``) among which each file's is detected by its headers — as the built-in
    ones are when ``mapping`` is None. ``engine``: ``columnar`` (pyarrow reads, each column's
    distinct values transformed once, :mod:`.columnar`) or ``rows`` (cell by cell); both give
    the same records, report and quarantine (``tests/loaders/test_columnar.py``). ``workers``: with
    ``columnar``, processes that map large files by chunk (:mod:`.mapper`; experimental, measured
    slower today; 1 = this process only).
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
    if isinstance(mapping, (list, tuple)):
        mapping = mapping[0] if len(mapping) == 1 else list(mapping)
    t0 = time.perf_counter()
    report = LoadReport(backend=store.backend)
    quarantine = QuarantineWriter(report_dir / "quarantine.jsonl")
    before = store.counts()
    single = mapping if isinstance(mapping, SourceMapping) else None
    candidates: Sequence[SourceMapping] = (builtin_mappings() if mapping is None
                                           else [mapping] if isinstance(mapping, SourceMapping) else mapping)
    files = iter_files(paths)
    pool = worker_pool(workers) if engine == "columnar" and workers > 1 else None
    cells = CellMemo() if engine == "columnar" else None
    try:
        with progress_bar(progress) as bar:
            for path in files:
                m, why = (single, "") if single else detect(path, candidates)
                if m is None:
                    report.skipped[str(path)] = why
                    log.info("skipped %s: %s", path, why)
                    continue
                task = bar.add_task(f"{path.name} [{m.name}]", total=None)
                report.files.append(_load_file(store, path, m, hash_key, quarantine, batch_rows,
                                               lambda n, t=task: bar.advance(t, n), engine, pool, workers,
                                               cells, builtin=mapping is None))
    finally:
        quarantine.close()
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    after = store.counts()
    report.nodes_created = {k: v - before.nodes.get(k, 0) for k, v in after.nodes.items()}
    report.edges_created = {k: v - before.relationships.get(k, 0) for k, v in after.relationships.items()}
    report.seconds = time.perf_counter() - t0
    report.quarantine_file = str(quarantine.path) if quarantine.count else None
    report_dir.mkdir(parents=True, exist_ok=True)
    (report_dir / "load-report.json").write_text(
        json.dumps(report.as_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
    return report


def _load_file(store: GraphStore, path: Path, m: SourceMapping, hash_key: str, quarantine: QuarantineWriter,
               batch_rows: int, advance, engine: str = "rows", pool: Executor | None = None,
               workers: int = 1, cells: CellMemo | None = None, *, builtin: bool = False) -> FileReport:
    fr = FileReport(str(path), m.name, encoding=m.encoding)
    fr.absent_columns = check_columns(path, m, builtin=builtin)
    if fr.absent_columns:
        log.warning("%s [%s]: column(s) %s not in the file; read as blank", path, m.name,
                    ", ".join(fr.absent_columns))
    lookups = lookup_tables(m, path.parent)
    expand = EXPANDERS.get(m.expand) if m.expand else None
    if m.expand and expand is None:
        raise MappingError(f"mapping {m.name}: unknown expander {m.expand!r}")
    nodes: list[NodeRow] = []
    edges: list[EdgeRow] = []
    pending = 0
    for line, reason, raw, got_nodes, got_edges, risks in file_outcomes(path, m, hash_key, lookups, expand,
                                                                         engine, pool, workers, cells):
        fr.rows_read += 1
        if reason is not None:
            _reject(fr, quarantine, path, line, reason, raw)
            continue
        fr.rows_loaded += 1
        fr.risks.update(risks)
        fr.node_rows.update(n.label for n in got_nodes)
        fr.edge_rows.update(e.type for e in got_edges)
        nodes += got_nodes
        edges += got_edges
        pending += 1
        if pending >= batch_rows:
            _flush(store, nodes, edges)
            advance(pending)
            nodes, edges, pending = [], [], 0
    _flush(store, nodes, edges)
    advance(pending)
    log.info("%s [%s]: read %d, loaded %d, quarantined %d", path, m.name, fr.rows_read,
             fr.rows_loaded, fr.rows_quarantined)
    return fr


def check_columns(path: Path, m: SourceMapping, *, builtin: bool = False) -> list[str]:
    """The columns ``m`` reads that the file's header lacks (delimited files; a JSON-lines record
    may leave a key out, and an expander makes its own columns). A built-in layout, recognised by
    the columns it detects on, reads the others it lacks as blank cells (real extracts publish
    different subsets: a zxgk export without 省份 or 发布时间) and the caller reports them; for a
    mapping the user gave, a missing column is a ``MappingError`` (a misspelt name is caught here)."""
    if m.format == "jsonl" or m.expand:
        return []
    header = read_header(path, m.format, delimiter=m.delimiter, encoding=m.encoding)
    missing = m.missing_columns(header)
    if missing and not builtin:
        raise MappingError(f"mapping {m.name}: column(s) {', '.join(map(repr, missing))} named in the mapping "
                           f"are not in the header of {path} (it has {header[:12]})")
    return missing


def _flush(store: GraphStore, nodes: list[NodeRow], edges: list[EdgeRow]) -> None:
    if nodes:
        store.upsert_nodes(nodes)
    if edges:
        store.upsert_edges(edges)


def _reject(fr: FileReport, quarantine: QuarantineWriter, path: Path, line: int, reason: str, raw: str) -> None:
    fr.rows_quarantined += 1
    reason = scrub_ids(reason)  # reasons quote cells; the summary goes to the report and the terminal
    fr.reasons[_reason_kind(reason)] += 1
    quarantine.write(str(path), line, reason, raw)


def _reason_kind(reason: str) -> str:
    """Group reasons for the summary: drop the quoted value ("company.uscc (xydm='…'): bad check")."""
    head, _, tail = reason.partition(" (")
    return f"{head}: {tail.split('): ', 1)[-1]}" if "): " in tail else reason


