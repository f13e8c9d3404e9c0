"""The real app in headless Chromium: the router's first page paints, in both languages."""

import pytest

from tests.conftest import wait_for_app

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("lang", "title"), [("en", "The story"), ("fr", "L’histoire")])
def test_the_first_page_paints(app_url, page, lang, title):
    page.goto(f"{app_url}/?lang={lang}")
    wait_for_app(page)
    heading = page.locator("[data-testid='stMain'] h1").first
    heading.wait_for(timeout=30_000)
    assert title in heading.inner_text()
