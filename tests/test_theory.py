"""The engine against the closed forms of lib.theory, within 4 standard errors.

Each check takes many replicas at a fixed seed, so the standard error is small, and each
has a twin in which a deliberately wrong estimator (dividing by M + 1 or M − 2) must FAIL
the very same check: the tests can tell right from wrong.
"""

import numpy as np
import pytest

from lib import engine, theory
from lib.engine import Scenario, simulate

Z = 4.0  # tolerance, in standard errors


def z_scores(values: np.ndarray, expected) -> np.ndarray:
    """(mean over replicas − expected) / standard error, for each row of ``values``."""
    values = np.atleast_2d(values)  # (rows, replicas)
    se = values.std(axis=1, ddof=1) / np.sqrt(values.shape[1])
    return (values.mean(axis=1) - expected) / se


def variance_z_scores(values: np.ndarray, expected) -> np.ndarray:
    """(variance over replicas − expected) / its standard error, for each row."""
    centred = values - values.mean(axis=1, keepdims=True)  # (rows, replicas)
    var = np.mean(centred**2, axis=1)
    fourth = np.mean(centred**4, axis=1)
    se = np.sqrt((fourth - var**2) / values.shape[1])
    return (values.var(axis=1, ddof=1) - expected) / se


M, N, R = 20, 10, 2_000  # wrong twins land 7 to 20 standard errors off
STEPS = np.arange(1, N + 1)


def gaussian_run(estimator: str, temperature: float = 1.0, seed: int = 11):
    scenario = Scenario(
        model="gaussian",
        estimator=estimator,
        samples=M,
        generations=N,
        replicas=R,
        temperature=temperature,
        seed=seed,
    )
    return simulate(scenario)


@pytest.fixture(scope="module")
def mle_run():
    return gaussian_run("mle")


@pytest.fixture(scope="module")
def unbiased_run():
    return gaussian_run("unbiased")


@pytest.fixture(scope="module")
def wrong_runs():
    """Runs whose estimator divides by M + 1 ("mle") and by M − 2 ("unbiased")."""
    saved = dict(engine.DIVISOR_OFFSET)
    engine.DIVISOR_OFFSET.update(mle=-1, unbiased=2)
    try:
        return gaussian_run("mle"), gaussian_run("unbiased")
    finally:
        engine.DIVISOR_OFFSET.update(saved)


def test_mle_variance_shrinks_geometrically(mle_run):
    var = mle_run.model_std[1:] ** 2  # (N, R)
    assert np.all(np.abs(z_scores(var, theory.mle_variance(STEPS, M))) < Z)


def test_a_wrong_estimator_fails_the_mle_check(wrong_runs):
    var = wrong_runs[0].model_std[1:] ** 2
    assert np.max(np.abs(z_scores(var, theory.mle_variance(STEPS, M)))) > Z


def test_unbiased_variance_keeps_its_mean_while_its_log_falls(unbiased_run):
    var = unbiased_run.model_std[1:] ** 2  # (N, R)
    assert np.all(np.abs(z_scores(var, theory.unbiased_variance(STEPS, M))) < Z)
    log_var = np.log(var)
    assert np.all(np.abs(z_scores(log_var, theory.unbiased_log_variance(STEPS, M))) < Z)
    assert theory.unbiased_log_variance(N, M) < -0.4  # it does fall: about −N/(M − 1)


def test_a_wrong_estimator_fails_the_unbiased_checks(wrong_runs, mle_run):
    var = wrong_runs[1].model_std[1:] ** 2
    assert np.max(np.abs(z_scores(var, theory.unbiased_variance(STEPS, M)))) > Z
    log_var = np.log(var)
    assert np.max(np.abs(z_scores(log_var, theory.unbiased_log_variance(STEPS, M)))) > Z
    # and the maximum-likelihood chain is not the unbiased one either
    log_mle = np.log(mle_run.model_std[1:] ** 2)
    assert np.max(np.abs(z_scores(log_mle, theory.unbiased_log_variance(STEPS, M)))) > Z
    assert np.all(np.abs(z_scores(log_mle, theory.mle_log_variance(STEPS, M))) < Z)


def test_the_mean_wanders_like_a_random_walk(unbiased_run, mle_run):
    means = unbiased_run.model_mean[1:]  # (N, R)
    assert np.all(np.abs(variance_z_scores(means, theory.mean_variance(STEPS, M))) < Z)
    # the shrinking mle steps do not follow n σ²₀ / M, and the test sees it
    wrong = variance_z_scores(mle_run.model_mean[1:], theory.mean_variance(STEPS, M))
    assert np.max(np.abs(wrong)) > Z
    right = theory.mean_variance(STEPS, M, estimator="mle")
    assert np.all(np.abs(variance_z_scores(mle_run.model_mean[1:], right)) < Z)


