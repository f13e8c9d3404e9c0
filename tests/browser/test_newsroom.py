"""Newsroom and classroom in headless Chromium: the embedded page draws inside a
cross-origin iframe, every page fits a 360 px phone, the projector's text is at least
1.3x larger and fits 1920x1080, less motion gets still pictures, and the exported
animation (plotly.js inlined, or from the CDN) plays from a file:// URL."""

from __future__ import annotations

import http.server
import threading
from pathlib import Path

import plotly
import pytest

from tests.conftest import free_port, wait_for_app
from ui import chrome, style

pytestmark = pytest.mark.browser

# Every visible Plotly chart has painted (hidden ones, e.g. the reduced-motion grid, aside).
CHARTS_DRAWN = """() => { const charts = [...document.querySelectorAll(
    '[data-testid="stPlotlyChart"]')].filter((chart) => chart.offsetParent !== null);
  return charts.length > 0 && charts.every((chart) => {
    const el = chart.querySelector('.js-plotly-plot');
    return el && el._fullLayout && chart.querySelector('.main-svg'); }); }"""

# The slider of the first animated chart on the page (or in the frame).
SLIDER = """() => { const el = [...document.querySelectorAll('.js-plotly-plot')]
  .find((plot) => plot._fullLayout && plot.layout.sliders && plot.layout.sliders.length);
  return el ? el._fullLayout.sliders[0].active : null; }"""


def _settle(tab) -> None:
    wait_for_app(tab)
    tab.wait_for_function(CHARTS_DRAWN, timeout=30_000)


class _OneFile(http.server.BaseHTTPRequestHandler):
    body = b""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.fixture
def article(app_url):
    """A news article on another origin (another port) that embeds the app's story."""
    handler = type("Article", (_OneFile,), {})
    handler.body = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Article</title></head>"
        "<body><h1>An article</h1>"
        f"<iframe src='{app_url}/?embed=true&lang=fr' width='100%' height='640' "
        "title='chart' loading='lazy' style='border:0'></iframe></body></html>"
    ).encode()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_the_embedded_story_draws_inside_a_cross_origin_iframe(article, app_url, page):
    page.goto(article)
    frame = page.frame_locator("iframe").first
    frame.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
    inner = next(f for f in page.frames if f.url.startswith(app_url))
    assert page.evaluate("location.origin") != inner.evaluate("location.origin")
    inner.wait_for_function(CHARTS_DRAWN, timeout=30_000)
    seen = inner.evaluate(
        """() => {
          const visible = (el) => el && el.offsetParent !== null;
          const chart = document.querySelector('.js-plotly-plot');
          const link = document.querySelector('.st-key-embed_link a');
          return {
            sidebar: visible(document.querySelector('[data-testid="stSidebar"]')),
            share: visible(document.querySelector('.st-key-share_panel')),
            // one line of text under the chart: no side notes, one paragraph
            captions: [...document.querySelectorAll('[data-testid="stCaptionContainer"]')]
              .filter(visible).length,
            paragraphs: [...document.querySelectorAll(
              '[data-testid="stMain"] [data-testid="stMarkdownContainer"] p')]
              .filter((p) => visible(p) && !p.closest('.st-key-embed_link')).length,
            width: chart.getBoundingClientRect().width,
            chartTop: chart.getBoundingClientRect().top,
            link: link && link.href, linkVisible: visible(link),
            linkBottom: link && link.getBoundingClientRect().bottom,
            height: window.innerHeight,
          };
        }"""
    )
    assert not seen["sidebar"] and not seen["share"]
    assert seen["captions"] == 0 and seen["paragraphs"] == 1
    assert seen["width"] > 300
    assert seen["chartTop"] < 200  # the chart first: at most a title above it
    assert seen["linkVisible"] and seen["linkBottom"] <= seen["height"]  # no scrolling
    assert "embed" not in seen["link"]
    assert seen["link"].startswith(app_url) and "lang=fr" in seen["link"]


PATHS = [path for _, _, path, _ in chrome.PAGES]


