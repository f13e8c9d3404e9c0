"""Compact charts for the readers' page: arrays and translated labels in, figures out.

No builder computes a statistic: the bands, the binned counts and the theory curves all
come from ``lib.readers``. Hover texts are whole Plotly templates built from the
catalogue, so that a French reader reads French words and French separators.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from lib.figures import theme

HEIGHT = 320  # px: small enough for a phone, tall enough to read


@dataclass(frozen=True)
class Series:
    """One line over the generations, with an optional shaded band around it."""

    name: str
    values: np.ndarray  # (generations + 1,)
    color: str
    low: np.ndarray | None = None  # (generations + 1,) lower edge of the band
    high: np.ndarray | None = None
    dash: str = "solid"
    group: str | None = None  # lines of one group share a single legend entry
    in_legend: bool = True


@dataclass(frozen=True)
class Hover:
    """Translated hover templates: the unified title (one generation) and one line a trace."""

    title: str  # e.g. "Generation %{x}"
    line: str  # e.g. "%{fullData.name}: %{y:.3~g}"


def _transparent(color: str, alpha: float = 0.18) -> str:
    red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red}, {green}, {blue}, {alpha})"


def compact_layout(x_title: str, y_title: str, separators: str, **extra) -> dict:
    """Legend above the plot, few margins: readable at 360 px. The chart's title is the
    page's (Markdown wraps on a phone, Plotly does not)."""
    layout = {
        "height": HEIGHT,
        "margin": {"l": 56, "r": 12, "t": 8, "b": 44},
        "legend": {
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1.02,
            "x": 0,
            "font": {"size": 12},
            # One entry a line, as wide as the plot: Plotly clips a legend to the width it
            # measured, which falls short when the web font arrives after the measure.
            "entrywidth": 1,
            "entrywidthmode": "fraction",
        },
        "xaxis": {"title": {"text": x_title, "standoff": 6}},
        "yaxis": {"title": {"text": y_title, "standoff": 4}},
        "separators": separators,
    }
    layout.update(extra)
    return theme.base_layout(**layout)


def log_axis(figure: go.Figure, low: float, high: float) -> None:
    """A log y axis; within two decades, ticks at 1, 2 and 5 only (Plotly would label
    every digit and crowd a small chart)."""
    figure.update_yaxes(type="log", exponentformat="power")
    if 0 < low < high and high / low < 100:
        decades = range(int(np.floor(np.log10(low))), int(np.ceil(np.log10(high))) + 1)
        ticks = [m * 10.0**k for k in decades for m in (1, 2, 5)]
        figure.update_yaxes(tickvals=[v for v in ticks if low / 1.5 <= v <= high * 1.5])


def lines(
    series: list[Series],
    *,
    x_title: str,
    y_title: str,
    hover: Hover,
    separators: str = ".,",
    log_y: bool = False,
    y_range: tuple[float, float] | None = None,
    height: int = HEIGHT,
) -> go.Figure:
    """Lines over the generations, each with its band when it has one; a line may stop
    before the others (its values end there)."""
    figure = go.Figure()
    for item in series:
        x = np.arange(len(item.values))
        if item.low is not None and item.high is not None:
            figure.add_trace(
                go.Scatter(
                    x=np.concatenate([x, x[::-1]]),
                    y=np.concatenate([item.high, item.low[::-1]]),
                    fill="toself",
                    fillcolor=_transparent(item.color),
                    line={"width": 0},
                    hoverinfo="skip",
                    showlegend=False,
                    name=item.name,
                )
            )
        figure.add_trace(
            go.Scatter(
                x=x,
                y=item.values,
                mode="lines",
                name=item.name,
                line={"color": item.color, "width": 2.5, "dash": item.dash},
                legendgroup=item.group,
                showlegend=item.in_legend,
                hovertemplate=hover.line + "<extra></extra>",
            )
        )
    figure.update_layout(compact_layout(x_title, y_title, separators, height=height))
    figure.update_xaxes(unifiedhovertitle={"text": hover.title})
    if log_y:
        values = np.concatenate([np.ravel(item.values) for item in series])
        log_axis(figure, float(values.min()), float(values.max()))
    if y_range is not None:
        figure.update_yaxes(range=list(y_range))
    return figure


