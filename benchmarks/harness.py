"""Shared pieces of the benchmarks: a throw-away instance, gunicorn, and wrk."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEMO_PASSWORD = "Mật khẩu demo 2025"
# Every client of a benchmark names itself alike: the session is bound to the
# browser that logged in, so wrk must present the agent the login used.
USER_AGENT = "handbook-bench/1"
# A province's reading history: a million events for Bình Phước's 39,509 members,
# scaled to the members of a demo.
PROVINCE_MEMBERS, PROVINCE_EVENTS = 39_509, 1_000_000


def history_events(members: int) -> int:
    return max(1, round(PROVINCE_EVENTS * members / PROVINCE_MEMBERS))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def instance_env(workdir: Path) -> dict[str, str]:
    """Environment of a development instance whose data lives in workdir."""
    env = dict(os.environ)
    env.update(
        {
            "FLASK_APP": "wsgi",
            "HANDBOOK_ENV_NAME": "development",
            "HANDBOOK_DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
            "HANDBOOK_SEARCH_INDEX_DIR": str(workdir / "search_index"),
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def database_file(env: dict[str, str]) -> Path:
    """The SQLite file of an instance made by instance_env."""
    return Path(env["HANDBOOK_DATABASE_URL"].removeprefix("sqlite:///"))


def flask_cli(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "-m", "flask", "handbook", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


@contextmanager
def prepared_instance(scale: str = "small", env_overrides: dict | None = None) -> Iterator[dict[str, str]]:
    """A fresh database with the library imported and indexed, and the demo at scale.
    env_overrides may name another (empty) database."""
    workdir = Path(tempfile.mkdtemp(prefix="handbook-bench-"))
    env = {**instance_env(workdir), **(env_overrides or {})}
    try:
        flask_cli(env, "init-db")
        flask_cli(env, "import-content")
        flask_cli(env, "reindex")
        flask_cli(env, "demo", "--scale", scale, "--password", DEMO_PASSWORD)
        yield env
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@contextmanager
def gunicorn(app_spec: str, env: dict[str, str], workers: int = 2) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            app_spec,
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, proc)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _wait_until_up(base: str, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("gunicorn exited during start-up")
        try:
            urllib.request.urlopen(base + "/", timeout=1).close()
            return
        except urllib.error.HTTPError:
            return  # any HTTP answer means the server is up
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start in time")


def wrk(url: str, seconds: int = 8, connections: int = 16, headers: dict | None = None) -> dict:
    """Requests per second and latency percentiles of one wrk run against url."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    for name, value in {"User-Agent": USER_AGENT, **(headers or {})}.items():
        cmd[1:1] = ["-H", f"{name}: {value}"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": _latency(out, "50%"),
        "p99": _latency(out, "99%"),
        "errors": _errors(out),
    }


def _latency(out: str, label: str) -> float:
    match = re.search(rf"{re.escape(label)}\s+([\d.]+)(us|ms|s)", out)
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def _errors(out: str) -> int:
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return (int(non2xx.group(1)) if non2xx else 0) + (
        sum(int(x) for x in socket_errors.groups()) if socket_errors else 0
    )


def machine() -> str:
    cpus = os.cpu_count()
    model = ""
    try:
        model = next(
            line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    return f"{cpus} CPU(s) {model}, Python {sys.version.split()[0]}"
