"""The throttle's reservation: atomic per limit, all or nothing across the account's and
the address's limits, and given back whole. On memory:// and on a real redis-server."""

from __future__ import annotations

import pytest

from handbook import throttle
from handbook.app import create_app
from tests.conftest import app_config
from tests.redis_server import STORES, redis_server, use_store  # noqa: F401  (fixture)

LOGIN = throttle.LOGIN


@pytest.fixture(params=STORES)
def limits(request, app):
    app.config.update(
        LOGIN_LIMIT_ACCOUNT="3 per 15 minutes; 5 per day", LOGIN_LIMIT_ADDRESS="4 per 15 minutes"
    )
    use_store(request, app, request.param)
    with app.app_context():
        yield


def reserve_all(account: str, address: str = "10.0.0.1", times: int = 10) -> list[bool]:
    return [throttle.reserve(LOGIN, account, address) for _ in range(times)]


def test_reserving_stops_at_the_limit(limits):
    assert reserve_all("an") == [True] * 3 + [False] * 7
    assert not throttle.allowed(LOGIN, "an", "10.0.0.1")


def test_the_account_is_counted_whatever_its_spelling_and_address(limits):
    assert [
        throttle.reserve(LOGIN, name, f"10.0.0.{n}") for n, name in enumerate(["An", " an ", "AN", "an"])
    ] == [True] * 3 + [False]


def test_release_gives_back_one_try(limits):
    reserve_all("an", times=3)
    throttle.release(LOGIN, "an", "10.0.0.1")
    assert reserve_all("an", times=2) == [True, False]


def test_a_refused_reservation_takes_nothing(limits):
    assert reserve_all("an", times=3) + reserve_all("binh", times=1) == [True] * 4
    assert not throttle.reserve(LOGIN, "cuong", "10.0.0.1")  # the address is used up
    assert reserve_all("cuong", "10.0.0.2") == [True] * 3 + [False] * 7


def test_a_release_with_nothing_reserved_is_harmless(limits):
    throttle.release(LOGIN, "an", "10.0.0.1")
    assert reserve_all("an") == [True] * 3 + [False] * 7


def test_released_tries_do_not_count_towards_the_daily_limit(limits):
    for _ in range(20):  # a success every time
        assert throttle.reserve(LOGIN, "an", "10.0.0.1")
        throttle.release(LOGIN, "an", "10.0.0.1")
    assert reserve_all("an", times=4) == [True] * 3 + [False]


@pytest.mark.parametrize(
    "config", [{"RATELIMIT_STRATEGY": "fixed-window"}, {"RATELIMIT_STORAGE_URI": "memcached://127.0.0.1:1"}]
)
def test_a_store_that_cannot_give_tries_back_is_refused(tmp_path, content_dir, config):
    with pytest.raises(ValueError, match="RATELIMIT_"):
        create_app(app_config(tmp_path, content_dir, TESTING=True, **config))
