"""Draws ``lib.sections.Section`` specs: heading, text, widgets, figure, sentence, link.

Caching: a section's ``compute`` is cached by Streamlit per (page, section, choices), its
figure per language as well; the spec objects themselves are looked up by name so that
nothing unhashable enters a cache key.

Motion: ``player()`` adds, once a page, the script that plays animated figures when they
come into view (a figure says how in ``layout.meta``: ``{"name", "play": "once" |
"in_view"}``) and stacks a figure's panels where it is narrow (``meta["narrow"]``, a
``Plotly.relayout`` update that keeps the height and sets ``yaxis.domain``, applied under
``meta["narrow_below"]`` px of width; ``meta["wide"]`` undoes it). A section
with ``autoplay`` gets ``play: "in_view"``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from lib.i18n import current_language, fmt_int, fmt_number, fmt_percent, t
from lib.sections import Control, Section
from ui import chrome, present, state

_REGISTRY: dict[tuple[str, str], Section] = {}


def register(page: str, sections: Sequence[Section]) -> None:
    for section in sections:
        _REGISTRY[(page, section.name)] = section


@st.cache_data(max_entries=128, show_spinner=False)
def _data(page: str, name: str, choices: tuple) -> dict:
    return _REGISTRY[(page, name)].compute(**dict(choices))


@st.cache_data(max_entries=256, show_spinner=False)
def _texts(page: str, name: str, choices: tuple, language: str) -> tuple[str | None, ...]:
    """The section's sentence and small print, formatted once a language (number
    formatting by Babel was a third of a cached page's run)."""
    section = _REGISTRY[(page, name)]
    data = _data(page, name, choices)
    return tuple(
        None if make is None else make(data, **dict(choices))
        for make in (section.summary, section.caption)
    )


@st.cache_resource(max_entries=128, show_spinner=False)
def _figure(page: str, name: str, choices: tuple, language: str):
    section = _REGISTRY[(page, name)]
    figure = section.figure(_data(page, name, choices), **dict(choices))
    if section.autoplay and figure.frames:
        # Built once here and never mutated after: the cache hands out this object.
        label = "-".join([page, name, *(f"{k}={v}" for k, v in choices)])
        figure.update_layout(meta={"name": label, "play": "in_view"})
    return figure


