"""Evidence of the shell indicators: a sentence per firm and indicator, written only when read.

:func:`~creditgraph.analytics.features.company_indicators` returns an :class:`Evidence` beside
its frame; the shell model asks for the sentences of each firm's top reasons. An unavailable
indicator's sentence says which input was missing (:data:`UNAVAILABLE`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from creditgraph.analytics.frames import GraphFrames

__all__ = ["Evidence", "UNAVAILABLE", "UNAVAILABLE_ZH", "TEMPLATES", "GROUP_CLAUSES", "render", "parse"]


class Evidence(Mapping):
    """firm → indicator → a sentence of evidence, written on first read (the mapping
    :func:`company_indicators` returns; behaves as ``dict[str, dict[str, str]]``). An
    unavailable indicator's sentence says which input was missing."""

    def __init__(self, index: pd.Index, X: pd.DataFrame, facts: dict[str, np.ndarray], frames: GraphFrames, *,
                 batch_days: int) -> None:
        self._index, self._facts, self._frames, self._batch_days = index, facts, frames, batch_days
        self._values = {c: X[c].to_numpy() for c in X.columns}  # plain arrays: one read per sentence

    @property
    def index(self) -> pd.Index:
        """The firms, in the row order of the indicator frame."""
        return self._index

    def __getitem__(self, firm: str) -> Mapping[str, str]:
        at = self._index.get_loc(firm)  # KeyError for a firm not in the frame
        if not isinstance(at, (int, np.integer)):  # a slice or mask: the firm is in the index more than once
            raise ValueError(f"firm {firm!r} is in the indicator frame more than once")
        return _FirmEvidence(self, int(at))

    def __iter__(self):
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def _names(self, entities: list[int]) -> list[str]:
        fr = self._frames
        e = np.asarray(entities, dtype=np.int64)
        node = np.where(e >= 0, fr.entity_node[np.maximum(e, 0)], -1)
        names = fr.attr("name", np.maximum(node, 0)).tolist()
        return ["—" if i < 0 else names[j] if n >= 0 else fr.entities[i]
                for j, (i, n) in enumerate(zip(e.tolist(), node.tolist()))]

    def sentence(self, i: int, indicator: str, lang: str = "en") -> str:
        """The evidence of firm row ``i`` for ``indicator``, as a sentence in ``lang``."""
        return self.sentences(np.array([i]), indicator, lang)[0]

    def sentences(self, rows: np.ndarray, indicator: str, lang: str = "en") -> list[str]:
        """The evidence of the firm rows ``rows`` for ``indicator``, as sentences in ``lang``
        (:func:`render` of :meth:`facts`)."""
        return [render(f, lang) for f in self.facts(rows, indicator)]

    def facts(self, rows: np.ndarray, indicator: str) -> list[dict]:
        """The evidence of the firm rows ``rows`` for ``indicator`` as data: ``{"template": id,
        **parameters}`` (:data:`TEMPLATES`), JSON-ready, for a reader to render in its language."""
        rows = np.asarray(rows, dtype=np.int64)
        n = self._values[indicator][rows]
        seen = ~np.isnan(n)
        out = self._seen(rows[seen], indicator, n[seen].tolist()) if seen.any() else []
        if seen.all():
            return out
        it = iter(out)
        return [next(it) if s else {"template": "unavailable", "indicator": indicator} for s in seen.tolist()]

    def _seen(self, rows: np.ndarray, indicator: str, n: list[float]) -> list[dict]:
        f = self._facts
        if indicator == "firms_at_address":
            at = np.asarray(f["address"][rows], dtype=np.int64)
            text = self._frames.attr("text", np.maximum(at, 0)).tolist()
            return [{"template": indicator, "n": int(k), "address": t} for k, t in zip(n, text)]
        if indicator == "registered_together":
            return [{"template": indicator, "n": int(k), "days": self._batch_days} for k in n]
        if indicator == "same_rep_batch":
            return [{"template": indicator, "n": int(k), "days": self._batch_days, "person": p}
                    for k, p in zip(n, f["rep_name"][rows].tolist())]
        if indicator in ("rep_fronts_firms", "officer_fronts_firms"):  # n firms, in `groups` business groups
            rep = indicator == "rep_fronts_firms"
            who = self._names(f["rep" if rep else "busiest"][rows].tolist())
            firms = f["rep_firms" if rep else "busy_firms"][rows].tolist()
            return [{"template": indicator, "n": int(m), "person": p, **({"groups": int(k)} if m != k else {})}
                    for k, m, p in zip(n, firms, who)]
        if indicator == "shared_crew":  # n firms; `groups` business groups besides its own
            firms, grouped = f["crew_firms"][rows].tolist(), f["in_group"][rows].tolist()
            return [{"template": indicator, "n": int(m), **({"groups": int(k)} if m != k or g else {})}
                    for k, m, g in zip(n, firms, grouped)]
        if indicator in ("abnormal_listings", "firms_on_phone"):
            return [{"template": indicator, "n": int(k)} for k in n]
        if indicator == "short_life":
            return [{"template": "short_life_ended", "founded": a, "dissolved": b} if b else
                    {"template": "short_life_active", "founded": a}
                    for a, b in zip(f["founded"][rows].tolist(), f["dissolved"][rows].tolist())]
        if indicator == "unpaid_capital":
            return [{"template": indicator, "paid": p, "capital": c}
                    for p, c in zip(f["paid"][rows].tolist(), f["capital"][rows].tolist())]
        if indicator == "group_address":
            return [{"template": indicator, "share": float(k)} for k in n]
        if indicator in ("group_subsidiary", "ownership_cycle"):
            return [{"template": f"{indicator}_{'yes' if k else 'no'}"} for k in n]
        raise KeyError(indicator)


