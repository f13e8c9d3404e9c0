"""How much the Story weighs on the wire.

Serves the app, opens the Story in headless Chromium (a phone, 390 px wide, then a
desktop) and adds up every websocket message the server sends until the page has
finished drawing and stays quiet, chapters included: the whole Story as a reader gets it.
The server's cache is warmed by one load first. Then, under AppTest, the hero's own share
(its chart's protobuf at the default 30 generations and at the largest the page allows,
60) against its 300 KiB budget. Prints the ratios to the goals and exits non-zero when a
goal is missed. The pictures are PNGs, which the websocket's deflate barely shrinks: the
sizes counted are the frames' payloads as they travel (after any compression).

    python bench/story_payload.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from tests.conftest import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_FLAGS,
    free_port,
    start_app,
    wait_healthy,
)

STORY_GOAL = 900 * 1024  # bytes the whole Story may send (issue 14)
HERO_BUDGET = 300 * 1024  # bytes the hero may weigh at 30 generations
QUIET_MS = 2_500  # no message for this long: the page is done


def wire_bytes(browser, url: str, width: int, height: int) -> tuple[int, int]:
    """Bytes and messages the server sends over the websocket for one view of ``url``."""
    context = browser.new_context(viewport={"width": width, "height": height})
    tab = context.new_page()
    received = {"bytes": 0, "messages": 0}

    def on_socket(socket) -> None:
        def on_frame(payload) -> None:
            received["bytes"] += len(payload)
            received["messages"] += 1

        socket.on("framereceived", on_frame)

    tab.on("websocket", on_socket)
    try:
        tab.goto(url)
        tab.wait_for_selector(
            "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=120_000
        )
        # Wait until the server has been quiet for QUIET_MS (late reruns included).
        count = -1
        while count != received["messages"]:
            count = received["messages"]
            tab.wait_for_timeout(QUIET_MS)
        return received["bytes"], received["messages"]
    finally:
        context.close()


def _hero_bytes(generations: int) -> int:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["lang"] = "en"
    at.query_params["generations"] = str(generations)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    hero = next(c for c in at.get("plotly_chart") if c.proto.id.endswith("hero_chart"))
    frames = len(json.loads(hero.proto.spec)["frames"])
    size = hero.proto.ByteSize()
    print(f"hero at {generations} generations: {frames} frames, {size / 1024:.1f} KiB")
    return hero.proto.ByteSize()


def main() -> int:
    from playwright.sync_api import sync_playwright

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = start_app(port)
    missed = []
    try:
        wait_healthy(url, server)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
            )
            wire_bytes(browser, f"{url}/?lang=en", 1280, 800)  # warm the caches
            for lang, width, height in (("fr", 390, 844), ("en", 1280, 800)):
                size, messages = wire_bytes(browser, f"{url}/?lang={lang}", width, height)
                ratio = size / STORY_GOAL
                print(
                    f"the whole Story ({lang}, {width}x{height}): {size / 1024:.0f} KiB in"
                    f" {messages} messages; / 900 KiB goal = {ratio:.2f}"
                )
                if ratio > 1:
                    missed.append(f"Story {lang} {width}px")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=15)
    hero = _hero_bytes(30)
    print(f"hero / its 300 KiB budget = {hero / HERO_BUDGET:.2f}")
    if hero > HERO_BUDGET:
        missed.append("hero")
    _hero_bytes(60)
    if missed:
        print("MISSED:", ", ".join(missed))
        return 1
    print("all goals met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
