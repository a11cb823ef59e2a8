"""Request size limits, and production faults that tell the user nothing about the code."""

from __future__ import annotations

import io
import json
import secrets

import pytest
from sqlalchemy import func, select
from werkzeug.test import encode_multipart

from handbook import migrate
from handbook.app import create_app
from handbook.app_db import get_db
from handbook.policies import public
from handbook.study.models import ReadingEvent
from tests.conftest import FAST_PASSWORD_HASHING

TOO_LARGE = "Dữ liệu gửi lên quá lớn"
PROGRESS = "/hoc-tap/tien-do"
JSON = {"Accept": "application/json"}


def stored_events(app) -> int:
    with get_db(app).sessions() as session:
        return session.scalar(select(func.count()).select_from(ReadingEvent))


def event(n: int, anchor: str = "") -> dict:
    return {
        "id": f"web-event-{n:04d}",
        "document": "quy-dinh-37",
        "anchor": anchor,
        "seconds": 5,
        "occurred_at": "2024-01-01T00:00:00+07:00",
    }


@pytest.mark.parametrize("size", [None, 10 * 1024 * 1024])
def test_a_body_over_max_content_length_is_413_in_vietnamese(library, clients, size):
    size = size or library.config["MAX_CONTENT_LENGTH"] + 1
    page = clients["member"].post("/tai-khoan/mat-khau", data={"mat_khau_cu": "x" * size})
    assert page.status_code == 413 and TOO_LARGE in page.get_data(as_text=True)
    api = clients["member"].post("/tai-khoan/mat-khau", data={"x": "x" * size}, headers=JSON)
    assert api.status_code == 413 and api.json["error"]["title"] == TOO_LARGE


def test_a_streamed_body_without_length_stops_at_the_limit_too(library, clients):
    body = b"mat_khau_cu=" + b"x" * (library.config["MAX_CONTENT_LENGTH"] + 1)
    response = clients["member"].post(
        "/tai-khoan/mat-khau",
        input_stream=io.BytesIO(body),
        content_type="application/x-www-form-urlencoded",
        headers={"Transfer-Encoding": "chunked"},  # Werkzeug then ignores any Content-Length
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.request.content_length is None
    assert response.status_code == 413 and TOO_LARGE in response.get_data(as_text=True)


def test_the_api_answers_an_oversized_body_with_a_json_413(library, clients):
    response = clients["anon"].post(
        "/api/v1/auth/token", data=b"x" * (3 * 1024 * 1024), content_type="application/json"
    )
    assert response.status_code == 413 and response.json["error"]["code"] == "too_large"


def test_multipart_forms_are_limited_in_parts_and_field_size(library, clients):
    assert library.config["MAX_FORM_PARTS"] <= 1000
    assert library.config["MAX_FORM_MEMORY_SIZE"] <= library.config["MAX_CONTENT_LENGTH"]
    parts = {f"o{i}": "x" for i in range(library.config["MAX_FORM_PARTS"] + 1)}
    big = {"mat_khau_cu": "x" * (library.config["MAX_FORM_MEMORY_SIZE"] + 1)}
    for fields in (parts, big):
        boundary, body = encode_multipart(fields)  # in memory: no temporary file left open
        response = clients["member"].post(
            "/tai-khoan/mat-khau", data=body, content_type=f"multipart/form-data; boundary={boundary}"
        )
        assert response.status_code == 413 and TOO_LARGE in response.get_data(as_text=True)


def test_an_oversized_progress_batch_is_refused_and_nothing_stored(library, clients):
    client = clients["member"]
    padded = {"events": [event(n, "x" * 200) for n in range(50)] * 6}
    assert len(json.dumps(padded)) > 64 * 1024
    too_many = {"events": [event(n) for n in range(51)]}
    for batch in (padded, too_many):
        response = client.post(PROGRESS, json=batch, headers=JSON)
        assert response.status_code == 422 and response.json["error"]["code"] == "invalid"
    assert "quá lớn" in client.post(PROGRESS, json=padded, headers=JSON).json["error"]["message"]
    streamed = client.post(
        PROGRESS,
        input_stream=io.BytesIO(json.dumps(padded).encode()),
        content_type="application/json",
        headers={**JSON, "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert streamed.request.content_length is None and streamed.status_code == 422
    assert stored_events(library) == 0
    # Control: a batch within the limits is taken.
    assert client.post(PROGRESS, json={"events": [event(1)]}, headers=JSON).status_code == 200


# Production faults: a view that fails unexpectedly.
SECRET_DETAIL = "mật khẩu cơ sở dữ liệu sai tại /srv/handbook/handbook/db.py"


@public
def _broken_view():
    raise RuntimeError(SECRET_DETAIL)


@pytest.fixture
def production_app(tmp_path):
    app = create_app(
        {
            "ENV_NAME": "production",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.db'}",
            "SEARCH_INDEX_DIR": str(tmp_path / "index"),
            **FAST_PASSWORD_HASHING,
        }
    )
    app.add_url_rule("/loi-thu", "broken_page", _broken_view)
    app.add_url_rule("/api/v1/loi-thu", "broken_api", _broken_view)
    migrate.upgrade(app)
    yield app
    get_db(app).engine.dispose()


def _leaks(body: str) -> list[str]:
    clues = ("Traceback", "RuntimeError", SECRET_DETAIL, "/srv/", ".py", 'File "', "werkzeug", "sqlalchemy")
    return [clue for clue in clues if clue.lower() in body.lower()]


@pytest.mark.parametrize("url, headers", [("/loi-thu", {}), ("/loi-thu", JSON), ("/api/v1/loi-thu", {})])
def test_an_unexpected_error_in_production_shows_no_internals(production_app, url, headers):
    assert not production_app.debug and not production_app.testing
    response = production_app.test_client().get(url, headers=headers)
    body = response.get_data(as_text=True)
    if response.is_json:  # read as the client will, without \u escapes
        assert response.json["error"]["code"] == "server_error"
        body = json.dumps(response.json, ensure_ascii=False)
    assert response.is_json == bool(headers or url.startswith("/api/"))
    assert response.status_code == 500
    assert "Hệ thống đang gặp sự cố" in body and not _leaks(body), _leaks(body)
    assert "no-store" in response.headers["Cache-Control"]
    assert "object-src 'none'" in response.headers["Content-Security-Policy"]


def test_production_has_no_debugger_console(production_app):
    response = production_app.test_client().get("/console")
    assert response.status_code == 404 and not _leaks(response.get_data(as_text=True))
