"""The Story and the Mould under AppTest: both languages, the hero's contents, the knobs,
the URL they write, the link to the Laboratory and the autoplay's manners."""

from __future__ import annotations

import base64
import json
import re
from urllib.parse import parse_qs

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lib import chapters
from lib.i18n import catalogue
from tests.conftest import ROOT
from ui import sections

APP = str(ROOT / "app.py")


# Folded panels whose contents are built only once opened: the Story's knobs, and the
# table of key generations under each chart.
UNFOLDED = ("story_settings", "table_hero_chart", "table_mould_chart")


def _open(
    lang: str, page: str | None = None, *, unfold: bool = True, charts: bool = True, **query: str
) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = lang
    # The chapters' charts come once the hero has painted (the browser's player asks);
    # here they are asked for at once, unless the test watches that very step.
    at.session_state[sections.later_key("story")] = charts
    for key in UNFOLDED if unfold else ():
        at.session_state[key] = True
    for key, value in query.items():
        at.query_params[key] = value
    if page is not None:
        at.switch_page(page)  # the first run lands on the page, as a shared link does
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _figure(at: AppTest, key: str) -> dict:
    chart = next(c for c in at.get("plotly_chart") if c.proto.id.endswith(key))
    return json.loads(chart.proto.spec)


def _array(value) -> np.ndarray:
    """A data array of a Plotly spec: a list, or Plotly's base64 typed array."""
    if isinstance(value, dict):
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
    return np.asarray(value, dtype=float)


def _query(at: AppTest) -> dict[str, str]:
    values = {key: at.query_params[key] for key in at.query_params}
    return {key: v if isinstance(v, str) else v[-1] for key, v in values.items()}


def _downloads(at: AppTest) -> list[str]:
    """The keys of the page's download buttons."""
    return [b.proto.id.rsplit("-", 1)[-1] for b in at.get("download_button")]


def _table(at: AppTest, lang: str):
    """The text alternative's table of key generations (one a page here)."""
    (table,) = at.table
    frame = table.value
    assert frame.index.name == catalogue(lang)["present.generation_column"]
    return frame


def _autoplay(at: AppTest) -> list[str]:
    """The page's player scripts (other scripts of the chrome aside)."""
    return [h.proto.body for h in at.get("html") if "copyPlayed" in h.proto.body]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_story_tells_and_shows_in_both_languages(lang):
    at = _open(lang)
    words = catalogue(lang)
    assert at.title[0].value == words["nav.story"]
    text = " ".join(m.value for m in at.markdown)
    assert "s41586-024-07566-y" in " ".join(c.value for c in at.caption)  # the paper, linked
    for point in ("detail", "cast", "fresh"):
        assert words[f"story.analogy_{point}"] in text
    figure = _figure(at, "hero_chart")
    assert [trace["type"] for trace in figure["data"]] == ["image", "bar", "scatter"]
    # 16 of the 31 generations, spaced where the picture changes: one by one at first.
    names = [frame["name"] for frame in figure["frames"]]
    assert len(names) == 16 and names[:4] == ["0", "1", "2", "3"] and names[-1] == "30"
    gaps = np.diff([int(name) for name in names])
    assert gaps[-1] > gaps[0]
    for frame in figure["frames"]:
        image, bars = frame["data"]
        assert image["source"].startswith("data:image/png;base64,")
        assert len(_array(bars["y"])) == len(_array(figure["data"][1]["x"]))
    assert figure["layout"]["sliders"][0]["steps"][-1]["args"][0] == ["30"]
    play = figure["layout"]["updatemenus"][0]["buttons"][0]
    assert play["args"][1]["frame"]["redraw"] is True
    assert play["label"].endswith(words["story.play"])
    # The hero plays once, and carries its stacked layout for a phone (the height kept).
    meta = figure["layout"]["meta"]
    assert meta["play"] == "once" and meta["narrow"]["yaxis.domain"][0] > 0
    assert "height" not in meta["narrow"] and set(meta["wide"]) == set(meta["narrow"])
    # One player script for the page; it stands aside for reduced motion.
    assert len(_autoplay(at)) == 1
    assert "prefers-reduced-motion: reduce" in _autoplay(at)[0]
    # The text alternative: the result sentence, then the key generations of the run drawn.
    table = _table(at, lang)
    assert list(table.index) == ["0", "6", "12", "18", "24", "30"]
    assert list(table.columns) == [words["story.table_spread"], words["story.table_detail"]]
    assert table.iloc[0].tolist() == ["1", "1"]  # generation 0 is the real thing
    opening = "**" + words["story.result"].split("{")[0]  # the sentence, in bold
    assert any(m.value.startswith(opening) for m in at.markdown)
    assert len(at.get("download_button")) == 3  # HTML inlined, HTML from the CDN, CSV
    if lang == "en":  # the default run narrows: the last bars spread far less than the first
        centres = _array(figure["data"][1]["x"])

        def spread(bars: np.ndarray) -> float:
            mean = np.average(centres, weights=bars)
            return float(np.sqrt(np.average((centres - mean) ** 2, weights=bars)))

        first = _array(figure["frames"][0]["data"][1]["y"])
        last = _array(figure["frames"][-1]["data"][1]["y"])
        assert spread(last) < 0.5 * spread(first)


