"""Membership of cells: placing a member, transfers (chuyển sinh hoạt đảng), history."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook.accounts import audit
from handbook.accounts.audit import Actor
from handbook.accounts.models import Membership, RoleGrant, Unit, User
from handbook.accounts.vocabulary import CELL_ROLES, MEMBER_UNIT_KINDS
from handbook.clock import utcnow
from handbook.errors import Conflict, Invalid, NotFound, Problem


def current(session: Session, user_id: int) -> Membership | None:
    return session.scalar(
        select(Membership).where(Membership.user_id == user_id, Membership.ended_at.is_(None))
    )


def history(session: Session, user_id: int) -> list[Membership]:
    return list(
        session.scalars(
            select(Membership)
            .where(Membership.user_id == user_id)
            .order_by(Membership.started_at, Membership.id)
        )
    )


def _member_unit(session: Session, unit_id: int, field: str = "chi_bo") -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None or not unit.active:
        raise Invalid([Problem(field, "Không tìm thấy chi bộ (hoặc chi bộ đã giải thể).")])
    if unit.kind not in MEMBER_UNIT_KINDS:
        raise Invalid([Problem(field, "Đảng viên chỉ sinh hoạt ở chi bộ hoặc chi bộ cơ sở.")])
    return unit


def place(tx: Session, actor: Actor, user_id: int, unit_id: int) -> Membership:
    """Start the first membership of a user who has none."""
    unit = _member_unit(tx, unit_id)
    if current(tx, user_id):
        raise Conflict("Đảng viên đang sinh hoạt ở một chi bộ; hãy dùng chuyển sinh hoạt.")
    membership = Membership(user_id=user_id, unit_id=unit.id, started_at=utcnow())
    tx.add(membership)
    audit.record(tx, actor, "member.placed", "user", user_id, unit=unit.code)
    return membership


def transfer(
    tx: Session, actor: Actor, user_id: int, unit_id: int, reason: str = "chuyen_sinh_hoat"
) -> Membership:
    """Move a member to another cell. The old stay is closed, not deleted, and any
    secretary role held in the old cell ends at once."""
    if tx.get(User, user_id) is None:
        raise NotFound("Không tìm thấy tài khoản.")
    unit = _member_unit(tx, unit_id)
    old = current(tx, user_id)
    if old is None:
        return place(tx, actor, user_id, unit_id)
    if old.unit_id == unit.id:
        raise Invalid([Problem("chi_bo", "Đảng viên đang sinh hoạt ở chi bộ này.")])
    now = utcnow()
    old.ended_at, old.end_reason = now, reason
    tx.flush()  # the open-membership unique index must see the old one closed first
    membership = Membership(user_id=user_id, unit_id=unit.id, started_at=now)
    tx.add(membership)
    _end_cell_roles(tx, actor, user_id, old.unit_id)
    audit.record(
        tx, actor, "member.transferred", "user", user_id, old=old.unit.code, new=unit.code, reason=reason
    )
    return membership


def _end_cell_roles(tx: Session, actor: Actor, user_id: int, unit_id: int) -> None:
    grants = tx.scalars(
        select(RoleGrant).where(
            RoleGrant.user_id == user_id, RoleGrant.unit_id == unit_id, RoleGrant.role.in_(CELL_ROLES)
        )
    ).all()
    for grant in grants:
        audit.record(
            tx, actor, "role.revoked", "user", user_id, role=grant.role, unit_id=unit_id, reason="transferred"
        )
        tx.delete(grant)


def members_of(session: Session, unit_id: int) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.unit_id == unit_id, Membership.ended_at.is_(None))
            .order_by(User.full_name)
        )
    )
