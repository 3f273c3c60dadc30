"""Which pairs of person mentions to score, and on what: blocking, contradictions, evidence.

:func:`candidate_pairs` blocks on the same name plus the same ID tail or a shared context item;
:func:`contradiction` rules a pair out; :func:`evidence` lists the facts behind a pair for a
reviewer, :func:`supported` says whether they go beyond the name, and :func:`feature_vector`
turns them into the model's :data:`FEATURES`.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from itertools import combinations
from typing import Iterable, Iterator, Mapping

from creditgraph.analytics.resolve.mentions import HIDDEN, FirmContext, Mention

__all__ = ["FEATURES", "BATCH_DAYS", "CONTEXT_CAP", "WINDOW", "CROWDED", "RARE_NAME_FIRMS", "CROWDED_OWNER",
           "STRONG_LIFT", "WEAK_LIFT",
           "candidate_pairs", "contradiction", "evidence", "supported", "feature_vector"]

#: Firms founded this many days apart or less count as one registration batch.
BATCH_DAYS = 90
#: A weak context item (address, phone, holding, co-officer name) held by more same-name records
#: than this makes no candidates of its own (pairs it would block are quadratic in it).
CONTEXT_CAP = 64
#: ... it pairs each record only with the next WINDOW by founding day (sorted neighbourhood),
#: so a nominee's hundred firms at one address still chain up, in linear work.
WINDOW = 8

#: An address or phone shared by more firms than this (a registration-agent or office building)
#: is no evidence on its own: a pair with nothing else beyond the name is never scored.
CROWDED = 100

#: Evidence a pair is scored on; every value is in [0, 1] or a small count.
FEATURES = ("id_overlap", "same_full_id", "same_last4", "same_birth_year", "same_sex", "shared_firms",
            "shared_cases", "case_against_their_firm", "no_id_on_one_side", "name_commonness",
            "shared_address", "address_crowd", "same_batch", "co_officers", "co_officer_crowd",
            "co_officer_repeat", "holding_link", "firms_share_case", "shared_phone",
            "co_occurrence", "co_occurrence_sum", "context_kinds")


def candidate_pairs(ms: Mapping[str, Mention]) -> Iterator[tuple[str, str]]:
    """Pairs worth scoring: same name, and the same ID tail or a shared context item (see
    :mod:`~creditgraph.analytics.resolve.persons`).

    Linear in the records plus the pairs made: records are grouped by name, then by item."""
    blocks: dict[str, list[Mention]] = defaultdict(list)
    for m in ms.values():
        blocks[m.name].append(m)
    for block in blocks.values():
        if len(block) < 2:
            continue
        seen: set[tuple[str, str]] = set()
        index: dict[str, list[str]] = defaultdict(list)
        order = {m.key: m.founded[0][0] if m.founded else 0 for m in block}
        for m in block:
            if HIDDEN not in m.pos[14:]:
                index["t:" + m.pos[14:]].append(m.key)
            for f in m.firms:
                index["f:" + f].append(m.key)
            for c in m.cases | m.firm_cases:
                index["c:" + c].append(m.key)
            for a in m.addresses:
                index["a:" + a].append(m.key)
            for p in m.phones:
                index["p:" + p].append(m.key)
            if m.linked:  # only firms with a holding can meet another's holding
                for h in m.firms | m.linked:
                    index["h:" + h].append(m.key)
            for n in m.co_names:
                index["o:" + n].append(m.key)
        for m in block:  # a case against a firm the other person runs
            for f in m.case_firms:
                for other in index.get("f:" + f, ()):
                    pair = (min(m.key, other), max(m.key, other))
                    if other != m.key and pair not in seen:
                        seen.add(pair)
                        yield pair
        for item, keys in index.items():
            keys = sorted(set(keys))
            if item[0] in "apho" and len(keys) > CONTEXT_CAP:
                # sorted neighbourhood: each record against the next few founded around its time
                keys.sort(key=lambda k: (order[k], k))
                pairs: Iterable[tuple[str, str]] = ((keys[i], keys[j]) for i in range(len(keys))
                         for j in range(i + 1, min(i + 1 + WINDOW, len(keys))))
            else:
                pairs = combinations(keys, 2)
            for a, b in pairs:
                a, b = min(a, b), max(a, b)
                if (a, b) not in seen:
                    seen.add((a, b))
                    yield a, b


def contradiction(a: Mention, b: Mention) -> str | None:
    """Why ``a`` and ``b`` cannot be one person, or None."""
    if a.id_hash and b.id_hash and a.id_hash != b.id_hash:
        return "different full ID numbers"
    differ = [i + 1 for i, (x, y) in enumerate(zip(a.pos, b.pos)) if x != HIDDEN and y != HIDDEN and x != y]
    if differ:
        return f"ID characters {differ[:4]} differ"
    if a.sex and b.sex and a.sex != b.sex:
        return "different sex"
    if a.birth_year and b.birth_year and abs(a.birth_year - b.birth_year) > max(a.year_tolerance, b.year_tolerance):
        return f"born {a.birth_year} vs {b.birth_year}"
    return None


def _days_apart(a: Mention, b: Mention) -> int | None:
    """Fewest days between the founding of a firm of ``a`` and a different firm of ``b``."""
    if not a.founded or not b.founded:
        return None
    days = [d for d, _ in b.founded]
    best = None
    for d, f in a.founded:
        i = bisect_left(days, d - BATCH_DAYS)
        while i < len(days) and days[i] <= d + BATCH_DAYS:
            if b.founded[i][1] != f:
                gap = abs(days[i] - d)
                best = gap if best is None else min(best, gap)
            i += 1
    if best is None and len(a.founded) * len(b.founded) <= 64:
        gaps = [abs(x - y) for x, f in a.founded for y, g in b.founded if f != g]
        best = min(gaps) if gaps else None
    return best


def _counted(items, counts: Mapping[str, int], n: int = 3) -> list[list]:
    """The ``n`` least crowded items with their counts, least crowded first."""
    if len(items) <= 1:
        return [[x, counts.get(x, 1)] for x in items]
    return [[x, counts.get(x, 1)] for x in sorted(items, key=lambda x: (counts.get(x, 1), x))[:n]]


def evidence(a: Mention, b: Mention, block_size: int, context: FirmContext | None = None) -> dict:
    """The facts behind a pair's score, in a form a reviewer can read.

    ``context`` gives the counts that weigh shared addresses, phones and co-officer names (how
    many firms have each); without it every such item counts as held by two firms."""
    both = sum(1 for x, y in zip(a.pos, b.pos) if x != HIDDEN and y != HIDDEN)
    ctx = context or FirmContext()
    firms_a, firms_b = a.firms - b.firms, b.firms - a.firms   # context matters between different firms
    return {
        "id_overlap": both,
        "same_full_id": bool(a.id_hash and a.id_hash == b.id_hash),
        "same_last4": HIDDEN not in a.pos[14:] + b.pos[14:] and a.pos[14:] == b.pos[14:],
        "same_birth_year": bool(a.birth_year and a.birth_year == b.birth_year),
        "same_sex": bool(a.sex and a.sex == b.sex),
        "shared_firms": sorted(a.firms & b.firms),
        "shared_cases": sorted(a.cases & b.cases),
        "case_against_their_firm": sorted((a.case_firms & b.firms) | (b.case_firms & a.firms)),
        "no_id_on_one_side": not (a.has_id and b.has_id),
        "people_with_this_name": block_size,
        # [item, firms that have it] for the least crowded few
        "shared_addresses": _counted(a.addresses & b.addresses, ctx.firms_at) if firms_a and firms_b else [],
        "registered_days_apart": _days_apart(a, b),
        # [name, firms with that name, firms where it and this pair's name both appear]
        "co_officers": [[x, n, ctx.together(a.name, x)] for x, n in
                        _counted(a.co_names & b.co_names, ctx.firms_with_name)] if firms_a and firms_b else [],
        "firms_with_this_name": ctx.firms_with_name.get(a.name, 1),
        # one firm holds shares in the other
        "holding_links": sorted((a.firms & b.linked) | (b.firms & a.linked)),
        # [company, firms it holds] holding a firm of each
        "common_owners": _counted(a.owners & b.owners, {o: len(ctx.holdings.get(o, ())) for o in a.owners & b.owners}),
        "firms_share_cases": sorted(a.firm_cases & b.firm_cases)[:3] if firms_a and firms_b else [],
        "shared_phones": _counted(a.phones & b.phones, ctx.firms_with_phone) if firms_a and firms_b else [],
        # [item, firms where the name meets it, firms chance alone would give], most telling first
        "co_occurrence": _co_occurrence(a, b, ctx) if firms_a and firms_b else [],
    }


def _co_occurrence(a: Mention, b: Mention, ctx: FirmContext, n: int = 4) -> list[list]:
    """The shared items (address, phone, owning company, co-officer name) that the pair's name meets
    far more often than chance, by :meth:`~.mentions.FirmContext.co_occurrence`; strongest first."""
    if not ctx.n_firms:
        return []
    items = [*("a:" + x for x in a.addresses & b.addresses), *("p:" + x for x in a.phones & b.phones),
             *("o:" + x for x in a.owners & b.owners), *("n:" + x for x in a.co_names & b.co_names)]
    found: list[tuple[str, int, float]] = []
    for item in items:
        k, chance = ctx.co_occurrence(a.name, item)
        if k >= 2 and k > chance:
            found.append((item, k, round(chance, 4)))
    found.sort(key=lambda x: (-x[1] / max(x[2], 1e-6), x[0]))
    return [list(x) for x in found[:n]]


def _lifts(ev: Mapping) -> dict[str, float]:
    """Per kind of item (first letter), the best log(co-occurrences / chance), capped at 12."""
    best: dict[str, float] = {}
    for item, k, chance in ev.get("co_occurrence", ()):
        lift = min(math.log(k / max(chance, 1e-6)), 12.0)
        best[item[0]] = max(best.get(item[0], 0.0), lift)
    return best


def _kinds(ev: Mapping) -> int:
    """How many independent kinds of context the pair shares beyond the name."""
    days = ev.get("registered_days_apart")
    return sum(map(bool, (ev["shared_addresses"], ev["shared_phones"], ev["co_officers"],
                          ev["holding_links"] or ev["common_owners"], ev["firms_share_cases"],
                          days is not None and days <= BATCH_DAYS)))


RARE_NAME_FIRMS = 5  # a co-officer name in more firms than this is too common to vouch for anyone
#: A name met beside one item at least this many times as often as chance would give, and at
#: three firms or more, is one person's habit: that item alone vouches for the pair.
STRONG_LIFT = 20.0
#: ... or two kinds of item each met at least this many times as often as chance.
WEAK_LIFT = 3.0
CROWDED_OWNER = 10   # an owner of more firms than this (中央汇金 holds 662 listed firms) ties nobody


def supported(ev: Mapping) -> bool:
    """Whether a pair has evidence beyond the shared name: some ID character in both, the same
    firm or case, a case against the other's firm, a co-officer name, a holding link, a case
    both firms are party to, or an address or phone no more than :data:`CROWDED` firms share.
    A registration batch alone is not enough, nor an owner of more than :data:`CROWDED_OWNER`
    firms, nor co-officer names unless two of them are rare
    (in at most :data:`RARE_NAME_FIRMS` firms), or one rare among three: a busy person's name
    sits beside many namesakes of someone else's (with one co-officer name, 1,000-firm cities
    merged 2 % of name-only pairs wrongly; with this rule 0.7 %, see tests/analytics).

    Crowded items count too when the pair's *name* keeps meeting them (``co_occurrence``, see
    :meth:`~.mentions.FirmContext.co_occurrence`): an item — however many firms share it — that
    the name meets at three firms or more and at least :data:`STRONG_LIFT` times as often as
    chance gives, or two kinds of item each met :data:`WEAK_LIFT` times as often. A nominee's
    hundred shells at one agent's address and phone, beside the same crew, are one habit; a
    namesake at that address by chance is what the expectation counts."""
    rare = sum(1 for _, n, *_ in ev["co_officers"] if n <= RARE_NAME_FIRMS)
    co_officers = rare >= 2 or (rare >= 1 and len(ev["co_officers"]) >= 3)
    strong = any(k >= 3 and k >= STRONG_LIFT * chance for _, k, chance in ev.get("co_occurrence", ()))
    lifted = len({item[0] for item, k, chance in ev.get("co_occurrence", ()) if k >= WEAK_LIFT * chance})
    return bool(strong or lifted >= 2 or ev["id_overlap"] or ev["same_last4"] or ev["same_full_id"]
                or ev["shared_firms"] or ev["shared_cases"] or ev["case_against_their_firm"] or co_officers
                or ev["holding_links"] or any(n <= CROWDED_OWNER for _, n in ev["common_owners"])
                or ev["firms_share_cases"] or any(n <= CROWDED for _, n in ev["shared_addresses"])
                or any(n <= CROWDED for _, n in ev["shared_phones"]))


def feature_vector(ev: Mapping) -> list[float]:
    days = ev.get("registered_days_apart")
    lifts = _lifts(ev)
    return [ev["id_overlap"] / 18, float(ev["same_full_id"]), float(ev["same_last4"]), float(ev["same_birth_year"]),
            float(ev["same_sex"]), min(len(ev["shared_firms"]), 3) / 3, min(len(ev["shared_cases"]), 3) / 3,
            float(bool(ev["case_against_their_firm"])), float(ev["no_id_on_one_side"]),
            math.log1p(ev["people_with_this_name"]) / 10,
            float(bool(ev["shared_addresses"])), _crowd(ev["shared_addresses"]),
            float(days is not None and days <= BATCH_DAYS),
            min(len(ev["co_officers"]), 3) / 3, _crowd(ev["co_officers"]),
            min(max((c[2] for c in ev["co_officers"]), default=1) - 1, 9) / 9,
            float(bool(ev["holding_links"] or any(n <= CROWDED_OWNER for _, n in ev["common_owners"]))),
            float(bool(ev["firms_share_cases"])),
            float(bool(ev["shared_phones"])),
            max(lifts.values(), default=0.0) / 12, min(sum(lifts.values()), 24.0) / 24, _kinds(ev) / 6]


def _crowd(counted: list) -> float:
    """log(1 + firms) of the least crowded shared item, /10; 0 when none."""
    return math.log1p(counted[0][1]) / 10 if counted else 0.0
