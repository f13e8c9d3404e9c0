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


# The remedies (maximum likelihood, real N(0, 1), replace regime unless said) ------------
# Sources: Bertrand et al. 2024 (fresh data), Gerstgrasser et al. 2024 and Dey & Donoho
# 2024 (accumulate), He, Xu & Cheng 2025 (the weight of real data), Ferbach et al. 2024
# (curation). Each is checked against the engine in tests/test_theory.py.


def _plateau_denominator(samples, real_fraction):
    """D = 1 − α + αM(2 − α)."""
    M = np.asarray(samples, dtype=float)
    alpha = np.asarray(real_fraction, dtype=float)
    return 1.0 - alpha + alpha * M * (2.0 - alpha)


def fresh_data_plateau(samples, real_fraction):
    """Where the loop settles with a share α of fresh real data: ``(variance,
    mean_variance)`` = (E[σ²], Var(μ)) → (1 − 1/D, 1/D), D = 1 − α + αM(2 − α).

    Maximum likelihood on M = ``samples`` points a generation, αM of them fresh draws of
    the real N(0, 1), the rest drawn from the last model. Vectorised in both arguments.
    α = 0 gives D = 1: no plateau, the variance collapses to 0 (and the mean wanders).
    """
    inverse = 1.0 / _plateau_denominator(samples, real_fraction)
    return 1.0 - inverse, inverse


