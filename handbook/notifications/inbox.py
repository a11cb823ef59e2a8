"""A member's notification list: newest first, unread ones counted, marked read by their
owner only (someone else's notification is NotFound, like one that does not exist)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from handbook.accounts import principal
from handbook.clock import utcnow
from handbook.errors import NotFound
from handbook.notifications.models import Notification

PER_PAGE = 20
UNREAD = "unread"


def _unread_of(user_id):
    return (
        select(func.count())
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .scalar_subquery()
    )


def count_unread_each_request() -> None:
    """The menu's badge: the unread count rides on the one query that loads the
    signed-in user (the index on user_id, read_at answers it)."""
    principal.count_each_request(UNREAD, _unread_of)


def unread_of(user) -> int:
    """The signed-in user's unread count, as loaded with them; 0 when signed out."""
    return user.count(UNREAD) if isinstance(user, principal.Principal) else 0


@dataclass(frozen=True)
class NotificationPage:
    items: list[Notification]
    total: int
    page: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def list_for(session: Session, user_id: int, page: int = 1, per_page: int = PER_PAGE) -> NotificationPage:
    page = max(page, 1)
    total = session.scalar(select(func.count()).where(Notification.user_id == user_id)) or 0
    items = session.scalars(
        select(Notification)
        .where(Notification.user_id == user_id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return NotificationPage(list(items), total, page, per_page)


def unread_count(session: Session, user_id: int) -> int:
    return (
        session.scalar(
            select(func.count()).where(Notification.user_id == user_id, Notification.read_at.is_(None))
        )
        or 0
    )


def mark_read(tx: Session, user_id: int, notification_id: int, now: datetime | None = None) -> Notification:
    """Marks the user's own notification read (the first time only); NotFound otherwise."""
    found = tx.get(Notification, notification_id) if 0 < notification_id < 2**31 else None
    if found is None or found.user_id != user_id:
        raise NotFound("Không tìm thấy thông báo.")
    if found.read_at is None:
        found.read_at = now or utcnow()
    return found


def mark_all_read(tx: Session, user_id: int, now: datetime | None = None) -> int:
    """How many notifications were unread and are now read."""
    result = tx.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=now or utcnow())
    )
    return result.rowcount
