"""Accounts figures: `demo --scale province` wall time (target < 2 min), p95 of one
password verification at the production Argon2id cost, and, with --logins, logins
per second under gunicorn with 2 workers (each login = GET form + POST)."""

from __future__ import annotations

import argparse
import http.cookiejar
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from benchmarks.harness import (
    DEMO_PASSWORD,
    ROOT,
    USER_AGENT,
    gunicorn,
    instance_env,
    machine,
    prepared_instance,
)

VERIFICATIONS = 200


def demo_province_seconds() -> tuple[float, str]:
    with tempfile.TemporaryDirectory(prefix="handbook-bench-") as workdir:
        env = instance_env(Path(workdir))
        subprocess.run(
            [sys.executable, "-m", "flask", "handbook", "init-db"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        started = time.perf_counter()
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "flask",
                "handbook",
                "demo",
                "--scale",
                "province",
                "--password",
                DEMO_PASSWORD,
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        return time.perf_counter() - started, out.splitlines()[0]


def verification_ms() -> tuple[float, float]:
    from handbook.accounts.passwords import HashParams, Passwords

    passwords = Passwords(HashParams())  # the production defaults: m=19456 KiB, t=2, p=1
    stored = passwords.hash(DEMO_PASSWORD)
    samples = []
    for _ in range(VERIFICATIONS):
        started = time.perf_counter()
        passwords.verify(stored, DEMO_PASSWORD)
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def _login(base: str, username: str, password: str = DEMO_PASSWORD):
    """(succeeded, cookie jar) of one login through the real form, CSRF token included."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())
    opener.addheaders = [("User-Agent", USER_AGENT)]
    html = opener.open(base + "/dang-nhap", timeout=30).read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    form = urllib.parse.urlencode(
        {"csrf_token": token, "ten_dang_nhap": username, "mat_khau": password}
    ).encode()
    try:
        opener.open(base + "/dang-nhap", data=form, timeout=30)
    except urllib.error.HTTPError as answer:
        return answer.code == 302, jar
    return False, jar


def one_login(base: str, username: str) -> bool:
    return _login(base, username)[0]


def login_cookie(base: str, username: str = "demo.member", password: str = DEMO_PASSWORD) -> str:
    """A Cookie header value of a logged-in session, e.g. for wrk -H 'Cookie: …'."""
    ok, jar = _login(base, username, password)
    if not ok:
        raise RuntimeError(f"login as {username} failed")
    return "; ".join(f"{c.name}={c.value}" for c in jar)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def logins_per_second(seconds: float = 10, threads: int = 8) -> tuple[float, int]:
    with prepared_instance() as env:
        with gunicorn("wsgi:app", env, workers=2) as base:
            return _hammer(base, seconds, threads)


def _hammer(base: str, seconds: float, threads: int) -> tuple[float, int]:
    names = ["demo.member", "demo.editor", "demo.committee", "demo.secretary", "demo.admin"]
    done, failed, stop = [0], [0], time.monotonic() + seconds
    lock = threading.Lock()

    def worker(n: int) -> None:
        while time.monotonic() < stop:
            ok = one_login(base, names[n % len(names)])
            with lock:
                done[0] += ok
                failed[0] += not ok

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    started = time.monotonic()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return done[0] / (time.monotonic() - started), failed[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--logins", action="store_true", help="also measure logins/s")
    args = parser.parse_args()
    print(f"# Accounts benchmark — {machine()}")
    seconds, line = demo_province_seconds()
    print(f"demo --scale province: {seconds:.1f} s wall ({line})")
    median, p95 = verification_ms()
    print(
        f"password verification (Argon2id m=19456 KiB, t=2, p=1): "
        f"median {median:.1f} ms, p95 {p95:.1f} ms over {VERIFICATIONS}"
    )
    if args.logins:
        rate, failed = logins_per_second()
        print(f"logins/s, gunicorn -w 2, 8 client threads: {rate:.1f} (failed: {failed})")


if __name__ == "__main__":
    main()
