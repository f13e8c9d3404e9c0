"""Every page runs under AppTest in both languages without an exception or a missing key."""

import re

import pytest
from streamlit.testing.v1 import AppTest

from lib.i18n import catalogue
from tests.conftest import ROOT
from ui.chrome import PAGES

APP = ROOT / "app.py"

SCRIPTS = [script for _, script, _, _ in PAGES]
# A dotted lower-case word shown as is means a key missing from the catalogue.
_RAW_KEY = re.compile(r"\b[a-z_]+\.[a-z_]+(\.[a-z_]+)*\b")


def _visible_text(at: AppTest) -> list[str]:
    texts = [e.value for e in (*at.title, *at.header, *at.subheader, *at.markdown, *at.caption)]
    texts += [e.body for e in (*at.info, *at.warning, *at.success)]
    return [str(text) for text in texts]


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("script", SCRIPTS)
def test_every_page_runs_in_both_languages(script, lang):
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page(script)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    keys = set(catalogue("en"))
    leaked = [m.group(0) for text in _visible_text(at) for m in _RAW_KEY.finditer(text)]
    assert [k for k in leaked if k in keys] == []
    name = next(n for n, s, _, _ in PAGES if s == script)
    assert catalogue(lang)[f"nav.{name}"] in " ".join(_visible_text(at))


def test_the_language_comes_from_the_url():
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["lang"] = "fr"
    at.run()
    assert not at.exception
    assert at.query_params["lang"] == ["fr"] or at.query_params["lang"] == "fr"
