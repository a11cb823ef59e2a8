"""Reminders: only to the cell's members who have not completed, once a Vietnam day,
only within the sender's own cells, and audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from handbook.accounts import members
from handbook.accounts.models import AuditEvent
from handbook.accounts.permissions import ANONYMOUS
from handbook.accounts.vocabulary import COMMITTEE_VIEWER, DEPUTY_SECRETARY, SECRETARY
from handbook.app_db import get_db
from handbook.errors import NotFound
from handbook.notifications.models import Reminder
from handbook.notifications.reminders import ReminderResult
from handbook.study import campaigns
from tests import factories
from tests.unit.notifications.conftest import (
    QD37,
    complete,
    notifications_of,
    permissions,
    send,
)
from tests.unit.study.helpers import ACTOR, make_campaign

NOON = datetime.now(UTC).replace(hour=5, minute=0, second=0, microsecond=0)  # 12:00 in Vietnam


def test_only_members_who_have_not_completed_are_reminded(
    library, tree, member, finished, other_member, secretary, campaign
):
    result = send(library, secretary, tree.cell_a.id, campaign.id, NOON)
    assert result == ReminderResult(reminded=1, already_reminded=0, complete=2)
    [note] = notifications_of(library, member.id)
    assert (note.kind, note.link, note.campaign_id, note.read_at) == (
        "reminder",
        f"/hoc-tap/dot/{campaign.id}",
        campaign.id,
        None,
    )
    assert "Học tập Quy định 37" in note.title and "Chi bộ ấp 1" in note.body
    assert "0/1 văn bản" in note.body
    for untouched in (finished, other_member, secretary[0]):
        assert notifications_of(library, untouched.id) == []


def test_a_second_send_the_same_day_reminds_nobody_again(library, tree, member, secretary, campaign):
    send(library, secretary, tree.cell_a.id, campaign.id, NOON)
    again = send(library, secretary, tree.cell_a.id, campaign.id, NOON + timedelta(hours=6))
    assert again == ReminderResult(reminded=0, already_reminded=1, complete=1)
    assert len(notifications_of(library, member.id)) == 1


def test_the_next_day_the_member_is_reminded_again(library, tree, member, secretary, campaign):
    send(library, secretary, tree.cell_a.id, campaign.id, NOON)
    later = send(library, secretary, tree.cell_a.id, campaign.id, NOON + timedelta(days=1))
    assert later.reminded == 1
    assert len(notifications_of(library, member.id)) == 2


def test_the_day_is_the_vietnam_day(library, tree, member, secretary, campaign):
    """16:59 and 17:01 UTC of one UTC date are two days in Vietnam (UTC+7)."""
    evening = NOON.replace(hour=16, minute=59)
    send(library, secretary, tree.cell_a.id, campaign.id, evening)
    after_midnight = send(library, secretary, tree.cell_a.id, campaign.id, evening + timedelta(minutes=2))
    assert after_midnight.reminded == 1
    with library.app_context(), get_db(library).transaction() as tx:
        days = list(tx.scalars(select(Reminder.day).order_by(Reminder.id)))
    assert days == [campaigns.today(evening), campaigns.today(evening) + timedelta(days=1)]


def test_a_deputy_secretary_sending_the_same_day_reminds_nobody_again(
    library, tree, member, secretary, campaign
):
    deputy = factories.make_user(
        library, "vu.van.hai", cell=tree.cell_a, grants=((DEPUTY_SECRETARY, tree.cell_a),)
    )
    complete(library, deputy.id, QD37)
    send(library, secretary, tree.cell_a.id, campaign.id, NOON)
    result = send(library, (deputy, permissions(library, deputy.id)), tree.cell_a.id, campaign.id, NOON)
    assert (result.reminded, result.already_reminded) == (0, 1)


def test_the_reminder_is_recorded_with_sender_cell_and_day(library, tree, member, secretary, campaign):
    send(library, secretary, tree.cell_a.id, campaign.id, NOON)
    with library.app_context(), get_db(library).transaction() as tx:
        [row] = tx.scalars(select(Reminder))
        assert (row.user_id, row.campaign_id, row.unit_id, row.sent_by, row.day) == (
            member.id,
            campaign.id,
            tree.cell_a.id,
            secretary[0].id,
            campaigns.today(NOON),
        )


def test_the_database_refuses_a_second_reminder_the_same_day(library, tree, member, secretary, campaign):
    send(library, secretary, tree.cell_a.id, campaign.id, NOON)
    with pytest.raises(IntegrityError), library.app_context(), get_db(library).transaction() as tx:
        tx.add(
            Reminder(
                user_id=member.id, campaign_id=campaign.id, unit_id=tree.cell_a.id, day=campaigns.today(NOON)
            )
        )
        tx.flush()


def test_sending_is_audited(library, tree, member, finished, secretary, campaign):
    send(library, secretary, tree.cell_a.id, campaign.id, NOON)
    with library.app_context(), get_db(library).transaction() as tx:
        [event] = tx.scalars(select(AuditEvent).where(AuditEvent.action == "notifications.reminders_sent"))
    assert (event.actor_id, event.target_type, event.target_id) == (secretary[0].id, "unit", tree.cell_a.id)
    assert event.details == {"campaign": campaign.id, "sent": 1, "already_reminded": 0, "complete": 2}


def test_members_who_left_the_cell_are_not_reminded(library, tree, member, secretary, campaign):
    with library.app_context(), get_db(library).transaction() as tx:
        members.transfer(tx, ACTOR, member.id, tree.cell_b.id)
    result = send(library, secretary, tree.cell_a.id, campaign.id, NOON)
    assert result.reminded == 0 and notifications_of(library, member.id) == []


def test_a_campaign_not_yet_open_reminds_nobody(library, tree, member, secretary):
    later = make_campaign(library, [tree.cell_a], [QD37], opens_on=campaigns.today() + timedelta(days=3))
    assert send(library, secretary, tree.cell_a.id, later.id) == ReminderResult()


def test_another_cells_secretary_gets_not_found(library, tree, member, campaign):
    outsider = factories.make_user(
        library, "ngo.van.khoa", cell=tree.cell_b, grants=((SECRETARY, tree.cell_b),)
    )
    with pytest.raises(NotFound):
        send(library, (outsider, permissions(library, outsider.id)), tree.cell_a.id, campaign.id)
    assert notifications_of(library, member.id) == []


@pytest.mark.parametrize("grants", [(), ((COMMITTEE_VIEWER, "committee"),)])
def test_without_a_cell_role_every_cell_is_not_found(library, tree, member, campaign, grants):
    user = factories.make_user(
        library, "dinh.van.long", cell=tree.cell_a, grants=tuple((r, getattr(tree, u)) for r, u in grants)
    )
    for perms in (permissions(library, user.id), ANONYMOUS):
        with pytest.raises(NotFound):
            send(library, (user, perms), tree.cell_a.id, campaign.id)


@pytest.mark.parametrize("unit_id", [0, -1, 999_999, 2**31])
def test_guessed_unit_ids_are_not_found(library, secretary, campaign, unit_id):
    with pytest.raises(NotFound):
        send(library, secretary, unit_id, campaign.id)


@pytest.mark.parametrize("campaign_id", [0, -1, 999_999, 2**31])
def test_guessed_campaign_ids_are_not_found(library, tree, secretary, campaign_id):
    with pytest.raises(NotFound):
        send(library, secretary, tree.cell_a.id, campaign_id)


def test_a_campaign_for_other_units_is_not_found(library, tree, member, secretary):
    elsewhere = make_campaign(library, [tree.cell_c], [QD37])
    with pytest.raises(NotFound):
        send(library, secretary, tree.cell_a.id, elsewhere.id)
