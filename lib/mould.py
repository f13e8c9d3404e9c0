"""The readers' mould analogy made exact: a picture copied by casting, generation after
generation, the 2-D twin of the histogram loop.

The object is a medal drawn here with Pillow (a profile, a rim of beads, lettering and a
fine engraved hatching). Its darkness is read as a 2-D probability density. Generation n:

1. cast: ``points`` positions are drawn from a mix of the current picture (share
   1 − ``real_fraction``) and the original object (share ``real_fraction``, the analogue of
   fresh real data);
2. mould: the next picture is the 2-D histogram of those positions smoothed by a Gaussian
   of width ``coarseness`` pixels (a kernel density estimate on the pixel grid).

The detail a cast keeps compares its edges with the object's (``agreement``): the blur
of the mould and the grain of a cast both count against it, so fewer points lose detail
faster. Its expectation has an exact formula (``expected_agreement``, through the mean
and the covariance of the casts) that the tests hold the simulation to. Pure numpy,
scipy and Pillow; no streamlit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont
from scipy import ndimage

SIZE = 112  # pixels a side: small enough for 30 frames to travel light
_SUPERSAMPLE = 4  # the medal is drawn 4x larger and scaled down (anti-aliasing)
_LETTERING = "EXEMPLUM·EXEMPLI·"

# Darkness levels of the drawing (0 = paper, 1 = ink).
_FIELD = 0.1
_HATCH = 0.45
_RELIEF = 0.92


@dataclass(frozen=True)
class MouldRun:
    pictures: np.ndarray  # (generations + 1, size, size) darkness in [0, 1]; row 0 = object
    detail: np.ndarray  # (generations + 1,) share of the object's edges kept; row 0 = 1
    expected: np.ndarray  # (generations + 1,) the same for an average cast (exact formula)


def _arc_text(canvas: Image.Image, text: str, centre: float, radius: float, size: int) -> None:
    """Letters set around the top of a circle, each rotated to follow it."""
    font = ImageFont.load_default(size=size)
    step = 2 * math.pi / len(text)
    for i, char in enumerate(text):
        angle = -math.pi / 2 + (i - (len(text) - 1) / 2) * step * 0.7
        tile = Image.new("L", (size * 2, size * 2), 0)
        ImageDraw.Draw(tile).text((size, size), char, fill=255, font=font, anchor="mm")
        tile = tile.rotate(-math.degrees(angle) - 90, resample=Image.BICUBIC)
        x = centre + radius * math.cos(angle) - size
        y = centre + radius * math.sin(angle) - size
        canvas.paste(int(255 * _RELIEF), (round(x), round(y)), tile)


def _profile(draw: ImageDraw.ImageDraw, s: float) -> None:
    """A head in profile facing left, on a unit square scaled by ``s``, with curled hair."""
    ink = int(255 * _RELIEF)
    face = [
        (0.40, 0.28), (0.36, 0.34), (0.35, 0.40), (0.33, 0.45), (0.29, 0.50),
        (0.33, 0.52), (0.335, 0.55), (0.31, 0.57), (0.335, 0.59), (0.33, 0.62),
        (0.36, 0.65), (0.40, 0.66), (0.43, 0.70), (0.43, 0.78), (0.60, 0.80),
        (0.64, 0.66), (0.67, 0.55), (0.66, 0.40), (0.60, 0.29), (0.50, 0.25),
    ]  # fmt: skip
    draw.polygon([(x * s, y * s) for x, y in face], fill=ink)
    # Hair: fine wavy strands combed back over the skull, detail worth losing.
    for k in range(9):
        y0 = 0.29 + 0.024 * k
        strand = [
            (0.43 + 0.2 * u + 0.02 * k, y0 + 0.006 * math.sin(14 * u) + 0.05 * u * u)
            for u in np.linspace(0.0, 1.0, 24)
        ]
        draw.line([(x * s, y * s) for x, y in strand], fill=int(255 * _FIELD), width=3)
    # The eye and the line of the jaw, engraved into the relief.
    draw.ellipse([0.385 * s, 0.415 * s, 0.405 * s, 0.43 * s], fill=int(255 * _FIELD))
    draw.line([(0.44 * s, 0.64 * s), (0.55 * s, 0.60 * s)], fill=int(255 * _FIELD), width=3)


@cache
def _object(size: int) -> np.ndarray:
    big = size * _SUPERSAMPLE
    canvas = Image.new("L", (big, big), 0)
    draw = ImageDraw.Draw(canvas)
    c = big / 2
    radius = 0.47 * big
    # The disc and its fine engraved hatching (lines one pixel apart in the small picture).
    draw.ellipse([c - radius, c - radius, c + radius, c + radius], fill=int(255 * _FIELD))
    hatch = Image.new("L", (big, big), 0)
    hatch_draw = ImageDraw.Draw(hatch)
    for offset in range(-big, big, 3 * _SUPERSAMPLE):
        hatch_draw.line([(offset, 0), (offset + big, big)], fill=255, width=_SUPERSAMPLE)
    mask = Image.new("L", (big, big), 0)
    ImageDraw.Draw(mask).ellipse(
        [c - 0.62 * radius, c - 0.62 * radius, c + 0.62 * radius, c + 0.62 * radius], fill=255
    )
    canvas.paste(int(255 * _HATCH), (0, 0), Image.composite(hatch, mask.point(lambda _: 0), mask))
    # The rim, then a ring of beads inside it.
    draw.ellipse(
        [c - radius, c - radius, c + radius, c + radius],
        outline=int(255 * _RELIEF),
        width=round(0.035 * big),
    )
    beads = 40
    for i in range(beads):
        a = 2 * math.pi * i / beads
        bx, by = c + 0.86 * radius * math.cos(a), c + 0.86 * radius * math.sin(a)
        r = 0.012 * big
        draw.ellipse([bx - r, by - r, bx + r, by + r], fill=int(255 * _RELIEF))
    # Lettering around the top, the profile in the middle.
    _arc_text(canvas, _LETTERING, c, 0.74 * radius, round(0.085 * big))
    head = Image.new("L", (big, big), 0)
    _profile(ImageDraw.Draw(head), big * 0.95)
    canvas.paste(head, (round(0.03 * big), round(0.06 * big)), head.point(lambda v: 255 * (v > 0)))
    small = canvas.resize((size, size), Image.Resampling.BOX)
    picture = np.asarray(small, dtype=np.float64) / 255.0
    picture.setflags(write=False)
    return picture


def original(size: int = SIZE) -> np.ndarray:
    """The object, ``(size, size)`` darkness in [0, 1] (read-only, drawn once)."""
    return _object(size)


def _density(picture: np.ndarray) -> np.ndarray:
    return picture / picture.sum()


def smooth(density: np.ndarray, coarseness: float) -> np.ndarray:
    """The mould's blur: a Gaussian of width ``coarseness`` px on a wrapped grid (the
    picture's margin is blank, and wrapping keeps the step exactly linear)."""
    return ndimage.gaussian_filter(density, sigma=coarseness, mode="wrap")


