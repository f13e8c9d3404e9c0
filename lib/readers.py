"""What readers said: each argument and its answer as a ``Section`` (``lib.sections``),
with the experiment that puts it to the test.

Every experiment runs on the project's engine, seeded; the statistics the page draws are
computed here (never in the page, never in a figure builder); the sentences that read the
figures come from the catalogue. Pure Python: no streamlit.

Notation: M points a generation, n generations, σ²ₙ the variance of model n; the real
distribution is N(0, 1) unless said otherwise.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

import numpy as np
from scipy.special import gammaln

from lib import demos, theory
from lib.engine import Run, Scenario, simulate
from lib.figures import readers as figures
from lib.figures import theme
from lib.i18n import fmt_int, fmt_number, fmt_percent, plotly_separators, t, tn
from lib.sections import Control, Link, Section
from lib.sources import get_source

PAGE = "readers"
SEED = 2023
BAND = 0.8  # share of runs inside the shaded bands

# The experiments' fixed settings: small enough that each runs in well under a second.
SPREAD_SAMPLES, SPREAD_GENERATIONS, SPREAD_REPLICAS = 50, 100, 200
FRESH_SHARES = tuple(round(0.05 * k, 2) for k in range(1, 11))  # 5 % to 50 %
FRESH_DEFAULT = 0.1
DRIFT_SAMPLES = (20, 50, 100, 200, 500)
DRIFT_DEFAULT = 50
DRIFT_GENERATIONS, DRIFT_REPLICAS = 100, 200
BIAS_SAMPLES = (20, 50, 100)
BIAS_DEFAULT = 50
BIAS_GENERATIONS, BIAS_REPLICAS = 80, 600
BIAS_HEIGHT = 400  # px: four legend lines above the plot on a phone
MOULD_SOURCE, MOULD_SAMPLES, MOULD_GENERATIONS, MOULD_REPLICAS = "two_humps", 200, 30, 100
MOULD_DEFAULT = 1
FIXATION_SAMPLES = (10, 20, 30, 40)
FIXATION_DEFAULT = 20
FIXATION_REPLICAS = 200
# Generations simulated, in multiples of M: a run is still unfixed after 10 M generations
# with probability about 3 e^-10 (the slowest Wright–Fisher mode decays like e^(-t/M)).
FIXATION_HORIZON = 10
FIXATION_BINS = 20


# --- words -----------------------------------------------------------------------------------


def counted(noun: str, count: float) -> str:
    """``count`` and its noun in the current language's plural form ("1 run", "2 runs";
    « 1 simulation », « 0 simulation »)."""
    return tn(f"readers.count.{noun}", round(count))


def line_hover() -> figures.Hover:
    """Hover texts of a chart over the generations, in the current language."""
    return figures.Hover(
        title=t("readers.hover.generation", generation="%{x}"),
        line=t("readers.hover.value", name="%{fullData.name}", value="%{y:.3~g}"),
    )


# --- the runs (memoised: several demos and choices share one run) ----------------------------


@lru_cache(maxsize=32)
def gaussian_run(
    samples: int,
    generations: int,
    replicas: int,
    *,
    real_fraction: float = 0.0,
    regime: str = "replace",
    estimator: str = "mle",
    seed: int = SEED,
) -> Run:
    """A bell curve refitted every generation to data drawn from N(0, 1)."""
    return demos.gaussian_chain(
        samples,
        generations,
        replicas,
        seed,
        real_fraction=real_fraction,
        regime=regime,
        estimator=estimator,
    )


@lru_cache(maxsize=2)
def mould_run(seed: int = SEED) -> Run:
    """A kernel density estimate refitted every generation to two humps."""
    return simulate(
        Scenario(
            source=MOULD_SOURCE,
            model="kde",
            samples=MOULD_SAMPLES,
            generations=MOULD_GENERATIONS,
            replicas=MOULD_REPLICAS,
            seed=seed,
        )
    )


@lru_cache(maxsize=8)
def fixation_times(samples: int, replicas: int = FIXATION_REPLICAS, seed: int = SEED) -> np.ndarray:
    """(replicas,) generations each resampling chain needed to keep a single value; -1
    for a chain still unfixed after ``FIXATION_HORIZON`` M generations."""
    run = simulate(
        Scenario(
            source="normal",
            model="resample",
            samples=samples,
            generations=FIXATION_HORIZON * samples,
            replicas=replicas,
            seed=seed,
        )
    )
    return demos.fixation_generations(run.distinct_values)


# --- closed forms the experiments are checked against ----------------------------------------


def half_normal_factor(samples: int) -> float:
    """c = E[σₙ/σₙ₋₁] = E[√(χ²_{M−1}/M)] = √(2/M) Γ(M/2)/Γ((M − 1)/2), maximum likelihood."""
    return float(np.sqrt(2.0 / samples) * np.exp(gammaln(samples / 2) - gammaln((samples - 1) / 2)))


def drift_theory(samples: int, n) -> tuple[np.ndarray, np.ndarray]:
    """E[W₂²] from model n − 1 to model n and from model n to the real world.

    Given model n − 1, model n is N(μ + σz/√M, σ²χ²/M); with a = (M − 1)/M and c as in
    ``half_normal_factor``: E[step²] = 2(1 − c) aⁿ⁻¹ and E[total²] = Var(μₙ) + E[(σₙ − 1)²]
    = (1 − aⁿ) + aⁿ − 2cⁿ + 1 = 2(1 − cⁿ). Each step shrinks; their sum does not.
    """
    n = np.asarray(n, dtype=float)
    a, c = (samples - 1) / samples, half_normal_factor(samples)
    step = np.where(n > 0, 2.0 * (1.0 - c) * a ** np.maximum(n - 1, 0), 0.0)
    return step, 2.0 * (1.0 - c**n)


def log_speed_ratio(samples: int) -> float:
    """How fast the unbiased fit's E[log σ²] falls, as a share of the maximum-likelihood
    one's: (ψ((M−1)/2) + log(2/(M−1))) / (ψ((M−1)/2) + log(2/M)), about (1/(M−1)) / (2/M),
    a half."""
    return theory.log_step(samples, "unbiased") / theory.log_step(samples, "mle")


# --- statistics of the runs ------------------------------------------------------------------


def spread_band(real_fraction: float, regime: str) -> np.ndarray:
    """(3, generations + 1): the 10 %, 50 % and 90 % quantiles of the model's spread."""
    run = gaussian_run(
        SPREAD_SAMPLES,
        SPREAD_GENERATIONS,
        SPREAD_REPLICAS,
        real_fraction=real_fraction,
        regime=regime,
    )
    return demos.median_and_band(run.spread, BAND)


