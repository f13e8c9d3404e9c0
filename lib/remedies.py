"""Can it be stopped? The remedies page: one section a remedy, each with its law.

Setting throughout (the issue's and the papers'): M samples a generation, real N(0, 1), a
Gaussian refitted by maximum likelihood, temperature 1, the replace regime unless said.
Each section runs the engine (seeded), reduces the replicas to bands and averages with
their standard errors, and hands the figure the law to draw over them:

- ``lib.theory`` gives the laws as the issue states them (the plateau 1 − 1/D, the share
  needed, the best weight, the large-M curated variance and its plateau);
- where a law takes E[σ²] = 1 (large M) but the page runs a small M, the curve drawn is
  the exact expectation of the loop, by recursion on (E[σ²ₙ], Var(μₙ)), computed here
  (``*_law`` functions): the fitted mean and variance of a mixed sample are linear in the
  previous ones, so their expectations follow a linear recursion with no approximation.
  Each tends to theory's law (tests/test_remedies.py checks both).

Every remedy is symmetric about the real mean 0, so E[μₙ] = 0 and Var(μₙ) = E[μₙ²]: the
mean of μₙ² over replicas estimates it, with the plain standard error of a mean.
Pure Python: no streamlit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from lib import demos, theory
from lib.engine import Run, Scenario, simulate
from lib.figures import remedies as figures
from lib.figures import theme
from lib.i18n import fmt_int, fmt_number, fmt_percent, plotly_separators, t
from lib.sections import Control, Link, Section

SEED = 2024
BAND = 0.8  # share of runs inside the shaded bands (10–90 %)
PI2_6 = math.pi**2 / 6


def _run(samples: int, generations: int, replicas: int, **changes) -> Run:
    return demos.gaussian_chain(samples, generations, replicas, SEED, **changes)


def mean_and_se(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-row mean and its standard error of a (rows, replicas) array."""
    values = np.asarray(values, dtype=float)
    return values.mean(axis=1), values.std(axis=1, ddof=1) / math.sqrt(values.shape[1])


# --- the laws over the generations ---------------------------------------------------------


def fresh_law(samples: int, real_count: int, generations: int) -> tuple[np.ndarray, np.ndarray]:
    """E[σ²ₙ] and Var(μₙ), each (generations + 1,), with ``real_count`` fresh real points
    among the M of every generation (replace regime).

    Model 1 is fitted to D₀, all real. Then D_n holds R real points and S = M − R drawn
    from N(μₙ, σ²ₙ); its fitted variance is the within-group sums of squares plus the
    between-group term R S / M (ȳ − z̄)², whose expectation brings Var(μₙ) in.
    """
    m, r = samples, real_count
    s = m - r
    variance = np.ones(generations + 1)
    mean_variance = np.zeros(generations + 1)
    if generations >= 1:
        variance[1], mean_variance[1] = (m - 1) / m, 1 / m
    for n in range(1, generations):
        v, w = variance[n], mean_variance[n]
        variance[n + 1] = (r - 1 + s / m + (s - 1 + r / m) * v + (r * s / m) * w) / m
        mean_variance[n + 1] = r / m**2 + (s / m) ** 2 * w + s * v / m**2
    return variance, mean_variance


def accumulate_law(samples: int, generations: int) -> tuple[np.ndarray, np.ndarray]:
    """All synthetic, every generation kept: E[σ²ₙ] = Πₖ₌₁ⁿ (1 − 1/(M k²)) and
    Var(μₙ) = Σₖ₌₁ⁿ E[σ²ₖ₋₁] / (M k²) ≤ π²/(6M), each (generations + 1,).

    Model n + 1 is fitted to (n + 1) M points; the newest M move the pooled mean by
    (z̄ − μₙ)/(n + 1) and add (M − 1 + n/(n + 1)) σ²ₙ to the pooled sum of squares.
    """
    k = np.arange(1, generations + 1)
    variance = np.concatenate([[1.0], np.cumprod(1.0 - 1.0 / (samples * k**2))])
    mean_variance = np.concatenate([[0.0], np.cumsum(variance[:-1] / (samples * k**2))])
    return variance, mean_variance


