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
