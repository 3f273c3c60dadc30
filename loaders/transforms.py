"""Named value transforms that source mappings refer to (``transform: date``).

A transform takes the cleaned cell text and returns either one value for the property
it is declared on, or — for ``id_number`` and ``subject_id`` — a dict of several
properties. It raises ``ValueError`` for a bad value; the loader quarantines the row
with that message. Full ID numbers leave this module only as a keyed hash + masked form.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from creditgraph import normalize as nz

__all__ = ["TRANSFORMS", "MULTI", "OPTIONS", "get_transform", "scrub_ids", "stock_code", "MARKETS"]

# Role codes of the Wind export (cn_listed_company_graph keydirector_info.zwdm).
_LISTED_ROLES = {
    "dsz": "董事长", "zjl": "总经理", "dshms": "董事会秘书", "dldsxr": "独立董事",
    "dldslr": "独立董事(历任)", "gsds": "董事", "gsjs": "监事", "gsgg": "高级管理人员",
}
_SEX = {"男": "M", "女": "F", "M": "M", "F": "F", "male": "M", "female": "F"}
# Digit boundaries only: an ID glued to Latin letters ("ID350102…") is still an ID.
_FULL_ID = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")
_ORG_CODE = re.compile(r"^[0-9A-Z]{8}-?[0-9X]$")


def _sex(s: str) -> str:
    try:
        return _SEX[s.strip()]
    except KeyError:
        raise ValueError(f"unknown sex {s!r}") from None


def _phone(s: str) -> str:
    digits = re.sub(r"\D", "", nz.halfwidth(s))
    if not 7 <= len(digits) <= 13:
        raise ValueError(f"not a phone number: {s!r}")
    return digits


#: Exchange codes a stock code may carry (``000002.SZ``, ``2330.TW``); ``SS`` is Yahoo's Shanghai.
MARKETS = {"SH": "SH", "SS": "SH", "SZ": "SZ", "BJ": "BJ", "HK": "HK", "TW": "TW", "TWO": "TWO",
           "US": "US", "SG": "SG", "JP": "JP", "T": "JP", "KS": "KS", "KQ": "KQ", "L": "L"}
_STOCK = re.compile(r"^([0-9A-Z]{1,10})(?:\.([A-Z]{1,4}))?$")


def _a_share_market(code: str) -> str | None:
    """The mainland exchange of a bare 6-digit A/B-share code, by its leading digits."""
    if len(code) != 6 or not code.isdigit():
        return None
    if code.startswith(("92", "4", "8")):
        return "BJ"
    if code[0] in "69" or code.startswith("5"):
        return "SH"
    if code[0] in "0123":
        return "SZ"
    return None


def stock_code(s: str, *, market: str | None = None) -> str:
    """``code.MARKET``: the code as published (never padded) with its exchange.

    The market comes from the code's suffix (``000002.SZ``), else the mapping's ``market``
    option, else — for a bare 6-digit code only — the A-share numbering (6/9 SH, 0/2/3 SZ,
    4/8/92 BJ). A code whose market cannot be told raises ValueError: padding Taiwan's 2330
    into 002330 would make it a Shenzhen code.
    """
    text = "".join(nz.halfwidth(s).split()).upper()
    m = _STOCK.match(text)
    if not m:
        raise ValueError(f"not a stock code: {s!r}")
    code, suffix = m.groups()
    mkt = suffix or (market.upper() if market else None) or _a_share_market(code)
    if not mkt:
        raise ValueError(f"stock code {code!r} names no market: write it as {code}.TW or set `market:` in the mapping")
    return f"{code}.{MARKETS.get(mkt, mkt)}"


def id_number(s: str, *, hash_key: str) -> dict[str, Any]:
    """A full or masked ID number → hash (full only), masked form and what it reveals."""
    idn = nz.parse_id(s)
    out: dict[str, Any] = {"id_masked": idn.masked, "sex": idn.sex, "birth_year": idn.birth_year,
                           "region_code": idn.region_code}
    if idn.full:
        # Only the hash: a birth date beside the official mask (first 10 + last 4) would
        # give back the whole number.
        out["id_hash"] = nz.hash_id(idn.full, hash_key)
    return {k: v for k, v in out.items() if v is not None}


def subject_id(s: str, *, hash_key: str) -> dict[str, Any]:
    """The 失信 list's 身份证号码/组织机构代码 column: a (masked) ID, USCC or org code."""
    text = nz.halfwidth(s).strip().upper()
    if nz.is_valid_uscc(text):
        return {"uscc": text}
    if _ORG_CODE.match(text):
        return {"org_code": text.replace("-", "")}
    if nz.is_masked_uscc(text) and not _looks_like_id(text):
        return {"uscc_masked": text}
    return id_number(text, hash_key=hash_key)


def _looks_like_id(text: str) -> bool:
    # An ID starts with a province code (11–82) and has a birth year at positions 7–10;
    # a USCC starts with a registration-authority code (1, 5, 9, Y ...) and then a category.
    return text[:1] in "12345678" and bool(re.match(r"^\d{6}(18|19|20)\d{2}", text))


def scrub_ids(text: str) -> str:
    """Mask every valid full 18-digit ID number in free text (for quarantine files, logs)."""
    def repl(m: re.Match) -> str:
        return nz.mask_id(m.group(0)) if nz.is_valid_id(m.group(0)) else m.group(0)
    return _FULL_ID.sub(repl, text)


TRANSFORMS: dict[str, Callable[..., Any]] = {
    "text": lambda s: s,
    # Names as published (cleaned only); keys and ``name_key`` carry the normalised forms.
    "company_name": nz.published_text,
    "person_name": nz.published_text,
    "name": nz.published_text,
    "uscc": nz.normalize_uscc,
    "date": nz.parse_date,
    "case_no": nz.normalize_case_no,
    "amount": nz.parse_amount,
    "wan": lambda s: nz.parse_amount(s) * 10_000,  # a bare number in 万元 (ten thousand yuan)
    "phone": _phone,
    "percent": lambda s: nz.parse_ratio(s, percent=True),
    "ratio": nz.parse_ratio,
    "int": nz.parse_int,
    "float": lambda s: float(nz.parse_amount(s)),
    "sex": _sex,
    "stock_code": stock_code,
    "upper": lambda s: s.upper(),
    "listed_role": lambda s: _LISTED_ROLES.get(s.strip().lower(), s.strip()),
}

#: Options a mapping may give a transform beside its name (``{transform: stock_code, market: TW}``).
OPTIONS: dict[str, frozenset[str]] = {"stock_code": frozenset({"market"})}

#: Transforms that return several properties at once and need the ID hash key.
MULTI: dict[str, Callable[..., dict[str, Any]]] = {
    "id_number": id_number,
    "subject_id": subject_id,
}


def get_transform(name: str) -> Callable[..., Any]:
    if name in TRANSFORMS:
        return TRANSFORMS[name]
    if name in MULTI:
        return MULTI[name]
    raise KeyError(name)
