"""Pure helpers for the readers' demos and the maths page: a few closed forms that
``lib.theory`` does not carry (they depend on the estimator), simulated figures with their
standard errors, and small reductions of engine runs. No streamlit, no text.

Notation: M samples a generation, n generations, σ²ₙ the variance of model n, δ = 0 for
the maximum-likelihood variance (divide by M) and δ = 1 for the unbiased one (M − 1).
Source variance σ²₀ = 1 throughout (the engine's sources are standardised).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from scipy.special import polygamma

from lib import theory


def _delta(estimator: str) -> int:
    if estimator not in ("mle", "unbiased"):
        raise ValueError(f"unknown estimator {estimator!r}")
    return 0 if estimator == "mle" else 1


def mean_variance(n, samples: int, estimator: str) -> np.ndarray:
    """E[σ²ₙ]: ((M − 1)/M)ⁿ for maximum likelihood, 1 when unbiased."""
    if _delta(estimator) == 0:
        return theory.mle_variance(n, samples)
    return theory.unbiased_variance(n, samples)


def log_variance(n, samples: int, estimator: str) -> np.ndarray:
    """E[log σ²ₙ] = n (ψ((M − 1)/2) + log(2/(M − δ))): each generation multiplies σ² by
    an independent χ²_{M−1}/(M − δ) factor."""
    if _delta(estimator) == 0:
        return theory.mle_log_variance(n, samples)
    return theory.unbiased_log_variance(n, samples)


def median_log_variance(n, samples: int, estimator: str) -> np.ndarray:
    """Median of log σ²ₙ: the mean of a sum of n i.i.d. log-χ² terms, shifted by the
    Cornish–Fisher skewness term −κ₃/(6 κ₂) = −ψ''(k/2) / (6 ψ'(k/2)), k = M − 1.

    The shift does not depend on n (skewness falls as 1/√n, the spread grows as √n).
    Generation 0 is the real world itself, with no randomness: its median is exactly 0.
    """
    k = samples - 1
    shift = -polygamma(2, k / 2) / (6 * polygamma(1, k / 2))
    n = np.asarray(n, dtype=float)
    return log_variance(n, samples, estimator) + np.where(n > 0, shift, 0.0)


def mean_drift(n, samples: int, estimator: str) -> np.ndarray:
    """Var(μₙ) = Σ_{k<n} E[σ²ₖ]/M: n/M when unbiased, 1 − ((M − 1)/M)ⁿ for maximum
    likelihood (the geometric sum)."""
    _delta(estimator)
    return theory.mean_variance(n, samples, estimator=estimator)


def relative_spread_of_variance(n, samples: int, estimator: str) -> np.ndarray:
    """sd(σ²ₙ) / E[σ²ₙ] = sqrt((1 + 2/(M − 1))ⁿ − 1): how heavy the run-to-run scatter of
    the variance is. When it is large, a finite simulation rarely meets the runs that
    carry the average."""
    second = 1 + 2 / (samples - 1)  # E[X²]/E[X]² for X = χ²_{M−1}/(M − δ)
    return np.sqrt(np.expm1(np.asarray(n, dtype=float) * np.log(second)))


def gaussian_w2(mean_a, std_a, mean_b, std_b) -> np.ndarray:
    """The 2-Wasserstein distance between two normal distributions."""
    return np.hypot(np.subtract(mean_a, mean_b), np.subtract(std_a, std_b))


def fixation_generations(distinct_values: np.ndarray) -> np.ndarray:
    """For each chain, the first generation with a single distinct value left.

    ``distinct_values`` is (generations + 1, replicas); a chain that never got there
    reports -1.
    """
    fixed = np.asarray(distinct_values) <= 1  # (generations + 1, replicas)
    first = np.argmax(fixed, axis=0)
    return np.where(fixed.any(axis=0), first, -1)


@dataclass(frozen=True)
class Estimate:
    """A simulated figure and its standard error."""

    value: float
    se: float

    def gap(self, theory: float) -> float:
        """(simulation − theory) in standard errors; 0 when both agree exactly."""
        difference = self.value - theory
        if self.se > 0:
            return float(difference / self.se)
        return 0.0 if difference == 0 else float(np.copysign(np.inf, difference))


def mean_of(values: np.ndarray) -> Estimate:
    values = np.asarray(values, dtype=float)
    return Estimate(float(values.mean()), float(values.std(ddof=1) / np.sqrt(values.size)))


def median_of(values: np.ndarray) -> Estimate:
    """The sample median; its SE from the order statistics (distribution-free): the rank
    of the median scatters by √R/2, so one SE spans the quantiles 1/2 ± 1/(2√R), halved."""
    values = np.asarray(values, dtype=float)
    half_width = 0.5 / np.sqrt(values.size)
    low, mid, high = np.quantile(values, [0.5 - half_width, 0.5, 0.5 + half_width])
    return Estimate(float(mid), float((high - low) / 2))


def variance_of(values: np.ndarray) -> Estimate:
    """The sample variance; SE² = (m₄ − s⁴)/R, valid whatever the distribution's shape."""
    values = np.asarray(values, dtype=float)
    centred = values - values.mean()
    variance = float(centred.var(ddof=1))
    fourth = float(np.mean(centred**4))
    return Estimate(variance, float(np.sqrt(max(fourth - variance**2, 0.0) / values.size)))


def median_and_band(values: np.ndarray, share: float = 0.8) -> np.ndarray:
    """(3, rows) array: the lower quantile, the median and the upper quantile of each row
    of a (rows, replicas) array, the two outer ones holding ``share`` of the runs."""
    tail = (1 - share) / 2
    return np.quantile(np.asarray(values, dtype=float), [tail, 0.5, 1 - tail], axis=1)


# The maths page's check of simulation against theory ------------------------------------

CHECK_BUDGET = 1e5  # replicas × generations the check may run (the engine's cost driver)
CHECK_REPLICAS = (200, 2_000)  # fewest and most replicas of the check
DISTINCT_BUDGET = 2e6  # replicas × samples for the one-generation resampling run
HEAVY_SE = 0.15  # above this theoretical relative SE, the simulated mean is unreliable


@dataclass(frozen=True)
class Row:
    """One line of the table: a simulated figure beside its theory."""

    quantity: str  # mean_variance | median_variance | log_variance | mean_drift | distinct
    simulated: Estimate
    theory: float

    @property
    def gap(self) -> float:
        return self.simulated.gap(self.theory)


@dataclass(frozen=True)
class Check:
    """Simulation against theory for M samples and n generations (Gaussian loop on a
    standard normal). Curves are (generations + 1,); rows are read at generation n."""

    rows: tuple[Row, ...]
    replicas: int
    distinct_replicas: int
    mean_variance: np.ndarray
    mean_variance_se: np.ndarray
    median_variance: np.ndarray
    theory_mean_variance: np.ndarray
    theory_median_variance: np.ndarray
    drift: np.ndarray  # Var(μₙ) across replicas
    drift_se: np.ndarray
    theory_drift: np.ndarray
    heavy: bool  # the mean variance rests on runs too rare for this many replicas


def check_replicas(generations: int) -> int:
    replicas = int(CHECK_BUDGET // max(generations, 1))
    return int(np.clip(replicas, *CHECK_REPLICAS))


def distinct_replicas(samples: int) -> int:
    return int(np.clip(DISTINCT_BUDGET // samples, *CHECK_REPLICAS))


def _row_variance(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-row sample variance and its SE (see ``variance_of``) of a (rows, R) array."""
    centred = values - values.mean(axis=1, keepdims=True)
    variance = centred.var(axis=1, ddof=1)
    fourth = np.mean(centred**4, axis=1)
    return variance, np.sqrt(np.maximum(fourth - variance**2, 0.0) / values.shape[1])


def gaussian_chain(samples: int, generations: int, replicas: int, seed: int, **changes):
    """A bell curve refitted every generation (maximum likelihood unless ``changes`` say
    otherwise) to data drawn from N(0, 1): the run the readers' demos, the remedies and the
    maths page's checks are made of."""
    from lib.engine import Scenario, simulate  # the engine is heavy; import on use

    scenario = Scenario(
        source="normal",
        model="gaussian",
        samples=samples,
        generations=generations,
        replicas=replicas,
        seed=seed,
    )
    return simulate(replace(scenario, **changes))


def theory_check(samples: int, generations: int, estimator: str, seed: int = 1) -> Check:
    """Run the Gaussian loop and the one-generation resampling loop, then set every
    simulated figure (with its standard error) against its closed form."""
    from lib.engine import Scenario, simulate  # the engine is heavy; import on use

    replicas = check_replicas(generations)
    run = gaussian_chain(samples, generations, replicas, seed, estimator=estimator)
    variance = run.model_std**2  # (generations + 1, replicas)
    n = np.arange(generations + 1)
    drift, drift_se = _row_variance(run.model_mean)

    copies = distinct_replicas(samples)
    resampled = simulate(
        Scenario(model="resample", samples=samples, generations=1, replicas=copies, seed=seed)
    )
    distinct_theory = theory.distinct_after_one(samples)

    last = variance[-1]
    rows = (
        Row("mean_variance", mean_of(last), float(mean_variance(generations, samples, estimator))),
        Row(
            "median_variance",
            median_of(last),
            float(np.exp(median_log_variance(generations, samples, estimator))),
        ),
        Row(
            "log_variance",
            mean_of(np.log(last)),
            float(log_variance(generations, samples, estimator)),
        ),
        Row(
            "mean_drift",
            variance_of(run.model_mean[-1]),
            float(mean_drift(generations, samples, estimator)),
        ),
        Row("distinct", mean_of(resampled.distinct_values[1]), float(distinct_theory)),
    )
    relative_se = relative_spread_of_variance(generations, samples, estimator) / np.sqrt(replicas)
    return Check(
        rows=rows,
        replicas=replicas,
        distinct_replicas=copies,
        mean_variance=variance.mean(axis=1),
        mean_variance_se=variance.std(axis=1, ddof=1) / np.sqrt(replicas),
        median_variance=np.median(variance, axis=1),
        theory_mean_variance=mean_variance(n, samples, estimator),
        theory_median_variance=np.exp(median_log_variance(n, samples, estimator)),
        drift=drift,
        drift_se=drift_se,
        theory_drift=mean_drift(n, samples, estimator),
        heavy=bool(relative_se > HEAVY_SE),
    )
