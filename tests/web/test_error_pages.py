"""Every error a person can meet says, in Vietnamese, what happened and what to do next;
a session that ended is told apart from never having signed in."""

from __future__ import annotations

from sqlalchemy import update

from handbook.accounts import users
from handbook.accounts.access import SESSION_ENDED_MESSAGE, SIGN_IN_MESSAGE
from handbook.accounts.models import User
from handbook.app_db import get_db


def test_missing_page_offers_search_and_a_way_back(client):
    answer = client.get("/van-ban/khong-co-van-ban-nay")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 404
    assert '<h1 id="loi-tieu-de">Không tìm thấy trang</h1>' in html
    assert 'action="/tim-kiem"' in html and 'id="tim-thay-the"' in html
    assert 'href="/hoc-tap">Xem việc học tập của tôi' in html


def test_missing_page_for_a_visitor_leads_to_sign_in_not_search(anon_client):
    html = anon_client.get("/ngoai-tuyen/khong-co").get_data(as_text=True)
    assert 'id="tim-thay-the"' not in html and 'href="/dang-nhap">Đăng nhập' in html


def test_json_addresses_get_json_errors_like_the_sign_in_gate_gives(client, anon_client):
    """One rule decides JSON or a page: a `.json` address gets JSON for every error."""
    missing = client.get("/khong-co.json")
    assert missing.status_code == 404 and missing.json["error"]["code"] == "not_found"
    refused = client.get("/bao-cao/khong-co.json")
    assert refused.is_json
    unsigned = anon_client.get("/tim-kiem.json?q=dang")
    assert unsigned.status_code == 401 and unsigned.is_json


def test_refused_page_explains_who_it_is_for(client):
    answer = client.get("/bao-cao")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 403
    assert "Bạn không có quyền truy cập" in html and "bí thư chi bộ" in html


def test_json_errors_carry_no_page_text(client):
    answer = client.get("/van-ban/khong-co", headers={"Accept": "application/json"})
    assert answer.status_code == 404 and answer.json["error"]["code"] == "not_found"


def test_an_ended_session_is_told_apart_from_never_signing_in(library, client, member):
    with library.app_context(), get_db(library).transaction() as tx:  # logged out elsewhere
        tx.execute(
            update(User).where(User.id == member.id).values(session_version=users.new_session_version())
        )
    answer = client.get("/hoc-tap")
    assert answer.status_code == 302 and "/dang-nhap?next=/hoc-tap" in answer.location
    assert SESSION_ENDED_MESSAGE in client.get(answer.location).get_data(as_text=True)
    again = client.get("/hoc-tap")  # the ended session was forgotten: said once
    assert SIGN_IN_MESSAGE in client.get(again.location).get_data(as_text=True)


def test_a_visitor_is_asked_to_sign_in(anon_client):
    answer = anon_client.get("/hoc-tap")
    html = anon_client.get(answer.location).get_data(as_text=True)
    assert SIGN_IN_MESSAGE in html and SESSION_ENDED_MESSAGE not in html
