"""What readers said: their strongest arguments, answered in our words, each with a small
live demo run by the engine (cached, compact, readable on a phone)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from lib import demos, theory
from lib.engine import Scenario, simulate
from lib.figures import readers as figures
from lib.figures import theme
from lib.i18n import current_language, fmt_int, fmt_number, fmt_percent, t
from lib.sources import get_source
from ui import chrome, present, state

# The demos' fixed settings: small enough to run in well under half a second each.
SPREAD_SAMPLES, SPREAD_GENERATIONS, SPREAD_REPLICAS = 50, 100, 200
FRESH_SHARES = tuple(round(0.05 * k, 2) for k in range(1, 11))  # 5 % to 50 %
FRESH_DEFAULT = 0.1
DRIFT_SAMPLES = (20, 50, 100, 200, 500)
DRIFT_GENERATIONS, DRIFT_REPLICAS = 100, 200
BIAS_SAMPLES, BIAS_GENERATIONS, BIAS_REPLICAS = 50, 80, 600
MOULD_SOURCE, MOULD_SAMPLES, MOULD_GENERATIONS, MOULD_REPLICAS = "two_humps", 200, 30, 100
FIXATION_SAMPLES = (10, 20, 30, 40)
FIXATION_REPLICAS = 200
# Generations simulated, in multiples of M: a run is still unfixed after 10 M generations
# with probability about 3 e^-10 (the slowest Wright–Fisher mode decays like e^(-t/M)).
FIXATION_HORIZON = 10
BAND = 0.8  # share of runs inside the shaded bands
SEED = 2023


def _separators() -> str:
    """Plotly's decimal and thousands separators for the visitor's language."""
    return ",\u202f" if current_language() == "fr" else ".,"


def _gaussian(samples: int, generations: int, replicas: int, **changes) -> Scenario:
    return Scenario(
        source="normal",
        model="gaussian",
        samples=samples,
        generations=generations,
        replicas=replicas,
        seed=SEED,
        **changes,
    )


@st.cache_data(max_entries=24, show_spinner=False)
def spread_band(real_fraction: float, regime: str) -> np.ndarray:
    """(3, generations + 1): the 10 %, 50 % and 90 % quantiles of the spread."""
    run = simulate(
        _gaussian(
            SPREAD_SAMPLES,
            SPREAD_GENERATIONS,
            SPREAD_REPLICAS,
            real_fraction=real_fraction,
            regime=regime,
        )
    )
    return demos.median_and_band(run.spread, BAND)


@st.cache_data(max_entries=8, show_spinner=False)
def step_and_total_drift(samples: int) -> tuple[np.ndarray, np.ndarray]:
    """Median over runs of the W2 distance from one model to the next and to the real
    world, each (generations + 1,) (the step distance is 0 at generation 0)."""
    run = simulate(_gaussian(samples, DRIFT_GENERATIONS, DRIFT_REPLICAS))
    mean, std = run.model_mean, run.model_std  # (generations + 1, replicas)
    step = demos.gaussian_w2(mean[1:], std[1:], mean[:-1], std[:-1])
    total = demos.gaussian_w2(mean, std, mean[:1], std[:1])
    step = np.vstack([np.zeros((1, step.shape[1])), step])
    return np.median(step, axis=1), np.median(total, axis=1)


@st.cache_data(max_entries=4, show_spinner=False)
def variance_mean_and_median(estimator: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The mean of σ²ₙ over runs, its standard error and the median, each (generations + 1,)."""
    run = simulate(_gaussian(BIAS_SAMPLES, BIAS_GENERATIONS, BIAS_REPLICAS, estimator=estimator))
    variance = run.model_std**2  # (generations + 1, replicas)
    se = variance.std(axis=1, ddof=1) / np.sqrt(BIAS_REPLICAS)
    return variance.mean(axis=1), se, np.median(variance, axis=1)


@st.cache_data(max_entries=2, show_spinner=False)
def mould_histograms() -> tuple[np.ndarray, np.ndarray]:
    """The bin edges and the (generations + 1, bins) mean histogram of the KDE chain."""
    run = simulate(
        Scenario(
            source=MOULD_SOURCE,
            model="kde",
            samples=MOULD_SAMPLES,
            generations=MOULD_GENERATIONS,
            replicas=MOULD_REPLICAS,
            seed=SEED,
        )
    )
    return run.bin_edges, run.histogram_mean


@st.cache_data(max_entries=8, show_spinner=False)
def fixation_times(samples: int) -> np.ndarray:
    """Generations each resampling chain needed to keep a single value."""
    run = simulate(
        Scenario(
            source="normal",
            model="resample",
            samples=samples,
            generations=FIXATION_HORIZON * samples,
            replicas=FIXATION_REPLICAS,
            seed=SEED,
        )
    )
    times = demos.fixation_generations(run.distinct_values)
    return times[times > 0]


