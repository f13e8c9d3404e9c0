"""The maths, and the helpers the readers' page shares with it: the pure helpers against
closed forms and Monte Carlo, the maths check against theory, and the maths page under
AppTest in both languages (the readers' page has its own tests, tests/test_readers.py)."""

from __future__ import annotations

import json
import math
import re
from contextlib import contextmanager

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from lib import demos, i18n, theory
from lib.engine import Scenario, simulate
from lib.params import PAGE_PARAMS
from tests.conftest import ROOT

APP = str(ROOT / "app.py")
Z = 4.0  # a simulated figure may sit this many of its own standard errors from theory


# --- pure helpers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("samples", "generations", "estimator"), [(20, 5, "mle"), (10, 5, "unbiased")]
)
def test_median_log_variance_matches_a_direct_monte_carlo(samples, generations, estimator):
    rng = np.random.default_rng(5)
    divisor = samples - (0 if estimator == "mle" else 1)
    logs = np.log(rng.chisquare(samples - 1, (100_000, generations)) / divisor).sum(axis=1)
    simulated = demos.median_of(logs)
    assert abs(simulated.gap(float(demos.median_log_variance(generations, samples, estimator)))) < Z
    # Without the skewness correction the median would be off by more than Z SE.
    assert abs(simulated.gap(float(demos.log_variance(generations, samples, estimator)))) > Z


def test_closed_forms_follow_the_estimator():
    n = np.arange(5)
    assert np.allclose(demos.mean_variance(n, 10, "mle"), 0.9**n)
    assert np.allclose(demos.mean_variance(n, 10, "unbiased"), 1.0)
    assert np.allclose(demos.mean_drift(n, 10, "unbiased"), n / 10)
    assert np.allclose(demos.mean_drift(n, 10, "mle"), 1 - 0.9**n)
    assert demos.median_log_variance(0, 10, "mle") == 0.0
    assert demos.relative_spread_of_variance(0, 10, "mle") == 0.0
    with pytest.raises(ValueError):
        demos.mean_variance(1, 10, "median")


def test_standard_errors_of_a_normal_sample():
    values = np.random.default_rng(3).standard_normal(40_000)
    root = math.sqrt(values.size)
    assert demos.mean_of(values).se == pytest.approx(1 / root, rel=0.03)
    assert demos.median_of(values).se == pytest.approx(math.sqrt(math.pi / 2) / root, rel=0.15)
    assert demos.variance_of(values).se == pytest.approx(math.sqrt(2) / root, rel=0.05)


def test_gap_is_in_standard_errors():
    assert demos.Estimate(1.2, 0.1).gap(1.0) == pytest.approx(2.0)
    assert demos.Estimate(1.0, 0.0).gap(1.0) == 0.0
    assert demos.Estimate(1.0, 0.0).gap(2.0) == -math.inf


def test_wasserstein_between_bell_curves():
    assert demos.gaussian_w2(0.0, 1.0, 3.0, 5.0) == pytest.approx(5.0)
    assert demos.gaussian_w2(1.0, 2.0, 1.0, 2.0) == 0.0


def test_fixation_is_the_first_generation_with_one_value():
    distinct = np.array([[5, 5, 5], [3, 4, 5], [1, 2, 5], [1, 1, 4]])  # (generations + 1, 3)
    assert demos.fixation_generations(distinct).tolist() == [2, 3, -1]


def test_resampling_fixes_after_the_wright_fisher_time():
    samples = 20
    run = simulate(
        Scenario(model="resample", samples=samples, generations=10 * samples, replicas=200)
    )
    times = demos.fixation_generations(run.distinct_values)
    assert (times > 0).all()
    assert abs(demos.mean_of(times).gap(theory.fixation_time_exact(samples))) < Z


# --- the maths page's check ----------------------------------------------------------------


def _defaults() -> tuple[int, int, str]:
    spec = PAGE_PARAMS["maths"]
    return spec["samples"].default, spec["generations"].default, spec["estimator"].default


@pytest.fixture(scope="module")
def default_check() -> demos.Check:
    samples, generations, estimator = _defaults()
    return demos.theory_check(samples, generations, estimator)


