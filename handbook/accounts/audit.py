"""The audit log: every change to accounts, units, roles and logins, with who and from where."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handbook.accounts.models import AuditEvent

_MAX_TEXT = 200


@dataclass(frozen=True)
class Actor:
    """Who acts, and from which address: passed into every service that writes."""

    user_id: int | None
    username: str
    ip: str = ""

    @classmethod
    def system(cls, name: str = "he-thong") -> Actor:
        return cls(None, name, "")


def _clean(value):
    # One line per value, bounded: audit details may echo user input.
    if isinstance(value, str):
        return "".join(ch if ch.isprintable() else " " for ch in value)[:_MAX_TEXT]
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def record(
    tx: Session, actor: Actor, action: str, target_type: str = "", target_id: int | None = None, **details
) -> AuditEvent:
    event = AuditEvent(
        actor_id=actor.user_id,
        actor=_clean(actor.username)[:64],
        action=action,
        target_type=target_type,
        target_id=target_id,
        details=_clean(details),
        ip=(actor.ip or "")[:45],
    )
    tx.add(event)
    return event


def recent(
    session: Session, page: int = 1, per_page: int = 50, action: str | None = None
) -> tuple[list[AuditEvent], int]:
    query = select(AuditEvent)
    if action:
        query = query.where(AuditEvent.action == action)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(AuditEvent.id.desc()).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return list(rows), total
