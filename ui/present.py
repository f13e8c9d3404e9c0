"""Showing an animated figure in whichever way this view needs it.

- normal: Plotly's own animation (frames played by the browser), full width, with the
  modebar kept (its camera button saves a PNG);
- reduced motion (the system's preference, reported by the browser, or the visitor's
  hand): a grid of still pictures of chosen generations, built from the same frames;
- classroom (``?present=1``): Previous / Next generation buttons and the generation
  number in large type; the teacher steps one generation at a time (one server round trip
  a step) and the figure's Play button plays on from the generation on screen.

A page replaces ``st.plotly_chart(fig, ...)`` with ``present.chart(fig, key=...)``, or
with ``present.figure(...)``, which adds the text alternative and the downloads.
"""

from __future__ import annotations

import functools
import threading
import weakref
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from lib.figures import small_multiples
from lib.i18n import current_language, t
from ui import accessible, chrome, share, state, style

PRESENT_HEIGHT = 600  # px: with the title and the controls, fits 1080 px with no scrolling
PRESENT_FONT = 20
CHART_CONFIG = {"displaylogo": False, "responsive": True}


def active() -> bool:
    return bool(state.view_value("present"))


def _position_key(key: str) -> str:
    return f"_present_frame_{key}"


def _step(key: str, delta: int, count: int) -> None:
    position = st.session_state.get(_position_key(key), 0) + delta
    st.session_state[_position_key(key)] = min(max(position, 0), count - 1)


def at_frame(fig: go.Figure, index: int) -> go.Figure:
    """A copy of ``fig`` showing frame ``index``: its traces, its layout, the slider's
    ``active`` step, and a Play button that plays on from there."""
    names = [str(frame.name) for frame in fig.frames]
    staged = go.Figure(
        data=small_multiples.traces_at(fig, index),
        layout=fig.layout,
        frames=fig.frames,
    )
    if fig.frames[index].layout is not None:
        staged.update_layout(fig.frames[index].layout.to_plotly_json())
    if staged.layout.sliders:
        staged.layout.sliders[0].active = index
    for menu in staged.layout.updatemenus or ():
        for button in menu.buttons or ():
            args = list(button.args or ())
            if button.method == "animate" and args and args[0] is None:
                button.args = [names[index:], *args[1:]]
    return staged


def stage(fig: go.Figure, *, key: str) -> go.Figure:
    """The classroom controls for ``fig``; returns the figure at the teacher's generation."""
    count = len(fig.frames)
    position = min(max(st.session_state.get(_position_key(key), 0), 0), count - 1)
    st.session_state[_position_key(key)] = position
    labels = small_multiples.frame_labels(fig)
    with st.container(key=style.PRESENT_KEY, horizontal=True, horizontal_alignment="center"):
        st.button(
            t("present.previous"),
            icon=":material/skip_previous:",
            key=f"present_previous_{key}",
            on_click=_step,
            args=(key, -1, count),
            disabled=position == 0,
        )
        with st.container(key=style.GENERATION_KEY, width="content"):
            st.markdown(t("present.generation", label=labels[position], last=labels[-1]))
        st.button(
            t("present.next"),
            icon=":material/skip_next:",
            key=f"present_next_{key}",
            on_click=_step,
            args=(key, 1, count),
            disabled=position == count - 1,
        )
    staged = at_frame(fig, position)
    staged.update_layout(
        height=PRESENT_HEIGHT,
        font={"size": PRESENT_FONT, "color": "#000000"},
    )
    # high contrast on the projector: black ticks and axis titles, whatever the template
    axis_style = {"tickfont": {"color": "#000000"}, "title_font": {"color": "#000000"}}
    staged.update_xaxes(**axis_style)
    staged.update_yaxes(**axis_style)
    return staged


class _PerFigure:
    """Values derived from a figure and kept while it lives: the pages' ``cache_resource``
    hands out the same figure objects run after run. Keyed on the figure's identity (figures
    are unhashable), checked against a weak reference (an id is reused once an object dies).
    """

    def __init__(self, build):
        self._build = build
        self._entries: dict[tuple, tuple[weakref.ref, object]] = {}
        self._lock = threading.Lock()

    def __call__(self, fig: go.Figure, *key):
        entry = (id(fig), *key)
        with self._lock:
            known = self._entries.get(entry)
        if known is not None and known[0]() is fig:
            return known[1]
        value = self._build(fig, *key)
        with self._lock:
            for stale in [k for k, (ref, _) in self._entries.items() if ref() is None]:
                del self._entries[stale]
            self._entries[entry] = (weakref.ref(fig), value)
        return value


def _build_still(fig: go.Figure, count: int, language: str) -> go.Figure:
    chosen = small_multiples.key_generations(len(fig.frames) - 1, count)
    labels = small_multiples.frame_labels(fig)
    return small_multiples.from_animation(
        fig, chosen, [t("present.panel", label=labels[i]) for i in chosen]
    )


# The still grid of a figure, built once (it was half of a cached rerun's time).
_stills = _PerFigure(_build_still)


def _still(fig: go.Figure, count: int) -> go.Figure:
    return _stills(fig, count, current_language())


class _SentFigure(go.Figure):
    """A figure as ``st.plotly_chart`` takes it, its dict form computed once.

    Streamlit turns every figure it is handed into a dict with ``to_dict``, which deep-copies
    every list and then visits every number (plotly's pass for binary arrays): about a
    sixth of the server's time for a cached Story view (py-spy, seven charts). The figures
    the pages draw are not changed once drawn (``stage`` and the still grid are new
    figures), so that dict can be kept with them.
    """

    def __init__(self, spec: dict):
        super().__init__()
        self._spec = spec

    def to_dict(self) -> dict:
        return self._spec


