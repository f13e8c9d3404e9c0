"""What readers said: each experiment's statistic against its closed form (fixed seeds,
enough runs, a tolerance of Z standard errors, and a deliberately wrong twin that must
fail), the words (plurals, separators, hover texts, typography, what the page may claim),
and the page under AppTest in both languages and in its projector view."""

from __future__ import annotations

import json
import math
import re
from contextlib import contextmanager

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lib import demos, i18n, readers, theory
from tests.conftest import ROOT
from ui import present

APP = str(ROOT / "app.py")
SCRIPT = "app_pages/readers.py"
Z = 4.0  # a simulated figure may sit this many of its own standard errors from theory
SEED = 11  # not the page's seed: the tests draw runs of their own


@contextmanager
def _language(lang: str):
    """The catalogue's language is per thread: set it for the test's thread too."""
    i18n.use_language(lang)
    try:
        yield
    finally:
        i18n.use_language("en")


# --- 2 and 6: fresh real data ------------------------------------------------------------------


def test_fresh_real_data_settle_the_variance_at_its_plateau():
    share, samples = 0.1, 50
    run = readers.gaussian_run(samples, 100, 2_000, real_fraction=share, seed=SEED)
    settled = demos.mean_of(run.model_std[-1] ** 2)
    assert abs(settled.gap(theory.fresh_data_plateau(samples, share)[0])) < Z
    # Wrong twins: fresh data restore the real variance entirely; fresh data change nothing.
    assert abs(settled.gap(1.0)) > Z
    assert abs(settled.gap(float(theory.mle_variance(100, samples)))) > Z


def test_the_fresh_data_demo_keeps_the_spread_that_synthetic_data_lose():
    data = readers.synthetic_compute(0.3)
    assert data["without"].shape == data["with_fresh"].shape == (3, 101)
    assert data["with_fresh"][1, -1] > 0.8 > 0.6 > data["without"][1, -1]
    low, median, high = data["with_fresh"]
    assert (low <= median).all() and (median <= high).all()


# --- 5: garbage in, garbage out ---------------------------------------------------------------


def test_each_step_shrinks_while_the_distance_to_the_real_world_grows():
    samples, generations = 50, 20
    step, total = readers.drift_distances(samples, generations, 4_000)  # (21, 4000) each
    step_theory, total_theory = readers.drift_theory(samples, np.arange(generations + 1))
    for n in range(1, generations + 1):
        assert abs(demos.mean_of(step[n] ** 2).gap(step_theory[n])) < Z, n
        assert abs(demos.mean_of(total[n] ** 2).gap(total_theory[n])) < Z, n
    last_step, last_total = demos.mean_of(step[-1] ** 2), demos.mean_of(total[-1] ** 2)
    # Wrong twins: every step as large as the first; the total no larger than one step.
    assert last_step.gap(step_theory[1]) < -Z
    assert last_total.gap(step_theory[1]) > Z


def test_the_half_normal_factor_is_the_mean_of_a_fitted_spread():
    rng = np.random.default_rng(SEED)
    fitted = np.sqrt(rng.chisquare(9, 200_000) / 10)  # σ of a 10-point MLE fit, σ₀ = 1
    assert abs(demos.mean_of(fitted).gap(readers.half_normal_factor(10))) < Z
    assert abs(demos.mean_of(fitted).gap(math.sqrt(0.9))) > Z  # √E[σ²] is not E[σ]


# --- 8: correct the bias ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def variances() -> dict[str, np.ndarray]:
    return {
        estimator: readers.model_variances(50, estimator, replicas=1_000)
        for estimator in ("mle", "unbiased")
    }