def test_every_page_fits_a_360_px_phone(app_url, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    widths = {}
    try:
        for path in PATHS:
            tab.goto(f"{app_url}/{path}?lang=fr")
            _settle(tab)
            widths[path or "story"] = tab.evaluate("document.documentElement.scrollWidth")
    finally:
        context.close()
    assert not errors, errors
    assert {name: width for name, width in widths.items() if width > 360} == {}


def _paragraph_px(tab) -> float:
    return tab.evaluate(
        """() => { const p = [...document.querySelectorAll(
             '[data-testid="stMain"] [data-testid="stMarkdownContainer"] p')]
           .find((el) => el.offsetParent !== null && !el.closest("button")
                 && el.textContent.trim().length > 20);
           return parseFloat(getComputedStyle(p).fontSize); }"""
    )


def test_the_projector_has_larger_text_fits_1080_and_steps(app_url, browser):
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    try:
        tab.goto(f"{app_url}/lab?lang=fr")
        _settle(tab)
        normal = _paragraph_px(tab)
        tab.goto(f"{app_url}/lab?lang=fr&present=1")
        _settle(tab)
        projected = _paragraph_px(tab)
        overflow = tab.evaluate(
            """() => [document.documentElement,
                      document.querySelector('[data-testid="stMain"]')]
               .map((el) => el.scrollHeight - el.clientHeight)"""
        )
        assert tab.evaluate(SLIDER) == 0
        generation = tab.locator(f".st-key-{style.GENERATION_KEY}")
        before = generation.inner_text()
        tab.locator(".st-key-present_next_lab_histogram button").click()
        tab.wait_for_function(f"({SLIDER})() === 1", timeout=15_000)
        after = generation.inner_text()
    finally:
        context.close()
    assert not errors, errors
    assert projected >= 1.3 * normal, (projected, normal)
    assert max(overflow) <= 0, overflow  # nothing to scroll at 1920x1080
    assert before != after


def test_every_other_page_fits_the_projector(app_url, browser):
    """Words, digits, readers and maths in ``?present=1``: nothing to scroll at 1920x1080
    (the lab, the story and the mould have their own checks)."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    overflow = {}
    try:
        for path in ("words", "digits", "readers", "maths"):
            tab.goto(f"{app_url}/{path}?lang=fr&present=1")
            _settle(tab)
            overflow[path] = tab.evaluate(
                """() => [document.documentElement,
                          document.querySelector('[data-testid="stMain"]')]
                   .map((el) => el.scrollHeight - el.clientHeight)"""
            )
    finally:
        context.close()
    assert not errors, errors
    assert {path: max(o) for path, o in overflow.items() if max(o) > 0} == {}


# What a visitor who asked for less motion sees of the lab's animated chart.
MOTION = """() => {
  const shown = (selector) => [...document.querySelectorAll(selector)]
    .filter((el) => el.offsetParent !== null);
  const still = shown('[class*="st-key-still_view_"] .js-plotly-plot');
  return {
    animations: shown('[class*="st-key-motion_view_"] .js-plotly-plot').length,
    stills: still.length,
    panels: still.length ? Object.keys(still[0]._fullLayout._plots).length : 0,
  };
}"""


@pytest.fixture(scope="module")
def lab_visit(app_url, browser, tmp_path_factory):
    """One visit to the lab by someone who asked for less motion: what the chart area
    shows, and the two HTML exports, downloaded the way a visitor does (one click each)."""
    folder = tmp_path_factory.mktemp("exports")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, reduced_motion="reduce")
    tab = context.new_page()
    files = {}
    try:
        tab.goto(f"{app_url}/lab?lang=fr")
        _settle(tab)
        # The still grid comes after the charts above it: wait until it is drawn too (a
        # grid that never shows makes this time out, and the test fail).
        tab.wait_for_function(
            """() => { const el = document.querySelector(
                 '[class*="st-key-still_view_"] .js-plotly-plot');
               return el && el._fullLayout && el.offsetParent !== null; }""",
            timeout=30_000,
        )
        motion = tab.evaluate(MOTION)
        for variant, key in (("inline", "export_html_lab"), ("cdn", "export_cdn_lab")):
            with tab.expect_download(timeout=30_000) as download:
                tab.locator(f".st-key-{key} button").first.click()
            files[variant] = folder / download.value.suggested_filename
            download.value.save_as(files[variant])
    finally:
        context.close()
    return {"files": files, "motion": motion}


def test_less_motion_gets_still_pictures_instead_of_the_animation(lab_visit):
    motion = lab_visit["motion"]
    assert motion["animations"] == 0 and motion["stills"] == 1
    assert motion["panels"] >= 4  # several chosen generations side by side


@pytest.mark.parametrize("variant", ["inline", "cdn"])
def test_the_exported_animation_plays_from_disk(lab_visit, page, variant):
    # Plotly's CDN is out of reach here: serve the same plotly.js the inlined file carries.
    bundle = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    served = []

    def cdn(route):
        served.append(route.request.url)
        route.fulfill(body=bundle.read_bytes(), content_type="text/javascript")

    page.route("https://cdn.plot.ly/**", cdn)
    page.goto(lab_visit["files"][variant].as_uri())
    page.wait_for_function(f"({SLIDER})() === 0", timeout=15_000)
    assert page.evaluate("document.documentElement.lang") == "fr"
    assert bool(served) == (variant == "cdn")  # the inlined file needs no network
    page.locator(".updatemenu-button").first.click()
    page.wait_for_function(f"({SLIDER})() > 0", timeout=10_000)
