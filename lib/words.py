"""Words that vanish: model collapse of a unigram language model on real word frequencies.

The real world is how often real words are used in English or in French: the 20,000 most
frequent words of ``wordfreq`` (Robyn Speer et al., CC BY-SA 4.0), extracted once by
``scripts/extract_words.py`` into ``lib/data/words_<lang>.tsv.gz`` and renormalised over
that vocabulary. Its probabilities ``p`` follow Zipf's law: a few words are everywhere, a
long tail of words is rare.

The loop, the same as the Laboratory's (DESIGN.md), with a unigram language model, the
simplest language model there is: it knows how often each word is used and nothing else.

- Generation 0: the data D₀ are ``samples`` words drawn from ``p``; model 0 is ``p`` itself.
- Generation n ≥ 1: model n is fitted to the training set, the word counts of D_{n−1}
  (``replace``) or of D₀ … D_{n−1} together (``accumulate``), as ``p̂ = counts / total``.
  It is sampled at the temperature T exactly as language models are: ``q ∝ p̂^(1/T)``,
  renormalised (T = 1 is faithful, T < 1 sharper). D_n is ``round(real_fraction ×
  samples)`` fresh real words drawn from ``p`` plus the rest drawn from ``q``.

A word whose count reaches zero has probability zero in every later model: it is gone,
unless fresh real text brings it back. With finite samples the rare words go first: the
tail of the rank–frequency curve is cut generation after generation (Shumailov et al.,
Nature 631, 2024; Dohmatob et al. 2024, *A Tale of Tails*, arXiv:2402.07043).

Replicas are independent chains computed together: one ``rng.multinomial`` call a
generation draws the whole generation of every replica (real and model words at once).
Pure numpy; no streamlit. The last section formats what the visitor reads (``lib.i18n``).
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from lib.i18n import fmt_int, t, tn

DATA_DIR = Path(__file__).parent / "data"
LANGUAGES = ("en", "fr")
REGIMES = ("replace", "accumulate")
BAG_SIZE = 30  # words in the "text" shown for a generation
SHOWN_VANISHED = 12  # vanished words kept a generation, most vivid first
CURVE_POINTS = 100  # ranks on the log grid of the rank–frequency curve
COMMON = 1_000  # the most common real words; the others are "rare" in the text shown
VIVID_LETTERS = 4  # a vivid word is made of letters only, at least this many
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Vocabulary:
    """The real distribution: words by decreasing real frequency."""

    language: str
    words: np.ndarray  # (V,) str, most frequent first
    real: np.ndarray  # (V,) probabilities p, summing to 1, decreasing

    @property
    def size(self) -> int:
        return self.real.size


@cache
def vocabulary(language: str) -> Vocabulary:
    """The extract of ``language`` (``en`` or ``fr``), read once."""
    if language not in LANGUAGES:
        raise ValueError(f"no word list for {language!r}")
    with gzip.open(DATA_DIR / f"words_{language}.tsv.gz", "rt", encoding="utf-8") as handle:
        rows = [line.split("\t") for line in handle.read().splitlines()]
    words = np.array([word for word, _ in rows])
    counts = np.array([int(count) for _, count in rows], dtype=float)
    real = counts / counts.sum()
    real.setflags(write=False)
    words.setflags(write=False)
    return Vocabulary(language, words, real)


@dataclass(frozen=True)
class WordsScenario:
    language: str = "en"
    samples: int = 10_000  # M, words of text a generation
    generations: int = 100  # n after generation 0
    real_fraction: float = 0.0  # share of fresh real words each generation
    regime: str = "replace"  # replace | accumulate
    temperature: float = 1.0  # T; the model samples q ∝ p̂^(1/T)
    replicas: int = 1  # independent chains computed together
    seed: int = 1


@dataclass(frozen=True)
class WordsRun:
    """What a run leaves. Row n is generation n; replica 0 is the one told in detail."""

    scenario: WordsScenario
    words: np.ndarray  # (V,) the vocabulary, most frequent real word first
    real: np.ndarray  # (V,) real probabilities p
    ranks: np.ndarray  # (K,) ranks (1-based) of the log grid of the rank–frequency curve
    real_curve: np.ndarray  # (K,) p at those ranks (Zipf's law)
    model_curve: np.ndarray  # (generations + 1, K) model n's sorted probabilities at
    #   those ranks, replica 0; NaN beyond the words it still knows
    alive: np.ndarray  # (generations + 1, replicas) words model n can still say; row 0 = V
    distinct_words: np.ndarray  # (generations + 1, replicas) distinct words in D_n
    vanished: np.ndarray  # (generations + 1, replicas) words model n−1 knew, model n not
    returned: np.ndarray  # (generations + 1, replicas) words model n−1 lost, model n knows
    entropy: np.ndarray  # (generations + 1, replicas) entropy of model n (what it samples
    #   from, q), in bits; row 0 = the real distribution's
    vanished_first: tuple[np.ndarray, ...]  # generations + 1 arrays of word indices: the
    #   words replica 0 lost at that generation, most vivid first (at most SHOWN_VANISHED)
    bags: np.ndarray  # (generations + 1, BAG_SIZE) word indices: a sample of D_n, replica 0

    @property
    def generations(self) -> np.ndarray:
        return np.arange(self.alive.shape[0])


def temper(counts: np.ndarray, temperature: float) -> np.ndarray:
    """The sampling distribution ``q ∝ (counts / total)^(1/T)`` along the last axis.

    The normalising total cancels out, so the power is taken on the counts themselves
    (divided by their maximum first, which keeps the power far from overflow).
    """
    counts = np.asarray(counts, dtype=float)
    if temperature != 1.0:
        top = counts.max(axis=-1, keepdims=True)
        counts = (counts / np.where(top > 0, top, 1.0)) ** (1.0 / temperature)
    return counts / counts.sum(axis=-1, keepdims=True)


def entropy_bits(q: np.ndarray) -> np.ndarray:
    """Shannon entropy in bits along the last axis (0 log 0 = 0)."""
    logs = np.log2(q, out=np.zeros_like(q), where=q > 0)
    return np.maximum(-(q * logs).sum(axis=-1), 0.0)  # no -0.0 for a single word


def draw_generation(
    rng: np.random.Generator,
    real: np.ndarray,
    q: np.ndarray,
    samples: int,
    real_fraction: float,
) -> np.ndarray:
    """Word counts of D_n, shaped like ``q`` (replicas, V): ``round(real_fraction ×
    samples)`` words from ``real`` and the rest from ``q``, each part one multinomial call
    for every replica at once (numpy loops over the words in C)."""
    real_words = round(real_fraction * samples)
    if real_words == samples:
        return rng.multinomial(samples, real, size=q.shape[0])
    counts = rng.multinomial(samples - real_words, q)
    if real_words:
        counts += rng.multinomial(real_words, real, size=q.shape[0])
    return counts


def expected_distinct(real: np.ndarray, samples: int) -> float:
    """Expected number of distinct words in ``samples`` draws: Σᵢ (1 − (1 − pᵢ)^M)."""
    return float(-np.expm1(samples * np.log1p(-np.asarray(real))).sum())


def _rank_grid(size: int, points: int = CURVE_POINTS) -> np.ndarray:
    return np.unique(np.geomspace(1, size, points).round().astype(int))


def _vivid_order(words: np.ndarray, real: np.ndarray) -> np.ndarray:
    """Each word's place in the order "most vivid first": words of letters only, at least
    ``VIVID_LETTERS`` long, rarest first, then every other word, rarest first. Words of
    equal frequency (many, in the tail) come in a fixed random order, not the list's
    alphabetical one."""
    vivid = np.array([len(w) >= VIVID_LETTERS and w.isalpha() for w in words.tolist()])
    ties = np.random.default_rng(0).permutation(words.size)
    by_rarity = np.lexsort((ties, real))  # the last key sorts first: rarest first
    order = np.concatenate([by_rarity[vivid[by_rarity]], by_rarity[~vivid[by_rarity]]])
    place = np.empty(words.size, dtype=np.int64)
    place[order] = np.arange(words.size)
    return place


@cache
def _vivid_place(language: str) -> np.ndarray:
    vocab = vocabulary(language)
    return _vivid_order(vocab.words, vocab.real)


def _bag(rng: np.random.Generator, counts: np.ndarray, size: int) -> np.ndarray:
    """``size`` words drawn without replacement from the text whose counts are given."""
    total = int(counts.sum())
    picks = rng.choice(total, size=min(size, total), replace=False)
    return np.searchsorted(np.cumsum(counts), picks, side="right")


def simulate(scenario: WordsScenario) -> WordsRun:
    """Run the loop of the module docstring; every draw comes from ``default_rng(seed)``."""
    s = scenario
    if s.regime not in REGIMES:
        raise ValueError(f"unknown regime {s.regime!r}")
    if not 0.0 <= s.real_fraction <= 1.0 or s.temperature <= 0.0:
        raise ValueError("real_fraction must be in [0, 1] and temperature positive")
    vocab = vocabulary(s.language)
    real, size = vocab.real, vocab.size
    rows, replicas = s.generations + 1, s.replicas
    rng = np.random.default_rng(s.seed)
    # The text shown is drawn from a stream of its own, so it never changes the run.
    text_rng = np.random.default_rng([s.seed, 1])
    ranks = _rank_grid(size)
    place = _vivid_place(s.language)

    alive = np.empty((rows, replicas), dtype=np.int64)
    distinct = np.empty((rows, replicas), dtype=np.int64)
    vanished = np.zeros((rows, replicas), dtype=np.int64)
    returned = np.zeros((rows, replicas), dtype=np.int64)
    entropy = np.empty((rows, replicas))
    curve = np.full((rows, ranks.size), np.nan)
    bags = np.empty((rows, BAG_SIZE), dtype=np.int64)
    vanished_first: list[np.ndarray] = [np.empty(0, dtype=np.int64)]

    # Generation 0: the real world.
    q = np.broadcast_to(real, (replicas, size))
    known = np.ones((replicas, size), dtype=bool)
    counts = draw_generation(rng, real, q, s.samples, 1.0)  # (replicas, V); D₀ is all real
    training = counts.copy()  # running total for the accumulate regime
    alive[0], entropy[0], curve[0] = size, entropy_bits(real), real[ranks - 1]

    for n in range(rows):
        if n > 0:
            fit = counts if s.regime == "replace" else training
            q = temper(fit, s.temperature)  # (replicas, V)
            now = fit > 0
            lost, back = known & ~now, ~known & now
            vanished[n], returned[n] = lost.sum(axis=1), back.sum(axis=1)
            alive[n] = now.sum(axis=1)
            entropy[n] = entropy_bits(q)
            gone = np.flatnonzero(lost[0])
            keep = min(SHOWN_VANISHED, gone.size)
            if keep:
                gone = gone[np.argpartition(place[gone], keep - 1)[:keep]]
            vanished_first.append(gone[np.argsort(place[gone])])
            said = np.sort(q[0][now[0]])[::-1]  # the words model n can say, most likely first
            shown = ranks <= said.size
            curve[n, shown] = said[ranks[shown] - 1]
            known = now
            counts = draw_generation(rng, real, q, s.samples, s.real_fraction)
            if s.regime == "accumulate":
                training += counts
        distinct[n] = (counts > 0).sum(axis=1)
        bags[n] = _bag(text_rng, counts[0], BAG_SIZE)

    return WordsRun(
        scenario=s,
        words=vocab.words,
        real=real,
        ranks=ranks,
        real_curve=real[ranks - 1],
        model_curve=curve,
        alive=alive,
        distinct_words=distinct,
        vanished=vanished,
        returned=returned,
        entropy=entropy,
        vanished_first=tuple(vanished_first),
        bags=bags,
    )


def frame_generations(generations: int, most: int = 101) -> np.ndarray:
    """The generations an animation shows: all of them, or ``most`` spread evenly."""
    if generations + 1 <= most:
        return np.arange(generations + 1)
    return np.unique(np.linspace(0, generations, most).round().astype(int))


def is_rare(index: np.ndarray) -> np.ndarray:
    """Words outside the ``COMMON`` most frequent real words (indices are real ranks − 1)."""
    return np.asarray(index) >= COMMON


# -- what the visitor reads: pure formatting through lib.i18n (no statistics below) ------

TEXT_WIDTH = 34  # visible characters a line of the figure's text panel (fits 360 px)


def wrap(items: Sequence[str], width: int = TEXT_WIDTH, sep: str = " ") -> str:
    """``items`` joined by ``sep``, lines broken with ``<br>`` before ``width`` visible
    characters (markup such as ``<b>`` does not count)."""
    lines: list[str] = []
    line, length = "", 0
    for item in items:
        visible = len(_TAG.sub("", item))
        if not line:
            line, length = item, visible
        elif length + len(sep) + visible + len(sep.rstrip()) > width:  # room for ","
            lines.append(line + sep.rstrip())
            line, length = item, visible
        else:
            line, length = line + sep + item, length + len(sep) + visible
    if line:
        lines.append(line)
    return "<br>".join(lines)


def _heading(text: str) -> str:
    """A sentence wrapped to the panel's width, each line in bold."""
    return "<br>".join(f"<b>{line}</b>" for line in wrap(text.split(" ")).split("<br>"))


