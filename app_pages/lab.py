"""The laboratory: every knob of the loop, the histogram of generation n animated in the
browser over the real density, the measures over replicas with theory, one sentence.

Widgets -> validated params -> cached run summary -> figures. The address bar follows
every change (``state.sync_url``), so a link reproduces the view.
"""

from __future__ import annotations

from dataclasses import replace
from time import monotonic

import numpy as np
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from lib import presets, summary
from lib.engine import Scenario, default_replicas, simulate
from lib.figures.histogram import frame_generations, histogram_figure, y_ceiling
from lib.figures.measures import MeasureLines, measure_figure
from lib.i18n import current_language, fmt_int, plotly_separators, t
from lib.params import MAX_GENERATIONS_BY_MODEL, PAGE_PARAMS, weight_reason
from ui import accessible, chrome, present, sections, share, state, style
from ui.widgets import widget

PAGE = "lab"
SCENARIO_KEYS = (
    "source",
    "model",
    "estimator",
    "samples",
    "generations",
    "real_fraction",
    "regime",
    "temperature",
    "seed",
    "real_weight",
    "curation",
)
MEASURES = ("spread", "tails", "distance")  # the panels under the chart, in order
PROGRESS_EVERY = 0.2  # seconds between two updates of the progress bar


# -- callbacks (they run before the widgets are created, so they may set their values) --


def _apply_preset(name: str) -> None:
    st.session_state.update(presets.preset_values(name))


def _new_seed() -> None:
    seed = PAGE_PARAMS[PAGE]["seed"]
    current = st.session_state.get("seed", seed.default)
    # Any other seed will do; a fresh generator picks it.
    choice = int(np.random.default_rng().integers(seed.low, seed.high, endpoint=True))
    st.session_state["seed"] = choice if choice != current else (choice + 1) % (seed.high + 1)


# -- the run, cached -------------------------------------------------------------------


class _NotCached(Exception):
    """Raised inside the cached function to look a key up without computing it."""


def _not_cached() -> summary.LabView:
    raise _NotCached


@st.cache_data(max_entries=64, show_spinner=False)
def _cached_view(scenario: Scenario, _compute) -> summary.LabView:
    """The cache proper, keyed on the scenario alone (``_compute`` is not hashed).

    Exceptions are never cached, so ``_compute=_not_cached`` is a cheap look-up.
    """
    return _compute()


def load_view(scenario: Scenario) -> tuple[summary.LabView, DeltaGenerator]:
    """The run's view, and the container its chart goes in.

    A cached view comes with a new container. A view computed now shows its progress bar
    in an ``st.empty`` that then becomes the container. Either way the chart sits in one
    container at the same place, and a chart that has not moved is kept by the browser:
    on a cold cache the bar moved it down a place, and the held-back view's second run
    drew it anew. (A slot sent in every run did the same whenever the browser rendered the
    empty slot between two messages.)

    The run is computed outside the cached function, so that the progress bar it writes
    is not recorded and replayed by the cache on later hits.
    """
    try:
        return _cached_view(scenario, _not_cached), st.container()
    except _NotCached:
        pass
    text = t(
        "lab.progress",
        replicas=fmt_int(scenario.replicas),
        generations=fmt_int(scenario.generations),
    )
    slot = st.empty()
    bar = slot.progress(0.0, text=text)
    last = [monotonic()]

    def progress(done: float) -> None:
        if monotonic() - last[0] >= PROGRESS_EVERY:
            last[0] = monotonic()
            bar.progress(min(1.0, max(0.0, done)), text=text)

    run = simulate(scenario, progress=progress)
    view = summary.lab_view(run, frame_generations(scenario.generations))
    return _cached_view(scenario, lambda: view), slot.container()


def scenario_of(values: dict) -> Scenario:
    scenario = Scenario(**{key: values[key] for key in SCENARIO_KEYS})
    return replace(scenario, replicas=default_replicas(scenario))


# -- figures ---------------------------------------------------------------------------


def main_chart(view: summary.LabView) -> object:
    titles = [
        t("lab.chart.frame_title", generation=fmt_int(g), spread=summary.share(s))
        for g, s in zip(view.frame_generations, view.frame_spread, strict=True)
    ]
    labels = {
        key: t(f"lab.chart.{key}")
        for key in ("synthetic", "real", "x", "y", "play", "pause", "hover")
    }
    return histogram_figure(
        view.bin_edges,
        view.heights,
        [str(g) for g in view.frame_generations],
        titles,
        view.density_x,
        view.density_y,
        y_max=y_ceiling(view.heights, float(np.max(view.density_y))),
        labels={**labels, "slider": t("lab.chart.slider")},
        separators=plotly_separators(),
    )


