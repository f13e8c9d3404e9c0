"""Per-generation measures of a data set D_n against the real distribution.

- spread: the model's standard deviation over the real one;
- tail mass: the share of D_n beyond the real 2.5 % and 97.5 % quantiles;
- distance: the 1-Wasserstein distance ∫|F_n − F| between D_n and the real law, over the
  real standard deviation;
- distinct values: how many different values D_n holds.

Speed: the engine bins every sample once, on the source's fine grid (``Counter``), with
one ``np.bincount`` over replica-offset bin indices (or, for the Gaussian model's own
draws, while drawing them: ``lib.gaussian_kernel``); the histograms, the tail mass and
the distance are then read from those counts (``Counter.read``), never from sorted
samples. The real quantiles lie on grid edges, so the tail mass is exact. The distance
integrates |F_n − F| by the trapezoid rule between grid edges, where F_n is exact; beyond
the grid it adds |∫(1 − F_n) − ∫(1 − F)| (and the same on the left), computed from the
samples that fell outside. ``wasserstein_exact`` is the slow reference the tests compare it with.
"""

from __future__ import annotations

import numpy as np

from lib.sources import FINE_PER_BIN, Source


def spread(model_std: np.ndarray, source: Source) -> np.ndarray:
    """The model's standard deviation relative to the real one (any shape)."""
    return model_std / source.std


def distinct_values(data: np.ndarray) -> np.ndarray:
    """Number of different values in each row of ``data`` (replicas, size)."""
    ordered = np.sort(data, axis=1)
    return 1 + np.count_nonzero(ordered[:, 1:] != ordered[:, :-1], axis=1)


def wasserstein_exact(data: np.ndarray, source: Source) -> np.ndarray:
    """∫|F_n − F| for each row of ``data`` (replicas, size), by exact quantile integration.

    Slow reference: W1 = Σ_i ∫ over [x_(i), x_(i+1)] of |i/M − F(x)|, integrated with a
    fine Gauss–Legendre rule on each gap plus the two outer tails.
    """
    from scipy import integrate

    out = np.empty(data.shape[0])
    for r, row in enumerate(np.sort(data, axis=1)):
        size = row.size
        total = integrate.quad(source.cdf, -np.inf, row[0], limit=200)[0]
        total += integrate.quad(lambda x: 1.0 - source.cdf(x), row[-1], np.inf, limit=200)[0]
        nodes, weights = np.polynomial.legendre.leggauss(16)
        lo, hi = row[:-1], row[1:]
        half = 0.5 * (hi - lo)
        x = (0.5 * (hi + lo))[:, None] + half[:, None] * nodes  # (size - 1, 16)
        level = (np.arange(1, size) / size)[:, None]
        total += np.sum(half[:, None] * weights * np.abs(level - source.cdf(x)))
        out[r] = total
    return out


class Counter:
    """Bins (replicas, samples) data sets on a source's fine grid and reads the measures."""

    def __init__(self, source: Source, replicas: int, samples: int):
        self.source = source
        self.replicas, self.samples = replicas, samples
        edges = source.fine_edges
        self.nf = edges.size - 1
        self.origin = float(edges[0])
        self.width = float(edges[1] - edges[0])
        self.scale = 1.0 / self.width
        self.real_counts = (samples * source.cdf(edges))[:, None]  # (nf + 1, 1) expected below
        self.tail_lo, self.tail_hi = source.tail_edges
        self.offsets = (np.arange(replicas) * (self.nf + 2.0))[:, None]  # (replicas, 1)
        self._units = np.empty((replicas, samples))
        self._index = np.empty((replicas, samples), dtype=np.intp)
        self._gap = np.empty((self.nf + 1, replicas))
        self.bins = self.nf // FINE_PER_BIN
        self.bin_width = self.width * FINE_PER_BIN

    def measure(self, data: np.ndarray, scale=None, shift=None):
        """Histograms and measures of the data sets ``data`` (replicas, samples).

        The positions of the samples are ``data × scale + shift`` in fine-bin units,
        ``(x − fine_edges[0]) / width + 1``, so that in-grid bins are 1..nf, 0 collects
        everything below and nf + 1 everything above. By default ``data`` holds the
        values x themselves; the Gaussian engine passes standard normal draws z with a
        per-replica ``scale`` and ``shift`` (replicas, 1) instead. ``data`` is not changed.

        Returns
        -------
        total : ndarray (bins,) sample counts summed over replicas, per histogram bin
        first : ndarray (bins,) sample counts of replica 0
        tail_mass : ndarray (replicas,)
        distance : ndarray (replicas,) ∫|F_n − F| (not yet divided by the real std)
        """
        nf = self.nf
        if scale is None:
            scale, shift = self.scale, 1.0 - self.origin * self.scale
        units = np.multiply(data, scale, out=self._units)
        units += shift
        np.clip(units, 0.0, nf + 1.0, out=units)
        np.add(units, self.offsets, out=self._index, casting="unsafe")  # floor, as >= 0
        counts = np.bincount(self._index.ravel(), minlength=self.replicas * (nf + 2))
        counts = counts.reshape(self.replicas, nf + 2)  # (replicas, nf + 2)
        left, right = self._outside(data, scale, shift, counts)
        return self.read(counts, left, right)

    def read(self, counts: np.ndarray, left: np.ndarray, right: np.ndarray):
        """The histograms and measures from the fine-bin ``counts`` (replicas, nf + 2) and
        the positions beyond the grid, ``left`` = Σ max(1 − u, 0) and ``right`` =
        Σ max(u − (nf + 1), 0) per replica (u in fine-bin units). Returns as ``measure``."""
        size = self.samples
        below = np.cumsum(counts[:, :-1].T.copy(), axis=0)  # (nf + 1, replicas) below edge j
        gap = np.subtract(below, self.real_counts, out=self._gap)  # (nf + 1, replicas)
        np.abs(gap, out=gap)
        inner = gap.sum(axis=0) - 0.5 * (gap[0] + gap[-1])
        left_real, right_real = self.source.tail_integrals
        factor = self.width / size
        outside = np.abs(left * factor - left_real) + np.abs(right * factor - right_real)
        distance = inner * factor + outside
        tail_mass = (below[self.tail_lo] + size - below[self.tail_hi]) * (1.0 / size)
        fine_total = counts[:, 1:-1].sum(axis=0)  # (nf,)
        total = fine_total.reshape(self.bins, FINE_PER_BIN).sum(axis=1)
        first = counts[0, 1:-1].reshape(self.bins, FINE_PER_BIN).sum(axis=1)
        return total, first, tail_mass, distance

    def _outside(self, data, scale, shift, counts) -> tuple[np.ndarray, np.ndarray]:
        """Σ max(1 − u, 0) and Σ max(u − (nf + 1), 0) per replica, on the unclipped u."""
        left = np.zeros(self.replicas)
        right = np.zeros(self.replicas)
        rows = np.flatnonzero(counts[:, 0] | counts[:, -1])
        if rows.size:
            row_scale = scale[rows] if np.ndim(scale) else scale
            row_shift = shift[rows] if np.ndim(shift) else shift
            units = data[rows] * row_scale + row_shift  # (rows, samples), unclipped
            left[rows] = np.maximum(1.0 - units, 0.0).sum(axis=1)
            right[rows] = np.maximum(units - (self.nf + 1.0), 0.0).sum(axis=1)
        return left, right
