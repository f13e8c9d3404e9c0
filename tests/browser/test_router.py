"""The real app in headless Chromium: the router's first page paints, in both languages."""

import pytest

from lib.i18n import catalogue
from tests.conftest import free_port, start_app, wait_for_app, wait_healthy

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("lang", "title"), [("en", "The story"), ("fr", "L’histoire")])
def test_the_first_page_paints(app_url, page, lang, title):
    page.goto(f"{app_url}/?lang={lang}")
    wait_for_app(page)
    heading = page.locator("[data-testid='stMain'] h1").first
    heading.wait_for(timeout=30_000)
    assert title in heading.inner_text()


def test_a_deep_link_on_a_fresh_server_gets_the_router(browser):
    """The very first visitor of a new replica, arriving on /lab from an article, gets the
    app's own navigation and language switch (a folder named ``pages/`` beside app.py once
    made Streamlit run the page alone, with its automatic file-name navigation)."""
    port = free_port()
    process = start_app(port)
    url = f"http://127.0.0.1:{port}"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        wait_healthy(url, process)
        tab = context.new_page()
        tab.goto(f"{url}/lab?lang=fr")
        wait_for_app(tab, timeout=60_000)
        sidebar = tab.locator("[data-testid='stSidebar']")
        sidebar.get_by_text(catalogue("fr")["nav.maths"]).wait_for(timeout=30_000)
        assert sidebar.get_by_text(catalogue("fr")["app.language_name.en"]).count() == 1
        assert sidebar.get_by_text("digits", exact=True).count() == 0
    finally:
        context.close()
        process.terminate()
        process.wait(timeout=15)
