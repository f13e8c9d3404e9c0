"""The loop: shapes, generation 0, the order of fits and draws, reproducibility, measures."""

import itertools
import tracemalloc
from dataclasses import replace

import numpy as np
import pytest

from lib import engine, models, params
from lib.engine import Scenario, default_replicas, simulate
from lib.measures import Counter, distinct_values, wasserstein_exact
from lib.sources import SOURCE_NAMES, TAIL, get_source

FIELDS = ("model_mean", "model_std", "distinct_values", "spread", "tail_mass", "distance")


@pytest.mark.parametrize(
    ("source", "model", "regime"),
    list(itertools.product(SOURCE_NAMES, models.MODEL_NAMES, ("replace", "accumulate"))),
)
def test_every_combination_runs_with_documented_shapes(source, model, regime):
    scenario = Scenario(
        source=source,
        model=model,
        regime=regime,
        samples=40,
        generations=3,
        replicas=2,
        real_fraction=0.25,
        temperature=0.8,
    )
    run = simulate(scenario)
    edges = get_source(source).bin_edges
    for name in FIELDS:
        array = getattr(run, name)
        assert array.shape == (4, 2), name
        assert np.all(np.isfinite(array)), name
    assert np.array_equal(run.bin_edges, edges)
    for name in ("histogram_mean", "histogram_first"):
        hist = getattr(run, name)
        assert hist.shape == (4, edges.size - 1)
        mass = hist.sum(axis=1) * (edges[1] - edges[0])
        assert np.all((hist >= 0) & np.isfinite(hist)) and np.all(mass <= 1 + 1e-12)
    assert np.all((run.tail_mass >= 0) & (run.tail_mass <= 1))
    assert np.all(run.distance >= 0) and np.all(run.model_std > 0)


def test_generation_zero_is_the_real_world_and_model_one_fits_it():
    scenario = Scenario(source="skewed", samples=30, generations=2, replicas=5, seed=42)
    run = simulate(scenario)
    source = get_source("skewed")
    assert np.all(run.model_mean[0] == source.mean) and np.all(run.model_std[0] == source.std)
    assert np.all(run.spread[0] == 1.0) and np.all(run.distinct_values == 30)
    # D_0 is the first draw of the seed's generator; model 1 is fitted to it
    real = source.sample(np.random.default_rng(42), (5, 30))
    assert np.allclose(run.model_mean[1], real.mean(axis=1))
    assert np.allclose(run.model_std[1], real.std(axis=1))
    total, first, tail, distance = Counter(source, 5, 30).measure(real)
    assert np.allclose(run.tail_mass[0], tail) and np.allclose(run.distance[0], distance)
    width = source.bin_edges[1] - source.bin_edges[0]
    assert np.allclose(run.histogram_first[0], first / (30 * width))
    assert np.allclose(run.histogram_mean[0], total / (5 * 30 * width))


def test_gaussian_draws_measured_as_z_match_the_values_they_stand_for():
    source = get_source("normal")
    run = simulate(Scenario(samples=500, generations=1, replicas=4, seed=3))
    rng = np.random.default_rng(3)
    source.sample(rng, (4, 500))  # D_0
    data = run.model_mean[1][:, None] + run.model_std[1][:, None] * rng.standard_normal((4, 500))
    total, _first, tail, distance = Counter(source, 4, 500).measure(data)
    assert np.allclose(run.tail_mass[1], tail) and np.allclose(run.distance[1], distance)
    width = source.bin_edges[1] - source.bin_edges[0]
    assert np.allclose(run.histogram_mean[1], total / (4 * 500 * width))


def test_one_seed_reproduces_a_run_bit_for_bit():
    for model in models.MODEL_NAMES:
        scenario = Scenario(model=model, samples=50, generations=5, replicas=3, seed=7)
        first, again = simulate(scenario), simulate(scenario)
        other = simulate(Scenario(model=model, samples=50, generations=5, replicas=3, seed=8))
        for name in (*FIELDS, "histogram_mean", "histogram_first"):
            assert np.array_equal(getattr(first, name), getattr(again, name)), (model, name)
        assert not np.array_equal(first.model_std, other.model_std)