def test_temperature_scales_what_the_model_emits():
    temperature = 0.7
    run = gaussian_run("mle", temperature=temperature, seed=5)
    var = run.model_std[1:] ** 2
    # model 1 is fitted to the real data; each later fit sees draws at T σ²
    expected = temperature ** (STEPS - 1) * theory.mle_variance(STEPS, M)
    assert np.all(np.abs(z_scores(var, expected)) < Z)
    assert np.max(np.abs(z_scores(var, theory.mle_variance(STEPS, M)))) > Z


def test_one_resampling_keeps_about_63_percent_of_values():
    size = 50
    run = simulate(Scenario(model="resample", samples=size, generations=1, replicas=10_000))
    distinct = run.distinct_values[1].astype(float)
    assert abs(z_scores(distinct, theory.distinct_after_one(size))[0]) < Z
    # the finite-M formula is not its limit M (1 − 1/e), and the test can tell
    assert abs(z_scores(distinct, size * (1 - np.exp(-1)))[0]) > Z


def test_resampling_fixes_on_one_value_after_about_2M_generations():
    size, generations = 10, 150
    run = simulate(
        Scenario(model="resample", samples=size, generations=generations, replicas=400, seed=3)
    )
    fixed = run.distinct_values == 1  # (generations + 1, replicas)
    assert fixed[-1].all()
    assert np.all(fixed[1:] >= fixed[:-1])  # a lost value never comes back
    times = np.argmax(fixed, axis=0).astype(float)  # first generation with one value
    exact = theory.fixation_time_exact(size)
    assert abs(z_scores(times, exact)[0]) < Z
    assert abs(exact / theory.generations_to_fixation(size) - 1) < 0.05
    assert abs(z_scores(times, size)[0]) > Z  # "about M generations" would be rejected


@pytest.mark.parametrize("model", ["gaussian", "resample"])
def test_real_data_or_accumulation_keeps_the_spread_away_from_zero(model):
    base = Scenario(model=model, samples=20, generations=150, replicas=100, seed=8)
    collapsed = simulate(base).spread[-1]
    fresh = simulate(Scenario(**{**base.__dict__, "real_fraction": 0.1})).spread[-50:]
    kept = simulate(Scenario(**{**base.__dict__, "regime": "accumulate"})).spread[-50:]
    assert np.quantile(collapsed, 0.95) < 0.05
    assert np.quantile(fresh, 0.01) > 0.2
    assert np.quantile(kept, 0.01) > 0.2


# -- the remedies: the theory functions against the issue's numbers ---------------------


def test_real_fraction_needed_matches_the_issue_and_the_plateau():
    assert theory.real_fraction_needed(100, 0.05) == pytest.approx(0.1006, abs=5e-5)
    samples = np.logspace(1, 9, 33)
    alpha = theory.real_fraction_needed(samples, 0.2)
    assert alpha.shape == samples.shape and np.all(np.diff(alpha) < 0)
    # turned round, the plateau loses exactly ε
    variance, _ = theory.fresh_data_plateau(samples, alpha)
    np.testing.assert_allclose(1 - variance, 0.2, rtol=1e-9)
    # no cancellation at M = 10⁹: the share needed is about 1/(2Mε)·(1 − ε)
    tiny = theory.real_fraction_needed(1e9, 0.05)
    assert tiny == pytest.approx((1 / 0.05 - 1) / (2e9), rel=1e-6)
    naive = (199 - np.sqrt(199**2 - 400 * 19)) / 200  # the textbook form, fine at M = 100
    assert theory.real_fraction_needed(100, 0.05) == pytest.approx(naive, rel=1e-12)
    # ε ≤ 1/M: no share will do, NaN (never an exception)
    assert np.isnan(theory.real_fraction_needed(10, 0.1))
    assert np.isnan(theory.real_fraction_needed(100, 0.005))
    assert np.isnan(theory.real_fraction_needed(np.array([10, 1000]), 0.05))[0]
    assert not np.isnan(theory.real_fraction_needed(np.array([10, 1000]), 0.05))[1]