# Plays figures as they come into view and stacks narrow ones (see the module docstring).
# Installed once a browser tab: it watches the page for plots that Streamlit adds or
# replaces. A "once" figure (the Story's hero) plays when a third of it is on screen, the
# first time only; an "in_view" figure plays when half of it is on screen (from the start
# again if it had ended) and pauses when it leaves. Nothing plays for visitors whose
# system asks for reduced motion (they get still pictures). When Streamlit purges a plot
# mid-play (the visitor opened another page), its animation loop is stopped: each tick
# would write to the removed layout and throw "Cannot set properties of undefined".
PLAYER = r"""<script>
(() => {
  if (window.copyPlayer) { window.copyPlayer(); return; }
  const still = window.matchMedia("(prefers-reduced-motion: reduce)");
  const played = (window.copyPlayed = window.copyPlayed || new Set());
  const metaOf = (plot) => {
    const meta = plot.layout && plot.layout.meta;
    return meta && typeof meta === "object" && !Array.isArray(meta) ? meta : null;
  };
  const press = (plot, index) => {
    const button = plot.querySelectorAll(".updatemenu-button")[index];
    if (button) button.dispatchEvent(new MouseEvent("click", { bubbles: true }));
  };
  const slider = (plot) => (plot._fullLayout && (plot._fullLayout.sliders || [])[0]) || null;
  const playing = (plot) => Boolean(plot._transitionData && plot._transitionData._animationRaf);
  const play = (plot) => {
    const s = slider(plot);
    if (s && s.active >= s.steps.length - 1 && window.Plotly) {
      // Ended: back to the first frame, then play (Play goes on from the current frame).
      const first = { frame: { duration: 0, redraw: true }, mode: "immediate" };
      window.Plotly.animate(plot, [s.steps[0].args[0][0]], first)
        .then(() => press(plot, 0), () => {});
    } else {
      press(plot, 0);
    }
  };
  // Returns a promise settled once the layout fits (never while the frames play).
  const fit = (plot, meta) => {
    if (!meta.narrow || !window.Plotly || !plot._fullLayout || !plot.clientWidth) return null;
    if (playing(plot)) {  // not in the middle of a frame: once the frames are over
      setTimeout(() => fit(plot, meta), 400);
      return null;
    }
    const narrow = plot.clientWidth < meta.narrow_below;
    const stacked = (plot.layout.yaxis || {}).domain
      && plot.layout.yaxis.domain[0] === meta.narrow["yaxis.domain"][0];
    if (narrow === stacked) return null;
    // A whole new layout through Plotly.react, as Streamlit draws it: a relayout of the
    // same keys left plotly.js drawing on a plot without calcdata once it played.
    const layout = JSON.parse(JSON.stringify(plot.layout));
    for (const [path, value] of Object.entries(narrow ? meta.narrow : meta.wide)) {
      const parts = path.replace(/\[(\d+)\]/g, ".$1").split(".");
      let node = layout;
      for (const part of parts.slice(0, -1)) node = node[part] = node[part] || {};
      node[parts[parts.length - 1]] = value;
    }
    return window.Plotly.react(plot, plot.data, layout).catch(() => {});
  };
  const guard = (plot, view, sizes) => {
    // Every animation state the plot has had: a redraw by Streamlit gives it a new one
    // while a loop may still tick on the old.
    const states = new Set();
    const watch = new MutationObserver(() => {
      if (plot._transitionData) states.add(plot._transitionData);
      if (plot.isConnected && plot._fullLayout) return;
      watch.disconnect();
      view.disconnect();
      sizes.disconnect();
      plot.copyPlayer = null;
      for (const trans of states) {
        window.cancelAnimationFrame(trans._animationRaf);
        trans._animationRaf = null;
        if (trans._frameQueue) trans._frameQueue.length = 0;
      }
    });
    if (plot._transitionData) states.add(plot._transitionData);
    watch.observe(document.body, { childList: true, subtree: true });
  };
  const attach = (plot) => {
    const meta = metaOf(plot);
    if (!meta || !plot._fullLayout || plot.copyPlayer === meta.name) return;
    plot.copyPlayer = meta.name;
    const fitted = fit(plot, meta);
    const sizes = new ResizeObserver(() => fit(plot, meta));
    sizes.observe(plot);
    if (plot.on) plot.on("plotly_afterplot", () => fit(plot, metaOf(plot) || meta));
    const once = meta.play === "once";
    const view = new IntersectionObserver((seen) => {
      const entry = seen[seen.length - 1];
      if (still.matches || !plot.isConnected || !plot._fullLayout) return;
      if (!plot.querySelector(".updatemenu-button")) return;
      if (entry.isIntersecting) {
        if (once && played.has(meta.name)) return;
        played.add(meta.name);
        if (!playing(plot)) play(plot);
        if (once) view.disconnect();
      } else if (!once && playing(plot)) {
        press(plot, 1);  // Pause
      }
    }, { threshold: once ? 0.33 : 0.5 });
    guard(plot, view, sizes);
    // Play only once the layout fits (a relayout in the middle of a frame breaks it) and
    // the lazy sections' charts have come (their arrival redraws the page's charts, which
    // would leave the animation running on a state the plot no longer holds).
    if (meta.play) Promise.all([fitted, settled()]).then(() => view.observe(plot));
  };
  const settled = () => new Promise((resolve) => {
    const until = performance.now() + SETTLE_MS;
    const check = () => {
      const waiting = document.querySelector('[class*="st-key-sections_later_"] button');
      if (!waiting || performance.now() > until) resolve();
      else setTimeout(check, 100);
    };
    check();
  });
  // Lazy sections: their charts are asked for once the page's first chart has painted,
  // or after LATER_MS whatever happens (reduced motion hides the animation it waits for).
  const started = performance.now();
  const LATER_MS = 1500;
  const SETTLE_MS = 4000;  // the longest a figure waits for the lazy charts before playing
  // A click lost to a rerun of the whole page (the button is still there) is repeated.
  let asked = -Infinity;
  const later = () => {
    const button = document.querySelector('[class*="st-key-sections_later_"] button');
    if (!button || performance.now() - asked < LATER_MS) return;
    const painted = [...document.querySelectorAll(".js-plotly-plot")]
      .some((plot) => plot._fullLayout && plot.querySelector(".main-svg"));
    if (!painted && performance.now() - started < LATER_MS) return;
    asked = performance.now();
    button.click();
    setTimeout(later, LATER_MS + 50);
  };
  const scan = () => {
    document.querySelectorAll(".js-plotly-plot").forEach(attach);
    later();
  };
  setTimeout(scan, LATER_MS + 50);
  window.copyPlayer = scan;
  let pending = false;
  new MutationObserver(() => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; scan(); });
  }).observe(document.body, { childList: true, subtree: true, attributes: true,
    attributeFilter: ["class"] });
  scan();
})();
</script>"""


