"""How fast the Laboratory paints its first chart, against a bare one-bar Plotly page.

The method of bench/story_paint.py: the app and a reference app (a Streamlit script
holding one Plotly bar chart and nothing else, served with the app's own
.streamlit/config.toml) are loaded in headless Chromium, alternating, several times; each
load records the time from navigation start to the first paint of the page's first chart
(its drawn SVG trace). The Laboratory's cache is warmed by one load first: this is the
page a visitor following a shared link to the default view meets. Prints the medians,
their ratio against the goal (at most 1.25) and the paired ratios (the noise), and exits
1 when the goal is missed. Run it on a quiet machine.

    python bench/lab_paint.py [--loads 7]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.story_paint import serve_reference  # noqa: E402
from tests.conftest import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_FLAGS,
    free_port,
    start_app,
    wait_healthy,
)

GOAL = 1.25

# Records, in the page itself, the first animation frame in which the page's first chart
# element has arrived from the server, and the first in which its SVG holds a drawn trace
# (performance.now() is measured from navigation start).
PROBE = """
(() => {
  const tick = () => {
    const chart = document.querySelector("[data-testid='stPlotlyChart']");
    if (window.__chartArrive === undefined && chart) window.__chartArrive = performance.now();
    if (chart && chart.querySelector(".js-plotly-plot .main-svg .trace"))
      window.__chartPaint = performance.now();
    else requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();
"""


def paint_time(browser, url: str) -> tuple[float, float]:
    """Milliseconds from navigation start to the chart's arrival and to its first paint."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(PROBE)
    tab = context.new_page()
    try:
        tab.goto(url)
        tab.wait_for_function("window.__chartPaint !== undefined", timeout=60_000)
        return tuple(tab.evaluate("[window.__chartArrive, window.__chartPaint]"))
    finally:
        context.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=7, help="loads of each page")
    parser.add_argument("--query", default="lang=en", help="the Lab view to load")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    lab_port, reference_port = free_port(), free_port()
    lab_url = f"http://127.0.0.1:{lab_port}/lab?{args.query}"
    reference_url = f"http://127.0.0.1:{reference_port}"
    with tempfile.TemporaryDirectory() as folder:
        lab = start_app(lab_port)
        reference = serve_reference(reference_port, Path(folder))
        try:
            wait_healthy(f"http://127.0.0.1:{lab_port}", lab)
            wait_healthy(reference_url, reference)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
                )
                paint_time(browser, lab_url)  # warm both servers: imports, the Lab's cache
                paint_time(browser, reference_url)
                times: dict[str, list[tuple[float, float]]] = {"lab": [], "reference": []}
                for _ in range(args.loads):
                    times["lab"].append(paint_time(browser, lab_url))
                    times["reference"].append(paint_time(browser, reference_url))
                browser.close()
        finally:
            for process in (lab, reference):
                process.terminate()
                process.wait(timeout=15)
    median = {
        name: [statistics.median(t[i] for t in runs) for i in (0, 1)]
        for name, runs in times.items()
    }
    for name, label in (("lab", "lab (cached)"), ("reference", "one-bar reference")):
        arrive, paint = median[name]
        print(
            f"{label:>18}: chart arrives {arrive:.0f} ms, paints {paint:.0f} ms (medians;"
            f" paints {', '.join(f'{t[1]:.0f}' for t in times[name])})"
        )
    ratio = median["lab"][1] / median["reference"][1]
    pairs = sorted(
        lab[1] / reference[1]
        for lab, reference in zip(times["lab"], times["reference"], strict=True)
    )
    print(f"paired ratios: {', '.join(f'{r:.2f}' for r in pairs)}")
    met = ratio <= GOAL
    print(
        f"goal: the Lab's first chart paints within {GOAL}x the one-bar page; measured: "
        f"{ratio:.2f}x (medians of {args.loads} alternating loads): "
        f"{'met' if met else 'MISSED'}"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
