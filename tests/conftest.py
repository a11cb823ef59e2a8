"""Fixtures built on the app factory: a fresh database and content copy per test.

The suite runs on SQLite; `make test` runs it a second time on PostgreSQL
(HANDBOOK_TEST_BACKEND=postgresql) when HANDBOOK_TEST_DATABASE_URL names a database
that may be emptied: the schema is migrated there and every table emptied before
each test."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import insert, text
from sqlalchemy.orm import close_all_sessions

from handbook import migrate
from handbook.accounts import tokens
from handbook.accounts.audit import Actor
from handbook.accounts.vocabulary import ADMIN, COMMITTEE_VIEWER, EDITOR, SECRETARY
from handbook.app import create_app
from handbook.app_db import get_db
from handbook.clock import utcnow
from handbook.content import importer
from handbook.content.models import ContentVersion
from handbook.db import Base
from tests import factories

TEST_CONTENT = Path(__file__).parent / "data" / "content"
POSTGRES_URL = os.environ.get("HANDBOOK_TEST_DATABASE_URL", "")
ON_POSTGRES = os.environ.get("HANDBOOK_TEST_BACKEND") == "postgresql"
if ON_POSTGRES and not POSTGRES_URL.startswith("postgresql"):
    raise RuntimeError("HANDBOOK_TEST_BACKEND=postgresql needs HANDBOOK_TEST_DATABASE_URL")
_KEPT_ENV = {"HANDBOOK_TEST_DATABASE_URL", "HANDBOOK_TEST_BACKEND"}
sqlite_only = pytest.mark.skipif(ON_POSTGRES, reason="checks SQLite itself")
# Argon2id at a tiny cost keeps the suite fast; one test checks the production cost.
FAST_PASSWORD_HASHING = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 64}


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    for key in list(os.environ):
        if key.startswith("HANDBOOK_") and key not in _KEPT_ENV:
            monkeypatch.delenv(key)


@pytest.fixture
def content_dir(tmp_path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(TEST_CONTENT, target)
    return target


def app_config(root: Path, content: Path, **extra) -> dict:
    """A testing app whose database, index and attachments live under root."""
    return {
        "ENV_NAME": "testing",
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": f"sqlite:///{root / 'test.db'}",
        "CONTENT_DIR": str(content),
        "SEARCH_INDEX_DIR": str(root / "search_index"),
        "ATTACHMENTS_DIR": str(root / "attachments"),
        "CONTENT_CACHE_TTL": 0,
        "REPORT_CACHE_SECONDS": 0,
        **FAST_PASSWORD_HASHING,
        **extra,
    }


@pytest.fixture
def app(tmp_path, content_dir):
    database = {"DATABASE_URL": POSTGRES_URL} if ON_POSTGRES else {}
    app = create_app(app_config(tmp_path, content_dir, TESTING=True, WTF_CSRF_ENABLED=False, **database))
    migrate.upgrade(app)
    if ON_POSTGRES:
        empty_tables(app)
    yield app
    close_all_sessions()  # a session a test left open would keep its connection
    get_db(app).engine.dispose()


def empty_tables(app) -> None:
    """Every table empty, ids from 1, and the rows the migrations seed put back."""
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with get_db(app).engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        connection.execute(insert(ContentVersion).values(id=1, version=0, updated_at=utcnow()))


def import_folder(app, directory: Path) -> importer.ImportReport:
    sources, problems = importer.read_folder(directory, app.config["MARKDOWN_MAX_BYTES"])
    with app.app_context(), get_db(app).transaction() as tx:
        report = importer.import_sources(tx, sources, author="test")
    report.problems[:0] = problems
    return report


@pytest.fixture
def library(app, content_dir):
    """The app with the test library imported."""
    report = import_folder(app, content_dir)
    assert not report.problems
    return app


@pytest.fixture
def client(library, member):
    """A client logged in as an ordinary member of cell A."""
    return login(library.test_client(), member.username)


@pytest.fixture
def anon_client(library):
    return library.test_client()


def login(client, username: str, password: str = factories.PASSWORD, totp_secret: str | None = None):
    """Log in through the real forms (and the second factor when enrolled)."""
    response = client.post("/dang-nhap", data={"ten_dang_nhap": username, "mat_khau": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    if totp_secret:
        response = client.post("/dang-nhap/xac-thuc", data={"ma": factories.totp_now(totp_secret)})
        assert response.status_code == 302, response.get_data(as_text=True)
    return client


@pytest.fixture
def tree(app) -> factories.Tree:
    return factories.make_tree(app)


@pytest.fixture
def member(app, tree):
    return factories.make_user(app, "nguyen.van.an", cell=tree.cell_a, full_name="Nguyễn Văn An")


@pytest.fixture
def role_users(app, tree) -> dict:
    """One user per role, privileged ones with a second factor enrolled: name → (user, secret)."""
    specs = {
        "secretary": ("tran.thi.binh", tree.cell_a, ((SECRETARY, tree.cell_a),)),
        "committee": ("le.van.cuong", tree.cell_b, ((COMMITTEE_VIEWER, tree.committee),)),
        "editor": ("pham.thi.dung", tree.cell_c, ((EDITOR, None),)),
        "admin": ("hoang.van.em", None, ((ADMIN, None),)),
    }
    made = {}
    for name, (username, cell, grants) in specs.items():
        secret = factories.new_totp_secret()
        made[name] = (
            factories.make_user(app, username, cell=cell, grants=grants, totp_secret=secret),
            secret,
        )
    return made


@pytest.fixture
def clients(library, member, role_users) -> dict:
    """A logged-in client per role, plus "anon"."""
    made = {"anon": library.test_client(), "member": login(library.test_client(), member.username)}
    for name, (user, secret) in role_users.items():
        made[name] = login(library.test_client(), user.username, totp_secret=secret)
    return made


@pytest.fixture
def bearers(app, role_users, member) -> dict:
    """The API's Authorization header per role (and "anon"): it takes tokens, not cookies."""
    people = {"member": member, **{name: user for name, (user, _) in role_users.items()}}
    headers = {"anon": {}}
    with app.app_context(), get_db(app).transaction() as tx:
        for name, user in people.items():
            token, _ = tokens.issue(tx, Actor.system("test"), user.id, "test", days=1)
            headers[name] = {"Authorization": f"Bearer {token}"}
    return headers


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
