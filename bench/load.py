"""Load harness: many Streamlit sessions without browsers, each asking for Laboratory runs.

Each simulated visitor speaks the protocol Streamlit's own frontend speaks: a websocket on
``/_stcore/stream`` carrying ``BackMsg`` protobufs up (``rerun_script`` with the query
string and the page) and ``ForwardMsg`` protobufs down, read until ``script_finished``.
Every run loads ``/lab`` from a link: half of them the default view (as from an
article), the others with three settings drawn from the registry's options and ranges.

Usage (starts its own server on a free port unless ``--url`` is given):

    python bench/load.py                      # the goal: 30 sessions in 10 s, 4 runs each
    python bench/load.py --sessions 60 --arrival 10
    python bench/load.py --profile            # py-spy: where a Lab run's time goes
    python bench/load.py --behind-nginx 2     # two replicas behind deploy/nginx.conf

It prints p50/p95 latency, errors and the server's memory (RSS) before, at peak and after
the sessions left, and ratios against a baseline measured in the same run: one visitor
alone, cold then warm (a warm default view must be a cache hit).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState, ContextInfo
from streamlit.proto.Common_pb2 import DoubleArray, StringArray
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lib import params as registry  # noqa: E402

RUN_TIMEOUT = 60.0  # seconds a run may take before it counts as an error
GOAL = {"p95": 2.0, "errors": 0, "memory_back_mib": 150}
_DONE = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR}

# What visitors do to the Lab after the first view: (key, values a widget can take).
# Values come from the registry's own options and ranges.
_LAB = registry.PAGE_PARAMS["lab"]
MOVES: tuple[tuple[str, tuple], ...] = (
    ("seed", (2, 3, 7, 42, 1234)),
    ("samples", (20, 50, 200, 500, 1_000)),
    ("generations", (10, 50, 200)),
    ("real_fraction", (0.0, 0.1, 0.25, 0.5)),
    ("temperature", (0.7, 0.9, 1.0)),
    ("source", _LAB["source"].options),
    ("model", _LAB["model"].options),
    ("estimator", _LAB["estimator"].options),
    ("regime", _LAB["regime"].options),
)


# ----------------------------------------------------------------------------- protocol
@dataclass
class RunResult:
    seconds: float
    ok: bool
    detail: str = ""
    elements: dict[str, int] = field(default_factory=dict)


class Visitor:
    """One browser tab's worth of protocol: a websocket and the widgets it last saw."""

    def __init__(self, base_url: str, page: str, query: dict[str, str], lang: str = "en"):
        self.base_url = base_url.rstrip("/")
        self.page = page
        self.query = {"lang": lang, **query}
        self.lang = lang
        self.ws = None
        self.page_script_hash = ""
        self.widgets: dict[str, tuple[str, object]] = {}  # registry key -> (type, element)
        self.messages = 0
        # The route cookie deploy/nginx.conf gives each browser on its first answer: behind
        # the proxy, visitors spread over the replicas (a bare server ignores it).
        self.cookie = f"coac_route={secrets.token_hex(8)}"

    async def connect(self) -> None:
        # A browser first fetches the page's HTML (static, any replica can serve it).
        url = f"{self.base_url}/{self.page}?{urlencode(self.query)}"
        await asyncio.to_thread(_http_get, url, self.cookie)
        parts = urlsplit(self.base_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        self.ws = await websockets.connect(
            f"{scheme}://{parts.netloc}/_stcore/stream",
            subprotocols=["streamlit"],
            origin=f"{parts.scheme}://{parts.netloc}",
            max_size=None,
            open_timeout=30,
            ping_interval=None,
            additional_headers={"Cookie": self.cookie},
        )

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            self.ws = None

    def _client_state(self) -> ClientState:
        state = ClientState(
            query_string=urlencode(self.query),
            context_info=ContextInfo(
                timezone="Europe/Paris",
                timezone_offset=-60,
                locale=f"{self.lang}-{'FR' if self.lang == 'fr' else 'GB'}",
                url=f"{self.base_url}/{self.page}?{urlencode(self.query)}",
                is_embedded=False,
            ),
        )
        if self.page_script_hash:
            state.page_script_hash = self.page_script_hash
        else:
            state.page_name = self.page
        return state

    async def run(self, widget_state: WidgetState | None = None) -> RunResult:
        """One script run: send ``rerun_script``, read until the script finished."""
        state = self._client_state()
        if widget_state is not None:
            state.widget_states.CopyFrom(WidgetStates(widgets=[widget_state]))
        started = time.perf_counter()
        await self.ws.send(BackMsg(rerun_script=state).SerializeToString())
        elements: dict[str, int] = {}
        problems: list[str] = []
        try:
            async with asyncio.timeout(RUN_TIMEOUT):
                while True:
                    message = ForwardMsg()
                    message.ParseFromString(await self.ws.recv())
                    self.messages += 1
                    kind = message.WhichOneof("type")
                    if kind == "new_session":
                        self.page_script_hash = message.new_session.page_script_hash
                    elif kind == "page_info_changed":
                        query = message.page_info_changed.query_string
                        self.query = dict(_split_query(query)) or self.query
                    elif kind == "delta" and message.delta.HasField("new_element"):
                        self._see(message.delta.new_element, elements, problems)
                    elif kind == "script_finished" and message.script_finished in _DONE:
                        if message.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                            problems.append("compile error")
                        break
        except TimeoutError:
            return RunResult(time.perf_counter() - started, False, "timeout", elements)
        except websockets.ConnectionClosed as closed:
            return RunResult(time.perf_counter() - started, False, f"closed: {closed}", elements)
        seconds = time.perf_counter() - started
        return RunResult(seconds, not problems, "; ".join(problems), elements)

    def _see(self, element, elements: dict[str, int], problems: list[str]) -> None:
        kind = element.WhichOneof("type")
        elements[kind] = elements.get(kind, 0) + 1
        if kind == "exception":
            problems.append(f"exception: {element.exception.type}")
            return
        widget = getattr(element, kind)
        widget_id = getattr(widget, "id", "") if kind != "exception" else ""
        if widget_id.startswith("$$ID-"):
            key = widget_id.rsplit("-", 1)[-1]
            if key in _LAB:
                self.widgets[key] = (kind, widget)

    def move(self, key: str, value) -> WidgetState | None:
        """The widget state a browser sends when the visitor sets ``key`` to ``value``."""
        if key not in self.widgets:
            return None
        kind, widget = self.widgets[key]
        param = _LAB[key]
        state = WidgetState(id=widget.id)
        if kind == "slider":
            state.double_array_value.CopyFrom(DoubleArray(data=[float(value)]))
        elif kind == "selectbox" and isinstance(param, registry.Choice):
            state.string_value = widget.options[param.options.index(value)]
        elif kind == "button_group" and isinstance(param, registry.Choice):
            label = widget.options[param.options.index(value)].content
            state.string_array_value.CopyFrom(StringArray(data=[label]))
        elif kind in ("checkbox", "toggle"):
            state.bool_value = bool(value)
        else:
            return None
        return state


def _split_query(query: str) -> list[tuple[str, str]]:
    from urllib.parse import parse_qsl

    return parse_qsl(query.lstrip("?"), keep_blank_values=True)


def _http_get(url: str, cookie: str = "") -> int:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=30) as answer:
        answer.read()
        return answer.status


