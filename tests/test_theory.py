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