def drift_distances(
    samples: int, generations: int = DRIFT_GENERATIONS, replicas: int = DRIFT_REPLICAS
) -> tuple[np.ndarray, np.ndarray]:
    """W₂ from each model to the one before and to the real world, each
    (generations + 1, replicas); the step is 0 at generation 0."""
    run = gaussian_run(samples, generations, replicas)
    mean, std = run.model_mean, run.model_std  # (generations + 1, replicas)
    step = demos.gaussian_w2(mean[1:], std[1:], mean[:-1], std[:-1])
    step = np.vstack([np.zeros((1, step.shape[1])), step])
    return step, demos.gaussian_w2(mean, std, mean[:1], std[:1])


def model_variances(samples: int, estimator: str, replicas: int = BIAS_REPLICAS) -> np.ndarray:
    """(generations + 1, replicas): σ²ₙ of every run of the bias experiment."""
    return gaussian_run(samples, BIAS_GENERATIONS, replicas, estimator=estimator).model_std ** 2


# --- the sections: compute, figure, summary, caption -----------------------------------------


def _spread_series(band: np.ndarray, name: str, color: str) -> figures.Series:
    return figures.Series(name, band[1], color, low=band[0], high=band[2])


def _spread_caption(data: dict, **_) -> str:
    return t(
        "readers.spread_caption",
        points=counted("points", SPREAD_SAMPLES),
        runs=counted("runs", SPREAD_REPLICAS),
        band=fmt_percent(BAND),
    )


