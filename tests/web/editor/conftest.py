"""Editor web tests: the per-role clients over the test library with a built index."""

from __future__ import annotations

from pathlib import Path

import pytest

from handbook.app_db import session
from handbook.search import indexer
from handbook.search.views import POOL


@pytest.fixture
def indexed(library):
    with library.app_context():
        indexer.rebuild(session(), Path(library.config["SEARCH_INDEX_DIR"]))
    # Searchers look for new commits once a second; tests look at once.
    library.extensions[POOL].refresh_seconds = 0
    return library


@pytest.fixture
def editor(clients, indexed):
    return clients["editor"]


@pytest.fixture
def reader(clients, indexed):
    return clients["member"]
