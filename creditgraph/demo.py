"""The demo behind `creditgraph demo`: a generated city loaded, checked, resolved, scored and toured.

Everything it prints comes from the store through the port, the way a user would see it: one
load report, the planted patterns found, one line each for resolution and scoring, a few
findings by name (a shell cluster, a repeat offender, a hidden link, the top shell and why, a
debtor whose assets moved after a judgment), and next steps that run as printed.
"""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
import sys
from pathlib import Path
from urllib.parse import quote

from creditgraph.settings import Settings

__all__ = ["run_demo"]

#: Loggers whose progress lines the demo's own report replaces (they would print it twice).
_QUIET = ("creditgraph.loaders.pipeline", "creditgraph.resolution", "creditgraph.scoring", "creditgraph.graph.runs",
          "creditgraph.graph.embedded", "creditgraph.synth.generate", "neo4j", "neo4j.notifications")


@contextlib.contextmanager
def _quiet():
    """The demo's steps without their INFO lines (and without the Neo4j driver's notifications)."""
    loggers = [logging.getLogger(n) for n in _QUIET]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR if lg.name.startswith("neo4j") else logging.WARNING)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels):
            lg.setLevel(level)


def _command() -> str:
    """How to run creditgraph from here: its name when it is on PATH, else the path to it
    (relative when it is below the working directory: .venv/bin/creditgraph)."""
    if shutil.which("creditgraph"):
        return "creditgraph"
    exe = Path(sys.executable).with_name("creditgraph")
    if not exe.exists():
        return f"{sys.executable} -m creditgraph.cli"
    try:
        return str(exe.relative_to(Path.cwd()))
    except ValueError:
        return str(exe)


def run_demo(settings: Settings, *, companies: int, seed: int) -> int:
    """Generate a small city, load it, check its planted patterns, and show a few of them."""
    from creditgraph.graph.connect import open_store
    from creditgraph.loaders.pipeline import load_paths
    from creditgraph.resolution import run_resolution
    from creditgraph.scoring import run_scoring
    from creditgraph.synth.generate import generate
    from creditgraph.synth.truth import check_planted, load_truth

    city = settings.data_dir / "demo" / "city"
    with _quiet():
        summary = generate(companies, seed=seed, out=city)
    print(f"generated {summary['companies']} companies and {summary['persons']} persons "
          f"({sum(summary['rows'].values())} rows) in {city}\n")
    truth = load_truth(city)
    with _quiet(), open_store(settings) as store:
        store.wipe()
        report = load_paths(store, [city / "data"], hash_key=settings.id_hash_key.get_secret_value(),
                            report_dir=settings.data_dir / "demo" / "report", batch_rows=settings.batch_size)
        print(report.render())
        problems = check_planted(store.export(), truth)
        print(f"\nplanted patterns and decoys found in the graph: {len(truth.patterns) - len(problems)}"
              f" of {len(truth.patterns)}")
        for pid, what in problems.items():
            print(f"  missing {pid}: {'; '.join(what[:2])}")
        resolved, _ = run_resolution(store)
        p = resolved.persons
        print(f"entity resolution: {p['records']} person records are {p['entities']} people "
              f"({p['links']} links, {p['refused']} refused by contradictions); "
              f"{resolved.companies['links']} firm records joined to registered firms")
        scores = run_scoring(store)
        print(f"scores: {scores['shell_flags']} firms flagged as shells, {scores['repeat_flags']} repeat offenders, "
              f"{scores['asset_hiding_findings']} possible asset moves, {scores['clusters']} clusters of related firms")
        print("\nwhat the graph shows:")
        _demo_tour(store, truth)
        _demo_shell(store)
        example = _demo_hidden_assets(store)
    _next_steps(settings, city, example)
    return 1 if problems else 0


def _demo_tour(store, truth) -> None:
    """One shell cluster, one repeat offender and one hidden link as the graph shows them."""
    from creditgraph.graph.schema import schema

    shell = truth.of("shell_cluster")[0]
    first = store.get(schema().make_key("Company", "uscc", shell["companies"][0]))
    print(f"  shell cluster: {len(shell['companies'])} firms registered at {shell['facts']['address']}, "
          f"fronted by {truth.names[shell['facts']['nominee']]}; e.g. {first.name}")
    offender = next(t for t in truth.of("repeat_offender") if "person" in t["subject"])
    name = truth.names[offender["subject"]["person"]]
    records = [e for e in store.search(name, labels=["DishonestRecord"], limit=50)
               if e.props.get("subject_name") == name]
    courts = sorted({e.props.get("court") for e in records})
    print(f"  repeat offender {name}: {len(records)} dishonest records across {len(courts)} courts "
          f"({', '.join(courts[:3])}{' …' if len(courts) > 3 else ''})")
    link = next(t for t in truth.of("hidden_link") if t["facts"]["via"] != "officer")
    a, b = (schema().make_key("Company", "uscc", u) for u in link["companies"])
    for path in store.shortest_paths(a, b)[:1]:
        print(f"  hidden link via {link['facts']['via']}: " + " — ".join(n.name for n in path.nodes))


def _demo_shell(store) -> None:
    """The highest-scored shell and why."""
    from creditgraph.analytics.evidence import render

    flagged = store.ranked("Company", "shell_score", flag="shell_flag", filters={"flagged": True}, limit=1)
    if not flagged:
        return
    top = flagged[0]
    print(f"  top shell: {top.name} (score {top.props['shell_score']:.2f})")
    for r in json.loads(top.props.get("shell_reasons") or "[]"):
        if (r.get("contribution") or 0) > 0:
            print(f"    {r['indicator']:<22} {render(r.get('evidence'), 'en')}")


def _demo_hidden_assets(store) -> dict | None:
    """A debtor whose assets moved after a judgment, named: the example to open in the explorer."""
    best = None
    for firm in store.ranked("Company", "hiding_rank", limit=500, ascending=True):
        for lead in json.loads(firm.props["asset_hiding"]):
            rank = (lead.get("strength") or 0, lead.get("debtor", "").startswith("co:"))
            if best is None or rank > best[0]:
                best = (rank, firm, lead)
    if best is None:
        return None
    _, firm, lead = best
    debtor = store.get(lead["debtor"])
    via = store.get(lead["via"]).name if str(lead.get("via", "")).startswith(("pe:", "co:")) else lead.get("via")
    how = "founded" if lead.get("mode") == "new_firm" else "took a stake in"
    print(f"  hidden assets: {debtor.name} was judged in {lead.get('case_no')} on {lead.get('judged')}; "
          f"on {lead.get('moved_on')} {via} ({lead.get('ties') or lead.get('tie')}) {how} {firm.name}")
    return {"debtor": debtor.key, "name": debtor.name}


def _next_steps(settings: Settings, city: Path, example: dict | None) -> None:
    cg = _command()
    data = f"--data-dir {settings.data_dir}"
    print(f"\nnext steps:\n  {cg} explore {data}          (the explorer, http://127.0.0.1:8501)")
    if example:
        print(f"    then open http://127.0.0.1:8501/assets?debtor={quote(example['debtor'], safe='')} "
              f"— what moved after {example['name']}'s judgments")
        print(f"  {cg} search {example['name']} {data}")
    print(f"  {cg} evaluate --truth {city} {data}   (precision / recall against the planted truth)\n"
          f"  ground truth: {city / 'truth' / 'patterns.json'}")