#: Evidence sentences by template id: English (one, many — chosen by the parameter ``n``) and
#: Chinese. Parameters: ``n`` a count, ``days``, ``address`` and ``person`` as the source wrote
#: them, ``founded``/``dissolved`` ISO dates, ``paid``/``capital`` in CNY, ``share`` in 0..1,
#: ``indicator`` (of an unavailable one).
TEMPLATES: dict[str, dict[str, tuple[str, str] | str]] = {
    "firms_at_address": {"en": ("{n} firm registered at {address}", "{n} firms registered at {address}"),
                         "zh": "该地址注册了 {n} 家企业：{address}"},
    "registered_together": {"en": ("{n} firm at its address founded within {days} days of it, itself included",
                                   "{n} firms at its address founded within {days} days of it, itself included"),
                            "zh": "同一地址 {days} 天内成立了 {n} 家企业（含本企业）"},
    "same_rep_batch": {"en": ("{n} firm at its address founded within {days} days of it under a legal rep named "
                              "{person}, itself included",
                              "{n} firms at its address founded within {days} days of it under a legal rep named "
                              "{person}, itself included"),
                       "zh": "同一地址 {days} 天内以 {person} 为法定代表人成立了 {n} 家企业（含本企业）"},
    "rep_fronts_firms": {"en": ("legal rep {person} is legal rep of {n} firm",
                                "legal rep {person} is legal rep of {n} firms"),
                         "zh": "法定代表人 {person} 担任 {n} 家企业的法定代表人"},
    "officer_fronts_firms": {"en": ("{person} holds posts in {n} firm", "{person} holds posts in {n} firms"),
                             "zh": "{person} 在 {n} 家企业任职或持股"},
    "shared_crew": {"en": ("{n} other firm shares two or more of its people",
                           "{n} other firms share two or more of its people"),
                    "zh": "另有 {n} 家企业与其共用两名以上人员"},
    "short_life_ended": {"en": "founded {founded}, deregistered {dissolved}", "zh": "{founded} 成立，{dissolved} 注销"},
    "short_life_active": {"en": "founded {founded}, active", "zh": "{founded} 成立，仍存续"},
    "unpaid_capital": {"en": "paid in {paid} of {capital} registered", "zh": "注册资本 {capital}，实缴 {paid}"},
    "group_address": {"en": "{share} of the firms at its address hold or are held by another firm outside a ring "
                            "(a group's tree)",
                      "zh": "同一地址的企业中 {share} 与其他企业单向持股（集团架构）"},
    "group_subsidiary_yes": {"en": "held by a company it does not hold in turn", "zh": "被一家公司单向持股"},
    "group_subsidiary_no": {"en": "no company holds it outside a ring", "zh": "没有公司单向持股"},
    "abnormal_listings": {"en": ("{n} abnormal-operation listing", "{n} abnormal-operation listings"),
                          "zh": "{n} 次列入经营异常名录"},
    "ownership_cycle_yes": {"en": "in a ring of cross-holdings", "zh": "处于交叉持股环中"},
    "ownership_cycle_no": {"en": "no ownership ring", "zh": "没有循环持股"},
    "firms_on_phone": {"en": ("{n} firm gives the same phone", "{n} firms give the same phone"),
                       "zh": "{n} 家企业使用同一电话"},
    "unavailable": {"en": "unavailable: {why}", "zh": "无法计算：{why}"},
}

