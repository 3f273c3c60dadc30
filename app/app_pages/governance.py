"""Record governance (异议 · 信用修复 · 预警 · 发布): objections with their 异议中 records, repair
applications, the alert queue and published editions, each with its actions.

Every action goes through ``creditgraph.governance`` (register entries, state under
``<data dir>/governance``); rescoring after a withdrawal or an approved repair runs in the
script body after the form is sent, never in a widget callback.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from creditgraph.app import auth, state
from creditgraph.app.strings import label_name
from creditgraph.errors import CreditGraphError
from creditgraph.governance import Governance, State
from creditgraph.governance import alerts as al
from creditgraph.governance import objections as ob
from creditgraph.governance import repair as rp
from creditgraph.governance.lifecycle import status_text
from creditgraph.governance.publish import editions

state.disclosure().require("governance")  # its actions go past state's reads: the role is checked here

_TEXT = {
    "title": ("信用治理：异议、修复、预警、发布", "Governance: objections, repair, alerts, editions"),
    "objections": ("异议", "Objections"), "repairs": ("信用修复", "Credit repair"), "alerts": ("预警", "Alerts"),
    "editions": ("红黑榜发布", "Published lists"),
    "file": ("提交异议", "File an objection"), "record": ("记录编号", "Record key"),
    "grounds": ("异议理由", "Grounds"), "subject": ("异议主体编号", "Subject key"),
    "list": ("名单", "List"), "no": ("案号/文号", "Case / decision no."), "date": ("列入日期", "Listed"),
    "record_direct": ("或直接填写记录编号", "Or the record key"),
    "no_records": ("该主体没有名单记录", "No list records"),
    "submit": ("提交", "Submit"),
    "filed": ("已提交异议 {id}：记录显示为“异议中”", "Objection {id} filed: the record shows 异议中"),
    "open": ("待处理异议", "Open objections"), "none_open": ("没有待处理的异议", "No open objections"),
    "decide": ("处理异议", "Decide"), "which": ("异议", "Objection"), "decision": ("决定", "Decision"),
    "withdraw": ("成立：撤销记录", "Uphold: withdraw the record"), "reject": ("不成立：驳回", "Reject"),
    "reason": ("理由", "Reason"), "upheld": ("异议 {id} 成立：记录已撤销，评分已重新计算",
                                            "Objection {id} upheld: record withdrawn, scores recomputed"),
    "rejected": ("异议 {id} 已驳回", "Objection {id} rejected"),
    "rescored": ("{n} 个节点的评分已更新", "{n} nodes rescored"),
    "stats": ("统计", "Statistics"), "all": ("全部异议", "Every objection"),
    "status": ("记录状态", "Record status"), "active": ("有效", "active"),
    "pending": ("待审核申请", "Pending applications"),
    "approve": ("批准：记录退出，重新评分", "Approve: the record exits, scores recomputed"),
    "refuse": ("不予修复", "Refuse"), "approved": ("修复申请 {id} 已批准", "Repair {id} approved"),
    "refused": ("修复申请 {id} 未批准", "Repair {id} refused"),
    "apply": ("提交修复申请", "Apply for repair"), "evidence": ("证据（类型:编号:说明，每行一项）",
                                                             "Evidence (kind:ref:note, one a line)"),
    "applied": ("已提交修复申请 {id}", "Repair application {id} filed"),
    "queue": ("预警队列", "Alert queue"), "none_alerts": ("没有待处理的预警", "No open alerts"),
    "confirm": ("确认", "Confirm"), "dismiss": ("忽略（需理由）", "Dismiss (with a reason)"),
    "follow": ("关注", "Follow"), "kind": ("类型", "Kind"), "target": ("对象", "Target"),
    "watches": ("关注列表", "Watchlists"), "none_editions": ("尚未发布", "Nothing published yet"),
}


def tr(key: str, **values) -> str:
    zh, en = _TEXT[key]
    text = zh if state.lang() == "zh" else en
    return text.format(**values) if values else text


def desk() -> Governance:
    """The governance desk acting as the signed-in user, writing the register as they do."""
    s = state.settings()
    user = auth.current_user()  # the page opens only behind auth.gate(): someone has signed in
    if user is None:
        return Governance(state.store(), State.of(s.data_dir), state.audit(), s.user)
    return Governance(state.store(), State.of(s.data_dir), auth.register(), user.name)


def record_status(keys: list[str]) -> dict[str, str]:
    """What each record shows now: 异议中, inactive with its reason, or active."""
    return {e.key: status_text(e.props, state.lang()) or tr("active") for e in state.store().entities(keys)}


def act(work, done: str) -> None:
    try:
        out = work()
    except CreditGraphError as e:
        st.error(str(e))
        return
    st.session_state["governance_done"] = done.format(**out) if isinstance(out, dict) else done
    st.cache_data.clear()  # every page's cached reads predate the new status and scores
    st.rerun()


st.title(tr("title"))
if msg := st.session_state.pop("governance_done", None):
    st.success(msg)
gov = desk()
tabs = st.tabs([tr("objections"), tr("repairs"), tr("alerts"), tr("editions")])

with tabs[0]:
    st.subheader(tr("file"))
    subject = st.text_input(tr("subject"), key="ob_subject", placeholder="co:uscc:… / pe:…").strip()
    picked = None
    if subject:
        try:
            own = [r for r in state.store().related_listings(subject) if r["via"] == "self"]
        except CreditGraphError as e:
            own = []
            st.error(str(e))
        if own:
            status = record_status([r["key"] for r in own])
            st.table(pd.DataFrame([{tr("record"): r["key"], tr("list"): label_name(r["label"], state.lang()),
                                    tr("no"): r["props"].get("case_no") or r["props"].get("decision_no") or "",
                                    tr("date"): str(r["props"].get("published") or r["props"].get("listed")
                                                or r["props"].get("decided") or "")[:10],
                                    tr("status"): status.get(r["key"], "")} for r in own]))
            picked = st.selectbox(tr("record"), [r["key"] for r in own], key="ob_pick")
        elif not st.session_state.get("ob_record"):
            st.info(tr("no_records"))
    with st.form("objection_file", clear_on_submit=True):
        record = st.text_input(tr("record_direct"), key="ob_record")
        grounds = st.text_area(tr("grounds"), key="ob_grounds")
        if st.form_submit_button(tr("submit")):
            target = record.strip() or picked or ""
            act(lambda: ob.file(gov, target, grounds, subject=subject or None), tr("filed", id="{id}"))
    rows = gov.state.rows("objections")
    status = record_status([o["record"] for o in rows])
    st.subheader(tr("all"))
    table = pd.DataFrame([{"id": o["id"], tr("record"): o["record"], tr("status"): status.get(o["record"], ""),
                           "objection": o["status"], tr("grounds"): o["grounds"], "filed": o["filed_at"],
                           "decided": o["decided_at"] or "", tr("reason"): o["reason"] or ""} for o in rows[::-1]])
    st.table(table)
    s = ob.statistics_of(gov)
    st.caption(f"{tr('stats')}: " + " · ".join(f"{k} {v}" for k, v in s.items()))
    pending = [o for o in rows if o["status"] == "open"]
    if pending:
        with st.form("objection_decide"):
            st.subheader(tr("decide"))
            st.caption(" · ".join(f"{o['id']}: {o['record']}" for o in pending))
            which = st.selectbox(tr("which"), [o["id"] for o in pending])
            decision = st.radio(tr("decision"), [tr("withdraw"), tr("reject")], horizontal=True)
            reason = st.text_input(tr("reason"), key="ob_reason")
            if st.form_submit_button(tr("submit")):
                if decision == tr("withdraw"):
                    with st.spinner("…"):
                        act(lambda: ob.uphold(gov, which, decision="withdrawn", reason=reason),
                            tr("upheld", id=which) + " · " + tr("rescored", n="{scoring[nodes_written]}"))
                else:
                    act(lambda: ob.reject(gov, which, reason=reason), tr("rejected", id=which))
    else:
        st.info(tr("none_open"))

with tabs[1]:
    with st.form("repair_apply", clear_on_submit=True):
        st.subheader(tr("apply"))
        record = st.text_input(tr("record"), key="rp_record")
        evidence = st.text_area(tr("evidence"), placeholder="performance:(2024)闽01执5号之二:paid in full", key="rp_ev")
        if st.form_submit_button(tr("submit")):
            items = []
            for line in evidence.splitlines():
                if line.strip():
                    kind, _, rest = line.strip().partition(":")
                    ref, _, note = rest.partition(":")
                    items.append({"kind": kind, "ref": ref, "note": note})
            act(lambda: rp.apply(gov, record.strip(), items), tr("applied", id="{id}"))
    rows = gov.state.rows("repairs")
    st.dataframe(pd.DataFrame([{"id": a["id"], tr("record"): a["record"], "status": a["status"],
                                tr("evidence"): "; ".join(f"{e['kind']} {e['ref']}" for e in a["evidence"]),
                                "filed": a["filed_at"], tr("reason"): a["reason"] or ""} for a in rows[::-1]]),
                 hide_index=True, width="stretch", key="repair_table")
    pending = [a for a in rows if a["status"] == "pending"]
    if pending:
        with st.form("repair_decide"):
            st.subheader(tr("pending"))
            which = st.selectbox(tr("which"), [a["id"] for a in pending])
            decision = st.radio(tr("decision"), [tr("approve"), tr("refuse")], horizontal=True)
            reason = st.text_input(tr("reason"), key="rp_reason")
            if st.form_submit_button(tr("submit")):
                if decision == tr("approve"):
                    with st.spinner("…"):
                        act(lambda: rp.approve(gov, which, reason=reason), tr("approved", id=which))
                else:
                    act(lambda: rp.reject(gov, which, reason=reason), tr("refused", id=which))

with tabs[2]:
    with st.form("watch_follow", clear_on_submit=True):
        st.subheader(tr("follow"))
        c1, c2 = st.columns([1, 3])
        kind = c1.selectbox(tr("kind"), list(al.WATCH_KINDS))
        target = c2.text_input(tr("target"), placeholder="pe:… / cl-00012 / all / court=福州市中级人民法院")
        if st.form_submit_button(tr("submit")):
            act(lambda: al.follow(gov, kind, target), "{id}")
    watches = gov.state.rows("watchlists")
    st.caption(tr("watches") + ": " + ", ".join(f"{w['id']} {w['kind']} {w['target']}" for w in watches))
    queue = al.queue(gov)
    st.subheader(tr("queue"))
    if not queue:
        st.info(tr("none_alerts"))
    else:
        st.dataframe(pd.DataFrame([{"id": a["id"], "kind": a["kind"], "text": a["detail"]["text"], "run": a["run"]}
                                   for a in queue]), hide_index=True, width="stretch", key="alert_table")
        with st.form("alert_decide"):
            which = st.selectbox("id", [a["id"] for a in queue])
            decision = st.radio(tr("decision"), [tr("confirm"), tr("dismiss")], horizontal=True)
            reason = st.text_input(tr("reason"), key="al_reason")
            if st.form_submit_button(tr("submit")):
                if decision == tr("confirm"):
                    act(lambda: al.confirm(gov, which, note=reason), which)
                else:
                    act(lambda: al.dismiss(gov, which, reason=reason), which)

with tabs[3]:
    eds = editions(gov)
    if not eds:
        st.info(tr("none_editions"))
    else:
        st.dataframe(pd.DataFrame([{"id": e["id"], "as_of": e["as_of"], "published": e["at"],
                                    "黑榜": e["counts"]["blacklist"], "红榜": e["counts"]["redlist"],
                                    "folder": e["folder"]}
                                   for e in eds[::-1]]), hide_index=True, width="stretch", key="edition_table")
