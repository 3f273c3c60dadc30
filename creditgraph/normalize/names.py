"""Names: scripts (Traditional→Simplified), firm and person names, match keys, and the
organisation-or-person heuristic.

Names are kept as published (:func:`published_text`); the normalised forms live in keys:
:func:`name_key` for search and matching, :func:`person_key_name` and :func:`record_name`
for node keys.
"""

import functools
import re
import unicodedata

from creditgraph.normalize.text import CJK as _CJK
from creditgraph.normalize.text import clean_text, halfwidth, require_text

__all__ = [
    "to_simplified", "normalize_company_name", "company_match_key", "normalize_person_name",
    "published_text", "name_key", "person_key_name", "record_name",
    "is_organisation_name", "is_person_name",
]

# ------------------------------------------------------------------- scripts

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


# -------------------------------------------------------------------- names

# a space goes between two CJK characters, and between CJK and a bracket
_CJK_SPACE = re.compile(rf"(?<=[{_CJK}]) (?=[{_CJK}(])|(?<=\)) (?=[{_CJK}])")


def normalize_company_name(s: str) -> str:
    """Canonical display/key form of an organisation name.

    Cleaned, half-width (so ``（）`` become ``()``), spaces between CJK characters
    removed, Traditional converted to Simplified. Raises ValueError when empty.
    """
    return to_simplified(_CJK_SPACE.sub("", require_text(s, "company name")))


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
    name = to_simplified(require_text(s, "person name").translate(_DOTS))
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
    text = to_simplified(halfwidth(require_text(s, "name"))).replace("有限责任公司", "有限公司")
    return text.translate(_key_drop()).upper()


def person_key_name(s: str) -> str:
    """A person's name as it goes into a node key: cleaned, half-width, no spaces inside CJK
    names, middle dots as ``·`` — but in its own script, so 李世傑 and 李世杰 stay two people
    at load (resolution may join them, with evidence)."""
    name = require_text(s, "person name").translate(_DOTS)
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
