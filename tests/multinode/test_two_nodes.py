"""Two nodes: gunicorn processes on loopback sharing one PostgreSQL database and one
Redis, each with its own search index directory. A document published on node A is
found by search on node B within 5 s; failed logins spread over both nodes add up.

Needs HANDBOOK_TEST_DATABASE_URL (PostgreSQL; the test works in its own schema) and
redis-server on PATH; otherwise it is reported as skipped, saying which is missing."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from handbook import migrate
from handbook.accounts.vocabulary import EDITOR
from handbook.app import create_app
from handbook.app_db import get_db
from handbook.search.readers import REFRESH_SECONDS
from tests import factories
from tests.conftest import FAST_PASSWORD_HASHING, TEST_CONTENT, import_folder
from tests.postgres import URL, requires_postgres

pytestmark = [
    requires_postgres,
    pytest.mark.skipif(
        shutil.which("redis-server") is None,
        reason="redis-server is not on PATH (Debian package redis-server)",
    ),
]

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = "multinode"  # its own schema: other PostgreSQL tests empty `public`
SEARCH_WITHIN_S = 5.0
SCHEDULER_SECONDS = 0.5  # production's 10 s, shortened so the test waits less
POLL_S = 0.05
EDITOR_NAME, MEMBER_NAME, TARGET_NAME = "bien.tap.vien", "doc.gia", "bi.doan.mat.khau"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def schema_url() -> str:
    separator = "&" if "?" in URL else "?"
    return f"{URL}{separator}options=" + urllib.parse.quote(f"-csearch_path={SCHEMA}")


def wait_until(ready, what: str, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited during start-up")
        if ready():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not start within {timeout} s")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args, **_kwargs):
        return None  # the 302 itself is the answer we look at


class Browser:
    """A client of one node that keeps its cookies itself: the session cookie is Secure
    (production settings), which urllib's cookie jar would not send over plain http."""

    opener = urllib.request.build_opener(_NoRedirect)

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies: dict[str, str] = {}

    def call(
        self,
        method: str,
        path: str,
        form: dict | None = None,
        body: dict | None = None,
        token: str | None = None,
    ) -> tuple[int, str]:
        headers = {"User-Agent": "handbook-multinode-test"}
        data = None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            answer = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            answer = error
        with answer:
            for header in answer.headers.get_all("Set-Cookie") or ():
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return answer.status, answer.read().decode()

    def csrf(self, path: str) -> str:
        status, page = self.call("GET", path)
        assert status == 200, (path, status)
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def login(self, username: str, password: str = factories.PASSWORD) -> int:
        form = {"csrf_token": self.csrf("/dang-nhap"), "ten_dang_nhap": username, "mat_khau": password}
        return self.call("POST", "/dang-nhap", form=form)[0]

    def login_with_code(self, username: str, secret: str) -> None:
        assert self.login(username) == 302
        form = {"csrf_token": self.csrf("/dang-nhap/xac-thuc"), "ma": factories.totp_now(secret)}
        assert self.call("POST", "/dang-nhap/xac-thuc", form=form)[0] == 302


@dataclass
class Cluster:
    a: str
    b: str
    editor_secret: str


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory) -> Iterator[str]:
    redis = pytest.importorskip("redis")
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(host="127.0.0.1", port=port, socket_timeout=1)

    def answers() -> bool:
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False

    try:
        wait_until(answers, "redis-server", proc, timeout=10)
        yield f"redis://127.0.0.1:{port}"
    finally:
        client.close()
        stop(proc)


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> Iterator[tuple[str, str]]:
    """A migrated schema with the test library, an editor (second factor) and members."""
    admin = create_engine(URL)
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA}"))
    app = create_app(
        {
            "ENV_NAME": "testing",
            "SECRET_KEY": "test-secret-key",
            "DATABASE_URL": schema_url(),
            "CONTENT_DIR": str(TEST_CONTENT),
            "SEARCH_INDEX_DIR": str(tmp_path_factory.mktemp("setup-index")),
            **FAST_PASSWORD_HASHING,
        }
    )
    try:
        migrate.upgrade(app)
        assert not import_folder(app, TEST_CONTENT).problems
        tree = factories.make_tree(app)
        secret = factories.new_totp_secret()
        factories.make_user(app, EDITOR_NAME, cell=tree.cell_c, grants=((EDITOR, None),), totp_secret=secret)
        factories.make_user(app, MEMBER_NAME, cell=tree.cell_a)
        factories.make_user(app, TARGET_NAME, cell=tree.cell_b)
        get_db(app).engine.dispose()
        yield schema_url(), secret
    finally:
        get_db(app).engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        admin.dispose()