def cast(
    density: np.ndarray,
    original_density: np.ndarray,
    points: int,
    coarseness: float,
    real_fraction: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """One generation: the next mould's density from ``points`` cast positions."""
    fresh = round(real_fraction * points)
    counts = np.zeros(density.size)
    for source, n in ((density, points - fresh), (original_density, fresh)):
        if n:
            cdf = np.cumsum(source.ravel())
            cells = np.searchsorted(cdf, rng.random(n) * cdf[-1], side="right")
            counts += np.bincount(np.minimum(cells, density.size - 1), minlength=density.size)
    histogram = counts.reshape(density.shape) / points
    return smooth(histogram, coarseness)


_EYE = 1.0  # px: the detail measure looks at edges through this slight blur


def _edges(density: np.ndarray) -> np.ndarray:
    """The edges of a picture seen from arm's length: differences between neighbouring
    pixels (across and down, wrapped) of the picture blurred by ``_EYE`` px.
    Returns ``(2, size, size)``."""
    seen = smooth(density, _EYE)
    return np.stack([seen - np.roll(seen, 1, axis=0), seen - np.roll(seen, 1, axis=1)])


def agreement(densities: np.ndarray, original_density: np.ndarray) -> np.ndarray:
    """How closely a picture's edges match the object's: 1 − |E(p) − E(p₀)|² / |E(p₀)|².

    1 for the object itself, 0 for a featureless blur (no closer than a blank picture),
    below 0 when casting grain adds more false edges than the blur removed: grain is an
    error here, never detail. ``densities`` is ``(..., size, size)``; returns ``(...)``.
    """
    reference = _edges(original_density)
    flat = np.reshape(densities, (-1, *original_density.shape))
    error = np.array([np.sum((_edges(d) - reference) ** 2) for d in flat])
    return (1.0 - error / np.sum(reference**2)).reshape(np.shape(densities)[:-2])


def detail(densities: np.ndarray, original_density: np.ndarray) -> np.ndarray:
    """Share of the object's edges a picture keeps: ``agreement`` read as a share, 0 once
    grain and blur leave nothing of the object's edges."""
    return np.maximum(agreement(densities, original_density), 0.0)


def _spectrum(coarseness: float, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per frequency: the mould's gain g, the edge filter's power |F̂|² (eye blur
    included) and the object's spectrum p̂₀ (numpy's unnormalised 2-D FFT)."""
    impulse = np.zeros((size, size))
    impulse[0, 0] = 1.0
    gain = np.real(np.fft.fft2(smooth(impulse, coarseness)))  # symmetric kernel: real
    edge_power = np.sum(np.abs(np.fft.fft2(_edges(impulse), axes=(1, 2))) ** 2, axis=0)
    return gain, edge_power, np.fft.fft2(_density(original(size)))


def expected_agreement(
    generations: int, points: int, coarseness: float, real_fraction: float, size: int = SIZE
) -> np.ndarray:
    """``E[agreement]`` for generations 0..n, exactly.

    With N points, r = share cast from the object, g the mould's gain, m̂ₙ = E[p̂ₙ]:
    - the mean follows m̂ₙ = g((1 − r) m̂ₙ₋₁ + r p̂₀);
    - a cast is multinomial, so the grain's covariance obeys
      Cov pₙ = G[c Cov pₙ₋₁ + Sₙ]Gᵀ, with c = (1 − r)(1 − r − 1/N) and
      Sₙ = [(1 − r)(diag mₙ₋₁ − mₙ₋₁mₙ₋₁ᵀ) + r(diag p₀ − p₀p₀ᵀ)]/N;
    - through a filter that treats every pixel alike (the edges), only its trace counts,
      and that splits frequency by frequency: Wₙ = c g² Wₙ₋₁ + g²[1 − (1 − r)|m̂ₙ₋₁|²
      − r|p̂₀|²]/N.
    Then E|E(pₙ) − E(p₀)|² = Σ |F̂|²(|m̂ₙ − p̂₀|² + Wₙ) / size² (Parseval).
    """
    gain, edge_power, p0_hat = _spectrum(coarseness, size)
    share = round(real_fraction * points) / points
    carry = (1 - share) * (1 - share - 1 / points)
    reference = np.sum(edge_power * np.abs(p0_hat) ** 2)
    mean_hat, grain = p0_hat, np.zeros_like(gain)
    out = [1.0]
    for _ in range(generations):
        fresh_grain = 1 - (1 - share) * np.abs(mean_hat) ** 2 - share * np.abs(p0_hat) ** 2
        grain = carry * gain**2 * grain + gain**2 * fresh_grain / points
        mean_hat = gain * ((1 - share) * mean_hat + share * p0_hat)
        error = np.sum(edge_power * (np.abs(mean_hat - p0_hat) ** 2 + grain))
        out.append(float(1.0 - error / reference))
    return np.array(out)


def expected_detail(
    generations: int, points: int, coarseness: float, real_fraction: float, size: int = SIZE
) -> np.ndarray:
    """The detail an average cast keeps, generations 0..n: ``expected_agreement`` read as a
    share, as ``detail`` reads one cast (0 once the expected error passes a blank's)."""
    expected = expected_agreement(generations, points, coarseness, real_fraction, size)
    return np.maximum(expected, 0.0)


def stationary_agreement(
    points: int, coarseness: float, real_fraction: float, size: int = SIZE
) -> float:
    """Where ``E[agreement]`` settles after many generations: the fixed point of the
    recursions above, m̂ = r g p̂₀ / (1 − (1 − r) g) and W = g² s / (1 − c g²)."""
    gain, edge_power, p0_hat = _spectrum(coarseness, size)
    share = round(real_fraction * points) / points
    carry = (1 - share) * (1 - share - 1 / points)
    # The mould keeps the total ink (gain 1 at frequency 0), where the fraction is 0/0
    # when nothing is cast from the object; edges never see that frequency anyway.
    moving = np.ones(gain.shape, dtype=bool)
    moving[0, 0] = False
    mean_hat = np.divide(
        share * gain * p0_hat, 1 - (1 - share) * gain, out=p0_hat.copy(), where=moving
    )
    fresh_grain = 1 - (1 - share) * np.abs(mean_hat) ** 2 - share * np.abs(p0_hat) ** 2
    grain = gain**2 * fresh_grain / points / (1 - carry * gain**2)
    error = np.sum(edge_power * (np.abs(mean_hat - p0_hat) ** 2 + grain))
    return float(1.0 - error / np.sum(edge_power * np.abs(p0_hat) ** 2))


def detail_floor(points: int, coarseness: float, real_fraction: float, size: int = SIZE) -> float:
    """The detail an average cast settles at, as a share: 0 when nothing is cast from
    the object (the blur wipes every edge), or when too few points are, the grain then
    costing more than the object's share brings back."""
    return max(stationary_agreement(points, coarseness, real_fraction, size), 0.0)


def run(
    points: int,
    coarseness: float,
    generations: int,
    real_fraction: float,
    seed: int,
    size: int = SIZE,
) -> MouldRun:
    """The object and ``generations`` casts of it, with the detail each keeps."""
    rng = np.random.default_rng(seed)
    picture = original(size)
    ink = picture.sum()
    p0 = _density(picture)
    densities = np.empty((generations + 1, size, size))
    densities[0] = p0
    for n in range(1, generations + 1):
        densities[n] = cast(densities[n - 1], p0, points, coarseness, real_fraction, rng)
    pictures = np.clip(densities * ink, 0.0, 1.0).astype(np.float32)
    return MouldRun(
        pictures=pictures,
        detail=detail(densities, p0),
        expected=expected_detail(generations, points, coarseness, real_fraction, size),
    )
