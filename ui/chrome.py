"""What every page shares: the language, the navigation, the notices about the URL."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from lib import embed
from lib import params as registry
from lib.i18n import LANGUAGES, fmt_number, fmt_percent, pick_language, t, use_language
from ui import share, state, style

# (page name, script, url_path, icon); page names are the catalogue's ``nav.<name>``.
# In story order: the Story's hero is the mould, then its chapters' pages in the order
# they come (words, digits, the Laboratory's unbiased copier, remedies, readers, maths).
# The sidebar lists them so, and ``walk`` leads from each to the next.
PAGES = (
    ("story", "app_pages/story.py", "", ":material/auto_stories:"),
    ("mould", "app_pages/mould.py", "mould", ":material/content_copy:"),
    ("words", "app_pages/words.py", "words", ":material/translate:"),
    ("digits", "app_pages/digits.py", "digits", ":material/draw:"),
    ("lab", "app_pages/lab.py", "lab", ":material/science:"),
    ("remedies", "app_pages/remedies.py", "remedies", ":material/healing:"),
    ("readers", "app_pages/readers.py", "readers", ":material/forum:"),
    ("maths", "app_pages/maths.py", "maths", ":material/functions:"),
)
_LANGUAGE_WIDGET = "lang_switch"
# Pausing a Plotly animation makes plotly.js reject the interrupted call's promise with no
# reason, and its buttons do not catch it: an "Uncaught (in promise)" error on every Pause.
# Only that reason-less rejection is silenced; every other one still reaches the console.
_QUIET_INTERRUPTED_ANIMATION = """<script>
if (!window.copyQuietAnimation) {
  window.copyQuietAnimation = true;
  window.addEventListener("unhandledrejection", (event) => {
    if (event.reason === undefined) event.preventDefault();
  });
}
</script>"""
_VIEW_KEYS = ("lang", "present", "embed")

# What each view mode strips from a page: ONE declarative list (like TensorFlow
# Playground's hideable controls). A page asks ``shows(group)`` before drawing a group, or
# wraps it in ``section(group)``; the stylesheet (ui/style.py) hides the rest: the sidebar
# ("navigation"), the page's widgets, which carry their registry keys ("controls"), the
# share panel and the download buttons.
GROUPS = ("navigation", "controls", "prose", "measures", "share", "export")
HIDDEN: dict[str, frozenset[str]] = {
    # a chart inside a news article: the chart, one line of text, a link to the full lab
    "embed": frozenset({"navigation", "controls", "prose", "measures", "share", "export"}),
    # a projector: the chart, the generation in large type, Previous / Next / Play
    "present": frozenset({"navigation", "controls", "prose", "measures", "share", "export"}),
}


def hidden_groups() -> frozenset[str]:
    """The groups this run's view mode strips (none on a normal page)."""
    hidden: frozenset[str] = frozenset()
    for mode, groups in HIDDEN.items():
        if state.view_value(mode):
            hidden |= groups
    return hidden


def shows(group: str) -> bool:
    """Whether this view draws ``group`` (one of ``GROUPS``)."""
    return group not in hidden_groups()


def section(group: str):
    """A container for ``group`` that the view's stylesheet hides when the mode says so;
    keeps widgets inside it alive (their values stay in the URL)."""
    return st.container(key=style.group_key(group))


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
    if not shows("navigation"):
        return  # embedded or projected: no sidebar at all
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
            format_func={code: t(f"app.language_name.{code}") for code in LANGUAGES}.__getitem__,
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


def inert(raw: str) -> str:
    """A visitor's raw URL text, safe inside a notice (which Streamlit renders as markdown).

    Plain words and numbers stay as they are; anything else becomes a code span, shown
    verbatim: no link, image, HTML, maths or colour directive can come out of an address.
    Control, format and line-separator characters (bidi overrides, newlines) become spaces.
    """
    text = "".join(" " if unicodedata.category(ch)[0] in "CZ" else ch for ch in raw)
    if all(ch.isalnum() or ch in " .,+-%" for ch in text) or not text.strip():
        return text
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text[0] == "`" or text[-1] == "`" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def show_notices() -> None:
    """One translated line per URL value that was replaced."""
    for notice in state.notices():
        st.info(
            t(
                f"notice.{notice.reason}",
                name=t(f"param.{notice.key}.label"),
                raw=inert(notice.raw),
                value=format_value(notice.key, notice.value),
            ),
            icon=":material/edit_note:",
        )


