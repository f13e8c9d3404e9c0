"""Can it be stopped? One section per remedy, each with its law over the simulation."""

import streamlit as st

from lib import remedies
from lib.i18n import t
from ui import chrome, sections, state

values = chrome.start_page("remedies")
st.title(t("nav.remedies"))
state.sync_url("remedies", values)
sections.register("remedies", remedies.SECTIONS)

if state.view_value("embed"):
    # Inside a news article: the first remedy alone, its chart and the sentence that reads it.
    sections.render("remedies", remedies.SECTIONS[0])
else:
    if chrome.shows("prose"):
        st.markdown(t("remedies.intro"))
    for section in remedies.SECTIONS:
        sections.render("remedies", section)
    if chrome.shows("prose"):
        st.subheader(t("remedies.refs.heading"), divider="gray")
        st.markdown(
            "\n".join(
                f"- {authors}, [*{title}*]({url}), {venue}. {t(f'remedies.refs.{key}')}"
                for key, authors, title, venue, url in remedies.REFERENCES
            )
        )
