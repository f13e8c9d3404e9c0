"""The Story in headless Chromium: the hero holds a picture and bars, plays by itself once
and stops on the last generation; it stays still for visitors who asked for less motion."""

from __future__ import annotations

import time

import pytest

from tests.conftest import wait_for_app

pytestmark = pytest.mark.browser

HERO = ".st-key-hero .js-plotly-plot"
STATE = f"""() => {{
  const el = document.querySelector("{HERO}");
  if (!el || !el._fullLayout) return null;
  return {{
    types: el._fullData.map((trace) => trace.type),
    active: el._fullLayout.sliders[0].active,
    last: el._fullLayout.sliders[0].steps.length - 1,
    playing: Boolean(el._transitionData && el._transitionData._animationRaf),
    image: Boolean(el.querySelector("image")),
  }};
}}"""


def _hero(tab) -> dict:
    tab.wait_for_function(f"({STATE})() !== null", timeout=30_000)
    return tab.evaluate(STATE)


def test_the_hero_plays_by_itself_and_stops_on_the_last_generation(app_url, page):
    page.goto(f"{app_url}/?lang=en")
    wait_for_app(page)
    first = _hero(page)
    seen = time.monotonic()
    assert first["types"][:2] == ["image", "bar"]
    assert first["image"], "the picture is drawn"
    # Its slider moves on its own within 5 s of the chart's first paint ...
    page.wait_for_function(f"({STATE})().active > 0", timeout=5_000)
    assert time.monotonic() - seen < 5
    # ... and the animation ends on the last generation (31 frames of about 0.3 s).
    page.wait_for_function(
        f"(() => {{ const s = ({STATE})(); return s.active === s.last && !s.playing; }})()",
        timeout=30_000,
    )
    end = page.evaluate(STATE)
    page.wait_for_timeout(1_000)
    assert page.evaluate(STATE)["active"] == end["last"]  # stopped there: played once


def test_the_hero_stays_still_when_less_motion_is_asked(app_url, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, reduced_motion="reduce")
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        tab.goto(f"{app_url}/?lang=fr")
        wait_for_app(tab)
        assert _hero(tab)["types"][:2] == ["image", "bar"]
        tab.wait_for_timeout(3_000)
        state = tab.evaluate(STATE)
        assert state["active"] == 0 and not state["playing"]
        # Play still works on request.
        tab.locator(f"{HERO} .updatemenu-button").first.click()
        tab.wait_for_function(f"({STATE})().active > 0", timeout=5_000)
    finally:
        context.close()
    assert not errors, errors