def weighted_law(real_count: int, synthetic_count: int, weights) -> tuple[np.ndarray, np.ndarray]:
    """Stationary E[σ²] and Var(μ) when the fit puts a total weight w on the real points
    (each w/nᵣ) and 1 − w on the synthetic ones (each (1 − w)/nₛ); arrays shaped like
    ``weights`` (each in (0, 1]).

    μ' = w ȳ + (1 − w) z̄ and σ'² = w S²ᵣ + (1 − w) S²ₛ + w (1 − w)(ȳ − z̄)², so in the steady
    state (v, m) solves a 2 × 2 linear system; its m is the issue's
    (w² + (1 − w)² (nᵣ/nₛ) v) / (nᵣ (1 − (1 − w)²)).
    """
    w = np.asarray(weights, dtype=float)
    nr, ns = real_count, synthetic_count
    u = 1.0 - w
    # v = a + b v + c m ;  m = d + e v + f m
    a = w * (nr - 1) / nr + w * u / nr
    b = u * (ns - 1) / ns + w * u / ns
    c = w * u
    d = w**2 / nr
    e = u**2 / ns
    f = u**2
    determinant = (1 - b) * (1 - f) - c * e
    variance = (a * (1 - f) + c * d) / determinant
    mean_variance = (d * (1 - b) + e * a) / determinant
    return variance, mean_variance


def curated_model_law(generations: int, curation: float, real_fraction: float) -> np.ndarray:
    """E[σ²] of model n, (generations + 1,), for large M. Model 1 is fitted to D₀, all real
    (variance 1); the first curated draws are D₁, which model 2 learns: model n + 1 has
    the variance ``theory.curated_variance`` gives generation n of the data."""
    data_law = theory.curated_variance(np.arange(generations), curation, real_fraction)
    return np.concatenate([[1.0], data_law])


# --- 1. fresh real data --------------------------------------------------------------------

FRESH_SAMPLES, FRESH_GENERATIONS, FRESH_REPLICAS = 20, 100, 800
FRESH_SHARES = (0.05, 0.1, 0.2, 0.5)
# The sentence reads the plateau as the average over these generations, once settled (the
# slowest share, 5 %, is within 1e-4 of its plateau by generation 50): far steadier than
# the last generation alone.
FRESH_SETTLED = 51


def fresh_compute(real_fraction: float) -> dict:
    run = _run(FRESH_SAMPLES, FRESH_GENERATIONS, FRESH_REPLICAS, real_fraction=real_fraction)
    variance = run.model_std**2  # (generations + 1, replicas)
    real_count = round(real_fraction * FRESH_SAMPLES)
    share = real_count / FRESH_SAMPLES  # the share the engine used
    law_variance, law_mean = fresh_law(FRESH_SAMPLES, real_count, FRESH_GENERATIONS)
    plateau, mean_plateau = theory.fresh_data_plateau(FRESH_SAMPLES, share)
    mean_square, mean_square_se = mean_and_se(run.model_mean**2)
    average, average_se = mean_and_se(variance)
    settled = slice(FRESH_SETTLED, None)
    return {
        "settled_variance": float(variance[settled].mean()),
        "settled_mean_variance": float((run.model_mean[settled] ** 2).mean()),
        "band": demos.median_and_band(variance, BAND),  # (3, generations + 1)
        "average": average,
        "average_se": average_se,
        "mean_variance": mean_square,
        "mean_variance_se": mean_square_se,
        "law_variance": law_variance,
        "law_mean_variance": law_mean,
        "without": theory.mle_variance(np.arange(FRESH_GENERATIONS + 1), FRESH_SAMPLES),
        "plateau": float(plateau),
        "mean_plateau": float(mean_plateau),
        "share": share,
    }


