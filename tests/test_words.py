"""Words that vanish: the unigram loop against closed forms, its shapes and seeds, the
word lists, the figure, and the page under AppTest in both languages.

Statistical tolerances are a number of standard errors (Z) of the quantity tested, the
standard error derived from the replicas (or from the binomial variance where it is
known); nothing is tuned until green.
"""

from __future__ import annotations

import gzip
import importlib.util
import re
from dataclasses import replace
from importlib import metadata

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lib import words
from lib.figures.words import run_figure
from lib.i18n import catalogue, use_language
from tests.conftest import ROOT

Z = 4.5  # standard errors: a false alarm about once in 150,000 checks
SMALL = words.WordsScenario(samples=2_000, generations=12, replicas=3, seed=7)


def _zipf_counts(size: int = 50, total: int = 500) -> np.ndarray:
    """Word counts shaped like a Zipf law, summing to ``total`` (a small training text)."""
    weights = 1.0 / np.arange(1, size + 1)
    counts = np.floor(total * weights / weights.sum()).astype(np.int64)
    counts[0] += total - counts.sum()
    return counts


# -- the word lists ----------------------------------------------------------------------


@pytest.mark.parametrize("language", words.LANGUAGES)
def test_word_lists_are_real_zipf_distributions(language):
    vocab = words.vocabulary(language)
    assert vocab.size == 20_000
    assert np.isclose(vocab.real.sum(), 1.0)
    assert np.all(vocab.real > 0) and np.all(np.diff(vocab.real) <= 0)
    assert len(set(vocab.words.tolist())) == vocab.size
    junk = [w for w in vocab.words.tolist() if not any(c.isalpha() for c in w)]
    assert junk == [] and not any(any(c.isdigit() for c in w) for w in vocab.words.tolist())
    # Zipf: the 10th word is used about ten times less than the 1st, give or take a lot.
    assert 3 < vocab.real[0] / vocab.real[9] < 30
    size = (words.DATA_DIR / f"words_{language}.tsv.gz").stat().st_size
    assert size < 300 * 1024


def test_french_keeps_its_accents():
    french = set(words.vocabulary("fr").words.tolist())
    assert {"été", "à", "très", "déjà"} <= french
    assert "the" in set(words.vocabulary("en").words.tolist())


def test_the_extraction_script_reproduces_the_committed_lists():
    """``scripts/extract_words.py`` run on the pinned wordfreq gives the files byte for
    byte (the frequencies in them are wordfreq's, not edited by hand)."""
    spec = importlib.util.spec_from_file_location(
        "extract_words", ROOT / "scripts/extract_words.py"
    )
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    for language in words.LANGUAGES:
        rows = script.extract(language)
        text = "".join(f"{word}\t{count}\n" for word, count in rows)
        with gzip.open(words.DATA_DIR / f"words_{language}.tsv.gz", "rt", encoding="utf-8") as f:
            assert f.read() == text, language
    assert "CC BY-SA" in script.__doc__
    assert metadata.version("wordfreq") == script.WORDFREQ_VERSION  # pinned in requirements-dev


# -- the loop: shapes, seeds ----------------------------------------------------------------


def test_shapes_of_a_run():
    run = words.simulate(SMALL)
    rows, replicas = SMALL.generations + 1, SMALL.replicas
    for name in ("alive", "distinct_words", "vanished", "returned", "entropy"):
        assert getattr(run, name).shape == (rows, replicas), name
    assert run.model_curve.shape == (rows, run.ranks.size)
    assert run.real_curve.shape == run.ranks.shape
    assert run.bags.shape == (rows, words.BAG_SIZE)
    assert len(run.vanished_first) == rows
    assert run.ranks[0] == 1 and run.ranks[-1] == run.words.size
    assert np.all(run.alive[0] == run.words.size)
    assert np.allclose(run.model_curve[0], run.real_curve)


def test_the_same_seed_replays_the_same_run_and_another_seed_does_not():
    first, again = words.simulate(SMALL), words.simulate(SMALL)
    other = words.simulate(replace(SMALL, seed=8))
    for name in ("alive", "entropy", "bags", "model_curve", "vanished"):
        assert np.array_equal(getattr(first, name), getattr(again, name), equal_nan=True)
    assert not np.array_equal(first.alive, other.alive)
    assert not np.array_equal(first.bags, other.bags)


