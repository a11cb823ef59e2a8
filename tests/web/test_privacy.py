"""Privacy over HTTP: a member downloads their data, an administrator erases a member,
and no secret reaches the logs."""

from __future__ import annotations

import logging

import pytest
from flask import request
from sqlalchemy import select

from handbook import privacy
from handbook.accounts import auth, codes, web
from handbook.accounts.models import AuditEvent, User
from handbook.app_db import get_db
from handbook.privacy import registry
from tests import factories
from tests.conftest import login
from tests.unit.privacy.helpers import naming, seed
from tests.web.api.conftest import BASE, bearer, sign_in

DOWNLOAD = "/tai-khoan/du-lieu-cua-toi"


def _erase_url(user_id: int) -> str:
    return f"/quan-tri/dang-vien/{user_id}/xoa-du-lieu"


@pytest.fixture
def seeded(library, content_dir, tree, member):
    return seed(library, content_dir, tree, member)


def _audited(app, action: str) -> list[AuditEvent]:
    with app.app_context(), get_db(app).transaction() as tx:
        return list(tx.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_the_account_page_links_to_the_download(client):
    assert f'href="{DOWNLOAD}"' in client.get("/tai-khoan").get_data(as_text=True)


def test_a_member_downloads_their_own_data(library, seeded):
    response = login(library.test_client(), seeded.member.user.username).get(DOWNLOAD)
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    data, text = response.get_json(), response.get_data(as_text=True)
    assert data["user_id"] == seeded.member.user.id
    assert [s["key"] for s in data["sections"]] == [link.name for link in registry.LINKS]
    assert all(s["rows"] for s in data["sections"])
    assert all(mark in text for mark in seeded.member.marks)
    assert not any(mark in text for mark in seeded.other.marks)
    [event] = _audited(library, "privacy.exported")
    assert (event.actor_id, event.target_id) == (seeded.member.user.id, seeded.member.user.id)


def test_a_link_from_another_site_downloads_and_records_nothing(library, seeded):
    client = login(library.test_client(), seeded.member.user.username)
    page = client.get(DOWNLOAD, headers={"Sec-Fetch-Site": "cross-site"})
    assert page.mimetype == "text/html" and f'href="{DOWNLOAD}"' in page.get_data(as_text=True)
    assert _audited(library, "privacy.exported") == []


def test_each_member_gets_only_their_own(library, seeded):
    text = login(library.test_client(), seeded.other.user.username).get(DOWNLOAD).get_data(as_text=True)
    assert all(mark in text for mark in seeded.other.marks)
    assert not any(mark in text for mark in seeded.member.marks)


def test_anonymous_visitors_are_sent_to_login(anon_client):
    response = anon_client.get(DOWNLOAD)
    assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]


def test_an_erased_member_is_gone_and_cannot_come_back(library, clients, seeded):
    member = seeded.member.user
    member_web = login(library.test_client(), member.username)
    page = clients["admin"].get(f"/quan-tri/dang-vien/{member.id}").get_data(as_text=True)
    assert f'action="{_erase_url(member.id)}"' in page
    response = clients["admin"].post(_erase_url(member.id), data={"xac_nhan": member.username})
    assert response.status_code == 302
    with library.app_context(), get_db(library).transaction() as tx:
        assert naming(tx, seeded.member.marks) == []
    assert "/dang-nhap" in member_web.get("/tai-khoan").headers["Location"]
    assert (
        library.test_client()
        .post("/dang-nhap", data={"ten_dang_nhap": member.username, "mat_khau": factories.PASSWORD})
        .status_code
        == 200
    )
    api = library.test_client()
    assert api.get(f"{BASE}/me", headers=bearer(seeded.member.token)).status_code == 401
    assert sign_in(api, member.username).status_code == 401
    page = clients["admin"].get(f"/quan-tri/dang-vien/{member.id}").get_data(as_text=True)
    assert "Dữ liệu cá nhân đã được xóa" in page and 'name="xac_nhan"' not in page
    assert clients["admin"].post(_erase_url(member.id), data={"xac_nhan": member.username}).status_code == 302
    assert len(_audited(library, "privacy.erased")) == 1


def test_erasing_needs_the_username_typed(library, clients, seeded):
    member = seeded.member.user
    response = clients["admin"].post(
        _erase_url(member.id), data={"xac_nhan": "nguyen"}, follow_redirects=True
    )
    assert "Hãy gõ đúng tên đăng nhập" in response.get_data(as_text=True)
    assert factories.reload_user(library, member.id).full_name == member.full_name


