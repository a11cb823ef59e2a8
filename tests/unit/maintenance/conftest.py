"""Backup and restore work on SQLite files: these tests make a SQLite app whatever
database the rest of the suite runs on."""

from __future__ import annotations

import pytest

from handbook import migrate
from handbook.app import create_app
from handbook.app_db import get_db
from tests import factories
from tests.conftest import app_config, import_folder


@pytest.fixture
def library(tmp_path, content_dir):
    """A SQLite app with the test library imported."""
    app = create_app(app_config(tmp_path, content_dir, TESTING=True))
    migrate.upgrade(app)
    assert not import_folder(app, content_dir).problems
    yield app
    get_db(app).engine.dispose()


@pytest.fixture
def member(library):
    tree = factories.make_tree(library)
    return factories.make_user(library, "nguyen.van.an", cell=tree.cell_a)
