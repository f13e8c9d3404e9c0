"""Write the compact word-frequency extracts the "Words that vanish" page reads.

The page models how often real words are used, in English and in French. The frequencies
come from ``wordfreq`` (Robyn Speer et al., data under CC BY-SA 4.0:
https://github.com/rspeer/wordfreq). The app never imports ``wordfreq``; it reads the small
files this script writes, ``lib/data/words_<lang>.tsv.gz``: one ``word<TAB>frequency``
line a word, the ``TOP`` most frequent words, most frequent first, the frequency given in
occurrences per billion words (an integer; wordfreq's own resolution is coarser).

Junk tokens are left out before the top words are taken: anything with a digit, anything
without a letter (punctuation, symbols, emoji). Accents and inner apostrophes or hyphens
are kept (``aujourd'hui``, ``peut-être``). So that a page embedded in a news article never
shows one in its sample texts, a short list of slurs and strong obscenities (``LEFT_OUT``)
is left out too; the rest of the distribution is unchanged (the app renormalises).

Run it once, by hand, in an environment that has the pinned version (it is not a
dependency of the app)::

    pip install wordfreq==3.1.1
    python scripts/extract_words.py
"""

from __future__ import annotations

import gzip
import re
import sys
from importlib import metadata
from pathlib import Path

LANGUAGES = ("en", "fr")
TOP = 20_000
OUT = Path(__file__).resolve().parent.parent / "lib" / "data"
WORDFREQ_VERSION = "3.1.1"


def _listed(text: str) -> frozenset[str]:
    return frozenset(text.split())


# An editorial choice, not a statistical one: slurs and strong obscenities, by language.
LEFT_OUT = {
    "en": _listed(
        """fuck fucks fucking fucked fucker fuckers fuckin motherfucker motherfuckers shit shits
        shitty bullshit bitch bitches cunt cunts dick dicks cock cocks pussy pussies asshole
        assholes bastard bastards slut sluts whore whores nigga niggas nigger niggers fag fags
        faggot faggots retard retarded retards twat dildo cum blowjob milf tits dumbass wank
        wanker"""
    ),
    "fr": _listed(
        """putain putains merde merdes connard connards connasse connasses salope salopes salaud
        salauds enculé enculés enculer pute putes nique niquer niquez fdp ntm bâtard bâtards
        batard nègre nègres pd pédé pédés enfoiré enfoirés couille couilles bite bites chier
        fuck fucking shit dick"""
    ),
}

# Letters only, possibly joined by one apostrophe, hyphen or full stop ("u.s", "c'est").
_WORD = re.compile(r"^[^\W\d_]+(?:['’.\-][^\W\d_]+)*$")


def is_word(token: str) -> bool:
    return bool(_WORD.match(token))


def extract(language: str) -> list[tuple[str, int]]:
    """The ``TOP`` most frequent real words of ``language``, per billion words."""
    import wordfreq

    table = wordfreq.get_frequency_dict(language, wordlist="best")
    ranked = sorted(table.items(), key=lambda item: (-item[1], item[0]))
    banned = LEFT_OUT[language]
    kept = [
        (word, round(freq * 1e9)) for word, freq in ranked if is_word(word) and word not in banned
    ][:TOP]
    return [(word, count) for word, count in kept if count > 0]


def write(language: str, rows: list[tuple[str, int]]) -> Path:
    path = OUT / f"words_{language}.tsv.gz"
    text = "".join(f"{word}\t{count}\n" for word, count in rows)
    # mtime=0 keeps the file byte-identical from one run to the next.
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as handle:
        handle.write(text.encode("utf-8"))
    return path


def main() -> None:
    version = metadata.version("wordfreq")
    if version != WORDFREQ_VERSION:
        print(f"warning: wordfreq {version}, the extracts were made with {WORDFREQ_VERSION}")
    OUT.mkdir(parents=True, exist_ok=True)
    for language in LANGUAGES:
        rows = extract(language)
        path = write(language, rows)
        print(
            f"{path.relative_to(OUT.parent.parent)}: {len(rows)} words, {path.stat().st_size} bytes"
        )


if __name__ == "__main__":
    sys.exit(main())
