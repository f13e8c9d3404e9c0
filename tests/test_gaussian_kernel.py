"""The compiled one-pass kernel against the NumPy passes it replaces, on the same draws."""

import numpy as np
import pytest

from lib.gaussian_kernel import draw_and_bin, draw_mixed_and_bin, empty_outputs
from lib.measures import Counter
from lib.sources import get_source


@pytest.mark.parametrize(("spread", "centre"), [(1.0, 0.0), (0.05, 0.3), (4.0, -2.5)])
def test_the_kernel_draws_sums_and_bins_as_numpy_does(spread, centre):
    """Same z as ``rng.standard_normal((replicas, samples))``, same bins as
    ``Counter.measure``, same mass beyond the grid; a wide spread puts draws off the grid
    on both sides, a narrow one piles them into a few bins."""
    replicas, samples = 7, 3_000
    source = get_source("normal")
    counter = Counter(source, replicas, samples)
    sigma = spread * np.linspace(0.5, 1.5, replicas)
    mean = centre + np.linspace(-0.2, 0.2, replicas)
    scale = sigma * counter.scale
    shift = (mean - counter.origin) * counter.scale + 1.0

    rng, twin = np.random.default_rng(11), np.random.default_rng(11)
    counts, sums, squares, left, right = empty_outputs(replicas, counter.nf)
    draw_and_bin(rng, samples, scale, shift, counts, sums, squares, left, right)
    z = twin.standard_normal((replicas, samples))

    assert rng.standard_normal() == twin.standard_normal()  # both generators moved alike
    np.testing.assert_allclose(sums, z.sum(axis=1), rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(squares, (z * z).sum(axis=1), rtol=1e-12)
    expected = counter.measure(z, scale[:, None], shift[:, None])
    for got, want in zip(counter.read(counts, left, right), expected, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    assert counts.sum() == replicas * samples
    if spread == 4.0:  # the case where draws leave the grid on both sides
        assert np.all(counts[:, 0] > 0) and np.all(counts[:, -1] > 0)
        assert np.all(left > 0) and np.all(right > 0)


@pytest.mark.parametrize(("spread", "centre"), [(1.0, 0.0), (0.05, 0.3), (4.0, -2.5)])
def test_the_mixed_kernel_draws_model_then_real_values_as_numpy_does(spread, centre):
    """Model draws x = centre + spread·z for every replica, then fresh standard normals:
    the same values as two ``standard_normal`` calls in that order, binned as
    ``Counter.measure`` bins the values themselves, with their sums apart."""
    replicas, model_samples, real_samples = 5, 900, 100
    source = get_source("normal")
    counter = Counter(source, replicas, model_samples + real_samples)
    spreads = spread * np.linspace(0.5, 1.5, replicas)
    centres = centre + np.linspace(-0.2, 0.2, replicas)
    rng, twin = np.random.default_rng(12), np.random.default_rng(12)
    counts, sums, squares, left, right = empty_outputs(replicas, counter.nf)
    real_sums, real_squares = np.empty(replicas), np.empty(replicas)
    shift = 1.0 - counter.origin * counter.scale
    draw_mixed_and_bin(
        rng, model_samples, real_samples, spreads, centres, counter.scale, shift,
        counts, sums, squares, real_sums, real_squares, left, right,
    )  # fmt: skip
    z = twin.standard_normal((replicas, model_samples))
    fresh = twin.standard_normal((replicas, real_samples))
    assert rng.standard_normal() == twin.standard_normal()
    np.testing.assert_allclose(sums, z.sum(axis=1), rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(squares, (z * z).sum(axis=1), rtol=1e-12)
    np.testing.assert_allclose(real_sums, fresh.sum(axis=1), rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(real_squares, (fresh * fresh).sum(axis=1), rtol=1e-12)
    data = np.hstack([fresh, centres[:, None] + spreads[:, None] * z])
    expected = counter.measure(data)
    for got, want in zip(counter.read(counts, left, right), expected, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    assert counts.sum() == replicas * (model_samples + real_samples)