def test_replicas_are_independent_chains():
    run = words.simulate(replace(SMALL, replicas=4))
    columns = {tuple(run.alive[:, r]) for r in range(4)}
    assert len(columns) == 4


def test_each_generation_holds_exactly_the_real_words_asked_for():
    rng = np.random.default_rng(3)
    real = np.array([0.0, 1.0, 0.0])  # the real world says only word 1
    q = np.array([[1.0, 0.0, 0.0]] * 5)  # every model says only word 0
    counts = words.draw_generation(rng, real, q, 1_000, 0.25)
    assert counts.shape == (5, 3)
    assert np.all(counts[:, 1] == 250) and np.all(counts[:, 0] == 750)


# -- closed forms -----------------------------------------------------------------------


@pytest.mark.parametrize("language", words.LANGUAGES)
def test_distinct_words_after_one_generation_match_the_closed_form(language):
    """E[distinct words in M real words] = Σᵢ (1 − (1 − pᵢ)^M); model 1 knows exactly those."""
    scenario = words.WordsScenario(
        language=language, samples=2_000, generations=1, replicas=300, seed=11
    )
    run = words.simulate(scenario)
    distinct = run.distinct_words[0].astype(float)
    expected = words.expected_distinct(run.real, scenario.samples)
    se = distinct.std(ddof=1) / np.sqrt(distinct.size)
    assert abs(distinct.mean() - expected) < Z * se
    assert np.array_equal(run.alive[1], run.distinct_words[0])
    assert np.array_equal(run.vanished[1], run.words.size - run.alive[1])


def test_the_closed_form_itself_on_a_uniform_vocabulary():
    """With V equal words and M = V draws: V (1 − (1 − 1/V)^V), about 0.632 V."""
    size = 1_000
    expected = words.expected_distinct(np.full(size, 1 / size), size)
    assert expected == pytest.approx(size * (1 - (1 - 1 / size) ** size), rel=1e-12)
    assert expected == pytest.approx(0.632 * size, rel=0.002)


def test_a_words_expected_count_is_unchanged_by_faithful_resampling():
    """At T = 1, E[c_{n+1} | c_n] = c_n for every word (a martingale), Var = c (1 − c/M)."""
    counts = _zipf_counts()
    total, replicas = int(counts.sum()), 20_000
    q = np.broadcast_to(words.temper(counts, 1.0), (replicas, counts.size))
    following = words.draw_generation(np.random.default_rng(5), counts / total, q, total, 0.0)
    mean = following.mean(axis=0)
    se = np.sqrt(counts * (1 - counts / total) / replicas)
    assert np.all(np.abs(mean - counts) < Z * se)


def test_a_low_temperature_moves_the_expected_counts_as_the_formula_says():
    """At T = 0.7 the expectation is M q with q ∝ c^(1/T): common words gain, rare lose."""
    counts = _zipf_counts()
    total, replicas = int(counts.sum()), 20_000
    q = words.temper(counts, 0.7)
    draws = words.draw_generation(
        np.random.default_rng(6), counts / total, np.broadcast_to(q, (replicas, q.size)), total, 0
    )
    mean = draws.mean(axis=0)
    se = np.sqrt(total * q * (1 - q) / replicas)
    assert np.all(np.abs(mean - total * q) < Z * np.maximum(se, 1e-12))
    assert mean[0] > counts[0] + 10 * se[0]  # the most common word gains, far beyond noise
    assert mean[-1] < counts[-1]


def test_tempering_follows_its_definition():
    counts = np.array([[6, 3, 1, 0], [0, 0, 5, 5]])
    assert np.allclose(words.temper(counts, 1.0), counts / counts.sum(axis=1, keepdims=True))
    sharp = words.temper(counts, 0.5)
    assert np.allclose(sharp[0], np.array([36, 9, 1, 0]) / 46)
    assert np.allclose(sharp[1], [0, 0, 0.5, 0.5])  # equal counts stay equal
    assert np.all(sharp[counts == 0] == 0)  # a lost word stays lost


