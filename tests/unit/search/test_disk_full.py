"""A full disk while writing the index: the live generation keeps serving, a retry works."""

from __future__ import annotations

import errno
import logging
from pathlib import Path

import pytest
from whoosh.filedb.filestore import FileStorage

from handbook.app_db import get_db
from handbook.editor import publishing
from handbook.errors import StorageFull
from handbook.search import replica, storage
from tests.unit.search.test_replica import found, publish_new, stamp

KNOWN = "nội dung cũ khóa XI"  # found in quy-dinh-47 by the built index


def fill_disk(monkeypatch, tocs_allowed: int = 0) -> None:
    """Whoosh runs out of space writing a table of contents (the last file of a commit,
    after its segment files): the first `tocs_allowed` ones still fit."""
    create_file = FileStorage.create_file
    written = []

    def full(self, name, *args, **kwargs):
        if ".toc." in name:
            if len(written) >= tocs_allowed:
                raise OSError(errno.ENOSPC, "No space left on device")
            written.append(name)
        return create_file(self, name, *args, **kwargs)

    monkeypatch.setattr(FileStorage, "create_file", full)


def listing(root: Path) -> set[str]:
    return {p.name for p in root.iterdir()}


def test_reindex_on_a_full_disk_removes_the_new_generation_and_keeps_the_live_one(
    indexed, index_root, runner, monkeypatch
):
    live, before = storage.current_name(index_root), listing(index_root)
    fill_disk(monkeypatch, tocs_allowed=1)  # the empty index is created, its commit fails
    result = runner.invoke(args=["handbook", "reindex"])
    assert result.exit_code == 1
    assert "hết chỗ trống khi ghi chỉ mục tìm kiếm" in result.stderr
    assert "Traceback" not in result.output
    assert listing(index_root) == before and storage.current_name(index_root) == live
    assert "quy-dinh-47" in found(index_root, KNOWN)
    monkeypatch.undo()
    assert runner.invoke(args=["handbook", "reindex"]).exit_code == 0
    assert storage.current_name(index_root) != live
    assert "quy-dinh-47" in found(index_root, KNOWN)


def test_a_full_disk_while_publishing_keeps_the_index_serving_and_a_retry_works(
    indexed, index_root, monkeypatch, caplog
):
    db = get_db(indexed)
    with indexed.app_context():
        live = storage.current_name(index_root)
        fill_disk(monkeypatch)
        with (
            caplog.at_level(logging.ERROR, "handbook.editor"),
            pytest.raises(publishing.PublishFailed, match="hết chỗ trống"),
        ):
            publish_new(db, index_root)
        assert any(isinstance(r.exc_info[1], StorageFull) for r in caplog.records if r.exc_info)
        assert storage.current_name(index_root) == live
        assert found(index_root) == set() and "quy-dinh-47" in found(index_root, KNOWN)
        monkeypatch.undo()
        # Whoosh's own lock on the generation was released: the next writer gets it at once.
        publish_new(db, index_root, phien_ban="1")  # the draft the failed attempt kept
        assert found(index_root) == {"ket-luan-21"}


def test_the_follower_stays_behind_on_a_full_disk_and_catches_up_later(
    indexed, index_root, tmp_path, monkeypatch
):
    db = get_db(indexed)
    with indexed.app_context():
        node_b = tmp_path / "node_b"
        assert replica.sync(db, node_b).action == replica.REBUILT
        behind = replica.recorded_stamp(node_b)
        publish_new(db, index_root)
        fill_disk(monkeypatch)
        with pytest.raises(StorageFull):
            replica.sync(db, node_b)
        assert replica.recorded_stamp(node_b) == behind != stamp(db)
        assert found(node_b) == set() and "quy-dinh-47" in found(node_b, KNOWN)
        monkeypatch.undo()
        assert replica.sync(db, node_b).slugs == ("ket-luan-21",)
        assert found(node_b) == {"ket-luan-21"} and replica.recorded_stamp(node_b) == stamp(db)
