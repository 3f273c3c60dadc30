"""Planted patterns (what the scorers must find) and decoys (what they must not flag).

Each function adds firms, people and records to the :class:`~creditgraph.synth.world.World`
through its ordinary constructors and returns ground-truth entries: plain dicts naming the
pattern, whether it is planted or a decoy, and the firms (by USCC) and people (by ``pid``)
involved, with the facts a reviewer would check.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from creditgraph.synth import vocab
from creditgraph.synth.records import AS_OF, CORPORATE_TYPE, JOINT_STOCK_TYPE, SMALL_TYPES
from creditgraph.synth.world import REUSE, World

__all__ = ["Plan", "shell_clusters", "repeat_offenders", "serial_defaulters", "asset_hiding",
           "hidden_links", "group_hq_decoys", "independent_director_decoys", "agent_addresses",
           "same_name_decoys"]

Truth = dict


@dataclass(frozen=True)
class Plan:
    """How many of each pattern a city of ``n`` companies gets (at least a few even at 1k)."""
    shell_clusters: int
    repeat_persons: int
    repeat_firms: int
    serial: int
    hiding: int
    hidden_links: int
    groups: int
    directors: int
    agents: int

    @classmethod
    def for_size(cls, n: int) -> "Plan":
        return cls(shell_clusters=max(2, n // 2500), repeat_persons=max(3, n // 2000),
                   repeat_firms=max(3, n // 2000), serial=max(2, n // 5000), hiding=max(2, n // 4000),
                   hidden_links=max(3, n // 2000), groups=max(1, n // 10000), directors=max(2, n // 5000),
                   agents=max(2, n // 5000))


def _d(day: dt.date, days: int) -> dt.date:
    return day + dt.timedelta(days=days)


def _ids(w: World, fids) -> list[str]:
    return [w.firms[f].uscc for f in fids]


def agent_addresses(w: World, k: int) -> list[str]:
    """Registration-agent (商务秘书/集群注册) addresses; background firms and shells both use them."""
    rng, out = w.rng, []
    for _ in range(k):
        code, district, _ = rng.choice(vocab.DISTRICTS[:6])
        out.append(f"福建省福州市{district}{rng.choice(vocab.ROADS)}{rng.randint(1, 299)}号"
                   f"{rng.choice(vocab.BUILDINGS)}{rng.randint(5, 25)}层{rng.randint(1, 9):02d}室(集群注册)")
    return out


def shell_clusters(w: World, k: int, agents: list[str], *, size: tuple[int, int] = (8, 30),
                   die_share: float = 0.55, normal_paid_in_share: float = 0.0, abnormal_share: float = 0.75,
                   agent_share: float = 0.5, crew: tuple[int, int] = (3, 5), ring: bool = True,
                   capital: tuple[float, ...] = (1000, 2000, 3000, 5000, 10000)) -> list[Truth]:
    """Batches of firms registered together at one address, fronted by a nominee legal rep,
    with a rotating handful of officers, zero paid-in capital, inflated registered capital,
    short lives and a ring of cross-holdings; many end up on the abnormal list.

    The keywords set the style (:class:`~creditgraph.synth.profiles.ShellStyle`): cluster
    ``size`` range, ``die_share`` dissolved within two years, ``normal_paid_in_share`` with
    capital paid in, ``abnormal_share`` listed abnormal, ``agent_share`` of clusters at an
    agent address, ``crew`` size range, whether a cross-holding ``ring`` exists."""
    rng, out = w.rng, []
    size_range, crew_range, with_ring = size, crew, ring
    nominees = [w.new_person(born_by=1995) for _ in range(max(2, k // 4))]
    weights = [1 / (i + 1) for i in range(len(nominees))]
    for i in range(k):
        size = rng.randint(*size_range)
        nominee = rng.choices(nominees, weights)[0]
        start = dt.date(rng.randint(2015, 2022), rng.randint(1, 12), rng.randint(1, 28))
        district = rng.choice([(c, n) for c, n, _ in vocab.DISTRICTS[:6]])
        if rng.random() < agent_share:
            address = rng.choice(agents)
        else:
            address = (f"福建省福州市{district[1]}{rng.choice(vocab.ROADS)}{rng.randint(1, 999)}号"
                       f"{rng.randint(1, 30)}号楼{rng.randint(1, 33)}{rng.randint(1, 4):02d}室")
        crew = [w.new_person(born_by=1998) for _ in range(rng.randint(*crew_range))]
        brand = "".join(rng.sample(vocab.BRAND_CHARS, 2)) if rng.random() < 0.5 else None
        phone = w.mobile(nominee)
        fids = []
        for j in range(size):
            founded = _d(start, rng.randint(0, 90))
            dies = rng.random() < die_share
            dissolved = _d(founded, rng.randint(240, 720)) if dies else None
            status = ("注销" if rng.random() < 0.5 else "吊销，未注销") if dies and dissolved < AS_OF else "存续"
            cap = float(rng.choice(capital))
            paid_in = cap if normal_paid_in_share and rng.random() < normal_paid_in_share else 0.0
            fid = w.new_firm(founded=founded, district=district, address=address, org_type=SMALL_TYPES[1],
                             capital=cap, paid_in=paid_in,
                             status=status, dissolved=dissolved if status != "存续" else None, brand=brand,
                             phone=phone if rng.random() < 0.6 else None)
            w.set_legal_rep(fid, nominee)
            w.add_post(fid, nominee, "执行董事兼总经理")
            w.add_post(fid, crew[j % len(crew)], "监事")
            if rng.random() < 0.5:
                w.add_post(fid, crew[(j + 1) % len(crew)], "财务负责人")
            fids.append(fid)
        ring = fids[:rng.randint(3, 4)] if with_ring else []
        for j, fid in enumerate(fids):
            if fid in ring:  # A holds B holds C holds A
                w.add_holders(fid, [("C", ring[j - 1]), ("P", nominee)], major=0.9)
            else:
                w.add_holders(fid, [("P", nominee), ("P", crew[j % len(crew)])], major=0.9)
            if rng.random() < abnormal_share:
                f = w.firms[fid]
                w.list_abnormal(fid, reason="通过登记的住所或者经营场所无法联系的",
                                listed=min(_d(f.founded, rng.randint(300, 700)), AS_OF))
            if rng.random() < 0.15:
                case = w.new_case([("C", fid)])
                w.list_dishonest(case)
        out.append({"pattern": "shell_cluster", "kind": "planted", "id": f"shell-{i:04d}",
                    "companies": _ids(w, fids), "persons": [nominee] + crew,
                    "facts": {"address": address, "nominee": nominee, "ring": _ids(w, ring),
                              "registered_from": start.isoformat(), "size": size}})
    return out


def _court(w: World, i: int) -> tuple[str, str]:
    if i % 3 == 2:
        return w.rng.choice(vocab.OUTSIDE_COURTS)
    return w.court_for(w.rng.choice([c for c, _, _ in vocab.DISTRICTS]))


def repeat_offenders(w: World, n_persons: int, n_firms: int) -> list[Truth]:
    """People and firms listed as dishonest again and again, across courts and years."""
    rng, out = w.rng, []
    for i in range(n_persons):
        pid = w.new_person(born_by=1990)
        fids = []
        for _ in range(rng.randint(1, 3)):
            fid = w.new_firm(founded=dt.date(rng.randint(2008, 2018), rng.randint(1, 12), rng.randint(1, 28)))
            w.staff_small_firm(fid)
            w.firms[fid].legal_rep = pid
            w.firms[fid].posts[0] = (pid, w.firms[fid].posts[0][1])
            fids.append(fid)
        cases = []
        for j in range(rng.randint(3, 7)):
            filed = dt.date(rng.randint(2015, 2023), rng.randint(1, 12), rng.randint(1, 28))
            debtors = [("P", pid)] + ([("C", rng.choice(fids))] if rng.random() < 0.4 else [])
            case = w.new_case(debtors, filed=filed, court=_court(w, j))
            w.list_dishonest(case, ("P", pid))
            if rng.random() < 0.7:
                w.restrict(case, ("P", pid))
            cases.append(w.cases[case].case_no)
        out.append({"pattern": "repeat_offender", "kind": "planted", "id": f"repeat-p-{i:04d}",
                    "companies": _ids(w, fids), "persons": [pid], "subject": {"person": pid},
                    "facts": {"dishonest_cases": cases}})
    for i in range(n_firms):
        fid = w.new_firm(founded=dt.date(rng.randint(2005, 2016), rng.randint(1, 12), rng.randint(1, 28)),
                         status="存续")
        w.staff_small_firm(fid)
        cases = []
        for j in range(rng.randint(3, 12)):
            filed = dt.date(rng.randint(max(2015, w.firms[fid].founded.year + 1), 2023), rng.randint(1, 12),
                            rng.randint(1, 28))
            case = w.new_case([("C", fid)], filed=filed, court=_court(w, j))
            w.list_dishonest(case)
            if rng.random() < 0.8:
                w.restrict(case, ("C", fid))
            cases.append(w.cases[case].case_no)
        if rng.random() < 0.5:
            w.list_abnormal(fid)
        out.append({"pattern": "repeat_offender", "kind": "planted", "id": f"repeat-c-{i:04d}",
                    "companies": [w.firms[fid].uscc], "persons": [w.firms[fid].legal_rep],
                    "subject": {"company": w.firms[fid].uscc}, "facts": {"dishonest_cases": cases}})
    return out


def serial_defaulters(w: World, k: int) -> list[Truth]:
    """A person whose successive firms each become dishonest: a new firm after each listing."""
    rng, out = w.rng, []
    for i in range(k):
        pid = w.new_person(born_by=1985)
        founded = dt.date(rng.randint(2009, 2012), rng.randint(1, 12), rng.randint(1, 28))
        fids, cases = [], []
        for _ in range(rng.randint(3, 4)):
            if founded >= _d(AS_OF, -400):
                break
            fid = w.new_firm(founded=founded, status="存续")
            w.staff_small_firm(fid)
            w.firms[fid].legal_rep = pid
            w.firms[fid].posts[0] = (pid, w.firms[fid].posts[0][1])
            filed = min(_d(founded, rng.randint(400, 900)), _d(AS_OF, -60))
            case = w.new_case([("C", fid)], filed=filed)
            d = w.list_dishonest(case)
            w.restrict(case, ("C", fid))
            fids.append(fid)
            cases.append(w.cases[case].case_no)
            founded = _d(w.dishonest[d].published, rng.randint(20, 200))
        out.append({"pattern": "serial_defaulter", "kind": "planted", "id": f"serial-{i:04d}",
                    "companies": _ids(w, fids), "persons": [pid], "subject": {"person": pid},
                    "facts": {"dishonest_cases": cases}})
    return out


def asset_hiding(w: World, k: int) -> list[Truth]:
    """After a judgment against a firm and its boss, a new firm appears under a relative, or the
    boss's stake in another firm moves to the relative (who is the debtor firm's 监事)."""
    rng, out = w.rng, []
    for i in range(k):
        fid = w.new_firm(founded=dt.date(rng.randint(2010, 2017), rng.randint(1, 12), rng.randint(1, 28)),
                         org_type=SMALL_TYPES[1], status="存续")
        boss = w.new_person(born_by=1985)
        relative = w.relative_of(boss, w.firms[fid].founded)
        w.set_legal_rep(fid, boss)
        w.add_post(fid, boss, "执行董事兼总经理")
        w.add_post(fid, relative, "监事")
        w.add_holders(fid, [("P", boss), ("P", relative)], major=0.8)
        w.firms[fid].phone = w.mobile(boss)
        other = w.new_firm(founded=_d(w.firms[fid].founded, rng.randint(100, 900)), status="存续")
        w.staff_small_firm(other)
        filed = dt.date(rng.randint(2019, 2022), rng.randint(1, 12), rng.randint(1, 28))
        case = w.new_case([("C", fid), ("P", boss)], filed=filed)
        w.list_dishonest(case, ("C", fid))
        w.list_dishonest(case, ("P", boss))
        w.restrict(case, ("C", fid))
        judged = w.cases[case].judged
        moved_on = _d(judged, rng.randint(30, 180))
        if i % 2 == 0:
            mode = "new_firm"
            hidden = w.new_firm(founded=moved_on, status="存续", org_type=SMALL_TYPES[0],
                                address=w.firms[fid].address if rng.random() < 0.5 else None,
                                phone=w.mobile(boss))
            w.set_legal_rep(hidden, relative)
            w.add_post(hidden, relative, "执行董事兼总经理")
            w.add_post(hidden, w.draw_person(moved_on), "监事")
            w.add_holder(hidden, "P", relative, 1.0)
        else:
            mode = "equity_transfer"
            hidden = other
            f = w.firms[other]
            # a stake cannot move before its firm exists: when the other firm was founded after the
            # judgment, the move comes 30 days after its founding (no draw, so the city stays the same)
            moved_on = max(moved_on, _d(f.founded, 30))
            # the boss held 60 % until the transfer; the registry now shows the relative since then
            # (a relative who already held a stake is not listed twice: the move is the only stake shown)
            w.hand_majority(other, "P", relative, 0.6, moved_on,
                            rest=[h for h in f.holders if h[0] != "P" or h[1] not in (boss, relative)])
        out.append({"pattern": "asset_hiding", "kind": "planted", "id": f"hiding-{i:04d}",
                    "companies": _ids(w, [fid, hidden]), "persons": [boss, relative],
                    "subject": {"person": boss, "company": w.firms[fid].uscc},
                    "facts": {"mode": mode, "case_no": w.cases[case].case_no, "judged": judged.isoformat(),
                              "moved_on": moved_on.isoformat(), "debtor_firm": w.firms[fid].uscc,
                              "hidden_firm": w.firms[hidden].uscc, "associate": relative}})
    return out


def hidden_links(w: World, k: int, *, vias: tuple[str, ...] = ("officer", "address", "phone")) -> list[Truth]:
    """Two firms with different bosses and owners, joined only by an officer, an address or a
    phone (taking ``vias`` in turn: a city that publishes no phones gets no phone links)."""
    rng, out = w.rng, []
    for i in range(k):
        via = vias[i % len(vias)]
        a = w.new_firm(status="存续")
        b = w.new_firm(status="存续")
        w.staff_small_firm(a, reuse=0)
        w.staff_small_firm(b, reuse=0)
        fa, fb = w.firms[a], w.firms[b]
        link: dict = {}
        if via == "officer":
            pid = w.new_person(born_by=min(fa.founded.year, fb.founded.year) - 20)
            w.add_post(a, pid, "经理")
            w.add_post(b, pid, "财务负责人")
            link = {"person": pid}
        elif via == "address":
            fb.address = fa.address = (f"福建省福州市{w.district_names[fa.region]}{rng.choice(vocab.ROADS)}"
                                        f"{rng.randint(1, 999)}号{rng.randint(1, 40)}号楼{rng.randint(1, 33)}"
                                        f"{rng.randint(1, 4):02d}室")
            link = {"address": fa.address}
        else:
            fa.phone = fb.phone = w.mobile(w.new_person())
            link = {"phone": fa.phone}
        out.append({"pattern": "hidden_link", "kind": "planted", "id": f"link-{i:04d}",
                    "companies": [fa.uscc, fb.uscc], "persons": list(link.values())[:1] if via == "officer" else [],
                    "facts": {"via": via, **link}})
    return out


def group_hq_decoys(w: World, k: int, *, subsidiaries: tuple[int, int] = (20, 50)) -> list[Truth]:
    """A real group: dozens of subsidiaries (``subsidiaries`` range) at the HQ address, group
    executives on many boards, capital paid in, long lives, no dishonesty. Looks like mass
    registration; is not."""
    rng, out = w.rng, []
    for i in range(k):
        founded = dt.date(rng.randint(1996, 2005), rng.randint(1, 12), rng.randint(1, 28))
        brand = "".join(rng.sample(vocab.BRAND_CHARS, 2))
        parent = w.new_firm(founded=founded, org_type=JOINT_STOCK_TYPE, capital=50000.0, paid_in=50000.0,
                            status="存续", brand=brand, trade=("集团", "租赁和商务服务业"))
        w.staff_board(parent)
        hq = w.firms[parent].address
        execs = [w.new_person(born_by=1980) for _ in range(rng.randint(4, 6))]
        subs = []
        for j in range(rng.randint(*subsidiaries)):
            sub = w.new_firm(founded=_d(founded, rng.randint(200, 6000)), address=hq, org_type=CORPORATE_TYPE,
                             capital=float(rng.choice([1000, 2000, 5000])), status="存续", brand=brand,
                             phone=w.firms[parent].phone)
            w.firms[sub].paid_in = w.firms[sub].capital
            boss = execs[j % len(execs)]
            w.set_legal_rep(sub, boss)
            w.add_post(sub, boss, "执行董事")
            w.add_post(sub, execs[(j + 1) % len(execs)], "经理")
            w.add_post(sub, execs[(j + 2) % len(execs)], "监事")
            w.add_holder(sub, "C", parent, 1.0)
            subs.append(sub)
        out.append({"pattern": "group_hq", "kind": "decoy", "id": f"group-{i:04d}",
                    "companies": _ids(w, [parent] + subs), "persons": execs,
                    "facts": {"address": hq, "parent": w.firms[parent].uscc}})
    return out


def independent_director_decoys(w: World, k: int) -> list[Truth]:
    """A professional independent director (a professor, an accountant) on many boards."""
    rng, out = w.rng, []
    for i in range(k):
        pid = w.new_person(born_by=1970)
        boards = []
        for _ in range(rng.randint(12, 30)):
            fid = w.new_firm(org_type=JOINT_STOCK_TYPE, status="存续",
                             capital=float(rng.choice([5000, 10000, 20000])))
            w.firms[fid].paid_in = w.firms[fid].capital
            # otherwise unrelated firms: boards drawn from the decoys' own small pool of people made
            # them one interlocked crew, a shell-like pattern no professional director brings
            w.staff_board(fid, reuse=0.0)
            w.add_post(fid, pid, "独立董事")
            boards.append(fid)
        out.append({"pattern": "independent_director", "kind": "decoy", "id": f"director-{i:04d}",
                    "companies": _ids(w, boards), "persons": [pid], "facts": {"boards": len(boards)}})
    return out


def same_name_decoys(w: World, offenders: list[Truth], *, reuse: float = REUSE) -> list[Truth]:
    """For each repeat-offending person, an honest namesake (different ID) who runs a clean firm.

    ``reuse`` is the chance each post of the namesake's firm goes to someone already placed;
    0 staffs it with new people only, so nothing in its context touches the offender's."""
    out = []
    for t in offenders:
        if "person" not in t.get("subject", {}):
            continue
        bad = t["subject"]["person"]
        twin = w.new_person(name=w.persons[bad].name, born_by=1995)
        fid = w.new_firm(status="存续")
        w.staff_small_firm(fid, reuse=reuse)
        w.firms[fid].legal_rep = twin
        w.firms[fid].posts[0] = (twin, w.firms[fid].posts[0][1])
        w.firms[fid].holders[0] = ("P", twin) + w.firms[fid].holders[0][2:]
        out.append({"pattern": "same_name", "kind": "decoy", "id": f"namesake-{len(out):04d}",
                    "companies": [w.firms[fid].uscc], "persons": [twin],
                    "facts": {"namesake_of": bad, "name": w.persons[bad].name}})
    return out
