"""Figures of the digits page: the animated grid of drawings with the judge's tally
beside it, and the two measures with their bands. Arrays and labels in, figures out."""

from __future__ import annotations

import base64
import io

import numpy as np
import plotly.graph_objects as go
from PIL import Image
from plotly.subplots import make_subplots

from lib.figures.theme import BAND, PALETTE, REAL, SYNTHETIC, base_layout, play_controls

UPSCALE = 4  # screen pixels per digit pixel, enlarged without smoothing
GRID_COLUMNS = 10
PAPER = 255  # grey level of blank paper; ink is darker
GUTTER = 225  # grey level of the lines between digits


def mosaic(gallery: np.ndarray, columns: int = GRID_COLUMNS) -> np.ndarray:
    """Digits (count, side, side) of ink levels 0–255 as one grey picture, dark ink on
    white paper, one gutter pixel around each digit."""
    count, side, _ = gallery.shape
    rows = -(-count // columns)
    picture = np.full((rows * (side + 1) + 1, columns * (side + 1) + 1), GUTTER, np.uint8)
    for index, digit in enumerate(gallery):
        row, column = divmod(index, columns)
        top, left = 1 + row * (side + 1), 1 + column * (side + 1)
        picture[top : top + side, left : left + side] = PAPER - digit
    return picture


def png_data_uri(picture: np.ndarray, upscale: int = UPSCALE) -> str:
    """A grey picture as a PNG data URI, each pixel a block of ``upscale`` × ``upscale``."""
    image = Image.fromarray(picture, mode="L")
    image = image.resize((image.width * upscale, image.height * upscale), Image.NEAREST)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def gallery_figure(
    gallery: np.ndarray,
    shares: np.ndarray,
    real_shares: np.ndarray,
    *,
    share_hover: list[list[str]],
    real_hover: list[str],
    grid_title: str,
    shares_title: str,
    digit_axis: str,
    share_axis: str,
    percent_suffix: str,
    drawn_name: str,
    real_name: str,
    slider_prefix: str,
    play_label: str,
    pause_label: str,
    frame_ms: int = 600,
    separators: str = ".,",
) -> go.Figure:
    """The drawings of each generation (left) and the judge's tally of them (right).

    gallery: (generations + 1, count, side, side) ink levels 0–255, ordered by digit;
    shares: (generations + 1, 10) percentage of each generation's drawings the judge
    takes for each digit; real_shares: (10,) the same for the real digits;
    share_hover: (generations + 1, 10) hover texts of the bars; real_hover: (10,).
    """
    pictures = [png_data_uri(mosaic(drawings)) for drawings in gallery]
    height, width = mosaic(gallery[0]).shape
    digits = [str(d) for d in range(shares.shape[1])]
    # Stacked, so that it reads the same on a phone and on a projector.
    figure = make_subplots(
        rows=2,
        cols=1,
        row_heights=[0.56, 0.44],
        vertical_spacing=0.1,
        subplot_titles=(grid_title, shares_title),
    )

    def traces(n: int) -> list[go.BaseTraceType]:
        return [
            go.Image(
                source=pictures[n],
                x0=0,
                y0=0,
                dx=1 / UPSCALE,
                dy=1 / UPSCALE,
                hoverinfo="skip",
                name=drawn_name,
            ),
            go.Bar(
                x=digits,
                y=shares[n],
                marker_color=SYNTHETIC,
                name=drawn_name,
                customdata=share_hover[n],
                hovertemplate="%{customdata}<extra></extra>",
            ),
        ]

    for trace, row in zip(traces(0), (1, 2), strict=True):
        figure.add_trace(trace, row=row, col=1)
    figure.add_trace(
        go.Scatter(
            x=digits,
            y=real_shares,
            mode="markers",
            marker={"symbol": "line-ew-open", "size": 22, "color": REAL, "line": {"width": 2}},
            name=real_name,
            customdata=real_hover,
            hovertemplate="%{customdata}<extra></extra>",
        ),
        row=2,
        col=1,
    )
    names = [str(n) for n in range(len(gallery))]
    figure.frames = [
        go.Frame(data=traces(n), traces=[0, 1], name=name) for n, name in enumerate(names)
    ]
    top = float(max(shares.max(), real_shares.max())) * 1.1
    figure.update_layout(
        **base_layout(
            hovermode="closest",
            height=800,
            showlegend=False,
            margin={"l": 64, "t": 48, "b": 160},
            separators=separators,
        ),
        **play_controls(
            names,
            play_label=play_label,
            pause_label=pause_label,
            slider_prefix=slider_prefix,
            frame_ms=frame_ms,
            redraw=True,
        ),
    )
    # Buttons on one line, the slider under them at full width: room for phones.
    figure.layout.updatemenus[0].update(y=-0.085)
    figure.layout.sliders[0].update(x=0, len=1, y=-0.135)
    figure.update_xaxes(visible=False, range=[0, width], row=1, col=1, constrain="domain")
    figure.update_yaxes(
        visible=False,
        range=[height, 0],
        row=1,
        col=1,
        scaleanchor="x",
        scaleratio=1,
        constrain="domain",
    )
    figure.update_xaxes(title_text=digit_axis, type="category", row=2, col=1)
    figure.update_yaxes(
        title_text=share_axis, range=[0, top], ticksuffix=percent_suffix, row=2, col=1
    )
    return figure


def _band(x: np.ndarray, low: np.ndarray, high: np.ndarray, name: str, first: bool):
    return go.Scatter(
        x=np.concatenate([x, x[::-1]]),
        y=np.concatenate([high, low[::-1]]),
        fill="toself",
        fillcolor=BAND,
        line={"width": 0},
        hoverinfo="skip",
        name=name,
        legendgroup="band",
        showlegend=first,
    )


def measures_figure(
    panels: list[tuple[np.ndarray, np.ndarray, np.ndarray, float, list[str]]],
    *,
    titles: list[str],
    generation_axis: str,
    percent_suffix: str,
    mean_name: str,
    band_name: str,
    real_name: str,
    separators: str = ".,",
) -> go.Figure:
    """Measures by generation, one panel each, in percent: the mean over replicas as a
    line, the range of the replicas as a band, the real digits' level as a dotted line.

    Each panel is ``(mean, low, high, real_level, hover)``, the arrays (generations + 1,),
    ``hover`` the mean's hover texts.
    """
    figure = make_subplots(rows=len(panels), cols=1, vertical_spacing=0.14, subplot_titles=titles)
    last = len(panels[0][0]) - 1
    generations = np.arange(last + 1)
    for row, (mean, low, high, real_level, hover) in enumerate(panels, start=1):
        first = row == 1
        figure.add_trace(_band(generations, low, high, band_name, first), row=row, col=1)
        figure.add_trace(
            go.Scatter(
                x=generations,
                y=mean,
                mode="lines+markers",
                marker={"size": 4},
                line={"color": SYNTHETIC, "width": 2.5},
                name=mean_name,
                legendgroup="mean",
                showlegend=first,
                customdata=hover,
                hovertemplate="%{customdata}<extra></extra>",
            ),
            row=row,
            col=1,
        )
        figure.add_trace(
            go.Scatter(
                x=[0, last],
                y=[real_level, real_level],
                mode="lines",
                line={"color": REAL, "width": 1.5, "dash": "dot"},
                name=real_name,
                legendgroup="real",
                showlegend=first,
                hoverinfo="skip",
            ),
            row=row,
            col=1,
        )
    figure.update_layout(
        **base_layout(
            hovermode="closest",
            separators=separators,
            height=300 * len(panels) + 100,
            margin={"l": 64, "t": 100},
            legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "top", "yref": "container"},
        )
    )
    figure.update_xaxes(title_text=generation_axis, range=[0, last])
    figure.update_yaxes(range=[0, 105], ticksuffix=percent_suffix)
    figure.update_annotations(font_color=PALETTE["black"])
    return figure
