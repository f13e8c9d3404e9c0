"""For every visitor: a text alternative to every chart (the summary sentence and a small
table of the key generations, which a screen reader reads as a real table).

(The system’s reduced-motion preference is honoured by ui/present.py.)"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import streamlit as st

from lib.figures.small_multiples import key_generations
from lib.i18n import fmt_int, fmt_number, t


def _format(value: object) -> str:
    if isinstance(value, int | np.integer):
        return fmt_int(int(value))
    if isinstance(value, float | np.floating):
        return "–" if np.isnan(value) else fmt_number(float(value))
    return str(value)


def key_rows(
    columns: Mapping[str, Sequence[float] | np.ndarray],
    generations: Sequence[int] | None = None,
    count: int = 6,
) -> list[dict[str, str]]:
    """The rows of the text table: one a key generation, numbers in the visitor's language.

    ``columns`` maps a translated header to one value a generation, shape
    (generations + 1,); ``generations`` picks the rows (default: evenly spread).
    """
    arrays = {name: np.asarray(values) for name, values in columns.items()}
    last = min(len(array) for array in arrays.values()) - 1 if arrays else 0
    chosen = generations if generations is not None else key_generations(last, count)
    header = t("present.generation_column")
    return [
        {header: fmt_int(g), **{name: _format(array[g]) for name, array in arrays.items()}}
        for g in chosen
        if 0 <= g <= last
    ]


def table_key(key: str) -> str:
    """The session-state key of the folded table under chart ``key`` (``True``: open)."""
    return f"table_{key}"


def describe(
    summary: str,
    columns: Mapping[str, Sequence[float] | np.ndarray] | None = None,
    *,
    key: str,
    generations: Sequence[int] | None = None,
) -> None:
    """The chart's text alternative: the summary sentence, then (folded) a compact table of
    the key generations. ``st.table`` renders an HTML table a screen reader can walk.

    The table is built only once the visitor unfolds it (a folded panel hides it from
    screen readers too): a page that sent it folded made every browser load and run the
    table's code while the chart above was still being drawn."""
    st.markdown(summary)
    if columns:
        folded = st.expander(
            t("present.as_table"),
            icon=":material/table_rows:",
            key=table_key(key),
            on_change="rerun",
        )
        if folded.open:
            rows = key_rows(columns, generations)
            header = t("present.generation_column")
            folded.table(pd.DataFrame(rows).set_index(header) if rows else pd.DataFrame())