def real_fraction_needed(samples, loss):
    """The least share α* of fresh real data that keeps E[σ²] ≥ 1 − ε on its plateau.

    α* = [(2M − 1) − √((2M − 1)² − 4M(1/ε − 1))] / (2M), the smaller root of
    1/D(α) = ε, computed in the cancellation-free form 2(1/ε − 1) / [(2M − 1) + √(…)]
    (the difference of two nearly equal numbers loses every digit for large M: at
    M = 10⁹, ε = 5 %, α* ≈ 9.5·10⁻⁹ ≈ 1/(2Mε)). Vectorised in ``samples`` (M, 10 to 10⁹
    and beyond) and ``loss`` (ε).

    Returns NaN where ε ≤ 1/M: even an all-real maximum-likelihood fit loses 1/M of the
    variance, so no share will do (it never raises). ε ≥ 1 needs no real data: 0.
    """
    M = np.asarray(samples, dtype=float)
    epsilon = np.asarray(loss, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        excess = 1.0 / epsilon - 1.0  # 1/ε − 1
        b = 2.0 * M - 1.0
        root = np.sqrt(np.maximum(b * b - 4.0 * M * excess, 0.0))
        alpha = 2.0 * np.maximum(excess, 0.0) / (b + root)
    alpha = np.where(epsilon * M <= 1.0, np.nan, alpha)
    return alpha if alpha.ndim else float(alpha)


def accumulated_mean_variance(generations, samples):
    """Var(μₙ) ≈ (1/M) Σₖ₌₁ⁿ 1/k² in the accumulate regime, all synthetic.

    Model n is fitted to the n·M values D₀ … Dₙ₋₁, so each new generation moves the mean
    by 1/(n + 1) of a draw's error: μₙ₊₁ = μₙ + σₙ z̄/(n + 1). This is the large-M law
    (it takes E[σ²ₖ] = σ²₀ = 1 at every step; the pooled variance barely falls, by about
    1/M a generation at first). Bounded by π²/(6M). ``generations`` may be an array; 0
    gives 0 (model 0 is the real distribution itself).
    """
    n = np.asarray(generations)
    largest = int(np.max(n)) if n.size else 0
    partial = np.concatenate(([0.0], np.cumsum(1.0 / np.arange(1, largest + 1) ** 2)))
    return partial[n.astype(int)] / float(samples)


def weighted_mean_variance(real_count, synthetic_count, real_weight, variance=1.0):
    """nᵣ·Var(μ) on the plateau when the fit puts a total weight w on the nᵣ fresh real
    points (w/nᵣ each) and 1 − w on the nₛ synthetic ones ((1 − w)/nₛ each):

    nᵣ·Var(μ) = (w² + (1 − w)²·(nᵣ/nₛ)·E[σ²]) / (1 − (1 − w)²),

    from μ' = w·r̄ + (1 − w)(μ + σ·s̄). ``variance`` is E[σ²] of the synthetic draws
    (1 for large M). Returned scaled by nᵣ, so that it reads against 1 (the all-real fit's
    nᵣ·Var(μ)): divide by ``real_count`` for Var(μ) itself. w = 0 gives inf (no plateau).
    """
    w = np.asarray(real_weight, dtype=float)
    ratio = np.asarray(real_count, dtype=float) / np.asarray(synthetic_count, dtype=float)
    keep = (1.0 - w) ** 2
    with np.errstate(divide="ignore"):
        return (w * w + keep * ratio * variance) / (1.0 - keep)


def best_real_weight(real_count, synthetic_count):
    """w* = (√(1 + 4k) − 1)/(2k), k = nₛ/nᵣ: the real data's weight that makes the
    plateau's Var(μ) least (large M), where nᵣ·Var(μ) = w* itself. 1/φ ≈ 0.618 when
    k = 1. Computed as 2/(√(1 + 4k) + 1), the same number without cancellation, which
    also gives 1 (keep only the real data) at k = 0."""
    k = np.asarray(synthetic_count, dtype=float) / np.asarray(real_count, dtype=float)
    best = 2.0 / (np.sqrt(1.0 + 4.0 * k) + 1.0)
    return best if best.ndim else float(best)


def curated_variance(generations, curation, real_fraction=0.0, samples=None):
    """E[σ²] of the model fitted to D_n, the data of generation n (the engine's model
    n + 1), when every synthetic draw is curated: drawn from the model times
    exp(−c(x − m₀)²/(2σ₀²)) (people keep the typical outputs), real N(m₀, σ₀²) = N(0, 1).

    Large-M law (the default, ``samples=None``): a Gaussian of variance v times that tilt
    is a Gaussian of variance v/(1 + c·v), and mixing in a share α of fresh real data
    (whose mean is the curated draws' mean, 0, for large M) adds the real variance back:

        v₀ = 1,    vₙ = α + (1 − α)·vₙ₋₁/(1 + c·vₙ₋₁),

    so vₙ = 1/(1 + c·n) when α = 0 (M = 20,000, c = 0.1: about 0.2496 at n = 30 in a
    simulation), and for α > 0 it settles at the positive root of
    c·v² + α(1 − c)·v − α = 0 (α = 0.2, c = 0.5: v ≈ 0.540; ``curated_plateau``).

    With ``samples`` = M, each maximum-likelihood fit also keeps (M − 1)/M of what it
    sees: v₀ = (M − 1)/M and vₙ = ((M − 1)/M)·[α + (1 − α)·vₙ₋₁/(1 + c·vₙ₋₁)] (a first-order
    correction: the recursion is not linear, so its mean is not exactly the recursion of
    the mean, but the gap is of order c/M). ``generations`` may be an array (vectorised).
    """
    n = np.asarray(generations)
    largest = int(np.max(n)) if n.size else 0
    alpha, c = float(real_fraction), float(curation)
    keep = 1.0 if samples is None else (samples - 1.0) / samples
    path = np.empty(largest + 1)
    v = path[0] = keep
    for step in range(1, largest + 1):
        v = keep * (alpha + (1.0 - alpha) * v / (1.0 + c * v))
        path[step] = v
    return path[n.astype(int)] if n.ndim else float(path[int(n)])


def curated_plateau(curation, real_fraction):
    """The large-M fixed point of ``curated_variance`` for α > 0: the positive root of
    c·v² + α(1 − c)·v − α = 0 (v = 1 when c = 0; 0 when α = 0, where there is none)."""
    c = np.asarray(curation, dtype=float)
    alpha = np.asarray(real_fraction, dtype=float)
    b = alpha * (1.0 - c)
    # the positive root 2α/(b + √(b² + 4cα)), without cancellation, and 1 at c = 0
    with np.errstate(divide="ignore", invalid="ignore"):
        root = 2.0 * alpha / (b + np.sqrt(b * b + 4.0 * c * alpha))
    root = np.where(alpha == 0, 0.0, root)
    return root if root.ndim else float(root)
