"""Words that vanish: model collapse of a unigram language model on real word frequencies
(English or French, the page's language), sampled at a temperature like an LLM.

Widgets -> validated params -> cached run (``lib.words``) -> one animated figure
(``lib.figures.words``). The address bar follows every change (``state.sync_url``).
"""

from __future__ import annotations

import math

import numpy as np
import streamlit as st

from lib import words
from lib.figures.words import run_figure
from lib.i18n import current_language, fmt_int, fmt_percent, plotly_separators, t
from ui import accessible, chrome, present, state
from ui.widgets import widget

PAGE = "words"
KEYS = ("samples", "generations", "real_fraction", "regime", "temperature", "seed")
REPLICAS = 4  # the run told in detail and three more, drawn thin
ONE_IN_A_MILLION = 1e-6
PRESENT_HEIGHT, PRESENT_FONT = 680, 14  # px: fits 1920x1080 under the teacher's controls


@st.cache_data(max_entries=16, show_spinner=False)
def load_run(scenario: words.WordsScenario) -> words.WordsRun:
    return words.simulate(scenario)


@st.cache_resource(max_entries=16, show_spinner=False)
def load_figure(scenario: words.WordsScenario, language: str) -> object:
    """The animated figure of a run, in ``language`` (part of the cache key).

    ``cache_resource`` hands back the same object on every hit: ``cache_data`` would
    unpickle it, and Plotly would validate its hundred frames again, each run. Nobody
    mutates it: ``present.chart`` copies before changing, ``st.plotly_chart`` serialises.
    """
    run = load_run(scenario)
    frames = words.frame_generations(scenario.generations)
    step = round(scenario.generations / max(1, len(frames) - 1))
    labels = {
        key: t(f"words.chart.{key}")
        for key in (
            "real",
            "model",
            "other_runs",
            "rank",
            "per_million",
            "alive",
            "entropy",
            "generation",
            "alive_title",
            "entropy_title",
            "hover_curve",
            "hover_alive",
            "hover_entropy",
            "play",
            "pause",
        )
    }
    labels["slider"] = (
        t("words.chart.slider_sampled", step=fmt_int(step))
        if len(frames) < scenario.generations + 1
        else t("words.chart.slider")
    )
    return run_figure(
        run, frames, [fmt_int(g) for g in frames], labels=labels, separators=plotly_separators()
    )


values = chrome.start_page(PAGE)
st.title(t("nav.words"))
if chrome.shows("prose"):
    st.markdown(t("words.lede"))

# The settings sit above the chart, three a row, so that the tall chart gets the width.
with st.expander(t("words.controls"), icon=":material/tune:", expanded=True):
    for row in (KEYS[:3], KEYS[3:]):
        for key, column in zip(row, st.columns(3, gap="medium"), strict=True):
            widget(PAGE, key, container=column)
state.sync_url(PAGE, values)

language = current_language()
scenario = words.WordsScenario(
    language=language, replicas=REPLICAS, **{key: values[key] for key in KEYS}
)
run = load_run(scenario)
with st.container():
    # The still version shows all four panels a row: three generations are enough. The
    # table and the CSV follow the run shown (replica 0), one row a generation.
    figure = load_figure(scenario, language)
    sentence = words.summary(run)
    columns = {
        t("words.chart.alive_title"): run.alive[:, 0],
        t("words.chart.entropy_title"): np.round(run.entropy[:, 0], 2),
    }
    if present.active():
        # On the projector, the teacher's Previous / Next; the chart's four panels need
        # more height (and smaller type) than the projector's standard one-panel chart.
        staged = present.stage(figure, key="words_chart")
        staged.update_layout(height=PRESENT_HEIGHT, font={"size": PRESENT_FONT})
        st.plotly_chart(staged, width="stretch", key="words_chart", config=present.CHART_CONFIG)
        accessible.describe(f"**{sentence}**", columns, key="words_chart")
    else:
        present.figure(
            figure,
            key="words_chart",
            summary=sentence,
            columns=columns,
            name="words",
            title=t("nav.words"),
            count=3,
        )
    notes = [t("words.shown", seed=fmt_int(scenario.seed), others=fmt_int(REPLICAS - 1))]
    frames = words.frame_generations(scenario.generations)
    if len(frames) < scenario.generations + 1:
        notes.append(
            t(
                "words.sampled",
                generations=fmt_int(scenario.generations),
                step=fmt_int(round(scenario.generations / (len(frames) - 1))),
            )
        )
    notes.append(t("words.rare_note"))
    if chrome.shows("prose"):
        st.caption(" ".join(notes))

if chrome.shows("prose"):
    samples = fmt_int(scenario.samples)
    st.subheader(t("words.how.heading"))
    st.markdown(
        "\n".join(
            f"{n}. {t(f'words.how.{step}', samples=samples)}"
            for n, step in enumerate(("real", "count", "write", "repeat"), start=1)
        )
    )
    st.subheader(t("words.read.heading"))
    st.markdown(t("words.read.body"))
    st.subheader(t("words.why.heading"))
    chance = -math.expm1(scenario.samples * math.log1p(-ONE_IN_A_MILLION))
    st.markdown(
        t(
            "words.why.body",
            samples=samples,
            chance=fmt_percent(chance, 1),
            expected=fmt_int(round(words.expected_distinct(run.real, scenario.samples))),
            vocabulary=fmt_int(run.words.size),
        )
    )
    st.markdown(t("words.why.research"))
    st.subheader(t("words.refs.heading"))
    st.markdown("\n".join(f"- {t(f'words.refs.{ref}')}" for ref in ("shumailov", "dohmatob")))
st.caption(t("words.refs.data"))
chrome.walk("words")
