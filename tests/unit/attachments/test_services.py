"""Attachment services without HTTP: type by content, limits, dedup, drafts, audit."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select, update

from handbook.accounts.audit import Actor
from handbook.accounts.models import AuditEvent
from handbook.app_db import get_db
from handbook.attachments import content_types, services
from handbook.attachments.models import Attachment
from handbook.content.models import Document
from handbook.errors import Invalid, NotFound

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
ACTOR = Actor(None, "bien.tap")


@pytest.fixture
def root(library) -> Path:
    return Path(library.config["ATTACHMENTS_DIR"])


def _doc_id(app, slug: str = "quy-dinh-37") -> int:
    with app.app_context(), get_db(app).transaction() as tx:
        return services.document_id_for(tx, slug)


def _add(
    app, root, data: bytes, name: str = "ban-goc.pdf", max_bytes: int = 1024, slug: str = "quy-dinh-37"
) -> Attachment:
    document_id = _doc_id(app, slug)
    with app.app_context(), get_db(app).transaction() as tx:
        return services.add(tx, ACTOR, document_id, name, io.BytesIO(data), max_bytes, root)


def _reason(excinfo) -> str:
    return excinfo.value.problems[0].reason


def test_pdf_is_stored_under_its_hash_with_detected_type(library, root):
    attachment = _add(library, root, PDF, "Quyết định số 1.PDF")
    assert attachment.media_type == "application/pdf" and attachment.size == len(PDF)
    assert attachment.stored_name == f"{attachment.sha256}.pdf"
    assert (root / attachment.stored_name).read_bytes() == PDF
    assert attachment.filename == "Quyết định số 1.pdf"
    assert not [p for p in root.iterdir() if p.name.startswith(".upload-")]


@pytest.mark.parametrize(
    "data",
    [
        b"<!DOCTYPE html><script>alert(1)</script>",
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script/></svg>',
        b"MZ\x90\x00\x03\x00\x00\x00",
    ],
)
def test_content_other_than_pdf_or_image_is_refused_whatever_the_name(library, root, data):
    with pytest.raises(Invalid) as excinfo:
        _add(library, root, data, "bao-cao.pdf")
    assert "PDF hoặc ảnh" in _reason(excinfo)
    assert list(root.iterdir()) == []


def test_empty_and_too_large_files_are_refused(library, root):
    with pytest.raises(Invalid) as empty:
        _add(library, root, b"")
    with pytest.raises(Invalid) as big:
        _add(library, root, PDF + b"x" * 2048, max_bytes=1024)
    assert "rỗng" in _reason(empty) and "quá lớn" in _reason(big)
    assert list(root.iterdir()) == []


def test_same_content_twice_is_stored_once(library, root):
    first = _add(library, root, PNG, "anh.png")
    second = _add(library, root, PNG, "anh-khac.png")
    assert first.id == second.id
    with library.app_context():
        assert len(services.list_for(get_db(library).sessions(), _doc_id(library))) == 1


def test_unsafe_names_are_cleaned_for_display_only(library, root):
    attachment = _add(library, root, PDF, "../../etc/passwd.pdf")
    assert attachment.filename == "passwd.pdf"
    assert [p.name for p in root.iterdir()] == [attachment.stored_name]


def test_clean_filename_normalises_and_bounds():
    decomposed = "Nghi\u0323 quyê\u0301t\x00<b>.exe"
    name = content_types.clean_filename(decomposed, content_types.PNG)
    assert name == "Nghị quyết b.png"
    assert len(content_types.clean_filename("a" * 500 + ".pdf", content_types.PDF)) <= 150
    assert content_types.clean_filename("...", content_types.PDF) == "tep-dinh-kem.pdf"


def test_remove_deletes_row_and_file_and_audits(library, root):
    attachment = _add(library, root, PDF)
    with library.app_context(), get_db(library).transaction() as tx:
        services.remove(tx, ACTOR, attachment.id, root)
    assert list(root.iterdir()) == []
    with get_db(library).sessions() as s:
        actions = s.scalars(select(AuditEvent.action).where(AuditEvent.target_type == "attachment"))
        assert sorted(actions) == ["attachments.added", "attachments.removed"]


def test_file_shared_by_two_documents_survives_removal_from_one(library, root):
    first = _add(library, root, PDF, slug="quy-dinh-37")
    _add(library, root, PDF, slug="nghi-quyet-35")
    with library.app_context(), get_db(library).transaction() as tx:
        services.remove(tx, ACTOR, first.id, root)
    assert (root / first.stored_name).is_file()


def test_drafts_hide_their_attachments_from_members(library, root):
    attachment = _add(library, root, PDF)
    with get_db(library).transaction() as tx:
        tx.execute(update(Document).where(Document.slug == "quy-dinh-37").values(state="draft"))
    with get_db(library).sessions() as s:
        with pytest.raises(NotFound):
            services.open_for_download(s, attachment.id, root, may_see_drafts=False)
        found, path = services.open_for_download(s, attachment.id, root, may_see_drafts=True)
        assert found.id == attachment.id and path.read_bytes() == PDF
        assert services.list_for_slug(s, "quy-dinh-37", may_see_drafts=False) == []
        with pytest.raises(NotFound):
            services.open_for_download(s, 999_999, root, may_see_drafts=True)


def test_unknown_document_is_not_found(library, root):
    with library.app_context(), get_db(library).transaction() as tx, pytest.raises(NotFound):
        services.add(tx, ACTOR, 999_999, "a.pdf", io.BytesIO(PDF), 1024, root)
