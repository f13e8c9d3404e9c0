"""What every page shares: the language, the navigation, the notices about the URL."""

from __future__ import annotations

from typing import Any

import streamlit as st

from lib import params as registry
from lib.i18n import LANGUAGES, fmt_number, fmt_percent, pick_language, t, use_language
from ui import state

# (page name, script, url_path, icon); page names are the catalogue's ``nav.<name>``.
PAGES = (
    ("story", "pages/story.py", "", ":material/auto_stories:"),
    ("lab", "pages/lab.py", "lab", ":material/science:"),
    ("mould", "pages/mould.py", "mould", ":material/content_copy:"),
    ("words", "pages/words.py", "words", ":material/translate:"),
    ("digits", "pages/digits.py", "digits", ":material/draw:"),
    ("readers", "pages/readers.py", "readers", ":material/forum:"),
    ("maths", "pages/maths.py", "maths", ":material/functions:"),
)
_LANGUAGE_WIDGET = "lang_switch"


def resolve_view() -> str:
    """Settle this run's language, presentation and embed flags; returns the language."""
    # The session keeps the language across page switches; the URL or the browser
    # decide it when a session starts.
    chosen = st.session_state.get("_view_lang")
    if chosen not in LANGUAGES:
        chosen = pick_language(st.query_params.get("lang"), st.context.locale)
    state.set_view_value("lang", chosen)
    if "_view_present" not in st.session_state:
        present, _ = registry.REGISTRY["present"].coerce(st.query_params.get("present", ""))
        state.set_view_value("present", present)
    state.set_view_value("embed", bool(st.context.is_embedded))
    return chosen


def make_pages() -> list[st.Page]:
    return [
        st.Page(script, title=t(f"nav.{name}"), url_path=path or None, icon=icon, default=not path)
        for name, script, path, icon in PAGES
    ]


def sidebar(pages: list[st.Page]) -> None:
    """Links to every page (keeping the language) and the language switch."""
    lang = state.view_value("lang")
    with st.sidebar:
        st.markdown(f"### {t('app.title')}")
        for page in pages:
            st.page_link(page, query_params={"lang": lang})
        st.divider()
        st.session_state[_LANGUAGE_WIDGET] = lang
        st.segmented_control(
            t("app.language"),
            LANGUAGES,
            key=_LANGUAGE_WIDGET,
            format_func=lambda code: t(f"app.language_name.{code}"),
            selection_mode="single",
            on_change=_switch_language,
        )


def _switch_language() -> None:
    chosen = st.session_state.get(_LANGUAGE_WIDGET)
    if chosen in LANGUAGES:  # a click on the selected language deselects it: ignore that
        state.set_view_value("lang", chosen)


def format_value(key: str, value: Any) -> str:
    param = registry.REGISTRY.get(key)
    if isinstance(param, registry.Choice):
        return t(f"param.{key}.options.{value}")
    if key == "real_fraction":
        return fmt_percent(value)
    if isinstance(value, bool):
        return t("app.on") if value else t("app.off")
    if isinstance(value, float):
        return fmt_number(value)
    return str(value)


def show_notices() -> None:
    """One translated line per URL value that was replaced."""
    for notice in state.notices():
        st.info(
            t(
                f"notice.{notice.reason}",
                name=t(f"param.{notice.key}.label"),
                raw=notice.raw,
                value=format_value(notice.key, notice.value),
            ),
            icon=":material/edit_note:",
        )


def start_page(page: str) -> dict[str, Any]:
    """What every page does first: settle the language, read and validate its parameters,
    say which URL values were replaced. Returns the page's parameters.

    The router has settled the view already; doing it again here keeps a page runnable
    on its own (AppTest's ``switch_page`` runs the page script without the router).
    """
    use_language(resolve_view())
    values = state.page_params(page)
    show_notices()
    return values


def coming(page: str) -> None:
    """A page not built yet: its title and one honest line."""
    start_page(page)
    st.title(t(f"nav.{page}"))
    st.info(t("app.coming"), icon=":material/construction:")
