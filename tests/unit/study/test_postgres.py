"""The same ingestion and percentages on PostgreSQL. Runs when
HANDBOOK_TEST_DATABASE_URL names a PostgreSQL database that may be emptied."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from handbook.app_db import get_db
from handbook.study import completion, progress
from handbook.study.models import ReadingEvent, SectionRead
from handbook.study.progress import Ratio
from tests import factories
from tests.conftest import import_folder
from tests.postgres import empty_app, requires_postgres
from tests.unit.study.helpers import event, make_campaign, read_all, record

pytestmark = requires_postgres
SLUG, ANCHOR = "quy-dinh-37", "dieu-1-noi-lam-trai-cuong-linh"


@pytest.fixture
def pg(tmp_path, content_dir):
    app = empty_app(tmp_path, content_dir)
    import_folder(app, content_dir)
    tree = factories.make_tree(app)
    yield app, tree, factories.make_user(app, "pg.member", cell=tree.cell_a)
    get_db(app).engine.dispose()


def test_concurrent_resends_count_once_on_postgresql(pg):
    app, _, member = pg
    batches = [[event(SLUG, ANCHOR, 2, f"pg-{i:03d}") for i in range(k, k + 10)] for k in (0, 10)]
    threads = [
        threading.Thread(target=record, args=(app, member.id, b[::step]))
        for b in batches
        for step in (1, -1, 1, -1)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with app.app_context(), get_db(app).transaction() as tx:
        assert tx.scalar(select(func.count()).select_from(ReadingEvent)) == 20
        assert tx.scalar(select(SectionRead.seconds)) == 40


def test_percentages_and_completion_on_postgresql(pg):
    app, tree, member = pg
    campaign = make_campaign(app, [tree.grassroots], [SLUG, "nghi-quyet-35"])
    read_all(app, member.id, SLUG)
    with app.app_context(), get_db(app).transaction() as tx:
        first = completion.confirm(tx, member.id, SLUG)
        assert completion.confirm(tx, member.id, SLUG).id == first.id
    with app.app_context(), get_db(app).transaction() as tx:
        assert progress.campaign_progress(tx, [member.id])[(member.id, campaign.id)] == Ratio(1, 2)
        assert progress.overall_progress(tx, [member.id])[member.id].percent == 50
