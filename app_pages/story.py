"""The story (default page): the finding in plain words, the loop in three steps, and the
hero, where the cast of a medal and the histogram of the data wear out together."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import streamlit as st

from lib import chapters, mould
from lib.engine import Scenario, default_replicas, simulate
from lib.figures.hero import hero_figure
from lib.i18n import current_language, fmt_int, fmt_percent, plotly_separators, t
from lib.sources import get_source
from ui import chrome, present, sections, state
from ui.widgets import widget

PAGE = "story"
KNOBS = ("source", "samples", "generations", "real_fraction", "seed")
# The hero's picture and pacing are the Story's data (``lib.chapters``).
POINTS, COARSENESS, FRAMES = chapters.HERO_POINTS, chapters.HERO_COARSENESS, chapters.HERO_FRAMES
# On a phone the title sits just under Streamlit's header bar (its default top padding
# kept the hero's Play button below a 740 px screen).
PHONE_CSS = """<style>
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding-top: 3.5rem !important; }
  [data-testid="stMain"] h1 { font-size: 2.1rem !important; padding-bottom: 0.25rem !important; }
}
</style>"""


def scenario_of(values: dict) -> Scenario:
    scenario = Scenario(
        source=values["source"],
        model="gaussian",
        samples=values["samples"],
        generations=values["generations"],
        real_fraction=values["real_fraction"],
        seed=values["seed"],
    )
    return replace(scenario, replicas=default_replicas(scenario))


@st.cache_data(max_entries=32, show_spinner=False)
def story_run(values: dict) -> dict:
    """What the hero and the result sentence need, for these settings."""
    run = simulate(scenario_of(values))
    cast = mould.run(
        POINTS, COARSENESS, values["generations"], values["real_fraction"], values["seed"]
    )
    shown = chapters.hero_frames(cast.expected, FRAMES)
    source = get_source(values["source"])
    x = np.linspace(*source.plot_range, 161)
    return {
        "frames": shown,
        "pictures": cast.pictures[shown],
        "detail": cast.detail,
        "bin_edges": run.bin_edges,
        "histograms": run.histogram_first[shown],
        "real_x": x,
        "real_density": source.pdf(x),
        "spread_first": run.spread[:, 0],
        "spread": float(run.spread[-1, 0]),
        "median_spread": float(np.median(run.spread[-1])),
        "replicas": run.scenario.replicas,
    }


def meta_of(values: dict) -> str:
    return "hero-" + "-".join(str(values[key]) for key in KNOBS)


@st.cache_resource(max_entries=32, show_spinner=False)
def figure(values: dict, language: str):
    """The hero for these settings in ``language``, built once and cached.

    ``cache_resource`` hands back the same object, without the copy and re-validation of
    every frame that ``cache_data`` pays on each hit; ``present.chart`` never mutates it."""
    data = story_run(values)
    labels = {
        key: t(f"story.{key}")
        for key in (
            "picture_title",
            "histogram_title",
            "data_name",
            "real_name",
            "value_axis",
            "density_axis",
            "bar_hover",
            "slider_prefix",
        )
    }
    labels["separators"] = plotly_separators()
    return hero_figure(
        data["pictures"],
        data["bin_edges"],
        data["histograms"],
        data["real_x"],
        data["real_density"],
        **labels,
        play_label=t("story.play"),
        pause_label=t("story.pause"),
        meta=meta_of(values),
        generations=data["frames"].tolist(),
    )


def draw_hero(values: dict) -> dict:
    """The hero: the animation, or still pictures under reduced motion, or Previous / Next
    in the classroom; then the result sentence, the key generations as a table and the
    downloads. Returns the run's data."""
    data = story_run(values)
    result = t(
        "story.result",
        generations=fmt_int(values["generations"]),
        spread=fmt_percent(data["spread"]),
        replicas=fmt_int(data["replicas"]),
        median=fmt_percent(data["median_spread"]),
        kept=fmt_percent(data["detail"][-1]),
    )
    # The text alternative follows the run drawn (replica 0), one value a generation; an
    # article that embeds the hero keeps its one line of text (the full page has the table).
    table = None
    if not state.view_value("embed"):
        table = {
            t("story.table_spread"): np.round(data["spread_first"], 3),
            t("story.table_detail"): np.round(data["detail"], 3),
        }
    with st.container(key="hero"):
        present.figure(
            figure(values, current_language()),
            key="hero_chart",
            summary=result,
            columns=table,
            name="story",
            title=t("nav.story"),
        )
    return data


