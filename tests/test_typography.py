"""Typography of both catalogues, every file: French spaces, English percentages, curly
apostrophes, one thousands separator. The rules live in scripts/french_typography.py,
which also fixes what can be fixed mechanically (run it, then read the diff)."""

from __future__ import annotations

import importlib.util
import tomllib

import pytest

from lib import i18n
from lib.i18n import LANGUAGES, LOCALES_DIR
from tests.conftest import ROOT

_spec = importlib.util.spec_from_file_location(
    "french_typography", ROOT / "scripts" / "french_typography.py"
)
typography = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(typography)

NBSP, NNBSP = "\u00a0", "\u202f"


def _strings(table: dict, prefix: str = ""):
    for name, value in table.items():
        if isinstance(value, dict):
            yield from _strings(value, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", str(value)


FILES = sorted(
    (language, path.name)
    for language in LANGUAGES
    for path in (LOCALES_DIR / language).glob("*.toml")
)


@pytest.mark.parametrize(("language", "name"), FILES, ids=[f"{lang}/{n}" for lang, n in FILES])
def test_catalogue_file_follows_the_typography_rules(language, name):
    with (LOCALES_DIR / language / name).open("rb") as handle:
        table = tomllib.load(handle)
    offenders = {
        key: found
        for key, text in _strings(table)
        if (found := typography.problems(text, language))
    }
    assert offenders == {}, "scripts/french_typography.py fixes most of these"


def test_every_catalogue_file_is_checked():
    assert {language for language, _ in FILES} == {"en", "fr"}
    assert len(FILES) >= 2 * 13


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Pourquoi ?", "before ; ? !"),
        (f"Pourquoi{NBSP}?", "before ; ? !"),
        ("Attention !", "before ; ? !"),
        ("un mot ; un autre", "before ; ? !"),
        (f"«{NNBSP}Remplacer »", "before »"),
        (f"« Remplacer{NNBSP}»", "after «"),
        ("Note : rien", "before :"),
        (f"Note{NNBSP}: rien", "before :"),
        ("l'étude", "apostrophe"),
        ("10 % des données", "number and unit"),
        ("10% des données", "number and unit"),
        ("un flou de 2 px", "number and unit"),
        ("n° 3", "after n°"),
        ("20 000 mots", "digits grouped"),
        (f"20{NBSP}000 mots", "digits grouped"),
    ],
)
def test_a_french_slip_is_caught(text, rule):
    found = typography.problems(text, "fr")
    assert any(rule in problem for problem in found), found
    assert typography.problems(typography.fix(text, "fr"), "fr") == []


@pytest.mark.parametrize(
    "text",
    [
        f"Pourquoi{NNBSP}? Attention{NNBSP}! Un mot{NNBSP}; «{NNBSP}Remplacer{NNBSP}».",
        f"Note{NBSP}: 10{NBSP}% de 20{NNBSP}000 mots, n°{NBSP}3, l’étude, 2{NBSP}px.",
        "Génération {generation}{x} : rien",  # placeholders are not prose
        "rang %{x:,}\u00a0: %{y:,.3~g} par million",
        "[la source](https://example.org/?a=1&b=2;c)",
        "10 mots, 3 modèles, 2 grammes",  # m and g followed by letters are not units
        "publié sous le titre *A Tale of Tails: Model Collapse*",  # a title keeps its own
        "voir [The Curse of Recursion: Training](https://arxiv.org/abs/2305.17493)",
    ],
)
def test_good_french_passes(text):
    text = text.replace("{generation}{x} :", "{generation}{x}\u00a0:")
    assert typography.problems(text, "fr") == []


@pytest.mark.parametrize(
    ("text", "broken"),
    [("10 % of runs", True), ("the model's spread", True), ("10%, the model’s spread", False)],
)
def test_english_percent_and_apostrophes(text, broken):
    assert bool(typography.problems(text, "en")) == broken
    assert typography.problems(typography.fix(text, "en"), "en") == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_suffixes_glued_to_numbers_follow_the_rules(language):
    """``percent_suffix`` and its kind follow a number in a chart: "5" + suffix must read
    right ("5 %" with a no-break space in French, "5%" in English)."""
    suffixes = {
        key: text for key, text in i18n.catalogue(language).items() if key.endswith("_suffix")
    }
    assert suffixes
    assert {key: typography.problems("5" + text, language) for key, text in suffixes.items()} == {
        key: [] for key in suffixes
    }
