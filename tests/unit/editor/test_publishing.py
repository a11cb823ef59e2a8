"""Publishing is atomic: a failure half-way leaves the previous published state served."""

from __future__ import annotations

from datetime import timedelta

import pytest

from handbook.clock import utcnow
from handbook.content import library
from handbook.editor import publishing, workflow
from handbook.search import indexer
from handbook.search.storage import IndexBusy
from tests.factories import editor_form
from tests.unit.editor.conftest import EDITOR

EDIT_37 = dict(
    slug="quy-dinh-37",
    phien_ban="1",
    so_hieu="37-QĐ/TW",
    loai="Quy định",
    tieu_de="Tiêu đề đã sửa",
    noi_dung="Nội dung đã sửa.\n",
)


def _served(db, slug="quy-dinh-37"):
    with db.reads() as reader:
        doc = library.get_document(reader, slug).document
        return doc.title, doc.current_revision.number, doc.state


def _broken_index(*_args, **_kwargs):
    raise IndexBusy()


def test_index_failure_restores_the_previous_published_state(db, index_root, monkeypatch):
    before = _served(db)
    monkeypatch.setattr(publishing.indexer, "update_document", _broken_index)
    with pytest.raises(publishing.PublishFailed, match="giữ trạng thái trước đó"):
        publishing.publish(db, index_root, EDITOR, editor_form(**EDIT_37))
    assert _served(db) == before
    monkeypatch.undo()
    with db.reads() as reader:
        assert indexer.check(reader, index_root).ok
        revisions = workflow.get(reader, "quy-dinh-37").revisions
        assert [r.number for r in revisions] == [1, 2]  # the work is kept in the history


def test_index_failure_on_a_first_publish_keeps_a_draft(db, index_root, monkeypatch):
    monkeypatch.setattr(publishing.indexer, "update_document", _broken_index)
    with pytest.raises(publishing.PublishFailed):
        publishing.publish(db, index_root, EDITOR, editor_form())
    with db.reads() as reader:
        assert workflow.get(reader, "ket-luan-21").state == "draft"


def test_database_failure_changes_nothing(db, index_root, monkeypatch):
    before = _served(db)

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(workflow.audit, "record", broken)
    with pytest.raises(RuntimeError):
        publishing.publish(db, index_root, EDITOR, editor_form(**EDIT_37))
    assert _served(db) == before
    with db.reads() as reader:
        assert len(workflow.get(reader, "quy-dinh-37").revisions) == 1


def test_scheduled_drafts_are_published_when_due(db, index_root):
    with db.transaction() as tx:
        workflow.schedule(tx, EDITOR, editor_form(), utcnow() + timedelta(hours=1))
    assert publishing.publish_due(db, index_root) == ([], [])
    later = utcnow() + timedelta(hours=2)
    assert publishing.publish_due(db, index_root, later) == (["ket-luan-21"], [])
    assert publishing.publish_due(db, index_root, later) == ([], [])  # once
    assert _served(db, "ket-luan-21")[2] == "published"
    with db.reads() as reader:
        assert indexer.check(reader, index_root).ok


def test_scheduling_in_the_past_is_refused(db):
    with pytest.raises(publishing.HandbookError):
        with db.transaction() as tx:
            workflow.schedule(tx, EDITOR, editor_form(), utcnow() - timedelta(minutes=1))
