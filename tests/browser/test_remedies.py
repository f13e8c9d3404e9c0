"""Can it be stopped? in headless Chromium, on a phone and on a desktop, in French and in
English: every section's chart draws its simulation and its law, nothing overflows the
screen, and no console error (the ``page`` fixture fails on any)."""

from __future__ import annotations

import pytest

from lib import remedies
from lib.i18n import catalogue
from tests.conftest import wait_for_app

pytestmark = pytest.mark.browser

CHART = ".st-key-remedies_{name}_chart .js-plotly-plot"
DRAWN = """(selector) => {
  const el = document.querySelector(selector);
  if (!el || !el._fullData) return null;
  const box = el.getBoundingClientRect();
  return {
    traces: el._fullData.length,
    lines: el.querySelectorAll(".scatterlayer .trace path.js-line").length,
    points: el.querySelectorAll(".scatterlayer .trace .point").length,
    width: box.width,
    height: box.height,
  };
}"""


@pytest.mark.parametrize(("lang", "width", "height"), [("fr", 360, 740), ("en", 1280, 800)])
def test_every_chart_draws(app_url, page, lang, width, height):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{app_url}/remedies?lang={lang}")
    wait_for_app(page, timeout=120_000)
    words = catalogue(lang)
    assert page.locator("h1").first.inner_text().strip() == words["nav.remedies"]
    for section in remedies.SECTIONS:
        selector = CHART.format(name=section.name)
        page.locator(selector).scroll_into_view_if_needed()
        page.wait_for_function(f"({DRAWN})({selector!r}) !== null", timeout=30_000)
        drawn = page.evaluate(DRAWN, selector)
        assert drawn["traces"] >= 3, (section.name, drawn)
        # simulation and law: two lines at least, or the law and the simulated points
        assert drawn["lines"] + (drawn["points"] > 0) >= 2, (section.name, drawn)
        assert 0 < drawn["width"] <= width, (section.name, drawn)
        assert drawn["height"] >= 250, (section.name, drawn)
        heading = page.get_by_text(words[section.heading_key], exact=True)
        assert heading.count() >= 1, section.name
    weight = page.evaluate(DRAWN, CHART.format(name="weight"))
    assert weight["points"] >= len(remedies.WEIGHT_GRID)  # the simulated weights
    # nothing wider than the screen: no sideways scrolling on a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_control_redraws_its_chart_and_the_address_follows(app_url, page):
    page.goto(f"{app_url}/remedies?lang=en")
    wait_for_app(page, timeout=120_000)
    selector = CHART.format(name="curation")
    values = (
        f"(() => {{ const el = document.querySelector({selector!r});"
        " return el && el._fullData ? el._fullData.map(t => Array.from(t.y || [])) : null; })()"
    )
    page.locator(selector).scroll_into_view_if_needed()
    page.wait_for_function(f"{values} !== null", timeout=30_000)
    before = page.evaluate(values)
    group = page.locator(".st-key-remedies_curation_curation")
    group.scroll_into_view_if_needed()
    group.get_by_role("radio", name="1", exact=True).click()
    page.wait_for_function(
        "() => new URLSearchParams(location.search).get('curation') === '1'", timeout=60_000
    )
    wait_for_app(page, timeout=120_000)
    page.wait_for_function(
        f"(before) => {values} !== null && JSON.stringify({values}) !== JSON.stringify(before)",
        arg=before,
        timeout=60_000,
    )
    after = page.evaluate(values)
    assert len(after) == len(before)
    assert after != before, "the chart shows the new strength"
