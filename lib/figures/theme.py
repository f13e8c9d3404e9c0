"""The look every figure shares: the Okabe–Ito palette (safe for colour-blind visitors),
one font, quiet axes, and the Play/Pause controls of an animated figure."""

from __future__ import annotations

import plotly.graph_objects as go

# Okabe & Ito (2008), "Color Universal Design".
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
    "grey": "#7F7F7F",
}
REAL = PALETTE["black"]  # the real world, always drawn as an outline
SYNTHETIC = PALETTE["blue"]  # what the models made
THEORY = PALETTE["vermillion"]
BAND = "rgba(0, 114, 178, 0.18)"
FONT = "Source Sans 3, Source Sans Pro, sans-serif"


def base_layout(**overrides) -> dict:
    """Layout shared by every chart; charts resize with their container."""
    layout = {
        "template": "plotly_white",
        "font": {"family": FONT, "size": 14, "color": "#1B1F24"},
        "margin": {"l": 48, "r": 16, "t": 56, "b": 48},
        "autosize": True,
        "hovermode": "x unified",
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
    }
    layout.update(overrides)
    return layout


def play_controls(
    frame_names: list[str],
    *,
    play_label: str,
    pause_label: str,
    slider_prefix: str,
    frame_ms: int = 120,
    redraw: bool = False,
) -> dict:
    """``updatemenus`` and ``sliders`` that let the browser play the frames."""
    play_args = {
        "frame": {"duration": frame_ms, "redraw": redraw},
        "transition": {"duration": 0},
        "fromcurrent": True,
        "mode": "immediate",
    }
    pause_args = {"frame": {"duration": 0, "redraw": redraw}, "mode": "immediate"}
    return {
        "updatemenus": [
            {
                "type": "buttons",
                "direction": "left",
                "showactive": False,
                "x": 0,
                "y": -0.12,
                "xanchor": "left",
                "yanchor": "top",
                "pad": {"r": 8, "t": 0},
                "buttons": [
                    {"label": "▶ " + play_label, "method": "animate", "args": [None, play_args]},
                    {
                        "label": "❚❚ " + pause_label,
                        "method": "animate",
                        "args": [[None], pause_args],
                    },
                ],
            }
        ],
        "sliders": [
            {
                "active": 0,
                "x": 0.22,
                "len": 0.78,
                "y": -0.06,
                "yanchor": "top",
                "currentvalue": {"prefix": slider_prefix, "visible": True},
                "pad": {"t": 24},
                "steps": [
                    {
                        "label": name,
                        "method": "animate",
                        "args": [
                            [name],
                            {"frame": {"duration": 0, "redraw": redraw}, "mode": "immediate"},
                        ],
                    }
                    for name in frame_names
                ],
            }
        ],
    }


def empty_figure() -> go.Figure:
    return go.Figure(layout=base_layout())
