"""Widgets made from the registry: the label, help and option names come from the
catalogue (``param.<key>.label``, ``param.<key>.help``, ``param.<key>.options.<option>``),
the range, step and key from ``lib.params``. A page asks for a widget by key."""

from __future__ import annotations

from typing import Any

import streamlit as st

from lib import params as registry
from lib.i18n import catalogue, current_language, fmt_fixed, fmt_int, fmt_percent, t

# Shares (0 to 1) are shown to the visitor as percentages.
_PERCENT_KEYS = {"real_fraction", "real_weight"}
# Numbers that name something rather than count it.
_IDENTIFIERS = {"seed"}


def _text(page: str, key: str, part: str) -> str | None:
    """``param.<key>.<part>``, or the page's own wording ``param.<key>.<part>_<page>``
    where the same parameter counts something else there (words, digits)."""
    entries = catalogue(current_language())
    for text_key in (f"param.{key}.{part}_{page}", f"param.{key}.{part}"):
        if text_key in entries:
            return t(text_key)
    return None


def _help(page: str, key: str) -> str | None:
    return _text(page, key, "help")


def widget(page: str, key: str, *, container: Any = st, disabled: bool = False) -> Any:
    """The widget of parameter ``key`` as ``page`` declares it; returns its value."""
    param = registry.PAGE_PARAMS[page][key]
    label = _text(page, key, "label") or key
    if isinstance(param, registry.Choice):
        options = list(param.options)
        # Labels resolved now, in this run's language: AppTest calls format_func later,
        # from another thread.
        labels = {option: t(f"param.{key}.options.{option}") for option in options}
        if len(options) <= 2:
            return container.segmented_control(
                label,
                options,
                key=key,
                format_func=labels.__getitem__,
                help=_help(page, key),
                disabled=disabled,
                selection_mode="single",
            ) or st.session_state.get(key, param.default)
        return container.selectbox(
            label,
            options,
            key=key,
            format_func=labels.__getitem__,
            help=_help(page, key),
            disabled=disabled,
        )
    if isinstance(param, registry.Flag):
        return container.toggle(label, key=key, help=_help(page, key), disabled=disabled)
    if param.optional:
        return _optional_number(page, key, param, label, container, disabled)
    if key in _IDENTIFIERS:
        # A seed names a run: no grouping of its digits, in either language.
        return container.slider(
            label,
            min_value=int(param.low),
            max_value=int(param.high),
            step=int(param.step),
            key=key,
            help=_help(page, key),
            disabled=disabled,
            format="%d",
        )
    # st.slider formats its numbers in the browser, with printf patterns or the browser's
    # locale, never the page's language: a select slider over the registry's steps shows
    # the labels formatted here ("0,90", "20 000" in French) and still returns the number.
    options = steps(param, st.session_state.get(key))
    labels = {value: number_label(key, param, value) for value in options}
    return container.select_slider(
        label,
        options,
        key=key,
        format_func=labels.__getitem__,
        help=_help(page, key),
        disabled=disabled,
    )


def steps(param: registry.Number, current: float | None = None) -> list[float]:
    """Every value the widget offers: low, low + step, ..., high, and ``current`` when a
    link or a preset chose a value off the grid (the view must reproduce it exactly)."""
    count = round((param.high - param.low) / param.step)
    grid = [param.low + i * param.step for i in range(count + 1)]
    # Floats rounded so that 0.1 + 2 × 0.05 equals the 0.2 a URL gives.
    values = [round(v) if param.integer else round(float(v), 10) for v in grid]
    if values[-1] < param.high:
        values.append(int(param.high) if param.integer else float(param.high))
    if current is not None and current not in values and param.low <= current <= param.high:
        values = sorted([*values, current])
    return values


def number_label(key: str, param: registry.Number, value: float) -> str:
    """A slider value as the visitor reads it, in the current language."""
    if key in _PERCENT_KEYS:
        return fmt_percent(value)
    if param.integer:
        return fmt_int(value)
    return fmt_fixed(value, _decimals(param.step))


def _decimals(step: float) -> int:
    """Decimals a step needs: 0.05 -> 2, 0.25 -> 2, 0.5 -> 1."""
    for decimals in range(6):
        if abs(step * 10**decimals - round(step * 10**decimals)) < 1e-9:
            return decimals
    return 6


def _optional_number(page: str, key: str, param, label: str, container: Any, disabled: bool) -> Any:
    """An optional number (absent from the URL: None) as a toggle ``param.<key>.by_hand``
    and a slider under it, in a container keyed by the parameter (so that embedded and
    projected pages hide it like any other knob).

    The parameter's value lives in ``st.session_state[key]`` (seeded from the URL by
    ``ui.state``); the two widgets have keys of their own, are set from it before they
    are drawn, and write it back in their callbacks, which run before the page reads it.
    """
    by_hand, number = f"{key}_by_hand", f"{key}_value"
    value = st.session_state.get(key, param.default)
    st.session_state[by_hand] = value is not None
    if value is not None:
        st.session_state[number] = float(value)
    elif number not in st.session_state:
        st.session_state[number] = float(param.low + param.high) / 2

    def write_back() -> None:
        on = st.session_state.get(by_hand, False)
        st.session_state[key] = st.session_state.get(number) if on else None

    with container.container(key=key):
        on = st.toggle(
            t(f"param.{key}.by_hand"),
            key=by_hand,
            help=_help(page, key),
            disabled=disabled,
            on_change=write_back,
        )
        options = steps(param, st.session_state.get(number))
        labels = {value: number_label(key, param, value) for value in options}
        st.select_slider(
            label,
            options,
            key=number,
            format_func=labels.__getitem__,
            disabled=disabled or not on,
            on_change=write_back,
        )
    return st.session_state.get(key)
