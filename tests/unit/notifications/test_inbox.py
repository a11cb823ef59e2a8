"""The member's notification list: newest first, paged, marked read by its owner only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from handbook.app_db import get_db
from handbook.errors import NotFound
from handbook.notifications import inbox
from handbook.notifications.models import Notification
from tests.unit.notifications.conftest import notifications_of

START = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def add_notifications(app, user_id: int, count: int) -> list[int]:
    with app.app_context(), get_db(app).transaction() as tx:
        made = [
            Notification(
                user_id=user_id,
                kind="reminder",
                title=f"Thông báo {i}",
                body="Nội dung",
                link="/hoc-tap",
                created_at=START + timedelta(hours=i),
            )
            for i in range(count)
        ]
        tx.add_all(made)
        tx.flush()
        return [n.id for n in made]


def read(app, fn, *args):
    with app.app_context(), get_db(app).transaction() as tx:
        return fn(tx, *args)


def test_list_is_newest_first_and_paged(app, member):
    add_notifications(app, member.id, 3)
    first = read(app, inbox.list_for, member.id, 1, 2)
    second = read(app, inbox.list_for, member.id, 2, 2)
    assert [n.title for n in first.items] == ["Thông báo 2", "Thông báo 1"]
    assert [n.title for n in second.items] == ["Thông báo 0"]
    assert (first.total, first.pages) == (3, 2)


def test_list_holds_only_the_users_own(app, member, other_member):
    add_notifications(app, other_member.id, 2)
    assert read(app, inbox.list_for, member.id, 1).items == []
    assert read(app, inbox.unread_count, other_member.id) == 2


def test_marking_read_counts_down_and_keeps_the_first_time(app, member):
    first, _ = add_notifications(app, member.id, 2)
    read(app, inbox.mark_read, member.id, first, START)
    read(app, inbox.mark_read, member.id, first, START + timedelta(days=1))
    assert read(app, inbox.unread_count, member.id) == 1
    assert notifications_of(app, member.id)[0].read_at.replace(tzinfo=UTC) == START


def test_only_the_owner_can_mark_a_notification_read(app, member, other_member):
    [mine] = add_notifications(app, member.id, 1)
    for user_id, notification_id in (
        (other_member.id, mine),
        (member.id, 999_999),
        (member.id, 0),
        (member.id, 2**31),
    ):
        with pytest.raises(NotFound):
            read(app, inbox.mark_read, user_id, notification_id)
    assert read(app, inbox.unread_count, member.id) == 1


def test_mark_all_read_touches_only_the_users_own(app, member, other_member):
    add_notifications(app, member.id, 2)
    add_notifications(app, other_member.id, 1)
    assert read(app, inbox.mark_all_read, member.id) == 2
    assert read(app, inbox.unread_count, member.id) == 0
    assert read(app, inbox.unread_count, other_member.id) == 1
