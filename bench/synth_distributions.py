"""Shape benchmark: does a generated synthetic city look like the real registries?

    python bench/synth_distributions.py [--companies 100000] [--seed 1] [--city PATH] [--shared PATH]

Reads a synthetic city's FILES (``data/*.csv`` plus ``truth/person_mentions.csv`` for who each
person mention really is) and the real public datasets under ``--shared`` (default
``../shared/data``), and prints one plain-text table of count distributions (n, mean, p50,
p90, p99, max, share equal to 1):

1. firms per registered address (exact address text)
2. firms per person, as legal rep or officer (the listed data has no person ids, so it counts
   by name: an upper bound, same-name people merge; the synthetic city is shown both ways)
3. officer posts per person (distinct firms where the person holds an officer post)
4. officers per firm (distinct persons per firm in the officers file)
5. legal-rep firms per person
6. dishonest share of firms (synthetic only)
7. persons per name (how many true persons share one name; where persons are known)

plus the joint-stock subset of the city (企业类型 starting 股份有限公司), the closest match to
listed boards. Without ``--city`` it generates a city into a temporary folder. It also checks
its file-based numbers against ``truth/summary.json``. Not a test: it reports, it does not judge.
"""

from __future__ import annotations

import argparse
import json
import logging
import tempfile
import time
from pathlib import Path

import pandas as pd

from creditgraph.synth.generate import generate

log = logging.getLogger("bench.synth_distributions")

QUANTILES = (0.5, 0.9, 0.99)
HEAD = f"{'':<54}{'n':>9}{'mean':>8}{'p50':>6}{'p90':>6}{'p99':>6}{'max':>7}{'share=1':>9}"


def _shares(counts: pd.Series) -> dict:
    """Summary of a count distribution, with the quantile rule of ``generate._shares``
    (``sorted[int(q * n)]``) so that the two can be compared value for value."""
    v = counts.sort_values().to_numpy()
    if not len(v):
        return {}
    q = {f"p{round(x * 100)}": int(v[min(len(v) - 1, int(x * len(v)))]) for x in QUANTILES}
    return {"n": len(v), "mean": round(float(v.mean()), 3), **q, "max": int(v[-1]),
            "share_1": round(float((v == 1).mean()), 3)}


def _row(label: str, s: dict | str) -> str:
    if isinstance(s, str):
        return f"  {label:<52}{s:>9}"
    return (f"  {label:<52}{s['n']:>9}{s['mean']:>8.3f}{s['p50']:>6}{s['p90']:>6}{s['p99']:>6}"
            f"{s['max']:>7}{s['share_1']:>9.3f}")


def _csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _with_pid(df: pd.DataFrame, mentions: pd.DataFrame, file: str, column: str) -> pd.DataFrame:
    """Attach the true pid to rows of ``file``: row label i (as read, before any filter) is line i + 2."""
    m = mentions[(mentions.file == file) & (mentions.column == column)].set_index("line").pid
    return df.assign(pid=(df.index + 2).map(m)).dropna(subset=["pid"]).astype({"pid": int})


