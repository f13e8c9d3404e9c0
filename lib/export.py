"""Files a visitor takes away: the animation as one standalone HTML page that plays with
no server, and the per-generation measures as CSV. Pure Python, no streamlit.

The text inside (page title, column headers) is given by the caller, already translated.
"""

from __future__ import annotations

import csv
import html
import io
import math
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from lib.embed import EXPORT_CONTENT, height_reporter

PLOTLY_CDN_PREFIX = "https://cdn.plot.ly/plotly-"
CHART_ID = "copy-of-a-copy-chart"  # fixed, so that two exports of one view are identical

# The page around the chart: the language, a viewport for phones, a title, a chart that
# takes the window's width, and the script that tells a host page its height (the same
# messages as the embedded app, so the share panel's snippet sizes this file too). The
# chart's height follows the window's width, never its height: in an iframe that the host
# resizes to fit, a height in vh would grow with every resize.
_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
  html, body {{ margin: 0; padding: 0; background: #fff; color: #1B1F24;
    font-family: "Source Sans 3", "Source Sans Pro", sans-serif; }}
  main {{ box-sizing: border-box; max-width: 1100px; margin: 0 auto; padding: 12px; }}
  h1 {{ font-size: 1.3rem; margin: 0 0 8px; }}
  p {{ margin: 8px 0 0; }}
  .chart {{ width: 100%; height: clamp(400px, 100vw, 640px); }}
</style>
</head>
<body>
<main>
<h1>{title}</h1>
<div class="chart">{chart}</div>
{caption}
</main>
{reporter}
</body>
</html>
"""


def standalone_html(
    fig: go.Figure,
    *,
    title: str,
    lang: str = "en",
    caption: str = "",
    inline: bool = True,
) -> str:
    """The figure as one HTML page that needs no server.

    ``inline=True`` embeds plotly.js (about 4.7 MB, plays offline); ``inline=False``
    loads plotly.js from Plotly's CDN (small file, needs the network). The animation
    waits for its Play button: it never starts on its own (reduced-motion visitors).
    Plotly's modebar stays, so its camera button still saves a PNG.
    """
    chart = fig.to_html(
        full_html=False,
        include_plotlyjs=True if inline else "cdn",
        auto_play=False,
        config={"responsive": True, "displaylogo": False},
        default_width="100%",
        default_height="100%",
        div_id=CHART_ID,
    )
    return _PAGE.format(
        lang=html.escape(lang, quote=True),
        title=html.escape(title),
        chart=chart,
        caption=f"<p>{html.escape(caption)}</p>" if caption else "",
        reporter=height_reporter(EXPORT_CONTENT),
    )


# How a spreadsheet set to each language reads CSV: English wants commas between fields
# and a decimal point; French spreadsheets (Excel, LibreOffice in a French locale) split
# on semicolons, read the comma as the decimal mark, and take the file for UTF-8 only
# when it opens with a byte-order mark (the accented headers come out garbled otherwise).
CSV_DIALECTS = {
    "en": {"delimiter": ",", "decimal": ".", "bom": ""},
    "fr": {"delimiter": ";", "decimal": ",", "bom": "\ufeff"},
}


def _cell(value: object, decimal: str = ".") -> str:
    """A number as the spreadsheet reads it: ``decimal`` as the decimal mark, no
    thousands separator, full precision; empty for NaN."""
    if value is None:
        return ""
    if isinstance(value, bool | np.bool_):
        return "1" if value else "0"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        number = float(value)
        return "" if math.isnan(number) else format(number, ".10g").replace(".", decimal)
    return str(value)


def measures_csv(
    columns: Mapping[str, Sequence[float] | np.ndarray], generation: str, language: str = "en"
) -> str:
    """Per-generation measures as CSV text, one row a generation, in the form a
    spreadsheet set to ``language`` opens directly (``CSV_DIALECTS``).

    ``columns`` maps a column header to one value a generation, shape (generations + 1,);
    ``generation`` is the header of the first column (0, 1, 2, ...). Raises ValueError if
    the columns differ in length or are not one-dimensional.
    """
    dialect = CSV_DIALECTS.get(language, CSV_DIALECTS["en"])
    arrays = {name: np.asarray(values) for name, values in columns.items()}
    lengths = {array.shape for array in arrays.values()}
    if any(array.ndim != 1 for array in arrays.values()):
        raise ValueError("each measure must hold one value a generation (a 1-D array)")
    if len(lengths) > 1:
        raise ValueError(f"the measures differ in length: {sorted(lengths)}")
    rows = next(iter(lengths))[0] if lengths else 0
    buffer = io.StringIO()
    buffer.write(dialect["bom"])
    writer = csv.writer(buffer, delimiter=dialect["delimiter"], lineterminator="\n")
    writer.writerow([generation, *arrays])
    for index in range(rows):
        cells = (_cell(array[index], dialect["decimal"]) for array in arrays.values())
        writer.writerow([index, *cells])
    return buffer.getvalue()