def test_the_weight_laws_match_the_issue():
    phi = (1 + np.sqrt(5)) / 2
    assert theory.best_real_weight(50, 50) == pytest.approx(1 / phi, rel=1e-12)
    assert theory.weighted_mean_variance(1, 1, 1 / phi) == pytest.approx(1 / phi, rel=1e-12)
    assert theory.weighted_mean_variance(1, 1, 0.5) == pytest.approx(2 / 3)
    assert theory.weighted_mean_variance(1, 1, 1.0) == pytest.approx(1.0)
    for real, synthetic in ((10, 90), (50, 50), (90, 10), (1, 1000)):
        grid = np.linspace(0.001, 1, 100_000)
        law = theory.weighted_mean_variance(real, synthetic, grid)
        best = theory.best_real_weight(real, synthetic)
        assert abs(grid[np.argmin(law)] - best) < 1e-4
        assert theory.weighted_mean_variance(real, synthetic, best) == pytest.approx(best)


def test_the_curation_and_accumulation_laws_match_the_issue():
    assert theory.curated_variance(30, 0.1) == pytest.approx(0.25, abs=1e-12)
    assert theory.curated_variance(30, 0.1, samples=20_000) == pytest.approx(0.2496, abs=3e-4)
    steps = np.arange(0, 50)
    np.testing.assert_allclose(theory.curated_variance(steps, 0.3), 1 / (1 + 0.3 * steps))
    settled = theory.curated_variance(2_000, 0.5, 0.2)
    assert settled == pytest.approx(0.540, abs=1e-3)
    assert settled == pytest.approx(theory.curated_plateau(0.5, 0.2), rel=1e-12)
    c, alpha = 0.5, 0.2
    assert c * settled**2 + alpha * (1 - c) * settled - alpha == pytest.approx(0, abs=1e-12)
    assert theory.curated_plateau(0.0, 0.3) == pytest.approx(1.0)
    n = np.arange(0, 1_000)
    law = 20 * theory.accumulated_mean_variance(n, 20)
    assert law[0] == 0 and law[1] == 1 and law[2] == pytest.approx(1.25)
    assert np.all(np.diff(law) > 0) and law[-1] < np.pi**2 / 6
    assert np.pi**2 / 6 - law[-1] == pytest.approx(1 / 999, rel=1e-2)  # the tail ≈ 1/n


# -- the remedies: the engine against those laws ----------------------------------------


def plateau_run(real_weight=None, seed=3, **changes):
    """M = 40 a generation, 10 fresh real (α = 1/4), long enough to settle."""
    scenario = Scenario(
        samples=40,
        generations=40,
        real_fraction=0.25,
        replicas=4_000,
        seed=seed,
        real_weight=real_weight,
    )
    return simulate(Scenario(**{**scenario.__dict__, **changes}))


@pytest.fixture(scope="module")
def plateau():
    return plateau_run()


def test_fresh_real_data_settles_on_the_plateau(plateau):
    variance, mean_variance = theory.fresh_data_plateau(40, 0.25)
    assert abs(z_scores(plateau.model_std[-1] ** 2, variance)[0]) < Z
    assert abs(variance_z_scores(plateau.model_mean[-1:], mean_variance)[0]) < Z
    # the plateau of a wrong share (α = 1/2) is far away, and so is no plateau at all
    wrong_variance, wrong_mean_variance = theory.fresh_data_plateau(40, 0.5)
    assert abs(variance_z_scores(plateau.model_mean[-1:], wrong_mean_variance)[0]) > Z
    assert abs(z_scores(plateau.model_std[-1] ** 2, wrong_variance)[0]) > Z


def test_real_data_weighed_as_the_synthetic_miss_the_plateau():
    """The wrong twin: the real points' weight swapped with the synthetic ones' (a total
    of 3/4 on the 10 real points instead of 1/4)."""
    swapped = plateau_run(real_weight=0.75)
    _, mean_variance = theory.fresh_data_plateau(40, 0.25)
    assert abs(variance_z_scores(swapped.model_mean[-1:], mean_variance)[0]) > Z


def test_accumulating_bounds_the_error_of_the_mean():
    """All synthetic, every generation kept: M·Var(μₙ) → Σₖ₌₁ⁿ 1/k² (large M), while
    replacing lets it grow like n; a pool off by one generation is told apart."""
    size, generations = 200, 12
    base = Scenario(samples=size, generations=generations, replicas=10_000, seed=4)
    kept = simulate(Scenario(**{**base.__dict__, "regime": "accumulate"}))
    replaced = simulate(base)
    n = np.arange(1, generations + 1)
    law = theory.accumulated_mean_variance(n, size)
    assert np.all(np.abs(variance_z_scores(kept.model_mean[1:], law)) < Z)
    for shifted in (n - 1, n + 1):  # the pool one generation short, or one too many
        off_by_one = theory.accumulated_mean_variance(shifted, size)
        assert np.max(np.abs(variance_z_scores(kept.model_mean[1:], off_by_one))) > Z
    assert np.max(np.abs(variance_z_scores(replaced.model_mean[1:], law))) > Z


