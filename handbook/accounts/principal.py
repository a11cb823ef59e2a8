"""The signed-in user as a request sees them: who they are, whether their session
still holds, what they may do, and the counts other features add (how many
notifications await them), read in one query on every request.

Not an ORM object on purpose: the gate runs on every page, and one plain query is
several times cheaper than loading a User and then its grants and cell."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from sqlalchemy import ColumnElement, Row, Select, bindparam, select
from sqlalchemy.orm import Session

from handbook.accounts.models import ApiToken, Membership, RoleGrant, Unit, User
from handbook.accounts.permissions import ANONYMOUS, Grant, Permissions

_users, _grants, _units = User.__table__.c, RoleGrant.__table__.c, Unit.__table__.c
_memberships, _tokens = Membership.__table__.c, ApiToken.__table__.c

_CURRENT_CELL = (
    select(_memberships.unit_id)
    .where(_memberships.user_id == _users.id, _memberships.ended_at.is_(None))
    .scalar_subquery()
)
# Counts a feature above accounts adds to this query (notifications: unread), each a
# scalar subquery correlated on users.id; registered when the app is made.
_COUNTS: dict[str, Callable[[ColumnElement], ColumnElement]] = {}


def count_each_request(name: str, count: Callable[[ColumnElement], ColumnElement]) -> None:
    """Read count(users.id) with the principal on every request, as counts[name]."""
    _COUNTS[name] = count
    _statements.cache_clear()


def _with_grants(stmt):
    return stmt.outerjoin(RoleGrant.__table__, _grants.user_id == _users.id).outerjoin(
        Unit.__table__, _units.id == _grants.unit_id
    )


@cache
def _statements() -> tuple[Select, Select]:
    """The principal by user id, and by API token with the token's row. Built once
    (again only when a count is registered): building costs more than running."""
    columns = (
        _users.id,
        _users.username,
        _users.full_name,
        _users.session_version,
        _users.active,
        _users.is_demo,
        _users.totp_secret.is_not(None).label("has_totp"),
        _CURRENT_CELL.label("cell_id"),
        *(count(_users.id).label(f"count_{name}") for name, count in _COUNTS.items()),
        _grants.role,
        _grants.unit_id,
        _units.path.label("unit_path"),
        _units.active.label("unit_active"),
    )
    by_id = _with_grants(select(*columns).select_from(User.__table__)).where(
        _users.id == bindparam("user_id")
    )
    by_token = _with_grants(
        select(
            *columns,
            _tokens.id.label("token_id"),
            _tokens.expires_at.label("token_expires_at"),
            _tokens.last_used_at.label("token_used_at"),
        ).select_from(ApiToken.__table__.join(User.__table__, _users.id == _tokens.user_id))
    ).where(_tokens.token_hash == bindparam("digest"), _tokens.revoked_at.is_(None))
    return by_id, by_token


@dataclass(frozen=True)
class Principal:
    """Implements what Flask-Login asks of a user, and nothing that writes."""

    id: int
    username: str
    full_name: str
    session_version: str
    active: bool
    is_demo: bool
    has_totp: bool
    permissions: Permissions
    counts: tuple[tuple[str, int], ...] = ()  # see count_each_request

    def count(self, name: str) -> int:
        return dict(self.counts).get(name, 0)

    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"


def load(session: Session, user_id: int) -> Principal | None:
    """The user with their grants (only those on active units, or unit-less) and
    current cell; None if there is no such user."""
    rows = session.connection().execute(_statements()[0], {"user_id": user_id}).all()
    return _principal(rows) if rows else None


def load_by_token(session: Session, digest: str) -> tuple[Principal, Row] | None:
    """The owner of the unrevoked token with this digest, and the token's row (its
    token_id, token_expires_at and token_used_at); None if there is none."""
    rows = session.connection().execute(_statements()[1], {"digest": digest}).all()
    return (_principal(rows), rows[0]) if rows else None


def _principal(rows) -> Principal:
    first = rows[0]
    grants = tuple(
        Grant(row.role, row.unit_id, row.unit_path)
        for row in rows
        if row.role is not None and (row.unit_id is None or row.unit_active)
    )
    permissions = Permissions(first.id, grants, first.cell_id) if first.active else ANONYMOUS
    return Principal(
        first.id,
        first.username,
        first.full_name,
        first.session_version,
        bool(first.active),
        bool(first.is_demo),
        bool(first.has_totp),
        permissions,
        tuple((name, getattr(first, f"count_{name}") or 0) for name in _COUNTS),
    )


def permissions_of(session: Session, user_id: int) -> Permissions:
    """What the user may do now; ANONYMOUS for unknown or deactivated users."""
    found = load(session, user_id)
    return found.permissions if found else ANONYMOUS
