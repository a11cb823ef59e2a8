"""Editor services run against the imported test library and a built search index."""

from __future__ import annotations

from pathlib import Path

import pytest

from handbook.accounts.audit import Actor
from handbook.app_db import get_db
from handbook.search import indexer

EDITOR = Actor(None, "bien.tap.vien", "")


@pytest.fixture
def index_root(library) -> Path:
    root = Path(library.config["SEARCH_INDEX_DIR"])
    with library.app_context(), get_db(library).reads() as reader:
        indexer.rebuild(reader, root)
    return root


@pytest.fixture
def db(library, index_root):
    with library.app_context():
        yield get_db(library)