# ------------------------------------------------------------------------------- server
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int, cookie_secret: str | None = None) -> subprocess.Popen:
    """The app as README serves it (production config from .streamlit/config.toml)."""
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1"]
    environment = {**os.environ, "MALLOC_ARENA_MAX": "2"}  # as the Dockerfile and `make run`
    if cookie_secret:  # replicas behind one proxy share it
        environment["STREAMLIT_SERVER_COOKIE_SECRET"] = cookie_secret
    return subprocess.Popen(
        command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def wait_healthy(url: str, process: subprocess.Popen | None, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode}")
        try:
            if _http_get(f"{url}/_stcore/health") == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} not healthy after {timeout} s")


def rss_mib(pid: int) -> tuple[float, float]:
    """(current RSS, peak RSS) of ``pid`` in MiB, from /proc."""
    fields = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            name, _, value = line.partition(":")
            fields[name] = value
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


# ---------------------------------------------------------------------------------- load
def lab_query(rng: random.Random) -> dict[str, str]:
    """A Laboratory link: half the visitors arrive on the default view."""
    if rng.random() < 0.5:
        return {}
    query = {}
    for key, values in rng.sample(MOVES, k=3):
        query[key] = str(rng.choice(values))
    return query


async def visitor_session(
    base_url: str, rng: random.Random, runs: int, think: tuple[float, float]
) -> list[RunResult]:
    """One visitor: ``runs`` Lab views, each from a link with other settings.

    Each view is a fresh page load (its own websocket session), as when a reader follows
    shared links. (Moving one widget would need the frontend's full widget-state set:
    Streamlit 1.67 resets widgets missing from a ``rerun_script`` to their defaults.)
    """
    lang = rng.choice(("en", "fr"))
    results: list[RunResult] = []
    for index in range(runs):
        if index:
            await asyncio.sleep(rng.uniform(*think))
        visitor = Visitor(base_url, "lab", lab_query(rng), lang)
        try:
            await visitor.connect()
        except Exception as error:  # a refused connection is an error, not a crash
            results.append(RunResult(0.0, False, f"connect: {error!r}"))
            continue
        try:
            results.append(await visitor.run())
        finally:
            await visitor.close()
    return results