#: The clause a fronting sentence ends with where its firms fall in fewer business groups than
#: firms (the count the shell model reads; :func:`~creditgraph.analytics.features.business_groups`):
#: English (one group, many — by the parameter ``groups``) and Chinese.
GROUP_CLAUSES: dict[str, dict[str, tuple[str, str] | str]] = {
    "rep_fronts_firms": {"en": (" in {groups} ownership group", " in {groups} ownership groups"),
                         "zh": "（属 {groups} 个股权集团）"},
    "officer_fronts_firms": {"en": (" in {groups} ownership group", " in {groups} ownership groups"),
                             "zh": "（属 {groups} 个股权集团）"},
    "shared_crew": {"en": (", in {groups} ownership group besides its own",
                           ", in {groups} ownership groups besides its own"),
                    "zh": "（本集团以外属 {groups} 个股权集团）"},
}

#: Why each indicator can be unavailable: (for one firm, for a store where most firms lack it).
UNAVAILABLE = {
    "firms_at_address": ("no registered address", "most firms have no registered address"),
    "registered_together": ("no address or founding date", "addresses or founding dates are missing"),
    "same_rep_batch": ("no address, founding date or legal representative",
                       "addresses, founding dates or legal representatives are missing"),
    "rep_fronts_firms": ("no legal representative", "most firms have no legal representative"),
    "officer_fronts_firms": ("no officers or holders", "most firms have no officers or holders"),
    "shared_crew": ("no officers or holders", "most firms have no officers or holders"),
    "short_life": ("no founding date, or neither status nor deregistration date",
                   "founding dates, statuses or deregistration dates are missing"),
    "unpaid_capital": ("registered or paid-in capital not published", "paid-in capital is not published"),
    "group_subsidiary": ("no shareholders published", "shareholders are not published"),
    "group_address": ("no address, or no shareholders published there", "addresses or shareholders are not published"),
    "abnormal_listings": ("no abnormal-operation list loaded", "no abnormal-operation list was loaded"),
    "ownership_cycle": ("no shareholders published", "shareholders are not published"),
    "firms_on_phone": ("no phone", "phones are not published"),
}


class _FirmEvidence(Mapping):
    def __init__(self, evidence: Evidence, i: int) -> None:
        self._evidence, self._i = evidence, i

    def __getitem__(self, indicator: str) -> str:
        return self._evidence.sentence(self._i, indicator)

    def __iter__(self):
        return iter(self._evidence._values)

    def __len__(self) -> int:
        return len(self._evidence._values)


#: Why an indicator is unavailable for one firm, in Chinese (the first column of :data:`UNAVAILABLE`).
UNAVAILABLE_ZH = {
    "firms_at_address": "无注册地址",
    "registered_together": "无注册地址或成立日期",
    "same_rep_batch": "无注册地址、成立日期或法定代表人",
    "rep_fronts_firms": "无法定代表人",
    "officer_fronts_firms": "无高管或股东信息",
    "shared_crew": "无高管或股东信息",
    "short_life": "无成立日期，或既无登记状态也无注销日期",
    "unpaid_capital": "未公示注册资本或实缴资本",
    "group_subsidiary": "未公示股东",
    "group_address": "无注册地址，或该地址未公示股东",
    "abnormal_listings": "未载入经营异常名录",
    "ownership_cycle": "未公示股东",
    "firms_on_phone": "无电话",
}

_MONEY = ("paid", "capital")


