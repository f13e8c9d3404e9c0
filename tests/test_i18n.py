"""The catalogues: complete in both languages, placeholders matching, French typography."""

import re
import string

import pytest

from lib import i18n


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_catalogues_have_the_same_keys():
    english, french = i18n.catalogue("en"), i18n.catalogue("fr")
    assert len(english) > 50
    assert sorted(set(english) - set(french)) == []
    assert sorted(set(french) - set(english)) == []


def test_placeholders_match_between_languages():
    english, french = i18n.catalogue("en"), i18n.catalogue("fr")
    mismatched = [k for k in english if _placeholders(english[k]) != _placeholders(french[k])]
    assert mismatched == []


def test_french_uses_non_breaking_spaces_before_high_punctuation():
    offenders = [
        (key, text)
        for key, text in i18n.catalogue("fr").items()
        if re.search(r" [:;?!%»]|« ", text)
    ]
    assert offenders == [], "run scripts/french_typography.py"


def test_the_same_catalogue_is_not_simply_copied():
    english, french = i18n.catalogue("en"), i18n.catalogue("fr")
    long_keys = [k for k, v in english.items() if len(v) > 30]
    identical = [k for k in long_keys if english[k] == french[k]]
    assert identical == []


@pytest.mark.parametrize(
    ("requested", "browser", "expected"),
    [
        ("fr", "en-US", "fr"),
        ("EN", "fr-FR", "en"),
        (None, "fr-CA", "fr"),
        ("de", "fr_BE", "fr"),
        ("<script>", None, "en"),
        (None, None, "en"),
    ],
)
def test_pick_language(requested, browser, expected):
    assert i18n.pick_language(requested, browser) == expected


def test_numbers_follow_the_language():
    i18n.use_language("fr")
    try:
        assert i18n.fmt_number(0.634, 2) == "0,63"
        assert i18n.fmt_percent(0.634) == "63\u00a0%"
        assert i18n.fmt_int(12000) == "12\u202f000"
        assert i18n.t("nav.lab") == "Laboratoire"
    finally:
        i18n.use_language("en")
    assert i18n.fmt_number(0.634, 2) == "0.63"
    assert i18n.fmt_percent(0.634) == "63%"
    assert i18n.fmt_percent(0.0023, 1) == "0.2%"
    assert i18n.fmt_int(12000) == "12,000"


def test_placeholders_are_filled_and_a_missing_key_shows_itself():
    assert "42" in i18n.t("notice.out_of_range", raw="42", name="x", value="1")
    assert i18n.t("no.such.key") == "no.such.key"


# The story, the page the router opens first (AppTest's ``switch_page`` runs a page without
# the router, hence without the sidebar), with each of its settings away from its default.
_STORY_SETTINGS = {
    "source": "two_humps",
    "samples": 40,
    "generations": 10,
    "real_fraction": 0.2,
    "seed": 7,
}


def test_the_sidebar_language_switch_keeps_every_other_setting():
    from streamlit.testing.v1 import AppTest

    from lib.params import PAGE_PARAMS
    from tests.conftest import ROOT

    spec = PAGE_PARAMS["story"]
    assert set(_STORY_SETTINGS) == {k for k in spec if k not in ("lang", "present", "embed")}
    assert all(spec[k].default != v for k, v in _STORY_SETTINGS.items())
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params.update({"lang": "en", **{k: str(v) for k, v in _STORY_SETTINGS.items()}})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == i18n.catalogue("en")["nav.story"]
    i18n.use_language("fr")  # AppTest formats the switch's options in this thread
    try:
        at.button_group(key="lang_switch").set_value("fr").run()
    finally:
        i18n.use_language("en")
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == i18n.catalogue("fr")["nav.story"]
    query = {key: at.query_params[key] for key in at.query_params}
    query = {k: v[-1] if isinstance(v, list) else v for k, v in query.items()}
    assert query.pop("lang") == "fr"
    assert query == {
        k: f"{v:g}" if isinstance(v, float) else str(v) for k, v in _STORY_SETTINGS.items()
    }
    for key, value in _STORY_SETTINGS.items():
        assert at.session_state[key] == value, key
