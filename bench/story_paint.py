"""How fast the Story paints its hero, against a bare one-bar Plotly page.

Serves the app and a reference app (a Streamlit script holding one Plotly bar chart and
nothing else, written to a temporary directory), then loads each page in headless
Chromium several times, alternating, and records the time from navigation start to the
first paint of the chart (the first ``.js-plotly-plot`` holding its drawn SVG; for the
Story, the hero with its picture). The Story's cache is warmed by one load first, so this
is the cached page a reader of an article meets. Prints the medians and their ratio (the
goal: at most 1.25), and the paired ratios (each Story load against the reference load
that follows it) to show the noise. Run it on a quiet machine: contention inflates the
Story's larger front-end work more than the bare page's. Exits non-zero when the goal is
missed.

    python bench/story_paint.py [--loads 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_FLAGS,
    free_port,
    start_app,
    wait_healthy,
)
from ui.style import MOTION_VIEW  # noqa: E402

GOAL = 1.25
REFERENCE = """import plotly.graph_objects as go
import streamlit as st

st.plotly_chart(go.Figure(go.Bar(x=["a"], y=[1])))
"""

# Records, in the page itself, the first animation frame in which the chart's element
# has arrived from the server, and the first in which its drawn SVG is present
# (performance.now() is measured from navigation start).
PROBE = """
(() => {
  const story = window.location.port === "%(story)s";
  const hero = ".st-key-%(motion)s_hero_chart";  // the animation, not its still version
  const arrived = story ? hero + " [data-testid='stPlotlyChart']"
    : "[data-testid='stPlotlyChart']";
  const drawn = story ? hero + " .js-plotly-plot .main-svg image"
    : ".js-plotly-plot .main-svg .trace";
  const tick = () => {
    if (window.__chartArrive === undefined && document.querySelector(arrived))
      window.__chartArrive = performance.now();
    if (document.querySelector(drawn)) window.__chartPaint = performance.now();
    else requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();
"""


def serve_reference(port: int, folder: Path) -> subprocess.Popen:
    script = folder / "one_bar.py"
    script.write_text(REFERENCE, encoding="utf-8")
    # The same server settings as the app (theme, toolbar): only the page differs.
    (folder / ".streamlit").mkdir(exist_ok=True)
    (folder / ".streamlit" / "config.toml").write_text(
        (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
    ]
    return subprocess.Popen(
        command, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def paint_time(browser, url: str, probe: str) -> tuple[float, float]:
    """Milliseconds from navigation start to the chart's arrival and to its first paint."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(probe)
    tab = context.new_page()
    try:
        tab.goto(url)
        tab.wait_for_function("window.__chartPaint !== undefined", timeout=60_000)
        return tuple(tab.evaluate("[window.__chartArrive, window.__chartPaint]"))
    finally:
        context.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=5, help="loads of each page")
    loads = parser.parse_args().loads
    from playwright.sync_api import sync_playwright

    story_port, reference_port = free_port(), free_port()
    story_url = f"http://127.0.0.1:{story_port}"
    reference_url = f"http://127.0.0.1:{reference_port}"
    probe = PROBE % {"story": story_port, "motion": MOTION_VIEW}
    with tempfile.TemporaryDirectory() as folder:
        story = start_app(story_port)
        reference = serve_reference(reference_port, Path(folder))
        try:
            wait_healthy(story_url, story)
            wait_healthy(reference_url, reference)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
                )
                # Warm both servers (imports, the Story's cache), then alternate.
                paint_time(browser, f"{story_url}/?lang=en", probe)
                paint_time(browser, reference_url, probe)
                times: dict[str, list[tuple[float, float]]] = {"story": [], "reference": []}
                for _ in range(loads):
                    times["story"].append(paint_time(browser, f"{story_url}/?lang=en", probe))
                    times["reference"].append(paint_time(browser, reference_url, probe))
                browser.close()
        finally:
            for process in (story, reference):
                process.terminate()
                process.wait(timeout=15)
    median = {
        name: [statistics.median(t[i] for t in runs) for i in (0, 1)]
        for name, runs in times.items()
    }
    for name, label in (("story", "story (cached)"), ("reference", "one-bar reference")):
        arrive, paint = median[name]
        print(
            f"{label:>18}: chart arrives {arrive:.0f} ms, paints {paint:.0f} ms (medians;"
            f" paints {', '.join(f'{t[1]:.0f}' for t in times[name])})"
        )
    ratio = median["story"][1] / median["reference"][1]
    verdict = "within" if ratio <= GOAL else "OVER"
    print(f"ratio story / reference (of the medians) = {ratio:.2f} ({verdict} the {GOAL} goal)")
    # The noise: each Story load against the reference load right after it (other jobs
    # sharing the cores make the load drift; a pair sees nearly the same).
    pairs = sorted(
        story[1] / reference[1]
        for story, reference in zip(times["story"], times["reference"], strict=True)
    )
    print(f"paired ratios: {', '.join(f'{r:.2f}' for r in pairs)}")
    return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