def fresh_figure(data: dict, real_fraction: float):
    low, _, high = data["band"]
    law = t("remedies.chart.law")
    panel = figures.Panel(
        y_title=t("remedies.fresh.y_title"),
        curves=(
            figures.Curve(
                t("remedies.fresh.without"), data["without"], theme.PALETTE["grey"], "dot"
            ),
            figures.Curve(
                t("remedies.fresh.variance"), data["average"], theme.SYNTHETIC, low=low, high=high
            ),
            figures.Curve(
                t("remedies.fresh.mean_variance"),
                data["mean_variance"],
                theme.PALETTE["green"],
                low=data["mean_variance"] - 2 * data["mean_variance_se"],
                high=data["mean_variance"] + 2 * data["mean_variance_se"],
            ),
            figures.Curve(law, data["law_variance"], theme.THEORY, "dash", group="law"),
            figures.Curve(law, data["law_mean_variance"], theme.THEORY, "dash", group="law"),
        ),
        levels=(
            figures.Level(data["plateau"], t("remedies.fresh.plateau_label")),
            figures.Level(data["mean_plateau"], t("remedies.fresh.mean_plateau_label")),
        ),
        y_range=(0.0, 1.05),
    )
    return figures.over_generations(
        (panel,), x_title=t("remedies.chart.generation"), separators=plotly_separators()
    )


def fresh_summary(data: dict, real_fraction: float) -> str:
    return t(
        "remedies.fresh.summary",
        share=fmt_percent(data["share"]),
        first=fmt_int(FRESH_SETTLED),
        generations=fmt_int(FRESH_GENERATIONS),
        simulated=fmt_number(data["settled_variance"], 3),
        plateau=fmt_number(data["plateau"], 3),
        mean_simulated=fmt_number(data["settled_mean_variance"], 3),
        mean_plateau=fmt_number(data["mean_plateau"], 3),
        without=fmt_number(data["without"][-1], 3),
    )


def _caption(replicas: int, samples: int) -> str:
    return t(
        "remedies.chart.caption",
        replicas=fmt_int(replicas),
        samples=fmt_int(samples),
        band=fmt_percent(BAND),
        seed=str(SEED),
    )


FRESH = Section(
    name="fresh",
    heading_key="remedies.fresh.heading",
    text_keys=("remedies.fresh.law", "remedies.fresh.web"),
    compute=fresh_compute,
    figure=fresh_figure,
    summary=fresh_summary,
    caption=lambda data, **_: _caption(FRESH_REPLICAS, FRESH_SAMPLES),
    link=Link(
        "lab",
        "remedies.fresh.link",
        {"samples": FRESH_SAMPLES, "generations": FRESH_GENERATIONS, "real_fraction": 0.1},
    ),
    controls=(
        Control(
            "real_fraction",
            "remedies.fresh.control",
            FRESH_SHARES,
            0.1,
            kind="segmented",
            option_format="percent",
        ),
    ),
)


# --- 1b. how much fresh data is enough: the calculator -------------------------------------

# M offered: 10, 30, 100, …, 3 × 10⁸, 10⁹
CALCULATOR_SAMPLES = (*(m * 10**k for k in range(1, 9) for m in (1, 3)), 10**9)
CALCULATOR_LOSSES = (0.01, 0.02, 0.05, 0.1, 0.2)
CALCULATOR_GRID = np.logspace(1, 9, 161)  # M on the chart


def calculator_compute(samples: int, loss: float) -> dict:
    # NaN where no share will do (ε ≤ 1/M: an all-real fit loses 1/M of the variance)
    return {
        "grid": CALCULATOR_GRID,
        "needed": theory.real_fraction_needed(CALCULATOR_GRID, loss),
        "approximation": 1.0 / (2 * CALCULATOR_GRID * loss),
        "chosen": float(theory.real_fraction_needed(samples, loss)),
    }


def calculator_figure(data: dict, samples: int, loss: float):
    chosen = None if math.isnan(data["chosen"]) else (samples, data["chosen"])
    return figures.share_needed(
        data["grid"],
        data["needed"],
        data["approximation"],
        chosen=chosen,
        impossible_below=1.0 / loss,
        x_title=t("remedies.calculator.x_title"),
        y_title=t("remedies.calculator.y_title"),
        names={
            "law": t("remedies.calculator.law"),
            "approximation": t("remedies.calculator.approximation"),
            "impossible": t("remedies.calculator.impossible"),
        },
        separators=plotly_separators(),
    )


