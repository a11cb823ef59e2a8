"""Login, logout, sessions and their cookies, redirects after login, second factor."""

from __future__ import annotations

import base64
import json
import re
import secrets
import time
import zlib
from urllib.parse import urlsplit

import pytest
from argon2 import PasswordHasher

from handbook import migrate
from handbook.accounts import auth, users
from handbook.accounts.audit import Actor
from handbook.app import create_app
from handbook.app_db import get_db
from tests import factories
from tests.conftest import FAST_PASSWORD_HASHING, login

LOGIN = "/dang-nhap"


def post_login(client, username, password=factories.PASSWORD, **extra):
    return client.post(LOGIN, data={"ten_dang_nhap": username, "mat_khau": password, **extra})


def test_every_page_but_login_requires_it(anon_client):
    response = anon_client.get("/van-ban/quy-dinh-37")
    assert response.status_code == 302
    assert response.headers["Location"] == "/dang-nhap?next=/van-ban/quy-dinh-37"
    assert anon_client.get(LOGIN).status_code == 200
    with anon_client.get("/static/handbook.css") as static:
        assert static.status_code == 200


def test_login_then_back_to_the_page_asked_for(anon_client, member):
    response = post_login(anon_client, member.username, next="/van-ban/quy-dinh-37")
    assert response.status_code == 302 and response.headers["Location"] == "/van-ban/quy-dinh-37"
    assert anon_client.get("/van-ban/quy-dinh-37").status_code == 200


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.com",
        "//evil.com",
        "////evil.com",
        "/\\evil.com",
        "\\\\evil.com",
        "https:evil.com",
        "javascript:alert(1)",
        "%2F%2Fevil.com",
        "http://host@evil.com",
        "\t//evil.com",
        " //evil.com",
        "／／evil.com",
        "/%0d%0aLocation:evil.com",
    ],
)
def test_next_never_leaves_the_site(anon_client, member, target):
    response = post_login(anon_client, member.username, next=target)
    location = response.headers["Location"]
    parts = urlsplit(location)
    assert not parts.scheme and not parts.netloc
    assert location.startswith("/") and location[1:2] not in ("/", "\\")


def _session_keys(response) -> set[str]:
    cookie = next(h for h in response.headers.get_all("Set-Cookie") if h.startswith("__Host-"))
    value = cookie.split("=", 1)[1].split(";")[0]
    payload = value.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return set(json.loads(zlib.decompress(raw) if value.startswith(".") else raw))


def test_unknown_user_and_wrong_password_look_the_same(library, member):
    unknown = post_login(library.test_client(), "khong.co.ai", "sai mat khau 1")
    wrong = post_login(library.test_client(), member.username, "sai mat khau 1")
    assert unknown.status_code == wrong.status_code == 200
    without = lambda r, name: re.sub(r'value="[^"]*"', "", r.get_data(as_text=True))  # noqa: E731
    assert without(unknown, "khong.co.ai") == without(wrong, member.username)
    assert sorted(unknown.headers.keys()) == sorted(wrong.headers.keys())
    assert _session_keys(unknown) == _session_keys(wrong)
    assert auth.LOGIN_FAILED in unknown.get_data(as_text=True)


def test_unknown_user_costs_one_password_verification(app, member, monkeypatch):
    calls, original = [], PasswordHasher.verify
    monkeypatch.setattr(PasswordHasher, "verify", lambda self, h, p: calls.append(h) or original(self, h, p))
    client = app.test_client()
    post_login(client, "khong.co.ai", "sai mat khau 1")
    post_login(client, member.username, "sai mat khau 1")
    assert len(calls) == 2 and all(h.startswith("$argon2id$") for h in calls)


@pytest.mark.parametrize("case", ["inactive", "no_password", "demo"])
def test_accounts_that_cannot_log_in_fail_like_a_wrong_password(app, library, tree, case):
    options = {"inactive": {"active": False}, "no_password": {"password": None}, "demo": {"demo": True}}[case]
    user = factories.make_user(app, "tai.khoan.thu", cell=tree.cell_a, **options)
    response = post_login(library.test_client(), user.username)
    assert response.status_code == 200 and auth.LOGIN_FAILED in response.get_data(as_text=True)


def test_session_replay_after_logout_is_refused(client, library):
    stolen = client.get_cookie("__Host-session").value
    assert client.post("/dang-xuat").status_code == 302
    replay = library.test_client()
    replay.set_cookie("__Host-session", stolen)
    response = replay.get("/")
    assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]


