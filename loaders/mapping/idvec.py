"""Identifiers checked a column at a time: what ``transforms.id_number`` gives for each valid
18-digit 居民身份证 number, and which values ``normalize_uscc`` returns unchanged, with the
check characters of a whole column computed in one numpy product.

Only values written exactly as a full number (17 ASCII digits and a digit or ``X``) whose
check digit, birth year (1900 to this year) and birth date (real, not in the future) are all
right are answered here (for USCCs: 18 characters of the code's alphabet, upper-case, with the
right check character); every other value — masked, lower-case ``x``, full-width, spaced,
wrong — is left to ``id_number`` itself, so every error keeps its message. The number leaves
only as its keyed hash (HMAC-SHA256, as ``normalize.hash_id``) and the official mask.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from itertools import compress
from typing import Any, Sequence

import numpy as np

__all__ = ["full_ids", "valid_usccs"]

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_SHAPE = re.compile(f"[{_USCC_ALPHABET}]{{18}}")
_USCC_WEIGHTS = np.array((1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28), dtype=np.int64)
_USCC_VALUE = np.full(128, -1, dtype=np.int64)
_USCC_VALUE[np.frombuffer(_USCC_ALPHABET.encode("ascii"), dtype=np.uint8)] = np.arange(31)
_USCC_CHECK = np.frombuffer(_USCC_ALPHABET.encode("ascii"), dtype=np.uint8)

_SHAPE = re.compile(r"\d{17}[\dX]", re.ASCII)
_WEIGHTS = np.array((7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2), dtype=np.int64)
_CHECK = np.frombuffer(b"10X98765432", dtype=np.uint8)


def full_ids(values: Sequence[str], hash_key: str) -> dict[str, dict[str, Any]]:
    """``{value: id_number(value, hash_key=hash_key)}`` for the values that are valid full IDs as written.

    O(n) numpy work for the check digits, then one HMAC per valid number.
    """
    cand = [v for v in values if len(v) == 18 and _SHAPE.fullmatch(v)]
    if not cand:
        return {}
    digits = np.frombuffer("".join(cand).encode("ascii"), dtype=np.uint8).reshape(-1, 18)
    body = digits[:, :17].astype(np.int64) - 48
    ok = _CHECK[(body @ _WEIGHTS) % 11] == digits[:, 17]
    today = dt.date.today()
    base = hmac.new(hash_key.encode(), digestmod=hashlib.sha256)
    out: dict[str, dict[str, Any]] = {}
    for v in compress(cand, ok.tolist()):
        year = int(v[6:10])
        if not 1900 <= year <= today.year:
            continue
        try:
            born = dt.date(year, int(v[10:12]), int(v[12:14]))
        except ValueError:
            continue
        if born > today:
            continue
        h = base.copy()
        h.update(v.encode("ascii"))
        out[v] = {"id_masked": v[:10] + "****" + v[14:], "sex": "M" if int(v[16]) % 2 else "F",
                  "birth_year": year, "region_code": v[:6], "id_hash": h.hexdigest()[:32]}
    return out


def valid_usccs(values: Sequence[str]) -> list[str]:
    """The values that are canonical USCCs with a correct check character (``normalize_uscc(v) == v``)."""
    cand = [v for v in values if len(v) == 18 and _USCC_SHAPE.fullmatch(v)]
    if not cand:
        return []
    codes = np.frombuffer("".join(cand).encode("ascii"), dtype=np.uint8).reshape(-1, 18)
    total = _USCC_VALUE[codes[:, :17]] @ _USCC_WEIGHTS
    ok = _USCC_CHECK[(31 - total % 31) % 31] == codes[:, 17]
    return list(compress(cand, ok.tolist()))