@pytest.mark.parametrize("role", ["member", "secretary", "committee", "editor"])
def test_only_administrators_may_erase(library, clients, member, role):
    response = clients[role].post(_erase_url(member.id), data={"xac_nhan": member.username})
    assert response.status_code == 403
    assert factories.reload_user(library, member.id).username == member.username


# --- logs ---------------------------------------------------------------------------

NEW_PASSWORD = "Rèn luyện đạo đức cách mạng 2025"
ACTIVATION_PASSWORD = "Đảng viên trẻ Tân Lập 2025"
WRONG_PASSWORD = "Mật khẩu sai hoàn toàn 1930"
dump = logging.getLogger("tests.request_dump")


def _dump_everything(app) -> None:
    """Log every request and response in full at DEBUG, as a debugging aid or a verbose
    access log would: headers both ways, form fields, JSON bodies."""
    inner = app.wsgi_app

    def wsgi(environ, start_response):
        dump.debug(
            "request %s %s %r",
            environ["REQUEST_METHOD"],
            environ["PATH_INFO"],
            {k: v for k, v in environ.items() if k.startswith("HTTP_")},
        )

        def start(status, headers, exc_info=None):
            dump.debug("response %s %r", status, headers)
            return start_response(status, headers, exc_info)

        return inner(environ, start)

    app.wsgi_app = wsgi
    app.before_request(lambda: dump.debug("form=%r json=%r", request.form, request.get_json(silent=True)))

    @app.after_request
    def body(response):
        if response.is_json:
            dump.debug("body %s", response.get_data(as_text=True))
        return response


@pytest.fixture
def redacting(library):
    previous = logging.getLogRecordFactory()
    privacy.init_app(library)
    yield
    logging.setLogRecordFactory(previous)


def test_no_password_token_cookie_or_code_reaches_the_logs(library, tree, member, redacting, caplog):
    newcomer = factories.make_user(library, "vo.thi.hoa", password=None, cell=tree.cell_a)
    with library.test_request_context(), get_db(library).transaction() as tx:
        code = auth.issue_activation(tx, web.code_key(), tx.get(User, newcomer.id), 24, factories.FACTORY)
    _dump_everything(library)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")  # every statement, with values
    caplog.set_level(logging.DEBUG)
    client = library.test_client()
    form = {"ten_dang_nhap": member.username, "mat_khau": WRONG_PASSWORD}
    assert client.post("/dang-nhap", data=form).status_code == 200
    login(client, member.username)
    first_cookie = client.get_cookie(library.config["SESSION_COOKIE_NAME"]).value
    token = sign_in(client, member.username, device="Điện thoại").get_json()["token"]
    assert client.get(f"{BASE}/me", headers=bearer(token)).status_code == 200
    assert (
        client.post(
            "/tai-khoan/mat-khau",
            data={
                "mat_khau_hien_tai": factories.PASSWORD,
                "mat_khau_moi": NEW_PASSWORD,
                "nhap_lai": NEW_PASSWORD,
            },
        ).status_code
        == 302
    )
    second_cookie = client.get_cookie(library.config["SESSION_COOKIE_NAME"]).value
    assert (
        library.test_client()
        .post(
            "/kich-hoat",
            data={
                "ten_dang_nhap": newcomer.username,
                "ma": code,
                "mat_khau_moi": ACTIVATION_PASSWORD,
                "nhap_lai": ACTIVATION_PASSWORD,
            },
        )
        .status_code
        == 302
    )

    secrets = [
        factories.PASSWORD,
        WRONG_PASSWORD,
        NEW_PASSWORD,
        ACTIVATION_PASSWORD,
        token,
        first_cookie,
        second_cookie,
        code,
        codes.normalise(code),
    ]
    logged = [r.getMessage() + (r.exc_text or "") for r in caplog.records]
    leaks = [(secret, line) for line in logged for secret in secrets if secret in line]
    assert not leaks, leaks
    assert all(secret not in caplog.text for secret in secrets)
    # The requests really were logged in full, and the database's statements too.
    assert sum("[redacted]" in line for line in logged) >= 10
    assert any(member.username in line for line in logged)
    assert any(r.name.startswith("sqlalchemy.engine") for r in caplog.records)