def test_the_unbiased_runs_collapse_about_half_as_fast(variances):
    samples, n = 50, readers.BIAS_GENERATIONS
    logs = {e: demos.mean_of(np.log(v[n])) for e, v in variances.items()}
    for estimator, estimate in logs.items():
        assert abs(estimate.gap(float(demos.log_variance(n, samples, estimator)))) < Z
    # Wrong twin (the catalogue's old claim): the unbiased run collapses just as fast.
    assert logs["unbiased"].gap(float(demos.log_variance(n, samples, "mle"))) > Z
    ratio = logs["unbiased"].value / logs["mle"].value
    # Delta method, the two runs' covariance left out (they share draws, which only
    # makes the ratio steadier than this SE says).
    se = abs(ratio) * math.hypot(
        logs["unbiased"].se / logs["unbiased"].value, logs["mle"].se / logs["mle"].value
    )
    assert abs(ratio - readers.log_speed_ratio(samples)) < Z * se
    assert abs(ratio - 1.0) > Z * se
    assert readers.log_speed_ratio(samples) == pytest.approx(0.5, abs=0.02)


def test_the_unbiased_average_holds_where_it_can_be_measured(variances):
    n = 10  # later, the average rests on runs too rare for a thousand replicas
    average = demos.mean_of(variances["unbiased"][n])
    assert abs(average.gap(1.0)) < Z
    assert abs(average.gap(float(theory.mle_variance(n, 50)))) > Z


@pytest.mark.parametrize("samples", readers.BIAS_SAMPLES)
def test_the_drawn_average_is_where_theory_puts_it(samples):
    data = readers.bias_compute(samples)
    drawn = np.arange(1, data["measurable"] + 1)
    mean, se = data["unbiased_mean"][drawn], data["unbiased_mean_se"][drawn]
    assert np.abs((mean - 1.0) / se).max() < Z
    # Wrong twin: the maximum-likelihood average, which shrinks.
    wrong = theory.mle_variance(drawn, samples)
    assert np.abs((mean - wrong) / se).max() > Z
    # It stops where a simulated mean of this many runs stops meaning anything (the
    # maths page's own limit), which for 20 and 50 points comes before the last generation.
    spread = demos.relative_spread_of_variance(data["measurable"] + 1, samples, "unbiased")
    assert spread / math.sqrt(readers.BIAS_REPLICAS) > demos.HEAVY_SE or (
        data["measurable"] == readers.BIAS_GENERATIONS
    )
    if samples <= 50:
        assert data["measurable"] < readers.BIAS_GENERATIONS


def test_the_bias_demo_reads_its_own_runs():
    data = readers.bias_compute(50)
    assert data["speed_ratio"] == pytest.approx(data["speed_ratio_theory"], abs=0.1)
    assert data["unbiased_median"][-1] > 2 * data["mle_median"][-1]
    assert np.allclose(data["unbiased_mean_theory"], 1.0)


# --- 10 and 11: inbreeding --------------------------------------------------------------------


def test_resampling_keeps_a_single_value_after_the_wright_fisher_time():
    samples = 20
    times = readers.fixation_times(samples, replicas=1_000, seed=SEED)
    assert (times > 0).all()
    waited = demos.mean_of(times)
    assert abs(waited.gap(theory.fixation_time_exact(samples))) < Z
    assert abs(waited.gap(samples)) > Z  # wrong twin: M generations


def test_the_fixation_histogram_counts_every_fixed_run():
    data = readers.inbreeding_compute(20)
    assert data["counts"].sum() == data["runs"] - data["unfixed"] == readers.FIXATION_REPLICAS
    assert data["edges"][0] <= data["fastest"] and data["slowest"] < data["edges"][-1]
    assert data["theory"] == 38
    # The page's own runs agree with the exact Wright–Fisher time too.
    exact = theory.fixation_time_exact(20)
    assert abs(data["mean"] - exact) < Z * data["mean_se"]


# --- 14 (and 3): accumulate rather than replace -----------------------------------------------


