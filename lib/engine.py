"""The recursive loop of model collapse, for many independent replicas at once.

Generation 0 is the real world: D_0 holds ``samples`` real draws, and its model is the
real distribution itself. For n = 1 … ``generations``, model n is fitted to D_{n−1}
(``replace``) or to D_0 ∪ … ∪ D_{n−1} (``accumulate``), and D_n is
``round(real_fraction × samples)`` fresh real draws followed by draws of model n at the
sampling temperature (see ``lib.models``).

Replicas are rows of arrays; only the mixture model loops over them (scikit-learn fits
one data set at a time). The Gaussian model works on its standard normal draws z:
D_n = μ + √T σ z, so its fitted mean and variance come from Σz and Σz² exactly, without
the rounding that would swamp σ once it has collapsed far below |μ|. The Gaussian in the
accumulate regime keeps running pooled moments; ``kde``, ``resample`` and ``mixture``
in that regime keep every D_k (``lib.params`` bounds generations × samples for them).

The remedies (issue 15): ``real_weight`` makes every fit to a mixed D_n a weighted
maximum likelihood (real values w/n_real each, model draws (1 − w)/n_model each; model 1,
fitted to the all-real D_0, is unweighted); ``curation`` tilts what every model emits
(never the real data), see ``lib.models``. With fresh draws of the standard normal source
the Gaussian draws, sums and bins the real values in the same compiled pass as its own
(``gaussian_kernel.draw_mixed_and_bin``): the same values from the generator as the NumPy
path, the same counts, sums accumulated in another order (agreement to about 1e-14).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from lib import gaussian_kernel, models
from lib.measures import Counter, distinct_values
from lib.sources import SOURCE_NAMES, get_source

# CPU seconds one replica costs, measured by bench/engine.py and a profile on the shared
# 2-core host (so on the safe side): a fixed cost per generation, a cost per model draw
# (fit, draw and measure included), a cost per fresh real draw (the source's sampler plus
# the measures on mixed data), and for the mixture the first fit, which tries 2 to 5
# components (per value fitted). ``default_replicas`` keeps a run near TIME_BUDGET.
SECONDS_PER_GENERATION = {"gaussian": 2e-5, "resample": 3e-5, "kde": 3e-5, "mixture": 3e-3}
SECONDS_PER_SAMPLE = {"gaussian": 2.3e-8, "resample": 3e-8, "kde": 3.5e-8, "mixture": 1.2e-6}
SECONDS_PER_REAL_SAMPLE = {
    "normal": 4.5e-8,
    "two_humps": 5e-8,
    "heavy_tails": 6.5e-8,
    "skewed": 4.5e-8,
    "uniform": 3.5e-8,
}
# Weighted fits draw by searching cumulative weights, curated ones also compute a tilt on
# every kernel or atom (bench: about 3 and 5 times the plain draw for kde and resample);
# the Gaussian's and the mixture's costs barely move (a few parameters change).
SECONDS_PER_WEIGHTED_SAMPLE = {"resample": 1.2e-7, "kde": 1.2e-7}
SECONDS_PER_CURATED_SAMPLE = {"resample": 1.9e-7, "kde": 2.3e-7}
# ... and curated in the accumulate regime, they tilt their whole pool every generation.
SECONDS_PER_TILTED_VALUE = {"resample": 3e-8, "kde": 3e-8}
MIXTURE_FIRST_FIT = (0.02, 1.3e-5)  # seconds: fixed, per value of the real data
MIXTURE_POOL_SECONDS = 4e-6  # per value of a growing accumulate pool (EM iterates more)
TIME_BUDGET = 1.5  # seconds
POOL_BUDGET = 4e6  # values an accumulate run may keep, over all replicas (8 bytes each)
MAX_REPLICAS = 100
# What the Gaussian's variance estimator subtracts from the sample size before dividing.
DIVISOR_OFFSET = {"mle": 0, "unbiased": 1}


@dataclass(frozen=True)
class Scenario:
    """Everything that defines a run; one scenario always gives the same run."""

    source: str = "normal"  # normal | two_humps | heavy_tails | skewed | uniform
    model: str = "gaussian"  # gaussian | kde | mixture | resample
    estimator: str = "mle"  # mle | unbiased (gaussian only)
    samples: int = 100  # M, training samples a generation
    generations: int = 100  # n after generation 0
    real_fraction: float = 0.0  # share of fresh real data each generation
    regime: str = "replace"  # replace | accumulate
    temperature: float = 1.0  # scales the variance of what models emit
    replicas: int = 1  # independent chains computed together
    seed: int = 1
    # The remedies (issue 15). None: each point weighs the same, so the real data's total
    # weight is their count's share. Otherwise the total weight w of the fresh real points
    # in the fit (w/n_real each, (1 − w)/n_model each synthetic one); only when
    # 0 < n_real < samples, in the replace regime, and not for the mixture.
    real_weight: float | None = None
    # c ≥ 0: synthetic draws come from the model (at temperature T) times
    # exp(−c (x − m₀)²/(2σ₀²)), renormalised (m₀, σ₀ the real mean and std); 0 = raw output.
    curation: float = 0.0


@dataclass(frozen=True)
class Run:
    """A finished run. Row n of every per-generation array is generation n."""

    scenario: Scenario
    model_mean: np.ndarray  # (generations + 1, replicas); row 0 = real distribution's own
    model_std: np.ndarray  # (generations + 1, replicas); row 0 = real distribution's own
    distinct_values: np.ndarray  # (generations + 1, replicas) distinct values in D_n
    bin_edges: np.ndarray  # (bins + 1,) fixed edges for this source
    histogram_mean: np.ndarray  # (generations + 1, bins) density of D_n, mean over replicas
    histogram_first: np.ndarray  # (generations + 1, bins) density of D_n, replica 0 alone
    spread: np.ndarray  # (generations + 1, replicas) model_std / real std
    tail_mass: np.ndarray  # (generations + 1, replicas) share of D_n beyond real 2.5/97.5 %
    distance: np.ndarray  # (generations + 1, replicas) W1(D_n, real) / real std


def default_replicas(scenario: Scenario) -> int:
    """How many replicas a page should run so that the run stays within its budget.

    About ``TIME_BUDGET`` seconds of work, at most ``MAX_REPLICAS``, and for the models
    that keep their whole pool in the accumulate regime, at most ``POOL_BUDGET`` values.
    """
    model, size, generations = scenario.model, scenario.samples, max(scenario.generations, 1)
    n_real = round(scenario.real_fraction * size)
    fitted = size  # values each fit sees
    if scenario.regime == "accumulate" and model == "mixture":
        fitted = size * (generations + 1) / 2  # the pool grows: its mean size
    per_sample = SECONDS_PER_SAMPLE[model]
    if scenario.curation > 0:
        per_sample = SECONDS_PER_CURATED_SAMPLE.get(model, per_sample)
    elif scenario.real_weight is not None:
        per_sample = SECONDS_PER_WEIGHTED_SAMPLE.get(model, per_sample)
    if fitted > size:
        per_sample = MIXTURE_POOL_SECONDS
    # the mixture's cost is its fit, which sees every value, real or not
    modelled = size if model == "mixture" else size - n_real
    per_real = SECONDS_PER_REAL_SAMPLE[scenario.source]
    if model == "gaussian" and scenario.source == "normal" and modelled:
        per_real = per_sample  # drawn in the same compiled pass as the model's own
    drawn = modelled * per_sample + n_real * per_real
    seconds = generations * (SECONDS_PER_GENERATION[model] + drawn + per_sample * (fitted - size))
    if model == "mixture":
        seconds += MIXTURE_FIRST_FIT[0] + MIXTURE_FIRST_FIT[1] * size
    if scenario.curation > 0 and model in SECONDS_PER_TILTED_VALUE:
        pooled = size * (generations + 1) / 2 if scenario.regime == "accumulate" else size
        seconds += generations * pooled * SECONDS_PER_TILTED_VALUE[model]
    replicas = int(TIME_BUDGET // seconds)
    if scenario.regime == "accumulate" and model != "gaussian":
        replicas = min(replicas, int(POOL_BUDGET // (size * generations)))
    return max(1, min(MAX_REPLICAS, replicas))


def _check(s: Scenario) -> None:
    if s.source not in SOURCE_NAMES:
        raise ValueError(f"unknown source {s.source!r}")
    if s.model not in models.MODEL_NAMES:
        raise ValueError(f"unknown model {s.model!r}")
    if s.estimator not in ("mle", "unbiased"):
        raise ValueError(f"unknown estimator {s.estimator!r}")
    if s.regime not in ("replace", "accumulate"):
        raise ValueError(f"unknown regime {s.regime!r}")
    if s.samples < 2 or s.generations < 0 or s.replicas < 1:
        raise ValueError("samples >= 2, generations >= 0 and replicas >= 1 are required")
    if not 0.0 <= s.real_fraction <= 1.0 or not 0.0 < s.temperature <= 1.0:
        raise ValueError("real_fraction must lie in [0, 1] and temperature in (0, 1]")
    if not (math.isfinite(s.curation) and s.curation >= 0.0):
        raise ValueError(f"curation must be a finite number >= 0, not {s.curation!r}")
    if s.real_weight is not None:
        weight_problem(s.model, s.regime, s.samples, s.real_fraction, s.real_weight, strict=True)


def weight_problem(model, regime, samples, real_fraction, real_weight, strict=False):
    """Why ``real_weight`` cannot be used with these settings, or None when it can.

    Returns one of "range" (not in [0, 1]), "model" (the mixture: scikit-learn's
    GaussianMixture takes no sample weights), "regime" (accumulate: a weight on "the
    real data" has no meaning in a pool of every generation) or "mix" (the data are all
    real or all synthetic: nothing to weigh). With ``strict``, raises ValueError instead.
    """
    n_real = round(real_fraction * samples)
    reason = None
    if not (isinstance(real_weight, int | float) and 0.0 <= real_weight <= 1.0):
        reason, why = "range", f"real_weight must lie in [0, 1], not {real_weight!r}"
    elif model == "mixture":
        reason, why = "model", "the mixture model takes no sample weights (real_weight)"
    elif regime != "replace":
        reason, why = "regime", "real_weight applies in the replace regime only"
    elif not 0 < n_real < samples:
        reason = "mix"
        why = "real_weight needs both real and synthetic data: 0 < real_fraction < 1"
    if reason is not None and strict:
        raise ValueError(why)
    return reason


class _Recorder:
    """Fills the per-generation arrays of a run."""

    def __init__(self, scenario: Scenario, source):
        g, r = scenario.generations + 1, scenario.replicas
        self.counter = Counter(source, r, scenario.samples)
        self.model_mean = np.empty((g, r))
        self.model_std = np.empty((g, r))
        self.distinct = np.full((g, r), scenario.samples, dtype=np.int64)
        self.total = np.empty((g, self.counter.bins))
        self.first = np.empty((g, self.counter.bins))
        self.tail = np.empty((g, r))
        self.distance = np.empty((g, r))
        self.model_mean[0], self.model_std[0] = source.mean, source.std

    def record(self, n: int, data: np.ndarray, scale=None, shift=None) -> None:
        """Measure D_n, given as ``data`` (x, or z with its per-replica scale and shift)."""
        measured = self.counter.measure(data, scale, shift)
        self.total[n], self.first[n], self.tail[n], self.distance[n] = measured

    def record_counts(self, n: int, counts, left, right) -> None:
        """Measure D_n, given as its fine-bin counts (see ``Counter.read``)."""
        measured = self.counter.read(counts, left, right)
        self.total[n], self.first[n], self.tail[n], self.distance[n] = measured

    def run(self, scenario: Scenario, source) -> Run:
        bin_width = self.counter.bin_width
        size = scenario.samples
        return Run(
            scenario=scenario,
            model_mean=self.model_mean,
            model_std=self.model_std,
            distinct_values=self.distinct,
            bin_edges=source.bin_edges.copy(),
            histogram_mean=self.total / (size * scenario.replicas * bin_width),
            histogram_first=self.first / (size * bin_width),
            spread=self.model_std / source.std,
            tail_mass=self.tail,
            distance=self.distance / source.std,
        )


class _Progress:
    """Calls back at most once for every percent done."""

    def __init__(self, callback, generations: int):
        self.callback = callback
        self.generations = max(generations, 1)
        self.percent = 0

    def __call__(self, n: int) -> None:
        percent = 100 * n // self.generations
        if self.callback is not None and percent > self.percent:
            self.percent = percent
            self.callback(min(1.0, n / self.generations))


def simulate(scenario: Scenario, progress: Callable[[float], None] | None = None) -> Run:
    """Run the loop of ``scenario``.

    Parameters
    ----------
    scenario : Scenario
    progress : callable, optional
        Called with the share done, a float in [0, 1], about a hundred times.

    Returns
    -------
    Run
    """
    _check(scenario)
    source = get_source(scenario.source)
    rng = np.random.default_rng(scenario.seed)
    recorder = _Recorder(scenario, source)
    tick = _Progress(progress, scenario.generations)
    if progress is not None:
        progress(0.0)
    real = source.sample(rng, (scenario.replicas, scenario.samples))  # D_0
    recorder.record(0, real)
    if scenario.model == "gaussian":
        _gaussian_loop(scenario, source, rng, recorder, real, tick)
    else:
        _general_loop(scenario, source, rng, recorder, real, tick)
    if progress is not None and tick.percent < 100:
        progress(1.0)
    return recorder.run(scenario, source)


def _moments_of_draws(mean, c, sums, squares, size):
    """Mean and sum of squared deviations of ``size`` values mean + c z, per replica, from
    Σz and Σz² (no rounding against a large mean; see the module's docstring)."""
    return mean + c * (sums / size), c * c * np.maximum(squares - sums * sums / size, 0.0)


def _gaussian_loop(s: Scenario, source, rng, recorder: _Recorder, real, tick) -> None:
    replicas, size = s.replicas, s.samples
    n_real = round(s.real_fraction * size)
    n_model = size - n_real
    counter = recorder.counter
    divisor_offset = DIVISOR_OFFSET[s.estimator]
    root_t = math.sqrt(s.temperature)
    tilt = tilt_of(s, source)
    weight = s.real_weight  # replace regime and a mixed D_n only (see _check)
    mean, m2 = models.moments(real)  # the training set's moments, (replicas,) each
    count = size
    divisor = count - divisor_offset  # σ² = m2 / divisor (weighted: m2 is the variance)
    # Fresh draws of the standard normal source are standard normals too: with model
    # draws, one compiled pass draws, sums and bins both (lib.gaussian_kernel).
    compiled_mix = bool(n_real and n_model) and _standard_normal(source)
    if n_real and not compiled_mix:
        data = np.empty((replicas, size))  # D_n, when it mixes real and model draws
        z = np.empty((replicas, n_model))
    else:
        # Model draws only: one compiled pass draws, sums and bins them (lib.gaussian_kernel).
        counts, s1, s2, left, right = gaussian_kernel.empty_outputs(replicas, counter.nf)
        real_s1, real_s2 = np.empty(replicas), np.empty(replicas)
    fine_shift = 1.0 - counter.origin * counter.scale  # as Counter.measure bins values
    for n in range(1, s.generations + 1):
        sigma = np.sqrt(m2 / divisor)
        recorder.model_mean[n], recorder.model_std[n] = mean, sigma
        c = root_t * sigma
        centre = mean
        if tilt is not None:  # curated: the tilted N(μ, T σ²) is N(centre, c²)
            centre, variance, _ = tilt.gaussian(mean, c * c)
            c = np.sqrt(variance)
        # D_n: fresh real draws, then centre + c z.
        if not n_real:
            scale = c * counter.scale
            shift = (centre - counter.origin) * counter.scale + 1.0
            gaussian_kernel.draw_and_bin(rng, size, scale, shift, counts, s1, s2, left, right)
            recorder.record_counts(n, counts, left, right)
            new_mean, new_m2 = _moments_of_draws(centre, c, s1, s2, size)
        elif compiled_mix:
            gaussian_kernel.draw_mixed_and_bin(
                rng, n_model, n_real, c, centre, counter.scale, fine_shift,
                counts, s1, s2, real_s1, real_s2, left, right,
            )  # fmt: skip
            recorder.record_counts(n, counts, left, right)
            model_mean, model_m2 = _moments_of_draws(centre, c, s1, s2, n_model)
            f_mean, f_m2 = _moments_of_draws(0.0, 1.0, real_s1, real_s2, n_real)
        else:
            if n_model:
                rng.standard_normal(out=z)
                s1, s2 = z.sum(axis=1), np.einsum("ij,ij->i", z, z)
                model_mean, model_m2 = _moments_of_draws(centre, c, s1, s2, n_model)
            fresh = source.sample(rng, (replicas, n_real))
            data[:, :n_real] = fresh
            f_mean, f_m2 = models.moments(fresh)
            if n_model:
                target = data[:, n_real:]
                np.multiply(z, c[:, None], out=target)
                target += centre[:, None]
            recorder.record(n, data)
        if n_real and not n_model:
            new_mean, new_m2 = f_mean, f_m2
        elif n_real and weight is None:
            new_mean, new_m2 = models.combine(f_mean, f_m2, n_real, model_mean, model_m2, n_model)
        elif n_real:  # weighted maximum likelihood: new_m2 is the weighted variance
            new_mean, new_m2 = _weighted_fit(
                weight, f_mean, f_m2, n_real, model_mean, model_m2, n_model
            )
            divisor = 1.0 - divisor_offset * (weight**2 / n_real + (1 - weight) ** 2 / n_model)
            # All the weight on one real point (w = 1, n_real = 1): σ² = 0, not 0/0.
            divisor = max(divisor, 1e-300)
        if s.regime == "replace":
            mean, m2 = new_mean, new_m2
        else:
            mean, m2 = models.combine(mean, m2, count, new_mean, new_m2, size)
            count += size
            divisor = count - divisor_offset
        tick(n)


def _standard_normal(source) -> bool:
    """Whether ``source.sample`` is ``rng.standard_normal`` itself (the same values)."""
    return source.name == "normal" and source.mean == 0.0 and source.std == 1.0


def _weighted_fit(weight, real_mean, real_m2, n_real, model_mean, model_m2, n_model):
    """Weighted mean and variance (maximum likelihood) of a D_n whose n_real real values
    weigh ``weight``/n_real each and whose n_model model draws weigh (1 − weight)/n_model:
    μ = w·mean_r + (1 − w)·mean_m, σ² = w·var_r + (1 − w)·var_m + w(1 − w)(mean_m − mean_r)²."""
    gap = model_mean - real_mean
    mean = real_mean + (1.0 - weight) * gap
    variance = weight * (real_m2 / n_real) + (1.0 - weight) * (model_m2 / n_model)
    return mean, variance + weight * (1.0 - weight) * gap * gap


def fit_weights(s: Scenario) -> np.ndarray | None:
    """Each value's weight in a fit to a mixed D_n (fresh real values first), or None
    when every value weighs the same: w/n_real for each real value, (1 − w)/n_model for
    each synthetic one."""
    if s.real_weight is None:
        return None
    n_real = round(s.real_fraction * s.samples)
    weights = np.empty(s.samples)
    weights[:n_real] = s.real_weight / n_real
    weights[n_real:] = (1.0 - s.real_weight) / (s.samples - n_real)
    return weights


def tilt_of(s: Scenario, source) -> models.Tilt | None:
    """The curation of the synthetic draws, around the real mean and spread."""
    return models.Tilt(s.curation, source.mean, source.std) if s.curation > 0 else None


def _general_loop(s: Scenario, source, rng, recorder: _Recorder, real, tick) -> None:
    replicas, size = s.replicas, s.samples
    n_real = round(s.real_fraction * size)
    n_model = size - n_real
    accumulate = s.regime == "accumulate"
    weights = fit_weights(s)  # replace regime only (see _check)
    tilt = tilt_of(s, source)
    if accumulate:
        pool = np.empty((replicas, size * max(s.generations, 1)))  # D_0 … D_{G−1}
        pool[:, :size] = real
    mean, m2 = models.moments(real)  # the training set's moments
    count = size
    data = real
    mixture = None
    for n in range(1, s.generations + 1):
        training = pool[:, :count] if accumulate else data
        # Model 1 is fitted to D_0, all real: its values weigh the same.
        weighed = weights if n > 1 else None
        if s.model == "resample":
            model = models.Resample(training, mean, m2, weighed)
        elif s.model == "kde":
            model = models.Kde(training, mean, m2, weighed)
        else:
            model = mixture = models.Mixture.fit(training, s.seed + n, mixture)
        recorder.model_mean[n], recorder.model_std[n] = model.mean, model.std
        data = np.empty((replicas, size))
        if n_real:
            data[:, :n_real] = source.sample(rng, (replicas, n_real))
        if n_model:
            data[:, n_real:] = model.sample(rng, n_model, s.temperature, tilt)
        recorder.record(n, data)
        if s.model == "resample":
            recorder.distinct[n] = distinct_values(data)
        new_mean, new_m2 = models.moments(data)
        if accumulate:
            if n < s.generations:
                pool[:, count : count + size] = data
            mean, m2 = models.combine(mean, m2, count, new_mean, new_m2, size)
            count += size
        else:
            mean, m2 = new_mean, new_m2
        tick(n)
