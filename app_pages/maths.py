"""The maths: the loop as equations, the closed forms, simulation against theory for the
visitor's M and n, and the references."""

from __future__ import annotations

import math

import streamlit as st

from lib import demos, remedies
from lib.figures import maths as figures
from lib.i18n import fmt_int, fmt_number, plotly_separators, t, tn
from ui import chrome, present, state, widgets

SEED = 1
PRESENT_HEIGHT = 560  # px: the two charts on a projector, under the title and heading
SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")

# Each paper by its key: title and address as published (the same in both languages);
# its authors, venue and what it shows come from the catalogue (maths.refs.*).
REFERENCES = (
    (
        "shumailov",
        "AI models collapse when trained on recursively generated data",
        "https://www.nature.com/articles/s41586-024-07566-y",
    ),
    (
        "gerstgrasser",
        "Is Model Collapse Inevitable? Breaking the Curse of Recursion by Accumulating "
        "Real and Synthetic Data",
        "https://arxiv.org/abs/2404.01413",
    ),
    (
        "bertrand",
        "On the Stability of Iterative Retraining of Generative Models on their own Data",
        "https://arxiv.org/abs/2310.00429",
    ),
    ("alemohammad", "Self-Consuming Generative Models Go MAD", "https://arxiv.org/abs/2307.01850"),
    (
        "kazdan",
        "Collapse or Thrive? Perils and Promises of Synthetic Data in a Self-Generating World",
        "https://arxiv.org/abs/2410.16713",
    ),
    (
        "dohmatob",
        "A Tale of Tails: Model Collapse as a Change of Scaling Laws",
        "https://arxiv.org/abs/2402.07043",
    ),
)


def fmt_figure(value: float) -> str:
    """Four significant digits in the visitor's language; tiny or huge values as
    ``1.23 × 10⁻⁵``."""
    if value == 0 or not math.isfinite(value):
        return fmt_number(value, 0) if value == 0 else str(value)
    exponent = math.floor(math.log10(abs(value)))
    if -3 <= exponent < 5:
        return fmt_number(value, max(0, 3 - exponent))
    mantissa = value / 10**exponent
    return f"{fmt_number(mantissa, 3)} × 10{str(exponent).translate(SUPERSCRIPT)}"


def _latex_number(value: float, digits: int) -> str:
    """A decimal in LaTeX, with the comma of French typesetting where it belongs."""
    return fmt_number(value, digits).replace(",", "{,}")


@st.cache_data(max_entries=32, show_spinner=False)
def check(samples: int, generations: int, estimator: str) -> demos.Check:
    return demos.theory_check(samples, generations, estimator, seed=SEED)


def _verdict(gap: float) -> str:
    if abs(gap) <= 2:
        return t("maths.check.verdict_yes")
    if abs(gap) <= 3:
        return t("maths.check.verdict_close")
    return t("maths.check.verdict_no")


def _table(result: demos.Check, generations: int) -> dict[str, list[str]]:
    columns = {
        t("maths.check.quantity"): [],
        t("maths.check.simulation"): [],
        t("maths.check.se"): [],
        t("maths.check.theory"): [],
        t("maths.check.gap"): [],
        t("maths.check.verdict"): [],
    }
    cells = list(columns.values())
    for row in result.rows:
        gap = row.gap
        for column, text in zip(
            cells,
            (
                t(f"maths.check.row_{row.quantity}", n=fmt_int(generations)),
                fmt_figure(row.simulated.value),
                fmt_figure(row.simulated.se),
                fmt_figure(row.theory),
                ("+" if gap > 0 else "") + fmt_number(gap, 1),
                _verdict(gap),
            ),
            strict=True,
        ):
            column.append(text)
    return columns


def _operator(name: str) -> str:
    """An operator's name in the visitor's language, set upright (``maths.op.<name>``);
    through \\text, since KaTeX takes accented letters only in text mode."""
    return rf"\operatorname{{\text{{{t(f'maths.op.{name}')}}}}}"


def the_loop() -> None:
    st.header(t("maths.loop.heading"))
    st.markdown(t("maths.loop.real"))
    st.latex(r"D_0 = (x_1, \dots, x_M), \qquad x_i \sim p_0")
    st.markdown(t("maths.loop.fit"))
    replace, accumulate = (t(f"param.regime.options.{r}") for r in ("replace", "accumulate"))
    fit = _operator("fit")
    st.latex(
        r"\begin{aligned}"
        rf"\hat p_n &= {fit}(D_{{n-1}}) && \text{{({replace})}}\\"
        rf"\hat p_n &= {fit}(D_0 \cup D_1 \cup \dots \cup D_{{n-1}})"
        rf" && \text{{({accumulate})}}"
        r"\end{aligned}"
    )
    st.markdown(t("maths.loop.sample"))
    st.latex(
        r"D_n = \big(\underbrace{y_1, \dots, y_R}_{\sim\, p_0},\;"
        r"\underbrace{z_1, \dots, z_{M-R}}_{\sim\, \hat p_n^{\,(T)}}\big),"
        rf"\qquad R = {_operator('round')}(\alpha M)"
    )
    st.markdown(t("maths.loop.gauss"))
    st.latex(
        r"\hat\mu_n = \frac{1}{M}\sum_{i=1}^{M} x^{(n-1)}_i, \qquad"
        r"\hat\sigma^2_n = \frac{1}{M-\delta}\sum_{i=1}^{M}\big(x^{(n-1)}_i - \hat\mu_n\big)^2"
    )


