"""API sign-in and tokens: hashed, expiring, revocable, throttled, second factor, and
never interchangeable with the web session."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from handbook.accounts import tokens, users
from handbook.accounts.audit import Actor
from handbook.accounts.models import ApiToken, AuditEvent
from handbook.accounts.vocabulary import COMMITTEE_VIEWER
from handbook.app_db import get_db
from handbook.clock import utcnow
from tests import factories
from tests.conftest import login
from tests.web.api.conftest import BASE, bearer, sign_in, token_for


def rows(app, model, *where):
    with app.app_context(), get_db(app).transaction() as tx:
        return list(tx.scalars(select(model).where(*where)))


def test_sign_in_returns_a_token_stored_only_as_its_hash(api, library, member):
    response = sign_in(api, member.username, device="Điện thoại của An")
    assert response.status_code == 201
    data = response.get_json()
    token = data["token"]
    assert token.startswith(tokens.PREFIX) and data["token_type"] == "Bearer"
    assert data["user"]["username"] == member.username and data["user"]["roles"] == []
    [row] = rows(library, ApiToken)
    assert row.token_hash == tokens.digest(token) and token not in row.token_hash
    assert row.label == "Điện thoại của An" and row.user_id == member.id
    assert api.get(f"{BASE}/me", headers=bearer(token)).get_json()["id"] == member.id


@pytest.mark.parametrize(
    "body",
    [
        {"username": "nguyen.van.an", "password": "sai-mat-khau"},
        {"username": "khong.co.ai", "password": factories.PASSWORD},
        {"username": "nguyen.van.an", "password": ""},
        {"username": ["nguyen.van.an"], "password": factories.PASSWORD},
    ],
)
def test_bad_credentials_get_one_vague_401(api, member, body):
    response = api.post(f"{BASE}/auth/token", json=body)
    assert response.status_code == 401
    error = response.get_json()["error"]
    assert error["code"] == "unauthorized" and "không đúng" in error["message"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_unknown_fields_and_non_objects_are_refused(api, member):
    assert (
        api.post(
            f"{BASE}/auth/token",
            json={"username": member.username, "password": factories.PASSWORD, "role": "admin"},
        ).status_code
        == 400
    )
    assert api.post(f"{BASE}/auth/token", json=["x"]).status_code == 422
    assert api.post(f"{BASE}/auth/token", data="username=x").status_code == 422


def test_failed_sign_ins_are_throttled_like_the_web_login(api, library, member):
    for _ in range(10):
        assert sign_in(api, member.username, "sai-mat-khau").status_code == 401
    blocked = sign_in(api, member.username)
    assert blocked.status_code == 429 and blocked.get_json()["error"]["code"] == "rate_limited"
    # The web form shares the same counter.
    assert (
        api.post(
            "/dang-nhap", data={"ten_dang_nhap": member.username, "mat_khau": factories.PASSWORD}
        ).status_code
        == 429
    )


def test_second_factor_is_required_checked_and_single_use(api, library, tree):
    secret = factories.new_totp_secret()
    user = factories.make_user(library, "tran.thi.binh", cell=tree.cell_a, totp_secret=secret)
    missing = sign_in(api, user.username)
    assert missing.status_code == 401
    assert missing.get_json()["error"]["code"] == "second_factor_required"
    assert sign_in(api, user.username, code="000000").status_code == 401
    code = factories.totp_now(secret)
    assert sign_in(api, user.username, code=code).status_code == 201
    assert sign_in(api, user.username, code=code).status_code == 401  # replayed
    assert len(rows(library, ApiToken)) == 1


def test_privileged_roles_need_an_enrolled_second_factor(api, library, tree):
    user = factories.make_user(library, "le.van.cuong", grants=((COMMITTEE_VIEWER, tree.committee),))
    auth = bearer(token_for(api, user.username))
    assert api.get(f"{BASE}/me", headers=auth).status_code == 200
    refused = api.get(f"{BASE}/reports", headers=auth)
    assert refused.status_code == 403 and "hai bước" in refused.get_json()["error"]["message"]


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer",
        "Bearer ",
        "Basic abc",
        "Bearer stdv_" + "x" * 43,
        "Bearer " + "y" * 300,
        "bearer stdv_short",
    ],
)
def test_missing_or_unknown_tokens_are_401(api, member, header):
    headers = {"Authorization": header} if header else {}
    response = api.get(f"{BASE}/me", headers=headers)
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"


def test_expired_and_revoked_tokens_stop_working(api, library, member):
    expired, revoked = token_for(api, member.username), token_for(api, member.username)
    with library.app_context(), get_db(library).transaction() as tx:
        tx.execute(
            update(ApiToken)
            .where(ApiToken.token_hash == tokens.digest(expired))
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    assert api.get(f"{BASE}/me", headers=bearer(expired)).status_code == 401
    assert api.delete(f"{BASE}/auth/token", headers=bearer(revoked)).status_code == 204
    assert api.get(f"{BASE}/me", headers=bearer(revoked)).status_code == 401


def test_members_list_and_revoke_their_own_devices_only(api, library, member, tree):
    phone, tablet = token_for(api, member.username), token_for(api, member.username)
    other = factories.make_user(library, "vo.thi.giang", cell=tree.cell_b)
    other_token = token_for(api, other.username)
    listed = api.get(f"{BASE}/auth/tokens", headers=bearer(phone)).get_json()["items"]
    assert len(listed) == 2 and [t["current"] for t in listed].count(True) == 1
    [other_row] = rows(library, ApiToken, ApiToken.user_id == other.id)
    assert api.delete(f"{BASE}/auth/tokens/{other_row.id}", headers=bearer(phone)).status_code == 404
    assert api.get(f"{BASE}/me", headers=bearer(other_token)).status_code == 200
    tablet_id = next(t["id"] for t in listed if not t["current"])
    assert api.delete(f"{BASE}/auth/tokens/{tablet_id}", headers=bearer(phone)).status_code == 204
    assert api.get(f"{BASE}/me", headers=bearer(tablet)).status_code == 401
    assert api.delete(f"{BASE}/auth/tokens/{tablet_id}", headers=bearer(phone)).status_code == 404
    actions = [e.action for e in rows(library, AuditEvent, AuditEvent.action.like("token.%"))]
    assert actions.count("token.issued") == 3 and actions.count("token.revoked") == 1


def test_only_ten_devices_stay_signed_in(api, library, member):
    issued = [token_for(api, member.username) for _ in range(tokens.MAX_ACTIVE + 1)]
    assert api.get(f"{BASE}/me", headers=bearer(issued[0])).status_code == 401
    assert all(api.get(f"{BASE}/me", headers=bearer(t)).status_code == 200 for t in issued[1:])


def test_password_change_and_deactivation_revoke_tokens(api, library, member, tree):
    token = token_for(api, member.username)
    web = login(library.test_client(), member.username)
    changed = web.post(
        "/tai-khoan/mat-khau",
        data={
            "mat_khau_hien_tai": factories.PASSWORD,
            "mat_khau_moi": "Một mật khẩu mới rất dài 2026",
            "nhap_lai": "Một mật khẩu mới rất dài 2026",
        },
    )
    assert changed.status_code in (200, 302)
    assert api.get(f"{BASE}/me", headers=bearer(token)).status_code == 401
    other = factories.make_user(library, "vo.thi.giang", cell=tree.cell_b)
    token = token_for(api, other.username)
    with library.app_context(), get_db(library).transaction() as tx:
        users.deactivate(tx, Actor.system("test"), other.id)
    assert api.get(f"{BASE}/me", headers=bearer(token)).status_code == 401


def test_the_session_cookie_does_not_open_the_api_nor_a_token_the_pages(api, library, member):
    web = login(library.test_client(), member.username)
    assert web.get(f"{BASE}/me").status_code == 401
    token = token_for(api, member.username)
    page = library.test_client().get("/", headers=bearer(token))
    assert page.status_code == 302 and "/dang-nhap" in page.headers["Location"]


def test_demo_accounts_get_no_token_outside_development(api, library, tree):
    factories.make_user(library, "demo.member", cell=tree.cell_a, demo=True)
    assert sign_in(api, "demo.member").status_code == 401


def test_api_answers_are_never_stored_and_never_set_a_cookie(api, member_auth):
    response = api.get(f"{BASE}/me", headers=member_auth)
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_members_and_administrators_revoke_devices_from_the_pages(api, library, member, role_users):
    token = token_for(api, member.username)
    [row] = rows(library, ApiToken)
    web = login(library.test_client(), member.username)
    page = web.get("/tai-khoan").get_data(as_text=True)
    assert "Ứng dụng di động" in page and f"/tai-khoan/thiet-bi/{row.id}/thu-hoi" in page
    assert web.post(f"/tai-khoan/thiet-bi/{row.id}/thu-hoi").status_code == 302
    assert api.get(f"{BASE}/me", headers=bearer(token)).status_code == 401
    token = token_for(api, member.username)
    [row] = rows(library, ApiToken, ApiToken.revoked_at.is_(None))
    other = login(
        library.test_client(), role_users["secretary"][0].username, totp_secret=role_users["secretary"][1]
    )
    other.post(f"/tai-khoan/thiet-bi/{row.id}/thu-hoi")  # not theirs: nothing happens
    assert api.get(f"{BASE}/me", headers=bearer(token)).status_code == 200
    admin, secret = role_users["admin"]
    web_admin = login(library.test_client(), admin.username, totp_secret=secret)
    detail = web_admin.get(f"/quan-tri/dang-vien/{member.id}").get_data(as_text=True)
    assert f"/quan-tri/dang-vien/{member.id}/thiet-bi/{row.id}/thu-hoi" in detail
    web_admin.post(f"/quan-tri/dang-vien/{member.id}/thiet-bi/{row.id}/thu-hoi")
    assert api.get(f"{BASE}/me", headers=bearer(token)).status_code == 401
    token = token_for(api, member.username)
    web_admin.post(f"/quan-tri/dang-vien/{member.id}/ket-thuc-phien")
    assert api.get(f"{BASE}/me", headers=bearer(token)).status_code == 401


def test_ids_beyond_a_database_integer_are_404_not_an_overflow(api, member_auth, library, member):
    huge = "167852554870602776707072"
    assert api.delete(f"{BASE}/auth/tokens/{huge}", headers=member_auth).status_code == 404
    web = login(library.test_client(), member.username)
    assert web.post(f"/thong-bao/{huge}/da-doc").status_code == 404
