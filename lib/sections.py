"""Sections: a short text, one small live figure from the engines, a link to go deeper.

The Story's chapters, the readers' demos and the remedies are lists of ``Section``
specs; one renderer (``ui.sections``) draws any of them, so a page file is a list of
sections and computes nothing. Pure Python: no streamlit. A spec's callables run in the
current language (``lib.i18n``) and may call ``t`` and the ``fmt_*`` formatters.

The contract, for a section ``s`` on page ``p``:

- ``s.compute(**choices) -> dict``: runs the engines (seeded, deterministic) and returns
  arrays and numbers only; the renderer caches it per ``(p, s.name, choices)``.
- ``s.figure(data, **choices) -> go.Figure``: builds the translated figure from that
  dict; computes no statistics. Cached per ``(p, s.name, choices, language)``.
- ``s.summary(data, **choices) -> str``: the one sentence that reads the figure (its
  text alternative and an embedded page's line), or ``None``.
- ``choices`` are the values of ``s.controls``, each a small choice drawn as a widget
  (its value ``default`` when the view hides controls).
- ``s.autoplay``: an animated figure plays while it is in view and pauses when it leaves
  (the renderer's script; never under reduced motion, where still pictures replace it,
  nor on the projector, where the teacher steps). ``s.stills``: how many generations the
  still pictures show.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import plotly.graph_objects as go


@dataclass(frozen=True)
class Link:
    """Where a section leads: a page of ``ui.chrome.PAGES`` with registry values."""

    page: str  # page name: "lab", "words", "remedies", ...
    label_key: str  # catalogue key of the link's text
    query: Mapping[str, Any] = field(default_factory=dict)  # registry values for that page


@dataclass(frozen=True)
class Control:
    """One small choice a section offers: a slider or a segmented control."""

    name: str  # the keyword ``compute``/``figure``/``summary`` receive
    label_key: str  # catalogue key of the widget's label
    options: tuple  # the values offered, in order
    default: Any
    kind: str = "slider"  # slider | segmented | toggle
    option_format: str = "number"  # int | percent | number | choice (catalogue keys)
    option_keys: str = ""  # for "choice": catalogue prefix, option key = prefix + value


@dataclass(frozen=True)
class Section:
    """One chapter, demo or remedy."""

    name: str  # unique on its page; part of widget keys and cache keys
    heading_key: str  # catalogue key of its heading
    text_keys: tuple[str, ...]  # paragraphs, in order (Markdown)
    compute: Callable[..., dict]
    figure: Callable[..., go.Figure]
    summary: Callable[..., str | None] | None = None
    link: Link | None = None
    controls: tuple[Control, ...] = ()
    caption: Callable[..., str | None] | None = None  # small print under the figure
    autoplay: bool = False  # plays while in view, pauses when out of it
    stills: int = 6  # panels of the still version (reduced motion)

    def defaults(self) -> dict[str, Any]:
        return {control.name: control.default for control in self.controls}
