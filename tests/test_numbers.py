"""Numbers as each language writes them: plurals by CLDR rules, slider labels, Plotly's
separators in every figure of the pages, and a CSV a spreadsheet in that language opens."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lib import export, i18n, params
from tests.conftest import ROOT, painted
from ui import widgets

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.fixture
def french():
    i18n.use_language("fr")
    yield
    i18n.use_language("en")


# --- plurals ---------------------------------------------------------------------------


def _plural_keys(language: str) -> set[str]:
    return {
        key.rsplit(".", 1)[0]
        for key in i18n.catalogue(language)
        if key.rsplit(".", 1)[-1] in ("zero", "one", "two", "few", "many", "other")
    }


def test_every_plural_entry_has_the_forms_its_language_needs():
    assert _plural_keys("en") == _plural_keys("fr")
    assert "words.text.gone" in _plural_keys("en")
    for language in i18n.LANGUAGES:
        entries = i18n.catalogue(language)
        for key in _plural_keys(language):
            # English and French both tell "one" from "other" (French "many" is "other").
            assert {f"{key}.one", f"{key}.other"} <= set(entries), (language, key)
            assert "{count}" in entries[f"{key}.other"], (language, key)


@pytest.mark.parametrize(
    ("language", "count", "expected"),
    [
        ("en", 0, "0 words lost"),
        ("en", 1, "1 word lost"),
        ("en", 2, "2 words lost"),
        ("en", 12_000, "12,000 words lost"),
        ("fr", 0, "0 mot perdu"),  # French puts 0 with 1
        ("fr", 1, "1 mot perdu"),
        ("fr", 2, "2 mots perdus"),
        ("fr", 1_000_000, f"1{NNBSP}000{NNBSP}000 mots perdus"),  # CLDR "many": other
    ],
)
def test_a_count_takes_its_languages_plural(language, count, expected):
    i18n.use_language(language)
    try:
        assert i18n.tn("words.text.gone", count).startswith(expected)
    finally:
        i18n.use_language("en")


def test_a_plural_without_the_helper_would_be_caught():
    """The wrong twin: always the "other" form says "1 words lost"."""
    wrong = i18n.t("words.text.gone.other", count=i18n.fmt_int(1))
    assert wrong.startswith("1 words lost") and wrong != i18n.tn("words.text.gone", 1)


# --- slider labels ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "english", "french"),
    [
        ("temperature", 0.9, "0.90", "0,90"),
        ("points", 20_000, "20,000", f"20{NNBSP}000"),
        ("samples", 10_000, "10,000", f"10{NNBSP}000"),
        ("coarseness", 1.25, "1.25", "1,25"),
        ("real_fraction", 0.1, "10%", f"10{NBSP}%"),
        ("generations", 1_000, "1,000", f"1{NNBSP}000"),
    ],
)
def test_slider_labels_follow_the_language(key, value, english, french):
    param = params.REGISTRY[key]
    assert value in widgets.steps(param)
    assert widgets.number_label(key, param, value) == english
    i18n.use_language("fr")
    try:
        assert widgets.number_label(key, param, value) == french
    finally:
        i18n.use_language("en")


def test_slider_steps_cover_the_range_and_keep_a_value_off_the_grid():
    temperature = params.REGISTRY["temperature"]
    values = widgets.steps(temperature)
    assert values[0] == 0.5 and values[-1] == 1.0 and len(values) == 11
    assert 0.7 in values  # 0.5 + 4 × 0.05 rounds to the 0.7 a URL gives
    # A link may carry 0.93: the widget must offer it to show exactly that view.
    assert 0.93 in widgets.steps(temperature, 0.93)
    assert widgets.steps(temperature, 0.93) == sorted(widgets.steps(temperature, 0.93))
    assert 7.0 not in widgets.steps(temperature, 7.0)  # never outside the range


def _open(page: str, lang: str, **query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["lang"] = lang
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page(page)
    at.run()
    painted(at)
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_mould_sliders_show_the_languages_numbers_and_keep_their_values(lang):
    at = _open("app_pages/mould.py", lang, real_fraction="0.33", coarseness="1.25")
    points = at.select_slider(key="points")
    assert points.value == 20_000
    assert (f"20{NNBSP}000" if lang == "fr" else "20,000") in points.options
    # an off-grid value from the link is shown and kept, as the URL says
    assert at.select_slider(key="real_fraction").value == pytest.approx(0.33)
    assert at.select_slider(key="coarseness").value == 1.25
    assert not at.info  # no notice: 0.33 is a valid share
    at.select_slider(key="points").set_value(5_000).run()
    assert not at.exception
    assert at.query_params["points"] in ("5000", ["5000"])


# --- Plotly separators and hover labels ------------------------------------------------

PAGES = ("lab", "mould", "words", "digits", "maths")


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_every_figure_uses_the_languages_separators(page, lang):
    at = _open(f"app_pages/{page}.py", lang, generations="4")
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    assert specs, page
    expected = ",\u202f" if lang == "fr" else ".,"
    assert [spec["layout"].get("separators") for spec in specs] == [expected] * len(specs)
    # Hover texts are written out in the language, never a bare "%{x}: %{y}" template.
    for spec in specs:
        for trace in spec["data"]:
            template = trace.get("hovertemplate", "")
            if template:
                assert not template.startswith("%{x"), (page, template)


# --- the CSV ---------------------------------------------------------------------------


def _columns():
    return {"Dispersion (%)": np.array([1.0, 0.5]), "Données dans les queues (%)": [0.05, 0.25]}


def test_the_french_csv_opens_in_a_french_spreadsheet():
    text = export.measures_csv(_columns(), "Génération", language="fr")
    assert text.startswith("\ufeff")  # UTF-8 with its byte-order mark
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert rows == [
        ["Génération", "Dispersion (%)", "Données dans les queues (%)"],
        ["0", "1", "0,05"],
        ["1", "0,5", "0,25"],
    ]


def test_the_english_csv_opens_in_an_english_spreadsheet():
    text = export.measures_csv({"Spread (%)": [1.0, 0.5]}, "Generation", language="en")
    assert not text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text))) == [
        ["Generation", "Spread (%)"],
        ["0", "1"],
        ["1", "0.5"],
    ]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_page_hands_over_the_csv_in_its_language(lang, monkeypatch):
    written = []
    original = export.measures_csv

    def spy(columns, generation, language="en"):
        text = original(columns, generation, language=language)
        written.append(text)
        return text

    monkeypatch.setattr(export, "measures_csv", spy)
    _open("app_pages/mould.py", lang)
    (text,) = written
    delimiter = ";" if lang == "fr" else ","
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=delimiter))
    assert text.startswith("\ufeff") == (lang == "fr")
    assert rows[0][0] == i18n.catalogue(lang)["share.csv_generation"]
    assert len(rows[0]) == 3 and all(len(row) == 3 for row in rows)
    assert ("," in rows[2][1]) == (lang == "fr")  # generation 1's detail, a decimal


@pytest.mark.parametrize(
    ("language", "value", "expected"),
    [
        ("fr", 0.84, f"0,8{NBSP}bit"),  # French: below 2 is singular, decimals too
        ("fr", 1.5, f"1,5{NBSP}bit"),
        ("fr", 9.66, f"9,7{NBSP}bits"),
        ("en", 1.0, "1 bit"),  # shown as "1"
        ("en", 0.84, "0.8 bits"),
        ("en", 9.66, "9.7 bits"),
    ],
)
def test_a_decimal_takes_the_plural_of_the_number_shown(language, value, expected):
    i18n.use_language(language)
    try:
        assert i18n.tn("words.chart.bits", value, digits=1) == expected
    finally:
        i18n.use_language("en")
