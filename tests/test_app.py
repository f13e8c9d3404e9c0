"""Every page runs under AppTest in both languages: no exception, no raw catalogue key in
any element, and the page really is in the language asked for."""

import re

import pytest
from streamlit.testing.v1 import AppTest

from lib.i18n import catalogue
from tests.conftest import ROOT, painted
from ui.chrome import PAGES

APP = ROOT / "app.py"

SCRIPTS = [script for _, script, _, _ in PAGES]
# A raw key is what t() shows for a key it does not know: a dotted lower-case name whose
# first part is one of the catalogue's parts ("lab.chart.x", "digits.stored_runn"). Any
# such name in any element (titles, prose, widget labels and options, tables, the JSON of
# a chart) is a key missing from the catalogue, or one shown untranslated.
_PARTS = sorted({key.split(".")[0] for key in catalogue("en")})
RAW_KEY = re.compile(rf"(?<![\w./-])(?:{'|'.join(_PARTS)})(?:\.[a-z_0-9]+)+(?![\w/(-])")
FILE_NAME = re.compile(r"\.(py|toml|html|csv|png|json|js|css|gz|npz)$")


def elements(node):
    """Every element of an AppTest tree, depth first."""
    yield node
    for child in getattr(node, "children", {}).values():
        yield from elements(child)


def element_text(at: AppTest) -> str:
    """The protobuf text of every element drawn: all a visitor can read, and more."""
    protos = (getattr(element, "proto", None) for element in elements(at._tree))
    return "\n".join(str(proto) for proto in protos if proto is not None)


def raw_keys(text: str) -> list[str]:
    # "lab.py" and the like are file names, not keys
    return [m.group(0) for m in RAW_KEY.finditer(text) if not FILE_NAME.search(m.group(0))]


def test_the_raw_key_pattern_finds_what_t_shows_for_a_missing_key():
    from lib import i18n

    shown = i18n.t("digits.stored_runn")  # misspelt: t() shows the key itself
    assert raw_keys(f'body: "{shown}"') == ["digits.stored_runn"]
    assert raw_keys('label: "Laboratory" see app_pages/lab.py or lab.toml"') == []


def _open(script: str, lang: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page(script)
    at.run()
    painted(at)
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("script", SCRIPTS)
def test_every_page_runs_in_its_language_without_a_raw_key(script, lang):
    at = _open(script, lang)
    text = element_text(at)
    assert raw_keys(text) == []
    # The page is in the language asked for: its title in that language is its title, and
    # no page title of the other language shows anywhere on it.
    name = next(n for n, s, _, _ in PAGES if s == script)
    other = "fr" if lang == "en" else "en"
    assert at.title[0].value == catalogue(lang)[f"nav.{name}"]
    for page, _, _, _ in PAGES:
        assert catalogue(lang)[f"nav.{page}"] != catalogue(other)[f"nav.{page}"]
    visible = " ".join(str(e.value) for e in (*at.title, *at.header, *at.subheader))
    visible += " ".join(str(e.value) for e in (*at.markdown, *at.caption))
    assert catalogue(other)[f"nav.{name}"] not in visible


def test_the_language_comes_from_the_url_and_the_page_is_french():
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["lang"] = "fr"
    at.run()
    assert not at.exception
    assert at.query_params["lang"] in (["fr"], "fr")
    french, english = catalogue("fr"), catalogue("en")
    assert at.title[0].value == french["nav.story"]
    visible = " ".join(str(e.value) for e in (*at.title, *at.markdown, *at.caption))
    # The Story's own words: French ones present, their English originals absent.
    assert french["nav.story"] in visible and english["nav.story"] not in visible
    assert " the " not in visible.lower(), "no English sentence on the French story"