@pytest.mark.parametrize("temperature", [0.5, 0.7, 0.9])
def test_a_temperature_below_one_lowers_the_entropy(temperature):
    rng = np.random.default_rng(9)
    counts = rng.multinomial(5_000, words.vocabulary("en").real, size=20)
    faithful = words.entropy_bits(words.temper(counts, 1.0))
    sharper = words.entropy_bits(words.temper(counts, temperature))
    assert np.all(sharper < faithful)
    # In the loop: the same real text D₀ (same seed), model 1 sampled more sharply.
    base = words.WordsScenario(samples=3_000, generations=6, replicas=5, seed=2)
    run_1 = words.simulate(base)
    run_t = words.simulate(replace(base, temperature=temperature))
    assert np.array_equal(run_1.distinct_words[0], run_t.distinct_words[0])
    assert np.all(run_t.entropy[1] < run_1.entropy[1])
    assert run_t.entropy[-1].mean() < run_1.entropy[-1].mean()


def test_the_entropy_of_generation_zero_is_the_real_one():
    run = words.simulate(SMALL)
    real = run.real
    assert np.allclose(run.entropy[0], -(real * np.log2(real)).sum())


# -- what vanishes, what comes back -------------------------------------------------------


def test_without_real_text_a_lost_word_never_comes_back():
    run = words.simulate(replace(SMALL, generations=30))
    assert np.all(run.returned == 0)
    assert np.all(np.diff(run.alive[1:], axis=0) <= 0)
    assert np.array_equal(run.alive[1:-1] - run.alive[2:], run.vanished[2:])


def test_fresh_real_text_brings_vanished_words_back():
    run = words.simulate(replace(SMALL, generations=30, real_fraction=0.3))
    assert np.all(run.returned[2:].sum(axis=0) > 0)
    # alive(n) = alive(n − 1) − vanished(n) + returned(n), generation after generation
    change = run.alive[2:] - run.alive[1:-1]
    assert np.array_equal(change, run.returned[2:] - run.vanished[2:])


def test_accumulating_every_text_loses_nothing_the_first_model_knew():
    run = words.simulate(replace(SMALL, regime="accumulate", generations=20))
    assert np.all(run.vanished[2:] == 0)
    assert np.all(run.alive[1:] == run.alive[1])


def test_the_vanished_words_shown_are_lost_ones_most_vivid_first():
    run = words.simulate(replace(SMALL, generations=20, replicas=1))
    place = words._vivid_place("en")
    for n in range(1, 21):
        shown = run.vanished_first[n]
        assert shown.size == min(words.SHOWN_VANISHED, run.vanished[n, 0])
        assert np.all(np.diff(place[shown]) > 0)
    first = run.vanished_first[1]
    lost_at_one = run.vanished[1, 0]
    assert lost_at_one > words.SHOWN_VANISHED
    # The most vivid lost word at generation 1 is a word of letters, rarer than the rest.
    assert run.words[first[0]].isalpha() and len(run.words[first[0]]) >= words.VIVID_LETTERS


def test_the_bag_is_drawn_from_the_generations_own_text():
    run = words.simulate(replace(SMALL, temperature=0.5, generations=25, replicas=1))
    # A sharp model ends up saying one word: the last bag is that word, over and over.
    assert run.alive[-1, 0] == 1
    assert len(set(run.bags[-1].tolist())) == 1
    assert run.model_curve[-1, 0] == pytest.approx(1.0)
    assert np.all(np.isnan(run.model_curve[-1, 1:]))


def test_frames_keep_the_first_and_last_generation():
    assert np.array_equal(words.frame_generations(40), np.arange(41))
    frames = words.frame_generations(300)
    assert frames[0] == 0 and frames[-1] == 300 and len(frames) <= 101


# -- text and figure ----------------------------------------------------------------------


def test_wrapped_lines_stay_within_the_width():
    items = [f"<b>word{i}</b>" if i % 3 else f"w{i}" for i in range(60)]
    text = words.wrap(items, width=30)
    lines = text.split("<br>")
    assert len(lines) > 5
    assert all(len(re.sub(r"<[^>]+>", "", line)) <= 30 for line in lines)
    assert re.sub(r"<[^>]+>", "", text.replace("<br>", " ")).split() == [
        re.sub(r"<[^>]+>", "", item) for item in items
    ]