def measure_charts(view: summary.LabView) -> list:
    labels = {
        key: t(f"lab.measures.{key}")
        for key in ("median", "band", "mean", "shown", "x", "theory_typical")
    }
    labels["theory"] = t("lab.measures.theory_line")
    suffix = t("lab.percent_suffix")
    figures = []
    for name, scale, reference, unit in zip(
        MEASURES,
        (100.0, 100.0, 1.0),  # spread and tails in percent
        (100.0, 100.0 * summary.REAL_TAIL_MASS, 0.0),  # the real world's own value
        (suffix, suffix, ""),
        strict=True,
    ):
        line = view.lines[name]
        theory_mean = view.theory_mean if name == "spread" else None
        theory_typical = view.theory_typical if name == "spread" else None
        figures.append(
            measure_figure(
                view.points,
                MeasureLines(
                    median=scale * line["median"],
                    low=scale * line["low"],
                    high=scale * line["high"],
                    mean=scale * line["mean"],
                    shown=scale * line["shown"],
                    theory=None if theory_mean is None else scale * theory_mean,
                    theory_typical=None if theory_typical is None else scale * theory_typical,
                ),
                title=t(f"lab.measures.{name}.title"),
                labels=labels,
                reference=reference,
                suffix=unit,
                separators=plotly_separators(),
            )
        )
    return figures


@st.cache_resource(max_entries=32, show_spinner=False)
def figures(scenario: Scenario, language: str, _view: summary.LabView) -> tuple:
    """The page's four figures, built once per scenario and language.

    Building a figure (Plotly validates every frame) costs more than the cached run;
    ``cache_resource`` hands back the same objects without the copy and re-validation
    that ``cache_data`` would pay on every hit. Nobody mutates them: ``present.chart``
    copies a figure before changing it, ``st.plotly_chart`` only serialises it.
    ``language`` is part of the key because every label is translated.
    """
    return main_chart(_view), measure_charts(_view)


def table_columns(view: summary.LabView) -> dict[str, np.ndarray]:
    """The run shown, generation by generation, for the text table and the CSV."""
    return {
        t("lab.table.spread"): np.round(100 * view.table["spread"], 2),
        t("lab.table.tails"): np.round(100 * view.table["tails"], 2),
        t("lab.table.distance"): np.round(view.table["distance"], 3),
    }


def draw_chart(
    scenario: Scenario, *, probe: bool
) -> tuple[summary.LabView, object, list, str, dict]:
    """The histogram of the run shown and its sentence (with the table, folded); returns
    the view, the histogram, the measures' figures, the sentence and the table's columns.
    ``probe``: mount the reduced-motion probe under the chart (``present.chart``)."""
    view, place = load_view(scenario)
    figure, measure_figures = figures(scenario, current_language(), view)
    with place:
        present.chart(figure, key="lab_histogram", probe=probe)
    sentence = summary.sentence(
        view.generations,
        view.final_spread,
        view.final_tail_mass,
        distinct=view.final_distinct if scenario.model == "resample" else None,
        samples=view.samples if scenario.model == "resample" else None,
    )
    columns = table_columns(view)
    accessible.describe(f"**{sentence}**", columns, key="lab_histogram")
    return view, figure, measure_figures, sentence, columns


def draw_presets() -> None:
    st.markdown(f"**{t('lab.presets.heading')}**")
    # A row that wraps: each label whole, on a phone one or two a line.
    with st.container(horizontal=True, key="lab_presets"):
        for name in presets.PRESETS:
            st.button(
                t(f"lab.preset.{name}.label"),
                key=f"preset_{name}",
                help=t(f"lab.preset.{name}.help"),
                on_click=_apply_preset,
                args=(name,),
            )


def draw_notes(scenario: Scenario, view: summary.LabView) -> None:
    """Which run the bars show, and which generations have a frame."""
    notes = [
        t("lab.chart.shown", seed=fmt_int(scenario.seed))
        if view.replicas > 1
        else t("lab.chart.shown_single", seed=fmt_int(scenario.seed))
    ]
    if len(view.frame_generations) < view.generations + 1:
        notes.append(
            t(
                "lab.chart.sampled",
                generations=fmt_int(view.generations),
                step=fmt_int(round(view.generations / (len(view.frame_generations) - 1))),
            )
        )
    st.caption(" ".join(notes))


