"""The embed that sizes itself, in headless Chromium: a news article on another origin (a
second loopback port) iframes the app or the standalone export, with pym.js itself
(``pym.Parent``) or with the share panel's own snippet as the host script. After the page
settles the iframe is as tall as its content and shows no inner scrollbar; unfolding a
table makes it grow; a page that is not in a frame sends nothing; the messages are
throttled; hostile values of pym.js's keys get no notice and no markup."""

from __future__ import annotations

import http.server
import json
import threading
import time
from urllib.parse import urlencode

import numpy as np
import plotly.graph_objects as go
import pytest

from lib import export
from lib.embed import APP_CONTENT, EXPORT_CONTENT
from lib.figures.theme import play_controls
from tests.browser.node_tools import PYM, node_file
from tests.conftest import free_port, wait_for_app
from ui import share

pytestmark = pytest.mark.browser

FIT_PX = 16  # the iframe is as tall as its content within this many pixels
CHILD_ID = "copy-chart"

# The article's side: every message the iframe sends, with its arrival time.
RECORDER = """<script>
window.copyMessages = [];
window.addEventListener("message", (event) => {
  window.copyMessages.push({ at: performance.now(), data: event.data });
});
</script>"""

# Inside the frame: how far the content's bottom edge is from the frame's bottom, and
# every box that scrolls (the document, Streamlit's main column, anything else).
FIT = """(selector) => {
  const content = document.querySelector(selector);
  const boxes = [document.documentElement, document.body, ...document.querySelectorAll("*")]
    .filter((el, i, all) => el instanceof HTMLElement && all.indexOf(el) === i);
  const scrolling = boxes.filter((el) => {
    if (el !== document.documentElement && el !== document.body
        && !/(auto|scroll)/.test(getComputedStyle(el).overflowY)) return false;
    return el.clientHeight > 0 && el.scrollHeight - el.clientHeight > 1;
  }).map((el) => `${el.tagName} ${el.dataset.testid || ""} ${el.scrollHeight}>${el.clientHeight}`);
  return {
    frame: window.innerHeight,
    content: content ? content.getBoundingClientRect().bottom : null,
    scrolling,
  };
}"""

CHARTS_DRAWN = """() => { const charts = [...document.querySelectorAll('.js-plotly-plot')]
  .filter((chart) => chart.offsetParent !== null);
  return charts.length > 0 && charts.every((el) => el._fullLayout && el.querySelector('.main-svg'));
}"""


class _Site(http.server.BaseHTTPRequestHandler):
    """Serves the files a test put in ``self.server.files`` (path -> (bytes, type))."""

    def do_GET(self):
        body, kind = self.server.files.get(self.path.split("?")[0], (b"not here", "text/plain"))
        self.send_response(200 if body != b"not here" else 404)
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Site:
    def __init__(self):
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), _Site)
        # a browser asks every site for its icon: a 404 would be a console error
        self.server.files = {"/favicon.ico": (b"", "image/x-icon")}
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def put(self, path: str, body: str | bytes, kind: str = "text/html") -> str:
        self.server.files[path] = (body.encode() if isinstance(body, str) else body, kind)
        return self.url + path

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def article():
    """The news site: another origin than the app's, serving pym.js and the articles."""
    site = Site()
    site.put("/pym.v1.min.js", node_file(PYM).read_bytes(), "text/javascript")
    yield site
    site.close()


@pytest.fixture(scope="module")
def files():
    """A third origin, where an editor put the standalone export."""
    site = Site()
    yield site
    site.close()


def _article_page(site: Site, host: str, src: str, name: str) -> str:
    """An article that embeds ``src`` with pym.js or with the share panel's snippet."""
    if host == "pym":
        embed = (
            f'<div id="{CHILD_ID}"></div><script src="/pym.v1.min.js"></script>'
            f"<script>new pym.Parent({json.dumps(CHILD_ID)}, {json.dumps(src)}, "
            '{title: "chart"});</script>'
        )
    else:
        embed = share.responsive_snippet(src, title="chart")
    page = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<link rel='icon' href='data:,'>"
        f"<title>Article</title>{RECORDER}</head><body style='margin:0'>"
        f"<h1>An article</h1>{embed}<p>The article goes on.</p></body></html>"
    )
    return site.put(f"/{name}.html", page)


def _frame(page, origin: str):
    page.wait_for_selector("iframe", state="attached", timeout=15_000)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        for frame in page.frames:
            if frame.url.startswith(origin):
                return frame
        page.wait_for_timeout(100)
    raise AssertionError(f"no frame from {origin}")


def _iframe_height(page) -> float:
    return page.evaluate("document.querySelector('iframe').getBoundingClientRect().height")


