"""The mould's figures: pictures sent as small palette PNGs, played by the browser.

``picture_uri`` turns a darkness array into a data URI that a Plotly image trace shows;
``mould_figure`` is the Mould page's animation (the cast on the left, the share of detail
kept on the right, one frame a generation).
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from PIL import Image
from plotly.subplots import make_subplots

from lib.figures.theme import PALETTE, SYNTHETIC, THEORY, base_layout, play_controls

LEVELS = 16  # grey levels a picture is sent with: 4 bits a pixel
PAPER = (250, 247, 240)
BRONZE = (58, 40, 20)  # the darkest ink of a cast


def _palette(levels: int) -> list[int]:
    ramp = np.linspace(0.0, 1.0, levels)[:, None]
    colours = np.round(np.array(PAPER) + ramp * (np.array(BRONZE) - np.array(PAPER)))
    return colours.astype(int).ravel().tolist()


def picture_uri(darkness: np.ndarray, levels: int = LEVELS) -> str:
    """``(h, w)`` darkness in [0, 1] as a ``data:image/png;base64,...`` URI, quantised to
    ``levels`` shades from paper to bronze."""
    index = np.round(np.clip(darkness, 0.0, 1.0) * (levels - 1)).astype(np.uint8)
    image = Image.frombytes("P", index.shape[::-1], np.ascontiguousarray(index).tobytes())
    image.putpalette(_palette(levels))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True, bits=max(1, int(np.ceil(np.log2(levels)))))
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def image_trace(uri: str, size: int, name: str) -> go.Image:
    return go.Image(source=uri, x0=0, y0=0, dx=1, dy=1, name=name, hoverinfo="skip")


def image_axes(fig: go.Figure, size: int, row: int = 1, col: int = 1) -> None:
    """A picture's axes: hidden, square, the picture filling them."""
    fig.update_xaxes(visible=False, range=[-0.5, size - 0.5], row=row, col=col)
    fig.update_yaxes(
        visible=False,
        range=[size - 0.5, -0.5],
        scaleanchor="x" if col == 1 else f"x{col}",
        row=row,
        col=col,
    )


CONTROLS_MARGIN = 175  # px under the panels: axis labels, the slider, then Play/Pause


def stack_controls(controls: dict, panel_height: int) -> None:
    """The slider under the value axis across the whole width, the generation at its right,
    and Play/Pause under the slider: nothing overlaps, even 360 px wide.

    ``panel_height`` is the panels' height in px (figure height minus top and bottom
    margins); Plotly places controls in fractions of it."""
    slider, buttons = controls["sliders"][0], controls["updatemenus"][0]
    slider.update(x=0.0, len=1.0, y=-44 / panel_height, pad={"t": 0})
    slider["currentvalue"]["xanchor"] = "right"
    buttons.update(y=-(CONTROLS_MARGIN - 40) / panel_height)


def mould_figure(
    pictures: np.ndarray,
    detail: np.ndarray,
    expected: np.ndarray,
    *,
    detail_hover: Sequence[str],
    expected_hover: Sequence[str],
    picture_title: str,
    detail_title: str,
    detail_name: str,
    expected_name: str,
    generation_axis: str,
    detail_axis: str,
    percent_suffix: str,
    slider_prefix: str,
    play_label: str,
    pause_label: str,
    separators: str = ".,",
    frame_ms: int = 300,
) -> go.Figure:
    """The casts, one frame a generation, beside the share of detail they keep.

    ``pictures`` is ``(generations + 1, size, size)``; ``detail`` and ``expected`` are
    ``(generations + 1,)`` shares; the hover texts are the formatted values, one a point;
    ``separators`` are Plotly's decimal and thousands separators for the visitor's language.
    """
    size = pictures.shape[-1]
    generations = np.arange(len(pictures))
    uris = [picture_uri(p) for p in pictures]
    fig = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.5, 0.5],
        horizontal_spacing=0.08,
        subplot_titles=(picture_title, detail_title),
    )
    fig.add_trace(image_trace(uris[0], size, picture_title), row=1, col=1)
    fig.add_trace(
        go.Scatter(
            x=[0],
            y=[100 * detail[0]],
            mode="markers",
            marker={"size": 14, "color": PALETTE["orange"], "line": {"width": 1.5}},
            name=detail_name,
            showlegend=False,
            hoverinfo="skip",
        ),
        row=1,
        col=2,
    )
    fig.add_trace(
        go.Scatter(
            x=generations,
            y=100 * expected,
            mode="lines",
            line={"color": THEORY, "dash": "dash", "width": 2},
            name=expected_name,
            customdata=list(expected_hover),
            hovertemplate="%{customdata}<extra></extra>",
        ),
        row=1,
        col=2,
    )
    fig.add_trace(
        go.Scatter(
            x=generations,
            y=100 * detail,
            mode="lines",
            line={"color": SYNTHETIC, "width": 2.5},
            name=detail_name,
            customdata=list(detail_hover),
            hovertemplate="%{customdata}<extra></extra>",
        ),
        row=1,
        col=2,
    )
    image_axes(fig, size)
    top = max(100.0, 100 * float(np.max(detail))) * 1.05
    fig.update_xaxes(title_text=generation_axis, range=[0, len(pictures) - 1], row=1, col=2)
    fig.update_yaxes(
        title_text=detail_axis,
        range=[0, top],
        ticksuffix=percent_suffix,
        side="right",  # the title clear of the picture on a narrow screen
        row=1,
        col=2,
    )
    names = [str(n) for n in generations]
    fig.frames = [
        go.Frame(
            name=name,
            data=[
                image_trace(uri, size, picture_title),
                go.Scatter(x=[n], y=[100 * detail[n]]),
            ],
            traces=[0, 1],
        )
        for n, (name, uri) in enumerate(zip(names, uris, strict=True))
    ]
    controls = play_controls(
        names,
        play_label=play_label,
        pause_label=pause_label,
        slider_prefix=slider_prefix,
        frame_ms=frame_ms,
        redraw=True,
    )
    height, top_margin = 520, 72
    stack_controls(controls, height - top_margin - CONTROLS_MARGIN)
    fig.update_layout(
        **base_layout(
            hovermode="x unified",
            separators=separators,
            height=height,
            margin={"l": 16, "r": 16, "t": top_margin, "b": CONTROLS_MARGIN},
            # No legend: Plotly sizes it before the web font loads and clips its last
            # letters; the caption under the chart says which line is which.
            showlegend=False,
        ),
        **controls,
    )
    return fig
