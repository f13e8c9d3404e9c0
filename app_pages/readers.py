"""What readers said: their arguments in our words, each answered by a small live
experiment. The sections (text, experiment, figure, sentence) are ``lib.readers``'s; this
page only lays them out for the view in force."""

import streamlit as st

from lib import readers
from lib.i18n import t
from ui import chrome, present, sections, state

values = chrome.start_page("readers")
st.title(t("nav.readers"))
state.sync_url("readers", values)

if present.active():
    # The projector: the first experiment alone, large enough to read from the back.
    projected = readers.for_projector(
        readers.SECTIONS[0], height=present.PRESENT_HEIGHT, font_size=present.PRESENT_FONT
    )
    sections.render(readers.PAGE, projected, heading=False)
elif not chrome.shows("prose"):
    # Embedded in an article: the first experiment, its chart and the sentence reading it.
    sections.render(readers.PAGE, readers.SECTIONS[0], heading=False)
else:
    st.markdown(t("readers.intro"))
    sections.render_all(readers.PAGE, readers.SECTIONS)
    st.subheader(t("readers.others.heading"), divider="gray")
    for remark in ("obvious", "pollution", "idiocracy", "abyss"):
        st.markdown(t(f"readers.others.{remark}"))
chrome.walk("readers")