def _settled_height(page, quiet: float = 1.5, timeout: float = 30) -> float:
    """The iframe's height once it has not changed for ``quiet`` seconds."""
    deadline = time.monotonic() + timeout
    last, since = None, time.monotonic()
    while time.monotonic() < deadline:
        height = _iframe_height(page)
        if height != last:
            last, since = height, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return height
        page.wait_for_timeout(200)
    raise AssertionError(f"the iframe's height never settled (last {last})")


def _assert_fits(page, frame, selector: str) -> dict:
    height = _settled_height(page)
    fit = frame.evaluate(FIT, selector)
    assert fit["content"] is not None, f"no {selector} in the frame"
    assert abs(fit["frame"] - height) <= 1  # the frame's window is the iframe
    assert fit["scrolling"] == [], fit  # nothing scrolls inside the frame
    assert fit["frame"] - fit["content"] <= FIT_PX, fit  # no blank band under the content
    return fit


def _messages(page) -> list:
    return page.evaluate("window.copyMessages.map((m) => m.data)")


def _size_messages(page) -> tuple[list[int], list[str]]:
    data = _messages(page)
    amp = [m["height"] for m in data if isinstance(m, dict) and m.get("sentinel") == "amp"]
    pym = [m for m in data if isinstance(m, str) and m.startswith("pymxPYMx")]
    return amp, pym


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("host", ["pym", "snippet"])
@pytest.mark.parametrize("path", ["", "lab"], ids=["story", "lab"])
def test_the_embedded_page_is_as_tall_as_its_content(app_url, article, page, path, host, width):
    page.set_viewport_size({"width": width, "height": 740})
    src = f"{app_url}/{path}?embed=true&lang=fr"
    page.goto(_article_page(article, host, src, f"{host}-{path or 'story'}"))
    frame = _frame(page, app_url)
    wait_for_app(frame)
    frame.wait_for_function(CHARTS_DRAWN, timeout=30_000)
    fit = _assert_fits(page, frame, APP_CONTENT)
    assert fit["frame"] > 300  # a chart, not a sliver
    amp, pym = _size_messages(page)
    assert amp and amp[-1] == pytest.approx(fit["frame"], abs=1)
    if host == "pym":  # pym.js gave the page its child id, and the page used it
        assert pym and pym[-1] == f"pymxPYMx{CHILD_ID}xPYMxheightxPYMx{amp[-1]}"
    else:  # no pym.js, no child id: AMP's format alone
        assert pym == []


def test_unfolding_the_table_makes_the_frame_grow(app_url, article, page):
    page.set_viewport_size({"width": 360, "height": 740})
    src = f"{app_url}/lab?embed=true&lang=en"
    page.goto(_article_page(article, "snippet", src, "unfold"))
    frame = _frame(page, app_url)
    wait_for_app(frame)
    frame.wait_for_function(CHARTS_DRAWN, timeout=30_000)
    folded = _assert_fits(page, frame, APP_CONTENT)["frame"]
    frame.locator("[class*='st-key-table_'] summary").first.click()
    frame.locator("[class*='st-key-table_'] table").first.wait_for(timeout=30_000)
    wait_for_app(frame)
    unfolded = _assert_fits(page, frame, APP_CONTENT)["frame"]
    assert unfolded > folded + 100, (folded, unfolded)  # a table of key generations


def _animated_export(lang: str = "fr") -> str:
    names = [str(g) for g in range(6)]
    heights = np.linspace(1.0, 0.2, 6)[:, None] * np.ones((6, 5))
    fig = go.Figure(
        data=[go.Bar(x=list(range(5)), y=heights[0])],
        frames=[
            go.Frame(name=n, data=[{"type": "bar", "y": row}])
            for n, row in zip(names, heights, strict=True)
        ],
        layout=play_controls(names, play_label="Lecture", pause_label="Pause", slider_prefix="G "),
    )
    return export.standalone_html(fig, title="Copie de copie", lang=lang, caption="Une légende.")


@pytest.fixture(scope="module")
def exported(files):
    """The standalone export (plotly.js inlined), on the editor's own server."""
    return files.put("/copy-of-a-copy.html", _animated_export())


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("host", ["pym", "snippet"])
def test_the_standalone_export_sizes_itself(article, files, exported, page, host, width):
    page.set_viewport_size({"width": width, "height": 740})
    page.goto(_article_page(article, host, exported, f"export-{host}"))
    frame = _frame(page, files.url)
    frame.wait_for_function(CHARTS_DRAWN, timeout=30_000)
    fit = _assert_fits(page, frame, EXPORT_CONTENT)
    assert fit["frame"] > 400
    amp, pym = _size_messages(page)
    assert amp[-1] == pytest.approx(fit["frame"], abs=1)
    assert bool(pym) == (host == "pym")


