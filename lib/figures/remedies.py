"""Charts of the remedies page: simulation bands with the law drawn over them.

Arrays and translated labels in, ``go.Figure`` out; nothing here computes a statistic.
Every chart is compact (readable at 360 px) and still: a remedy is a curve that settles,
best read whole.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lib.figures import theme
from lib.figures.readers import compact_layout

PANEL_HEIGHT = 250  # px a panel: two panels and their legend fit a phone's screen
LAW_WIDTH = 2.5


def transparent(color: str, alpha: float = 0.2) -> str:
    red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red}, {green}, {blue}, {alpha})"


@dataclass(frozen=True)
class Curve:
    """One line over the generations, with an optional shaded band around it."""

    name: str  # legend entry; "" keeps it out of the legend
    values: np.ndarray  # (generations + 1,)
    color: str
    dash: str = "solid"
    low: np.ndarray | None = None  # (generations + 1,) lower edge of the band
    high: np.ndarray | None = None
    group: str = ""  # curves of one group share one legend entry


@dataclass(frozen=True)
class Level:
    """A horizontal reference (a plateau, a bound) labelled at the right edge."""

    value: float
    label: str
    color: str = theme.PALETTE["black"]


@dataclass(frozen=True)
class Panel:
    """One panel of a chart over the generations."""

    y_title: str
    curves: Sequence[Curve]
    levels: Sequence[Level] = ()
    log_y: bool = False
    y_range: tuple[float, float] | None = None


def _band(x: np.ndarray, curve: Curve) -> go.Scatter:
    return go.Scatter(
        x=np.concatenate([x, x[::-1]]),
        y=np.concatenate([curve.high, curve.low[::-1]]),
        fill="toself",
        fillcolor=transparent(curve.color),
        line={"width": 0},
        hoverinfo="skip",
        showlegend=False,
        legendgroup=curve.group or curve.name,
        name=curve.name,
    )


def over_generations(panels: Sequence[Panel], *, x_title: str, separators: str = ".,") -> go.Figure:
    """Panels stacked over one generation axis; each curve with its band, each level a
    dotted line with its label. A curve's legend entry is shown once per group."""
    rows = len(panels)
    figure = make_subplots(rows=rows, cols=1, shared_xaxes=True, vertical_spacing=0.08)
    seen: set[str] = set()
    for row, panel in enumerate(panels, start=1):
        for curve in panel.curves:
            x = np.arange(len(curve.values))
            group = curve.group or curve.name
            if curve.low is not None and curve.high is not None:
                figure.add_trace(_band(x, curve), row=row, col=1)
            figure.add_trace(
                go.Scatter(
                    x=x,
                    y=curve.values,
                    mode="lines",
                    name=curve.name,
                    legendgroup=group,
                    showlegend=bool(curve.name) and group not in seen,
                    line={"color": curve.color, "width": LAW_WIDTH, "dash": curve.dash},
                    hovertemplate="%{y:.3~g}",
                ),
                row=row,
                col=1,
            )
            seen.add(group)
        for level in panel.levels:
            figure.add_hline(
                y=level.value,
                line={"color": level.color, "width": 1.5, "dash": "dot"},
                row=row,
                col=1,
            )
            # An annotation's y is in axis units: the logarithm on a log axis.
            figure.add_annotation(
                text=level.label,
                font={"size": 12, "color": level.color},
                x=1,
                xref=f"x{'' if row == 1 else row} domain",
                xanchor="right",
                y=math.log10(level.value) if panel.log_y else level.value,
                yref=f"y{'' if row == 1 else row}",
                yanchor="bottom",
                showarrow=False,
            )
        figure.update_yaxes(title={"text": panel.y_title, "standoff": 4}, row=row, col=1)
        if panel.log_y:
            shown = np.concatenate([np.ravel(c.values) for c in panel.curves])
            shown = shown[np.isfinite(shown) & (shown > 0)]
            figure.update_yaxes(type="log", exponentformat="power", row=row, col=1)
            if shown.size:
                low, high = float(shown.min()), float(shown.max())
                if 0 < low < high and high / low < 100:
                    decades = range(int(np.floor(np.log10(low))), int(np.ceil(np.log10(high))) + 1)
                    ticks = [m * 10.0**k for k in decades for m in (1, 2, 5)]
                    chosen = [v for v in ticks if low / 1.5 <= v <= high * 1.5]
                    figure.update_yaxes(tickvals=chosen, row=row, col=1)
        if panel.y_range is not None:
            figure.update_yaxes(range=list(panel.y_range), row=row, col=1)
    layout = compact_layout("", "", separators, height=PANEL_HEIGHT * rows + 60)
    layout.pop("xaxis")
    layout.pop("yaxis")
    figure.update_layout(layout)
    figure.update_xaxes(title={"text": x_title, "standoff": 6}, row=rows, col=1)
    return figure