def test_all_real_data_never_drifts():
    run = simulate(Scenario(samples=200, generations=50, replicas=50, real_fraction=1.0))
    # every model is fitted to fresh real data: spread stays near 1 (sd ≈ 1/√(2M))
    assert np.all(np.abs(run.spread[1:].mean(axis=1) - 1) < 4 * 0.05 / np.sqrt(50) + 0.01)


def test_resample_loses_values_and_kde_does_not():
    resampled = simulate(Scenario(model="resample", samples=100, generations=20, replicas=4))
    assert np.all(np.diff(resampled.distinct_values, axis=0) <= 0)
    assert resampled.distinct_values[-1].max() < 40
    kde = simulate(Scenario(model="kde", samples=100, generations=20, replicas=4))
    assert np.all(kde.distinct_values == 100)


def test_tail_mass_is_exact_and_distance_is_close_to_exact_w1():
    """The binned measures against sorting and exact integration."""
    rng = np.random.default_rng(3)
    for name in SOURCE_NAMES:
        source = get_source(name)
        data = np.vstack(
            [
                source.sample(rng, (2, 1_000)),
                0.3 + 0.8 * source.sample(rng, (1, 1_000)),  # shifted and narrowed
                1.5 * source.sample(rng, (1, 1_000)),  # widened: spills past the chart
            ]
        )
        counter = Counter(source, *data.shape)
        _, _, tail, distance = counter.measure(data)
        lo, hi = source.ppf([TAIL, 1 - TAIL])
        beyond = np.count_nonzero((data < lo) | (data > hi), axis=1)
        assert np.array_equal(np.round(tail * data.shape[1]), beyond)
        exact = wasserstein_exact(data, source)
        assert np.all(np.abs(distance - exact) <= 0.02 * exact + 1e-3), (name, distance, exact)


def test_distinct_values_counts_ties():
    assert list(distinct_values(np.array([[1.0, 1.0, 2.0], [3.0, 4.0, 5.0]]))) == [2, 3]


def test_progress_runs_from_zero_to_one():
    seen = []
    simulate(Scenario(generations=250, replicas=2), progress=seen.append)
    assert seen[0] == 0.0 and seen[-1] == 1.0
    assert all(0 <= a <= b <= 1 for a, b in itertools.pairwise(seen))
    assert 10 <= len(seen) <= 110


def test_default_replicas_fits_the_budget():
    small = Scenario(samples=20, generations=50)
    assert default_replicas(small) == engine.MAX_REPLICAS
    big = Scenario(model="mixture", samples=10_000, generations=200)
    assert default_replicas(big) == 1
    pooled = Scenario(model="kde", regime="accumulate", samples=10_000, generations=200)
    assert default_replicas(pooled) * 10_000 * 200 <= engine.POOL_BUDGET
    # the mixture's first fit tries four component counts: a short run still pays for it
    short = Scenario(model="mixture", regime="accumulate", samples=10_000, generations=2)
    first_fit = engine.MIXTURE_FIRST_FIT[0] + engine.MIXTURE_FIRST_FIT[1] * 10_000
    assert default_replicas(short) <= engine.TIME_BUDGET / first_fit < 12
    # fresh real data from a slow sampler costs more than the Gaussian's own draws
    plain = Scenario(samples=10_000, generations=1_000)
    mixed = Scenario(samples=10_000, generations=1_000, source="heavy_tails", real_fraction=0.5)
    assert default_replicas(mixed) < default_replicas(plain)
    # ... but the normal source's fresh draws share the Gaussian's compiled pass
    normal_mixed = Scenario(samples=10_000, generations=1_000, real_fraction=0.5)
    assert default_replicas(normal_mixed) == default_replicas(plain)
    # the remedies: weighted draws search cumulative weights, curated ones tilt every atom
    for model in ("kde", "resample"):
        base = Scenario(model=model, samples=2_000, generations=300, real_fraction=0.5)
        weighed = replace(base, real_weight=0.7)
        curated = replace(base, curation=0.5)
        assert default_replicas(curated) < default_replicas(weighed) < default_replicas(base)


