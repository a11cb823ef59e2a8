"""Fixtures of the API tests: tokens obtained through the API's own sign-in."""

from __future__ import annotations

import pytest

from tests import factories
from tests.unit.study.helpers import make_campaign

BASE = "/api/v1"


def sign_in(client, username: str, password: str = factories.PASSWORD, **extra):
    return client.post(f"{BASE}/auth/token", json={"username": username, "password": password, **extra})


def token_for(client, username: str, totp_secret: str | None = None) -> str:
    extra = {"code": factories.totp_now(totp_secret)} if totp_secret else {}
    response = sign_in(client, username, **extra)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["token"]


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def api(library):
    return library.test_client()


@pytest.fixture
def member_auth(api, member) -> dict:
    return bearer(token_for(api, member.username))


@pytest.fixture
def campaign(library, tree):
    return make_campaign(
        library,
        [tree.grassroots],
        ["quy-dinh-37", "nghi-quyet-35"],
        title="Học tập Quy định 37 và Nghị quyết 35",
    )