def test_the_check_agrees_with_theory_at_the_defaults(default_check):
    check = default_check
    generations = _defaults()[1]
    assert [row.quantity for row in check.rows] == [
        "mean_variance",
        "median_variance",
        "log_variance",
        "mean_drift",
        "distinct",
    ]
    for row in check.rows:
        assert row.simulated.se > 0, row
        assert abs(row.gap) < Z, row
    assert not check.heavy
    assert check.mean_variance.shape == (generations + 1,)
    # The curves agree too: the mean variance stays within Z SE of theory at every n.
    gaps = (check.mean_variance - check.theory_mean_variance)[1:] / check.mean_variance_se[1:]
    assert np.abs(gaps).max() < Z


def test_the_check_would_catch_a_wrong_theory(default_check):
    samples, generations, estimator = _defaults()
    assert estimator == "mle"
    check = default_check
    # The maximum-likelihood chain shrinks: the unbiased estimator's flat mean is far off.
    wrong = float(demos.mean_variance(generations, samples, "unbiased"))
    assert check.rows[0].simulated.gap(wrong) < -10


def test_heavy_runs_are_flagged():
    # M = 10, n = 200: sd(σ²ₙ)/E[σ²ₙ] is about e^20, far beyond what any simulation meets.
    assert demos.relative_spread_of_variance(200, 10, "unbiased") > 1e8
    check = demos.theory_check(10, 200, "unbiased")
    assert check.heavy


# --- the pages under AppTest ---------------------------------------------------------------


@contextmanager
def _language(lang: str):
    """AppTest formats widget options in the test's thread; the catalogue's language is
    per thread, so set it here too while the app runs."""
    i18n.use_language(lang)
    try:
        yield
    finally:
        i18n.use_language("en")


def _open(script: str, lang: str, **query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = lang
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(script)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def _number(text: str) -> float:
    """A figure of the maths table back to a float, whatever the language."""
    text = text.replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
    mantissa, _, exponent = text.partition("×10")
    value = float(mantissa.replace(",", "."))
    if exponent:
        digits = exponent.translate(str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789"))
        value *= 10 ** int(digits)
    return value


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_maths_table_agrees_with_theory_in_both_languages(lang):
    with _language(lang):
        at = _open("app_pages/maths.py", lang)
        catalogue = i18n.catalogue(lang)
        assert at.title[0].value == catalogue["nav.maths"]
        assert len(at.get("latex")) >= 8
        table = at.table[0].value
        columns = [catalogue[f"maths.check.{c}"] for c in ("simulation", "se", "theory")]
        assert list(table.columns) == [
            catalogue[f"maths.check.{c}"]
            for c in ("quantity", "simulation", "se", "theory", "gap", "verdict")
        ]
        assert len(table) == 5
        for _, row in table.iterrows():
            simulated, se, expected = (_number(row[c]) for c in columns)
            assert se > 0
            assert abs(simulated - expected) < Z * se, row.to_dict()
            assert row[catalogue["maths.check.verdict"]] != catalogue["maths.check.verdict_no"]
        if lang == "fr":  # decimal commas, never points
            assert not re.search(r"\d\.\d", " ".join(table.to_numpy().ravel()))
        assert len(_figures(at)) == 2
        links = [m.value for m in at.markdown if "arxiv.org/abs/2404.01413" in m.value]
        assert links and "nature.com/articles/s41586-024-07566-y" in links[0]


def test_maths_widgets_drive_the_check_and_the_address():
    with _language("en"):
        at = _open("app_pages/maths.py", "en", samples="100", generations="20")
        assert at.select_slider(key="samples").value == 100
        assert at.select_slider(key="generations").value == 20
        assert "generation 20" in at.table[0].value.iloc[0, 0]
        at.button_group(key="estimator").set_value("unbiased").run()
        assert not at.exception
        assert at.query_params["estimator"] in (["unbiased"], "unbiased")
        theory_cell = at.table[0].value.iloc[0, 3]
        assert _number(theory_cell) == pytest.approx(1.0)
        at.select_slider(key="generations").set_value(10).run()
        assert "generation 10" in at.table[0].value.iloc[0, 0]
        assert at.query_params["samples"] in (["100"], "100")


def test_maths_on_a_projector_keeps_its_charts_and_one_sentence():
    with _language("en"):
        at = _open("app_pages/maths.py", "en", present="1")
        assert len(_figures(at)) == 2 and not at.table and not at.get("latex")
        lines = [m.value for m in at.markdown if "simulations with M =" in m.value]
        assert len(lines) == 1 and f"M = {_defaults()[0]}" in lines[0]
