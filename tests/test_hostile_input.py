"""Anyone can edit a URL: every page, every URL key and the language key, fuzzed.

Hypothesis writes the query strings (huge numbers, NaN, infinities, negatives, empty
values, repeated keys, HTML and script text, unknown keys); AppTest runs the page through
the router, as a visitor's first load of ``/<page>?...`` does. No exception; one
translated notice for every value the registry replaced (the language key included); URL
text never reaches an element allowed to render HTML. A browser check at the end makes sure
a script-laden URL executes nothing and creates no element, on real pages and an unknown one.

The registry itself is fuzzed with hundreds of examples in tests/test_params.py (values
always valid, never raises); here each example costs a page run, so few examples per page:
random queries (which a costly key's high values would make slow: those are negated), and
for each page and each end of the ranges, queries that put every number the page reads
past that end at once (the high end included: the clamped run is the page's largest, and
it repeats, so the page's cache answers after the first), checking the clamped value and
its notice for every key.
"""

from __future__ import annotations

import math
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from lib import params as registry
from lib.i18n import t, use_language
from tests.conftest import ROOT, painted, wait_for_app
from ui import chrome

APP = str(ROOT / "app.py")
PAGES = [(name, script) for name, script, *_ in chrome.PAGES]
MARK = "zq7x"  # in every hostile markup string, to find it wherever it lands
HOSTILE_TEXT = (
    f"<script>window.{MARK}=1</script>",
    f'"><img src=x onerror="window.{MARK}=1">',
    f"<b>{MARK}</b>",
    f"[{MARK}](javascript:alert(1))",
    f"![{MARK}](/nope.png)",
    f"{{{MARK}}}",  # a format placeholder
    f"${MARK}$ :red[{MARK}] :material/{MARK}:",  # Streamlit's own markdown extensions
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
    "1" * 80,  # longer than the registry looks at
)
KEYS = (*tuple(registry.REGISTRY), "page", "utm_source", "__proto__")
# Keys whose largest value is a page's largest run (timed by bench/engine.py, digits.py).
COSTLY = ("samples", "generations", "points", "components")

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
    min_size=1,
    max_size=6,
)


def _cheap_end(query: dict) -> dict:
    """A costly key's too-large value, negated: the same path through the registry
    (``out_of_range``, a notice) ends at the cheap end instead of the page's largest run,
    which would make each example cost seconds."""
    result = {}
    for key, raw in query.items():
        items = [raw] if isinstance(raw, str) else list(raw)
        if key in COSTLY:
            items = [_negated_if_large(key, item) for item in items]
        result[key] = items[0] if isinstance(raw, str) else items
    return result


def _negated_if_large(key: str, raw: str) -> str:
    try:
        number = float(raw.strip().replace(",", ".").rstrip("%"))
    except ValueError:
        return raw
    if math.isnan(number) or number <= registry.REGISTRY[key].low:
        return raw
    return "-" + raw.strip() if number > 0 else raw


def _notices_expected(query: dict, page: str, lang: str) -> list[str]:
    """What the page must say: one translated line per value the registry replaced.

    ``embed`` never reaches the page: Streamlit keeps it out of ``st.query_params`` and
    answers ``st.context.is_embedded`` from it itself.
    """
    _, notices = registry.parse({k: v for k, v in query.items() if k != "embed"}, page)
    use_language(lang)
    return [
        t(
            f"notice.{n.reason}",
            name=t(f"param.{n.key}.label"),
            raw=chrome.inert(n.raw),
            value=chrome.format_value(n.key, n.value),
        )
        for n in notices
    ]


def _html_bodies(at: AppTest) -> list[str]:
    bodies = [m.value for m in at.markdown if m.proto.allow_html]
    return bodies + [h.proto.body for h in at.get("html")]


def _run(script: str, query: dict) -> AppTest:
    """One run of ``/<page>?<query>`` through the router, the URL untouched before it.

    ``switch_page`` before the first run names the page by its file, which is its url_path
    here (the Story is the default page), so the router registers every page (links work)
    and the page reads the hostile URL as it arrives.
    """
    at = AppTest.from_file(APP, default_timeout=60)
    if script != "app_pages/story.py":
        at.switch_page(script)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    return painted(at)


def _check(at: AppTest, page: str, query: dict) -> list[str]:
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["_seeded_page"] == page  # the page asked for, not the Story
    lang = at.session_state["_view_lang"]
    assert lang in ("en", "fr")
    shown = [info.body for info in at.info]
    expected = _notices_expected(query, page, lang)
    for notice in expected:
        assert notice in shown, (notice, shown)
    for body in _html_bodies(at):
        assert MARK not in body, body
    return expected


FUZZ = settings(
    max_examples=2,
    deadline=None,
    derandomize=True,  # the same examples on every run: a failure reproduces
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: each step would cost a page run
    suppress_health_check=[HealthCheck.too_slow],
)


@pytest.mark.parametrize(("page", "script"), PAGES)
@FUZZ
@given(query=queries)
def test_a_hostile_url_is_replaced_and_said_never_raised(page, script, query):
    query = _cheap_end(query)
    _check(_run(script, query), page, query)


