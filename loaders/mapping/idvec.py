"""Full ID numbers checked a column at a time: what ``transforms.id_number`` gives for each
valid 18-digit 居民身份证 number, with the check digits computed in one numpy product.

Only values written exactly as a full number (17 ASCII digits and a digit or ``X``) whose
check digit, birth year (1900 to this year) and birth date (real, not in the future) are all
right are answered here; every other value — masked, lower-case ``x``, full-width, spaced,
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

__all__ = ["full_ids"]

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
