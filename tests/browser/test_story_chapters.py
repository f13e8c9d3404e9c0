"""The Story in headless Chromium, phone first: the whole hero on the first screen at four
viewports (stacked on a phone), chapters that play only while in view, still pictures for
visitors who ask for less motion, and the embedded Story (the hero alone)."""

from __future__ import annotations

import pytest

from lib.i18n import catalogue
from tests.conftest import wait_for_app

pytestmark = pytest.mark.browser

HERO = ".st-key-hero .js-plotly-plot"
NARROW_BELOW = 560  # lib/figures/hero.py

# Where the hero is, once drawn and (narrow) stacked: its box, and the widths of its two
# panels (Plotly's axis lengths in px).
GEOMETRY = """() => {
  const el = document.querySelector(".st-key-hero .js-plotly-plot");
  if (!el || !el._fullLayout || !el.querySelector("image")) return null;
  const box = el.getBoundingClientRect();
  const lead = document.querySelector("[data-testid='stMain'] h1")
    .closest("[data-testid='stElementContainer']").nextElementSibling;
  const p = lead && lead.querySelector("p");
  return {
    top: box.top, bottom: box.bottom, left: box.left, right: box.right,
    stacked: el.layout.yaxis.domain[0] > 0,
    picture: el._fullLayout.xaxis._length, histogram: el._fullLayout.xaxis2._length,
    lead_lines: p ? Math.round(p.getBoundingClientRect().height
      / parseFloat(getComputedStyle(p).lineHeight)) : null,
  };
}"""


@pytest.mark.parametrize(
    ("width", "height", "lang"),
    [(360, 740, "fr"), (390, 844, "en"), (1280, 800, "fr"), (1366, 768, "en")],
)
def test_the_whole_hero_is_on_the_first_screen(app_url, browser, width, height, lang):
    context = browser.new_context(viewport={"width": width, "height": height})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        tab.goto(f"{app_url}/?lang={lang}")
        wait_for_app(tab)
        narrow = width < NARROW_BELOW + 40
        settled = f"g && g.stacked === {str(narrow).lower()}"
        # The geometry once settled and unchanged over two polls a quarter second apart
        # (the player restacks the hero with a relayout, which redraws the picture's
        # <image>: a read in between finds no picture, or its old size).
        box = tab.wait_for_function(
            f"""(() => {{
              const g = ({GEOMETRY})();
              const seen = JSON.stringify(g);
              const steady = {settled} && seen === window.__heroGeometry;
              window.__heroGeometry = seen;
              return steady ? g : null;
            }})()""",
            timeout=30_000,
            polling=250,
        ).json_value()
        heading = tab.locator("[data-testid='stMain'] h1").first.inner_text()
    finally:
        context.close()
    assert not errors, errors
    assert heading.strip() == catalogue(lang)["nav.story"]
    # picture, histogram, generation number and Play: the chart's box, inside the screen
    assert box["top"] >= 0 and box["bottom"] <= height, box
    assert box["left"] >= 0 and box["right"] <= width, box
    if narrow:  # stacked, each panel at least 45 % of the screen's width; a short lead
        assert box["picture"] >= 0.45 * width and box["histogram"] >= 0.45 * width, box
        assert box["lead_lines"] <= 2, box


def _chart_state(key: str) -> str:
    return f"""() => {{
  const el = document.querySelector(".st-key-{key} .js-plotly-plot");
  if (!el || !el._fullLayout || !el._fullLayout.sliders) return null;
  return {{
    active: el._fullLayout.sliders[0].active,
    playing: Boolean(el._transitionData && el._transitionData._animationRaf),
  }};
}}"""


def test_a_chapter_plays_only_while_it_is_in_view(app_url, page):
    page.goto(f"{app_url}/?lang=en")
    wait_for_app(page)
    state = _chart_state("story_stops_chart")
    page.wait_for_function(f"({state})() !== null", timeout=30_000)
    page.wait_for_timeout(2_000)  # the hero plays meanwhile; this chapter is far below
    assert page.evaluate(state) == {"active": 0, "playing": False}
    page.locator(".st-key-story_stops_chart").scroll_into_view_if_needed()
    page.wait_for_function(f"({state})().active > 0", timeout=10_000)
    assert page.evaluate(state)["playing"]
    # Scrolled away, it pauses where it was and stays there.
    page.locator("[data-testid='stMain'] h1").first.scroll_into_view_if_needed()
    page.wait_for_function(f"!({state})().playing", timeout=5_000)
    paused = page.evaluate(state)["active"]
    page.wait_for_timeout(1_500)
    assert page.evaluate(state) == {"active": paused, "playing": False}
    assert 0 < paused < 12  # in the middle of its 13 frames


def test_less_motion_gets_still_chapters_and_nothing_plays(app_url, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, reduced_motion="reduce")
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    try:
        tab.goto(f"{app_url}/?lang=fr")
        wait_for_app(tab)
        # once the browser has said so, every chart on the page is still pictures
        tab.wait_for_function(
            """() => { const plots = [...document.querySelectorAll('.js-plotly-plot')]
                .filter((el) => el.offsetParent);
              return plots.length >= 7 && plots.every((el) => el._fullLayout
                && !(el._fullLayout.sliders || []).length); }""",
            timeout=30_000,
        )
        tab.locator(".st-key-story_rare_chart").last.scroll_into_view_if_needed()
        tab.wait_for_timeout(1_500)
        assert tab.evaluate("Boolean(window.copyPlayed && window.copyPlayed.size)") is False
    finally:
        context.close()
    assert not errors, errors


def test_embedded_the_story_is_its_hero_sentence_and_link(app_url, page):
    page.goto(f"{app_url}/?lang=en&embed=true")
    wait_for_app(page)
    page.wait_for_function("() => document.querySelector('.st-key-hero .js-plotly-plot')")
    assert page.locator(".js-plotly-plot").count() == 1  # no chapter figures
    assert page.locator("[data-testid='stMain'] h3").count() == 0
    assert page.locator(".st-key-embed_link a").count() == 1  # the way to the full app
    words = catalogue("en")
    assert page.get_by_text(words["story.result"].split("{")[0].strip()).count() == 1