def synthetic_compute(share: float) -> dict:
    return {"without": spread_band(0.0, "replace"), "with_fresh": spread_band(share, "replace")}


def synthetic_figure(data: dict, share: float):
    return figures.lines(
        [
            _spread_series(
                data["without"], t("readers.synthetic.only_synthetic"), theme.PALETTE["grey"]
            ),
            _spread_series(
                data["with_fresh"],
                t("readers.synthetic.with_fresh", share=fmt_percent(share)),
                theme.SYNTHETIC,
            ),
        ],
        x_title=t("readers.generation"),
        y_title=t("readers.spread_axis"),
        hover=line_hover(),
        separators=plotly_separators(),
        y_range=(0, 1.3),
    )


def synthetic_summary(data: dict, share: float) -> str:
    return t(
        "readers.synthetic.summary",
        generations=counted("generations", SPREAD_GENERATIONS),
        without=fmt_percent(float(data["without"][1, -1])),
        with_fresh=fmt_percent(float(data["with_fresh"][1, -1])),
        share=fmt_percent(share),
    )


def garbage_compute(samples: int) -> dict:
    step, total = drift_distances(samples)  # (generations + 1, replicas) each
    # Medians: the means of these distances rest on rare runs (σ²ₙ is close to
    # log-normal), so a mean over a few hundred runs would sit visibly below its theory.
    return {"step": np.median(step, axis=1), "total": np.median(total, axis=1)}


def garbage_figure(data: dict, samples: int):
    return figures.lines(
        [
            figures.Series(t("readers.garbage.step"), data["step"], theme.PALETTE["orange"]),
            figures.Series(t("readers.garbage.total"), data["total"], theme.SYNTHETIC),
        ],
        x_title=t("readers.generation"),
        y_title=t("readers.garbage.y_axis"),
        hover=line_hover(),
        separators=plotly_separators(),
        y_range=(0, 1.4),
    )


def garbage_summary(data: dict, samples: int) -> str:
    return t(
        "readers.garbage.summary",
        points=counted("points", samples),
        first=fmt_number(float(data["step"][1])),
        last=fmt_number(float(data["step"][-1])),
        generations=counted("generations", DRIFT_GENERATIONS),
        total=fmt_number(float(data["total"][-1])),
    )


def garbage_caption(data: dict, samples: int) -> str:
    return t("readers.garbage.caption", runs=counted("runs", DRIFT_REPLICAS))


def bias_compute(samples: int) -> dict:
    mle = model_variances(samples, "mle")  # (generations + 1, replicas)
    unbiased = model_variances(samples, "unbiased")
    n = np.arange(BIAS_GENERATIONS + 1)
    last = BIAS_GENERATIONS
    replicas = unbiased.shape[1]
    # The average is drawn only as far as this many runs can measure it: further on it
    # rests on runs too rare to be met, and the simulated mean sinks below its theory.
    relative_se = demos.relative_spread_of_variance(n, samples, "unbiased") / np.sqrt(replicas)
    measurable = int(n[relative_se <= demos.HEAVY_SE].max())
    return {
        "mle_median": np.median(mle, axis=1),
        "unbiased_median": np.median(unbiased, axis=1),
        "unbiased_mean": unbiased.mean(axis=1)[: measurable + 1],
        "unbiased_mean_se": (unbiased.std(axis=1, ddof=1) / np.sqrt(replicas))[: measurable + 1],
        "measurable": measurable,
        "mle_median_theory": np.exp(demos.median_log_variance(n, samples, "mle")),
        "unbiased_median_theory": np.exp(demos.median_log_variance(n, samples, "unbiased")),
        "unbiased_mean_theory": demos.mean_variance(n, samples, "unbiased"),
        # How fast E[log σ²] falls, unbiased against maximum likelihood, at the last
        # generation (simulated) and per generation (theory).
        "speed_ratio": float(np.log(unbiased[last]).mean() / np.log(mle[last]).mean()),
        "speed_ratio_theory": log_speed_ratio(samples),
    }