def calculator_summary(data: dict, samples: int, loss: float) -> str:
    if math.isnan(data["chosen"]):
        return t(
            "remedies.calculator.none",
            samples=fmt_int(samples),
            keep=fmt_percent(1 - loss),
            floor=fmt_percent(1 / samples, 2),
        )
    chosen = data["chosen"]
    return t(
        "remedies.calculator.answer",
        samples=fmt_int(samples),
        keep=fmt_percent(1 - loss),
        share=_share_text(chosen),
        approximation=_share_text(1 / (2 * samples * loss)),
    )


def _share_text(share: float) -> str:
    """A share as a percentage with three significant digits, however small."""
    percent = 100 * share
    digits = max(0, 2 - math.floor(math.log10(percent))) if percent > 0 else 0
    return fmt_percent(share, digits)


CALCULATOR = Section(
    name="calculator",
    heading_key="remedies.calculator.heading",
    text_keys=("remedies.calculator.text",),
    compute=calculator_compute,
    figure=calculator_figure,
    summary=calculator_summary,
    caption=lambda data, **_: t("remedies.calculator.caveat"),
    controls=(
        Control(
            "samples", "remedies.calculator.samples", CALCULATOR_SAMPLES, 100, option_format="int"
        ),
        Control(
            "loss",
            "remedies.calculator.loss",
            CALCULATOR_LOSSES,
            0.05,
            kind="segmented",
            option_format="percent",
        ),
    ),
)


# --- 2. accumulate instead of replace ------------------------------------------------------

ACCUMULATE_SAMPLES, ACCUMULATE_GENERATIONS, ACCUMULATE_REPLICAS = 20, 200, 400


def accumulate_compute() -> dict:
    # Replacing is drawn by its law alone: its average rests on rare runs whose variance
    # has not collapsed, which a few hundred simulated runs seldom hold (the maths page's
    # "heavy" warning), so its simulation would fall short of the law it obeys.
    run = _run(ACCUMULATE_SAMPLES, ACCUMULATE_GENERATIONS, ACCUMULATE_REPLICAS, regime="accumulate")
    data = {}
    scaled, scaled_se = mean_and_se(ACCUMULATE_SAMPLES * run.model_mean**2)  # M Var(μₙ)
    data["accumulate_mean_variance"], data["accumulate_mean_variance_se"] = scaled, scaled_se
    variance = run.model_std**2
    data["band"] = demos.median_and_band(variance, BAND)
    data["average"], data["average_se"] = mean_and_se(variance)
    n = np.arange(ACCUMULATE_GENERATIONS + 1)
    law_variance, law_mean = accumulate_law(ACCUMULATE_SAMPLES, ACCUMULATE_GENERATIONS)
    data["law_variance"] = law_variance
    data["law_accumulate"] = ACCUMULATE_SAMPLES * law_mean
    data["law_replace"] = ACCUMULATE_SAMPLES * theory.mean_variance(
        n, ACCUMULATE_SAMPLES, estimator="mle"
    )
    data["replace_variance"] = theory.mle_variance(n, ACCUMULATE_SAMPLES)
    return data


def _se_band(name: str, values, se, color: str) -> figures.Curve:
    return figures.Curve(name, values, color, low=values - 2 * se, high=values + 2 * se)


def accumulate_figure(data: dict):
    law = t("remedies.chart.law")
    replace, accumulate = t("remedies.accumulate.replace_law"), t("param.regime.options.accumulate")
    low, _, high = data["band"]
    top = figures.Panel(
        y_title=t("remedies.accumulate.y_mean"),
        curves=(
            figures.Curve(replace, data["law_replace"], theme.PALETTE["orange"], "dot"),
            _se_band(
                accumulate,
                data["accumulate_mean_variance"],
                data["accumulate_mean_variance_se"],
                theme.SYNTHETIC,
            ),
            figures.Curve(law, data["law_accumulate"], theme.THEORY, "dash", group="law"),
        ),
        levels=(figures.Level(PI2_6, t("remedies.accumulate.bound_label")),),
        log_y=True,
    )
    bottom = figures.Panel(
        y_title=t("remedies.accumulate.y_variance"),
        curves=(
            figures.Curve("", data["replace_variance"], theme.PALETTE["orange"], "dot"),
            figures.Curve("", data["average"], theme.SYNTHETIC, low=low, high=high),
            figures.Curve(law, data["law_variance"], theme.THEORY, "dash", group="law"),
        ),
        y_range=(0.0, 1.05),
    )
    return figures.over_generations(
        (top, bottom), x_title=t("remedies.chart.generation"), separators=plotly_separators()
    )


