"""The content version and the per-process cache that follows it."""

from __future__ import annotations

from handbook.app_db import get_db
from handbook.content import versioning
from handbook.content.versioning import VersionedCache


def test_import_bumps_the_version(app, content_dir):
    from tests.conftest import import_folder

    with get_db(app).sessions() as s:
        before = versioning.current(s)
    import_folder(app, content_dir)
    with get_db(app).sessions() as s:
        assert versioning.current(s) == before + 3


def test_cache_recomputes_only_after_a_version_change(app):
    cache, calls = VersionedCache(ttl=0), []
    compute = lambda: calls.append(1) or len(calls)  # noqa: E731
    with get_db(app).sessions() as s:
        assert cache.get(s, "k", compute) == 1
        assert cache.get(s, "k", compute) == 1
    with get_db(app).transaction() as tx:
        versioning.bump(tx)
    with get_db(app).sessions() as s:
        assert cache.get(s, "k", compute) == 2


def test_cache_is_bounded(app):
    cache = VersionedCache(ttl=0, max_entries=2)
    with get_db(app).sessions() as s:
        for key in "abc":
            cache.get(s, key, lambda key=key: key)
        assert list(cache._entries) == ["b", "c"]
