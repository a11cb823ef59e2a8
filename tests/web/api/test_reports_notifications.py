"""Report data in the caller's scope only, and a member's notifications."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from handbook.accounts.audit import Actor
from handbook.accounts.models import AuditEvent
from handbook.accounts.principal import permissions_of
from handbook.app_db import get_db
from handbook.notifications import reminders
from tests import factories
from tests.web.api.conftest import BASE, bearer, token_for


@pytest.fixture
def auth(api, role_users) -> dict:
    return {
        name: bearer(token_for(api, user.username, secret)) for name, (user, secret) in role_users.items()
    }


def remind(app, role_users, tree, campaign) -> None:
    secretary, _ = role_users["secretary"]
    with app.app_context(), get_db(app).transaction() as tx:
        reminders.send_reminders(
            tx,
            Actor(secretary.id, secretary.username),
            permissions_of(tx, secretary.id),
            tree.cell_a.id,
            campaign.id,
        )


def test_members_get_no_report_data(api, member_auth, tree, campaign):
    for path in (
        "/reports",
        f"/reports/units/{tree.cell_a.id}",
        f"/reports/cells/{tree.cell_a.id}/campaigns/{campaign.id}",
    ):
        response = api.get(BASE + path, headers=member_auth)
        assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"


def test_a_secretary_sees_their_cell_and_nothing_else(api, library, auth, tree, campaign, member):
    scope = api.get(f"{BASE}/reports", headers=auth["secretary"]).get_json()
    assert [u["unit"]["id"] for u in scope["units"]] == [tree.cell_a.id]
    assert [c["id"] for c in scope["units"][0]["campaigns"]] == [campaign.id]
    grid = api.get(
        f"{BASE}/reports/cells/{tree.cell_a.id}/campaigns/{campaign.id}", headers=auth["secretary"]
    )
    assert grid.status_code == 200
    data = grid.get_json()
    assert "Nguyễn Văn An" in [m["full_name"] for m in data["members"]]
    assert [d["slug"] for d in data["documents"]] == ["quy-dinh-37", "nghi-quyet-35"]
    text = json.dumps(data)
    assert "username" not in text and "member_code" not in text and member.username not in text
    for unit in (tree.cell_b, tree.cell_c, tree.committee):
        assert (
            api.get(
                f"{BASE}/reports/cells/{unit.id}/campaigns/{campaign.id}", headers=auth["secretary"]
            ).status_code
            == 404
        )
        assert api.get(f"{BASE}/reports/units/{unit.id}", headers=auth["secretary"]).status_code == 404
    with library.app_context(), get_db(library).transaction() as tx:
        viewed = tx.scalars(select(AuditEvent).where(AuditEvent.action == "reports.grid_viewed"))
        assert any(e.details.get("format") == "api" for e in viewed)


def test_a_committee_drills_down_its_subtree(api, auth, tree, campaign):
    rollup = api.get(
        f"{BASE}/reports/units/{tree.committee.id}?campaign={campaign.id}", headers=auth["committee"]
    ).get_json()
    assert rollup["unit"]["id"] == tree.committee.id and rollup["campaign"]["id"] == campaign.id
    assert [line["unit"]["id"] for line in rollup["children"]] == [tree.grassroots.id]
    assert rollup["total"]["members"] >= 1
    inner = api.get(f"{BASE}/reports/units/{tree.grassroots.id}", headers=auth["committee"])
    assert {line["unit"]["id"] for line in inner.get_json()["children"]} >= {tree.cell_a.id}
    assert (
        api.get(f"{BASE}/reports/units/{tree.other_committee.id}", headers=auth["committee"]).status_code
        == 404
    )
    assert (
        api.get(
            f"{BASE}/reports/units/{tree.committee.id}?campaign=abc", headers=auth["committee"]
        ).status_code
        == 422
    )
    assert (
        api.get(
            f"{BASE}/reports/cells/{tree.cell_b.id}/campaigns/{campaign.id}?filter=x",
            headers=auth["committee"],
        ).status_code
        == 422
    )


def test_notifications_list_read_and_stay_private(
    api, library, member, member_auth, auth, role_users, tree, campaign
):
    remind(library, role_users, tree, campaign)
    listed = api.get(f"{BASE}/notifications", headers=member_auth).get_json()
    assert listed["total"] == 1 and listed["unread"] == 1
    [note] = listed["items"]
    assert note["campaign_id"] == campaign.id and note["read_at"] is None
    assert api.get(f"{BASE}/me", headers=member_auth).get_json()["unread_notifications"] == 1
    other = factories.make_user(library, "vo.thi.giang", cell=tree.cell_b)
    other_auth = bearer(token_for(api, other.username))
    assert api.post(f"{BASE}/notifications/{note['id']}/read", headers=other_auth).status_code == 404
    read = api.post(f"{BASE}/notifications/{note['id']}/read", headers=member_auth)
    assert read.status_code == 200 and read.get_json()["read_at"]
    assert api.post(f"{BASE}/notifications/read", headers=member_auth).get_json() == {"marked": 0}
    assert api.get(f"{BASE}/notifications?per_page=0", headers=member_auth).status_code == 422
