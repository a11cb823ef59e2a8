"""Editing in the browser: drafts, publishing, validation, preview, conflicts."""

from __future__ import annotations

import re

from handbook.editor import publishing
from handbook.search.storage import IndexBusy
from tests.factories import editor_post

NEW = "/bien-tap/moi"
EDIT = "/bien-tap/van-ban/ket-luan-21"


def _text(response) -> str:
    return response.get_data(as_text=True)


def _visible_to(reader) -> dict[str, bool]:
    return {
        "page": reader.get("/van-ban/ket-luan-21").status_code == 200,
        "library": "21-KL/TW" in _text(reader.get("/")),
        "search": "ket-luan-21" in _text(reader.get("/tim-kiem", query_string={"q": "suy thoái"})),
        "suggest": "ket-luan-21" in _text(reader.get("/tim-kiem/goi-y", query_string={"q": "Về đẩy"})),
    }


def test_a_draft_is_hidden_until_published(editor, reader):
    response = editor.post(NEW, data=editor_post(hanh_dong="luu-nhap"))
    assert response.status_code == 302 and response.headers["Location"].endswith(EDIT)
    assert _visible_to(reader) == dict.fromkeys(("page", "library", "search", "suggest"), False)
    assert editor.post(EDIT, data=editor_post(hanh_dong="xuat-ban", phien_ban="1")).status_code == 302
    assert _visible_to(reader) == dict.fromkeys(("page", "library", "search", "suggest"), True)


def test_relations_chosen_by_number_show_on_both_documents(editor, reader):
    editor.post(NEW, data=editor_post(hanh_dong="xuat-ban"))
    assert 'href="/van-ban/quy-dinh-37"' in _text(reader.get("/van-ban/ket-luan-21"))
    assert 'href="/van-ban/ket-luan-21"' in _text(reader.get("/van-ban/quy-dinh-37"))


def test_invalid_form_lists_every_problem_with_vietnamese_labels(editor):
    response = editor.post(
        NEW, data=editor_post(hanh_dong="xuat-ban", so_hieu="số 21", ngay_ban_hanh="hôm qua", loai="Thư")
    )
    page = _text(response)
    assert response.status_code == 422
    assert "<strong>Số hiệu</strong>" in page and "<strong>Ngày ban hành</strong>" in page
    assert "<strong>Loại văn bản</strong>" in page and 'value="số 21"' in page


def test_preview_uses_the_readers_pipeline_and_is_for_editors_only(editor, reader):
    body = "## Điều 1\n\n<script>alert(1)</script>**đậm**"
    response = editor.post("/bien-tap/xem-truoc", data={"noi_dung": body})
    html = _text(response)
    assert response.status_code == 200 and 'id="dieu-1"' in html
    assert "<strong>đậm</strong>" in html and "<script" not in html
    assert reader.post("/bien-tap/xem-truoc", data={"noi_dung": body}).status_code == 403


def test_preview_refuses_a_post_without_csrf_token(editor, library):
    library.config["WTF_CSRF_ENABLED"] = True
    assert editor.post("/bien-tap/xem-truoc", data={"noi_dung": "x"}).status_code == 400


def test_preview_button_works_without_javascript(editor):
    response = editor.post(NEW, data=editor_post(hanh_dong="xem-truoc", noi_dung="## Phần II\n"))
    page = _text(response)
    assert response.status_code == 200 and 'id="phan-ii"' in page
    assert editor.get(EDIT).status_code == 404  # nothing was saved


def test_editor_pages_have_no_inline_script_or_style(editor):
    for url in (NEW, "/bien-tap", "/bien-tap/van-ban/quy-dinh-37"):
        page = _text(editor.get(url))
        assert not re.search(r"<script(?![^>]*\bsrc=)", page), url
        assert " style=" not in page and " onclick=" not in page, url


def test_two_editors_saving_the_same_revision_the_second_is_told(editor, clients, reader):
    other = clients["admin"]
    edit = editor_post(
        slug="quy-dinh-37", so_hieu="37-QĐ/TW", loai="Quy định", phien_ban="1", hanh_dong="xuat-ban"
    )
    assert (
        editor.post(
            "/bien-tap/van-ban/quy-dinh-37", data={**edit, "noi_dung": "Bản của biên tập viên.\n"}
        ).status_code
        == 302
    )
    response = other.post(
        "/bien-tap/van-ban/quy-dinh-37", data={**edit, "noi_dung": "Bản của quản trị viên.\n"}
    )
    assert response.status_code == 409 and "người khác sửa" in _text(response)
    assert "Bản của quản trị viên" in _text(response)  # the second editor's text is not lost
    assert "Bản của biên tập viên" in _text(reader.get("/van-ban/quy-dinh-37"))


def test_publish_failing_at_the_index_keeps_the_old_version_and_tells_the_editor(editor, reader, monkeypatch):
    def broken(*_args, **_kwargs):
        raise IndexBusy()

    monkeypatch.setattr(publishing.indexer, "update_document", broken)
    response = editor.post(
        "/bien-tap/van-ban/quy-dinh-37",
        data=editor_post(
            slug="quy-dinh-37",
            so_hieu="37-QĐ/TW",
            loai="Quy định",
            phien_ban="1",
            hanh_dong="xuat-ban",
            tieu_de="Tiêu đề mới chưa xuất bản",
        ),
    )
    assert response.status_code == 503 and "giữ trạng thái trước đó" in _text(response)
    page = _text(reader.get("/van-ban/quy-dinh-37"))
    assert "Về những điều đảng viên không được làm" in page
    assert "Tiêu đề mới chưa xuất bản" not in page


def test_publishing_a_replacement_marks_the_old_document_replaced(editor, reader):
    editor.post(NEW, data=editor_post(hanh_dong="xuat-ban", quan_he_loai="replaces"))
    page = _text(reader.get("/van-ban/quy-dinh-37"))
    assert "đã bị thay thế bởi" in page and 'href="/van-ban/ket-luan-21"' in page