_CHILD_ID = "_embed_child_id"


def report_height() -> None:
    """Tell the host page how tall this embedded page's content is (``lib.embed``).

    pym.js's ``childId`` is read once, when the session starts: the page then rewrites its
    address from the registry, which drops the embedder's keys.
    """
    if _CHILD_ID not in st.session_state:
        st.session_state[_CHILD_ID] = embed.child_id(st.query_params.get(embed.CHILD_ID_KEY))
    script = embed.height_reporter(embed.APP_CONTENT, st.session_state[_CHILD_ID], embed.APP_BUSY)
    st.html(script, unsafe_allow_javascript=True)


def start_page(page: str, *, holds_back: Callable[[str], bool] | None = None) -> dict[str, Any]:
    """What every page does first: settle the language, read and validate its parameters,
    say which URL values were replaced. Returns the page's parameters.

    ``holds_back(page)``, asked once the parameters are read: whether this run sends the
    page's first chart before anything else and the rest in a second run
    (``ui.sections.holds_back``); the share panel then keeps its place, empty, so that
    the elements before the chart stay where they are when it comes.

    The router has settled the view already; doing it again here keeps a page runnable
    on its own (AppTest's ``switch_page`` runs the page script without the router).
    """
    use_language(resolve_view())
    values = state.page_params(page)
    later = holds_back is not None and holds_back(page)
    controls = [key for key in registry.PAGE_PARAMS[page] if key not in _VIEW_KEYS]
    style.inject(
        style.stylesheet(
            embed=bool(state.view_value("embed")),
            present=bool(state.view_value("present")),
            hidden=hidden_groups(),
            controls=controls,
        )
    )
    with st.container(key="page_scripts"):  # hidden by the stylesheet: takes no room
        st.html(_QUIET_INTERRUPTED_ANIMATION, unsafe_allow_javascript=True)
        if state.view_value("embed"):
            report_height()
    show_notices()
    path = next(p for name, _, p, _ in PAGES if name == page)
    paths = [p for _, _, p, _ in PAGES]
    if shows("share"):
        with st.container(key=style.SHARE_KEY):
            if not later:
                share.panel(page, values, path, paths)
    if state.view_value("embed"):
        share.full_view_link(page, values, path, paths)
    return values


WALK_KEY = "walk"
# A link's label wraps on a phone instead of ending in "…" (Streamlit cuts it to a line).
_WRAP_LINKS = """<style>
[data-testid="stPageLink"] a, [data-testid="stPageLink"] a * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
</style>"""


def walk(page: str) -> None:
    """The way through: links to the previous and the next page in story order, keeping
    the language, at the end of every page (a phone hides the sidebar behind an icon).
    Not in an article's iframe nor on the projector, which have no navigation."""
    if not shows("navigation"):
        return
    names = [name for name, *_ in PAGES]
    where = names.index(page)
    lang = state.view_value("lang")
    st.html(_WRAP_LINKS)  # style only: takes no room
    with st.container(key=WALK_KEY, horizontal=True, horizontal_alignment="distribute"):
        for step, label_key, icon in (
            (-1, "nav.walk_previous", ":material/arrow_back:"),
            (1, "nav.walk_next", ":material/arrow_forward:"),
        ):
            if 0 <= where + step < len(PAGES):
                name, script, _, _ = PAGES[where + step]
                try:
                    st.page_link(
                        script,
                        label=t(label_key, page=t(f"nav.{name}")),
                        icon=icon,
                        query_params={"lang": lang},
                    )
                except StreamlitPageNotFoundError:
                    return  # a page run on its own (a test), without the router's pages