def the_closed_forms() -> None:
    st.header(t("maths.closed.heading"))
    st.markdown(t("maths.closed.intro"))
    st.latex(
        r"\sigma^2_n = \sigma^2_{n-1}\,\frac{\chi^2_{M-1}}{M-\delta}"
        r" = \sigma^2_0 \prod_{k=1}^{n} \frac{\chi^2_{M-1,\,k}}{M-\delta}"
    )
    st.markdown(t("maths.closed.mle"))
    st.latex(r"\mathbb{E}[\sigma^2_n] = \sigma^2_0 \left(\frac{M-1}{M}\right)^{n}")
    st.markdown(t("maths.closed.unbiased"))
    st.latex(
        r"\mathbb{E}[\sigma^2_n] = \sigma^2_0, \qquad"
        r"\mathbb{E}[\log \sigma^2_n] = \log \sigma^2_0"
        r" + n\left(\psi\!\left(\tfrac{M-1}{2}\right) + \log\tfrac{2}{M-1}\right)"
        r"\approx \log \sigma^2_0 - \frac{n}{M-1}"
    )
    st.markdown(t("maths.closed.median"))
    st.latex(
        rf"{_operator('median')}(\sigma^2_n) \approx \sigma^2_0 \exp\!\left("
        r"n\left(\psi\!\left(\tfrac{M-1}{2}\right) + \log\tfrac{2}{M-\delta}\right)"
        r" - \frac{\psi''\!\left(\frac{M-1}{2}\right)}{6\,\psi'\!\left(\frac{M-1}{2}\right)}"
        r"\right)"
    )
    st.markdown(t("maths.closed.mean"))
    st.latex(
        rf"{_operator('variance')}(\mu_n)"
        r" = \frac{1}{M}\sum_{k=0}^{n-1}\mathbb{E}[\sigma^2_k]"
        r" = \begin{cases}"
        r"\sigma^2_0\left(1 - \left(\frac{M-1}{M}\right)^{n}\right) & \delta = 0\\[6pt]"
        r"n\,\sigma^2_0 / M & \delta = 1"
        r"\end{cases}"
    )
    st.markdown(t("maths.closed.resample"))
    st.latex(
        r"\mathbb{E}[K_1] = M\left(1 - \left(1 - \tfrac{1}{M}\right)^{M}\right)"
        rf"\approx (1 - e^{{-1}})\,M \approx {_latex_number(1 - math.exp(-1), 3)}\,M"
    )
    st.markdown(t("maths.closed.fixation"))
    st.markdown(t("maths.closed.fresh"))


def _projected(figure, height: int) -> None:
    """The classroom projector: a taller chart, larger type, black ticks and titles."""
    size = present.PRESENT_FONT
    figure.update_layout(height=height, font={"size": size}, legend={"font": {"size": size}})
    black = {"size": size, "color": "#000000"}
    axes = {"tickfont": black, "title_font": black}
    figure.update_xaxes(**axes)
    figure.update_yaxes(**axes)


def the_check(values: dict) -> None:
    st.header(t("maths.check.heading"))
    # Embedded or projected, the knobs are hidden (ui/style.py) and the table and the notes
    # are not drawn: the two charts and one sentence remain.
    full = chrome.shows("measures")
    values["estimator"] = widgets.widget("maths", "estimator")
    columns = st.columns(2)
    for column, key in zip(columns, ("samples", "generations"), strict=True):
        values[key] = widgets.widget("maths", key, container=column)
    samples, generations, estimator = (
        values["samples"],
        values["generations"],
        values["estimator"],
    )
    result = check(samples, generations, estimator)
    if full:
        st.markdown(t("maths.check.intro", replicas=fmt_int(result.replicas), seed=fmt_int(SEED)))
        st.table(_table(result, generations), hide_index=True)
    if result.heavy:
        st.warning(t("maths.check.heavy"), icon=":material/warning:")
    left, right = st.columns(2)
    config = {"displayModeBar": False}
    with left:
        figure = figures.variance_check(
            result.mean_variance,
            result.mean_variance_se,
            result.median_variance,
            result.theory_mean_variance,
            result.theory_median_variance,
            x_title=t("maths.check.generation"),
            y_title=t("maths.check.y_variance"),
            names={
                "band": t("maths.check.band"),
                "sim_mean": t("maths.check.sim_mean"),
                "sim_median": t("maths.check.sim_median"),
                "theory_mean": t("maths.check.theory_mean"),
                "theory_median": t("maths.check.theory_median"),
            },
            separators=plotly_separators(),
        )
        st.markdown(f"**{t('maths.check.chart_variance')}**")
        if present.active():  # both charts taller, in larger type; they fit 1920x1080
            _projected(figure, PRESENT_HEIGHT)
        st.plotly_chart(figure, config=config)
    with right:
        figure = figures.drift_check(
            result.drift,
            result.drift_se,
            result.theory_drift,
            x_title=t("maths.check.generation"),
            y_title=t("maths.check.y_drift"),
            names={
                "band": t("maths.check.band"),
                "simulation": t("maths.check.sim_drift"),
                "theory": t("maths.check.theory_drift"),
            },
            separators=plotly_separators(),
        )
        st.markdown(f"**{t('maths.check.chart_drift')}**")
        if present.active():  # both charts taller, in larger type; they fit 1920x1080
            _projected(figure, PRESENT_HEIGHT)
        st.plotly_chart(figure, config=config)
    # The charts in one sentence: the first row of the table, read aloud.
    mean_variance = result.rows[0]
    st.markdown(
        tn(
            "maths.check.summary",
            generations,
            replicas=fmt_int(result.replicas),
            samples=fmt_int(samples),
            simulated=fmt_figure(mean_variance.simulated.value),
            theory=fmt_figure(mean_variance.theory),
            gap=("+" if mean_variance.gap > 0 else "") + fmt_number(mean_variance.gap, 1),
        )
    )


