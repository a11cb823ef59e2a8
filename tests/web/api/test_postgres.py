"""The API on PostgreSQL: sign-in, the one-query bearer check, offline batches counted
once, ETag revalidation. Runs when HANDBOOK_TEST_DATABASE_URL names a PostgreSQL
database that may be emptied."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from handbook.accounts.models import ApiToken
from handbook.app_db import get_db
from handbook.study.models import ReadingEvent
from tests import factories
from tests.conftest import import_folder
from tests.postgres import empty_app, requires_postgres
from tests.unit.study.helpers import backdate_library
from tests.web.api.conftest import BASE, bearer, token_for
from tests.web.api.test_study import events

pytestmark = requires_postgres


@pytest.fixture
def pg(tmp_path, content_dir):
    app = empty_app(tmp_path, content_dir)
    import_folder(app, content_dir)
    tree = factories.make_tree(app)
    factories.make_user(app, "pg.member", cell=tree.cell_a)
    yield app
    get_db(app).engine.dispose()


def test_the_api_round_trip_on_postgresql(pg):
    client = pg.test_client()
    auth = bearer(token_for(client, "pg.member"))
    assert client.get(f"{BASE}/me", headers=auth).get_json()["username"] == "pg.member"
    backdate_library(pg)  # the events were read offline an hour ago
    body = events(120, prefix="pg")
    assert len(client.post(f"{BASE}/study/events", json=body, headers=auth).get_json()["accepted"]) == 120
    assert len(client.post(f"{BASE}/study/events", json=body, headers=auth).get_json()["duplicates"]) == 120
    url = f"{BASE}/documents/quy-dinh-37"
    etag = client.get(url, headers=auth).headers["ETag"]
    assert client.get(url, headers={**auth, "If-None-Match": etag}).status_code == 304
    assert client.delete(f"{BASE}/auth/token", headers=auth).status_code == 204
    assert client.get(f"{BASE}/me", headers=auth).status_code == 401
    with pg.app_context(), get_db(pg).transaction() as tx:
        assert tx.scalar(select(func.count()).select_from(ReadingEvent)) == 120
        [token] = tx.scalars(select(ApiToken))
        assert token.revoked_at is not None and token.last_used_at is not None
