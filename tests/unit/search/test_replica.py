"""Replicas: a second index of the same database follows what was published through another."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest
from sqlalchemy import select, update

from handbook.accounts.audit import Actor
from handbook.app_db import get_db
from handbook.clock import utcnow
from handbook.content import versioning
from handbook.content.models import ContentVersion, Document
from handbook.editor import publishing
from handbook.search import indexer, replica, service, storage
from handbook.search.readers import SearcherPool
from handbook.search.service import SearchRequest
from tests.conftest import app_config
from tests.factories import editor_form

EDITOR = Actor(None, "bien.tap.vien", "")
WORD = "zqvreplica"  # occurs in no test document


@pytest.fixture
def db(indexed):
    with indexed.app_context():
        yield get_db(indexed)


@pytest.fixture
def node_b(indexed, tmp_path) -> Path:
    """Another node's index directory, built from the same database."""
    root = tmp_path / "node_b"
    assert replica.sync(get_db(indexed), root).action == replica.REBUILT
    return root


def found(root: Path, q: str = WORD) -> set[str]:
    searchers = SearcherPool(root, refresh_seconds=0)
    try:
        return {h.slug for h in service.search(searchers, SearchRequest(q=q, per_page=50)).hits}
    finally:
        searchers.close()


def publish_new(db, root: Path, slug: str = "ket-luan-21", **fields) -> None:
    form = editor_form(slug=slug, noi_dung=f"Mở đầu.\n\n## Phần I\n\nTừ riêng {WORD}.\n", **fields)
    publishing.publish(db, root, EDITOR, form)


def stamp(db) -> str:
    with db.reads() as reader:
        return versioning.stamp(reader)


def test_a_new_replica_is_built_and_records_the_content_stamp(db, node_b):
    assert replica.recorded_stamp(node_b) == stamp(db)
    assert replica.sync(db, node_b).action == replica.CURRENT
    with db.reads() as reader:
        assert indexer.check(reader, node_b).ok


def test_a_publication_on_one_node_reaches_the_other_by_a_one_document_update(db, index_root, node_b):
    generation = storage.current_name(node_b)
    publish_new(db, index_root)
    assert found(index_root) == {"ket-luan-21"}  # the publishing node at once
    assert found(node_b) == set()
    result = replica.sync(db, node_b)
    assert (result.action, result.slugs, result.pending) == (replica.UPDATED, ("ket-luan-21",), 0)
    assert storage.current_name(node_b) == generation  # updated in place, not rebuilt
    assert found(node_b) == {"ket-luan-21"}
    assert replica.recorded_stamp(node_b) == stamp(db)
    # The publishing node had it already: it only records the stamp.
    own = replica.sync(db, index_root)
    assert (own.action, own.slugs) == (replica.UPDATED, ())
    assert replica.sync(db, index_root).action == replica.CURRENT


def test_archiving_on_one_node_removes_the_document_on_the_other(db, index_root, node_b):
    assert "quy-dinh-47" in found(node_b, "47-QĐ/TW")
    publishing.archive(db, index_root, EDITOR, "quy-dinh-47", 1)
    assert replica.sync(db, node_b).slugs == ("quy-dinh-47",)
    assert "quy-dinh-47" not in found(node_b, "47-QĐ/TW")
    with db.reads() as reader:
        assert indexer.check(reader, node_b).ok


def test_a_round_is_skipped_while_another_process_of_the_node_writes(db, index_root, node_b):
    publish_new(db, index_root)
    with storage.writer_lock(node_b, timeout=1):  # a second open file: flock conflicts
        assert replica.sync(db, node_b).action == replica.BUSY
    assert replica.sync(db, node_b).action == replica.UPDATED


def test_a_restored_database_is_followed_even_when_its_version_number_repeats(db, node_b):
    recorded = replica.recorded_stamp(node_b)
    with db.transaction() as tx:
        number = tx.scalar(select(ContentVersion.version))
        tx.scalar(select(Document).where(Document.slug == "quy-dinh-47")).state = "archived"
        # As after a restore: the count is one the replica has seen, the time is not.
        tx.execute(update(ContentVersion).values(version=number, updated_at=utcnow()))
    assert stamp(db) != recorded and stamp(db).split("@")[0] == recorded.split("@")[0]
    assert replica.sync(db, node_b).slugs == ("quy-dinh-47",)