async def classroom(
    base_url: str, sessions: int, arrival: float, runs: int, seed: int, think: tuple
) -> tuple[list[RunResult], float]:
    master = random.Random(seed)
    rngs = [random.Random(master.random()) for _ in range(sessions)]

    async def arrive(index: int) -> list[RunResult]:
        await asyncio.sleep(arrival * index / max(sessions - 1, 1))
        return await visitor_session(base_url, rngs[index], runs, think)

    started = time.perf_counter()
    batches = await asyncio.gather(*(arrive(i) for i in range(sessions)))
    return [result for batch in batches for result in batch], time.perf_counter() - started


async def solo(base_url: str, query: dict[str, str]) -> RunResult:
    visitor = Visitor(base_url, "lab", query)
    await visitor.connect()
    try:
        return await visitor.run()
    finally:
        await visitor.close()


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = share * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


class MemoryWatch:
    """Samples the server's RSS in the background to catch the peak."""

    def __init__(self, pid: int | None):
        self.pid = pid
        self.peak = 0.0
        self._task = None

    async def _sample(self) -> None:
        while True:
            self.peak = max(self.peak, rss_mib(self.pid)[0])
            await asyncio.sleep(0.05)

    def __enter__(self):
        if self.pid is not None:
            self._task = asyncio.get_running_loop().create_task(self._sample())
        return self

    def __exit__(self, *_):
        if self._task is not None:
            self._task.cancel()