def test_bad_scenarios_are_refused():
    for bad in (
        Scenario(source="cauchy"),
        Scenario(model="gan"),
        Scenario(regime="keep"),
        Scenario(samples=1),
        Scenario(temperature=0.0),
        Scenario(real_fraction=1.5),
    ):
        with pytest.raises(ValueError):
            simulate(bad)


MEMORY_CEILING = 80e6  # bytes: no run the registry allows may need more


def memory_bound(s: Scenario) -> float:
    """Bytes a run may hold at its peak, counted from the arrays it keeps.

    The Run's per-generation arrays (7 (generations + 1) × replicas and 4 histograms), at
    most 14 working arrays of replicas × samples (draws, D_n, the bin indices, their
    float positions, resample picks, sorted copies, temporaries), the accumulate pool of
    kde and resample (replicas × samples × generations), the fine-grid counts, and for
    the mixture scikit-learn's responsibilities and log densities (about 40 values for
    each value fitted, 5 components at most), plus 2 MB for Python and scipy.
    """
    source = get_source(s.source)
    g, r, m = s.generations + 1, s.replicas, s.samples
    bins, fine = source.bin_edges.size - 1, source.fine_edges.size + 1
    pooled = s.regime == "accumulate" and s.model != "gaussian"
    pool = r * m * max(s.generations, 1) if pooled else 0
    fitted = m * max(s.generations, 1) if pooled else m
    fit = 40 * fitted if s.model == "mixture" else 0
    return 8.0 * (g * (7 * r + 4 * bins) + 14 * r * m + pool + 4 * r * fine + fit) + 2e6


def largest_scenario(model: str, regime: str, samples: int = 100_000) -> Scenario:
    """The largest laboratory run the registry allows (as bench/engine.py runs it)."""
    query = {"model": model, "regime": regime, "samples": str(samples), "generations": "100000"}
    query |= {"source": "heavy_tails", "real_fraction": "0.5", "temperature": "0.5"}
    values, _ = params.parse(query, "lab")
    scenario = Scenario(**{k: v for k, v in values.items() if k in Scenario.__dataclass_fields__})
    return replace(scenario, replicas=default_replicas(scenario))


@pytest.mark.parametrize(
    ("model", "regime"), list(itertools.product(models.MODEL_NAMES, ("replace", "accumulate")))
)
def test_the_largest_run_stays_under_its_memory_ceiling(model, regime):
    largest = largest_scenario(model, regime)
    assert largest.samples == params.REGISTRY["samples"].high
    for samples in (10, 50, 100, 1_000, 2_000, 10_000):  # fewer samples, more generations
        assert memory_bound(largest_scenario(model, regime, samples)) <= MEMORY_CEILING
    # Check the bound on a real run: the largest one itself where it is quick (the pooled
    # kde, the heaviest in memory, with its kernel noise), else the same samples and
    # replicas over a few generations (every array but the Run's and the pool is then at
    # full size, and those two are counted exactly). The mixture fits one replica at a
    # time: one does.
    run = largest
    if not (regime == "accumulate" and model == "kde"):
        run = replace(largest, generations=min(largest.generations, 3))
    if model == "mixture":
        run = replace(run, replicas=1)
    peak = peak_memory(run)
    assert 8 * run.replicas * run.samples < peak <= memory_bound(run), (run, peak)
    # Nothing else grows with the generations: four more add at most the Run's rows
    # (and the pool's), not a data set each.
    if run.generations < largest.generations:
        longer = replace(run, generations=min(largest.generations, run.generations + 4))
        growth = peak_memory(longer) - peak
        assert growth <= memory_bound(longer) - memory_bound(run) + 50e3, (run, growth)


def peak_memory(scenario: Scenario) -> int:
    """Peak bytes traced by tracemalloc (numpy's arrays included) while it runs."""
    tracemalloc.start()
    try:
        simulate(scenario)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
