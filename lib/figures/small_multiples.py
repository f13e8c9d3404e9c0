"""Still pictures of chosen generations side by side, instead of an animation (for visitors
who asked their system for reduced motion, or who prefer to compare at a glance).

Two doors to the same grid: ``small_multiples`` takes the arrays a histogram animation is
made of; ``from_animation`` takes an animated figure and lays out its own frames, so any
page's animation has a still version drawn from exactly the same numbers.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lib.figures import theme

MAX_COLUMNS = 3


def key_generations(last: int, count: int = 6) -> list[int]:
    """``count`` generations spread evenly from 0 to ``last``, both ends included."""
    if last <= 0:
        return [0]
    count = max(2, min(count, last + 1))
    return sorted({round(i * last / (count - 1)) for i in range(count)})


def _grid(cells: int, columns: int | None = None) -> tuple[int, int]:
    columns = columns or min(MAX_COLUMNS, cells)
    return math.ceil(cells / columns), columns


def small_multiples(
    centers: np.ndarray,
    heights: np.ndarray,
    generations: Sequence[int],
    *,
    titles: Sequence[str],
    real_density: np.ndarray | None = None,
    real_name: str = "",
    synthetic_name: str = "",
) -> go.Figure:
    """One small histogram a chosen generation, sharing the axes.

    ``centers``: bin centres, shape (bins,); ``heights``: bar heights, shape
    (generations + 1, bins); ``real_density``: the real distribution on the same
    centres, drawn as an outline in every panel; ``titles``: one a chosen generation.
    """
    rows, columns = _grid(len(generations))
    fig = make_subplots(
        rows=rows,
        cols=columns,
        subplot_titles=list(titles),
        shared_xaxes=True,
        shared_yaxes=True,
        horizontal_spacing=0.04,
        vertical_spacing=0.12,
    )
    width = float(np.median(np.diff(centers))) if len(centers) > 1 else 1.0
    for index, generation in enumerate(generations):
        row, col = divmod(index, columns)
        fig.add_bar(
            x=centers,
            y=heights[generation],
            width=width,
            marker={"color": theme.SYNTHETIC, "line": {"width": 0}},
            name=synthetic_name,
            showlegend=index == 0 and bool(synthetic_name),
            row=row + 1,
            col=col + 1,
        )
        if real_density is not None:
            fig.add_scatter(
                x=centers,
                y=real_density,
                mode="lines",
                line={"color": theme.REAL, "width": 1.5},
                name=real_name,
                showlegend=index == 0 and bool(real_name),
                row=row + 1,
                col=col + 1,
            )
    fig.update_layout(
        **theme.base_layout(
            bargap=0,
            height=_height(rows),
            legend={"orientation": "h", "x": 0, "y": 1, "yref": "container", "yanchor": "top"},
            margin={"l": 48, "r": 16, "t": 72, "b": 40},
        )
    )
    return fig


def _merge(base: dict, update: dict) -> dict:
    """Plotly's frame semantics: a frame's attributes overwrite the trace's, nested
    dictionaries merging key by key."""
    merged = copy.deepcopy(base)
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def traces_at(fig: go.Figure, index: int) -> list[dict]:
    """Every trace of ``fig`` as it looks at frame ``index`` (base traces with the frame's
    data applied, as plotly.js would show it), as plain dictionaries."""
    traces = [trace.to_plotly_json() for trace in fig.data]
    frame = fig.frames[index]
    targets = list(frame.traces) if frame.traces is not None else range(len(frame.data))
    for target, data in zip(targets, frame.data, strict=False):
        if target < len(traces):
            traces[target] = _merge(traces[target], data.to_plotly_json())
    return traces


def frame_labels(fig: go.Figure) -> list[str]:
    """The slider's label of each frame (else, unlabelled, the frame's name)."""
    names = [str(frame.name) for frame in fig.frames]
    sliders = fig.layout.sliders
    if sliders and sliders[0].steps and len(sliders[0].steps) == len(names):
        return [str(step.label or name) for step, name in zip(sliders[0].steps, names, strict=True)]
    return names


def _has_legend(trace: dict) -> bool:
    kind = trace.get("type", "scatter")
    return "showlegend" in getattr(go, kind[:1].upper() + kind[1:])()._valid_props


def _axis_pairs(traces: list[dict]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for trace in traces:
        pair = (trace.get("xaxis", "x"), trace.get("yaxis", "y"))
        if pair not in pairs:
            pairs.append(pair)
    return pairs


def _axis_name(axis: str, letter: str) -> str:
    """``x2`` -> ``xaxis2``; ``x`` -> ``xaxis``."""
    return f"{letter}axis{axis[1:]}"


def from_animation(fig: go.Figure, frames: Sequence[int], titles: Sequence[str]) -> go.Figure:
    """The chosen frames of an animated figure, as still panels in a grid.

    A figure drawn on one pair of axes gives one panel a frame (up to three a row); a
    figure with several panels (the story's mould and histogram) gives one row a frame.
    The axes keep the animation's ranges, so the panels compare at a glance.
    """
    pairs = _axis_pairs(traces_at(fig, frames[0])) if fig.frames else [("x", "y")]
    if len(pairs) > 1:
        rows, columns = len(frames), len(pairs)
    else:
        rows, columns = _grid(len(frames))
    grid = make_subplots(
        rows=rows,
        cols=columns,
        horizontal_spacing=0.05,
        vertical_spacing=min(0.12, 0.5 / max(rows, 1)),
    )
    source = fig.layout.to_plotly_json()
    annotations = []
    for index, frame in enumerate(frames):
        traces = traces_at(fig, frame) if fig.frames else [t.to_plotly_json() for t in fig.data]
        for trace in traces:
            pair = (trace.get("xaxis", "x"), trace.get("yaxis", "y"))
            cell = index * len(pairs) + pairs.index(pair) if pair in pairs else index
            row, col = divmod(cell, columns)
            trace = dict(trace)
            trace.pop("xaxis", None)
            trace.pop("yaxis", None)
            if _has_legend(trace):  # pictures (image traces) have no legend entry
                trace["showlegend"] = index == 0 and trace.get("showlegend", True) is not False
            grid.add_trace(trace, row=row + 1, col=col + 1)
            axis_x = grid.get_subplot(row + 1, col + 1).xaxis
            axis_y = grid.get_subplot(row + 1, col + 1).yaxis
            for axis, original in ((axis_x, pair[0]), (axis_y, pair[1])):
                settings = source.get(_axis_name(original, original[0]), {})
                for name in ("range", "autorange", "type", "showgrid", "visible"):
                    if name in settings:
                        axis[name] = settings[name]
            if source.get(_axis_name(pair[1], "y"), {}).get("scaleanchor"):
                # a square picture stays square: anchored to its own panel's x axis
                axis_y.scaleanchor = axis_x.plotly_name.replace("axis", "")
        first_row, first_col = divmod(index * len(pairs), columns)
        domain_x = grid.get_subplot(first_row + 1, first_col + 1).xaxis.domain
        domain_y = grid.get_subplot(first_row + 1, first_col + 1).yaxis.domain
        annotations.append(
            {
                "text": f"<b>{titles[index]}</b>",
                "x": domain_x[0],
                "y": domain_y[1],
                "xref": "paper",
                "yref": "paper",
                "xanchor": "left",
                "yanchor": "bottom",
                "showarrow": False,
            }
        )
    layout = theme.base_layout(
        height=_height(rows),
        annotations=annotations,
        # the legend sits in the figure's top margin, above the panels' titles
        legend={"orientation": "h", "x": 0, "y": 1, "yref": "container", "yanchor": "top"},
        margin={"l": 48, "r": 16, "t": 72, "b": 40},
    )
    for name in ("barmode", "bargap", "separators"):
        if name in source:
            layout[name] = source[name]
    grid.update_layout(**layout)
    return grid


def _height(rows: int) -> int:
    return 120 + 200 * rows
