"""Search's guards over HTTP: costly searches rate-limited per account (429 page or
JSON), a damaged index answered 503 with a message on the page, its JSON and the API."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from handbook.app_db import session
from handbook.search import indexer, storage, throttling
from tests import factories
from tests.conftest import login
from tests.web.api.conftest import BASE, bearer, token_for

ENDPOINTS = ("/tim-kiem", "/tim-kiem.json", f"{BASE}/search")


@pytest.fixture
def index_root(library) -> Path:
    root = Path(library.config["SEARCH_INDEX_DIR"])
    with library.app_context():
        indexer.rebuild(session(), root)
    return root


@pytest.fixture
def every_search_costly(library, monkeypatch):
    """Every search counts, and the allowance is two a minute."""
    monkeypatch.setattr(throttling, "COSTLY_SECONDS", 0.0)
    library.config["SEARCH_LIMIT_ACCOUNT"] = "2 per minute"


def _get(client, url: str, headers: dict, q: str = "đảng viên"):
    return client.get(url, query_string={"q": q}, headers=headers)


def signed_in(library, member, url: str):
    """A client of the member and the headers `url` needs: a token for the API."""
    client = library.test_client()
    if url.startswith(BASE):
        return client, bearer(token_for(client, member.username))
    return login(client, member.username), {}


@pytest.mark.parametrize("url", ENDPOINTS)
def test_an_account_over_its_costly_searches_is_refused_with_429(
    index_root, library, member, every_search_costly, url
):
    client, headers = signed_in(library, member, url)
    assert [_get(client, url, headers).status_code for _ in range(2)] == [200, 200]
    refused = _get(client, url, headers)
    assert refused.status_code == 429
    if url == "/tim-kiem":
        assert "tìm kiếm quá nhiều" in refused.get_data(as_text=True)
    else:
        assert refused.get_json()["error"]["code"] == "rate_limited"
        assert "tìm kiếm quá nhiều" in refused.get_json()["error"]["title"]


def test_the_limit_is_per_account_and_cheap_searches_never_count(index_root, library, member, monkeypatch):
    other = factories.make_user(library, "le.van.binh")
    busy = login(library.test_client(), member.username)
    library.config["SEARCH_LIMIT_ACCOUNT"] = "2 per minute"
    for _ in range(5):  # short queries are far under throttling.COSTLY_SECONDS
        assert _get(busy, "/tim-kiem", {}).status_code == 200
    monkeypatch.setattr(throttling, "COSTLY_SECONDS", 0.0)
    for _ in range(2):
        _get(busy, "/tim-kiem", {})
    assert _get(busy, "/tim-kiem", {}).status_code == 429
    fresh = login(library.test_client(), other.username)
    assert _get(fresh, "/tim-kiem", {}).status_code == 200


def test_long_queries_count_however_fast_they_are(index_root, library, client):
    library.config["SEARCH_LIMIT_ACCOUNT"] = "2 per minute"
    long_query = " ".join(["x"] * 60)
    assert [_get(client, "/tim-kiem", {}, long_query).status_code for _ in range(3)] == [200, 200, 429]


def test_a_long_hostile_query_answers_without_a_suggestion(index_root, client):
    data = _get(client, "/tim-kiem.json", {}, q="x" * 500).get_json()
    assert data["total"] == 0 and not data.get("suggestion")


@pytest.mark.parametrize("url", ENDPOINTS)
def test_a_damaged_index_is_503_with_a_message(index_root, library, member, url):
    seg = next(storage.current_dir(index_root).glob("*.seg"))
    os.truncate(seg, seg.stat().st_size // 2)
    client, headers = signed_in(library, member, url)
    response = _get(client, url, headers)
    assert response.status_code == 503
    if url == "/tim-kiem":
        assert "bị hỏng" in response.get_data(as_text=True)
    else:
        assert response.get_json()["error"]["code"] == "search_unavailable"
        assert "bị hỏng" in response.get_json()["error"]["message"]
