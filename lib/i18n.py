"""French and English for every string a visitor reads.

One catalogue per language: every ``lib/locales/<lang>/<part>.toml`` file of a language is
one part of that language's catalogue, its keys prefixed by the part's name
(``lab.toml``'s ``title`` is ``lab.title``). The parts only keep files small; a key lives
in exactly one part.

The language in force belongs to the thread: the router sets it once per script run with
``use_language``; ``t`` and the number formatters read it. (Not a ContextVar: Streamlit
runs a page in a copied context, where the router's setting would not be seen.)
Pure Python, no streamlit.
"""

from __future__ import annotations

import threading
import tomllib
from decimal import Decimal
from functools import cache
from pathlib import Path

from babel import Locale
from babel.numbers import format_decimal, format_percent

LANGUAGES = ("en", "fr")
DEFAULT_LANGUAGE = "en"
LOCALES_DIR = Path(__file__).parent / "locales"

_local = threading.local()


def _flatten(table: dict, prefix: str) -> dict[str, str]:
    flat: dict[str, str] = {}
    for name, value in table.items():
        key = f"{prefix}.{name}"
        if isinstance(value, dict):
            flat.update(_flatten(value, key))
        else:
            flat[key] = str(value)
    return flat


@cache
def catalogue(language: str) -> dict[str, str]:
    """Every key of one language, flattened: ``{"lab.title": "Laboratory", ...}``."""
    merged: dict[str, str] = {}
    for path in sorted((LOCALES_DIR / language).glob("*.toml")):
        with path.open("rb") as handle:
            merged.update(_flatten(tomllib.load(handle), path.stem))
    return merged


def pick_language(requested: str | None, browser_locale: str | None) -> str:
    """``?lang=`` when it names a language we have, else the browser's, else English."""
    for candidate in (requested, browser_locale):
        if candidate:
            code = str(candidate).strip().lower().replace("_", "-").split("-")[0]
            if code in LANGUAGES:
                return code
    return DEFAULT_LANGUAGE


def use_language(language: str) -> None:
    _local.language = language if language in LANGUAGES else DEFAULT_LANGUAGE


def current_language() -> str:
    return getattr(_local, "language", DEFAULT_LANGUAGE)


def t(key: str, **values: object) -> str:
    """The string ``key`` in the current language, with ``{placeholders}`` filled.

    A key missing from the catalogue shows as the key itself (a test makes sure none is),
    so a slip never breaks a page.
    """
    text = catalogue(current_language()).get(key)
    if text is None:
        text = catalogue(DEFAULT_LANGUAGE).get(key, key)
    return text.format(**values) if values else text


def tn(key: str, count: float, *, digits: int | None = None, **values: object) -> str:
    """The string ``key`` for ``count`` things, in the current language's grammar.

    The catalogue holds one variant a CLDR plural category (``key.one``, ``key.other``;
    ``key.other`` is the fallback, e.g. for French's ``many``), and Babel says which the
    count takes: French puts 0 and 1 in ``one`` ("0 mot perdu"), English only 1. The count
    fills ``{count}``, formatted for the language: a whole number, or with ``digits``
    decimals at most, and then the form is that of the number shown ("1,5 bit" in French,
    "1.5 bits" in English).
    """
    language = current_language()
    if digits is None:
        shown, number = fmt_int(count), Decimal(abs(int(count)))
    else:
        shown = fmt_number(count, digits)
        number = Decimal(f"{abs(count):.{digits}f}").normalize()
    form = Locale.parse(language).plural_form(number)
    entries = catalogue(language)
    chosen = f"{key}.{form}" if f"{key}.{form}" in entries else f"{key}.other"
    return t(chosen, count=shown, **values)


def plotly_separators() -> str:
    """Plotly's decimal and thousands separators: ``.,`` in English, a decimal comma and
    the narrow no-break space (the one French thousands separator, as in ``fmt_int``)."""
    symbols = Locale.parse(current_language()).number_symbols["latn"]
    return symbols["decimal"] + symbols["group"]


def fmt_number(value: float, digits: int = 2) -> str:
    """``0.63`` in English, ``0,63`` in French; ``digits`` decimals at most."""
    pattern = "#,##0" + ("." + "#" * digits if digits > 0 else "")
    return format_decimal(value, format=pattern, locale=current_language())


def fmt_fixed(value: float, digits: int) -> str:
    """Exactly ``digits`` decimals: ``0.90`` in English, ``0,90`` in French."""
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(value, format=pattern, locale=current_language())


def fmt_int(value: int) -> str:
    """``12,000`` in English, ``12 000`` in French."""
    return format_decimal(int(value), format="#,##0", locale=current_language())


def fmt_percent(share: float, digits: int = 0) -> str:
    """A share in [0, 1] as ``63%`` in English, ``63 %`` in French."""
    # The locale's own pattern carries its spacing (a non-breaking space in French).
    pattern = Locale.parse(current_language()).percent_formats[None].pattern
    if digits > 0:
        pattern = pattern.replace("0", "0." + "#" * digits, 1)
    return format_percent(share, format=pattern, locale=current_language())