def test_less_motion_gets_the_still_story_and_nothing_else():
    """Once the browser has said its system asks for reduced motion, the page sends the
    still pictures (each picture beside its histogram, and each chapter's), no animation."""
    at = _open("en")
    at.session_state["_less_motion"] = True
    at.run()
    charts = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    assert len(charts) == 1 + len(chapters.CHAPTERS)
    assert [trace["type"] for trace in charts[0]["data"]].count("image") >= 4
    for still in charts:
        assert "frames" not in still or not still["frames"]
        assert not still["layout"].get("sliders")
    assert not at.toggle  # no "still pictures" switch: they are what is shown


def test_folded_panels_send_nothing_until_opened():
    at = _open("en", unfold=False, real_fraction="0.3")
    assert not at.table and not at.slider  # neither the table nor the knobs
    assert _query(at) == {"lang": "en", "real_fraction": "0.3"}
    at.run()  # a rerun with the knobs folded keeps their values (not drawn, not lost)
    assert _query(at) == {"lang": "en", "real_fraction": "0.3"}
    at.session_state["story_settings"] = True
    at.session_state["table_hero_chart"] = True
    at.run()
    assert at.select_slider(key="real_fraction").value == 0.3 and len(at.table) == 1
    at.select_slider(key="real_fraction").set_value(0.5).run()
    at.session_state["story_settings"] = False  # folded again: the knob is not drawn ...
    at.run()
    at.run()
    assert not at.slider and _query(at)["real_fraction"] == "0.5"  # ... and not forgotten
    at.session_state["story_settings"] = True
    at.run()
    assert at.select_slider(key="real_fraction").value == 0.5


def test_the_story_knobs_write_the_url_and_link_to_the_laboratory():
    at = _open("en")
    at.select_slider(key="real_fraction").set_value(0.5).run()
    at.select_slider(key="generations").set_value(40).run()
    assert not at.exception
    assert _query(at) == {"lang": "en", "real_fraction": "0.5", "generations": "40"}
    assert _figure(at, "hero_chart")["frames"][-1]["name"] == "40"
    lab, mould_link = [
        link for link in at.main.get("page_link") if "material/science" in link.proto.icon
    ][-1:] + [link for link in at.main.get("page_link") if link.proto.page == "mould"][:1]
    assert lab.proto.page == "lab"
    lab_query = {k: v[-1] for k, v in parse_qs(lab.proto.query_string).items()}
    # The Laboratory's own defaults differ (100 samples, 100 generations): spelled out.
    assert lab_query == {
        "samples": "20",
        "generations": "40",
        "real_fraction": "0.5",
        "lang": "en",
    }
    assert mould_link.proto.page == "mould"
    assert "real_fraction=0.5" in mould_link.proto.query_string


def test_a_shared_story_link_is_reproduced_and_repaired():
    at = _open("fr", source="two_humps", samples="5000", seed="7")
    assert at.selectbox(key="source").value == "two_humps"
    assert at.select_slider(key="samples").value == 1_000  # the Story's ceiling
    assert at.slider(key="seed").value == 7
    assert len(at.info) == 1  # one translated notice for the value replaced


def test_no_autoplay_in_presentation_mode_where_the_teacher_steps():
    at = _open("en", present="1")
    assert _autoplay(at) == []
    words = catalogue("en")
    text = " ".join(m.value for m in at.markdown)
    assert words["story.why"] not in text and not at.get("download_button")
    assert len(_table(at, "en")) == 6  # the text alternative stays
    before = _figure(at, "hero_chart")["layout"]["sliders"][0]["active"]
    at.button(key="present_next_hero_chart").click().run()
    assert not at.exception
    assert _figure(at, "hero_chart")["layout"]["sliders"][0]["active"] == before + 1


