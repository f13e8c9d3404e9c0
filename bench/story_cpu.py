"""What a cached view of the Story costs the server in CPU time.

Serves the app and a reference app (one Plotly bar chart and nothing else, with the app's
own server settings), warms the Story's caches with one view, then opens the Story
``--views`` times in headless Chromium (a fresh tab each time, so a new session and a
full script run each time; static files come from the browser's cache) and reads the
server process's CPU time (user + system, from /proc) before and after. The same for
the reference page, in the same run. Prints the CPU per view of each, the Story's
against its 0.1 s goal and against the reference, and exits non-zero when the goal is
missed.

    python bench/story_cpu.py [--views 8]
"""

from __future__ import annotations

import argparse
import os
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

GOAL = 0.1  # CPU seconds a cached Story view may cost the server (issue 14)
QUIET_MS = 2_000  # the server has sent nothing for this long: the view is done


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` and its threads, in seconds."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime


def view(context, url: str) -> None:
    """One reader's view in a new tab (a new session, a full script run; the browser's
    cache holds Streamlit's static files, as a returning reader's would): load, let the
    script finish and the server fall quiet."""
    tab = context.new_page()
    messages = {"count": 0}
    tab.on(
        "websocket",
        lambda socket: socket.on(
            "framereceived", lambda _: messages.__setitem__("count", messages["count"] + 1)
        ),
    )
    try:
        tab.goto(url)
        tab.wait_for_selector(
            "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=120_000
        )
        seen = -1
        while seen != messages["count"]:
            seen = messages["count"]
            tab.wait_for_timeout(QUIET_MS)
    finally:
        tab.close()


def per_view(browser, url: str, pid: int, views: int) -> float:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        view(context, url)  # warm: imports, caches, the browser's cache of static files
        before = cpu_seconds(pid)
        for _ in range(views):
            view(context, url)
        return (cpu_seconds(pid) - before) / views
    finally:
        context.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--views", type=int, default=8)
    views = parser.parse_args().views
    from playwright.sync_api import sync_playwright

    story_port, reference_port = free_port(), free_port()
    story_url = f"http://127.0.0.1:{story_port}"
    reference_url = f"http://127.0.0.1:{reference_port}"
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
                cost = per_view(browser, f"{story_url}/?lang=en", story.pid, views)
                base = per_view(browser, reference_url, reference.pid, views)
                browser.close()
        finally:
            for process in (story, reference):
                process.terminate()
                process.wait(timeout=15)
    print(f"server CPU a cached view, over {views} views: Story {cost * 1000:.0f} ms,")
    print(f"  one-bar reference {base * 1000:.0f} ms (Story / reference = {cost / base:.1f})")
    ratio = cost / GOAL
    verdict = "within" if ratio <= 1 else "OVER"
    print(f"Story / {GOAL} s goal = {ratio:.2f} ({verdict} the goal)")
    return 0 if ratio <= 1 else 1


if __name__ == "__main__":
    sys.exit(main())
