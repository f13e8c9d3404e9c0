"""Widgets made from the registry: the label, help and option names come from the
catalogue (``param.<key>.label``, ``param.<key>.help``, ``param.<key>.options.<option>``),
the range, step and key from ``lib.params``. A page asks for a widget by key."""

from __future__ import annotations

from typing import Any

import streamlit as st

from lib import params as registry
from lib.i18n import catalogue, current_language, t

# Shares (0 to 1) are shown to the visitor as percentages.
_PERCENT_KEYS = {"real_fraction", "real_weight"}


def _help(key: str) -> str | None:
    help_key = f"param.{key}.help"
    return t(help_key) if help_key in catalogue(current_language()) else None


def widget(page: str, key: str, *, container: Any = st, disabled: bool = False) -> Any:
    """The widget of parameter ``key`` as ``page`` declares it; returns its value."""
    param = registry.PAGE_PARAMS[page][key]
    label = t(f"param.{key}.label")
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
                help=_help(key),
                disabled=disabled,
                selection_mode="single",
            ) or st.session_state.get(key, param.default)
        return container.selectbox(
            label,
            options,
            key=key,
            format_func=labels.__getitem__,
            help=_help(key),
            disabled=disabled,
        )
    if isinstance(param, registry.Flag):
        return container.toggle(label, key=key, help=_help(key), disabled=disabled)
    if param.optional:
        return _optional_number(key, param, label, container, disabled)
    number = int if param.integer else float
    return container.slider(
        label,
        min_value=number(param.low),
        max_value=number(param.high),
        step=number(param.step),
        key=key,
        help=_help(key),
        disabled=disabled,
        # Shares (0 to 1) read as percentages.
        format="percent" if key in _PERCENT_KEYS else None,
    )


def _optional_number(key: str, param, label: str, container: Any, disabled: bool) -> Any:
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
            help=_help(key),
            disabled=disabled,
            on_change=write_back,
        )
        st.slider(
            label,
            min_value=float(param.low),
            max_value=float(param.high),
            step=float(param.step),
            key=number,
            disabled=disabled or not on,
            on_change=write_back,
            format="percent" if key in _PERCENT_KEYS else None,
        )
    return st.session_state.get(key)
