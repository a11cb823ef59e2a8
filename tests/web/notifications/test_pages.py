"""Notification pages over HTTP: the secretary's reminder button, the member's list,
who may do what, and CSRF."""

from __future__ import annotations

import re

import pytest
from flask import render_template

from handbook.app_db import get_db
from handbook.notifications import inbox
from tests.unit.notifications.conftest import QD37, notifications_of
from tests.unit.study.helpers import complete
from tests.web.notifications.conftest import remind_url


def test_secretary_reminds_and_returns_to_the_cell_report(clients, tree, member, campaign):
    response = clients["secretary"].post(remind_url(tree.cell_a.id, campaign.id))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/bao-cao/chi-bo/{tree.cell_a.id}/dot/{campaign.id}"
    with clients["secretary"].session_transaction() as session:
        [(_, message)] = session["_flashes"]
    # The secretary has not completed either, so is reminded too.
    assert message == "Đã gửi nhắc nhở tới 2 đảng viên chưa hoàn thành."


def test_the_flash_counts_who_was_reminded_today(clients, tree, member, campaign):
    secretary = clients["secretary"]
    secretary.post(remind_url(tree.cell_a.id, campaign.id))
    secretary.get("/thong-bao")  # shows, and so clears, the first message
    secretary.post(remind_url(tree.cell_a.id, campaign.id))
    with secretary.session_transaction() as session:
        [(_, message)] = session["_flashes"]
    assert message == "Đã gửi nhắc nhở tới 0 đảng viên chưa hoàn thành; 2 người đã được nhắc hôm nay."
    assert len(notifications_of(secretary.application, member.id)) == 1


def test_members_who_completed_are_not_reminded(library, clients, tree, member, campaign, role_users):
    complete(library, member.id, QD37)
    clients["secretary"].post(remind_url(tree.cell_a.id, campaign.id))
    assert notifications_of(library, member.id) == []
    assert len(notifications_of(library, role_users["secretary"][0].id)) == 1


@pytest.mark.parametrize("role", ["member", "committee", "editor"])
def test_roles_without_a_cell_are_forbidden(clients, tree, member, campaign, role):
    assert clients[role].post(remind_url(tree.cell_a.id, campaign.id)).status_code == 403
    assert notifications_of(clients[role].application, member.id) == []


def test_another_cells_secretary_gets_not_found(cell_b_secretary, tree, member, campaign):
    response = cell_b_secretary.post(remind_url(tree.cell_a.id, campaign.id))
    assert response.status_code == 404
    assert notifications_of(cell_b_secretary.application, member.id) == []


@pytest.mark.parametrize(
    "unit, campaign_id", [("cell_b", None), ("cell_a", 999_999), ("cell_a", 0), ("province", None)]
)
def test_guessed_ids_look_missing(clients, tree, campaign, unit, campaign_id):
    url = remind_url(getattr(tree, unit).id, campaign.id if campaign_id is None else campaign_id)
    assert clients["secretary"].post(url).status_code == 404


def test_anonymous_cannot_send(clients, tree, campaign):
    assert clients["anon"].post(remind_url(tree.cell_a.id, campaign.id)).status_code == 401


def test_reminder_appears_in_the_members_list_highlighted(clients, tree, member, campaign):
    clients["secretary"].post(remind_url(tree.cell_a.id, campaign.id))
    html = clients["member"].get("/thong-bao").get_data(as_text=True)
    assert "Bạn có 1 thông báo chưa đọc." in html
    assert "is-unread" in html and "Học tập Quy định 37" in html
    assert f'href="/hoc-tap/dot/{campaign.id}"' in html


def test_the_owner_marks_read_and_others_get_not_found(clients, tree, member, campaign):
    clients["secretary"].post(remind_url(tree.cell_a.id, campaign.id))
    [note] = notifications_of(clients["member"].application, member.id)
    url = f"/thong-bao/{note.id}/da-doc"
    assert clients["committee"].post(url).status_code == 404
    response = clients["member"].post(url)
    assert response.status_code == 303 and response.headers["Location"] == "/thong-bao"
    html = clients["member"].get("/thong-bao").get_data(as_text=True)
    assert "is-unread" not in html and "Học tập Quy định 37" in html


def test_mark_all_read(clients, tree, member, campaign):
    app = clients["member"].application
    clients["secretary"].post(remind_url(tree.cell_a.id, campaign.id))
    assert clients["member"].post("/thong-bao/da-doc-het").status_code == 303
    with app.app_context(), get_db(app).transaction() as tx:
        assert inbox.unread_count(tx, member.id) == 0


def test_empty_list_and_login_required(clients):
    html = clients["member"].get("/thong-bao").get_data(as_text=True)
    assert "Bạn chưa có thông báo nào." in html
    response = clients["anon"].get("/thong-bao")
    assert response.status_code == 302 and "/dang-nhap" in response.headers["Location"]


def _token(client) -> str:
    html = client.get("/thong-bao").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_posts_without_the_csrf_token_are_refused(library, clients, tree, member, campaign):
    library.config["WTF_CSRF_ENABLED"] = True
    secretary = clients["secretary"]
    assert secretary.post(remind_url(tree.cell_a.id, campaign.id)).status_code == 400
    assert clients["member"].post("/thong-bao/da-doc-het").status_code == 400
    assert notifications_of(library, member.id) == []
    response = secretary.post(remind_url(tree.cell_a.id, campaign.id), data={"csrf_token": _token(secretary)})
    assert response.status_code == 303 and len(notifications_of(library, member.id)) == 1


def test_the_remind_form_posts_to_the_reminder_url(library, tree, campaign):
    with library.test_request_context("/"):
        html = render_template("notifications/_remind_form.html", unit=tree.cell_a, campaign=campaign)
    assert f'action="{remind_url(tree.cell_a.id, campaign.id)}"' in html
    assert 'name="csrf_token"' in html and "Nhắc những đảng viên chưa hoàn thành" in html


def test_the_menu_counts_unread_notifications_until_they_are_read(clients, tree, campaign):
    member = clients["member"]
    assert 'class="badge"' not in member.get("/").get_data(as_text=True)
    clients["secretary"].post(remind_url(tree.cell_a.id, campaign.id))
    assert '<span class="badge">1<span class="sr-only"> chưa đọc</span>' in member.get("/").get_data(
        as_text=True
    )
    member.post("/thong-bao/da-doc-het")
    assert 'class="badge"' not in member.get("/").get_data(as_text=True)
