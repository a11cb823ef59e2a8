"""Granting and revoking roles; who holds what, on which unit."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook.accounts import audit, members
from handbook.accounts.audit import Actor
from handbook.accounts.models import RoleGrant, Unit
from handbook.accounts.vocabulary import (
    ADMIN,
    CELL_ROLES,
    GLOBAL_ROLES,
    GRANTABLE_ROLES,
    MEMBER_UNIT_KINDS,
    ROLES,
)
from handbook.errors import Conflict, Invalid, NotFound, Problem


def grants_of(session: Session, user_id: int) -> list[RoleGrant]:
    return list(
        session.scalars(
            select(RoleGrant).where(RoleGrant.user_id == user_id).order_by(RoleGrant.role, RoleGrant.id)
        )
    )


def _grant_problems(session: Session, user_id: int, role: str, unit: Unit | None) -> list[Problem]:
    if role not in GRANTABLE_ROLES:
        return [Problem("vai_tro", "Vai trò không hợp lệ.")]
    if role in GLOBAL_ROLES:
        return [Problem("don_vi", f"{ROLES[role]} không gắn với đơn vị.")] if unit else []
    if unit is None or not unit.active:
        return [Problem("don_vi", "Cần chọn một đơn vị đang hoạt động.")]
    if role in CELL_ROLES:
        if unit.kind not in MEMBER_UNIT_KINDS:
            return [Problem("don_vi", "Bí thư, phó bí thư chỉ gắn với chi bộ.")]
        membership = members.current(session, user_id)
        if membership is None or membership.unit_id != unit.id:
            return [Problem("don_vi", "Người này không sinh hoạt ở chi bộ đó.")]
    return []


def grant(tx: Session, actor: Actor, user_id: int, role: str, unit_id: int | None = None) -> RoleGrant:
    unit = tx.get(Unit, unit_id) if unit_id else None
    if problems := _grant_problems(tx, user_id, role, unit):
        raise Invalid(problems)
    existing = tx.scalar(
        select(RoleGrant).where(
            RoleGrant.user_id == user_id,
            RoleGrant.role == role,
            RoleGrant.unit_id == unit_id if unit_id else RoleGrant.unit_id.is_(None),
        )
    )
    if existing:
        return existing
    row = RoleGrant(user_id=user_id, role=role, unit_id=unit.id if unit else None, granted_by=actor.user_id)
    tx.add(row)
    audit.record(tx, actor, "role.granted", "user", user_id, role=role, unit=unit.code if unit else None)
    return row


def revoke(tx: Session, actor: Actor, grant_id: int, user_id: int) -> None:
    """Revoke one grant of user_id; the last administrator cannot be removed."""
    row = tx.get(RoleGrant, grant_id)
    if row is None or row.user_id != user_id:
        raise NotFound("Không tìm thấy vai trò.")
    if row.role == ADMIN and len(tx.scalars(select(RoleGrant.id).where(RoleGrant.role == ADMIN)).all()) <= 1:
        raise Conflict("Không thể thu hồi quyền của quản trị viên cuối cùng.")
    audit.record(
        tx,
        actor,
        "role.revoked",
        "user",
        row.user_id,
        role=row.role,
        unit=row.unit.code if row.unit else None,
    )
    tx.delete(row)