def accumulate_summary(data: dict) -> str:
    return t(
        "remedies.accumulate.summary",
        generations=fmt_int(ACCUMULATE_GENERATIONS),
        accumulate=fmt_number(data["accumulate_mean_variance"][-1], 2),
        se=fmt_number(data["accumulate_mean_variance_se"][-1], 2),
        law=fmt_number(data["law_accumulate"][-1], 2),
        bound=fmt_number(PI2_6, 3),
        replace=fmt_number(data["law_replace"][-1], 1),
        variance=fmt_number(data["average"][-1], 3),
        law_variance=fmt_number(data["law_variance"][-1], 3),
    )


ACCUMULATE = Section(
    name="accumulate",
    heading_key="remedies.accumulate.heading",
    text_keys=("remedies.accumulate.law", "remedies.accumulate.web"),
    compute=accumulate_compute,
    figure=accumulate_figure,
    summary=accumulate_summary,
    caption=lambda data, **_: _caption(ACCUMULATE_REPLICAS, ACCUMULATE_SAMPLES),
    link=Link(
        "lab",
        "remedies.accumulate.link",
        {
            "samples": ACCUMULATE_SAMPLES,
            "generations": ACCUMULATE_GENERATIONS,
            "regime": "accumulate",
        },
    ),
)


# --- 3. weigh the real data more -----------------------------------------------------------

WEIGHT_SAMPLES, WEIGHT_GENERATIONS, WEIGHT_REPLICAS = 40, 60, 200
WEIGHT_BURN_IN = 25  # generations left out before averaging μₙ² (|1 − w|^50 ≤ 2e-5 at w = 0.2)
WEIGHT_SHARES = (0.2, 0.5, 0.8)  # shares of real points: nₛ/nᵣ = 4, 1, 1/4
WEIGHT_GRID = tuple(round(0.1 * k, 1) for k in range(2, 11))  # weights simulated
LAW_GRID = np.linspace(0.1, 1.0, 91)


@dataclass(frozen=True)
class WeightPoint:
    """nᵣ·Var(μ) at one real weight, simulated (with its SE) and by the law."""

    weight: float
    simulated: float
    se: float
    law: float


def weight_point(real_fraction: float, weight: float, replicas: int = WEIGHT_REPLICAS):
    """Run the loop with ``weight`` on the real points; nᵣ·Var(μ) in the steady state.

    Each replica's μₙ² is averaged over the generations after the burn-in (one number a
    replica, so replicas stay independent and the SE is that of their mean)."""
    real_count = round(real_fraction * WEIGHT_SAMPLES)
    run = _run(
        WEIGHT_SAMPLES,
        WEIGHT_GENERATIONS,
        replicas,
        real_fraction=real_fraction,
        real_weight=weight,
    )
    per_replica = real_count * (run.model_mean[WEIGHT_BURN_IN + 1 :] ** 2).mean(axis=0)
    _, law = weighted_law(real_count, WEIGHT_SAMPLES - real_count, weight)
    return WeightPoint(
        weight,
        float(per_replica.mean()),
        float(per_replica.std(ddof=1) / math.sqrt(replicas)),
        float(real_count * law),
    )


