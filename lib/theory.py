"""Closed forms for the loop with M samples a generation, all synthetic, replace regime.

σ²ₙ is model n's variance and σ²₀ the real one; ``n`` may be an int or an array of
generations, and every function is vectorised in it. References: Shumailov et al.,
Nature 631 (2024) for the Gaussian chain; Wright–Fisher drift (Kimura & Ohta 1969; the
coalescent, Kingman 1982) for resampling.
"""

from __future__ import annotations

import numpy as np
from scipy.special import digamma


def mle_variance(n, M: int, var0: float = 1.0):
    """E[σ²ₙ] = σ²₀ ((M − 1)/M)ⁿ when the variance is divided by M."""
    return var0 * ((M - 1) / M) ** np.asarray(n, dtype=float)


def unbiased_variance(n, M: int, var0: float = 1.0):
    """E[σ²ₙ] = σ²₀ for every n when the variance is divided by M − 1."""
    return var0 * np.ones_like(np.asarray(n, dtype=float))


def log_step(M: int, estimator: str = "unbiased") -> float:
    """E[log(σ²ₙ/σ²ₙ₋₁)]: ψ((M−1)/2) + log(2/(M−1)) (unbiased) or log(2/M) (mle)."""
    divisor = M - 1 if estimator == "unbiased" else M
    return float(digamma((M - 1) / 2) + np.log(2.0 / divisor))


def unbiased_log_variance(n, M: int, var0: float = 1.0):
    """E[log σ²ₙ] = log σ²₀ + n (ψ((M−1)/2) + log(2/(M−1))), about −n/(M−1)."""
    return np.log(var0) + np.asarray(n, dtype=float) * log_step(M, "unbiased")


def mle_log_variance(n, M: int, var0: float = 1.0):
    """E[log σ²ₙ] = log σ²₀ + n (ψ((M−1)/2) + log(2/M)) for the maximum-likelihood fit."""
    return np.log(var0) + np.asarray(n, dtype=float) * log_step(M, "mle")


def mean_variance(n, M: int, var0: float = 1.0, estimator: str = "unbiased"):
    """Var(μₙ) = n σ²₀ / M (unbiased: E[σ²ₖ] = σ²₀ at every step).

    With ``estimator="mle"`` the steps shrink: σ²₀/M · Σ_{k<n} ((M−1)/M)^k.
    """
    n = np.asarray(n, dtype=float)
    if estimator == "unbiased":
        return n * var0 / M
    ratio = (M - 1) / M
    return var0 / M * (1.0 - ratio**n) / (1.0 - ratio)


def distinct_after_one(M):
    """Expected distinct values after resampling M distinct values once: M (1 − (1 − 1/M)^M)."""
    M = np.asarray(M, dtype=float)
    return M * (1.0 - (1.0 - 1.0 / M) ** M)


def generations_to_fixation(M):
    """Expected generations until resampling leaves one value: 2 (M − 1) ≈ 2M.

    The coalescent's expected time to the most recent common ancestor of the whole
    population, 2M (1 − 1/M) generations; ``fixation_time_exact`` gives the exact
    Wright–Fisher value (a little larger for small M).
    """
    return 2.0 * (np.asarray(M, dtype=float) - 1.0)


def fixation_time_exact(M: int) -> float:
    """Exact expected fixation time of resampling M distinct values (Wright–Fisher).

    Backwards in time, k lineages pick their parents uniformly among M, so the number
    of distinct parents follows the occupancy law; the fixation time is the time this
    chain takes from M lineages down to one. O(M²) work.
    """
    # occupancy[j] = P(j distinct parents | k draws), updated draw by draw.
    occupancy = np.zeros(M + 1)
    occupancy[0] = 1.0
    slots = np.arange(M + 1)
    hitting = np.zeros(M + 1)  # expected steps from k lineages down to one
    for k in range(1, M + 1):
        occupancy = occupancy * (slots / M) + np.roll(occupancy * ((M - slots) / M), 1)
        occupancy[0] = 0.0
        if k >= 2:
            stay = occupancy[k]
            hitting[k] = (1.0 + np.dot(occupancy[1:k], hitting[1:k])) / (1.0 - stay)
    return float(hitting[M])