def test_the_messages_are_throttled(article, files, exported, page):
    """Content that changes every frame for two seconds: at most four messages a second."""
    page.goto(_article_page(article, "snippet", exported, "throttle"))
    frame = _frame(page, files.url)
    frame.wait_for_function(CHARTS_DRAWN, timeout=30_000)
    _settled_height(page)
    start = page.evaluate("performance.now()")
    frame.evaluate(
        """() => new Promise((done) => {
          const grower = document.querySelector("main").appendChild(
            document.createElement("div"));
          let step = 0;
          const timer = setInterval(() => {
            step += 1;
            grower.style.height = (step % 40) * 3 + "px";
          }, 20);
          setTimeout(() => { clearInterval(timer); done(step); }, 2000);
        })"""
    )
    page.wait_for_timeout(600)
    times = page.evaluate(
        "(start) => window.copyMessages.filter((m) => m.at >= start"
        " && m.data && m.data.sentinel === 'amp').map((m) => m.at)",
        start,
    )
    # "a few messages a second": five at most over the 2.6 s watched, and one to spare
    assert 3 <= len(times) <= 5 * 2.6 + 1, len(times)


# A page opened on its own (not in a frame) must stay silent: every message it would post
# to its parent would land on itself.
SILENT = """
window.copySent = [];
const post = window.postMessage.bind(window);
window.postMessage = (data, ...rest) => { window.copySent.push(data); return post(data, ...rest); };
"""
SIZE_SENT = """() => window.copySent.filter((data) =>
  (data && data.sentinel === "amp") || (typeof data === "string" && data.startsWith("pymx")))"""


def test_a_page_not_in_a_frame_sends_nothing(app_url, files, exported, page):
    page.add_init_script(SILENT)
    page.goto(f"{app_url}/lab?embed=true&lang=fr&childId={CHILD_ID}")
    wait_for_app(page)
    page.wait_for_function(CHARTS_DRAWN, timeout=30_000)
    page.set_viewport_size({"width": 700, "height": 700})  # a change it would report
    page.wait_for_timeout(1500)
    assert page.evaluate(SIZE_SENT) == []
    page.goto(f"{exported}?childId={CHILD_ID}")
    page.wait_for_function(CHARTS_DRAWN, timeout=30_000)
    page.set_viewport_size({"width": 400, "height": 700})
    page.wait_for_timeout(1500)
    assert page.evaluate(SIZE_SENT) == []


# pym.js's keys, as a hostile article (or a hand-edited address) could fill them.
HOSTILE = {
    "initialWidth": "1e999<b>copyHostileWidth</b>",
    "childId": '"><img src=x onerror="window.copyPwned=1">copyHostileId',
    "parentTitle": "<script>window.copyPwned=2</script>copyHostileTitle",
    "parentUrl": "javascript:window.copyPwned=3//copyHostileUrl",
}
NOTICES = "[data-testid='stAlert']"
NO_MARKUP = """() => ({
  pwned: window.copyPwned === undefined ? null : window.copyPwned,
  markers: ["copyHostile", "copyPwned"].filter((marker) =>
    document.documentElement.outerHTML.includes(marker)
    || document.body.innerText.includes(marker)),
  images: document.querySelectorAll("img[src='x']").length,
})"""


def test_hostile_pym_keys_get_no_notice_and_no_markup(app_url, article, page):
    # On its own, beside a value that does deserve a notice: that one alone is shown.
    query = urlencode({"lang": "en", "samples": "lots", **HOSTILE})
    page.goto(f"{app_url}/lab?{query}")
    wait_for_app(page)
    notices = page.locator(NOTICES)
    assert notices.count() == 1
    assert "lots" in notices.first.inner_text()
    assert page.evaluate(NO_MARKUP) == {"pwned": None, "markers": [], "images": 0}
    # Embedded in an article: no notice, no markup, still sized; the hostile child id is
    # dropped, so no pym.js message carries it.
    src = f"{app_url}/lab?{urlencode({'embed': 'true', 'lang': 'fr', **HOSTILE})}"
    page.goto(_article_page(article, "snippet", src, "hostile"))
    frame = _frame(page, app_url)
    wait_for_app(frame)
    frame.wait_for_function(CHARTS_DRAWN, timeout=30_000)
    _assert_fits(page, frame, APP_CONTENT)
    assert frame.locator(NOTICES).count() == 0
    assert frame.evaluate(NO_MARKUP) == {"pwned": None, "markers": [], "images": 0}
    amp, pym = _size_messages(page)
    assert amp and pym == []
    assert page.evaluate("window.copyPwned") is None
    # the article's own snippet escaped the address: one iframe, no injected image
    assert page.locator("img").count() == 0
