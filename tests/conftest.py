"""Fixtures built on the app factory: a fresh database and content copy per test."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from handbook import create_app, migrate
from handbook.content import importer
from handbook.db import get_db

TEST_CONTENT = Path(__file__).parent / "data" / "content"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    for key in list(os.environ):
        if key.startswith("HANDBOOK_") and key != "HANDBOOK_TEST_DATABASE_URL":
            monkeypatch.delenv(key)


@pytest.fixture
def content_dir(tmp_path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(TEST_CONTENT, target)
    return target


@pytest.fixture
def app(tmp_path, content_dir):
    app = create_app({
        "ENV_NAME": "testing",
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "WTF_CSRF_ENABLED": False,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'test.db'}",
        "CONTENT_DIR": str(content_dir),
        "SEARCH_INDEX_DIR": str(tmp_path / "search_index"),
        "CONTENT_CACHE_TTL": 0,
    })
    migrate.upgrade(app)
    yield app
    get_db(app).engine.dispose()


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
def client(library):
    return library.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