@st.cache_data(max_entries=1, show_spinner=False)
def remedy_checks() -> tuple[demos.Row, ...]:
    return remedies.law_checks()


def the_remedies() -> None:
    """The four laws of the remedies page, and each against a simulation."""
    st.header(t("maths.remedies.heading"))
    st.markdown(t("maths.remedies.intro"))
    st.markdown(t("maths.remedies.fresh"))
    st.latex(
        r"\mathbb{E}[\sigma^2_\infty] = 1 - \frac{1}{D}, \qquad"
        r"\operatorname{Var}(\mu_\infty) = \frac{1}{D}, \qquad "
        r"D = 1 - \alpha + \alpha M(2 - \alpha)"
    )
    st.latex(
        r"\alpha^* = \frac{(2M - 1)"
        r" - \sqrt{(2M - 1)^2 - 4M\left(\frac{1}{\varepsilon} - 1\right)}}{2M}"
        r"\;\approx\; \frac{1}{2M\varepsilon}"
    )
    st.markdown(t("maths.remedies.accumulate"))
    st.latex(
        r"M\operatorname{Var}(\mu_n) = \sum_{k=1}^{n} \frac{\mathbb{E}[\sigma^2_{k-1}]}{k^2}"
        r" < \frac{\pi^2}{6}, \qquad"
        r"\mathbb{E}[\sigma^2_n] = \prod_{k=1}^{n}\left(1 - \frac{1}{M k^2}\right)"
    )
    st.markdown(t("maths.remedies.weight"))
    st.latex(
        r"n_r \operatorname{Var}(\mu) = \frac{w^2"
        r" + (1 - w)^2\,\frac{n_r}{n_s}\,\mathbb{E}[\sigma^2]}"
        r"{1 - (1 - w)^2}, \qquad w^* = \frac{\sqrt{1 + 4k} - 1}{2k}, \quad k = \frac{n_s}{n_r}"
    )
    st.markdown(t("maths.remedies.curation"))
    st.latex(
        r"\sigma^2_{n+1} = \alpha + (1 - \alpha)\,\frac{\sigma^2_n}{1 + c\,\sigma^2_n}, \qquad"
        r"\alpha = 0:\ \sigma^2_n = \frac{1}{1 + c\,n}, \qquad"
        r"\alpha > 0:\ c\,v^2 + \alpha(1 - c)\,v - \alpha = 0"
    )
    rows = remedy_checks()
    st.markdown(t("maths.remedies.table_intro", seed=str(remedies.CHECK_SEED)))
    columns = {
        t(f"maths.check.{name}"): []
        for name in ("quantity", "simulation", "se", "theory", "gap", "verdict")
    }
    for row in rows:
        cells = (
            t(f"maths.remedies.row_{row.quantity}"),
            fmt_figure(row.simulated.value),
            fmt_figure(row.simulated.se),
            fmt_figure(row.theory),
            ("+" if row.gap > 0 else "") + fmt_number(row.gap, 1),
            _verdict(row.gap),
        )
        for column, text in zip(columns.values(), cells, strict=True):
            column.append(text)
    st.table(columns, hide_index=True)


def the_references() -> None:
    st.header(t("maths.refs.heading"))
    lines = [
        f"- {t(f'maths.refs.authors.{key}')}, [*{title}*]({url}), "
        f"{t(f'maths.refs.venue.{key}')}. {t(f'maths.refs.{key}')}"
        for key, title, url in REFERENCES
    ]
    st.markdown("\n".join(lines))


values = chrome.start_page("maths")
st.title(t("nav.maths"))
# Embedded or projected: simulation against theory alone (the knobs keep their URL values).
prose = chrome.shows("prose")
if prose:
    st.markdown(t("maths.intro"))
    the_loop()
    the_closed_forms()
the_check(values)
state.sync_url("maths", values)
if prose:
    the_remedies()
    the_references()
chrome.walk("maths")