def frame_title(run: WordsRun, n: int) -> str:
    """The title of generation ``n``, broken into short lines (numbers never split: they
    are grouped with non-breaking spaces)."""
    title = tn(
        "words.chart.frame_title",
        int(run.alive[n, 0]),
        generation=fmt_int(n),
        entropy=tn("words.chart.bits", float(run.entropy[n, 0]), digits=1),
    )
    return wrap(title.split(" "))


def frame_text(run: WordsRun, n: int) -> str:
    """The text panel of generation ``n`` (replica 0): what it lost, a bag of its words."""
    lost = int(run.vanished[n, 0])
    if n == 0:
        head = t(
            "words.text.real",
            distinct=fmt_int(run.distinct_words[0, 0]),
            samples=fmt_int(run.scenario.samples),
        )
    elif lost == 0:
        head = t("words.text.none_gone")
    else:
        key = "words.text.first_gone" if n == 1 else "words.text.gone"
        head = tn(key, lost)
    lines = [_heading(head)]
    shown = run.words[run.vanished_first[n]].tolist()
    if shown:
        more = lost - len(shown)
        tail = [tn("words.text.more", more)] if more > 0 else []
        lines.append(wrap([f"<i>{w}</i>" for w in shown] + tail, sep=", "))
    back = int(run.returned[n, 0])
    if back:
        lines.append(tn("words.text.returned", back))
    bag = [
        f"<b>{run.words[i]}</b>" if is_rare(i) else str(run.words[i]) for i in run.bags[n].tolist()
    ]
    lines += ["", _heading(t("words.text.writes")), wrap(bag)]
    return "<br>".join(lines)


def summary(run: WordsRun) -> str:
    """One or two plain sentences about replica 0 at its last generation."""
    s = run.scenario
    last = run.alive.shape[0] - 1
    values = {
        "after": tn("words.summary.after", last),
        "alive": fmt_int(run.alive[last, 0]),
        "first": fmt_int(run.alive[min(1, last), 0]),
        "vocabulary": fmt_int(run.words.size),
        "samples": fmt_int(s.samples),
        "entropy": tn("words.chart.bits", float(run.entropy[last, 0]), digits=1),
        "real_entropy": tn("words.chart.bits", float(run.entropy[0, 0]), digits=1),
    }
    text = [t("words.summary.sentence", **values)]
    back = int(run.returned[:, 0].sum())
    if back:
        text.append(tn("words.summary.returned", back))
    elif s.regime == "accumulate":
        text.append(t("words.summary.accumulate"))
    return " ".join(text)