def bias_figure(data: dict, samples: int):
    mean, se = data["unbiased_mean"], data["unbiased_mean_se"]
    floor = float(data["mle_median"].min())  # the log axis cannot show a band below zero
    theory_name = t("readers.theory")
    series = [
        figures.Series(
            t("readers.bias.unbiased_mean"),
            mean,
            theme.PALETTE["green"],
            low=np.maximum(mean - 2 * se, floor),
            high=mean + 2 * se,
        ),
        figures.Series(t("readers.bias.unbiased_median"), data["unbiased_median"], theme.SYNTHETIC),
        figures.Series(t("readers.bias.mle_median"), data["mle_median"], theme.PALETTE["grey"]),
    ]
    for index, key in enumerate(
        ("unbiased_mean_theory", "unbiased_median_theory", "mle_median_theory")
    ):
        series.append(
            figures.Series(
                theory_name,
                data[key],
                theme.THEORY,
                dash="dash",
                group="theory",
                in_legend=index == 0,
            )
        )
    return figures.lines(
        series,
        x_title=t("readers.generation"),
        y_title=t("readers.bias.y_axis"),
        hover=line_hover(),
        separators=plotly_separators(),
        log_y=True,
        height=BIAS_HEIGHT,
    )


def bias_summary(data: dict, samples: int) -> str:
    return t(
        "readers.bias.summary",
        generations=counted("generations", BIAS_GENERATIONS),
        unbiased=fmt_percent(float(data["unbiased_median"][-1])),
        mle=fmt_percent(float(data["mle_median"][-1])),
        ratio=fmt_percent(data["speed_ratio"]),
        theory=fmt_percent(data["speed_ratio_theory"]),
    )


def bias_caption(data: dict, samples: int) -> str:
    return t(
        "readers.bias.caption",
        points=counted("points", samples),
        runs=counted("runs", BIAS_REPLICAS),
        until=fmt_int(data["measurable"]),
    )


def mould_compute(copy: int) -> dict:
    run = mould_run()
    edges, histograms = run.bin_edges, run.histogram_mean  # (bins + 1,), (generations + 1, bins)
    grid = np.linspace(edges[0], edges[-1], 400)
    density = get_source(MOULD_SOURCE).pdf(grid)
    centres = (edges[:-1] + edges[1:]) / 2
    trough = np.argmin(np.abs(centres))  # the hollow between the humps, at 0
    return {
        "edges": edges,
        "heights": histograms[copy],
        "grid": grid,
        "density": density,
        # the hollow's depth: its height as a share of the highest bar
        "hollow": float(histograms[copy, trough] / histograms[copy].max()),
        "hollow_real": float(get_source(MOULD_SOURCE).pdf(0.0) / density.max()),
        # one vertical scale for every copy, so that moving the slider compares them
        "y_max": 1.15 * float(max(density.max(), histograms.max())),
    }


def mould_figure(data: dict, copy: int):
    return figures.density_against_histogram(
        data["edges"],
        data["heights"],
        data["grid"],
        data["density"],
        copy_name=t("readers.mould.copy", n=fmt_int(copy)),
        real_name=t("readers.mould.real"),
        x_title=t("readers.mould.x_axis"),
        y_title=t("readers.mould.y_axis"),
        hover=figures.Hover(
            title=t("readers.hover.value_at", value="%{x:.2f}"),
            line=t("readers.hover.value", name="%{fullData.name}", value="%{y:.2f}"),
        ),
        separators=plotly_separators(),
        y_max=data["y_max"],
    )


