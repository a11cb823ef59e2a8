"""Tests on a real PostgreSQL server. They run when HANDBOOK_TEST_DATABASE_URL names
a PostgreSQL database that may be emptied, and report themselves skipped otherwise."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text

from handbook import migrate
from handbook.app import create_app
from handbook.app_db import get_db
from tests.conftest import FAST_PASSWORD_HASHING

URL = os.environ.get("HANDBOOK_TEST_DATABASE_URL", "")
requires_postgres = pytest.mark.skipif(
    not URL.startswith("postgresql"), reason="HANDBOOK_TEST_DATABASE_URL is not a PostgreSQL URL"
)


def empty_app(tmp_path: Path, content_dir: Path, **config) -> Flask:
    """An app on the test database, emptied and migrated to the latest schema."""
    app = create_app(
        {
            "ENV_NAME": "testing",
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "DATABASE_URL": URL,
            "CONTENT_DIR": str(content_dir),
            "CONTENT_CACHE_TTL": 0,
            "SEARCH_INDEX_DIR": str(tmp_path / "idx"),
            **FAST_PASSWORD_HASHING,
            **config,
        }
    )
    with get_db(app).engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    migrate.upgrade(app)
    return app
