"""Per-endpoint body limits hold for chunked bodies, which state no Content-Length."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import func, select

from handbook.api.study_views import MAX_BATCH_BYTES as API_LIMIT
from handbook.app_db import get_db
from handbook.study.models import ReadingEvent
from handbook.study.views import MAX_BATCH_BYTES as PAGE_LIMIT

BEACON, EVENTS = "/hoc-tap/tien-do", "/api/v1/study/events"


def stored_events(app) -> int:
    with get_db(app).sessions() as session:
        return session.scalar(select(func.count()).select_from(ReadingEvent))


def one_event_padded_to(size: int) -> bytes:
    """A valid batch of one event, padded with JSON whitespace to size bytes."""
    batch = json.dumps(
        {
            "events": [
                {
                    "id": "chunked-0001",
                    "document": "quy-dinh-37",
                    "anchor": "",
                    "seconds": 5,
                    "occurred_at": "2024-01-01T00:00:00+07:00",
                }
            ]
        }
    ).encode()
    return batch[:-1] + b" " * (size - len(batch)) + b"}"


def post_chunked(client, url: str, body: bytes, **headers):
    """As gunicorn passes a chunked body on: the stream ends itself, and its length is
    unknown (Werkzeug ignores the Content-Length the test client adds beside chunked)."""
    response = client.post(
        url,
        input_stream=io.BytesIO(body),
        headers={
            "Transfer-Encoding": "chunked",
            "Content-Type": "application/json",
            "Accept": "application/json",
            **headers,
        },
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.request.content_length is None
    return response


@pytest.mark.parametrize("url, limit", [(BEACON, PAGE_LIMIT), (EVENTS, API_LIMIT)])
def test_a_chunked_batch_is_held_to_the_endpoint_limit(library, clients, bearers, url, limit):
    client, auth = clients["member"], bearers["member"] if url == EVENTS else {}
    response = post_chunked(client, url, one_event_padded_to(limit + 1), **auth)
    assert response.status_code == 422 and "quá lớn" in response.json["error"]["message"]
    assert stored_events(library) == 0
    # Up to the limit exactly, a chunked batch is read whole and taken.
    response = post_chunked(client, url, one_event_padded_to(limit), **auth)
    assert response.status_code == 200 and stored_events(library) == 1
