"""Delimited files read by pyarrow a column at a time, for the columnar mapping engine.

:func:`arrow_table` reads a file whose rows the row reader (``readers.read_rows``) would read
in exactly one way — valid UTF-8, no quote character, no NUL, no bare carriage return, every
non-blank line one row of the header's width, no field over ``MAX_FIELD`` — and returns its
cells and each row's line number; for any other file it returns ``None`` and the loader reads
it row by row, which quarantines what it must (a short row, a GBK cell, an unbalanced quote)
with the reason and line it always gave. So the fast path never has to decide a bad row.

:func:`clean_column` cleans a column as ``readers`` cleans each cell (``clean_text``), once per
distinct value. Reading is C++ (pyarrow's multi-threaded CSV parser) and ``O(bytes)``; the whole
file is held as Arrow columns, about its size on disk.
"""

from __future__ import annotations

import codecs
import csv
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as pacsv

from creditgraph.loaders.readers import MAX_FIELD, MAX_LINE
from creditgraph.normalize import clean_text

__all__ = ["ArrowTable", "arrow_table", "clean_column"]

log = logging.getLogger(__name__)

_UTF8 = {"utf-8", "utf-8-sig"}
_DECODE_CHUNK = 1 << 23


@dataclass
class ArrowTable:
    """A delimited file's rows as Arrow string columns (cells as written), in header order."""

    header: list[str]
    columns: list[pa.ChunkedArray]
    lines: np.ndarray  # the 1-based physical line of each row

    def __len__(self) -> int:
        return len(self.lines)


def arrow_table(path: Path, fmt: str, *, delimiter: str | None, encoding: str) -> ArrowTable | None:
    """The file as columns, or ``None`` where the row reader must read it (the reason is logged)."""
    why = _ineligible(fmt, encoding)
    if why:
        log.debug("%s read row by row: %s", path, why)
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None  # the row reader raises the error that names the file
    table, why = _parse(path, data, delimiter or ("\t" if fmt == "tsv" or path.suffix.lower() == ".tsv" else ","))
    if table is None:
        log.debug("%s read row by row: %s", path, why)
    return table


def _ineligible(fmt: str, encoding: str) -> str:
    if fmt == "jsonl":
        return "JSON lines"
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return f"unknown encoding {encoding!r}"
    return "" if name in _UTF8 else f"encoding {name}"


def _parse(path: Path, data: bytes, delim: str) -> tuple[ArrowTable | None, str]:
    """``delim`` as ``readers._delimiter`` picks it (the mapping's, else tab for TSV, else comma)."""
    if not data.strip():
        return None, "empty"
    for byte, what in ((b'"', "a quote character"), (b"\x00", "a NUL byte")):
        if byte in data:
            return None, what
    if data.count(b"\r") != data.count(b"\r\n"):
        return None, "a bare carriage return"
    if not _valid_utf8(data):
        return None, "bytes that are not UTF-8"
    raw = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(raw == 10)
    starts = np.concatenate(([0], ends + 1))
    stops = np.concatenate((ends, [len(data)]))
    if starts[-1] == len(data):  # the file ends with a newline: no line after it
        starts, stops = starts[:-1], stops[:-1]
    lengths = stops - starts
    if lengths.size == 0 or lengths.max() > MAX_LINE:
        return None, "a line longer than MAX_LINE bytes"
    first = data[:stops[0]].decode("utf-8").removesuffix("\r")
    header = [clean_text(h.lstrip("\ufeff")) or "" for h in next(csv.reader([first], delimiter=delim), [])]
    if len(header) < 2 or len(set(header)) != len(header) or "" in header:
        return None, "a header the row reader must judge"
    crlf = (lengths > 0) & (raw[np.maximum(stops - 1, 0)] == 13)
    blank = (lengths == 0) | (crlf & (lengths == 1))
    lines = np.flatnonzero(~blank[1:]) + 2  # physical lines of the rows after the header
    names = [f"c{i}" for i in range(len(header))]
    try:
        table = pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(skip_rows=1, column_names=names, use_threads=True),
            parse_options=pacsv.ParseOptions(delimiter=delim, quote_char=False, double_quote=False,
                                             escape_char=False, newlines_in_values=False,
                                             ignore_empty_lines=True),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False,
                                                 null_values=[], check_utf8=True))
    except (pa.ArrowInvalid, pa.ArrowTypeError) as e:
        return None, f"pyarrow: {str(e)[:100]}"
    if table.num_rows != len(lines):
        return None, "rows and non-blank lines differ"
    columns = [table.column(n) for n in names]
    for col in columns:
        if len(col) and pc.max(pc.utf8_length(col)).as_py() > MAX_FIELD:
            return None, "a field longer than MAX_FIELD"
    return ArrowTable(header, columns, lines), ""


def _valid_utf8(data: bytes) -> bool:
    """Strict UTF-8 (no surrogates, no overlongs), as Python decodes it, chunk by chunk."""
    dec = codecs.getincrementaldecoder("utf-8")()
    try:
        for i in range(0, len(data), _DECODE_CHUNK):
            dec.decode(data[i:i + _DECODE_CHUNK])
        dec.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def clean_column(col: pa.ChunkedArray | pa.Array) -> list[str | None]:
    """``[clean_text(cell) for cell in col]``, computed once per distinct cell."""
    enc = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    enc = pc.dictionary_encode(enc)
    cleaned = np.array([clean_text(v) for v in enc.dictionary.to_pylist()], dtype=object)
    return cleaned[enc.indices.to_numpy(zero_copy_only=False)].tolist()