def synthetic(city: Path) -> tuple[dict, dict]:
    """Distributions measured from a city's files; second value: the summary.json cross-check."""
    data, truth = city / "data", city / "truth"
    reg, kp, sh, zx = (_csv(data / f"{n}.csv") for n in (
        "enterprise_registration", "key_personnel", "shareholders", "dishonest_records_zxgk"))
    mentions = pd.read_csv(truth / "person_mentions.csv", dtype={"line": int, "pid": int})
    names = _csv(truth / "persons.csv").astype({"pid": int}).set_index("pid").name
    reps = _with_pid(reg, mentions, "enterprise_registration.csv", "法人信息")
    kp = _with_pid(kp, mentions, "key_personnel.csv", "姓名")
    holders = _with_pid(sh[sh.股东类型 == "自然人股东"], mentions, "shareholders.csv", "股东名称")
    for what, df, col in (("legal reps", reps, "法人信息"), ("officers", kp, "姓名"), ("holders", holders, "股东名称")):
        wrong = int((df[col].to_numpy() != names.reindex(df.pid).to_numpy()).sum())
        if wrong > 0.01 * len(df):
            raise SystemExit(f"{what}: {wrong} of {len(df)} mention lines name someone else; "
                             "person_mentions.csv does not line up with the data file")
    rep_pairs, post_pairs, hold_pairs = (df[["统一社会信用代码", "pid", col]].set_axis(["firm", "pid", "name"], axis=1)
                                         for df, col in ((reps, "法人信息"), (kp, "姓名"), (holders, "股东名称")))
    role = pd.concat([rep_pairs, post_pairs])
    joint = set(reg.loc[reg.企业类型.str.startswith("股份有限公司"), "统一社会信用代码"])
    kp_js = post_pairs[post_pairs.firm.isin(joint)]
    firms = reg.公司名.nunique()
    out = {
        "address": _shares(reg.地址.value_counts()),
        "person": _shares(role.drop_duplicates(["firm", "pid"]).pid.value_counts()),
        "person_name": _shares(role.drop_duplicates(["firm", "name"]).name.value_counts()),
        "posts": _shares(post_pairs.groupby("pid").firm.nunique()),
        "officers": _shares(post_pairs.groupby("firm").pid.nunique()),
        "rep": _shares(rep_pairs.pid.value_counts()),
        "dishonest": len(set(zx["被执行人姓名/名称"]) & set(reg.公司名)) / firms,
        "names": _shares(names.value_counts()),
        "js_officers": _shares(kp_js.groupby("firm").pid.nunique()),
        "js_posts": _shares(kp_js.groupby("pid").firm.nunique()),
        "firms": firms, "joint": len(joint), "persons": len(names),
    }
    # The summary's own definitions: any role includes holders; posts are rows; firms without officers count 0.
    mine = {
        "firms_per_address": out["address"],
        "firms_per_person": _shares(pd.concat([role, hold_pairs]).drop_duplicates(["firm", "pid"]).pid.value_counts()),
        "officer_posts_per_person": _shares(post_pairs.pid.value_counts()),
        "officers_per_firm": _shares(post_pairs.firm.value_counts().reindex(reg.统一社会信用代码, fill_value=0)),
        "dishonest_firm_share": round(out["dishonest"], 4),
    }
    summary = json.loads((truth / "summary.json").read_text(encoding="utf-8"))["distribution"]
    return out, {k: v == summary.get(k) for k, v in mine.items()}


def listed(folder: Path) -> dict:
    """cn_listed_company_graph (Wind, ~2020): names only, no person ids. Former independent
    directors (zwdm dldslr, 30% of rows) are left out except in ``officer_rows_all``."""
    comp = pd.read_csv(folder / "company_basic_info.tsv", sep="\t", dtype=str)
    kd = pd.read_csv(folder / "keydirector_info.tsv", sep="\t", dtype=str)
    current = kd[kd.zwdm != "dldslr"]
    reps = comp.dropna(subset=["fddbr"])
    role = pd.concat([reps[["gpdm", "fddbr"]].set_axis(["firm", "name"], axis=1),
                      current[["gpdm", "name"]].set_axis(["firm", "name"], axis=1)])
    return {
        "address": _shares(comp.zcdz.dropna().value_counts()),
        "person": _shares(role.drop_duplicates().name.value_counts()),
        "posts": _shares(current.groupby("name").gpdm.nunique()),
        "officers": _shares(current.groupby("gpdm").name.nunique()),
        "officer_rows": _shares(current.gpdm.value_counts()),
        "officer_rows_all": _shares(kd.gpdm.value_counts()),
        "rep": _shares(reps.fddbr.value_counts()),
    }


def ashare(folder: Path) -> dict:
    """cn_ashare_executives_2018 (10jqka boards): person_id = md5(name, gender, age)."""
    people = pd.read_csv(folder / "import" / "executive.csv", dtype=str)
    seats = pd.read_csv(folder / "import" / "executive_stock.csv", dtype=str)
    seats = seats.set_axis(["pid", "jobs", "firm", "type"], axis=1)
    posts = _shares(seats.groupby("pid").firm.nunique())
    return {"person": posts, "posts": posts, "officers": _shares(seats.groupby("firm").pid.nunique()),
            "names": _shares(people.drop_duplicates("person_id:ID(Executive)").name.value_counts())}