def weight_compute(real_fraction: float) -> dict:
    real_count = round(real_fraction * WEIGHT_SAMPLES)
    synthetic_count = WEIGHT_SAMPLES - real_count
    best = float(theory.best_real_weight(real_count, synthetic_count))
    count_share = real_count / WEIGHT_SAMPLES
    weights = sorted({*WEIGHT_GRID, round(best, 3)})
    points = [weight_point(real_fraction, w) for w in weights]
    _, law = weighted_law(real_count, synthetic_count, LAW_GRID)
    marks = {}
    for name, weight in (("best", best), ("count", count_share), ("real_only", 1.0)):
        _, value = weighted_law(real_count, synthetic_count, weight)
        marks[name] = (weight, float(real_count * value))
    by_weight = {p.weight: p for p in points}
    best_point = by_weight[round(best, 3)]
    return {
        "weights": np.array([p.weight for p in points]),
        "simulated": np.array([p.simulated for p in points]),
        "se": np.array([p.se for p in points]),
        "law_weights": LAW_GRID,
        "law": real_count * law,
        "marks": marks,
        "best": best,
        "best_simulated": best_point.simulated,
        "best_se": best_point.se,
        "real_count": real_count,
        "synthetic_count": synthetic_count,
    }


def weight_figure(data: dict, real_fraction: float):
    marks = [
        (weight, value, t(f"remedies.weight.mark_{name}", w=fmt_number(weight, 2)))
        for name, (weight, value) in data["marks"].items()
    ]
    return figures.weight_curve(
        data["weights"],
        data["simulated"],
        data["se"],
        data["law_weights"],
        data["law"],
        marks,
        x_title=t("remedies.weight.x_title"),
        y_title=t("remedies.weight.y_title"),
        names={"simulation": t("remedies.weight.simulation"), "law": t("remedies.chart.law")},
        separators=plotly_separators(),
    )


def weight_summary(data: dict, real_fraction: float) -> str:
    marks = data["marks"]
    return t(
        "remedies.weight.summary",
        real=fmt_int(data["real_count"]),
        synthetic=fmt_int(data["synthetic_count"]),
        best=fmt_number(data["best"], 3),
        best_law=fmt_number(marks["best"][1], 3),
        simulated=fmt_number(data["best_simulated"], 3),
        se=fmt_number(data["best_se"], 3),
        count=fmt_number(marks["count"][0], 2),
        count_law=fmt_number(marks["count"][1], 3),
        real_only=fmt_number(marks["real_only"][1], 3),
    )


WEIGHT = Section(
    name="weight",
    heading_key="remedies.weight.heading",
    text_keys=("remedies.weight.law", "remedies.weight.web"),
    compute=weight_compute,
    figure=weight_figure,
    summary=weight_summary,
    caption=lambda data, **_: t(
        "remedies.weight.caption",
        replicas=fmt_int(WEIGHT_REPLICAS),
        samples=fmt_int(WEIGHT_SAMPLES),
        burn=fmt_int(WEIGHT_BURN_IN + 1),
        generations=fmt_int(WEIGHT_GENERATIONS),
        seed=str(SEED),
    ),
    link=Link(
        "lab",
        "remedies.weight.link",
        {"samples": WEIGHT_SAMPLES, "real_fraction": 0.5, "real_weight": 0.62},
    ),
    controls=(
        Control(
            "real_fraction",
            "remedies.weight.control",
            WEIGHT_SHARES,
            0.5,
            kind="segmented",
            option_format="percent",
        ),
    ),
)


# --- 4. what people choose to post ---------------------------------------------------------

CURATION_SAMPLES, CURATION_GENERATIONS, CURATION_REPLICAS = 1_000, 40, 50
CURATION_STRENGTHS = (0.1, 0.25, 0.5, 1.0)
CURATION_FRESH = 0.2  # the share of fresh real data of the second curve


def curation_compute(curation: float) -> dict:
    data = {}
    for name, share in (("alone", 0.0), ("fresh", CURATION_FRESH)):
        run = _run(
            CURATION_SAMPLES,
            CURATION_GENERATIONS,
            CURATION_REPLICAS,
            real_fraction=share,
            curation=curation,
        )
        variance = run.model_std**2
        data[f"{name}_band"] = demos.median_and_band(variance, BAND)
        data[f"{name}_average"], data[f"{name}_se"] = mean_and_se(variance)
        data[f"{name}_law"] = curated_model_law(CURATION_GENERATIONS, curation, share)
    data["plateau"] = float(theory.curated_plateau(curation, CURATION_FRESH))
    return data


