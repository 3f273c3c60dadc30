"""Normalisers and validators for Chinese registry and court data.

Small pure functions (no I/O) that loaders apply to raw values. Each returns the
canonical form or raises ``ValueError`` with a message a loader can store as the
quarantine reason; ``None`` means "empty input", and only where a docstring says so.
Privacy: a full 居民身份证 number is never stored or logged in clear, so ID error
messages show only the official mask and ``IdNumber.full`` is left out of ``repr``.
"""

import datetime as dt
import functools
import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

__all__ = [
    "clean_text", "to_simplified", "halfwidth",
    "uscc_check_char", "is_valid_uscc", "normalize_uscc", "is_masked_uscc", "uscc_matches_masked",
    "IdNumber", "id_check_digit", "is_valid_id", "parse_id", "mask_id", "hash_id",
    "masked_ids_compatible", "id_matches_masked", "parse_date", "normalize_case_no", "case_year",
    "normalize_company_name", "company_match_key", "normalize_person_name",
    "published_text", "name_key", "person_key_name", "record_name",
    "is_organisation_name", "is_person_name", "parse_ratio", "parse_amount", "parse_int",
]

_CJK = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"

# --------------------------------------------------------------------- text


def clean_text(s: str | None) -> str | None:
    """Strip, collapse every whitespace run to one space, drop control and format chars.

    Whitespace includes U+3000, NBSP, tabs and newlines; removed are C0/C1
    controls and format characters (zero-width space/joiners, BOM, bidi marks).
    Returns None for None or for a string that is empty after cleaning.
    """
    if s is None:
        return None
    if not isinstance(s, str):
        raise TypeError(f"clean_text expects str or None, got {type(s).__name__}")
    if s.isprintable():  # fast path: no controls, and ASCII space is the only whitespace
        return " ".join(s.split()) or None
    kept = "".join(
        " " if c.isspace() else ("" if unicodedata.category(c) in ("Cc", "Cf") else c)
        for c in s
    )
    return " ".join(kept.split()) or None


_KEEP_T2S = frozenset("乾於昇甯")


@functools.cache
def _t2s():
    """The OpenCC ``t2s`` converter and the set of characters it can change."""
    from importlib.resources import files

    from opencc import OpenCC  # imported lazily: building the converter loads dictionaries

    changeable = set()
    for name in ("TSPhrases.txt", "TSCharacters.txt"):  # the dictionaries t2s.json chains
        for line in (files("opencc") / "dictionary" / name).read_text("utf-8").splitlines():
            key, _, value = line.strip().partition("\t")
            same_length = len(key) == len(value)
            changeable.update(k for i, k in enumerate(key) if not same_length or value[i] != k)
    return OpenCC("t2s"), frozenset(changeable)


@functools.lru_cache(maxsize=65536)
def to_simplified(s: str) -> str:
    """Convert Traditional to Simplified Chinese (OpenCC ``t2s``); other text is unchanged.

    Characters in ``_KEEP_T2S`` stay as written: mainland names use them and
    OpenCC would merge distinct names (乾→干, 於→于, 昇→升, 甯→宁). Text with no
    character the dictionaries would change skips the slow pure-Python converter.
    """
    converter, changeable = _t2s()
    if changeable.isdisjoint(s):
        return s
    out = converter.convert(s)
    if len(out) == len(s) and not _KEEP_T2S.isdisjoint(s):
        out = "".join(c if c in _KEEP_T2S else o for c, o in zip(s, out))
    return out


_HALFWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def halfwidth(s: str) -> str:
    """Map full-width ASCII forms (U+FF01–FF5E) and U+3000 to ASCII; CJK is left alone."""
    return s.translate(_HALFWIDTH)


def _require_text(s, what: str) -> str:
    text = clean_text(halfwidth(s)) if isinstance(s, str) else None
    if text is None:
        raise ValueError(f"{what} is empty" if isinstance(s, str) or s is None
                         else f"{what} must be a string, got {type(s).__name__}")
    return text


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
    code = _require_text(s, "USCC").upper()
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
    text = "".join(_require_text(s, "ID number").split()).upper()
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