PLAYER_KEY = "page_player"
LATER_KEY = "sections_later"  # the hidden button that asks for the lazy sections' charts
_HIDE_PLAYER = (
    f".st-key-{PLAYER_KEY}, "
    f'[data-testid="stLayoutWrapper"]:has(> .st-key-{PLAYER_KEY}), '
    f'[class*="st-key-{LATER_KEY}_"], '
    f'[data-testid="stLayoutWrapper"]:has(> [class*="st-key-{LATER_KEY}_"]) '
    "{ display: none !important; }"
)


def later_key(page: str) -> str:
    """Session state: ``True`` once the page's lazy sections may send their charts."""
    return f"_{LATER_KEY}_{page}"


def allow_later(page: str) -> None:
    """Let what ``page`` holds back come, in this run and the next."""
    st.session_state[later_key(page)] = True


def ready(page: str) -> bool:
    """Whether what ``page`` holds back until its first chart has painted may come now."""
    return bool(st.session_state.get(later_key(page), False))


def holds_back(page: str) -> bool:
    """Whether this run of ``page`` sends its first chart alone, the rest once it has
    painted (``ask_later``). Not once the rest has come (the session remembers it), not on
    the projector (no player there to ask), not for a browser that reconnected to a new
    server (its widgets bring their values, and must be drawn to take them)."""
    return not (ready(page) or present.active() or state.reconnected())


def ask_later(page: str) -> None:
    """The hidden button the player clicks once the page's first chart has painted (or
    after ``LATER_MS``); its click makes ``ready(page)`` true and reruns the script it is
    in: a fragment, or the whole page. Needs ``player()`` on the page."""
    with st.container(key=f"{LATER_KEY}_{page}"):
        st.button(
            t("nav.charts_later"),
            key=f"{LATER_KEY}_{page}_go",
            on_click=allow_later,
            args=(page,),
        )


@st.fragment
def _later(page: str, names: tuple[str, ...], probe: bool) -> None:
    """Sections that wait: they come with a rerun of this fragment alone, which the
    player asks for (a click on a hidden button) once the page's first chart has painted.
    Sent with the page, six small charts held back the first one's paint by a second and
    a half on a loaded machine; their texts are sent once, with their charts."""
    if not ready(page):
        ask_later(page)
        return
    if present.motion_changed():
        # The probe's report can reach the server with the click that runs this fragment
        # (both in one rerun, of the fragment alone): the page's first chart, drawn in
        # motion, would stay hidden from a visitor who asked for still pictures.
        st.rerun()
    for index, name in enumerate(names):
        render(page, _REGISTRY[(page, name)], probe=probe and index == 0)


def player() -> None:
    """The script that plays figures in view and stacks narrow ones; once a page, after
    its first chart. Not on the projector (the teacher steps), where it is left out."""
    if present.active():
        return
    st.html(f"<style>{_HIDE_PLAYER}</style>")  # style only: goes where it takes no room
    with st.container(key=PLAYER_KEY):
        st.html(PLAYER, unsafe_allow_javascript=True)


def _formatter(control: Control):
    if control.option_format == "int":
        return fmt_int
    if control.option_format == "percent":
        return fmt_percent
    if control.option_format == "choice":
        labels = {value: t(f"{control.option_keys}{value}") for value in control.options}
        return labels.__getitem__
    return fmt_number


