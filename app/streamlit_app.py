"""The creditgraph explorer: ``creditgraph explore`` (or ``streamlit run app/streamlit_app.py``).

This entry script is the frame around every page: language, who is asking (the sign-in gate,
app/auth.py), which store answers, and the navigation — only the pages the signed-in role may
open (creditgraph/access.yaml; the reads behind them refuse the others as well). The pages live
in ``app_pages/``.

Each session runs this file as its script (``__main__``: :func:`main`). ``streamlit run`` first
imports it for its ``st.App`` (``app``, at the end): the same script, served with the hooks of
app/server.py (the store opened as the server starts; a page opened by its URL without 404s).
"""

from __future__ import annotations

import streamlit as st


def main() -> None:
    """One run of the frame, and of the page it opens (or of the sign-in form)."""
    from creditgraph.app import server

    try:
        _frame()
    finally:
        server.page_drawn()  # the store's opening waits for a first page to be drawn (app/server.py)


def _frame() -> None:
    # Imported here, in a session's run, not when the server imports this file for its st.App: the
    # server listens sooner and its warm-up imports them meanwhile (app/server.py). The network
    # drawing's component (app/drawing.py) registers only when declared in a run: the pages that
    # draw import it.
    from creditgraph.app import auth, state
    from creditgraph.app.strings import LANGS, STRINGS
    from creditgraph.app.text import local_time
    from creditgraph.app.ui import record_once, store_ready
    from creditgraph.errors import AccessDenied, CreditGraphError

    # An emoji icon, not a Material one: Streamlit loads Material favicons from fonts.gstatic.com.
    st.set_page_config(page_title="信用关系图谱 · creditgraph", page_icon="🕸️", layout="wide")

    with st.sidebar:
        current = state.lang()
        chosen = st.radio(state.t("app.language"), list(LANGS), format_func=LANGS.get, horizontal=True,
                          index=list(LANGS).index(current), key="lang_choice")
        if chosen != current:
            state.set_params(lang=chosen)
            st.rerun()

    user = auth.gate()  # stops here with the sign-in form until someone has signed in
    allowed = auth.policy().for_role(user.role)

    pages = {  # page (its file in app_pages/) → its entry; the role's table names the page
        "search": st.Page("app_pages/search.py", title=state.t("nav.search"), icon=":material/search:", default=True),
        "entity": st.Page("app_pages/entity.py", title=state.t("nav.entity"), icon=":material/badge:"),
        "paths": st.Page("app_pages/paths.py", title=state.t("nav.paths"), icon=":material/route:"),
        "assets": st.Page("app_pages/assets.py", title=state.t("nav.assets"), icon=":material/move_down:"),
        "rankings": st.Page("app_pages/rankings.py", title=state.t("nav.rankings"), icon=":material/leaderboard:"),
        "audit": st.Page("app_pages/audit.py", title=state.t("nav.audit"), icon=":material/policy:"),
        "governance": st.Page("app_pages/governance.py", title=auth.text("nav_governance"), icon=":material/gavel:"),
    }
    page = st.navigation([p for name, p in pages.items() if allowed.may_open(name)])

    # While the store opens (begun as the server started: the embedded store's JVM takes seconds),
    # the frame and the search page draw without it; the parts that need it say so, and the page
    # reruns as a whole once it is open (ui.store_ready).
    opening = state.store_opening() is not None
    if opening:
        store = state.t("app.store_opening")
    else:
        try:
            backend = state.store().backend
        except CreditGraphError as e:
            st.error(state.t("app.unavailable", error=e))
            st.stop()
        store = state.t(f"store.{backend}") if f"store.{backend}" in STRINGS else backend
        for run in state.unfinished_runs():  # a resolve or score stopped half-way leaves results incomplete: say so
            when = local_time(run["started"], state.settings().display_tz)
            what, who = state.t(f"run.{run['command']}"), run["user"] or "?"
            if run["state"] == "running":
                st.info(state.t("run.running", what=what, started=when, user=who))
            else:
                st.warning(state.t("run.unfinished", what=what, started=when, user=who,
                                   repair=f"creditgraph {run['command']}"))

    with st.sidebar:
        st.caption(f"{state.t('app.user')}: {user.name} · {auth.text('role')}: {state.t(f'role.{user.role}')} · "
                   f"{state.t('app.store')}: {store}")
        if auth.mode() == "users" and st.button(auth.text("sign_out"), key="sign_out"):
            auth.sign_out()
            st.rerun()
        st.caption(state.t("app.notice"))

    opened = next((name for name, p in pages.items() if p is page), str(page.title))
    if opening and opened != "search":  # the search page draws its box meanwhile; the others wait
        st.title(page.title)
        store_ready(state.t("app.opening_page"))
        return
    try:
        page.run()
    except AccessDenied as e:  # the disclosure service refused what the page asked for: say so, register it
        st.error(auth.text("refused", error=str(e)))
        record_once("refused", {"page": opened, "reason": str(e)}, 0)
    if opening and state.store_opening() is None:  # opened during the run, after the page saw it open:
        st.rerun()  # nothing would poll for it, so fill in the frame now


if __name__ == "__main__":  # a session's run (or AppTest's)
    main()
else:  # imported by `streamlit run` (or an ASGI server): the app it serves
    from starlette.middleware import Middleware

    from creditgraph.app import server

    app = st.App(__file__, middleware=[Middleware(server.BasePath)], lifespan=server.lifespan)
