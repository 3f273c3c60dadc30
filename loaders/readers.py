"""Read delimited and JSON-lines files as (line number, row) pairs.

A file that cannot be read at all (missing, wrong encoding in its header, no header)
raises ``BadFileError`` naming it. :func:`sniff_encoding` tells a file saved whole as GBK (what
Excel and most Chinese government exports write) from UTF-8, for the built-in layouts. A row
that cannot be read (wrong column count, undecodable bytes, a broken JSON line, an oversized
field or line) is yielded as a :class:`BadRow` so the loader can quarantine it with its line
number.

Files are streamed, never read whole: a line is read at most ``MAX_LINE`` characters at a
time, and a longer one is skipped in chunks of that size and quarantined, so memory stays
within a constant of the limit however long a line is (a 200 MB one-line field included).
"""

from __future__ import annotations

import codecs
import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from creditgraph.errors import BadFileError
from creditgraph.normalize import clean_text
from creditgraph.loaders.transforms import scrub_ids

__all__ = ["BadRow", "read_rows", "read_header", "sniff_encoding", "UTF8", "CHINESE_ENCODING", "MAX_FIELD", "MAX_LINE"]

MAX_FIELD = 1_000_000  # characters; a longer cell is quarantined, not loaded
MAX_LINE = MAX_FIELD * 4  # characters in one physical line (and in one quoted multi-line field)
csv.field_size_limit(MAX_LINE)
#: how a file is read unless told otherwise (a byte-order mark, if any, is dropped)
UTF8 = "utf-8-sig"
#: how a file that is not UTF-8 but Chinese is read: GB18030, the superset of GBK and GB2312
CHINESE_ENCODING = "gb18030"
_SNIFF_BYTES = 1 << 20
_WIDE = re.compile(rb"[\x80-\xff]")


@dataclass(frozen=True)
class BadRow:
    reason: str
    raw: str


class _LongLine(Exception):
    def __init__(self, head: str) -> None:
        self.head = head


class _Lines:
    """The file's lines, each at most ``MAX_LINE`` characters; ``n`` = physical lines consumed.

    A longer line is read through in ``MAX_LINE`` chunks (never held whole) and raises
    :class:`_LongLine` in place of being returned; iteration goes on with the next line.
    """

    def __init__(self, fh) -> None:
        self.fh, self.n = fh, 0

    def __iter__(self) -> "_Lines":
        return self

    def __next__(self) -> str:
        line = self.fh.readline(MAX_LINE + 1)
        if not line:
            raise StopIteration
        self.n += 1
        if len(line) > MAX_LINE and not line.endswith(("\n", "\r")):
            head = line[:200]
            while True:
                chunk = self.fh.readline(MAX_LINE)
                if not chunk or chunk.endswith(("\n", "\r")):
                    break
            raise _LongLine(head)
        return line


def _open(path: Path, encoding: str, newline: str | None):
    """The file as text (invalid bytes kept as surrogates, for :func:`_has_bad_bytes`);
    ``BadFileError`` if it cannot be opened or holds nothing but blanks."""
    try:
        with path.open("rb") as raw:
            while True:
                chunk = raw.read(1 << 16)
                if not chunk:
                    raise BadFileError(f"{path} is empty")
                if chunk.strip():
                    break
        return path.open("r", encoding=encoding, errors="surrogateescape", newline=newline)
    except OSError as e:
        raise BadFileError(f"cannot read {path}: {e.strerror or e}") from e
    except LookupError as e:
        raise BadFileError(f"{path}: unknown encoding {encoding!r}") from e