def test_an_index_of_another_analyzer_version_is_rebuilt(db, node_b, monkeypatch):
    old = storage.current_name(node_b)
    monkeypatch.setattr(storage, "ANALYZER_VERSION", "vi-next")
    with db.transaction() as tx:
        versioning.bump(tx)
    assert replica.sync(db, node_b).action == replica.REBUILT
    assert storage.current_name(node_b) != old
    assert storage.read_meta(storage.current_dir(node_b))["analyzer"] == "vi-next"


def test_an_unreadable_index_is_rebuilt(db, node_b):
    for toc in storage.current_dir(node_b).glob("*.toc"):
        toc.unlink()
    with db.transaction() as tx:
        versioning.bump(tx)
    assert replica.sync(db, node_b).action == replica.REBUILT
    assert "quy-dinh-47" in found(node_b, "47-QĐ/TW")


def test_many_changes_are_written_in_batches_and_the_stamp_recorded_last(db, index_root, node_b, monkeypatch):
    monkeypatch.setattr(replica, "BATCH", 1)
    publishing.archive(db, index_root, EDITOR, "quy-dinh-47", 1)
    publishing.archive(db, index_root, EDITOR, "quy-dinh-37", 1)
    first = replica.sync(db, node_b)
    assert (first.slugs, first.pending) == (("quy-dinh-37",), 1)
    assert replica.recorded_stamp(node_b) != stamp(db)
    second = replica.sync(db, node_b)
    assert (second.slugs, second.pending) == (("quy-dinh-47",), 0)
    assert replica.sync(db, node_b).action == replica.CURRENT


def wait_for(condition, seconds: float = 5.0) -> float:
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > seconds:
            raise AssertionError(f"not within {seconds} s")
        time.sleep(0.02)
    return time.monotonic() - started


def test_the_follower_thread_follows_and_stops(db, index_root, node_b):
    follower = replica.Follower(db, node_b, interval=0.05)
    follower.ensure_running()
    thread = follower._thread
    try:
        assert thread.daemon and thread.name == "search-replica"
        follower.ensure_running()
        assert follower._thread is thread  # one thread per process
        publish_new(db, index_root)
        wait_for(lambda: found(node_b) == {"ket-luan-21"})
    finally:
        follower.stop()
    assert not thread.is_alive()
    follower.ensure_running()
    assert follower._thread is thread  # stopped on purpose: no restart


def test_the_follower_outlives_failures_and_logs_each_outage_once(db, node_b, monkeypatch, caplog):
    follower = replica.Follower(db, node_b, interval=60)

    def down(*_args):
        raise OSError("database unreachable")

    monkeypatch.setattr(replica, "sync", down)
    with caplog.at_level(logging.INFO, logger="handbook.search.replica"):
        assert follower.step() is None and follower.step() is None
        monkeypatch.undo()
        assert follower.step().action == replica.CURRENT
    messages = [r.getMessage() for r in caplog.records]
    assert sum("search-replica: a round failed" in m for m in messages) == 1
    assert any("search-replica works again" in m for m in messages)


def test_only_a_started_handbook_app_follows(indexed, tmp_path):
    from flask import Flask

    assert replica.FOLLOWER not in indexed.extensions  # the suite's apps never follow
    assert replica.start(Flask("hello")) is None  # another app served by gunicorn
    indexed.config["SEARCH_FOLLOW_SECONDS"] = 0
    assert replica.start(indexed) is None


def test_a_started_app_follows_publications_made_through_another(indexed, tmp_path, content_dir):
    from handbook.app import create_app

    # A second app on the same database, as another node, with its own index directory.
    config = app_config(tmp_path, content_dir, SEARCH_FOLLOW_SECONDS=0.05)
    config["SEARCH_INDEX_DIR"] = str(tmp_path / "node_c")
    config["DATABASE_URL"] = indexed.config["DATABASE_URL"]  # SQLite file or PostgreSQL
    other = create_app(config)
    follower = replica.start(other)
    try:
        assert replica.start(other) is follower and other.extensions[replica.FOLLOWER] is follower
        wait_for(lambda: replica.recorded_stamp(tmp_path / "node_c") is not None)
        with indexed.app_context():
            publish_new(get_db(indexed), Path(indexed.config["SEARCH_INDEX_DIR"]))
        wait_for(lambda: found(tmp_path / "node_c") == {"ket-luan-21"})
    finally:
        follower.stop()
        get_db(other).engine.dispose()
    assert not follower._thread.is_alive()


def test_cli_reindex_records_the_content_stamp(indexed, runner, index_root):
    with indexed.app_context():
        with get_db(indexed).transaction() as tx:
            versioning.bump(tx)
        assert runner.invoke(args=["handbook", "reindex"]).exit_code == 0
        assert replica.recorded_stamp(index_root) == stamp(get_db(indexed))
