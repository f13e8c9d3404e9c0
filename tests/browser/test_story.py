"""The Story and the Mould in headless Chromium: the hero holds a picture and bars, plays by
itself once and stops on the last generation; it stays still for visitors who asked for
less motion; the Mould page draws its cast."""

from __future__ import annotations

import time

import pytest

from tests.conftest import wait_for_app

pytestmark = pytest.mark.browser

HERO = ".st-key-hero .js-plotly-plot"


def _state(selector: str) -> str:
    return f"""() => {{
  const el = document.querySelector("{selector}");
  if (!el || !el._fullLayout) return null;
  return {{
    types: el._fullData.map((trace) => trace.type),
    active: el._fullLayout.sliders[0].active,
    last: el._fullLayout.sliders[0].steps.length - 1,
    playing: Boolean(el._transitionData && el._transitionData._animationRaf),
    image: Boolean(el.querySelector("image")),
  }};
}}"""


STATE = _state(HERO)


def _hero(tab) -> dict:
    tab.wait_for_function(f"({STATE})() !== null", timeout=30_000)
    return tab.evaluate(STATE)


def test_the_hero_plays_by_itself_once_and_stops_on_the_last_generation(app_url, page):
    # Ten generations: the whole animation plays in a few seconds.
    page.goto(f"{app_url}/?lang=en&generations=10")
    wait_for_app(page)
    first = _hero(page)
    seen = time.monotonic()
    assert first["types"][:2] == ["image", "bar"]
    assert first["last"] == 10
    page.wait_for_function(f"({STATE})().image", timeout=5_000)  # the picture is drawn
    # Its slider moves on its own within 5 s of the chart's first paint ...
    page.wait_for_function(f"({STATE})().active > 0", timeout=5_000)
    assert time.monotonic() - seen < 5
    # ... and the animation ends on the last generation.
    page.wait_for_function(
        f"(() => {{ const s = ({STATE})(); return s.active === s.last && !s.playing; }})()",
        timeout=15_000,
    )
    page.wait_for_timeout(1_000)
    assert page.evaluate(STATE)["active"] == 10  # stopped there: played once


def test_the_hero_stays_still_when_less_motion_is_asked(app_url, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, reduced_motion="reduce")
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        tab.goto(f"{app_url}/?lang=fr")
        wait_for_app(tab)
        # Still pictures instead: a grid of pictures beside their histograms, visible ...
        still = tab.locator(".st-key-hero .js-plotly-plot >> visible=true")
        still.first.wait_for(timeout=30_000)
        tab.wait_for_function(
            """() => [...document.querySelectorAll('.st-key-hero .js-plotly-plot')]
              .some((el) => el.offsetParent && el._fullData
                && el._fullData.filter((t) => t.type === 'image').length > 1)""",
            timeout=10_000,
        )
        # ... and the animation, hidden, never starts (where it is allowed, the autoplay
        # starts within about half a second of the first paint).
        tab.wait_for_timeout(2_000)
        state = tab.evaluate(STATE)
        assert state is None or (state["active"] == 0 and not state["playing"])
        assert tab.evaluate("Boolean(window.copyHeroPlayed && window.copyHeroPlayed.size)") is False
    finally:
        context.close()
    assert not errors, errors


def test_the_mould_page_draws_its_cast(app_url, page):
    page.goto(f"{app_url}/mould?lang=en")
    wait_for_app(page)
    state = _state(".js-plotly-plot")
    page.wait_for_function(f"(() => {{ const s = ({state})(); return s && s.image; }})()")
    drawn = page.evaluate(state)
    assert drawn["types"] == ["image", "scatter", "scatter", "scatter"]
    assert drawn["last"] == 30 and drawn["active"] == 0  # the Mould does not autoplay
    # The detail curve is drawn: one path of 31 points, falling.
    falls = page.evaluate(
        """() => {
      const el = document.querySelector('.js-plotly-plot');
      const y = el._fullData[3].y;
      return y.length === 31 && y[30] < 0.5 * y[0];
    }"""
    )
    assert falls


def test_leaving_the_story_while_the_hero_plays_raises_no_error(app_url, page):
    # The ``page`` fixture fails the test on any page error or console error: an animation
    # still ticking on a plot that left the page throws "Cannot set properties of undefined".
    page.goto(f"{app_url}/?lang=en&generations=60")  # the longest play: about 9 s
    wait_for_app(page)
    _hero(page)
    page.wait_for_function(f"(() => {{ const s = ({STATE})(); return s && s.playing; }})()")
    page.evaluate(
        """() => { const el = document.querySelector(".st-key-hero .js-plotly-plot");
          window.heroLeftPlaying = null;
          new MutationObserver((_, watch) => {
            if (el.isConnected) return;
            window.heroLeftPlaying = el.layout.sliders[0].active;
            watch.disconnect();
          }).observe(document.body, { childList: true, subtree: true }); }"""
    )
    page.locator('[data-testid="stSidebar"] a[href*="lab"]').first.click()
    page.wait_for_url("**/lab**")
    wait_for_app(page)
    page.wait_for_timeout(3_000)
    assert page.evaluate(STATE) is None  # the hero has gone with the story ...
    print(page.evaluate("window.heroLeftPlaying"))
    assert page.console_errors == []