def density_against_histogram(
    bin_edges: np.ndarray,
    heights: np.ndarray,
    grid: np.ndarray,
    density: np.ndarray,
    *,
    copy_name: str,
    real_name: str,
    x_title: str,
    y_title: str,
    hover: Hover,
    separators: str = ".,",
    y_max: float | None = None,
) -> go.Figure:
    """One generation's histogram (bars) over the real density (an outline)."""
    centres = (bin_edges[:-1] + bin_edges[1:]) / 2
    template = hover.line + "<extra></extra>"
    figure = go.Figure(
        [
            go.Bar(
                x=centres,
                y=heights,
                width=np.diff(bin_edges),
                marker={"color": theme.SYNTHETIC, "line": {"width": 0}},
                opacity=0.75,
                name=copy_name,
                hovertemplate=template,
            ),
            go.Scatter(
                x=grid,
                y=density,
                mode="lines",
                line={"color": theme.REAL, "width": 2},
                name=real_name,
                hovertemplate=template,
            ),
        ]
    )
    figure.update_layout(compact_layout(x_title, y_title, separators, bargap=0))
    figure.update_xaxes(
        range=[float(bin_edges[0]), float(bin_edges[-1])],
        unifiedhovertitle={"text": hover.title},
    )
    if y_max is not None:
        figure.update_yaxes(range=[0, y_max])
    return figure


def fixation_histogram(
    bin_edges: np.ndarray,
    counts: np.ndarray,
    *,
    mean: float,
    theory: float,
    x_title: str,
    y_title: str,
    mean_name: str,
    theory_name: str,
    hover: str,
    separators: str = ".,",
) -> go.Figure:
    """How many runs needed so many generations to keep a single value (counts binned
    by ``lib.readers``), with two markers: the runs' average and the theory.

    ``hover`` is the bars' template; ``customdata`` holds each bin's first and last
    generation as ``%{customdata[0]}`` and ``%{customdata[1]}``.
    """
    low = np.ceil(bin_edges[:-1]).astype(int)
    high = np.maximum(np.ceil(bin_edges[1:]).astype(int) - 1, low)
    figure = go.Figure(
        go.Bar(
            x=(bin_edges[:-1] + bin_edges[1:]) / 2,
            y=counts,
            width=np.diff(bin_edges),
            customdata=np.stack([low, high], axis=1),
            marker={"color": theme.SYNTHETIC, "line": {"width": 0}},
            opacity=0.8,
            showlegend=False,
            hovertemplate=hover + "<extra></extra>",
        )
    )
    top = 1.0
    for value, name, color, dash in (
        (mean, mean_name, theme.SYNTHETIC, "solid"),
        (theory, theory_name, theme.THEORY, "dash"),
    ):
        figure.add_trace(
            go.Scatter(
                x=[value, value],
                y=[0, top],
                yaxis="y2",
                mode="lines",
                line={"color": color, "width": 3, "dash": dash},
                name=name,
                hoverinfo="skip",
            )
        )
    figure.update_layout(
        compact_layout(
            x_title,
            y_title,
            separators,
            bargap=0.05,
            hovermode="closest",
            yaxis2={"overlaying": "y", "range": [0, top], "visible": False},
        )
    )
    return figure


def projected(figure: go.Figure, *, height: int, font_size: int) -> go.Figure:
    """A copy of ``figure`` for the classroom projector: taller, larger type, black ticks
    and titles (the contrast a projector loses)."""
    large = go.Figure(figure)
    large.update_layout(
        height=height, font={"size": font_size}, legend={"font": {"size": font_size}}
    )
    black = {"size": font_size, "color": "#000000"}
    large.update_xaxes(tickfont=black, title_font=black)
    large.update_yaxes(tickfont=black, title_font=black)
    return large
