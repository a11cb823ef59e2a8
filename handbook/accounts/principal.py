"""The signed-in user as a request sees them: who they are, whether their session
still holds, what they may do and how many notifications await them, read in one
query on every request.

Not an ORM object on purpose: the gate runs on every page, and one plain query is
several times cheaper than loading a User and then its grants and cell."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Row, bindparam, func, select
from sqlalchemy.orm import Session

from handbook.accounts.models import ApiToken, Membership, RoleGrant, Unit, User
from handbook.accounts.permissions import ANONYMOUS, Grant, Permissions
from handbook.notifications.models import Notification

_users, _grants, _units = User.__table__.c, RoleGrant.__table__.c, Unit.__table__.c
_memberships, _notifications = Membership.__table__.c, Notification.__table__.c
_tokens = ApiToken.__table__.c

# Built once: building a statement costs more than running it.
_CURRENT_CELL = (select(_memberships.unit_id)
                 .where(_memberships.user_id == _users.id, _memberships.ended_at.is_(None))
                 .scalar_subquery())
_UNREAD = (select(func.count())
           .where(_notifications.user_id == _users.id, _notifications.read_at.is_(None))
           .scalar_subquery())
_COLUMNS = (_users.id, _users.username, _users.full_name, _users.session_version,
            _users.active, _users.is_demo, _users.totp_secret.is_not(None).label("has_totp"),
            _CURRENT_CELL.label("cell_id"), _UNREAD.label("unread"),
            _grants.role, _grants.unit_id, _units.path.label("unit_path"),
            _units.active.label("unit_active"))


def _with_grants(stmt):
    return (stmt.outerjoin(RoleGrant.__table__, _grants.user_id == _users.id)
            .outerjoin(Unit.__table__, _units.id == _grants.unit_id))


_PRINCIPAL = _with_grants(select(*_COLUMNS).select_from(User.__table__)) \
    .where(_users.id == bindparam("user_id"))
# The API's bearer token and its owner in the same single query.
_BY_TOKEN = _with_grants(
    select(*_COLUMNS, _tokens.id.label("token_id"), _tokens.expires_at.label("token_expires_at"),
           _tokens.last_used_at.label("token_used_at"))
    .select_from(ApiToken.__table__.join(User.__table__, _users.id == _tokens.user_id))
).where(_tokens.token_hash == bindparam("digest"), _tokens.revoked_at.is_(None))


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
    unread_notifications: int = 0

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
    rows = session.connection().execute(_PRINCIPAL, {"user_id": user_id}).all()
    return _principal(rows) if rows else None


def load_by_token(session: Session, digest: str) -> tuple[Principal, Row] | None:
    """The owner of the unrevoked token with this digest, and the token's row (its
    token_id, token_expires_at and token_used_at); None if there is none."""
    rows = session.connection().execute(_BY_TOKEN, {"digest": digest}).all()
    return (_principal(rows), rows[0]) if rows else None


def _principal(rows) -> Principal:
    first = rows[0]
    grants = tuple(Grant(row.role, row.unit_id, row.unit_path) for row in rows
                   if row.role is not None and (row.unit_id is None or row.unit_active))
    permissions = Permissions(first.id, grants, first.cell_id) if first.active else ANONYMOUS
    return Principal(first.id, first.username, first.full_name, first.session_version,
                     bool(first.active), bool(first.is_demo), bool(first.has_totp), permissions,
                     first.unread)


def permissions_of(session: Session, user_id: int) -> Permissions:
    """What the user may do now; ANONYMOUS for unknown or deactivated users."""
    found = load(session, user_id)
    return found.permissions if found else ANONYMOUS
