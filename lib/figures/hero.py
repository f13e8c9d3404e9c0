"""The Story's hero: one animated figure where, generation by generation, the cast of the
medal (left) and the histogram of the data (right) degrade together.

Each frame holds one generation of both loops (the Story picks which: more early, where
the picture changes most): the picture as a small palette PNG and the bar heights. The real
density stays drawn as an outline, so the narrowing shows against it.

Two layouts travel with the figure: side by side (the figure's own) and stacked, the
picture above the histogram, in ``layout.meta`` for the page's script to apply where the
chart is narrower than ``meta["narrow_below"]`` px (Plotly has no responsive subplots).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lib.figures.mould import (
    CONTROLS_MARGIN,
    image_axes,
    image_trace,
    picture_uri,
    stack_controls,
)
from lib.figures.theme import REAL, SYNTHETIC, base_layout, play_controls

MERGE = 4  # engine bins per displayed bar: a histogram of a few dozen draws reads better


def display_bins(bin_edges: np.ndarray, densities: np.ndarray, merge: int = MERGE):
    """Wider bars for display: ``merge`` neighbouring bins become one (the last bar is
    padded with empty bins). Densities are averaged, so the area stays 1.

    ``densities`` is ``(frames, bins)``; returns ``(centres, widths, heights)``.
    """
    frames, bins = densities.shape
    pad = -bins % merge
    width = bin_edges[1] - bin_edges[0]
    edges = np.concatenate([bin_edges, bin_edges[-1] + width * np.arange(1, pad + 1)])
    heights = np.pad(densities, ((0, 0), (0, pad))).reshape(frames, -1, merge).mean(axis=2)
    wide = edges[::merge]
    return (wide[:-1] + wide[1:]) / 2, np.diff(wide), heights


def hero_figure(
    pictures: np.ndarray,
    bin_edges: np.ndarray,
    histograms: np.ndarray,
    real_x: np.ndarray,
    real_density: np.ndarray,
    *,
    picture_title: str,
    histogram_title: str,
    data_name: str,
    real_name: str,
    value_axis: str,
    density_axis: str,
    bar_hover: str,
    separators: str,
    slider_prefix: str,
    play_label: str,
    pause_label: str,
    meta: str,
    generations: Sequence[int] | None = None,
    frame_ms: int = 420,
) -> go.Figure:
    """``pictures`` ``(frames, size, size)`` darkness; ``histograms`` ``(frames, bins)``
    densities on ``bin_edges``; ``generations`` ``(frames,)`` the generation each frame
    shows (default 0, 1, 2, ...); the real density sampled at ``real_x``. ``bar_hover`` is
    a Plotly hover template; ``meta`` names this figure (the page's autoplay plays each
    figure once)."""
    size = pictures.shape[-1]
    if generations is None:
        generations = range(len(pictures))
    centres, widths, heights = display_bins(bin_edges, histograms)
    heights = np.round(heights, 3)
    uris = [picture_uri(p) for p in pictures]
    fig = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.45, 0.55],
        horizontal_spacing=0.06,
        subplot_titles=(picture_title, histogram_title),
    )
    fig.add_trace(image_trace(uris[0], size, picture_title), row=1, col=1)
    fig.add_trace(
        go.Bar(
            x=np.round(centres, 4),
            y=heights[0],
            width=np.round(widths, 4),
            marker={"color": SYNTHETIC, "line": {"width": 0}},
            name=data_name,
            hovertemplate=bar_hover + "<extra></extra>",
        ),
        row=1,
        col=2,
    )
    fig.add_trace(
        go.Scatter(
            x=np.round(real_x, 3),
            y=np.round(real_density, 4),
            mode="lines",
            line={"color": REAL, "width": 2},
            name=real_name,
            hoverinfo="skip",
        ),
        row=1,
        col=2,
    )
    image_axes(fig, size)
    top = 1.05 * max(float(heights.max()), float(np.max(real_density)))
    fig.update_xaxes(
        title_text=value_axis, range=[float(bin_edges[0]), float(bin_edges[-1])], row=1, col=2
    )
    # The density axis on the right, its title clear of the picture on a narrow screen.
    fig.update_yaxes(title_text=density_axis, range=[0, top], side="right", row=1, col=2)
    names = [str(n) for n in generations]
    fig.frames = [
        go.Frame(
            name=name,
            data=[image_trace(uri, size, picture_title), go.Bar(y=bars)],
            traces=[0, 1],
        )
        for name, uri, bars in zip(names, uris, heights, strict=True)
    ]
    controls = play_controls(
        names,
        play_label=play_label,
        pause_label=pause_label,
        slider_prefix=slider_prefix,
        frame_ms=frame_ms,
        redraw=True,
    )
    height, top_margin = HEIGHT, 72
    stack_controls(controls, height - top_margin - CONTROLS_MARGIN)
    fig.update_layout(
        **base_layout(
            hovermode="closest",
            height=height,
            bargap=0.05,
            separators=separators,
            margin={"l": 16, "r": 16, "t": top_margin, "b": CONTROLS_MARGIN},
            # No legend: Plotly sizes it before the web font loads and clips its last
            # letters; the caption names the bars and the line, their hover texts too.
            showlegend=False,
        ),
        **controls,
    )
    narrow = stacked_layout()
    fig.update_layout(
        meta={
            "name": meta,
            "play": "once",
            "narrow_below": NARROW_BELOW,
            "narrow": narrow,
            "wide": {key: _read(fig.layout, key) for key in narrow},
        }
    )
    return fig


def _read(layout: go.Layout, path: str):
    """The value at a ``Plotly.relayout`` path (``"annotations[0].x"``, ``"margin.t"``)."""
    node = layout
    for part in path.split("."):
        name, _, index = part.partition("[")
        node = node[name]
        if index:
            node = node[int(index.rstrip("]"))]
    return node.to_plotly_json() if hasattr(node, "to_plotly_json") else node


# Both layouts have the same height: a relayout that changed it made the page resize the
# chart in the middle of the relayout (plotly.js then threw on its missing calcdata).
HEIGHT = 500  # px
NARROW_BELOW = 560  # px of chart width under which the panels stack
# Stacked (a phone): picture, histogram, then the slider and Play, in px; they add up to
# HEIGHT.
STACKED = {"top": 28, "picture": 200, "gap": 28, "histogram": 114, "bottom": 130}


def stacked_layout() -> dict:
    """The relayout that stacks the picture above the histogram: domains, titles, margins
    and the controls (placed in fractions of the panels' height), as Plotly.relayout keys.
    The picture keeps its square (``scaleanchor``) and centres in the full width."""
    px = STACKED
    panels = px["picture"] + px["gap"] + px["histogram"]
    histogram_top = px["histogram"] / panels
    picture_bottom = (px["histogram"] + px["gap"]) / panels
    return {
        "margin.t": px["top"],
        "margin.b": px["bottom"],
        "xaxis.domain": [0, 1],
        "yaxis.domain": [round(picture_bottom, 4), 1],
        "xaxis2.domain": [0, 1],
        "yaxis2.domain": [0, round(histogram_top, 4)],
        # Axis titles would eat the narrow width; the caption says what the axes are.
        "xaxis2.title.text": "",
        "yaxis2.title.text": "",
        "annotations[0].x": 0.5,
        "annotations[0].y": 1,
        "annotations[1].x": 0.5,
        "annotations[1].y": round(histogram_top, 4),
        # Play / Pause on the left of the generation's number, the slider under both.
        "updatemenus[0].y": round(-26 / panels, 4),
        "sliders[0].y": round(-62 / panels, 4),
    }
