"""Read delimited and JSON-lines files as (line number, row) pairs.

A file that cannot be read at all (missing, wrong encoding in its header, no header)
raises ``BadFileError`` naming it. A row that cannot be read (wrong column count,
undecodable bytes, a broken JSON line, an oversized field) is yielded as a
:class:`BadRow` so the loader can quarantine it with its line number.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from creditgraph.errors import BadFileError
from creditgraph.loaders.normalize import clean_text
from creditgraph.loaders.transforms import scrub_ids

__all__ = ["BadRow", "read_rows", "read_header", "MAX_FIELD"]

MAX_FIELD = 1_000_000  # characters; a longer cell is quarantined, not loaded
csv.field_size_limit(MAX_FIELD * 4)


@dataclass(frozen=True)
class BadRow:
    reason: str
    raw: str


def _decode(path: Path, encoding: str) -> str:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise BadFileError(f"cannot read {path}: {e.strerror or e}") from e
    if not data.strip():
        raise BadFileError(f"{path} is empty")
    return data.decode(encoding, errors="surrogateescape")


_BAD_BYTE = re.compile("[\udc80-\udcff]")  # how errors="surrogateescape" decodes an invalid byte


def _has_bad_bytes(text: str) -> bool:
    return _BAD_BYTE.search(text) is not None


def _delimiter(path: Path, fmt: str, delimiter: str | None) -> str:
    if delimiter:
        return delimiter
    return "\t" if fmt == "tsv" or path.suffix.lower() == ".tsv" else ","


def read_header(path: Path, fmt: str, *, delimiter: str | None = None, encoding: str = "utf-8-sig") -> list[str]:
    """Column names of a delimited file, or the keys of a JSON-lines file's first record."""
    text = _decode(path, encoding)
    first = text.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
    if _has_bad_bytes(first):
        raise BadFileError(f"{path}: header is not valid {encoding}; declare the file's encoding in its mapping")
    if fmt == "jsonl":
        try:
            rec = json.loads(first)
        except ValueError as e:
            raise BadFileError(f"{path}: first line is not JSON: {e}") from e
        if not isinstance(rec, dict):
            raise BadFileError(f"{path}: first line is not a JSON object")
        return list(rec)
    return [clean_text(h) or "" for h in next(csv.reader([first], delimiter=_delimiter(path, fmt, delimiter)))]


def read_rows(path: Path, fmt: str, *, delimiter: str | None = None,
              encoding: str = "utf-8-sig") -> Iterator[tuple[int, dict[str, Any] | BadRow]]:
    """Yield ``(line, row)`` for every data row; values are cleaned text or ``None``."""
    text = _decode(path, encoding)
    if fmt == "jsonl":
        yield from _jsonl(text, encoding)
        return
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(path, fmt, delimiter))
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as e:
        raise BadFileError(f"{path}: no readable header: {e}") from None
    header = [clean_text(h.lstrip("\ufeff")) or "" for h in header]
    if _has_bad_bytes("".join(header)):
        raise BadFileError(f"{path}: header is not valid {encoding}; declare the file's encoding in its mapping")
    if len(set(header)) != len(header) or "" in header:
        raise BadFileError(scrub_ids(f"{path}: header has empty or repeated column names: {header}"))
    line = reader.line_num + 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            yield line, BadRow(f"unreadable CSV: {e}", "")
            line = reader.line_num + 1
            continue
        start, line = line, reader.line_num + 1
        if not fields or (len(fields) == 1 and not fields[0].strip()):
            continue  # a blank line is not a row
        raw = "\t".join(fields)
        if len(fields) != len(header):
            spans = f" in lines {start}-{line - 1} (an unbalanced quote?)" if line - start > 1 else ""
            yield start, BadRow(f"expected {len(header)} fields, got {len(fields)}{spans}", raw)
        elif _has_bad_bytes(raw):
            yield start, BadRow(f"bytes that are not valid {encoding} (a GBK row in a UTF-8 file?)",
                                raw.encode("utf-8", "replace").decode("utf-8"))
        elif any(len(f) > MAX_FIELD for f in fields):
            yield start, BadRow(f"a field is longer than {MAX_FIELD} characters", raw[:200])
        else:
            yield start, {h: clean_text(f) for h, f in zip(header, fields)}


def _jsonl(text: str, encoding: str) -> Iterator[tuple[int, dict[str, Any] | BadRow]]:
    for n, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        if _has_bad_bytes(line):
            yield n, BadRow(f"bytes that are not valid {encoding}", line.encode("utf-8", "replace").decode())
            continue
        try:
            rec = json.loads(line)
        except ValueError as e:
            yield n, BadRow(f"not valid JSON: {e}", line)
            continue
        if not isinstance(rec, dict):
            yield n, BadRow("a JSON line must be an object", line)
            continue
        if any(len(v) > MAX_FIELD for v in rec.values() if isinstance(v, str)):
            yield n, BadRow(f"a field is longer than {MAX_FIELD} characters", line[:200])
            continue
        yield n, {k: _cell(v) for k, v in rec.items()}


def _cell(v: Any) -> Any:
    """Scalars to cleaned text; multi-line text (a judgment body) keeps its lines."""
    if v is None or isinstance(v, (dict, list)):
        return v
    s = str(v)
    return (s.strip() or None) if "\n" in s else clean_text(s)
