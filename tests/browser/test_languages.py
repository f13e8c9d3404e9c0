"""Every page in both languages, in a real browser: opened at its own address with
``?lang=en`` then ``?lang=fr``, it shows its title and the navigation in that language;
and the sidebar's language switch keeps the page's other settings."""

import re

import pytest

from lib.i18n import LANGUAGES, catalogue
from tests.conftest import wait_for_app
from ui.chrome import PAGES

pytestmark = pytest.mark.browser

_LINKS = "[data-testid='stSidebar'] a"
TIMEOUT = 60_000  # ms: a page's first, uncached run on a busy machine
_TITLE_IS = (
    "title => document.querySelector(\"[data-testid='stMain'] h1\")?.innerText.trim() === title"
)

_LINKS_READ = (
    "name => [...document.querySelectorAll(\"[data-testid='stSidebar'] a\")]"
    ".some(a => a.innerText.includes(name))"
)


def _wait_for_title(page, title: str) -> None:
    page.wait_for_function(_TITLE_IS, arg=title, timeout=TIMEOUT)


@pytest.mark.parametrize(("name", "path"), [(name, path) for name, _, path, _ in PAGES])
def test_each_page_shows_its_title_in_the_requested_language(app_url, page, name, path):
    for lang in LANGUAGES:
        own = catalogue(lang)
        other = catalogue(next(code for code in LANGUAGES if code != lang))
        assert own[f"nav.{name}"] != other[f"nav.{name}"]
        page.goto(f"{app_url}/{path}?lang={lang}")
        # The title is the page's first element: once it reads right, the page is in the
        # right language (the rest of the page, drawn later, is another test's business).
        _wait_for_title(page, own[f"nav.{name}"])
        # The sidebar's links are drawn after the title: wait for them.
        page.wait_for_function(_LINKS_READ, arg=own["nav.story"], timeout=TIMEOUT)
        # A link's text is its icon's name, then the page's name.
        links = [text.splitlines()[-1].strip() for text in page.locator(_LINKS).all_inner_texts()]
        for page_name, _, _, _ in PAGES:
            assert own[f"nav.{page_name}"] in links, f"sidebar misses nav.{page_name} ({lang})"
            if own[f"nav.{page_name}"] != other[f"nav.{page_name}"]:
                assert other[f"nav.{page_name}"] not in links
        assert f"lang={lang}" in page.url


def test_the_language_switch_keeps_the_other_settings(app_url, page):
    page.goto(f"{app_url}/maths?lang=en&estimator=unbiased&samples=100&generations=20")
    wait_for_app(page, timeout=TIMEOUT)
    _wait_for_title(page, catalogue("en")["nav.maths"])
    french = catalogue("fr")["app.language_name.fr"]
    page.locator("[data-testid='stSidebar'] button", has_text=french).click()
    _wait_for_title(page, catalogue("fr")["nav.maths"])
    wait_for_app(page, timeout=TIMEOUT)
    page.wait_for_function("() => location.search.includes('lang=fr')", timeout=TIMEOUT)
    for setting in ("estimator=unbiased", "samples=100", "generations=20"):
        assert re.search(rf"[?&]{setting}(&|$)", page.url), page.url
    rows = page.locator("[data-testid='stMain'] table tbody tr")
    first = [cell.strip() for cell in rows.first.locator("th, td").all_inner_texts()]
    assert "génération 20" in first[0], first
    # Unbiased estimator: the theory of the mean variance is 1 at every generation.
    assert first[3] == "1", first
