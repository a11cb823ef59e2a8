"""The second factor: required before privileged tools, asked at login once enrolled."""

from __future__ import annotations

import re

import pyotp
import pytest

from handbook import migrate
from handbook.accounts import mfa
from handbook.accounts.audit import Actor
from handbook.accounts.vocabulary import ADMIN, SECRETARY
from handbook.app import create_app
from handbook.app_db import get_db
from tests import factories
from tests.conftest import FAST_PASSWORD_HASHING, login

SETUP = "/tai-khoan/xac-thuc-hai-buoc"


@pytest.fixture
def secretary(app, tree):
    return factories.make_user(app, "tran.thi.binh", cell=tree.cell_a, grants=((SECRETARY, tree.cell_a),))


def enrol(client) -> str:
    html = client.post(SETUP, data={"buoc": "bat-dau", "next": "/don-vi"}).get_data(as_text=True)
    secret = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', html).group(1).replace(" ", "")
    assert "otpauth://totp/" in html
    return secret


def test_privileged_user_without_second_factor_is_sent_to_enrol(library, secretary):
    client = login(library.test_client(), secretary.username)
    assert client.get("/").status_code == 200  # reading needs no second factor
    response = client.get("/don-vi")
    assert response.status_code == 302
    assert response.headers["Location"].startswith(SETUP + "?next=/don-vi")
    assert client.get("/don-vi", headers={"Accept": "application/json"}).status_code == 403


def test_enrolment_then_tools_then_login_asks_for_the_code(library, secretary):
    client = login(library.test_client(), secretary.username)
    secret = enrol(client)
    response = client.post(
        SETUP, data={"buoc": "xac-nhan", "ma": pyotp.TOTP(secret).now(), "next": "/don-vi"}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/don-vi"
    assert client.get("/don-vi").status_code == 200

    fresh = library.test_client()
    response = fresh.post(
        "/dang-nhap", data={"ten_dang_nhap": secretary.username, "mat_khau": factories.PASSWORD}
    )
    assert response.headers["Location"] == "/dang-nhap/xac-thuc"
    assert fresh.get("/").status_code == 302  # not logged in until the code is given


def test_enrolment_with_a_wrong_code_enables_nothing(library, secretary):
    client = login(library.test_client(), secretary.username)
    enrol(client)
    response = client.post(SETUP, data={"buoc": "xac-nhan", "ma": "000000"})
    assert response.status_code == 422
    assert factories.reload_user(library, secretary.id).totp_secret is None


def test_enrolment_ends_sessions_that_never_gave_the_code(library, secretary):
    laptop = login(library.test_client(), secretary.username)
    phone = login(library.test_client(), secretary.username)
    secret = enrol(phone)
    phone.post(SETUP, data={"buoc": "xac-nhan", "ma": pyotp.TOTP(secret).now()})
    assert laptop.get("/don-vi").status_code == 302
    assert "/dang-nhap" in laptop.get("/don-vi").headers["Location"]


def test_wrong_code_and_replayed_code_are_refused(library, tree):
    secret = factories.new_totp_secret()
    user = factories.make_user(library, "le.van.cuong", grants=((ADMIN, None),), totp_secret=secret)
    code = pyotp.TOTP(secret).now()
    first = library.test_client()
    first.post("/dang-nhap", data={"ten_dang_nhap": user.username, "mat_khau": factories.PASSWORD})
    wrong = first.post("/dang-nhap/xac-thuc", data={"ma": "123456" if code != "123456" else "654321"})
    assert wrong.status_code == 200 and "không đúng" in wrong.get_data(as_text=True)
    assert first.post("/dang-nhap/xac-thuc", data={"ma": code}).status_code == 302
    second = library.test_client()
    second.post("/dang-nhap", data={"ten_dang_nhap": user.username, "mat_khau": factories.PASSWORD})
    replay = second.post("/dang-nhap/xac-thuc", data={"ma": code})
    assert replay.status_code == 200 and second.get("/").status_code == 302


def test_second_factor_tries_are_throttled(library, tree):
    secret = factories.new_totp_secret()
    user = factories.make_user(library, "le.van.cuong", grants=((ADMIN, None),), totp_secret=secret)
    client = library.test_client()
    client.post("/dang-nhap", data={"ten_dang_nhap": user.username, "mat_khau": factories.PASSWORD})
    for _ in range(5):
        client.post("/dang-nhap/xac-thuc", data={"ma": "000000"})
    assert client.post("/dang-nhap/xac-thuc", data={"ma": pyotp.TOTP(secret).now()}).status_code == 429


def test_admin_reset_of_second_factor_ends_sessions(library, clients, role_users):
    user, _ = role_users["secretary"]
    with library.app_context(), get_db(library).transaction() as tx:
        mfa.reset(tx, user.id, Actor.system("test"))
    assert "/dang-nhap" in clients["secretary"].get("/don-vi").headers["Location"]


@pytest.fixture
def development_app(tmp_path):
    app = create_app(
        {
            "ENV_NAME": "development",
            "SECRET_KEY": "dev",
            "WTF_CSRF_ENABLED": False,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'dev.db'}",
            **FAST_PASSWORD_HASHING,
        }
    )
    migrate.upgrade(app)
    yield app
    get_db(app).engine.dispose()


def test_demo_accounts_skip_the_second_factor_in_development_only(development_app):
    tree = factories.make_tree(development_app)
    factories.make_user(
        development_app, "demo.secretary", cell=tree.cell_a, demo=True, grants=((SECRETARY, tree.cell_a),)
    )
    client = login(development_app.test_client(), "demo.secretary")
    assert client.get("/don-vi").status_code == 200
    assert development_app.config["SESSION_COOKIE_NAME"] == "session"
