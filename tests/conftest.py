"""Shared fixtures: the app served for real, and headless Chromium driven by Playwright."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]


def painted(at):
    """What the browser does once a page's first chart has painted: ask for what the page
    held back (``ui.sections.ask_later``; the player clicks the hidden button). AppTest
    has no browser, so a test that needs the whole Lab calls this after its first run."""
    for _ in range(3):  # the Lab's second run; the Story's chapters after it
        waiting = [b for b in at.button if (b.key or "").startswith("sections_later_")]
        if not waiting:
            break
        waiting[0].click().run()
    return at


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_healthy(url: str, process: subprocess.Popen | None = None, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the app exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.25)
    raise RuntimeError(f"{url} did not become healthy within {timeout} s")


def start_app(port: int, extra_args: tuple[str, ...] = ()) -> subprocess.Popen:
    """``streamlit run app.py`` on ``port``, as README starts it, headless."""
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        *extra_args,
    ]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """The app served on a free port for the whole test session."""
    port = free_port()
    process = start_app(port)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=15)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless. Missing Chromium is a failure, never a skip."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        yield instance
        instance.close()


# Opening a page's own address (/lab) makes Streamlit's frontend look for its server under
# that path first (/lab/_stcore/health, then /_stcore/health): the 404s of that probe are
# expected, not errors of the app.
_BASE_PATH_PROBE = re.compile(r"/[^/?#]+/_stcore/(health|host-config)(\?.*)?$")


def _is_console_error(message) -> bool:
    if message.type != "error":
        return False
    return not _BASE_PATH_PROBE.search((message.location or {}).get("url", ""))


@pytest.fixture
def page(browser):
    """A fresh browser tab; fails the test on any console error or page exception."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    tab.on(
        "console",
        lambda message: (
            errors.append(f"console: {message.text}") if _is_console_error(message) else None
        ),
    )
    tab.console_errors = errors
    yield tab
    context.close()
    assert not errors, "\n".join(errors)


def wait_for_app(tab, timeout: float = 30_000) -> None:
    """Wait until Streamlit has finished running the page's script."""
    # The frontend marks its root with the script's run state: "initial" until the first
    # run starts, then "running", then "notRunning" once the page is drawn.
    tab.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']"
        "[data-test-connection-state='CONNECTED']",
        timeout=timeout,
    )
    tab.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && document.querySelector('[data-testid=\"stMain\"]')",
        timeout=timeout,
    )
    tab.wait_for_timeout(300)
    assert tab.locator("[data-testid='stException']").count() == 0, "an exception box shows"
