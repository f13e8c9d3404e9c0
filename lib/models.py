"""What is refitted each generation, for many replicas at once.

Every model is fitted to a training set shaped ``(replicas, size)`` and emits draws shaped
``(replicas, count)``. Each has a ``mean`` and a ``std`` per replica (the fitted model's
own, before any temperature).

Temperature ``T`` scales the variance of what a model emits: every model draws as usual
and the draw is pulled towards the model's mean by ``√T``,
``emitted = mean + √T · (draw − mean)``, so the emitted variance is exactly ``T`` times the
model's variance. For the Gaussian this is N(μ, T σ²); for the kernel density it shrinks
the resampled points and the kernel noise alike; for the empirical distribution
(``resample``) it shrinks the copied values towards their mean. Real data are never
touched by it.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

MODEL_NAMES = ("gaussian", "kde", "mixture", "resample")
MIXTURE_COMPONENTS = (2, 3, 4, 5)


def _shrink(draws: np.ndarray, mean: np.ndarray, temperature: float) -> np.ndarray:
    """Pull ``draws`` (replicas, count) towards ``mean`` (replicas,) by √T, in place."""
    if temperature != 1.0:
        root = math.sqrt(temperature)
        draws *= root
        draws += (1.0 - root) * mean[:, None]
    return draws


def moments(data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-replica mean and sum of squared deviations of ``data`` (replicas, size)."""
    mean = data.mean(axis=1)  # (replicas,)
    centred = data - mean[:, None]
    return mean, np.einsum("ij,ij->i", centred, centred)


def combine(mean_a, m2_a, n_a, mean_b, m2_b, n_b):
    """Mean and sum of squared deviations of two pooled samples (Chan et al. 1979)."""
    n = n_a + n_b
    delta = mean_b - mean_a
    mean = mean_a + delta * (n_b / n)
    m2 = m2_a + m2_b + delta * delta * (n_a * n_b / n)
    return mean, m2


class Gaussian:
    """A normal law fitted by its mean and variance.

    ``estimator`` is ``"mle"`` (divide the squared deviations by the size) or
    ``"unbiased"`` (divide by size − 1).
    """

    def __init__(self, mean: np.ndarray, m2: np.ndarray, size: int, estimator: str = "mle"):
        if estimator not in ("mle", "unbiased"):
            raise ValueError(f"unknown estimator {estimator!r}")
        divisor = size if estimator == "mle" else size - 1
        self.mean = np.asarray(mean, dtype=float)  # (replicas,)
        self.std = np.sqrt(m2 / divisor)  # (replicas,)

    @classmethod
    def fit(cls, data: np.ndarray, estimator: str = "mle") -> Gaussian:
        mean, m2 = moments(data)
        return cls(mean, m2, data.shape[1], estimator)

    def sample(self, rng: np.random.Generator, count: int, temperature: float = 1.0):
        scale = math.sqrt(temperature) * self.std
        return self.mean[:, None] + scale[:, None] * rng.standard_normal((self.mean.size, count))


class Resample:
    """The empirical distribution of the training set: draws copy training values."""

    def __init__(self, data: np.ndarray, mean: np.ndarray, m2: np.ndarray):
        self.data = data  # (replicas, size)
        self.mean = mean  # (replicas,)
        self.std = np.sqrt(m2 / data.shape[1])  # (replicas,) the empirical law's own

    @classmethod
    def fit(cls, data: np.ndarray) -> Resample:
        return cls(data, *moments(data))

    def _copies(self, rng: np.random.Generator, count: int) -> np.ndarray:
        replicas, size = self.data.shape
        picks = rng.integers(0, size, size=(replicas, count))
        return np.take_along_axis(self.data, picks, axis=1)

    def sample(self, rng: np.random.Generator, count: int, temperature: float = 1.0):
        return _shrink(self._copies(rng, count), self.mean, temperature)


