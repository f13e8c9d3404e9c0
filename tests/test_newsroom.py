"""Newsroom and classroom: the share snippet (escaped, exact), the exports (HTML, CSV), the
still pictures, the presentation stepping, and the declarative list of what each mode hides."""

from __future__ import annotations

import csv
import html
import io
import re
from html.parser import HTMLParser

import numpy as np
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from lib import embed, export, params
from lib.figures import small_multiples
from lib.figures.theme import play_controls
from lib.i18n import use_language
from ui import chrome, share, style
from ui.present import at_frame

PATHS = [path for _, _, path, _ in chrome.PAGES]


class _Tags(HTMLParser):
    """Every start tag with its attributes, as a browser would parse them."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _parse(text: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(text)
    return parser.tags


# --- addresses and the snippet -------------------------------------------------------


def test_the_base_drops_the_page_path_and_the_query():
    url = "https://news.example.org/apps/copy/lab"
    assert share.app_base(url, None, PATHS) == "https://news.example.org/apps/copy"
    assert share.app_base("http://127.0.0.1:8501/", None, PATHS) == "http://127.0.0.1:8501"
    assert share.app_base(None, "example.org:8080", PATHS) == "http://example.org:8080"
    assert share.app_base(None, None, PATHS) == share.DEFAULT_BASE


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("javascript:alert(1)//lab", None),
        ('http://evil.example"><script>alert(1)</script>/lab', None),
        (None, 'evil"><script>'),
        (None, "a b"),
    ],
)
def test_a_strange_address_or_host_falls_back_to_the_default(url, host):
    assert share.app_base(url, host, PATHS) == share.DEFAULT_BASE


def test_query_values_are_percent_encoded():
    url = share.view_url("http://h", "lab", {"a": '"><script>&x=1', "lang": "fr"})
    assert url == "http://h/lab?a=%22%3E%3Cscript%3E%26x%3D1&lang=fr"
    assert share.view_url("http://h/", "", {}) == "http://h/"


def test_the_snippet_has_every_attribute_and_nothing_else():
    src = "http://h/lab?embed=true&lang=fr&samples=30"
    snippet = share.iframe_snippet(src, title="Copie de copie : le labo", height=600)
    tags = _parse(snippet)
    assert [tag for tag, _ in tags] == ["iframe"]
    attrs = tags[0][1]
    assert attrs["src"] == src  # the parser unescapes &amp; back to &
    assert "&amp;lang=fr" in snippet
    assert attrs["width"] == "100%"
    assert attrs["height"] == "600"
    assert attrs["title"] == "Copie de copie : le labo"
    assert attrs["loading"] == "lazy"
    assert snippet.endswith("></iframe>")


def test_the_snippet_cannot_be_broken_out_of():
    hostile = 'x" onload="alert(1)"><script>alert(2)</script><iframe src="'
    snippet = share.iframe_snippet("http://h/?a=" + hostile, title=hostile)
    tags = _parse(snippet)
    assert [tag for tag, _ in tags] == ["iframe"]
    assert "onload" not in tags[0][1]
    assert tags[0][1]["title"] == hostile  # kept as text, intact
    assert "<script" not in snippet
    assert html.unescape(tags[0][1]["src"]) == "http://h/?a=" + hostile


# --- the CSV ---------------------------------------------------------------------------


def test_the_csv_has_one_row_a_generation_and_round_trips():
    spread = np.array([1.0, 0.987654321, 0.5, np.nan])
    tails = np.array([0.05, 0.04, 0.0, 0.0])
    text = export.measures_csv({"spread": spread, "mass in the tails": tails}, "generation")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["generation", "spread", "mass in the tails"]
    assert [row[0] for row in rows[1:]] == ["0", "1", "2", "3"]
    assert float(rows[2][1]) == pytest.approx(0.987654321, rel=1e-9)
    assert rows[4][1] == ""  # NaN: an empty cell, not "nan"
    assert "," not in rows[2][1]  # a dot for decimals, whatever the language


def test_a_header_with_a_comma_or_quote_stays_one_column():
    text = export.measures_csv({'distance, "KS"': [0.1, 0.2]}, "génération")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["génération", 'distance, "KS"']
    assert len(rows) == 3


def test_uneven_or_two_dimensional_measures_are_refused():
    with pytest.raises(ValueError):
        export.measures_csv({"a": [1, 2], "b": [1, 2, 3]}, "generation")
    with pytest.raises(ValueError):
        export.measures_csv({"a": np.zeros((3, 2))}, "generation")


# --- the standalone HTML ---------------------------------------------------------------


def _animated(generations: int = 8) -> go.Figure:
    rng = np.random.default_rng(3)
    names = [str(g) for g in range(generations + 1)]
    heights = rng.random((generations + 1, 5))
    fig = go.Figure(
        data=[
            go.Bar(x=list(range(5)), y=heights[0], name="synthetic"),
            go.Scatter(x=list(range(5)), y=[0.5] * 5, name="real"),
        ],
        frames=[
            go.Frame(name=name, data=[{"type": "bar", "y": row}], traces=[0])
            for name, row in zip(names, heights, strict=True)
        ],
        layout=play_controls(names, play_label="Play", pause_label="Pause", slider_prefix="G "),
    )
    fig._test_heights = heights  # the arrays the frames were made of
    return fig


_INLINE_JS = re.compile(r"<script>/\*\*\s*\* plotly\.js v([\d.]+).*?</script>", re.S)
_CDN_JS = re.compile(
    r'<script [^>]*src="https://cdn\.plot\.ly/plotly-([\d.]+)\.min\.js"[^>]*></script>'
)


def _without_plotly_js(page: str) -> str:
    """The page with its plotly.js <script> (inlined or from the CDN) taken out."""
    page = _CDN_JS.sub("", _INLINE_JS.sub("", page))
    return re.sub(r"\s+", " ", page)


def test_the_inlined_export_carries_plotly_and_the_cdn_one_links_it():
    fig = _animated()
    inline = export.standalone_html(fig, title='A <"title">', lang="fr", caption="one & two")
    cdn = export.standalone_html(
        fig, title='A <"title">', lang="fr", caption="one & two", inline=False
    )
    assert len(inline) > 1_000_000  # plotly.js itself is in the file
    assert export.PLOTLY_CDN_PREFIX not in inline
    scripts = [attrs.get("src") for tag, attrs in _parse(cdn) if tag == "script"]
    assert any(src and src.startswith(export.PLOTLY_CDN_PREFIX) for src in scripts)
    assert len(cdn) < 200_000
    # The same plotly.js version, and apart from where it comes from, the same page.
    assert _INLINE_JS.search(inline).group(1) == _CDN_JS.search(cdn).group(1)
    assert _without_plotly_js(inline) == _without_plotly_js(cdn)
    for page in (inline, cdn):
        assert '<html lang="fr">' in page
        assert "<title>A &lt;&quot;title&quot;&gt;</title>" in page
        assert "one &amp; two" in page
        assert export.CHART_ID in page


def test_the_export_does_not_play_on_its_own():
    page = export.standalone_html(_animated(), title="t", inline=False)
    # plotly's auto_play adds a call to Plotly.animate after the figure is drawn
    assert "Plotly.animate" not in page


# --- still pictures and presentation stepping -------------------------------------------


def test_key_generations_include_both_ends_and_stay_in_range():
    assert small_multiples.key_generations(30) == [0, 6, 12, 18, 24, 30]
    assert small_multiples.key_generations(3, 6) == [0, 1, 2, 3]
    assert small_multiples.key_generations(0) == [0]


def test_the_still_grid_shows_the_frames_own_numbers():
    fig = _animated()
    heights = fig._test_heights
    chosen = [0, 4, 8]
    grid = small_multiples.from_animation(fig, chosen, ["G0", "G4", "G8"])
    bars = [trace for trace in grid.data if trace.type == "bar"]
    lines = [trace for trace in grid.data if trace.type == "scatter"]
    assert len(bars) == len(lines) == 3
    for bar, generation in zip(bars, chosen, strict=True):
        np.testing.assert_allclose(bar.y, heights[generation])
    assert len({(bar.xaxis, bar.yaxis) for bar in bars}) == 3  # one panel each
    assert [a.text for a in grid.layout.annotations] == ["<b>G0</b>", "<b>G4</b>", "<b>G8</b>"]


def test_a_figure_s_still_grid_is_built_once_per_language():
    from ui import present

    fig, other = _animated(), _animated()
    use_language("en")
    english = present._still(fig, 3)
    assert present._still(fig, 3) is english  # a cached rerun reuses it
    assert present._still(other, 3) is not english  # another figure gets its own
    use_language("fr")
    french = present._still(fig, 3)
    assert french is not english
    assert [a.text for a in french.layout.annotations] != [
        a.text for a in english.layout.annotations
    ]
    use_language("en")


def test_the_still_grid_from_arrays():
    centers = np.linspace(-1, 1, 4)
    heights = np.arange(12.0).reshape(3, 4)
    fig = small_multiples.small_multiples(
        centers, heights, [0, 2], titles=["a", "b"], real_density=np.ones(4)
    )
    bars = [trace for trace in fig.data if trace.type == "bar"]
    np.testing.assert_allclose(bars[1].y, heights[2])


def test_stepping_shows_the_frame_and_plays_on_from_it():
    fig = _animated()
    staged = at_frame(fig, 5)
    np.testing.assert_allclose(staged.data[0].y, fig._test_heights[5])
    assert staged.data[1].name == "real"  # traces the frames leave alone are kept
    assert staged.layout.sliders[0].active == 5
    play = staged.layout.updatemenus[0].buttons[0]
    assert list(play.args[0]) == ["5", "6", "7", "8"]
    assert len(staged.frames) == len(fig.frames)


# --- what each mode hides: one declarative list -----------------------------------------


def test_every_mode_hides_known_groups_only():
    for groups in chrome.HIDDEN.values():
        assert groups <= set(chrome.GROUPS)
    assert {"controls", "share", "navigation"} <= chrome.HIDDEN["embed"]
    assert {"controls", "share", "navigation"} <= chrome.HIDDEN["present"]


def test_the_stylesheet_hides_the_page_widgets_by_their_registry_keys():
    css = style.stylesheet(
        embed=True, present=False, hidden=chrome.HIDDEN["embed"], controls=["samples", "seed"]
    )
    for selector in (
        ".st-key-samples",
        ".st-key-seed",
        ".st-key-share_panel",
        '[data-testid="stSidebar"]',
        ".st-key-group_prose",
        '[data-testid="stExpander"]:has(.st-key-samples)',  # no empty "Settings" panel
        '[data-testid="stMain"] [data-testid="stCaptionContainer"]',  # side notes
    ):
        assert selector in css
    plain = style.stylesheet(embed=False, present=False, hidden=(), controls=["samples"])
    assert ".st-key-samples" not in plain
    assert "prefers-reduced-motion" in plain
    present = style.stylesheet(embed=False, present=True, hidden=(), controls=())
    assert f"font-size: {style.PRESENT_SCALE * 100:g}%" in present
    assert style.PRESENT_SCALE >= 1.3


# --- in the app --------------------------------------------------------------------------


def _share_codes(at: AppTest) -> list[str]:
    return [code.value for code in at.code]


def _start_page_script(name):
    from ui import chrome

    chrome.start_page(name)


@pytest.mark.parametrize("name", [name for name, _, _, _ in chrome.PAGES])
def test_every_page_offers_the_exact_link_and_snippet(name):
    # start_page alone: the chrome's part of every page, whatever the page draws after it
    at = AppTest.from_function(_start_page_script, args=(name,), default_timeout=60)
    at.query_params["lang"] = "fr"
    at.query_params["seed"] = "7"
    at.run()
    assert not at.exception
    link, responsive, fixed = _share_codes(at)[:3]
    path = dict((n, p) for n, _, p, _ in chrome.PAGES)[name]
    assert link.startswith(f"{share.DEFAULT_BASE}/{path}")
    assert "lang=fr" in link
    assert ("seed=7" in link) == ("seed" in chrome.registry.PAGE_PARAMS[name])
    for snippet in (responsive, fixed):
        attrs = next(attrs for tag, attrs in _parse(snippet) if tag == "iframe")
        assert attrs["src"] == link.replace("?", "?embed=true&", 1)
        assert attrs["loading"] == "lazy" and attrs["width"] == "100%"
        assert attrs["title"].startswith("Copie de copie")
    assert "<script>" in responsive and share.RESIZED_MARK in responsive
    assert "<script" not in fixed  # the fallback survives a CMS that strips scripts
    # one line says which snippet to use, in the visitor's language
    captions = [caption.value for caption in at.caption]
    assert any("premier code" in text and "<script>" in text for text in captions)


def _lab_knob_script():
    from ui import chrome, state
    from ui.widgets import widget

    values = chrome.start_page("lab")
    widget("lab", "samples")
    state.sync_url("lab", values)


def test_the_link_follows_the_knobs_and_a_default_stays_out_of_it():
    at = AppTest.from_function(_lab_knob_script, default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    link = _share_codes(at)[0]
    assert link == f"{share.DEFAULT_BASE}/lab?lang=en"  # defaults only: a short address
    at.select_slider(key="samples").set_value(40).run()
    link, *snippets = _share_codes(at)[:3]
    assert link == f"{share.DEFAULT_BASE}/lab?lang=en&samples=40"
    for snippet in snippets:
        src = next(attrs["src"] for tag, attrs in _parse(snippet) if tag == "iframe")
        assert src == f"{share.DEFAULT_BASE}/lab?embed=true&lang=en&samples=40"


def _stepping_script():
    import numpy as np
    import plotly.graph_objects as go

    from lib.figures.theme import play_controls
    from ui import chrome, present

    chrome.start_page("lab")
    names = [str(g) for g in range(6)]
    fig = go.Figure(
        data=[go.Bar(x=[0, 1], y=[1, 1])],
        frames=[go.Frame(name=n, data=[{"type": "bar", "y": [g, 1]}]) for g, n in enumerate(names)],
        layout=play_controls(names, play_label="Play", pause_label="Pause", slider_prefix=""),
    )
    spread = {"Spread": np.linspace(1.0, 0.5, 6)}
    present.figure(fig, key="demo", summary="The spread halves.", columns=spread, name="demo")


def _slider_active(at: AppTest) -> int:
    import json

    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    return spec["layout"]["sliders"][0]["active"]


def test_the_teacher_steps_one_generation_at_a_time():
    at = AppTest.from_function(_stepping_script, default_timeout=60)
    at.query_params["present"] = "1"
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception
    assert _slider_active(at) == 0
    assert at.button(key="present_previous_demo").disabled
    at.button(key="present_next_demo").click().run()
    at.button(key="present_next_demo").click().run()
    assert _slider_active(at) == 2
    assert any("Generation 2 / 5" in m.value for m in at.markdown)
    at.button(key="present_previous_demo").click().run()
    assert _slider_active(at) == 1
    assert len(at.toggle) == 0  # no still-picture toggle on the projector
    assert len(at.get("download_button")) == 0  # nor downloads
    assert any("The spread halves." in m.value for m in at.markdown)  # the text stays


def test_the_visitor_can_pick_still_pictures_by_hand():
    at = AppTest.from_function(_stepping_script, default_timeout=60)
    at.query_params["lang"] = "en"
    at.session_state["table_demo"] = True  # the folded table, built once opened
    at.run()
    assert len(at.get("plotly_chart")) == 1  # the animation alone
    assert len(at.get("download_button")) == 3  # HTML, light HTML, CSV
    assert any(m.value == "**The spread halves.**" for m in at.markdown)
    table = at.table[0].value  # the text alternative: key generations 0 to 5
    assert list(table.index) == ["0", "1", "2", "3", "4", "5"]
    at.toggle(key="still_frames_demo").set_value(True).run()
    charts = at.get("plotly_chart")
    assert len(charts) == 1
    assert '"frames"' not in charts[0].proto.spec or '"frames": []' in charts[0].proto.spec


def test_the_table_of_key_generations_reads_in_the_visitors_language():
    from ui.accessible import key_rows

    use_language("fr")
    try:
        rows = key_rows({"Écart": np.array([1.0, 0.75, 0.5, 0.25, 0.125])}, [0, 4])
    finally:
        use_language("en")
    assert rows == [{"Génération": "0", "Écart": "1"}, {"Génération": "4", "Écart": "0,12"}]


def test_a_picture_beside_a_histogram_gives_one_row_a_generation():
    from lib.figures.hero import hero_figure

    rng = np.random.default_rng(5)
    histograms = rng.random((7, 40))
    fig = hero_figure(
        rng.random((7, 16, 16)),
        np.linspace(-4, 4, 41),
        histograms,
        np.linspace(-4, 4, 50),
        np.full(50, 0.3),
        **{k: k for k in ("picture_title", "histogram_title", "data_name", "real_name")},
        **{k: k for k in ("value_axis", "density_axis", "slider_prefix", "meta")},
        bar_hover="%{y}",
        separators=".,",
        play_label="Play",
        pause_label="Pause",
    )
    grid = small_multiples.from_animation(fig, [0, 6], ["G0", "G6"])
    kinds = [(trace.type, trace.xaxis) for trace in grid.data]
    assert kinds == [
        ("image", "x"),
        ("bar", "x2"),
        ("scatter", "x2"),
        ("image", "x3"),
        ("bar", "x4"),
        ("scatter", "x4"),
    ]
    np.testing.assert_allclose(grid.data[4].y, fig.frames[6].data[1].y)
    assert grid.data[3].source == fig.frames[6].data[0].source
    # the pictures stay square, each anchored to its own panel
    assert (grid.layout.yaxis.scaleanchor, grid.layout.yaxis3.scaleanchor) == ("x", "x3")


# --- the embed that sizes itself (lib/embed.py; the browser half is tests/browser/test_embed.py)


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("copy-chart", "copy-chart"),
        ("graphic_1.v2:a", "graphic_1.v2:a"),
        ('"><img src=x onerror=alert(1)>', ""),
        ("</script><script>alert(1)</script>", ""),
        ("a b", ""),
        ("x" * 65, ""),
        ("", ""),
        (None, ""),
    ],
)
def test_a_child_id_is_kept_whole_or_dropped(raw, kept):
    assert embed.child_id(raw) == kept


def test_the_pym_keys_are_read_silently_by_every_page():
    hostile = {key: '"><script>alert(1)</script>' for key in embed.EMBEDDER_KEYS}
    for name, _, _, _ in chrome.PAGES:
        values, notices = params.parse(hostile, name)
        assert notices == []
        assert values == params.defaults(name)


def test_the_reporter_cannot_be_broken_out_of():
    script = embed.height_reporter("</script><b>", "</script>")
    assert script.count("</script>") == 1 and script.endswith("</script>")
    assert "<b>" not in script
    assert '"pymxPYMx"' in script and '"embed-size"' in script
    # the export's reporter reads the child id from its own address, with the same rule
    assert "const given = null;" in embed.height_reporter(embed.EXPORT_CONTENT)
    assert embed._CHILD_ID.pattern in embed.height_reporter(embed.EXPORT_CONTENT)


def test_the_responsive_snippet_names_only_the_app_s_origin():
    src = "https://news.example.org:8443/apps/copy/lab?embed=true&lang=fr"
    snippet = share.responsive_snippet(src, title='A "title"')
    tags = _parse(snippet)
    assert [tag for tag, _ in tags] == ["div", "iframe", "script"]
    frame = tags[1][1]
    assert frame["src"] == src and share.RESIZED_MARK in frame
    assert frame["title"] == 'A "title"'
    assert 'var origin = "https://news.example.org:8443";' in snippet
    hostile = share.responsive_snippet('javascript:alert(1)//"><script>', title="t")
    assert 'var origin = "";' in hostile  # no origin: the script accepts no message
    assert hostile.count("<script>") == 1


def test_the_export_reports_its_height():
    page = export.standalone_html(_animated(), title="t", inline=False)
    assert embed.height_reporter(embed.EXPORT_CONTENT) in page
    assert "vh" not in page.split("<body>")[0]  # no height that grows with the frame