def _argument(section: str) -> None:
    """The readers' point in our words, then our answer."""
    st.markdown(f"**{t('readers.point')}** {t(f'readers.{section}.claim')}")
    st.markdown(t(f"readers.{section}.answer"))
    if section == "synthetic":  # two readers' points answered by the same experiment
        st.markdown(f"**{t('readers.point')}** {t('readers.synthetic.claim_humans')}")
        st.markdown(t("readers.synthetic.answer_humans"))


def _spread_series(band: np.ndarray, name: str, color: str, dash="solid") -> figures.Series:
    return figures.Series(name, band[1], color, low=band[0], high=band[2], dash=dash)


def _projected(figure, height: int) -> None:
    """The classroom projector: a taller chart, larger type, black ticks and titles."""
    size = present.PRESENT_FONT
    figure.update_layout(height=height, font={"size": size}, legend={"font": {"size": size}})
    black = {"size": size, "color": "#000000"}
    axes = {"tickfont": black, "title_font": black}
    figure.update_xaxes(**axes)
    figure.update_yaxes(**axes)


def _chart(title: str, figure) -> None:
    """A compact chart under its title (Markdown, which wraps on a phone)."""
    st.markdown(f"**{title}**")
    if present.active():  # the projector: the one chart shown, large enough to read
        _projected(figure, present.PRESENT_HEIGHT)
    st.plotly_chart(figure, config={"displayModeBar": False})


def synthetic_demo() -> None:
    # Embedded or projected, the demo keeps its default share and draws no slider.
    share = (
        st.select_slider(
            t("readers.synthetic.slider"),
            FRESH_SHARES,
            value=FRESH_DEFAULT,
            format_func=fmt_percent,
            key="readers_fresh",
        )
        if chrome.shows("controls")
        else FRESH_DEFAULT
    )
    without = spread_band(0.0, "replace")
    with_fresh = spread_band(share, "replace")
    figure = figures.lines(
        [
            _spread_series(without, t("readers.synthetic.only_synthetic"), theme.PALETTE["grey"]),
            _spread_series(
                with_fresh,
                t("readers.synthetic.with_fresh", share=fmt_percent(share)),
                theme.SYNTHETIC,
            ),
        ],
        x_title=t("readers.generation"),
        y_title=t("readers.synthetic.y_axis"),
        separators=_separators(),
        y_range=(0, 1.3),
    )
    _chart(t("readers.synthetic.chart_title"), figure)
    # The chart in one sentence (its text alternative, and the embedded page's one line).
    st.markdown(
        t(
            "readers.synthetic.summary",
            generations=fmt_int(SPREAD_GENERATIONS),
            without=fmt_percent(float(without[1, -1])),
            with_fresh=fmt_percent(float(with_fresh[1, -1])),
            share=fmt_percent(share),
        )
    )
    if chrome.shows("prose"):
        st.caption(
            t(
                "readers.synthetic.caption",
                samples=fmt_int(SPREAD_SAMPLES),
                replicas=fmt_int(SPREAD_REPLICAS),
                band=fmt_percent(BAND),
            )
        )


def garbage_demo() -> None:
    samples = st.select_slider(
        t("param.samples.label"), DRIFT_SAMPLES, value=50, format_func=fmt_int, key="readers_m"
    )
    step, total = step_and_total_drift(samples)
    figure = figures.lines(
        [
            figures.Series(t("readers.garbage.step"), step, theme.PALETTE["orange"]),
            figures.Series(t("readers.garbage.total"), total, theme.SYNTHETIC),
        ],
        x_title=t("readers.generation"),
        y_title=t("readers.garbage.y_axis"),
        separators=_separators(),
        y_range=(0, 1.4),
    )
    _chart(t("readers.garbage.chart_title"), figure)
    st.caption(t("readers.garbage.caption", replicas=fmt_int(DRIFT_REPLICAS)))


def bias_demo() -> None:
    estimator = st.segmented_control(
        t("param.estimator.label"),
        ("mle", "unbiased"),
        default="unbiased",
        format_func={o: t(f"param.estimator.options.{o}") for o in ("mle", "unbiased")}.__getitem__,
        key="readers_estimator",
    ) or st.session_state.get("readers_estimator_last", "unbiased")
    st.session_state["readers_estimator_last"] = estimator
    mean, se, median = variance_mean_and_median(estimator)
    expected = demos.mean_variance(np.arange(BIAS_GENERATIONS + 1), BIAS_SAMPLES, estimator)
    figure = figures.lines(
        [
            figures.Series(t("readers.bias.theory"), expected, theme.THEORY, dash="dash"),
            figures.Series(
                t("readers.bias.mean"),
                mean,
                theme.SYNTHETIC,
                low=np.maximum(mean - 2 * se, median.min()),
                high=mean + 2 * se,
            ),
            figures.Series(t("readers.bias.median"), median, theme.PALETTE["green"]),
        ],
        x_title=t("readers.generation"),
        y_title=t("readers.bias.y_axis"),
        separators=_separators(),
        log_y=True,
    )
    _chart(t("readers.bias.chart_title"), figure)
    st.caption(
        t(
            "readers.bias.caption",
            samples=fmt_int(BIAS_SAMPLES),
            replicas=fmt_int(BIAS_REPLICAS),
        )
    )


