"""Drafts stay invisible, saves are revisions, stale forms are refused, all is audited."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from handbook.accounts.models import AuditEvent
from handbook.content import library
from handbook.content.models import Document
from handbook.editor import publishing, workflow
from handbook.errors import Conflict, Invalid, NotFound
from handbook.search import indexer
from handbook.study import documents
from tests.factories import editor_form
from tests.unit.editor.conftest import EDITOR


def _save(db, action="save", **overrides):
    with db.transaction() as tx:
        return workflow.save(tx, EDITOR, editor_form(**overrides), action)


def _doc(db, slug="ket-luan-21") -> Document:
    with db.reads() as reader:
        return workflow.get(reader, slug)


def _actions(db) -> list[str]:
    with db.reads() as reader:
        return list(
            reader.scalars(
                select(AuditEvent.action).where(AuditEvent.action.like("document.%")).order_by(AuditEvent.id)
            )
        )


def test_a_draft_is_invisible_to_members_everywhere(db, index_root):
    _save(db)
    with db.reads() as reader:
        listed = library.list_documents(reader, library.LibraryQuery(per_page=100)).documents
        assert "ket-luan-21" not in {d.slug for d in listed}
        with pytest.raises(NotFound):
            library.get_document(reader, "ket-luan-21")
        with pytest.raises(NotFound):
            documents.load(reader, "ket-luan-21")
        assert "ket-luan-21" not in {d.slug for d in indexer.published_documents(reader)}
        assert indexer.check(reader, index_root).ok


def test_publishing_makes_it_visible_and_indexed_within_two_seconds(db, index_root):
    _save(db)
    outcome = publishing.publish(db, index_root, EDITOR, editor_form(phien_ban="1"))
    assert outcome.state == "published" and outcome.index_seconds < 2.0
    with db.reads() as reader:
        assert library.get_document(reader, "ket-luan-21").document.number == "21-KL/TW"
        assert indexer.check(reader, index_root).ok


def test_each_save_of_a_published_document_is_a_new_revision_with_author_and_note(db, index_root):
    publishing.publish(db, index_root, EDITOR, editor_form())
    publishing.publish(
        db,
        index_root,
        EDITOR,
        editor_form(
            phien_ban="1",
            ghi_chu="Sửa lỗi chính tả",
            hoc_lai="1",
            noi_dung="Mở đầu.\n\n## Phần I. Nhiệm vụ\n\nNội dung mới.\n",
        ),
    )
    revision = _doc(db).current_revision
    assert (revision.number, revision.author, revision.note, revision.requires_restudy) == (
        2,
        "bien.tap.vien",
        "Sửa lỗi chính tả",
        True,
    )
    assert _actions(db) == ["document.create", "document.publish", "document.edit", "document.publish"]


def test_a_second_save_based_on_the_same_revision_is_a_conflict(db):
    _save(db)
    _save(db, phien_ban="1", noi_dung="Bản của người thứ nhất.")
    with pytest.raises(Conflict, match="người khác sửa"):
        _save(db, phien_ban="1", noi_dung="Bản của người thứ hai.")
    assert "người thứ nhất" in _doc(db).current_revision.source


def test_two_threads_saving_at_once_one_wins_one_is_told(db):
    _save(db)
    results, barrier = [], threading.Barrier(2)

    def edit(text: str) -> None:
        barrier.wait()
        try:
            _save(db, phien_ban="1", noi_dung=text)
            results.append("saved")
        except Conflict:
            results.append("conflict")

    threads = [threading.Thread(target=edit, args=(f"Bản {n}.",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["conflict", "saved"]
    assert _doc(db).current_revision.number == 2


def test_a_new_document_cannot_take_an_existing_slug_or_number(db):
    with pytest.raises(Conflict):
        _save(db, slug="quy-dinh-37")
    with pytest.raises(Invalid, match="số hiệu đã thuộc"):
        _save(db, so_hieu="37-QĐ/TW")


def test_refused_transitions(db, index_root):
    with pytest.raises(Invalid):
        _save(db, slug="quy-dinh-37", phien_ban="1")  # a published document is not saved as draft
    publishing.archive(db, index_root, EDITOR, "quy-dinh-37", 1)
    with pytest.raises(Invalid):
        publishing.archive(db, index_root, EDITOR, "quy-dinh-37", 1)


def test_archived_is_readable_by_link_but_not_listed_or_indexed(db, index_root):
    publishing.archive(db, index_root, EDITOR, "quy-dinh-37", 1)
    with db.reads() as reader:
        assert library.get_document(reader, "quy-dinh-37").document.state == "archived"
        listed = library.list_documents(reader, library.LibraryQuery(per_page=100)).documents
        assert "quy-dinh-37" not in {d.slug for d in listed}
        assert indexer.check(reader, index_root).ok
    assert _actions(db)[-1] == "document.archive"


def test_revert_brings_back_an_old_revision_as_a_new_one(db, index_root):
    original = _doc(db, "quy-dinh-37").current_revision.source
    form = editor_form(
        slug="quy-dinh-37", phien_ban="1", so_hieu="37-QĐ/TW", loai="Quy định", noi_dung="Đã sửa.\n"
    )
    publishing.publish(db, index_root, EDITOR, form)
    publishing.revert(db, index_root, EDITOR, "quy-dinh-37", 1, 2)
    revision = _doc(db, "quy-dinh-37").current_revision
    assert revision.number == 3 and revision.source == original
    assert revision.note == "Khôi phục phiên bản 1"
    assert _actions(db)[-1] == "document.revert"
    with pytest.raises(Conflict):
        publishing.revert(db, index_root, EDITOR, "quy-dinh-37", 1, 2)
