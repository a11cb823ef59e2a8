"""What browser tests do again and again: sign in through the form, cut the network
for real, look into the service worker's caches and the page's storage."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from tests.browser.live_server import LiveServer

T = TypeVar("T")

# Paths of the document pages in the worker's page caches.
CACHED_DOCUMENTS = """async () => {
  const paths = [];
  for (const name of await caches.keys()) {
    if (!name.startsWith("handbook-pages")) continue;
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const path = new URL(request.url).pathname;
      if (path.startsWith("/van-ban/")) paths.push(path);
    }
  }
  return paths.sort();
}"""

# Every path in every cache of the site, static ones included.
CACHED_PATHS = """async () => {
  const paths = new Set();
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) paths.add(new URL(request.url).pathname);
  }
  return [...paths].sort();
}"""

CACHED_TEXT = """async (path) => {
  const response = await caches.match(path, { ignoreVary: true });
  return response ? await response.text() : null;
}"""


def sign_in(page, reader, then: str = "/") -> None:
    """Through the real login form, CSRF token and all."""
    page.goto("/dang-nhap")
    page.fill("#ten_dang_nhap", reader.username)
    page.fill("#mat_khau", reader.password)
    with page.expect_navigation():
        page.click("form.form-stack button[type=submit]")
    assert "/dang-nhap" not in page.url, page.content()
    if then != "/":
        page.goto(then)


def sign_out(page) -> None:
    with page.expect_navigation():
        page.click(".logout-form button")
    assert page.url.endswith("/dang-nhap")


def wait_for_worker(page, seconds: float = 15) -> None:
    """Until the service worker is active and controls this page. Polled from here:
    wait_for_function evaluates its predicate with eval, which the page's CSP
    (no 'unsafe-eval') refuses whenever the first check is not already true."""
    deadline = time.monotonic() + seconds
    while not page.evaluate("() => navigator.serviceWorker.controller !== null"):
        if time.monotonic() > deadline:
            raise AssertionError("the service worker never took control of the page")
        page.wait_for_timeout(100)


def go_offline(context, server: LiveServer) -> None:
    """No network for the page nor, since the server is down, for the worker."""
    server.stop()
    context.set_offline(True)


def go_online(context, server: LiveServer) -> None:
    server.start()
    context.set_offline(False)


def cached_documents(page) -> list[str]:
    return page.evaluate(CACHED_DOCUMENTS)


def cached_paths(page) -> list[str]:
    return page.evaluate(CACHED_PATHS)


def cached_text(page, path: str) -> str | None:
    return page.evaluate(CACHED_TEXT, path)


def wait_until(probe: Callable[[], T], timeout: float = 10.0, every: float = 0.1) -> T:
    """Poll from Python (page timers may be paused): the first truthy answer."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value or time.monotonic() > deadline:
            assert value, f"still {value!r} after {timeout} s"
            return value
        time.sleep(every)