@pytest.mark.parametrize(("page", "script"), PAGES)
def test_markup_in_every_key_of_a_page_is_inert(page, script):
    """A different hostile text in every key the page reads, the language key included:
    one notice each, in one run."""
    keys = sorted(registry.PAGE_PARAMS[page])
    query = {key: HOSTILE_TEXT[i % len(HOSTILE_TEXT)] for i, key in enumerate(keys)}
    at = _run(script, query)
    expected = _check(at, page, query)
    # Every key the page reads is either a choice, a number or a flag: none takes text.
    assert len(expected) == len(keys) - 1  # all but ``embed``, Streamlit's own
    assert expected  # the language key at least
    shown = " ".join(info.body for info in at.info)
    for text in {query[key] for key in keys if key != "embed"}:
        # The visitor's text is shown verbatim in a code span, never interpreted.
        assert f"`{text}`" in shown


# ------------------------------------------------------------------------------ browser
@pytest.mark.browser
# An unknown page runs the Story (the main page) with the same hostile query.
@pytest.mark.parametrize("path", ["lab", "no-such-page"])
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
    page.goto(f"{app_url}/{path}?{urlencode(hostile)}")
    wait_for_app(page, timeout=60_000)
    page.wait_for_timeout(500)
    assert page.evaluate(f"() => window.{MARK} === undefined")
    assert dialogs == []
    main = page.locator("[data-testid='stMain']")
    # No element that URL text could have created: images, links, svg, scripts of ours.
    assert main.locator(f"img[src*='{MARK}'], a[href^='javascript'], svg[onload]").count() == 0
    assert page.locator(f"script:has-text('{MARK}')").count() == 0
    # The URL's text is on the page, as text: the notices quote it.
    quoted = main.locator("[data-testid='stAlert'] code").all_inner_texts()
    for key in ("source", "seed", "samples", "generations"):
        assert hostile[key] in quoted, (key, quoted)
    if path == "no-such-page":  # Streamlit says so in the console, and runs the Story
        page.console_errors[:] = [
            e for e in page.console_errors if "does not seem to exist" not in e
        ]


# ------------------------------------------------------------ both ends of every knob
def _numbers(page: str) -> dict[str, registry.Number]:
    """The page's numbers that every setting takes. An optional one (``real_weight``)
    only applies with a share of real data strictly between 0 and 1, which pushing every
    number past the same end never gives: ``test_an_optional_number_is_clamped_too``."""
    return {
        key: param
        for key, param in registry.PAGE_PARAMS[page].items()
        if isinstance(param, registry.Number) and not param.optional
    }


def _beyond(param: registry.Number, side: str) -> st.SearchStrategy[str]:
    """Raw URL text for a number past one end of ``param``'s range (as the page narrows
    it): integers, decimals, exponents and infinities, all of which the page must clamp."""
    if side == "low":
        ints = st.integers(min_value=-(10**30), max_value=math.ceil(param.low) - 1)
        floats = st.floats(max_value=param.low, exclude_max=True, allow_nan=False)
        edge = st.sampled_from(("-inf", "-1e308", f"{param.low - param.step / 2:g}"))
    else:
        ints = st.integers(min_value=math.floor(param.high) + 1, max_value=10**30)
        floats = st.floats(min_value=param.high, exclude_min=True, allow_nan=False)
        edge = st.sampled_from(("inf", "1e308", "9" * 40, f"{param.high + param.step / 2:g}"))
    return st.one_of(edge, ints.map(str), floats.map(repr)).filter(
        lambda raw: len(raw) <= registry.MAX_RAW_LENGTH
    )


def _past_one_end(page: str, side: str) -> st.SearchStrategy[dict]:
    """A query that puts every number the page reads past ``side``, in either language."""
    return st.fixed_dictionaries(
        {
            "lang": st.sampled_from(("en", "fr")),
            **{key: _beyond(param, side) for key, param in _numbers(page).items()},
        }
    )


ENDS = settings(
    max_examples=3,  # each hits every number of the page at once; the clamped runs repeat,
    deadline=None,  # so after the first the page's cache answers
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)


@pytest.mark.parametrize("side", ["low", "high"])
@pytest.mark.parametrize(("page", "script"), [(p, s) for p, s in PAGES if _numbers(p)])
@ENDS
@given(data=st.data())
def test_every_number_of_a_page_is_clamped_at_both_ends_and_said(page, script, side, data):
    query = data.draw(_past_one_end(page, side), label="query")
    at = _run(script, query)
    _check(at, page, query)  # no exception, and one translated notice per number
    use_language(query["lang"])
    shown = [info.body for info in at.info]
    for key, param in _numbers(page).items():
        end = param.low if side == "low" else param.high
        expected = round(end) if param.integer else float(end)
        assert at.session_state[key] == expected, (key, query[key], at.session_state[key])
        notice = t(
            "notice.out_of_range",
            name=t(f"param.{key}.label"),
            raw=chrome.inert(query[key]),
            value=chrome.format_value(key, expected),
        )
        assert notice in shown, (key, notice, shown)


@pytest.mark.parametrize(
    ("raw", "expected"), [("-inf", 0.0), ("-3", 0.0), ("1e308", 1.0), ("7", 1.0)]
)
def test_an_optional_number_is_clamped_too(raw, expected):
    query = {"lang": "fr", "real_fraction": "0.5", "real_weight": raw}
    at = _run("app_pages/lab.py", query)
    _check(at, "lab", query)
    use_language("fr")
    assert at.session_state["real_weight"] == expected
    notice = t(
        "notice.out_of_range",
        name=t("param.real_weight.label"),
        raw=chrome.inert(raw),
        value=chrome.format_value("real_weight", expected),
    )
    assert notice in [info.body for info in at.info]
