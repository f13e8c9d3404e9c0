"""The "Words that vanish" figure, animated in the browser: one Plotly frame a generation
shown, no server loop.

Four panels on one slider:
- the rank–frequency curve of the model (log–log, Zipf's law) over the real one, its tail
  cut generation after generation;
- the words the model can still say, and its entropy, over generations, with a marker
  at the generation shown (other runs in thin lines);
- the generation's text: the words lost at that generation and a bag of words it wrote.

Size matters (phones, embeds): x values travel once, in the base traces; a frame carries
only the curve's heights rounded to three significant digits, two markers and the text.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lib import words
from lib.figures.theme import PALETTE, REAL, SYNTHETIC, base_layout, play_controls

PER_MILLION = 1e6  # the curve is drawn in occurrences per million words
OTHER_RUNS = "rgba(0, 114, 178, 0.22)"
TEXT_SIZE = 13


def _significant(values: np.ndarray, digits: int = 3) -> list[float | None]:
    """Values rounded to ``digits`` significant digits, NaN as None (a gap in the line)."""
    out: list[float | None] = []
    for value in np.asarray(values, dtype=float).tolist():
        if not np.isfinite(value) or value <= 0:
            out.append(None)
            continue
        rounded = float(f"{value:.{digits}g}")
        out.append(int(rounded) if rounded >= 10 ** (digits - 1) else rounded)  # "34300"
    return out


def _bold(text: str) -> str:
    """Each line of ``text`` in bold (a tag is closed before every ``<br>``)."""
    return "<br>".join(f"<b>{line}</b>" for line in text.split("<br>"))


def words_figure(
    ranks: np.ndarray,
    real_curve: np.ndarray,
    model_curves: np.ndarray,
    generations: np.ndarray,
    alive: np.ndarray,
    entropy: np.ndarray,
    real_entropy: float,
    frame_generations: Sequence[int],
    frame_names: Sequence[str],
    titles: Sequence[str],
    texts: Sequence[str],
    *,
    labels: dict[str, str],
    separators: str = ".,",
) -> go.Figure:
    """The animated figure.

    Parameters
    ----------
    ranks : (K,) ranks of the curve's points, 1-based.
    real_curve : (K,) real probabilities at those ranks.
    model_curves : (frames, K) the model's sorted probabilities at those ranks, a frame
        a row (NaN where the model knows no more words).
    generations : (G + 1,) generation numbers, the x of the lines.
    alive, entropy : (G + 1, replicas) words the model can still say, its entropy in
        bits; replica 0 is the run told in detail, the others are drawn thin.
    real_entropy : the real distribution's entropy, in bits.
    frame_generations : the generation each frame shows.
    frame_names, titles, texts : one per frame: the slider label, the line written in the
        Zipf chart's top right corner, and the text panel (Plotly's HTML subset, lines
        broken with ``<br>``).
    labels : ``real``, ``model``, ``other_runs``, ``rank``, ``per_million``, ``alive``,
        ``entropy``, ``generation``, ``alive_title``, ``entropy_title``, ``hover_curve``,
        ``hover_alive``, ``hover_entropy``, ``play``, ``pause``, ``slider``.
    """
    alive = np.asarray(alive, dtype=float)
    entropy = np.asarray(entropy, dtype=float)
    frame_generations = [int(g) for g in frame_generations]
    x_gen = [int(g) for g in generations]
    fig = make_subplots(
        rows=3,
        cols=2,
        specs=[[{"colspan": 2}, None], [{}, {}], [{"colspan": 2}, None]],
        row_heights=[0.42, 0.22, 0.36],
        vertical_spacing=0.1,
        horizontal_spacing=0.1,
        subplot_titles=["", labels["alive_title"], labels["entropy_title"], ""],
    )
    rank_x = [int(r) for r in ranks]
    fig.add_trace(
        go.Scatter(
            x=rank_x,
            y=_significant(np.asarray(real_curve) * PER_MILLION),
            mode="lines",
            name=labels["real"],
            line={"color": REAL, "width": 2, "dash": "dot"},
            hovertemplate=labels["hover_curve"] + "<extra>" + labels["real"] + "</extra>",
        ),
        row=1,
        col=1,
    )
    for others, row, col, hover in (
        (alive, 2, 1, labels["hover_alive"]),
        (entropy, 2, 2, labels["hover_entropy"]),
    ):
        if others.shape[1] > 1:
            # Every other run in one trace, the runs separated by a gap (None).
            fig.add_trace(
                go.Scatter(
                    x=[g for _ in range(1, others.shape[1]) for g in [*x_gen, None]],
                    y=[
                        y
                        for replica in range(1, others.shape[1])
                        for y in [*_significant(others[:, replica], 4), None]
                    ],
                    mode="lines",
                    name=labels["other_runs"],
                    legendgroup="others",
                    showlegend=col == 1,
                    line={"color": OTHER_RUNS, "width": 1},
                    hoverinfo="skip",
                ),
                row=row,
                col=col,
            )
        fig.add_trace(
            go.Scatter(
                x=x_gen,
                y=_significant(others[:, 0], 4),
                mode="lines",
                name=labels["model"],
                legendgroup="model",
                showlegend=False,
                line={"color": SYNTHETIC, "width": 2.5},
                hovertemplate=hover + "<extra></extra>",
            ),
            row=row,
            col=col,
        )
    fig.add_hline(
        y=real_entropy,
        line={"color": REAL, "width": 1.5, "dash": "dot"},
        row=2,
        col=2,
    )
    # The animated traces, last: the model's curve, two markers, the text, the title.
    first = frame_generations[0]
    top = float(np.nanmax(real_curve)) * PER_MILLION * 3
    bottom = float(np.nanmin(real_curve)) * PER_MILLION / 3
    animated = [
        go.Scatter(
            x=rank_x,
            y=_significant(model_curves[0] * PER_MILLION),
            mode="lines",
            name=labels["model"],
            legendgroup="model",
            line={"color": SYNTHETIC, "width": 3},
            hovertemplate=labels["hover_curve"] + "<extra>" + labels["model"] + "</extra>",
        ),
        go.Scatter(
            x=[first],
            y=[float(alive[first, 0])],
            mode="markers",
            marker={"color": PALETTE["vermillion"], "size": 11},
            showlegend=False,
            hoverinfo="skip",
        ),
        go.Scatter(
            x=[first],
            y=[round(float(entropy[first, 0]), 3)],
            mode="markers",
            marker={"color": PALETTE["vermillion"], "size": 11},
            showlegend=False,
            hoverinfo="skip",
        ),
        go.Scatter(
            x=[0.0],
            y=[1.0],
            mode="text",
            text=[texts[0]],
            textposition="bottom right",
            textfont={"size": TEXT_SIZE},
            showlegend=False,
            hoverinfo="skip",
        ),
        # The frame's title sits in the empty top right corner of the Zipf chart (a
        # layout title would not change while the frames play without a full redraw).
        go.Scatter(
            x=[rank_x[-1]],
            y=[top / 1.2],
            mode="text",
            text=[_bold(titles[0])],
            textposition="bottom left",
            textfont={"size": TEXT_SIZE + 1},
            showlegend=False,
            hoverinfo="skip",
        ),
    ]
    cells = ((1, 1), (2, 1), (2, 2), (3, 1), (1, 1))
    for trace, (row, col) in zip(animated, cells, strict=True):
        fig.add_trace(trace, row=row, col=col)
    moving = list(range(len(fig.data) - len(animated), len(fig.data)))
    names = [str(name) for name in frame_names]
    # Plain dictionaries, validated once when they are set (a go.Frame each would be
    # validated twice, and a figure of a hundred frames takes seconds to build).
    frames = [
        {
            "name": name,
            "data": [
                {"y": _significant(curve * PER_MILLION)},
                {"x": [g], "y": [float(alive[g, 0])]},
                {"x": [g], "y": [round(float(entropy[g, 0]), 3)]},
                {"text": [text]},
                {"text": [_bold(title)]},
            ],
            "traces": moving,
        }
        for name, g, curve, title, text in zip(
            names, frame_generations, model_curves, titles, texts, strict=True
        )
    ]
    fig.frames = frames

    # Whole numbers on the log axes, grouped by the language's separator ("10 000"), not
    # SI prefixes ("10k"), which read as English shorthand.
    whole = {"exponentformat": "none", "separatethousands": True}
    fig.update_xaxes(
        type="log", dtick=1, title={"text": labels["rank"]}, fixedrange=True, row=1, col=1, **whole
    )
    fig.update_yaxes(
        type="log",
        dtick=1,
        title={"text": labels["per_million"]},
        range=[np.log10(bottom), np.log10(top)],
        fixedrange=True,
        row=1,
        col=1,
        **whole,
    )
    highest = float(np.nanmax(alive)) * 1.4
    lowest = max(0.8, float(np.nanmin(alive)) / 1.4)
    fig.update_yaxes(
        type="log",
        dtick=1,
        range=[np.log10(lowest), np.log10(highest)],
        title={"text": labels["alive"]},
        fixedrange=True,
        row=2,
        col=1,
        **whole,
    )
    fig.update_yaxes(
        range=[0, max(real_entropy, float(np.nanmax(entropy))) * 1.08],
        title={"text": labels["entropy"]},
        fixedrange=True,
        row=2,
        col=2,
    )
    for col in (1, 2):
        fig.update_xaxes(
            range=[-0.5, x_gen[-1] + 0.5],
            title={"text": labels["generation"]},
            fixedrange=True,
            row=2,
            col=col,
        )
    fig.update_xaxes(visible=False, range=[0, 1], fixedrange=True, row=3, col=1)
    fig.update_yaxes(visible=False, range=[0, 1], fixedrange=True, row=3, col=1)
    fig.update_annotations(font={"size": 12})
    fig.update_layout(
        **base_layout(
            hovermode="closest",
            height=920,
            margin={"l": 64, "r": 16, "t": 48, "b": 120},
            separators=separators,
            **play_controls(
                names,
                play_label=labels["play"],
                pause_label=labels["pause"],
                slider_prefix=labels["slider"],
                frame_ms=max(60, min(200, 8_000 // max(1, len(names)))),
            ),
        )
    )
    # Buttons on their own line, the slider under them across the whole width: nothing
    # overlaps on a phone.
    fig.layout.updatemenus[0].update(y=-0.02)
    fig.layout.sliders[0].update(x=0, len=1, y=-0.06, currentvalue={"xanchor": "right"})
    return fig


def run_figure(
    run: words.WordsRun,
    frames: Sequence[int],
    frame_names: Sequence[str],
    *,
    labels: dict[str, str],
    separators: str = ".,",
) -> go.Figure:
    """``words_figure`` of a run of ``lib.words``, one frame for each generation in
    ``frames``, named ``frame_names`` on the slider."""
    return words_figure(
        run.ranks,
        run.real_curve,
        run.model_curve[frames],
        run.generations,
        run.alive,
        run.entropy,
        float(run.entropy[0, 0]),
        frames,
        frame_names,
        [words.frame_title(run, int(g)) for g in frames],
        [words.frame_text(run, int(g)) for g in frames],
        labels=labels,
        separators=separators,
    )
