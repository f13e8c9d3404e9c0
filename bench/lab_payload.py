"""How much the laboratory sends, and how fast it redraws.

Runs /lab under AppTest at 100 and 1,000 generations (the other knobs at their defaults)
and prints, for each:

- the JSON size of every chart as Streamlit sends it (``plotly.io.to_json``, i.e. the
  ``len(fig.to_json())`` of the figure), by chart key;
- the serialised size of every element of the page, against the 250 KiB budget (what
  the browser receives over the websocket is measured by tests/browser/test_lab.py);
- the script time of the first (uncached) run, which sends the histogram alone, of the
  run that brings the rest once the browser has painted it, of a rerun with the same
  knobs (the run comes from the cache) and of a knob change (a new seed: a new run),
  each as a ratio to the first run.

    python bench/lab_payload.py [--browser]

With ``--browser`` it also serves the app and measures, in headless Chromium, the bytes
the page receives over the websocket and the redraw after a knob change.
"""

from __future__ import annotations

import statistics
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


def _timed(at: AppTest) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one run of the script. On a shared machine the CPU
    time is the steadier figure: other processes stretch the wall clock, not the work."""
    start, cpu = time.perf_counter(), time.process_time()
    at.run()
    elapsed, work = time.perf_counter() - start, time.process_time() - cpu
    assert not at.exception, [e.value for e in at.exception]
    return elapsed, work


def measure(generations: int) -> int:
    """Prints the figures; returns the bytes of the whole page."""
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.query_params["lang"] = "en"
    at.query_params["generations"] = str(generations)
    at.switch_page("app_pages/lab.py")  # straight to /lab, as a shared link arrives
    first = _timed(at)  # the histogram alone (ui/sections.py: the rest comes once painted)
    at.button(key="sections_later_lab_go").click()
    rest = _timed(at)  # what the browser asks for once the chart has painted
    cached = _timed(at)  # same knobs: the run and the figures come from the caches
    at.slider(key="seed").set_value(2)
    change = _timed(at)  # one knob changed: a new run, new figures
    print(f"generations={generations}")
    for chart in at.get("plotly_chart"):
        print(f"  chart {chart.key or '?':<22} {len(chart.proto.spec) / 1024:8.1f} KiB")
    total = _element_bytes(at._tree)
    print(f"  whole page              {total / 1024:8.1f} KiB = {total / BUDGET:.2f} x budget")
    runs = (
        ("first run", first),
        ("the rest", rest),
        ("cached rerun", cached),
        ("new seed", change),
    )
    for name, (wall, cpu) in runs:
        print(
            f"  {name:<13} wall {wall:6.3f} s = {wall / first[0]:.2f} x first,"
            f" CPU {cpu:6.3f} s = {cpu / first[1]:.2f} x first"
        )
    return total


# Records whether the script ran since it was armed: a cached run can come and go between
# two polls of the page, so the attribute's changes are watched rather than sampled.
WATCH_RUN = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  window.copyRan = false;
  new MutationObserver((records, watch) => {
    const ran = records.some((r) => r.oldValue === "running");
    if (ran || app.dataset.testScriptState === "running") {
      window.copyRan = true;
      watch.disconnect();
    }
  }).observe(app, { attributes: true, attributeOldValue: true,
                    attributeFilter: ["data-test-script-state"] });
}"""
DONE = """() => window.copyRan && document.querySelector(
  "[data-testid='stApp'][data-test-script-state='notRunning']") !== null"""


def _round_trip(tab, key: str) -> float:
    """Seconds from a key press on the seed slider until the page is drawn again."""
    tab.locator(".st-key-seed input[type='range']").focus()
    tab.evaluate(WATCH_RUN)
    start = time.perf_counter()
    tab.keyboard.press(key)
    tab.wait_for_function(DONE, timeout=60_000, polling=10)
    return time.perf_counter() - start


def browser(repeats: int = 5) -> int:
    """The real app in headless Chromium at the defaults: bytes received over the
    websocket for the whole page (returned), and the redraw after a knob change (a new
    seed, then back to seeds already seen: their runs come from the cache)."""
    from playwright.sync_api import sync_playwright

    from tests.conftest import (
        CHROMIUM,
        CHROMIUM_FLAGS,
        free_port,
        start_app,
        wait_for_app,
        wait_healthy,
    )

    port = free_port()
    process = start_app(port)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process)
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
            )
            tab = chromium.new_page(viewport={"width": 1280, "height": 900})
            received: list[int] = []
            tab.on(
                "websocket",
                lambda socket: socket.on("framereceived", lambda p: received.append(len(p))),
            )
            tab.goto(f"{url}/lab?lang=en")
            wait_for_app(tab)
            total = sum(received)
            new = [_round_trip(tab, "ArrowRight") for _ in range(repeats)]
            cached = [_round_trip(tab, "ArrowLeft") for _ in range(repeats)]
            chromium.close()
    finally:
        process.terminate()
        process.wait(timeout=15)
    print("browser, defaults (100 generations)")
    print(f"  websocket received  {total / 1024:8.1f} KiB = {total / BUDGET:.2f} x budget")
    print(
        f"  redraw after a knob change (median of {repeats}): new seed"
        f" {statistics.median(new):.2f} s, seed seen before {statistics.median(cached):.2f} s"
    )
    return total


def main() -> int:
    page = {generations: measure(generations) for generations in (100, 1_000)}
    # The budget is for the default view (100 generations); 1,000 is printed to watch it.
    figures = [f"AppTest page at 100 generations {page[100] / 1024:.1f} KiB"]
    met = page[100] <= BUDGET
    if "--browser" in sys.argv:
        received = browser()
        figures.append(f"websocket {received / 1024:.1f} KiB")
        met &= received <= BUDGET
    print(
        f"goal: the default Lab view sends at most {BUDGET // 1024} KiB; measured: "
        f"{', '.join(figures)}: {'met' if met else 'MISSED'}"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
