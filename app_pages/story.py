"""The story (default page): the finding in plain words, the loop in three steps, and the
hero, where the cast of a medal and the histogram of the data wear out together."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import streamlit as st

from lib import mould
from lib.engine import Scenario, default_replicas, simulate
from lib.figures.hero import hero_figure
from lib.i18n import current_language, fmt_int, fmt_percent, t
from lib.params import PAGE_PARAMS
from lib.sources import get_source
from ui import chrome, present, state
from ui.widgets import widget

PAGE = "story"
KNOBS = ("source", "samples", "generations", "real_fraction", "seed")
# The picture keeps the Mould page's own defaults for what the story does not set.
POINTS = PAGE_PARAMS["mould"]["points"].default
COARSENESS = PAGE_PARAMS["mould"]["coarseness"].default

# Plays the hero once per figure, when it comes into view: finds it in this document
# (``st.html`` is not iframed) and presses its own Play button. Not for visitors whose
# system asks for reduced motion (``present.chart`` hides the animation from them and shows
# still pictures: a hidden chart never comes into view), nor in presentation mode.
# It also stops the animation when the plot leaves the page: Plotly's loop ticks on
# ``requestAnimationFrame`` with the plot it started on, and once Streamlit has purged that
# plot (the visitor opened another page mid-play), each tick would write to its removed
# layout and raise "Cannot set properties of undefined (setting '_currentFrame')".
AUTOPLAY = """<script>
(() => {
  const meta = %s;
  const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  const played = (window.copyHeroPlayed = window.copyHeroPlayed || new Set());
  const guard = (plot, view) => {
    if (plot.copyHeroGuard) return;
    let trans = plot._transitionData;
    const watch = new MutationObserver(() => {
      if (plot._transitionData) trans = plot._transitionData;
      if (plot.isConnected && plot._fullLayout) return;
      watch.disconnect();
      view.disconnect();
      if (!trans) return;
      window.cancelAnimationFrame(trans._animationRaf);
      trans._animationRaf = null;
      if (trans._frameQueue) trans._frameQueue.length = 0;
    });
    watch.observe(document.body, { childList: true, subtree: true });
    plot.copyHeroGuard = watch;
  };
  let tries = 0;
  const timer = setInterval(() => {
    tries += 1;
    const plot = [...document.querySelectorAll(".st-key-hero .js-plotly-plot")].find(
      (el) => el._fullLayout && el.layout.meta === meta
        && el.querySelector(".updatemenu-button"));
    if (plot) {
      clearInterval(timer);
      // Start when at least a third of the chart is on screen.
      const view = new IntersectionObserver((seen) => {
        if (!seen.some((entry) => entry.isIntersecting)) return;
        view.disconnect();
        if (played.has(meta) || !plot.isConnected || !plot._fullLayout) return;
        played.add(meta);
        plot.querySelector(".updatemenu-button")
          .dispatchEvent(new MouseEvent("click", { bubbles: true }));
      }, { threshold: 0.33 });
      guard(plot, view);  // also when the visitor presses Play by hand
      if (!still && !played.has(meta)) view.observe(plot);
    } else if (tries > 150) {
      clearInterval(timer);
    }
  }, 100);
})();
</script>"""


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
    source = get_source(values["source"])
    x = np.linspace(*source.plot_range, 161)
    return {
        "pictures": cast.pictures,
        "detail": cast.detail,
        "bin_edges": run.bin_edges,
        "histograms": run.histogram_first,
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
            "separators",
            "slider_prefix",
        )
    }
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
    )


values = chrome.start_page(PAGE)
st.title(t("nav.story"))
if chrome.shows("prose"):
    st.markdown(f"**{t('story.lead')}** {t('story.finding')}")
    st.markdown(
        f"**{t('story.loop_title')}**\n"
        + "\n".join(
            f"{n}. {t(f'story.step_{step}')}"
            for n, step in enumerate(("learn", "generate", "repeat"), start=1)
        )
    )

# The knobs sit in a folded panel under the hero: ``values`` already holds what they
# show (``start_page`` reads the widgets' state), so the hero can be drawn first.
values = {key: values[key] for key in KNOBS}
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
    # The animation, or still pictures under reduced motion, or Previous / Next in the
    # classroom; then the result sentence, the key generations as a table, the downloads.
    present.figure(
        figure(values, current_language()),
        key="hero_chart",
        summary=result,
        columns=table,
        name="story",
        title=t("nav.story"),
    )
if not present.active():
    st.html(AUTOPLAY % json.dumps(meta_of(values)), unsafe_allow_javascript=True)
st.caption(
    t(
        "story.hero_caption",
        points=fmt_int(POINTS),
        samples=fmt_int(values["samples"]),
        share=fmt_percent(values["real_fraction"]),
    )
)

if chrome.shows("prose"):
    st.markdown(t("story.why"))
    st.caption(t("story.citation"))
    st.subheader(t("story.analogy_title"))
    st.markdown(
        "\n".join(f"- {t(f'story.analogy_{point}')}" for point in ("detail", "cast", "fresh"))
    )

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
    # A widget that is not drawn loses its state at the end of the run: keep the values.
    chosen = values
    for key in KNOBS:
        st.session_state[key] = values[key]
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