def test_on_the_projector_each_chapter_is_one_screen():
    """Screen 0 is the hero; Next shows one chapter at a time, alone, with its own
    generation stepper; Previous goes back."""
    at = _open("fr", present="1")
    words = catalogue("fr")
    assert len(at.get("plotly_chart")) == 1  # the hero alone
    assert at.button(key="screen_previous_story").disabled
    for chapter in chapters.CHAPTERS:
        at.button(key="screen_next_story").click().run()
        assert not at.exception
        (chart,) = at.get("plotly_chart")
        assert chart.proto.id.endswith(f"story_{chapter.name}_chart")
        assert at.subheader[0].value == words[chapter.heading_key]
    assert at.button(key="screen_next_story").disabled
    at.button(key="present_next_story_law_chart").click().run()  # the teacher steps
    assert _figure(at, "story_law_chart")["layout"]["sliders"][0]["active"] == 1
    at.button(key="screen_previous_story").click().run()
    (chart,) = at.get("plotly_chart")
    assert chart.proto.id.endswith("story_readers_chart")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_chapters_in_order_each_short_with_a_live_figure_and_a_way_deeper(lang):
    at = _open(lang, unfold=False)
    words = catalogue(lang)
    assert [h.value for h in at.subheader][: len(chapters.CHAPTERS)] == [
        words[c.heading_key] for c in chapters.CHAPTERS
    ]
    links = {link.proto.page: link for link in at.main.get("page_link")}
    for chapter in chapters.CHAPTERS:
        text = " ".join(words[key] for key in chapter.text_keys)
        assert len(text.split()) <= 90, (chapter.name, len(text.split()))
        figure = _figure(at, f"story_{chapter.name}_chart")
        assert figure["frames"] and figure["layout"]["meta"]["play"] == "in_view"
        # small and light: a chapter's figure is a few KiB, not a hero
        assert len(json.dumps(figure)) < 40_000, chapter.name
        assert chapter.link.page in links
        assert any(
            link.proto.label == words[chapter.link.label_key] for link in at.main.get("page_link")
        )
    # no raw catalogue key anywhere on the page
    shown = [m.value for m in at.markdown] + [c.value for c in at.caption]
    shown += [h.value for h in at.subheader] + [
        link.proto.label for link in at.main.get("page_link")
    ]
    assert not [text for text in shown if re.search(r"\b(story|nav|present)\.[a-z_]+\.?", text)]
    # the walk: next is the Mould, in the page's language
    walk = [link for link in at.main.get("page_link") if link.proto.page == "mould"][-1]
    assert walk.proto.label == words["nav.walk_next"].format(page=words["nav.mould"])
    assert walk.proto.query_string == f"lang={lang}"


def test_the_mould_steps_in_presentation_mode():
    at = _open("fr", "app_pages/mould.py", present="1")
    at.button(key="present_next_mould_chart").click().run()
    at.button(key="present_next_mould_chart").click().run()
    assert not at.exception
    figure = _figure(at, "mould_chart")
    assert figure["layout"]["sliders"][0]["active"] == 2
    # On the projector the chart, its summary and its table only: no paragraphs of prose
    # (they pushed the view past 1080 px), no downloads.
    words = catalogue("fr")
    text = " ".join(m.value for m in at.markdown)
    for key in ("intro", "explain", "no_floor"):
        assert words[f"mould.{key}"] not in text
    assert not at.caption and not at.get("download_button")
    # what is left: the generation in large type, then the summary in bold
    assert [m.value[:12] for m in at.markdown] == ["Génération 2", "**Après 30 g"]
    assert len(_table(at, "fr")) == 6
    assert figure["data"][0]["source"] == figure["frames"][2]["data"][0]["source"]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_mould_page_runs_in_both_languages(lang):
    at = _open(lang, "app_pages/mould.py")
    words = catalogue(lang)
    assert at.title[0].value == words["nav.mould"]
    figure = _figure(at, "mould_chart")
    assert [trace["type"] for trace in figure["data"]] == ["image", "scatter", "scatter", "scatter"]
    assert len(figure["frames"]) == 31
    text = " ".join(m.value for m in at.markdown)
    assert words["mould.no_floor"] in text and words["mould.intro"] in text
    table = _table(at, lang)
    assert list(table.columns) == [words["mould.table_detail"], words["mould.table_expected"]]
    assert table.iloc[0].tolist() == ["1", "1"]  # generation 0 is the medal itself
    # its last row is the end of the curve drawn (in percent there), to the 2 decimals shown
    curve = _array(figure["data"][3]["y"])
    kept = float(table.iloc[-1, 0].replace(",", "."))
    assert table.index[-1] == "30" and abs(kept - curve[-1] / 100) <= 0.005 + 1e-9
    assert len(at.get("download_button")) == 3