class Kde(Resample):
    """Gaussian kernels on every training value, with Scott's bandwidth.

    As ``scipy.stats.gaussian_kde``: bandwidth factor ``size ** (-1/5)`` and kernel
    standard deviation ``factor × std(data, ddof=1)``. The model's variance is the
    empirical variance plus the kernel's. Draws are resampled values plus kernel noise.
    """

    def __init__(self, data: np.ndarray, mean: np.ndarray, m2: np.ndarray):
        size = data.shape[1]
        self.data = data  # (replicas, size)
        self.mean = mean  # (replicas,)
        self.factor = size ** (-0.2)
        self.bandwidth = self.factor * np.sqrt(m2 / (size - 1))  # (replicas,)
        self.std = np.sqrt(m2 / size + self.bandwidth**2)  # (replicas,)

    def sample(self, rng: np.random.Generator, count: int, temperature: float = 1.0):
        draws = self._copies(rng, count)
        draws += self.bandwidth[:, None] * rng.standard_normal(draws.shape)
        return _shrink(draws, self.mean, temperature)


class Mixture:
    """A Gaussian mixture fitted by EM (scikit-learn), one replica at a time.

    The number of components (2 to 5) is chosen once, on the first training set (the
    real data), by the Bayesian information criterion; later generations keep that
    count and start EM from the previous generation's fit. This is how a generative
    model is used in practice (its architecture is fixed, its weights are retrained),
    it makes EM four times cheaper, and a mode that EM loses is lost for good.
    """

    def __init__(self, weights, means, variances, components):
        self.components = components  # (replicas,) components each replica uses
        self.weights = weights  # (replicas, k), zero beyond a replica's own count
        self.means = means  # (replicas, k)
        self.variances = variances  # (replicas, k)
        self.mean = np.sum(weights * means, axis=1)  # (replicas,)
        second = np.sum(weights * (variances + means**2), axis=1)
        self.std = np.sqrt(np.maximum(second - self.mean**2, 0.0))  # (replicas,)

    @classmethod
    def fit(cls, data: np.ndarray, seed: int, previous: Mixture | None = None) -> Mixture:
        replicas = data.shape[0]
        fits = []
        for r in range(replicas):
            column = data[r][:, None]
            if previous is None:
                candidates = [
                    GaussianMixture(k, init_params="k-means++", random_state=seed + r).fit(column)
                    for k in MIXTURE_COMPONENTS
                ]
                best = min(candidates, key=lambda g: g.bic(column))
            else:
                c = previous.components[r]
                weights = np.maximum(previous.weights[r, :c], 1e-12)
                variances = np.maximum(previous.variances[r, :c], 1e-300)
                best = GaussianMixture(
                    c,
                    weights_init=weights / weights.sum(),
                    means_init=previous.means[r, :c, None],
                    precisions_init=(1.0 / variances)[:, None, None],
                    random_state=seed + r,
                )
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", ConvergenceWarning)
                    best.fit(column)
            fits.append(best)
        k = max(g.n_components for g in fits)
        weights = np.zeros((replicas, k))
        means = np.zeros((replicas, k))
        variances = np.ones((replicas, k))
        for r, g in enumerate(fits):
            c = g.n_components
            weights[r, :c] = g.weights_
            means[r, :c] = g.means_[:, 0]
            variances[r, :c] = g.covariances_.reshape(-1)
        components = np.array([g.n_components for g in fits])
        return cls(weights, means, variances, components)

    def sample(self, rng: np.random.Generator, count: int, temperature: float = 1.0):
        replicas, k = self.weights.shape
        cumulative = np.cumsum(self.weights, axis=1)
        cumulative /= cumulative[:, -1:]
        u = rng.random((replicas, count))
        comp = np.empty((replicas, count), dtype=np.intp)
        for r in range(replicas):  # searchsorted has no per-row form
            comp[r] = np.searchsorted(cumulative[r], u[r], side="right")
        np.minimum(comp, k - 1, out=comp)
        centres = np.take_along_axis(self.means, comp, axis=1)
        scales = np.sqrt(np.take_along_axis(self.variances, comp, axis=1))
        draws = centres + scales * rng.standard_normal((replicas, count))
        return _shrink(draws, self.mean, temperature)