def curation_figure(data: dict, curation: float):
    law = t("remedies.chart.law")
    curves, laws = [], []  # the simulations first, then the laws: the legend reads so
    for name, color in (("alone", theme.PALETTE["orange"]), ("fresh", theme.SYNTHETIC)):
        low, _, high = data[f"{name}_band"]
        label = t(f"remedies.curation.{name}", share=fmt_percent(CURATION_FRESH))
        curves.append(figures.Curve(label, data[f"{name}_average"], color, low=low, high=high))
        laws.append(figures.Curve(law, data[f"{name}_law"], theme.THEORY, "dash", group="law"))
    curves += laws
    panel = figures.Panel(
        y_title=t("remedies.curation.y_title"),
        curves=tuple(curves),
        levels=(figures.Level(data["plateau"], t("remedies.curation.plateau_label")),),
        y_range=(0.0, 1.05),
    )
    return figures.over_generations(
        (panel,), x_title=t("remedies.chart.generation"), separators=plotly_separators()
    )


def curation_summary(data: dict, curation: float) -> str:
    return t(
        "remedies.curation.summary",
        curation=fmt_number(curation, 2),
        generations=fmt_int(CURATION_GENERATIONS),
        alone=fmt_number(data["alone_average"][-1], 3),
        alone_law=fmt_number(data["alone_law"][-1], 3),
        share=fmt_percent(CURATION_FRESH),
        fresh=fmt_number(data["fresh_average"][-1], 3),
        plateau=fmt_number(data["plateau"], 3),
    )


CURATION = Section(
    name="curation",
    heading_key="remedies.curation.heading",
    text_keys=("remedies.curation.law", "remedies.curation.web"),
    compute=curation_compute,
    figure=curation_figure,
    summary=curation_summary,
    caption=lambda data, **_: _caption(CURATION_REPLICAS, CURATION_SAMPLES),
    link=Link(
        "lab",
        "remedies.curation.link",
        {"samples": CURATION_SAMPLES, "real_fraction": CURATION_FRESH, "curation": 0.5},
    ),
    controls=(
        Control(
            "curation",
            "remedies.curation.control",
            CURATION_STRENGTHS,
            0.5,
            kind="segmented",
            option_format="number",
        ),
    ),
)

SECTIONS = (FRESH, CALCULATOR, ACCUMULATE, WEIGHT, CURATION)

# The page's URL keys (lib.params.PAGE_PARAMS["remedies"]) and the control each one sets:
# (section, control). A shared link opens the page with those controls where they were.
URL_CONTROLS = {
    "real_fraction": ("fresh", "real_fraction"),
    "samples": ("calculator", "samples"),
    "curation": ("curation", "curation"),
}


def _control(section_name: str, control_name: str) -> Control:
    section = next(s for s in SECTIONS if s.name == section_name)
    return next(c for c in section.controls if c.name == control_name)


def nearest_option(key: str, value: float):
    """The offered choice of URL key ``key`` closest to ``value`` on a log scale (the
    choices are spaced by factors, from 5 % to 50 %, 10 to 10⁹, 0.1 to 1)."""
    options = _control(*URL_CONTROLS[key]).options
    return min(options, key=lambda option: abs(math.log(option / value)))


def with_choices(choices: dict) -> tuple[Section, ...]:
    """``SECTIONS`` with each URL-bound control starting at ``choices[key]`` (an offered
    option: see ``nearest_option``)."""
    by_section: dict[str, dict[str, float]] = {}
    for key, (section_name, control_name) in URL_CONTROLS.items():
        by_section.setdefault(section_name, {})[control_name] = choices[key]
    chosen = []
    for section in SECTIONS:
        starts = by_section.get(section.name, {})
        controls = tuple(
            replace(control, default=starts.get(control.name, control.default))
            for control in section.controls
        )
        chosen.append(replace(section, controls=controls))
    return tuple(chosen)


