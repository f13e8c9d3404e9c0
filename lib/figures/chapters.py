"""The Story's chapter figures: small, light animations the browser plays while in view.

Each builder takes arrays and labels and returns a ``go.Figure``; none computes a
statistic. Three shapes serve the six chapters: lines that draw themselves generation by
generation (``lines_figure``), a rank–frequency curve whose tail is cut
(``rank_frequency_figure``) and a sheet of drawings that blur (``drawings_figure``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from lib.figures.mould import image_trace
from lib.figures.theme import REAL, SYNTHETIC, base_layout, play_controls

HEIGHT = 340  # px: a chapter's figure stays small beside its text
FRAME_MS = 350
TOP = 40  # px above the panel: the legend
AXIS = 22  # px under the panel taken by the tick labels (and as much again by a title)
CONTROLS = 100  # px under the axis: Play / Pause, then the slider


@dataclass(frozen=True)
class Line:
    """One line of a ``lines_figure``: ``y`` has one value a generation."""

    y: np.ndarray  # (generations + 1,)
    name: str
    color: str = SYNTHETIC
    dash: str = "solid"
    hover: str = ""  # Plotly hover template; empty: none


@dataclass(frozen=True)
class Labels:
    """What every chapter figure says: axes, slider, buttons, number format."""

    x_axis: str
    y_axis: str
    slider_prefix: str
    play: str
    pause: str
    separators: str


def _controls(
    fig: go.Figure, names: Sequence[str], labels: Labels, height: int, axis: int = AXIS
) -> None:
    """Play / Pause under the axis (``axis`` px of tick labels and title), the slider
    across the width under them, the generation's number at its right: nothing overlaps,
    even 328 px wide."""
    controls = play_controls(
        list(names),
        play_label=labels.play,
        pause_label=labels.pause,
        slider_prefix=labels.slider_prefix,
        frame_ms=FRAME_MS,
        redraw=False,
    )
    bottom = axis + CONTROLS
    panel = height - TOP - bottom
    slider, buttons = controls["sliders"][0], controls["updatemenus"][0]
    buttons.update(y=-(axis + 4) / panel)
    slider.update(x=0.0, len=1.0, y=-(axis + 40) / panel, pad={"t": 0})
    slider["currentvalue"]["xanchor"] = "right"
    fig.update_layout(
        **base_layout(
            height=height,
            hovermode="x unified",
            separators=labels.separators,
            margin={"l": 56, "r": 12, "t": TOP, "b": bottom},
            legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
        ),
        **controls,
    )


def lines_figure(
    generations: np.ndarray,
    lines: Sequence[Line],
    steps: Sequence[int],
    labels: Labels,
    *,
    y_range: tuple[float, float] | None = None,
    y_log: bool = False,
    y_format: str = "",
) -> go.Figure:
    """Lines over generations that draw themselves: frame k shows generations
    0..``steps[k]``. ``generations`` is ``(generations + 1,)``; the frames carry only the
    lines' points up to their step."""
    # Plain lists, not arrays: Plotly turns each array into a typed-array spec on every
    # page run, and these are many small ones (a line a frame).
    x = np.asarray(generations).tolist()
    ys = [np.round(line.y, 4).tolist() for line in lines]
    fig = go.Figure()
    for line, y in zip(lines, ys, strict=True):
        fig.add_trace(
            go.Scatter(
                x=x[: steps[0] + 1],
                y=y[: steps[0] + 1],
                mode="lines",
                name=line.name,
                line={"color": line.color, "dash": line.dash, "width": 2.5},
                hovertemplate=(line.hover + "<extra></extra>") if line.hover else None,
                hoverinfo=None if line.hover else "skip",
            )
        )
    fig.frames = [
        go.Frame(
            name=str(int(x[step])),
            data=[go.Scatter(x=x[: step + 1], y=y[: step + 1]) for y in ys],
            traces=list(range(len(lines))),
        )
        for step in steps
    ]
    # No x-axis title: the slider under it says "Generation n".
    fig.update_xaxes(range=[float(x[0]), float(x[-1])])
    axis = {"title_text": labels.y_axis, "tickformat": y_format}
    if y_log:
        axis["type"] = "log"
    if y_range is not None:
        axis["range"] = list(y_range)
    fig.update_yaxes(**axis)
    _controls(fig, [str(int(x[s])) for s in steps], labels, HEIGHT)
    return fig


def rank_frequency_figure(
    ranks: np.ndarray,
    real_curve: np.ndarray,
    model_curves: np.ndarray,
    generations: Sequence[int],
    labels: Labels,
    *,
    real_name: str,
    model_name: str,
    hover: str,
) -> go.Figure:
    """Zipf's curve of the real words (outline) and of the model at each shown generation,
    on log axes. ``model_curves`` is ``(frames, ranks)``, NaN past the words it still
    knows: the curve's tail is cut where the model has lost its rare words."""
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=ranks,
            y=_significant(real_curve),
            mode="lines",
            name=real_name,
            line={"color": REAL, "width": 1.5},
            hoverinfo="skip",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=ranks,
            y=_significant(model_curves[0]),
            mode="lines",
            name=model_name,
            line={"color": SYNTHETIC, "width": 3},
            hovertemplate=hover + "<extra></extra>",
        )
    )
    fig.frames = [
        go.Frame(name=str(g), data=[go.Scatter(y=_significant(curve))], traces=[1])
        for g, curve in zip(generations, model_curves, strict=True)
    ]
    positive = real_curve[real_curve > 0]
    fig.update_xaxes(
        type="log", title_text=labels.x_axis, range=[0, np.log10(float(ranks[-1])) + 0.05]
    )
    fig.update_yaxes(
        type="log",
        title_text=labels.y_axis,
        range=[np.log10(float(positive.min())) - 0.3, np.log10(float(positive.max())) + 0.2],
        exponentformat="power",
    )
    _controls(fig, [str(g) for g in generations], labels, HEIGHT + 20, axis=2 * AXIS)
    fig.update_layout(hovermode="closest")
    return fig


def drawings_figure(
    uris: Sequence[str],
    width: int,
    height: int,
    generations: Sequence[int],
    labels: Labels,
) -> go.Figure:
    """A sheet of drawings (PNG data URIs of ``width`` × ``height`` px, one a shown
    generation) that the frames swap: the same places on the sheet, later generations."""
    fig = go.Figure(image_trace(uris[0], width, ""))
    fig.frames = [
        go.Frame(name=str(g), data=[image_trace(uri, width, "")], traces=[0])
        for g, uri in zip(generations, uris, strict=True)
    ]
    fig.update_xaxes(visible=False, range=[-0.5, width - 0.5])
    fig.update_yaxes(visible=False, range=[height - 0.5, -0.5], scaleanchor="x")
    _controls(fig, [str(g) for g in generations], labels, 280, axis=0)
    fig.update_layout(margin={"l": 4, "r": 4, "t": TOP, "b": CONTROLS}, showlegend=False)
    for frame in fig.frames:
        frame.data[0].hoverinfo = "skip"
    play = fig.layout.updatemenus[0].buttons[0]
    play.args[1]["frame"]["redraw"] = True  # pictures need a redraw to change
    for step in fig.layout.sliders[0].steps:
        step.args[1]["frame"]["redraw"] = True
    return fig


def _significant(values: np.ndarray, digits: int = 3) -> list[float | None]:
    """Values rounded to ``digits`` significant figures (NaN as a gap): a lighter page."""
    out: list[float | None] = []
    for value in np.asarray(values, dtype=float):
        out.append(None if not np.isfinite(value) else float(f"{value:.{digits}g}"))
    return out
