"""The synthetic city's state: people, firms, addresses, court cases and list entries.

:class:`World` holds plain records (:mod:`creditgraph.synth.records`) and the draws that make
them realistic — weighted names, preferential reuse of people (so most run one firm and a few
run many), shared office buildings and a few registration-agent addresses. Background
generation lives here; planted patterns (``synth/plant.py``) use the same constructors, so a planted firm
is indistinguishable from a background one except through the pattern itself.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
from collections import Counter
from typing import Sequence, TypeVar

from creditgraph.synth import vocab
from creditgraph.synth.ids import make_id, make_uscc
from creditgraph.synth.records import (AS_OF, SMALL_TYPES, Abnormal, Case, Dishonest, Firm, Penalty, Person,
                                       Restriction)

__all__ = ["Picker", "World", "REUSE", "BOARD_REUSE"]

T = TypeVar("T")

# Chance that a new post goes to someone who already holds posts (picked in proportion to how
# many): the Yule–Simon exponent is 1 + 1/REUSE, so 0.2 gives a tail of serial founders.
REUSE = 0.2
BOARD_REUSE = 0.3  # the same for board seats: directors sit on several boards (interlocking)


class Picker:
    """Weighted choice in O(log n) per draw (``random.choices`` rebuilds its table per call)."""

    def __init__(self, items: Sequence[T], weights: Sequence[float]):
        self.items = list(items)
        self.cum = list(itertools.accumulate(weights))

    def __call__(self, rng: random.Random) -> T:
        return self.items[bisect.bisect(self.cum, rng.random() * self.cum[-1])]


def _days(d: dt.date, n: int) -> dt.date:
    return d + dt.timedelta(days=n)


class World:
    """Everything generated so far, and the draws that add to it."""

    def __init__(self, rng: random.Random, n_companies: int, *, capital_scale: float = 1.0,
                 capital_tilt: float = 0.0, popular_share: float = 0.25, popular_pool: int = 0,
                 passive_owner_share: float = 0.0):
        """``capital_scale`` multiplies the registered-capital picker's values and ``capital_tilt``
        its weights by (rank + 1) ** tilt; ``popular_share`` of given names come from the first
        ``popular_pool`` popular names (0: all) — a smaller pool, more namesakes;
        ``passive_owner_share`` of background small firms get a majority holder in no post
        (:meth:`add_passive_owner`)."""
        self.rng = rng
        self.popular_share = popular_share
        self.passive_owner_share = passive_owner_share
        self.persons: list[Person] = []
        self.firms: list[Firm] = []
        self.cases: list[Case] = []
        self.dishonest: list[Dishonest] = []
        self.restrictions: list[Restriction] = []
        self.abnormal: list[Abnormal] = []
        self.penalties: list[Penalty] = []
        self._names: set[str] = set()
        self._usccs: set[str] = set()
        self._ids: set[str] = set()
        self._pool: list[int] = []          # one entry per post held: preferential reuse
        self._case_seq: Counter = Counter()
        self._decision_seq = itertools.count(1)
        self._surname = Picker([s for s, _ in vocab.SURNAMES], [w for _, w in vocab.SURNAMES])
        popular = vocab.GIVEN_NAMES[:popular_pool] if popular_pool else vocab.GIVEN_NAMES
        self._popular = Picker(popular, [1 / (i + 8) for i in range(len(popular))])
        chars = list(dict.fromkeys(vocab.GIVEN_CHARS))
        self._char = Picker(chars, [1 / (i + 20) for i in range(len(chars))])
        self._district = Picker([(c, n) for c, n, _ in vocab.DISTRICTS], [w for *_, w in vocab.DISTRICTS])
        self._industry = Picker([(a, b) for a, b, _ in vocab.INDUSTRIES], [w for *_, w in vocab.INDUSTRIES])
        capitals = [3, 5, 10, 20, 30, 50, 100, 200, 300, 500, 1000, 2000, 5000]
        weights = [2, 4, 10, 6, 6, 14, 18, 10, 6, 8, 6, 3, 1]
        if capital_scale != 1.0:
            capitals = [c * capital_scale for c in capitals]
        if capital_tilt:
            weights = [w * (i + 1) ** capital_tilt for i, w in enumerate(weights)]
        self._capital = Picker(capitals, weights)
        years = list(range(1995, AS_OF.year + 1))
        self._year = Picker(years, [1.11 ** (y - 1995) for y in years])
        self.buildings = self._make_buildings(max(4, n_companies // 15))
        self._building = Picker(range(len(self.buildings)), [1 / (i + 50) for i in range(len(self.buildings))])
        self.district_names = {c: n for c, n, _ in vocab.DISTRICTS}

    # -- people -----------------------------------------------------------------

    def new_person(self, *, surname: str | None = None, born_by: int = 2002, region: str | None = None,
                   sex: str | None = None, name: str | None = None) -> int:
        rng = self.rng
        sex = sex or ("M" if rng.random() < 0.68 else "F")  # registry officers skew male
        name = name or (surname or self._surname(rng)) + self._given_name()
        region = region or (self._district(rng)[0] if rng.random() < 0.8 else rng.choice(vocab.OTHER_REGIONS))
        while True:
            birth = dt.date(rng.randint(1948, max(1950, born_by)), rng.randint(1, 12), rng.randint(1, 28))
            idn = make_id(rng, region, birth, sex)
            if idn not in self._ids:
                break
        self._ids.add(idn)
        self.persons.append(Person(len(self.persons), name, idn, sex, birth))
        return len(self.persons) - 1

    def _given_name(self) -> str:
        """A popular given name a quarter of the time, else one or two drawn characters."""
        r = self.rng.random()
        if r < self.popular_share:
            return self._popular(self.rng)
        if r < self.popular_share + 0.12:
            return self._char(self.rng)
        return self._char(self.rng) + self._char(self.rng)

    def draw_person(self, founded: dt.date, *, reuse: float = REUSE) -> int:
        """A person for a new post: mostly someone new, sometimes (in proportion to the posts
        they already hold) someone who already runs firms — Yule–Simon, hence a power law."""
        if self._pool and self.rng.random() < reuse:
            pid = self._pool[self.rng.randrange(len(self._pool))]
            if self.persons[pid].birth.year <= founded.year - 20:
                return pid
        return self.new_person(born_by=founded.year - 20)

    def forget_posts(self) -> None:
        """Stop reusing the people placed so far (planted patterns keep their people to
        themselves, so a nominee does not also turn up running ordinary firms)."""
        self._pool.clear()

    def relative_of(self, pid: int, founded: dt.date) -> int:
        """A family member: same surname and birthplace, a new person."""
        p = self.persons[pid]
        surname = p.name[:2] if p.name.startswith("欧阳") else p.name[0]
        name = p.name
        while name == p.name:  # families do not give two members one name
            name = surname + self._given_name()
        return self.new_person(name=name, region=p.idn[:6], born_by=founded.year - 20)

    def mobile(self, pid: int) -> str:
        p = self.persons[pid]
        if not p.mobile:
            p.mobile = f"1{self.rng.choice('3589')}{self.rng.randrange(10**9):09d}"
        return p.mobile

    # -- firms ------------------------------------------------------------------

    def _make_buildings(self, n: int) -> list[str]:
        rng, out = self.rng, []
        for _ in range(n):
            _, district = self._district(rng)
            out.append(f"福建省福州市{district}{rng.choice(vocab.ROADS)}{rng.randint(1, 399)}号"
                       f"{rng.choice(vocab.BUILDINGS)}")
        return out

    def draw_address(self, district: str) -> str:
        """Most firms rent a room in an office building (a few give only the building);
        the rest register at a flat or shop."""
        rng = self.rng
        if rng.random() < 0.7:
            b = self.buildings[self._building(rng)]
            return b if rng.random() < 0.05 else f"{b}{rng.randint(1, 30)}层{rng.randint(1, 12):02d}室"
        return (f"福建省福州市{district}{rng.choice(vocab.ROADS)}{rng.randint(1, 999)}号"
                f"{rng.randint(1, 40)}号楼{rng.randint(1, 3)}单元{rng.randint(1, 33)}{rng.randint(1, 4):02d}室")

    def firm_name(self, district_code: str, trade: str, *, brand: str | None = None) -> str:
        rng = self.rng
        for attempt in itertools.count():
            b = brand if brand and attempt == 0 else "".join(rng.sample(vocab.BRAND_CHARS, 2))
            if attempt > 20:  # a crowded trade: fall back to a three-character 字号
                b += rng.choice(vocab.BRAND_CHARS)
            form = rng.random()
            if form < 0.75:
                name = f"福州{b}{trade}有限公司"
            elif form < 0.9:
                name = f"福州市{self.district_names[district_code]}{b}{trade}有限公司"
            else:
                name = f"福建{b}{trade}有限公司"
            if name not in self._names:
                self._names.add(name)
                return name
        raise AssertionError("unreachable")

    def new_firm(self, *, founded: dt.date | None = None, district: tuple[str, str] | None = None,
                 trade: tuple[str, str] | None = None, address: str | None = None, org_type: str | None = None,
                 capital: float | None = None, paid_in: float | None = None, status: str | None = None,
                 dissolved: dt.date | None = None, brand: str | None = None, phone: str | None = None) -> int:
        rng = self.rng
        if founded is None:
            y = self._year(rng)
            founded = dt.date(y, rng.randint(1, 12), rng.randint(1, 28))
            if founded > AS_OF:
                founded = _days(AS_OF, -rng.randint(1, 170))
        code, district_name = district or self._district(rng)
        trade = trade or self._industry(rng)
        if status is None:
            age = (AS_OF - founded).days / 365
            r = rng.random()
            if r < min(0.35, 0.02 * age):
                status = "注销"
            elif r < min(0.45, 0.028 * age):
                status = "吊销，未注销"
            else:
                status = "存续"
        if status != "存续" and dissolved is None:
            dissolved = min(_days(founded, rng.randint(200, 200 + int((AS_OF - founded).days * 0.9))),
                            _days(AS_OF, -1))
        cap = capital if capital is not None else float(self._capital(rng))
        if paid_in is None:
            paid_in = 0.0 if founded.year >= 2014 and rng.random() < 0.6 else cap
        while True:
            uscc = make_uscc(rng, code, founded)
            if uscc not in self._usccs:
                break
        self._usccs.add(uscc)
        f = Firm(len(self.firms), uscc, self.firm_name(code, trade[0], brand=brand), code, trade[1],
                 org_type or rng.choice(SMALL_TYPES), cap, paid_in, founded, status, dissolved,
                 address or self.draw_address(district_name),
                 phone if phone is not None else f"0591-{rng.randint(22000000, 88999999)}")
        self.firms.append(f)
        return f.fid

    def set_legal_rep(self, fid: int, pid: int) -> None:
        self.firms[fid].legal_rep = pid
        self._pool.append(pid)

    def add_post(self, fid: int, pid: int, role: str) -> None:
        if (pid, role) not in self.firms[fid].posts:  # a registry lists each post once
            self.firms[fid].posts.append((pid, role))
            self._pool.append(pid)

    def add_holder(self, fid: int, kind: str, ref: int, ratio: float, since: dt.date | None = None) -> None:
        f = self.firms[fid]
        f.holders.append((kind, ref, ratio, round(f.capital * ratio, 4), since or f.founded))

    def staff_small_firm(self, fid: int, *, reuse: float = REUSE) -> None:
        """Legal rep (also the main shareholder), a 监事 who is often family, and 1–4 holders."""
        rng, f = self.rng, self.firms[fid]
        boss = self.draw_person(f.founded, reuse=reuse)
        self.set_legal_rep(fid, boss)
        if rng.random() < 0.7:
            self.add_post(fid, boss, "执行董事兼总经理")
        else:
            self.add_post(fid, boss, "执行董事")
            self.add_post(fid, self.draw_person(f.founded, reuse=reuse), "经理")
        sup = self.relative_of(boss, f.founded) if rng.random() < 0.5 else self.draw_person(f.founded, reuse=reuse)
        self.add_post(fid, sup, "监事")
        if rng.random() < 0.25:
            self.add_post(fid, self.draw_person(f.founded, reuse=reuse), "财务负责人")
        if f.org_type == SMALL_TYPES[0]:
            self.add_holder(fid, "P", boss, 1.0)
            return
        n = rng.choice([2, 2, 2, 3, 3, 4])
        others = [sup] + [self.draw_person(f.founded, reuse=reuse) for _ in range(n - 2)]
        self.add_holders(fid, [("P", boss)] + [("P", p) for p in others])

    def add_passive_owner(self, fid: int) -> None:
        """A majority holder who holds no post: family half the time, else someone from the pool;
        a third took the stake by transfer after the founding (dated then). The boss and the rest
        keep what is left, in their proportions; a one-person firm's whole stake goes to them. In
        the real ``cn_listed_company_graph`` 13.8 % of the firms whose largest holder is a person
        show that person in no post; the original generator had about 1 %."""
        rng, f = self.rng, self.firms[fid]
        owner = self.relative_of(f.legal_rep, f.founded) if rng.random() < 0.5 else self.draw_person(f.founded)
        if any(h[0] == "P" and h[1] == owner for h in f.holders) or any(p == owner for p, _ in f.posts):
            return  # the pool gave someone already in the firm
        since = f.founded
        if rng.random() < 1 / 3:
            since = min(_days(f.founded, rng.randint(90, 2000)), f.dissolved or AS_OF, AS_OF)
        if f.org_type == SMALL_TYPES[0]:
            self.hand_majority(fid, "P", owner, 1.0, since, rest=[])
        else:
            self.hand_majority(fid, "P", owner, rng.choice([0.51, 0.6, 0.7, 0.8]), since, rest=f.holders)

    def hand_majority(self, fid: int, kind: str, ref: int, major: float, since: dt.date,
                      *, rest: list[tuple[str, int, float, float, dt.date]]) -> None:
        """``ref`` holds ``major`` since ``since`` and is listed first; ``rest`` (the holders kept)
        share what is left in their proportions, the last rounded so the ratios sum to exactly 1."""
        f = self.firms[fid]
        scale = (1 - major) / sum(h[2] for h in rest) if rest else 0
        f.holders = [(kind, ref, major, round(f.capital * major, 4), since)] + [
            (k, r, round(x * scale, 4), round(f.capital * x * scale, 4), d) for k, r, x, _, d in rest]
        f.holders[-1] = f.holders[-1][:2] + (round(1 - sum(h[2] for h in f.holders[:-1]), 4),) + f.holders[-1][3:]

    def add_holders(self, fid: int, holders: list[tuple[str, int]], *, major: float | None = None,
                    since: dt.date | None = None) -> None:
        """Holders with ratios that sum to exactly 100 %; the first holds the largest share."""
        rng = self.rng
        holders = list(dict.fromkeys(holders))  # the same person drawn twice holds once
        if len(holders) == 1:
            self.add_holder(fid, *holders[0], 1.0, since)
            return
        first = major if major is not None else rng.choice([0.51, 0.6, 0.7, 0.8, 0.9])
        rest = [rng.random() + 0.2 for _ in holders[1:]]
        parts = [round((1 - first) * r / sum(rest), 4) for r in rest]
        parts[-1] = round(1 - first - sum(parts[:-1]), 4)
        for (kind, ref), ratio in zip(holders, [first] + parts):
            self.add_holder(fid, kind, ref, ratio, since)

    def staff_board(self, fid: int, *, reuse: float = BOARD_REUSE) -> None:
        """A joint-stock firm: a board of 5–13, 3 supervisors, managers; board seats are more often
        held by people who sit elsewhere (interlocking directorates)."""
        f, rng = self.firms[fid], self.rng
        chair = self.draw_person(f.founded, reuse=reuse)
        self.set_legal_rep(fid, chair)
        self.add_post(fid, chair, "董事长")
        posts = ["董事"] * rng.choice([4, 4, 6, 6, 8, 10, 12]) + ["监事会主席", "监事", "监事"] + \
            rng.sample(["总经理", "副总经理", "财务负责人", "董事会秘书"], rng.randint(1, 4))
        for role in posts:
            self.add_post(fid, self.draw_person(f.founded, reuse=reuse), role)
        holders: list[tuple[str, int]] = [("P", chair)]
        if f.fid > 10 and self.rng.random() < 0.5:
            parent = self.rng.randrange(f.fid)
            if self.firms[parent].founded < f.founded:
                holders.insert(0, ("C", parent))
        holders += [("P", self.draw_person(f.founded, reuse=reuse)) for _ in range(self.rng.randint(1, 4))]
        self.add_holders(fid, holders, major=self.rng.choice([0.3, 0.4, 0.51]))

    # -- courts and lists ------------------------------------------------------

    def court_for(self, region: str) -> tuple[str, str]:
        """The basic-level court of a district and its case-number code (闽0102)."""
        return f"福州市{self.district_names[region]}人民法院" if region < "350121" else \
            f"{self.district_names[region]}人民法院", f"闽{region[2:]}"

    def case_no(self, year: int, code: str, kind: str) -> str:
        key = (year, code, kind)
        self._case_seq[key] += 1
        n = self._case_seq[key] + (100 if kind == "执" else 300)
        return f"（{year}）{code}{kind}{n}号"

    def new_case(self, debtors: list[tuple[str, int]], *, filed: dt.date | None = None,
                 court: tuple[str, str] | None = None, amount: float | None = None) -> int:
        """An enforcement case against ``debtors``, with the civil judgment it enforces."""
        rng = self.rng
        kind, ref = debtors[0]
        if court is None:
            region = self.firms[ref].region if kind == "C" else (
                self.persons[ref].idn[:6] if self.persons[ref].idn[:6] in self.district_names else "350102")
            court = self.court_for(region)
        if filed is None:
            start = self.firms[ref].founded if kind == "C" else dt.date(2014, 1, 1)
            start = max(start, dt.date(2014, 1, 1))
            filed = _days(start, rng.randint(180, max(181, (AS_OF - start).days - 30)))
        judged = _days(filed, -rng.randint(60, 400))
        case = Case(self.case_no(filed.year, court[1], "执"), court[0], filed,
                    self.case_no(judged.year, court[1], "民初"), judged, rng.choice(vocab.CAUSES),
                    rng.choice(vocab.LENDERS), debtors,
                    amount if amount is not None else float(round(10 ** rng.uniform(4, 7), -2)))
        self.cases.append(case)
        return len(self.cases) - 1

    def list_dishonest(self, case: int, subject: tuple[str, int] | None = None) -> int:
        rng, c = self.rng, self.cases[case]
        performance = "全部未履行" if rng.random() < 0.85 else "部分未履行"
        self.dishonest.append(Dishonest(
            case, subject or c.debtors[0], _days(c.filed, rng.randint(20, 200)), performance,
            _pick_weighted(rng, vocab.DISHONEST_BEHAVIOURS),
            0.0 if performance == "全部未履行" else round(c.amount * rng.uniform(0.1, 0.6), -2)))
        return len(self.dishonest) - 1

    def restrict(self, case: int, subject: tuple[str, int]) -> None:
        """限制消费令: a firm's order restricts its legal rep; a person's restricts themself."""
        c = self.cases[case]
        kind, ref = subject
        person = self.firms[ref].legal_rep if kind == "C" else ref
        issued = _days(c.filed, self.rng.randint(7, 90))
        self.restrictions.append(Restriction(case, subject, person, issued, _days(issued, self.rng.randint(1, 20))))

    def list_abnormal(self, fid: int, *, reason: str | None = None, listed: dt.date | None = None) -> None:
        rng, f = self.rng, self.firms[fid]
        if listed is None:
            end = f.dissolved or AS_OF
            listed = _days(f.founded, rng.randint(min(400, (end - f.founded).days), max(401, (end - f.founded).days)))
            listed = min(listed, AS_OF)
        removed = None
        if rng.random() < 0.3 and listed < _days(AS_OF, -60):
            removed = _days(listed, rng.randint(30, max(31, (AS_OF - listed).days)))
        self.abnormal.append(Abnormal(fid, reason or _pick_weighted(rng, vocab.ABNORMAL_REASONS), listed, removed))

    def penalise(self, fid: int) -> None:
        rng, f = self.rng, self.firms[fid]
        authority, violation, content, (lo, hi) = rng.choice(vocab.PENALTY_KINDS)
        end = f.dissolved or AS_OF
        decided = _days(f.founded, rng.randint(0, max(0, (end - f.founded).days)))
        prefix = "榕市监" if "市场" in authority else "榕税" if "税务" in authority else "榕环" if "环境" in authority \
            else "榕应急" if "应急" in authority else "榕人社"
        self.penalties.append(Penalty(f"{prefix}罚〔{decided.year}〕{next(self._decision_seq)}号", fid, authority,
                                      violation, content, round(rng.uniform(lo, hi), 2), decided))


def _pick_weighted(rng: random.Random, pairs: Sequence[tuple[str, float]]) -> str:
    return rng.choices([p for p, _ in pairs], [w for _, w in pairs])[0]