# (catalogue key, authors, title, venue, address): the papers whose results the page uses
REFERENCES = (
    (
        "bertrand",
        "Bertrand, Bose, Duplessis, Jiralerspong & Gidel",
        "On the Stability of Iterative Retraining of Generative Models on their own Data",
        "ICLR 2024",
        "https://arxiv.org/abs/2310.00429",
    ),
    (
        "gerstgrasser",
        "Gerstgrasser et al.",
        "Is Model Collapse Inevitable? Breaking the Curse of Recursion by Accumulating "
        "Real and Synthetic Data",
        "arXiv:2404.01413 (2024)",
        "https://arxiv.org/abs/2404.01413",
    ),
    (
        "dey",
        "Dey & Donoho",
        "Universality of the π²/6 Pathway in Avoiding Model Collapse",
        "arXiv:2410.22812 (2024)",
        "https://arxiv.org/abs/2410.22812",
    ),
    (
        "he",
        "He, Xu & Cheng",
        "Golden Ratio Weighting Prevents Model Collapse",
        "arXiv:2502.18049 (2025)",
        "https://arxiv.org/abs/2502.18049",
    ),
    (
        "ferbach",
        "Ferbach, Bertrand, Bose & Gidel",
        "Self-Consuming Generative Models with Curated Data Provably Optimize Human Preferences",
        "NeurIPS 2024",
        "https://arxiv.org/abs/2407.09499",
    ),
)


# --- the maths page's table: each law against a simulation, with its standard error -------

CHECK_SEED = 15


def law_checks(seed: int = CHECK_SEED) -> tuple[demos.Row, ...]:
    """One row a law (the maths page's simulation-vs-theory table): a simulated figure with
    its SE beside what the law says, at settings where the law holds to well under one SE
    (the curation's large-M law at M = 2,000 is off by about 0.3 %)."""

    def run(samples, generations, replicas, **changes):
        scenario = Scenario(
            samples=samples, generations=generations, replicas=replicas, seed=seed, **changes
        )
        return simulate(scenario)

    rows = []
    fresh = run(FRESH_SAMPLES, 100, 1_000, real_fraction=0.1)
    plateau, mean_plateau = theory.fresh_data_plateau(FRESH_SAMPLES, 0.1)
    rows.append(demos.Row("fresh_variance", demos.mean_of(fresh.model_std[-1] ** 2), plateau))
    rows.append(demos.Row("fresh_mean", demos.mean_of(fresh.model_mean[-1] ** 2), mean_plateau))

    pooled = run(ACCUMULATE_SAMPLES, 200, 500, regime="accumulate")
    variance, mean_variance = accumulate_law(ACCUMULATE_SAMPLES, 200)
    scaled = ACCUMULATE_SAMPLES * pooled.model_mean[-1] ** 2
    rows.append(
        demos.Row("accumulate_mean", demos.mean_of(scaled), ACCUMULATE_SAMPLES * mean_variance[-1])
    )
    rows.append(
        demos.Row("accumulate_variance", demos.mean_of(pooled.model_std[-1] ** 2), variance[-1])
    )

    real_count = synthetic_count = 20
    best = float(theory.best_real_weight(real_count, synthetic_count))
    weighted = run(40, WEIGHT_GENERATIONS, 500, real_fraction=0.5, real_weight=best)
    per_replica = real_count * (weighted.model_mean[WEIGHT_BURN_IN + 1 :] ** 2).mean(axis=0)
    _, law = weighted_law(real_count, synthetic_count, best)
    rows.append(demos.Row("weight_mean", demos.mean_of(per_replica), real_count * float(law)))

    curated = run(2_000, 11, 100, curation=0.3)  # model 11 learns D₁₀: 1/(1 + 0.3 × 10)
    rows.append(
        demos.Row(
            "curation_variance",
            demos.mean_of(curated.model_std[-1] ** 2),
            float(theory.curated_variance(10, 0.3)),
        )
    )
    mixed = run(2_000, 16, 100, real_fraction=0.2, curation=0.5)
    rows.append(
        demos.Row(
            "curation_fresh",
            demos.mean_of(mixed.model_std[-1] ** 2),
            float(theory.curated_plateau(0.5, 0.2)),
        )
    )
    return tuple(rows)