def test_accumulating_bounds_the_error_of_the_mean():
    samples, generations = 50, 60
    bound = math.pi**2 / 6  # Σ 1/k², Gerstgrasser et al. 2024
    kept = readers.gaussian_run(samples, generations, 1_000, regime="accumulate", seed=SEED)
    for n in (1, 10, generations):
        error = demos.variance_of(kept.model_mean[n])
        assert samples * (error.value - Z * error.se) < bound, n
    replaced = readers.gaussian_run(samples, generations, 1_000, seed=SEED)
    error = demos.variance_of(replaced.model_mean[-1])
    assert samples * (error.value - Z * error.se) > bound  # wrong twin: replacing is bounded


def test_the_transfer_demo_draws_the_accumulate_line_only_when_asked():
    assert readers.transfer_compute(False)["accumulate"] is None
    data = readers.transfer_compute(True)
    assert data["accumulate"][1, -1] > 0.9 > 0.3 > data["replace"][1, -1]
    assert data["synthetic_share"] == pytest.approx(0.99)


# --- 9: the mould ------------------------------------------------------------------------------


def test_the_copies_fill_the_hollow_between_the_humps():
    # No closed form for the blurring chain: the hollow's depth is read off the histogram.
    original, third = readers.mould_compute(0), readers.mould_compute(3)
    assert original["hollow_real"] == pytest.approx(0.24, abs=0.02)
    assert original["hollow"] == pytest.approx(original["hollow_real"], abs=0.1)
    assert third["hollow"] > 2 * original["hollow"]
    assert third["y_max"] == original["y_max"]  # one scale for every copy


# --- words -------------------------------------------------------------------------------------


def test_counts_follow_cldr_plural_rules():
    with _language("en"):
        assert readers.counted("runs", 1) == "1 run"
        assert readers.counted("runs", 0) == "0 runs"
        assert readers.counted("generations", 2_000) == "2,000 generations"
    with _language("fr"):
        assert readers.counted("runs", 0) == "0 simulation"
        assert readers.counted("runs", 1) == "1 simulation"
        assert readers.counted("points", 2) == "2 tirages"
        # French's "many" (millions) falls back to the plural the catalogue has.
        assert readers.counted("generations", 1_000_000) == "1\u202f000\u202f000 générations"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_figure_speaks_the_language(lang):
    catalogue = i18n.catalogue(lang)
    hover_generation = catalogue["readers.hover.generation"].split("{")[0].strip()
    hover_value = catalogue["readers.hover.value_at"].split("{")[0].strip()
    fixed_form = "%{x:.2f}: %{y:.3f}"  # the untranslated hover the page used to print
    with _language(lang):
        for section in readers.SECTIONS:
            choices = section.defaults()
            figure = section.figure(section.compute(**choices), **choices)
            assert figure.layout.separators == (",\u202f" if lang == "fr" else ".,")
            assert figure.layout.xaxis.title.text and figure.layout.yaxis.title.text
            shown = [tr for tr in figure.data if tr.hoverinfo != "skip"]
            assert shown, section.name
            for trace in shown:
                # What the hover shows once Plotly fills it: words, never bare numbers.
                template = trace.hovertemplate or ""
                filled = template.replace("%{fullData.name}", trace.name or "")
                words = re.sub(r"%\{[^}]*\}|<[^>]*>", "", filled)
                assert re.search(r"[A-Za-zÀ-ÿ]{3}", words), (section.name, template)
            if figure.layout.hovermode != "closest":  # one title per generation or value
                title = re.sub(r"%\{[^}]*\}", "", figure.layout.xaxis.unifiedhovertitle.text)
                assert title.strip() in (hover_generation, hover_value), section.name
            assert fixed_form not in json.dumps(figure.to_plotly_json())


def _readers_strings(lang: str) -> dict[str, str]:
    return {k: v for k, v in i18n.catalogue(lang).items() if k.startswith("readers.")}


