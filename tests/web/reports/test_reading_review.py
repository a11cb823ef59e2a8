"""The secretary's review of reading events credited less than claimed (issue 18): a
member's forged batch is capped, and the cell's secretary and the committees above can
see who sent it; nobody else can."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from handbook.app_db import get_db
from handbook.study import documents
from tests.unit.study.helpers import backdate_library
from tests.web.reports.conftest import SLUG
from tests.web.reports.test_pages import _actions


@pytest.fixture
def forged(library, clients, campaign):
    """The member claims every section of SLUG for 600 s, three times, at one instant."""
    backdate_library(library)
    with library.app_context(), get_db(library).transaction() as tx:
        anchors = sorted(documents.load(tx, SLUG).to_read)
    when = {"document": SLUG, "seconds": 600, "occurred_at": datetime.now(UTC).isoformat()}
    events = [
        {"id": f"forged-{n:03d}-{i}", "anchor": anchor, **when}
        for n, anchor in enumerate(anchors)
        for i in range(3)
    ]
    answer = clients["member"].post("/hoc-tap/tien-do", json={"events": events})
    assert answer.status_code == 200 and len(answer.get_json()["capped"]) == len(events) - 1
    return len(events)


def _review(tree, campaign) -> str:
    return f"/bao-cao/chi-bo/{tree.cell_a.id}/dot/{campaign.id}/luot-doc-can-xem"


def test_the_grid_points_the_secretary_to_the_members_to_review(clients, tree, campaign, forged):
    grid = clients["secretary"].get(f"/bao-cao/chi-bo/{tree.cell_a.id}/dot/{campaign.id}")
    assert "1 đảng viên có lượt đọc không được tính đủ thời gian" in grid.get_data(as_text=True)


def test_the_review_names_the_member_the_document_and_the_reason(clients, library, tree, campaign, forged):
    page = clients["secretary"].get(_review(tree, campaign))
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Nguyễn Văn An" in text and "Trùng thời gian với lượt đọc khác" in text
    assert f'<td data-label="Số lượt">{forged - 1}</td>' in text
    assert "Được tính" in text and "0.0 phút" in text
    assert ("reports.reading_review_viewed", {"campaign": campaign.id, "format": "html"}) in _actions(library)
    assert "Nguyễn Văn An" in clients["committee"].get(_review(tree, campaign)).get_data(as_text=True)


def test_an_honest_reader_leaves_nothing_to_review(clients, tree, campaign):
    grid = clients["secretary"].get(f"/bao-cao/chi-bo/{tree.cell_a.id}/dot/{campaign.id}")
    assert "không được tính đủ thời gian" not in grid.get_data(as_text=True)
    text = clients["secretary"].get(_review(tree, campaign)).get_data(as_text=True)
    assert "Không có lượt đọc nào cần xem lại" in text


def test_others_cannot_see_the_review(clients, tree, campaign, forged):
    assert clients["member"].get(_review(tree, campaign)).status_code == 403
    other_cell = f"/bao-cao/chi-bo/{tree.cell_b.id}/dot/{campaign.id}/luot-doc-can-xem"
    assert clients["secretary"].get(other_cell).status_code == 404
    assert clients["anon"].get(_review(tree, campaign)).status_code in (302, 401)


def test_a_link_from_another_site_opens_nothing(clients, library, tree, campaign, forged):
    page = clients["secretary"].get(_review(tree, campaign), headers={"Sec-Fetch-Site": "cross-site"})
    assert "Nguyễn Văn An" not in page.get_data(as_text=True) and _actions(library) == []