def weight_curve(
    weights: np.ndarray,
    simulated: np.ndarray,
    se: np.ndarray,
    law_weights: np.ndarray,
    law: np.ndarray,
    marks: Sequence[tuple[float, float, str]],
    *,
    x_title: str,
    y_title: str,
    names: dict[str, str],
    separators: str = ".,",
) -> go.Figure:
    """The error of the mean against the weight on the real data: the law as a line, the
    simulation as points with ±2 SE bars, and the marked weights (w, value, label).
    ``names`` has keys simulation and law."""
    figure = go.Figure(
        [
            go.Scatter(
                x=law_weights,
                y=law,
                mode="lines",
                name=names["law"],
                line={"color": theme.THEORY, "width": LAW_WIDTH, "dash": "dash"},
                hovertemplate="%{y:.3~g}",
            ),
            go.Scatter(
                x=weights,
                y=simulated,
                mode="markers",
                name=names["simulation"],
                marker={"color": theme.SYNTHETIC, "size": 8},
                error_y={"type": "data", "array": 2 * se, "color": theme.SYNTHETIC},
                hovertemplate="%{y:.3~g}",
            ),
        ]
    )
    for index, (weight, value, label) in enumerate(marks):
        figure.add_trace(
            go.Scatter(
                x=[weight],
                y=[value],
                mode="markers+text",
                marker={"color": theme.PALETTE["black"], "size": 11, "symbol": "diamond-open"},
                text=[label],
                # neighbouring marks (the best weight, the count's) label above and below
                textposition="bottom center" if index % 2 else "top center",
                textfont={"size": 12},
                showlegend=False,
                hoverinfo="skip",
                cliponaxis=False,
            )
        )
    figure.update_layout(compact_layout(x_title, y_title, separators, hovermode="closest"))
    figure.update_xaxes(range=[0, 1.04])
    top = float(np.nanmax(simulated + 2 * se))  # the law climbs on, off the chart, as w → 0
    figure.update_yaxes(range=[0, 1.2 * top])
    return figure


def share_needed(
    samples: np.ndarray,
    needed: np.ndarray,
    approximation: np.ndarray,
    *,
    chosen: tuple[float, float] | None,
    impossible_below: float,
    x_title: str,
    y_title: str,
    names: dict[str, str],
    separators: str = ".,",
) -> go.Figure:
    """The share of fresh real data needed against M (log–log): the exact law, its
    approximation 1/(2Mε), the visitor's M marked, and the Ms where no share will do
    shaded. ``needed`` is NaN there. ``names`` has keys law, approximation, impossible."""
    figure = go.Figure(
        [
            go.Scatter(
                x=samples,
                y=approximation,
                mode="lines",
                name=names["approximation"],
                line={"color": theme.PALETTE["grey"], "width": 2, "dash": "dot"},
                hovertemplate="%{y:.3~g}",
            ),
            go.Scatter(
                x=samples,
                y=needed,
                mode="lines",
                name=names["law"],
                line={"color": theme.THEORY, "width": LAW_WIDTH},
                hovertemplate="%{y:.3~g}",
            ),
        ]
    )
    finite = needed[np.isfinite(needed)]
    low = float(min(finite.min(), approximation.min())) if finite.size else 1e-9
    bottom, top = math.floor(math.log10(low)), 0.0  # log10 of the y range
    if impossible_below > samples[0]:
        # the Ms where no share will do, shaded (a trace: shapes and log axes do not mix well)
        edge = float(min(impossible_below, samples[-1]))
        figure.add_trace(
            go.Scatter(
                x=[samples[0], edge, edge, samples[0]],
                y=[10**bottom, 10**bottom, 10**top, 10**top],
                fill="toself",
                fillcolor=transparent(theme.PALETTE["grey"], 0.25),
                line={"width": 0},
                mode="lines",
                name=names["impossible"],
                hoverinfo="skip",
            )
        )
    if chosen is not None:
        figure.add_trace(
            go.Scatter(
                x=[chosen[0]],
                y=[chosen[1]],
                mode="markers",
                marker={"color": theme.PALETTE["black"], "size": 12, "symbol": "diamond"},
                showlegend=False,
                hovertemplate="%{y:.3~g}<extra></extra>",
            )
        )
    figure.update_layout(compact_layout(x_title, y_title, separators, hovermode="closest"))
    span = [math.log10(samples[0]), math.log10(samples[-1])]
    figure.update_xaxes(type="log", exponentformat="power", dtick=2, range=span)
    figure.update_yaxes(type="log", exponentformat="power", dtick=2, range=[bottom, top + 0.1])
    return figure