def _value(name: str, v, lang: str) -> str:
    """A parameter as the sentence shows it: money in 万元 in Chinese, shares as percentages."""
    if name in _MONEY and isinstance(v, (int, float)):
        if lang == "zh":
            return f"{v / 10_000:,.2f}".rstrip("0").rstrip(".") + " 万元"
        return f"{v:g}"
    if name == "share" and isinstance(v, (int, float)):
        return f"{v:.0%}"
    return str(v)


def render(fact, lang: str = "en") -> str:
    """The sentence of one piece of evidence in ``lang`` ("zh" or "en"). ``fact``: a dict of
    :meth:`Evidence.facts`, or a sentence as earlier scoring runs stored it (English), which is
    read back with :func:`parse` — a sentence it cannot read is returned as it is."""
    if isinstance(fact, str):
        parsed = parse(fact)
        if parsed is None:
            return fact
        fact = parsed
    if not isinstance(fact, Mapping) or fact.get("template") not in TEMPLATES:
        return "" if fact is None else str(fact)
    template = TEMPLATES[fact["template"]]
    text = template.get(lang) or template["en"]
    if isinstance(text, tuple):
        text = text[0] if fact.get("n") == 1 else text[1]
    if fact.get("groups") is not None and fact["template"] in GROUP_CLAUSES:
        clause = GROUP_CLAUSES[fact["template"]]
        tail = clause.get(lang) or clause["en"]
        text += (tail[0] if fact["groups"] == 1 else tail[1]) if isinstance(tail, tuple) else tail
    values = {k: _value(k, v, lang) for k, v in fact.items() if k != "template"}
    if fact["template"] == "unavailable":
        ind = fact.get("indicator", "")
        why = fact.get("why") or (UNAVAILABLE_ZH.get(ind) if lang == "zh" else UNAVAILABLE.get(ind, ("",))[0])
        values["why"] = why or ind
    return text.format_map(values)


_NUMBER = r"-?[0-9][0-9.e+]*"
_PATTERNS: list[tuple[str, "re.Pattern[str]"]] = []


def _patterns() -> list[tuple[str, "re.Pattern[str]"]]:
    """Regular expressions of the English templates (plural ``s`` optional), built once."""
    if not _PATTERNS:
        for tid, t in TEMPLATES.items():
            en = t["en"]
            for text in (en if isinstance(en, tuple) else (en,)):
                if tid in GROUP_CLAUSES:  # an optional clause: " in {groups} ownership groups"
                    text += "\0"
                rx = re.sub(r"\\\{(\w+)\\\}", lambda m: (rf"(?P<{m[1]}>[0-9]+)" if m[1] in ("n", "days")
                                                       else rf"(?P<{m[1]}>{_NUMBER})%" if m[1] == "share"
                                                       else rf"(?P<{m[1]}>{_NUMBER})" if m[1] in _MONEY
                                                       else rf"(?P<{m[1]}>.+?)"), re.escape(text))
                for word in ("firm", "listing", "share", "give"):  # earlier runs wrote "1 other firm share"
                    rx = re.sub(rf"(?<!<)\b{word}s?\b", f"{word}s?", rx)
                clause = GROUP_CLAUSES.get(tid, {}).get("en", ("",))[0]
                tail = re.sub(r"\bgroup\b", "groups?", re.escape(clause).replace(r"\{groups\}", "\0"))
                tail = tail.replace("\0", r"(?P<groups>[0-9]+)")
                rx = rx.replace(re.escape("\0"), f"(?:{tail})?")
                _PATTERNS.append((tid, re.compile(rf"^{rx}$", re.S)))
    return _PATTERNS


def parse(sentence: str) -> dict | None:
    """An English evidence sentence (as stored by scoring runs before facts were stored) read
    back into ``{"template": id, **parameters}``; None when it is not one of :data:`TEMPLATES`."""
    for tid, rx in _patterns():
        m = rx.match(sentence.strip())
        if not m:
            continue
        out: dict = {"template": tid}
        for k, v in m.groupdict().items():
            if v is None:  # an optional clause not in the sentence
                continue
            out[k] = int(v) if k in ("n", "days", "groups") else float(v) / (100 if k == "share" else 1) \
                if k in _MONEY + ("share",) else v
        if tid == "unavailable":
            ind = next((i for i, (why, _) in UNAVAILABLE.items() if why == out["why"]), None)
            if ind is None:
                return None
            out = {"template": tid, "indicator": ind}
        return out
    return None
