"""Charts of the maths page: simulation against theory, over the generations."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from lib.figures import theme
from lib.figures.readers import compact_layout, log_axis


def _band(x: np.ndarray, low: np.ndarray, high: np.ndarray, name: str) -> go.Scatter:
    return go.Scatter(
        x=np.concatenate([x, x[::-1]]),
        y=np.concatenate([high, low[::-1]]),
        fill="toself",
        fillcolor=theme.BAND,
        line={"width": 0},
        hoverinfo="skip",
        name=name,
    )


def _line(x, y, name: str, color: str, dash: str = "solid", width: float = 2.5) -> go.Scatter:
    return go.Scatter(
        x=x,
        y=y,
        mode="lines",
        name=name,
        line={"color": color, "width": width, "dash": dash},
        hovertemplate="%{y:.4~g}",
    )


def variance_check(
    mean: np.ndarray,
    mean_se: np.ndarray,
    median: np.ndarray,
    theory_mean: np.ndarray,
    theory_median: np.ndarray,
    *,
    x_title: str,
    y_title: str,
    names: dict[str, str],
    separators: str = ".,",
) -> go.Figure:
    """Mean and median of σ²ₙ over the generations (log scale), the mean with a ±2 SE
    band, each beside its theory curve. ``names`` has keys band, sim_mean, sim_median,
    theory_mean and theory_median. Arrays are (generations + 1,)."""
    x = np.arange(len(mean))
    floor = np.minimum(mean, median).min() / 10  # keeps the band drawable on a log axis
    low = np.maximum(mean - 2 * mean_se, floor)
    figure = go.Figure(
        [
            _band(x, low, mean + 2 * mean_se, names["band"]),
            _line(x, mean, names["sim_mean"], theme.SYNTHETIC),
            _line(x, theory_mean, names["theory_mean"], theme.THEORY, "dash"),
            _line(x, median, names["sim_median"], theme.PALETTE["green"]),
            _line(x, theory_median, names["theory_median"], theme.PALETTE["black"], "dot", 2),
        ]
    )
    figure.update_layout(compact_layout(x_title, y_title, separators, height=360))
    shown = np.concatenate([mean, median, theory_mean, theory_median])
    log_axis(figure, float(shown.min()), float(shown.max()))
    return figure


def drift_check(
    simulated: np.ndarray,
    se: np.ndarray,
    theory: np.ndarray,
    *,
    x_title: str,
    y_title: str,
    names: dict[str, str],
    separators: str = ".,",
) -> go.Figure:
    """Var(μₙ) over the generations with a ±2 SE band, and its theory. ``names`` has keys
    band, simulation and theory."""
    x = np.arange(len(simulated))
    figure = go.Figure(
        [
            _band(x, np.maximum(simulated - 2 * se, 0), simulated + 2 * se, names["band"]),
            _line(x, simulated, names["simulation"], theme.SYNTHETIC),
            _line(x, theory, names["theory"], theme.THEORY, "dash"),
        ]
    )
    figure.update_layout(compact_layout(x_title, y_title, separators, height=360))
    return figure
