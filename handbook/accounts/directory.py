"""Read side of the organisation for the people allowed to see it: a unit with its
trail, sub-units and members, and the units at the top of one's scope."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from handbook.accounts import members, units
from handbook.accounts.models import Unit, User
from handbook.accounts.permissions import Permissions


@dataclass(frozen=True)
class UnitOverview:
    unit: Unit
    trail: list[Unit]
    children: list[Unit]
    counts: dict[int, int]
    members: list[User]


def overview(session: Session, perms: Permissions, unit: Unit) -> UnitOverview:
    """The caller has already checked that perms may view unit."""
    trail = [u for u in units.ancestors(session, unit) if perms.can_view_unit(u)]
    children = units.children(session, unit.id)
    counts = units.member_counts(session, [c.id for c in children] + [unit.id])
    return UnitOverview(unit, trail, children, counts, members.members_of(session, unit.id))


def scope_roots(session: Session, perms: Permissions) -> list[Unit]:
    if perms.is_admin:
        return units.children(session, None)
    ids = perms.scope_unit_ids
    if not ids:
        return []
    return list(
        session.scalars(select(Unit).where(Unit.id.in_(ids), Unit.active.is_(True)).order_by(Unit.path))
    )
