"""What a run comes to: the lines the laboratory draws over its replicas, and the one
sentence that says what happened, in the visitor's language (pure Python, no streamlit)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lib import theory
from lib.i18n import fmt_int, fmt_percent, t
from lib.sources import get_source

REAL_TAIL_MASS = 0.05  # the real world's share beyond its own 2.5 % and 97.5 % quantiles
BAND = (0.1, 0.9)  # the band drawn around the median


def over_replicas(values: np.ndarray) -> dict[str, np.ndarray]:
    """Median, 10 % and 90 % quantiles and mean over replicas of a
    ``(generations + 1, replicas)`` array; each ``(generations + 1,)``."""
    low, median, high = np.quantile(values, [BAND[0], 0.5, BAND[1]], axis=1)
    return {"median": median, "low": low, "high": high, "mean": values.mean(axis=1)}


def spread_over_replicas(spread: np.ndarray) -> dict[str, np.ndarray]:
    """As ``over_replicas`` for the spread, except that the mean is the root mean square:
    the spread is a standard deviation, and it is the mean *variance* that theory
    predicts (for an unbiased fit it stays at 1 while the median run collapses)."""
    lines = over_replicas(spread)
    lines["mean"] = np.sqrt(np.mean(np.square(spread), axis=1))
    return lines


def subsample(points: int, at_most: int) -> np.ndarray:
    """Indices of at most ``at_most`` evenly spaced points of ``points``, first and
    last included (a line chart needs no more points than the screen has pixels)."""
    if points <= at_most:
        return np.arange(points)
    return np.unique(np.round(np.linspace(0, points - 1, at_most)).astype(int))


def share(value: float) -> str:
    """A share as a percentage, with a decimal only where a whole percent would say 0."""
    value = float(value)
    if value == 0 or value >= 0.095:
        return fmt_percent(value)
    if value >= 0.00095:
        return fmt_percent(value, 1)
    return fmt_percent(value, 2)


def sentence(
    generations: int,
    spread: float,
    tail_mass: float,
    *,
    distinct: int | None = None,
    samples: int | None = None,
) -> str:
    """One plain sentence about the run shown, at its last generation.

    ``distinct`` and ``samples`` (resampling model) add how many distinct values are
    left of the ``samples`` drawn at the last generation.
    """
    after = (
        t("lab.summary.after_one")
        if generations == 1
        else t("lab.summary.after_many", generations=fmt_int(generations))
    )
    values = {
        "after": after,
        "spread": share(spread),
        "tails": share(tail_mass),
        "real_tails": share(REAL_TAIL_MASS),
    }
    if distinct is not None and samples is not None:
        return t(
            "lab.summary.resample",
            distinct=fmt_int(distinct),
            samples=fmt_int(samples),
            **values,
        )
    return t("lab.summary.sentence", **values)


MAX_LINE_POINTS = 301  # points of a measure line (a chart is a few hundred pixels wide)
DENSITY_POINTS = 241  # points of the real density's outline


@dataclass(frozen=True)
class LabView:
    """Everything the laboratory draws from one run, and nothing more (it is cached).

    The histogram is replica 0's: the run a visitor watches. Averaging histograms over
    replicas would blur runs that collapsed in different places into a wide hump that
    no run ever had. The lines give every replica's measures.
    """

    generations: int
    samples: int
    replicas: int
    bin_edges: np.ndarray  # (bins + 1,)
    frame_generations: np.ndarray  # (frames,) generations that get an animation frame
    heights: np.ndarray  # (frames, bins) density of D_n, replica 0
    frame_spread: np.ndarray  # (frames,) replica 0's spread at those generations
    density_x: np.ndarray  # (DENSITY_POINTS,) the real density's outline
    density_y: np.ndarray
    points: np.ndarray  # (points,) generations of the measure lines
    lines: dict[str, dict[str, np.ndarray]]  # measure -> median/low/high/mean/shown
    theory_mean: np.ndarray | None  # (points,) √(E[σ²ₙ]/σ²₀), where a closed form exists
    theory_typical: np.ndarray | None  # (points,) exp(E[log σ²ₙ]/2)/σ₀, the typical run
    table: dict[str, np.ndarray]  # measure -> (generations + 1,) replica 0, every generation
    final_spread: float  # replica 0 at the last generation
    final_tail_mass: float
    final_distinct: int


def has_theory(scenario) -> bool:
    """The closed forms hold for a Gaussian refitted to its own output alone."""
    return (
        scenario.model == "gaussian"
        and scenario.real_fraction == 0
        and scenario.regime == "replace"
        and scenario.temperature == 1
        and scenario.curation == 0
    )


def lab_view(run, frames: np.ndarray) -> LabView:
    """The arrays the laboratory draws from ``run``; ``frames`` are the generations that
    get an animation frame (see ``lib.figures.histogram.frame_generations``)."""
    scenario = run.scenario
    source = get_source(scenario.source)
    points = subsample(scenario.generations + 1, MAX_LINE_POINTS)
    lines = {}
    for name, values, reduce in (
        ("spread", run.spread, spread_over_replicas),
        ("tails", run.tail_mass, over_replicas),
        ("distance", run.distance, over_replicas),
    ):
        measure = {key: line[points] for key, line in reduce(values).items()}
        measure["shown"] = values[points, 0]
        lines[name] = measure
    theory_mean = theory_typical = None
    if has_theory(scenario):
        M = scenario.samples
        if scenario.estimator == "mle":
            theory_mean = np.sqrt(theory.mle_variance(points, M))
            theory_typical = np.exp(theory.mle_log_variance(points, M) / 2)
        else:
            theory_mean = np.sqrt(theory.unbiased_variance(points, M))
            theory_typical = np.exp(theory.unbiased_log_variance(points, M) / 2)
    lo, hi = source.plot_range
    density_x = np.linspace(lo, hi, DENSITY_POINTS)
    return LabView(
        generations=scenario.generations,
        samples=scenario.samples,
        replicas=scenario.replicas,
        bin_edges=run.bin_edges,
        frame_generations=frames,
        heights=run.histogram_first[frames],
        frame_spread=run.spread[frames, 0],
        density_x=density_x,
        density_y=source.pdf(density_x),
        points=points,
        lines=lines,
        theory_mean=theory_mean,
        theory_typical=theory_typical,
        table={
            "spread": run.spread[:, 0].copy(),
            "tails": run.tail_mass[:, 0].copy(),
            "distance": run.distance[:, 0].copy(),
        },
        final_spread=float(run.spread[-1, 0]),
        final_tail_mass=float(run.tail_mass[-1, 0]),
        final_distinct=int(run.distinct_values[-1, 0]),
    )
