# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     name: python3
# ---

# %% [markdown]
# # A shell cluster and a repeat offender, walked through with the Python API
#
# Generates a small synthetic city (its truth is known), loads it into the embedded store,
# resolves people and firms, scores them, and then looks at the riskiest shell cluster and
# the worst repeat offender the way an analyst would: what was flagged, why, and what the
# graph shows around it. Runs top to bottom as a script too (`python notebooks/analyst_walkthrough.py`);
# CI executes it. Size with `CREDITGRAPH_NOTEBOOK_COMPANIES` (default 2,000).

# %%
import json
import os
import tempfile
from pathlib import Path

from creditgraph.graph.connect import open_store
from creditgraph.loaders.pipeline import load_paths
from creditgraph.resolution import run_resolution
from creditgraph.scoring import evaluate_scores, run_scoring
from creditgraph.settings import Settings
from creditgraph.synth.generate import generate

companies = int(os.environ.get("CREDITGRAPH_NOTEBOOK_COMPANIES", "2000"))
work = Path(os.environ.get("CREDITGRAPH_NOTEBOOK_DIR") or tempfile.mkdtemp(prefix="creditgraph-notebook-"))
settings = Settings(data_dir=work / "store")
key = settings.id_hash_key.get_secret_value()

summary = generate(companies, seed=3, out=work / "city", progress=False)
print(f"{summary['companies']} companies, {summary['persons']} persons")

# %% [markdown]
# ## Load, resolve, score

# %%
with open_store(settings) as store:
    report = load_paths(store, [work / "city" / "data"], hash_key=key, report_dir=work / "report", progress=False)
    print(f"read {report.rows_read} rows, quarantined {report.rows_quarantined}")
    resolution, _ = run_resolution(store)
    print("resolution:", resolution.as_dict()["persons"])
    scores = run_scoring(store)
    print("scores:", {k: v for k, v in scores.items() if k != "riskiest_clusters"})
    print("evaluation:", json.dumps(evaluate_scores(store, work / "city", hash_key=key), ensure_ascii=False))

    # %% [markdown]
    # ## The riskiest shell: why it was flagged
    # Each flag carries its top indicators with the evidence behind them.

    # %%
    firms = [e for e in store.search("有限公司", labels=["Company"], limit=100_000) if e.props.get("shell_flag")]
    shell = max(firms, key=lambda e: e.props["shell_score"])
    print(shell.name, shell.props["shell_score"])
    for reason in json.loads(shell.props["shell_reasons"]):
        print(f"  {reason['indicator']:<22} +{reason['contribution']:.2f}  {reason['evidence']}")

    # %% [markdown]
    # Its cluster: the firms it is tied to through people, holdings and rare shared contacts.

    # %%
    cluster = [e for e in firms if e.props.get("cluster") == shell.props.get("cluster")]
    print(f"cluster {shell.props.get('cluster')}: {len(cluster)} flagged firms, e.g.",
          ", ".join(e.name for e in cluster[:5]))
    hood = store.neighbourhood(shell.key, hops=1)
    print("around it:", sorted({f"{e.type}" for e in hood.edges}))

    # %% [markdown]
    # ## The worst repeat offender: every record that reaches them

    # %%
    offenders = [e for e in store.search("有限公司", labels=["Company"], limit=100_000) if e.props.get("repeat_flag")]
    worst = max(offenders, key=lambda e: e.props["repeat_cases"])
    print(worst.name, "-", worst.props["repeat_reason"])
    for row in sorted(store.related_listings(worst.key), key=lambda r: -r["confidence"])[:8]:
        print(f"  {row['confidence']:.2f}  {row['label']:<16} {row['props'].get('case_no', '')}  via {row['relation']}")