def _widget(page: str, section: Section, control: Control) -> Any:
    key = f"{page}_{section.name}_{control.name}"
    label = t(control.label_key)
    if control.kind == "toggle":
        return st.toggle(label, value=bool(control.default), key=key)
    if control.kind == "segmented":
        chosen = st.segmented_control(
            label,
            control.options,
            default=control.default,
            format_func=_formatter(control),
            key=key,
        )
        return control.default if chosen is None else chosen
    return st.select_slider(
        label, control.options, value=control.default, format_func=_formatter(control), key=key
    )


def choices_of(page: str, section: Section) -> dict[str, Any]:
    """The section's widget values (their defaults when the view hides controls)."""
    if not section.controls or not chrome.shows("controls"):
        return section.defaults()
    return {control.name: _widget(page, section, control) for control in section.controls}


def render(
    page: str, section: Section, *, heading: bool = True, probe: bool = True, chart: bool = True
) -> None:
    """One section: heading, paragraphs, widgets, figure, sentence, caption, link.
    ``probe=False`` when the page has mounted the reduced-motion probe already;
    ``chart=False`` leaves the figure out (``render_all(lazy=True)`` sends it later)."""
    register(page, (section,))
    if heading:
        st.subheader(t(section.heading_key), divider="gray")
    if chrome.shows("prose"):
        for key in section.text_keys:
            st.markdown(t(key))
    choices = choices_of(page, section)
    frozen = tuple(sorted(choices.items()))
    if chart:
        figure = _figure(page, section.name, frozen, current_language())
        present.chart(figure, key=f"{page}_{section.name}_chart", count=section.stills, probe=probe)
    sentence, small_print = _texts(page, section.name, frozen, current_language())
    if sentence:
        st.markdown(sentence)
    if small_print and chrome.shows("prose"):
        st.caption(small_print)
    if section.link is not None and chrome.shows("prose"):
        link = section.link
        script = next(s for n, s, _, _ in chrome.PAGES if n == link.page)
        st.page_link(
            script,
            label=t(link.label_key),
            icon=":material/arrow_forward:",
            query_params=state.share_query(link.page, dict(link.query)),
        )


def render_all(
    page: str,
    sections: Sequence[Section],
    *,
    with_player: bool = True,
    probe: bool = True,
    lazy: bool = False,
) -> None:
    """Every section in order, then the player if one of them plays in view. A page that
    has called ``player()`` already (once a run) says ``with_player=False``; one whose own
    chart mounted the reduced-motion probe says ``probe=False`` (else the first section's
    chart mounts it: one a page is enough). ``lazy``: the sections' texts now, their
    charts once the page's first chart has painted (see ``_later``)."""
    register(page, sections)
    if lazy:
        _later(page, tuple(section.name for section in sections), probe)
    else:
        for index, section in enumerate(sections):
            render(page, section, probe=probe and index == 0)
    if with_player and any(section.autoplay for section in sections):
        player()


# -- the projector: one section a screen -------------------------------------------------


def _screen_key(page: str) -> str:
    return f"_screen_{page}"


def _move(page: str, delta: int, count: int) -> None:
    position = st.session_state.get(_screen_key(page), 0) + delta
    st.session_state[_screen_key(page)] = min(max(position, 0), count - 1)


def screen(page: str, count: int) -> int:
    """Which of the page's ``count`` screens the projector shows (0 first)."""
    position = min(max(st.session_state.get(_screen_key(page), 0), 0), count - 1)
    st.session_state[_screen_key(page)] = position
    return position


def screen_controls(page: str, count: int) -> None:
    """Previous / Next screen and where we are, drawn under the screen's content."""
    position = screen(page, count)
    with st.container(key=f"screens_{page}", horizontal=True, horizontal_alignment="center"):
        st.button(
            t("story.present_previous"),
            icon=":material/arrow_back:",
            key=f"screen_previous_{page}",
            on_click=_move,
            args=(page, -1, count),
            disabled=position == 0,
        )
        st.markdown(t("story.present_position", position=position + 1, total=count))
        st.button(
            t("story.present_next"),
            icon=":material/arrow_forward:",
            key=f"screen_next_{page}",
            on_click=_move,
            args=(page, 1, count),
            disabled=position == count - 1,
        )