def sniff_encoding(path: Path, *, sample: int = _SNIFF_BYTES) -> str:
    """``utf-8-sig``, or :data:`CHINESE_ENCODING` where the lines of the file's first ``sample``
    bytes that hold non-ASCII bytes all fail as UTF-8 and all read as GB18030: a file saved whole
    as GBK. One valid UTF-8 line keeps the file UTF-8, so a UTF-8 file with a few GBK rows is
    still read as UTF-8 and those rows are quarantined, never read as mojibake."""
    try:
        with path.open("rb") as fh:
            head = fh.read(sample)
    except OSError:
        return UTF8  # _open says why when the file is read
    wide = False
    cut = len(head) == sample  # the sample may end inside a character: its last line is read as unfinished
    lines = head.split(b"\n")
    for i, line in enumerate(lines):
        if not _WIDE.search(line):
            continue
        last = cut and i == len(lines) - 1
        if _decodes(line, "utf-8", last):
            return UTF8
        if not _decodes(line, CHINESE_ENCODING, last):
            return UTF8
        wide = True
    return CHINESE_ENCODING if wide else UTF8


def _decodes(data: bytes, encoding: str, unfinished: bool) -> bool:
    try:
        codecs.getincrementaldecoder(encoding)().decode(data, final=not unfinished)
        return True
    except UnicodeDecodeError:
        return False


_BAD_BYTE = re.compile("[\udc80-\udcff]")  # how errors="surrogateescape" decodes an invalid byte


def _has_bad_bytes(text: str) -> bool:
    return _BAD_BYTE.search(text) is not None


def _delimiter(path: Path, fmt: str, delimiter: str | None) -> str:
    if delimiter:
        return delimiter
    return "\t" if fmt == "tsv" or path.suffix.lower() == ".tsv" else ","


def read_header(path: Path, fmt: str, *, delimiter: str | None = None, encoding: str = UTF8) -> list[str]:
    """Column names of a delimited file, or the keys of a JSON-lines file's first record."""
    with _open(path, encoding, "\n") as fh:
        first = fh.readline(MAX_LINE + 1)
    if len(first) > MAX_LINE:
        raise BadFileError(f"{path}: the first line is longer than {MAX_LINE:,} characters: not a header")
    first = first.lstrip("\ufeff").rstrip("\n").rstrip("\r")
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
              encoding: str = UTF8) -> Iterator[tuple[int, dict[str, Any] | BadRow]]:
    """Yield ``(line, row)`` for every data row; values are cleaned text or ``None``."""
    if fmt == "jsonl":
        with _open(path, encoding, "\n") as fh:
            yield from _jsonl(_Lines(fh), encoding)
        return
    with _open(path, encoding, "") as fh:
        yield from _delimited(path, _Lines(fh), _delimiter(path, fmt, delimiter), encoding)


def _delimited(path: Path, lines: _Lines, delimiter: str,
               encoding: str) -> Iterator[tuple[int, dict[str, Any] | BadRow]]:
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as e:
        raise BadFileError(f"{path}: no readable header: {e}") from None
    except _LongLine:
        raise BadFileError(f"{path}: the first line is longer than {MAX_LINE:,} characters: not a header") from None
    header = [clean_text(h.lstrip("\ufeff")) or "" for h in header]
    if _has_bad_bytes("".join(header)):
        raise BadFileError(f"{path}: header is not valid {encoding}; declare the file's encoding in its mapping")
    if len(set(header)) != len(header) or "" in header:
        raise BadFileError(scrub_ids(f"{path}: header has empty or repeated column names: {header}"))
    line = lines.n + 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            yield line, BadRow(f"unreadable CSV: {e}", "")
            line = lines.n + 1
            continue
        except _LongLine as e:
            yield line, BadRow(f"a line is longer than {MAX_LINE:,} characters", e.head)
            line = lines.n + 1
            continue
        start, line = line, lines.n + 1
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


def _jsonl(lines: _Lines, encoding: str) -> Iterator[tuple[int, dict[str, Any] | BadRow]]:
    while True:
        try:
            line = next(lines)
        except StopIteration:
            return
        except _LongLine as e:
            yield lines.n, BadRow(f"a line is longer than {MAX_LINE:,} characters", e.head)
            continue
        n = lines.n
        line = line[:-1] if line.endswith("\n") else line
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
