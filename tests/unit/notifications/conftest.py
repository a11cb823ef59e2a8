"""Fixtures of the notification tests: a one-document campaign for the grassroots
committee's cells, a secretary of cell A, and members who have or have not completed it."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from handbook.accounts import principal
from handbook.accounts.audit import Actor
from handbook.accounts.permissions import Permissions
from handbook.accounts.vocabulary import SECRETARY
from handbook.app_db import get_db
from handbook.notifications import reminders
from handbook.notifications.models import Notification
from handbook.notifications.reminders import ReminderResult
from tests import factories
from tests.unit.study.helpers import complete, make_campaign

QD37 = "quy-dinh-37"


def permissions(app, user_id: int) -> Permissions:
    with app.app_context(), get_db(app).transaction() as tx:
        return principal.permissions_of(tx, user_id)


def send(app, sender, unit_id: int, campaign_id: int, now: datetime | None = None) -> ReminderResult:
    """sender: (user, permissions), as the secretary fixtures give."""
    user, perms = sender
    with app.app_context(), get_db(app).transaction() as tx:
        return reminders.send_reminders(tx, Actor(user.id, user.username), perms, unit_id, campaign_id, now)


def notifications_of(app, user_id: int) -> list[Notification]:
    with app.app_context(), get_db(app).transaction() as tx:
        return list(
            tx.scalars(select(Notification).where(Notification.user_id == user_id).order_by(Notification.id))
        )


@pytest.fixture
def campaign(library, tree):
    return make_campaign(library, [tree.grassroots], [QD37], title="Học tập Quy định 37")


@pytest.fixture
def secretary(library, tree, campaign):
    """Secretary of cell A, who has completed the campaign."""
    user = factories.make_user(
        library,
        "tran.thi.binh",
        cell=tree.cell_a,
        grants=((SECRETARY, tree.cell_a),),
        full_name="Trần Thị Bình",
    )
    complete(library, user.id, QD37)
    return user, permissions(library, user.id)


@pytest.fixture
def finished(library, tree, campaign):
    """A member of cell A who has completed the campaign."""
    user = factories.make_user(library, "pham.van.dat", cell=tree.cell_a, full_name="Phạm Văn Đạt")
    complete(library, user.id, QD37)
    return user


@pytest.fixture
def other_member(library, tree):
    return factories.make_user(library, "le.thi.hoa", cell=tree.cell_b, full_name="Lê Thị Hoa")
