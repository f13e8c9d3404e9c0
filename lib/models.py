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

Two remedies (issue 15) change a model without changing what it is:

- sample weights (``weights``, one per training value, summing to 1, the same for every
  replica): weighted maximum likelihood. The Gaussian's and the empirical law's mean and
  variance are the weighted ones, the kernel density puts kernel i's mass wᵢ on value i and
  takes its bandwidth from the weighted variance and the effective size 1/Σwᵢ² (as
  ``scipy.stats.gaussian_kde`` with ``weights``), and resampling picks value i with
  probability wᵢ. The mixture has none (scikit-learn's GaussianMixture takes no weights).
- curation (``Tilt``): what is emitted is the model's density at temperature T times
  exp(−c(x − m₀)²/(2σ₀²)), renormalised. A Gaussian times that tilt is a Gaussian, so a
  model that is a sum of Gaussians (the Gaussian, the kernel density, the mixture) stays
  one: each component N(a, s²) becomes N((a σ₀² + c s² m₀)/(σ₀² + c s²),
  s² σ₀²/(σ₀² + c s²)), its weight multiplied by the tilt's integral against it,
  √(σ₀²/(σ₀² + c s²))·exp(−c(a − m₀)²/(2(σ₀² + c s²))). The empirical law's atoms are
  reweighted by the tilt at each (tempered) atom: importance resampling, exact for it.
  A model's ``mean`` and ``std`` stay its own, before temperature and tilt.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Tilt:
    """Curation: keep a draw x with a weight exp(−strength (x − centre)²/(2 scale²))."""

    strength: float  # c ≥ 0
    centre: float  # m₀, the real mean
    scale: float  # σ₀, the real standard deviation

    def gaussian(self, means, variances):
        """Each component N(means, variances) times the tilt: its new means, variances and
        the log of the tilt's integral against it (all broadcast alike)."""
        s0 = self.scale * self.scale
        spread = s0 + self.strength * variances
        new_means = (means * s0 + self.strength * variances * self.centre) / spread
        log_mass = 0.5 * np.log(s0 / spread) - self.strength * (means - self.centre) ** 2 / (
            2.0 * spread
        )
        return new_means, variances * s0 / spread, log_mass

    def log_weight(self, x):
        """log of the tilt at the points x."""
        return -self.strength * (x - self.centre) ** 2 / (2.0 * self.scale * self.scale)


def active(tilt: Tilt | None) -> bool:
    return tilt is not None and tilt.strength > 0.0


def pick_row(log_weights: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Indices j with probability ∝ exp(log_weights[j]), one for each uniform in ``u``:
    the first index whose normalised cumulative weight exceeds u (a weight of 0 is never
    picked)."""
    cumulative = np.cumsum(np.exp(log_weights - np.max(log_weights)))
    cumulative /= cumulative[-1]
    picks = np.searchsorted(cumulative, u, side="right")
    return np.minimum(picks, log_weights.size - 1, out=picks)


def pick(rng: np.random.Generator, log_weights: np.ndarray, count: int) -> np.ndarray:
    """``count`` indices per row, index j of row r with probability ∝ exp(log_weights[r, j]),
    from one uniform a draw, ``rng.random((replicas, count))``."""
    u = rng.random((log_weights.shape[0], count))
    return np.stack([pick_row(row, draws) for row, draws in zip(log_weights, u, strict=True)])


def weighted_moments(data: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-replica weighted mean Σwᵢxᵢ and variance Σwᵢ(xᵢ − μ)² (weights sum to 1)."""
    mean = data @ weights
    centred = data - mean[:, None]
    return mean, (centred * centred) @ weights


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

    def sample(self, rng: np.random.Generator, count: int, temperature: float = 1.0, tilt=None):
        scale = math.sqrt(temperature) * self.std
        centre = self.mean
        if active(tilt):
            centre, variance, _ = tilt.gaussian(self.mean, scale * scale)
            scale = np.sqrt(variance)
        return centre[:, None] + scale[:, None] * rng.standard_normal((self.mean.size, count))


class Resample:
    """The empirical distribution of the training set: draws copy training values.

    With ``weights`` (size,), value i is copied with probability wᵢ (the same weights for
    every replica) and the law's mean and variance are the weighted ones.
    """

    def __init__(self, data: np.ndarray, mean: np.ndarray, m2: np.ndarray, weights=None):
        self.data = data  # (replicas, size)
        self.weights = weights  # (size,) or None: every value alike
        if weights is None:
            self.mean = mean  # (replicas,)
            self.std = np.sqrt(m2 / data.shape[1])  # (replicas,) the empirical law's own
        else:
            self.mean, variance = weighted_moments(data, weights)
            self.std = np.sqrt(variance)

    @classmethod
    def fit(cls, data: np.ndarray, weights=None) -> Resample:
        return cls(data, *moments(data), weights)

    def _copies(self, rng: np.random.Generator, count: int) -> np.ndarray:
        replicas, size = self.data.shape
        if self.weights is None:
            picks = rng.integers(0, size, size=(replicas, count))
        else:
            cumulative = np.cumsum(self.weights)
            cumulative /= cumulative[-1]
            picks = np.searchsorted(cumulative, rng.random((replicas, count)), side="right")
            np.minimum(picks, size - 1, out=picks)
        return np.take_along_axis(self.data, picks, axis=1)

    def _log_weights(self) -> np.ndarray | float:
        """(size,): log of each value's probability, up to a constant (0: all alike)."""
        if self.weights is None:
            return 0.0
        with np.errstate(divide="ignore"):  # a weight of 0 is never picked
            return np.log(self.weights)

    def _tilted_picks(self, rng, count: int, temperature: float, tilt: Tilt, kernel=None):
        """Values picked from the tilted atoms (or, with ``kernel`` variances (replicas,),
        the tilted kernels' centres), and the tilted kernels' variances. Row by row, so
        that a large accumulate pool is never copied whole."""
        u = rng.random((self.data.shape[0], count))
        chosen = np.empty(u.shape)
        variances = np.zeros(self.data.shape[0])
        root = math.sqrt(temperature)
        for r, row in enumerate(self.data):
            atoms = self.mean[r] + root * (row - self.mean[r])  # as the model emits them
            if kernel is None:
                centres, log_mass = atoms, tilt.log_weight(atoms)
            else:
                centres, variances[r], log_mass = tilt.gaussian(atoms, kernel[r])
            chosen[r] = centres[pick_row(self._log_weights() + log_mass, u[r])]
        return chosen, variances

    def sample(self, rng: np.random.Generator, count: int, temperature: float = 1.0, tilt=None):
        if not active(tilt):
            return _shrink(self._copies(rng, count), self.mean, temperature)
        # Importance resampling: each (tempered) atom reweighted by the tilt.
        return self._tilted_picks(rng, count, temperature, tilt)[0]


class Kde(Resample):
    """Gaussian kernels on every training value, with Scott's bandwidth.

    As ``scipy.stats.gaussian_kde``: bandwidth factor ``size ** (-1/5)`` and kernel
    standard deviation ``factor × std(data, ddof=1)``. The model's variance is the
    empirical variance plus the kernel's. Draws are resampled values plus kernel noise.
    With ``weights``, as ``gaussian_kde(data, weights=weights)``: kernel i weighs wᵢ, the
    factor is n_eff ** (-1/5) with n_eff = 1/Σwᵢ², and the kernel's variance is the
    weighted variance divided by 1 − Σwᵢ², times the factor squared.
    """

    def __init__(self, data: np.ndarray, mean: np.ndarray, m2: np.ndarray, weights=None):
        size = data.shape[1]
        self.data = data  # (replicas, size)
        self.weights = weights
        if weights is None:
            self.mean = mean  # (replicas,)
            self.factor = size ** (-0.2)
            self.bandwidth = self.factor * np.sqrt(m2 / (size - 1))  # (replicas,)
            self.std = np.sqrt(m2 / size + self.bandwidth**2)  # (replicas,)
        else:
            self.mean, variance = weighted_moments(data, weights)
            squares = float(np.sum(weights * weights))
            self.factor = (1.0 / squares) ** (-0.2)
            # All the weight on one value (Σwᵢ² = 1): no spread to smooth, no kernel.
            self.bandwidth = self.factor * np.sqrt(variance / max(1.0 - squares, 1e-300))
            self.std = np.sqrt(variance + self.bandwidth**2)

    def sample(self, rng: np.random.Generator, count: int, temperature: float = 1.0, tilt=None):
        if not active(tilt):
            draws = self._copies(rng, count)
            draws += self.bandwidth[:, None] * rng.standard_normal(draws.shape)
            return _shrink(draws, self.mean, temperature)
        # Kernel i, as emitted: N(mean + √T (xᵢ − mean), T h²); tilted, each stays normal.
        kernel = temperature * self.bandwidth**2
        chosen, variances = self._tilted_picks(rng, count, temperature, tilt, kernel)
        return chosen + np.sqrt(variances)[:, None] * rng.standard_normal(chosen.shape)


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

    def sample(self, rng: np.random.Generator, count: int, temperature: float = 1.0, tilt=None):
        if active(tilt):
            return self._tilted_sample(rng, count, temperature, tilt)
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

    def _tilted_sample(self, rng, count: int, temperature: float, tilt: Tilt) -> np.ndarray:
        """Component k as emitted, N(mean + √T (μₖ − mean), T σₖ²), times the tilt."""
        root = math.sqrt(temperature)
        centres = self.mean[:, None] + root * (self.means - self.mean[:, None])
        centres, variances, log_mass = tilt.gaussian(centres, temperature * self.variances)
        with np.errstate(divide="ignore"):  # unused components weigh 0: never picked
            log_weights = np.log(self.weights) + log_mass
        comp = pick(rng, log_weights, count)
        chosen = np.take_along_axis(centres, comp, axis=1)
        scales = np.sqrt(np.take_along_axis(variances, comp, axis=1))
        return chosen + scales * rng.standard_normal((self.weights.shape[0], count))