def table(syn: dict, real: dict[str, dict]) -> list[str]:
    lst, ash = real.get("listed", {}), real.get("ashare", {})
    na = "n/a"
    blocks = [
        ("1 firms per registered address (exact text)",
         [("synthetic", syn["address"]), ("listed (zcdz)", lst.get("address", na)), ("ashare (no address)", na)]),
        ("2 firms per person, as legal rep or officer",
         [("synthetic, true person (pid)", syn["person"]), ("synthetic, by name", syn["person_name"]),
          ("listed, by NAME (upper bound: same names merge)", lst.get("person", na)),
          ("ashare, person_id (board seats only)", ash.get("person", na))]),
        ("3 officer posts per person (distinct firms)",
         [("synthetic, pid", syn["posts"]), ("synthetic joint-stock firms, pid", syn["js_posts"]),
          ("listed, by NAME (upper bound)", lst.get("posts", na)), ("ashare, person_id", ash.get("posts", na))]),
        ("4 officers per firm (distinct persons)",
         [("synthetic", syn["officers"]), ("synthetic joint-stock firms", syn["js_officers"]),
          ("listed, distinct names (current posts)", lst.get("officers", na)),
          ("listed, rows (current posts)", lst.get("officer_rows", na)),
          ("listed, rows incl. former indep. directors", lst.get("officer_rows_all", na)),
          ("ashare, distinct person_id per stock", ash.get("officers", na))]),
        ("5 legal-rep firms per person",
         [("synthetic, pid", syn["rep"]), ("listed, by fddbr NAME (upper bound)", lst.get("rep", na)),
          ("ashare (no legal rep)", na)]),
        ("6 dishonest share of firms (zxgk subject is a firm)",
         [("synthetic", f"{syn['dishonest']:.4f}"), ("listed / ashare (no comparable)", na)]),
        ("7 persons per name (true persons sharing a name)",
         [("synthetic (truth/persons.csv)", syn["names"]), ("ashare (person_id)", ash.get("names", na)),
          ("listed (no person ids)", na)]),
    ]
    lines = [HEAD]
    for title, rows in blocks:
        lines.append(title)
        lines += [_row(label, s) for label, s in rows if real or label.startswith("synthetic")]
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--companies", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--city", type=Path, help="an existing generated city (its root folder)")
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "data")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    t0 = time.perf_counter()
    gen_s = None
    with tempfile.TemporaryDirectory(prefix="cg-synth-") as tmp:
        city = args.city
        if city is None:
            city = Path(tmp) / "city"
            log.info("generating %d companies, seed %d, into %s", args.companies, args.seed, city)
            gen_s = generate(args.companies, seed=args.seed, out=city, progress=False)["seconds"]
        log.info("measuring %s", city)
        syn, check = synthetic(city)
    t1 = time.perf_counter()
    real: dict[str, dict] = {}
    if args.shared.is_dir():
        log.info("measuring real data in %s", args.shared)
        real["listed"] = listed(args.shared / "cn_listed_company_graph")
        real["ashare"] = ashare(args.shared / "cn_ashare_executives_2018")
    t2 = time.perf_counter()

    print(f"synthetic city: {args.city or f'generated, {args.companies} companies, seed {args.seed}'}; "
          f"{syn['firms']} firms ({syn['joint']} joint-stock), {syn['persons']} persons")
    if real:
        print(f"real: {args.shared}/cn_listed_company_graph (listed: Wind ~2020, names only) and "
              "cn_ashare_executives_2018 (ashare: boards ~2018, person_id = name+gender+age)")
    else:
        print(f"real data: {args.shared} not found; synthetic part only")
    print("\n".join(table(syn, real)))
    print("summary.json cross-check (same definitions as generate.distribution): "
          + ", ".join(f"{k} {'equal' if ok else 'DIFFERS'}" for k, ok in check.items()))
    print(f"seconds: generate {gen_s if gen_s is not None else 'n/a (--city)'}, measure synthetic "
          f"{t1 - t0 - (gen_s or 0):.1f}, measure real {t2 - t1:.1f}, total {t2 - t0:.1f}")


if __name__ == "__main__":
    main()
