"""One-time codes: activation of new members and password resets by an administrator."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from handbook.accounts import codes, web
from handbook.accounts.models import OneTimeCode, User
from handbook.accounts.vocabulary import CODE_RESET
from handbook.app_db import get_db
from handbook.clock import utcnow
from tests.conftest import login

NEW_PASSWORD = "Đảng viên trẻ Tân Lập 2025"


def redeem(client, username, code, password=NEW_PASSWORD, again=None):
    return client.post(
        "/kich-hoat",
        data={
            "ten_dang_nhap": username,
            "ma": code,
            "mat_khau_moi": password,
            "nhap_lai": again if again is not None else password,
        },
    )


def create_member(admin_client, tree, username="vo.thi.hoa") -> str:
    response = admin_client.post(
        "/quan-tri/dang-vien/moi",
        data={"ho_ten": "Võ Thị Hoa", "ten_dang_nhap": username, "ma_chi_bo": tree.cell_a.code},
    )
    assert response.status_code == 200
    return re.search(r"<code>([0-9A-Z-]{14})</code>", response.get_data(as_text=True)).group(1)


def test_new_member_activates_with_the_code_once(library, clients, tree):
    code = create_member(clients["admin"], tree)
    client = library.test_client()
    assert client.post("/dang-nhap", data={"ten_dang_nhap": "vo.thi.hoa", "mat_khau": ""}).status_code == 200
    assert redeem(client, "vo.thi.hoa", code.lower()).status_code == 302
    assert login(library.test_client(), "vo.thi.hoa", NEW_PASSWORD).get("/").status_code == 200
    again = redeem(library.test_client(), "vo.thi.hoa", code, "Một mật khẩu khác 99")
    assert again.status_code == 422


def test_codes_are_random_and_stored_only_as_hashes(app, library, clients, tree):
    code = create_member(clients["admin"], tree)
    assert len(codes.normalise(code)) * 5 >= 60  # 60 bits from a CSPRNG
    with app.app_context(), get_db(app).transaction() as tx:
        stored = tx.scalars(select(OneTimeCode.code_hash)).all()
    assert stored and all(codes.normalise(code) not in value for value in stored)


def test_expired_code_is_refused(app, library, member):
    with app.test_request_context(), get_db(app).transaction() as tx:
        code = codes.issue(
            tx,
            web.code_key(),
            tx.get(User, member.id),
            CODE_RESET,
            hours=24,
            now=utcnow() - timedelta(hours=25),
        )
    assert redeem(library.test_client(), member.username, code).status_code == 422


def test_refusals_do_not_reveal_whether_the_account_exists(library, member):
    unknown = redeem(library.test_client(), "khong.co.ai", "AAAA-BBBB-CCCC")
    wrong = redeem(library.test_client(), member.username, "AAAA-BBBB-CCCC")
    strip = lambda r: re.sub(r'value="[^"]*"', "", r.get_data(as_text=True))  # noqa: E731
    assert unknown.status_code == wrong.status_code == 422 and strip(unknown) == strip(wrong)


def test_weak_or_mismatched_new_password_is_refused(library, member):
    client = library.test_client()
    assert "phổ biến" in redeem(client, member.username, "X", "dangvien123").get_data(as_text=True)
    assert "không giống" in redeem(client, member.username, "X", NEW_PASSWORD, "khác").get_data(as_text=True)


def test_reset_by_admin_ends_old_sessions_when_used(library, clients, member):
    old_session = login(library.test_client(), member.username)
    html = clients["admin"].post(f"/quan-tri/dang-vien/{member.id}/ma-dung-mot-lan").get_data(as_text=True)
    code = re.search(r"<code>([0-9A-Z-]{14})</code>", html).group(1)
    assert old_session.get("/").status_code == 200  # issuing alone changes nothing
    assert redeem(library.test_client(), member.username, code).status_code == 302
    assert old_session.get("/").status_code == 302
    assert login(library.test_client(), member.username, NEW_PASSWORD)


def test_fresh_install_has_no_accounts_and_admin_starts_with_a_code(app, runner):
    with app.app_context(), get_db(app).transaction() as tx:
        assert tx.scalars(select(User)).all() == []
    result = runner.invoke(args=["handbook", "create-admin", "quan.tri", "--name", "Quản Trị"])
    assert result.exit_code == 0, result.output
    code = re.search(r"([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})", result.output).group(1)
    client = app.test_client()
    assert redeem(client, "quan.tri", code).status_code == 302
    response = login(app.test_client(), "quan.tri", NEW_PASSWORD).get("/quan-tri/")
    assert response.status_code == 302 and "xac-thuc-hai-buoc" in response.headers["Location"]