def mould_summary(data: dict, copy: int) -> str:
    return t(
        "readers.mould.summary",
        n=fmt_int(copy),
        hollow=fmt_percent(data["hollow"]),
        real=fmt_percent(data["hollow_real"]),
    )


def mould_caption(data: dict, copy: int) -> str:
    return t(
        "readers.mould.caption",
        points=counted("points", MOULD_SAMPLES),
        runs=counted("runs", MOULD_REPLICAS),
    )


def inbreeding_compute(samples: int) -> dict:
    times = fixation_times(samples)
    fixed = times[times > 0]
    width = max(1, int(np.ceil((fixed.max() + 1 - fixed.min()) / FIXATION_BINS)))
    edges = np.arange(fixed.min(), fixed.max() + width + 1, width, dtype=float)
    counts, _ = np.histogram(fixed, bins=edges)
    return {
        "edges": edges,
        "counts": counts,
        "mean": float(fixed.mean()),
        "mean_se": demos.mean_of(fixed).se,
        "theory": float(theory.generations_to_fixation(samples)),
        "runs": int(times.size),
        "unfixed": int((times < 0).sum()),
        "fastest": int(fixed.min()),
        "slowest": int(fixed.max()),
    }


def inbreeding_figure(data: dict, samples: int):
    return figures.fixation_histogram(
        data["edges"],
        data["counts"],
        mean=data["mean"],
        theory=data["theory"],
        x_title=t("readers.inbreeding.x_axis"),
        y_title=t("readers.inbreeding.y_axis"),
        mean_name=t("readers.inbreeding.mean", value=fmt_number(data["mean"], 0)),
        theory_name=t("readers.inbreeding.theory", value=fmt_number(data["theory"], 0)),
        hover=t(
            "readers.hover.fixation", low="%{customdata[0]}", high="%{customdata[1]}", runs="%{y}"
        ),
        separators=plotly_separators(),
    )


def inbreeding_summary(data: dict, samples: int) -> str:
    return t(
        "readers.inbreeding.summary",
        samples=fmt_int(samples),
        mean=counted("generations", round(data["mean"])),
        theory=fmt_number(data["theory"], 0),
        runs=counted("runs", data["runs"]),
        fastest=counted("generations", data["fastest"]),
        slowest=fmt_int(data["slowest"]),
    )


def transfer_compute(accumulate: bool) -> dict:
    return {
        "replace": spread_band(0.0, "replace"),
        "accumulate": spread_band(0.0, "accumulate") if accumulate else None,
        # model n trains on D₀ ∪ … ∪ Dₙ₋₁: one real set and n − 1 synthetic ones
        "synthetic_share": (SPREAD_GENERATIONS - 1) / SPREAD_GENERATIONS,
    }


def transfer_figure(data: dict, accumulate: bool):
    series = [
        _spread_series(data["replace"], t("param.regime.options.replace"), theme.PALETTE["grey"])
    ]
    if data["accumulate"] is not None:
        series.append(
            _spread_series(
                data["accumulate"], t("param.regime.options.accumulate"), theme.SYNTHETIC
            )
        )
    return figures.lines(
        series,
        x_title=t("readers.generation"),
        y_title=t("readers.spread_axis"),
        hover=line_hover(),
        separators=plotly_separators(),
        y_range=(0, 1.3),
    )


def transfer_summary(data: dict, accumulate: bool) -> str:
    values = {
        "generations": counted("generations", SPREAD_GENERATIONS),
        "replace": fmt_percent(float(data["replace"][1, -1])),
    }
    if data["accumulate"] is None:
        return t("readers.transfer.summary_replace", **values)
    return t(
        "readers.transfer.summary",
        accumulate=fmt_percent(float(data["accumulate"][1, -1])),
        share=fmt_percent(data["synthetic_share"]),
        **values,
    )


