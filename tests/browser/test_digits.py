"""Digits that blur in headless Chromium: the grid is a PNG picture per generation, Play
moves the slider and changes the picture, the measures chart draws, and the console stays
clean (the ``page`` fixture fails the test otherwise). One language: tests/test_digits.py
checks the French under AppTest, tests/browser/test_languages.py the switch."""

from __future__ import annotations

import pytest

from tests.conftest import wait_for_app

pytestmark = pytest.mark.browser

GRID = ".st-key-digits_grid .js-plotly-plot"
MEASURES = ".st-key-digits_measures .js-plotly-plot"
STATE = f"""() => {{
  const el = document.querySelector("{GRID}");
  if (!el || !el._fullLayout || !el._transitionData) return null;
  const picture = el.querySelector("image");
  return {{
    types: el._fullData.map((trace) => trace.type),
    frames: el._transitionData._frames.length,
    active: el.layout.sliders[0].active,
    href: picture ? picture.getAttribute("href") || picture.getAttribute("xlink:href") : null,
  }};
}}"""


def test_the_grid_plays_generation_after_generation(app_url, page):
    page.goto(f"{app_url}/digits?lang=en")
    wait_for_app(page)
    page.wait_for_function(f"({STATE})() !== null", timeout=30_000)
    first = page.evaluate(STATE)
    assert first["types"] == ["image", "bar", "scatter"]
    assert first["frames"] == 21  # generations 0 to 20 of the default run
    assert first["href"].startswith("data:image/png;base64,")
    assert first["active"] == 0

    button = page.locator(f"{GRID} .updatemenu-button").first
    assert "Play" in button.text_content()
    button.click()
    page.wait_for_function(f"({STATE})().active > 0", timeout=10_000)
    assert page.evaluate(STATE)["href"] != first["href"], "the picture follows the slider"

    traces = page.evaluate(
        f"() => document.querySelector('{MEASURES}')._fullData.map((trace) => trace.type)"
    )
    assert traces == ["scatter"] * 6  # band, mean and real level, in two panels