def test_the_best_weight_of_real_data_is_the_golden_one():
    """As many synthetic as real points (20 + 20): nᵣ·Var(μ) on the plateau follows the
    weighted law at w* = 1/φ and at 1; the weights swapped (1 − w*) land far from it.
    With three synthetic points to one real (10 + 30), w* = (√13 − 1)/6 beats both the
    count's share 1/4 and keeping the real data alone, each by more than 4 SE."""
    best = theory.best_real_weight(20, 20)
    for w in (best, 1.0):
        run = plateau_run(real_weight=w, real_fraction=0.5, generations=60, seed=6)
        variance = float(np.mean(run.model_std[-1] ** 2))
        law = theory.weighted_mean_variance(20, 20, w, variance)
        scaled = np.sqrt(20) * run.model_mean[-1:]  # its variance: nᵣ·Var(μ)
        assert abs(variance_z_scores(scaled, law)[0]) < Z, w
    swapped = plateau_run(real_weight=1 - best, real_fraction=0.5, generations=60, seed=6)
    law = theory.weighted_mean_variance(20, 20, best, np.mean(swapped.model_std[-1] ** 2))
    assert abs(variance_z_scores(np.sqrt(20) * swapped.model_mean[-1:], law)[0]) > Z

    best = theory.best_real_weight(10, 30)
    assert best == pytest.approx((np.sqrt(13) - 1) / 6)
    estimates = {}
    for w in (0.25, best, 1.0):
        run = plateau_run(real_weight=w, generations=60, seed=7)
        estimates[w] = variance_of_replicas(np.sqrt(10) * run.model_mean[-1])
        variance = float(np.mean(run.model_std[-1] ** 2))
        law = theory.weighted_mean_variance(10, 30, w, variance)
        assert abs(estimates[w][0] - law) < Z * estimates[w][1], w
    for other in (0.25, 1.0):
        gap = estimates[other][0] - estimates[best][0]
        assert gap > Z * np.hypot(estimates[other][1], estimates[best][1]), other


def variance_of_replicas(values: np.ndarray) -> tuple[float, float]:
    centred = values - values.mean()
    variance = float(values.var(ddof=1))
    return variance, float(np.sqrt((np.mean(centred**4) - variance**2) / values.size))


def test_curation_narrows_the_world_as_the_law_says():
    """σ² = 1/(1 + c·n) after n curated generations, all synthetic (M = 20,000, c = 0.1:
    0.2496 at n = 30). Model n + 1 is fitted to D_n: the run's row n + 1."""
    run = simulate(Scenario(samples=20_000, generations=31, curation=0.1, replicas=60, seed=2))
    n = np.arange(0, 31)
    law = theory.curated_variance(n, 0.1, samples=20_000)
    assert np.all(np.abs(z_scores(run.model_std[1:] ** 2, law)) < Z)
    assert np.mean(run.model_std[31] ** 2) == pytest.approx(0.2496, abs=3e-3)
    # one generation off is told apart
    assert np.max(np.abs(z_scores(run.model_std[1:31] ** 2, law[1:]))) > Z


def test_curation_with_the_wrong_sign_fails_the_law(monkeypatch):
    """The engine's wrong twin: the tilt exp(+c …) instead of exp(−c …) widens the world."""
    from lib import engine, models

    monkeypatch.setattr(
        engine, "tilt_of", lambda s, source: models.Tilt(-s.curation, source.mean, source.std)
    )
    run = simulate(Scenario(samples=20_000, generations=6, curation=0.1, replicas=60, seed=2))
    law = theory.curated_variance(np.arange(0, 6), 0.1, samples=20_000)
    assert np.max(np.abs(z_scores(run.model_std[1:] ** 2, law))) > Z


def test_curation_with_fresh_real_data_settles_at_the_quadratics_root():
    """α = 0.2, c = 0.5: v ≈ 0.540, the positive root of c·v² + α(1 − c)·v − α = 0."""
    run = simulate(
        Scenario(
            samples=5_000, generations=40, real_fraction=0.2, curation=0.5, replicas=100, seed=5
        )
    )
    law = theory.curated_variance(39, 0.5, 0.2, samples=5_000)
    assert abs(z_scores(run.model_std[-1] ** 2, law)[0]) < Z
    assert abs(law - theory.curated_plateau(0.5, 0.2)) < 2e-3
    # without the real data it would not settle there; with the real data uncurated neither
    assert abs(z_scores(run.model_std[-1] ** 2, theory.curated_variance(39, 0.5))[0]) > Z
    assert abs(z_scores(run.model_std[-1] ** 2, 1 - 1 / 5_000)[0]) > Z