@pytest.mark.parametrize("language", words.LANGUAGES)
def test_the_figure_sends_x_once_and_one_frame_a_generation_shown(language):
    use_language(language)
    try:
        run = words.simulate(replace(SMALL, language=language))
        frames = words.frame_generations(SMALL.generations)
        labels = {
            key.removeprefix("words.chart."): value
            for key, value in catalogue(language).items()
            if key.startswith("words.chart.")
        }
        fig = run_figure(run, frames, [str(g) for g in frames], labels=labels)
        summary = words.summary(run)
    finally:
        use_language("en")
    assert len(fig.frames) == len(frames)
    assert len(fig.layout.sliders[0].steps) == len(frames)
    curve = fig.frames[-1].data[0]
    assert curve.x is None and len(curve.y) == run.ranks.size
    texts = [frame.data[3].text[0] for frame in fig.frames]
    assert len(set(texts)) > 1
    # Every line of the text panel and of the title fits a phone's width (one word alone
    # on its line may not).
    for frame in fig.frames:
        for line in (frame.data[3].text[0] + "<br>" + frame.data[4].text[0]).split("<br>"):
            visible = re.sub(r"<[^>]+>", "", line)
            assert len(visible) <= words.TEXT_WIDTH or " " not in visible, visible
    assert "{" not in summary and "words." not in summary


# -- the page -------------------------------------------------------------------------------


def _words_page(lang: str, **query: str) -> AppTest:
    # Widgets' option names are formatted in the test's thread: give it the language too.
    use_language(lang)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["lang"] = lang
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page("app_pages/words.py")  # a deep link: the page reads the address first
    at.session_state["table_words_chart"] = True  # the folded table, built once opened
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _text(at: AppTest) -> str:
    return " ".join(str(e.value) for e in (*at.title, *at.markdown, *at.caption))


def test_the_page_runs_in_french_and_credits_the_data():
    try:
        at = _words_page("fr")
        shown = _text(at)
        assert catalogue("fr")["nav.words"] in shown
        assert "CC BY-SA 4.0" in shown and "wordfreq" in shown
        assert "2402.07043" in shown and "s41586-024-07566-y" in shown
        assert not [k for k in re.findall(r"\bwords\.[a-z_.]+\b", shown) if k in catalogue("fr")]
        assert "100 générations" in shown and "vrai français" in shown
        assert at.get("plotly_chart"), "the animated chart is sent"
        # the text alternative (key generations) and the downloads
        table = at.table[0].value
        assert catalogue("fr")["words.chart.alive_title"] in table.columns
        assert len(table) >= 3
        keys = {e.proto.id for e in at.get("download_button")}
        assert len(keys) == 3
    finally:
        use_language("en")


def test_the_address_sets_the_knobs_and_follows_them():
    try:
        at = _words_page("en", temperature="0.6", samples="3000", regime="accumulate", seed="5")
        assert at.select_slider(key="temperature").value == pytest.approx(0.6)
        assert at.select_slider(key="samples").value == 3000
        assert at.session_state["regime"] == "accumulate"
        shown = _text(at)
        assert "Keeping every text so far" in shown and "real English" in shown
        assert "CC BY-SA 4.0" in shown
        at.select_slider(key="generations").set_value(40).run()
        assert not at.exception
        assert at.query_params["generations"] in (["40"], "40")
        assert "After 40 generations" in _text(at)
    finally:
        use_language("en")


@pytest.mark.parametrize(
    ("language", "one", "many"),
    [
        ("en", "<b>1 word lost at this generation:</b>", "words lost at this"),
        ("fr", "<b>1 mot perdu à cette génération", "mots perdus à cette"),
    ],
)
def test_a_single_lost_word_is_counted_in_the_singular(language, one, many):
    # Seed 0 loses exactly one word at generation 58, and many at generation 2.
    run = words.simulate(words.WordsScenario(samples=20_000, generations=60, replicas=1, seed=0))
    assert run.vanished[58, 0] == 1 and run.vanished[2, 0] > 1
    use_language(language)
    try:
        single, several = words.frame_text(run, 58), words.frame_text(run, 2)
    finally:
        use_language("en")
    assert single.startswith(one)
    assert many in several.replace("<br>", " ").replace("</b> <b>", " ")
    assert "1 words" not in single and "1 mots" not in single
