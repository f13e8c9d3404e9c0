"""Draws ``lib.sections.Section`` specs: heading, text, widgets, figure, sentence, link.

Caching: a section's ``compute`` is cached by Streamlit per (page, section, choices), its
figure per language as well; the spec objects themselves are looked up by name so that
nothing unhashable enters a cache key.
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


@st.cache_resource(max_entries=128, show_spinner=False)
def _figure(page: str, name: str, choices: tuple, language: str):
    section = _REGISTRY[(page, name)]
    return section.figure(_data(page, name, choices), **dict(choices))


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


def render(page: str, section: Section, *, heading: bool = True) -> None:
    """One section: heading, paragraphs, widgets, figure, sentence, caption, link."""
    register(page, (section,))
    if heading:
        st.subheader(t(section.heading_key), divider="gray")
    if chrome.shows("prose"):
        for key in section.text_keys:
            st.markdown(t(key))
    choices = choices_of(page, section)
    frozen = tuple(sorted(choices.items()))
    data = _data(page, section.name, frozen)
    figure = _figure(page, section.name, frozen, current_language())
    present.chart(figure, key=f"{page}_{section.name}_chart")
    if section.summary is not None:
        sentence = section.summary(data, **choices)
        if sentence:
            st.markdown(sentence)
    if section.caption is not None and chrome.shows("prose"):
        small_print = section.caption(data, **choices)
        if small_print:
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


def render_all(page: str, sections: Sequence[Section]) -> None:
    register(page, sections)
    for section in sections:
        render(page, section)