def draw_knobs(values: dict) -> None:
    st.subheader(t("lab.controls"))
    widget(PAGE, "source")
    widget(PAGE, "model")
    widget(PAGE, "estimator", disabled=values["model"] != "gaussian")
    if values["model"] != "gaussian":
        st.caption(t("lab.estimator_off"))
    widget(PAGE, "samples")
    widget(PAGE, "generations")
    cap = MAX_GENERATIONS_BY_MODEL[values["model"]]
    if cap < PAGE_PARAMS[PAGE]["generations"].high:
        st.caption(t("notice.model_cap", name=t("param.generations.label"), value=fmt_int(cap)))
    widget(PAGE, "real_fraction")
    widget(PAGE, "regime")
    widget(PAGE, "temperature")
    widget(PAGE, "seed")
    st.button(
        t("lab.new_seed"),
        key="new_seed",
        help=t("lab.new_seed_help"),
        on_click=_new_seed,
        icon=":material/casino:",
    )
    # The remedies (issue 15), folded: a weight on the real data and curation.
    changed = values["real_weight"] is not None or values["curation"] > 0
    with st.expander(t("param.advanced.label"), expanded=changed, key="lab_advanced"):
        weight_off = weight_reason({**values, "real_weight": 0.5}) is not None
        widget(PAGE, "real_weight", disabled=weight_off)
        if weight_off:
            st.caption(t("param.real_weight.off"))
        widget(PAGE, "curation")


def draw_hidden_knobs() -> None:
    """Embedded or projected: the knobs are drawn but hidden by their keys (ui/style.py),
    so that their values stay in the URL; the buttons and notes are not drawn at all."""
    for key in SCENARIO_KEYS:
        widget(PAGE, key)


def draw_measures(view: summary.LabView, measure_figures: list) -> None:
    with chrome.section("measures"):
        st.subheader(t("lab.measures.heading"))
        explain = [
            t("lab.measures.explain", replicas=fmt_int(view.replicas))
            if view.replicas > 1
            else t("lab.measures.explain_single")
        ]
        if view.theory_mean is not None:
            explain.append(t("lab.measures.theory"))
        if view.replicas > 1:
            explain.append(t("lab.measures.spread_mean"))
        st.caption(" ".join(explain))
        for column, chart, name in zip(st.columns(3), measure_figures, MEASURES, strict=True):
            present.plot(chart, container=column, key=f"lab_{name}", config={"displaylogo": False})
        st.caption(t("lab.measures.defs"))


# -- the page --------------------------------------------------------------------------

# A visitor's first view of the Lab sends the histogram first and the rest (the presets,
# the knobs, the notes and downloads, the measures, the share panel) once the browser has
# painted it: sent together, their code and layout held the chart's first paint back by
# half a second (bench/lab_paint.py).
values = chrome.start_page(PAGE, holds_back=sections.holds_back)
later = sections.holds_back(PAGE)
if not later:
    sections.allow_later(PAGE)  # drawn whole once, the page stays whole in this session
st.title(t("lab.title"))
if chrome.shows("prose"):
    st.markdown(t("lab.intro"))

# Side by side on a wide screen; on a phone the chart's column comes first (ui/style.py).
# Embedded or projected, the (hidden) knobs take no column of their own.
knobs = chrome.shows("controls")
if knobs:
    controls, charts = st.columns([1, 2.4], gap="large")
else:
    controls, charts = st.container(), st.container()
# The chart goes before the knobs: its values are settled (``start_page``) and the
# widgets only show them.
scenario = scenario_of(values)
with charts, st.container(key=style.CHART_FIRST_KEY):
    # The reduced-motion probe's code comes with the rest: until it reports, the
    # stylesheet hides the animation from visitors who asked for less motion.
    view, figure, measure_figures, sentence, columns = draw_chart(scenario, probe=not later)
    sections.player()
    if later:
        sections.ask_later(PAGE)
    else:
        if knobs:
            draw_presets()
        if chrome.shows("prose"):
            draw_notes(scenario, view)
        if chrome.shows("export"):
            share.downloads(figure, columns, name="lab", title=t("lab.title"), caption=sentence)
with controls:
    if later:
        state.keep_undrawn(values, SCENARIO_KEYS)
    elif knobs:
        draw_knobs(values)
    else:
        draw_hidden_knobs()
state.sync_url(PAGE, values)

# Embedded or projected, the measures are not drawn at all: a reader of an article gets
# the chart alone, and the page sends less.
if not later:
    if chrome.shows("measures"):
        draw_measures(view, measure_figures)
    chrome.walk("lab")
