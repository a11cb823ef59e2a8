"""Reminders on PostgreSQL: concurrent sends still remind once. Runs when
HANDBOOK_TEST_DATABASE_URL names a PostgreSQL database that may be emptied."""

from __future__ import annotations

import threading

import pytest

from handbook.accounts.vocabulary import SECRETARY
from handbook.app_db import get_db
from tests import factories
from tests.conftest import import_folder
from tests.postgres import empty_app, requires_postgres
from tests.unit.notifications.conftest import QD37, notifications_of, permissions, send
from tests.unit.study.helpers import complete, make_campaign

pytestmark = requires_postgres


@pytest.fixture
def pg(tmp_path, content_dir):
    app = empty_app(tmp_path, content_dir)
    import_folder(app, content_dir)
    yield app, factories.make_tree(app)
    get_db(app).engine.dispose()


def test_concurrent_sends_remind_each_member_once_on_postgresql(pg):
    app, tree = pg
    campaign = make_campaign(app, [tree.grassroots], [QD37])
    members = [factories.make_user(app, f"pg.member.{i}", cell=tree.cell_a) for i in range(3)]
    secretary = factories.make_user(app, "pg.secretary", cell=tree.cell_a, grants=((SECRETARY, tree.cell_a),))
    complete(app, secretary.id, QD37)
    sender = (secretary, permissions(app, secretary.id))
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(send(app, sender, tree.cell_a.id, campaign.id)))
        for _ in range(6)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r.reminded for r in results) == 3
    assert {r.complete for r in results} == {1}
    assert [len(notifications_of(app, m.id)) for m in members] == [1, 1, 1]
