"""How much the laboratory sends, and how fast a cached rerun is.

Runs /lab under AppTest at 100 and 1,000 generations and prints, for each: the JSON size
of every chart as Streamlit sends it (``plotly.io.to_json``, the ``len(fig.to_json())``
of the figure), the size of every element of the page, the ratio of that total to the
250 KiB budget, and the script time of a cached rerun against the first (uncached) run.

    python bench/lab_payload.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

BUDGET = 250 * 1024  # bytes the whole page may send at 100 generations


def _element_bytes(node) -> int:
    """Serialised size of every element and block under ``node``."""
    total = 0
    proto = getattr(node, "proto", None)
    if proto is not None and hasattr(proto, "ByteSize"):
        total += proto.ByteSize()
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        total += sum(_element_bytes(child) for child in children.values())
    return total


def measure(generations: int) -> None:
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params["lang"] = "en"
    at.query_params["generations"] = str(generations)
    at.run()
    at.switch_page("pages/lab.py")
    start = time.perf_counter()
    at.run()
    first = time.perf_counter() - start
    assert not at.exception, [e.value for e in at.exception]
    start = time.perf_counter()
    at.run()  # same parameters: the run comes from the cache
    cached = time.perf_counter() - start
    charts = [len(chart.proto.spec) for chart in at.get("plotly_chart")]
    total = _element_bytes(at._tree)
    print(f"generations={generations}")
    print(f"  main chart JSON     {charts[0] / 1024:8.1f} KiB")
    print(f"  measure charts JSON {sum(charts[1:]) / 1024:8.1f} KiB ({len(charts) - 1} charts)")
    print(f"  whole page          {total / 1024:8.1f} KiB = {total / BUDGET:.2f} x budget")
    print(f"  first run {first:.3f} s, cached rerun {cached:.3f} s = {cached / first:.2f} x")


if __name__ == "__main__":
    for generations in (100, 1_000):
        measure(generations)
