"""The laboratory's main chart: the histogram of generation n over the real density,
animated in the browser (one Plotly frame a generation shown, no server loop).

Size matters (the page is embedded in articles and read on phones): the bin positions
are sent once, in the base trace; each frame carries only the bar heights, rounded to
what the eye can tell apart on the fixed axis, and its title.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from lib.figures.theme import REAL, SYNTHETIC, base_layout, play_controls

MAX_FRAMES = 151  # with more generations than this, frames skip evenly (the last always kept)
HEIGHT_RESOLUTION = 1_000  # bar heights are rounded to 1/1000 of the y axis
MAX_ZOOM = 4.0  # the y axis stops at this many times the real density's peak
LABELLED_STEPS = 25  # beyond this many frames the slider's step labels are hidden


def frame_generations(generations: int, max_frames: int = MAX_FRAMES) -> np.ndarray:
    """The generations that get a frame: all of 0..generations when they fit in
    ``max_frames``, else evenly spaced ones that always include 0 and the last."""
    if generations + 1 <= max_frames:
        return np.arange(generations + 1)
    picked = np.round(np.linspace(0, generations, max_frames)).astype(int)
    return np.unique(picked)


def y_ceiling(heights: np.ndarray, density_peak: float) -> float:
    """A fixed top for the y axis: the tallest bar, but never more than ``MAX_ZOOM``
    times the real density's peak (a collapsed run's spike is then cut by the top)."""
    tallest = float(np.max(heights)) if heights.size else 0.0
    return 1.05 * max(density_peak, min(tallest, MAX_ZOOM * density_peak))


def _rounded(values: np.ndarray, step: float) -> list[float]:
    """Heights as a plain list with the fewest decimals that resolve ``step`` (short JSON,
    no binary blob); each is within half a step of the true height."""
    decimals = max(0, int(np.ceil(-np.log10(step))))
    return [round(float(v), decimals) for v in np.asarray(values, dtype=float)]


def histogram_figure(
    bin_edges: np.ndarray,
    heights: np.ndarray,
    frame_names: Sequence[str],
    titles: Sequence[str],
    density_x: np.ndarray,
    density_y: np.ndarray,
    *,
    y_max: float,
    labels: dict[str, str],
    separators: str = ".,",
) -> go.Figure:
    """An animated histogram over a fixed outline.

    Parameters
    ----------
    bin_edges : (bins + 1,) fixed edges, the same for every frame.
    heights : (frames, bins) density of each frame's data.
    frame_names, titles : one per frame: the slider's label and the chart title.
    density_x, density_y : the real density, drawn as an outline.
    y_max : the fixed top of the y axis.
    labels : ``synthetic``, ``real``, ``x``, ``y``, ``play``, ``pause``, ``slider``, and
        ``hover``, the bars' hover template in the visitor's language.
    separators : Plotly's decimal and thousands separators for the visitor's language.
    """
    heights = np.asarray(heights, dtype=float)
    edges = np.asarray(bin_edges, dtype=float)
    centres = 0.5 * (edges[:-1] + edges[1:])
    step = y_max / HEIGHT_RESOLUTION
    names = [str(name) for name in frame_names]
    # Plain dicts: the figure validates them once (see the frames below).
    bars = dict(
        type="bar",
        x=[round(float(c), 4) for c in centres],
        y=_rounded(heights[0], step),
        width=[round(float(w), 4) for w in np.diff(edges)],
        name=labels["synthetic"],
        marker={"color": SYNTHETIC, "line": {"width": 0}},
        opacity=0.75,
        hovertemplate=labels.get("hover", "%{x:.2f}: %{y:.3f}") + "<extra></extra>",
    )
    outline = dict(
        type="scatter",
        x=[round(float(v), 4) for v in density_x],
        y=[round(float(v), 4) for v in density_y],
        mode="lines",
        name=labels["real"],
        line={"color": REAL, "width": 2},
        hoverinfo="skip",
    )
    # Plain dicts, not ``go.Frame``: the figure validates its frames anyway, and a
    # ``go.Frame`` would be validated twice (five times the cost of a redraw).
    frames = [
        {
            "name": name,
            # The outline rides along empty: plotly.js removes a scatter trace that a
            # frame leaves out when the frame redraws its subplot without a full redraw.
            "data": [{"type": "bar", "y": _rounded(row, step)}, {"type": "scatter"}],
            "traces": [0, 1],
            "layout": {"title": {"text": title}},
        }
        for name, title, row in zip(names, titles, heights, strict=True)
    ]
    controls = play_controls(
        names,
        play_label=labels["play"],
        pause_label=labels["pause"],
        slider_prefix=labels["slider"],
        frame_ms=max(40, min(150, 6_000 // max(1, len(names)))),
        redraw=True,  # the frame's title is drawn only on a redraw
    )
    # Three rows under the axis, so that nothing overlaps on a phone: the buttons, then
    # the slider's current value, then the slider across the whole width.
    controls["updatemenus"][0].update(x=0, y=-0.22, yanchor="top")
    slider = controls["sliders"][0]
    slider.update(x=0, len=1, y=-0.36, yanchor="top", pad={"t": 0, "b": 0})
    slider["currentvalue"].update(xanchor="left", font={"size": 14, "color": "#1B1F24"})
    bottom = 190
    if len(names) > LABELLED_STEPS:
        # Too many steps to label: the frame's title names the generation. Unlabelled steps
        # and no current-value line also spare plotly.js measuring two texts a step before
        # the first paint (70 of the 210 ms of a cold draw with 101 frames, in Chromium).
        for step_spec in slider["steps"]:
            step_spec["label"] = ""
        slider["currentvalue"] = {"visible": False}
        slider.update(ticklen=3, minorticklen=0)
        bottom = 150
    layout = base_layout(
        # The title at the top of the figure, the legend over the plot: on a phone the
        # legend takes two lines, which would run over a title placed between them.
        title={
            "text": titles[0],
            "x": 0,
            "xanchor": "left",
            "y": 1,
            "yref": "container",
            "yanchor": "top",
            "pad": {"t": 10},
        },
        xaxis={
            "title": {"text": labels["x"]},
            "range": [float(edges[0]), float(edges[-1])],
            "fixedrange": True,
        },
        yaxis={"title": {"text": labels["y"]}, "range": [0, y_max], "fixedrange": True},
        bargap=0,
        hovermode="closest",
        height=520,
        margin={"l": 56, "r": 16, "t": 88, "b": bottom},
        separators=separators,
        **controls,
    )
    return go.Figure(data=[bars, outline], frames=frames, layout=layout)