def node_env(workdir: Path, database_url: str, redis_url: str, secret_key: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HANDBOOK_")}
    env.update(
        {
            "FLASK_APP": "wsgi",
            "PYTHONPATH": str(ROOT),
            "HANDBOOK_ENV_NAME": "production",
            "HANDBOOK_SECRET_KEY": secret_key,  # the same on every node
            "HANDBOOK_DATABASE_URL": database_url,
            "HANDBOOK_RATELIMIT_STORAGE_URI": redis_url,
            "HANDBOOK_SEARCH_INDEX_DIR": str(workdir / "search_index"),  # local to the node
            "HANDBOOK_CONTENT_DIR": str(TEST_CONTENT),
            "HANDBOOK_ATTACHMENTS_DIR": str(workdir / "attachments"),
            "HANDBOOK_PUBLISH_DUE_SECONDS": str(SCHEDULER_SECONDS),
            **{f"HANDBOOK_{k}": str(v) for k, v in FAST_PASSWORD_HASHING.items()},
        }
    )
    return env


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, database, redis_url) -> Iterator[Cluster]:
    database_url, editor_secret = database
    secret_key = secrets.token_urlsafe(48)
    procs, bases = [], []
    try:
        for name in ("a", "b"):
            workdir = tmp_path_factory.mktemp(f"node-{name}")
            env = node_env(workdir, database_url, redis_url, secret_key)
            # The deploy step of docs/deployment.md: build the node's replica before serving.
            subprocess.run(
                [sys.executable, "-m", "flask", "handbook", "reindex", "--if-needed"],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                timeout=60,
            )
            port = free_port()
            log = open(workdir / "gunicorn.log", "wb")  # closed with the process
            procs.append(
                (
                    subprocess.Popen(
                        [
                            sys.executable,
                            "-m",
                            "gunicorn",
                            "-c",
                            str(ROOT / "gunicorn.conf.py"),
                            "-w",
                            "2",
                            "-b",
                            f"127.0.0.1:{port}",
                            "--log-level",
                            "warning",
                            "--graceful-timeout",
                            "5",
                            "wsgi:app",
                        ],
                        cwd=ROOT,
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    ),
                    log,
                )
            )
            bases.append(f"http://127.0.0.1:{port}")
        for (proc, _log), base in zip(procs, bases, strict=True):
            wait_until(lambda base=base: _answers(base), f"gunicorn at {base}", proc)
        yield Cluster(bases[0], bases[1], editor_secret)
    finally:
        for proc, log in procs:
            stop(proc)
            log.close()


def _answers(base: str) -> bool:
    try:
        return Browser(base).call("GET", "/dang-nhap")[0] == 200
    except OSError:
        return False


def _publish_form(csrf: str, word: str) -> dict:
    return {
        **factories.editor_post(
            slug=f"ket-luan-{word}",
            so_hieu="921-KL/TW",
            tieu_de=f"Kết luận thử hai nút {word}",
            noi_dung=f"Mở đầu.\n\n## Phần I. Nội dung\n\nTừ khóa riêng {word} để tìm.\n",
        ),
        "csrf_token": csrf,
        "hanh_dong": "xuat-ban",
    }


def _found(browser: Browser, word: str, token: str | None = None) -> set[str]:
    """Slugs of the documents a search for `word` finds (through the API with a token)."""
    path = "/api/v1/search?q=" if token else "/tim-kiem.json?q="
    status, body = browser.call("GET", path + word, token=token)
    assert status == 200, body
    return {hit["slug"] for hit in json.loads(body)["hits"]}


@pytest.fixture(scope="module")
def editor(cluster) -> Browser:
    """The editor signed in on node A once: a second factor code is good only once."""
    browser = Browser(cluster.a)
    browser.login_with_code(EDITOR_NAME, cluster.editor_secret)
    return browser


@pytest.fixture(scope="module")
def reader(cluster) -> tuple[Browser, str]:
    """A member on node B, with an API token."""
    browser = Browser(cluster.b)
    status, body = browser.call(
        "POST", "/api/v1/auth/token", body={"username": MEMBER_NAME, "password": factories.PASSWORD}
    )
    assert status == 201, body
    return browser, json.loads(body)["token"]


def _until_found_on_b(reader, word: str, slugs: set[str], started: float, gone: str | None = None) -> float:
    """Seconds until node B finds `slugs` for `word` and, for `gone`, nothing: on two
    consecutive searches, since each of its workers refreshes its own searcher."""
    browser, token = reader

    def settled() -> bool:
        return _found(browser, word, token) == slugs and (
            gone is None or _found(browser, gone, token) == set()
        )

    while not (settled() and settled()):
        assert time.monotonic() - started < SEARCH_WITHIN_S, f"{word} not as expected on node B"
        time.sleep(POLL_S)
    return time.monotonic() - started