SECTIONS: tuple[Section, ...] = (
    Section(
        name="synthetic",
        heading_key="readers.synthetic.heading",
        text_keys=(
            "readers.synthetic.claim",
            "readers.synthetic.answer",
            "readers.synthetic.claim_humans",
            "readers.synthetic.answer_humans",
        ),
        compute=synthetic_compute,
        figure=synthetic_figure,
        summary=synthetic_summary,
        caption=_spread_caption,
        controls=(
            Control(
                "share",
                "readers.synthetic.slider",
                FRESH_SHARES,
                FRESH_DEFAULT,
                option_format="percent",
            ),
        ),
        link=Link(
            "lab",
            "readers.synthetic.link",
            {"samples": SPREAD_SAMPLES, "real_fraction": FRESH_DEFAULT},
        ),
    ),
    Section(
        name="garbage",
        heading_key="readers.garbage.heading",
        text_keys=("readers.garbage.claim", "readers.garbage.answer"),
        compute=garbage_compute,
        figure=garbage_figure,
        summary=garbage_summary,
        caption=garbage_caption,
        controls=(
            Control(
                "samples", "readers.samples", DRIFT_SAMPLES, DRIFT_DEFAULT, option_format="int"
            ),
        ),
    ),
    Section(
        name="bias",
        heading_key="readers.bias.heading",
        text_keys=("readers.bias.claim", "readers.bias.answer"),
        compute=bias_compute,
        figure=bias_figure,
        summary=bias_summary,
        caption=bias_caption,
        controls=(
            Control("samples", "readers.samples", BIAS_SAMPLES, BIAS_DEFAULT, option_format="int"),
        ),
        link=Link("maths", "readers.bias.link", {"estimator": "unbiased"}),
    ),
    Section(
        name="mould",
        heading_key="readers.mould.heading",
        text_keys=("readers.mould.claim", "readers.mould.answer"),
        compute=mould_compute,
        figure=mould_figure,
        summary=mould_summary,
        caption=mould_caption,
        controls=(
            Control(
                "copy",
                "readers.mould.slider",
                tuple(range(MOULD_GENERATIONS + 1)),
                MOULD_DEFAULT,
                option_format="int",
            ),
        ),
        link=Link("mould", "readers.mould.link"),
    ),
    Section(
        name="inbreeding",
        heading_key="readers.inbreeding.heading",
        text_keys=(
            "readers.inbreeding.claim",
            "readers.inbreeding.claim_feel",
            "readers.inbreeding.answer",
        ),
        compute=inbreeding_compute,
        figure=inbreeding_figure,
        summary=inbreeding_summary,
        controls=(
            Control(
                "samples",
                "readers.samples",
                FIXATION_SAMPLES,
                FIXATION_DEFAULT,
                option_format="int",
            ),
        ),
    ),
    Section(
        name="transfer",
        heading_key="readers.transfer.heading",
        text_keys=("readers.transfer.claim", "readers.transfer.answer"),
        compute=transfer_compute,
        figure=transfer_figure,
        summary=transfer_summary,
        caption=_spread_caption,
        controls=(
            Control("accumulate", "readers.transfer.toggle", (False, True), True, kind="toggle"),
        ),
        link=Link("remedies", "readers.transfer.link"),
    ),
)


def for_projector(section: Section, *, height: int, font_size: int) -> Section:
    """The same section with its figure enlarged for a classroom projector (a name of its
    own, so that the enlarged figure is cached apart from the normal one)."""

    def projected_figure(data: dict, **choices):
        return figures.projected(
            section.figure(data, **choices), height=height, font_size=font_size
        )

    return replace(section, name=f"{section.name}_projector", figure=projected_figure)
