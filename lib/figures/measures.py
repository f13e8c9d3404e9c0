"""One measure of the laboratory (spread, tail mass or distance) over the generations:
the median over replicas, their 10–90 % band, the mean as a dashed line, the run shown in
the main chart, and the theory curve where a closed form exists.

A panel is a figure of its own, so that the page can lay three of them side by side on a
wide screen and one under the other on a phone.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from lib.figures.theme import BAND, PALETTE, SYNTHETIC, THEORY, base_layout

SIGNIFICANT = 3  # digits kept in every value sent to the browser
LEGEND_ROOM = 180  # px under the axis for the legend: six entries, one a line in a narrow panel


@dataclass(frozen=True)
class MeasureLines:
    """What one panel draws, every array ``(points,)`` over the same generations."""

    median: np.ndarray
    low: np.ndarray  # 10 % quantile over replicas
    high: np.ndarray  # 90 % quantile over replicas
    mean: np.ndarray
    shown: np.ndarray  # the replica drawn in the main chart
    theory: np.ndarray | None = None  # the closed form of the mean
    theory_typical: np.ndarray | None = None  # the closed form of the typical (median) run


def _scatter(**props) -> dict:
    """A line trace as a plain dict: the figure validates it once (a ``go.Scatter``
    would be validated again when the figure adopts it)."""
    return {"type": "scatter", **props}


def _short(values: np.ndarray) -> list[float | None]:
    """Values rounded to ``SIGNIFICANT`` significant digits, as a plain list."""
    out: list[float | None] = []
    for value in np.asarray(values, dtype=float):
        if not np.isfinite(value):
            out.append(None)
        elif value == 0:
            out.append(0.0)
        else:
            digits = SIGNIFICANT - 1 - int(np.floor(np.log10(abs(value))))
            out.append(round(float(value), digits))
    return out


def measure_figure(
    generations: np.ndarray,
    lines: MeasureLines,
    *,
    title: str,
    labels: dict[str, str],
    reference: float | None = None,
    suffix: str = "",
    show_legend: bool = True,
    separators: str = ".,",
    height: int = 340,
) -> go.Figure:
    """One measure over the generations.

    Parameters
    ----------
    generations : (points,) x values.
    lines : the curves, in the unit the axis shows (e.g. percent).
    labels : ``median``, ``band``, ``mean``, ``shown``, ``x``, and ``theory`` and
        ``theory_typical`` where those curves are given.
    reference : a horizontal line for the real world's own value (e.g. 100 % spread).
    suffix : appended to tick labels and hover values (``%``, or `` %`` in French).
    """
    x = [int(g) for g in generations]
    hover = "%{y:.3~g}" + suffix
    traces = [
        _scatter(
            x=x,
            y=_short(lines.high),
            mode="lines",
            line={"width": 0},
            legendgroup="band",
            showlegend=False,
            hoverinfo="skip",
        ),
        _scatter(
            x=x,
            y=_short(lines.low),
            mode="lines",
            line={"width": 0},
            fill="tonexty",
            fillcolor=BAND,
            name=labels["band"],
            legendgroup="band",
            hoverinfo="skip",
        ),
        _scatter(
            x=x,
            y=_short(lines.median),
            mode="lines",
            line={"color": SYNTHETIC, "width": 2.5},
            name=labels["median"],
            hovertemplate=hover,
        ),
        _scatter(
            x=x,
            y=_short(lines.mean),
            mode="lines",
            line={"color": SYNTHETIC, "width": 1.5, "dash": "dash"},
            name=labels["mean"],
            hovertemplate=hover,
        ),
        _scatter(
            x=x,
            y=_short(lines.shown),
            mode="lines",
            line={"color": PALETTE["orange"], "width": 1.2},
            name=labels["shown"],
            hovertemplate=hover,
        ),
    ]
    for curve, dash, label in (
        (lines.theory, "dot", "theory"),
        (lines.theory_typical, "dashdot", "theory_typical"),
    ):
        if curve is not None:
            traces.append(
                _scatter(
                    x=x,
                    y=_short(curve),
                    mode="lines",
                    line={"color": THEORY, "width": 2, "dash": dash},
                    name=labels[label],
                    hovertemplate=hover,
                )
            )
    shapes = []
    if reference is not None:
        shapes.append(
            {
                "type": "line",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "y0": reference,
                "y1": reference,
                "line": {"color": PALETTE["grey"], "width": 1, "dash": "longdash"},
            }
        )
    figure = go.Figure(
        data=traces,
        layout=base_layout(
            title={"text": title, "x": 0, "xanchor": "left"},
            xaxis={"title": {"text": labels["x"]}, "rangemode": "tozero"},
            yaxis={"ticksuffix": suffix, "rangemode": "tozero"},
            shapes=shapes,
            showlegend=show_legend,
            # The legend sits in the bottom margin, anchored to the figure's own bottom:
            # under the axis title, however many lines a narrow panel wraps it into.
            legend={
                "orientation": "h",
                "yref": "container",
                "y": 0,
                "yanchor": "bottom",
                "x": 0,
            },
            height=height + (LEGEND_ROOM if show_legend else 0),
            # Fixed margins: the three panels side by side keep plots of one height.
            margin={
                "l": 56,
                "r": 16,
                "t": 48,
                "b": 56 + (LEGEND_ROOM if show_legend else 0),
                "autoexpand": False,
            },
            separators=separators,
        ),
    )
    return figure
