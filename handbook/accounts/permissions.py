"""What a user may do: roles held, units visible. Read from the database on every
request (principal.py), never cached in the session cookie, so a role revoked or a
secretary transferred takes effect on the next request. No Flask here: access.py
wraps it for the web."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from handbook.accounts.models import Unit
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
        return sorted(
            {
                g.unit_id
                for g in self.grants
                if g.unit_id and (g.role == COMMITTEE_VIEWER or g.role in CELL_ROLES)
            }
        )


ANONYMOUS = Permissions(None)


def visible_unit(session: Session, permissions: Permissions, unit_id: int) -> Unit:
    """The unit if this user may see it. Units out of scope raise NotFound, exactly
    like units that do not exist, so guessed ids reveal nothing."""
    unit = session.get(Unit, unit_id) if 0 < unit_id < 2**31 else None
    if unit is None or not permissions.can_view_unit(unit):
        raise NotFound("Không tìm thấy đơn vị.")
    return unit
