"""The container and the cluster files: linted, validated offline, and the image's start
command run for real.

There is no Docker engine here, so the image is imitated as closely as the files allow: the
build context filtered by .dockerignore, a fresh virtualenv made from requirements.txt, the
final stage's ENV, and the Dockerfile's exact CMD, on a free port the test picks (the only
change), in a network namespace of its own when the machine allows it. The HEALTHCHECK
command must pass, the pages must render through Streamlit's websocket protocol without an
exception, and the process listening on the port must be the one the test started.
"""

from __future__ import annotations

import fcntl
import fnmatch
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import ROOT, free_port

BIN = Path(sys.executable).parent
DOCKERFILE = ROOT / "Dockerfile"
K8S = sorted((ROOT / "deploy" / "k8s").glob("*.yaml"))


# ------------------------------------------------------------------------ Dockerfile
def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Dockerfile, continuation lines joined."""
    joined = re.sub(r"\\\n", " ", text)
    result = []
    for line in joined.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        result.append((word.upper(), rest.strip()))
    return result


def final_stage(text: str) -> list[tuple[str, str]]:
    steps = instructions(text)
    last_from = max(i for i, (word, _) in enumerate(steps) if word == "FROM")
    return steps[last_from:]


def env_of(stage: list[tuple[str, str]]) -> dict[str, str]:
    env: dict[str, str] = {}
    for word, rest in stage:
        if word == "ENV":
            for item in shlex.split(rest):
                key, _, value = item.partition("=")
                env[key] = value
    return env


def cmd_of(stage: list[tuple[str, str]]) -> list[str]:
    (cmd,) = [rest for word, rest in stage if word == "CMD"]
    return json.loads(cmd)


def make_run_command() -> list[str]:
    """README's `make run`, as the Makefile spells it, with its default port."""
    makefile = (ROOT / "Makefile").read_text()
    port = re.search(r"^PORT \?= (\d+)$", makefile, re.M).group(1)
    recipe = re.search(r"^run:.*\n\t(.+)$", makefile, re.M).group(1)
    words = shlex.split(recipe.replace("$(PORT)", port))
    words = [word for word in words if not re.fullmatch(r"[A-Z_]+=\S*", word)]
    return [words[0].removeprefix("$(BIN)/"), *words[1:]]


def make_run_environment() -> list[str]:
    """The ``NAME=value`` settings `make run` puts before its command."""
    recipe = re.search(r"^run:.*\n\t(.+)$", (ROOT / "Makefile").read_text(), re.M).group(1)
    return [word for word in shlex.split(recipe) if re.fullmatch(r"[A-Z_]+=\S*", word)]


