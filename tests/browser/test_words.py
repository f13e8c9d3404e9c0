"""Words that vanish in headless Chromium, in French: the animated chart draws (the Zipf
curve on log–log axes, a frame a generation), Play moves the slider and the frames change
the curve and the text, with no console error (the ``page`` fixture fails on any)."""

from __future__ import annotations

import pytest

from tests.conftest import wait_for_app

pytestmark = pytest.mark.browser

CHART = ".st-key-words_chart .js-plotly-plot"
STATE = f"""() => {{
  const el = document.querySelector("{CHART}");
  if (!el || !el._fullLayout || !el._transitionData) return null;
  const texts = [...el.querySelectorAll(".textpoint text")].map((node) => node.textContent);
  return {{
    frames: el._transitionData._frames.length,
    active: el.layout.sliders[0].active,
    xType: el._fullLayout.xaxis.type,
    yType: el._fullLayout.yaxis.type,
    curve: el.querySelectorAll(".scatterlayer .trace .js-line").length,
    model: el._fullData.find((trace) => trace.name === "Modèle" && trace.xaxis === "x"),
    text: texts.join(" "),
  }};
}}"""


def test_the_french_page_draws_and_plays(app_url, page):
    page.goto(f"{app_url}/words?lang=fr")
    wait_for_app(page)
    page.wait_for_function(f"({STATE})() !== null", timeout=30_000)
    first = page.evaluate(STATE)
    assert first["frames"] == 101  # generations 0 to 100 of the default run
    assert first["active"] == 0
    assert (first["xType"], first["yType"]) == ("log", "log")
    assert first["curve"] >= 4  # real and model curves, the two measures' lines
    assert "Génération 0" in first["text"] and "La génération 0" in first["text"]
    button = page.locator(f"{CHART} .updatemenu-button").first
    assert "Lecture" in button.text_content()
    button.click()
    page.wait_for_function(f"({STATE})().active >= 10", timeout=15_000)
    later = page.evaluate(STATE)
    assert later["text"] != first["text"], "the text panel follows the slider"
    assert "Génération 0" not in later["text"]


NUMBERS = f"""() => {{
  const el = document.querySelector("{CHART}");
  const ticks = [...el.querySelectorAll(".ytick text")].map((node) => node.textContent);
  const thumbs = [...document.querySelectorAll('[data-testid="stSliderThumbValue"]')];
  return {{ ticks: ticks, thumbs: thumbs.map((node) => node.textContent) }};
}}"""


@pytest.mark.parametrize(
    ("lang", "words", "ticks"),
    [("fr", "10\u202f000", "100\u202f000"), ("en", "10,000", "100,000")],
)
def test_numbers_read_as_the_language_writes_them(app_url, page, lang, words, ticks):
    """The sliders and the chart's axes group digits as the language does: the narrow
    no-break space in French (never "10000" or "10k"), the comma in English."""
    page.goto(f"{app_url}/words?lang={lang}")
    wait_for_app(page)
    page.wait_for_function(f"({STATE})() !== null", timeout=30_000)
    numbers = page.evaluate(NUMBERS)
    assert words in numbers["thumbs"]  # words per generation, the page's default
    assert ticks in numbers["ticks"]
    assert not any(tick.endswith("k") for tick in numbers["ticks"])