def test_password_change_ends_other_sessions_but_keeps_this_one(library, member):
    phone, laptop = (login(library.test_client(), member.username) for _ in range(2))
    response = phone.post(
        "/tai-khoan/mat-khau",
        data={
            "mat_khau_hien_tai": factories.PASSWORD,
            "mat_khau_moi": "Một mật khẩu mới 2025",
            "nhap_lai": "Một mật khẩu mới 2025",
        },
    )
    assert response.status_code == 302
    assert phone.get("/").status_code == 200
    assert laptop.get("/").status_code == 302
    assert post_login(library.test_client(), member.username).status_code == 200
    assert post_login(library.test_client(), member.username, "Một mật khẩu mới 2025").status_code == 302


def test_password_change_needs_the_current_password(client):
    response = client.post(
        "/tai-khoan/mat-khau",
        data={
            "mat_khau_hien_tai": "sai",
            "mat_khau_moi": "Một mật khẩu mới 2025",
            "nhap_lai": "Một mật khẩu mới 2025",
        },
    )
    assert response.status_code == 422 and "hiện tại không đúng" in response.get_data(as_text=True)


def test_password_change_asks_again_when_session_is_not_fresh(client):
    with client.session_transaction() as session:
        session["_fresh"] = False
    response = client.get("/tai-khoan/mat-khau")
    assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]


def test_deactivation_ends_the_session_at_once(app, client, member):
    assert client.get("/").status_code == 200
    with app.app_context(), get_db(app).transaction() as tx:
        users.deactivate(tx, Actor.system("test"), member.id)
    assert client.get("/").status_code == 302


def test_fixation_planted_session_keys_do_not_survive_login(anon_client, member):
    with anon_client.session_transaction() as session:
        session["planted"] = "x"
        session["_user_id"] = "1:forged"
    before = anon_client.get_cookie("__Host-session").value
    post_login(anon_client, member.username)
    assert anon_client.get_cookie("__Host-session").value != before
    with anon_client.session_transaction() as session:
        assert "planted" not in session
        assert set(session) <= {
            "_user_id",
            "_fresh",
            "_id",
            "_auth_at",
            "_permanent",
            "csrf_token",
            "_flashes",
        }


def test_absolute_session_lifetime_is_checked_on_the_server(client, library):
    with client.session_transaction() as session:
        session["_auth_at"] = int(time.time()) - library.config["SESSION_ABSOLUTE_LIFETIME"] - 1
    assert client.get("/").status_code == 302


def test_remember_me_makes_the_session_outlive_the_browser(anon_client, member):
    post_login(anon_client, member.username, ghi_nho="1")
    cookie = anon_client.get_cookie("__Host-session")
    assert cookie.expires is not None
    other = anon_client.application.test_client()
    post_login(other, member.username)
    assert other.get_cookie("__Host-session").expires is None


@pytest.fixture
def production_app(tmp_path):
    app = create_app(
        {
            "ENV_NAME": "production",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.db'}",
            **FAST_PASSWORD_HASHING,
        }
    )
    migrate.upgrade(app)
    yield app
    get_db(app).engine.dispose()


def csrf_token(client, path: str = LOGIN) -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_cookies_in_production_are_host_only_secure_httponly_lax(production_app):
    factories.make_user(production_app, "nguyen.van.an")
    client = production_app.test_client()
    response = post_login(client, "nguyen.van.an", csrf_token=csrf_token(client))
    assert response.status_code == 302
    header = next(h for h in response.headers.get_all("Set-Cookie") if h.startswith("__Host-session="))
    attributes = [part.strip().lower() for part in header.split(";")[1:]]
    assert {"secure", "httponly", "path=/", "samesite=lax"} <= set(attributes)
    assert not any(a.startswith("domain") for a in attributes)


def test_login_and_logout_need_a_csrf_token_in_production(production_app):
    factories.make_user(production_app, "nguyen.van.an")
    client = production_app.test_client()
    assert post_login(client, "nguyen.van.an").status_code == 400
    token = csrf_token(client)
    assert post_login(client, "nguyen.van.an", csrf_token=token).status_code == 302
    assert client.post("/dang-xuat").status_code == 400
    assert client.get("/").status_code == 200


def test_session_cookie_holds_no_personal_data(library, member):
    response = post_login(library.test_client(), member.username)
    assert _session_keys(response) <= {"_user_id", "_fresh", "_id", "_auth_at", "_permanent", "csrf_token"}
    cookie = response.headers["Set-Cookie"]
    assert member.username not in cookie