async def main_async(args: argparse.Namespace, base_url: str, pid: int | None) -> int:
    # Baseline measured in this run: one visitor alone, cold then warm (a cache hit).
    cold = await solo(base_url, {})
    warm = await solo(base_url, {})
    before = rss_mib(pid)[0] if pid else float("nan")
    print(f"baseline, one visitor alone on the default Lab view: cold {cold.seconds:.3f} s,")
    print(f"  warm {warm.seconds:.3f} s (warm/cold = {warm.seconds / cold.seconds:.2f})")
    print(f"  elements of the view: {dict(sorted(warm.elements.items()))}")
    if not (cold.ok and warm.ok):
        print(f"  baseline errors: {cold.detail or '-'} / {warm.detail or '-'}")

    with MemoryWatch(pid) as watch:
        results, wall = await classroom(
            base_url,
            args.sessions,
            args.arrival,
            args.runs,
            args.seed,
            (args.think, 2 * args.think),
        )
    peak = max(watch.peak, rss_mib(pid)[0]) if pid else float("nan")
    latencies = [r.seconds for r in results if r.ok]
    errors = [r for r in results if not r.ok]
    p50, p95 = percentile(latencies, 0.5), percentile(latencies, 0.95)
    print(
        f"\nload: {args.sessions} sessions arriving within {args.arrival:g} s, "
        f"{args.runs} runs each, think time {args.think:g}-{2 * args.think:g} s"
    )
    print(f"  runs: {len(results)} in {wall:.1f} s, errors: {len(errors)}")
    for error in errors[:10]:
        print(f"    error after {error.seconds:.2f} s: {error.detail}")
    print(f"  latency p50 {p50:.3f} s, p95 {p95:.3f} s, max {max(latencies, default=0):.3f} s")
    print(
        f"  p95 / warm solo = {p95 / warm.seconds:.1f}, p50 / warm solo = {p50 / warm.seconds:.1f}"
    )
    if latencies:
        print(f"  mean {statistics.fmean(latencies):.3f} s")

    after = float("nan")
    if pid:
        # Closed tabs are freed once server.disconnectedSessionTTL has passed; a new
        # visitor's connection is what makes the session store drop the expired ones.
        deadline = time.monotonic() + args.settle
        while time.monotonic() < deadline:
            await asyncio.sleep(min(5.0, max(deadline - time.monotonic(), 0)))
        await solo(base_url, {})
        after = rss_mib(pid)[0]
        print(f"\nserver RSS: before {before:.0f} MiB, peak {peak:.0f} MiB, after {after:.0f} MiB")
        print(f"  (after = {args.settle:g} s after the last visitor left, then one default view)")
        print(f"  after - before = {after - before:+.0f} MiB")

    met = (
        not errors
        and p95 <= GOAL["p95"]
        and (pid is None or after - before <= GOAL["memory_back_mib"])
    )
    memory = "" if pid is None else f", memory back {after - before:+.0f} MiB"
    print(
        f"\ngoal: 0 errors, p95 <= {GOAL['p95']} s, memory back within "
        f"{GOAL['memory_back_mib']} MiB; measured: {len(errors)} errors, p95 {p95:.2f} s"
        f"{memory}: {'met' if met else 'MISSED'}"
    )
    return 0 if met else 1


