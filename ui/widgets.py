"""Widgets made from the registry: the label, help and option names come from the
catalogue (``param.<key>.label``, ``param.<key>.help``, ``param.<key>.options.<option>``),
the range, step and key from ``lib.params``. A page asks for a widget by key."""

from __future__ import annotations

from typing import Any

import streamlit as st

from lib import params as registry
from lib.i18n import catalogue, current_language, t

# Shares (0 to 1) are shown to the visitor as percentages.
_PERCENT_KEYS = {"real_fraction"}


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
