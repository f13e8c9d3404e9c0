"""The five real distributions: scaled alike, sampled as their law says, gridded for charts."""

import numpy as np
import pytest
from scipy import integrate, stats

from lib.sources import SOURCE_NAMES, TAIL, get_source


@pytest.mark.parametrize("name", SOURCE_NAMES)
def test_every_source_has_mean_zero_and_unit_std(name):
    source = get_source(name)
    assert source.mean == pytest.approx(0.0, abs=1e-9)
    assert source.std == pytest.approx(1.0, rel=1e-9)
    mean = integrate.quad(lambda x: x * source.pdf(x), -np.inf, np.inf, limit=200)[0]
    second = integrate.quad(lambda x: x * x * source.pdf(x), -np.inf, np.inf, limit=200)[0]
    assert mean == pytest.approx(0.0, abs=1e-6)
    assert second == pytest.approx(1.0, rel=1e-5)


@pytest.mark.parametrize("name", SOURCE_NAMES)
def test_samples_follow_the_distribution(name):
    source = get_source(name)
    draws = source.sample(np.random.default_rng(4), 20_000)
    assert stats.kstest(draws, source.cdf).pvalue > 1e-3
    # the same test rejects draws from another source: it has power
    other = get_source("uniform" if name != "uniform" else "normal")
    assert stats.kstest(other.sample(np.random.default_rng(4), 20_000), source.cdf).pvalue < 1e-6


@pytest.mark.parametrize("name", SOURCE_NAMES)
def test_quantiles_invert_the_cdf(name):
    source = get_source(name)
    q = np.array([0.001, TAIL, 0.3, 0.5, 0.8, 1 - TAIL, 0.999])
    assert np.allclose(source.cdf(source.ppf(q)), q, atol=1e-10)


@pytest.mark.parametrize("name", SOURCE_NAMES)
def test_the_grid_is_fixed_and_puts_the_tail_quantiles_on_edges(name):
    source = get_source(name)
    edges = source.bin_edges
    assert 50 <= edges.size - 1 <= 80
    assert np.allclose(np.diff(edges), edges[1] - edges[0])
    assert source.plot_range == (edges[0], edges[-1])
    lo, hi = source.tail_edges
    assert source.fine_edges[lo] == pytest.approx(source.ppf(TAIL), abs=1e-9)
    assert source.fine_edges[hi] == pytest.approx(source.ppf(1 - TAIL), abs=1e-9)
    # the chart shows nearly all of the real mass
    assert source.cdf(edges[-1]) - source.cdf(edges[0]) > 0.995
    # the density on a grid integrates to the mass inside it
    grid = np.linspace(edges[0], edges[-1], 20_001)
    mass = integrate.trapezoid(source.pdf(grid), grid)
    assert mass == pytest.approx(source.cdf(edges[-1]) - source.cdf(edges[0]), abs=1e-3)


def test_one_seed_gives_the_same_draws():
    source = get_source("two_humps")
    first = source.sample(np.random.default_rng(9), (3, 50))
    again = source.sample(np.random.default_rng(9), (3, 50))
    assert first.shape == (3, 50) and np.array_equal(first, again)


def test_unknown_source_is_refused():
    with pytest.raises(ValueError):
        get_source("cauchy")