# -------------------------------------------------------------------- dates

# optional time after "T", a space, or glued on (then two-digit hour); zone accepted, ignored
_TIME = (r"(?:(?:[T ]|(?=\d{2}:))(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,]\d+)?)?"
         r"(?:Z|[+-]\d{2}:?\d{2})?)?")
_DATE_FORMS = [
    re.compile(p + _TIME, re.ASCII)
    for p in (
        r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})",  # 20180302
        r"(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})",  # 2018-03-02, 2017/8/31
        r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日?",  # 2018年4月8日
        r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})",  # 08.04.2018 (German)
    )
]


def parse_date(s) -> dt.date:
    """Parse the date forms found in the shared data; a trailing time is checked and dropped.

    ``20180302``, ``2018-03-02``, ``2017/8/31``, ``2018.03.02``, ``2018年4月8日``, German
    ``08.04.2018``; each optionally with a time (after ``T``, a space, or glued on as in
    ``2003/04/1000:00:00.000``); ``date``/``datetime`` objects. The date is taken as
    written (no time-zone shift). ValueError for other forms, impossible dates, and
    years outside 1900–2100.
    """
    if isinstance(s, dt.datetime):
        return s.date()
    if isinstance(s, dt.date):
        return s
    text = re.sub(r"\s*([年月])\s*|\s+(?=日)", r"\1", _require_text(s, "date"))
    for form in _DATE_FORMS:
        if m := form.fullmatch(text):
            break
    else:
        raise ValueError(f"unrecognised date {text!r}")
    if m["h"] and (int(m["h"]) > 23 or int(m["mi"]) > 59 or int(m["s"] or 0) > 59):
        raise ValueError(f"impossible time in {text!r}")
    y, mo, d = int(m["y"]), int(m["m"]), int(m["d"])
    if not 1900 <= y <= 2100:
        raise ValueError(f"year {y} outside 1900–2100 in {text!r}")
    try:
        return dt.date(y, mo, d)
    except ValueError:
        raise ValueError(f"impossible date {text!r}") from None


# ------------------------------------------------------------- case numbers

_BRACKETS = str.maketrans("〔〕［］[]【】﹝﹞〖〗", "()()()()()()")
_CASE_YEAR = re.compile(r"\(((?:19|20)\d{2})\)", re.ASCII)


def normalize_case_no(s: str) -> str:
    """Canonical 案号: half-width, all bracket styles as ``()``, no whitespace, Latin upper-cased.

    ``（2017）黑01执750号``, ``〔2017〕黑01执750号`` and ``(2017)黑01执750号`` all
    become the last. Raises ValueError when no ``(yyyy)`` year part is present.
    """
    text = "".join(_require_text(s, "case number").translate(_BRACKETS).split()).upper()
    if not _CASE_YEAR.search(text):
        raise ValueError(f"case number has no (yyyy) year part: {text!r}")
    return text


def case_year(case_no: str) -> int:
    """The year in the ``(yyyy)`` part of a case number."""
    return int(_CASE_YEAR.search(normalize_case_no(case_no))[1])


# -------------------------------------------------------------------- names

# a space goes between two CJK characters, and between CJK and a bracket
_CJK_SPACE = re.compile(rf"(?<=[{_CJK}]) (?=[{_CJK}(])|(?<=\)) (?=[{_CJK}])")


def normalize_company_name(s: str) -> str:
    """Canonical display/key form of an organisation name.

    Cleaned, half-width (so ``（）`` become ``()``), spaces between CJK characters
    removed, Traditional converted to Simplified. Raises ValueError when empty.
    """
    return to_simplified(_CJK_SPACE.sub("", _require_text(s, "company name")))