_sent = _PerFigure(lambda fig: _SentFigure(fig.to_dict()))


def plot(fig: go.Figure, *, container=st, **kwargs) -> None:
    """``st.plotly_chart(fig, **kwargs)`` in ``container``, for a figure that is not changed
    after it is drawn: a cached figure costs the server its conversion once."""
    container.plotly_chart(_sent(fig), **kwargs)


# Reports the system's reduced-motion preference to the server, and again if it changes,
# but only when it differs from what the server already holds (``data``): a visitor with no
# preference costs no rerun. Mounted in a container the stylesheet hides.
_MOTION_PROBE_JS = """
export default function ({ data, setStateValue }) {
  const query = window.matchMedia("(prefers-reduced-motion: reduce)");
  const report = () => { if (query.matches !== data) setStateValue("less", query.matches); };
  report();
  query.addEventListener("change", report);
  return () => query.removeEventListener("change", report);
}
"""
_motion_probe = st.components.v2.component("copy_motion_probe", js=_MOTION_PROBE_JS)
LESS_MOTION = "_less_motion"  # session state: the visitor's system asks for reduced motion
_MOTION_DRAWN = "_less_motion_drawn"  # LESS_MOTION as the page's last whole run drew it


def _remember_motion(probe_key: str) -> None:
    reported = st.session_state.get(probe_key) or {}
    if reported.get("less") is not None:
        st.session_state[LESS_MOTION] = bool(reported["less"])


def _probe_motion(key: str) -> None:
    """Mount the reduced-motion probe under chart ``key``: after the chart, so that its code
    loads once the chart's own is on its way. A report reruns the page (``LESS_MOTION``)."""
    probe_key = f"less_motion_{key}"
    st.session_state[_MOTION_DRAWN] = bool(st.session_state.get(LESS_MOTION, False))
    with st.container(key=f"{style.MOTION_PROBE}_{key}"):
        _motion_probe(
            key=probe_key,
            data=bool(st.session_state.get(LESS_MOTION, False)),
            on_less_change=functools.partial(_remember_motion, probe_key),
        )


def motion_changed() -> bool:
    """Whether the reduced-motion report came after the page's probed chart was drawn, in
    a run of a fragment alone: that chart, drawn for the other setting, needs the whole
    page drawn again."""
    drawn = st.session_state.get(_MOTION_DRAWN)
    return drawn is not None and drawn != bool(st.session_state.get(LESS_MOTION, False))


def chart(fig: go.Figure, *, key: str, count: int = 6, probe: bool = True) -> None:
    """Show ``fig`` the way this view needs (see the module's docstring).

    Only one of the animation and the still grid is sent: the grid goes to visitors who
    picked it by hand (the toggle) or whose system asks for reduced motion; sending both
    made every browser draw a chart it never showed, while the page was still painting.
    ``probe=False`` for a chart whose page has mounted the reduced-motion probe already
    (one a page is enough: its report reruns the whole page); such a chart also leaves
    the "still pictures are coming" note to that first one.
    """
    if not fig.frames:
        plot(fig, width="stretch", key=key, config=CHART_CONFIG)
        return
    if active():
        # a new figure each step: nothing to keep
        st.plotly_chart(stage(fig, key=key), width="stretch", key=key, config=CHART_CONFIG)
        return
    _motion_or_still(fig, key=key, count=count, first=probe)
    if probe:
        _probe_motion(key)


def _motion_or_still(fig: go.Figure, *, key: str, count: int, first: bool = True) -> None:
    # The browser says whether its system asks for reduced motion once a page is drawn (a
    # rerun, only for those who ask); the session remembers it across pages. Until then the
    # stylesheet hides the animation from them (``@media (prefers-reduced-motion: reduce)``).
    if st.session_state.get(LESS_MOTION, False):
        with st.container(key=f"{style.STILL_VIEW}_{key}"):
            st.caption(t("present.still_auto"))
            plot(_still(fig, count), width="stretch", key=key, config=CHART_CONFIG)
        return
    # The chart first, the switch under it (above, it pushed every chart down a line): a
    # click on the switch reruns the page with its new value already in the session.
    switch = f"{style.STILL_KEY}_{key}"
    if st.session_state.get(switch, False):
        plot(_still(fig, count), width="stretch", key=key, config=CHART_CONFIG)
    else:
        with st.container(key=f"{style.MOTION_VIEW}_{key}"):
            plot(fig, width="stretch", key=key, config=CHART_CONFIG)
        # What a visitor who asked for less motion sees for the moment it takes their
        # browser to say so (the stylesheet shows it to them only); once a page, with the
        # probe (``first``): the charts further down are out of sight by then.
        if first:
            with st.container(key=f"{style.STILL_VIEW}_{key}"):
                st.caption(t("present.still_coming"))
    st.toggle(t("present.still"), key=switch, help=t("present.still_help"))


def figure(
    fig: go.Figure,
    *,
    key: str,
    summary: str,
    columns: Mapping[str, Sequence[float] | np.ndarray] | None = None,
    name: str | None = None,
    title: str = "",
    count: int = 6,
) -> None:
    """An animated chart with everything that goes with it, in one call: the chart as this
    view needs it (``chart``), its text alternative (the ``summary`` sentence and a table of
    the key generations from ``columns``, see ``ui.accessible``) and, when ``name`` is given
    and the view keeps exports, the downloads (standalone HTML, CSV of ``columns``).

    ``columns`` maps a translated header to one value a generation, shape
    (generations + 1,); ``summary`` is plain text (it is also the exported page's caption).
    """
    chart(fig, key=key, count=count)
    accessible.describe(f"**{summary}**", columns, key=key)
    if name and chrome.shows("export"):
        share.downloads(fig, columns, name=name, title=title, caption=summary)
