"""Identifiers: 统一社会信用代码 (USCC), 居民身份证 numbers, their masks, and court case numbers (案号).

Each normaliser returns the canonical form or raises ``ValueError`` with a message a loader
can store as the quarantine reason. Privacy: a full ID number is never stored or logged in
clear, so ID error messages show only the official mask and ``IdNumber.full`` is left out
of ``repr``.
"""

import datetime as dt
import hashlib
import hmac
import re
from dataclasses import dataclass, field

from creditgraph.normalize.text import halfwidth, require_text

__all__ = [
    "uscc_check_char", "is_valid_uscc", "normalize_uscc", "is_masked_uscc", "uscc_matches_masked",
    "IdNumber", "id_check_digit", "is_valid_id", "parse_id", "mask_id", "hash_id",
    "masked_ids_compatible", "id_matches_masked", "normalize_case_no", "case_year",
]

# --------------------------------------------------------------------- USCC

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_VALUE = {c: i for i, c in enumerate(_USCC_ALPHABET)}


def uscc_check_char(first17: str) -> str:
    """Check character of a 统一社会信用代码 (GB 32100-2015) from its first 17 characters."""
    if len(first17) != 17:
        raise ValueError(f"USCC body must be 17 characters, got {len(first17)}: {first17!r}")
    try:
        total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, _USCC_WEIGHTS))
    except KeyError as e:
        i = first17.index(e.args[0]) + 1
        raise ValueError(f"USCC has invalid character {e.args[0]!r} at position {i}: {first17!r}") from None
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def normalize_uscc(s: str) -> str:
    """Return the canonical USCC (half-width, upper-case) or raise ValueError saying what is wrong."""
    code = require_text(s, "USCC").upper()
    if len(code) != 18:
        raise ValueError(f"USCC must be 18 characters, got {len(code)}: {code!r}")
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        raise ValueError(f"USCC check character is {code[17]!r}, expected {expected!r}: {code!r}")
    return code


def is_valid_uscc(s) -> bool:
    """True when ``s`` normalises to an 18-character USCC with a correct check character."""
    try:
        normalize_uscc(s)
    except ValueError:
        return False
    return True


_MASKED_USCC = re.compile(rf"([{_USCC_ALPHABET}]*)\*+([{_USCC_ALPHABET}]*)")


def _split_masked_uscc(s: str) -> tuple[str, str] | None:
    m = _MASKED_USCC.fullmatch(halfwidth(s).strip().upper()) if isinstance(s, str) else None
    if m is None or not 0 < len(m[1]) + len(m[2]) <= 17:
        return None
    return m[1], m[2]


def is_masked_uscc(s) -> bool:
    """True for a USCC with one run of ``*`` hiding characters, e.g. ``91230199744****927K``.

    The run may be of any length; at least one character must be visible and
    every visible one must be a USCC character.
    """
    return _split_masked_uscc(s) is not None


def uscc_matches_masked(full: str, masked: str) -> bool:
    """True when the visible head of ``masked`` matches ``full`` from the left and its tail from the right.

    An unmasked ``masked`` is compared for equality. Raises ValueError when
    ``full`` is not a valid USCC or ``masked`` is neither masked nor valid.
    """
    code = normalize_uscc(full)
    parts = _split_masked_uscc(masked)
    if parts is None:
        return normalize_uscc(masked) == code
    head, tail = parts
    return code.startswith(head) and code.endswith(tail)


# ---------------------------------------------------------------- ID numbers

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_MASKED_ID = re.compile(r"(\d*)\*+(\d*[\dX]?)", re.ASCII)
_FULL_ID = re.compile(r"\d{17}[\dX]", re.ASCII)


@dataclass(frozen=True)
class IdNumber:
    """What a 居民身份证 number, full or masked, tells about its holder.

    ``full``: only for a complete valid number, kept out of ``repr``. ``masked``: the
    official 18-character mask (first 10 + ``****`` + last 4), ``*`` where the input
    hid a position too. Other fields are None when the positions they need are hidden.
    """

    full: str | None = field(repr=False)
    masked: str
    region_code: str | None
    birth_year: int | None
    birth_date: dt.date | None
    sex: str | None