def test_french_typography_of_the_readers_catalogue():
    offenders = []
    for key, text in _readers_strings("fr").items():
        plain = re.sub(r"%\{[^}]*\}", "", text)
        if re.search(r"(?<!\u202f)[;?!»]|«(?!\u202f)", plain):
            offenders.append((key, "narrow no-break space around ; ? ! « »"))
        if re.search(r"(?<!\u00a0):", plain):
            offenders.append((key, "no-break space before :"))
        if re.search(r"n°(?!\u00a0)", plain):
            offenders.append((key, "no-break space after n°"))
        if "'" in text:
            offenders.append((key, "straight apostrophe"))
    assert offenders == []


def test_english_typography_of_the_readers_catalogue():
    offenders = [
        key
        for key, text in _readers_strings("en").items()
        if "'" in text or re.search(r"\d %", text) or re.search(r" [\u00a0\u202f]", text)
    ]
    assert offenders == []


def test_the_words_say_only_what_readers_wrote_and_the_page_shows():
    english, french = _readers_strings("en"), _readers_strings("fr")
    both = " ".join(english.values()) + " ".join(french.values())
    # No reader gave a profession; the comments numbered seventeen.
    assert not re.search(r"practitioner|praticien|quinzaine|fifteen", both, re.IGNORECASE)
    assert "seventeen" in english["readers.intro"] and "dix-sept" in french["readers.intro"]
    # The bias answer: about half as fast, with the two rates.
    for text in (english["readers.bias.answer"], french["readers.bias.answer"]):
        assert "1/(M − 1)" in text and "2/M" in text
    assert "half as fast" in english["readers.bias.answer"]
    assert "deux fois moins vite" in french["readers.bias.answer"]
    assert "tout autant" not in french["readers.bias.answer"]
    # Transfer: distillation, and accumulation bounds the error (Gerstgrasser et al.).
    for text, bounded in (
        (english["readers.transfer.answer"], "bounded"),
        (french["readers.transfer.answer"], "bornée"),
    ):
        assert "distillation" in text and "Gerstgrasser" in text and bounded in text
    # Inbreeding is a reply to the mould comment; the 0s-and-1s reader argues by feel.
    assert "mould" in english["readers.inbreeding.claim"]
    assert "moulage" in french["readers.inbreeding.claim"]
    assert "intuition" in english["readers.inbreeding.claim_feel"]
    assert "intuition" in french["readers.inbreeding.claim_feel"]
    # The remarks that were missing have a place.
    for marker in ("Stack Overflow", "Idiocracy"):
        assert marker in both
    assert "average at everything" in english["readers.transfer.claim"]
    assert "moyens en tout" in french["readers.transfer.claim"]
    # French: one word a thing, and no calques.
    joined = " ".join(french.values())
    banned = r"\béchantillons?\b|\bessais?\b|marche au hasard|Déchets en entrée|apprend sur"
    assert re.findall(banned, joined) == []
    # « l’article » is the news item alone; the paper is « l’étude ».
    assert [k for k, v in french.items() if re.search(r"\barticle\b", v)] == ["readers.intro"]
    assert "l’étude" in french["readers.synthetic.answer"]


# --- the page under AppTest -------------------------------------------------------------------