def mould_demo() -> None:
    copy = st.slider(t("readers.mould.slider"), 0, MOULD_GENERATIONS, 10, key="readers_copy")
    edges, histograms = mould_histograms()
    source = get_source(MOULD_SOURCE)
    grid = np.linspace(edges[0], edges[-1], 400)
    density = source.pdf(grid)
    figure = figures.density_against_histogram(
        edges,
        histograms[copy],
        grid,
        density,
        copy_name=t("readers.mould.copy", n=copy),
        real_name=t("readers.mould.real"),
        x_title=t("readers.mould.x_axis"),
        y_title=t("readers.mould.y_axis"),
        separators=_separators(),
        y_max=1.15 * float(max(density.max(), histograms.max())),
    )
    _chart(t("readers.mould.chart_title", n=copy), figure)
    st.caption(
        t(
            "readers.mould.caption",
            samples=fmt_int(MOULD_SAMPLES),
            replicas=fmt_int(MOULD_REPLICAS),
        )
    )
    st.page_link(
        "app_pages/mould.py", label=t("readers.mould.link"), icon=":material/content_copy:"
    )


def inbreeding_demo() -> None:
    samples = st.select_slider(
        t("readers.inbreeding.slider"),
        FIXATION_SAMPLES,
        value=20,
        format_func=fmt_int,
        key="readers_fixation",
    )
    times = fixation_times(samples)
    mean = float(times.mean())
    expected = float(theory.generations_to_fixation(samples))
    figure = figures.fixation_histogram(
        times,
        mean=mean,
        theory=expected,
        x_title=t("readers.inbreeding.x_axis"),
        y_title=t("readers.inbreeding.y_axis"),
        mean_name=t("readers.inbreeding.mean", value=fmt_number(mean, 0)),
        theory_name=t("readers.inbreeding.theory", value=fmt_number(expected, 0)),
        separators=_separators(),
    )
    _chart(t("readers.inbreeding.chart_title"), figure)
    st.markdown(
        t(
            "readers.inbreeding.summary",
            samples=fmt_int(samples),
            mean=fmt_number(mean, 0),
            theory=fmt_number(expected, 0),
            replicas=fmt_int(times.size),
            fastest=fmt_int(times.min()),
            slowest=fmt_int(times.max()),
        )
    )


def transfer_demo() -> None:
    accumulate = st.toggle(t("readers.transfer.toggle"), value=True, key="readers_accumulate")
    series = [
        _spread_series(
            spread_band(0.0, "replace"),
            t("param.regime.options.replace"),
            theme.PALETTE["grey"],
        )
    ]
    if accumulate:
        series.append(
            _spread_series(
                spread_band(0.0, "accumulate"),
                t("param.regime.options.accumulate"),
                theme.SYNTHETIC,
            )
        )
    figure = figures.lines(
        series,
        x_title=t("readers.generation"),
        y_title=t("readers.synthetic.y_axis"),
        separators=_separators(),
        y_range=(0, 1.3),
    )
    _chart(t("readers.transfer.chart_title"), figure)
    st.caption(
        t(
            "readers.transfer.caption",
            samples=fmt_int(SPREAD_SAMPLES),
            replicas=fmt_int(SPREAD_REPLICAS),
            band=fmt_percent(BAND),
        )
    )


values = chrome.start_page("readers")
st.title(t("nav.readers"))
state.sync_url("readers", values)

DEMOS = {
    "synthetic": synthetic_demo,
    "garbage": garbage_demo,
    "bias": bias_demo,
    "mould": mould_demo,
    "inbreeding": inbreeding_demo,
    "transfer": transfer_demo,
}
if not chrome.shows("prose"):
    # Embedded or projected: the first argument's experiment alone, its chart and the
    # sentence that reads it (readers' arguments and the other demos are the full page's).
    synthetic_demo()
else:
    st.markdown(t("readers.intro"))
    for section, demo in DEMOS.items():
        st.subheader(t(f"readers.{section}.heading"), divider="gray")
        text, box = st.columns([5, 6], gap="large")
        with text:
            _argument(section)
        with box:
            demo()

    st.subheader(t("readers.others.heading"), divider="gray")
    st.markdown(t("readers.others.text"))
chrome.walk("readers")
