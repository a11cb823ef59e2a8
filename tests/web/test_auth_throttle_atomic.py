"""Concurrent wrong tries never check more secrets than the limit allows: each try is
reserved before its check (issue 18). Run on memory:// and on a real redis-server."""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from handbook.accounts import codes, totp
from tests import factories
from tests.redis_server import STORES, redis_server, use_store  # noqa: F401  (fixture)

TRIES, CONNECTIONS = 32, 8
WRONG = "sai mat khau 9"


class Counting:
    """Stands in for a secret check, counting calls and lasting as long as a production
    Argon2 verification, so the concurrent tries really overlap."""

    def __init__(self, check, seconds: float = 0.05) -> None:
        self.check, self.seconds, self.calls = check, seconds, 0
        self._lock = threading.Lock()

    def __call__(self, *args, **kwargs):
        with self._lock:
            self.calls += 1
        time.sleep(self.seconds)
        return self.check(*args, **kwargs)


def concurrently(app, send, prepare=lambda client: None) -> Counter:
    """TRIES requests over CONNECTIONS clients at once; how many got each status."""
    start = threading.Barrier(CONNECTIONS)

    def connection(_n: int) -> list[int]:
        client = app.test_client()
        prepare(client)
        start.wait()
        return [send(client).status_code for _ in range(TRIES // CONNECTIONS)]

    with ThreadPoolExecutor(CONNECTIONS) as pool:
        return Counter(s for statuses in pool.map(connection, range(CONNECTIONS)) for s in statuses)


@pytest.fixture(params=STORES)
def store(request, library) -> str:
    use_store(request, library, request.param)
    return request.param


def count_passwords(app, monkeypatch) -> Counting:
    passwords = app.extensions["handbook.passwords"]
    counting = Counting(passwords.verify)
    monkeypatch.setattr(passwords, "verify", counting)
    return counting


def web_login(username: str, password: str = WRONG, address: str = "10.0.0.1"):
    return lambda client: client.post(
        "/dang-nhap",
        data={"ten_dang_nhap": username, "mat_khau": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_concurrent_wrong_passwords_check_no_more_than_the_account_limit(library, member, store, monkeypatch):
    checks = count_passwords(library, monkeypatch)
    statuses = concurrently(library, web_login(member.username))
    assert checks.calls == 10  # LOGIN_LIMIT_ACCOUNT: 10 per 15 minutes
    assert statuses == {200: 10, 429: 22}
    assert web_login(member.username, factories.PASSWORD)(library.test_client()).status_code == 429


def test_concurrent_spraying_from_one_address_checks_no_more_than_its_limit(library, store, monkeypatch):
    library.config["LOGIN_LIMIT_ADDRESS"] = "10 per 15 minutes"
    checks = count_passwords(library, monkeypatch)
    names = iter(f"nguoi.{n}" for n in range(TRIES))
    statuses = concurrently(library, lambda client: web_login(next(names))(client))
    assert checks.calls == 10 and statuses == {200: 10, 429: 22}
    assert web_login("nguoi.khac", address="10.0.0.2")(library.test_client()).status_code == 200


def test_concurrent_wrong_passwords_on_the_api_check_no_more_than_the_limit(
    library, member, store, monkeypatch
):
    checks = count_passwords(library, monkeypatch)
    statuses = concurrently(
        library,
        lambda client: client.post(
            "/api/v1/auth/token", json={"username": member.username, "password": WRONG}
        ),
    )
    assert checks.calls == 10 and statuses == {401: 10, 429: 22}


def test_concurrent_honest_logins_give_their_tries_back(library, member, store, monkeypatch):
    """Fewer logins in flight than the limit are never refused, and leave nothing counted.
    (More in flight than the limit would be: nobody knows yet which of them fail.)"""
    count_passwords(library, monkeypatch)
    assert concurrently(library, web_login(member.username, factories.PASSWORD)) == {302: 32}
    for _ in range(10):
        assert web_login(member.username)(library.test_client()).status_code == 200
    assert web_login(member.username, factories.PASSWORD)(library.test_client()).status_code == 429


def count_totp(monkeypatch) -> Counting:
    counting = Counting(lambda *_: None)  # every code wrong
    monkeypatch.setattr(totp, "matching_step", counting)
    return counting


@pytest.fixture
def enrolled(library, tree):
    return factories.make_user(
        library, "tran.thi.binh", cell=tree.cell_a, totp_secret=factories.new_totp_secret()
    )


def test_concurrent_wrong_second_factor_codes_check_no_more_than_the_limit(
    library, enrolled, store, monkeypatch
):
    checks = count_totp(monkeypatch)
    statuses = concurrently(
        library,
        lambda client: client.post("/dang-nhap/xac-thuc", data={"ma": "123456"}),
        prepare=lambda client: web_login(enrolled.username, factories.PASSWORD)(client),
    )
    assert checks.calls == 5  # CODE_LIMIT_ACCOUNT: 5 per 15 minutes
    assert statuses == {200: 5, 429: 27}


def test_concurrent_wrong_codes_on_the_api_check_no_more_than_the_limit(
    library, enrolled, store, monkeypatch
):
    checks = count_totp(monkeypatch)
    body = {"username": enrolled.username, "password": factories.PASSWORD, "code": "123456"}
    statuses = concurrently(library, lambda client: client.post("/api/v1/auth/token", json=body))
    assert checks.calls == 5 and statuses == {401: 5, 429: 27}


def test_concurrent_wrong_activation_codes_check_no_more_than_the_limit(library, member, store, monkeypatch):
    checks = Counting(codes.redeem)
    monkeypatch.setattr(codes, "redeem", checks)
    form = {
        "ten_dang_nhap": member.username,
        "ma": "AAAA-BBBB-CCCC",
        "mat_khau_moi": "Mật khẩu rất riêng 77",
        "nhap_lai": "Mật khẩu rất riêng 77",
    }
    statuses = concurrently(library, lambda client: client.post("/kich-hoat", data=form))
    assert checks.calls == 5 and statuses == {422: 5, 429: 27}


def test_concurrent_wrong_codes_confirming_a_new_second_factor_check_no_more_than_the_limit(
    library, member, store, monkeypatch
):
    checks = count_totp(monkeypatch)
    page = "/tai-khoan/xac-thuc-hai-buoc"

    def start_enrolment(client) -> None:
        web_login(member.username, factories.PASSWORD)(client)
        client.post(page, data={"buoc": "bat-dau"})

    statuses = concurrently(
        library,
        lambda client: client.post(page, data={"buoc": "xac-nhan", "ma": "123456"}),
        prepare=start_enrolment,
    )
    assert checks.calls == 5 and statuses == {422: 5, 429: 27}
