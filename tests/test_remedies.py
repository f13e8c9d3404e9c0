"""The remedies page: its laws against the engine (within Z standard errors, each with a
deliberately wrong twin that must fail), what its sections compute and show, and the page
under AppTest in both languages.

The engine's own tests cover the engine; these cover what the page draws: the curves
``lib.remedies`` computes, the numbers its sentences print, and the page as a visitor
gets it.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lib import i18n, remedies, theory
from lib.engine import Scenario, simulate
from lib.params import PAGE_PARAMS
from tests.conftest import ROOT

APP = str(ROOT / "app.py")
SCRIPT = "app_pages/remedies.py"
Z = 4.0  # a simulated figure may sit this many of its own standard errors from its law
GOLDEN = (math.sqrt(5) - 1) / 2  # 1/φ


def _run(samples, generations, replicas, seed=11, **changes):
    return simulate(
        Scenario(samples=samples, generations=generations, replicas=replicas, seed=seed, **changes)
    )


def _gaps(values: np.ndarray, law) -> np.ndarray:
    """(mean − law)/SE of each row of a (rows, replicas) array."""
    mean, se = remedies.mean_and_se(values)
    return (mean - law) / se


# --- the laws the page draws, against lib.theory and the issue's numbers ------------------


@pytest.mark.parametrize(("samples", "real_count"), [(20, 2), (20, 1), (100, 10), (1000, 500)])
def test_the_fresh_data_curve_settles_on_theorys_plateau(samples, real_count):
    variance, mean_variance = remedies.fresh_law(samples, real_count, 3_000)
    plateau, mean_plateau = theory.fresh_data_plateau(samples, real_count / samples)
    assert variance[-1] == pytest.approx(plateau, rel=1e-9)
    assert mean_variance[-1] == pytest.approx(mean_plateau, rel=1e-9)
    assert variance[1] == pytest.approx((samples - 1) / samples)  # model 1: D₀, all real


def test_the_accumulate_curve_gives_the_issues_numbers():
    variance, mean_variance = remedies.accumulate_law(20, 200)
    # the issue's "≈ 0.921" was read off a simulation; the exact expectation is 0.91999
    assert variance[200] == pytest.approx(0.920, abs=5e-4)
    # the infinite product is sin(π/√M)/(π/√M)
    x = math.pi / math.sqrt(20)
    assert remedies.accumulate_law(20, 100_000)[0][-1] == pytest.approx(math.sin(x) / x, rel=1e-4)
    assert (20 * mean_variance <= remedies.PI2_6).all()
    # large M: theory's Σ 1/k² law
    _, large = remedies.accumulate_law(10**7, 200)
    assert large == pytest.approx(theory.accumulated_mean_variance(np.arange(201), 10**7))


def test_the_weighted_law_agrees_with_theory_and_the_golden_ratio():
    variance, mean_variance = remedies.weighted_law(20, 20, np.array([0.3, GOLDEN, 1.0]))
    assert 20 * mean_variance == pytest.approx(
        theory.weighted_mean_variance(20, 20, np.array([0.3, GOLDEN, 1.0]), variance=variance)
    )
    big = 10**7
    weights = np.linspace(0.01, 1, 9_901)
    _, large = remedies.weighted_law(big, big, weights)
    assert weights[np.argmin(large)] == pytest.approx(GOLDEN, abs=1e-3)
    assert big * large.min() == pytest.approx(GOLDEN, abs=1e-4)
    counts = big * remedies.weighted_law(big, big, np.array([0.5, 1.0]))[1]
    assert counts == pytest.approx([2 / 3, 1.0], abs=1e-5)
    assert theory.best_real_weight(20, 20) == pytest.approx(GOLDEN)


def test_the_calculator_turns_the_plateau_round():
    data = remedies.calculator_compute(100, 0.05)
    assert data["chosen"] == pytest.approx(0.1006, abs=5e-5)
    # far up the range the exact share meets (1/ε − 1)/(2M): no digit lost to cancellation
    assert data["needed"][-1] == pytest.approx((1 / 0.05 - 1) / (2 * 10**9), rel=1e-6)
    # below ε = 1/M no share will do: NaN on the chart, and the sentence says so
    impossible = remedies.calculator_compute(10, 0.05)
    assert math.isnan(impossible["chosen"])
    assert np.isnan(impossible["needed"][remedies.CALCULATOR_GRID < 20]).all()
    assert np.isfinite(impossible["needed"][remedies.CALCULATOR_GRID > 20]).all()
    sentence = remedies.calculator_summary(impossible, 10, 0.05)
    assert sentence == i18n.t("remedies.calculator.none", samples="10", keep="95%", floor="10%")


# --- the laws against the engine, each with a wrong twin ---------------------------------


def test_fresh_data_follow_their_law_and_a_share_off_by_one_point_does_not():
    samples, real_count, generations = 20, 2, 40
    run = _run(samples, generations, 4_000, real_fraction=real_count / samples)
    variance, mean_variance = remedies.fresh_law(samples, real_count, generations)
    rows = slice(1, None)
    assert np.abs(_gaps(run.model_std[rows] ** 2, variance[rows])).max() < Z
    assert np.abs(_gaps(run.model_mean[rows] ** 2, mean_variance[rows])).max() < Z
    wrong_variance, wrong_mean = remedies.fresh_law(samples, real_count + 1, generations)
    assert abs(_gaps(run.model_std[-1:] ** 2, wrong_variance[-1:])[0]) > Z
    assert abs(_gaps(run.model_mean[-1:] ** 2, wrong_mean[-1:])[0]) > Z


def test_accumulated_data_follow_their_law_and_a_pool_off_by_one_generation_does_not():
    samples, generations = 20, 5
    run = _run(samples, generations, 20_000, regime="accumulate")
    variance, mean_variance = remedies.accumulate_law(samples, generations + 1)
    rows = slice(1, generations + 1)
    assert np.abs(_gaps(run.model_mean[rows] ** 2, mean_variance[rows])).max() < Z
    assert np.abs(_gaps(run.model_std[rows] ** 2, variance[rows])).max() < Z
    # a pool that counted one generation more (or less) than it holds
    later, earlier = slice(2, generations + 2), slice(0, generations)
    assert np.abs(_gaps(run.model_mean[rows] ** 2, mean_variance[later])).max() > Z
    assert np.abs(_gaps(run.model_mean[rows] ** 2, mean_variance[earlier])).max() > Z


def test_accumulated_variance_stays_near_the_real_one_for_200_generations():
    run = _run(20, 200, 1_000, regime="accumulate")
    variance, mean_variance = remedies.accumulate_law(20, 200)
    assert abs(_gaps(run.model_std[-1:] ** 2, variance[-1:])[0]) < Z
    assert abs(_gaps(20 * run.model_mean[-1:] ** 2, 20 * mean_variance[-1:])[0]) < Z
    # replacing instead collapses: the same law would be wrong by far
    replaced = _run(20, 200, 1_000)
    assert abs(_gaps(replaced.model_std[-1:] ** 2, variance[-1:])[0]) > Z


def _settled_mean_square(run, burn_in: int, real_count: int) -> tuple[float, float]:
    """nᵣ·E[μ²] averaged over the generations after ``burn_in``: one number a replica."""
    per_replica = real_count * (run.model_mean[burn_in + 1 :] ** 2).mean(axis=0)
    return per_replica.mean(), per_replica.std(ddof=1) / math.sqrt(per_replica.size)


@pytest.mark.parametrize("weight", [GOLDEN, 0.3])
def test_weighted_fits_follow_their_law_and_swapped_weights_do_not(weight):
    real_count = synthetic_count = 20
    run = _run(40, 60, 1_000, real_fraction=0.5, real_weight=weight)
    simulated, se = _settled_mean_square(run, remedies.WEIGHT_BURN_IN, real_count)
    _, law = remedies.weighted_law(real_count, synthetic_count, weight)
    assert abs(simulated - real_count * law) / se < Z
    _, swapped = remedies.weighted_law(real_count, synthetic_count, 1 - weight)
    assert abs(simulated - real_count * swapped) / se > Z


def test_curation_narrows_as_its_law_says_and_a_tilt_of_the_wrong_sign_does_not():
    curation, generations = 0.1, 30
    run = _run(5_000, generations + 1, 100, curation=curation)
    law = remedies.curated_model_law(generations + 1, curation, 0.0)
    assert law[-1] == pytest.approx(1 / (1 + curation * generations))  # model n + 1: 1/(1 + cn)
    rows = slice(2, None)  # model 1 is fitted to the real data: its variance has no SE to test
    assert np.abs(_gaps(run.model_std[rows] ** 2, law[rows])).max() < Z
    # a tilt that favours the atypical: 1/(1 − cn)
    wrong = 1 / (1 - curation * np.arange(1, 9))
    assert np.abs(_gaps(run.model_std[2:10] ** 2, wrong)).max() > Z


def test_curation_with_fresh_data_settles_on_the_root():
    run = _run(5_000, 30, 100, real_fraction=0.2, curation=0.5)
    plateau = theory.curated_plateau(0.5, 0.2)
    assert plateau == pytest.approx(0.540, abs=5e-4)
    assert abs(_gaps(run.model_std[-1:] ** 2, plateau)[0]) < Z
    # without the fresh data's variance added back, the law would be 1/(1 + c n)
    assert abs(_gaps(run.model_std[-1:] ** 2, 1 / (1 + 0.5 * 30))[0]) > Z


# --- what the sections compute and show ---------------------------------------------------


@pytest.fixture(scope="module")
def section_data() -> dict:
    return {s.name: s.compute(**s.defaults()) for s in remedies.SECTIONS}


def test_each_section_draws_its_simulation_near_its_law(section_data):
    fresh = section_data["fresh"]
    gap = (fresh["average"] - fresh["law_variance"])[1:] / fresh["average_se"][1:]
    assert np.abs(gap).max() < Z
    gap = (fresh["mean_variance"] - fresh["law_mean_variance"])[1:] / fresh["mean_variance_se"][1:]
    assert np.abs(gap).max() < Z
    accumulate = section_data["accumulate"]
    gap = (accumulate["accumulate_mean_variance"] - accumulate["law_accumulate"])[1:]
    assert np.abs(gap / accumulate["accumulate_mean_variance_se"][1:]).max() < Z
    weight = section_data["weight"]
    law_at_points = np.interp(weight["weights"], weight["law_weights"], weight["law"])
    assert np.abs((weight["simulated"] - law_at_points) / weight["se"]).max() < Z
    curation = section_data["curation"]
    for name in ("alone", "fresh"):
        # the large-M law on the page's M = 1,000: within 3 % at every generation
        assert curation[f"{name}_average"] == pytest.approx(curation[f"{name}_law"], rel=0.03)


def test_each_section_builds_its_figure_and_sentence_in_both_languages(section_data):
    try:
        for language in i18n.LANGUAGES:
            i18n.use_language(language)
            for section in remedies.SECTIONS:
                choices = section.defaults()
                figure = section.figure(section_data[section.name], **choices)
                assert figure.data, section.name
                sentence = section.summary(section_data[section.name], **choices)
                assert sentence and "{" not in sentence, section.name
    finally:
        i18n.use_language("en")
    i18n.use_language("fr")
    try:
        sentence = remedies.weight_summary(section_data["weight"], 0.5)
        assert "0,618" in sentence  # the French decimal comma, and 1/φ itself
    finally:
        i18n.use_language("en")


# --- the page -----------------------------------------------------------------------------

_RAW_KEY = re.compile(r"\bremedies\.[a-z_]+(\.[a-z_]+)*\b")


def _page(lang: str, **query: str) -> AppTest:
    """The page opened from its own address, as a shared link opens it."""
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params.update({"lang": lang, **query})
    at.switch_page(SCRIPT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _texts(at: AppTest) -> str:
    parts = [e.value for e in (*at.title, *at.subheader, *at.markdown, *at.caption)]
    parts += [e.body for e in (*at.info, *at.warning)]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_page_runs_in_both_languages(lang):
    at = _page(lang)
    text = _texts(at)
    assert not _RAW_KEY.search(text), _RAW_KEY.search(text)
    catalogue = i18n.catalogue(lang)
    headings = [s.heading_key for s in remedies.SECTIONS]
    assert [h.value for h in at.subheader][: len(headings)] == [catalogue[k] for k in headings]
    assert len(at.get("plotly_chart")) == len(remedies.SECTIONS)
    if lang == "fr":
        english = i18n.catalogue("en")
        assert english["remedies.fresh.law"] not in text
        assert "données réelles" in text and "\u202f?" in at.title[0].value


@pytest.mark.parametrize(
    ("query", "reasons", "expected"),
    [
        # out of range, not a number, between two choices, absurdly long
        ({"real_fraction": "7"}, {"real_fraction": "out_of_range"}, {"real_fraction": 0.5}),
        ({"curation": "nan"}, {"curation": "not_a_number"}, {"curation": 0.5}),
        ({"samples": "-3"}, {"samples": "out_of_range"}, {"samples": 10}),
        ({"samples": "1e12"}, {"samples": "out_of_range"}, {"samples": 10**9}),
        ({"real_fraction": "0.37"}, {}, {"real_fraction": 0.5}),
        ({"curation": "9" * 80}, {"curation": "too_long"}, {"curation": 0.5}),
    ],
)
def test_hostile_values_get_a_notice_and_a_safe_value(query, reasons, expected):
    at = _page("fr", **query)
    notices = [e.body for e in at.info]
    french = i18n.catalogue("fr")
    for key, reason in reasons.items():
        label = french[f"param.{key}.label"]
        assert any(label in body for body in notices), (notices, reason)
    if not reasons:  # a value between two choices: the page's own notice
        assert any(french["remedies.nearest"].split("{raw}")[1][:20] in b for b in notices)
    for key, value in expected.items():
        section, control = remedies.URL_CONTROLS[key]
        assert at.session_state[f"remedies_{section}_{control}"] == value
        shown = at.query_params.get(key)
        shown = shown[-1] if isinstance(shown, list) else shown
        if value == PAGE_PARAMS["remedies"][key].default:
            assert shown is None  # the address carries only what differs from the defaults
        else:
            assert float(shown) == value


def test_a_shared_link_reopens_the_same_choices_and_the_url_follows_the_controls():
    at = _page("en", real_fraction="0.2", samples="1000000", curation="0.25")
    assert not at.info
    assert at.session_state["remedies_fresh_real_fraction"] == 0.2
    assert at.session_state["remedies_calculator_samples"] == 10**6
    assert at.session_state["remedies_curation_curation"] == 0.25
    assert "1,000,000" in _texts(at)  # the calculator's sentence reads the shared M
    at.button_group(key="remedies_fresh_real_fraction").set_value(0.5).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["real_fraction"] in ("0.5", ["0.5"])
    assert "50%" in _texts(at)


@pytest.mark.parametrize("mode", ["embed", "present"])
def test_embedded_and_projected_views(mode):
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params.update({"lang": "en", "real_fraction": "0.2"})
    if mode == "embed":
        at.context["is_embedded"] = True  # what Streamlit reads from ?embed=true
    else:
        at.query_params["present"] = "1"
    at.switch_page(SCRIPT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    charts = at.get("plotly_chart")
    if mode == "embed":
        # the first section alone, at the shared share of fresh data, with its sentence
        assert len(charts) == 1
        assert any("With 20% fresh real data" in m.value for m in at.markdown)
    else:
        # one remedy a screen, the teacher steps to the next
        assert len(charts) == 1 and charts[0].proto.id.endswith("remedies_fresh_chart")
        at.button(key="screen_next_remedies").click().run()
        assert not at.exception, [e.value for e in at.exception]
        charts = at.get("plotly_chart")
        assert len(charts) == 1 and charts[0].proto.id.endswith("remedies_calculator_chart")
    english = i18n.catalogue("en")
    assert english["remedies.fresh.law"] not in _texts(at)  # no prose in either view


def test_each_link_opens_the_laboratory_on_the_sections_settings():
    from lib import params

    for section in remedies.SECTIONS:
        if section.link is None:
            continue
        assert section.link.page == "lab"
        query = params.to_query(dict(section.link.query), "lab")
        values, notices = params.parse(query, "lab")
        assert notices == [], section.name
        for key, value in section.link.query.items():
            assert values[key] == pytest.approx(value), (section.name, key)


def test_the_maths_pages_rows_agree_with_their_laws():
    rows = remedies.law_checks()
    quantities = [row.quantity for row in rows]
    assert quantities == [
        "fresh_variance",
        "fresh_mean",
        "accumulate_mean",
        "accumulate_variance",
        "weight_mean",
        "curation_variance",
        "curation_fresh",
    ]
    for row in rows:
        assert row.simulated.se > 0, row
        assert abs(row.gap) < Z, row
    for language in i18n.LANGUAGES:
        words = i18n.catalogue(language)
        assert all(f"maths.remedies.row_{q}" in words for q in quantities)
    # the table would catch a plateau for twice the share, or the replace regime's law
    fresh_variance, accumulate_variance = rows[0], rows[3]
    assert abs(fresh_variance.simulated.gap(theory.fresh_data_plateau(20, 0.2)[0])) > Z
    assert abs(accumulate_variance.simulated.gap(theory.mle_variance(200, 20))) > Z
