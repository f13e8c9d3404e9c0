"""Can it be stopped? One section per remedy, each with its law over the simulation."""

import streamlit as st

from lib import remedies
from lib.i18n import t
from ui import chrome, present, sections, state

PAGE = "remedies"


def _widget_key(key: str) -> str:
    section, control = remedies.URL_CONTROLS[key]
    return f"{PAGE}_{section}_{control}"


# The URL keys follow the controls they set (once drawn): the share panel and the address
# bar then reproduce what the visitor sees.
arriving = st.session_state.get("_seeded_page") != PAGE  # ui.state seeds a page on arrival
for key in remedies.URL_CONTROLS:
    if not arriving and _widget_key(key) in st.session_state:
        st.session_state[key] = st.session_state[_widget_key(key)]
values = chrome.start_page(PAGE)
if arriving:
    # A value between two offered choices takes the nearest, and the page says so once.
    snapped = {key: remedies.nearest_option(key, values[key]) for key in remedies.URL_CONTROLS}
    st.session_state["_remedies_snapped"] = [
        (key, values[key], snapped[key]) for key in snapped if snapped[key] != values[key]
    ]
for key, raw, nearest in st.session_state.get("_remedies_snapped", []):
    st.info(
        t(
            "remedies.nearest",
            name=t(f"param.{key}.label"),
            raw=chrome.format_value(key, raw),
            value=chrome.format_value(key, nearest),
        ),
        icon=":material/edit_note:",
    )
values = {key: remedies.nearest_option(key, value) for key, value in values.items()}
st.title(t("nav.remedies"))
state.sync_url(PAGE, values)
chosen = remedies.with_choices(values)
sections.register(PAGE, chosen)

if state.view_value("embed"):
    # Inside a news article: the first remedy alone, its chart and the sentence that reads it.
    sections.render(PAGE, chosen[0])
elif present.active():
    # On the projector, one remedy a screen; the teacher steps with Previous / Next.
    sections.render(PAGE, chosen[sections.screen(PAGE, len(chosen))])
    sections.screen_controls(PAGE, len(chosen))
else:
    if chrome.shows("prose"):
        st.markdown(t("remedies.intro"))
    for section in chosen:
        sections.render(PAGE, section)
    if chrome.shows("prose"):
        st.subheader(t("remedies.refs.heading"), divider="gray")
        st.markdown(
            "\n".join(
                f"- {authors}, [*{title}*]({url}), {venue}. {t(f'remedies.refs.{key}')}"
                for key, authors, title, venue, url in remedies.REFERENCES
            )
        )
chrome.walk(PAGE)
