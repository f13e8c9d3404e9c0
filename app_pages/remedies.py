"""Can it be stopped? One section per remedy, each with its law over the simulation."""

import streamlit as st

from lib.i18n import t
from ui import chrome

values = chrome.start_page("remedies")
st.title(t("nav.remedies"))
chrome.walk("remedies")
