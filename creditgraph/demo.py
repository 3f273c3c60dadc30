"""The demo behind `creditgraph demo`: a generated city loaded, checked, resolved, scored and toured.

Everything it prints comes from the store through the port, the way a user would see it.
"""

from __future__ import annotations

import json

from creditgraph.settings import Settings

__all__ = ["run_demo"]


def run_demo(settings: Settings, *, companies: int, seed: int) -> int:
    """Generate a small city, load it, check its planted patterns, and show a few of them."""
    from creditgraph.graph.connect import open_store
    from creditgraph.loaders.pipeline import load_paths
    from creditgraph.resolution import run_resolution
    from creditgraph.scoring import run_scoring
    from creditgraph.synth.generate import generate
    from creditgraph.synth.truth import check_planted, load_truth

    city = settings.data_dir / "demo" / "city"
    summary = generate(companies, seed=seed, out=city)
    print(f"generated {summary['companies']} companies and {summary['persons']} persons "
          f"({sum(summary['rows'].values())} rows) in {city}")
    truth = load_truth(city)
    with open_store(settings) as store:
        store.wipe()
        report = load_paths(store, [city / "data"], hash_key=settings.id_hash_key.get_secret_value(),
                            report_dir=settings.data_dir / "demo" / "report", batch_rows=settings.batch_size)
        print(report.render())
        problems = check_planted(store.export(), truth)
        print(f"\nplanted patterns and decoys found in the graph: {len(truth.patterns) - len(problems)}"
              f" of {len(truth.patterns)}")
        for pid, what in problems.items():
            print(f"  missing {pid}: {'; '.join(what[:2])}")
        _demo_tour(store, truth)
        summary, _ = run_resolution(store)
        p = summary.persons
        print(f"\nentity resolution: {p['records']} person records are {p['entities']} people "
              f"({p['links']} links, {p['refused']} refused by contradictions); "
              f"{summary.companies['links']} firm records joined to registered firms")
        _demo_related(store, truth)
        scores = run_scoring(store)
        print(f"\nscores: {scores['shell_flags']} firms flagged as shells, {scores['repeat_flags']} repeat offenders, "
              f"{scores['asset_hiding_findings']} possible asset moves, {scores['clusters']} clusters of related firms")
        _demo_shell(store)
        print("\n" + json.dumps(store.counts().as_dict(), ensure_ascii=False))
    print("\nThe explorer is not built yet (issue 6). Explore from here with:\n"
          f"  creditgraph search <name or USCC> --data-dir {settings.data_dir}\n"
          f"  creditgraph related <key> --data-dir {settings.data_dir}\n"
          f"  creditgraph paths <key> <key> --data-dir {settings.data_dir}\n"
          f"  creditgraph evaluate --truth {city} --data-dir {settings.data_dir}   (precision / recall vs the truth)\n"
          f"  ground truth: {city / 'truth' / 'patterns.json'}")
    return 1 if problems else 0


def _demo_related(store, truth) -> None:
    """What reaches a debtor firm through its people once records are resolved."""
    from creditgraph.graph.schema import schema

    case = truth.of("asset_hiding")[0]
    firm = schema().make_key("Company", "uscc", case["facts"]["debtor_firm"])
    rows = store.related_listings(firm)
    print(f"dishonesty reaching {store.get(firm).name} (`creditgraph related {firm}`):")
    for r in sorted(rows, key=lambda r: (r["via"] != "self", r["key"]))[:6]:
        print(f"  {r['confidence']:.2f}  {r['label']:<16} {r['props'].get('case_no', '')}  via {r['relation']}")


def _demo_shell(store) -> None:
    """The highest-scored shell and why."""
    flagged = [e for e in store.search("有限公司", labels=["Company"], limit=100_000) if e.props.get("shell_flag")]
    if not flagged:
        return
    top = max(flagged, key=lambda e: e.props["shell_score"])
    print(f"top shell: {top.name} ({top.props['shell_score']:.3f})")
    for r in json.loads(top.props["shell_reasons"]):
        print(f"  {r['indicator']:<22} {r['evidence']}")


def _demo_tour(store, truth) -> None:
    """Print one shell cluster, one repeat offender and one hidden link as the graph shows them."""
    from creditgraph.graph.schema import schema

    shell = truth.of("shell_cluster")[0]
    first = store.get(schema().make_key("Company", "uscc", shell["companies"][0]))
    print(f"\nshell cluster {shell['id']}: {len(shell['companies'])} firms registered at "
          f"{shell['facts']['address']}, fronted by {truth.names[shell['facts']['nominee']]}; e.g. {first.name}")
    offender = next(t for t in truth.of("repeat_offender") if "person" in t["subject"])
    name = truth.names[offender["subject"]["person"]]
    records = [e for e in store.search(name, labels=["DishonestRecord"], limit=50) if e.props.get("subject_name") == name]
    courts = sorted({e.props.get("court") for e in records})
    print(f"repeat offender {name}: {len(records)} dishonest records across {len(courts)} courts "
          f"({', '.join(courts[:3])}{' …' if len(courts) > 3 else ''})")
    link = next(t for t in truth.of("hidden_link") if t["facts"]["via"] != "officer")
    a, b = (schema().make_key("Company", "uscc", u) for u in link["companies"])
    for p in store.shortest_paths(a, b)[:1]:
        print(f"hidden link via {link['facts']['via']}: " + " — ".join(n.name for n in p.nodes))
