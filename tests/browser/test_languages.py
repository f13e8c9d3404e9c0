"""Every page in both languages, in a real browser: opened at its own address with
``?lang=fr`` or ``?lang=en``, it shows its title and the navigation in that language;
and the sidebar's language switch keeps the page's other settings."""

import re

import pytest

from lib.i18n import LANGUAGES, catalogue
from tests.conftest import wait_for_app
from ui.chrome import PAGES

pytestmark = pytest.mark.browser

TIMEOUT = 60_000  # ms: a page's first, uncached run on a busy machine


def _other(lang: str) -> str:
    return next(code for code in LANGUAGES if code != lang)


def _title(page) -> str:
    heading = page.locator("[data-testid='stMain'] h1").first
    heading.wait_for(timeout=TIMEOUT)
    return heading.inner_text().strip()


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(("name", "path"), [(name, path) for name, _, path, _ in PAGES])
def test_each_page_shows_its_title_in_the_requested_language(app_url, page, name, path, lang):
    page.goto(f"{app_url}/{path}?lang={lang}")
    wait_for_app(page, timeout=TIMEOUT)
    title = _title(page)
    own, other = catalogue(lang), catalogue(_other(lang))
    if title != own[f"nav.{name}"]:
        # A page may head itself with a title of its own, but one of this language.
        assert title in own.values(), f"{path}: «{title}» is not a {lang} string"
        key = next(k for k, v in own.items() if v == title)
        assert own[key] != other[key], f"{path}: «{title}» reads the same in both languages"
    links = page.locator("[data-testid='stSidebar'] a").all_inner_texts()
    shown = " ".join(links)
    for page_name, _, _, _ in PAGES:
        assert own[f"nav.{page_name}"] in shown, f"the sidebar misses nav.{page_name} ({lang})"
        if own[f"nav.{page_name}"] != other[f"nav.{page_name}"]:
            assert other[f"nav.{page_name}"] not in links


def test_the_language_switch_keeps_the_other_settings(app_url, page):
    page.goto(f"{app_url}/maths?lang=en&samples=100&generations=20")
    wait_for_app(page, timeout=TIMEOUT)
    assert _title(page) == catalogue("en")["nav.maths"]
    french = catalogue("fr")["app.language_name.fr"]
    page.locator("[data-testid='stSidebar'] button", has_text=french).click()
    page.wait_for_function(
        "title => document.querySelector(\"[data-testid='stMain'] h1\")"
        "?.innerText.trim() === title",
        arg=catalogue("fr")["nav.maths"],
        timeout=TIMEOUT,
    )
    wait_for_app(page, timeout=TIMEOUT)
    page.wait_for_function("() => location.search.includes('lang=fr')", timeout=TIMEOUT)
    assert re.search(r"[?&]samples=100(&|$)", page.url), page.url
    assert re.search(r"[?&]generations=20(&|$)", page.url), page.url
    table = page.locator("[data-testid='stMain'] table").first.inner_text()
    assert "génération 20" in table
