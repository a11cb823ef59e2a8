"""History, diff, revert, archive, scheduling, campaigns and the command line."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, update

from handbook.accounts.models import AuditEvent
from handbook.app_db import get_db
from handbook.clock import utcnow
from handbook.content.models import Document
from handbook.editor import scheduler
from tests.factories import editor_post

DOC = "/bien-tap/van-ban/quy-dinh-37"
EDIT_37 = dict(slug="quy-dinh-37", so_hieu="37-QĐ/TW", loai="Quy định", phien_ban="1", hanh_dong="xuat-ban")


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_history_diff_is_escaped_and_revert_makes_a_new_revision(editor, reader):
    editor.post(
        DOC, data=editor_post(**EDIT_37, ghi_chu="Thêm ví dụ", noi_dung="Ví dụ <script>alert(1)</script>\n")
    )
    history = _text(editor.get(f"{DOC}/lich-su"))
    assert "Phiên bản 2" in history and "Thêm ví dụ" in history and "pham.thi.dung" in history
    diff = _text(editor.get(f"{DOC}/so-sanh", query_string={"tu": 1, "den": 2}))
    assert '<ins class="diff-added">' in diff and '<del class="diff-removed">' in diff
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in diff and "<script>alert" not in diff
    response = editor.post(f"{DOC}/khoi-phuc/1", data={"phien_ban": "2"})
    assert response.status_code == 302
    assert "Khôi phục phiên bản 1" in _text(editor.get(f"{DOC}/lich-su"))
    assert "Điều 1. Nói, làm trái Cương lĩnh" in _text(reader.get("/van-ban/quy-dinh-37"))
    assert editor.post(f"{DOC}/khoi-phuc/1", data={"phien_ban": "2"}).status_code == 409


def test_archived_document_reads_by_link_with_a_banner_only(editor, reader):
    response = editor.post(DOC, data={"hanh_dong": "luu-tru", "phien_ban": "1"})
    assert response.status_code == 302
    page = _text(reader.get("/van-ban/quy-dinh-37"))
    assert "đã lưu trữ" in page
    assert 'href="/van-ban/quy-dinh-37"' not in _text(reader.get("/"))
    found = _text(reader.get("/tim-kiem", query_string={"q": "chống đối"}))
    assert "quy-dinh-37" not in found


def test_a_scheduled_draft_goes_live_by_itself_in_the_schedulers_name(editor, reader, library):
    when = "2099-01-01T08:00"
    response = editor.post("/bien-tap/moi", data=editor_post(hanh_dong="hen-gio", xuat_ban_luc=when))
    assert response.status_code == 302
    assert "hẹn xuất bản 08:00 01/01/2099" in _text(editor.get("/bien-tap?trang-thai=hen-gio"))
    assert reader.get("/van-ban/ket-luan-21").status_code == 404
    with library.app_context(), get_db(library).transaction() as tx:
        tx.execute(
            update(Document)
            .where(Document.slug == "ket-luan-21")
            .values(publish_at=utcnow() - timedelta(minutes=1))
        )
    # Opening the editor's list is a GET: it publishes nothing.
    assert editor.get("/bien-tap").status_code == 200
    assert reader.get("/van-ban/ket-luan-21").status_code == 404
    with library.app_context():
        job = scheduler.Scheduler(get_db(library), Path(library.config["SEARCH_INDEX_DIR"]), 60)
        assert job.step() == (["ket-luan-21"], [])
    assert reader.get("/van-ban/ket-luan-21").status_code == 200
    assert "ket-luan-21" in _text(reader.get("/tim-kiem?q=21-KL/TW"))
    with library.app_context(), get_db(library).reads() as session:
        published = session.scalars(select(AuditEvent).where(AuditEvent.action == "document.publish")).one()
        scheduled = session.scalars(select(AuditEvent).where(AuditEvent.action == "document.schedule")).one()
    assert published.actor == scheduled.actor and published.actor_id == scheduled.actor_id
    assert published.details["scheduled"] is True


def test_publish_due_command(runner, library, editor):
    editor.post("/bien-tap/moi", data=editor_post(hanh_dong="hen-gio", xuat_ban_luc="2099-01-01T08:00"))
    with library.app_context(), get_db(library).transaction() as tx:
        tx.execute(
            update(Document)
            .values(publish_at=utcnow() - timedelta(minutes=1))
            .where(Document.slug == "ket-luan-21")
        )
    result = runner.invoke(args=["handbook", "publish-due"])
    assert result.exit_code == 0 and "Đã xuất bản 1 văn bản" in result.output


def test_campaign_opens_from_the_editor_page_with_the_document_chosen(editor, library):
    page = _text(editor.get(DOC))
    with library.app_context(), get_db(library).reads() as reader:
        doc_id = reader.query(Document.id).filter_by(slug="quy-dinh-37").scalar()
    link = f"/hoc-tap/quan-ly/dot-moi?van_ban={doc_id}"
    assert link in page and "Mở đợt học tập với văn bản này" in page
    assert f'value="{doc_id}" checked' in _text(editor.get(link))


def test_only_editors_and_admins_see_the_editor(clients, indexed):
    assert 'href="/bien-tap"' in _text(clients["editor"].get("/"))
    assert 'href="/bien-tap"' not in _text(clients["member"].get("/"))
    assert clients["member"].get("/bien-tap").status_code == 403
    assert clients["admin"].get(DOC).status_code == 200
