"""The refitted models: fits as documented, draws as fitted, temperature as defined."""

import numpy as np
import pytest
from scipy import stats

from lib import models
from lib.sources import get_source

Z = 4.0


def _data(name="normal", replicas=3, size=400, seed=1):
    return get_source(name).sample(np.random.default_rng(seed), (replicas, size))


def test_gaussian_estimators_divide_by_M_or_M_minus_1():
    data = _data()
    mle = models.Gaussian.fit(data, "mle")
    unbiased = models.Gaussian.fit(data, "unbiased")
    assert np.allclose(mle.mean, data.mean(axis=1))
    assert np.allclose(mle.std, data.std(axis=1, ddof=0))
    assert np.allclose(unbiased.std, data.std(axis=1, ddof=1))


def test_pooled_moments_equal_the_moments_of_the_pool():
    a, b = _data(size=30, seed=2), _data(size=70, seed=3)
    mean, m2 = models.combine(*models.moments(a), 30, *models.moments(b), 70)
    pooled_mean, pooled_m2 = models.moments(np.hstack([a, b]))
    assert np.allclose(mean, pooled_mean) and np.allclose(m2, pooled_m2)


def test_kde_uses_scipy_gaussian_kde_bandwidth():
    data = _data("two_humps", size=250)
    kde = models.Kde.fit(data)
    for r in range(data.shape[0]):
        reference = stats.gaussian_kde(data[r])  # Scott's rule
        assert kde.factor == pytest.approx(reference.factor)
        assert kde.bandwidth[r] ** 2 == pytest.approx(reference.covariance[0, 0])
        # its variance: the data's (divided by n) plus the kernel's
        assert kde.std[r] ** 2 == pytest.approx(data[r].var() + reference.covariance[0, 0])


def test_kde_draws_follow_scipy_gaussian_kde():
    data = _data("skewed", replicas=1, size=200)
    ours = models.Kde.fit(data).sample(np.random.default_rng(5), 20_000)[0]
    reference = stats.gaussian_kde(data[0])
    theirs = reference.resample(20_000, seed=np.random.default_rng(6))[0]
    assert stats.ks_2samp(ours, theirs).pvalue > 1e-3
    # a kde with twice the bandwidth is told apart by the same test
    wide = stats.gaussian_kde(data[0], bw_method=2 * reference.factor)
    wider = wide.resample(20_000, seed=np.random.default_rng(6))[0]
    assert stats.ks_2samp(ours, wider).pvalue < 1e-6


def test_resample_only_copies_training_values():
    data = _data(size=50)
    draws = models.Resample.fit(data).sample(np.random.default_rng(2), 200)
    for r in range(data.shape[0]):
        assert np.isin(draws[r], data[r]).all()


def test_mixture_finds_the_humps_and_keeps_the_moments():
    data = _data("two_humps", replicas=2, size=1_000)
    mixture = models.Mixture.fit(data, seed=1)
    assert np.all(mixture.components >= 2)
    assert np.allclose(mixture.weights.sum(axis=1), 1.0)
    # EM's fixed point matches the sample's mean and variance
    assert np.allclose(mixture.mean, data.mean(axis=1), atol=1e-3)
    assert np.allclose(mixture.std, data.std(axis=1), rtol=1e-2)
    # a warm-started refit keeps each replica's number of components
    again = models.Mixture.fit(data, seed=2, previous=mixture)
    assert np.array_equal(again.components, mixture.components)


def _variance_z(draws: np.ndarray, expected: float) -> float:
    centred = draws - draws.mean()
    var = np.mean(centred**2)
    se = np.sqrt((np.mean(centred**4) - var**2) / draws.size)
    return (draws.var(ddof=1) - expected) / se


@pytest.mark.parametrize("name", ["gaussian", "kde", "mixture", "resample"])
@pytest.mark.parametrize("temperature", [1.0, 0.6])
def test_temperature_scales_the_emitted_variance(name, temperature):
    data = _data("two_humps", replicas=2, size=300)
    if name == "gaussian":
        model = models.Gaussian.fit(data)
    elif name == "mixture":
        model = models.Mixture.fit(data, seed=1)
    else:
        model = {"kde": models.Kde, "resample": models.Resample}[name].fit(data)
    draws = model.sample(np.random.default_rng(8), 50_000, temperature)
    for r in range(data.shape[0]):
        target = temperature * model.std[r] ** 2
        assert abs(_variance_z(draws[r], target)) < Z
        assert (
            abs((draws[r].mean() - model.mean[r]) / (draws[r].std() / np.sqrt(draws.shape[1]))) < Z
        )
        if temperature < 1:  # and the untempered variance is rejected
            assert abs(_variance_z(draws[r], model.std[r] ** 2)) > Z


