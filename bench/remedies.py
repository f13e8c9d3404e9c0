"""How fast the remedies page draws, and how much it weighs on the wire.

1. Every figure of the page from a cold cache: each section's ``compute`` (the engine
   runs) and ``figure`` for every choice its controls offer, timed in this process with
   nothing cached (lib/ keeps no cache; the page's Streamlit caches are not involved).
   Goal: at most 3 s each on the shared 2-core host. Printed beside the time that raw
   ``numpy`` ``standard_normal`` takes for as many draws as the section's runs make,
   measured in the same run: the engine's overhead over drawing alone.
2. The page's payload: the page run under AppTest (default view, English and French), the
   size of every element Streamlit sends (protobuf bytes). Goal: at most 400 KiB.

Exits non-zero when a goal is missed.

    python bench/remedies.py
"""

from __future__ import annotations

import itertools
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from lib import i18n, remedies  # noqa: E402

FIGURE_BUDGET = 3.0  # seconds, cold, for one figure (compute + build)
PAYLOAD_BUDGET = 400 * 1024  # bytes, the whole page's elements

# Draws a section's runs make (replicas × samples × generations, every run summed), at the
# sections' fixed settings; for the baseline only.
DRAWS = {
    "fresh": remedies.FRESH_REPLICAS * remedies.FRESH_SAMPLES * remedies.FRESH_GENERATIONS,
    "calculator": 0,
    "accumulate": remedies.ACCUMULATE_REPLICAS
    * remedies.ACCUMULATE_SAMPLES
    * remedies.ACCUMULATE_GENERATIONS,
    "weight": (len(remedies.WEIGHT_GRID) + 1)
    * remedies.WEIGHT_REPLICAS
    * remedies.WEIGHT_SAMPLES
    * remedies.WEIGHT_GENERATIONS,
    "curation": 2
    * remedies.CURATION_REPLICAS
    * remedies.CURATION_SAMPLES
    * remedies.CURATION_GENERATIONS,
}


def _raw_draws(count: int) -> float:
    if not count:
        return 0.0
    rng = np.random.default_rng(0)
    start = time.perf_counter()
    for _ in range(0, count, 1_000_000):
        rng.standard_normal(min(1_000_000, count))
    return time.perf_counter() - start


def figure_times() -> list[tuple[str, dict, float]]:
    """(section, choices, seconds) for every choice of every section, cold."""
    timings = []
    for section in remedies.SECTIONS:
        names = [c.name for c in section.controls]
        options = [c.options for c in section.controls]
        if section.name == "calculator":  # pure arithmetic: a few corners are enough
            options = [(10, 100, 10**9), (0.01, 0.2)]
        for combination in itertools.product(*options):
            choices = dict(zip(names, combination, strict=True))
            start = time.perf_counter()
            data = section.compute(**choices)
            section.figure(data, **choices)
            timings.append((section.name, choices, time.perf_counter() - start))
    return timings


def _element_bytes(node) -> int:
    total = 0
    proto = getattr(node, "proto", None)
    if proto is not None and hasattr(proto, "ByteSize"):
        total += proto.ByteSize()
    for child in getattr(node, "children", {}).values():
        total += _element_bytes(child)
    return total


def payload(lang: str) -> tuple[int, int]:
    """(whole page, largest chart) in bytes."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("app_pages/remedies.py")
    at.run()
    if at.exception:
        raise RuntimeError([e.value for e in at.exception])
    charts = [chart.proto.ByteSize() for chart in at.get("plotly_chart")]
    return _element_bytes(at._tree), max(charts)


def main() -> int:
    missed = []
    i18n.use_language("en")
    # The compiled Gaussian kernels load from numba's disk cache once a process: a server
    # pays it at its first run, not at every figure. Warm them before timing.
    for section in remedies.SECTIONS:
        if section.name in ("fresh", "weight", "curation", "accumulate"):
            choices = section.defaults()
            section.compute(**choices)
    print(f"Figures from a cold cache (goal: at most {FIGURE_BUDGET:.0f} s each):")
    worst: dict[str, tuple[float, dict]] = {}
    for name, choices, seconds in figure_times():
        if seconds > worst.get(name, (0.0, {}))[0]:
            worst[name] = (seconds, choices)
        if seconds > FIGURE_BUDGET:
            missed.append(f"{name} {choices}: {seconds:.2f} s")
    for name, (seconds, choices) in worst.items():
        raw = _raw_draws(DRAWS[name])
        ratio = f"{seconds / raw:.1f}× raw standard_normal" if raw else "no engine run"
        print(
            f"  {name:<11} slowest {seconds:5.2f} s at {choices}; {ratio};"
            f" {seconds / FIGURE_BUDGET:.2f} of the budget"
        )
    print(f"Payload (goal: at most {PAYLOAD_BUDGET // 1024} KiB):")
    for lang in ("en", "fr"):
        page, chart = payload(lang)
        print(
            f"  {lang}: page {page / 1024:.1f} KiB, largest chart {chart / 1024:.1f} KiB;"
            f" {page / PAYLOAD_BUDGET:.2f} of the budget"
        )
        if page > PAYLOAD_BUDGET:
            missed.append(f"payload {lang}: {page / 1024:.1f} KiB")
    if missed:
        print("MISSED: " + "; ".join(missed))
        return 1
    print("Every goal met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