def _until_found_on_a(editor, word: str, slugs: set[str], gone: str) -> None:
    """The publishing node answers with the correction within its searchers' refresh
    time: its other worker may still hold a searcher opened just before the commit."""
    deadline = time.monotonic() + 4 * REFRESH_SECONDS
    while not (_found(editor, word) == slugs and _found(editor, gone) == set()):
        assert time.monotonic() < deadline, f"{word} not as expected on node A"
        time.sleep(POLL_S)


def test_published_on_node_a_is_found_on_node_b_within_5_s(cluster, editor, reader, record_property):
    word = "zqv" + secrets.token_hex(4)
    reader, token = reader
    assert _found(reader, word, token) == set()

    form = _publish_form(editor.csrf("/bien-tap/moi"), word)
    started = time.monotonic()
    status, body = editor.call("POST", "/bien-tap/moi", form=form)
    assert status == 302, body
    slug = form["slug"]
    assert _found(editor, word) == {slug}  # the publishing node's own index, at once
    while _found(reader, word, token) != {slug}:
        assert time.monotonic() - started < SEARCH_WITHIN_S, "not found on node B within 5 s"
        time.sleep(POLL_S)
    elapsed = time.monotonic() - started
    record_property("publish_to_search_on_other_node_s", round(elapsed, 3))
    print(f"published on A, found on B after {elapsed:.2f} s")


def test_failed_logins_on_both_nodes_count_together(cluster):
    nodes = [Browser(cluster.a), Browser(cluster.b)]
    for attempt in range(10):  # the account limit: 10 per 15 minutes, 5 on each node
        assert nodes[attempt % 2].login(TARGET_NAME, "sai mật khẩu") == 200
    # Even the right password is refused now, on either node.
    assert Browser(cluster.a).login(TARGET_NAME) == 429
    assert Browser(cluster.b).login(TARGET_NAME) == 429


def test_each_correction_on_node_a_replaces_the_text_on_node_b(cluster, editor, reader):
    first = "zqv" + secrets.token_hex(4)
    form = {
        **_publish_form(editor.csrf("/bien-tap/moi"), first),
        "so_hieu": "922-KL/TW",
        "slug": f"ket-luan-sua-{first}",
        "tieu_de": "Kết luận thử sửa trên hai nút",
    }
    assert editor.call("POST", "/bien-tap/moi", form=form)[0] == 302
    slug, previous = form["slug"], first
    _until_found_on_b(reader, first, {slug}, time.monotonic())
    for revision in (1, 2):
        word = "zqv" + secrets.token_hex(4)
        edit = {
            **form,
            "csrf_token": editor.csrf(f"/bien-tap/van-ban/{slug}"),
            "phien_ban": str(revision),
            "noi_dung": f"Mở đầu.\n\n## Phần I. Nội dung\n\nTừ khóa riêng {word}.\n",
        }
        started = time.monotonic()
        status, body = editor.call("POST", f"/bien-tap/van-ban/{slug}", form=edit)
        assert status == 302, body
        _until_found_on_a(editor, word, {slug}, gone=previous)
        _until_found_on_b(reader, word, {slug}, started, gone=previous)
        previous = word


def test_a_scheduled_document_goes_live_once_on_its_own_in_the_editors_name(
    cluster, editor, reader, database
):
    word = "zqv" + secrets.token_hex(4)
    form = {
        **_publish_form(editor.csrf("/bien-tap/moi"), word),
        "so_hieu": "923-KL/TW",
        "slug": f"ket-luan-hen-{word}",
        "hanh_dong": "hen-gio",
        "xuat_ban_luc": "2099-01-01T08:00",
    }
    assert editor.call("POST", "/bien-tap/moi", form=form)[0] == 302
    engine = create_engine(database[0])
    try:
        with engine.begin() as connection:
            connection.execute(
                text("UPDATE documents SET publish_at = now() WHERE slug = :slug"), {"slug": form["slug"]}
            )
        # Nobody opens any page: the nodes' schedulers publish it.
        _until_found_on_b(reader, word, {form["slug"]}, time.monotonic())
        with engine.connect() as connection:
            published = (
                connection.execute(
                    text(
                        "SELECT a.actor FROM audit_events a JOIN documents d ON d.id = a.target_id "
                        "WHERE a.action = 'document.publish' AND d.slug = :slug"
                    ),
                    {"slug": form["slug"]},
                )
                .scalars()
                .all()
            )
    finally:
        engine.dispose()
    assert published == [EDITOR_NAME]  # once, by four workers on two nodes