def company_match_key(s: str) -> str:
    """Aggressive form for matching one organisation across sources.

    ``有限责任公司`` → ``有限公司`` (``股份有限公司`` stays distinct), punctuation,
    brackets and spaces dropped (their content kept), Latin upper-cased.
    """
    name = normalize_company_name(s).replace("有限责任公司", "有限公司")
    return "".join(c for c in name if unicodedata.category(c)[0] not in "PZ").upper()


_DOTS = str.maketrans(dict.fromkeys("•・．‧∙⋅･", "·"))
_CJK_DOT = re.compile(rf"(?<=[{_CJK}])\s*[.·]\s*(?=[{_CJK}])")


def normalize_person_name(s: str) -> str:
    """Canonical person name: cleaned, Simplified, no spaces inside CJK names, middle dots as ``·``."""
    name = to_simplified(_require_text(s, "person name").translate(_DOTS))
    return _CJK_SPACE.sub("", _CJK_DOT.sub("·", name))


def published_text(s: str) -> str:
    """A name, role or other text as the source published it: only cleaned (``clean_text``).

    Script, width and brackets are kept (茂生農經 stays 茂生農經, （股） stays （股）); the
    normalised forms live in match keys (:func:`name_key`, the node key). Raises ValueError
    when empty.
    """
    text = clean_text(s) if isinstance(s, str) else None
    if text is None:
        raise ValueError("text is empty" if isinstance(s, str) or s is None
                         else f"text must be a string, got {type(s).__name__}")
    return text


@functools.cache
def _key_drop() -> dict[int, None]:
    """``str.translate`` table deleting punctuation and separators (Unicode P*, Z*) of the BMP."""
    return {cp: None for cp in range(0x10000) if unicodedata.category(chr(cp))[0] in "PZ"}


@functools.lru_cache(maxsize=262144)
def name_key(s: str) -> str:
    """The match key of a firm's or person's name: what search, indexes and ``name_key`` use.

    Half-width, Traditional→Simplified, ``有限责任公司``→``有限公司``, punctuation, brackets and
    spaces dropped (their content kept), Latin upper-cased — so 莊永順 and 庄永顺,
    ``甲（股）`` and ``甲(股)`` share a key. Equal to :func:`company_match_key` for names; one
    ``str.translate`` per step (C speed: the in-memory name index folds millions of names).
    Raises ValueError when empty.
    """
    text = to_simplified(halfwidth(_require_text(s, "name"))).replace("有限责任公司", "有限公司")
    return text.translate(_key_drop()).upper()


def person_key_name(s: str) -> str:
    """A person's name as it goes into a node key: cleaned, half-width, no spaces inside CJK
    names, middle dots as ``·`` — but in its own script, so 李世傑 and 李世杰 stay two people
    at load (resolution may join them, with evidence)."""
    name = _require_text(s, "person name").translate(_DOTS)
    return _CJK_SPACE.sub("", _CJK_DOT.sub("·", name))


def record_name(s: str) -> str:
    """A listed subject's name (失信 / 限消 / 异常 records) as it goes into the record's key:
    the organisation or person form the loaders stored before names were kept as published,
    so keys of existing stores stay what they were."""
    return normalize_company_name(s) if is_organisation_name(s) else normalize_person_name(s)


_ORG_WORDS = re.compile(
    "公司|有限|合伙|企业|集团|控股|中心|银行|研究院|研究所|事务所|合作社|协会|学会|委员会|"
    "理事会|政府|法院|检察院|医院|学校|学院|大学|基金|信托|证券|保险|期货|资产管理|计划|组合|"
    "账户|帐户|专户|产品|投资|财政|国资委|工会|商行|株式会社|分行|支行|办事处|电视台|宾馆|酒店|"
    r"[厂店局部站社处所馆院]\)?$|"
    r"(?i:\b(?:ltd|limited|gmbh|inc|l\.?l\.?c|llp|l\.?p|plc|co|corp|corporation|company|ag|s\.a|"
    r"b\.?v|n\.?v|pte|bank|fund|trust|holdings?|capital|partners|group|investments?|"
    r"securities|international|foundation|management|ventures|asset|incorporated|association|"
    r"sicav|etf|se|sdn|bhd|berhad)\b|(?:ltd|limited|inc|llc|ag|bank|berhad|fund|fd)\.?$)"
)
_CJK_NAME = re.compile(rf"[{_CJK}]{{2,4}}")
_DOTTED_NAME = re.compile(rf"[{_CJK}]+(?:·[{_CJK}]+)+")
_HAS_CJK = re.compile(f"[{_CJK}]")


