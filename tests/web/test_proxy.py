"""Behind trusted reverse proxies (PROXY_FIX_HOPS): the client's address and scheme come
from the forwarded headers, and only from the entries our own proxies wrote."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from handbook import migrate
from handbook.accounts.models import AuditEvent
from handbook.app import create_app
from handbook.app_db import get_db
from handbook.config import ConfigError
from tests import factories
from tests.conftest import app_config, login

LOGIN = "/dang-nhap"


@pytest.fixture
def make_app(tmp_path, content_dir):
    made = []

    def make(hops: int, **extra):
        root = tmp_path / f"app{len(made)}"
        root.mkdir()
        app = create_app(
            app_config(root, content_dir, TESTING=True, WTF_CSRF_ENABLED=False, PROXY_FIX_HOPS=hops, **extra)
        )
        migrate.upgrade(app)
        made.append(app)
        return app

    yield make
    for app in made:
        get_db(app).engine.dispose()


def failed_login(client, username: str, forwarded_for: str) -> int:
    response = client.post(
        LOGIN, data={"ten_dang_nhap": username, "mat_khau": "sai"}, headers={"X-Forwarded-For": forwarded_for}
    )
    return response.status_code


def audited_addresses(app) -> list[str]:
    with app.app_context(), get_db(app).reads() as reader:
        return list(
            reader.scalars(
                select(AuditEvent.ip).where(AuditEvent.action == "login.failed").order_by(AuditEvent.id)
            )
        )


def test_without_a_trusted_proxy_forwarded_for_is_ignored(make_app):
    app = make_app(0)
    assert failed_login(app.test_client(), "ai.do", "203.0.113.9") == 200
    assert audited_addresses(app) == ["127.0.0.1"]  # the peer, whatever the client claims


def test_one_trusted_proxy_gives_the_address_it_appended(make_app):
    app = make_app(1)
    # The client forged the first entry; our proxy appended the address it saw.
    assert failed_login(app.test_client(), "ai.do", "203.0.113.9, 198.51.100.7") == 200
    assert audited_addresses(app) == ["198.51.100.7"]


def test_two_trusted_proxies_give_the_address_the_outer_one_appended(make_app):
    app = make_app(2)
    assert failed_login(app.test_client(), "ai.do", "203.0.113.9, 198.51.100.7, 10.0.0.2") == 200
    assert audited_addresses(app) == ["198.51.100.7"]


def test_a_forged_entry_does_not_escape_the_address_limit(make_app):
    app = make_app(1, LOGIN_LIMIT_ADDRESS="3 per 15 minutes", LOGIN_LIMIT_ACCOUNT="100 per 15 minutes")
    client = app.test_client()
    for i in range(3):
        assert failed_login(client, f"tai.khoan.{i}", f"10.0.0.{i}, 198.51.100.7") == 200
    assert failed_login(client, "tai.khoan.9", "10.0.0.99, 198.51.100.7") == 429
    assert failed_login(client, "tai.khoan.9", "10.0.0.99, 198.51.100.8") == 200  # another client


@pytest.mark.parametrize(("hops", "secure"), [(0, False), (1, True)])
def test_the_scheme_comes_from_the_trusted_proxy(make_app, hops, secure):
    app = make_app(hops)
    tree = factories.make_tree(app)
    factories.make_user(app, "nguyen.van.an", cell=tree.cell_a)
    client = login(app.test_client(), "nguyen.van.an")
    response = client.post(
        "/tuy-chinh/co-chu", data={"co_chu": "lon"}, headers={"X-Forwarded-Proto": "https"}
    )
    header = next(h for h in response.headers.get_all("Set-Cookie") if h.startswith("co_chu="))
    assert ("secure" in header.lower()) is secure


@pytest.mark.parametrize("hops", [-1, 6, "two", True, 1.5])
def test_a_wrong_number_of_hops_refuses_to_start(tmp_path, content_dir, hops):
    with pytest.raises(ConfigError, match="PROXY_FIX_HOPS"):
        create_app(app_config(tmp_path, content_dir, PROXY_FIX_HOPS=hops))
