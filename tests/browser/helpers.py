"""What browser tests do again and again: sign in through the form (second factor
included), use the menu and the header search as people do, cut the network for real,
look into the service worker's caches and the page's storage."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import TypeVar

from tests.browser.live_server import LiveServer
from tests.factories import totp_now

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
            raise AssertionError(
                "the service worker never took control of the page: " + page.evaluate(WORKER_STATE)
            )
        page.wait_for_timeout(100)


WORKER_STATE = """async () => {
  const registration = await navigator.serviceWorker.getRegistration();
  if (!registration) { return "no registration"; }
  const worker = registration.active || registration.waiting || registration.installing;
  return `registration for ${registration.scope}, worker ${worker ? worker.state : "none"}`;
}"""


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


# The flows run at both sizes; the page layout differs, the steps do not.
DEVICE_NAMES = ("phone", "desktop")
MAIN_MENU = "Điều hướng chính"


def sign_in_as(page, person, then: str | None = None) -> None:
    """The login form as a person fills it, then the second step when a second factor
    is enrolled (person.totp_secret): the code is the current one of their app."""
    page.goto("/dang-nhap")
    page.get_by_label("Tên đăng nhập").fill(person.username)
    page.get_by_label("Mật khẩu", exact=True).fill(person.password)
    with page.expect_navigation():
        page.get_by_role("button", name="Đăng nhập", exact=True).click()
    if person.totp_secret:
        page.get_by_label("Mã xác thực").fill(totp_now(person.totp_secret))
        with page.expect_navigation():
            page.get_by_role("button", name="Xác nhận", exact=True).click()
    assert "/dang-nhap" not in page.url, page.locator("main").inner_text()
    if then:
        page.goto(then)


def open_from_menu(page, label: str) -> None:
    """Follow a link of the main menu, opening the menu first if the layout folds it."""
    link = page.get_by_role("navigation", name=MAIN_MENU).get_by_role(
        "link", name=re.compile(rf"^{re.escape(label)}(\s|$)")
    )
    if not link.is_visible():
        _unfold_header(page)
    with page.expect_navigation():
        link.click()


def open_report(page, person, unit_name: str, campaign_title: str) -> None:
    """Signed in as person, from the menu's reports to one unit's campaign report."""
    sign_in_as(page, person)
    open_from_menu(page, "Báo cáo")
    entry = page.get_by_role("region", name=unit_name)
    with page.expect_navigation():
        entry.get_by_role("link", name=campaign_title).click()


def search_from_header(page, text: str) -> None:
    """Type into the search box every signed-in page carries, and submit with Enter."""
    box = page.get_by_role("banner").get_by_label("Tìm trong các văn bản")
    if not box.is_visible():
        _unfold_header(page)
    box.fill(text)
    with page.expect_navigation():
        box.press("Enter")


def _unfold_header(page) -> None:
    """A layout that folds the menu or the search box behind a button opens it here."""
    toggle = page.get_by_role("banner").locator("button[aria-expanded=false]")
    if toggle.count():
        toggle.first.click()


def main_text(page) -> str:
    return page.get_by_role("main").inner_text()


def percent_after(text: str, label: str) -> int:
    """The percentage shown right after a label, as in "Văn bản đã học xong: 33%"."""
    found = re.search(re.escape(label) + r"\s*:?\s*(\d+)\s*%", text)
    assert found, f"no percentage after {label!r} in {text!r}"
    return int(found.group(1))


def grid_row(page, name: str) -> list[str]:
    """The cells after a member's name in a cell's grid: one per document, the campaign,
    the reflection; whitespace folded."""
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=name))
    return [" ".join(text.split()) for text in row.get_by_role("cell").all_inner_texts()]
