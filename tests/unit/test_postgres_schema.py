"""The schema, the content pipeline and the pages on a real PostgreSQL server. Runs
when HANDBOOK_TEST_DATABASE_URL names a PostgreSQL database that may be emptied."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from handbook import migrate
from handbook.app_db import get_db
from handbook.models import metadata
from tests import factories
from tests.conftest import import_folder, login
from tests.postgres import empty_app, requires_postgres

pytestmark = requires_postgres


@pytest.fixture
def pg_app(tmp_path, content_dir):
    app = empty_app(tmp_path, content_dir, WTF_CSRF_ENABLED=False)
    yield app
    get_db(app).engine.dispose()


def test_migrations_match_models_and_round_trip(pg_app):
    with get_db(pg_app).engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []
    command.downgrade(migrate.alembic_config(pg_app), "base")
    migrate.upgrade(pg_app)


def test_import_is_idempotent_and_pages_serve(pg_app, content_dir):
    assert len(import_folder(pg_app, content_dir).created) == 3
    assert not import_folder(pg_app, content_dir).changed
    tree = factories.make_tree(pg_app)
    member = factories.make_user(pg_app, "pg.reader", cell=tree.cell_a)
    client = login(pg_app.test_client(), member.username)
    assert "Văn bản này đã bị thay thế bởi" in client.get("/van-ban/quy-dinh-47").get_data(as_text=True)
    assert "1 văn bản" in client.get("/?nam=2011").get_data(as_text=True)
