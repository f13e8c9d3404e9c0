"""Copy of a Copy: the router. Page config, language, navigation; the pages do the rest."""

from pathlib import Path

import streamlit as st

from lib.i18n import t, use_language
from ui import chrome

use_language(chrome.resolve_view())
st.set_page_config(
    page_title=t("app.title"),
    page_icon=str(Path(__file__).parent / "assets" / "favicon.png"),
    layout="wide",
    initial_sidebar_state="auto",
)
pages = chrome.make_pages()
current = st.navigation(pages, position="hidden")
chrome.sidebar(pages)
current.run()