def id_check_digit(first17: str) -> str:
    """Check digit of a 居民身份证 number (GB 11643-1999) from its first 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError(f"ID body must be 17 ASCII digits, got {len(first17)} characters")
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS)) % 11]


def _official_mask(pos: tuple[str | None, ...]) -> str:
    return "".join(c or "*" for c in pos[:10]) + "****" + "".join(c or "*" for c in pos[14:])


def _id_positions(s) -> tuple[str | None, ...]:
    """The 18 positions of a full or masked ID, None where hidden; validates what is visible."""
    text = "".join(require_text(s, "ID number").split()).upper()
    if _FULL_ID.fullmatch(text):
        pos = tuple(text)
        if text[17] != id_check_digit(text[:17]):
            raise ValueError(f"ID number {_official_mask(pos)} has a wrong check digit")
    elif (m := _MASKED_ID.fullmatch(text)) and 0 < len(m[1]) + len(m[2]) <= 17:
        pos = tuple(m[1]) + (None,) * (18 - len(m[1]) - len(m[2])) + tuple(m[2])
    elif len(text) == 15 and text.isdigit():
        raise ValueError("15-digit first-generation ID numbers are not supported")
    else:
        shown = f"{len(text)} characters" if len(text) >= 15 else repr(text)
        raise ValueError(f"not an 18-digit or masked ID number: {shown}")
    year = "".join(c for c in pos[6:10] if c)
    if len(year) == 4 and not 1900 <= int(year) <= dt.date.today().year:
        raise ValueError(f"ID number {_official_mask(pos)} has implausible birth year {year}")
    _birth_date(pos)
    return pos


def _birth_date(pos: tuple[str | None, ...]) -> dt.date | None:
    if not all(pos[6:14]):
        return None
    try:
        born = dt.date(int("".join(pos[6:10])), int("".join(pos[10:12])), int("".join(pos[12:14])))
    except ValueError:
        raise ValueError(f"ID number {_official_mask(pos)} has an impossible birth date") from None
    if born > dt.date.today():
        raise ValueError(f"ID number {_official_mask(pos)} has a birth date in the future")
    return born


def parse_id(s: str) -> IdNumber:
    """Parse a full or masked ID number (``*`` runs of any length; full-width and ``x`` accepted).

    Visible leading digits align from position 1, visible trailing characters
    from position 18. Raises ValueError for anything else, including a full
    number with a wrong check digit or an impossible birth date.
    """
    pos = _id_positions(s)
    return IdNumber(
        full="".join(pos) if all(pos) else None,
        masked=_official_mask(pos),
        region_code="".join(pos[:6]) if all(pos[:6]) else None,
        birth_year=int("".join(pos[6:10])) if all(pos[6:10]) else None,
        birth_date=_birth_date(pos),
        sex=("M" if int(pos[16]) % 2 else "F") if pos[16] else None,
    )


def is_valid_id(s) -> bool:
    """True for a full 18-character ID with a correct check digit and a real, past birth date."""
    try:
        return parse_id(s).full is not None
    except ValueError:
        return False


def _full_id(s: str) -> str:
    full = parse_id(s).full
    if full is None:
        raise ValueError("a full ID number is required, got a masked one")
    return full


def mask_id(full: str) -> str:
    """Official mask of a full ID: first 10 characters + ``****`` + last 4."""
    return parse_id(_full_id(full)).masked


def hash_id(full: str, key: str) -> str:
    """Keyed pseudonym of a full ID: HMAC-SHA256 of the normalised number, first 32 hex chars.

    Lets sources be joined on the person without storing the number; the key
    must stay secret, since the ID space is small enough to brute-force.
    """
    if not key:
        raise ValueError("hash_id needs a non-empty secret key")
    return hmac.new(key.encode(), _full_id(full).encode(), hashlib.sha256).hexdigest()[:32]


def masked_ids_compatible(a: str, b: str) -> bool:
    """True when every position visible in both IDs (full or masked) agrees."""
    return all(x == y for x, y in zip(_id_positions(a), _id_positions(b)) if x and y)


def id_matches_masked(full: str, masked: str) -> bool:
    """True when the full ID ``full`` agrees with every visible position of ``masked``."""
    return masked_ids_compatible(_full_id(full), masked)


# ------------------------------------------------------------- case numbers

_BRACKETS = str.maketrans("〔〕［］[]【】﹝﹞〖〗", "()()()()()()")
_CASE_YEAR = re.compile(r"\(((?:19|20)\d{2})\)", re.ASCII)


def normalize_case_no(s: str) -> str:
    """Canonical 案号: half-width, all bracket styles as ``()``, no whitespace, Latin upper-cased.

    ``（2017）黑01执750号``, ``〔2017〕黑01执750号`` and ``(2017)黑01执750号`` all
    become the last. Raises ValueError when no ``(yyyy)`` year part is present.
    """
    text = "".join(require_text(s, "case number").translate(_BRACKETS).split()).upper()
    if not _CASE_YEAR.search(text):
        raise ValueError(f"case number has no (yyyy) year part: {text!r}")
    return text


def case_year(case_no: str) -> int:
    """The year in the ``(yyyy)`` part of a case number."""
    return int(_CASE_YEAR.search(normalize_case_no(case_no))[1])
