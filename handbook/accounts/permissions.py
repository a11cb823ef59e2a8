"""What a user may do, computed from the database on every request: roles held,
units visible. Pure: no request, no session cookie; access.py wraps it for Flask."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from handbook.accounts.models import Membership, RoleGrant, Unit, User
from handbook.accounts.vocabulary import (
    ADMIN,
    CELL_ROLES,
    COMMITTEE_VIEWER,
    MEMBER,
    PRIVILEGED_ROLES,
)
from handbook.errors import NotFound


@dataclass(frozen=True)
class Grant:
    role: str
    unit_id: int | None
    unit_path: str | None


@dataclass(frozen=True)
class Permissions:
    user_id: int | None
    grants: tuple[Grant, ...] = field(default_factory=tuple)
    cell_id: int | None = None

    @property
    def roles(self) -> frozenset[str]:
        if self.user_id is None:
            return frozenset()
        return frozenset(g.role for g in self.grants) | {MEMBER}

    def has_any(self, roles) -> bool:
        return bool(self.roles & set(roles))

    @property
    def is_admin(self) -> bool:
        return ADMIN in self.roles

    @property
    def is_privileged(self) -> bool:
        return bool(self.roles & PRIVILEGED_ROLES)

    def can_view_unit(self, unit: Unit) -> bool:
        """Admins see every unit; committee viewers their unit's subtree;
        secretaries and deputies their own cell only."""
        if self.is_admin:
            return True
        for grant in self.grants:
            if grant.role == COMMITTEE_VIEWER and unit.path.startswith(grant.unit_path or "\0"):
                return True
            if grant.role in CELL_ROLES and grant.unit_id == unit.id:
                return True
        return False

    @property
    def scope_unit_ids(self) -> list[int]:
        """The units at the top of what this user may see (not their subtrees)."""
        return sorted({g.unit_id for g in self.grants
                       if g.unit_id and (g.role == COMMITTEE_VIEWER or g.role in CELL_ROLES)})


ANONYMOUS = Permissions(None)


# Built once: this runs on every request, and building a statement costs more than running it.
_GRANTS = (
    select(RoleGrant.role, RoleGrant.unit_id, Unit.path)
    .outerjoin(Unit, Unit.id == RoleGrant.unit_id)
    .where(RoleGrant.user_id == bindparam("user_id"))
    .where((RoleGrant.unit_id.is_(None)) | (Unit.active.is_(True)))
)
_CURRENT_CELL = select(Membership.unit_id).where(
    Membership.user_id == bindparam("user_id"), Membership.ended_at.is_(None))


def load(session: Session, user: User | None) -> Permissions:
    """Read the user's grants now; nothing is cached in the session cookie, so a
    role revoked or a secretary transferred takes effect on the next request."""
    if user is None or not user.active:
        return ANONYMOUS
    params = {"user_id": user.id}
    rows = session.execute(_GRANTS, params)
    cell_id = session.scalar(_CURRENT_CELL, params)
    return Permissions(user.id, tuple(Grant(*row) for row in rows), cell_id)


def visible_unit(session: Session, permissions: Permissions, unit_id: int) -> Unit:
    """The unit if this user may see it. Units out of scope raise NotFound, exactly
    like units that do not exist, so guessed ids reveal nothing."""
    unit = session.get(Unit, unit_id) if 0 < unit_id < 2**31 else None
    if unit is None or not permissions.can_view_unit(unit):
        raise NotFound("Không tìm thấy đơn vị.")
    return unit