def is_organisation_name(s: str | None) -> bool:
    """Heuristic: an organisation keyword or suffix, or a CJK name longer than 8 characters.

    Dotted minority/foreign names (``阿卜杜拉·买买提``) are exempt from the
    length rule; Latin names are judged by keywords only. False for empty input.
    """
    return clean_text(s) is not None and _is_org(normalize_person_name(s))


def _is_org(name: str) -> bool:
    if _ORG_WORDS.search(name):
        return True
    return len(name) > 8 and _HAS_CJK.search(name) is not None and not _DOTTED_NAME.fullmatch(name)


def is_person_name(s: str | None) -> bool:
    """Heuristic: 2–4 CJK characters, or a ``·``-joined CJK name up to 15, and no organisation keyword."""
    if clean_text(s) is None:
        return False
    name = normalize_person_name(s)
    looks = _CJK_NAME.fullmatch(name) or (_DOTTED_NAME.fullmatch(name) and len(name) <= 15)
    return bool(looks) and not _is_org(name)


# ------------------------------------------------------------------ numbers

_AMOUNT = re.compile(r"(?:人民币|RMB|CNY|¥|￥)?([-+]?\d+(?:\.\d+)?)(万亿|亿|万|千)?元?(?:人民币)?",
                     re.I | re.ASCII)
_UNITS = {None: 1, "千": 10**3, "万": 10**4, "亿": 10**8, "万亿": 10**12}


def _decimal(s, what: str) -> Decimal:
    if isinstance(s, bool) or not isinstance(s, (str, int, float, Decimal)):
        raise ValueError(f"{what} must be a string or number, got {type(s).__name__}")
    try:
        value = Decimal(s) if isinstance(s, (int, Decimal)) else Decimal(str(s))
    except InvalidOperation:
        raise ValueError(f"{what} is not a number: {s!r}") from None
    if not value.is_finite():
        raise ValueError(f"{what} is not a finite number: {s!r}")
    return value


def _number_text(s, what: str) -> str:
    return _require_text(s, what).replace(",", "").replace(" ", "")


def parse_ratio(s, *, percent: bool = False) -> float:
    """A share in 0..1 from ``46.55%``, ``0.4655`` or, with ``percent=True``, ``46.55``."""
    if isinstance(s, str):
        text = _number_text(s, "ratio")
        percent = percent or text.endswith("%")
        s = text.removesuffix("%")
    value = _decimal(s, "ratio") / (100 if percent else 1)
    if not 0 <= value <= 1:
        hint = "" if percent else " (pass percent=True if it is a percentage)"
        raise ValueError(f"ratio {value} is outside 0..1{hint}")
    return float(value)


def parse_amount(s) -> float:
    """An amount in yuan from ``1,234.5``, ``1234``, ``12.5万`` (×10⁴), ``3亿元`` (×10⁸), ``500元``."""
    if isinstance(s, str):
        text = _number_text(s, "amount")
        if not (m := _AMOUNT.fullmatch(text)):
            raise ValueError(f"unrecognised amount {text!r}")
        return float(Decimal(m[1]) * _UNITS[m[2]])
    return float(_decimal(s, "amount"))


def parse_int(s) -> int:
    """An integer from ``1,234``, ``2017`` or ``2017.0`` (as pandas writes it); raises on fractions."""
    value = _decimal(_number_text(s, "integer") if isinstance(s, str) else s, "integer")
    if value != value.to_integral_value():
        raise ValueError(f"not a whole number: {s!r}")
    return int(value)
