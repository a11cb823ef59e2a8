"""Study pages: the document panel, "Học tập của tôi", campaigns and reflections."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from handbook.accounts.models import AuditEvent, Membership
from handbook.app_db import get_db
from handbook.study.models import Completion
from tests.unit.study.helpers import make_campaign, read_all, today
from tests.web.study.conftest import SLUG

REFLECTION = "Tôi rút ra bài học về giữ gìn phẩm chất đạo đức, lối sống của người đảng viên."


def test_document_page_has_the_panel_outside_the_article_and_loads_the_script(client):
    html = client.get(f"/van-ban/{SLUG}").get_data(as_text=True)
    assert html.index("</article>") < html.index('id="_hoc-tap"')
    assert 'data-endpoint="/hoc-tap/tien-do"' in html and f'data-document="{SLUG}"' in html
    assert re.search(r'<script src="/static/reading.js[^"]*" defer></script>', html)
    assert re.search(r"<form[^>]*data-study-confirm[^>]*hidden", html)
    assert "Đã đọc 0/" in html


def test_the_article_reads_fully_without_the_study_block(client):
    html = client.get(f"/van-ban/{SLUG}").get_data(as_text=True)
    assert "Không được tham gia các hoạt động chống đối." in html and "<noscript>" in html


def test_the_confirm_button_appears_once_everything_is_read(client, library, member):
    read_all(library, member.id, SLUG)
    html = client.get(f"/van-ban/{SLUG}").get_data(as_text=True)
    assert not re.search(r"<form[^>]*data-study-confirm[^>]*hidden", html)
    response = client.post(f"/hoc-tap/van-ban/{SLUG}/hoc-xong")
    assert response.status_code == 302 and response.headers["Location"].endswith("#_hoc-tap")
    html = client.get(f"/van-ban/{SLUG}").get_data(as_text=True)
    assert "Bạn đã học xong văn bản này" in html and "data-complete" in html


def test_confirming_too_early_changes_nothing(client, library):
    client.post(f"/hoc-tap/van-ban/{SLUG}/hoc-xong")
    html = client.get(f"/van-ban/{SLUG}").get_data(as_text=True)
    assert "chưa đọc đủ thời gian" in html
    with library.app_context(), get_db(library).transaction() as tx:
        assert tx.scalar(select(Completion)) is None


def test_my_study_shows_campaigns_progress_and_history(client, library, member, campaign):
    read_all(library, member.id, SLUG)
    client.post(f"/hoc-tap/van-ban/{SLUG}/hoc-xong")
    html = client.get("/hoc-tap").get_data(as_text=True)
    assert campaign.title in html and "50%" in html and "Đã học xong" in html
    assert "Các văn bản đã học xong" in html and "Về những điều đảng viên không được làm" in html


def test_overdue_campaigns_are_shown_as_such(client, library, tree, member):
    with library.app_context(), get_db(library).transaction() as tx:
        tx.execute(
            update(Membership)
            .where(Membership.user_id == member.id)
            .values(started_at=datetime.now(UTC) - timedelta(days=60))
        )
    make_campaign(
        library,
        [tree.cell_a],
        [SLUG],
        title="Đợt đã hết hạn",
        opens_on=today() - timedelta(days=10),
        deadline=today() - timedelta(days=2),
    )
    html = client.get("/hoc-tap").get_data(as_text=True)
    assert "Đã quá hạn, chưa hoàn thành" in html and "Đợt đã hết hạn" in html


def test_no_other_member_appears_on_a_members_pages(client, campaign, role_users):
    html = client.get("/hoc-tap").get_data(as_text=True) + client.get(f"/hoc-tap/dot/{campaign.id}").get_data(
        as_text=True
    )
    for user, _ in role_users.values():
        assert user.full_name not in html


def test_reflection_round_trip(clients, library, campaign, member):
    member_client, secretary = clients["member"], clients["secretary"]
    url = f"/hoc-tap/dot/{campaign.id}/thu-hoach"
    response = member_client.post(url, data={"noi_dung": REFLECTION})
    assert response.status_code == 302
    cell_page = secretary.get(
        f"/hoc-tap/chi-bo/{_cell_a(clients, library)}/dot/{campaign.id}", follow_redirects=True
    )
    html = cell_page.get_data(as_text=True)
    assert "Nguyễn Văn An" in html and "(chưa xem)" in html
    link = re.search(r'href="(/hoc-tap/thu-hoach/\d+)"', html).group(1)
    elsewhere = secretary.get(link, headers={"Sec-Fetch-Site": "cross-site"})
    assert REFLECTION not in elsewhere.get_data(as_text=True)
    assert REFLECTION in secretary.get(link).get_data(as_text=True)
    secretary.post(f"{link}/da-xem")
    assert "Đã xem ngày" in secretary.get(link).get_data(as_text=True)
    again = member_client.post(url, data={"noi_dung": REFLECTION})
    assert again.status_code == 409
    with library.app_context(), get_db(library).transaction() as tx:
        actions = set(tx.scalars(select(AuditEvent.action)))
    assert {"reports.grid_viewed", "study.reflection_read", "study.reflection_reviewed"} <= actions
    # Two views opened here and the review (which reads it), not the view from elsewhere.
    assert len(_audited_reads(library)) == 3


def _audited_reads(app) -> list[int]:
    with app.app_context(), get_db(app).transaction() as tx:
        return list(tx.scalars(select(AuditEvent.id).where(AuditEvent.action == "study.reflection_read")))


def _cell_a(clients, library) -> int:
    html = clients["secretary"].get("/hoc-tap/chi-bo", follow_redirects=True).get_data(as_text=True)
    return int(re.search(r"/bao-cao/chi-bo/(\d+)/dot/", html).group(1))


def test_secretary_marks_a_member_complete(clients, library, campaign, member, tree):
    secretary = clients["secretary"]
    response = secretary.post(
        "/hoc-tap/chi-bo/danh-dau-hoan-thanh", data={"dang_vien": member.id, "van_ban": SLUG}
    )
    assert response.status_code == 302
    with library.app_context(), get_db(library).transaction() as tx:
        done = tx.scalar(select(Completion))
    assert (done.user_id, done.method) == (member.id, "secretary") and done.marked_by
    html = clients["member"].get(f"/van-ban/{SLUG}").get_data(as_text=True)
    assert "chi bộ xác nhận" in html


def test_secretary_cannot_reach_other_cells(clients, campaign, tree, role_users):
    secretary = clients["secretary"]
    old_url = f"/hoc-tap/chi-bo/{tree.cell_b.id}/dot/{campaign.id}"
    assert secretary.get(old_url, follow_redirects=True).status_code == 404
    committee_user, _ = role_users["committee"]  # a member of cell B
    response = secretary.post(
        "/hoc-tap/chi-bo/danh-dau-hoan-thanh", data={"dang_vien": committee_user.id, "van_ban": SLUG}
    )
    assert response.status_code == 404


def test_committee_viewer_creates_a_campaign_in_scope_only(clients, library, tree):
    viewer = clients["committee"]
    form = viewer.get("/hoc-tap/quan-ly/dot-moi").get_data(as_text=True)
    assert "Chi bộ ấp 1" in form and "Chi bộ Ban Chỉ huy Quân sự" not in form
    doc_id = re.search(r'name="van_ban" value="(\d+)"', form).group(1)
    data = {
        "tieu_de": "Học tập chuyên đề năm",
        "ngay_mo": "2026-01-01",
        "han": "2026-12-31",
        "van_ban": doc_id,
    }
    refused = viewer.post("/hoc-tap/quan-ly/dot-moi", data={**data, "don_vi": tree.cell_c.id})
    assert refused.status_code == 422 and "trong phạm vi" in refused.get_data(as_text=True)
    created = viewer.post("/hoc-tap/quan-ly/dot-moi", data={**data, "don_vi": tree.cell_a.id})
    assert created.status_code == 302
    assert "Học tập chuyên đề năm" in viewer.get("/hoc-tap/quan-ly").get_data(as_text=True)


def test_editor_writes_questions_and_member_takes_the_quiz(clients):
    editor, member = clients["editor"], clients["member"]
    assert member.get(f"/hoc-tap/van-ban/{SLUG}/tu-kiem-tra").status_code == 404
    response = editor.post(
        f"/hoc-tap/van-ban/{SLUG}/cau-hoi",
        data={
            "cau_hoi": "Quy định 37 thay thế quy định nào?",
            "phuong_an": "Quy định 47\nQuy định 102",
            "dap_an": "1",
        },
    )
    assert response.status_code == 302
    quiz = member.get(f"/hoc-tap/van-ban/{SLUG}/tu-kiem-tra").get_data(as_text=True)
    name = re.search(r'name="(cau_\d+)"', quiz).group(1)
    result = member.post(f"/hoc-tap/van-ban/{SLUG}/tu-kiem-tra", data={name: "0"})
    assert "Bạn trả lời đúng 100%" in result.get_data(as_text=True)
    assert member.get(f"/hoc-tap/van-ban/{SLUG}/cau-hoi").status_code == 403


def test_roles_are_enforced(clients, campaign):
    assert clients["member"].get("/hoc-tap/quan-ly").status_code == 403
    assert clients["member"].get("/hoc-tap/chi-bo").status_code == 403
    assert clients["editor"].get("/hoc-tap/chi-bo").status_code == 403
    assert clients["anon"].get("/hoc-tap").status_code == 302
    assert clients["admin"].get(f"/hoc-tap/dot/{campaign.id}").status_code == 404


def test_editor_requires_restudy_and_completions_stop_counting(clients, library, member, campaign):
    read_all(library, member.id, SLUG)
    clients["member"].post(f"/hoc-tap/van-ban/{SLUG}/hoc-xong")
    assert "Bạn đã học xong" in clients["member"].get(f"/van-ban/{SLUG}").get_data(as_text=True)
    assert clients["member"].post(f"/hoc-tap/van-ban/{SLUG}/yeu-cau-hoc-lai").status_code == 403
    assert clients["editor"].post(f"/hoc-tap/van-ban/{SLUG}/yeu-cau-hoc-lai").status_code == 302
    html = clients["member"].get(f"/van-ban/{SLUG}").get_data(as_text=True)
    assert "Bạn đã học xong" not in html and "Đã đọc 0/" in html
    assert "cần học lại" in clients["member"].get("/hoc-tap").get_data(as_text=True)
