"""What a cached view of the Story costs the server in CPU time.

Serves the app and a reference app (one Plotly bar chart and nothing else, with the app's
own server settings), warms the Story's caches with one view, then opens the Story
``--views`` times in headless Chromium (a fresh tab each time, so a new session and a
full script run each time; static files come from the browser's cache) and reads the
server process's CPU time (user + system, from /proc) before and after each. The same for
the reference page, in the same run.

A view ends once every chart of the page has been drawn and the server has sent nothing
more for half a second. The CPU of the threads the server had before any visitor came,
other than its event loop, is not the view's: they poll the config files five times a
second whatever happens (6-10 ms of CPU a second each on 2 cores), so a view is charged
with the event loop (which sends it) and the threads its session starts (which run its
script). Prints the CPU per view of each page, the Story's against its 0.1 s goal and
against the reference, and exits non-zero when the goal is missed.

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
from lib import chapters  # noqa: E402
from tests.conftest import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_FLAGS,
    free_port,
    start_app,
    wait_healthy,
)

GOAL = 0.1  # CPU seconds a cached Story view may cost the server (issue 14)
QUIET_MS = 500  # once the charts are drawn, the server has sent nothing for this long
STORY_CHARTS = 1 + len(chapters.CHAPTERS)  # the hero and a figure a chapter


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` and its threads, in seconds."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime


def background_threads(pid: int) -> list[str]:
    """The server's threads other than its event loop (the main thread)."""
    return [tid for tid in os.listdir(f"/proc/{pid}/task") if tid != str(pid)]


def thread_seconds(pid: int, threads: list[str]) -> float:
    """CPU time of these threads of ``pid``, in seconds (scheduler's own count)."""
    total = 0
    for tid in threads:
        with open(f"/proc/{pid}/task/{tid}/schedstat", encoding="ascii") as handle:
            total += int(handle.read().split()[0])  # nanoseconds on the CPU
    return total / 1e9


def view(context, url: str, charts: int) -> None:
    """One reader's view in a new tab (a new session, a full script run; the browser's
    cache holds Streamlit's static files, as a returning reader's would): load, let the
    script finish, every one of ``charts`` charts draw and the server fall quiet."""
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
        tab.wait_for_function(
            "([charts]) => document.querySelector("
            "\"[data-testid='stApp'][data-test-script-state='notRunning']\") && "
            "[...document.querySelectorAll('.js-plotly-plot')].filter("
            "(plot) => plot._fullLayout).length >= charts",
            arg=[charts],
            timeout=120_000,
        )
        seen = -1
        while seen != messages["count"]:
            seen = messages["count"]
            tab.wait_for_timeout(QUIET_MS)
    finally:
        tab.close()


def per_view(browser, url: str, pid: int, views: int, charts: int) -> float:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    pollers = background_threads(pid)  # before any visitor: the config-file pollers
    try:
        view(context, url, charts)  # warm: imports, caches, the browser's static files
        spent = 0.0
        for _ in range(views):
            process, polling = cpu_seconds(pid), thread_seconds(pid, pollers)
            view(context, url, charts)
            spent += cpu_seconds(pid) - process - (thread_seconds(pid, pollers) - polling)
        return spent / views
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
                cost = per_view(browser, f"{story_url}/?lang=en", story.pid, views, STORY_CHARTS)
                base = per_view(browser, reference_url, reference.pid, views, 1)
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
