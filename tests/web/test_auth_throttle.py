"""Throttling of failed logins: per account, per address, failures only."""

from __future__ import annotations

import time

from sqlalchemy import insert

from handbook.accounts.models import User
from handbook.app_db import get_db
from tests import factories


def attempt(client, username, password="sai mat khau 9", address="10.0.0.1", **headers):
    return client.post(
        "/dang-nhap",
        data={"ten_dang_nhap": username, "mat_khau": password},
        environ_base={"REMOTE_ADDR": address},
        headers=headers,
    )


def test_account_locks_after_its_failures_from_any_address(library, member):
    client = library.test_client()
    for n in range(10):  # rotating addresses and forged X-Forwarded-For do not help
        assert (
            attempt(
                client, member.username, address=f"10.0.1.{n}", **{"X-Forwarded-For": f"192.0.2.{n}"}
            ).status_code
            == 200
        )
    blocked = attempt(client, member.username, factories.PASSWORD, address="10.0.9.9")
    assert blocked.status_code == 429 and "quá nhiều lần" in blocked.get_data(as_text=True)


def test_unknown_accounts_are_throttled_the_same_way(library):
    client = library.test_client()
    statuses = [attempt(client, "khong.co.ai").status_code for _ in range(11)]
    assert statuses == [200] * 10 + [429]


def test_owner_gets_back_in_after_the_window(library, member):
    library.config["LOGIN_LIMIT_ACCOUNT"] = "3 per 1 second"
    client = library.test_client()
    for _ in range(3):
        attempt(client, member.username)
    assert attempt(client, member.username, factories.PASSWORD).status_code == 429
    time.sleep(1.1)
    assert attempt(client, member.username, factories.PASSWORD).status_code == 302


def test_successful_logins_are_never_counted(library, member):
    client = library.test_client()
    for _ in range(25):
        assert attempt(client, member.username, factories.PASSWORD).status_code == 302


def _many_members(app, count: int) -> list[str]:
    password_hash = app.extensions["handbook.passwords"].hash(factories.PASSWORD)
    names = [f"dang.vien.{n}" for n in range(count)]
    with app.app_context(), get_db(app).transaction() as tx:
        tx.execute(
            insert(User),
            [
                {"username": name, "full_name": name, "session_version": name, "password_hash": password_hash}
                for name in names
            ],
        )
    return names


def test_a_crowd_behind_one_address_is_never_refused(library):
    """300 members on one Wi-Fi (or carrier NAT), a third of them mistyping once first."""
    names = _many_members(library, 300)
    for n, name in enumerate(names):
        client = library.test_client()
        if n % 3 == 0:
            assert attempt(client, name, address="203.0.113.7").status_code == 200
        assert attempt(client, name, factories.PASSWORD, address="203.0.113.7").status_code == 302


def test_one_address_spraying_many_accounts_is_stopped(library):
    library.config["LOGIN_LIMIT_ADDRESS"] = "5 per 15 minutes"
    client = library.test_client()
    for n in range(5):
        assert (
            attempt(
                client, f"nguoi.{n}", address="198.51.100.1", **{"X-Forwarded-For": f"192.0.2.{n}"}
            ).status_code
            == 200
        )
    assert attempt(client, "nguoi.x", address="198.51.100.1").status_code == 429
    assert attempt(client, "nguoi.y", address="198.51.100.2").status_code == 200


def test_activation_code_tries_are_throttled(library, member):
    client = library.test_client()
    form = {
        "ten_dang_nhap": member.username,
        "ma": "AAAA-BBBB-CCCC",
        "mat_khau_moi": "Mật khẩu rất riêng 77",
        "nhap_lai": "Mật khẩu rất riêng 77",
    }
    statuses = [client.post("/kich-hoat", data=form).status_code for _ in range(6)]
    assert statuses == [422] * 5 + [429]
