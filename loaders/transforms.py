"""Named value transforms that source mappings refer to (``transform: date``).

A transform takes the cleaned cell text and returns either one value for the property
it is declared on, or — for ``id_number`` and ``subject_id`` — a dict of several
properties. It raises ``ValueError`` for a bad value; the loader quarantines the row
with that message. Full ID numbers leave this module only as a keyed hash + masked form.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from creditgraph.loaders import normalize as nz

__all__ = ["TRANSFORMS", "MULTI", "get_transform", "scrub_ids"]

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
    "company_name": nz.normalize_company_name,
    "person_name": nz.normalize_person_name,
    "name": lambda s: nz.normalize_company_name(s) if nz.is_organisation_name(s) else nz.normalize_person_name(s),
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
    "stock_code": lambda s: s.split(".")[0].strip().zfill(6),
    "upper": lambda s: s.upper(),
    "listed_role": lambda s: _LISTED_ROLES.get(s.strip().lower(), s.strip()),
}

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
