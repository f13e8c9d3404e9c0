"""The typography rules of both catalogues, and a fixer that applies them in place.

French: a narrow no-break space (U+202F) before ; ? ! and inside « »; a no-break space
(U+00A0) before a colon, after « n° » and between a number and its unit; digits grouped
by the narrow no-break space only. English: "10%" with no space. Both: the curly
apostrophe ’, never the typewriter one.

``problems(text, language)`` lists what breaks a rule (tests/test_typography.py runs it on
every catalogue file); ``fix(text, language)`` repairs what can be repaired mechanically.
Run ``python scripts/french_typography.py [file ...]`` to fix catalogue files in place
(by default every file of both languages). Keys, comments and TOML syntax are left alone.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

NBSP = "\u00a0"  # before a colon, after n°, between a number and its unit
NNBSP = "\u202f"  # before ; ? !, inside « », between groups of digits
LOCALES = Path(__file__).resolve().parent.parent / "lib" / "locales"
UNITS = r"(?:%|‰|px|km|cm|mm|m|kg|g|ms|s|min|h|ko|Mo|Go|€|°C)"
_SPACES = f"[ {NBSP}{NNBSP}]"

# What is not prose: link targets, addresses, Plotly templates, {placeholders}, code, and
# titles quoted in their own language (a link's text, a span in *italics*: an English
# title keeps its "Tails: Model" inside a French sentence).
_NOT_PROSE = re.compile(
    r"\[[^\]]*\]\([^)]*\)"  # a Markdown link, its text and its target
    r"|(?<!\*)\*(?!\*)[^*]+(?<!\*)\*(?!\*)"  # *a title in italics*, not **bold**
    r"|https?://\S+"
    r"|%\{[^}]*\}"  # Plotly: %{y:.2f}
    r"|\{[^}]*\}"  # str.format placeholders, with their format specs
    r"|`[^`]*`"
)


def prose(text: str) -> str:
    """``text`` with what is not prose replaced by a neutral word (``X``)."""
    return _NOT_PROSE.sub("X", text)


def problems(text: str, language: str) -> list[str]:
    """Each broken rule in ``text``, as a short description with its context."""
    found: list[str] = []
    text = prose(text)

    def flag(pattern: str, rule: str) -> None:
        for match in re.finditer(pattern, text):
            start, end = max(0, match.start() - 12), match.end() + 12
            found.append(f"{rule}: …{text[start:end]}…")

    flag("'", "typewriter apostrophe (use ’)")
    if language == "fr":
        flag(f"(?<!{NNBSP})[;?!]", "before ; ? ! a narrow no-break space U+202F")
        flag(f"«(?!{NNBSP})", "after « a narrow no-break space U+202F")
        flag(f"(?<!{NNBSP})»", "before » a narrow no-break space U+202F")
        flag(f"(?<!{NBSP}):", "before : a no-break space U+00A0")
        flag(f"n°(?!{NBSP})", "after n° a no-break space U+00A0")
        flag(rf"\d(?:{_SPACES.replace(NBSP, '')}|)(?={UNITS}\b|%)", "number and unit: U+00A0")
        flag(rf"\d[ {NBSP}]\d{{3}}\b", "digits grouped by U+202F only")
    else:
        flag(rf"\d{_SPACES}%", "no space before % in English")
    return found


def fix(text: str, language: str) -> str:
    """``text`` with the mechanical rules applied (placeholders and links untouched)."""
    pieces, last = [], 0
    for match in _NOT_PROSE.finditer(text):
        pieces.append(_fix_prose(text[last : match.start()], language))
        pieces.append(match.group())
        last = match.end()
    pieces.append(_fix_prose(text[last:], language))
    return "".join(pieces)


def _fix_prose(text: str, language: str) -> str:
    # An apostrophe between letters is one; quotes around words are left to a human.
    text = re.sub(r"(?<=\w)'(?=\w)", "’", text)
    if language != "fr":
        return re.sub(rf"(?<=\d){_SPACES}%", "%", text)
    text = re.sub(rf"{_SPACES}?([;?!])", NNBSP + r"\1", text)
    text = re.sub(rf"«{_SPACES}?", "«" + NNBSP, text)
    text = re.sub(rf"{_SPACES}?»", NNBSP + "»", text)
    text = re.sub(rf"{_SPACES}?:", NBSP + ":", text)
    text = re.sub(rf"n°{_SPACES}?", "n°" + NBSP, text)
    text = re.sub(rf"(?<=\d)[ {NNBSP}]?(?={UNITS}\b|%)", NBSP, text)
    return re.sub(rf"(?<=\d)[ {NBSP}](?=\d{{3}}\b)", NNBSP, text)


TRIPLE = '"' * 3  # opens and closes a multi-line TOML string


def fix_lines(lines: list[str], language: str) -> str:
    """Fix the values of ``key = "value"`` lines and every line inside a multi-line
    string; never a key, an '=' or a comment."""
    fixed, inside = [], False
    for line in lines:
        if inside:
            fixed.append(fix(line, language))
            inside = line.count(TRIPLE) % 2 == 0
            continue
        key, sep, value = line.partition(" = ")
        fixed.append(key + sep + fix(value, language) if sep else line)
        inside = bool(sep) and value.count(TRIPLE) % 2 == 1
    return "".join(fixed)


if __name__ == "__main__":
    paths = [Path(arg) for arg in sys.argv[1:]] or sorted(LOCALES.glob("*/*.toml"))
    for path in paths:
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        fixed = fix_lines(lines, path.parent.name)
        if fixed != "".join(lines):
            path.write_text(fixed, encoding="utf-8")
            print(f"fixed {path.parent.name}/{path.name}", file=sys.stderr)
