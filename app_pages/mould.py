"""The mould: the readers' analogy at full size, a medal cast from casts of itself."""

from __future__ import annotations

import numpy as np
import streamlit as st

from lib import mould
from lib.figures.mould import mould_figure
from lib.i18n import current_language, fmt_percent, plotly_separators, t, tn
from ui import chrome, present, state
from ui.widgets import widget

KNOBS = ("points", "coarseness", "generations", "real_fraction", "seed")


@st.cache_data(max_entries=32, show_spinner=False)
def cast_run(
    points: int, coarseness: float, generations: int, real_fraction: float, seed: int
) -> mould.MouldRun:
    return mould.run(points, coarseness, generations, real_fraction, seed)


@st.cache_resource(max_entries=32, show_spinner=False)
def figure(values: dict, language: str):
    """The page's animation for these settings, in ``language``, built once (the same
    object on each hit: nobody mutates it, ``present.chart`` copies before staging)."""
    run = cast_run(*(values[key] for key in KNOBS))
    return mould_figure(
        run.pictures,
        run.detail,
        run.expected,
        detail_hover=[
            t("mould.hover_detail", generation=n, kept=fmt_percent(v))
            for n, v in enumerate(run.detail)
        ],
        expected_hover=[t("mould.hover_expected", kept=fmt_percent(v)) for v in run.expected],
        picture_title=t("mould.picture_title"),
        detail_title=t("mould.detail_title"),
        detail_name=t("mould.detail_name"),
        expected_name=t("mould.expected_name"),
        generation_axis=t("mould.generation_axis"),
        detail_axis=t("mould.detail_axis"),
        percent_suffix=t("mould.percent_suffix"),
        slider_prefix=t("mould.slider_prefix"),
        play_label=t("mould.play"),
        pause_label=t("mould.pause"),
        separators=plotly_separators(),
    )


values = chrome.start_page("mould")
st.title(t("nav.mould"))
# On the projector and inside an article the chart comes first: the text stays on the
# full page (one paragraph here was enough to push the projector view past 1080 px).
if chrome.shows("prose"):
    st.markdown(t("mould.intro"))

with chrome.section("controls"):
    columns = st.columns(len(KNOBS))
    values = {
        key: widget("mould", key, container=column)
        for key, column in zip(KNOBS, columns, strict=True)
    }
state.sync_url("mould", values)

if chrome.shows("prose"):
    st.caption(t("mould.how_to_read"))
run = cast_run(*(values[key] for key in KNOBS))
summary = tn(
    "mould.summary",
    values["generations"],
    kept=fmt_percent(run.detail[-1]),
    expected=fmt_percent(run.expected[-1]),
)
# The text alternative: the detail kept at the key generations, this run and on average
# (an article that embeds the chart keeps its one line of text).
table = None
if not state.view_value("embed"):
    table = {
        t("mould.table_detail"): np.round(run.detail, 3),
        t("mould.table_expected"): np.round(run.expected, 3),
    }
# The animation, or still pictures under reduced motion, or Previous / Next in the
# classroom; then the summary, the key generations as a table and the downloads.
present.figure(
    figure(values, current_language()),
    key="mould_chart",
    summary=summary,
    columns=table,
    name="mould",
    title=t("nav.mould"),
)

if chrome.shows("prose"):
    if values["real_fraction"] > 0:
        floor = mould.detail_floor(values["points"], values["coarseness"], values["real_fraction"])
        share = fmt_percent(values["real_fraction"])
        # A floor that rounds to 0% is no floor: say so rather than "settles near 0%".
        if round(floor * 100) > 0:
            st.markdown(t("mould.floor", share=share, floor=fmt_percent(floor)))
        else:
            st.markdown(t("mould.floor_none", share=share))
    else:
        st.markdown(t("mould.no_floor"))
    st.subheader(t("mould.explain_title"))
    st.markdown(t("mould.explain"))
    st.caption(t("mould.measure_note"))
chrome.walk("mould")
