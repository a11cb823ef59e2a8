"""Attachment routes: who may upload, remove and download, and the headers of a download."""

from __future__ import annotations

import io
from urllib.parse import quote

from sqlalchemy import select, update

from handbook.accounts.models import AuditEvent
from handbook.app_db import get_db
from handbook.attachments.models import Attachment
from handbook.content.models import Document
from tests.conftest import login

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
UPLOAD = "/bien-tap/van-ban/quy-dinh-37/tep-dinh-kem"


def _upload(client, data: bytes, name: str, **extra):
    return client.post(
        UPLOAD, data={"tep": (io.BytesIO(data), name), **extra}, content_type="multipart/form-data"
    )


def _rows(app) -> list[Attachment]:
    with get_db(app).sessions() as s:
        return list(s.scalars(select(Attachment).order_by(Attachment.id)))


def _get(client, url: str):
    """GET and close: a file response holds its file open until closed."""
    with client.get(url) as response:
        response.get_data()
        return response


def _url(attachment: Attachment, name: str | None = None) -> str:
    return f"/tep-dinh-kem/{attachment.id}/{quote(name or attachment.filename)}"


def test_editor_uploads_pdf_and_member_downloads_it_inline(library, clients):
    response = _upload(clients["editor"], PDF, "Quyết định.pdf")
    assert response.status_code == 303 and response.headers["Location"] == "/van-ban/quy-dinh-37"
    (attachment,) = _rows(library)
    download = _get(clients["member"], _url(attachment))
    assert download.status_code == 200 and download.data == PDF
    headers = download.headers
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"].startswith("inline")
    assert "filename*=UTF-8''Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh.pdf" in headers["Content-Disposition"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert {"private", "no-store"} <= {v.strip() for v in headers["Cache-Control"].split(",")}
    assert "default-src 'none'" in headers["Content-Security-Policy"]


def test_png_download_is_sandboxed(library, clients):
    _upload(clients["admin"], PNG, "anh.png")
    (attachment,) = _rows(library)
    response = _get(clients["member"], _url(attachment))
    assert response.headers["Content-Type"] == "image/png"
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_document_page_lists_attachments_and_form_for_editors_only(library, clients):
    _upload(clients["editor"], PDF, "ban-goc.pdf")
    member_page = clients["member"].get("/van-ban/quy-dinh-37").get_data(as_text=True)
    editor_page = clients["editor"].get("/van-ban/quy-dinh-37").get_data(as_text=True)
    assert "ban-goc.pdf" in member_page and 'enctype="multipart/form-data"' not in member_page
    assert 'enctype="multipart/form-data"' in editor_page and "Gỡ tệp" in editor_page


def test_disguised_and_empty_files_are_refused_with_a_message(library, clients):
    editor = clients["editor"]
    for data, name in (
        (b"<html><script>alert(1)</script>", "x.pdf"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "x.svg"),
        (b"", "x.pdf"),
    ):
        response = _upload(editor, data, name)
        assert response.status_code == 303
    assert _rows(library) == []
    page = editor.get("/van-ban/quy-dinh-37").get_data(as_text=True)
    assert "Chỉ nhận tệp PDF hoặc ảnh" in page or "rỗng" in page


def test_too_large_is_refused(library, clients):
    library.config["ATTACHMENT_MAX_BYTES"] = 100
    _upload(clients["editor"], PDF + b"0" * 200, "lon.pdf")
    assert _rows(library) == []
    assert "quá lớn" in clients["editor"].get("/van-ban/quy-dinh-37").get_data(as_text=True)


def test_editor_upload_above_the_site_limit_is_accepted(library, clients):
    library.config["MAX_CONTENT_LENGTH"] = 1024
    big = PDF + b"0" * 4096
    assert _upload(clients["editor"], big, "lon.pdf").status_code == 303
    assert [a.size for a in _rows(library)] == [len(big)]
    assert _upload(clients["member"], big, "lon.pdf").status_code in (403, 413)


def test_traversal_name_is_cleaned_and_wrong_name_is_404(library, clients):
    _upload(clients["editor"], PDF, "../../etc/passwd.pdf")
    (attachment,) = _rows(library)
    assert attachment.filename == "passwd.pdf"
    member = clients["member"]
    assert _get(member, _url(attachment)).status_code == 200
    assert _get(member, _url(attachment, "khac.pdf")).status_code == 404
    assert _get(member, f"/tep-dinh-kem/{attachment.id}/../../etc/passwd.pdf").status_code == 404


def test_member_cannot_upload_or_remove(library, clients):
    _upload(clients["editor"], PDF, "a.pdf")
    (attachment,) = _rows(library)
    assert _upload(clients["member"], PNG, "b.png").status_code == 403
    assert clients["member"].post(f"/bien-tap/tep-dinh-kem/{attachment.id}/xoa").status_code == 403
    assert len(_rows(library)) == 1


def test_editor_removes_and_audit_has_both_events(library, clients):
    _upload(clients["editor"], PDF, "a.pdf")
    (attachment,) = _rows(library)
    response = clients["editor"].post(
        f"/bien-tap/tep-dinh-kem/{attachment.id}/xoa", data={"next": "/van-ban/quy-dinh-37"}
    )
    assert response.status_code == 303 and _rows(library) == []
    assert _get(clients["member"], _url(attachment)).status_code == 404
    with get_db(library).sessions() as s:
        actions = list(
            s.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.action.like("attachments.%"))
                .order_by(AuditEvent.id)
            )
        )
    assert actions == ["attachments.added", "attachments.removed"]


def test_anonymous_cannot_download(library, clients):
    _upload(clients["editor"], PDF, "a.pdf")
    (attachment,) = _rows(library)
    response = _get(clients["anon"], _url(attachment))
    assert response.status_code in (302, 401) and response.data != PDF
    if response.status_code == 302:
        assert "/dang-nhap" in response.headers["Location"]


def test_draft_attachments_are_hidden_from_members_not_editors(library, clients):
    _upload(clients["editor"], PDF, "a.pdf")
    (attachment,) = _rows(library)
    with get_db(library).transaction() as tx:
        tx.execute(update(Document).where(Document.slug == "quy-dinh-37").values(state="draft"))
    assert _get(clients["member"], _url(attachment)).status_code == 404
    assert _get(clients["editor"], _url(attachment)).status_code == 200


def test_same_file_twice_is_stored_once(library, clients):
    _upload(clients["editor"], PDF, "a.pdf")
    _upload(clients["editor"], PDF, "b.pdf")
    assert len(_rows(library)) == 1


def test_upload_without_csrf_token_is_refused(library, role_users):
    user, secret = role_users["editor"]
    client = library.test_client()
    login(client, user.username, totp_secret=secret)
    library.config["WTF_CSRF_ENABLED"] = True
    assert _upload(client, PDF, "a.pdf").status_code == 400
    assert _rows(library) == []
