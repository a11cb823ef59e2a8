"""Search fixtures: the test library imported and indexed into a tmp index."""

from __future__ import annotations

from pathlib import Path

import pytest

from handbook.app_db import session
from handbook.search import indexer
from handbook.search.readers import SearcherPool


@pytest.fixture
def index_root(app) -> Path:
    return Path(app.config["SEARCH_INDEX_DIR"])


@pytest.fixture
def indexed(library, index_root):
    with library.app_context():
        indexer.rebuild(session(), index_root)
    return library


@pytest.fixture
def pool(indexed, index_root):
    # Refresh at once: tests change the index and expect the next query to see it.
    searchers = SearcherPool(index_root, refresh_seconds=0)
    yield searchers
    searchers.close()
