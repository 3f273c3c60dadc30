"""No machine text in front of the reader: every page, in Chinese and in English, shows no
snake_case identifier, no entity key (co:…, pe:…) outside a key column, and no raw JSON; in
Chinese, no English words either (a few names of things excepted).

The text is read from everything Streamlit would draw (labels, captions, Markdown, metrics,
widget options, table headers and cells) and from what the network component's info panel shows.
"""

from __future__ import annotations

import json
import re

import pytest
from google.protobuf.message import Message
from apptest import run_page
from streamlit.testing.v1 import AppTest

from creditgraph.app.strings import t
from creditgraph.synth.truth import load_truth


SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
KEY = re.compile(r"\b(?:co|pe|ad|ph|ca|dr|rs|ab|pn|cl):\S")
JSON = re.compile(r"[{\[]\s*\"|\"\s*:\s*[\"\[{0-9]")
ENGLISH = re.compile(r"\b[a-z]{3,}\b")
#: English that stays in the Chinese UI: the product, the store backends, formats.
ALLOWED_EN = {"creditgraph", "arcadedb", "neo4j"}
#: A key shown as a labelled key ("编号：co:uscc:…") is a key column of one.
LABELLED_KEY = re.compile(r"(?:编号|Key)[：:]\s*\S+")
#: Proto fields that are not shown (ids, page paths, component plumbing, raw table bytes).
HIDDEN = {"id", "form_id", "query_string", "page_script_hash", "page", "url_path", "page_name", "json_args",
          "arrow_data", "data", "component_name", "url", "icon", "key", "format", "type", "element_type",
          "tab_id", "default", "placeholder_key", "spec", "styler", "deck_json", "bind", "mime", "file_name",
          "columns", "query_param_key"}
#: Markdown's colour directives (":red[●]") are markup, not text.
MARKUP = re.compile(r":[a-z]+(?:-background)?\[")
#: Fields the network component's info panel shows but that the component itself names.
COMPONENT_FIELDS = {"id", "name", "label", "source", "target", "caption"}


def _strings(msg: Message, path: str = ""):
    for field, value in msg.ListFields():
        if field.name in HIDDEN:
            continue
        values = [value] if isinstance(value, (str, Message)) else list(value) if hasattr(value, "__iter__") else []
        for v in values:
            if isinstance(v, str):
                yield f"{path}.{field.name}", v
            elif isinstance(v, Message):
                yield from _strings(v, f"{path}.{field.name}")


def _walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def visible_text(at: AppTest, lang: str) -> list[tuple[str, str]]:
    """(where, text) of everything the page shows."""
    key_col = {t("col.key", "zh"), t("col.key", "en")}
    out = []
    for node in _walk(at._tree):
        proto = getattr(node, "proto", None)
        kind = getattr(node, "type", "")
        if proto is None:
            continue
        if kind in ("arrow_data_frame", "dataframe"):
            df = node.value
            for c in df.columns:
                out.append(("dataframe.column", str(c)))
                if str(c) in key_col:
                    continue
                out += [(f"dataframe[{c}]", str(v)) for v in df[c].tolist() if v is not None]
            continue
        if kind == "component_instance":
            args = json.loads(proto.json_args or "{}")
            for el in args.get("elements", {}).get("nodes", []) + args.get("elements", {}).get("edges", []):
                for k, v in el["data"].items():
                    if k not in COMPONENT_FIELDS:
                        out.append(("graph.field", k))
                    if k not in ("id", "source", "target"):
                        out.append((f"graph.{k}", str(v)))
            continue
        out += [(f"{kind}{where}", s) for where, s in _strings(proto)]
    return out


def machine_text(texts, lang: str, allowed: set[str]) -> list[tuple[str, str]]:
    bad = []
    for where, text in texts:
        s = MARKUP.sub("[", LABELLED_KEY.sub("", text))
        if SNAKE.search(s) or KEY.search(s) or JSON.search(s):
            bad.append((where, text))
        elif lang == "zh" and {w for w in ENGLISH.findall(s)} - allowed:
            bad.append((where, text))
    return bad


def run(page: str | None = None, **params) -> AppTest:
    return run_page(page, timeout=90, **params)


def planted(city):
    truth = load_truth(city)
    shells = truth.of("shell_cluster")[0]["companies"]
    hiding = truth.of("asset_hiding")[0]["facts"]
    offender = next(x for x in truth.of("repeat_offender") if "company" in x["subject"])
    return {"shell": f"co:uscc:{shells[0]}", "other": f"co:uscc:{shells[1]}",
            "debtor": f"co:uscc:{hiding['debtor_firm']}", "hidden": f"co:uscc:{hiding['hidden_firm']}",
            "offender": f"co:uscc:{offender['subject']['company']}"}


TABS = ("entity.profile", "entity.risk", "entity.records", "entity.network", "entity.export")


def pages(p: dict, lang: str):
    """(page, params) of every page the reader can reach, each entity tab open once."""
    yield None, {"q": "有限公司"}
    for who in ("shell", "debtor", "hidden", "offender"):
        for tab in TABS:
            yield "app_pages/entity.py", {"entity": p[who], "view": t(tab, lang)}
    yield "app_pages/paths.py", {"from": p["shell"], "to": p["other"], "hops": "4"}
    yield "app_pages/assets.py", {}
    yield "app_pages/assets.py", {"debtor": p["debtor"]}
    yield "app_pages/rankings.py", {}
    yield "app_pages/audit.py", {}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_machine_text_on_any_page(app_env, city, lang):
    store, settings = app_env
    # the user's name is the deployment's word (the sidebar shows it as configured); the role is translated
    allowed = ALLOWED_EN | set(ENGLISH.findall(settings.user))
    p = planted(city)
    bad = {}
    for page, params in pages(p, lang):
        at = run(page, lang=lang, **params)
        found = machine_text(visible_text(at, lang), lang, allowed)
        if found:
            bad[f"{page} {params}"] = sorted(set(found))[:8]
    assert not bad, json.dumps(bad, ensure_ascii=False, indent=1)


def test_the_walker_sees_machine_text():
    """The checks above can fail: each kind of machine text is caught."""
    texts = [("a", "shell_score 0.3"), ("b", "pe:gsxt:id:4005eb63"), ("c", '[{"mode": "new_firm"}]'),
             ("d", "own record"), ("e", "编号：co:uscc:91350121800985071D"), ("f", "福州安南教育咨询有限公司")]
    assert [w for w, _ in machine_text(texts, "zh", ALLOWED_EN)] == ["a", "b", "c", "d"]
    assert [w for w, _ in machine_text(texts, "en", ALLOWED_EN)] == ["a", "b", "c"]
