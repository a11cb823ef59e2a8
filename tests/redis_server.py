"""A throwaway redis-server on a free loopback port, for tests that run the login
throttle on Redis as well as on memory://. Skipped, saying why, when redis-server
(Debian package redis-server) or the redis client library is missing."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest

from handbook import throttle

STORES = ["memory", "redis"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory) -> Iterator[str]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not on PATH (Debian package redis-server)")
    redis = pytest.importorskip("redis")
    port = _free_port()
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path_factory.mktemp("redis"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(host="127.0.0.1", port=port, socket_timeout=1)
    try:
        _wait_for(client, proc, redis)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        proc.terminate()
        proc.wait(timeout=20)


def _wait_for(client, proc: subprocess.Popen, redis, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("redis-server exited during start-up")
        try:
            if client.ping():
                return
        except redis.RedisError:
            time.sleep(0.05)
    raise RuntimeError(f"redis-server did not start within {timeout} s")


def use_store(request: pytest.FixtureRequest, app, kind: str) -> None:
    """Point app's throttle at kind ("memory" or "redis"), with no counts in it yet."""
    if kind == "redis":
        url = request.getfixturevalue("redis_server")
        import redis

        with redis.Redis.from_url(url) as client:
            client.flushdb()
        app.config["RATELIMIT_STORAGE_URI"] = url
        throttle.init_app(app)