# First screen: the title, a lead of two lines on a phone, then the whole hero. The rest
# of the text and the chapters come after it, and their charts after the hero's.
values = chrome.start_page(PAGE)
if not (state.view_value("embed") or present.active()):
    st.html(PHONE_CSS)  # style only: takes no room
st.title(t("nav.story"))
if chrome.shows("prose"):
    st.markdown(f"**{t('story.lead')}**")

# The knobs sit in a folded panel under the hero: ``values`` already holds what they
# show (``start_page`` reads the widgets' state), so the hero can be drawn first.
values = {key: values[key] for key in KNOBS}
# On the projector, one screen at a time: the hero, then each chapter.
screens = 1 + len(chapters.CHAPTERS)
shown = sections.screen(PAGE, screens) if present.active() else None
if shown in (None, 0):
    draw_hero(values)
    sections.player()  # plays the hero once in view, stacks it on a phone
    st.caption(
        t(
            "story.hero_caption",
            points=fmt_int(POINTS),
            samples=fmt_int(values["samples"]),
            share=fmt_percent(values["real_fraction"]),
        )
    )

if chrome.shows("prose"):
    st.markdown(f"{t('story.intro')} {t('story.finding')}")
    st.markdown(
        f"**{t('story.loop_title')}**\n"
        + "\n".join(
            f"{n}. {t(f'story.step_{step}')}"
            for n, step in enumerate(("learn", "generate", "repeat"), start=1)
        )
    )
    st.caption(t("story.citation"))

# An article's iframe keeps the hero, its sentence and the link to the full app.
if shown:
    sections.render(PAGE, chapters.CHAPTERS[shown - 1])
elif shown is None and not state.view_value("embed"):
    st.header(t("story.chapters_title"), divider="gray")
    # the player and the reduced-motion probe came with the hero
    sections.render_all(PAGE, chapters.CHAPTERS, with_player=False, probe=False, lazy=True)
if shown is not None:
    sections.screen_controls(PAGE, screens)

if chrome.shows("prose"):
    st.subheader(t("story.analogy_title"))
    st.markdown(
        "\n".join(f"- {t(f'story.analogy_{point}')}" for point in ("detail", "cast", "fresh"))
    )
    st.markdown(t("story.why"))

# The knobs are drawn only while their panel is open: folded, they would still make every
# browser load and run the sliders' code while the hero is being drawn.
with chrome.section("controls"):
    settings = st.expander(
        t("story.settings"), icon=":material/tune:", key="story_settings", on_change="rerun"
    )
if settings.open and chrome.shows("controls"):
    columns = settings.columns(len(KNOBS))
    chosen = {key: widget(PAGE, key, container=c) for key, c in zip(KNOBS, columns, strict=True)}
else:
    chosen = values
    state.keep_undrawn(values, KNOBS)
state.sync_url(PAGE, chosen)

if chrome.shows("prose"):
    st.page_link(
        "app_pages/lab.py",
        label=t("story.lab_link"),
        icon=":material/science:",
        query_params=state.share_query("lab", {**chosen, "model": "gaussian"}),
    )
    st.page_link(
        "app_pages/mould.py",
        label=t("story.mould_link"),
        icon=":material/content_copy:",
        query_params=state.share_query(
            "mould",
            {
                "generations": chosen["generations"],
                "real_fraction": chosen["real_fraction"],
                "seed": chosen["seed"],
            },
        ),
    )
chrome.walk(PAGE)