# -- curation: the model's density times exp(−c (x − m₀)²/(2σ₀²)), renormalised ----------


def _tilted_moments(model, r: int, temperature: float, tilt: models.Tilt):
    """Mean and variance of replica r's emitted law times the tilt, by quadrature on a fine
    grid (for the empirical law: by its reweighted atoms), from the model's definition."""
    root = np.sqrt(temperature)
    if isinstance(model, models.Resample) and not isinstance(model, models.Kde):
        x = model.mean[r] + root * (model.data[r] - model.mean[r])
        p = np.exp(tilt.log_weight(x))
    else:
        if isinstance(model, models.Gaussian):
            centres, sds, weights = [model.mean[r]], [model.std[r]], [1.0]
        elif isinstance(model, models.Kde):
            centres, weights = model.data[r], np.full(model.data.shape[1], 1.0)
            sds = np.full(model.data.shape[1], model.bandwidth[r])
        else:
            k = model.components[r]
            centres, sds = model.means[r, :k], np.sqrt(model.variances[r, :k])
            weights = model.weights[r, :k]
        centres = model.mean[r] + root * (np.asarray(centres) - model.mean[r])
        sds = root * np.asarray(sds)
        x = np.linspace(-8, 8, 40_001)
        density = sum(
            w * stats.norm.pdf(x, m, s) for w, m, s in zip(weights, centres, sds, strict=True)
        )
        p = density * np.exp(tilt.log_weight(x))
    p = p / p.sum()
    mean = np.sum(p * x)
    return mean, np.sum(p * (x - mean) ** 2)


@pytest.mark.parametrize("name", ["gaussian", "kde", "mixture", "resample"])
def test_curated_draws_follow_the_tilted_density(name):
    """Each model's curated draws against its density times the tilt, computed apart;
    a tilt of the wrong sign (exp(+c …)) is told apart by the same test."""
    data = _data("two_humps", replicas=2, size=300) + 0.4  # off-centre: the tilt moves it
    if name == "gaussian":
        model = models.Gaussian.fit(data)
    elif name == "mixture":
        model = models.Mixture.fit(data, seed=1)
    else:
        model = {"kde": models.Kde, "resample": models.Resample}[name].fit(data)
    temperature, tilt = 0.8, models.Tilt(0.8, 0.0, 1.0)
    wrong = models.Tilt(-0.8, 0.0, 1.0)
    draws = model.sample(np.random.default_rng(8), 50_000, temperature, tilt)
    twins = model.sample(np.random.default_rng(8), 50_000, temperature, wrong)
    for r in range(data.shape[0]):
        mean, variance = _tilted_moments(model, r, temperature, tilt)
        se = np.sqrt(variance / draws.shape[1])
        assert abs(draws[r].mean() - mean) / se < Z
        assert abs(_variance_z(draws[r], variance)) < Z
        assert abs(_variance_z(twins[r], variance)) > Z or abs(twins[r].mean() - mean) / se > Z
        # curation narrows what the model emits
        assert variance < temperature * model.std[r] ** 2


def test_weighted_kde_is_scipys_weighted_gaussian_kde():
    data = _data("skewed", replicas=2, size=200)
    weights = np.r_[np.full(50, 0.6 / 50), np.full(150, 0.4 / 150)]
    kde = models.Kde.fit(data, weights)
    for r in range(2):
        reference = stats.gaussian_kde(data[r], weights=weights)
        assert kde.factor == pytest.approx(reference.factor)
        assert kde.bandwidth[r] ** 2 == pytest.approx(reference.covariance[0, 0])
        mean = np.sum(weights * data[r])
        assert kde.mean[r] == pytest.approx(mean)
        variance = np.sum(weights * (data[r] - mean) ** 2)
        assert kde.std[r] ** 2 == pytest.approx(variance + reference.covariance[0, 0])
    # its draws pick value i with probability wᵢ: the first 50 values hold 60 % of them
    picks = models.Resample.fit(data, weights)._copies(np.random.default_rng(3), 40_000)
    share = np.isin(picks[0], data[0, :50]).mean()
    assert abs(share - 0.6) < Z * np.sqrt(0.6 * 0.4 / 40_000)
    assert abs(share - 0.25) > Z * np.sqrt(0.25 * 0.75 / 40_000)  # by count: told apart