# ------------------------------------------------------------------------------ profile
def profile(base_url: str, pid: int, top: int = 15) -> None:
    """py-spy samples the server, once its imports are done, while visitors load the
    default Lab view (cold, then a cache hit), then varied views, each a fresh session as
    in the load test; prints where the time goes (inclusive, for our own code, and
    exclusive, for every leaf function)."""
    import collections
    import shutil
    import tempfile

    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    out = Path(tempfile.mkdtemp()) / "stacks.txt"
    # The first run of a fresh server imports scipy and friends: leave it out, it is paid
    # once per process, not per visitor.
    warmup = asyncio.run(solo(base_url, {"seed": "5"}))
    print(f"warm-up run (imports, left out of the profile): {warmup.seconds:.2f} s")
    recorder = subprocess.Popen(
        [
            spy,
            "record",
            "--pid",
            str(pid),
            "--format",
            "raw",
            "--rate",
            "200",
            "--threads",
            "--output",
            str(out),
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1.0)

    async def visit() -> list[RunResult]:
        rng = random.Random(7)
        varied = [query for query in (lab_query(rng) for _ in range(24)) if query][:6]
        return [await solo(base_url, query) for query in [{}, {}, *varied]]

    results = asyncio.run(visit())
    recorder.send_signal(2)  # SIGINT: py-spy writes its file and exits
    recorder.wait(timeout=60)
    print("runs profiled: " + ", ".join(f"{r.seconds:.2f} s" for r in results))
    inclusive: collections.Counter = collections.Counter()
    leaves: collections.Counter = collections.Counter()
    total = 0
    for line in out.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if not any("script_runner" in frame for frame in frames):
            continue  # idle server threads: only the script runs matter
        total += int(count)
        leaves[_short(frames[-1])] += int(count)
        for frame in dict.fromkeys(_short(f) for f in frames):
            if any(part in frame for part in ("lib/", "app_pages/", "ui/")):
                inclusive[frame] += int(count)
    print(f"\nscript-thread samples: {total}")
    print("our code, inclusive share of the script's time:")
    for frame, count in inclusive.most_common(top):
        print(f"  {100 * count / total:5.1f} %  {frame}")
    print("leaf functions, exclusive share:")
    for frame, count in leaves.most_common(top):
        print(f"  {100 * count / total:5.1f} %  {frame}")


def _short(frame: str) -> str:
    """'func (path/to/file.py:12)' -> 'func (file.py)' with the project's folder kept."""
    name, _, where = frame.partition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    for marker in ("/work/main/", "site-packages/"):
        path = path.split(marker, 1)[-1]
    path = path.replace(str(ROOT) + "/", "")
    return f"{name} ({path})"


@contextlib.contextmanager
def behind_nginx(replicas: int):
    """``replicas`` app processes sharing one cookie secret, deploy/nginx.conf in front of
    them on loopback (as tests/browser/test_proxy.py runs it); yields the proxy's URL."""
    from tests.browser.test_proxy import CONF, NGINX, proxy_conf

    secret = secrets.token_hex(32)
    ports = [free_port() for _ in range(replicas)]
    servers = [start_server(port, secret) for port in ports]
    prefix = Path(tempfile.mkdtemp(prefix="nginx-load-"))
    prefix.chmod(0o755)  # nginx's workers may run as another user
    listen = free_port()
    (prefix / "nginx.conf").write_text(proxy_conf(CONF.read_text(), listen, ports, prefix))
    nginx = None
    try:
        for port, server in zip(ports, servers, strict=True):
            wait_healthy(f"http://127.0.0.1:{port}", server)
        nginx = subprocess.Popen(
            [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"]
        )
        url = f"http://127.0.0.1:{listen}"
        wait_healthy(url, nginx)
        print(f"{replicas} replicas behind nginx at {url}")
        yield url
    finally:
        if nginx is not None:
            nginx.send_signal(signal.SIGQUIT)
            nginx.wait(timeout=15)
        for server in servers:
            server.terminate()
            server.wait(timeout=15)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="an already running app (RSS is then not reported)")
    parser.add_argument("--pid", type=int, help="the server's pid, to report its RSS")
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--arrival", type=float, default=10.0, help="seconds to arrive in")
    parser.add_argument("--runs", type=int, default=4)
    parser.add_argument("--think", type=float, default=1.0, help="shortest pause, seconds")
    parser.add_argument("--settle", type=float, default=65.0, help="wait after leaving, s")
    parser.add_argument("--seed", type=int, default=20240724)
    parser.add_argument("--profile", action="store_true", help="profile one Lab run")
    parser.add_argument(
        "--behind-nginx",
        type=int,
        metavar="N",
        help="N replicas behind deploy/nginx.conf (RSS is then not reported)",
    )
    args = parser.parse_args()
    if args.url:
        return asyncio.run(main_async(args, args.url, args.pid))
    if args.behind_nginx:
        with behind_nginx(args.behind_nginx) as url:
            return asyncio.run(main_async(args, url, None))
    port = free_port()
    server = start_server(port)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, server)
        if args.profile:
            profile(url, server.pid)
            return 0
        return asyncio.run(main_async(args, url, server.pid))
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    sys.exit(main())
