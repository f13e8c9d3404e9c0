"""deploy/nginx.conf for real, on loopback: Debian's nginx in front of two app processes.

A Chromium page works through the proxy; the replica holding its websocket is killed; the
page reconnects through nginx to the survivor, which reruns it from its URL and renders.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from lib.i18n import catalogue
from tests.conftest import ROOT, free_port, wait_for_app, wait_healthy

pytestmark = pytest.mark.browser

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CONF = ROOT / "deploy" / "nginx.conf"
# What a browser says while its server is gone; expected after the kill, nothing else is.
_DISCONNECT = re.compile(r"websocket|_stcore|ERR_CONNECTION|Failed to load resource|502", re.I)


def proxy_conf(text: str, listen: int, replicas: list[int], prefix: Path) -> str:
    """deploy/nginx.conf with loopback ports and files in ``prefix``; nothing else changes
    but one header that tells the test which replica answered."""
    servers = iter(replicas)
    text, count = re.subn(
        r"server app-\d+:8501",
        lambda _: f"server 127.0.0.1:{next(servers)}",
        text,
    )
    assert count == len(replicas)
    text = text.replace("listen 80;", f"listen 127.0.0.1:{listen};")
    text = re.sub(r"^pid .*;$", f"pid {prefix}/nginx.pid;", text, flags=re.M)
    text = re.sub(r"^error_log .*;$", f"error_log {prefix}/error.log warn;", text, flags=re.M)
    text = text.replace("worker_processes auto;", "worker_processes 1;")
    text = re.sub(r"worker_connections \d+;", "worker_connections 256;", text)
    temp = "".join(
        f"    {kind}_temp_path {prefix}/{kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    text = text.replace("http {\n", "http {\n" + temp, 1)
    return text.replace(
        "add_header Set-Cookie $route_cookie always;",
        "add_header Set-Cookie $route_cookie always;\n"
        "        add_header X-Upstream $upstream_addr always;",
    )


def start_replica(port: int, secret: str) -> subprocess.Popen:
    env = {**os.environ, "STREAMLIT_SERVER_COOKIE_SECRET": secret}
    command = [sys.executable, "-m", "streamlit", "run", "app.py"]
    command += ["--server.port", str(port), "--server.address", "127.0.0.1"]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture
def proxied():
    """Two replicas sharing one cookie secret, nginx in front; all stopped afterwards."""
    if not Path(NGINX).exists():
        pytest.fail("nginx not found: install Debian's nginx package (.ci/run does)")
    secret = os.urandom(32).hex()
    ports = [free_port(), free_port()]
    replicas = {port: start_replica(port, secret) for port in ports}
    prefix = Path(tempfile.mkdtemp(prefix="nginx-test-"))
    prefix.chmod(0o755)  # nginx's workers may run as another user: let them in
    listen = free_port()
    (prefix / "nginx.conf").write_text(proxy_conf(CONF.read_text(), listen, ports, prefix))
    nginx = None
    try:
        for port, process in replicas.items():
            wait_healthy(f"http://127.0.0.1:{port}", process)
        nginx = subprocess.Popen(
            [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        wait_healthy(f"http://127.0.0.1:{listen}", nginx, timeout=20)
        yield f"http://127.0.0.1:{listen}", replicas
    finally:
        if nginx is not None:
            nginx.send_signal(signal.SIGQUIT)  # graceful stop
            try:
                nginx.wait(timeout=10)
            except subprocess.TimeoutExpired:
                nginx.kill()
                nginx.wait(timeout=5)
        for process in replicas.values():
            stop(process)
        shutil.rmtree(prefix, ignore_errors=True)


def test_the_proxy_config_is_valid_for_nginx(tmp_path):
    tmp_path.chmod(0o755)
    conf = tmp_path / "nginx.conf"
    conf.write_text(proxy_conf(CONF.read_text(), free_port(), [free_port(), free_port()], tmp_path))
    result = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(conf)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr


def test_the_page_survives_the_loss_of_its_replica(proxied, page):
    url, replicas = proxied
    sockets: list[str] = []
    page.on("websocket", lambda ws: sockets.append(ws.url))

    page.goto(f"{url}/lab?lang=fr&seed=7")
    wait_for_app(page)
    heading = page.locator("[data-testid='stMain'] h1").first
    assert catalogue("fr")["nav.lab"] in heading.inner_text()
    assert len(sockets) == 1 and "/_stcore/stream" in sockets[0]

    # The replica this visitor is pinned to, as nginx routes its cookie.
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert "coac_route" in cookies, "nginx did not set its route cookie"
    pinned = page.request.get(f"{url}/_stcore/health").headers["x-upstream"]
    port = int(pinned.rsplit(":", 1)[1])
    assert port in replicas
    survivor = next(p for p in replicas if p != port)

    errors_before_kill = len(page.console_errors)
    replicas[port].send_signal(signal.SIGKILL)  # a crash, not a polite shutdown
    replicas[port].wait(timeout=10)

    # The frontend notices, reconnects through nginx, and the survivor reruns the page.
    deadline = time.monotonic() + 60
    while len(sockets) < 2 and time.monotonic() < deadline:
        page.wait_for_timeout(250)
    assert len(sockets) >= 2, "the page never opened a new websocket"
    wait_for_app(page, timeout=60_000)
    assert catalogue("fr")["nav.lab"] in heading.inner_text()
    assert "seed=7" in page.url  # the survivor reran the view from its URL
    answer = page.request.get(f"{url}/_stcore/health")
    assert answer.ok and answer.headers["x-upstream"].endswith(f":{survivor}")
    with urllib.request.urlopen(f"http://127.0.0.1:{survivor}/_stcore/health", timeout=5):
        pass

    # The rerun came over the new websocket: the page holds the Laboratory's chart again.
    assert page.locator("[data-testid='stPlotlyChart']").count() >= 1

    # Connection errors while the replica was gone are expected; nothing else is.
    after = page.console_errors[errors_before_kill:]
    unexpected = [e for e in after if not _DISCONNECT.search(e)]
    del page.console_errors[errors_before_kill:]
    page.console_errors.extend(unexpected)
