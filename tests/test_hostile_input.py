"""Anyone can edit a URL: every page, every URL key and the language key, fuzzed.

Hypothesis writes the query strings (huge numbers, NaN, infinities, negatives, empty
values, repeated keys, HTML and script text, unknown keys); AppTest runs the page. No
exception; one translated notice for every value the registry replaced; URL text never
reaches an element allowed to render HTML. A browser check (tests/browser/
test_hostile_browser.py's cousin below, marked ``browser``) makes sure a script-laden URL
executes nothing.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from lib import params as registry
from lib.i18n import t, use_language
from tests.conftest import ROOT, wait_for_app
from ui import chrome

APP = str(ROOT / "app.py")
MARK = "zq7x"  # in every hostile markup string, to find it wherever it lands
HOSTILE_TEXT = (
    f"<script>window.{MARK}=1</script>",
    f'"><img src=x onerror="window.{MARK}=1">',
    f"<b>{MARK}</b>",
    f"[{MARK}](javascript:alert(1))",
    f"![{MARK}](/nope.png)",
    f"{{{MARK}}}",  # a format placeholder
    "%s%d{0}",
)
NUMBERS = (
    "1e308",
    "-1e309",
    "inf",
    "-inf",
    "nan",
    "NaN",
    "-0",
    "9" * 40,
    "-12",
    "0x10",
    "1_000",
    "50%",
    "0,5",
    "",
    " ",
    "\u0661\u0662",  # Arabic-Indic digits
)
KEYS = (*tuple(registry.REGISTRY), "page", "utm_source", "__proto__")

values = st.one_of(
    st.sampled_from(NUMBERS),
    st.sampled_from(HOSTILE_TEXT),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(max_size=80),
)
queries = st.dictionaries(
    st.sampled_from(KEYS),
    st.one_of(values, st.lists(values, min_size=2, max_size=3)),  # a list: a repeated key
    max_size=6,
)


def _notices_expected(query: dict, page: str, lang: str) -> list[str]:
    """What the page must say: one translated line per value the registry replaced."""
    _, notices = registry.parse(query, page)
    use_language(lang)
    return [
        t(
            f"notice.{n.reason}",
            name=t(f"param.{n.key}.label"),
            raw=n.raw,
            value=chrome.format_value(n.key, n.value),
        )
        for n in notices
    ]


def _html_bodies(at: AppTest) -> list[str]:
    bodies = [m.value for m in at.markdown if m.proto.allow_html]
    return bodies + [h.proto.body for h in at.get("html")]


def _run(page_script: str, query: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if page_script != "pages/story.py":
        at.switch_page(page_script)
        at.run()
    return at


FUZZ = settings(
    max_examples=6,
    deadline=None,
    derandomize=True,  # the same examples on every run: a failure reproduces
    suppress_health_check=[HealthCheck.too_slow],
)


@pytest.mark.parametrize(("page", "script"), [(name, script) for name, script, *_ in chrome.PAGES])
@FUZZ
@given(query=queries)
def test_a_hostile_url_is_replaced_and_said_never_raised(page, script, query):
    at = _run(script, query)
    assert not at.exception, [e.value for e in at.exception]
    lang = at.session_state["_view_lang"]
    assert lang in ("en", "fr")
    shown = [info.body for info in at.info]
    for notice in _notices_expected(query, page, lang):
        assert notice in shown, (notice, shown)
    for body in _html_bodies(at):
        assert MARK not in body, body


@pytest.mark.parametrize(("page", "script"), [(name, script) for name, script, *_ in chrome.PAGES])
@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_markup_in_every_key_of_a_page_is_inert(page, script, text):
    """The same hostile text in every key the page reads, and in the language key."""
    query = {key: text for key in registry.PAGE_PARAMS[page]}
    at = _run(script, query)
    assert not at.exception, [e.value for e in at.exception]
    for body in _html_bodies(at):
        assert MARK not in body, body
    shown = [info.body for info in at.info]
    lang = at.session_state["_view_lang"]
    for notice in _notices_expected(query, page, lang):
        assert notice in shown


# ------------------------------------------------------------------------------ browser
@pytest.mark.browser
@pytest.mark.parametrize("path", ["", "lab", "maths", "no-such-page"])
def test_a_script_laden_url_executes_nothing(app_url, page, path):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    hostile = {
        "lang": "<script>alert(1)</script>",
        "source": f'"><img src=x onerror="window.{MARK}=1;alert(2)">',
        "seed": f"<svg onload=window.{MARK}=1>",
        "samples": f"[{MARK}](javascript:window.{MARK}=1)",
        "generations": f"![{MARK}](/{MARK}.png)",
    }
    from urllib.parse import urlencode

    page.goto(f"{app_url}/{path}?{urlencode(hostile)}")
    wait_for_app(page, timeout=60_000)
    page.wait_for_timeout(500)
    assert page.evaluate(f"() => window.{MARK} === undefined")
    assert dialogs == []
    main = page.locator("[data-testid='stMain']")
    # No element that URL text could have created: images, links, svg, scripts of ours.
    assert main.locator(f"img[src*='{MARK}'], a[href^='javascript'], svg[onload]").count() == 0
    assert page.locator(f"script:has-text('{MARK}')").count() == 0
