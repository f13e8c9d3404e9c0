"""WCAG 2.1 AA with axe-core (npm, pinned in tests/js) on every page of the app, in both
languages, embedded and not: zero violations. The pages come from ``ui.chrome.PAGES``, so
a page added to the navigation is checked without touching this file."""

from __future__ import annotations

import pytest

from lib.i18n import LANGUAGES
from tests.browser.node_tools import AXE, node_file
from tests.conftest import wait_for_app
from ui import chrome

pytestmark = pytest.mark.browser

# The rules of WCAG 2.1 levels A and AA, as axe-core tags them.
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Every visible Plotly chart has painted: axe then sees the page a visitor reads.
CHARTS_DRAWN = """() => [...document.querySelectorAll('.js-plotly-plot')]
  .filter((chart) => chart.offsetParent !== null)
  .every((el) => el._fullLayout && el.querySelector('.main-svg'))"""

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
  return result.violations.map((rule) => ({
    rule: rule.id,
    impact: rule.impact,
    nodes: rule.nodes.slice(0, 3).map((node) =>
      node.target.join(" ") + " :: " + node.failureSummary.replace(/\\s+/g, " ")),
  }));
}"""

VIEWS = [
    pytest.param(path, lang, embed, id=f"{name}-{lang}-{'embed' if embed else 'page'}")
    for name, _, path, _ in chrome.PAGES
    for lang in LANGUAGES
    for embed in (False, True)
]


@pytest.fixture(scope="module")
def axe_source() -> str:
    return node_file(AXE).read_text(encoding="utf-8")


def violations(tab, axe_source: str) -> list[dict]:
    """axe-core's WCAG 2.1 A and AA violations on the page ``tab`` shows now."""
    tab.add_script_tag(content=axe_source)
    return tab.evaluate(RUN_AXE, WCAG_21_AA)


@pytest.mark.parametrize(("path", "lang", "embed"), VIEWS)
def test_no_wcag_21_aa_violation(app_url, page, axe_source, path, lang, embed):
    page.goto(f"{app_url}/{path}?lang={lang}" + ("&embed=true" if embed else ""))
    wait_for_app(page)
    page.wait_for_function(CHARTS_DRAWN, timeout=30_000)
    assert violations(page, axe_source) == []


def test_the_open_share_panel_has_no_violation(app_url, page, axe_source):
    """The popover with the snippets, which no page shows until it is opened."""
    page.goto(f"{app_url}/lab?lang=fr")
    wait_for_app(page)
    page.locator(".st-key-share_panel button").first.click()
    page.get_by_text("Hauteur fixe").wait_for(timeout=10_000)
    # The popover fades in: colours read mid-transition are not the ones a reader sees.
    page.wait_for_function(
        "() => document.getAnimations().every((a) => a.playState !== 'running')",
        timeout=10_000,
    )
    assert violations(page, axe_source) == []
