"""Real-browser tests: Debian's headless Chromium, driven by Playwright, against the app
served over HTTP on loopback.

- One live app per session: a temporary SQLite file, the test content (plus the
  longer documents of tests/browser/content) imported and indexed, the unit tree.
- `reader`: a fresh member in a cell of their own (alone in its province), so
  campaigns and reading data of one test never reach another.
- `live_server`: running at the start and end of each test; `stop()` makes the
  site unreachable and `start()` serves it again on the same port (same origin).
- `page` / `context`: a phone (360×740); `new_context("desktop")` for a desktop.
- A failed test leaves screenshots of its pages in test-artifacts/browser/.
- Every test here is marked `browser` (`pytest -m browser`, `-m "not browser"`),
  and skipped, saying why, when Playwright or Chromium is missing.
Playwright's own browsers are never downloaded."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from handbook import migrate
from handbook.app import create_app
from handbook.app_db import get_db, session
from handbook.search import indexer
from tests import factories
from tests.browser import roles
from tests.browser.live_server import LiveServer
from tests.conftest import TEST_CONTENT, app_config, import_folder

HERE = Path(__file__).parent
ARTIFACTS = HERE.parents[1] / "test-artifacts" / "browser"
DEVICES = {
    "phone": {
        "viewport": {"width": 360, "height": 740},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
    "desktop": {"viewport": {"width": 1280, "height": 900}},
}
REPORTS = pytest.StashKey[dict]()


def pytest_collection_modifyitems(items):
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    item.stash.setdefault(REPORTS, {})[report.when] = report
    return report


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    root = tmp_path_factory.mktemp("live")
    content = root / "content"
    shutil.copytree(TEST_CONTENT, content)
    for source in (HERE / "content").glob("*.md"):
        shutil.copy(source, content)
    with pytest.MonkeyPatch.context() as env:
        for key in [k for k in os.environ if k.startswith("HANDBOOK_")]:
            env.delenv(key)
        # Plain http on 127.0.0.1: browsers refuse Secure and __Host- cookies there.
        app = create_app(
            app_config(
                root,
                content,
                SESSION_COOKIE_SECURE=False,
                REMEMBER_COOKIE_SECURE=False,
                SESSION_COOKIE_NAME="session",
            )
        )
    migrate.upgrade(app)
    report = import_folder(app, content)
    assert not report.problems, report.problems
    with app.app_context():
        indexer.rebuild(session(), Path(app.config["SEARCH_INDEX_DIR"]))
    yield app
    get_db(app).engine.dispose()


@pytest.fixture(scope="session")
def live_tree(live_app) -> factories.Tree:
    return factories.make_tree(live_app)


@pytest.fixture
def reader(live_app) -> roles.Person:
    """A fresh member in a cell alone in its province: campaigns other tests address to
    the shared tree never reach them."""
    return roles.person(live_app, "thu", "Đảng viên thử", cell=roles.lone_cell(live_app, "Chi bộ thử"))


@pytest.fixture(scope="session")
def _server(live_app):
    server = LiveServer(live_app)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def live_server(_server) -> LiveServer:
    _server.start()
    yield _server
    _server.start()  # a test that stopped it leaves it serving for the next


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Playwright is not installed (requirements-dev.txt)"
    )
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("Chromium is not installed: apt-get install chromium (.ci/run does it as root)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser, live_server, request):
    """Factory: new_context("phone" | "desktop", **playwright_options)."""
    made = []

    def make(device: str = "phone", **options):
        context = browser.new_context(
            base_url=live_server.url,
            locale="vi-VN",
            timezone_id="Asia/Ho_Chi_Minh",
            service_workers="allow",
            **DEVICES[device],
            **options,
        )
        context.set_default_timeout(10_000)
        made.append(context)
        return context

    yield make
    report = request.node.stash.get(REPORTS, {}).get("call")
    if report is not None and report.failed:
        _screenshots(request.node.nodeid, made)
    for context in made:
        context.close()


def _screenshots(nodeid: str, contexts) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid)
    pages = [page for context in contexts for page in context.pages]
    for number, page in enumerate(pages, 1):
        try:
            page.screenshot(path=ARTIFACTS / f"{name}-{number}.png", full_page=True, timeout=5_000)
        except Exception as error:  # a crashed page must not hide the test's own failure
            print(f"screenshot of {page.url} failed: {error}")


@pytest.fixture
def context(new_context):
    return new_context("phone")


@pytest.fixture
def page(context):
    return context.new_page()
