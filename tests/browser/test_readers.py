"""What readers said in headless Chromium: at a phone's width and on a desktop, in French
and in English, every figure of the page draws (its traces on screen, the language's
separators), no exception box and no console error; embedded, the first experiment alone."""

from __future__ import annotations

import re

import pytest

from lib import readers
from tests.conftest import _is_console_error, wait_for_app

pytestmark = pytest.mark.browser

# Every Plotly chart of the page, once drawn: its traces and the separators it uses.
CHARTS = """() => [...document.querySelectorAll('.js-plotly-plot')].map((el) => ({
  drawn: !!el._fullLayout,
  traces: el.querySelectorAll('.scatterlayer .trace, .barlayer .trace').length,
  separators: el._fullLayout ? el._fullLayout.separators : null,
  width: el.getBoundingClientRect().width,
}))"""
HOVER = "() => [...document.querySelectorAll('.hoverlayer text')].map((n) => n.textContent)"
ALL_DRAWN = f"""(count) => {{
  const charts = ({CHARTS})();
  return charts.length === count && charts.every((c) => c.drawn && c.traces > 0);
}}"""


def _visit(browser, url: str, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    tab.on(
        "console",
        lambda message: errors.append(message.text) if _is_console_error(message) else None,
    )
    tab.goto(url)
    wait_for_app(tab, timeout=60_000)
    return context, tab, errors


@pytest.mark.parametrize(
    ("lang", "width", "height"), [("fr", 360, 740), ("en", 360, 740), ("fr", 1280, 800)]
)
def test_every_figure_draws(app_url, browser, lang, width, height):
    count = len(readers.SECTIONS)
    context, tab, errors = _visit(browser, f"{app_url}/readers?lang={lang}", width, height)
    try:
        # Plotly draws a chart only once it is near the viewport on some browsers: scroll
        # through the page so that every one of them gets its turn.
        tab.evaluate(
            """async () => {
                 const main = document.querySelector('[data-testid="stMain"]');
                 for (let y = 0; y < main.scrollHeight; y += 600) {
                   main.scrollTo(0, y); window.scrollTo(0, y);
                   await new Promise((done) => setTimeout(done, 100));
                 }
               }"""
        )
        tab.wait_for_function(ALL_DRAWN, arg=count, timeout=60_000)
        charts = tab.evaluate(CHARTS)
        exceptions = tab.locator("[data-testid='stException']").count()
    finally:
        context.close()
    assert exceptions == 0
    assert errors == []
    assert len(charts) == count
    assert {c["separators"] for c in charts} == {",\u202f" if lang == "fr" else ".,"}
    # At a phone's width every chart fits the screen; on a desktop it takes the column.
    assert all(0 < c["width"] <= width for c in charts), charts


def test_embedded_the_first_experiment_alone(app_url, browser):
    context, tab, errors = _visit(browser, f"{app_url}/readers?lang=fr&embed=true", 360, 740)
    try:
        tab.wait_for_function(ALL_DRAWN, arg=1, timeout=60_000)
        charts = tab.evaluate(CHARTS)
        headings = tab.locator("[data-testid='stHeading'] h3").count()
        text = tab.locator("[data-testid='stMain']").inner_text()
        # The hover speaks French too: the generation named, decimal commas.
        area = tab.locator(".js-plotly-plot .nsewdrag").first.bounding_box()
        tab.mouse.move(area["x"] + area["width"] / 2, area["y"] + area["height"] / 2)
        tab.wait_for_function(HOVER + ".length > 0", timeout=10_000)
        hover = tab.evaluate(HOVER)
    finally:
        context.close()
    assert errors == []
    assert len(charts) == 1 and headings == 0
    assert "Au bout de 100" in text  # the sentence that reads the chart
    assert hover[0].startswith("Génération ")
    assert all(re.search(r"\u00a0: \d+,\d+$", line) for line in hover[1:]), hover