def _open(lang: str, **query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = lang
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(SCRIPT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def _named_traces(figure: dict) -> dict[str, dict]:
    return {
        trace["name"]: trace
        for trace in figure["data"]
        if trace.get("name") and trace.get("showlegend", True) is not False
    }


def _last(values) -> float:
    if isinstance(values, dict):  # plotly's typed-array encoding
        import base64

        values = np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
    return float(np.asarray(values, dtype=float)[-1])


def _shown(at: AppTest) -> str:
    return " ".join(str(e.value) for e in (*at.title, *at.subheader, *at.markdown, *at.caption))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_page_draws_every_argument_in_its_language(lang):
    other = "fr" if lang == "en" else "en"
    catalogue, foreign = i18n.catalogue(lang), i18n.catalogue(other)
    with _language(lang):
        at = _open(lang)
        assert at.title[0].value == catalogue["nav.readers"]
        headings = [h.value for h in at.subheader]
        assert headings == [catalogue[s.heading_key] for s in readers.SECTIONS] + [
            catalogue["readers.others.heading"]
        ]
        shown = _shown(at)
        for section in readers.SECTIONS:
            for key in section.text_keys:
                assert catalogue[key] in shown, key
        for remark in ("obvious", "pollution", "idiocracy", "abyss"):
            assert catalogue[f"readers.others.{remark}"] in shown
        # No sentence of the other language, no raw key.
        leaked = [k for k, v in foreign.items() if len(v) > 30 and v in shown]
        assert leaked == []
        assert not re.search(r"\breaders\.[a-z_.]+", shown)
        # Each link leads to the page that goes deeper, with the settings that match.
        links = [(e.proto.label, e.proto.page, e.proto.query_string) for e in at.get("page_link")]
        for section in readers.SECTIONS:
            if section.link is not None:
                query = "&".join(f"{k}={v}" for k, v in section.link.query.items())
                query = f"{query}&lang={lang}" if query else f"lang={lang}"
                wanted = (catalogue[section.link.label_key], section.link.page, query)
                assert wanted in links, wanted
        figures = _figures(at)
        assert len(figures) == len(readers.SECTIONS)
        separators = ",\u202f" if lang == "fr" else ".,"
        assert {f["layout"]["separators"] for f in figures} == {separators}
        if lang == "fr":  # decimal commas in the sentences, never points
            assert not re.search(r"\d\.\d", shown)
            assert "tirages par génération" in shown and "simulations" in shown
        else:
            assert "points per generation" in shown and "runs" in shown


def test_the_widgets_drive_the_experiments():
    lang = "fr"
    catalogue = i18n.catalogue(lang)
    with _language(lang):
        at = _open(lang)
        without_name = catalogue["readers.synthetic.only_synthetic"]
        without = _named_traces(_figures(at)[0])[without_name]["y"]
        at.select_slider(key="readers_synthetic_share").set_value(0.3).run()
        label = catalogue["readers.synthetic.with_fresh"].format(share=i18n.fmt_percent(0.3))
        with_fresh = _named_traces(_figures(at)[0])[label]["y"]
        assert _last(with_fresh) > 0.8 > 0.6 > _last(without)

        at.select_slider(key="readers_inbreeding_samples").set_value(10).run()
        assert any("M = 10" in m.value and "18" in m.value for m in at.markdown)

        at.toggle(key="readers_transfer_accumulate").set_value(False).run()
        replace_only = _named_traces(_figures(at)[5])
        assert list(replace_only) == [catalogue["param.regime.options.replace"]]

        at.select_slider(key="readers_bias_samples").set_value(20).run()
        at.select_slider(key="readers_garbage_samples").set_value(500).run()
        at.select_slider(key="readers_mould_copy").set_value(30).run()
        assert not at.exception
        assert catalogue["readers.mould.summary"].split("{")[0] + "30" in _shown(at)


def test_on_a_projector_the_first_experiment_alone_large():
    with _language("en"):
        catalogue = i18n.catalogue("en")
        at = _open("en", present="1")
        figures = _figures(at)
        assert len(figures) == 1 and not at.subheader and not at.caption
        layout = figures[0]["layout"]
        assert layout["height"] == present.PRESENT_HEIGHT > readers.figures.HEIGHT
        assert layout["font"]["size"] == present.PRESENT_FONT
        sentence = catalogue["readers.synthetic.summary"].split("{")[0]
        assert [m.value for m in at.markdown if m.value.startswith(sentence)]


def test_every_readers_key_is_used():
    """A key nobody reads rots unseen: each one is named by the page or its sections
    (the remarks and the plural forms are looked up by pattern)."""
    code = (ROOT / "lib" / "readers.py").read_text() + (ROOT / SCRIPT).read_text()
    patterned = ("readers.others.", "readers.count.")
    unused = [k for k in _readers_strings("en") if k not in code and not k.startswith(patterned)]
    assert unused == []
