"""Digits that blur: a model of handwriting trained, generation after generation, on its
own drawings."""

from __future__ import annotations

import numpy as np
import streamlit as st

from lib import digits
from lib.figures.digits import gallery_figure, measures_figure
from lib.i18n import current_language, fmt_int, fmt_percent, plotly_separators, t
from ui import chrome, present, state
from ui.widgets import widget

# Widgets in two rows of three; every key is also a field of DigitsScenario.
ROWS = (("components", "samples", "generations"), ("real_fraction", "regime", "seed"))


@st.cache_data(max_entries=16, show_spinner=False)
def simulate(scenario: digits.DigitsScenario) -> digits.DigitsRun:
    """The run of ``scenario``: the stored default at once, any other with a progress bar
    (made in here, so that a cached answer replays it, emptied)."""
    stored = digits.precomputed(scenario)
    if stored is not None:
        return stored
    bar = st.progress(0.0, text=t("digits.running"))
    run = digits.simulate(scenario, lambda done: bar.progress(done, text=t("digits.running")))
    bar.empty()
    return run


@st.cache_data(max_entries=16, show_spinner=False)
def figures(scenario: digits.DigitsScenario, language: str, _run: digits.DigitsRun):
    """The page's two figures for ``scenario`` in ``language`` (cached as built);
    ``_run`` is ``simulate(scenario)``."""
    run = _run
    real = run.real
    shares = run.class_share[:, 0] * 100  # (generations + 1, 10) replica 0, the one shown
    grid = gallery_figure(
        run.gallery,
        shares,
        real.class_share * 100,
        share_hover=[
            [
                t("digits.share_hover", generation=fmt_int(n), share=fmt_percent(v / 100), digit=d)
                for d, v in enumerate(row)
            ]
            for n, row in enumerate(shares)
        ],
        real_hover=[
            t("digits.real_hover", share=fmt_percent(v), digit=d)
            for d, v in enumerate(real.class_share)
        ],
        grid_title=t("digits.grid_title"),
        shares_title=t("digits.shares_title"),
        digit_axis=t("digits.digit_axis"),
        share_axis=t("digits.share_axis"),
        percent_suffix=t("digits.percent_suffix"),
        drawn_name=t("digits.drawn_name"),
        real_name=t("digits.real_name"),
        slider_prefix=t("digits.slider_prefix"),
        play_label=t("digits.play"),
        pause_label=t("digits.pause"),
        separators=plotly_separators(),
    )
    panels = []
    for values, real_level, hover_key in (
        (run.diversity, 1.0, "digits.diversity_hover"),
        (run.recognised, real.recognised, "digits.recognised_hover"),
    ):
        mean, low, high = digits.band(values)
        hover = [t(hover_key, generation=n, value=fmt_percent(v)) for n, v in enumerate(mean)]
        panels.append((mean * 100, low * 100, high * 100, real_level * 100, hover))
    measures = measures_figure(
        panels,
        titles=[t("digits.diversity_title"), t("digits.recognised_title")],
        generation_axis=t("digits.generation_axis"),
        percent_suffix=t("digits.percent_suffix"),
        mean_name=t("digits.mean_name"),
        band_name=t("digits.band_name"),
        real_name=t("digits.real_line_name"),
        separators=plotly_separators(),
    )
    return grid, measures


def vanishing_sentence(run: digits.DigitsRun) -> str:
    """Which digits the run shown (replica 0) lost first, in the visitor's language."""
    shares = run.class_share[:, 0]
    gone = digits.vanishing(shares)
    if not gone:
        rarest = int(np.argmin(shares[-1]))
        return t(
            "digits.vanished_none",
            generations=fmt_int(run.scenario.generations),
            digit=rarest,
            share=fmt_percent(shares[-1, rarest]),
        )
    (digit, generation), others = gone[0], gone[1:]
    sentence = t("digits.vanished_first", digit=digit, generation=generation)
    if others:
        items = [t("digits.vanished_item", digit=d, generation=g) for d, g in others]
        sentence += " " + t("digits.vanished_then", others=", ".join(items))
    return sentence + " " + t("digits.vanished_chance")


values = chrome.start_page("digits")
st.title(t("nav.digits"))
if chrome.shows("prose"):
    st.markdown(t("digits.intro"))

with st.expander(t("digits.settings"), expanded=True):
    for row in ROWS:
        for key, column in zip(row, st.columns(len(row)), strict=True):
            values[key] = widget("digits", key, container=column)
state.sync_url("digits", values)

scenario = digits.DigitsScenario(**{key: values[key] for key in digits.KNOBS})
run = simulate(scenario)
grid, measures = figures(scenario, current_language(), run)
diversity, _, _ = digits.band(run.diversity)
recognised, _, _ = digits.band(run.recognised)

if chrome.shows("prose"):
    st.caption(t("digits.how_to_read"))
    if run.written_on:  # the default scenario: say it was computed ahead, and what that means
        st.caption(t("digits.stored_run"))
# Embedded or projected: the gallery (stepped by the teacher on a projector) and the one
# sentence; the table and the CSV carry the two measures, averaged over the runs.
present.figure(
    grid,
    key="digits_grid",
    summary=vanishing_sentence(run),
    columns={
        t("digits.diversity_title"): np.round(100 * diversity, 1),
        t("digits.table_recognised"): np.round(100 * recognised, 1),
    },
    name="digits",
    title=t("nav.digits"),
)

if chrome.shows("measures"):
    st.subheader(t("digits.measures_title", replicas=scenario.replicas))
    st.plotly_chart(measures, key="digits_measures", width="stretch")
    st.markdown(
        t(
            "digits.state",
            generations=scenario.generations,
            diversity=fmt_percent(diversity[-1]),
            recognised=fmt_percent(recognised[-1]),
            recognised_real=fmt_percent(run.real.recognised),
        )
    )
    st.caption(
        t(
            "digits.judge",
            total=fmt_int(run.real.total),
            accuracy=fmt_percent(run.real.judge_accuracy, digits=1),
            threshold=fmt_percent(digits.VANISHED, digits=1),
        )
    )

if chrome.shows("prose"):
    st.subheader(t("digits.explain_title"))
    st.markdown(
        t(
            "digits.explain",
            dimensions=digits.PCA_DIMENSIONS,
            variance=fmt_percent(run.real.pca_variance),
            cap=fmt_int(digits.PILE_CAP),
        )
    )
chrome.walk("digits")
