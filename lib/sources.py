"""The five real distributions of the laboratory, built on ``scipy.stats``.

Every source is scaled to mean 0 and standard deviation 1, so that their widths compare:

- ``normal``: the standard normal;
- ``two_humps``: an equal mixture of N(−0.9, 0.19) and N(+0.9, 0.19) (total variance 1);
- ``heavy_tails``: Student's t with 3 degrees of freedom (variance 3), scaled by 1/√3;
- ``skewed``: a log-normal with shape 0.5, shifted and scaled to mean 0 and std 1;
- ``uniform``: uniform on [−√3, √3].

Each source also carries the fixed grid that charts and measures use: ``bin_edges`` for
histograms (about 64 bins over ``plot_range``) and a grid four times finer on which the
engine counts samples to compute the measures. The real 2.5 % and 97.5 % quantiles fall
exactly on edges of the fine grid, so the tail mass is read from counts without error.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import integrate, stats

SOURCE_NAMES = ("normal", "two_humps", "heavy_tails", "skewed", "uniform")

DISPLAY_BINS = 64  # about this many histogram bins over the plot range
FINE_PER_BIN = 4  # fine (measure) bins inside each histogram bin
TAIL = 0.025  # the tail mass is the share beyond the real TAIL and 1 − TAIL quantiles

_HUMP_CENTRE = 0.9
_HUMP_SCALE = math.sqrt(1.0 - _HUMP_CENTRE**2)
_LOGNORMAL_SHAPE = 0.5


class _TwoNormals:
    """An equal mixture of two normal distributions (two frozen ``scipy.stats.norm``)."""

    def __init__(self, centre: float, scale: float) -> None:
        self.left = stats.norm(-centre, scale)
        self.right = stats.norm(centre, scale)
        self.centre, self.scale = centre, scale

    def pdf(self, x):
        return 0.5 * (self.left.pdf(x) + self.right.pdf(x))

    def cdf(self, x):
        return 0.5 * (self.left.cdf(x) + self.right.cdf(x))

    def ppf(self, q):
        """Quantiles by vectorised bisection (to float precision)."""
        q = np.asarray(q, dtype=float)
        lo = np.minimum(self.left.ppf(q), self.right.ppf(q))
        hi = np.maximum(self.left.ppf(q), self.right.ppf(q))
        lo, hi = np.broadcast_arrays(lo, hi)
        lo, hi = lo.copy(), hi.copy()
        for _ in range(80):
            mid = 0.5 * (lo + hi)
            below = self.cdf(mid) < q
            lo = np.where(below, mid, lo)
            hi = np.where(below, hi, mid)
        out = 0.5 * (lo + hi)
        return out if out.ndim else float(out)

    def rvs(self, size, random_state: np.random.Generator):
        side = np.where(random_state.random(size) < 0.5, -self.centre, self.centre)
        return side + self.scale * random_state.standard_normal(size)

    def mean(self) -> float:
        return 0.0

    def std(self) -> float:
        return math.sqrt(self.centre**2 + self.scale**2)


def _lognormal():
    s2 = _LOGNORMAL_SHAPE**2
    scale = 1.0 / math.sqrt((math.exp(s2) - 1.0) * math.exp(s2))
    return stats.lognorm(_LOGNORMAL_SHAPE, loc=-scale * math.exp(s2 / 2), scale=scale)


def _distribution(name: str):
    if name == "normal":
        return stats.norm(0.0, 1.0)
    if name == "two_humps":
        return _TwoNormals(_HUMP_CENTRE, _HUMP_SCALE)
    if name == "heavy_tails":
        return stats.t(3, scale=1.0 / math.sqrt(3.0))
    if name == "skewed":
        return _lognormal()
    if name == "uniform":
        return stats.uniform(-math.sqrt(3.0), 2.0 * math.sqrt(3.0))
    raise ValueError(f"unknown source {name!r}; expected one of {SOURCE_NAMES}")


@dataclass(frozen=True)
class Source:
    """A real distribution: sampling, density, quantiles and its fixed chart grid.

    Attributes
    ----------
    name : str
    mean, std : float
        The distribution's own mean and standard deviation.
    plot_range : tuple of float
        ``(lo, hi)``, fixed chart axes; equal to ``(bin_edges[0], bin_edges[-1])``.
    bin_edges : ndarray
        ``(bins + 1,)`` histogram edges, the same every generation.
    fine_edges : ndarray
        ``(bins * FINE_PER_BIN + 1,)`` the measure grid (same span, finer).
    tail_edges : tuple of int
        Indices into ``fine_edges`` of the real 2.5 % and 97.5 % quantiles.
    tail_integrals : tuple of float
        ``(∫_{-∞}^{lo} F, ∫_{hi}^{∞} (1 − F))`` beyond the fine grid, for the W1 distance.
    """

    name: str
    dist: object = field(repr=False)
    mean: float
    std: float
    plot_range: tuple[float, float]
    bin_edges: np.ndarray = field(repr=False)
    fine_edges: np.ndarray = field(repr=False)
    tail_edges: tuple[int, int]
    tail_integrals: tuple[float, float]

    def sample(self, rng: np.random.Generator, size) -> np.ndarray:
        """``size`` independent draws (any shape) using ``rng``."""
        return np.asarray(self.dist.rvs(size=size, random_state=rng), dtype=float)

    def pdf(self, x) -> np.ndarray:
        return self.dist.pdf(x)

    def cdf(self, x) -> np.ndarray:
        return self.dist.cdf(x)

    def ppf(self, q) -> np.ndarray:
        return self.dist.ppf(q)


def _build(name: str) -> Source:
    dist = _distribution(name)
    mean, std = float(dist.mean()), float(dist.std())
    q_lo, q_hi = (float(v) for v in dist.ppf([TAIL, 1.0 - TAIL]))
    lo, hi = (float(v) for v in dist.ppf([0.002, 0.998]))
    lo, hi = lo - 0.25 * (hi - lo), hi + 0.25 * (hi - lo)
    if name == "uniform":  # show the flat top and both cliffs with some room around them
        lo, hi = -2.6, 2.6
    nf_target = DISPLAY_BINS * FINE_PER_BIN
    k = max(1, round((q_hi - q_lo) / ((hi - lo) / nf_target)))
    fine = (q_hi - q_lo) / k
    j_lo = math.ceil((q_lo - lo) / fine / FINE_PER_BIN) * FINE_PER_BIN
    start = q_lo - j_lo * fine
    bins = math.ceil((hi - start) / (fine * FINE_PER_BIN))
    fine_edges = start + fine * np.arange(bins * FINE_PER_BIN + 1)  # (nf + 1,)
    bin_edges = fine_edges[::FINE_PER_BIN].copy()  # (bins + 1,)
    left = integrate.quad(dist.cdf, -np.inf, fine_edges[0])[0]
    right = integrate.quad(lambda x: 1.0 - dist.cdf(x), fine_edges[-1], np.inf)[0]
    return Source(
        name=name,
        dist=dist,
        mean=mean,
        std=std,
        plot_range=(float(bin_edges[0]), float(bin_edges[-1])),
        bin_edges=bin_edges,
        fine_edges=fine_edges,
        tail_edges=(j_lo, j_lo + k),
        tail_integrals=(float(left), float(right)),
    )


_CACHE: dict[str, Source] = {}


def get_source(name: str) -> Source:
    """The real distribution called ``name`` (one of ``SOURCE_NAMES``)."""
    if name not in _CACHE:
        _CACHE[name] = _build(name)
    return _CACHE[name]
