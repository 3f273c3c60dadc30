"""Generate a synthetic Fuzhou-like city: ``generate(companies, seed=..., out=...)``.

Order: registration-agent addresses, background firms with their people, decoys,
planted patterns, then background court cases and list entries. Deterministic per seed;
linear in the number of companies (about 10 µs of Python per row written).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
import time
from collections import Counter
from pathlib import Path

from creditgraph.progress import progress_bar
from creditgraph.synth import plant
from creditgraph.synth.datable import mark_datable
from creditgraph.synth.profiles import Profile, get_profile
from creditgraph.synth.records import AS_OF, CORPORATE_TYPE, JOINT_STOCK_TYPE, SMALL_TYPES
from creditgraph.synth.world import World
from creditgraph.synth.write import write_city
from creditgraph.synth.write_listed import write_listed_city

__all__ = ["generate", "distribution"]

log = logging.getLogger(__name__)

# Background rates (per firm or per person), chosen so that the shares look like a city
# where a few percent of firms ever meet an enforcement court.
BACKGROUND = {"dishonest_firm": 0.012, "second_case": 0.2, "rep_co_listed": 0.25, "restricted": 0.8,
              "dishonest_person": 0.0015, "abnormal": 0.03, "abnormal_if_revoked": 0.8, "penalty": 0.02,
              "joint_stock": 0.03, "corporate": 0.06, "mobile_phone": 0.4}


def generate(companies: int, *, seed: int, out: Path, dirty: float = 0.0, progress: bool | None = None,
             profile: str | Profile = "full") -> dict:
    """Write a city of ``companies`` firms under ``out`` (``data/``, ``truth/``); returns the summary.

    ``profile`` (a name in :data:`~creditgraph.synth.profiles.PROFILES` or a :class:`Profile`)
    picks the layout, the files, their blanks and the world's style; ``"full"`` is the
    original generator, byte for byte."""
    prof = get_profile(profile)
    out = Path(out)
    if companies < 100:
        raise ValueError("a city needs at least 100 companies (the planted patterns alone need dozens)")
    if not 0 <= dirty < 0.5:
        raise ValueError("dirty is the share of rows to corrupt, between 0 and 0.5")
    t0 = time.perf_counter()
    rng = random.Random(seed)
    w = World(rng, companies, capital_scale=prof.world.capital_scale, capital_tilt=prof.world.capital_tilt,
              popular_share=prof.world.popular_share, popular_pool=prof.world.popular_pool,
              passive_owner_share=prof.world.passive_owner_share)
    plan_ = plant.Plan.for_size(companies)
    agents = plant.agent_addresses(w, plan_.agents)
    truth: list[dict] = []
    # Decoys and patterns are generated into a scratch count first, so the background fills
    # the rest and the city has exactly `companies` firms.
    with progress_bar(progress) as bar:
        task = bar.add_task("generating city", total=companies)
        planted = _planted(w, plan_, agents, truth, prof)
        w.forget_posts()
        background = companies - len(w.firms)
        if background < companies // 4:
            raise ValueError(f"{companies} companies is too few for the planted patterns ({len(w.firms)} firms)")
        first_bg = len(w.firms)
        _background_firms(w, background, agents, lambda n: bar.advance(task, n))
        _background_events(w, range(first_bg, len(w.firms)), planted)
        bar.update(task, completed=companies)
        wtask = bar.add_task("writing files", total=companies)
        writer = write_city if prof.layout == "registry" else write_listed_city
        rows = writer(w, out, seed=seed, dirty=dirty, profile=prof, advance=lambda n: bar.advance(wtask, n))
    mark_datable(truth, out / "data", prof, {f.uscc: f.name for f in w.firms},
                 {pid: p.name for pid, p in enumerate(w.persons)})
    summary = {
        "companies": len(w.firms), "persons": len(w.persons), "seed": seed, "dirty": dirty, "as_of": AS_OF.isoformat(),
        **({} if prof.name == "full" else {"profile": prof.name}),
        "rows": rows, "cases": len(w.cases), "dishonest_records": len(w.dishonest),
        "patterns": dict(Counter(f"{t['kind']}:{t['pattern']}" for t in truth)),
        "distribution": distribution(w), "seconds": round(time.perf_counter() - t0, 1),
        "bytes": {f.name: f.stat().st_size for f in sorted((out / "data").iterdir())},
    }
    (out / "truth" / "patterns.json").write_text(
        json.dumps({"as_of": AS_OF.isoformat(), "seed": seed, "companies": len(w.firms),
                    "pid_note": "persons are named by pid; truth/persons.csv gives each pid's name and ID",
                    "patterns": truth}, ensure_ascii=False, indent=1), encoding="utf-8")
    (out / "truth" / "profile.json").write_text(json.dumps(prof.as_dict(), ensure_ascii=False, indent=1),
                                                encoding="utf-8")
    (out / "truth" / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    log.info("generated %d companies, %d persons in %.1f s", len(w.firms), len(w.persons), summary["seconds"])
    return summary


def _planted(w: World, p: plant.Plan, agents: list[str], truth: list[dict], prof: Profile) -> set[int]:
    """Add decoys and patterns in the profile's style; returns the firms they created (kept out
    of background events)."""
    s = prof.shells
    truth += plant.group_hq_decoys(w, p.groups, subsidiaries=prof.group_subsidiaries)
    truth += plant.independent_director_decoys(w, p.directors)
    truth += plant.shell_clusters(w, p.shell_clusters, agents, size=s.size, die_share=s.die_share,
                                  normal_paid_in_share=s.normal_paid_in_share, abnormal_share=s.abnormal_share,
                                  agent_share=s.agent_share, crew=s.crew, ring=s.ring, capital=s.capital)
    offenders = plant.repeat_offenders(w, p.repeat_persons, p.repeat_firms)
    truth += offenders
    truth += plant.same_name_decoys(w, offenders, **({"reuse": 0.0} if prof.isolated_twins else {}))
    truth += plant.serial_defaulters(w, p.serial)
    truth += plant.asset_hiding(w, p.hiding)
    truth += plant.hidden_links(w, p.hidden_links, vias=prof.hidden_link_vias)
    return set(range(len(w.firms)))


def _background_firms(w: World, n: int, agents: list[str], advance) -> None:
    rng = w.rng
    per_agent = min(200, max(20, n // 20))
    p_agent = len(agents) * per_agent / n
    first = len(w.firms)
    for i in range(n):
        r = rng.random()
        address = rng.choice(agents) if rng.random() < p_agent else None
        if r < BACKGROUND["joint_stock"]:
            fid = w.new_firm(org_type=JOINT_STOCK_TYPE, address=address)
            w.staff_board(fid)
        elif r < BACKGROUND["joint_stock"] + BACKGROUND["corporate"] and len(w.firms) > first + 10:
            fid = w.new_firm(org_type=CORPORATE_TYPE, address=address)
            parent = rng.randrange(first, fid)
            if w.firms[parent].founded >= w.firms[fid].founded:
                w.firms[fid].org_type = SMALL_TYPES[1]
                w.staff_small_firm(fid)
            else:
                boss = w.draw_person(w.firms[fid].founded)
                w.set_legal_rep(fid, boss)
                w.add_post(fid, boss, "执行董事")
                w.add_post(fid, w.draw_person(w.firms[fid].founded), "监事")
                w.add_holder(fid, "C", parent, 1.0)
        else:
            fid = w.new_firm(org_type=SMALL_TYPES[0] if rng.random() < 0.4 else SMALL_TYPES[1], address=address)
            w.staff_small_firm(fid)
            if w.passive_owner_share and rng.random() < w.passive_owner_share:  # no draw at 0: full stays as it was
                w.add_passive_owner(fid)
            if rng.random() < BACKGROUND["mobile_phone"]:
                w.firms[fid].phone = w.mobile(w.firms[fid].legal_rep)
        if i % 1000 == 999:
            advance(1000)


def _background_events(w: World, fids: range, planted: set[int]) -> None:
    """Ordinary trouble: a few firms (and their bosses) in enforcement, abnormal listings, fines."""
    rng, b = w.rng, BACKGROUND
    for fid in fids:
        f = w.firms[fid]
        if rng.random() < b["dishonest_firm"] and f.founded < dt.date(2023, 1, 1):
            for _ in range(2 if rng.random() < b["second_case"] else 1):
                co_listed = rng.random() < b["rep_co_listed"]
                debtors = [("C", fid)] + ([("P", f.legal_rep)] if co_listed else [])
                case = w.new_case(debtors)
                w.list_dishonest(case)
                if co_listed:
                    w.list_dishonest(case, ("P", f.legal_rep))
                if rng.random() < b["restricted"]:
                    w.restrict(case, ("C", fid))
        revoked = f.status.startswith("吊销")
        if rng.random() < (b["abnormal_if_revoked"] if revoked else b["abnormal"]):
            w.list_abnormal(fid)
        if rng.random() < b["penalty"]:
            w.penalise(fid)
    in_firms = {f.legal_rep for f in w.firms}
    for pid in range(len(w.persons)):
        if rng.random() < b["dishonest_person"] and pid not in in_firms:
            case = w.new_case([("P", pid)])
            w.list_dishonest(case)
            if rng.random() < b["restricted"]:
                w.restrict(case, ("P", pid))


def _shares(counter: Counter) -> dict:
    """Summary of a count distribution: mean, quantiles, max and the share of ones."""
    values = sorted(counter.values())
    if not values:
        return {}
    q = lambda x: values[min(len(values) - 1, int(x * len(values)))]
    return {"n": len(values), "mean": round(sum(values) / len(values), 3), "p50": q(0.5), "p90": q(0.9),
            "p99": q(0.99), "max": values[-1], "share_1": round(sum(1 for v in values if v == 1) / len(values), 3)}


def distribution(w: World) -> dict:
    """The shape checks the issue asks for: firms per address and per person, officers per firm,
    posts per person and the dishonest share."""
    per_address = Counter(f.address for f in w.firms)
    firms_per_person: Counter = Counter()
    posts_per_person: Counter = Counter()
    for f in w.firms:
        people = {f.legal_rep} | {p for p, _ in f.posts} | {r for k, r, *_ in f.holders if k == "P"}
        firms_per_person.update(people)
        posts_per_person.update(p for p, _ in f.posts)
    dishonest_firms = {d.subject[1] for d in w.dishonest if d.subject[0] == "C"}
    dishonest_persons = {d.subject[1] for d in w.dishonest if d.subject[0] == "P"}
    return {
        "firms_per_address": _shares(per_address),
        "firms_per_person": _shares(firms_per_person),
        "officer_posts_per_person": _shares(posts_per_person),
        "officers_per_firm": _shares(Counter({f.fid: len(f.posts) for f in w.firms})),
        "dishonest_firm_share": round(len(dishonest_firms) / len(w.firms), 4),
        "dishonest_person_share": round(len(dishonest_persons) / len(w.persons), 4),
        "name_collision_share": round(1 - len({p.name for p in w.persons}) / len(w.persons), 3),
    }
