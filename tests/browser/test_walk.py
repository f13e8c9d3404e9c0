"""The way through the app without the sidebar: on a phone, every page ends with links to
the previous and the next page in story order, and they keep the language."""

from __future__ import annotations

import pytest

from lib.i18n import catalogue
from tests.conftest import wait_for_app
from ui.chrome import PAGES

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_phone_reader_walks_every_page_in_story_order(app_url, browser, lang):
    words = catalogue(lang)
    context = browser.new_context(viewport={"width": 360, "height": 740})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    seen: list[tuple[str, str]] = []
    try:
        tab.goto(f"{app_url}/?lang={lang}")
        for index in range(len(PAGES)):
            wait_for_app(tab, timeout=60_000)
            heading = tab.locator("[data-testid='stMain'] h1").first
            heading.wait_for(timeout=30_000)
            seen.append(
                (tab.url.split("?")[0].rstrip("/").rsplit("/", 1)[-1], heading.inner_text())
            )
            walk = tab.locator(".st-key-walk a")
            labels = [link.inner_text() for link in walk.all()]
            if index > 0:
                previous = words["nav.walk_previous"].format(
                    page=words[f"nav.{PAGES[index - 1][0]}"]
                )
                assert any(previous in label for label in labels), labels
            if index == len(PAGES) - 1:
                assert len(labels) == 1  # the last page has no next
                break
            following = words["nav.walk_next"].format(page=words[f"nav.{PAGES[index + 1][0]}"])
            link = walk.filter(has_text=following)
            assert link.count() == 1, labels
            assert f"lang={lang}" in link.get_attribute("href")
            link.click()
            tab.wait_for_url(f"**/{PAGES[index + 1][2]}?lang={lang}*", timeout=30_000)
        # and back one step
        tab.locator(".st-key-walk a").first.click()
        tab.wait_for_url(f"**/{PAGES[-2][2]}?lang={lang}*", timeout=30_000)
        wait_for_app(tab, timeout=60_000)
    finally:
        context.close()
    assert not errors, errors
    host = app_url.rsplit("/", 1)[-1]
    assert [path if path != host else "" for path, _ in seen] == [path for _, _, path, _ in PAGES]
    assert seen[0][1].strip() == words["nav.story"]
