"""Valid-looking identifiers: USCCs (GB 32100), 组织机构代码 (GB 11714) and ID numbers (GB 11643).

Check characters are computed, not faked, so the real normalisers accept every one; the
official masking styles of the 失信 list are reproduced so the real loaders see what they
would see on zxgk.court.gov.cn.
"""

from __future__ import annotations

import datetime as dt
import random

from creditgraph.normalize import id_check_digit, uscc_check_char

__all__ = ["org_code", "make_uscc", "make_id", "mask_uscc", "mask_person_id", "corrupt_check"]

_ORG_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _org_value(c: str) -> int:
    return int(c) if c.isdigit() else ord(c) - 55  # A=10 … Z=35


def org_code(body8: str) -> str:
    """``body8`` plus its GB 11714 check character (9 characters)."""
    c = 11 - sum(_org_value(ch) * w for ch, w in zip(body8, _ORG_WEIGHTS)) % 11
    return body8 + ("X" if c == 10 else "0" if c == 11 else str(c))


def make_uscc(rng: random.Random, region: str, founded: dt.date) -> str:
    """A USCC for a firm registered in ``region``: pre-2015 firms carry their old 8-digit org
    code, later ones the ``MA`` series that Fujian's registry issues."""
    if founded.year >= 2015:
        body = "MA" + "".join(rng.choice(_ORG_CHARS) for _ in range(6))
    else:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    first17 = "91" + region + org_code(body)
    return first17 + uscc_check_char(first17)


def make_id(rng: random.Random, region: str, birth: dt.date, sex: str) -> str:
    """An 18-digit resident ID: region, birth date, sequence (odd = male), check digit."""
    seq = rng.randrange(0, 500) * 2 + (1 if sex == "M" else 0)
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + id_check_digit(first17)


def mask_uscc(uscc: str) -> str:
    """The 失信 list's style for organisations: characters 12–14 hidden (91230199744****927K)."""
    return uscc[:11] + "****" + uscc[14:]


def mask_person_id(idn: str) -> str:
    """The 失信 list's style for persons: birth month and day hidden (3501021972****3656)."""
    return idn[:10] + "****" + idn[14:]


def corrupt_check(code: str) -> str:
    """The same code with a wrong final check character (for deliberately dirty rows)."""
    return code[:-1] + next(c for c in "0123456789" if c != code[-1])
