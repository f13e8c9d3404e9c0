"""One generation of the Gaussian chain in a single pass: draw, sum and bin.

For a generation made only of model draws, the engine needs, per replica, Σz and Σz² (the
next fit), the counts of D_n = μ + √T σ z on the source's fine grid, and what fell beyond
the grid (``lib.measures.Counter``). NumPy gets them in five passes over memory; this
kernel, compiled by numba, draws each z from the run's own ``numpy.random.Generator``
(the same values, in the same order, as ``rng.standard_normal((replicas, samples))``) and
uses it at once. bench/engine.py measures what that buys. ``draw_mixed_and_bin`` does the
same for a generation that also holds fresh real draws of the standard normal source (the
mixed, weighted and curated paths: weights and curation only change the numbers the
engine makes of the sums, and the centre and spread of the model draws).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _numba_can_cache() -> bool:
    """Whether numba finds a writable cache folder of its own: next to this file, or its
    user-wide one (``$XDG_CACHE_HOME/numba``, by default ~/.cache/numba)."""
    if os.access(Path(__file__).parent, os.W_OK):
        return True
    try:
        folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "numba"
        folder.mkdir(parents=True, exist_ok=True)
    except (OSError, RuntimeError):  # RuntimeError: no home directory at all
        return False
    return os.access(folder, os.W_OK)


# The compiled kernel is cached on disk (a new server process loads it in about 0.1 s
# instead of compiling it in about 0.7 s), next to this file or else in ~/.cache, where
# numba looks. Where neither is writable (a read-only container with no home), a private
# temporary folder, so that numba never fails for want of a place to write.
if "NUMBA_CACHE_DIR" not in os.environ and not _numba_can_cache():
    os.environ["NUMBA_CACHE_DIR"] = tempfile.mkdtemp(prefix="numba-")

import numba  # noqa: E402
import numpy as np  # noqa: E402


@numba.njit(cache=True, nogil=True)
def draw_and_bin(rng, samples, scale, shift, counts, sums, squares, left, right):
    """Draw ``samples`` standard normals z per replica and fill, per replica r:

    - ``sums[r]`` = Σz, ``squares[r]`` = Σz²;
    - ``counts[r]``: the bin of every position u = z × scale[r] + shift[r] (fine-bin units,
      see ``Counter.measure``), u clipped to [0, nf + 1] with nf + 2 = counts.shape[1];
    - ``left[r]`` = Σ max(1 − u, 0) and ``right[r]`` = Σ max(u − (nf + 1), 0), on the
      unclipped u: the mass below and above the grid.
    """
    last = counts.shape[1] - 1.0
    counts[:] = 0
    for r in range(counts.shape[0]):
        total = 0.0
        total_sq = 0.0
        below = 0.0
        above = 0.0
        row_scale = scale[r]
        row_shift = shift[r]
        for _ in range(samples):
            z = rng.standard_normal()
            total += z
            total_sq += z * z
            u = z * row_scale + row_shift
            if u < 1.0:
                below += 1.0 - u
                if u < 0.0:
                    u = 0.0
            elif not u <= last:  # above the grid, or NaN: never an index out of the row
                above += u - last
                u = last
            counts[r, int(u)] += 1
        sums[r] = total
        squares[r] = total_sq
        left[r] = below
        right[r] = above


@numba.njit(cache=True, nogil=True)
def draw_mixed_and_bin(
    rng,
    model_samples,
    real_samples,
    spread,
    centre,
    fine_scale,
    fine_shift,
    counts,
    sums,
    squares,
    real_sums,
    real_squares,
    left,
    right,
):
    """A generation that mixes model draws and fresh draws of the standard normal source.

    First, for every replica r in turn, ``model_samples`` standard normals z: Σz and Σz²
    in ``sums[r]``, ``squares[r]``, each binned at x = centre[r] + spread[r]·z. Then, for
    every replica, ``real_samples`` fresh real values x (standard normals themselves): Σx
    and Σx² in ``real_sums[r]``, ``real_squares[r]``, each binned at x. The generator is
    used as ``rng.standard_normal((replicas, model_samples))`` then
    ``rng.standard_normal((replicas, real_samples))`` would use it (the engine's NumPy
    path draws in that order). A value x is binned at u = x·fine_scale + fine_shift, as
    ``Counter.measure`` computes it; ``counts``, ``left``, ``right`` as ``draw_and_bin``.
    """
    last = counts.shape[1] - 1.0
    counts[:] = 0
    replicas = counts.shape[0]
    for r in range(2 * replicas):
        real = r >= replicas  # the second sweep: the fresh real draws
        row = r - replicas if real else r
        total = 0.0
        total_sq = 0.0
        below = 0.0
        above = 0.0
        row_spread = 1.0 if real else spread[row]
        row_centre = 0.0 if real else centre[row]
        for _ in range(real_samples if real else model_samples):
            z = rng.standard_normal()
            total += z
            total_sq += z * z
            # x = z itself for a real draw (× 1 + 0 is exact)
            u = (z * row_spread + row_centre) * fine_scale + fine_shift
            if u < 1.0:
                below += 1.0 - u
                if u < 0.0:
                    u = 0.0
            elif not u <= last:  # above the grid, or NaN: never an index out of the row
                above += u - last
                u = last
            counts[row, int(u)] += 1
        if real:
            real_sums[row] = total
            real_squares[row] = total_sq
            left[row] += below
            right[row] += above
        else:
            sums[row] = total
            squares[row] = total_sq
            left[row] = below
            right[row] = above


def empty_outputs(replicas: int, fine_bins: int) -> tuple[np.ndarray, ...]:
    """Arrays for ``draw_and_bin``: counts (replicas, fine_bins + 2), then four (replicas,)."""
    counts = np.empty((replicas, fine_bins + 2), dtype=np.int64)
    return (counts, *(np.empty(replicas) for _ in range(4)))
