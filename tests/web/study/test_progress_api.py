"""The reading-progress endpoint: JSON shape, idempotence, own progress only, CSRF."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from handbook import migrate
from handbook.app import create_app
from handbook.app_db import get_db
from handbook.study import documents
from handbook.study.models import ReadingEvent, SectionRead
from tests import factories
from tests.conftest import FAST_PASSWORD_HASHING, import_folder
from tests.unit.study.helpers import backdate_library
from tests.web.study.conftest import SLUG, batch

URL = "/hoc-tap/tien-do"
JSON = {"Accept": "application/json"}  # as reading.js sends it


def count(app, model) -> int:
    with app.app_context(), get_db(app).transaction() as tx:
        return tx.scalar(select(func.count()).select_from(model))


def test_a_batch_is_counted_once_and_answers_with_progress(client, library):
    first = client.post(URL, json=batch({}, {"id": "web-event-x", "seconds": 7}))
    assert first.status_code == 200
    data = first.get_json()
    assert data["accepted"] == ["web-event-0000", "web-event-x"] and data["rejected"] == []
    summary = data["documents"][SLUG]
    assert set(summary) == {"read", "done", "total", "percent"} and summary["total"] > 0
    again = client.post(URL, json=batch({}, {"id": "web-event-x", "seconds": 7}))
    assert again.get_json()["duplicates"] == ["web-event-0000", "web-event-x"]
    assert count(library, ReadingEvent) == 2


def test_a_forged_batch_is_capped_and_the_confirmation_refused(client, library):
    """Issue 18: every section "read" 600 seconds ten times over at one instant."""
    backdate_library(library)
    with library.app_context(), get_db(library).transaction() as tx:
        to_read = sorted(documents.load(tx, SLUG).to_read)
    when = {"occurred_at": datetime.now(UTC).isoformat(), "seconds": 600}
    forged = batch(
        *[
            {"id": f"forged-{n:03d}-{i}", "anchor": anchor, **when}
            for n, anchor in enumerate(to_read)
            for i in range(10)
        ]
    )
    data = client.post(URL, json=forged, headers=JSON).get_json()
    assert len(data["capped"]) == len(forged["events"]) - 1
    assert data["capped"][0] == {"id": data["capped"][0]["id"], "credited": 0, "reason": "overlap"}
    assert data["documents"][SLUG]["percent"] < 100
    client.post(f"/hoc-tap/van-ban/{SLUG}/hoc-xong")
    page = client.get(f"/van-ban/{SLUG}").get_data(as_text=True)
    assert "Bạn đã học xong văn bản này" not in page


@pytest.mark.parametrize(
    "body",
    [
        batch(user_id=1),
        batch({"user_id": 1}),
        batch({"unit_id": 3}),
        batch(cell_id=3),
    ],
)
def test_user_or_unit_ids_in_the_body_are_refused_with_400(client, library, member, body):
    response = client.post(URL, json=body, headers=JSON)
    assert response.status_code == 400 and response.is_json
    assert count(library, ReadingEvent) == 0 and count(library, SectionRead) == 0


def test_ids_in_the_query_string_are_refused(client, library, member):
    assert client.post(f"{URL}?user_id=1", json=batch()).status_code == 400
    assert count(library, ReadingEvent) == 0


def test_bad_values_list_every_problem(client):
    response = client.post(URL, json=batch({"seconds": 0}, {"seconds": 9000, "id": "x"}), headers=JSON)
    assert response.status_code == 422
    fields = {d["field"] for d in response.get_json()["error"]["details"]}
    assert fields == {"events[0].seconds", "events[1].seconds", "events[1].id"}


def test_form_posts_and_cross_site_requests_are_refused(client):
    assert client.post(URL, data={"events": "x"}).status_code == 400
    cross_site = {"Sec-Fetch-Site": "cross-site"}
    assert client.post(URL, json=batch(), headers=cross_site).status_code == 403


def test_anonymous_gets_401(anon_client):
    assert anon_client.post(URL, json=batch(), headers=JSON).status_code == 401


def test_token_endpoint_gives_a_fresh_csrf_token(client):
    response = client.get(URL, headers=JSON)
    assert response.status_code == 200 and len(response.get_json()["csrf_token"]) > 20


@pytest.fixture
def csrf_app(tmp_path, content_dir):
    app = create_app(
        {
            "ENV_NAME": "testing",
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'csrf.db'}",
            "CONTENT_DIR": str(content_dir),
            "CONTENT_CACHE_TTL": 0,
            "SEARCH_INDEX_DIR": str(tmp_path / "idx"),
            **FAST_PASSWORD_HASHING,
        }
    )
    migrate.upgrade(app)
    import_folder(app, content_dir)
    yield app
    get_db(app).engine.dispose()


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_the_beacon_needs_the_csrf_header(csrf_app):
    factories.make_user(csrf_app, "doc.gia", password=factories.PASSWORD)
    client = csrf_app.test_client()
    token = _token(client.get("/dang-nhap").get_data(as_text=True))
    client.post(
        "/dang-nhap", data={"ten_dang_nhap": "doc.gia", "mat_khau": factories.PASSWORD, "csrf_token": token}
    )
    page = client.get(f"/van-ban/{SLUG}").get_data(as_text=True)
    page_token = re.search(r'data-csrf="([^"]+)"', page).group(1)
    missing = client.post(URL, json=batch())
    assert missing.status_code == 400 and missing.get_json()["error"]["code"] == "csrf_invalid"
    assert client.post(URL, json=batch(), headers={"X-CSRFToken": "sai"}).status_code == 400
    ok = client.post(URL, json=batch(), headers={"X-CSRFToken": page_token})
    assert ok.status_code == 200 and ok.get_json()["accepted"] == ["web-event-0000"]
    assert count(csrf_app, ReadingEvent) == 1


@pytest.mark.parametrize("accept", [None, "*/*"])
def test_a_json_body_is_answered_in_json_when_nothing_else_is_asked(client, anon_client, accept):
    """Issue 18: a program posting JSON (curl, a script) got error pages in HTML."""
    headers = {"Accept": accept} if accept else {}
    invalid = client.post(URL, json=batch({"seconds": 0}), headers=headers)
    assert invalid.status_code == 422 and invalid.is_json
    assert invalid.get_json()["error"]["details"][0]["field"].startswith("events")
    refused = client.post(f"{URL}?user_id=1", json=batch(), headers=headers)
    assert refused.status_code == 400 and refused.is_json
    signed_out = anon_client.post(URL, json=batch(), headers=headers)
    assert signed_out.status_code == 401 and signed_out.is_json


def test_a_json_body_from_a_client_asking_for_a_page_gets_a_page(client):
    response = client.post(URL, json=batch({"seconds": 0}), headers={"Accept": "text/html"})
    assert response.status_code == 422 and response.mimetype == "text/html"