def test_the_mould_knobs_change_the_run_and_the_url():
    at = _open("en", "app_pages/mould.py")
    before = _array(_figure(at, "mould_chart")["data"][3]["y"])
    at.select_slider(key="real_fraction").set_value(0.4).run()
    at.select_slider(key="points").set_value(5_000).run()
    assert not at.exception
    assert _query(at) == {"lang": "en", "real_fraction": "0.4", "points": "5000"}
    after = _array(_figure(at, "mould_chart")["data"][3]["y"])
    # A share of points cast from the object keeps far more detail at the end.
    assert after[-1] > 3 * before[-1]
    text = " ".join(m.value for m in at.markdown)
    assert "40%" in text and catalogue("en")["mould.no_floor"] not in text


def test_the_mould_reads_its_knobs_from_the_url():
    at = _open("en", "app_pages/mould.py", points="250", coarseness="2", generations="12")
    assert at.select_slider(key="points").value == 1_000  # clamped to the smallest mould
    assert at.select_slider(key="coarseness").value == 2.0
    assert len(_figure(at, "mould_chart")["frames"]) == 13
    assert len(at.info) == 1


def _pacing(frames_of):
    from lib import mould
    from lib.engine import Scenario, simulate

    generations = 30
    cast = mould.run(STORY_POINTS, STORY_COARSENESS, generations, 0.0, 1)
    shown = np.asarray(frames_of(cast.expected))
    pictures = cast.pictures[shown].astype(float)
    moved = np.abs(np.diff(pictures, axis=0)).mean(axis=(1, 2))  # (frames - 1,)
    run = simulate(Scenario(samples=20, generations=generations, replicas=400, seed=1))
    typical = np.median(run.spread[shown], axis=1)  # (frames,)
    return shown, cast.expected[shown], moved, typical


STORY_POINTS, STORY_COARSENESS = chapters.HERO_POINTS, chapters.HERO_COARSENESS
STORY_FRAMES = chapters.HERO_FRAMES


def _paced_well(frames_of) -> bool:
    shown, detail, moved, typical = _pacing(frames_of)
    third = len(shown) // 3
    return bool(
        shown[0] == 0
        and shown[-1] == 30
        # the medal recognisable for the first third: most of its edges kept
        and detail[third] >= 0.4
        # every frame visibly different from the one before: each moves at least half as
        # much as the average step (no frame repeats its neighbour)
        and moved.min() >= 0.5 * moved.mean()
        # the data keep narrowing to the end: the last third still loses spread
        and typical[-1] < 0.8 * typical[-third - 1]
    )


def test_the_hero_is_paced_where_the_picture_changes():
    from lib import chapters as story_chapters

    assert _paced_well(lambda expected: story_chapters.hero_frames(expected, STORY_FRAMES))
    # The twin that must fail: the same number of frames evenly spaced loses the medal
    # within the first third.
    assert not _paced_well(
        lambda expected: np.unique(np.linspace(0, 30, STORY_FRAMES).round().astype(int))
    )


def test_the_chapters_charts_follow_the_hero():
    """The first run sends the hero's chart and no chapter; the chapters come with a rerun
    of their fragment, which the page's player asks for (a hidden button) once the hero
    has painted."""
    at = _open("en", unfold=False, charts=False)
    assert [c.proto.id.rsplit("-", 1)[-1] for c in at.get("plotly_chart")] == ["hero_chart"]
    words = catalogue("en")
    text = " ".join(m.value for m in at.markdown)
    assert not any(words[c.text_keys[0]] in text for c in chapters.CHAPTERS)
    at.button(key="sections_later_story_go").click().run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == 1 + len(chapters.CHAPTERS)
    text = " ".join(m.value for m in at.markdown)
    assert all(words[c.text_keys[0]] in text for c in chapters.CHAPTERS)
    assert not at.button  # asked once: the button has gone
