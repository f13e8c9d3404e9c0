"""The page's parameters: read from the URL through the registry, kept in session state,
written back to the URL after every change so the address bar reproduces the view.

Why not Streamlit's ``bind="query-params"`` on every widget: a bound selectbox writes its
*displayed label* into the URL, so ``?source=two_humps`` would become a translated label
and embed snippets would break when the language changes. The registry keeps the URL
contract (URLS.md) in one place instead.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from lib import params as registry

_SEEDED = "_seeded_page"
_NOTICES = "_notices"
_RERUN = "_rerun_with_browser_values"
_VIEW_KEYS = ("lang", "present", "embed")


def raw_query() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params}


def page_params(page: str) -> dict[str, Any]:
    """Validated parameters of ``page``; seeds the widgets' session state on arrival.

    On the first run of a page (a fresh load, a shared link, a page switch) the URL
    decides and its notices are kept to be shown; afterwards the widgets decide.
    """
    if st.session_state.get(_SEEDED) != page:
        values, notices = registry.parse(raw_query(), page)
        # A page that lost its server and reconnected to another (a replica behind a
        # proxy) arrives in a new session carrying its widgets' values: the knob the
        # visitor just turned is newer than the URL, which must not overwrite it.
        # Its widgets take those values as they are drawn; ``sync_url`` then reruns the
        # page once, which reads them.
        sent = _sent_by_reconnected_browser() if _SEEDED not in st.session_state else set()
        for key, value in values.items():
            if key not in _VIEW_KEYS and key not in sent:
                st.session_state[key] = value
        if sent:
            st.session_state[_RERUN] = True
        st.session_state[_SEEDED] = page
        st.session_state[_NOTICES] = notices
    current = {
        key: st.session_state.get(key, param.default)
        for key, param in registry.PAGE_PARAMS[page].items()
        if key not in _VIEW_KEYS
    }
    # Session state may hold anything a widget or a callback put there: validate again.
    values, notices = registry.parse({k: _url_text(v) for k, v in current.items()}, page)
    for notice in notices:
        if notice.reason == "model_cap":
            st.session_state[notice.key] = notice.value
    return {key: values[key] for key in current}


def _sent_by_reconnected_browser() -> set[str]:
    """The user keys of the widgets whose values came with this run from the browser.

    In a session's first run that happens only when a page reconnects to a new server.
    Streamlit has no public API for it: its widget ids end with ``-<user key>``.
    """
    from streamlit.runtime.state.session_state_proxy import get_session_state

    try:
        states = get_session_state()._state._new_widget_state.states
    except AttributeError:  # another Streamlit: the URL decides, as on a fresh load
        return set()
    return {key for key in registry.REGISTRY if any(wid.endswith(f"-{key}") for wid in states)}


def keep_undrawn(values: dict[str, Any], keys) -> None:
    """A widget that is not drawn loses its state at the end of the run: keep the values
    of these ``keys`` for the run that draws them again."""
    for key in keys:
        st.session_state[key] = values[key]


def reconnected() -> bool:
    """Whether this run's session was started by a browser that reconnected to a new
    server, carrying its widgets' values: they take them only once they are drawn."""
    return bool(st.session_state.get(_RERUN, False))


def notices() -> list[registry.Notice]:
    return st.session_state.get(_NOTICES, [])


def _url_text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def sync_url(page: str, values: dict[str, Any]) -> None:
    """Write the view's parameters to the address bar (only what differs from defaults)."""
    if st.session_state.pop(_RERUN, False):
        st.rerun()  # after a reconnection: run again with the values the widgets now hold
    query = registry.to_query(values, page)
    query["lang"] = view_value("lang")
    if view_value("present"):
        query["present"] = "1"
    # ``embed`` belongs to Streamlit, which keeps it in the URL by itself.
    if {k: v[-1] for k, v in raw_query().items() if v} != query:
        st.query_params.from_dict(query)


def view_value(key: str) -> Any:
    """``lang``, ``present`` or ``embed``, as the router settled them for this run."""
    return st.session_state.get(f"_view_{key}", registry.REGISTRY[key].default)


def set_view_value(key: str, value: Any) -> None:
    st.session_state[f"_view_{key}"] = value


def share_query(page: str, values: dict[str, Any], **overrides: Any) -> dict[str, str]:
    """The query string that reproduces this view, for links and embed snippets."""
    query = registry.to_query({**values, **overrides}, page)
    query["lang"] = view_value("lang")
    return query