def test_hadolint_passes_the_dockerfile():
    result = subprocess.run(
        [str(BIN / "hadolint"), str(DOCKERFILE)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_catches_a_careless_dockerfile(tmp_path):
    """The linter really runs: an unpinned base image and a root apt-get are flagged."""
    careless = tmp_path / "Dockerfile"
    careless.write_text("FROM python:latest\nRUN apt-get install gcc\nCMD streamlit run app.py\n")
    result = subprocess.run(
        [str(BIN / "hadolint"), str(careless)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "DL3007" in result.stdout  # latest tag


def test_the_image_is_slim_non_root_healthy_and_starts_like_readme():
    text = DOCKERFILE.read_text()
    stage = final_stage(text)
    (base,) = [rest for word, rest in stage if word == "FROM"]
    assert re.fullmatch(r"python:3\.1[1-9][\w.]*-slim[\w.-]*", base), base
    # No compiler or package manager run in the image that ships.
    assert not any(
        word == "RUN" and re.search(r"apt|gcc|build-essential", rest) for word, rest in stage
    )
    users = [rest for word, rest in stage if word == "USER"]
    assert users and users[-1] not in ("root", "0"), users
    assert ("EXPOSE", "8501") in stage
    (health,) = [rest for word, rest in stage if word == "HEALTHCHECK"]
    assert "/_stcore/health" in health and "urllib" in health
    assert cmd_of(stage) == make_run_command()
    for setting in make_run_environment():  # the same process settings as `make run`
        assert re.search(rf"^ENV {re.escape(setting)}$", DOCKERFILE.read_text(), re.M), setting
    # The requirements installed are the pinned ones.
    pins = [line for line in (ROOT / "requirements.txt").read_text().splitlines() if line.strip()]
    assert all("==" in line for line in pins if not line.startswith("#"))
    assert "-r /tmp/requirements.txt" in text


# -------------------------------------------------------------------------- Kubernetes
@pytest.mark.parametrize("manifest", K8S, ids=[path.name for path in K8S])
def test_kubernetes_manifests_validate_offline(manifest):
    result = subprocess.run(
        [str(BIN / "kubernetes-validate"), "--strict", str(manifest)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_kubernetes_validate_rejects_a_broken_manifest(tmp_path):
    broken = tmp_path / "broken.yaml"
    text = (ROOT / "deploy" / "k8s" / "deployment.yaml").read_text()
    broken.write_text(text.replace("replicas: 2", 'replicas: "two"'))
    result = subprocess.run(
        [str(BIN / "kubernetes-validate"), "--strict", str(broken)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0


def test_the_deployment_is_non_root_bounded_and_probed():
    import yaml

    deployment = yaml.safe_load((ROOT / "deploy" / "k8s" / "deployment.yaml").read_text())
    pod = deployment["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    (container,) = pod["containers"]
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert {"requests", "limits"} <= set(container["resources"])
    for probe in ("livenessProbe", "readinessProbe"):
        assert container[probe]["httpGet"]["path"] == "/_stcore/health"
    secret = {e["name"]: e for e in container["env"]}["STREAMLIT_SERVER_COOKIE_SECRET"]
    assert "secretKeyRef" in secret["valueFrom"]
    ingress = yaml.safe_load((ROOT / "deploy" / "k8s" / "ingress.yaml").read_text())
    assert ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/affinity"] == "cookie"


# --------------------------------------------------------------- the start command, run
def dockerignored(relative: str, patterns: list[str]) -> bool:
    """Docker's rule, enough for our file: a path is out if it or a parent matches."""
    parts = relative.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for pattern in patterns:
        bare = pattern.removeprefix("**/")
        for candidate in candidates:
            if fnmatch.fnmatch(candidate, pattern) or (
                pattern.startswith("**/") and fnmatch.fnmatch(candidate.split("/")[-1], bare)
            ):
                return True
    return False


def build_context(target: Path) -> None:
    """COPY . . of the final stage: the tree without what .dockerignore keeps out."""
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for path in sorted(ROOT.rglob("*")):
        relative = path.relative_to(ROOT).as_posix()
        if path.is_dir() or dockerignored(relative, patterns):
            continue
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)


PROBE = textwrap.dedent(
    """
    import asyncio, json, os, subprocess, sys, time, urllib.request
    sys.path.insert(0, {root!r})
    from bench.load import Visitor, wait_healthy

    port, server = {port}, int(sys.argv[1])
    url = f"http://127.0.0.1:{{port}}"

    def listeners(port):
        # inodes of the sockets listening on ``port`` (state 0A), IPv4 and IPv6
        found = set()
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            try:
                rows = open(table).read().splitlines()[1:]
            except OSError:
                continue
            for row in rows:
                fields = row.split()
                if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                    found.add(fields[9])
        return found

    def holds(pid, inodes):
        # does process ``pid`` hold one of these sockets?
        fds = f"/proc/{{pid}}/fd"
        links = set()
        for fd in os.listdir(fds):
            try:
                links.add(os.readlink(f"{{fds}}/{{fd}}"))
            except OSError:
                pass
        return any(f"socket:[{{inode}}]" in links for inode in inodes)

    wait_healthy(url, None, timeout=90)
    inodes = listeners(port)
    owner = bool(inodes) and holds(server, inodes)
    alive = os.path.exists(f"/proc/{{server}}")
    health = subprocess.run({health!r}, timeout=30).returncode

    async def render(page):
        visitor = Visitor(url, page, {{}})
        await visitor.connect()
        try:
            result = await visitor.run()
        finally:
            await visitor.close()
        return {{"ok": result.ok, "detail": result.detail, "elements": result.elements}}

    pages = {{page: asyncio.run(render(page)) for page in ("", "lab")}}
    report = {{"health": health, "pages": pages, "owner": owner, "alive": alive}}
    print(json.dumps(report))
    """
)


def namespace_prefix() -> list[str]:
    """Run in a network namespace of its own when the machine allows it (root, unshare)."""
    if shutil.which("unshare") and shutil.which("ip"):
        probe = subprocess.run(["unshare", "--net", "true"], capture_output=True, timeout=10)
        if probe.returncode == 0:
            return ["unshare", "--net", "--"]
    return []


def image_venv(requirements: Path) -> Path:
    """The image's virtualenv: made from nothing but requirements.txt, as the build stage
    does (wheels only), once per version of that file and of Python, then reused.

    Installing scipy, scikit-learn and plotly costs about a minute on 2 cores; the venv is
    kept under ~/.cache (XDG_CACHE_HOME) keyed on the file's hash, built in place under a
    lock (a virtualenv cannot be moved), and marked complete only once pip succeeded.
    """
    key = hashlib.sha256(requirements.read_bytes() + sys.version.encode()).hexdigest()[:16]
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    venv = cache / "copy-of-a-copy" / f"image-venv-{key}"
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(venv.parent / f"{venv.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (venv / ".complete").exists():
            return venv
        shutil.rmtree(venv, ignore_errors=True)  # a build that was interrupted
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
        pip = str(venv / "bin" / "pip")
        install = subprocess.run(
            [pip, "install", "-q", "--only-binary=:all:", "-r", str(requirements)],
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert install.returncode == 0, install.stderr[-3000:]
        extra = subprocess.run([pip, "freeze"], capture_output=True, text=True, check=True).stdout
        assert "pytest" not in extra and "playwright" not in extra  # nothing from dev
        (venv / ".complete").touch()
    return venv


@pytest.mark.timeout(900)
def test_the_dockerfile_cmd_serves_the_app_from_a_fresh_virtualenv(tmp_path):
    stage = final_stage(DOCKERFILE.read_text())
    context = tmp_path / "app"
    build_context(context)
    assert (context / ".streamlit" / "config.toml").exists()
    assert not (context / "tests").exists()

    venv = image_venv(context / "requirements.txt")

    env = {k: v.replace("/opt/venv", str(venv)) for k, v in env_of(stage).items()}
    env["PATH"] = env["PATH"].replace("$PATH", "/usr/local/bin:/usr/bin:/bin")
    env["HOME"] = str(tmp_path / "home")
    (tmp_path / "home").mkdir()
    # The test owns its port: a free one, not the image's 8501, where some other server
    # could answer in its place. Only the port changes in the CMD and the HEALTHCHECK.
    port = free_port()
    command = cmd_of(stage)
    assert command[-2:] == ["--server.port", "8501"], command
    command[-1] = str(port)
    (health,) = [rest for word, rest in stage if word == "HEALTHCHECK"]
    health_cmd = json.loads(health.split(" CMD ", 1)[1])
    assert sum("127.0.0.1:8501/" in word for word in health_cmd) == 1, health_cmd
    health_cmd = [word.replace("127.0.0.1:8501/", f"127.0.0.1:{port}/") for word in health_cmd]
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE.format(root=str(ROOT), health=health_cmd, port=port))

    prefix = namespace_prefix()
    script = textwrap.dedent(
        f"""
        set -u
        {"ip link set lo up" if prefix else ":"}
        {shlex.join(command)} >server.log 2>&1 &
        server=$!
        {shlex.quote(sys.executable)} {shlex.quote(str(probe))} $server
        status=$?
        kill -TERM $server; wait $server
        exit $status
        """
    )
    result = subprocess.run(
        [*prefix, "bash", "-c", script],
        cwd=context,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    log = (context / "server.log").read_text() if (context / "server.log").exists() else ""
    assert result.returncode == 0, result.stdout + result.stderr + log
    report = json.loads(result.stdout.strip().splitlines()[-1])
    # The server that answered is the one this test started: its process holds the
    # socket listening on the port, and it was still running.
    assert report["alive"] and report["owner"], (report, log)
    assert report["health"] == 0, report
    for page, outcome in report["pages"].items():
        assert outcome["ok"], (page, outcome, log)
        assert "exception" not in outcome["elements"], (page, outcome)


# ------------------------------------------------------------- README's two commands
def test_ci_runs_readme_test_command_and_no_status_is_swallowed():
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"## Two commands\n.*?```sh\n(.*?)```", readme, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in block.splitlines()]
    assert "make test" in commands and "make run" in commands
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert ci[-1] == "make test", "CI ends with README's exact test command"
    assert "set -euo pipefail" in ci
    recipe = re.search(r"^test:.*\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), re.M)
    assert "system-deps" in recipe.group(0).splitlines()[0], "make test checks the system"
    lines = recipe.group(1)
    assert "|| true" not in lines and not re.search(r"^\t-", lines, re.M)
    assert "exit $$status" in lines


def test_system_deps_says_what_to_install_when_it_cannot(tmp_path):
    """Not root: nothing is installed, the exact apt-get line is printed, status 1."""
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "id").write_text("#!/bin/sh\necho 1000\n")
    (fake / "id").chmod(0o755)
    env = {**os.environ, "PATH": f"{fake}:{os.environ['PATH']}", "CHROMIUM": "/nowhere/chromium"}
    result = subprocess.run(
        [str(ROOT / ".ci" / "system-deps")], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert "sudo apt-get install -y chromium" in result.stderr, result.stderr
    # With everything present it says nothing and lets the tests run.
    present = {**env, "CHROMIUM": sys.executable}
    result = subprocess.run(
        [str(ROOT / ".ci" / "system-deps")], env=present, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
